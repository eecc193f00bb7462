package osfs

import (
	"path/filepath"
	"strings"
)

// systemTrees are the folders whose "files" the operating system makes up
// about the machine it runs on: /proc/self/environ holds the environment of
// the process reading it (secrets included), /sys and /dev describe and
// reach its hardware.
var systemTrees = []string{"/proc", "/sys", "/dev"}

// SystemPath resolves every symbolic link of name and reports whether it
// then lies outside the tree's folder and in the operating system's files:
// under /proc, /sys or /dev, or on a file system of the kind mounted there
// (procfs, sysfs…) wherever it is mounted. It returns the path name
// resolves to. A name that does not resolve is not reported (reading it
// fails on its own).
func (f *FS) SystemPath(name string) (string, bool) {
	real, err := filepath.EvalSymlinks(filepath.Join(f.dir, filepath.FromSlash(name)))
	if err != nil {
		return "", false
	}
	if abs, err := filepath.Abs(real); err == nil {
		real = abs
	}
	if root, err := filepath.EvalSymlinks(f.dir); err == nil {
		if abs, err := filepath.Abs(root); err == nil && within(real, abs) {
			return real, false // a knowledge base kept under /dev/shm, say
		}
	}
	for _, t := range systemTrees {
		if within(real, filepath.FromSlash(t)) {
			return real, true
		}
	}
	return real, pseudoFS(real)
}

// within reports whether path p is dir or lies below it.
func within(p, dir string) bool {
	if !strings.HasSuffix(dir, string(filepath.Separator)) {
		if p == dir {
			return true
		}
		dir += string(filepath.Separator)
	}
	return strings.HasPrefix(p, dir)
}
