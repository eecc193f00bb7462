// Package osfs is os.DirFS with a leaner ReadFile.
//
// A build reads every source file once to decode its front matter and, at
// 100,000 incidents, once more when its page renders. Through os.DirFS each
// read costs seven system calls: the open, then an fstat and an fcntl as
// the runtime decides whether to register the file with its network poller,
// the fstat of Stat, the read, a second read to see the end of the file, and
// the close. On Linux ReadFileMax makes four: open, fstat, one read that a
// short count ends, close.
package osfs

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// FS is the file tree rooted at a folder, as os.DirFS gives it, with the
// same Open, Stat and ReadDir.
type FS struct {
	dir  string
	fsys fs.FS
}

// Dir returns the file tree rooted at dir.
func Dir(dir string) *FS { return &FS{dir: dir, fsys: os.DirFS(dir)} }

// Open opens name as os.DirFS does.
func (f *FS) Open(name string) (fs.File, error) { return f.fsys.Open(name) }

// Stat describes name as os.DirFS does.
func (f *FS) Stat(name string) (fs.FileInfo, error) { return fs.Stat(f.fsys, name) }

// ReadDir lists the folder name as os.DirFS does.
func (f *FS) ReadDir(name string) ([]fs.DirEntry, error) { return fs.ReadDir(f.fsys, name) }

// ReadFile reads the whole file name.
func (f *FS) ReadFile(name string) ([]byte, error) { return f.ReadFileMax(name, -1) }

// TooLargeError is ReadFileMax's error for a file over its limit.
type TooLargeError struct {
	Name string
	Size int64 // the size seen: the file's, or as much as was read past the limit
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("%s: %d bytes is over the limit", e.Name, e.Size)
}

// ReadFileMax reads the whole file name, or returns a *TooLargeError
// without reading it when it is larger than max bytes (max < 0: no limit).
// Errors are *fs.PathError values naming name, as os.DirFS's.
func (f *FS) ReadFileMax(name string, max int64) ([]byte, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	if f.dir == "" {
		return nil, &fs.PathError{Op: "open", Path: name, Err: errors.New("osfs: Dir with empty root")}
	}
	data, err := f.readFile(name, max)
	var pe *fs.PathError
	if errors.As(err, &pe) {
		pe.Path = name
	}
	var big *TooLargeError
	if errors.As(err, &big) {
		big.Name = name
	}
	return data, err
}

// ReadFSMax reads the file name of any tree whole, as ReadFileMax does:
// through Open, Stat and Read until the end, refusing a file larger than
// max bytes (max < 0: no limit) before reading it, or once it has grown
// past max while being read.
func ReadFSMax(fsys fs.FS, name string, max int64) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if max >= 0 && fi.Size() > max {
		return nil, &TooLargeError{Name: name, Size: fi.Size()}
	}
	data := make([]byte, 0, fi.Size()+1) // +1: the end is seen without growing
	for {
		n, err := f.Read(data[len(data):cap(data)])
		data = data[:len(data)+n]
		if err == io.EOF {
			return data, nil
		}
		if err != nil {
			return nil, err
		}
		if max >= 0 && int64(len(data)) > max {
			return nil, &TooLargeError{Name: name, Size: int64(len(data))}
		}
		if len(data) == cap(data) {
			data = append(data, 0)[:len(data)]
		}
	}
}
