// Command bench compares full builds of Casefile and Hugo on the same
// synthetic corpus (see generator/internal/corpus) and writes the results as
// Markdown.
//
//	go run ./generator/cmd/bench                       # make bench
//	go run ./generator/cmd/bench -sizes 1000 -big 0 -runs 1
//
// For each size it writes bench/corpora/corpus-N if missing or incomplete,
// runs one untimed warm-up build of every contender (so the page cache holds
// the corpus), then the timed builds round-robin (casefile, hugo,
// hugo+related, casefile, ...), each into a fresh output folder of its own
// (the outputs are removed when the size is done), after sync(2). Per run it records wall time, CPU time
// (user+sys) and peak RSS of the process; the report gives medians, and
// Casefile's ratios to each Hugo variant. The big size is built by Casefile
// alone. The Hugo site is bench/hugo (related.yaml adds related incidents).
// Casefile runs with GODEBUG=gctrace=1, so that the report can also give,
// per 1,000 incidents, how much of its CPU time the garbage collector took.
// Around every run the harness times a fixed piece of work of its own (the
// speed probe, probe.go), so that the report shows how fast the machine was
// at each run.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"casefile/generator/internal/corpus"
	"casefile/generator/internal/hugeheap"
)

// Contender names.
const (
	nameCasefile = "casefile"
	nameHugo     = "hugo"
	nameRelated  = "hugo+related"
)

type config struct {
	Sizes    []int  // compared with Hugo
	Big      int    // Casefile alone; 0 skips
	Runs     int    // timed runs per contender and size
	Related  bool   // also run hugo+related
	Corpora  string // where corpora and outputs are written
	Out      string // Markdown report
	Casefile string // casefile binary
	Hugo     string // hugo binary
	HugoSite string // the Hugo site (hugo.yaml, related.yaml, layouts)
	Command  string // the command line, for the report
}

func main() {
	var cfg config
	sizes := flag.String("sizes", "1000,10000", "corpus sizes compared with Hugo, comma-separated")
	flag.IntVar(&cfg.Big, "big", 100000, "corpus size built by Casefile alone (0 skips)")
	flag.IntVar(&cfg.Runs, "runs", 3, "timed runs per contender and size")
	flag.BoolVar(&cfg.Related, "related", true, "also run Hugo with related incidents (bench/hugo/related.yaml)")
	flag.StringVar(&cfg.Corpora, "corpora", filepath.Join("bench", "corpora"), "folder for corpora and build outputs")
	flag.StringVar(&cfg.Out, "out", filepath.Join("bench", "RESULTS.md"), "Markdown report to write")
	flag.StringVar(&cfg.Casefile, "casefile", filepath.Join("bin", "casefile"), "casefile binary")
	flag.StringVar(&cfg.Hugo, "hugo", "hugo", "hugo binary")
	flag.StringVar(&cfg.HugoSite, "hugosite", filepath.Join("bench", "hugo"), "the Hugo site")
	flag.Parse()
	var err error
	if cfg.Sizes, err = parseSizes(*sizes); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(2)
	}
	cfg.Command = commandLine(os.Args)
	if err := run(cfg, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func parseSizes(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		n, err := strconv.Atoi(f)
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("-sizes: %q is not a positive number", f)
		}
		out = append(out, n)
	}
	return out, nil
}

// commandLine is how the harness was started, as it can be typed again: a
// binary built by go run is shown as the go run command.
func commandLine(args []string) string {
	prog := args[0]
	if strings.Contains(prog, "go-build") {
		prog = "go run ./generator/cmd/bench"
	}
	parts := []string{prog}
	for _, a := range args[1:] {
		if a == "" || strings.ContainsAny(a, " \t\n'\"\\$`*?;&|<>()") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		parts = append(parts, a)
	}
	return strings.Join(parts, " ")
}

// Run is the measurement of one build.
type Run struct {
	Wall time.Duration
	CPU  time.Duration // user + system
	RSS  int64         // peak resident set size, KiB

	// GC is the garbage collector's CPU time and GCs the number of
	// collections, from the runtime's gctrace lines (Casefile only: traced).
	GC     time.Duration
	GCs    int
	Traced bool

	// CachesDropped: the page cache was emptied before the run (freshCaches).
	CachesDropped bool

	// ProbeBefore and ProbeAfter are the speed probe's times (speedProbe)
	// right before the run and right after it.
	ProbeBefore, ProbeAfter time.Duration
}

// Probe is the mean of the run's two speed probes: how fast the machine
// was then.
func (r Run) Probe() time.Duration { return (r.ProbeBefore + r.ProbeAfter) / 2 }

// Series is every timed run of one contender at one size.
type Series struct {
	Size      int
	Contender string
	Runs      []Run
}

// contender is one way of building a corpus.
type contender struct {
	name string
	cmd  func(corpusDir, outDir string) *exec.Cmd
	// gcTrace: a Go program whose collector's CPU time is measured (see
	// traceGC).
	gcTrace bool
}

func contenders(cfg config, withHugo bool) []contender {
	cs := []contender{{name: nameCasefile, gcTrace: true, cmd: func(src, out string) *exec.Cmd {
		return exec.Command(cfg.Casefile, "build", "-s", src, "-o", out, "-q")
	}}}
	if !withHugo {
		return cs
	}
	hugo := func(configs string) func(src, out string) *exec.Cmd {
		return func(src, out string) *exec.Cmd {
			return exec.Command(cfg.Hugo, "--quiet", "--noBuildLock", "--source", cfg.HugoSite, "--config", configs,
				"--contentDir", filepath.Join(src, "content"), "--destination", out)
		}
	}
	cs = append(cs, contender{name: nameHugo, cmd: hugo(filepath.Join(cfg.HugoSite, "hugo.yaml"))})
	if cfg.Related {
		cs = append(cs, contender{name: nameRelated, cmd: hugo(filepath.Join(cfg.HugoSite, "hugo.yaml") + "," + filepath.Join(cfg.HugoSite, "related.yaml"))})
	}
	return cs
}

func run(cfg config, stdout, stderr io.Writer) error {
	if cfg.Runs < 1 {
		return errors.New("-runs must be at least 1")
	}
	if len(cfg.Sizes) == 0 && cfg.Big <= 0 {
		return errors.New("nothing to do: no -sizes and -big 0")
	}
	// Every path is made absolute: Hugo resolves relative ones against --source.
	for _, p := range []*string{&cfg.Corpora, &cfg.Out, &cfg.HugoSite} {
		abs, err := filepath.Abs(*p)
		if err != nil {
			return err
		}
		*p = abs
	}
	var err error
	if cfg.Casefile, err = lookBinary(cfg.Casefile); err != nil {
		return fmt.Errorf("casefile binary: %w (run make build)", err)
	}
	if len(cfg.Sizes) > 0 {
		if cfg.Hugo, err = lookBinary(cfg.Hugo); err != nil {
			return fmt.Errorf("hugo binary: %w (run make bench-deps)", err)
		}
		if _, err := os.Stat(filepath.Join(cfg.HugoSite, "hugo.yaml")); err != nil {
			return fmt.Errorf("hugo site: %w", err)
		}
	}
	machine := describeMachine(cfg)
	start := time.Now()

	type job struct {
		size     int
		withHugo bool
	}
	var jobs []job
	for _, n := range cfg.Sizes {
		jobs = append(jobs, job{n, true})
	}
	if cfg.Big > 0 && !slices.Contains(cfg.Sizes, cfg.Big) {
		jobs = append(jobs, job{cfg.Big, false})
	}
	var all []Series
	for _, j := range jobs {
		series, err := benchSize(cfg, j.size, contenders(cfg, j.withHugo), stderr)
		if err != nil {
			return err
		}
		all = append(all, series...)
	}

	tables := resultsTable(all)
	if lin := linearity(all); lin != "" {
		tables += "\n" + lin
	}
	if g := growthTable(all); g != "" {
		tables += "\n" + g
	}
	fmt.Fprint(stdout, tables)
	report := renderReport(cfg, machine, start, tables, all)
	if err := os.MkdirAll(filepath.Dir(cfg.Out), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(cfg.Out, []byte(report), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "wrote %s\n", cfg.Out)
	return nil
}

// lookBinary resolves a binary as exec does (a name with a slash is a path)
// and makes it absolute.
func lookBinary(name string) (string, error) {
	p, err := exec.LookPath(name)
	if err != nil {
		return "", err
	}
	return filepath.Abs(p)
}

// benchSize builds the corpus of size n with every contender: one untimed
// warm-up each, then cfg.Runs timed runs each, round-robin.
func benchSize(cfg config, n int, cs []contender, progress io.Writer) ([]Series, error) {
	dir := filepath.Join(cfg.Corpora, fmt.Sprintf("corpus-%d", n))
	t0 := time.Now()
	written, err := corpus.Write(dir, n)
	if err != nil {
		return nil, fmt.Errorf("writing corpus %s: %w", dir, err)
	}
	fmt.Fprintf(progress, "%d corpus %s: %d of %d incident files written in %s\n", n, dir, written, n, fmtDur(time.Since(t0)))

	// Every run writes into a folder of its own, removed only when the size
	// is done. Deleting the previous output right before a run would make
	// that run slow for reasons of the file system, not of the generator:
	// ext4 skips inodes deleted in the last seconds (recently_deleted) when
	// it allocates new ones, and on this kind of machine 30,000 file
	// creations just after 30,000 deletions took 5 s instead of 1 s.
	var outs []string
	outDir := func(c contender, run string) string {
		d := filepath.Join(cfg.Corpora, fmt.Sprintf("out-%d-%s-%s", n, strings.ReplaceAll(c.name, "+", "-"), run))
		outs = append(outs, d)
		return d
	}
	defer func() {
		for _, d := range outs {
			os.RemoveAll(d)
		}
		syscall.Sync()
	}()
	for _, c := range cs {
		r, err := buildOnce(c, dir, outDir(c, "warmup"))
		if err != nil {
			return nil, fmt.Errorf("%d %s warm-up: %w", n, c.name, err)
		}
		fmt.Fprintf(progress, "%d %s warm-up: %s\n", n, c.name, fmtRun(r))
	}
	series := make([]Series, len(cs))
	for i, c := range cs {
		series[i] = Series{Size: n, Contender: c.name}
	}
	for k := 1; k <= cfg.Runs; k++ {
		for i, c := range cs {
			r, err := buildOnce(c, dir, outDir(c, strconv.Itoa(k)))
			if err != nil {
				return nil, fmt.Errorf("%d %s run %d/%d: %w", n, c.name, k, cfg.Runs, err)
			}
			series[i].Runs = append(series[i].Runs, r)
			fmt.Fprintf(progress, "%d %s run %d/%d: %s\n", n, c.name, k, cfg.Runs, fmtRun(r))
		}
	}
	return series, nil
}

func fmtRun(r Run) string {
	s := fmt.Sprintf("%.2fs (CPU %.2fs, peak RSS %s", r.Wall.Seconds(), r.CPU.Seconds(), fmtRSS(r.RSS))
	if r.Traced {
		s += fmt.Sprintf(", collector %.2fs in %d collections", r.GC.Seconds(), r.GCs)
	}
	return s + fmt.Sprintf("; speed probe %s: %s before, %s after)", fmtDur(r.Probe()), fmtDur(r.ProbeBefore), fmtDur(r.ProbeAfter))
}

// buildOnce runs one build into the fresh folder out and measures it. A
// failed build is an error carrying its output.
//
// Before the timer starts, sync(2) writes back everything dirty (the
// previous run's output), so that no run pays for its predecessor's
// writeback, and freshCaches empties the page cache, so that no run pays
// for its predecessors' outputs filling memory.
func buildOnce(c contender, corpusDir, out string) (Run, error) {
	if err := os.RemoveAll(out); err != nil {
		return Run{}, err
	}
	syscall.Sync()
	cmd := c.cmd(corpusDir, out)
	// Warm again: the corpus, the program and every file or folder its
	// arguments name (the Hugo site, its configuration).
	warm := []string{corpusDir, cmd.Path}
	for _, a := range cmd.Args[1:] {
		if _, err := os.Stat(a); err == nil {
			warm = append(warm, a)
		}
	}
	if c.gcTrace {
		cmd.Env = traceGC(os.Environ())
	}
	dropped := freshCaches(warm...)
	before, err := speedProbe()
	if err != nil {
		return Run{}, fmt.Errorf("speed probe: %w", err)
	}
	var output bytes.Buffer
	cmd.Stdout = &output
	cmd.Stderr = &output
	start := time.Now()
	err = cmd.Run()
	wall := time.Since(start)
	gc, gcs, rest := collectorCPU(output.String())
	if err != nil {
		return Run{}, fmt.Errorf("%s: %w\n%s", strings.Join(cmd.Args, " "), err, tail(rest, 8000))
	}
	after, err := speedProbe()
	if err != nil {
		return Run{}, fmt.Errorf("speed probe: %w", err)
	}
	r := Run{Wall: wall, CachesDropped: dropped, ProbeBefore: before, ProbeAfter: after}
	if c.gcTrace {
		r.GC, r.GCs, r.Traced = gc, gcs, true
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.CPU = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
		r.RSS = int64(ru.Maxrss)
		if runtime.GOOS == "darwin" { // bytes there, KiB on Linux
			r.RSS /= 1024
		}
	}
	return r, nil
}

// traceGC returns env with gctrace=1 added to GODEBUG (kept, if set, with
// its other settings), so that the Go runtime prints a line per collection
// on standard error.
func traceGC(env []string) []string {
	out := make([]string, 0, len(env)+1)
	debug := "gctrace=1"
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "GODEBUG="); ok {
			if v != "" {
				debug = v + "," + debug
			}
			continue
		}
		out = append(out, kv)
	}
	return append(out, "GODEBUG="+debug)
}

// collectorCPU sums the CPU times of the collections that the gctrace lines
// in out report, and returns out without those lines. A line reads
//
//	gc 7 @0.412s 3%: 0.021+1.5+0.004 ms clock, 0.043+0.31/1.2/0.9+0.008 ms cpu, 4->5->2 MB, …
//
// and its "ms cpu" field is the stop-the-world sweep termination, then mark
// assists / background marking / idle-time marking, then mark termination:
// all of them are the collector's CPU time (idle-time marking runs on cores
// the program leaves idle, but is counted in the process's CPU time too).
func collectorCPU(out string) (total time.Duration, n int, rest string) {
	var keep strings.Builder
	for line := range strings.Lines(out) {
		ms, ok := gcLineCPU(line)
		if !ok {
			keep.WriteString(line)
			continue
		}
		total += time.Duration(ms * float64(time.Millisecond))
		n++
	}
	return total, n, keep.String()
}

// gcLineCPU is the CPU time, in milliseconds, of the collection a gctrace
// line reports; false for any other line.
func gcLineCPU(line string) (float64, bool) {
	if !strings.HasPrefix(line, "gc ") {
		return 0, false
	}
	_, after, ok := strings.Cut(line, " ms clock, ")
	if !ok {
		return 0, false
	}
	field, _, ok := strings.Cut(after, " ms cpu")
	if !ok {
		return 0, false
	}
	var sum float64
	for _, f := range strings.FieldsFunc(field, func(r rune) bool { return r == '+' || r == '/' }) {
		v, err := strconv.ParseFloat(f, 64)
		if err != nil {
			return 0, false
		}
		sum += v
	}
	return sum, true
}

// freshCaches asks Linux to drop its clean page cache (root only; false
// otherwise), then reads every file under warm once (the corpus, the
// program, its site), so that each run starts with memory free and its
// input and program cached, as an author's edit-and-build loop does.
// Without it the outputs of earlier runs (gigabytes at 100,000 incidents)
// fill memory, and later runs share the cores with the kernel's page
// reclaim, whichever contender they are.
func freshCaches(warm ...string) bool {
	if runtime.GOOS != "linux" || os.WriteFile("/proc/sys/vm/drop_caches", []byte("1"), 0) != nil {
		return false
	}
	// Read through one small buffer: the child's peak RSS (wait4's
	// ru_maxrss) starts from this process's own when it is forked, so
	// reading whole files here would show in the first contender's figure
	// at small sizes.
	buf := make([]byte, 64<<10)
	for _, root := range warm {
		_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err == nil && d.Type().IsRegular() {
				if f, err := os.Open(p); err == nil {
					_, _ = io.CopyBuffer(io.Discard, struct{ io.Reader }{f}, buf)
					f.Close()
				}
			}
			return nil
		})
	}
	return true
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}

// median of xs (the mean of the middle two for an even count; 0 for none).
func median[T ~int64](xs []T) T {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	m := len(s) / 2
	if len(s)%2 == 1 {
		return s[m]
	}
	return (s[m-1] + s[m]) / 2
}

// Summary is the medians of a Series.
type Summary struct {
	Size      int
	Contender string
	Wall, CPU time.Duration
	RSS       int64 // KiB
	N         int

	GC     time.Duration // the collector's CPU time, when traced
	GCs    int           // collections, when traced
	Traced bool

	Probe time.Duration // the speed probe
}

func summarize(s Series) Summary {
	walls := make([]time.Duration, len(s.Runs))
	cpus := make([]time.Duration, len(s.Runs))
	rss := make([]int64, len(s.Runs))
	probes := make([]time.Duration, len(s.Runs))
	for i, r := range s.Runs {
		walls[i], cpus[i], rss[i], probes[i] = r.Wall, r.CPU, r.RSS, r.Probe()
	}
	sum := Summary{Size: s.Size, Contender: s.Contender, Wall: median(walls), CPU: median(cpus), RSS: median(rss), N: len(s.Runs), Probe: median(probes)}
	if len(s.Runs) > 0 && s.Runs[0].Traced {
		gcs := make([]time.Duration, len(s.Runs))
		counts := make([]int64, len(s.Runs))
		for i, r := range s.Runs {
			gcs[i], counts[i] = r.GC, int64(r.GCs)
		}
		sum.GC, sum.GCs, sum.Traced = median(gcs), int(median(counts)), true
	}
	return sum
}

// ratio is a / b formatted as a factor, or "—" without a b.
func ratio(a, b float64) string {
	if b == 0 {
		return "—"
	}
	return fmt.Sprintf("%.2f×", a/b)
}

func fmtDur(d time.Duration) string {
	switch {
	case d < time.Second:
		return fmt.Sprintf("%d ms", d.Round(time.Millisecond).Milliseconds())
	case d < 100*time.Second:
		return fmt.Sprintf("%.2f s", d.Seconds())
	default:
		return fmt.Sprintf("%.1f s", d.Seconds())
	}
}

func fmtRSS(kib int64) string {
	mib := float64(kib) / 1024
	if mib < 100 {
		return fmt.Sprintf("%.1f MiB", mib)
	}
	return fmt.Sprintf("%.0f MiB", mib)
}

// thousands writes n with comma separators: 100000 → "100,000".
func thousands(n int) string {
	s := strconv.Itoa(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// resultsTable is the Markdown table of the medians of every series, in
// order, with Casefile's wall and RSS ratios to each other contender of the
// same size (Casefile's median divided by that contender's).
func resultsTable(all []Series) string {
	var b strings.Builder
	b.WriteString("| Incidents | Contender | Runs | Wall (median) | CPU user+sys (median) | Peak RSS (median) | Casefile wall ÷ this | Casefile RSS ÷ this |\n")
	b.WriteString("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	base := map[int]Summary{}
	for _, s := range all {
		if s.Contender == nameCasefile {
			base[s.Size] = summarize(s)
		}
	}
	for _, s := range all {
		m := summarize(s)
		wallRatio, rssRatio := "—", "—"
		if cf, ok := base[s.Size]; ok && s.Contender != nameCasefile {
			wallRatio = ratio(cf.Wall.Seconds(), m.Wall.Seconds())
			rssRatio = ratio(float64(cf.RSS), float64(m.RSS))
		}
		fmt.Fprintf(&b, "| %s | %s | %d | %s | %s | %s | %s | %s |\n", thousands(m.Size), m.Contender, m.N,
			fmtDur(m.Wall), fmtDur(m.CPU), fmtRSS(m.RSS), wallRatio, rssRatio)
	}
	return b.String()
}

// linearity is Casefile's median wall time per 1,000 incidents at each size.
func linearity(all []Series) string {
	var parts []string
	for _, s := range all {
		if s.Contender != nameCasefile || s.Size <= 0 {
			continue
		}
		parts = append(parts, fmt.Sprintf("%s → %s", thousands(s.Size), fmtDur(perThousand(summarize(s).Wall, s.Size))))
	}
	if len(parts) == 0 {
		return ""
	}
	return "Casefile wall time per 1,000 incidents (median ÷ size × 1,000): " + strings.Join(parts, " · ") + "\n"
}

// perThousand is d per 1,000 incidents of a corpus of size n.
func perThousand(d time.Duration, n int) time.Duration {
	return time.Duration(float64(d) * 1000 / float64(n))
}

// growthTable shows how Casefile's cost grows with the corpus: per 1,000
// incidents at each size, its median wall time, CPU time, and the
// collector's share of that CPU time (medians of the runs; none when the
// runs were not traced).
func growthTable(all []Series) string {
	var b strings.Builder
	for _, s := range all {
		m := summarize(s)
		if s.Contender != nameCasefile || s.Size <= 0 || !m.Traced {
			continue
		}
		if b.Len() == 0 {
			b.WriteString("| Incidents | Casefile wall per 1,000 | CPU per 1,000 | of which collector | without collector | Collections | Speed probe |\n")
			b.WriteString("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
		}
		per := func(d time.Duration) string { return fmtDur(perThousand(d, s.Size)) }
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %d | %s |\n", thousands(s.Size), per(m.Wall), per(m.CPU), per(m.GC), per(m.CPU-m.GC), m.GCs, fmtDur(m.Probe))
	}
	return b.String()
}

// runsTable lists every timed run.
func runsTable(all []Series) string {
	var b strings.Builder
	b.WriteString("| Incidents | Contender | Run | Wall | CPU user+sys | Peak RSS | Collector CPU | Speed probe |\n")
	b.WriteString("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	for _, s := range all {
		for i, r := range s.Runs {
			gc := "—"
			if r.Traced {
				gc = fmt.Sprintf("%s (%d)", fmtDur(r.GC), r.GCs)
			}
			fmt.Fprintf(&b, "| %s | %s | %d | %s | %s | %s | %s | %s |\n", thousands(s.Size), s.Contender, i+1, fmtDur(r.Wall), fmtDur(r.CPU), fmtRSS(r.RSS), gc, fmtDur(r.Probe()))
		}
	}
	return b.String()
}

// machine is what the report says about where it ran.
type machine struct {
	CPU, Memory, Kernel, THP, Go, Hugo, Casefile, Commit string
	Cores                                                int
}

func describeMachine(cfg config) machine {
	m := machine{
		CPU:    "unknown",
		Memory: "unknown",
		Kernel: "unknown",
		THP:    "unknown",
		Go:     runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH,
		Cores:  runtime.NumCPU(),
	}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPU = strings.TrimSpace(v)
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "MemTotal:"); ok {
				if f := strings.Fields(v); len(f) > 0 {
					if kb, err := strconv.ParseFloat(f[0], 64); err == nil {
						m.Memory = fmt.Sprintf("%.1f GiB", kb/(1<<20))
					}
				}
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = strings.TrimSpace(string(b))
	}
	if mode := hugeheap.Mode(); mode != "" {
		m.THP = mode
	}
	m.Casefile = output(cfg.Casefile, "version")
	m.Hugo = "not used"
	if len(cfg.Sizes) > 0 {
		m.Hugo = output(cfg.Hugo, "version")
	}
	m.Commit = output("git", "rev-parse", "--short", "HEAD")
	// --no-optional-locks: status must not refresh (write) the index.
	if st, err := exec.Command("git", "--no-optional-locks", "status", "--porcelain").Output(); err == nil {
		if len(bytes.TrimSpace(st)) > 0 {
			m.Commit += " (dirty tree: uncommitted changes)"
		} else {
			m.Commit += " (clean tree)"
		}
	}
	return m
}

// output is the trimmed output of a command, or "unknown".
func output(name string, args ...string) string {
	b, err := exec.Command(name, args...).Output()
	if s := strings.TrimSpace(string(b)); err == nil && s != "" {
		return s
	}
	return "unknown"
}

func renderReport(cfg config, m machine, start time.Time, tables string, all []Series) string {
	var b strings.Builder
	b.WriteString("# Build benchmark: Casefile and Hugo on the same corpus\n\n")
	fmt.Fprintf(&b, "Date: %s (took %s)\n\n", start.UTC().Format("2006-01-02 15:04 UTC"), fmtDur(time.Since(start)))
	fmt.Fprintf(&b, "Command: `%s`\n\n", cfg.Command)
	b.WriteString("## Machine\n\n")
	fmt.Fprintf(&b, "- CPU: %s, %d logical cores (runtime.NumCPU)\n", m.CPU, m.Cores)
	fmt.Fprintf(&b, "- Memory: %s (MemTotal)\n", m.Memory)
	fmt.Fprintf(&b, "- Kernel: %s\n", m.Kernel)
	fmt.Fprintf(&b, "- Transparent huge pages: %s (in \"madvise\" mode a Casefile build asks for them on its heap; Hugo does not)\n", m.THP)
	fmt.Fprintf(&b, "- Harness: %s\n", m.Go)
	fmt.Fprintf(&b, "- Casefile: `%s` (%s)\n", m.Casefile, cfg.Casefile)
	fmt.Fprintf(&b, "- Hugo: `%s`\n", m.Hugo)
	fmt.Fprintf(&b, "- Commit: %s\n\n", m.Commit)
	b.WriteString("## Method\n\n")
	b.WriteString("Corpora are written by `generator/internal/corpus` (the same files as `make corpus N=…`): " +
		"incidents of about 8 KB with YAML front matter (keywords, severity, actors, sectors, FAQ), headings, lists, a table, " +
		"two fenced code blocks and a body FAQ section. The Hugo site in `bench/hugo` renders the same pages " +
		"(incident pages with highlighting, FAQ and JSON-LD; keyword, actor, sector and severity term pages paginated by 30 and their indexes; " +
		"home, paginated incident list, sitemap, feeds, 404); `hugo+related` adds `bench/hugo/related.yaml` so every incident page also " +
		"lists its top 5 related incidents by keywords, as Casefile always does.\n\n")
	fmt.Fprintf(&b, "For each size, every contender first builds once untimed (warm-up, so the page cache holds the corpus), "+
		"then the contenders run round-robin (%s, …), %d timed run(s) each. "+
		"Every run builds into a fresh output folder of its own, after sync(2) has written back the previous run's files; the outputs are removed only when the size is done "+
		"(on ext4, creating files just after deleting as many is several times slower: the allocator skips recently deleted inodes). "+
		"%s"+
		"Wall time is measured around the process; CPU time is its user+system time and peak RSS its ru_maxrss, both from wait4's rusage. "+
		"The table gives medians of the %d runs; the ratios divide Casefile's median by the other contender's at the same size "+
		"(below 1 means Casefile is faster or smaller). "+
		"Casefile runs with GODEBUG=gctrace=1, which has the Go runtime print a line per garbage collection; the growth table sums the CPU times "+
		"those lines give (stop-the-world phases, mark assists, background and idle-time marking) as the collector's CPU time, "+
		"so that the cost that grows faster than the corpus can be told apart from the rest. "+
		"The machine's speed is measured next to every run: the speed probe is the harness itself rendering the bodies of %d corpus incidents %d times "+
		"with goldmark (GFM) on one goroutine, once right before the run and once right after; each run gives the mean of the two, "+
		"the growth table the median over a size's runs. The same work taking longer means a slower machine, whatever the build did.",
		strings.Join(contenderNames(cfg), ", "), cfg.Runs, cachesNote(all), cfg.Runs, probeDocs, probePasses)
	if cfg.Big > 0 {
		fmt.Fprintf(&b, " The %s-incident corpus is built by Casefile alone.", thousands(cfg.Big))
	}
	b.WriteString("\n\nCommands (CORPUS and OUT are absolute paths):\n\n```\n")
	for _, c := range contenders(cfg, len(cfg.Sizes) > 0) {
		env := ""
		if c.gcTrace {
			env = "GODEBUG=gctrace=1 "
		}
		fmt.Fprintf(&b, "%-13s %s%s\n", c.name, env, strings.Join(c.cmd("CORPUS", "OUT").Args, " "))
	}
	b.WriteString("```\n\n## Results\n\n")
	b.WriteString(tables)
	b.WriteString("\n## Every run\n\n")
	b.WriteString(runsTable(all))
	return b.String()
}

// cachesNote says whether the page cache was emptied before every run.
func cachesNote(all []Series) string {
	runs, dropped := 0, 0
	for _, s := range all {
		for _, r := range s.Runs {
			runs++
			if r.CachesDropped {
				dropped++
			}
		}
	}
	switch {
	case runs > 0 && dropped == runs:
		return "Before every run the page cache is emptied (drop_caches) and the corpus, the program and the files its arguments name are read once, so that every run starts with memory free and its input and program cached; otherwise the earlier runs' outputs fill memory and later runs share the cores with page reclaim. "
	case dropped == 0:
		return "The page cache could not be emptied between runs (not root): later runs may share the cores with page reclaim once earlier outputs fill memory. "
	default:
		return fmt.Sprintf("The page cache was emptied before %d of %d runs. ", dropped, runs)
	}
}

func contenderNames(cfg config) []string {
	var names []string
	for _, c := range contenders(cfg, len(cfg.Sizes) > 0) {
		names = append(names, c.name)
	}
	return names
}
