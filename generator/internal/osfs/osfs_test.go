package osfs

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

func write(t *testing.T, dir, name string, data []byte) {
	t.Helper()
	full := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(full, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// ReadFileMax reads what os.ReadFile reads, at every size around the
// buffer's edges, and errs as os.DirFS does.
func TestReadFileMax(t *testing.T) {
	dir := t.TempDir()
	sizes := []int{0, 1, 4095, 4096, 4097, 65536, 1 << 20}
	for _, n := range sizes {
		data := bytes.Repeat([]byte("incident "), n/9+1)[:n]
		name := "content/" + strings.Repeat("x", n%7+1) + ".md"
		write(t, dir, name, data)
		got, err := Dir(dir).ReadFileMax(name, -1)
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("size %d: got %d bytes, %v", n, len(got), err)
		}
		if got, err := Dir(dir).ReadFileMax(name, int64(n)); err != nil || len(got) != n {
			t.Fatalf("size %d at its limit: got %d bytes, %v", n, len(got), err)
		}
		if n > 0 {
			_, err := Dir(dir).ReadFileMax(name, int64(n-1))
			var big *TooLargeError
			if !errors.As(err, &big) || big.Size != int64(n) || big.Name != name {
				t.Fatalf("size %d over a limit of %d: %v", n, n-1, err)
			}
		}
	}

	_, err := Dir(dir).ReadFileMax("content/missing.md", -1)
	var pe *fs.PathError
	if !errors.Is(err, fs.ErrNotExist) || !errors.As(err, &pe) || pe.Path != "content/missing.md" {
		t.Errorf("missing file: %#v, want a PathError for the relative name", err)
	}
	if _, err := Dir(dir).ReadFileMax("../x.md", -1); !errors.Is(err, fs.ErrInvalid) {
		t.Errorf("a path out of the tree: %v, want ErrInvalid", err)
	}
	if _, err := Dir("").ReadFileMax("x.md", -1); err == nil {
		t.Errorf("an empty root read a file")
	}
	if _, err := Dir(dir).ReadFileMax("content", -1); err == nil {
		t.Errorf("a folder read as a file")
	}
	if err := os.Symlink("x.md", filepath.Join(dir, "content", "link.md")); err == nil {
		got, err := Dir(dir).ReadFile("content/link.md")
		want, _ := os.ReadFile(filepath.Join(dir, "content", "x.md"))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("symbolic link: %q, %v; want the file it names", got, err)
		}
	}
}

// A file that is not regular is read to its end, not to its reported size
// (files under /proc report 0 bytes).
func TestReadFileMaxSpecial(t *testing.T) {
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("no /proc")
	}
	got, err := Dir("/proc/self").ReadFileMax("status", -1)
	if err != nil || !bytes.Contains(got, []byte("Name:")) {
		t.Fatalf("/proc/self/status: %d bytes, %v", len(got), err)
	}
}

// Open, Stat and ReadDir are os.DirFS's: the tree passes fstest.TestFS.
func TestFS(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "content/a.md", []byte("---\ntitle: A\n---\nbody\n"))
	write(t, dir, "static/css/site.css", []byte("body{}"))
	if err := fstest.TestFS(Dir(dir), "content/a.md", "static/css/site.css"); err != nil {
		t.Fatal(err)
	}
}
