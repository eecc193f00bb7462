package output

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

// Error is a failure of the file system the output folder is on: a full
// disk, a read-only file system, missing permissions. It names the path as
// the user knows it (under the output folder they chose, not the hidden
// build folder), the cause, and what to do about it. A build that gets one
// stops: every later file would fail the same way.
type Error struct {
	Op   string // what could not be done: "write", "create the folder", ...
	Path string
	Err  error
}

func (e *Error) Error() string {
	cause := e.Err
	var pe *fs.PathError
	var le *os.LinkError
	switch {
	case errors.As(cause, &pe):
		cause = pe.Err // the path it names is the hidden build folder's
	case errors.As(cause, &le):
		cause = le.Err
	}
	s := fmt.Sprintf("cannot %s %s: %v", e.Op, e.Path, cause)
	if h := hint(e.Err); h != "" {
		s += "; " + h
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// hint says what to do about a file-system error, or "" when there is
// nothing more useful to say than the error itself.
func hint(err error) string {
	switch {
	case errors.Is(err, syscall.ENOSPC):
		return "the disk is full: free space on it or choose another --out"
	case errors.Is(err, syscall.EDQUOT):
		return "the disk quota is used up: free space or choose another --out"
	case errors.Is(err, syscall.EROFS):
		return "the file system is read-only: choose an --out on a writable disk"
	case errors.Is(err, fs.ErrPermission):
		return "check the permissions of the output folder and of the folder holding it, or choose another --out"
	case errors.Is(err, syscall.EFBIG):
		return "a file size limit is in force (ulimit -f, or the file system's own): raise it or choose another --out"
	case errors.Is(err, syscall.EBUSY):
		return "the output folder is a mount point or in use; a build replaces it whole, so mount the folder above it instead or choose another --out"
	}
	return ""
}

// fsError wraps err, a failure to op the file at rel under the output
// folder, as an *Error, unless it is not a file-system error at all.
func (d *Dir) fsError(op, rel string, err error) error {
	var pe *fs.PathError
	if !errors.As(err, &pe) {
		return fmt.Errorf("writing %s: %w", rel, err)
	}
	return &Error{Op: op, Path: d.userPath(rel), Err: err}
}
