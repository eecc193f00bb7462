// Package output is the last stage of a build: it writes the files a build
// produced, either to memory (preview server, tests) or to a folder that is
// swapped in whole when the build succeeds.
package output

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
)

// Writer receives the files of a build. Paths are slash-separated and
// relative to the site root ("incidents/x/index.html"). Implementations are
// safe for concurrent use.
type Writer interface {
	WriteFile(name string, data []byte) error
}

// Owner is a Writer that can hand data back: WriteOwned takes the file as
// WriteFile does, and calls done exactly once, whatever it returns, when it
// no longer reads data, so that the caller may reuse the buffer (a build
// renders its pages into a pool of buffers instead of allocating each).
type Owner interface {
	WriteOwned(name string, data []byte, done func()) error
}

// Streamer is a Writer that also takes a file in pieces, so a large file
// (incidents.json of 100,000 incidents) is never held in memory whole.
type Streamer interface {
	WriteStream(name string, write func(w io.Writer) error) error
}

// Stream writes the file name with write, through w's WriteStream when w
// is a Streamer, else into a buffer handed to WriteFile.
func Stream(w Writer, name string, write func(io.Writer) error) error {
	if s, ok := w.(Streamer); ok {
		return s.WriteStream(name, write)
	}
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		return err
	}
	return w.WriteFile(name, buf.Bytes())
}

// CheckPath reports whether name may be written: a clean relative slash path
// with no "..", no backslash, no NUL and no empty element, so nothing can
// land outside the output folder whatever a slug or alias says; nor may it
// be the build's stamp (StampName).
func CheckPath(name string) error {
	if name == "" || !fs.ValidPath(name) || name == "." {
		return fmt.Errorf("output path %q is not a clean relative path", name)
	}
	if strings.ContainsAny(name, "\\\x00:") {
		return fmt.Errorf("output path %q contains a backslash, colon or NUL", name)
	}
	if path.Clean(name) != name {
		return fmt.Errorf("output path %q is not clean", name)
	}
	if name == StampName {
		return fmt.Errorf("output path %q is the name of the stamp every build writes; no page or file may have it", name)
	}
	return nil
}

// Discard accepts every valid path and keeps nothing (casefile check).
type Discard struct{}

// WriteFile checks the path and drops the data.
func (Discard) WriteFile(name string, _ []byte) error { return CheckPath(name) }

// WriteOwned checks the path and hands the data back at once (see Owner).
func (Discard) WriteOwned(name string, _ []byte, done func()) error {
	done()
	return CheckPath(name)
}

// WriteStream checks the path and drops what write writes.
func (Discard) WriteStream(name string, write func(io.Writer) error) error {
	if err := CheckPath(name); err != nil {
		return err
	}
	return write(io.Discard)
}
