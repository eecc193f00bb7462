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
	"strings"
	"sync"
)

// Dir writes a build into a fresh sibling folder of the destination and swaps
// it in whole on Commit, so a failed or killed build leaves the previous
// output untouched and stale files never linger. WriteFile hands files to
// one writing goroutine (or, while its queue is full, writes them itself);
// Commit waits for it and reports its first error.
type Dir struct {
	dest string // the output folder the user named
	tmp  string // sibling folder being written

	mu   sync.Mutex
	made map[string]bool // folders already created under tmp

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
}

func (d *Dir) start() {
	q, done := make(chan writeReq, 256), make(chan struct{})
	d.q, d.done = q, done
	go func() {
		defer close(done)
		for r := range q {
			if err := d.writeNow(r.name, r.data); err != nil {
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

// NewDir prepares a build of dest. It creates the sibling temporary folder
// next to dest (same file system, so the final rename is atomic).
func NewDir(dest string) (*Dir, error) {
	abs, err := filepath.Abs(dest)
	if err != nil {
		return nil, err
	}
	parent := filepath.Dir(abs)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, fmt.Errorf("cannot create %s: %w", parent, err)
	}
	if fi, err := os.Stat(abs); err == nil && !fi.IsDir() {
		return nil, fmt.Errorf("output %s exists and is not a folder; remove it or choose another --out", abs)
	}
	tmp := filepath.Join(parent, "."+filepath.Base(abs)+".tmp-"+randomSuffix())
	if err := os.Mkdir(tmp, 0o755); err != nil {
		return nil, fmt.Errorf("cannot create the build folder next to %s: %w", abs, err)
	}
	return &Dir{dest: abs, tmp: tmp, made: map[string]bool{".": true}}, nil
}

// Dest returns the absolute output folder.
func (d *Dir) Dest() string { return d.dest }

// WriteFile queues one file for writing into the temporary folder (the
// caller must not change data afterwards); an error writing it is reported
// by Flush and Commit. A path that may not be written is refused at once.
func (d *Dir) WriteFile(name string, data []byte) error {
	if err := CheckPath(name); err != nil {
		return err
	}
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
	case q <- writeReq{name, data}:
		return nil
	default:
		// The writer is behind (a very large site, a slow disk): write
		// here rather than wait, so the kernel work spreads over the
		// workers again instead of bounding the build.
		return d.writeNow(name, data)
	}
}

func (d *Dir) writeNow(name string, data []byte) error {
	full := filepath.Join(d.tmp, filepath.FromSlash(name))
	if err := d.mkdir(filepath.Dir(name)); err != nil {
		return err
	}
	if err := createFile(full, data); err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	return nil
}

// WriteStream writes one file into the temporary folder from write, through
// a buffer, without holding the file in memory.
func (d *Dir) WriteStream(name string, write func(io.Writer) error) error {
	if err := CheckPath(name); err != nil {
		return err
	}
	if err := d.mkdir(filepath.Dir(name)); err != nil {
		return err
	}
	f, err := os.Create(filepath.Join(d.tmp, filepath.FromSlash(name)))
	if err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	err = write(w)
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	return nil
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
			return fmt.Errorf("creating folder %s: %w", rel, err)
		}
	}
	d.mu.Lock()
	for p := rel; p != "." && !d.made[p]; p = filepath.Dir(p) {
		d.made[p] = true
	}
	d.mu.Unlock()
	return nil
}

// Commit writes what is still queued, then swaps the finished build in
// place of the destination.
func (d *Dir) Commit() error {
	if err := d.Flush(); err != nil {
		d.Abort()
		return err
	}
	var old string
	if _, err := os.Lstat(d.dest); err == nil {
		old = filepath.Join(filepath.Dir(d.dest), "."+filepath.Base(d.dest)+".old-"+randomSuffix())
		if err := os.Rename(d.dest, old); err != nil {
			d.Abort()
			return fmt.Errorf("cannot move the previous output aside: %w", err)
		}
	}
	if err := os.Rename(d.tmp, d.dest); err != nil {
		if old != "" {
			_ = os.Rename(old, d.dest) // put the previous output back
		}
		d.Abort()
		return fmt.Errorf("cannot move the new output into place: %w", err)
	}
	if old != "" {
		if err := os.RemoveAll(old); err != nil {
			return fmt.Errorf("new output is in place, but the previous one could not be removed from %s: %w", old, err)
		}
	}
	return nil
}

// Abort removes the temporary folder; the destination is left as it was.
func (d *Dir) Abort() {
	d.Flush()
	_ = os.RemoveAll(d.tmp)
}

func randomSuffix() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// CheckDest refuses output folders a build must never replace: the source
// folder, any folder containing it, the file-system root, the home folder, a
// folder inside the source's content/, templates/ or static/, and an existing
// non-empty folder that does not look like an earlier build output.
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
	entries, err := os.ReadDir(out)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil
		}
		return fmt.Errorf("cannot read output folder %s: %w", out, err)
	}
	if len(entries) == 0 {
		return nil
	}
	for _, e := range entries {
		switch e.Name() {
		case "index.html", "sitemap.xml", "404.html":
			return nil
		}
	}
	return fmt.Errorf("output %s is not empty and does not look like an earlier build (no index.html); a build replaces it whole, so empty it or choose another folder", out)
}

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
