package markdown

import (
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/util"
)

// rawHTMLRenderer renders raw HTML (inline tags and HTML blocks). When unsafe
// is false (the default) the HTML is escaped and shown as text, so readers
// see what the author wrote instead of goldmark's "raw HTML omitted" comment;
// an HTML block becomes a paragraph of that text. When unsafe is true it is
// written through unchanged (NUL bytes replaced, as goldmark does).
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
	for i := 0; i < n.Segments.Len(); i++ {
		seg := n.Segments.At(i)
		if r.unsafe {
			html.DefaultWriter.SecureWrite(w, seg.Value(src))
		} else {
			html.DefaultWriter.RawWrite(w, seg.Value(src))
		}
	}
	return ast.WalkSkipChildren, nil
}

func (r *rawHTMLRenderer) renderHTMLBlock(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*ast.HTMLBlock)
	if r.unsafe {
		if entering {
			for i := 0; i < n.Lines().Len(); i++ {
				seg := n.Lines().At(i)
				html.DefaultWriter.SecureWrite(w, seg.Value(src))
			}
		} else if n.HasClosure() {
			html.DefaultWriter.SecureWrite(w, n.ClosureLine.Value(src))
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
