package output

import (
	"errors"
	"fmt"
	"syscall"

	"golang.org/x/sys/unix"
)

// lockFolder takes an exclusive lock on the folder at p, held until unlock
// is called or the process ends however it ends (kill -9 included), so a
// later build can tell a dead build's folder from a live one's.
func lockFolder(p string) (unlock func(), err error) {
	fd, err := syscall.Open(p, syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(fd, syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		syscall.Close(fd)
		return nil, err
	}
	// Another build's clean-up may have removed the folder between its
	// creation and the lock: then the lock is on a deleted folder.
	var locked, now syscall.Stat_t
	if err := syscall.Fstat(fd, &locked); err != nil {
		syscall.Close(fd)
		return nil, err
	}
	if err := syscall.Stat(p, &now); err != nil || now.Dev != locked.Dev || now.Ino != locked.Ino {
		syscall.Close(fd)
		return nil, fmt.Errorf("%s was removed while it was being locked", p)
	}
	return func() { syscall.Close(fd) }, nil
}

// canTellDead reports whether lockFolder's locks tell a dead build's
// folder from a live one's on this system.
const canTellDead = true

// errNoExchange reports that the system cannot swap two folders atomically.
var errNoExchange = errors.New("atomic exchange not supported")

// exchange swaps the folders at a and b in one step, so that b is never
// missing, whenever the process is killed.
func exchange(a, b string) error {
	err := unix.Renameat2(unix.AT_FDCWD, a, unix.AT_FDCWD, b, unix.RENAME_EXCHANGE)
	if errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EINVAL) {
		return errNoExchange // old kernel, or a file system without it (NFS)
	}
	return err
}
