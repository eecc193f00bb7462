package markdown

import (
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/util"
)

// headingRenderer renders headings like goldmark does, plus a small
// self-link for readers after the heading text:
//
//	<h2 id="x">Text <a class="anchor" href="#x" aria-label="Link to this section">#</a></h2>
//
// Attributes written with {…} after a heading are limited to id, class,
// lang, dir, title and data-* unless raw HTML is allowed (then goldmark's
// own heading filter applies, which also lets style through).
type headingRenderer struct {
	filter util.BytesFilter
}

func (r headingRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindHeading, r.renderHeading)
}

func (r headingRenderer) renderHeading(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*ast.Heading)
	level := "0123456"[min(max(n.Level, 1), 6)]
	if entering {
		_, _ = w.WriteString("<h")
		_ = w.WriteByte(level)
		if n.Attributes() != nil {
			html.RenderAttributes(w, n, r.filter)
		}
		_ = w.WriteByte('>')
		return ast.WalkContinue, nil
	}
	if id := headingIDAttr(n); len(id) > 0 {
		if n.HasChildren() {
			_ = w.WriteByte(' ')
		}
		_, _ = w.WriteString(`<a class="anchor" href="#`)
		_, _ = w.Write(util.EscapeHTML(id))
		_, _ = w.WriteString(`" aria-label="Link to this section">#</a>`)
	}
	_, _ = w.WriteString("</h")
	_ = w.WriteByte(level)
	_, _ = w.WriteString(">\n")
	return ast.WalkContinue, nil
}

type headingAnchorExtension struct {
	unsafe bool
}

func (e headingAnchorExtension) Extend(m goldmark.Markdown) {
	r := headingRenderer{filter: util.NewBytesFilterString("id,class,lang,dir,title")}
	if e.unsafe {
		r.filter = html.HeadingAttributeFilter
	}
	m.Renderer().AddOptions(renderer.WithNodeRenderers(
		util.Prioritized(r, prioRenderers),
	))
}
