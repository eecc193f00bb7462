// Package watch turns file-system notifications for a knowledge base into
// batches of plain-data change events for the preview server's rebuilds.
//
// A Watcher watches content/, templates/ and static/ recursively (folders
// created later included) and the config files, drops editor litter (see
// Ignored), and groups bursts of events into batches (see Batcher). The
// events are data: code that rebuilds from them is tested by handing it
// []Event values, with no watcher at all.
//
// The Op of an Event summarises what happened to a path during a batch, not
// the order: a vim save of x.md shows up as Rename|Create (the old file moved
// to x.md~, a new x.md written), a JetBrains save likewise. Consumers stat
// the path to learn its state at the end of the batch: present means
// (re)read it, absent means drop it.
//
// An Event with Path "" and Dir true stands for the whole knowledge base:
// rebuild everything. It is sent after the kernel's event queue overflowed
// (Op Write; events were lost, and fsnotify.ErrEventOverflow goes to Errors
// too), and when Root itself was removed or moved (Op Remove or Rename; the
// Watcher sees nothing more after that). It is always alone in its batch.
package watch

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Op is a set of operations seen on a path.
type Op uint8

// The operations. Attribute changes (chmod, touch) are not reported.
const (
	Create Op = 1 << iota // the path appeared (created, or something moved or was renamed onto it)
	Write                 // the file was written or truncated
	Remove                // the path was deleted
	Rename                // the path was moved or renamed away
)

// Has reports whether o includes every op of h.
func (o Op) Has(h Op) bool { return o&h == h && h != 0 }

func (o Op) String() string {
	if o == 0 {
		return "0"
	}
	var parts []string
	for _, n := range []struct {
		op   Op
		name string
	}{{Create, "Create"}, {Write, "Write"}, {Remove, "Remove"}, {Rename, "Rename"}} {
		if o&n.op != 0 {
			parts = append(parts, n.name)
		}
	}
	if rest := o &^ (Create | Write | Remove | Rename); rest != 0 {
		parts = append(parts, fmt.Sprintf("0x%x", uint8(rest)))
	}
	return strings.Join(parts, "|")
}

// Event is one changed path in a batch.
type Event struct {
	Path string // slash path relative to Root: "content/incidents/x.md", "casefile.yaml"; "" is all of Root
	Op   Op     // every op seen for the path within the batch
	Dir  bool   // the path is, or was, a folder: rescan everything below it
}

func (e Event) String() string {
	s := fmt.Sprintf("%s %q", e.Op, e.Path)
	if e.Dir {
		s += " (dir)"
	}
	return s
}

// Paths lists the paths of a batch, in order; "" (everything) included.
func Paths(batch []Event) []string {
	out := make([]string, len(batch))
	for i, ev := range batch {
		out[i] = ev.Path
	}
	return out
}

// Defaults for Options.
const (
	DefaultQuiet   = 15 * time.Millisecond
	DefaultMaxWait = 150 * time.Millisecond
)

// Options configure a Watcher.
type Options struct {
	// Root is the knowledge-base folder; it must exist.
	Root string
	// Dirs are watched recursively: names of folders directly in Root
	// (default content, templates, static). They need not exist yet: Root
	// itself is watched (not recursively) so that their creation is seen.
	// A symlink named here is followed; symlinks below are not.
	Dirs []string
	// Files are watched: names of files directly in Root (default
	// casefile.yaml, casefile.yml, casefile.toml).
	Files []string
	// Quiet ends a batch after this long without events (default 15ms).
	Quiet time.Duration
	// MaxWait ends a batch this long after its first event even if events
	// keep coming (default 150ms).
	MaxWait time.Duration
}

// maxQueuedErrors bounds the errors kept while nobody reads Errors.
const maxQueuedErrors = 64

// Watcher delivers batches of changes below a knowledge base. Its methods
// are safe for concurrent use.
type Watcher struct {
	root  string // absolute, cleaned
	dirs  map[string]bool
	files map[string]bool
	be    backend
	b     *Batcher

	// watched holds the slash paths (relative to root) of the folders below
	// Dirs being watched; only the run goroutine touches it once New returns.
	watched map[string]bool
	errq    []error

	batches  chan []Event
	errs     chan error
	done     chan struct{}
	finished chan struct{}
	once     sync.Once
	closeErr error
}

// backend is the part of *fsnotify.Watcher the Watcher uses; tests replace
// it to feed raw events and errors.
type backend interface {
	Add(name string) error
	Remove(name string) error
	Close() error
	events() <-chan fsnotify.Event
	errors() <-chan error
}

type fsnotifyBackend struct{ *fsnotify.Watcher }

func (b fsnotifyBackend) events() <-chan fsnotify.Event { return b.Events }
func (b fsnotifyBackend) errors() <-chan error          { return b.Errors }

// New starts watching. The folders and files that exist now are watched
// before New returns, so every change made after it is reported; nothing is
// reported for what already exists.
func New(opts Options) (*Watcher, error) {
	fw, err := fsnotify.NewBufferedWatcher(256)
	if err != nil {
		return nil, fmt.Errorf("watch: %w", err)
	}
	w, err := newWatcher(opts, fsnotifyBackend{fw})
	if err != nil {
		_ = fw.Close()
		return nil, err
	}
	return w, nil
}

func newWatcher(opts Options, be backend) (*Watcher, error) {
	if opts.Root == "" {
		return nil, errors.New("watch: Options.Root is empty")
	}
	root, err := filepath.Abs(opts.Root)
	if err != nil {
		return nil, fmt.Errorf("watch: %w", err)
	}
	if fi, err := os.Stat(root); err != nil {
		return nil, fmt.Errorf("watch: %w", err)
	} else if !fi.IsDir() {
		return nil, fmt.Errorf("watch: %s is not a folder", root)
	}
	dirs, files := opts.Dirs, opts.Files
	if dirs == nil {
		dirs = []string{"content", "templates", "static"}
	}
	if files == nil {
		files = []string{"casefile.yaml", "casefile.yml", "casefile.toml"}
	}
	w := &Watcher{
		root:     root,
		dirs:     map[string]bool{},
		files:    map[string]bool{},
		be:       be,
		b:        NewBatcher(opts.Quiet, opts.MaxWait),
		watched:  map[string]bool{},
		batches:  make(chan []Event),
		errs:     make(chan error),
		done:     make(chan struct{}),
		finished: make(chan struct{}),
	}
	for _, set := range []struct {
		names []string
		m     map[string]bool
		what  string
	}{{dirs, w.dirs, "Dirs"}, {files, w.files, "Files"}} {
		for _, n := range set.names {
			if n == "" || n == "." || n == ".." || strings.ContainsAny(n, `/\`) || Ignored(n) {
				return nil, fmt.Errorf("watch: Options.%s: %q is not a plain name of an entry of Root", set.what, n)
			}
			set.m[n] = true
		}
	}
	if err := be.Add(root); err != nil {
		return nil, fmt.Errorf("watch: %s: %w", root, err)
	}
	for _, d := range sortedKeys(w.dirs) {
		if w.isDir(d) {
			w.watchTree(d, false, time.Time{})
		}
	}
	if len(w.errq) > 0 {
		return nil, w.errq[0]
	}
	go w.run()
	return w, nil
}

// Batches delivers the batches: sorted by Path, one Event per path, never
// empty. When the receiver falls behind, batches that become due meanwhile
// are merged into the one waiting. Closed by Close.
func (w *Watcher) Batches() <-chan []Event { return w.batches }

// Errors delivers watch errors (fsnotify's, and folders that could not be
// watched). Unread errors beyond a small queue are dropped. Closed by Close.
func (w *Watcher) Errors() <-chan error { return w.errs }

// Close stops watching, waits for the Watcher's goroutine to end and closes
// Batches and Errors; pending events are dropped. Later calls return nil.
func (w *Watcher) Close() error {
	first := false
	w.once.Do(func() {
		first = true
		close(w.done)
	})
	<-w.finished
	if first {
		return w.closeErr
	}
	return nil
}

func (w *Watcher) run() {
	defer func() {
		w.closeErr = w.be.Close()
		close(w.batches)
		close(w.errs)
		close(w.finished)
	}()
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	var ready []Event
	events, errs := w.be.events(), w.be.errors()
	for {
		if d, ok := w.b.Deadline(); ok {
			timer.Reset(time.Until(d))
		} else {
			timer.Stop()
		}
		var out chan<- []Event
		if ready != nil {
			out = w.batches
		}
		var errOut chan<- error
		var head error
		if len(w.errq) > 0 {
			errOut, head = w.errs, w.errq[0]
		}
		select {
		case <-w.done:
			return
		case ev, ok := <-events:
			if !ok {
				return
			}
			w.handle(ev, time.Now())
		case err, ok := <-errs:
			if !ok {
				return
			}
			w.handleError(err, time.Now())
		case <-timer.C:
		case out <- ready:
			ready = nil
		case errOut <- head:
			w.errq = w.errq[1:]
		}
		if batch, ok := w.b.Due(time.Now()); ok {
			ready = mergeBatches(ready, batch)
		}
	}
}

func (w *Watcher) pushError(err error) {
	if len(w.errq) < maxQueuedErrors {
		w.errq = append(w.errq, err)
	}
}

func (w *Watcher) handleError(err error, now time.Time) {
	w.pushError(err)
	if errors.Is(err, fsnotify.ErrEventOverflow) {
		// Events were lost, folder creations among them perhaps: rebuild
		// everything and bring the watch list up to date.
		w.b.Add(Event{Path: "", Op: Write, Dir: true}, now)
		w.resync()
	}
}

// handle turns one fsnotify event into Events for the batch, keeping the
// watch list in step with the folders that come and go.
func (w *Watcher) handle(ev fsnotify.Event, now time.Time) {
	rel, ok := w.rel(ev.Name)
	if !ok {
		return
	}
	if rel == "" {
		if ev.Op.Has(fsnotify.Remove) || ev.Op.Has(fsnotify.Rename) {
			w.b.Add(Event{Path: "", Op: convertOp(ev.Op) & (Remove | Rename), Dir: true}, now)
		}
		return
	}
	top, _, nested := strings.Cut(rel, "/")
	if !w.dirs[top] && (nested || !w.files[top]) {
		return // something else in Root: README, public/, …
	}
	if Ignored(rel) {
		return
	}
	op := convertOp(ev.Op)
	if op == 0 {
		return // chmod only
	}
	inDirs := w.dirs[top]
	wasDir := w.watched[rel]
	if op&(Remove|Rename) != 0 && wasDir {
		w.unwatchTree(rel)
	}
	if op&Create != 0 && inDirs && w.isDir(rel) {
		w.b.Add(Event{Path: rel, Op: op, Dir: true}, now)
		w.watchTree(rel, true, now)
		return
	}
	if op == Write && wasDir {
		return // kqueue and Windows report a folder's entries changing as a write on it
	}
	w.b.Add(Event{Path: rel, Op: op, Dir: wasDir}, now)
}

func convertOp(o fsnotify.Op) Op {
	var op Op
	if o.Has(fsnotify.Create) {
		op |= Create
	}
	if o.Has(fsnotify.Write) {
		op |= Write
	}
	if o.Has(fsnotify.Remove) {
		op |= Remove
	}
	if o.Has(fsnotify.Rename) {
		op |= Rename
	}
	return op
}

// rel maps an fsnotify name to a slash path relative to root.
func (w *Watcher) rel(name string) (string, bool) {
	name = filepath.Clean(name)
	if name == w.root {
		return "", true
	}
	r, ok := strings.CutPrefix(name, w.root+string(filepath.Separator))
	if !ok || r == "" {
		return "", false
	}
	return filepath.ToSlash(r), true
}

func (w *Watcher) abs(rel string) string { return filepath.Join(w.root, filepath.FromSlash(rel)) }

// isDir reports whether rel is a folder now. The entries of Root named in
// Dirs may be symlinks to folders; below them symlinks are never followed,
// so a link back up cannot make the watch loop.
func (w *Watcher) isDir(rel string) bool {
	stat := os.Lstat
	if !strings.Contains(rel, "/") {
		stat = os.Stat
	}
	fi, err := stat(w.abs(rel))
	return err == nil && fi.IsDir()
}

// watchTree watches the folder rel and every folder below it. With emit, it
// reports what it finds inside as created: those entries may have appeared
// before the watch was in place, when nobody could see them.
func (w *Watcher) watchTree(rel string, emit bool, now time.Time) {
	if err := w.be.Add(w.abs(rel)); err != nil {
		if !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, fsnotify.ErrClosed) {
			w.pushError(fmt.Errorf("watch: %s: %w", rel, err))
		}
		return // gone already: its removal is, or will be, reported
	}
	w.watched[rel] = true
	entries, err := os.ReadDir(w.abs(rel))
	if err != nil {
		return
	}
	for _, e := range entries {
		if Ignored(e.Name()) {
			continue
		}
		child := rel + "/" + e.Name()
		isDir := e.IsDir() // false for a symlink, whatever it points to
		if emit {
			w.b.Add(Event{Path: child, Op: Create, Dir: isDir}, now)
		}
		if isDir {
			w.watchTree(child, emit, now)
		}
	}
}

// unwatchTree drops the watches on rel and on every folder below it. A
// folder that was moved keeps its watches in the kernel, under names that
// are now wrong; they must go before the folder is watched at its new name.
func (w *Watcher) unwatchTree(rel string) {
	for p := range w.watched {
		if p == rel || strings.HasPrefix(p, rel+"/") {
			delete(w.watched, p)
			_ = w.be.Remove(w.abs(p)) // usually gone already with the folder
		}
	}
}

// resync brings the watch list in line with the folders on disk after
// events were lost.
func (w *Watcher) resync() {
	for p := range w.watched {
		if !w.isDir(p) {
			w.unwatchTree(p)
		}
	}
	for _, d := range sortedKeys(w.dirs) {
		if w.isDir(d) {
			w.watchTree(d, false, time.Time{})
		}
	}
}

func sortedKeys(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
