package site

import (
	"bytes"
	"context"
	"fmt"
	"sort"
	"sync"

	"casefile/generator/content"
	"casefile/generator/diag"
	"casefile/generator/output"
	"casefile/generator/related"
)

// Session rebuilds a site again and again (the preview server), keeping
// what did not change between builds: decoded front matter (package content's
// Cache) and rendered markdown, keyed by the unchanged *Incident and *Page
// values the cache hands back. Every build still assembles and renders the
// whole site, and the output is compared with the last good one so callers
// learn which files changed. A Session is not safe for concurrent use.
type Session struct {
	opts    Options
	content *content.Cache

	mu        sync.Mutex // guards the parse caches, filled by parallel workers
	sig       string     // options that shape parse output; a change empties the caches
	incidents map[*content.Incident]parsed[*incident]
	pages     map[*content.Page]parsed[*page]

	out      map[string][]byte // last good output
	keys     map[string]uint64 // keys of the jobs that produced out
	keysMu   sync.Mutex
	nextKeys map[string]uint64 // keys of the build under way
	gens     gens

	recMu   sync.Mutex
	records map[uint64][]byte // JSON export records by key
	liveRec map[uint64]bool   // keys the build under way uses

	relKey  uint64  // digest of the related-incident inputs of the last good build
	related [][]int // and its result

	slugMemo slugMemo // of content.Slugify, across builds
	builds   int      // successful builds so far
	built    *builder // the builder of the build under way
	last     *builder // the builder of the last build, when it succeeded; nil after a failure
	late     map[string]lateGroup
	nextLate map[string]lateGroup
}

// A late group is output that is slow to make and that no page depends on:
// the search index, incidents.json. The first build of a Session makes it
// at once; later builds reuse the previous files when its key is unchanged,
// and otherwise serve the previous files and hand the remake back as
// Update.Deferred, to run after the pages are out.
type lateGroup struct {
	key   uint64
	files []string
}

type deferred struct {
	group string
	key   uint64
	build func() (map[string][]byte, error)
}

// Later is the outcome of Update.Deferred, for ApplyDeferred.
type Later struct {
	gen    int
	groups []doneGroup
}

type doneGroup struct {
	name  string
	key   uint64
	files map[string][]byte
}

// lateFiles returns the files of group to write in this build, and the
// remake to defer, if any.
func (s *Session) lateFiles(group string, key uint64, build func() (map[string][]byte, error)) (map[string][]byte, *deferred, error) {
	if s == nil {
		files, err := build()
		return files, nil, err
	}
	prev, ok := s.late[group]
	if !ok {
		files, err := build()
		s.nextLate[group] = lateGroup{key, sortedKeys(files)}
		return files, nil, err
	}
	files := make(map[string][]byte, len(prev.files))
	for _, p := range prev.files {
		files[p] = s.out[p]
	}
	if key == prev.key {
		return files, nil, nil
	}
	return files, &deferred{group, key, build}, nil
}

// ApplyDeferred puts the late files made by Update.Deferred in place. It
// returns false when a newer build has happened since (that build brings its
// own deferred work).
func (s *Session) ApplyDeferred(l *Later) (*Update, bool) {
	if l == nil || l.gen != s.builds {
		return nil, false
	}
	next := make(map[string][]byte, len(s.out))
	for p, data := range s.out {
		next[p] = data
	}
	for _, g := range l.groups {
		for _, p := range s.late[g.name].files {
			delete(next, p)
		}
		for p, data := range g.files {
			next[p] = data
		}
		s.late[g.name] = lateGroup{g.key, sortedKeys(g.files)}
	}
	u := &Update{Files: next, Gen: s.builds}
	u.Changed, u.Removed = diff(s.out, next)
	s.out = next
	return u, true
}

// diff lists the paths added or changed, and removed, from old to new.
func diff(old, new map[string][]byte) (changed, removed []string) {
	for p, data := range new {
		if o, ok := old[p]; !ok || !bytes.Equal(o, data) {
			changed = append(changed, p)
		}
	}
	for p := range old {
		if _, ok := new[p]; !ok {
			removed = append(removed, p)
		}
	}
	sort.Strings(changed)
	sort.Strings(removed)
	return changed, removed
}

// exportRecord returns the cached export record under key, or makes it.
func (s *Session) exportRecord(key uint64, make func() ([]byte, error)) ([]byte, error) {
	if s == nil || key == 0 {
		return make()
	}
	s.recMu.Lock()
	data, ok := s.records[key]
	s.recMu.Unlock()
	if ok {
		return data, nil
	}
	data, err := make()
	if err != nil {
		return nil, err
	}
	s.recMu.Lock()
	s.records[key] = data
	s.recMu.Unlock()
	return data, nil
}

// useRecord marks an export record key as used by the build under way; at
// the end of a successful build the records of other keys are dropped.
func (s *Session) useRecord(key uint64) {
	if s != nil {
		s.liveRec[key] = true
	}
}

// Update is the outcome of a successful Session build.
type Update struct {
	Result  *Result
	Files   map[string][]byte // the whole site; treat as read-only
	Changed []string          // output paths added or changed since the last good build, sorted
	Removed []string          // output paths gone since the last good build, sorted
	Edited  []string          // site-relative URLs of incidents and pages whose source file was among the changes

	// Deferred, when set, builds the search index this build left stale
	// (the previous index is served meanwhile). It is safe to call on any
	// goroutine; hand its result to Session.ApplyDeferred with Gen.
	Deferred func() (*Later, error)
	Gen      int
}

// NewSession prepares repeated builds; opts.Out is ignored (each build goes
// to memory).
func NewSession(opts Options) *Session {
	return &Session{opts: opts, content: content.NewCache(),
		incidents: map[*content.Incident]parsed[*incident]{}, pages: map[*content.Page]parsed[*page]{},
		gens: gens{of: map[any]uint64{}}, late: map[string]lateGroup{}, records: map[uint64][]byte{}}
}

// Build rebuilds the site after changes to the given source paths (slash
// paths relative to the knowledge-base root; a folder stands for everything
// below it; nil or "" means everything). On failure the previous output
// stays the last good one and the error lists every problem.
func (s *Session) Build(ctx context.Context, changed []string) (*Update, error) {
	if u, ok := s.fast(ctx, changed); ok {
		return u, nil
	}
	if changed == nil {
		changed = []string{""}
	}
	for _, p := range changed {
		s.content.Invalidate(p)
	}
	mem := output.NewMemory()
	s.nextKeys = map[string]uint64{}
	s.liveRec = map[uint64]bool{}
	s.nextLate = map[string]lateGroup{}
	opts := s.opts
	opts.Out = mem
	res, err := build(ctx, opts, s)
	if err != nil {
		s.last = nil // the sources as they are now do not build: no shortcuts from here
		return &Update{Result: res}, err
	}
	files := make(map[string][]byte, mem.Len())
	for _, p := range mem.Paths() {
		files[p], _ = mem.Get(p)
	}
	u := &Update{Result: res, Files: files}
	u.Changed, u.Removed = diff(s.out, files)
	u.Edited = s.edited(changed, res)
	s.builds++
	u.Gen = s.builds
	u.Deferred = deferredRun(s.builds, res.deferred)
	s.last = s.built
	s.out = files
	s.keys = s.nextKeys
	s.recMu.Lock()
	for k := range s.records {
		if !s.liveRec[k] {
			delete(s.records, k)
		}
	}
	s.recMu.Unlock()
	for g, lg := range s.nextLate {
		s.late[g] = lg
	}
	return u, nil
}

// deferredRun is Update.Deferred for the late work of build gen.
func deferredRun(gen int, ds []*deferred) func() (*Later, error) {
	if len(ds) == 0 {
		return nil
	}
	return func() (*Later, error) {
		l := &Later{gen: gen}
		for _, d := range ds {
			files, err := d.build()
			if err != nil {
				return nil, err
			}
			l.groups = append(l.groups, doneGroup{d.group, d.key, files})
		}
		return l, nil
	}
}

// edited maps changed source files to the URLs of their pages.
func (s *Session) edited(changed []string, res *Result) []string {
	var out []string
	for _, p := range changed {
		if url, ok := res.sources[p]; ok {
			out = append(out, url)
		}
	}
	return out
}

// signature is what, besides a file's bytes, shapes its parse output.
func signature(b *builder) string {
	return fmt.Sprintf("%s|%v|%s|%s|%s", b.opts.Profile, b.cfg.UnsafeHTML, b.cfg.HighlightLight, b.cfg.HighlightDark, b.cfg.BaseURL) // the base URL decides which links are same-site
}

// prepare empties the parse caches when the options shaping them changed
// and drops entries of files that are gone.
func (s *Session) prepare(b *builder, corpus *content.Corpus) {
	if s == nil {
		return
	}
	if sig := signature(b); sig != s.sig {
		s.sig = sig
		clear(s.incidents)
		clear(s.pages)
	}
	live := make(map[*content.Incident]bool, len(corpus.Incidents))
	for _, in := range corpus.Incidents {
		live[in] = true
	}
	for in := range s.incidents {
		if !live[in] {
			delete(s.incidents, in)
			delete(s.gens.of, in)
		}
	}
	livePages := make(map[*content.Page]bool, len(corpus.Pages))
	for _, p := range corpus.Pages {
		livePages[p] = true
	}
	for p := range s.pages {
		if !livePages[p] {
			delete(s.pages, p)
			delete(s.gens.of, p)
		}
	}
}

// parsedIncident returns the cached parse of in, or parses it. The cached
// value is copied so each build can fill in its own related list and card.
func (s *Session) parsedIncident(in *content.Incident, parse func(*content.Incident) (*incident, diag.List)) (*incident, diag.List) {
	if s == nil {
		return parse(in)
	}
	it, d := cached(&s.mu, s.incidents, in, parse)
	cp := *it
	cp.related, cp.card = nil, nil
	return &cp, d
}

// parsedPage is parsedIncident for plain pages.
func (s *Session) parsedPage(p *content.Page, parse func(*content.Page) (*page, diag.List)) (*page, diag.List) {
	if s == nil {
		return parse(p)
	}
	pg, d := cached(&s.mu, s.pages, p, parse)
	cp := *pg
	return &cp, d
}

// parsed is a cached parse result.
type parsed[V any] struct {
	v     V
	diags diag.List
}

// cached looks key up in m, or parses it and remembers the result.
func cached[K comparable, V any](mu *sync.Mutex, m map[K]parsed[V], key K, parse func(K) (V, diag.List)) (V, diag.List) {
	mu.Lock()
	c, ok := m[key]
	mu.Unlock()
	if !ok {
		v, d := parse(key)
		c = parsed[V]{v, d}
		mu.Lock()
		m[key] = c
		mu.Unlock()
	}
	return c.v, c.diags
}

// sourcesOf maps each published source file to its page URL.
func sourcesOf(b *builder) map[string]string {
	m := make(map[string]string, len(b.incidents)+len(b.pages))
	for _, it := range b.incidents {
		m[it.src.Source] = it.url
	}
	for _, p := range b.pages {
		m[p.src.Source] = p.url
	}
	return m
}

// relatedOf returns the related lists of the last build when the inputs are
// the same, else computes them. (A body-only edit leaves them unchanged.)
func (s *Session) relatedOf(items []related.Item, n int, compute func() [][]int) [][]int {
	if s == nil {
		return compute()
	}
	k := keyer{s: s, h: fnvOffset}.int(n, len(items))
	for _, it := range items {
		k = k.str(it.ID, it.Date.String()).str(it.Keywords...).str("a").str(it.Actors...).str("s").str(it.Sectors...).str("r").str(it.Related...)
	}
	if key := k.sum(); key != s.relKey || s.related == nil {
		s.relKey, s.related = key, compute()
	}
	return s.related
}
