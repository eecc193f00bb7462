package osfs

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// TestSystemPath: names that resolve into /proc, /sys or /dev are the
// operating system's; files of the tree, and links between them, are not,
// even when the tree itself lies under /dev (/dev/shm).
func TestSystemPath(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("needs /proc")
	}
	for _, root := range []string{t.TempDir(), "/dev/shm"} {
		if root == "/dev/shm" {
			dir, err := os.MkdirTemp(root, "osfs-")
			if err != nil {
				t.Skipf("no /dev/shm: %v", err)
			}
			defer os.RemoveAll(dir)
			root = dir
		}
		write(t, root, "static/a.css", []byte("a{}"))
		for name, target := range map[string]string{"static/b.css": "a.css", "static/env": "/proc/self/environ", "static/null": "/dev/null", "sys": "/sys"} {
			if err := os.Symlink(target, filepath.Join(root, filepath.FromSlash(name))); err != nil {
				t.Fatal(err)
			}
		}
		f := Dir(root)
		for name, want := range map[string]bool{"static/a.css": false, "static/b.css": false, "static": false, "static/env": true, "static/null": true, "sys": true, "missing": false} {
			if real, got := f.SystemPath(name); got != want {
				t.Errorf("%s: SystemPath(%s) = %q, %v; want %v", root, name, real, got, want)
			}
		}
	}
}
