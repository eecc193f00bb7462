package markdown

import (
	"bytes"
	stdhtml "html"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// blockedKey holds, in the parser.Context, a *[]blockedLink the safe-link
// transformer appends to (only when Render asks for it).
var blockedKey = parser.NewContextKey()

// linksKey holds, in the parser.Context, a *[]linkRef the safe-link
// transformer appends every allowed destination to (when Render asks).
var linksKey = parser.NewContextKey()

// rewriteKey holds, in the parser.Context, DocOptions.RewriteLink.
var rewriteKey = parser.NewContextKey()

// LinkRef is a link or image destination the document kept: relative
// (a path, "#fragment", "?query") or http(s). A link checker resolves the
// relative ones against the page; mailto: and tel: are left out.
type LinkRef struct {
	Dest      string // as written, with backslash escapes and character references resolved
	Line, Col int    // 1-based position of the link's "[" (or "<" of an autolink) in src
	Image     bool
}

// BlockedLink is a link, image or autolink whose destination used a scheme
// outside the allow list and was neutralised.
type BlockedLink struct {
	Dest string // the destination as written (after entity/escape resolution)
	Line int    // 1-based line in src, 0 when unknown
}

// safeLinkTransformer neutralises links, images and autolinks whose
// destination has a scheme other than http, https, mailto or tel. It runs
// whatever the UnsafeHTML option says:
//
//   - a link or an image keeps its text (alt text) and title, but its
//     destination becomes "#";
//   - an autolink (<javascript:…>, or an ftp:// URL found by linkify) is
//     replaced by its label as plain text, since the label is the URL itself.
//
// Relative destinations (paths, "?query", "#fragment", "//host/…") are safe.
type safeLinkTransformer struct{}

func (safeLinkTransformer) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	src := reader.Source()
	blocked, _ := pc.Get(blockedKey).(*[]blockedLink)
	kept, _ := pc.Get(linksKey).(*[]linkRef)
	rewrite, _ := pc.Get(rewriteKey).(func(string) (string, bool))
	edits, _ := pc.Get(editsKey).(*sourceEdits)
	rewritten := func(dest []byte) []byte {
		if rewrite != nil {
			if nd, ok := rewrite(string(resolveURL(dest))); ok {
				return []byte(nd)
			}
		}
		return dest
	}
	var autolinks []*ast.AutoLink
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Link:
			if !SafeURL(n.Destination) {
				record(blocked, n.Destination, n)
				n.Destination = []byte("#")
			} else {
				keep(kept, n.Destination, n, false)
				if edits != nil {
					edits.dest(n.Destination)
				}
				n.Destination = rewritten(n.Destination)
			}
		case *ast.Image:
			if !SafeURL(n.Destination) {
				record(blocked, n.Destination, n)
				n.Destination = []byte("#")
			} else {
				keep(kept, n.Destination, n, true)
				if edits != nil {
					edits.dest(n.Destination)
				}
				n.Destination = rewritten(n.Destination)
			}
		case *ast.AutoLink:
			url := n.URL(src)
			if n.AutoLinkType == ast.AutoLinkEmail && !hasPrefixFold(url, "mailto:") {
				break // rendered as mailto:
			}
			if !SafeURL(url) {
				record(blocked, url, n)
				autolinks = append(autolinks, n)
			} else if n.AutoLinkType == ast.AutoLinkURL && edits != nil {
				edits.autolink(n.Label(src), url)
			} else if n.AutoLinkType == ast.AutoLinkURL && keep(kept, url, n, false) {
				// linkify starts a bare URL's node at the space before it
				l := &(*kept)[len(*kept)-1]
				for l.pos < len(src) && (src[l.pos] == ' ' || src[l.pos] == '\t') {
					l.pos++
				}
			}
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	for _, n := range autolinks {
		label := n.Label(src)
		s := ast.NewString(append([]byte(nil), label...))
		s.SetRaw(true) // written as is, HTML-escaped, no entity resolution
		n.Parent().ReplaceChild(n.Parent(), n, s)
	}
}

// blockedLink is a BlockedLink with the byte offset Render turns into a line.
type blockedLink struct {
	dest string
	pos  int
}

func record(list *[]blockedLink, dest []byte, n ast.Node) {
	if list == nil {
		return
	}
	*list = append(*list, blockedLink{dest: string(resolveURL(dest)), pos: n.Pos()})
}

// linkRef is a LinkRef with the byte offset Render turns into a position.
type linkRef struct {
	dest  string
	pos   int
	image bool
}

// keep records a kept destination unless it is mailto: or tel:, which name
// nothing on the site, and reports whether it did.
func keep(list *[]linkRef, dest []byte, n ast.Node, image bool) bool {
	if list == nil || hasPrefixFold(dest, "mailto:") || hasPrefixFold(dest, "tel:") {
		return false
	}
	*list = append(*list, linkRef{dest: string(resolveURL(dest)), pos: n.Pos(), image: image})
	return true
}

// SafeURL reports whether a link destination is allowed: relative (path,
// query, fragment, protocol-relative) or with an http, https, mailto or tel
// scheme. The scheme is read the way a browser would after goldmark's
// rendering: backslash escapes and character references resolved, ASCII
// white space and control characters removed anywhere, case ignored. Any
// other scheme (javascript:, vbscript:, data:, file:, ftp:, or a string that
// only looks like a scheme, such as "%6Aavascript:") is unsafe.
func SafeURL(dest []byte) bool {
	v := resolveURL(dest)
	// Collect the would-be scheme: everything before the first ':' provided no
	// '/', '?' or '#' comes first; skip white space and control characters,
	// which browsers strip or ignore inside a scheme.
	scheme := make([]byte, 0, 16)
	for _, c := range v {
		switch {
		case c == ':':
			return allowedScheme(scheme)
		case c == '/' || c == '?' || c == '#':
			return true // relative reference
		case c <= 0x20 || c == 0x7f:
			continue
		default:
			if len(scheme) > 32 {
				// Long enough to be no allowed scheme; keep scanning for ':'.
				continue
			}
			scheme = append(scheme, lower(c))
		}
	}
	return true // no ':' at all: a relative path
}

// resolveURL resolves backslash escapes and character references (twice, to
// be safe against a second decoding) the way goldmark does before writing
// href and src attributes.
func resolveURL(dest []byte) []byte {
	v := util.UnescapePunctuations(dest)
	v = util.ResolveNumericReferences(v)
	v = util.ResolveEntityNames(v)
	if bytes.IndexByte(v, '&') >= 0 {
		v = []byte(stdhtml.UnescapeString(string(v)))
	}
	return v
}

func allowedScheme(s []byte) bool {
	switch string(s) {
	case "", "http", "https", "mailto", "tel":
		// "" is ":foo", which browsers treat as a relative path.
		return true
	}
	return false
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

func hasPrefixFold(b []byte, prefix string) bool {
	return len(b) >= len(prefix) && bytes.EqualFold(b[:len(prefix)], []byte(prefix))
}

type safeLinksExtension struct{}

func (safeLinksExtension) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(parser.WithASTTransformers(
		util.Prioritized(safeLinkTransformer{}, prioSafeLinks),
	))
}
