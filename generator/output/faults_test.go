package output

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
)

// names lists the entries of dir, sorted.
func names(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var list []string
	for _, e := range entries {
		list = append(list, e.Name())
	}
	sort.Strings(list)
	return list
}

// TestDirWriteFaults injects the errors a full disk, a read-only file
// system or missing permissions give into the writes of a build (as root,
// and on machines where no file system can be mounted, they cannot be
// produced for real; the casefile command's TestFaults does where it can):
// the error names the file under the output folder the user chose, the
// cause and what to do, and Commit leaves the previous output and nothing
// else.
func TestDirWriteFaults(t *testing.T) {
	for _, tc := range []struct {
		errno syscall.Errno
		want  string
	}{
		{syscall.ENOSPC, "no space left on device; the disk is full: free space on it or choose another --out"},
		{syscall.EDQUOT, "disk quota exceeded; the disk quota is used up: free space or choose another --out"},
		{syscall.EROFS, "read-only file system; the file system is read-only: choose an --out on a writable disk"},
		{syscall.EACCES, "permission denied; check the permissions of the output folder and of the folder holding it, or choose another --out"},
		{syscall.EFBIG, "file too large; a file size limit is in force (ulimit -f, or the file system's own): raise it or choose another --out"},
	} {
		t.Run(tc.errno.Error(), func(t *testing.T) {
			root := t.TempDir()
			dest := filepath.Join(root, "public")
			build(t, dest, map[string]string{"index.html": "previous"})
			d, err := NewDir(dest)
			if err != nil {
				t.Fatal(err)
			}
			var calls atomic.Int32
			d.create = func(full string, data []byte) error {
				calls.Add(1)
				if strings.Contains(full, "incidents") {
					return &fs.PathError{Op: "open", Path: full, Err: tc.errno}
				}
				return createFile(full, data)
			}
			var first error
			for i := range 50 {
				name := "index.html"
				if i > 0 {
					name = fmt.Sprintf("incidents/i%d/index.html", i)
				}
				if err := d.WriteFile(name, []byte("new")); err != nil && first == nil {
					first = err
				}
			}
			if err := d.Commit(); err == nil {
				t.Fatal("Commit succeeded")
			} else if first == nil {
				first = err
			}
			var oe *Error
			if !errors.As(first, &oe) || !errors.Is(first, tc.errno) {
				t.Fatalf("error %v (%T) is not an *Error wrapping %v", first, first, tc.errno)
			}
			prefix := "cannot write " + filepath.Join(dest, "incidents") + string(filepath.Separator)
			if msg := first.Error(); !strings.HasPrefix(msg, prefix) || !strings.HasSuffix(msg, "/index.html: "+tc.want) {
				t.Errorf("error %q\nwant   %q…%q", msg, prefix, "/index.html: "+tc.want)
			}
			if strings.Contains(first.Error(), ".tmp-") {
				t.Errorf("the error names the hidden build folder: %q", first)
			}
			if got := readFile(t, filepath.Join(dest, "index.html")); got != "previous" {
				t.Errorf("previous output changed: %q", got)
			}
			if got := names(t, root); strings.Join(got, " ") != "public" {
				t.Errorf("left next to the output: %v", got)
			}
		})
	}
}

// TestNewDirRemovesStaleFolders: a build removes the build folders and
// set-aside outputs of builds that were killed, and nothing else: not a
// live build's folder, not anything whose name differs from the pattern,
// not a set-aside output while the output itself is missing.
func TestNewDirRemovesStaleFolders(t *testing.T) {
	if !canTellDead {
		t.Skip("no folder locks on this system: leftovers are never removed")
	}
	root := t.TempDir()
	dest := filepath.Join(root, "public")
	build(t, dest, map[string]string{"index.html": "previous"})

	live, err := NewDir(dest) // a build still running
	if err != nil {
		t.Fatal(err)
	}
	defer live.Abort()
	if err := live.WriteFile("index.html", []byte("live")); err != nil {
		t.Fatal(err)
	}
	if err := live.Flush(); err != nil {
		t.Fatal(err)
	}
	stale := []string{".public.tmp-0123456789ab", ".public.old-a1b2c3d4e5f6"}
	kept := []string{
		".public.tmp-0123456789", ".public.tmp-0123456789abc", ".public.tmp-0123456789AB", ".public.tmp-01234567890g",
		".public.tmp-0123456789ab.keep", ".publicx.tmp-0123456789ab", ".other.tmp-0123456789ab", "public.tmp-0123456789ab",
		".public.new-0123456789ab",
	}
	for _, name := range append(append([]string{}, stale...), kept...) {
		writeFile(t, filepath.Join(root, name, "incidents", "x", "index.html"), "stale")
	}
	// A set-aside output has its build's stamp.
	writeFile(t, filepath.Join(root, stale[1], StampName), string(encodeStamp([]string{"incidents/x/index.html"})))
	writeFile(t, filepath.Join(root, ".public.tmp-aaaaaaaaaaaa"), "a file, not a build folder")
	kept = append(kept, ".public.tmp-aaaaaaaaaaaa", filepath.Base(live.tmp), "public")

	d, err := NewDir(dest)
	if err != nil {
		t.Fatal(err)
	}
	want := append(kept, filepath.Base(d.tmp))
	sort.Strings(want)
	if got := names(t, root); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("next to the output:\n got %v\nwant %v", got, want)
	}
	if got := readFile(t, filepath.Join(live.tmp, "index.html")); got != "live" {
		t.Errorf("the live build's folder was touched: %q", got)
	}
	d.Abort()

	// The output missing: a set-aside output may be its only copy.
	if err := os.RemoveAll(dest); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(root, stale[1], "index.html"), "the only copy")
	writeFile(t, filepath.Join(root, stale[1], StampName), string(encodeStamp([]string{"index.html"})))
	d, err = NewDir(dest)
	if err != nil {
		t.Fatal(err)
	}
	d.Abort()
	if got := readFile(t, filepath.Join(root, stale[1], "index.html")); got != "the only copy" {
		t.Errorf("set-aside output removed while the output is missing: %q", got)
	}
}

// TestCommitNeverLeavesOutputMissing watches the output folder while builds
// are swapped in: with the folders exchanged in one step, a build killed at
// any instant leaves a complete output, the previous or the new one. (With
// two renames, the watcher sees the folder missing between them.)
func TestCommitNeverLeavesOutputMissing(t *testing.T) {
	if err := exchange(t.TempDir(), t.TempDir()); errors.Is(err, errNoExchange) {
		t.Skip("no atomic exchange of folders on this system")
	}
	root := t.TempDir()
	dest := filepath.Join(root, "public")
	build(t, dest, map[string]string{"index.html": "0"})
	stop := make(chan struct{})
	missing := make(chan int, 1)
	go func() {
		n := 0
		defer func() { missing <- n }()
		for {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := os.Stat(filepath.Join(dest, "index.html")); err != nil {
				n++
			}
		}
	}()
	for i := 1; i <= 300; i++ {
		d, err := NewDir(dest)
		if err != nil {
			t.Fatal(err)
		}
		if err := d.WriteFile("index.html", []byte(fmt.Sprint(i))); err != nil {
			t.Fatal(err)
		}
		if err := d.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	if n := <-missing; n > 0 {
		t.Errorf("the output was missing %d times while builds were swapped in", n)
	}
	if got := readFile(t, filepath.Join(dest, "index.html")); got != "300" {
		t.Errorf("index.html = %q after the last commit", got)
	}
	if got := names(t, root); strings.Join(got, " ") != "public" {
		t.Errorf("left next to the output: %v", got)
	}
}
