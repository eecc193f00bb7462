package markdown

import (
	"bytes"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// InternalBlock is one "::: internal" container block of a document.
type InternalBlock struct {
	Line     int    // 1-based line of the "::: internal" opening line
	EndLine  int    // line of the closing ":::", or of the block's last line when it is unclosed
	Text     string // plain text of the block's content, whitespace collapsed (for the leak guard)
	Unclosed bool   // no closing ":::": the block runs to the end of its container (usually the document)

	// Info is what the opening line has after "internal", white space
	// trimmed: "::: internal notes for staff" has "notes for staff". The
	// internal profile shows it in the block's label.
	Info string
}

// KindInternal is the ast.NodeKind of an internal block.
var KindInternal = ast.NewNodeKind("Internal")

// internalKey holds, in the parser.Context, the *[]*internalNode the internal
// transformer fills in with the outermost internal blocks. Render and
// RenderFragmentResult set it.
var internalKey = parser.NewContextKey()

// internalKeepKey, when set in the parser.Context, makes the block parser
// keep internal content (parse it as children) whatever the Options say. It
// is set for the separate parse that computes an InternalBlock's Text.
var internalKeepKey = parser.NewContextKey()

// internalSeenKey is set in the parser.Context when a document has an
// internal block, so that the transformer does not walk documents without.
var internalSeenKey = parser.NewContextKey()

// internalNode is a "::: internal" container block.
//
// In the internal profile its content is ordinary markdown, parsed as its
// children. In the public profile (raw) the content is never parsed into the
// document at all: its lines are only recorded in Lines, and the transformer
// removes the node. So nothing inside it (headings, link reference
// definitions, footnote definitions or references, FAQ questions) can affect
// the public document. Lines holds the raw content lines in both profiles;
// the Text of the block is computed from them, so it is the same in both.
type internalNode struct {
	ast.BaseBlock
	raw    bool   // public profile: content not parsed, node removed
	info   []byte // the opening line's words after "internal" (see InternalBlock.Info)
	open   int    // offset of the opening line
	close  int    // offset of the closing line, -1 while unclosed
	closed bool

	// State while the block is open, for finding its closing line.
	fenceChar byte // '`' or '~' while inside a fenced code block, else 0
	fenceLen  int
	depth     int // other "::: name" containers opened inside and not yet closed
}

func (n *internalNode) Kind() ast.NodeKind { return KindInternal }

// IsRaw is true so that goldmark does not parse Lines (the raw content
// lines) as inline content of the node; children are parsed as usual.
func (n *internalNode) IsRaw() bool { return true }

func (n *internalNode) Dump(src []byte, level int) {
	ast.DumpHelper(n, src, level, map[string]string{
		"Raw":    boolString(n.raw),
		"Closed": boolString(n.closed),
	}, nil)
}

func boolString(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// internalBlockParser parses "::: internal" container blocks:
//
//	::: internal
//	content (markdown)
//	:::
//
// The opening line is three or more colons, optional white space, the word
// "internal" (any case) and, optionally, white space and further words (the
// block's info, e.g. "::: internal notes"); the closing line is three or more
// colons alone. White space is any Unicode space, the no-break space
// included. Both lines may be indented by up to three spaces. Fences of any
// length pair alike: ":::: internal" is closed by ":::". Other "::: name"
// lines are left
// as text, but inside an internal block they are paired with the ":::" lines
// that follow them, so a "::: note … :::" written inside does not end the
// internal block early (which would publish the rest of it). Likewise a
// ":::" line inside a fenced code block within the block is content. Without
// a closing line the block runs to the end of its container: the end of the
// document at top level, the end of the list item or block quote otherwise.
type internalBlockParser struct {
	keep bool // internal profile
}

func (b internalBlockParser) Trigger() []byte { return []byte{':'} }

func (b internalBlockParser) Open(parent ast.Node, reader text.Reader, pc parser.Context) (ast.Node, parser.State) {
	line, seg := reader.PeekLine()
	w, pos := util.IndentWidth(line, reader.LineOffset())
	if w > 3 {
		return nil, parser.NoChildren
	}
	info, ok := parseInternalOpener(line[pos:])
	if !ok {
		return nil, parser.NoChildren
	}
	raw := !b.keep && pc.Get(internalKeepKey) == nil
	if !raw && internalDepth(parent) >= maxInternalNesting {
		// Left as text, and still paired with its ":::" by the enclosing
		// block: deep nesting would make parsing quadratic.
		return nil, parser.NoChildren
	}
	n := &internalNode{
		raw:   raw,
		info:  bytes.Clone(info),
		open:  seg.Start + pos,
		close: -1,
	}
	pc.Set(internalSeenKey, true)
	reader.AdvanceToEOL()
	if n.raw {
		return n, parser.NoChildren
	}
	return n, parser.HasChildren
}

// maxInternalNesting bounds how many internal blocks are opened inside one
// another; deeper "::: internal" lines are text.
const maxInternalNesting = 8

// internalDepth counts the internal blocks among n and its ancestors.
func internalDepth(n ast.Node) int {
	d := 0
	for ; n != nil; n = n.Parent() {
		if _, ok := n.(*internalNode); ok {
			d++
		}
	}
	return d
}

func (b internalBlockParser) Continue(node ast.Node, reader text.Reader, pc parser.Context) parser.State {
	n := node.(*internalNode)
	line, seg := reader.PeekLine()
	w, pos := util.IndentWidth(line, reader.LineOffset())
	if w <= 3 {
		rest := line[pos:]
		switch {
		case n.fenceChar != 0:
			if closesFence(rest, n.fenceChar, n.fenceLen) {
				n.fenceChar, n.fenceLen = 0, 0
			}
		case isContainerCloser(rest):
			if n.depth == 0 {
				n.closed = true
				n.close = seg.Start + pos
				reader.AdvanceToEOL()
				return parser.Close
			}
			n.depth--
		case isContainerOpener(rest):
			n.depth++
		default:
			n.fenceChar, n.fenceLen = opensFence(rest)
		}
	}
	n.Lines().Append(seg)
	if n.raw {
		reader.AdvanceToEOL()
		return parser.Continue | parser.NoChildren
	}
	return parser.Continue | parser.HasChildren
}

func (b internalBlockParser) Close(ast.Node, text.Reader, parser.Context) {}

func (b internalBlockParser) CanInterruptParagraph() bool { return true }

func (b internalBlockParser) CanAcceptIndentedLine() bool { return false }

// parseInternalOpener reports whether a line (indentation removed) opens
// an internal block: three or more colons, optional white space, "internal"
// (any case), and either nothing but white space or white space and the
// block's info, which it returns trimmed, without a closing run of colons
// ("::: internal notes :::" has "notes"; "tlp:amber:" stays as it is).
func parseInternalOpener(l []byte) (info []byte, ok bool) {
	n := colonRun(l)
	if n < 3 {
		return nil, false
	}
	l = bytes.TrimLeftFunc(l[n:], unicode.IsSpace)
	const word = "internal"
	if len(l) < len(word) || !bytes.EqualFold(l[:len(word)], []byte(word)) {
		return nil, false
	}
	l = l[len(word):]
	if r, _ := utf8.DecodeRune(l); len(l) > 0 && !unicode.IsSpace(r) {
		return nil, false // "internals", "internal:"
	}
	info = bytes.TrimFunc(l, unicode.IsSpace)
	if j := len(bytes.TrimRight(info, ":")); j < len(info) {
		if r, _ := utf8.DecodeLastRune(info[:j]); j > 0 && !unicode.IsSpace(r) {
			return info, true // "tlp:amber:"
		}
		info = bytes.TrimRightFunc(info[:j], unicode.IsSpace) // "::: internal notes :::"
	}
	return info, true
}

// colonRun returns how many colons l starts with.
func colonRun(l []byte) int {
	n := 0
	for n < len(l) && l[n] == ':' {
		n++
	}
	return n
}

// isBlank reports whether l is empty or white space (any Unicode space).
func isBlank(l []byte) bool {
	return len(bytes.TrimLeftFunc(l, unicode.IsSpace)) == 0
}

// isContainerCloser reports whether a line (indentation removed) is three or
// more colons alone.
func isContainerCloser(l []byte) bool {
	n := colonRun(l)
	return n >= 3 && isBlank(l[n:])
}

// isContainerOpener reports whether a line (indentation removed) opens some
// "::: name" container (internal or not): three or more colons and more.
func isContainerOpener(l []byte) bool {
	n := colonRun(l)
	return n >= 3 && !isBlank(l[n:])
}

// opensFence returns the character and length of a code fence opened by the
// line (indentation removed), or 0, 0.
func opensFence(l []byte) (byte, int) {
	if len(l) == 0 || (l[0] != '`' && l[0] != '~') {
		return 0, 0
	}
	c := l[0]
	i := 0
	for i < len(l) && l[i] == c {
		i++
	}
	if i < 3 || (c == '`' && bytes.IndexByte(l[i:], '`') >= 0) {
		return 0, 0
	}
	return c, i
}

// closesFence reports whether the line (indentation removed) closes a fence
// of at least n characters c.
func closesFence(l []byte, c byte, n int) bool {
	i := 0
	for i < len(l) && l[i] == c {
		i++
	}
	return i >= n && util.IsBlank(l[i:])
}

// internalTransformer records the outermost internal blocks in the context
// slot and, in the public profile, removes them from the document. It runs
// before every other transformer of this package and before goldmark's
// footnote transformer, so headings, ids, text, FAQ and footnotes only see
// what is left.
type internalTransformer struct{}

func (internalTransformer) Transform(doc *ast.Document, _ text.Reader, pc parser.Context) {
	fc, _ := pc.Get(fenceCheckKey).(*fenceCheck)
	if pc.Get(internalSeenKey) == nil && fc == nil {
		return
	}
	out, _ := pc.Get(internalKey).(*[]*internalNode)
	var found []*internalNode
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		if n.Type() == ast.TypeInline {
			return ast.WalkSkipChildren, nil
		}
		switch n := n.(type) {
		case *internalNode:
			found = append(found, n)
			return ast.WalkSkipChildren, nil
		case *ast.FencedCodeBlock, *ast.CodeBlock, *ast.HTMLBlock:
			if fc != nil { // the fence check tells examples in code from fences in raw HTML
				fc.blocks = append(fc.blocks, n)
			}
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	for _, n := range found {
		if n.raw {
			if p := n.Parent(); p != nil {
				p.RemoveChild(p, n)
			}
		}
	}
	if out != nil {
		*out = append(*out, found...)
	}
}

// internalRenderer renders a kept internal block as
//
//	<aside class="internal" aria-label="Internal"><p class="internal-label">Internal</p>…</aside>
//
// with the block's info in the label ("Internal — notes") when it has one,
// and a raw (public) one, should one ever reach the renderer, as nothing.
type internalRenderer struct{}

func (internalRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(KindInternal, renderInternal)
}

func renderInternal(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if node.(*internalNode).raw {
		return ast.WalkSkipChildren, nil
	}
	if entering {
		label := []byte("Internal")
		if info := node.(*internalNode).info; len(info) > 0 {
			label = append(append(label, " — "...), util.EscapeHTML(info)...)
		}
		_, _ = w.WriteString("<aside class=\"internal\" aria-label=\"")
		_, _ = w.Write(label)
		_, _ = w.WriteString("\">\n<p class=\"internal-label\">")
		_, _ = w.Write(label)
		_, _ = w.WriteString("</p>\n")
	} else {
		_, _ = w.WriteString("</aside>\n")
	}
	return ast.WalkContinue, nil
}

type internalExtension struct {
	keep bool
}

func (e internalExtension) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(
		parser.WithBlockParsers(
			util.Prioritized(internalBlockParser{keep: e.keep}, prioInternalParser),
			util.Prioritized(fencedCodeParser{parser.NewFencedCodeBlockParser()}, prioFencedCode),
		),
		parser.WithASTTransformers(util.Prioritized(internalTransformer{}, prioInternal)),
	)
	m.Renderer().AddOptions(renderer.WithNodeRenderers(
		util.Prioritized(internalRenderer{}, prioRenderers),
	))
}

// internalBlocks turns the recorded internal nodes into InternalBlocks.
func (r *Renderer) internalBlocks(src []byte, nodes []*internalNode, lines *lineIndex) []InternalBlock {
	var out []InternalBlock
	for _, n := range nodes {
		b := InternalBlock{Unclosed: !n.closed, Text: r.internalText(src, n), Info: string(n.info)}
		b.Line, _ = lines.position(n.open)
		switch {
		case n.closed:
			b.EndLine, _ = lines.position(n.close)
		case n.Lines().Len() > 0:
			b.EndLine, _ = lines.position(n.Lines().At(n.Lines().Len() - 1).Start)
		default:
			b.EndLine = b.Line
		}
		out = append(out, b)
	}
	return out
}

// internalText returns the plain text of an internal block's content: its
// raw lines parsed on their own as a document, with internal content kept.
func (r *Renderer) internalText(src []byte, n *internalNode) string {
	var buf bytes.Buffer
	for i := 0; i < n.Lines().Len(); i++ {
		seg := n.Lines().At(i)
		buf.Write(seg.Value(src))
	}
	sub := buf.Bytes()
	pc := parser.NewContext(parser.WithIDs(newHeadingIDs()))
	pc.Set(internalKeepKey, true)
	doc := r.md.Parser().Parse(text.NewReader(sub), parser.WithContext(pc))
	return plainText(doc, sub)
}
