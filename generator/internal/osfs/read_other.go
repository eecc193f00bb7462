//go:build !linux

package osfs

import (
	"io"
)

// readFile reads the file name through os.DirFS.
func (fsys *FS) readFile(name string, max int64) ([]byte, error) {
	f, err := fsys.fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if max >= 0 && fi.Size() > max {
		return nil, &TooLargeError{Size: fi.Size()}
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
			return nil, &TooLargeError{Size: int64(len(data))}
		}
		if len(data) == cap(data) {
			data = append(data, 0)[:len(data)]
		}
	}
}
