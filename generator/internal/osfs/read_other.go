//go:build !linux

package osfs

// readFile reads the file name through os.DirFS.
func (f *FS) readFile(name string, max int64) ([]byte, error) {
	return ReadFSMax(f.fsys, name, max)
}
