package markdown

import (
	"bytes"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// textKey holds, in the parser.Context, the *string the text transformer
// fills in. Render sets it; RenderFragment does not, so fragments skip the work.
var textKey = parser.NewContextKey()

// textTransformer records the plain text of the whole document (FAQ
// included, since it runs before the FAQ transformer removes the section) for
// the search index.
type textTransformer struct{}

func (textTransformer) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	out, ok := pc.Get(textKey).(*string)
	if !ok || out == nil {
		return
	}
	var b textBuilder
	b.sb.Grow(len(reader.Source()))
	b.node(doc, reader.Source())
	*out = b.String()
}

type textExtension struct{}

func (textExtension) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(parser.WithASTTransformers(
		util.Prioritized(textTransformer{}, prioText),
	))
}

// plainText returns the text of a node and its descendants, with markup
// removed, backslash escapes and entities resolved and whitespace collapsed.
func plainText(n ast.Node, src []byte) string {
	var b textBuilder
	b.node(n, src)
	return b.String()
}

// textBuilder accumulates text, collapsing every run of white space into a
// single space and dropping leading and trailing space.
type textBuilder struct {
	sb      strings.Builder
	pending bool // a space is owed before the next non-space character
}

func (b *textBuilder) space() { b.pending = true }

func (b *textBuilder) write(p []byte) {
	for len(p) > 0 {
		if c := p[0]; c < utf8.RuneSelf {
			// ASCII fast path: copy the run of non-space bytes at once.
			if c == 0 {
				// goldmark writes NUL as U+FFFD; so does the text.
				b.flushSpace()
				b.sb.WriteRune(utf8.RuneError)
				p = p[1:]
				continue
			}
			if asciiSpace[c] {
				b.pending = true
				p = p[1:]
				continue
			}
			i := 1
			for i < len(p) && p[i] < utf8.RuneSelf && p[i] != 0 && !asciiSpace[p[i]] {
				i++
			}
			b.flushSpace()
			b.sb.Write(p[:i])
			p = p[i:]
			continue
		}
		r, size := utf8.DecodeRune(p)
		p = p[size:]
		if unicode.IsSpace(r) {
			b.pending = true
			continue
		}
		b.flushSpace()
		b.sb.WriteRune(r) // invalid UTF-8 becomes U+FFFD
	}
}

var asciiSpace = [utf8.RuneSelf]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}

func (b *textBuilder) flushSpace() {
	if b.pending && b.sb.Len() > 0 {
		b.sb.WriteByte(' ')
	}
	b.pending = false
}

func (b *textBuilder) String() string { return b.sb.String() }

func (b *textBuilder) node(root ast.Node, src []byte) {
	_ = ast.Walk(root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if n.Type() == ast.TypeBlock || n.Type() == ast.TypeDocument {
			// Blocks are separated by white space in the text.
			b.space()
		}
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Text:
			v := n.Segment.Value(src)
			if !n.IsRaw() {
				v = unescapeText(v)
			}
			b.write(v)
			if n.SoftLineBreak() || n.HardLineBreak() {
				b.space()
			}
		case *ast.String:
			v := n.Value
			if !n.IsRaw() && !n.IsCode() {
				v = unescapeText(v)
			}
			b.write(v)
		case *ast.AutoLink:
			b.write(n.Label(src))
			return ast.WalkSkipChildren, nil
		case *ast.FencedCodeBlock, *ast.CodeBlock:
			lines := n.Lines()
			for i := 0; i < lines.Len(); i++ {
				seg := lines.At(i)
				b.write(seg.Value(src))
			}
			return ast.WalkSkipChildren, nil
		case *ast.RawHTML, *ast.HTMLBlock:
			// Markup, not prose: left out of the search text.
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
}

// unescapeText resolves backslash escapes and character references the way
// goldmark's HTML writer does when it renders a text segment.
func unescapeText(v []byte) []byte {
	if bytes.IndexByte(v, '\\') < 0 && bytes.IndexByte(v, '&') < 0 {
		return v // nothing to resolve: most text
	}
	v = util.UnescapePunctuations(v)
	v = util.ResolveNumericReferences(v)
	return util.ResolveEntityNames(v)
}
