package site

import (
	"fmt"
	"net/url"
	"path"
	"slices"
	"sort"
	"strings"

	"casefile/generator/content"
	"casefile/generator/diag"
	"casefile/generator/internal/meta"
	"casefile/generator/markdown"
	"casefile/generator/render"
)

// The link and FAQ checks run once the whole site is known: a link may name
// any page, and a question may repeat one asked anywhere. What they need of
// a page's markdown is kept in refs when its HTML is let go: the same-site
// links, hashes of the page's element ids, and hashes of its questions.
// Links to the page itself ("#timeline") are checked while parsing, when the
// ids are at hand to suggest the closest one.

// refs is what the checks keep of one incident or page.
type refs struct {
	links     []siteLink // same-site links to other pages (or to files), in source order
	anchors   []uint64   // sorted hashes of the page's element ids
	questions []question // incidents: the FAQ questions, normalised and hashed
	problems  diag.List  // links to the page itself that name no element, reported with the others
}

// siteLink is a same-site link as written, and where.
type siteLink struct {
	dest      string
	line, col int // in the source file
}

// question is an FAQ question's normalised hash and where it is asked.
type question struct {
	key       uint64
	line, col int
}

// idHash hashes an element id or a normalised question (FNV-1a).
func idHash(s string) uint64 {
	h := uint64(fnvOffset)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= fnvPrime
	}
	return h
}

// linkSink gathers the links of one parsed page into its refs: links to
// the page itself are checked against its ids at once, same-site links to
// elsewhere are kept for checkLinks, and neutralised links are warned
// about.
type linkSink struct {
	b      *builder
	source string
	ids    map[string]bool
	r      *refs
	d      *diag.List
	idList []string // sorted ids, made on the first bad fragment
}

// place is where some markdown is in its source file: a body, which starts
// at line base, or a front-matter text value (text, written at pos).
type place struct {
	base int
	text string
	pos  *content.TextPos
}

// add records links found in markdown at place pl of the source file.
func (s *linkSink) add(links []markdown.LinkRef, blocked []markdown.BlockedLink, pl place) {
	var cur content.TextCursor // positions in a front-matter value, in order
	if pl.pos != nil {
		cur = pl.pos.Cursor(pl.text)
	}
	at := func(line, col int) (int, int) {
		if pl.pos != nil {
			return cur.At(line, col)
		}
		return pl.base + line - 1, col
	}
	for _, l := range blocked {
		line, _ := at(l.Line, 1)
		s.d.Warnf(s.source, line, 0, "links may use http, https, mailto and tel only; link to a page that shows the content instead",
			"link `%s` was removed: its scheme is not allowed", meta.Shorten(l.Dest, 60))
	}
	for _, l := range links {
		line, col := at(l.Line, l.Col)
		dest := l.Dest
		if frag, ok := strings.CutPrefix(dest, "#"); ok {
			s.fragment(frag, dest, line, col)
			continue
		}
		if !s.b.sameSite(dest) {
			continue
		}
		s.r.links = append(s.r.links, siteLink{dest, line, col})
	}
}

// fragment checks a link to an element of the page itself.
func (s *linkSink) fragment(frag, dest string, line, col int) {
	if f, err := url.PathUnescape(frag); err == nil {
		frag = f
	}
	if frag == "" || frag == "top" || s.ids[frag] {
		return // "#" and "#top" scroll to the top in every browser
	}
	if s.idList == nil {
		for id := range s.ids {
			s.idList = append(s.idList, id)
		}
		sort.Strings(s.idList)
	}
	hint := "link to the id of a heading or question on this page; a heading's id is its text in lower case with hyphens, or the `{#id}` written after it"
	if c := meta.Closest(frag, s.idList); c != "" {
		hint = fmt.Sprintf("did you mean `#%s`?", c)
	}
	s.r.problems.Errorf(s.source, line, col, hint, "link `%s` names no heading or question on this page", meta.Shorten(dest, 60))
}

// finish stores the page's ids as sorted hashes.
func (s *linkSink) finish() {
	s.r.anchors = make([]uint64, 0, len(s.ids))
	for id := range s.ids {
		s.r.anchors = append(s.r.anchors, idHash(id))
	}
	slices.Sort(s.r.anchors)
}

// sameSite reports whether a link destination may name something on this
// site: a relative or root-relative path, or an absolute URL on the base
// URL's host. Other links are left to the browser.
func (b *builder) sameSite(dest string) bool {
	if strings.HasPrefix(dest, "//") {
		return b.base != nil && hostOf(dest[2:]) == strings.ToLower(b.base.Host)
	}
	for i := 0; i < len(dest); i++ {
		switch c := dest[i]; {
		case c == ':':
			scheme := strings.ToLower(dest[:i])
			rest, ok := strings.CutPrefix(dest[i+1:], "//")
			return (scheme == "http" || scheme == "https") && ok && b.base != nil && hostOf(rest) == strings.ToLower(b.base.Host)
		case c == '/' || c == '?' || c == '#':
			return true
		}
	}
	return true
}

// hostOf returns the lower-cased host[:port] at the start of s.
func hostOf(s string) string {
	if i := strings.IndexAny(s, "/?#"); i >= 0 {
		s = s[:i]
	}
	if i := strings.LastIndexByte(s, '@'); i >= 0 {
		s = s[i+1:]
	}
	return strings.ToLower(s)
}

// docOptions are the markdown options of the page at site folder dir: the
// internal export, which must work opened from disk, makes its same-site
// links relative and explicit ("/incidents/x/" on "incidents/y/" becomes
// "../../incidents/x/index.html"), as its templates do.
func (b *builder) docOptions(dir string) markdown.DocOptions {
	if b.opts.Profile != ProfileInternal {
		return markdown.DocOptions{}
	}
	return markdown.DocOptions{RewriteLink: func(dest string) (string, bool) {
		if dest == "" || dest[0] == '#' || dest[0] == '?' || !b.sameSite(dest) {
			return "", false
		}
		t := b.resolve(dir, dest)
		if t.problem != "" {
			return "", false
		}
		rel := t.path
		switch last := rel[strings.LastIndexByte(rel, '/')+1:]; {
		case rel == "" || strings.HasSuffix(rel, "/"):
			rel += "index.html"
		case !strings.Contains(last, "."): // a folder written without its slash
			rel += "/index.html"
		}
		out := b.rootFor(dir) + rel
		if u, err := url.Parse(dest); err == nil {
			if u.RawQuery != "" {
				out += "?" + u.RawQuery
			}
			if u.Fragment != "" {
				out += "#" + u.EscapedFragment()
			}
		}
		return out, true
	}}
}

// siteLink returns dest as the page at site folder dir must write it: in
// the internal export a link to the site itself (an author's page on it,
// say) becomes relative and explicit; anything else is kept.
func (b *builder) siteLink(dir, dest string) string {
	if rw := b.docOptions(dir).RewriteLink; rw != nil {
		if nd, ok := rw(dest); ok {
			return nd
		}
	}
	return dest
}

// maxLinkSuggest caps the "did you mean" searches of one build, each a pass
// over a folder's pages, so a site full of broken links checks in linear
// time.
const maxLinkSuggest = 200

// checkSite runs the checks that need the whole built site: links from
// markdown to pages, files and heading anchors, and FAQ questions asked on
// more than one incident.
func (b *builder) checkSite() {
	b.checked = b.checkResult()
	b.res.Diagnostics.Append(b.checked)
}

// checkResult is what checkSite reports, sorted.
func (b *builder) checkResult() diag.List {
	var d diag.List
	b.checkLinks(&d)
	b.checkQuestions(&d)
	d.Sort()
	return d
}

// linkTarget is what a link resolved to.
type linkTarget struct {
	path, frag string // site-relative path ("incidents/x/", "css/a.css"), fragment
	problem    string // why the link cannot work, when it cannot
}

// resolve resolves dest, written on the page at site folder dir, against
// the site.
func (b *builder) resolve(dir, dest string) linkTarget {
	u, err := url.Parse(dest)
	if err != nil {
		return linkTarget{problem: "is not a well-formed URL"}
	}
	basePath := b.base.Path
	if !strings.HasSuffix(basePath, "/") {
		basePath += "/"
	}
	p := u.Path
	if p == "" && u.Scheme == "" && u.Host == "" {
		return linkTarget{path: dir, frag: u.Fragment}
	}
	// Dot segments are resolved as a browser does, in absolute paths too.
	full := "/" + p
	if u.Scheme == "" && u.Host == "" && !strings.HasPrefix(p, "/") {
		full = basePath + dir + p
	}
	folder := strings.HasSuffix(p, "/") || p == "." || p == ".." || strings.HasSuffix(p, "/.") || strings.HasSuffix(p, "/..")
	full = path.Clean(full)
	if folder && full != "/" {
		full += "/"
	}
	if full+"/" == basePath {
		full = basePath
	}
	rel, ok := strings.CutPrefix(full, basePath)
	if !ok {
		return linkTarget{problem: fmt.Sprintf("leaves the site, whose pages are under `%s`", basePath)}
	}
	return linkTarget{path: strings.TrimPrefix(rel, "/"), frag: u.Fragment}
}

// checkLinks checks every same-site link kept by the parse.
func (b *builder) checkLinks(d *diag.List) {
	sugg := &suggester{written: b.claims.written}
	for _, it := range b.incidents {
		b.checkPage(it.src.Source, it.url, &it.refs, d, sugg)
	}
	for _, pg := range b.pages {
		b.checkPage(pg.src.Source, pg.url, &pg.refs, d, sugg)
	}
	b.checkMenu(d, sugg)
	b.checkTemplates(d, sugg)
}

// refsAt returns the refs of the incident or plain page at site folder
// dir, nil for other pages. The folder index is made once per full build
// and shared by the fast rebuilds that follow, whose incident lists keep
// the same order.
func (b *builder) refsAt(dir string) *refs {
	if b.pageAt == nil {
		b.pageAt = make(map[string]int, len(b.incidents)+len(b.pages))
		for i, it := range b.incidents {
			b.pageAt[it.url] = i
		}
		for i, pg := range b.pages {
			b.pageAt[pg.url] = -1 - i
		}
	}
	i, ok := b.pageAt[dir]
	switch {
	case !ok:
		return nil
	case i >= 0:
		return &b.incidents[i].refs
	}
	return &b.pages[-1-i].refs
}

// checkPage checks the links kept in r, of the page at site folder dir
// built from source, against the written site. sugg finds "did you mean"
// pages; nil for none.
func (b *builder) checkPage(source, dir string, r *refs, d *diag.List, sugg *suggester) {
	d.Append(r.problems)
	for _, l := range r.links {
		b.checkLink(source, l.line, l.col, dir, l.dest, l.dest, d, sugg)
	}
}

// checkLink checks one same-site link, dest written on the page at site
// folder dir, against the written site; a problem is reported at source,
// line and col, naming the link as shown.
func (b *builder) checkLink(source string, line, col int, dir, dest, shown string, d *diag.List, sugg *suggester) {
	has := func(p string) bool { _, ok := b.claims.written[p]; return ok }
	t := b.resolve(dir, dest)
	if b.unchecked[t.path] || b.unchecked[t.path+"/"] {
		return // its own errors are reported
	}
	hint := ""
	switch {
	case t.problem != "":
	case t.path == "" || strings.HasSuffix(t.path, "/"):
		if !has(t.path + "index.html") {
			t.problem, hint = b.missing(source, dest, t.path, sugg)
		}
	case has(t.path):
	case has(t.path + "/index.html"):
		t.path += "/"
	default:
		t.problem, hint = b.missing(source, dest, t.path, sugg)
	}
	if t.problem == "" && t.frag != "" {
		if target := b.refsAt(t.path); target != nil {
			frag := t.frag
			if f, err := url.PathUnescape(frag); err == nil {
				frag = f
			}
			if _, found := slices.BinarySearch(target.anchors, idHash(frag)); !found && frag != "top" {
				t.problem = "names no heading or question on that page"
				hint = "link to the id of a heading or question there (see its table of contents); a heading's id is its text in lower case with hyphens"
			}
		}
	}
	if t.problem != "" {
		if hint == "" {
			hint = "fix the address or remove the link"
		}
		d.Errorf(source, line, col, hint, "link `%s` %s", meta.Shorten(shown, 80), t.problem)
	}
}

// checkMenu checks the config's `menu:` links to this site: a url that is
// not absolute is a path from the site's root ("/about/" or "about/").
func (b *builder) checkMenu(d *diag.List, sugg *suggester) {
	for _, m := range b.cfg.Menu {
		dest := menuURL(m.URL)
		if render.IsAbsURL(dest) && !b.sameSite(dest) {
			continue // another site: not fetched
		}
		b.checkLink(b.cfgFile(), m.Line, m.Col, "", dest, m.URL, d, sugg)
	}
}

// checkTemplates checks the links the templates write as they stand (see
// render.TemplateLink): a path given to .URL or .Abs is one from the
// site's root, an attribute value is checked when it is root-relative or
// absolute on this site. A relative one names something else on every
// page folder, and links to the page itself (#main) are the page's own.
func (b *builder) checkTemplates(d *diag.List, sugg *suggester) {
	if b.tpl == nil {
		return
	}
	for _, l := range b.tpl.Links() {
		dest := l.Dest
		switch {
		case render.IsAbsURL(dest):
			if !b.sameSite(dest) {
				continue
			}
		case l.SitePath:
			dest = strings.TrimPrefix(dest, "/")
		case !strings.HasPrefix(dest, "/"):
			continue // relative, "#frag", "?q", or "" (the page itself)
		}
		b.checkLink(l.File, l.Line, l.Col, "", dest, l.Dest, d, sugg)
	}
}

// checkedAfter says whether the site-wide checks report for a fast rebuild
// (nb: the last build b with edited incidents swapped in at the indices
// of edited) exactly what they reported for b, without checking the whole
// site again: an edited incident keeps its element ids (links elsewhere
// into it stand) and its questions, its own links are all good, and no
// earlier diagnostic names its file (its positions may have moved).
func checkedAfter(b, nb *builder, edited []int) bool {
	for _, i := range edited {
		old, it := b.incidents[i], nb.incidents[i]
		if !slices.Equal(old.refs.anchors, it.refs.anchors) || len(old.refs.questions) != len(it.refs.questions) {
			return false
		}
		for k, q := range it.refs.questions {
			if q.key != old.refs.questions[k].key {
				return false
			}
		}
		var d diag.List
		if nb.checkPage(it.src.Source, it.url, &it.refs, &d, nil); len(d) > 0 {
			return false
		}
		for _, dg := range b.checked {
			if dg.File == it.src.Source || strings.Contains(dg.Msg, it.src.Source+":") {
				return false
			}
		}
	}
	return true
}

// missing explains a link (dest, resolved to site path p) to a site path
// nothing was built at.
func (b *builder) missing(source, dest, p string, sugg *suggester) (problem, hint string) {
	if why, ok := b.excluded[p]; ok {
		return "points to " + why + ", which this build leaves out",
			"put the link inside a `::: internal` block, or publish the incident"
	}
	if strings.HasSuffix(p, ".md") {
		// A link to a source file, as written from the source's folder or
		// from the knowledge-base root.
		u, _ := url.Parse(dest)
		for _, src := range []string{path.Join(path.Dir(source), u.Path), strings.TrimPrefix(path.Clean("/"+u.Path), "/")} {
			if pageURL, ok := b.res.sources[src]; ok {
				return "points to a markdown file, not to its page", fmt.Sprintf("link to the page: `%s`", b.basePathSlash()+pageURL)
			}
		}
	}
	hint = "fix the address or remove the link"
	if sugg != nil {
		if c := sugg.closest(p); c != "" {
			hint = fmt.Sprintf("did you mean `%s`?", b.basePathSlash()+c)
		}
	}
	return "points to nothing on the site", hint
}

func (b *builder) basePathSlash() string {
	if strings.HasSuffix(b.base.Path, "/") {
		return b.base.Path
	}
	return b.base.Path + "/"
}

// suggester finds the closest existing page folder for a broken link: the
// sibling folder whose name is nearest ("incidents/solarwind/" →
// "incidents/solarwinds/").
type suggester struct {
	written  map[string]string
	children map[string][]string // parent folder → child folder names
	n        int
}

func (s *suggester) closest(p string) string {
	if s.n >= maxLinkSuggest {
		return ""
	}
	s.n++
	if s.children == nil {
		s.children = map[string][]string{}
		for f := range s.written {
			dir, ok := strings.CutSuffix(f, "/index.html")
			if !ok {
				continue
			}
			parent, name := path.Split(dir)
			s.children[parent] = append(s.children[parent], name)
		}
		for _, c := range s.children {
			sort.Strings(c)
		}
	}
	parent, name := path.Split(strings.TrimSuffix(p, "/"))
	if c := meta.Closest(name, s.children[parent]); c != "" {
		return parent + c + "/"
	}
	return ""
}

// checkQuestions warns about an FAQ question asked on two incidents: readers
// and search engines get two answers to one question. The later file (in
// path order) is warned, naming the first.
func (b *builder) checkQuestions(d *diag.List) {
	order := make([]*incident, len(b.incidents))
	copy(order, b.incidents)
	sort.Slice(order, func(i, j int) bool { return order[i].src.Source < order[j].src.Source })
	type first struct {
		source string
		line   int
	}
	seen := map[uint64]first{}
	for _, it := range order {
		for _, q := range it.refs.questions {
			f, ok := seen[q.key]
			if !ok {
				seen[q.key] = first{it.src.Source, q.line}
				continue
			}
			if f.source == it.src.Source {
				continue // reported by the parse
			}
			d.Warnf(it.src.Source, q.line, q.col, "link to that answer instead, or make the question specific to this incident",
				"the same FAQ question is asked in %s:%d", f.source, f.line)
		}
	}
}

// excludedPages maps the page folders of incidents this build leaves out to
// why, for the link check's hint.
func (b *builder) excludedPages(corpus *content.Corpus) map[string]string {
	m := map[string]string{}
	for _, in := range corpus.Incidents {
		if b.include(in.Draft, in.Visibility) || in.Slug == "" {
			continue
		}
		why := "an internal incident"
		if in.Draft {
			why = "a draft"
		}
		m["incidents/"+in.Slug+"/"] = why
	}
	return m
}
