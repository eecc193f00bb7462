package output

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
)

// Dir writes a build into a fresh sibling folder of the destination and swaps
// it in whole on Commit, so a failed or killed build leaves the previous
// output untouched and stale files never linger. WriteFile hands files to
// one writing goroutine (or, while its queue is full, writes them itself);
// Commit waits for it and reports its first error.
type Dir struct {
	dest   string // the output folder, absolute
	name   string // the output folder as the user named it, for messages
	tmp    string // sibling folder being written
	unlock func() // releases the lock on tmp that marks this build alive

	// create writes one file (createFile; tests inject faults here).
	create func(full string, data []byte) error

	mu   sync.Mutex
	made map[string]bool // folders already created under tmp

	// The paths of the files written, for the stamp (see StampName): their
	// bytes one after the other, each ending at the offset in ends.
	pathsMu sync.Mutex
	paths   []byte
	ends    []int

	// One goroutine makes every folder and file, so that the build's
	// workers never contend in the kernel for a folder's lock (two threads
	// creating entries in incidents/ spin on it) and never wait for a write.
	once  sync.Once
	q     chan writeReq
	done  chan struct{}
	errMu sync.Mutex
	err   error // the first write error
}

type writeReq struct {
	name string
	data []byte
	done func() // nil, or called once data is written (WriteOwned)
}

func (d *Dir) start() {
	q, done := make(chan writeReq, 256), make(chan struct{})
	d.q, d.done = q, done
	go func() {
		defer close(done)
		for r := range q {
			err := d.writeNow(r.name, r.data)
			if r.done != nil {
				r.done()
			}
			if err != nil {
				d.errMu.Lock()
				if d.err == nil {
					d.err = err
				}
				d.errMu.Unlock()
			}
		}
	}()
}

// Flush waits for every file handed to WriteFile to be written and returns
// the first error.
func (d *Dir) Flush() error {
	d.once.Do(d.start)
	d.mu.Lock()
	q := d.q
	d.q = nil
	d.mu.Unlock()
	if q != nil {
		close(q)
		<-d.done
	}
	d.errMu.Lock()
	defer d.errMu.Unlock()
	return d.err
}

// NewDir prepares a build of dest. It refuses an existing folder that holds
// anything a build did not write (see StampName and checkPrevious), then
// creates the sibling temporary folder next to dest (same file system, so
// the final rename is atomic). When dest is a symbolic link, the link stays
// and the folder it leads to is the one replaced; a link that leads nowhere
// is refused.
func NewDir(dest string) (*Dir, error) {
	name := filepath.Clean(dest)
	abs, err := filepath.Abs(dest)
	if err != nil {
		return nil, err
	}
	abs, err = followLink(abs)
	if err != nil {
		fix := "create that folder, or remove the link to build into a new folder " + name
		if !errors.Is(err, fs.ErrNotExist) {
			fix = "point the link at a folder, or remove it"
		}
		return nil, fmt.Errorf("output %s %v; %s", name, err, fix)
	}
	parent := filepath.Dir(abs)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, &Error{Op: "create the folder", Path: filepath.Dir(name), Err: err}
	}
	if err := checkPrevious(abs, name); err != nil {
		return nil, err
	}
	removeStale(abs)
	for attempt := 1; ; attempt++ {
		tmp := filepath.Join(parent, "."+filepath.Base(abs)+tmpInfix+randomSuffix())
		if err := os.Mkdir(tmp, 0o755); err != nil {
			return nil, &Error{Op: "create the build folder", Path: tmp, Err: err}
		}
		unlock, err := lockFolder(tmp)
		if err == nil {
			return &Dir{dest: abs, name: name, tmp: tmp, unlock: unlock, create: createFile, made: map[string]bool{".": true}}, nil
		}
		_ = os.RemoveAll(tmp)
		if attempt == 3 {
			return nil, &Error{Op: "lock the build folder", Path: tmp, Err: err}
		}
	}
}

// Names of the folders a build makes next to its output folder "public":
// ".public.tmp-<12 hex digits>" while it writes, ".public.old-<12 hex
// digits>" for the previous output while swapping where the system cannot
// swap two folders in one step.
const (
	tmpInfix    = ".tmp-"
	oldInfix    = ".old-"
	suffixDigit = 12
)

// removeStale removes what builds of dest killed before they finished
// (kill -9, a crash, a power cut) left next to it, so leftovers do not pile
// up: build folders that no live build holds locked, and previous outputs
// set aside while swapping, unless dest is missing (a build killed between
// its two renames: that folder is the only copy of the output). Only names
// of this exact pattern are touched; anything else next to dest is left
// alone, and so is everything where a dead build cannot be told from a live
// one. A folder holding a stamp (a finished build, or a previous output) is
// removed as far as the stamp lists (see dispose); one without is a build
// cut short before its stamp, all of it written by the build. Failures are
// ignored: the next build tries again.
func removeStale(dest string) {
	if !canTellDead {
		return
	}
	parent, base := filepath.Split(dest)
	entries, err := os.ReadDir(parent)
	if err != nil {
		return
	}
	_, err = os.Lstat(dest)
	destExists := err == nil
	for _, e := range entries {
		infix, ok := leftover(e.Name(), base)
		if !ok || !e.IsDir() || (infix == oldInfix && !destExists) {
			continue
		}
		p := filepath.Join(parent, e.Name())
		unlock, err := lockFolder(p) // fails while its build is alive
		if err != nil {
			continue
		}
		if _, err := os.Lstat(filepath.Join(p, StampName)); err == nil || infix == oldInfix {
			_, _ = dispose(p, dest)
		} else {
			_ = os.RemoveAll(p)
		}
		unlock()
	}
}

// leftover reports whether name is a build folder or set-aside output of
// the output folder base, and which.
func leftover(name, base string) (infix string, ok bool) {
	rest, ok := strings.CutPrefix(name, "."+base)
	if !ok {
		return "", false
	}
	for _, infix := range []string{tmpInfix, oldInfix} {
		if hexDigits, ok := strings.CutPrefix(rest, infix); ok && len(hexDigits) == suffixDigit && isLowerHex(hexDigits) {
			return infix, true
		}
	}
	return "", false
}

func isLowerHex(s string) bool {
	for _, c := range s {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// userPath is the file rel (slash-separated, under the output folder) as the
// user will know it.
func (d *Dir) userPath(rel string) string {
	if rel == "." || rel == "" {
		return d.name
	}
	return filepath.Join(d.name, filepath.FromSlash(rel))
}

// Dest returns the absolute output folder.
func (d *Dir) Dest() string { return d.dest }

// WriteFile queues one file for writing into the temporary folder (the
// caller must not change data afterwards); an error writing it is reported
// by Flush and Commit. A path that may not be written is refused at once.
func (d *Dir) WriteFile(name string, data []byte) error {
	return d.send(writeReq{name, data, nil})
}

// WriteOwned is WriteFile for data the caller wants back (see Owner): done
// is called once the file is written or has failed.
func (d *Dir) WriteOwned(name string, data []byte, done func()) error {
	return d.send(writeReq{name, data, done})
}

// send queues r for the writing goroutine, or writes it here while the
// queue is full; r.done, if any, is called once whatever happens.
func (d *Dir) send(r writeReq) error {
	queued := false
	defer func() {
		if !queued && r.done != nil {
			r.done()
		}
	}()
	name, data := r.name, r.data
	if err := CheckPath(name); err != nil {
		return err
	}
	d.record(name)
	d.once.Do(d.start)
	d.errMu.Lock()
	err := d.err
	d.errMu.Unlock()
	if err != nil {
		return err
	}
	d.mu.Lock()
	q := d.q
	d.mu.Unlock()
	if q == nil {
		return fmt.Errorf("writing %s: the output is already committed or aborted", name)
	}
	select {
	case q <- r:
		queued = true
		return nil
	default:
		// The writer is behind (a very large site, a slow disk): write
		// here rather than wait, so the kernel work spreads over the
		// workers again instead of bounding the build.
		return d.writeNow(name, data)
	}
}

// record notes that the file name is part of the build, for its stamp.
func (d *Dir) record(name string) {
	d.pathsMu.Lock()
	d.paths = append(d.paths, name...)
	d.ends = append(d.ends, len(d.paths))
	d.pathsMu.Unlock()
}

// stamp is the stamp of the files written, sorted, without repeats.
func (d *Dir) stamp() []byte {
	d.pathsMu.Lock()
	all := string(d.paths)
	files := make([]string, len(d.ends))
	start := 0
	for i, end := range d.ends {
		files[i] = all[start:end]
		start = end
	}
	d.pathsMu.Unlock()
	slices.Sort(files)
	return encodeStamp(slices.Compact(files))
}

func (d *Dir) writeNow(name string, data []byte) error {
	full := filepath.Join(d.tmp, filepath.FromSlash(name))
	if err := d.mkdir(filepath.Dir(name)); err != nil {
		return err
	}
	if err := d.create(full, data); err != nil {
		return d.fsError("write", name, err)
	}
	return nil
}

// WriteStream writes one file into the temporary folder from write, through
// a buffer, without holding the file in memory.
func (d *Dir) WriteStream(name string, write func(io.Writer) error) error {
	if err := CheckPath(name); err != nil {
		return err
	}
	d.record(name)
	if err := d.mkdir(filepath.Dir(name)); err != nil {
		return err
	}
	f, err := os.Create(filepath.Join(d.tmp, filepath.FromSlash(name)))
	if err != nil {
		return d.fsError("write", name, err)
	}
	fw := &fileWriter{f: f}
	w := bufio.NewWriterSize(fw, 1<<20)
	err = write(w)
	if err == nil {
		err = w.Flush()
	}
	cerr := f.Close()
	switch {
	case fw.err != nil: // the file system failed, whatever write made of it
		return d.fsError("write", name, fw.err)
	case err != nil: // write itself failed (reading its sources, say)
		return fmt.Errorf("writing %s: %w", name, err)
	case cerr != nil:
		return d.fsError("write", name, cerr)
	}
	return nil
}

// fileWriter remembers the first error of the file it writes to.
type fileWriter struct {
	f   *os.File
	err error
}

func (w *fileWriter) Write(p []byte) (int, error) {
	n, err := w.f.Write(p)
	if err != nil && w.err == nil {
		w.err = err
	}
	return n, err
}

func (d *Dir) mkdir(rel string) error {
	d.mu.Lock()
	done, parentDone := d.made[rel], d.made[filepath.Dir(rel)]
	d.mu.Unlock()
	if done {
		return nil
	}
	// Folders mostly come after their parent (a page's folder after its
	// section's): then one mkdir does, else MkdirAll (a stat per level).
	full := filepath.Join(d.tmp, rel)
	err := os.ErrNotExist
	if parentDone {
		if err = os.Mkdir(full, 0o755); errors.Is(err, fs.ErrExist) {
			err = nil
		}
	}
	if err != nil {
		if err := os.MkdirAll(full, 0o755); err != nil {
			return d.fsError("create the folder", filepath.ToSlash(rel), err)
		}
	}
	d.mu.Lock()
	for p := rel; p != "." && !d.made[p]; p = filepath.Dir(p) {
		d.made[p] = true
	}
	d.mu.Unlock()
	return nil
}

// Commit writes what is still queued and the stamp listing it all, then
// swaps the finished build in place of the destination. Where the system
// can (Linux), the two folders are exchanged in one step, so the
// destination holds the previous output or the new one whenever the
// process is killed, never nothing. Of the previous output, only what its
// stamp lists is removed (see dispose).
func (d *Dir) Commit() error {
	if err := d.Flush(); err != nil {
		d.Abort()
		return err
	}
	if err := d.create(filepath.Join(d.tmp, StampName), d.stamp()); err != nil {
		d.Abort()
		return d.fsError("write", StampName, err)
	}
	defer d.release()
	if _, err := os.Lstat(d.dest); err == nil {
		switch err := exchange(d.tmp, d.dest); {
		case err == nil:
			// The previous output is now where the build was written.
			return d.dispose(d.tmp)
		case !errors.Is(err, errNoExchange):
			d.Abort()
			return &Error{Op: "replace", Path: d.name, Err: err}
		}
	}
	var old string
	if _, err := os.Lstat(d.dest); err == nil {
		old = filepath.Join(filepath.Dir(d.dest), "."+filepath.Base(d.dest)+oldInfix+randomSuffix())
		if err := os.Rename(d.dest, old); err != nil {
			d.Abort()
			return &Error{Op: "move aside the previous output", Path: d.name, Err: err}
		}
	}
	if err := os.Rename(d.tmp, d.dest); err != nil {
		if old != "" {
			_ = os.Rename(old, d.dest) // put the previous output back
		}
		d.Abort()
		return &Error{Op: "move the new output into place at", Path: d.name, Err: err}
	}
	if old != "" {
		return d.dispose(old)
	}
	return nil
}

// dispose removes the previous output, set aside at p by Commit.
func (d *Dir) dispose(p string) error {
	kept, err := dispose(p, d.dest)
	switch {
	case err != nil:
		return fmt.Errorf("new output is in place, but the previous one could not be removed from %s: %w", p, err)
	case kept != "":
		return fmt.Errorf("new output is in place, but files no build wrote appeared in the previous one while the build ran; they were kept in %s", kept)
	}
	return nil
}

// Abort removes the temporary folder; the destination is left as it was.
func (d *Dir) Abort() {
	d.Flush()
	_ = os.RemoveAll(d.tmp)
	d.release()
}

// release lets go of the lock that marks the build folder as alive.
func (d *Dir) release() {
	d.mu.Lock()
	unlock := d.unlock
	d.unlock = nil
	d.mu.Unlock()
	if unlock != nil {
		unlock()
	}
}

func randomSuffix() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// CheckDest refuses output folders a build must never replace: the source
// folder, any folder containing it, the file-system root, the home folder,
// and a folder inside the source's content/, templates/ or static/. (What an
// existing output folder holds is NewDir's to check.)
func CheckDest(source, dest string) error {
	src, err := canonical(source)
	if err != nil {
		return err
	}
	out, err := canonical(dest)
	if err != nil {
		return err
	}
	if out == filepath.Dir(out) {
		return fmt.Errorf("refusing to use the file-system root %s as output; choose a dedicated folder such as %s", out, filepath.Join(src, "public"))
	}
	if home, err := os.UserHomeDir(); err == nil {
		if h, err := canonical(home); err == nil && h == out {
			return fmt.Errorf("refusing to use your home folder %s as output; choose a dedicated folder such as %s", out, filepath.Join(src, "public"))
		}
	}
	if out == src {
		return fmt.Errorf("output %s is the source folder; a build replaces its output whole, choose a sub-folder such as %s", out, filepath.Join(src, "public"))
	}
	if within(src, out) {
		return fmt.Errorf("output %s contains the source folder %s; choose a folder such as %s", out, src, filepath.Join(src, "public"))
	}
	for _, sub := range []string{"content", "templates", "static"} {
		if d := filepath.Join(src, sub); out == d || within(out, d) {
			return fmt.Errorf("output %s is inside the source's %s/ folder; choose a folder outside it such as %s", out, sub, filepath.Join(src, "public"))
		}
	}
	return nil
}

// followLink returns where the path p (absolute) leads when it is a
// symbolic link, every link followed, so that a build replaces what the
// link leads to and never the link itself; else p. A link that leads
// nowhere is a *linkError.
func followLink(p string) (string, error) {
	fi, err := os.Lstat(p)
	if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		return p, nil
	}
	target, err := filepath.EvalSymlinks(p)
	if err != nil {
		to, rerr := os.Readlink(p)
		if rerr != nil {
			to = "?"
		}
		return "", &linkError{to: to, err: err}
	}
	return target, nil
}

// linkError is a symbolic link that leads nowhere: to a path that does not
// exist (err wraps fs.ErrNotExist), or round in a loop.
type linkError struct {
	to  string // what the link holds
	err error
}

func (e *linkError) Error() string {
	if errors.Is(e.err, fs.ErrNotExist) {
		return fmt.Sprintf("is a symbolic link to %s, which does not exist", e.to)
	}
	return fmt.Sprintf("is a symbolic link to %s, which cannot be followed (%v)", e.to, e.err)
}

func (e *linkError) Unwrap() error { return e.err }

// canonical makes p absolute and resolves symlinks as far as p exists.
func canonical(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	rest := ""
	cur := abs
	for {
		if r, err := filepath.EvalSymlinks(cur); err == nil {
			return filepath.Join(r, rest), nil
		}
		parent := filepath.Dir(cur)
		if parent == cur {
			return abs, nil
		}
		rest = filepath.Join(filepath.Base(cur), rest)
		cur = parent
	}
}

// within reports whether child is strictly inside parent.
func within(child, parent string) bool {
	rel, err := filepath.Rel(parent, child)
	return err == nil && rel != "." && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}
