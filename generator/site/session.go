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
	incidents map[*content.Incident]parsedIncident
	pages     map[*content.Page]parsedPage

	out      map[string][]byte // last good output
	keys     map[string]uint64 // keys of the jobs that produced out
	keysMu   sync.Mutex
	nextKeys map[string]uint64 // keys of the build under way
	gens     gens
}

type parsedIncident struct {
	it    *incident
	diags diag.List
}

type parsedPage struct {
	p     *page
	diags diag.List
}

// Update is the outcome of a successful Session build.
type Update struct {
	Result  *Result
	Files   map[string][]byte // the whole site; treat as read-only
	Changed []string          // output paths added or changed since the last good build, sorted
	Removed []string          // output paths gone since the last good build, sorted
	Edited  []string          // site-relative URLs of incidents and pages whose source file was among the changes
}

// NewSession prepares repeated builds; opts.Out is ignored (each build goes
// to memory).
func NewSession(opts Options) *Session {
	return &Session{opts: opts, content: content.NewCache(),
		incidents: map[*content.Incident]parsedIncident{}, pages: map[*content.Page]parsedPage{},
		gens: gens{of: map[any]uint64{}}}
}

// Build rebuilds the site after changes to the given source paths (slash
// paths relative to the knowledge-base root; a folder stands for everything
// below it; nil or "" means everything). On failure the previous output
// stays the last good one and the error lists every problem.
func (s *Session) Build(ctx context.Context, changed []string) (*Update, error) {
	if changed == nil {
		changed = []string{""}
	}
	for _, p := range changed {
		s.content.Invalidate(p)
	}
	mem := output.NewMemory()
	s.nextKeys = map[string]uint64{}
	opts := s.opts
	opts.Out = mem
	res, err := build(ctx, opts, s)
	if err != nil {
		return &Update{Result: res}, err
	}
	files := make(map[string][]byte, mem.Len())
	for _, p := range mem.Paths() {
		files[p], _ = mem.Get(p)
	}
	u := &Update{Result: res, Files: files}
	for p, data := range files {
		if old, ok := s.out[p]; !ok || !bytes.Equal(old, data) {
			u.Changed = append(u.Changed, p)
		}
	}
	for p := range s.out {
		if _, ok := files[p]; !ok {
			u.Removed = append(u.Removed, p)
		}
	}
	sort.Strings(u.Changed)
	sort.Strings(u.Removed)
	u.Edited = s.edited(changed, res)
	s.out = files
	s.keys = s.nextKeys
	return u, nil
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
	return fmt.Sprintf("%s|%v|%s|%s", b.opts.Profile, b.cfg.UnsafeHTML, b.cfg.HighlightLight, b.cfg.HighlightDark)
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
	s.mu.Lock()
	c, ok := s.incidents[in]
	s.mu.Unlock()
	if !ok {
		it, d := parse(in)
		c = parsedIncident{it, d}
		s.mu.Lock()
		s.incidents[in] = c
		s.mu.Unlock()
	}
	cp := *c.it
	cp.related, cp.card = nil, nil
	return &cp, c.diags
}

// parsedPage is parsedIncident for plain pages.
func (s *Session) parsedPage(p *content.Page, parse func(*content.Page) (*page, diag.List)) (*page, diag.List) {
	if s == nil {
		return parse(p)
	}
	s.mu.Lock()
	c, ok := s.pages[p]
	s.mu.Unlock()
	if !ok {
		pg, d := parse(p)
		c = parsedPage{pg, d}
		s.mu.Lock()
		s.pages[p] = c
		s.mu.Unlock()
	}
	cp := *c.p
	return &cp, c.diags
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
