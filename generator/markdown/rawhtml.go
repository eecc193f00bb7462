package markdown

import (
	"bytes"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/util"
	xhtml "golang.org/x/net/html"
)

// rawHTMLRenderer renders raw HTML (inline tags and HTML blocks). When unsafe
// is false (the default) the HTML is escaped and shown as text, so readers
// see what the author wrote instead of goldmark's "raw HTML omitted" comment;
// an HTML block becomes a paragraph of that text. When unsafe is true it is
// written through (NUL bytes replaced, as goldmark does) with one change:
// URL attributes whose scheme is not allowed are neutralised, as markdown
// links are (see safeRawHTML).
type rawHTMLRenderer struct {
	unsafe bool
}

func (r *rawHTMLRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindRawHTML, r.renderRawHTML)
	reg.Register(ast.KindHTMLBlock, r.renderHTMLBlock)
}

func (r *rawHTMLRenderer) renderRawHTML(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkSkipChildren, nil
	}
	n := node.(*ast.RawHTML)
	if r.unsafe {
		var raw []byte
		for i := 0; i < n.Segments.Len(); i++ {
			seg := n.Segments.At(i)
			raw = append(raw, seg.Value(src)...)
		}
		html.DefaultWriter.SecureWrite(w, safeRawHTML(raw))
		return ast.WalkSkipChildren, nil
	}
	for i := 0; i < n.Segments.Len(); i++ {
		seg := n.Segments.At(i)
		html.DefaultWriter.RawWrite(w, seg.Value(src))
	}
	return ast.WalkSkipChildren, nil
}

func (r *rawHTMLRenderer) renderHTMLBlock(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*ast.HTMLBlock)
	if r.unsafe {
		if entering {
			// The block as a whole: a tag may span lines; the closure line
			// (e.g. "</script>") goes with it, since the block's content
			// may leave a tag open that the browser ends there.
			var raw []byte
			for i := 0; i < n.Lines().Len(); i++ {
				seg := n.Lines().At(i)
				raw = append(raw, seg.Value(src)...)
			}
			if n.HasClosure() {
				raw = append(raw, n.ClosureLine.Value(src)...)
			}
			html.DefaultWriter.SecureWrite(w, safeRawHTML(raw))
		}
		return ast.WalkContinue, nil
	}
	if !entering {
		return ast.WalkContinue, nil
	}
	// Escaped: one paragraph holding the lines (and the closing line) as text.
	var text []byte
	for i := 0; i < n.Lines().Len(); i++ {
		seg := n.Lines().At(i)
		text = append(text, seg.Value(src)...)
	}
	if n.HasClosure() {
		text = append(text, n.ClosureLine.Value(src)...)
	}
	text = util.TrimRightSpace(text)
	if len(text) == 0 {
		return ast.WalkContinue, nil
	}
	_, _ = w.WriteString("<p>")
	html.DefaultWriter.RawWrite(w, text)
	_, _ = w.WriteString("</p>\n")
	return ast.WalkContinue, nil
}

type rawHTMLExtension struct {
	unsafe bool
}

func (e rawHTMLExtension) Extend(m goldmark.Markdown) {
	m.Renderer().AddOptions(renderer.WithNodeRenderers(
		util.Prioritized(&rawHTMLRenderer{unsafe: e.unsafe}, prioRenderers),
	))
}

// rawURLAttrs are the attributes a browser follows or loads as one URL.
var rawURLAttrs = map[string]bool{
	"href": true, "src": true, "action": true, "formaction": true, "background": true,
	"poster": true, "data": true, "codebase": true, "cite": true, "longdesc": true,
	"lowsrc": true, "dynsrc": true, "usemap": true, "profile": true, "manifest": true,
	"icon": true, "classid": true, "xlink:href": true,
}

// animation are the SVG elements whose values can set another attribute.
var animation = map[string]bool{"animate": true, "set": true, "animatetransform": true, "animatemotion": true}

// safeRawHTML neutralises the URLs of raw HTML the author let through: in
// every tag, an attribute that holds URLs (href, src, action, formaction,
// xlink:href, srcset, the values of an SVG animation, a meta refresh's
// content, …) and one whose scheme is not allowed (see SafeURL) gets the
// value "#", like a markdown link. Everything else is kept byte for byte.
//
// The HTML is read with a tokenizer that never switches to raw text: inside
// SVG or MathML a <style> is not raw text, and reading the content of a real
// <script> or <style> as markup can only neutralise more. A tag left open at
// the end of an HTML block, which the browser would finish with whatever
// follows, is written as text when it holds such a URL.
func safeRawHTML(raw []byte) []byte {
	if bytes.IndexByte(raw, ':') < 0 && bytes.IndexByte(raw, '&') < 0 {
		return raw // no scheme can be written without ':' or a character reference
	}
	z := xhtml.NewTokenizer(bytes.NewReader(raw))
	out := make([]byte, 0, len(raw))
	for {
		tt := z.Next()
		if tt == xhtml.ErrorToken {
			rest := z.Raw() // an unfinished tag, comment or doctype, if any
			if len(rest) > 0 && rest[0] == '<' && unsafeTag(append(append([]byte(nil), rest...), '>')) {
				// As text: every '<', or the next one would start a tag.
				return append(out, bytes.ReplaceAll(rest, []byte("<"), []byte("&lt;"))...)
			}
			return append(out, rest...)
		}
		raw := z.Raw()
		if tt != xhtml.StartTagToken && tt != xhtml.SelfClosingTagToken {
			out = append(out, raw...)
			continue
		}
		raw = append([]byte(nil), raw...)
		tok := z.Token()
		z.NextIsNotRawText()
		if neutralise(&tok) {
			out = append(out, tok.String()...)
		} else {
			out = append(out, raw...)
		}
	}
}

// unsafeTag reports whether the first token of s is a tag with a URL to
// neutralise.
func unsafeTag(s []byte) bool {
	z := xhtml.NewTokenizer(bytes.NewReader(s))
	if tt := z.Next(); tt != xhtml.StartTagToken && tt != xhtml.SelfClosingTagToken {
		return false
	}
	tok := z.Token()
	return neutralise(&tok)
}

// neutralise sets the URL attributes of tok whose scheme is not allowed to
// "#" and reports whether it changed any.
func neutralise(tok *xhtml.Token) bool {
	changed := false
	refresh := false
	for _, a := range tok.Attr {
		if a.Key == "http-equiv" && strings.EqualFold(strings.TrimSpace(a.Val), "refresh") {
			refresh = true
		}
	}
	for i, a := range tok.Attr {
		var urls []string
		switch k := a.Key; {
		case rawURLAttrs[k]:
			urls = []string{a.Val}
		case k == "srcset" || k == "imagesrcset" || k == "ping" || k == "archive":
			urls = strings.FieldsFunc(a.Val, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\f' })
		case (k == "values" || k == "to" || k == "from" || k == "by") && animation[tok.Data]:
			urls = strings.Split(a.Val, ";") // <animate attributeName="href" values="javascript:…">
		case k == "content" && refresh:
			// "5; url=…" or "5, …": what follows the delay, and any "url=".
			if i := strings.IndexAny(a.Val, ";,"); i >= 0 {
				if after := strings.TrimLeft(a.Val[i+1:], " \t\n\r\f"); !strings.HasPrefix(strings.ToLower(after), "url") {
					urls = append(urls, after)
				}
			}
			for v := strings.ToLower(a.Val); ; {
				i := strings.Index(v, "url")
				if i < 0 {
					break
				}
				v = v[i+3:]
				if rest := strings.TrimLeft(v, " \t\n\r\f"); strings.HasPrefix(rest, "=") {
					urls = append(urls, strings.Trim(strings.TrimLeft(rest[1:], " \t\n\r\f"), `'"`))
				}
			}
		}
		for _, u := range urls {
			if u = strings.TrimLeft(u, " \t\n\r\f"); !SafeURL([]byte(u)) {
				tok.Attr[i].Val = "#"
				changed = true
				break
			}
		}
	}
	return changed
}
