// Command casefile builds incident knowledge bases into static sites.
//
//	casefile build [-s DIR] [-o DIR] [--profile public|internal] [--base-url URL] [--drafts]
//	casefile check [-s DIR] [--profile public|internal] [--format text|json]
//	casefile new incident|page [-s DIR] [--slug SLUG] "Title"
//	casefile version
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"
	"syscall"
	"time"

	"casefile"
	"casefile/generator/config"
	"casefile/generator/diag"
	"casefile/generator/internal/hugeheap"
	"casefile/generator/internal/osfs"
	"casefile/generator/output"
	"casefile/generator/site"
)

const usage = `Casefile builds an incident knowledge base into a static site.

Usage:
  casefile build   [flags]   build the site into the output folder
  casefile check   [flags]   validate everything without writing
  casefile serve   [flags]   build into memory, serve, rebuild and reload on save
  casefile new incident "Title"   scaffold content/incidents/<slug>.md (every field commented)
  casefile new page "Title"       scaffold content/<slug>.md
  casefile version           print the version

Flags:
  -s, --source DIR      knowledge-base folder (default ".")
  -o, --out DIR         output folder (default "<source>/public", with --profile
                        internal "<source>/public-internal"); must be new, empty or an
                        earlier build's
      --profile NAME    public (default) or internal
      --base-url URL    override base_url from the config
      --drafts          include drafts
      --archive FILE    build: write the site as one zip archive (for an intranet host)
      --format FORMAT   check: text (default; file:line:col: severity: message) or json
      --slug SLUG       new: the file's slug (default: made from the title)
      --bind ADDR       serve: address to listen on (default 127.0.0.1)
      --port N          serve: port (default 1313)
      --navigate        serve: send the browser to the incident just edited
  -q, --quiet           print errors only
  -v, --verbose         print time per stage
`

func main() {
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	if len(os.Args) > 1 && (os.Args[1] == "build" || os.Args[1] == "check") {
		tuneGC(os.Getenv)
		hugeheap.Reserve(hugeReserve(debug.SetMemoryLimit(-1)))
	}
	code := runInterruptible(sigs, interruptGrace, os.Stderr, func(ctx context.Context) int {
		return run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	})
	os.Exit(code)
}

// interruptGrace is how long a command may take to wind down after SIGINT
// or SIGTERM: enough for a build to remove its build folder and say so,
// little enough that the process is gone within a second of the signal.
const interruptGrace = 500 * time.Millisecond

// runInterruptible runs cmd and returns its exit status. A signal on sigs
// ends cmd's context, on which it winds down (a build stops between
// documents and pages and removes its build folder, leaving the previous
// output as it was) and returns its own status. Some work cannot stop half
// way: reading a file, parsing one document. If cmd has not returned
// within grace of the signal, or a second signal comes, it is left behind:
// runInterruptible returns 128 plus the signal's number, and the process
// exits with it. The output is then as after kill -9: the previous one,
// untouched, and a build folder the next build removes.
func runInterruptible(sigs <-chan os.Signal, grace time.Duration, stderr io.Writer, cmd func(ctx context.Context) int) int {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	go func() { done <- cmd(ctx) }()
	var sig os.Signal
	select {
	case code := <-done:
		return code
	case sig = <-sigs:
	}
	cancel()
	timer := time.NewTimer(grace)
	defer timer.Stop()
	select {
	case code := <-done:
		return code
	case <-timer.C:
	case sig = <-sigs:
	}
	fmt.Fprintf(stderr, "casefile: %v: stopped without waiting for the work under way\n", sig)
	code := 1
	if s, ok := sig.(syscall.Signal); ok {
		code = 128 + int(s)
	}
	return code
}

type flags struct {
	source, out, profile, baseURL string
	archive                       string // build: write a zip archive instead of a folder
	cpuprofile, memprofile        string // build: pprof profiles to write
	drafts, quiet, verbose        bool
	color                         bool // colour diagnostics on stderr (a terminal without NO_COLOR)
}

// newFlagSet registers the flags every sub-command shares; extra adds the
// sub-command's own.
func newFlagSet(name string, f *flags, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, usage) }
	for _, n := range []string{"s", "source"} {
		fs.StringVar(&f.source, n, ".", "knowledge-base folder")
	}
	fs.StringVar(&f.profile, "profile", site.ProfilePublic, "public or internal")
	fs.StringVar(&f.baseURL, "base-url", "", "override base_url")
	fs.BoolVar(&f.drafts, "drafts", false, "include drafts")
	for _, n := range []string{"q", "quiet"} {
		fs.BoolVar(&f.quiet, n, false, "errors only")
	}
	for _, n := range []string{"v", "verbose"} {
		fs.BoolVar(&f.verbose, n, false, "time per stage")
	}
	return fs
}

// parseArgs parses args, which must hold flags only.
func parseArgs(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "casefile %s: unexpected argument %q\n", fs.Name(), fs.Arg(0))
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	return nil
}

func parse(name string, args []string, stderr io.Writer) (*flags, error) {
	f := &flags{}
	fs := newFlagSet(name, f, stderr)
	for _, n := range []string{"o", "out"} {
		fs.StringVar(&f.out, n, "", "output folder")
	}
	fs.StringVar(&f.archive, "archive", "", "write the site as one zip archive")
	fs.StringVar(&f.cpuprofile, "cpuprofile", "", "write a CPU profile of the build to this file")
	fs.StringVar(&f.memprofile, "memprofile", "", "write a heap profile (after the build) to this file")
	if err := parseArgs(fs, args); err != nil {
		return nil, err
	}
	f.color = useColor(stderr, os.Getenv)
	if f.out == "" {
		// The internal profile never defaults to the public site's folder.
		f.out = filepath.Join(f.source, "public")
		if f.profile == site.ProfileInternal {
			f.out = filepath.Join(f.source, "public-internal")
		}
		// A profile may name its own output folder in the config.
		if cfg, _ := config.Load(os.DirFS(f.source)); cfg.Profiles[f.profile].Output != "" {
			f.out = filepath.Join(f.source, filepath.FromSlash(cfg.Profiles[f.profile].Output))
		}
	}
	return f, nil
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "build":
		return cmdBuild(ctx, args[1:], stdout, stderr)
	case "check":
		return cmdCheck(ctx, args[1:], stdout, stderr)
	case "serve", "server":
		return cmdServe(ctx, args[1:], stdout, stderr)
	case "new":
		return cmdNew(args[1:], stdout, stderr, time.Now())
	case "version", "--version", "-version":
		fmt.Fprintln(stdout, "casefile", version())
		return 0
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "casefile: unknown command %q\n\n%s", args[0], usage)
	return 2
}

// version describes this binary: the module version when installed with
// go install, else "devel", then the commit and its date when built from a
// git checkout ("+dirty" with uncommitted changes), and the Go version.
func version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel"
	}
	return describeBuild(bi)
}

func describeBuild(bi *debug.BuildInfo) string {
	v := bi.Main.Version
	if v == "" || v == "(devel)" {
		v = "devel"
	}
	var rev, at, dirty string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			at = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "+dirty"
			}
		}
	}
	if rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		v += " (" + rev + dirty
		if t, err := time.Parse(time.RFC3339, at); err == nil {
			v += ", " + t.UTC().Format("2006-01-02")
		}
		v += ")"
	}
	return v + " " + bi.GoVersion
}

func cmdBuild(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	f, err := parse("build", args, stderr)
	if err != nil {
		return 2
	}
	stopProfiles, err := startProfiles(f)
	if err != nil {
		fmt.Fprintln(stderr, "casefile:", err)
		return 1
	}
	defer func() {
		if err := stopProfiles(); err != nil {
			fmt.Fprintln(stderr, "casefile:", err)
		}
	}()
	if f.archive != "" {
		return buildArchive(ctx, f, stdout, stderr)
	}
	if err := output.CheckDest(f.source, f.out); err != nil {
		fmt.Fprintln(stderr, "casefile:", err)
		return 1
	}
	dir, err := output.NewDir(f.out)
	if err != nil {
		fmt.Fprintln(stderr, "casefile:", err)
		return 1
	}
	opts := options(f, dir)
	var prog *progress
	if !f.quiet && isTerminal(stderr) {
		prog = newProgress(stderr, f.color, time.Now)
		opts.Progress = prog.update
	}
	res, err := site.Build(ctx, opts)
	if prog != nil {
		prog.finish()
	}
	report(stderr, f, res)
	if err != nil {
		dir.Abort()
		printErr(stderr, err, f.color)
		fmt.Fprintf(stderr, "casefile: build failed; %s left as it was\n", f.out)
		return 1
	}
	if err := dir.Commit(); err != nil {
		fmt.Fprintln(stderr, "casefile:", err)
		return 1
	}
	if !f.quiet {
		fmt.Fprintln(stdout, summary(res, f.out))
	}
	return 0
}

// buildArchive builds into memory and writes one zip archive, for upload to
// an intranet host; nothing else is written.
func buildArchive(ctx context.Context, f *flags, stdout, stderr io.Writer) int {
	if err := output.CheckArchive(f.source, f.archive); err != nil {
		fmt.Fprintln(stderr, "casefile:", err)
		return 1
	}
	mem := output.NewMemory()
	res, err := site.Build(ctx, options(f, mem))
	report(stderr, f, res)
	if err != nil {
		printErr(stderr, err, f.color)
		fmt.Fprintf(stderr, "casefile: build failed; no archive written\n")
		return 1
	}
	files := make(map[string][]byte, mem.Len())
	for _, p := range mem.Paths() {
		files[p], _ = mem.Get(p)
	}
	if err := output.ZipFile(f.archive, files); err != nil {
		fmt.Fprintln(stderr, "casefile:", err)
		return 1
	}
	if !f.quiet {
		fmt.Fprintln(stdout, summary(res, f.archive))
	}
	return 0
}

func cmdCheck(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	f := &flags{}
	fs := newFlagSet("check", f, stderr)
	format := fs.String("format", "text", "text or json")
	if err := parseArgs(fs, args); err != nil {
		return 2
	}
	if *format != "text" && *format != "json" {
		fmt.Fprintf(stderr, "casefile check: unknown --format %q; use text or json\n", *format)
		return 2
	}
	// Without --profile, both profiles are checked: the public one leaves
	// out internal incidents and notes, the internal one has them all.
	profiles := []string{site.ProfilePublic, site.ProfileInternal}
	fs.Visit(func(fl *flag.Flag) {
		if fl.Name == "profile" {
			profiles = []string{f.profile}
		}
	})
	var all diag.List
	seen := map[diag.Diagnostic]bool{}
	for _, p := range profiles {
		f.profile = p
		opts := options(f, output.Discard{})
		opts.KeepGoing = true
		res, err := site.Build(ctx, opts)
		var be *diag.BuildError
		if err != nil && !errors.As(err, &be) {
			fmt.Fprintf(stderr, "casefile check: %v\n", err)
			return 1
		}
		for _, d := range res.Diagnostics {
			if !seen[d] {
				seen[d] = true
				all = append(all, d)
			}
		}
	}
	all.Sort()
	nerr, nwarn := all.Count(diag.Error), all.Count(diag.Warning)
	if *format == "json" {
		out := struct {
			Source      string    `json:"source"`
			Profiles    []string  `json:"profiles"`
			Errors      int       `json:"errors"`
			Warnings    int       `json:"warnings"`
			Diagnostics diag.List `json:"diagnostics"`
		}{f.source, profiles, nerr, nwarn, all}
		if out.Diagnostics == nil {
			out.Diagnostics = diag.List{}
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			fmt.Fprintln(stderr, "casefile check:", err)
			return 1
		}
	} else {
		color := useColor(stdout, os.Getenv)
		for _, d := range all {
			if d.Severity == diag.Error || !f.quiet {
				fmt.Fprintln(stdout, formatDiag(d, color))
			}
		}
		if !f.quiet || nerr > 0 {
			fmt.Fprintf(stdout, "casefile check: %s: %s, %s (%s)\n", f.source, count(nerr, "error", "errors"),
				count(nwarn, "warning", "warnings"), strings.Join(profiles, " and "))
		}
	}
	if nerr > 0 {
		return 1
	}
	return 0
}

func options(f *flags, out output.Writer) site.Options {
	return site.Options{
		Source:  osfs.Dir(f.source),
		Theme:   casefile.Theme,
		Out:     out,
		Profile: f.profile,
		BaseURL: f.baseURL,
		Drafts:  f.drafts,
	}
}

// report prints warnings (unless quiet) and, when verbose, stage times.
func report(w io.Writer, f *flags, res *site.Result) {
	if res == nil {
		return
	}
	if !f.quiet {
		for _, d := range res.Diagnostics.Warnings() {
			fmt.Fprintln(w, formatDiag(d, f.color))
		}
	}
	if f.verbose {
		for _, s := range res.Stages {
			fmt.Fprintf(w, "  %-9s %s\n", s.Name, s.Duration.Round(time.Microsecond))
		}
	}
}

func printErr(w io.Writer, err error, color bool) {
	var be *diag.BuildError
	if errors.As(err, &be) {
		for _, d := range be.List {
			fmt.Fprintln(w, formatDiag(d, color))
		}
		fmt.Fprintf(w, "casefile: %s\n", count(len(be.List), "error", "errors"))
		return
	}
	fmt.Fprintln(w, "casefile:", err)
}

// summary is the one line a successful build prints.
func summary(res *site.Result, out string) string {
	kinds := make([]string, 0, len(res.Pages))
	for k := range res.Pages {
		kinds = append(kinds, k)
	}
	sort.Slice(kinds, func(i, j int) bool {
		return res.Pages[kinds[i]] > res.Pages[kinds[j]] || (res.Pages[kinds[i]] == res.Pages[kinds[j]] && kinds[i] < kinds[j])
	})
	parts := make([]string, 0, len(kinds))
	for _, k := range kinds {
		parts = append(parts, fmt.Sprintf("%d %s", res.Pages[k], k))
	}
	return fmt.Sprintf("Built %s (%s), %d files, %s in %s → %s",
		count(sum(res.Pages), "page", "pages"), strings.Join(parts, ", "), res.Files,
		count(res.Diagnostics.Count(diag.Warning), "warning", "warnings"),
		res.Duration.Round(time.Millisecond), out)
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
