package output

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// StampName is the file every folder build writes into its output, listing
// the files it wrote. A build replaces an existing output folder only while
// the folder holds a stamp and nothing the stamp does not list, so that
// nothing a build did not write (a .git/ folder, notes, a hand-written
// page) is ever lost. No build may write a file of that name itself.
const StampName = ".casefile-build"

// stampHeader is the first line of a stamp (the format and its version),
// and the comment of an archive a build writes.
const stampHeader = "casefile-build 1"

const stampNote = "# The files a Casefile build wrote into this folder. A build replaces the folder only while it holds nothing else."

// maxStamp bounds the stamp a build reads (one of 100,000 incidents is
// about 10 MB): a larger file is not one a build wrote.
const maxStamp = 256 << 20

// stamp is the list of files a build wrote, sorted and without repeats.
type stamp struct{ files []string }

// encodeStamp makes the stamp of a build that wrote files (sorted, no
// repeats). A path that a line could not hold as it is (a control
// character, a leading quote or #) is written as a Go string literal.
func encodeStamp(files []string) []byte {
	n := len(stampHeader) + len(stampNote) + 2
	for _, f := range files {
		n += len(f) + 1
	}
	b := make([]byte, 0, n)
	b = append(b, stampHeader+"\n"+stampNote+"\n"...)
	for _, f := range files {
		if needsQuote(f) {
			b = strconv.AppendQuote(b, f)
		} else {
			b = append(b, f...)
		}
		b = append(b, '\n')
	}
	return b
}

func needsQuote(p string) bool {
	if p == "" || p[0] == '"' || p[0] == '#' {
		return true
	}
	for i := 0; i < len(p); i++ {
		if p[i] < 0x20 || p[i] == 0x7f {
			return true
		}
	}
	return false
}

// readStamp reads the stamp of the folder dir; the error wraps
// fs.ErrNotExist when there is none.
func readStamp(dir string) (*stamp, error) {
	p := filepath.Join(dir, StampName)
	fi, err := os.Lstat(p)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() || fi.Size() > maxStamp {
		return nil, fmt.Errorf("%s is not a file a build wrote", StampName)
	}
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, err
	}
	return parseStamp(data)
}

func parseStamp(data []byte) (*stamp, error) {
	first, rest, _ := bytes.Cut(data, []byte("\n"))
	if string(first) != stampHeader {
		if v, ok := strings.CutPrefix(string(first), "casefile-build "); ok {
			return nil, fmt.Errorf("%s is of format %q, which this version of Casefile does not read (a newer version wrote it)", StampName, v)
		}
		return nil, fmt.Errorf("%s does not start with %q", StampName, stampHeader)
	}
	var files []string
	for n := 2; len(rest) > 0; n++ {
		var line []byte
		line, rest, _ = bytes.Cut(rest, []byte("\n"))
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		p := string(line)
		if line[0] == '"' {
			var err error
			if p, err = strconv.Unquote(p); err != nil {
				return nil, fmt.Errorf("%s:%d: %v", StampName, n, err)
			}
		}
		if err := CheckPath(p); err != nil {
			return nil, fmt.Errorf("%s:%d: %v", StampName, n, err)
		}
		files = append(files, p)
	}
	slices.Sort(files)
	return &stamp{files: slices.Compact(files)}, nil
}

// hasFile reports whether the stamp lists the file p.
func (s *stamp) hasFile(p string) bool {
	if s == nil {
		return false
	}
	i := sort.SearchStrings(s.files, p)
	return i < len(s.files) && s.files[i] == p
}

// hasDir reports whether the stamp lists a file inside the folder p.
func (s *stamp) hasDir(p string) bool {
	if s == nil {
		return false
	}
	pre := p + "/"
	i := sort.SearchStrings(s.files, pre)
	return i < len(s.files) && strings.HasPrefix(s.files[i], pre)
}

// built reports whether the entry e at the slash path p of an output folder
// is one a build wrote according to s: the stamp itself, a file the stamp
// lists, or a folder holding one. A symbolic link never is, and with no
// stamp (s nil) nothing is.
func (s *stamp) built(p string, e fs.DirEntry) bool {
	switch {
	case s == nil:
		return false
	case e.Type().IsRegular():
		return p == StampName || s.hasFile(p)
	case e.IsDir():
		return s.hasDir(p)
	}
	return false
}

// survey walks the output folder root and counts what it holds that no
// build wrote according to s (nil: anything at all), naming the first max
// of them as slash paths ("notes.txt", ".git/"). It does not look inside a
// folder no build wrote.
func survey(root string, s *stamp, max int) (names []string, n int, err error) {
	var visit func(rel string) error
	visit = func(rel string) error {
		entries, err := os.ReadDir(filepath.Join(root, filepath.FromSlash(rel)))
		if err != nil {
			return err
		}
		for _, e := range entries {
			p := join(rel, e.Name())
			if !s.built(p, e) {
				n++
				if len(names) < max {
					names = append(names, entryName(p, e))
				}
			} else if e.IsDir() {
				if err := visit(p); err != nil {
					return err
				}
			}
		}
		return nil
	}
	err = visit("")
	return names, n, err
}

// removeBuilt removes from the folder root the files s lists, then the
// folders they leave empty, the stamp, and root itself. Whatever a build did
// not write stays, with the folders holding it and the stamp; kept counts
// it.
func removeBuilt(root string, s *stamp) (kept int, err error) {
	var visit func(rel string) (keep bool, err error)
	visit = func(rel string) (keep bool, err error) {
		dir := filepath.Join(root, filepath.FromSlash(rel))
		entries, err := os.ReadDir(dir)
		if err != nil {
			return false, err
		}
		for _, e := range entries {
			p := join(rel, e.Name())
			full := filepath.Join(dir, e.Name())
			switch {
			case s != nil && p == StampName && e.Type().IsRegular():
				// removed last, so that a removal cut short still knows
				// what is the build's
			case !s.built(p, e):
				keep = true
				kept++
			case e.IsDir():
				k, err := visit(p)
				if err != nil {
					return false, err
				}
				if k {
					keep = true
				} else if err := os.Remove(full); err != nil {
					return false, err
				}
			default:
				if err := os.Remove(full); err != nil && !errors.Is(err, fs.ErrNotExist) {
					return false, err
				}
			}
		}
		return keep, nil
	}
	keep, err := visit("")
	if err != nil || keep {
		return kept, err
	}
	if s != nil {
		if err := os.Remove(filepath.Join(root, StampName)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return kept, err
		}
	}
	return 0, os.Remove(root)
}

// dispose removes a previous output that a swap (or a killed build) set
// aside at p, an output folder of dest: what its stamp lists, and nothing
// else. Files no build wrote (they can only have appeared while the build
// ran: the output was checked before it started) are kept, moved with
// their folders to keptAt, a visible sibling of dest that no build removes.
func dispose(p, dest string) (keptAt string, err error) {
	s, err := readStamp(p)
	if err != nil {
		s = nil // an output that was empty, or a stamp gone bad: keep it all
	}
	kept, err := removeBuilt(p, s)
	if err != nil || kept == 0 {
		return "", err
	}
	keptAt = filepath.Join(filepath.Dir(dest), filepath.Base(dest)+".kept-"+randomSuffix())
	if err := os.Rename(p, keptAt); err != nil {
		// It stays where it is, stamp and all, so that removeStale
		// treats it the same way again.
		return p, nil
	}
	if s != nil {
		_ = os.Remove(filepath.Join(keptAt, StampName))
	}
	return keptAt, nil
}

// checkPrevious refuses to build into the existing folder dest (name, as
// the user gave it) unless it is empty or holds a build's stamp and
// nothing the stamp does not list: the build replaces it whole.
func checkPrevious(dest, name string) error {
	fi, err := os.Lstat(dest)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return &Error{Op: "read the output folder", Path: name, Err: err}
	}
	if !fi.IsDir() {
		return fmt.Errorf("output %s exists and is not a folder; remove it or choose another --out", name)
	}
	s, serr := readStamp(dest)
	if serr != nil && !errors.Is(serr, fs.ErrNotExist) {
		var pe *fs.PathError
		if errors.As(serr, &pe) {
			return &Error{Op: "read", Path: filepath.Join(name, StampName), Err: serr}
		}
	}
	const show = 4
	names, n, err := survey(dest, s, show)
	if err != nil {
		return &Error{Op: "read the output folder", Path: name, Err: err}
	}
	if n == 0 {
		return nil
	}
	held := listNames(names, n)
	switch {
	case errors.Is(serr, fs.ErrNotExist):
		return fmt.Errorf("output %s is not empty and has no %s stamp, so nothing shows which of its files a Casefile build wrote: it holds %s. A build replaces its output folder whole: choose an empty or new folder; if this is the output of an earlier Casefile version (they wrote no stamp) and holds nothing of yours, delete it once and build again", name, StampName, held)
	case serr != nil:
		return fmt.Errorf("output %s: %v, so a build cannot tell its own files from others (it holds %s); choose an empty or new folder, or, if the folder holds nothing of yours, delete it once and build again", name, serr, held)
	}
	return fmt.Errorf("output %s holds files a Casefile build did not write: %s. A build replaces its output folder whole; move them out of it, or choose an empty or new folder", name, held)
}

// listNames lists names, the first of n entries: "a, b, c and 2 more".
func listNames(names []string, n int) string {
	s := strings.Join(names, ", ")
	if n > len(names) {
		s += fmt.Sprintf(" and %d more", n-len(names))
	}
	return s
}

func entryName(p string, e fs.DirEntry) string {
	switch {
	case e.IsDir():
		return p + "/"
	case e.Type()&fs.ModeSymlink != 0:
		return p + " (a symbolic link)"
	}
	return p
}

func join(rel, name string) string {
	if rel == "" {
		return name
	}
	return rel + "/" + name
}
