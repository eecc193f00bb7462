package output

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestCheckPath(t *testing.T) {
	for _, p := range []string{"index.html", "incidents/x/index.html", "日本/index.html", "a.b/c"} {
		if err := CheckPath(p); err != nil {
			t.Errorf("CheckPath(%q) = %v, want ok", p, err)
		}
	}
	for _, p := range []string{"", ".", "..", "../x", "a/../../x", "/etc/passwd", "a\\..\\b", "a//b", "a/./b", "x\x00y", "c:/x", "a/"} {
		if err := CheckPath(p); err == nil {
			t.Errorf("CheckPath(%q) = nil, want an error", p)
		}
	}
}

func TestDirSwapsWhole(t *testing.T) {
	root := t.TempDir()
	dest := filepath.Join(root, "public")
	build(t, dest, map[string]string{"index.html": "old", "stale/gone.html": "stale"})

	d, err := NewDir(dest)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.WriteFile("index.html", []byte("new")); err != nil {
		t.Fatal(err)
	}
	if err := d.WriteFile("incidents/x/index.html", []byte("x")); err != nil {
		t.Fatal(err)
	}
	// Before Commit the previous output is untouched.
	if got := readFile(t, filepath.Join(dest, "index.html")); got != "old" {
		t.Fatalf("output changed before commit: %q", got)
	}
	if err := d.Commit(); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, filepath.Join(dest, "index.html")); got != "new" {
		t.Errorf("index.html = %q after commit", got)
	}
	if _, err := os.Stat(filepath.Join(dest, "stale")); !os.IsNotExist(err) {
		t.Errorf("stale files linger after the swap")
	}
	entries, _ := os.ReadDir(root)
	if len(entries) != 1 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("temporary folders left behind: %v", names)
	}
}

func TestDirAbortLeavesPreviousOutput(t *testing.T) {
	root := t.TempDir()
	dest := filepath.Join(root, "public")
	build(t, dest, map[string]string{"index.html": "old"})
	d, err := NewDir(dest)
	if err != nil {
		t.Fatal(err)
	}
	_ = d.WriteFile("index.html", []byte("half"))
	d.Abort()
	if got := readFile(t, filepath.Join(dest, "index.html")); got != "old" {
		t.Errorf("index.html = %q after abort, want old", got)
	}
	if entries, _ := os.ReadDir(root); len(entries) != 1 {
		t.Errorf("abort left %d entries in the parent, want 1", len(entries))
	}
}

func TestDirRefusesBadPaths(t *testing.T) {
	d, err := NewDir(filepath.Join(t.TempDir(), "out"))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Abort()
	for _, p := range []string{"../escape.html", "/abs.html", "a/../../b"} {
		if err := d.WriteFile(p, []byte("x")); err == nil {
			t.Errorf("WriteFile(%q) succeeded", p)
		}
	}
}

func TestCheckDest(t *testing.T) {
	src := t.TempDir()
	for _, sub := range []string{"content/incidents", "templates", "static"} {
		if err := os.MkdirAll(filepath.Join(src, sub), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	prevBuild := filepath.Join(t.TempDir(), "site")
	build(t, prevBuild, map[string]string{"index.html": "x"})

	ok := []string{filepath.Join(src, "public"), filepath.Join(t.TempDir(), "new"), prevBuild}
	for _, o := range ok {
		if err := CheckDest(src, o); err != nil {
			t.Errorf("CheckDest(%s) = %v, want ok", o, err)
		}
	}
	bad := map[string]string{
		src:                                   "is the source folder",
		filepath.Dir(src):                     "contains the source folder",
		filepath.Join(src, "content"):         "inside the source's content/",
		filepath.Join(src, "content", "out"):  "inside the source's content/",
		filepath.Join(src, "static", "built"): "inside the source's static/",
		"/":                                   "file-system root",
	}
	for o, want := range bad {
		err := CheckDest(src, o)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("CheckDest(%s) = %v, want an error saying %q", o, err, want)
		}
	}
}

func TestMemory(t *testing.T) {
	m := NewMemory()
	if err := m.WriteFile("b/index.html", []byte("b")); err != nil {
		t.Fatal(err)
	}
	_ = m.WriteFile("a.txt", []byte("a"))
	if err := m.WriteFile("../x", nil); err == nil {
		t.Error("memory accepted ../x")
	}
	if got := strings.Join(m.Paths(), ","); got != "a.txt,b/index.html" {
		t.Errorf("Paths = %s", got)
	}
	if b, ok := m.Get("b/index.html"); !ok || string(b) != "b" {
		t.Errorf("Get = %q, %v", b, ok)
	}
}

func writeFile(t *testing.T, p, s string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

// build makes the output folder dest as a build does, with files.
func build(t *testing.T, dest string, files map[string]string) {
	t.Helper()
	d, err := NewDir(dest)
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range files {
		if err := d.WriteFile(name, []byte(data)); err != nil {
			t.Fatal(err)
		}
	}
	if err := d.Commit(); err != nil {
		t.Fatal(err)
	}
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// A streamed file lands in the build folder like any other, only on Commit;
// writers without WriteStream get the bytes through WriteFile.
func TestStream(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "public")
	d, err := NewDir(dest)
	if err != nil {
		t.Fatal(err)
	}
	write := func(w io.Writer) error {
		for i := range 3 {
			if _, err := fmt.Fprintf(w, "part %d;", i); err != nil {
				return err
			}
		}
		return nil
	}
	if err := Stream(d, "data/all.json", write); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dest); !os.IsNotExist(err) {
		t.Errorf("destination exists before Commit: %v", err)
	}
	if err := d.Commit(); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, filepath.Join(dest, "data", "all.json")); got != "part 0;part 1;part 2;" {
		t.Errorf("streamed file = %q", got)
	}

	m := NewMemory()
	if err := Stream(m, "x.json", write); err != nil {
		t.Fatal(err)
	}
	if b, _ := m.Get("x.json"); string(b) != "part 0;part 1;part 2;" {
		t.Errorf("memory stream = %q", b)
	}
	boom := errors.New("boom")
	if err := Stream(m, "y.json", func(io.Writer) error { return boom }); !errors.Is(err, boom) {
		t.Errorf("failed stream: %v", err)
	}
	if _, ok := m.Get("y.json"); ok {
		t.Error("a failed stream was stored")
	}
	for _, w := range []Writer{m, Discard{}, d} {
		if err := Stream(w, "../escape", write); err == nil {
			t.Errorf("%T streamed to ../escape", w)
		}
	}
}

// Files written with plain system calls replace what was there, and
// folders are made however the paths arrive.
func TestDirWritesFilesAndFolders(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "public")
	d, err := NewDir(dest)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []struct{ name, data string }{
		{"a/b/c/index.html", "deep first"},
		{"a/index.html", "parent after"},
		{"a/b/index.html", "middle"},
		{"a/b/c/index.html", "rewritten, shorter"},
		{"a/b/d/index.html", "sibling"},
	} {
		if err := d.WriteFile(f.name, []byte(f.data)); err != nil {
			t.Fatal(err)
		}
	}
	if err := d.Commit(); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"a/b/c/index.html": "rewritten, shorter", "a/index.html": "parent after", "a/b/d/index.html": "sibling"} {
		if got := readFile(t, filepath.Join(dest, filepath.FromSlash(name))); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	fi, err := os.Stat(filepath.Join(dest, "a", "index.html"))
	if err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("file mode %v, %v", fi.Mode(), err)
	}
}

// Files are written by the Dir's own goroutine: a write that fails (here a
// file where a folder must go) is reported by Commit, which then leaves the
// previous output as it was.
func TestDirWriteErrorAtCommit(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "public")
	build(t, dest, map[string]string{"index.html": "previous"})
	d, err := NewDir(dest)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.WriteFile("a", []byte("a file")); err != nil {
		t.Fatal(err)
	}
	_ = d.WriteFile("a/index.html", []byte("needs a folder a")) // fails in the writer, or here if it already has
	if err := d.Commit(); err == nil || !strings.Contains(err.Error(), "a") {
		t.Fatalf("Commit = %v, want the write error", err)
	}
	if got := readFile(t, filepath.Join(dest, "index.html")); got != "previous" {
		t.Errorf("previous output changed: %q", got)
	}
	if entries, _ := os.ReadDir(filepath.Dir(dest)); len(entries) != 1 {
		t.Errorf("left behind: %v", entries)
	}
	if err := d.WriteFile("late.html", nil); err == nil {
		t.Error("WriteFile after Commit succeeded")
	}
}

// WriteOwned hands each buffer back exactly once, after its file is written
// (the caller then reuses it), and also when the file is refused.
func TestDirWriteOwned(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "public")
	d, err := NewDir(dest)
	if err != nil {
		t.Fatal(err)
	}
	const n = 2000 // more than the queue holds: some are written in the caller
	var mu sync.Mutex
	done := map[int]int{}
	for i := 0; i < n; i++ {
		buf := []byte(fmt.Sprintf("file %d", i))
		err := d.WriteOwned(fmt.Sprintf("f/%d/index.html", i), buf, func() {
			mu.Lock()
			done[i]++
			mu.Unlock()
			copy(buf, "XXXX") // the caller reuses the buffer: the file must be written already
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	refused := 0
	if err := d.WriteOwned("../x", []byte("x"), func() { refused++ }); err == nil || refused != 1 {
		t.Errorf("bad path: err %v, done called %d times", err, refused)
	}
	if err := d.Commit(); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < n; i++ {
		if done[i] != 1 {
			t.Fatalf("file %d: done called %d times", i, done[i])
		}
		if got, want := readFile(t, filepath.Join(dest, "f", fmt.Sprint(i), "index.html")), fmt.Sprintf("file %d", i); got != want {
			t.Fatalf("file %d = %q, want %q", i, got, want)
		}
	}
}

// Discard hands a buffer back at once, and refuses a bad path as WriteFile does.
func TestDiscardWriteOwned(t *testing.T) {
	for _, c := range []struct {
		name string
		ok   bool
	}{{"incidents/x/index.html", true}, {"../x", false}} {
		calls := 0
		err := Discard{}.WriteOwned(c.name, []byte("x"), func() { calls++ })
		if (err == nil) != c.ok || calls != 1 {
			t.Errorf("%s: err %v, done called %d times", c.name, err, calls)
		}
	}
}
