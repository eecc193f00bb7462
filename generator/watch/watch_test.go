package watch

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Real-watcher tests. Each runs in its own temp folder with its own Watcher.
// Quiet is long (250ms) so that one simulated save never straddles two
// batches on a loaded machine; to know that every event of an action has
// been delivered, settle writes a sentinel file after it and reads batches
// until the sentinel shows up, so no test sleeps for a fixed time.

const (
	testQuiet = 250 * time.Millisecond
	timeout   = 5 * time.Second
	sentinel  = "casefile.toml"
)

type kb struct {
	t    *testing.T
	root string
	w    *Watcher
	n    int // sentinel writes
}

func newKB(t *testing.T, files map[string]string) *kb {
	t.Helper()
	k := &kb{t: t, root: t.TempDir()}
	for name, data := range files {
		if strings.HasSuffix(name, "/") {
			k.mkdir(name)
			continue
		}
		k.write(name, data)
	}
	w, err := New(Options{Root: k.root, Quiet: testQuiet, MaxWait: timeout})
	if err != nil {
		t.Fatal(err)
	}
	k.w = w
	t.Cleanup(func() { k.close() })
	return k
}

// close closes the Watcher and checks that both channels end.
func (k *kb) close() {
	k.t.Helper()
	if err := k.w.Close(); err != nil {
		k.t.Errorf("Close: %v", err)
	}
	if _, ok := <-k.w.Batches(); ok {
		k.t.Error("Batches still open after Close")
	}
	if _, ok := <-k.w.Errors(); ok {
		k.t.Error("Errors still open after Close")
	}
	if err := k.w.Close(); err != nil {
		k.t.Errorf("second Close: %v", err)
	}
}

func (k *kb) abs(rel string) string { return filepath.Join(k.root, filepath.FromSlash(rel)) }

func (k *kb) write(rel, data string) {
	k.t.Helper()
	if err := os.MkdirAll(filepath.Dir(k.abs(rel)), 0o755); err != nil {
		k.t.Fatal(err)
	}
	if err := os.WriteFile(k.abs(rel), []byte(data), 0o644); err != nil {
		k.t.Fatal(err)
	}
}

func (k *kb) mkdir(rel string) {
	k.t.Helper()
	if err := os.MkdirAll(k.abs(rel), 0o755); err != nil {
		k.t.Fatal(err)
	}
}

func (k *kb) rename(from, to string) {
	k.t.Helper()
	if err := os.Rename(k.abs(from), k.abs(to)); err != nil {
		k.t.Fatal(err)
	}
}

func (k *kb) remove(rel string) {
	k.t.Helper()
	if err := os.RemoveAll(k.abs(rel)); err != nil {
		k.t.Fatal(err)
	}
}

// next receives one batch.
func (k *kb) next() []Event {
	k.t.Helper()
	deadline := time.After(timeout)
	for {
		select {
		case b, ok := <-k.w.Batches():
			if !ok {
				k.t.Fatal("Batches closed")
			}
			if len(b) == 0 {
				k.t.Fatal("empty batch")
			}
			if !slices.IsSortedFunc(b, func(x, y Event) int { return strings.Compare(x.Path, y.Path) }) {
				k.t.Fatalf("batch not sorted: %v", b)
			}
			return b
		case err := <-k.w.Errors():
			k.t.Errorf("watch error: %v", err)
		case <-deadline:
			k.t.Fatalf("no batch within %v", timeout)
		}
	}
}

// settle marks the end of the changes made so far with a sentinel write and
// returns every batch delivered up to it, the sentinel left out (and a batch
// left empty by that dropped).
func (k *kb) settle() [][]Event {
	k.t.Helper()
	k.n++
	k.write(sentinel, fmt.Sprint(k.n))
	var out [][]Event
	for {
		b := k.next()
		seen := false
		var rest []Event
		for _, ev := range b {
			if ev.Path == sentinel {
				seen = true
				continue
			}
			rest = append(rest, ev)
		}
		if len(rest) > 0 {
			out = append(out, rest)
		}
		if seen {
			return out
		}
	}
}

func flat(bs [][]Event) []Event {
	var out []Event
	for _, b := range bs {
		out = append(out, b...)
	}
	return out
}

func find(evs []Event, path string) (Event, bool) {
	for _, ev := range evs {
		if ev.Path == path {
			return ev, true
		}
	}
	return Event{}, false
}

// batchesWith counts the batches that name path.
func batchesWith(bs [][]Event, path string) int {
	n := 0
	for _, b := range bs {
		if _, ok := find(b, path); ok {
			n++
		}
	}
	return n
}

func TestEditFile(t *testing.T) {
	t.Parallel()
	k := newKB(t, map[string]string{"content/incidents/x.md": "old", "content/about.md": "a"})
	k.write("content/incidents/x.md", "new")
	got := k.settle()
	want := [][]Event{{{Path: "content/incidents/x.md", Op: Write}}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
}

// TestEditorSaves replays the file operations of each editor's save of
// content/incidents/x.md: one batch must name x.md, as created or written,
// and no temp, swap or backup file may show up.
func TestEditorSaves(t *testing.T) {
	t.Parallel()
	const x = "content/incidents/x.md"
	in := func(name string) string { return "content/incidents/" + name }
	for _, tc := range []struct {
		name string
		save func(k *kb)
	}{
		{"vim", func(k *kb) {
			k.write(in(".x.md.swp"), "swap")
			k.write(in("4913"), "")
			k.remove(in("4913"))
			k.rename(x, in("x.md~"))
			k.write(x, "new")
			k.remove(in("x.md~"))
			k.write(in(".x.md.swp"), "swap 2")
			k.remove(in(".x.md.swp"))
		}},
		{"vim-keep-backup", func(k *kb) { // set backup
			k.write(in("4913"), "")
			k.remove(in("4913"))
			k.rename(x, in("x.md~"))
			k.write(x, "new")
		}},
		{"vscode-in-place", func(k *kb) { k.write(x, "new") }},
		{"vscode-atomic", func(k *kb) {
			k.write(in("x.md.vsctmp"), "new")
			k.rename(in("x.md.vsctmp"), x)
		}},
		{"jetbrains-safe-write", func(k *kb) {
			k.write(in("x.md___jb_tmp___"), "new")
			k.rename(x, in("x.md___jb_old___"))
			k.rename(in("x.md___jb_tmp___"), x)
			k.remove(in("x.md___jb_old___"))
		}},
		{"emacs", func(k *kb) {
			k.write(in("#x.md#"), "autosave")
			if err := os.Symlink("user@host.1234:1700000000", k.abs(in(".#x.md"))); err != nil {
				t.Error(err)
			}
			k.rename(x, in("x.md~"))
			k.write(x, "new")
			k.remove(in("#x.md#"))
			k.remove(in(".#x.md"))
		}},
		{"gedit", func(k *kb) {
			k.write(in(".goutputstream-7XQ2KZ"), "new")
			k.rename(in(".goutputstream-7XQ2KZ"), x)
		}},
		{"sublime-atomic", func(k *kb) {
			k.write(in(".subl883.tmp"), "new")
			k.rename(in(".subl883.tmp"), x)
		}},
		{"nano", func(k *kb) {
			k.write(in(".x.md.swp"), "lock")
			k.write(x, "new")
			k.remove(in(".x.md.swp"))
		}},
		{"sed-i", func(k *kb) {
			k.write(in("sedAb12Cd"), "new")
			k.rename(in("sedAb12Cd"), x)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			k := newKB(t, map[string]string{x: "old", "content/incidents/y.md": "y"})
			tc.save(k)
			bs := k.settle()
			if n := batchesWith(bs, x); n != 1 {
				t.Fatalf("%d batches name %s, want 1: %v", n, x, bs)
			}
			for _, ev := range flat(bs) {
				if ev.Path != x {
					t.Errorf("unexpected event %v", ev)
				}
			}
			ev, _ := find(flat(bs), x)
			if ev.Op&(Create|Write) == 0 || ev.Dir {
				t.Errorf("%v: want a file created or written", ev)
			}
			if b, err := os.ReadFile(k.abs(x)); err != nil || string(b) != "new" {
				t.Errorf("replay broken: %q, %v", b, err)
			}
		})
	}
}

func TestNewNestedFolders(t *testing.T) {
	t.Parallel()
	k := newKB(t, map[string]string{"content/incidents/a.md": "a"})
	k.write("content/incidents/2024/q1/y.md", "y") // mkdir -p, then the file at once
	evs := flat(k.settle())
	for _, want := range []Event{
		{Path: "content/incidents/2024", Op: Create, Dir: true},
		{Path: "content/incidents/2024/q1", Op: Create, Dir: true},
	} {
		if got, ok := find(evs, want.Path); !ok || got != want {
			t.Errorf("%s: got %v, want %v (all: %v)", want.Path, got, want, evs)
		}
	}
	if ev, ok := find(evs, "content/incidents/2024/q1/y.md"); !ok || !ev.Op.Has(Create) || ev.Dir {
		t.Errorf("y.md: got %v (all: %v)", ev, evs)
	}
	// The new folders are watched now.
	k.write("content/incidents/2024/q1/z.md", "z")
	got := flat(k.settle())
	want := []Event{{Path: "content/incidents/2024/q1/z.md", Op: Create | Write}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
}

func TestRemoveFolder(t *testing.T) {
	t.Parallel()
	k := newKB(t, map[string]string{
		"content/incidents/old/a.md":     "a",
		"content/incidents/old/sub/b.md": "b",
		"content/incidents/keep.md":      "k",
	})
	k.remove("content/incidents/old")
	evs := flat(k.settle())
	want := Event{Path: "content/incidents/old", Op: Remove, Dir: true}
	if got, _ := find(evs, want.Path); got != want {
		t.Fatalf("got %v, want %v (all: %v)", got, want, evs)
	}
	for _, ev := range evs {
		if !strings.HasPrefix(ev.Path, "content/incidents/old") {
			t.Errorf("unexpected %v", ev)
		}
	}
	// The same name comes back as a folder: watched afresh.
	k.write("content/incidents/old/c.md", "c")
	evs = flat(k.settle())
	if ev, ok := find(evs, "content/incidents/old/c.md"); !ok || !ev.Op.Has(Create) {
		t.Fatalf("c.md: %v", evs)
	}
	k.write("content/incidents/old/c.md", "c2")
	if got := flat(k.settle()); !reflect.DeepEqual(got, []Event{{Path: "content/incidents/old/c.md", Op: Write}}) {
		t.Fatalf("edit in re-created folder: %v", got)
	}
}

// A renamed folder keeps its kernel watches under the old names; they must
// not leak into later events as stale paths.
func TestRenameFolder(t *testing.T) {
	t.Parallel()
	k := newKB(t, map[string]string{"content/incidents/a/sub/x.md": "x"})
	k.rename("content/incidents/a", "content/incidents/b")
	evs := flat(k.settle())
	for _, want := range []Event{
		{Path: "content/incidents/a", Op: Rename, Dir: true},
		{Path: "content/incidents/b", Op: Create, Dir: true},
		{Path: "content/incidents/b/sub", Op: Create, Dir: true},
		{Path: "content/incidents/b/sub/x.md", Op: Create},
	} {
		if got, _ := find(evs, want.Path); got != want {
			t.Errorf("%s: got %v, want %v", want.Path, got, want)
		}
	}
	k.write("content/incidents/b/sub/x.md", "x2")
	if got := flat(k.settle()); !reflect.DeepEqual(got, []Event{{Path: "content/incidents/b/sub/x.md", Op: Write}}) {
		t.Fatalf("edit after folder rename: %v", got)
	}
}

func TestFolderCreatedLater(t *testing.T) {
	t.Parallel()
	k := newKB(t, map[string]string{"content/about.md": "a", "incoming/css/main.css": "body{}"})
	k.mkdir("templates")
	k.write("templates/page.html", "<p>")
	evs := flat(k.settle())
	if got, _ := find(evs, "templates"); got != (Event{Path: "templates", Op: Create, Dir: true}) {
		t.Errorf("templates: %v", evs)
	}
	if got, ok := find(evs, "templates/page.html"); !ok || !got.Op.Has(Create) {
		t.Errorf("templates/page.html: %v", evs)
	}
	k.write("templates/partials/head.html", "<head>")
	if got, ok := find(flat(k.settle()), "templates/partials/head.html"); !ok || !got.Op.Has(Create) {
		t.Errorf("templates/partials/head.html not seen")
	}

	// static/ appears by a rename, contents and all.
	k.rename("incoming", "static")
	evs = flat(k.settle())
	for _, want := range []Event{
		{Path: "static", Op: Create, Dir: true},
		{Path: "static/css", Op: Create, Dir: true},
		{Path: "static/css/main.css", Op: Create},
	} {
		if got, _ := find(evs, want.Path); got != want {
			t.Errorf("%s: got %v, want %v (all %v)", want.Path, got, want, evs)
		}
	}
	k.write("static/css/main.css", "body{margin:0}")
	if got := flat(k.settle()); !reflect.DeepEqual(got, []Event{{Path: "static/css/main.css", Op: Write}}) {
		t.Fatalf("edit in static: %v", got)
	}
}

func TestConfigFile(t *testing.T) {
	t.Parallel()
	k := newKB(t, map[string]string{"casefile.yaml": "title: a", "README.md": "r", "public/index.html": "i", "content/": ""})
	k.write("casefile.yaml", "title: b")
	if got := flat(k.settle()); !reflect.DeepEqual(got, []Event{{Path: "casefile.yaml", Op: Write}}) {
		t.Fatalf("edit: %v", got)
	}
	// vim save of the config at the root
	k.write("4913", "")
	k.remove("4913")
	k.rename("casefile.yaml", "casefile.yaml~")
	k.write("casefile.yaml", "title: c")
	k.remove("casefile.yaml~")
	bs := k.settle()
	if len(bs) != 1 || len(bs[0]) != 1 || bs[0][0].Path != "casefile.yaml" || !bs[0][0].Op.Has(Create) {
		t.Fatalf("vim save of config: %v", bs)
	}
	// Other things in the root are not watched.
	k.write("README.md", "r2")
	k.write("public/index.html", "i2")
	k.write("notes.txt", "n")
	if got := k.settle(); len(got) != 0 {
		t.Fatalf("root litter reported: %v", got)
	}
}

func TestIgnoredNotReported(t *testing.T) {
	t.Parallel()
	k := newKB(t, map[string]string{"content/incidents/x.md": "x", "content/.drafts/d.md": "d", "static/": ""})
	k.write("content/.drafts/d.md", "d2")
	k.write("content/.drafts/new/e.md", "e")
	k.write("content/incidents/x.md~", "backup")
	k.write("content/incidents/.DS_Store", "")
	k.write("static/.hidden/y.css", "")
	if got := k.settle(); len(got) != 0 {
		t.Fatalf("ignored files reported: %v", got)
	}
	// .well-known is not ignored.
	k.write("static/.well-known/security.txt", "Contact: x")
	if got, ok := find(flat(k.settle()), "static/.well-known/security.txt"); !ok || !got.Op.Has(Create) {
		t.Fatal("security.txt not seen")
	}
}

func TestSymlinkedFoldersNotFollowed(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	for _, d := range []string{"content/incidents", "elsewhere"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// A loop back up, present at start.
	if err := os.Symlink("..", filepath.Join(root, "content/incidents/up")); err != nil {
		t.Fatal(err)
	}
	w, err := New(Options{Root: root, Quiet: testQuiet, MaxWait: timeout})
	if err != nil {
		t.Fatal(err)
	}
	k := &kb{t: t, root: root, w: w}
	t.Cleanup(k.close)
	if err := os.Symlink(filepath.Join(root, "elsewhere"), k.abs("content/later")); err != nil {
		t.Fatal(err)
	}
	want := []Event{{Path: "content/later", Op: Create}}
	if got := flat(k.settle()); !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	k.close()
	var watched []string
	for p := range w.watched { // safe: the goroutine has ended
		watched = append(watched, p)
	}
	slices.Sort(watched)
	if want := []string{"content", "content/incidents"}; !reflect.DeepEqual(watched, want) {
		t.Fatalf("watched %v, want %v", watched, want)
	}
}

func TestRootRemoved(t *testing.T) {
	t.Parallel()
	root := filepath.Join(t.TempDir(), "kb")
	if err := os.MkdirAll(filepath.Join(root, "content/incidents"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "content/incidents/x.md"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	w, err := New(Options{Root: root, Quiet: testQuiet, MaxWait: timeout})
	if err != nil {
		t.Fatal(err)
	}
	k := &kb{t: t, root: root, w: w}
	t.Cleanup(k.close)
	if err := os.RemoveAll(root); err != nil {
		t.Fatal(err)
	}
	for {
		b := k.next()
		if ev, ok := find(b, ""); ok {
			if len(b) != 1 || ev != (Event{Path: "", Op: Remove, Dir: true}) {
				t.Fatalf("root removal batch %v", b)
			}
			return
		}
	}
}

func TestNewErrors(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	file := filepath.Join(root, "f")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, opts := range []Options{
		{},
		{Root: filepath.Join(root, "missing")},
		{Root: file},
		{Root: root, Dirs: []string{"content/incidents"}},
		{Root: root, Dirs: []string{".."}},
		{Root: root, Dirs: []string{".git"}},
		{Root: root, Files: []string{"../casefile.yaml"}},
		{Root: root, Files: []string{""}},
	} {
		if w, err := New(opts); err == nil {
			w.Close()
			t.Errorf("New(%+v) succeeded", opts)
		}
	}
}

func TestCloseWithPendingBatch(t *testing.T) {
	t.Parallel()
	k := newKB(t, map[string]string{"content/x.md": "x"})
	k.write("content/x.md", "y")
	// Nobody reads; Close must not hang (Cleanup checks the channels).
	done := make(chan struct{})
	go func() { k.w.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(timeout):
		t.Fatal("Close hangs")
	}
}

// fakeBackend feeds raw fsnotify events and errors to a Watcher and records
// the watch list it asks for.
type fakeBackend struct {
	ev   chan fsnotify.Event
	errs chan error

	mu      sync.Mutex
	watches map[string]bool
	log     []string
}

func newFake() *fakeBackend {
	return &fakeBackend{ev: make(chan fsnotify.Event), errs: make(chan error), watches: map[string]bool{}}
}

func (f *fakeBackend) Add(name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, err := os.Stat(name); err != nil {
		return err
	}
	f.watches[name] = true
	f.log = append(f.log, "add "+name)
	return nil
}

func (f *fakeBackend) Remove(name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.log = append(f.log, "remove "+name)
	if !f.watches[name] {
		return fsnotify.ErrNonExistentWatch
	}
	delete(f.watches, name)
	return nil
}

func (f *fakeBackend) Close() error                  { return nil }
func (f *fakeBackend) events() <-chan fsnotify.Event { return f.ev }
func (f *fakeBackend) errors() <-chan error          { return f.errs }

func (f *fakeBackend) watched(root string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for p := range f.watches {
		r, _ := filepath.Rel(root, p)
		out = append(out, filepath.ToSlash(r))
	}
	slices.Sort(out)
	return out
}

func newFakeKB(t *testing.T, files map[string]string) (*kb, *fakeBackend) {
	t.Helper()
	k := &kb{t: t, root: t.TempDir()}
	for name, data := range files {
		k.write(name, data)
	}
	f := newFake()
	w, err := newWatcher(Options{Root: k.root, Quiet: time.Millisecond, MaxWait: timeout}, f)
	if err != nil {
		t.Fatal(err)
	}
	k.w = w
	t.Cleanup(k.close)
	return k, f
}

func (k *kb) send(f *fakeBackend, rel string, op fsnotify.Op) {
	k.t.Helper()
	select {
	case f.ev <- fsnotify.Event{Name: k.abs(rel), Op: op}:
	case <-time.After(timeout):
		k.t.Fatal("watcher does not take events")
	}
}

func TestOverflow(t *testing.T) {
	t.Parallel()
	k, f := newFakeKB(t, map[string]string{"content/incidents/x.md": "x", "content/gone/y.md": "y"})
	k.send(f, "content/incidents/x.md", fsnotify.Write)
	// Meanwhile, unseen: a folder appears, another goes.
	k.write("content/new/deep/z.md", "z")
	k.remove("content/gone")
	select {
	case f.errs <- fsnotify.ErrEventOverflow:
	case <-time.After(timeout):
		t.Fatal("watcher does not take errors")
	}
	select {
	case err := <-k.w.Errors():
		if !errors.Is(err, fsnotify.ErrEventOverflow) {
			t.Fatalf("error %v", err)
		}
	case <-time.After(timeout):
		t.Fatal("overflow error not forwarded")
	}
	var got []Event
	for got == nil || got[0].Path != "" {
		got = k.next() // the write may come alone first
	}
	if want := []Event{{Path: "", Op: Write, Dir: true}}; !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	k.close()
	want := []string{".", "content", "content/incidents", "content/new", "content/new/deep"}
	if got := f.watched(k.root); !reflect.DeepEqual(got, want) {
		t.Fatalf("watch list after resync %v, want %v", got, want)
	}
}

// The watch-list bookkeeping, driven by events as data.
func TestFolderEventsAsData(t *testing.T) {
	t.Parallel()
	k, f := newFakeKB(t, map[string]string{"content/a/sub/x.md": "x", "static/css/main.css": "c"})
	if got, want := f.watched(k.root), []string{".", "content", "content/a", "content/a/sub", "static", "static/css"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("initial watch list %v, want %v", got, want)
	}
	k.rename("content/a", "content/b")
	k.send(f, "content/a", fsnotify.Rename)
	k.send(f, "content/b", fsnotify.Create)
	k.send(f, "content/b", fsnotify.Write) // as kqueue reports a folder's entries changing: dropped
	k.send(f, "static/css/main.css", fsnotify.Chmod)
	k.send(f, "README.md", fsnotify.Write)
	k.send(f, "content/b/sub/.x.md.swp", fsnotify.Create)
	var evs []Event
	for len(evs) < 4 {
		evs = mergeBatches(evs, k.next())
	}
	want := []Event{
		{Path: "content/a", Op: Rename, Dir: true},
		{Path: "content/b", Op: Create, Dir: true},
		{Path: "content/b/sub", Op: Create, Dir: true},
		{Path: "content/b/sub/x.md", Op: Create},
	}
	if !reflect.DeepEqual(evs, want) {
		t.Fatalf("got %v, want %v", evs, want)
	}
	k.close()
	if got, want := f.watched(k.root), []string{".", "content", "content/b", "content/b/sub", "static", "static/css"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("watch list %v, want %v", got, want)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if !slices.Contains(f.log, "remove "+k.abs("content/a/sub")) {
		t.Fatalf("stale watch on the moved folder's child kept: %v", f.log)
	}
}
