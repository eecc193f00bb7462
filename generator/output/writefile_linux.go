package output

import (
	"os"
	"syscall"
)

// createFile creates (or truncates) the file at full and writes data into it
// with plain system calls. os.WriteFile would also register each file with
// the runtime's network poller (an epoll_ctl that fails for regular files)
// and query its flags: four extra system calls per file, which is a tenth of
// the cost of writing a 20,000-file site.
func createFile(full string, data []byte) error {
	fd, err := syscall.Open(full, syscall.O_WRONLY|syscall.O_CREAT|syscall.O_TRUNC|syscall.O_CLOEXEC, 0o644)
	for err == syscall.EINTR {
		fd, err = syscall.Open(full, syscall.O_WRONLY|syscall.O_CREAT|syscall.O_TRUNC|syscall.O_CLOEXEC, 0o644)
	}
	if err != nil {
		return &os.PathError{Op: "open", Path: full, Err: err}
	}
	for len(data) > 0 {
		n, err := syscall.Write(fd, data)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			syscall.Close(fd)
			return &os.PathError{Op: "write", Path: full, Err: err}
		}
		data = data[n:]
	}
	if err := syscall.Close(fd); err != nil {
		return &os.PathError{Op: "close", Path: full, Err: err}
	}
	return nil
}
