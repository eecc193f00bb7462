package osfs

import (
	"os"
	"syscall"
)

// readFile reads the file name with plain system calls: no poller
// registration, one fstat for the size, and a read of one byte more than
// that size, which a regular file answers short at its end.
func (f *FS) readFile(name string, max int64) ([]byte, error) {
	full := f.dir + "/" + name
	fd, err := syscall.Open(full, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	for err == syscall.EINTR {
		fd, err = syscall.Open(full, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	}
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: full, Err: err}
	}
	defer syscall.Close(fd)
	var st syscall.Stat_t
	if err := syscall.Fstat(fd, &st); err != nil {
		return nil, &os.PathError{Op: "stat", Path: full, Err: err}
	}
	if max >= 0 && st.Size > max {
		return nil, &TooLargeError{Size: st.Size}
	}
	regular := st.Mode&syscall.S_IFMT == syscall.S_IFREG
	data := make([]byte, 0, st.Size+1)
	for {
		want := cap(data) - len(data)
		n, err := syscall.Read(fd, data[len(data):cap(data)])
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil, &os.PathError{Op: "read", Path: full, Err: err}
		}
		data = data[:len(data)+n]
		// A regular file gives all that is asked while it has it: a short
		// read past its size is its end. Other files (/proc, pipes) read
		// on until a read returns nothing.
		if n == 0 || regular && n < want && int64(len(data)) >= st.Size {
			return data, nil
		}
		if max >= 0 && int64(len(data)) > max {
			return nil, &TooLargeError{Size: int64(len(data))}
		}
		if len(data) == cap(data) {
			data = append(data, 0)[:len(data)]
		}
	}
}
