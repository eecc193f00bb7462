// Package linkcheck checks the links of a built site held in memory, for
// whole-site tests: every same-site href, src, srcset, form action and meta
// refresh in every HTML file must name a file of the site, and every
// fragment an element of the target page. With Options.Relative it checks
// the stricter rules of the internal export, whose folder must work when
// opened from file:// or served from any sub-path: no root-relative or
// absolute same-site links, and no folder links (file:// does not turn
// "x/" into "x/index.html").
//
// Links made by scripts at run time (search shards and the like) are out of
// scope; so are url() references inside CSS.
package linkcheck

import (
	"bytes"
	"net/url"
	"path"
	"sort"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Options selects the rules.
type Options struct {
	// Relative requires every same-site link to be relative: no leading
	// "/", no scheme:// or // link to the site itself, no folder links.
	Relative bool
	// BaseURL is the site's public URL ("https://kb.example.org/docs/").
	// Absolute links under it are same-site; others are external.
	BaseURL string
}

// Problem is one bad link.
type Problem struct {
	File   string // the HTML file holding the link, slash path from the site root
	Attr   string // the attribute: href, src, srcset, action, content (meta refresh), …
	Link   string // the link as written (one candidate for srcset)
	Reason string // one of the Reason constants
}

func (p Problem) String() string {
	return p.File + ": " + p.Attr + "=" + p.Link + ": " + p.Reason
}

// Reasons given in Problem.Reason.
const (
	ReasonMissingFile    = "missing file"
	ReasonMissingAnchor  = "missing anchor"
	ReasonFolderLink     = "folder link does not open from file://"
	ReasonRootRelative   = "root-relative link does not open from file://"
	ReasonAbsoluteSelf   = "absolute link to the site itself is not relative"
	ReasonSchemeRelative = "scheme-relative link does not open from file://"
	ReasonOutsideSite    = "link leaves the site"
	ReasonFileScheme     = "file: link points outside the site"
	ReasonMalformed      = "malformed link"
)

// Check parses every .html file of files and returns the problems found,
// in file order and then document order; nil means every link is good.
func Check(files map[string][]byte, opts Options) []Problem {
	c := &checker{files: files, opts: opts, pages: map[string]*page{}}
	if opts.BaseURL != "" {
		if u, err := url.Parse(opts.BaseURL); err == nil && u.Host != "" {
			c.base = u
			c.basePath = u.EscapedPath()
			if !strings.HasSuffix(c.basePath, "/") {
				c.basePath += "/"
			}
		}
	}
	var names []string
	for name, data := range files {
		if isHTML(name) {
			names = append(names, name)
			c.pages[name] = parsePage(data)
		}
	}
	sort.Strings(names)
	for _, name := range names {
		c.checkPage(name)
	}
	return c.problems
}

func isHTML(name string) bool {
	ext := strings.ToLower(path.Ext(name))
	return ext == ".html" || ext == ".htm"
}

// page is what Check needs of one parsed HTML file.
type page struct {
	ids   map[string]bool
	links []link
	base  *link // first <base href>, if any
}

type link struct{ attr, value string }

// linkAttrs lists, per HTML element, the attributes holding one URL.
var linkAttrs = map[atom.Atom][]string{
	atom.A:      {"href"},
	atom.Area:   {"href"},
	atom.Link:   {"href"},
	atom.Script: {"src"},
	atom.Img:    {"src"},
	atom.Source: {"src"},
	atom.Iframe: {"src"},
	atom.Embed:  {"src"},
	atom.Track:  {"src"},
	atom.Audio:  {"src"},
	atom.Video:  {"src", "poster"},
	atom.Object: {"data"},
	atom.Form:   {"action"},
	atom.Button: {"formaction"},
	atom.Input:  {"src", "formaction"},
}

func parsePage(data []byte) *page {
	p := &page{ids: map[string]bool{}}
	// Scripting off: <noscript> content is parsed as elements, so its links count.
	doc, err := html.ParseWithOptions(bytes.NewReader(data), html.ParseOptionEnableScripting(false))
	if err != nil {
		return p
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			p.element(n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return p
}

func (p *page) element(n *html.Node) {
	attr := func(key string) (string, bool) {
		for _, a := range n.Attr {
			if a.Namespace == "" && a.Key == key {
				return a.Val, true
			}
		}
		return "", false
	}
	if id, ok := attr("id"); ok && id != "" {
		p.ids[id] = true
	}
	if n.Namespace == "svg" {
		// <a>, <use>, <image> in SVG: href or the older xlink:href.
		switch n.Data {
		case "a", "use", "image":
			for _, a := range n.Attr {
				if a.Key == "href" && (a.Namespace == "" || a.Namespace == "xlink") {
					p.links = append(p.links, link{"href", a.Val})
				}
			}
		}
		return
	}
	if n.Namespace != "" {
		return // MathML
	}
	switch n.DataAtom {
	case atom.A:
		if name, ok := attr("name"); ok && name != "" {
			p.ids[name] = true // <a name> is a fragment target too
		}
	case atom.Base:
		if href, ok := attr("href"); ok && p.base == nil {
			p.base = &link{"href", href}
		}
		return
	case atom.Meta:
		if equiv, _ := attr("http-equiv"); strings.EqualFold(strings.TrimSpace(equiv), "refresh") {
			content, _ := attr("content")
			if u, ok := refreshURL(content); ok {
				p.links = append(p.links, link{"content", u})
			}
		}
		return
	case atom.Img, atom.Source:
		if set, ok := attr("srcset"); ok {
			for _, u := range srcsetURLs(set) {
				p.links = append(p.links, link{"srcset", u})
			}
		}
	}
	for _, key := range linkAttrs[n.DataAtom] {
		if v, ok := attr(key); ok {
			p.links = append(p.links, link{key, v})
		}
	}
}

// isSpace reports ASCII whitespace as HTML defines it.
func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r' }

func trimSpace(s string) string {
	return strings.TrimFunc(s, func(r rune) bool { return r < 0x80 && isSpace(byte(r)) })
}

// refreshURL extracts the URL of a meta refresh content ("0; url=../x/"),
// following the HTML parsing rules loosely; ok is false for a plain reload.
func refreshURL(content string) (string, bool) {
	s := strings.TrimLeft(trimSpace(content), "0123456789.")
	s = trimSpace(s)
	if s == "" {
		return "", false
	}
	if s[0] == ';' || s[0] == ',' {
		s = trimSpace(s[1:])
	}
	if len(s) >= 3 && strings.EqualFold(s[:3], "url") {
		if rest := trimSpace(s[3:]); strings.HasPrefix(rest, "=") {
			s = trimSpace(rest[1:])
		}
	}
	if s != "" && (s[0] == '"' || s[0] == '\'') {
		if i := strings.IndexByte(s[1:], s[0]); i >= 0 {
			s = s[1 : 1+i]
		} else {
			s = s[1:]
		}
	}
	s = trimSpace(s)
	return s, s != ""
}

// srcsetURLs returns the URLs of a srcset's candidates, as the HTML
// "parse a srcset attribute" algorithm splits them.
func srcsetURLs(set string) []string {
	var urls []string
	i := 0
	for i < len(set) {
		for i < len(set) && (isSpace(set[i]) || set[i] == ',') {
			i++
		}
		if i >= len(set) {
			break
		}
		start := i
		for i < len(set) && !isSpace(set[i]) {
			i++
		}
		u := set[start:i]
		if strings.HasSuffix(u, ",") {
			urls = append(urls, strings.TrimRight(u, ","))
			continue // no descriptors
		}
		urls = append(urls, u)
		// Skip descriptors up to the next comma outside parentheses.
		depth := 0
	descriptors:
		for ; i < len(set); i++ {
			switch set[i] {
			case '(':
				depth++
			case ')':
				if depth > 0 {
					depth--
				}
			case ',':
				if depth == 0 {
					break descriptors
				}
			}
		}
	}
	return urls
}

type checker struct {
	files    map[string][]byte
	opts     Options
	base     *url.URL // parsed BaseURL, nil if none
	basePath string   // its escaped path, ending in "/"
	pages    map[string]*page
	problems []Problem
}

// location is where relative links of a page resolve from: the page itself,
// or what its <base href> names.
type location struct {
	segs     []string // decoded path segments from the site root
	folder   bool     // the location is a folder ("x/"), not a file
	external bool     // <base> points off the site: relative links are external
}

func (l location) dir() []string {
	if l.folder {
		return l.segs
	}
	return l.segs[:len(l.segs)-1]
}

func (c *checker) report(file string, l link, reason string) {
	c.problems = append(c.problems, Problem{File: file, Attr: l.attr, Link: l.value, Reason: reason})
}

func (c *checker) checkPage(name string) {
	p := c.pages[name]
	loc := location{segs: strings.Split(name, "/")}
	if p.base != nil {
		var ok bool
		if loc, ok = c.baseLocation(name, loc, *p.base); !ok {
			return // reported; the page's links cannot be resolved
		}
	}
	for _, l := range p.links {
		c.checkLink(name, loc, l)
	}
}

// baseLocation resolves a <base href> of page name.
func (c *checker) baseLocation(name string, loc location, l link) (location, bool) {
	t, reason := c.resolve(loc, trimSpace(l.value))
	switch {
	case reason != "":
		c.report(name, l, reason)
		return loc, false
	case t.external:
		return location{external: true}, true
	}
	return location{segs: t.segs, folder: t.folder}, true
}

// target is what a link resolves to.
type target struct {
	segs     []string
	folder   bool
	external bool // off the site, or a scheme Check does not follow
	fragment string
	hasFrag  bool
}

// resolve resolves raw against loc. A non-empty reason means the link is
// bad whatever the files hold.
func (c *checker) resolve(loc location, raw string) (target, string) {
	var t target
	rest := raw
	if i := strings.IndexByte(rest, '#'); i >= 0 {
		rest, t.fragment, t.hasFrag = rest[:i], rest[i+1:], true
	}
	if i := strings.IndexByte(rest, '?'); i >= 0 {
		rest = rest[:i] // file:// ignores the query; so does a static server
	}
	if strings.ContainsRune(rest, '\\') {
		return t, ReasonMalformed
	}
	var start []string // segments the path is relative to
	scheme := schemeOf(rest)
	switch {
	case scheme == "file":
		return t, ReasonFileScheme
	case scheme == "http" || scheme == "https":
		p, same, ok := c.sitePath(rest)
		if !ok {
			return t, ReasonMalformed
		}
		if !same {
			t.external = true
			return t, ""
		}
		if c.opts.Relative {
			return t, ReasonAbsoluteSelf
		}
		rest = p
	case scheme != "":
		t.external = true // mailto:, tel:, data:, javascript:, …
		return t, ""
	case strings.HasPrefix(rest, "//"):
		p, same, ok := c.sitePath("https:" + rest)
		if !ok {
			return t, ReasonMalformed
		}
		if c.opts.Relative {
			return t, ReasonSchemeRelative
		}
		if !same {
			t.external = true
			return t, ""
		}
		rest = p
	case strings.HasPrefix(rest, "/"):
		if c.opts.Relative {
			return t, ReasonRootRelative
		}
		if c.base != nil {
			if !strings.HasPrefix(rest+"/", c.basePath) {
				return t, ReasonOutsideSite
			}
			rest = strings.TrimPrefix(rest, strings.TrimSuffix(c.basePath, "/"))
		}
		rest = strings.TrimPrefix(rest, "/")
		if rest == "" {
			rest = "./"
		}
	default:
		if loc.external {
			t.external = true
			return t, ""
		}
		if rest == "" {
			// "#x" or "?q": the location itself.
			t.segs, t.folder = loc.segs, loc.folder
			return t, ""
		}
		start = loc.dir()
	}
	segs := append([]string(nil), start...)
	parts := strings.Split(rest, "/")
	for i, part := range parts {
		last := i == len(parts)-1
		seg, err := url.PathUnescape(part)
		if err != nil {
			return t, ReasonMalformed
		}
		switch seg {
		case ".":
			t.folder = t.folder || last
		case "..":
			if len(segs) == 0 {
				return t, ReasonOutsideSite
			}
			segs = segs[:len(segs)-1]
			t.folder = t.folder || last
		case "":
			if last {
				t.folder = true
			} else {
				segs = append(segs, seg) // "a//b": an empty folder name, never a file
			}
		default:
			segs = append(segs, seg)
		}
	}
	t.segs = segs
	return t, ""
}

// sitePath reports whether the absolute URL abs is under BaseURL and, if
// so, returns its escaped path relative to BaseURL, "./" for the root.
func (c *checker) sitePath(abs string) (p string, same, ok bool) {
	u, err := url.Parse(abs)
	if err != nil {
		return "", false, false
	}
	if c.base == nil || !strings.EqualFold(u.Host, c.base.Host) {
		return "", false, true
	}
	ep := u.EscapedPath()
	if !strings.HasPrefix(ep+"/", c.basePath) {
		return "", false, true // same host, outside the site's sub-path
	}
	p = strings.TrimPrefix(ep, c.basePath)
	if len(ep) < len(c.basePath) || p == "" {
		p = "./"
	}
	return p, true, true
}

// schemeOf returns the lower-cased URL scheme of s, or "".
func schemeOf(s string) string {
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case 'a' <= ch && ch <= 'z' || 'A' <= ch && ch <= 'Z':
		case '0' <= ch && ch <= '9' || ch == '+' || ch == '-' || ch == '.':
			if i == 0 {
				return ""
			}
		case ch == ':':
			if i == 0 {
				return ""
			}
			return strings.ToLower(s[:i])
		default:
			return ""
		}
	}
	return ""
}

func (c *checker) checkLink(file string, loc location, l link) {
	raw := trimSpace(l.value)
	if raw == "" {
		return // the page itself
	}
	t, reason := c.resolve(loc, raw)
	if reason != "" {
		c.report(file, l, reason)
		return
	}
	if t.external {
		return
	}
	if t.folder {
		if c.opts.Relative {
			c.report(file, l, ReasonFolderLink)
			return
		}
		t.segs = append(t.segs, "index.html")
	}
	name := strings.Join(t.segs, "/")
	if _, ok := c.files[name]; !ok {
		c.report(file, l, ReasonMissingFile)
		return
	}
	if !t.hasFrag {
		return
	}
	p := c.pages[name]
	if p == nil {
		return // not HTML: a PDF page, an SVG sprite, … are not checked
	}
	if !p.hasAnchor(t.fragment) {
		c.report(file, l, ReasonMissingAnchor)
	}
}

// hasAnchor reports whether navigating to #frag finds its target: an id (or
// <a name>), as written or percent-decoded; "" and "top" go to the top.
func (p *page) hasAnchor(frag string) bool {
	if frag == "" || strings.EqualFold(frag, "top") || p.ids[frag] {
		return true
	}
	if dec, err := url.PathUnescape(frag); err == nil && p.ids[dec] {
		return true
	}
	return false
}
