package markdown

import (
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// newParser returns goldmark's default parser (goldmark.DefaultParser) with
// its link and emphasis parsers replaced by linkParser and delimiterParser,
// which give the same results in time linear in the input where goldmark's
// take time with its square (see links.go and delimiters.go).
// TestParserAsDefault checks that goldmark's defaults are still the ones
// listed here.
func newParser() parser.Parser {
	return parser.NewParser(
		parser.WithBlockParsers(parser.DefaultBlockParsers()...),
		parser.WithInlineParsers(
			util.Prioritized(parser.NewCodeSpanParser(), 100),
			util.Prioritized(&linkParser{}, 200),
			util.Prioritized(parser.NewAutoLinkParser(), 300),
			util.Prioritized(parser.NewRawHTMLParser(), 400),
			util.Prioritized(delimiterParser{}, prioDelimiters), // emphasis (500 in goldmark) and strikethrough
		),
		parser.WithParagraphTransformers(parser.DefaultParagraphTransformers()...),
	)
}

// footnoteExtension is goldmark's extension.Footnote with its reference
// parser behind footnoteRefParser.
type footnoteExtension struct{}

func (footnoteExtension) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(
		parser.WithBlockParsers(util.Prioritized(extension.NewFootnoteBlockParser(), 999)),
		parser.WithInlineParsers(util.Prioritized(footnoteRefParser{extension.NewFootnoteParser()}, 101)),
		parser.WithASTTransformers(util.Prioritized(extension.NewFootnoteASTTransformer(), 999)),
	)
	m.Renderer().AddOptions(renderer.WithNodeRenderers(
		util.Prioritized(extension.NewFootnoteHTMLRenderer(), 500),
	))
}

// footnoteRefParser runs goldmark's footnote reference parser ("[^label]")
// with a reader whose Value does not start looking for the label's line at
// the block's last line (text.BlockReader's does): in a paragraph of many
// lines every reference cost the whole paragraph.
type footnoteRefParser struct{ inner parser.InlineParser }

func (p footnoteRefParser) Trigger() []byte { return p.inner.Trigger() }

func (p footnoteRefParser) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	line, _ := block.PeekLine()
	i := 1
	if len(line) > 0 && line[0] == '!' {
		i++
	}
	if i >= len(line) || line[i] != '^' {
		return nil // as the inner parser answers
	}
	return p.inner.Parse(parent, &valueReader{Reader: block, v: newValuer(block, parent)}, pc)
}

// valueReader is a block's reader with valuer's Value.
type valueReader struct {
	text.Reader
	v valuer
}

func (r *valueReader) Value(seg text.Segment) []byte {
	b, _ := r.v.value(seg, -1)
	return b
}
