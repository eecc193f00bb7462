package site

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/url"
	"path"
	"strconv"
	"strings"
	"sync"

	"casefile/generator/content"
	"casefile/generator/diag"
	"casefile/generator/output"
	"casefile/generator/render"
	"casefile/generator/search"
	"casefile/generator/seo"
)

// chromaCSS is the highlighting stylesheet, linked by pages with code.
const chromaCSS = "css/chroma.css"

// job produces one output file.
type job struct {
	path string
	what string // producer, for errors
	kind string // page kind for the summary; "" for non-page files
	make func() ([]byte, error)
	key  uint64 // digest of everything the output depends on; 0 = unknown, always render

	// into, if set instead of make, renders the file into buf: in a
	// buffer of the build's pool when the output hands buffers back
	// (output.Owner), so that the listing pages (50 KB each, tens of
	// thousands at 100,000 incidents) are not each a new slice.
	into func(buf *bytes.Buffer) error

	// it, if set, makes this an incident's page (path and make empty),
	// rendered into a buffer of the build's pool when the output hands
	// buffers back (output.Owner). A build of 100,000 incidents would
	// otherwise hold 300,000 closures and paths through its whole render
	// for the collector to mark on every cycle.
	it *incident

	// What the sitemap says of a page (kind set): the sitemap lists every
	// page runJobs wrote (written) whose kind is indexable, but the second
	// and later pages of a paginated listing (paged), with its lastmod
	// (mod; an incident's comes from it).
	paged   bool
	mod     content.Date
	written bool
}

// indexable reports whether pages of kind are for search engines: all but
// search results, the 404 page and redirects, which tell them to keep out
// (robots noindex) and are not in the sitemap. The internal profile keeps
// every page out, and lists the same ones in its sitemap.
func indexable(kind string) bool {
	switch kind {
	case "search", "404", "redirect":
		return false
	}
	return true
}

// renderAll renders and writes every output file on the workers (in lean
// builds, all but the late ones: renderLate). Pages are written as soon as
// they are rendered, so the build never holds every page's HTML at once.
func (b *builder) renderAll(ctx context.Context) error {
	if !b.lean {
		jobs := b.jobs()
		if err := b.runJobs(ctx, jobs); err != nil {
			return err
		}
		return b.runJobs(ctx, b.sitemapJobs(jobs))
	}
	if b.searchEnabled {
		b.index = search.NewIndexer(len(b.incidents))
		b.built = &builtIndex{done: make(chan struct{})}
		b.built.left.Store(int64(len(b.incidents)))
		if len(b.incidents) == 0 {
			b.built.start(b.index)
		}
	}
	var err error
	if b.export, err = b.startExport(); err != nil {
		b.res.Diagnostics.Errorf("JSON export", 0, 0, "", "%v", err)
		return b.stop()
	}
	jobs := b.jobs()
	err = b.runJobs(ctx, jobs)
	// A build holding errors is bound to fail: its export is abandoned
	// (incidents with errors have no record), without an error of its own.
	failing := len(b.held) > 0
	if xerr := b.export.finish(err == nil && ctx.Err() == nil && !failing); xerr != nil && err == nil {
		if oe := outputError(xerr); oe != nil {
			err = oe // the output cannot be written: one error, as in runJobs
		} else if !failing {
			b.res.Diagnostics.Errorf("JSON export", 0, 0, "", "%v", xerr)
			err = b.stop()
		}
	}
	b.export = nil
	b.res.Files += int(b.extraFiles.Swap(0))
	if err == nil {
		err = b.runJobs(ctx, b.sitemapJobs(jobs))
	}
	return err
}

// renderLate writes, in lean builds, the search index, which needs every
// incident's parsed markdown.
func (b *builder) renderLate(ctx context.Context) error {
	if !b.lean {
		return nil
	}
	return b.stage("search", func() error { return b.runJobs(ctx, b.searchFiles()) })
}

// outputError returns err's *output.Error (the output cannot take files:
// disk full, read-only), or nil.
func outputError(err error) *output.Error {
	var oe *output.Error
	if errors.As(err, &oe) {
		return oe
	}
	return nil
}

// errSkipped is a job's way to say its file is not written for errors
// already reported.
var errSkipped = errors.New("skipped")

// runJobs runs jobs on the workers, then reports their errors.
func (b *builder) runJobs(ctx context.Context, jobs []job) error {
	b.claimAll(jobs)
	var mu sync.Mutex
	var errs diag.List
	done := 0
	// A file the output cannot take (disk full, read-only file system) is
	// one error, and the jobs left are not run: every file would fail alike.
	var outErr error
	jctx, stopJobs := context.WithCancel(ctx)
	defer stopJobs()
	b.forEach(jctx, len(jobs), func(i int) {
		j := jobs[i]
		if j.it != nil && j.path == "" {
			j.path = pageDir(j.it.url)
		}
		data, reused := b.sess.reuse(j)
		var err error
		var buf *bytes.Buffer // from the pool: handed back once written
		if !reused && b.owner != nil && (j.it != nil || j.into != nil) {
			buf = b.bufs.Get().(*bytes.Buffer)
			buf.Reset()
		}
		switch {
		case reused:
		case j.it != nil:
			data, err = b.incidentPage(j.it, buf)
		case j.into != nil && buf != nil:
			if err = j.into(buf); err == nil {
				data = buf.Bytes()
			}
		case j.into != nil:
			data, err = bytesOf(j.into)
		default:
			data, err = j.make()
		}
		switch {
		case err != nil:
			if buf != nil {
				b.bufs.Put(buf)
			}
		case buf != nil:
			err = b.writeOwned(j.path, j.what, data, func() { b.bufs.Put(buf) })
		default:
			err = b.write(j.path, j.what, data)
		}
		mu.Lock()
		defer mu.Unlock()
		if done++; b.opts.Progress != nil {
			b.opts.Progress(b.phase, done, len(jobs))
		}
		if errors.Is(err, errSkipped) {
			return
		}
		if oe := outputError(err); oe != nil {
			if outErr == nil {
				outErr = oe
				stopJobs()
			}
			return
		}
		if err != nil {
			errs.Errorf(j.what, 0, 0, "", "%v", err)
			return
		}
		b.res.Files++
		if j.kind != "" {
			b.res.Pages[j.kind]++
			jobs[i].written = true
		}
	})
	if err := ctx.Err(); err != nil {
		return ErrCanceled
	}
	if outErr != nil {
		return outErr
	}
	b.res.Diagnostics.Append(errs)
	b.res.Diagnostics.Append(b.late.list)
	b.late.list = nil
	b.holdContentErrors()
	return b.stop()
}

// incidentPage renders an incident's page. A lean build parses its
// markdown first, then writes its JSON export (and, internal builds, its
// wiki page), feeds the search indexer and lets the parsed markdown and the
// front matter only this incident's files show go.
func (b *builder) incidentPage(it *incident, buf *bytes.Buffer) ([]byte, error) {
	if b.lean && b.built != nil {
		defer b.built.indexed(b.index) // after index.Add below
	}
	wiki := b.lean && b.opts.Profile == ProfileInternal
	if wiki && it.src.Body == nil {
		// Read once for the page and the wiki page; let go below.
		body, err := content.ReadBody(b.opts.Source, it.src.Source)
		if err == nil {
			it.src.Body = body
		}
	}
	if !b.parseLazy(it) {
		if b.export != nil {
			b.export.skip(it.pos)
		}
		if wiki {
			it.src.Body = nil
		}
		if b.built != nil {
			b.built.short.Store(true) // before the deferred indexed
		}
		return nil, errSkipped
	}
	var data []byte
	var err error
	if buf != nil {
		if err = b.renderIncidentTo(buf, it); err == nil {
			data = buf.Bytes()
		}
	} else {
		data, err = b.renderIncident(it)
	}
	if !b.lean {
		return data, err
	}
	if err == nil {
		err = b.export.record(it)
	} else {
		b.export.skip(it.pos)
	}
	if wiki && err == nil {
		err = b.writeWikiPage(it)
	}
	if b.index != nil {
		b.index.Add(it.pos, b.searchDoc(it))
	}
	// What other files need of the parsed markdown is written or indexed.
	it.html, it.text, it.answers, it.toc, it.faqIntro, it.notes, it.faq, it.faqText = "", "", nil, nil, "", "", nil, nil
	it.wiki = nil
	// Nor does anything need what only this incident's files show.
	in := it.src
	in.Body, in.FAQ, in.Timeline, in.Sources, in.InternalNotes, in.Image = nil, nil, nil, nil, "", ""
	return data, err
}

func (b *builder) jobs() []job {
	var jobs []job
	add := func(p, what, kind string, fn func() ([]byte, error)) {
		jobs = append(jobs, job{path: p, what: what, kind: kind, make: fn})
	}
	all := b.keyer("").u64(b.allListed)
	newest := newestOf(b.incidents)
	jobs = append(jobs, job{path: "index.html", what: "home page", kind: "home", make: b.renderHome, key: all.str("home").sum(), mod: newest})
	for _, it := range b.incidents {
		k := b.keyer("incident").incident(it.src).listed(it.related...)
		jobs = append(jobs, job{what: it.src.Source, kind: "incident", key: k.sum(), it: it})
		for _, a := range it.src.Aliases {
			b.addAlias(&jobs, a, it.url, it.src.Source)
		}
	}
	for _, pg := range b.pages {
		jobs = append(jobs, job{path: pageDir(pg.url), what: pg.src.Source, kind: "page", make: func() ([]byte, error) { return b.renderPage(pg) }, key: b.keyer("page").page(pg.src).sum(),
			mod: modified(pg.src.Date, pg.src.Updated)})
		for _, a := range pg.src.Aliases {
			b.addAlias(&jobs, a, pg.url, pg.src.Source)
		}
	}
	chunks := paginate(len(b.incidents), b.cfg.Paginate)
	for n, chunk := range chunks {
		k := b.keyer("list").int(n, len(chunks), len(b.incidents)).listed(b.incidents[chunk[0]:chunk[1]]...)
		jobs = append(jobs, job{path: pageDir(pagerURL("incidents/", n+1)), what: "incident list", kind: "list", key: k.sum(), into: func(buf *bytes.Buffer) error {
			return b.renderListTo(buf, n+1, len(chunks), chunk)
		}, paged: n > 0, mod: newest})
	}
	jobs = append(jobs, b.taxonomyJobs()...)
	jobs = append(jobs, b.timelineJobs()...)
	if !b.lean {
		jobs = append(jobs, b.exportJobs()...)
	}
	jobs = append(jobs, b.searchJobs()...)
	jobs = append(jobs, b.wikiJobs()...)
	jobs = append(jobs, job{path: "404.html", what: "404 page", kind: "404", make: b.render404, key: all.str("404").sum()})
	jobs = append(jobs, job{path: "feed.xml", what: "feed", make: b.siteFeed, key: b.keyer("feed").listed(b.incidents[:min(feedSize, len(b.incidents))]...).sum()})
	add("robots.txt", "robots.txt", "", b.robots)
	jobs = append(jobs, job{path: chromaCSS, what: "code highlighting styles", make: func() ([]byte, error) { return b.md.Stylesheet(), nil }, key: b.keyer("chroma").sum()})
	jobs = append(jobs, b.staticJobs()...)
	return jobs
}

// staticJobs copies static/ of the theme, then of the site; a site file
// replaces the theme's file of the same path.
func (b *builder) staticJobs() []job {
	files := map[string]fs.FS{}
	for _, fsys := range []fs.FS{b.opts.Theme, b.opts.Source} {
		if fsys == nil {
			continue
		}
		_ = fs.WalkDir(fsys, "static", func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil
			}
			// Dotfiles and dot-folders (.git, editor files) are not published;
			// .well-known is.
			if hidden := strings.HasPrefix(d.Name(), ".") && d.Name() != ".well-known"; d.IsDir() {
				if hidden && p != "static" || p == "static" && content.SystemPath(fsys, p, &b.res.Diagnostics) {
					return fs.SkipDir
				}
				return nil
			} else if hidden {
				return nil
			}
			if !content.IsFile(fsys, p, d, &b.res.Diagnostics, "static/ may hold plain files only") {
				return nil // as in content/: links followed to files only
			}
			files[strings.TrimPrefix(p, "static/")] = fsys
			return nil
		})
	}
	var jobs []job
	for _, rel := range sortedKeys(files) {
		fsys := files[rel]
		jobs = append(jobs, job{path: rel, what: "static/" + rel, make: func() ([]byte, error) { return fs.ReadFile(fsys, "static/"+rel) }})
	}
	return jobs
}

// addAlias adds a redirect page at the alias path pointing to target.
func (b *builder) addAlias(jobs *[]job, alias, target, source string) {
	p := strings.Trim(path.Clean("/"+alias), "/")
	if p == "" {
		b.res.Diagnostics.Errorf(source, 0, 0, "an alias is an old path such as /2021/old-name/", "alias %q would replace the home page", alias)
		return
	}
	out := p
	if !strings.HasSuffix(p, ".html") {
		out = path.Join(p, "index.html")
	}
	*jobs = append(*jobs, job{path: out, what: aliasWhat(source, alias), kind: "redirect", key: b.keyer("alias").str(out, target).sum(), make: func() ([]byte, error) {
		pg := b.newPage("redirect", strings.TrimSuffix(out, "index.html"), "Page moved", "")
		pg.Redirect = pg.URL(target)
		pg.Canonical = b.abs(target)
		pg.JSONLD = ""
		return b.tpl.Render("redirect.html", pg)
	}})
}

// abs returns the absolute URL of a site-relative path.
func (b *builder) abs(rel string) string {
	return b.cfg.BaseURL + escapePath(rel)
}

// escapePath percent-encodes a site-relative path (non-ASCII slugs).
func escapePath(p string) string {
	return (&url.URL{Path: p}).EscapedPath()
}

// rootFor returns the prefix from page folder dir to the site root.
func (b *builder) rootFor(dir string) string {
	if b.opts.Profile == ProfileInternal {
		return strings.Repeat("../", strings.Count(dir, "/"))
	}
	return b.basePath
}

func (b *builder) newPage(kind, dir, heading, desc string) *render.Page {
	title := heading + " | " + b.cfg.Title
	if kind == "home" {
		title = b.cfg.Title
	}
	return &render.Page{
		Site:        b.site,
		Kind:        kind,
		Path:        dir,
		Root:        b.rootFor(dir),
		Title:       title,
		Heading:     heading,
		Description: desc,
		Canonical:   b.abs(dir),
		Image:       b.absImage(b.cfg.Image),
		OGType:      "website",
		NoIndex:     b.opts.Profile == ProfileInternal || !indexable(kind),
		Styles:      []string{"css/main.css"}, // + css/chroma.css on pages with highlighted code
		Feed:        "feed.xml",
	}
}

// absImage makes an image reference absolute: URLs stay, paths resolve
// against the base URL.
func (b *builder) absImage(img string) string {
	if img == "" || strings.Contains(img, "://") {
		return img
	}
	return b.abs(strings.TrimPrefix(img, "/"))
}

func (b *builder) renderHome() ([]byte, error) {
	pg := b.newPage("home", "", b.cfg.Title, b.cfg.Description)
	n := min(b.cfg.HomeCount, len(b.incidents))
	for _, it := range b.incidents[:n] {
		pg.Incidents = append(pg.Incidents, it.card)
	}
	pg.Total = len(b.incidents)
	pg.Chart, _, _ = b.monthChart("home-chart", true)
	pg.Facets = b.homeFacets()
	if err := b.setJSONLD(pg, b.homeGraph(pg)); err != nil {
		return nil, err
	}
	return b.tpl.Render("home.html", pg)
}

// homeFacets are the severity and year entry points of the home page.
func (b *builder) homeFacets() []render.Facet {
	var out []render.Facet
	sev := render.Facet{Title: "By severity"}
	counts := map[string]int{}
	for _, it := range b.incidents {
		counts[it.src.Severity]++
	}
	tx := b.taxByName["severity"]
	for _, so := range severityOrder {
		if so.key == "" || counts[so.key] == 0 {
			continue
		}
		t := render.Term{Name: so.label, Count: counts[so.key]}
		if tx != nil {
			if term := tx.Term(so.key); term != nil {
				t.URL = tx.TermURL(term)
			}
		}
		sev.Items = append(sev.Items, t)
	}
	if len(sev.Items) > 0 {
		out = append(out, sev)
	}
	years := render.Facet{Title: "By year"}
	for _, y := range b.timeline {
		years.Items = append(years.Items, render.Term{Name: strconv.Itoa(y.Year), URL: y.URL, Count: y.Count})
	}
	if len(years.Items) > 0 {
		out = append(out, years)
	}
	return out
}

func (b *builder) renderIncident(it *incident) ([]byte, error) {
	pg, err := b.incidentView(it)
	if err != nil {
		return nil, err
	}
	return b.tpl.Render("incident.html", pg)
}

// renderIncidentTo is renderIncident into buf.
func (b *builder) renderIncidentTo(buf *bytes.Buffer, it *incident) error {
	pg, err := b.incidentView(it)
	if err != nil {
		return err
	}
	return b.tpl.RenderTo(buf, "incident.html", pg)
}

// incidentView is what the incident template shows of it.
func (b *builder) incidentView(it *incident) (*render.Page, error) {
	in := it.src
	pg := b.newPage("incident", it.url, in.Title, in.Summary)
	if it.hasCode {
		pg.Styles = append(pg.Styles, chromaCSS)
	}
	pg.OGType = "article"
	pg.Published = isoDate(in.Date)
	pg.Modified = isoDate(in.Modified())
	if in.Image != "" {
		pg.Image = b.absImage(in.Image)
	}
	pg.Crumbs = []render.Link{{Name: "Home", URL: ""}, {Name: "Incidents", URL: "incidents/"}, {Name: in.Title, URL: it.url, Current: true}}
	v := &render.Incident{
		ID: in.ID, Slug: in.Slug, Title: in.Title, Summary: in.Summary, URL: it.url,
		Date: showDate(in.Date), Updated: showDate(in.Updated),
		Severity: in.Severity, Status: in.Status, Visibility: in.Visibility,
		Keywords: it.card.Keywords,
		Actors:   b.termLinks("actors", in.Actors), Sectors: b.termLinks("sectors", in.Sectors),
		Countries: b.termLinks("countries", in.Countries),
		Body:      it.html, TOC: it.toc, FAQ: it.faq, FAQIntro: it.faqIntro,
		Image: pg.Image, InternalNotes: it.notes,
	}
	for _, a := range b.authors(in.Authors) {
		v.Authors = append(v.Authors, render.Link{Name: a.Name, URL: b.siteLink(it.url, a.URL)})
	}
	for _, t := range in.Techniques {
		v.Techniques = append(v.Techniques, render.ExtLink{ID: t, URL: techniqueURL(t)})
	}
	for _, c := range in.CVEs {
		v.CVEs = append(v.CVEs, render.ExtLink{ID: c, URL: cveURL(c)})
	}
	for _, t := range in.Timeline {
		v.Timeline = append(v.Timeline, render.TimelineItem{Date: showDate(t.Date), Event: t.Event})
	}
	for _, s := range in.Sources {
		v.Sources = append(v.Sources, render.Source{Title: s.Title, URL: b.siteLink(it.url, s.URL), Publisher: s.Publisher, Date: showDate(s.Date)})
	}
	for _, r := range it.related {
		v.Related = append(v.Related, r.card)
	}
	pg.Incident = v
	if err := b.setJSONLD(pg, b.incidentGraph(pg, it)); err != nil {
		return nil, err
	}
	return pg, nil
}

func (b *builder) renderPage(p *page) ([]byte, error) {
	pg := b.newPage("page", p.url, p.src.Title, p.src.Summary)
	if p.hasCode {
		pg.Styles = append(pg.Styles, chromaCSS)
	}
	pg.Body = p.html
	pg.Crumbs = []render.Link{{Name: "Home", URL: ""}, {Name: p.src.Title, URL: p.url, Current: true}}
	typ := "WebPage"
	if p.src.Slug == "about" {
		typ = "AboutPage"
	}
	if err := b.setJSONLD(pg, b.pageGraph(pg, typ, p.src.Date, p.src.Updated)); err != nil {
		return nil, err
	}
	return b.tpl.Render("page.html", pg)
}

// bytesOf returns what into renders, for a caller that keeps the bytes.
func bytesOf(into func(buf *bytes.Buffer) error) ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(16 << 10)
	if err := into(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func (b *builder) renderList(n, total int, chunk [2]int) ([]byte, error) {
	return bytesOf(func(buf *bytes.Buffer) error { return b.renderListTo(buf, n, total, chunk) })
}

// renderListTo renders page n of total of the list of every incident into buf.
func (b *builder) renderListTo(buf *bytes.Buffer, n, total int, chunk [2]int) error {
	dir := pagerURL("incidents/", n)
	heading := "All incidents"
	if n > 1 {
		heading = fmt.Sprintf("All incidents, page %d of %d", n, total)
	}
	pg := b.newPage("list", dir, heading, fmt.Sprintf("Every incident in %s, newest first.", b.cfg.Title))
	pg.Total = len(b.incidents)
	for _, it := range b.incidents[chunk[0]:chunk[1]] {
		pg.Incidents = append(pg.Incidents, it.card)
	}
	pg.Crumbs = []render.Link{{Name: "Home", URL: ""}, {Name: "Incidents", URL: "incidents/", Current: n == 1}}
	pg.Pager = pager("incidents/", n, total)
	if err := b.setJSONLD(pg, b.listGraph(pg, pg.Incidents, (n-1)*b.cfg.Paginate)); err != nil {
		return err
	}
	return b.tpl.RenderTo(buf, "list.html", pg)
}

func (b *builder) render404() ([]byte, error) {
	pg := b.newPage("404", "", "Page not found", "")
	pg.Path = "404.html"
	pg.Canonical = ""
	n := min(5, len(b.incidents))
	for _, it := range b.incidents[:n] {
		pg.Incidents = append(pg.Incidents, it.card)
	}
	return b.tpl.Render("404.html", pg)
}

func (b *builder) setJSONLD(pg *render.Page, g *seo.Graph) error {
	data, err := g.JSON()
	if err != nil {
		return fmt.Errorf("encoding structured data: %w", err)
	}
	pg.JSONLD = template.JS(data)
	return nil
}

// paginate splits n items into pages of size per: [start, end) pairs. Zero
// items still make one (empty) page.
func paginate(n, per int) [][2]int {
	if per <= 0 {
		per = n
	}
	if n == 0 {
		return [][2]int{{0, 0}}
	}
	var out [][2]int
	for s := 0; s < n; s += per {
		out = append(out, [2]int{s, min(s+per, n)})
	}
	return out
}

// pagerURL is the folder of page n of a listing at dir.
func pagerURL(dir string, n int) string {
	if n <= 1 {
		return dir
	}
	return fmt.Sprintf("%spage/%d/", dir, n)
}

func pager(dir string, n, total int) *render.Pager {
	p := &render.Pager{Number: n, Total: total, First: dir, Last: pagerURL(dir, total)}
	if n > 1 {
		p.Prev = pagerURL(dir, n-1)
	}
	if n < total {
		p.Next = pagerURL(dir, n+1)
	}
	return p
}
