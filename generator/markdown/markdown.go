// Package markdown turns incident bodies into HTML: goldmark with GFM and
// footnotes, heading ids and self-links, chroma highlighting with CSS classes,
// raw HTML escaped unless allowed, unsafe link schemes neutralised, and the
// body's FAQ section extracted into question/answer items.
//
// Each feature is a goldmark extension in its own file, in goldmark's
// extension style: per-document state lives in the parser.Context, and
// package-level variables are only constants set at init (context keys) and
// the timeout-free lexer copies built once on first use (lexers.go), so
// one Renderer serves many goroutines.
//
//	heading_ids.go     HeadingID, the per-document parser.IDs, id transformer
//	heading_anchor.go  heading renderer with the "#" self-link
//	highlight.go       chroma fenced-code renderer and the stylesheet
//	rawhtml.go         raw HTML renderer (escaped or passed through)
//	safelinks.go       link/image/autolink scheme allow list
//	text.go            plain text for search
//	faq.go             FAQ section extraction
//	internal.go        "::: internal" container blocks (kept or removed per profile)
//	fences.go          the line scanner that reports what reads as an internal fence but is not one
//	parser.go          goldmark's parser with the link and emphasis parsers below
//	links.go           links and images in linear time (adapted from goldmark)
//	delimiters.go      emphasis and strikethrough in linear time
//	lexers.go          chroma's lexers without their match timeout
package markdown

import (
	"bufio"
	"bytes"
	"fmt"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
)

// Transformer and renderer priorities. goldmark runs AST transformers in
// ascending order; ours run after its footnote transformer (999), which
// appends the footnote list. Node renderers with a lower value than
// goldmark's HTML renderer (1000) replace its functions for the same kinds.
const (
	prioInternal   = 900 // before goldmark's footnotes and all of ours: internal blocks are removed first
	prioSafeLinks  = 1000
	prioHeadingIDs = 1001
	prioText       = 1002 // before the FAQ is cut out: Text includes the FAQ
	prioCode       = 1003 // after the internal blocks a public build drops, before the FAQ is cut out
	prioFAQ        = 1004
	prioRenderers  = 100

	prioInternalParser = 150 // block parser; goldmark's own run at 100..1000
)

// Options configure a Renderer.
type Options struct {
	UnsafeHTML     bool   // let raw HTML through; default: raw HTML is escaped (shown as text, not dropped)
	HighlightLight string // chroma style name for light mode, default "github"
	HighlightDark  string // chroma style name for dark mode, default "github-dark"

	// Internal selects the internal profile: "::: internal" blocks are
	// rendered as <aside class="internal">. When false (public), they are
	// left out of everything the Renderer returns except Result.Internal.
	Internal bool
}

// Renderer renders markdown documents. It is safe for concurrent use by many
// goroutines and is meant to be built once per build.
type Renderer struct {
	md   goldmark.Markdown
	hl   *highlighter
	bufs sync.Pool // *renderBuf
}

// New builds a Renderer. Unknown style names fall back to the defaults.
func New(opts Options) *Renderer {
	hl := newHighlighter(opts.HighlightLight, opts.HighlightDark)
	var rendererOpts []renderer.Option
	if opts.UnsafeHTML {
		rendererOpts = append(rendererOpts, html.WithUnsafe())
	}
	md := goldmark.New(
		goldmark.WithParser(newParser()), // goldmark's, linear on any input
		goldmark.WithExtensions(
			gfmExtension{},      // extension.GFM: tables, strikethrough, task lists, linkify (quicker)
			footnoteExtension{}, // extension.Footnote, linear on any input
			safeLinksExtension{},
			headingIDsExtension{},
			textExtension{},
			faqExtension{},
			internalExtension{keep: opts.Internal},
			headingAnchorExtension{unsafe: opts.UnsafeHTML},
			rawHTMLExtension{unsafe: opts.UnsafeHTML},
			highlightExtension{h: hl},
			nestingExtension{},
		),
		goldmark.WithParserOptions(parser.WithAttribute()), // ## Title {#custom-id}
		goldmark.WithRendererOptions(rendererOpts...),
	)
	return &Renderer{md: md, hl: hl}
}

// Heading is one heading of a rendered document.
type Heading struct {
	Level int
	Text  string // plain text
	ID    string
	Line  int // 1-based line in src, 0 when unknown
}

// FAQItem is one question of a body FAQ section.
type FAQItem struct {
	Question   string // plain text of the ### heading
	AnswerHTML string // rendered answer (everything under the question up to the next heading of level <= 3), trimmed; "" when there is none
	Line, Col  int    // 1-based position of the question heading within src (Col counts characters)

	ID       string    // id the question heading was given (unique within the document)
	Headings []Heading // headings inside the answer (level >= 4), with their ids
}

// Result is a rendered document.
type Result struct {
	HTML          string    // the body with the FAQ section removed
	FAQ           []FAQItem // from the body section, in order
	FAQIntro      string    // HTML of any content between the FAQ heading and its first ### question (usually empty)
	HasFAQSection bool
	FAQLine       int       // line of the "## FAQ" heading, 0 if none
	Headings      []Heading // every heading that stayed in HTML, in order, with its id (for tables of contents and link checks)
	Text          string    // plain text of the whole body incl. FAQ (for search, later), whitespace collapsed
	HasCode       bool      // a fenced code block is in the HTML or the FAQ answers: the page needs the highlighting stylesheet

	// FAQID is the id the (first) FAQ heading was given, reserved in the
	// document so a template can put it on its FAQ block; "" if none.
	FAQID string
	// FAQLines holds the line of every FAQ section; more than one means the
	// body repeats the section (all are extracted, items in document order).
	FAQLines []int
	// BlockedLinks lists the links, images and autolinks whose scheme was
	// not allowed and which were neutralised (see SafeURL).
	BlockedLinks []BlockedLink
	// Links lists the destinations of the links, images and URL autolinks
	// that stayed, in document order (for link checks). FAQ answers
	// included; internal blocks a public build removes are not.
	Links []LinkRef
	// Internal lists the outermost "::: internal" blocks in document order,
	// in both profiles, so that a leak guard can check that no output of a
	// public build contains their text. In the public profile none of their
	// content is in HTML, Text, Headings, the FAQ or the footnotes.
	Internal []InternalBlock
	// Source is the markdown with DocOptions.RewriteSource's rewrites; nil
	// when it rewrote nothing (or was not set).
	Source []byte
	// FenceProblems lists the lines that read as internal fences whose text
	// the document, as parsed, shows (see fences.go); a public build must
	// refuse them. FencedText is the raw text the line scanner reads as
	// inside internal fences, for the leak guard.
	FenceProblems []FenceProblem
	FencedText    []FencedText
}

// DocOptions are per-document settings of RenderDoc and RenderFragmentDoc.
type DocOptions struct {
	// RewriteLink, when set, may replace the destination of a link or
	// image that passed the scheme check (an internal export makes links
	// to the site relative and explicit). It gets the destination with
	// escapes resolved and returns the new one and true, or false to keep
	// it. Result.Links keeps the destinations as written.
	RewriteLink func(dest string) (string, bool)

	// RewriteSource, when set, rewrites link destinations in the markdown
	// source, for Result.Source and Fragment.Source: of every link and
	// image that passed the scheme check (in the link, or in the reference
	// definition it uses) and of every URL autolink, which becomes a link
	// with the URL as its text. It gets a destination as RewriteLink does
	// and returns the new one and true, or false to keep it (rewrite.go).
	RewriteSource func(dest string) (string, bool)
}

// Render renders a document body and extracts its FAQ section.
func (r *Renderer) Render(src []byte) (Result, error) { return r.RenderDoc(src, DocOptions{}) }

// RenderDoc is Render with per-document options.
func (r *Renderer) RenderDoc(src []byte, o DocOptions) (res Result, err error) {
	defer func() {
		if p := recover(); p != nil {
			res, err = Result{}, panicError(p)
		}
	}()
	if err := checkLimits(src); err != nil {
		return Result{}, err
	}
	src = loneCRToLF(src)
	var (
		plain    string
		sections []faqSection
		blocked  []blockedLink
		kept     []linkRef
		internal []*internalNode
	)
	pc := parser.NewContext(parser.WithIDs(newHeadingIDs()))
	pc.Set(internalKey, &internal)
	scan, fc := startFenceCheck(src, pc)
	pc.Set(textKey, &plain)
	pc.Set(faqKey, &sections)
	pc.Set(blockedKey, &blocked)
	pc.Set(linksKey, &kept)
	pc.Set(codeKey, &res.HasCode)
	if o.RewriteLink != nil {
		pc.Set(rewriteKey, o.RewriteLink)
	}
	edits := newSourceEdits(src, o, pc)
	doc := r.md.Parser().Parse(text.NewReader(src), parser.WithContext(pc))
	res.Source = edits.apply()

	rb := r.getBuf()
	defer r.putBuf(rb)
	lines := lineIndex{src: src}

	if res.HTML, err = r.renderNode(rb, src, doc); err != nil {
		return Result{}, err
	}
	res.Headings = collectHeadings(doc, src, &lines)
	res.Text = plain
	res.Internal = r.internalBlocks(src, internal, &lines)
	res.FenceProblems, res.FencedText = scan.check(res.Internal, fc, &lines)
	res.BlockedLinks = blockedLinks(blocked, &lines)
	res.Links = linkRefs(kept, &lines)

	for i, sec := range sections {
		line, _ := lines.position(headingOffset(sec.heading, src))
		if i == 0 {
			res.HasFAQSection = true
			res.FAQLine = line
			res.FAQID = string(headingIDAttr(sec.heading))
		}
		res.FAQLines = append(res.FAQLines, line)
		if len(sec.intro) > 0 {
			intro, err := r.renderNodes(rb, src, sec.intro)
			if err != nil {
				return Result{}, err
			}
			res.FAQIntro += intro
		}
		for _, it := range sec.items {
			item := FAQItem{
				Question: plainText(it.question, src),
				ID:       string(headingIDAttr(it.question)),
			}
			item.Line, item.Col = lines.position(headingOffset(it.question, src))
			if len(it.answer) > 0 {
				answer, err := r.renderNodes(rb, src, it.answer)
				if err != nil {
					return Result{}, err
				}
				item.AnswerHTML = strings.TrimSpace(answer)
				for _, n := range it.answer {
					item.Headings = append(item.Headings, collectHeadings(n, src, &lines)...)
				}
			}
			res.FAQ = append(res.FAQ, item)
		}
	}
	return res, nil
}

// RenderFragment renders markdown without FAQ extraction (front-matter FAQ
// answers, internal notes). Headings still get ids, unique within the
// fragment only. "::: internal" blocks are kept or left out as in Render;
// RenderFragmentResult also lists them.
func (r *Renderer) RenderFragment(src []byte) (string, error) {
	f, err := r.RenderFragmentResult(src)
	return f.HTML, err
}

// Fragment is a rendered fragment (see RenderFragment) and what a build
// checks in it.
type Fragment struct {
	HTML     string
	Internal []InternalBlock // "::: internal" blocks, as Result.Internal
	Headings []Heading       // headings with their ids
	Links    []LinkRef       // kept destinations, as Result.Links
	Blocked  []BlockedLink   // neutralised destinations, as Result.BlockedLinks
	HasCode  bool            // as Result.HasCode
	Source   []byte          // as Result.Source

	FenceProblems []FenceProblem // as Result.FenceProblems
	FencedText    []FencedText   // as Result.FencedText
}

// RenderFragmentResult is RenderFragment with the fragment's "::: internal"
// blocks, headings and links.
func (r *Renderer) RenderFragmentResult(src []byte) (Fragment, error) {
	return r.RenderFragmentDoc(src, DocOptions{})
}

// RenderFragmentDoc is RenderFragmentResult with per-document options.
func (r *Renderer) RenderFragmentDoc(src []byte, o DocOptions) (f Fragment, err error) {
	defer func() {
		if p := recover(); p != nil {
			f, err = Fragment{}, panicError(p)
		}
	}()
	if err := checkLimits(src); err != nil {
		return Fragment{}, err
	}
	src = loneCRToLF(src)
	var (
		nodes   []*internalNode
		blocked []blockedLink
		kept    []linkRef
	)
	pc := parser.NewContext(parser.WithIDs(newHeadingIDs()))
	pc.Set(internalKey, &nodes)
	scan, fc := startFenceCheck(src, pc)
	pc.Set(blockedKey, &blocked)
	pc.Set(linksKey, &kept)
	pc.Set(codeKey, &f.HasCode)
	if o.RewriteLink != nil {
		pc.Set(rewriteKey, o.RewriteLink)
	}
	edits := newSourceEdits(src, o, pc)
	doc := r.md.Parser().Parse(text.NewReader(src), parser.WithContext(pc))
	f.Source = edits.apply()
	rb := r.getBuf()
	defer r.putBuf(rb)
	if f.HTML, err = r.renderNode(rb, src, doc); err != nil {
		return Fragment{}, err
	}
	lines := lineIndex{src: src}
	f.Internal = r.internalBlocks(src, nodes, &lines)
	f.FenceProblems, f.FencedText = scan.check(f.Internal, fc, &lines)
	f.Headings = collectHeadings(doc, src, &lines)
	f.Links = linkRefs(kept, &lines)
	f.Blocked = blockedLinks(blocked, &lines)
	return f, nil
}

// loneCRToLF returns src with every CR that does not start a CRLF turned
// into LF (in a copy; offsets stay the same). CommonMark counts a lone CR as
// a line ending and so do editors, but goldmark does not: without this a
// line that shows as "::: internal" would be text in the middle of a
// paragraph. Line numbers count lone CRs, as content.Normalize does.
func loneCRToLF(src []byte) []byte {
	if bytes.IndexByte(src, '\r') < 0 {
		return src
	}
	var out []byte
	for i, c := range src {
		if c == '\r' && (i+1 == len(src) || src[i+1] != '\n') {
			if out == nil {
				out = bytes.Clone(src)
			}
			out[i] = '\n'
		}
	}
	if out == nil {
		return src
	}
	return out
}

func blockedLinks(list []blockedLink, lines *lineIndex) []BlockedLink {
	var out []BlockedLink
	for _, b := range list {
		line, _ := lines.position(b.pos)
		out = append(out, BlockedLink{Dest: b.dest, Line: line})
	}
	return out
}

func linkRefs(list []linkRef, lines *lineIndex) []LinkRef {
	if len(list) == 0 {
		return nil
	}
	out := make([]LinkRef, len(list))
	for i, l := range list {
		line, col := lines.position(l.pos)
		out[i] = LinkRef{Dest: l.dest, Line: line, Col: col, Image: l.image}
	}
	return out
}

// Stylesheet returns CSS for highlighted code: the light style, and the dark
// style inside @media (prefers-color-scheme: dark); classes scoped under
// .chroma.
func (r *Renderer) Stylesheet() []byte {
	return bytes.Clone(r.hl.css)
}

// panicError turns a panic in goldmark, chroma or this package, recovered by
// Render or RenderFragment, into an error, so one malformed document cannot
// stop a build of thousands.
func panicError(p any) error {
	return fmt.Errorf("markdown: internal error: %v", p)
}

// renderBuf is a reusable output buffer with a bufio.Writer over it (goldmark
// would otherwise allocate a bufio.Writer per call).
type renderBuf struct {
	b bytes.Buffer
	w *bufio.Writer
}

const maxPooledBuf = 1 << 20

func (r *Renderer) getBuf() *renderBuf {
	if rb, ok := r.bufs.Get().(*renderBuf); ok {
		return rb
	}
	rb := &renderBuf{}
	rb.w = bufio.NewWriterSize(&rb.b, 8<<10)
	return rb
}

func (r *Renderer) putBuf(rb *renderBuf) {
	if rb.b.Cap() > maxPooledBuf {
		return
	}
	r.bufs.Put(rb)
}

// renderNode renders n and returns a copy of the output.
func (r *Renderer) renderNode(rb *renderBuf, src []byte, n ast.Node) (string, error) {
	rb.b.Reset()
	rb.w.Reset(&rb.b)
	if err := r.md.Renderer().Render(rb.w, src, n); err != nil {
		return "", err
	}
	return rb.b.String(), nil
}

// renderNodes renders detached block nodes by moving them into a temporary
// document.
func (r *Renderer) renderNodes(rb *renderBuf, src []byte, nodes []ast.Node) (string, error) {
	tmp := ast.NewDocument()
	for _, n := range nodes {
		tmp.AppendChild(tmp, n)
	}
	return r.renderNode(rb, src, tmp)
}

// collectHeadings lists the headings under root in document order.
func collectHeadings(root ast.Node, src []byte, lines *lineIndex) []Heading {
	var hs []Heading
	_ = ast.Walk(root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			line, _ := lines.position(headingOffset(n, src))
			hs = append(hs, Heading{
				Level: n.Level,
				Text:  plainText(n, src),
				ID:    string(headingIDAttr(n)),
				Line:  line,
			})
			return ast.WalkSkipChildren, nil
		case *ast.Paragraph, *ast.TextBlock, *ast.FencedCodeBlock, *ast.CodeBlock, *ast.HTMLBlock:
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	return hs
}

// headingOffset returns the byte offset where a heading starts: its first
// '#' for an ATX heading, the start of its text for a setext heading.
// goldmark's Node.Pos is not exact after tabs (">\t# x" gives the offset of
// "x", and of one past the end for an empty heading), so the offset is
// derived from the heading's text segment, which is exact, where there is one.
func headingOffset(h *ast.Heading, src []byte) int {
	if h.Lines().Len() > 0 {
		start := h.Lines().At(0).Start
		if p, ok := hashRunBefore(src, start); ok {
			return p
		}
		return start // setext heading
	}
	p := min(h.Pos(), len(src))
	if p < 0 {
		return -1
	}
	if p < len(src) && src[p] == '#' {
		return p
	}
	if q, ok := hashRunBefore(src, p); ok {
		return q
	}
	return p
}

// hashRunBefore skips back from end over blanks and then over a run of '#';
// it returns the offset of the run's first '#', if there is a run.
func hashRunBefore(src []byte, end int) (int, bool) {
	i := min(end, len(src))
	for i > 0 && (src[i-1] == ' ' || src[i-1] == '\t') {
		i--
	}
	j := i
	for j > 0 && src[j-1] == '#' {
		j--
	}
	return j, j < i
}

// lineIndex converts byte offsets in src to 1-based line and column
// (column in characters). Line starts are computed on first use. Render and
// RenderFragment index src after loneCRToLF, so every line a Result names
// counts a lone CR as a line ending. Columns are counted on from the
// previous answer when it was on the same line and not after off, so that
// offsets asked for in order cost their distance, not their line's length
// each (thousands of links on one long line were quadratic).
type lineIndex struct {
	src    []byte
	starts []int

	lastLine, lastOff, lastCol int // the previous answer, lastLine 0 when none
}

func (li *lineIndex) position(off int) (line, col int) {
	if off < 0 || off > len(li.src) {
		return 0, 0
	}
	if li.starts == nil {
		li.starts = append(li.starts, 0)
		for i, c := range li.src {
			if c == '\n' {
				li.starts = append(li.starts, i+1)
			}
		}
	}
	i := sort.SearchInts(li.starts, off+1) - 1 // last start <= off
	from, col := li.starts[i], 1
	if li.lastLine == i+1 && li.lastOff <= off {
		from, col = li.lastOff, li.lastCol
	}
	col += utf8.RuneCount(li.src[from:off])
	li.lastLine, li.lastOff, li.lastCol = i+1, off, col
	return i + 1, col
}
