package main

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"casefile/generator/internal/corpus"
)

func ms(n int) time.Duration { return time.Duration(n) * time.Millisecond }

func TestMedian(t *testing.T) {
	odd := []time.Duration{ms(900), ms(300), ms(600)}
	s := slices.Sorted(slices.Values(odd))
	if got := median(odd); got != s[1] {
		t.Errorf("median(%v) = %v, want the middle one %v", odd, got, s[1])
	}
	if !slices.Equal(odd, []time.Duration{ms(900), ms(300), ms(600)}) {
		t.Errorf("median reordered its input: %v", odd)
	}
	even := []int64{40, 10, 30, 20}
	e := slices.Sorted(slices.Values(even))
	if got, want := median(even), (e[1]+e[2])/2; got != want {
		t.Errorf("median(%v) = %d, want the mean of the middle two %d", even, got, want)
	}
	if got := median([]int64{7}); got != 7 {
		t.Errorf("median of one = %d", got)
	}
	if got := median[int64](nil); got != 0 {
		t.Errorf("median of none = %d", got)
	}
}

func TestFormatting(t *testing.T) {
	for n, want := range map[int]string{0: "0", 30: "30", 1000: "1,000", 10000: "10,000", 100000: "100,000", 1234567: "1,234,567"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
	for d, want := range map[time.Duration]string{ms(48): "48 ms", ms(1234): "1.23 s", 312*time.Second + ms(440): "312.4 s"} {
		if got := fmtDur(d); got != want {
			t.Errorf("fmtDur(%v) = %q, want %q", d, got, want)
		}
	}
	if got := ratio(1, 0); got != "—" {
		t.Errorf("ratio by zero = %q", got)
	}
}

// TestResultsTable checks the table against medians and ratios worked out
// here from made-up runs.
func TestResultsTable(t *testing.T) {
	mk := func(size int, name string, walls []time.Duration, cpus []time.Duration, rss []int64) Series {
		s := Series{Size: size, Contender: name}
		for i := range walls {
			s.Runs = append(s.Runs, Run{Wall: walls[i], CPU: cpus[i], RSS: rss[i]})
		}
		return s
	}
	cfWall := []time.Duration{ms(1300), ms(1100), ms(1200)}
	cfCPU := []time.Duration{ms(2100), ms(2300), ms(2200)}
	cfRSS := []int64{120 * 1024, 110 * 1024, 100 * 1024}
	hugoWall := []time.Duration{ms(4800), ms(5200), ms(5000)}
	hugoCPU := []time.Duration{ms(9000), ms(9400), ms(9200)}
	hugoRSS := []int64{400 * 1024, 420 * 1024, 380 * 1024}
	relWall := []time.Duration{ms(61000), ms(59000), ms(60000)}
	relCPU := []time.Duration{ms(70000), ms(71000), ms(72000)}
	relRSS := []int64{900 * 1024, 950 * 1024, 1000 * 1024}
	bigWall := []time.Duration{ms(130000), ms(120000)}
	bigCPU := []time.Duration{ms(200000), ms(210000)}
	bigRSS := []int64{2000 * 1024, 2100 * 1024}
	all := []Series{
		mk(1000, nameCasefile, cfWall, cfCPU, cfRSS),
		mk(1000, nameHugo, hugoWall, hugoCPU, hugoRSS),
		mk(1000, nameRelated, relWall, relCPU, relRSS),
		mk(100000, nameCasefile, bigWall, bigCPU, bigRSS),
	}

	mid := func(xs []time.Duration) time.Duration { return slices.Sorted(slices.Values(xs))[len(xs)/2] }
	midKiB := func(xs []int64) int64 { return slices.Sorted(slices.Values(xs))[len(xs)/2] }
	row := func(size, name string, n int, wall, cpu time.Duration, rss int64, ratios string) string {
		return fmt.Sprintf("| %s | %s | %d | %s | %s | %s | %s |", size, name, n, fmtDur(wall), fmtDur(cpu), fmtRSS(rss), ratios)
	}
	vs := func(wall time.Duration, rss int64) string {
		return fmt.Sprintf("%.2f× | %.2f×", mid(cfWall).Seconds()/wall.Seconds(), float64(midKiB(cfRSS))/float64(rss))
	}
	bigMidWall := (bigWall[0] + bigWall[1]) / 2 // even count: mean of the two
	want := []string{
		row("1,000", nameCasefile, 3, mid(cfWall), mid(cfCPU), midKiB(cfRSS), "— | —"),
		row("1,000", nameHugo, 3, mid(hugoWall), mid(hugoCPU), midKiB(hugoRSS), vs(mid(hugoWall), midKiB(hugoRSS))),
		row("1,000", nameRelated, 3, mid(relWall), mid(relCPU), midKiB(relRSS), vs(mid(relWall), midKiB(relRSS))),
		row("100,000", nameCasefile, 2, bigMidWall, (bigCPU[0]+bigCPU[1])/2, (bigRSS[0]+bigRSS[1])/2, "— | —"),
	}
	lines := strings.Split(strings.TrimSuffix(resultsTable(all), "\n"), "\n")
	if len(lines) != 2+len(want) {
		t.Fatalf("table has %d lines, want a header, a separator and %d rows:\n%s", len(lines), len(want), strings.Join(lines, "\n"))
	}
	if !strings.HasPrefix(lines[0], "| Incidents | Contender |") || !strings.HasPrefix(lines[1], "| ---: |") {
		t.Errorf("header:\n%s\n%s", lines[0], lines[1])
	}
	for i, w := range want {
		if lines[2+i] != w {
			t.Errorf("row %d:\n got %s\nwant %s", i, lines[2+i], w)
		}
	}
	// Sanity of the made-up data: Casefile faster than Hugo gives a ratio below 1.
	if !strings.Contains(lines[3], "| 0.24× |") {
		t.Errorf("Casefile 1.2 s vs Hugo 5.0 s should read 0.24×: %s", lines[3])
	}

	wantLin := fmt.Sprintf("1,000 → %s · 100,000 → %s", fmtDur(mid(cfWall)), fmtDur(bigMidWall*1000/100000))
	if got := linearity(all); !strings.Contains(got, wantLin) {
		t.Errorf("linearity = %q, want it to contain %q", got, wantLin)
	}

	runs := runsTable(all)
	if n := strings.Count(runs, "\n") - 2; n != 3+3+3+2 {
		t.Errorf("runs table has %d rows, want one per run:\n%s", n, runs)
	}
	if r := fmt.Sprintf("| 1,000 | %s | 2 | %s | %s | %s |", nameHugo, fmtDur(hugoWall[1]), fmtDur(hugoCPU[1]), fmtRSS(hugoRSS[1])); !strings.Contains(runs, r) {
		t.Errorf("runs table lacks %q:\n%s", r, runs)
	}
}

// TestCollectorCPU sums gctrace lines as the Go runtime prints them (taken
// from a Casefile build), among other output that must be kept.
func TestCollectorCPU(t *testing.T) {
	lines := []struct {
		text string
		cpu  []float64 // the "ms cpu" field's numbers, for the expected sum
	}{
		{"gc 1 @0.044s 1%: 0.053+7.7+0.46 ms clock, 0.10+0.56/0.27/4.4+0.92 ms cpu, 3->3->0 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P\n",
			[]float64{0.10, 0.56, 0.27, 4.4, 0.92}},
		{"gc 9 @0.151s 5%: 0.54+1.1+0.006 ms clock, 1.0+0/0.53/1.0+0.012 ms cpu, 1281->1281->1 MB, 1281 MB goal, 0 MB stacks, 0 MB globals, 2 P (forced)\n",
			[]float64{1.0, 0, 0.53, 1.0, 0.012}},
		{"gc 64 @134.919s 11%: 0.16+1044+0.015 ms clock, 0.32+0.26/527/468+0.030 ms cpu, 918->983->527 MB, 1081 MB goal, 0 MB stacks, 0 MB globals, 2 P\n",
			[]float64{0.32, 0.26, 527, 468, 0.030}},
	}
	other := "content/incidents/x.md:3:1: error: gc is not a keyword\ngc 2 is not a trace line\n"
	var out strings.Builder
	var want float64
	for i, l := range lines {
		out.WriteString(l.text)
		if i == 0 {
			out.WriteString(other)
		}
		for _, v := range l.cpu {
			want += v
		}
	}
	total, n, rest := collectorCPU(out.String())
	if n != len(lines) {
		t.Errorf("counted %d collections, want %d", n, len(lines))
	}
	if d := total - time.Duration(want*float64(time.Millisecond)); d < -time.Microsecond || d > time.Microsecond {
		t.Errorf("collector CPU = %v, want %.3f ms", total, want)
	}
	if rest != other {
		t.Errorf("rest = %q, want the other lines %q", rest, other)
	}
	if total, n, rest := collectorCPU(other); total != 0 || n != 0 || rest != other {
		t.Errorf("output without trace lines: %v, %d, %q", total, n, rest)
	}
}

func TestTraceGC(t *testing.T) {
	got := traceGC([]string{"PATH=/bin", "GODEBUG=disablethp=1", "HOME=/root"})
	if want := []string{"PATH=/bin", "HOME=/root", "GODEBUG=disablethp=1,gctrace=1"}; !slices.Equal(got, want) {
		t.Errorf("traceGC kept GODEBUG as %q, want %q", got, want)
	}
	if got := traceGC([]string{"PATH=/bin"}); !slices.Equal(got, []string{"PATH=/bin", "GODEBUG=gctrace=1"}) {
		t.Errorf("traceGC without GODEBUG = %q", got)
	}
}

// TestGrowthTable checks the per-1,000 figures against medians worked out
// here; Hugo's runs (not traced) have no row.
func TestGrowthTable(t *testing.T) {
	traced := func(size int, wall, cpu, gc []time.Duration, gcs []int, probe []time.Duration) Series {
		s := Series{Size: size, Contender: nameCasefile}
		for i := range wall {
			s.Runs = append(s.Runs, Run{Wall: wall[i], CPU: cpu[i], GC: gc[i], GCs: gcs[i], Traced: true, ProbeBefore: probe[i], ProbeAfter: probe[i]})
		}
		return s
	}
	small := traced(1000, []time.Duration{ms(1100), ms(1300), ms(1200)}, []time.Duration{ms(2000), ms(2200), ms(2100)},
		[]time.Duration{ms(40), ms(60), ms(50)}, []int{11, 13, 12}, []time.Duration{ms(250), ms(230), ms(270)})
	big := traced(100000, []time.Duration{ms(99000), ms(101000), ms(100000)}, []time.Duration{ms(180000), ms(190000), ms(185000)},
		[]time.Duration{ms(30000), ms(32000), ms(31000)}, []int{64, 60, 62}, []time.Duration{ms(380), ms(300), ms(310)})
	hugo := Series{Size: 1000, Contender: nameHugo, Runs: []Run{{Wall: ms(5000), CPU: ms(9000)}}}
	got := growthTable([]Series{small, hugo, big})
	lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
	if len(lines) != 4 {
		t.Fatalf("growth table has %d lines, want a header, a separator and 2 rows:\n%s", len(lines), got)
	}
	// 1,000: medians 1.2 s, 2.1 s, 50 ms, 12 collections; per 1,000 the
	// same. The speed probe's median is not per 1,000.
	if want := fmt.Sprintf("| 1,000 | %s | %s | %s | %s | 12 | %s |", fmtDur(ms(1200)), fmtDur(ms(2100)), fmtDur(ms(50)), fmtDur(ms(2050)), fmtDur(ms(250))); lines[2] != want {
		t.Errorf("row 1,000:\n got %s\nwant %s", lines[2], want)
	}
	// 100,000: medians 100 s, 185 s, 31 s, 62 collections; per 1,000 a hundredth.
	if want := fmt.Sprintf("| 100,000 | %s | %s | %s | %s | 62 | %s |", fmtDur(ms(1000)), fmtDur(ms(1850)), fmtDur(ms(310)), fmtDur(ms(1540)), fmtDur(ms(310))); lines[3] != want {
		t.Errorf("row 100,000:\n got %s\nwant %s", lines[3], want)
	}
	if got := growthTable([]Series{hugo}); got != "" {
		t.Errorf("growth table without traced runs = %q, want none", got)
	}
	if runs := runsTable([]Series{small}); !strings.Contains(runs, fmt.Sprintf("| %s (11) | %s |", fmtDur(ms(40)), fmtDur(ms(250)))) {
		t.Errorf("runs table lacks the first run's collector CPU and speed probe:\n%s", runs)
	}
}

func TestParseSizes(t *testing.T) {
	got, err := parseSizes("1000, 10000,")
	if err != nil || !slices.Equal(got, []int{1000, 10000}) {
		t.Errorf("parseSizes = %v, %v", got, err)
	}
	if _, err := parseSizes("1000,x"); err == nil {
		t.Error("parseSizes accepted x")
	}
}

// TestEndToEnd runs the harness on a tiny corpus with the real binaries:
// casefile built here and hugo from PATH (required when CI=true).
func TestEndToEnd(t *testing.T) {
	hugo, err := exec.LookPath("hugo")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("hugo is not on PATH (make test-deps installs it): %v", err)
		}
		t.Skip("hugo is not on PATH; make test-deps installs it")
	}
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "casefile")
	if out, err := exec.Command("go", "build", "-o", bin, "casefile/generator/cmd/casefile").CombinedOutput(); err != nil {
		t.Fatalf("go build casefile: %v\n%s", err, out)
	}
	// A copy of the Hugo site, so Hugo's resources/ folder is not made in the repository.
	site := filepath.Join(tmp, "hugo")
	copyDir(t, filepath.Join("..", "..", "..", "bench", "hugo"), site)

	const size = 30
	cfg := config{
		Sizes: []int{size}, Runs: 1, Related: true,
		Corpora: filepath.Join(tmp, "corpora"), Out: filepath.Join(tmp, "RESULTS.md"),
		Casefile: bin, Hugo: hugo, HugoSite: site,
		Command: "bench -sizes 30 -runs 1 -big 0",
	}
	var stdout, stderr bytes.Buffer
	if err := run(cfg, &stdout, &stderr); err != nil {
		t.Fatalf("run: %v\n%s", err, stderr.String())
	}
	report, err := os.ReadFile(cfg.Out)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{nameCasefile, nameHugo, nameRelated} {
		row := fmt.Sprintf("| %d | %s | 1 | ", size, name)
		if !strings.Contains(string(report), row) || !strings.Contains(stdout.String(), row) {
			t.Errorf("report or stdout lacks a row starting %q", row)
		}
		for _, p := range []string{"warm-up: ", "run 1/1: "} {
			if line := fmt.Sprintf("%d %s %s", size, name, p); !strings.Contains(stderr.String(), line) {
				t.Errorf("progress lacks %q:\n%s", line, stderr.String())
			}
		}
	}
	for _, s := range []string{"# Build benchmark", "Command: `" + cfg.Command + "`", "- CPU: ", "- Memory: ", "- Kernel: ", "- Transparent huge pages: ",
		"- Hugo: `hugo v", "- Commit: ", "## Method", "round-robin", "Casefile wall time per 1,000 incidents", "## Every run",
		"GODEBUG=gctrace=1 " + bin, "| Incidents | Casefile wall per 1,000 | CPU per 1,000 | of which collector |", "speed probe"} {
		if !strings.Contains(string(report), s) {
			t.Errorf("report lacks %q:\n%s", s, report)
		}
	}
	// Casefile's runs were traced (its run and growth rows give the
	// collector's CPU time and collections: even a 30-incident build
	// collects at least once), Hugo's not.
	dur := `[0-9.]+ (ms|s)`
	probe := `([1-9][0-9]*(\.[0-9]+)? (ms|s))` // the speed probe took time: not 0 ms
	// Progress lines give both probes of a run besides their mean.
	for _, name := range []string{nameCasefile, nameHugo, nameRelated} {
		re := fmt.Sprintf(`%d %s run 1/1: .*; speed probe %s: %s before, %s after\)\n`, size, regexp.QuoteMeta(name), probe, probe, probe)
		if !regexp.MustCompile(re).Match(stderr.Bytes()) {
			t.Errorf("progress has no line matching %s:\n%s", re, stderr.String())
		}
	}
	for _, re := range []string{
		fmt.Sprintf(`\n\| %d \| %s \| 1 \| %s \| %s \| [0-9.]+ (KiB|MiB) \| %s \([1-9][0-9]*\) \| %s \|\n`, size, nameCasefile, dur, dur, dur, probe),
		fmt.Sprintf(`\n\| %d \| %s \| 1 \| %s \| %s \| [0-9.]+ (KiB|MiB) \| — \| %s \|\n`, size, nameHugo, dur, dur, probe),
		fmt.Sprintf(`\n\| %d \| %s \| %s \| %s \| %s \| [1-9][0-9]* \| %s \|\n`, size, dur, dur, dur, dur, probe),
	} {
		if !regexp.MustCompile(re).Match(report) {
			t.Errorf("report has no line matching %s:\n%s", re, report)
		}
	}
	// The corpus is complete: writing it again changes nothing. Outputs are gone.
	if n, err := corpus.Write(filepath.Join(cfg.Corpora, fmt.Sprintf("corpus-%d", size)), size); err != nil || n != 0 {
		t.Errorf("rewriting the corpus wrote %d files, %v", n, err)
	}
	entries, _ := os.ReadDir(cfg.Corpora)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "out-") {
			t.Errorf("output folder %s left behind", e.Name())
		}
	}
}

func copyDir(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		if d.IsDir() {
			if rel == "resources" {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(to, rel), 0o755)
		}
		if d.Name() == ".hugo_build.lock" {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(to, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestCachesNote(t *testing.T) {
	s := func(dropped ...bool) []Series {
		var runs []Run
		for _, d := range dropped {
			runs = append(runs, Run{CachesDropped: d})
		}
		return []Series{{Size: 10, Contender: nameCasefile, Runs: runs}}
	}
	for _, tt := range []struct {
		all  []Series
		want string
	}{
		{s(true, true), "Before every run the page cache is emptied"},
		{s(false, false), "could not be emptied"},
		{s(true, false, true), "emptied before 2 of 3 runs"},
	} {
		if got := cachesNote(tt.all); !strings.Contains(got, tt.want) {
			t.Errorf("cachesNote = %q, want it to say %q", got, tt.want)
		}
	}
}

// TestSpeedProbe checks the probe's work: the bodies of the first corpus
// incidents (no front matter), rendered to HTML, taking some time.
func TestSpeedProbe(t *testing.T) {
	docs := probeBodies()
	if len(docs) != probeDocs {
		t.Fatalf("%d probe documents, want %d", len(docs), probeDocs)
	}
	for i, d := range docs {
		_, data := corpus.Incident(i)
		if !bytes.HasPrefix(d, []byte("## ")) || !bytes.HasSuffix(data, d) || len(d) < 4000 {
			t.Fatalf("probe document %d is not incident %d's body:\n%.200s", i, i, d)
		}
	}
	d, err := speedProbe()
	if err != nil || d <= 0 {
		t.Errorf("speedProbe = %v, %v", d, err)
	}
}
