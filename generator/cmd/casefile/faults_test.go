//go:build linux

package main

// Faults a build must survive: killed with SIGKILL, a full disk, a
// read-only output folder, symbolic-link loops in content/, and huge or
// pathological inputs. The tests that need a real process run the casefile
// binary, built once by TestFaults.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"casefile/generator/content"
	"casefile/generator/internal/corpus"
)

func TestFaults(t *testing.T) {
	bin := buildCasefile(t)
	t.Run("kill -9 mid-build", func(t *testing.T) { testKillMidBuild(t, bin) })
	t.Run("file size limit", func(t *testing.T) { testFileSizeLimit(t, bin) })
	t.Run("full disk", testFullDisk)
	t.Run("read-only file system", testReadOnly)
	t.Run("huge inputs", func(t *testing.T) { testHugeInputs(t, bin) })
}

// buildCasefile builds the command into a temporary folder. The binary is
// built without the race detector even under -race: a race-enabled build of
// a corpus is ten times slower, and these tests are about the process, not
// about races.
func buildCasefile(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "casefile")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// child is one run of the casefile binary.
type child struct {
	code   int
	killed bool
	stderr string // without the garbage collector's trace
	// peakHeap is the largest heap the garbage collector saw (in bytes,
	// from GODEBUG=gctrace=1: the heap when a collection started or
	// ended), heapGoal the largest heap it let the program grow to before
	// collecting. A build that never collected stayed under the first
	// goal, 4 MB. (The kernel's peak RSS of a child is no use here: it
	// includes this test process's, inherited through vfork.)
	peakHeap, heapGoal int64
}

// heap bounds the child's peak heap: the larger of what the collector saw
// and what it allowed.
func (c child) heap() int64 { return max(c.peakHeap, c.heapGoal) }

func runChild(t *testing.T, cmd *exec.Cmd) child {
	t.Helper()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	return childResult(t, cmd, err, &stderr)
}

func childResult(t *testing.T, cmd *exec.Cmd, err error, stderr *bytes.Buffer) child {
	t.Helper()
	if cmd.ProcessState == nil {
		t.Fatalf("%s: %v", cmd, err)
	}
	ws := cmd.ProcessState.Sys().(syscall.WaitStatus)
	c := child{code: cmd.ProcessState.ExitCode(), killed: ws.Signaled() && ws.Signal() == syscall.SIGKILL}
	c.stderr, c.peakHeap, c.heapGoal = splitTrace(stderr.String())
	return c
}

// splitTrace takes the garbage collector's trace out of a child's stderr
// and returns the rest, the largest heap the trace saw and the largest goal
// it set (at least the first goal, 4 MB). The runtime writes a trace line in
// several pieces, so a line the program wrote can land inside one: the
// figures are read wherever they are, and only lines that are nothing but a
// trace are removed, so a diagnostic caught inside one stays (each of our
// lines is one write, so it is never split).
func splitTrace(stderr string) (rest string, peakHeap, heapGoal int64) {
	heapGoal = 4 << 20
	for _, m := range gcFigures.FindAllStringSubmatch(stderr, -1) {
		peakHeap = max(peakHeap, mb(m[1]), mb(m[2]))
		heapGoal = max(heapGoal, mb(m[3]))
	}
	var b strings.Builder
	for _, line := range strings.SplitAfter(stderr, "\n") {
		if !gcTraceLine.MatchString(line) {
			b.WriteString(line)
		}
	}
	return b.String(), peakHeap, heapGoal
}

// gcFigures matches the heap figures of a GODEBUG=gctrace=1 line ("gc 4
// @3.6s 11%: ..., 117->123->95 MB, 134 MB goal, ..."); gcTraceLine matches
// a whole line of that trace and nothing else.
var (
	gcFigures   = regexp.MustCompile(`(\d+)->(\d+)->\d+ MB, (\d+) MB goal`)
	gcTraceLine = regexp.MustCompile(`^gc \d+ @[\d.]+s \d+%: [\d.+/]+ ms clock, [\d.+/]+ ms cpu, \d+->\d+->\d+ MB, \d+ MB goal, \d+ MB stacks, \d+ MB globals, \d+ P( \(forced\))?\n?$`)
)

func mb(s string) int64 {
	var n int64
	fmt.Sscan(s, &n)
	return n << 20
}

func casefileCmd(ctx context.Context, bin string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, bin, args...)
	// disablethp=1 turns off the huge-page heap reserve (package hugeheap):
	// at the first, forced, collection it would show as a heap of its size,
	// and these tests bound what the build itself allocates.
	cmd.Env = append(os.Environ(), "GODEBUG=gctrace=1,disablethp=1")
	return cmd
}

// treeDigest hashes every path, type and byte under root.
func treeDigest(t *testing.T, root string) string {
	t.Helper()
	h := sha256.New()
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		fmt.Fprintf(h, "%q %v\n", rel, d.Type())
		if d.Type().IsRegular() {
			f, err := os.Open(p)
			if err != nil {
				return err
			}
			defer f.Close()
			n, err := io.Copy(h, f)
			fmt.Fprintf(h, "\n%d\n", n)
			return err
		}
		return nil
	})
	if err != nil {
		t.Fatalf("digest of %s: %v", root, err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// leftovers lists the entries of dir other than the output folder "public".
func leftovers(t *testing.T, dir string) []string {
	t.Helper()
	var names []string
	for _, name := range dirNames(t, dir) {
		if name != "public" {
			names = append(names, name)
		}
	}
	return names
}

// testKillMidBuild builds a corpus, then kills builds of a changed corpus at
// several points: the previous output must stay byte for byte as it was,
// and the next build must succeed and remove what the killed ones left.
func testKillMidBuild(t *testing.T, bin string) {
	const n = 800 // half a second of building on two cores: time to kill it
	tc := time.Now()
	src := t.TempDir()
	if _, err := corpus.Write(src, n); err != nil {
		t.Fatal(err)
	}
	t.Logf("corpus written in %v", time.Since(tc).Round(time.Millisecond))
	parent := t.TempDir()
	out := filepath.Join(parent, "public")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	t0 := time.Now()
	if c := runChild(t, casefileCmd(ctx, bin, "build", "-q", "-s", src, "-o", out)); c.code != 0 {
		t.Fatalf("first build: exit %d\n%s", c.code, c.stderr)
	}
	t1 := time.Now()
	before := treeDigest(t, out)
	t.Logf("first build %v, digest %v", t1.Sub(t0).Round(time.Millisecond), time.Since(t1).Round(time.Millisecond))

	// Every page of the changed corpus differs (the site title is on each).
	changed := strings.Replace(corpus.Config, "title: Synthetic incidents", "title: Renamed incidents", 1)
	if err := os.WriteFile(filepath.Join(src, "casefile.yaml"), []byte(changed), 0o644); err != nil {
		t.Fatal(err)
	}

	// buildFolder returns the build folder a running build made, once it
	// exists: a ".public.tmp-" entry that was not there before it started.
	buildFolder := func(old []string) string {
		for _, name := range leftovers(t, parent) {
			if strings.HasPrefix(name, ".public.tmp-") && !contains(old, name) {
				return filepath.Join(parent, name)
			}
		}
		return ""
	}
	incidentsWritten := func(tmp string) int {
		f, err := os.Open(filepath.Join(tmp, "incidents"))
		if err != nil {
			return 0
		}
		defer f.Close()
		names, _ := f.Readdirnames(-1)
		return len(names)
	}

	type point struct {
		name string
		// ready reports whether to kill now; tmp is the build folder, "" until it exists.
		ready func(started time.Time, tmp string) bool
		// late: the build may have swapped its output in just before
		// dying; the output must then be the complete new build.
		late bool
	}
	points := []point{
		{"100ms after start", func(s time.Time, _ string) bool { return time.Since(s) >= 100*time.Millisecond }, false},
		{"as the build folder appears", func(_ time.Time, tmp string) bool { return tmp != "" }, false},
		{"halfway through the incident pages", func(_ time.Time, tmp string) bool { return tmp != "" && incidentsWritten(tmp) >= n/2 }, false},
		{"as the last incident pages are written", func(_ time.Time, tmp string) bool { return tmp != "" && incidentsWritten(tmp) >= n }, true},
	}
	var lateDigest string
	for _, p := range points {
		old := leftovers(t, parent)
		cmd := casefileCmd(ctx, bin, "build", "-q", "-s", src, "-o", out)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		started := time.Now()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		var err error
	wait:
		for {
			select {
			case err = <-exited:
				break wait // finished (or failed) before the kill point
			case <-time.After(2 * time.Millisecond):
				if p.ready(started, buildFolder(old)) {
					_ = cmd.Process.Kill()
					err = <-exited
					break wait
				}
			}
		}
		c := childResult(t, cmd, err, &stderr)
		t.Logf("%s: killed=%v exit=%d after %v; next to the output: %v", p.name, c.killed, c.code, time.Since(started).Round(time.Millisecond), leftovers(t, parent))
		if !c.killed && !p.late {
			t.Fatalf("%s: the build was not killed (exit %d): it ended before the kill point\n%s", p.name, c.code, c.stderr)
		}
		if p.late {
			lateDigest = treeDigest(t, out)
			continue
		}
		if got := treeDigest(t, out); got != before {
			t.Fatalf("%s: the previous output changed after kill -9", p.name)
		}
		// Each build removed what the builds killed before it left: at most
		// the folder of the one just killed remains.
		if l := leftovers(t, parent); len(l) > 1 {
			t.Errorf("%s: leftovers pile up: %v", p.name, l)
		}
	}

	c := runChild(t, casefileCmd(ctx, bin, "build", "-q", "-s", src, "-o", out))
	if c.code != 0 {
		t.Fatalf("build after the kills: exit %d\n%s", c.code, c.stderr)
	}
	if l := leftovers(t, parent); len(l) != 0 {
		t.Errorf("the killed builds' folders were not removed: %v", l)
	}
	after := treeDigest(t, out)
	if after == before {
		t.Error("the build after the kills did not replace the output")
	}
	if lateDigest != before && lateDigest != after {
		t.Error("a build killed late left an output that is neither the previous nor the complete new one")
	}
	home, err := os.ReadFile(filepath.Join(out, "index.html"))
	if err != nil || !bytes.Contains(home, []byte("Renamed incidents")) {
		t.Errorf("new output lacks the new title (%v)", err)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// smallKB is a knowledge base of n incidents of the corpus.
func smallKB(t *testing.T, n int) string {
	t.Helper()
	dir := t.TempDir()
	if _, err := corpus.Write(dir, n); err != nil {
		t.Fatal(err)
	}
	return dir
}

// assertCleanFailure checks what every output fault must leave: exit status
// 1, one clear error line matching want, the previous output as it was and
// no build folder next to it.
func assertCleanFailure(t *testing.T, code int, stderr string, want *regexp.Regexp, out, before string) {
	t.Helper()
	if code != 1 {
		t.Errorf("exit status %d, want 1", code)
	}
	if !want.MatchString(stderr) {
		t.Errorf("stderr does not match %q:\n%s", want, stderr)
	}
	if n := strings.Count(stderr, "cannot "); n != 1 {
		t.Errorf("%d error lines, want one:\n%s", n, stderr)
	}
	if got := treeDigest(t, out); got != before {
		t.Error("the previous output changed")
	}
	if l := leftovers(t, filepath.Dir(out)); len(l) != 0 {
		t.Errorf("left behind next to the output: %v", l)
	}
}

// testFileSizeLimit fails writes with a real file-size limit (ulimit -f),
// which works on every Linux machine, root or not, container or not.
func testFileSizeLimit(t *testing.T, bin string) {
	src := smallKB(t, 30)
	out := filepath.Join(t.TempDir(), "public")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if c := runChild(t, casefileCmd(ctx, bin, "build", "-q", "-s", src, "-o", out)); c.code != 0 {
		t.Fatalf("first build: exit %d\n%s", c.code, c.stderr)
	}
	before := treeDigest(t, out)
	if err := os.WriteFile(filepath.Join(src, "casefile.yaml"), []byte(corpus.Config+"description: changed\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// 64 blocks (32 or 64 KiB): smaller than the search index and the
	// larger pages.
	cmd := exec.CommandContext(ctx, "sh", "-c", `ulimit -f 64 && exec "$0" "$@"`, bin, "build", "-q", "-s", src, "-o", out)
	c := runChild(t, cmd)
	assertCleanFailure(t, c.code, c.stderr,
		regexp.MustCompile(`(?m)^casefile: cannot write `+regexp.QuoteMeta(out)+`/\S+: file too large; a file size limit is in force`), out, before)
}

// mountTmpfs mounts a tmpfs of the given options on a new folder, or says
// why it cannot (not root, or a container without CAP_SYS_ADMIN).
func mountTmpfs(t *testing.T, opts string) (string, error) {
	dir := t.TempDir()
	if err := syscall.Mount("casefile-test", dir, "tmpfs", 0, opts); err != nil {
		return "", err
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, syscall.MNT_DETACH); err != nil {
			t.Errorf("unmount %s: %v", dir, err)
		}
	})
	return dir, nil
}

// testFullDisk builds into a real 1 MiB file system: a first small build
// fits, a larger one fills the disk. Where no file system can be mounted,
// the same error path is covered by "file size limit" above and by
// output's TestDirWriteFaults.
func testFullDisk(t *testing.T) {
	mnt, err := mountTmpfs(t, "size=1m")
	if err != nil {
		t.Logf("cannot mount a tmpfs here (%v); the full disk is covered by the file size limit test and output.TestDirWriteFaults", err)
		return
	}
	out := filepath.Join(mnt, "public")
	src := kb(t, map[string]string{"content/incidents/good.md": goodIncident})
	if code, _, errOut := runCLI("build", "-q", "-s", src, "-o", out); code != 0 {
		t.Fatalf("first build: %s", errOut)
	}
	before := treeDigest(t, out)
	code, _, errOut := runCLI("build", "-q", "-s", smallKB(t, 100), "-o", out)
	assertCleanFailure(t, code, errOut,
		regexp.MustCompile(`(?m)^casefile: cannot write `+regexp.QuoteMeta(out)+`/\S+: no space left on device; the disk is full: free space on it or choose another --out$`), out, before)
	if !strings.Contains(errOut, "left as it was") {
		t.Errorf("stderr does not say the output was left as it was:\n%s", errOut)
	}
}

// testReadOnly builds into a file system that is then made read-only, and
// into an output folder that is itself a read-only mount point.
func testReadOnly(t *testing.T) {
	mnt, err := mountTmpfs(t, "size=4m")
	if err != nil {
		t.Logf("cannot mount a tmpfs here (%v); the read-only case is covered by output.TestDirWriteFaults", err)
		return
	}
	out := filepath.Join(mnt, "public")
	src := kb(t, map[string]string{"content/incidents/good.md": goodIncident})
	if code, _, errOut := runCLI("build", "-q", "-s", src, "-o", out); code != 0 {
		t.Fatalf("first build: %s", errOut)
	}
	before := treeDigest(t, out)

	// The whole file system read-only.
	if err := syscall.Mount("", mnt, "", syscall.MS_REMOUNT|syscall.MS_RDONLY, ""); err != nil {
		t.Fatalf("remount read-only: %v", err)
	}
	code, _, errOut := runCLI("build", "-q", "-s", src, "-o", out)
	assertCleanFailure(t, code, errOut,
		regexp.MustCompile(`(?m)^casefile: cannot create the build folder `+regexp.QuoteMeta(mnt)+`/\.public\.tmp-[0-9a-f]{12}: read-only file system; the file system is read-only: choose an --out on a writable disk$`), out, before)
	if err := syscall.Mount("", mnt, "", syscall.MS_REMOUNT, "size=4m"); err != nil {
		t.Fatalf("remount read-write: %v", err)
	}

	// Only the output folder read-only: a mount point of its own (a
	// container volume, say), which a build cannot replace.
	if err := syscall.Mount(out, out, "", syscall.MS_BIND, ""); err != nil {
		t.Fatalf("bind mount: %v", err)
	}
	defer syscall.Unmount(out, syscall.MNT_DETACH)
	if err := syscall.Mount("", out, "", syscall.MS_REMOUNT|syscall.MS_BIND|syscall.MS_RDONLY, ""); err != nil {
		t.Fatalf("remount the bind mount read-only: %v", err)
	}
	code, _, errOut = runCLI("build", "-q", "-s", src, "-o", out)
	assertCleanFailure(t, code, errOut,
		regexp.MustCompile(`(?m)^casefile: cannot replace `+regexp.QuoteMeta(out)+`: device or resource busy; the output folder is a mount point`), out, before)
}

// TestSymlinksInContent: loops, links to each other, dangling links and
// named pipes end in diagnostics, never in a hang; a link to a file is read
// wherever it points; links to folders are not followed.
func TestSymlinksInContent(t *testing.T) {
	src := kb(t, map[string]string{"content/incidents/good.md": goodIncident})
	elsewhere := kb(t, map[string]string{
		"ext.md":      strings.Replace(goodIncident, "Good one", "Linked from elsewhere", 1),
		"dir/deep.md": strings.Replace(goodIncident, "Good one", "In a linked folder", 1),
	})
	inc := filepath.Join(src, "content", "incidents")
	links := map[string]string{
		"loop":        ".",
		"up":          "../..",
		"a.md":        "b.md",
		"b.md":        "a.md",
		"self.md":     "self.md",
		"dangling.md": "missing.md",
		"outside.md":  filepath.Join(elsewhere, "ext.md"),
		"shared":      filepath.Join(elsewhere, "dir"),
		"sub.md":      ".", // a folder named like a file
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(inc, name)); err != nil {
			t.Fatal(err)
		}
	}
	if err := syscall.Mkfifo(filepath.Join(inc, "pipe.md"), 0o644); err != nil {
		t.Fatal(err)
	}

	build := func() (int, string) {
		t.Helper()
		type res struct {
			code   int
			stderr string
		}
		done := make(chan res, 1)
		go func() {
			code, _, errOut := runCLI("build", "-s", src)
			done <- res{code, errOut}
		}()
		select {
		case r := <-done:
			return r.code, r.stderr
		case <-time.After(time.Minute):
			t.Fatal("the build hangs on symbolic links or a named pipe in content/")
			return 0, ""
		}
	}
	code, errOut := build()
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	hint := "it is a symbolic link that is broken or points to itself; fix or remove it"
	for _, want := range []string{
		"content/incidents/a.md: error: cannot read: stat content/incidents/a.md: too many levels of symbolic links; " + hint,
		"content/incidents/b.md: error: cannot read: stat content/incidents/b.md: too many levels of symbolic links; " + hint,
		"content/incidents/self.md: error: cannot read: stat content/incidents/self.md: too many levels of symbolic links; " + hint,
		"content/incidents/dangling.md: error: cannot read: stat content/incidents/dangling.md: no such file or directory; " + hint,
		"content/incidents/pipe.md: error: not a regular file (p---------); remove it; markdown files must be plain files",
		"casefile: 5 errors",
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}

	for _, name := range []string{"a.md", "b.md", "self.md", "dangling.md", "pipe.md"} {
		if err := os.Remove(filepath.Join(inc, name)); err != nil {
			t.Fatal(err)
		}
	}
	code, errOut = build()
	if code != 0 {
		t.Fatalf("build without the broken links failed: %s", errOut)
	}
	pub := filepath.Join(src, "public", "incidents")
	if page, err := os.ReadFile(filepath.Join(pub, "outside", "index.html")); err != nil || !bytes.Contains(page, []byte("Linked from elsewhere")) {
		t.Errorf("a link to a file outside the knowledge base was not read (%v)", err)
	}
	entries, _ := os.ReadDir(pub)
	var got []string
	for _, e := range entries {
		if e.IsDir() && e.Name() != "page" {
			got = append(got, e.Name())
		}
	}
	if strings.Join(got, " ") != "good outside" {
		t.Errorf("incident pages %v, want [good outside]: a linked folder was followed", got)
	}
}

// static/ follows the rules of content/: linked files are copied from where
// they point, linked folders are not followed (no loop can hang the build),
// and broken or looping links and named pipes are errors naming the file.
func TestSymlinksInStatic(t *testing.T) {
	src := kb(t, map[string]string{"content/incidents/good.md": goodIncident, "static/css/site.css": "body{}"})
	elsewhere := kb(t, map[string]string{"logo.svg": "<svg/>", "dir/x.css": "x{}"})
	st := filepath.Join(src, "static")
	for name, target := range map[string]string{
		"loop": ".", "a.css": "b.css", "b.css": "a.css", "dangling.css": "missing.css",
		"logo.svg": filepath.Join(elsewhere, "logo.svg"), "shared": filepath.Join(elsewhere, "dir"),
	} {
		if err := os.Symlink(target, filepath.Join(st, name)); err != nil {
			t.Fatal(err)
		}
	}
	if err := syscall.Mkfifo(filepath.Join(st, "pipe.css"), 0o644); err != nil {
		t.Fatal(err)
	}
	build := func() (int, string) {
		t.Helper()
		done := make(chan [2]any, 1)
		go func() {
			code, _, errOut := runCLI("build", "-s", src)
			done <- [2]any{code, errOut}
		}()
		select {
		case r := <-done:
			return r[0].(int), r[1].(string)
		case <-time.After(time.Minute):
			t.Fatal("the build hangs on symbolic links or a named pipe in static/")
			return 0, ""
		}
	}
	code, errOut := build()
	for _, want := range []string{
		"static/a.css: error: cannot read: stat static/a.css: too many levels of symbolic links",
		"static/b.css: error: cannot read",
		"static/dangling.css: error: cannot read: stat static/dangling.css: no such file or directory",
		"static/pipe.css: error: not a regular file (p---------); remove it; static/ may hold plain files only",
		"casefile: 4 errors",
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	for _, name := range []string{"a.css", "b.css", "dangling.css", "pipe.css"} {
		if err := os.Remove(filepath.Join(st, name)); err != nil {
			t.Fatal(err)
		}
	}
	if code, errOut := build(); code != 0 {
		t.Fatalf("build without the broken links failed: %s", errOut)
	}
	pub := filepath.Join(src, "public")
	if data, err := os.ReadFile(filepath.Join(pub, "logo.svg")); err != nil || string(data) != "<svg/>" {
		t.Errorf("a linked file was not copied: %q %v", data, err)
	}
	for _, p := range []string{"shared", "loop"} {
		if _, err := os.Stat(filepath.Join(pub, p)); !os.IsNotExist(err) {
			t.Errorf("public/%s exists: a linked folder was followed", p)
		}
	}
}

// TestSymlinksIntoSystemFolders: a file of content/ or static/ that
// resolves into /proc, /sys or /dev (static/env.txt linked to
// /proc/self/environ would publish the build's environment), or a
// content/ or static/ folder that does, is an error naming it; links
// inside a knowledge base kept under /dev/shm still work.
func TestSymlinksIntoSystemFolders(t *testing.T) {
	src := kb(t, map[string]string{"content/incidents/good.md": goodIncident, "static/css/site.css": "body{}"})
	for _, l := range [][2]string{
		{"static/env.txt", "/proc/self/environ"},
		{"static/cpus.txt", "/sys/devices/system/cpu/online"},
		{"content/incidents/p.md", "/proc/self/environ"},
		{"content/about.md", "/proc/self/cmdline"},
		{"static/self-status.txt", "/proc/self/status"},
		{"static/indirect.txt", filepath.Join(src, "static", "env.txt")}, // through a link of the knowledge base
		{"static/pipe-of-dev.json", "/dev/null"},
	} {
		if _, err := os.Stat(l[1]); err != nil {
			t.Logf("no %s here: %v", l[1], err)
			continue
		}
		if err := os.Symlink(l[1], filepath.Join(src, filepath.FromSlash(l[0]))); err != nil {
			t.Fatal(err)
		}
	}
	code, _, errOut := runCLI("build", "-q", "-s", src)
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	refused := regexp.MustCompile(`(?m)^(\S+): error: links to (/proc|/sys)/\S+, which is not a file of the knowledge base but one of the operating system's \(/proc, /sys, /dev\); remove the link`)
	got := map[string]bool{}
	for _, m := range refused.FindAllStringSubmatch(errOut, -1) {
		got[m[1]] = true
	}
	for _, name := range []string{"static/env.txt", "static/indirect.txt", "content/incidents/p.md", "content/about.md", "static/self-status.txt"} {
		if !got[name] {
			t.Errorf("%s is not refused:\n%s", name, errOut)
		}
	}
	if _, err := os.Stat("/sys/devices/system/cpu/online"); err == nil && !got["static/cpus.txt"] {
		t.Errorf("static/cpus.txt is not refused:\n%s", errOut)
	}
	if !strings.Contains(errOut, "static/pipe-of-dev.json: error: not a regular file") {
		t.Errorf("a link to a device is not refused:\n%s", errOut)
	}
	if _, err := os.Stat(filepath.Join(src, "public")); !os.IsNotExist(err) {
		t.Errorf("the build wrote public/ (%v)", err)
	}

	// A static/ folder that is such a link.
	src = kb(t, map[string]string{"content/incidents/good.md": goodIncident})
	if err := os.Symlink("/proc/self", filepath.Join(src, "static")); err != nil {
		t.Fatal(err)
	}
	code, out, _ := runCLI("check", "-s", src)
	if code != 1 || !regexp.MustCompile(`(?m)^static: error: links to /proc/\d+, which is not a file of the knowledge base`).MatchString(out) {
		t.Errorf("a static/ folder linked to /proc/self: exit %d:\n%s", code, out)
	}

	// A knowledge base kept under /dev/shm links within itself.
	shm, err := os.MkdirTemp("/dev/shm", "casefile-kb-")
	if err != nil {
		t.Skipf("no /dev/shm: %v", err)
	}
	defer os.RemoveAll(shm)
	if err := os.MkdirAll(filepath.Join(shm, "content", "incidents"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(shm, "content", "incidents", "good.md"), []byte(goodIncident), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("good.md", filepath.Join(shm, "content", "incidents", "alias.md")); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := runCLI("build", "-q", "-s", shm); code != 0 {
		t.Errorf("a link inside a knowledge base under /dev/shm: exit %d:\n%s", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(shm, "public", "incidents", "alias", "index.html")); err != nil {
		t.Errorf("the linked incident was not built: %v", err)
	}
}

// testHugeInputs builds pathological knowledge bases with the real binary
// and measures the peak memory of each build (its maximum resident set,
// from the kernel): a file over the size limit and an incident over the
// keyword limit fail with a positioned error without being built, a file
// just under the limit and deeply nested markdown build within bounds.
func testHugeInputs(t *testing.T, bin string) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	const mib = 1 << 20
	build := func(name string, files map[string]string) child {
		t.Helper()
		src := kb(t, files)
		start := time.Now()
		c := runChild(t, casefileCmd(ctx, bin, "build", "-q", "-s", src, "-o", filepath.Join(t.TempDir(), "public")))
		var in int
		for _, f := range files {
			in += len(f)
		}
		t.Logf("%-30s input %6.2f MiB  exit %d  peak heap %4d MiB, largest heap goal %4d MiB  (%v)", name, float64(in)/mib, c.code, c.peakHeap/mib, c.heapGoal/mib, time.Since(start).Round(time.Millisecond))
		return c
	}
	front := "---\ntitle: Huge\ndate: 2024-01-02\nsummary: S.\nkeywords: [k]\n---\n"

	// A realistic body: a MiB of corpus incidents' bodies, repeated.
	var chunk strings.Builder
	for i := 0; chunk.Len() < mib; i++ {
		_, data := corpus.Incident(i)
		s := string(data)
		s = s[strings.Index(s[4:], "---\n")+8:]                                     // the body alone
		s = strings.ReplaceAll(s, "## Frequently Asked Questions", "## Discussion") // one FAQ section per file
		chunk.WriteString(s)
	}
	body := func(size int) string {
		return (front + strings.Repeat(chunk.String(), size/chunk.Len()+1))[:size]
	}

	// 50 MB: refused before it is read.
	c := build("50 MB incident", map[string]string{"content/incidents/huge.md": body(50_000_000)})
	want := "content/incidents/huge.md: error: the file is 47.7 MiB, more than the 8 MiB a markdown file may have; split it"
	if c.code != 1 || !strings.Contains(c.stderr, want) {
		t.Errorf("exit %d, stderr lacks %q:\n%s", c.code, want, c.stderr)
	}
	if c.heap() > 32*mib {
		t.Errorf("peak heap %d MiB refusing a 50 MB file: it was read", c.heap()/mib)
	}

	// Just under the limit: built, in memory proportional to the file.
	size := content.MaxFileSize - 4096
	c = build("incident just under the limit", map[string]string{"content/incidents/big.md": body(size)})
	if c.code != 0 {
		t.Errorf("exit %d:\n%s", c.code, c.stderr)
	}
	if bound := int64(16*mib + 24*size); c.heap() > bound {
		t.Errorf("peak heap %d MiB building a %d MiB file, want at most %d MiB (16 MiB + 24 times the file)", c.heap()/mib, size/mib, bound/mib)
	}

	// 10,000 keywords: an error at the first keyword over the limit.
	var kws []string
	for i := range 10_000 {
		kws = append(kws, fmt.Sprintf("kw-%05d", i))
	}
	kwFile := func(n int) string {
		return "---\ntitle: Many keywords\ndate: 2024-01-02\nsummary: S.\nkeywords: [" + strings.Join(kws[:n], ", ") + "]\n---\nBody.\n"
	}
	c = build("10,000 keywords", map[string]string{"content/incidents/kw.md": kwFile(10_000)})
	col := len("keywords: [") + 1 + content.MaxKeywords*len("kw-00000, ")
	want = fmt.Sprintf("content/incidents/kw.md:5:%d: error: an incident may have at most %d keywords; this is keyword %d", col, content.MaxKeywords, content.MaxKeywords+1)
	if c.code != 1 || !strings.Contains(c.stderr, want) {
		t.Errorf("exit %d, stderr lacks %q:\n%s", c.code, want, c.stderr)
	}
	if c.heap() > 32*mib {
		t.Errorf("peak heap %d MiB for 10,000 keywords", c.heap()/mib)
	}
	c = build("100 keywords (the limit)", map[string]string{"content/incidents/kw.md": kwFile(content.MaxKeywords)})
	if c.code != 0 || c.heap() > 32*mib {
		t.Errorf("exit %d, peak heap %d MiB:\n%s", c.code, c.heap()/mib, c.stderr)
	}

	// Deep nesting, 10,000 levels of each kind (and 1,000 levels of
	// indented lists, a 1 MB file).
	const deep = 10_000
	var indented strings.Builder
	for i := range 1000 {
		indented.WriteString(strings.Repeat("  ", i) + "- item\n")
	}
	nested := map[string]string{
		"list":      strings.Repeat("- ", deep) + "x\n",
		"ordered":   strings.Repeat("1. ", deep) + "x\n",
		"quotes":    strings.Repeat(">", deep) + " x\n",
		"quotelist": strings.Repeat("> - ", deep/2) + "x\n" + strings.Repeat("> ", deep) + "y\n",
		"indented":  indented.String(),
		"lazy":      strings.Repeat("- ", deep) + "x\n" + strings.Repeat("lazy line\n", deep),
		"brackets":  strings.Repeat("[", deep) + "x" + strings.Repeat("]", deep) + "\n",
		"links":     strings.Repeat("[a](", deep) + "https://example.org/" + strings.Repeat(")", deep) + "\n",
		"emphasis":  strings.Repeat("*", deep) + "x" + strings.Repeat("*", deep) + "\n" + strings.Repeat("*a _", deep) + "x" + strings.Repeat("_ a*", deep) + "\n",
		"backticks": strings.Repeat("`a ", deep) + "\n",
		"html":      strings.Repeat("<div>", deep) + "x\n",
	}
	files := map[string]string{}
	for name, md := range nested {
		files["content/incidents/"+name+".md"] = strings.Replace(front, "Huge", name, 1) + md
	}
	c = build("deeply nested markdown", files)
	if c.code != 0 || c.heap() > 128*mib {
		t.Errorf("exit %d, peak heap %d MiB:\n%s", c.code, c.heap()/mib, c.stderr)
	}
}

// TestSplitTrace: a diagnostic written while the runtime was part-way
// through a trace line must survive (CI once lost one that way and failed a
// test on the missing message), and whole trace lines must not.
func TestSplitTrace(t *testing.T) {
	const (
		gc1  = "gc 1 @0.025s 0%: 0.039+1.0+0.12 ms clock, 0.078+0.22/0.054/0.65+0.24 ms cpu, 3->3->0 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P\n"
		gc2  = "gc 2 @0.066s 2%: 0.14+5.4+0.006 ms clock, 0.28+2.0/0.96/0+0.012 ms cpu, 11->13->5 MB, 12 MB goal, 0 MB stacks, 0 MB globals, 2 P (forced)\n"
		diag = "content/incidents/huge.md: error: the file is 47.7 MiB\n"
	)
	cut := strings.Index(gc2, "0 MB stacks")
	for _, tc := range []struct {
		name, in, want string
		peak, goal     int64
	}{
		{"no trace", diag, diag, 0, 4 << 20},
		{"whole lines", gc1 + diag + gc2, diag, 13 << 20, 12 << 20},
		{"diagnostic inside a trace line", gc1 + gc2[:cut] + diag + gc2[cut:], gc2[:cut] + diag + gc2[cut:], 13 << 20, 12 << 20},
	} {
		rest, peak, goal := splitTrace(tc.in)
		if rest != tc.want || peak != tc.peak || goal != tc.goal {
			t.Errorf("%s: splitTrace = %q, %d, %d; want %q, %d, %d", tc.name, rest, peak, goal, tc.want, tc.peak, tc.goal)
		}
		if !strings.Contains(rest, diag) {
			t.Errorf("%s: the diagnostic was lost: %q", tc.name, rest)
		}
	}
}
