// Package htmlsafe finds executable script vectors in HTML, for tests that
// push hostile content through a build and inspect what came out. It reads
// a page the way a browser does (golang.org/x/net/html builds the same tree,
// character references decoded, foreign SVG and MathML content included)
// and reports:
//
//   - Element: an element that runs or loads code or changes how the page
//     is read (script, iframe, frame, frameset, object, embed, applet,
//     portal, base, link, style, meta with http-equiv or charset, form, and
//     SVG animate/set, which can write an href or a handler, and SVG
//     handler/listener) unless the
//     Policy allows it as the page's own;
//   - Attribute: an attribute that injects code or a document whatever its
//     value: srcdoc, formaction;
//   - Handler: an event-handler attribute (any name starting with "on");
//   - Style: a style attribute (or an allowed style element) using
//     expression(), javascript:, vbscript:, behavior, -moz-binding or
//     @import, after CSS comments and escapes are removed;
//   - URL: a URL attribute (href, src, action, formaction, background,
//     poster, srcset, data, xlink:href, … and the URL of a meta refresh)
//     whose scheme is not http, https, mailto or tel. The scheme is read as
//     a browser reads it: after character references are decoded (the
//     parser does that), ASCII white space and control characters removed
//     anywhere, case ignored. A relative URL has no scheme and is fine.
//
// With Policy.URLsOnly, only the URL rule applies: that is what still holds
// for markdown whose author allowed raw HTML.
package htmlsafe

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Kind names the rule a Finding broke.
type Kind string

const (
	Element   Kind = "element"   // a restricted element the policy does not allow
	Attribute Kind = "attribute" // srcdoc, formaction
	Handler   Kind = "handler"   // an on* event-handler attribute
	Style     Kind = "style"     // script in CSS
	URL       Kind = "url"       // a URL with a scheme outside http, https, mailto, tel
)

// Finding is one executable vector.
type Finding struct {
	Kind  Kind
	Tag   string // the element, "svg:a" for foreign content
	Attr  string // the attribute; "" for Element findings
	Value string // the attribute value as the browser sees it (decoded), or the scheme
	Node  *html.Node
}

func (f Finding) String() string {
	s := fmt.Sprintf("%s: <%s>", f.Kind, f.Tag)
	if f.Attr != "" {
		s += fmt.Sprintf(" %s=%q", f.Attr, shorten(f.Value, 80))
	}
	return s
}

// Policy says which restricted elements a page may hold.
type Policy struct {
	// Allow reports whether a restricted element (see Restricted) is the
	// page's own, e.g. a theme's stylesheet link or JSON-LD script. Allowed
	// elements are still checked for handlers, styles and URLs. A nil Allow
	// allows none.
	Allow func(n *html.Node) bool
	// URLsOnly applies the URL rule alone.
	URLsOnly bool
}

// CheckDocument parses a whole page and checks it.
func CheckDocument(r io.Reader, p Policy) ([]Finding, error) {
	doc, err := html.Parse(r)
	if err != nil {
		return nil, err
	}
	return Check(doc, p), nil
}

// CheckFragment parses s as the content of a <div> in a document's body, as
// a fragment of rendered HTML lands in a page, and checks it.
func CheckFragment(s string, p Policy) ([]Finding, error) {
	ctx := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}
	nodes, err := html.ParseFragment(strings.NewReader(s), ctx)
	if err != nil {
		return nil, err
	}
	var out []Finding
	for _, n := range nodes {
		out = append(out, Check(n, p)...)
	}
	return out, nil
}

// Check checks n and everything under it.
func Check(root *html.Node, p Policy) []Finding {
	var out []Finding
	walk(root, func(n *html.Node) {
		if n.Type == html.ElementNode {
			out = append(out, checkElement(n, p)...)
		}
	})
	return out
}

func walk(n *html.Node, fn func(*html.Node)) {
	fn(n)
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walk(c, fn)
	}
}

func checkElement(n *html.Node, p Policy) []Finding {
	var out []Finding
	tag := tagName(n)
	add := func(k Kind, attr, val string) {
		out = append(out, Finding{Kind: k, Tag: tag, Attr: attr, Value: val, Node: n})
	}
	if !p.URLsOnly && Restricted(n) && (p.Allow == nil || !p.Allow(n)) {
		add(Element, "", "")
	}
	if !p.URLsOnly && n.Data == "style" && badCSS(textOf(n)) {
		add(Style, "", textOf(n))
	}
	for _, a := range n.Attr {
		name := strings.ToLower(a.Key)
		full := name
		if a.Namespace != "" {
			full = a.Namespace + ":" + name
		}
		if !p.URLsOnly {
			switch {
			case strings.HasPrefix(name, "on"):
				add(Handler, full, a.Val)
			case name == "srcdoc" || name == "formaction":
				add(Attribute, full, a.Val)
			case name == "style" && badCSS(a.Val):
				add(Style, full, a.Val)
			}
		}
		for _, u := range urls(n, a) {
			if !SafeURL(u) {
				add(URL, full, u)
			}
		}
	}
	return out
}

// urlAttrs are the attributes holding one URL, on any element.
var urlAttrs = map[string]bool{
	"href": true, "src": true, "action": true, "formaction": true, "background": true,
	"poster": true, "data": true, "codebase": true, "cite": true, "longdesc": true,
	"lowsrc": true, "dynsrc": true, "usemap": true, "profile": true, "manifest": true,
	"icon": true, "classid": true,
}

// urls returns the URLs an attribute holds (none for other attributes).
func urls(n *html.Node, a html.Attribute) []string {
	name := strings.ToLower(a.Key)
	switch {
	case urlAttrs[name]:
		return []string{a.Val}
	case name == "srcset" || name == "imagesrcset":
		var out []string
		for _, c := range strings.Split(a.Val, ",") {
			if f := strings.Fields(c); len(f) > 0 {
				out = append(out, f[0])
			}
		}
		return out
	case name == "ping" || name == "archive":
		return strings.FieldsFunc(a.Val, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\f' })
	case name == "content" && isRefresh(n):
		return RefreshURLs(a.Val)
	case (name == "to" || name == "from" || name == "values" || name == "by") && n.Namespace == "svg":
		// <animate attributeName="href" values="javascript:…">: check every
		// value that looks like it has a scheme.
		var out []string
		for _, v := range strings.Split(a.Val, ";") {
			if Scheme(v) != "" {
				out = append(out, v)
			}
		}
		return out
	}
	return nil
}

func isRefresh(n *html.Node) bool {
	return n.Data == "meta" && strings.EqualFold(strings.TrimSpace(attr(n, "http-equiv")), "refresh")
}

// RefreshURLs returns the URLs a meta refresh's content may send the
// browser to: the one the HTML standard reads ("5; url='x'") and, to be
// safe against older readers, whatever follows any other "url=".
func RefreshURLs(content string) []string {
	var out []string
	lower := strings.ToLower(content)
	for i := 0; ; {
		k := strings.Index(lower[i:], "url")
		if k < 0 {
			break
		}
		j := i + k + 3
		rest := strings.TrimLeft(content[j:], " \t\n\r\f")
		if strings.HasPrefix(rest, "=") {
			v := strings.TrimLeft(rest[1:], " \t\n\r\f")
			if len(v) > 0 && (v[0] == '\'' || v[0] == '"') {
				q := v[0]
				v = v[1:]
				if e := strings.IndexByte(v, q); e >= 0 {
					v = v[:e]
				}
			}
			out = append(out, v)
		}
		i = j
	}
	// The standard also accepts a URL with no "url=" after the delay.
	if s := strings.IndexAny(content, ";,"); s >= 0 {
		v := strings.TrimLeft(content[s+1:], " \t\n\r\f")
		if !strings.HasPrefix(strings.ToLower(v), "url") {
			out = append(out, v)
		}
	}
	return out
}

// Restricted reports whether n is an element that runs or loads code or
// changes how the page is read, whatever its attributes.
func Restricted(n *html.Node) bool {
	if n.Type != html.ElementNode {
		return false
	}
	switch n.Namespace {
	case "svg":
		switch strings.ToLower(n.Data) {
		case "script", "style", "animate", "set", "animatemotion", "animatetransform",
			"handler", "listener":
			return true
		}
		return false
	case "math":
		return n.Data == "script" || n.Data == "style"
	}
	switch n.Data {
	case "script", "iframe", "frame", "frameset", "object", "embed", "applet", "portal",
		"base", "link", "style", "form":
		return true
	case "meta":
		return hasAttr(n, "http-equiv") || hasAttr(n, "charset")
	}
	return false
}

// cssBad are what make CSS run script, or load what can.
var cssBad = []string{"expression(", "javascript:", "vbscript:", "livescript:", "behavior:", "behavior(", "-moz-binding", "@import", "data:text/html"}

// badCSS reports whether CSS text runs or loads script, after comments,
// escapes, white space and case are taken out.
func badCSS(css string) bool {
	s := normCSS(css)
	for _, b := range cssBad {
		if strings.Contains(s, b) {
			return true
		}
	}
	return false
}

// normCSS removes comments, resolves escapes (\6a, \j), drops white space
// and control characters and lowercases.
func normCSS(css string) string {
	var b strings.Builder
	for i := 0; i < len(css); i++ {
		c := css[i]
		switch {
		case c == '/' && i+1 < len(css) && css[i+1] == '*':
			e := strings.Index(css[i+2:], "*/")
			if e < 0 {
				i = len(css)
			} else {
				i += 2 + e + 1
			}
		case c == '\\' && i+1 < len(css):
			j, v := i+1, 0
			for j < len(css) && j < i+7 && isHex(css[j]) {
				v = v*16 + hexVal(css[j])
				j++
			}
			if j > i+1 {
				if v > 0 && v < 0x110000 {
					b.WriteRune(rune(v))
				}
				if j < len(css) && (css[j] == ' ' || css[j] == '\t' || css[j] == '\n') {
					j++
				}
				i = j - 1
			} else {
				b.WriteByte(css[i+1])
				i++
			}
		case c <= 0x20 || c == 0x7f:
		default:
			b.WriteByte(c)
		}
	}
	return strings.ToLower(b.String())
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func hexVal(c byte) int {
	switch {
	case c <= '9':
		return int(c - '0')
	case c >= 'a':
		return int(c-'a') + 10
	}
	return int(c-'A') + 10
}

// Scheme returns the scheme a browser would read in the URL v (v as the
// parser delivers it, character references decoded), lowercased: everything
// before the first ':' unless a '/', '?' or '#' comes first, with ASCII
// white space and control characters removed anywhere (browsers strip them
// at the ends and remove tabs and newlines inside; removing every one of
// them errs on the safe side). "" means relative: no scheme.
func Scheme(v string) string {
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c == ':':
			return strings.ToLower(b.String())
		case c == '/' || c == '?' || c == '#':
			return ""
		case c <= 0x20 || c == 0x7f:
		default:
			b.WriteByte(c)
		}
	}
	return ""
}

// SafeURL reports whether v is relative or has an http, https, mailto or
// tel scheme.
func SafeURL(v string) bool {
	switch Scheme(v) {
	case "", "http", "https", "mailto", "tel":
		return true
	}
	return false
}

// Describe renders n's start tag (attributes sorted), for messages.
func Describe(n *html.Node) string {
	var b strings.Builder
	b.WriteString("<" + tagName(n))
	attrs := append([]html.Attribute(nil), n.Attr...)
	sort.Slice(attrs, func(i, j int) bool { return attrs[i].Key < attrs[j].Key })
	for _, a := range attrs {
		k := a.Key
		if a.Namespace != "" {
			k = a.Namespace + ":" + k
		}
		fmt.Fprintf(&b, " %s=%q", k, shorten(a.Val, 60))
	}
	b.WriteString(">")
	return b.String()
}

func tagName(n *html.Node) string {
	if n.Namespace != "" {
		return n.Namespace + ":" + n.Data
	}
	return n.Data
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Namespace == "" && strings.EqualFold(a.Key, key) {
			return a.Val
		}
	}
	return ""
}

func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Namespace == "" && strings.EqualFold(a.Key, key) {
			return true
		}
	}
	return false
}

func textOf(n *html.Node) string {
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	}
	return b.String()
}

func shorten(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
