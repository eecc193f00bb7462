// Package site wires the build pipeline: load → parse → assemble → render →
// write. It is the only package that knows every stage.
package site

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"path"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"casefile/generator/config"
	"casefile/generator/content"
	"casefile/generator/diag"
	"casefile/generator/internal/strarena"
	"casefile/generator/markdown"
	"casefile/generator/output"
	"casefile/generator/render"
	"casefile/generator/search"
	"casefile/generator/taxonomy"
)

// Profiles a site can be built with.
const (
	ProfilePublic   = "public"
	ProfileInternal = "internal"
)

// Options is everything a build needs.
type Options struct {
	Source  fs.FS         // the knowledge-base root
	Theme   fs.FS         // the built-in theme (templates/ and static/); may be nil
	Out     output.Writer // where files go
	Profile string        // ProfilePublic (default) or ProfileInternal
	BaseURL string        // overrides the config's base_url when set
	Drafts  bool          // include drafts
	Workers int           // parallelism; default GOMAXPROCS
	Now     time.Time     // the present, for future-date warnings; default the clock

	// Progress, when set, is told as the build goes: the name of each
	// stage as it starts (done = total = 0), and the files written so far
	// out of the stage's total while files are rendered. Calls come from
	// the workers one at a time; it must return quickly.
	Progress func(stage string, done, total int)

	// KeepGoing (casefile check) renders the pages of files with errors
	// too, so that problems their pages alone show (a template failing on
	// them) are reported as well. Every build reports every problem of
	// every content file in one run (see keepgoing.go); without KeepGoing
	// it leaves those pages out, as the build fails anyway.
	KeepGoing bool

	// KeptBodyBytes is how much markdown a one-off build may keep in memory
	// from loading to rendering beyond what it must (see keptBodyBytes): it
	// keeps every body when they fit, else none; 0 means the default, a
	// negative value none (every body is read again).
	KeptBodyBytes int64
}

// Result describes a finished (or failed) build.
type Result struct {
	Config      config.Config
	Diagnostics diag.List      // warnings, and errors when the build failed
	Pages       map[string]int // rendered pages by kind
	Files       int            // files written, pages included
	Duration    time.Duration
	Stages      []Stage // time per stage, in order
	Search      search.Stats

	sources  map[string]string // source file -> page URL, for Session.Build
	deferred []*deferred       // late groups left for later (Session.Build)
}

// Stage is the duration of one pipeline stage.
type Stage struct {
	Name     string
	Duration time.Duration
}

// ErrCanceled is returned when ctx ends during a build.
var ErrCanceled = errors.New("build canceled")

// Build runs the whole pipeline. On any error diagnostic it returns a
// *diag.BuildError listing all of them, having written nothing.
func Build(ctx context.Context, opts Options) (*Result, error) {
	return build(ctx, opts, nil)
}

func build(ctx context.Context, opts Options, sess *Session) (*Result, error) {
	start := time.Now()
	b := &builder{opts: opts, sess: sess, res: &Result{Pages: map[string]int{}}, claims: &claims{written: map[string]string{}}, lean: sess == nil, late: &lateDiags{}, extraFiles: &atomic.Int64{}, slugMemo: &slugMemo{}}
	if sess != nil {
		b.slugMemo = &sess.slugMemo
	}
	if b.opts.Profile == "" {
		b.opts.Profile = ProfilePublic
	}
	if b.lean {
		b.strs = &strarena.Arena{}
	}
	if o, ok := b.opts.Out.(output.Owner); ok && b.lean {
		b.owner, b.bufs = o, &sync.Pool{New: func() any { return new(bytes.Buffer) }}
	}
	if b.opts.Workers <= 0 {
		b.opts.Workers = runtime.GOMAXPROCS(0)
	}
	if b.opts.KeptBodyBytes == 0 {
		b.opts.KeptBodyBytes = keptBodyBytes
	}
	if b.opts.Now.IsZero() {
		b.opts.Now = time.Now()
	}
	err := b.run(ctx)
	if sess != nil {
		sess.built = b
	}
	b.res.Diagnostics.Append(b.held)
	b.res.Diagnostics.Sort()
	b.res.Duration = time.Since(start)
	var be *diag.BuildError
	if err != nil && !errors.As(err, &be) {
		return b.res, err
	}
	// A stage's errors, and the content errors held until now.
	if e := b.res.Diagnostics.Err(); e != nil {
		return b.res, e
	}
	return b.res, err
}

type builder struct {
	opts Options
	sess *Session // keeps caches between builds while serving; nil for one-off builds
	res  *Result
	cfg  config.Config
	md   *markdown.Renderer
	tpl  *render.Templates

	base     *url.URL // parsed base URL
	basePath string   // path of the base URL: "/" or "/kb/"

	incidents []*incident // published, newest first
	byID      map[string]*incident
	pages     []*page
	site      *render.Site

	searchEnabled bool // a /search/ page is built
	taxonomies    []*taxonomy.Taxonomy
	taxByName     map[string]*taxonomy.Taxonomy
	timeline      []render.Year // incidents by year and month, with cards
	siteKey       uint64        // digest of what every page depends on (Session builds)
	allListed     uint64        // digest of every incident's listing fields

	claims   *claims // output paths written so far
	guard    *leakGuard
	excluded map[string]string // page folders of incidents left out of this build → why, for link hints

	phase   string         // the running stage, for Options.Progress
	checked diag.List      // what the site-wide checks reported (links, questions); fast rebuilds compare with it
	pageAt  map[string]int // page folder → incident index (>= 0) or -1-page index, for link checks (refsAt)

	held      diag.List       // errors in content files, reported at the end (keepgoing.go)
	unchecked map[string]bool // page folders of files left out for their errors; links to them are not reported

	// lean is set for one-off builds (no Session): an incident's markdown
	// is rendered while its page is (its body kept from loading up to a
	// budget, else read again), its index.json written and its record
	// streamed into incidents.json by the same job, its text fed to the
	// search indexer, and then its HTML and body are let go. The search
	// index is written after every incident page. A build of 100,000
	// incidents so never holds every body or page at once.
	lean  bool
	strs  *strarena.Arena // lean builds: strings that live until the build ends (output paths, folder URLs, cards); nil otherwise
	index *search.Indexer // lean builds: fed as incident pages render
	built *builtIndex     // lean builds: the index, built once the last incident page is indexed

	// owner is the output when it hands buffers back (output.Owner) in a
	// lean build: incident pages then render into bufs, a pool of page
	// buffers, instead of each into a new slice.
	owner output.Owner
	bufs  *sync.Pool

	late       *lateDiags    // lean builds: diagnostics of markdown parsed while rendering
	export     *exportStream // lean builds: incidents.json, written as incident pages render
	slugMemo   *slugMemo     // of content.Slugify: the build's, or its Session's
	extraFiles *atomic.Int64 // files written by jobs beside their own (index.json)
}

// lateDiags collects diagnostics from the render workers.
type lateDiags struct {
	mu   sync.Mutex
	list diag.List
}

func (b *builder) stage(name string, fn func() error) error {
	b.phase = name
	if b.opts.Progress != nil {
		b.opts.Progress(name, 0, 0)
	}
	t := time.Now()
	err := fn()
	b.res.Stages = append(b.res.Stages, Stage{name, time.Since(t)})
	if err == nil {
		b.discardIfFailing()
	}
	return err
}

// stop returns an error when the diagnostics so far contain errors.
func (b *builder) stop() error {
	if b.res.Diagnostics.HasErrors() {
		return b.res.Diagnostics.Err()
	}
	return nil
}

func (b *builder) run(ctx context.Context) error {
	if b.opts.Profile != ProfilePublic && b.opts.Profile != ProfileInternal {
		return fmt.Errorf("unknown profile %q; use %q or %q", b.opts.Profile, ProfilePublic, ProfileInternal)
	}
	var corpus *content.Corpus
	err := b.stage("load", func() error {
		cfg, d := config.Load(b.opts.Source)
		b.res.Diagnostics.Append(d)
		if err := b.stop(); err != nil {
			return err
		}
		if err := b.applyOverrides(&cfg); err != nil {
			return err
		}
		b.cfg = cfg
		b.res.Config = cfg
		var c *content.Corpus
		if b.sess != nil {
			c, d = b.sess.content.Load(b.opts.Source, cfg.Location)
		} else {
			keep := keepBodies(b.opts.KeptBodyBytes)
			c, d = content.LoadWith(b.opts.Source, cfg.Location, content.LoadOptions{KeepBody: keep.keep, Planned: keep.planned})
			keep.settle(c)
		}
		b.res.Diagnostics.Append(d)
		b.res.Diagnostics.Append(content.Future(c, b.opts.Now))
		corpus = c
		b.dropBroken(c)
		b.holdContentErrors()
		return b.stop()
	})
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return ErrCanceled
	}
	err = b.stage("parse", func() error {
		b.md = markdown.New(markdown.Options{UnsafeHTML: b.cfg.UnsafeHTML, HighlightLight: b.cfg.HighlightLight, HighlightDark: b.cfg.HighlightDark,
			Internal: b.opts.Profile == ProfileInternal})
		tpl, d := render.Load(b.opts.Theme, b.opts.Source)
		b.res.Diagnostics.Append(d)
		b.tpl = tpl
		b.parse(ctx, corpus)
		b.holdContentErrors()
		return b.stop()
	})
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return ErrCanceled
	}
	if err := b.stage("assemble", func() error {
		b.assemble()
		b.res.sources = sourcesOf(b)
		b.siteKey = b.siteDigest()
		b.allListed = b.keyer("all").listed(b.incidents...).sum()
		return b.stop()
	}); err != nil {
		return err
	}
	if err := b.stage("render", func() error { return b.renderAll(ctx) }); err != nil {
		return err
	}
	if err := b.renderLate(ctx); err != nil {
		return err
	}
	return b.stage("check", func() error {
		b.checkSite()
		return b.stop()
	})
}

func (b *builder) applyOverrides(cfg *config.Config) error {
	// The profile's settings come first; --base-url wins over both.
	if p, ok := cfg.Profiles[b.opts.Profile]; ok {
		if p.Title != "" {
			cfg.Title = p.Title
		}
		if p.BaseURL != "" {
			base, err := url.Parse(cfg.BaseURL)
			ref, err2 := url.Parse(p.BaseURL)
			if err != nil || err2 != nil {
				return fmt.Errorf("profiles.%s.base_url %q is not a URL", b.opts.Profile, p.BaseURL)
			}
			cfg.BaseURL = base.ResolveReference(ref).String()
		}
	}
	if b.opts.BaseURL != "" {
		u, err := url.Parse(b.opts.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("--base-url %q is not an absolute http(s) URL; write it like https://kb.example.org/", b.opts.BaseURL)
		}
		if u.User != nil || strings.ContainsAny(b.opts.BaseURL, "?#") {
			return fmt.Errorf("--base-url %q must have no user name, password, query or fragment: every page would publish them; write it like https://kb.example.org/", b.opts.BaseURL)
		}
		cfg.BaseURL = b.opts.BaseURL
	}
	if !strings.HasSuffix(cfg.BaseURL, "/") {
		cfg.BaseURL += "/"
	}
	u, err := url.Parse(cfg.BaseURL)
	if err != nil {
		return fmt.Errorf("base_url %q: %v", cfg.BaseURL, err)
	}
	b.base = u
	b.basePath = u.EscapedPath()
	if !strings.HasSuffix(b.basePath, "/") {
		b.basePath += "/"
	}
	return nil
}

// keptBodyBytes is how much markdown a lean load keeps beyond the bodies it
// must keep: reading a file again costs an open(2), so a knowledge base
// whose bodies fit (some 10,000 incidents) keeps them all, from loading to
// rendering. One whose bodies do not fit keeps none of them: a part would
// save a fraction of the reads but sit in the heap through most of the
// render: at 100,000 incidents the 128 MiB it held cost the garbage
// collector more than the reads it saved (GC CPU 28.3 s against 25.7 s,
// medians of three interleaved runs; the wall time did not change).
const keptBodyBytes = 128 << 20

// typicalBody is the size of a typical incident's markdown: a load of more
// incident files than fit in the budget at this size keeps no bodies from
// the start, as keeping some and letting them go after the load leaves
// the heap fragmented.
const typicalBody = 8 << 10

// bodyKeeper tells a lean load which bodies to keep: those parsed before
// the pages render (parseEarly), and the others when they all fit in the
// budget.
type bodyKeeper struct {
	budget int64
	left   atomic.Int64
}

func keepBodies(budget int64) *bodyKeeper {
	k := &bodyKeeper{budget: budget}
	k.left.Store(budget)
	return k
}

// planned is told the number of incident files before the load decodes
// any.
func (k *bodyKeeper) planned(n int) {
	if int64(n) > k.budget/typicalBody {
		k.left.Store(-1)
	}
}

func (k *bodyKeeper) keep(in *content.Incident) bool {
	return parseEarly(in) || k.left.Add(-int64(len(in.Body))) >= 0
}

// settle lets go of every body that parseEarly does not need once the
// load has found that they do not all fit.
func (k *bodyKeeper) settle(c *content.Corpus) {
	if k.left.Load() >= 0 {
		return
	}
	for _, in := range c.Incidents {
		if in.Body != nil && !parseEarly(in) {
			in.Body = nil
		}
	}
}

// parseEarly reports whether a lean build parses in's markdown before any
// page renders: the leak guard must know the text of internal incidents and
// of every line that reads as a `::: internal` fence before any file is
// written.
func parseEarly(in *content.Incident) bool {
	if in.Visibility == "internal" || markdown.ReadsAsFence(in.Body) {
		return true
	}
	for _, f := range in.FAQ {
		if markdown.ReadsAsFence([]byte(f.Answer)) {
			return true
		}
	}
	return false
}

// bodyOf returns the markdown body of in, reading it again when a lean load
// dropped it.
func (b *builder) bodyOf(in *content.Incident) ([]byte, error) {
	if in.Body != nil {
		return in.Body, nil
	}
	return content.ReadBody(b.opts.Source, in.Source)
}

// include reports whether an incident is published in this build.
func (b *builder) include(draft bool, visibility string) bool {
	if draft && !b.opts.Drafts {
		return false
	}
	if visibility == "internal" && b.opts.Profile != ProfileInternal {
		return false
	}
	return true
}

// forEach runs fn(i) for i in [0,n) on the build's workers.
func (b *builder) forEach(ctx context.Context, n int, fn func(i int)) {
	workers := min(b.opts.Workers, n)
	var next sync.Mutex
	i := 0
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				next.Lock()
				k := i
				i++
				next.Unlock()
				if k >= n {
					return
				}
				fn(k)
			}
		}()
	}
	wg.Wait()
}

// write claims the path and writes the file.
func (b *builder) write(p, what string, data []byte) error {
	p, err := b.admit(p, what, data)
	if err != nil {
		return err
	}
	return b.opts.Out.WriteFile(p, data)
}

// writeOwned is write for data in a buffer of the build's pool: done is
// called once the output no longer reads it, whatever happens.
func (b *builder) writeOwned(p, what string, data []byte, done func()) error {
	p, err := b.admit(p, what, data)
	if err != nil {
		done()
		return err
	}
	return b.owner.WriteOwned(p, data, done)
}

// admit claims the path for what and checks data for internal text. It
// returns the path as claimed.
func (b *builder) admit(p, what string, data []byte) (string, error) {
	p, err := b.claim(p, what)
	if err != nil {
		return p, err
	}
	return p, b.guard.check(p, data)
}

// sortedKeys returns the keys of m in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// pageDir turns a site-relative URL folder into its index file path.
func pageDir(dir string) string {
	return path.Join(dir, "index.html")
}
