package markdown

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// The fence check: a line scanner that does not depend on goldmark reads
// every line of a document the way a person would, finds each line that
// reads as an internal fence ("::internal", ":::: INTERNAL notes", a
// no-break space before the colons, a fence inside raw HTML…), follows it to
// the line that reads as its end, and compares that with what the parser
// did. Every disagreement that could publish internal text is a
// FenceProblem: an opener-looking line the parser did not open a block at,
// and a parsed block that ends (with its list item or block quote) before
// the line that reads as its end. A build makes them errors in public
// builds. The scanner's regions also give the leak guard their raw text
// (FencedText), so that its output check does not depend only on the
// parser either.
//
// Lines inside a fenced code block are the one exception: a documentation
// page may show the syntax. An opener-looking line is an example, and no
// problem, when goldmark parsed it as the content of a fenced code block
// that its closing fence ends (an unclosed one swallows the rest of its
// container by mistake), and the whole region, opening line to closing
// line, lies inside that code block. Indented code is no exception: a block
// indented four columns too far (easily done in a nested list) is indented
// code holding the whole region, and its text would be published by mistake.

// FenceProblem is a line that reads as part of an internal fence whose
// text the document, as parsed, would publish.
type FenceProblem struct {
	Line, Col int    // 1-based position in src (Col counts characters)
	Hint      string // how to fix it

	format string // what is wrong, with %[n]d for refs[n-1]
	refs   []int  // lines of src the message names
}

// Message says what is wrong. The lines it names are mapped by line (from
// lines of src to lines of the file src was taken from, say); nil keeps
// them.
func (p FenceProblem) Message(line func(int) int) string {
	args := make([]any, len(p.refs))
	for i, r := range p.refs {
		if line != nil {
			r = line(r)
		}
		args[i] = r
	}
	return fmt.Sprintf(p.format, args...)
}

// FencedText is the raw text of a region the line scanner reads as inside
// internal fences (examples in code blocks left out), for the leak guard:
// whatever the parser made of it, a public build must not show it.
type FencedText struct {
	Line int    // line of the opener-looking line
	Text string // the region's lines, leading markers removed, one per line
}

// fenceCheckKey holds, in the parser.Context, the *fenceCheck of a document
// whose scan found opener-looking lines; the fenced code parser and the
// internal transformer fill it in.
var fenceCheckKey = parser.NewContextKey()

// fenceCheck is what the fence check needs from goldmark's parse.
type fenceCheck struct {
	closed map[ast.Node]bool // fenced code blocks closed by a closing fence
	blocks []ast.Node        // code and HTML blocks, in document order
}

// fencedCodeParser is goldmark's fenced code block parser, noting which
// blocks a closing fence ends (an unclosed one runs to the end of its
// container, and what it swallows is no example).
type fencedCodeParser struct{ parser.BlockParser }

func (p fencedCodeParser) Continue(n ast.Node, r text.Reader, pc parser.Context) parser.State {
	st := p.BlockParser.Continue(n, r, pc)
	if st == parser.Close {
		if fc, ok := pc.Get(fenceCheckKey).(*fenceCheck); ok {
			fc.closed[n] = true
		}
	}
	return st
}

// prioFencedCode puts fencedCodeParser just before goldmark's own (700),
// which then never opens a block.
const prioFencedCode = 699

// scanLine is an opener-looking line found by the scanner.
type scanLine struct {
	line, col int // 1-based; col of the first colon, in characters
	region    int // index in fenceScan.regions of its region; -1 when it opens none (inside a code fence of another region, or fewer than three colons inside one)
	outer     int // index of the outermost region holding it; -1 when it is outermost
	why       string
	hint      string
	parserOK  bool // written by the rule (if the parser did not open it, something around it stopped it)
}

// scanRegion is an opener-looking line and the lines up to the line that
// reads as its end.
type scanRegion struct {
	line   int
	end    int  // line of the closer-looking line, or the last line
	closed bool // ended by a closer-looking line
	outer  bool // not inside another region
}

type fenceScan struct {
	src     []byte
	starts  []int // offset of every line's start
	openers []scanLine
	regions []scanRegion
	closers []scanLine // closer-looking lines outside every region that close nothing, after some region
}

// lineBytes returns line n (1-based) without its line ending.
func (s *fenceScan) lineBytes(n int) []byte {
	start := s.starts[n-1]
	end := len(s.src)
	if n < len(s.starts) {
		end = s.starts[n]
	}
	return bytes.TrimRight(s.src[start:end], "\r\n")
}

// scanFences reads src line by line. It returns nil when no line reads as
// an internal fence opener.
func scanFences(src []byte) *fenceScan {
	if !bytes.Contains(src, []byte("::")) {
		return nil
	}
	s := &fenceScan{src: src}
	for i := 0; i < len(src); {
		s.starts = append(s.starts, i)
		j := bytes.IndexByte(src[i:], '\n')
		if j < 0 {
			break
		}
		i += j + 1
	}
	if len(s.starts) == 0 {
		return nil
	}
	var (
		stack     []scanEntry
		fenceChar byte
		fenceLen  int
		others    int // "::: name" containers open outside every region
	)
	for n := 1; n <= len(s.starts); n++ {
		line := s.lineBytes(n)
		lead := stripLead(line)
		rest := line[lead.off:]
		op, looks := readOpener(line, lead)
		record := func(region int) {
			s.openers = append(s.openers, scanLine{line: n, col: op.col, region: region, outer: outerOf(stack), why: op.why, hint: op.hint, parserOK: op.ok})
		}
		push := func() {
			record(len(s.regions))
			stack = append(stack, scanEntry{len(s.regions)})
			s.regions = append(s.regions, scanRegion{line: n, outer: len(stack) == 1})
		}
		switch {
		case len(stack) == 0:
			// Outside every region: openers, and closers that close
			// nothing once some region was seen.
			switch {
			case looks:
				push()
			case looksCloser(rest) && others > 0:
				others--
			case looksCloser(rest):
				if len(s.regions) > 0 {
					s.closers = append(s.closers, scanLine{line: n, col: utf8.RuneCount(line[:lead.off]) + 1})
				}
			case isContainerOpener(rest):
				others++
			}
		case fenceChar != 0:
			// Inside a code fence within a region, as the parser does.
			if looks {
				record(-1)
			}
			if closesFence(rest, fenceChar, fenceLen) {
				fenceChar, fenceLen = 0, 0
			}
		case looksCloser(rest):
			top := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if top.region >= 0 {
				s.regions[top.region].end, s.regions[top.region].closed = n, true
			}
		case isContainerOpener(rest):
			// Nested containers pair with closers as in the parser: three
			// colons or more.
			if looks {
				push()
			} else {
				stack = append(stack, scanEntry{-1})
			}
		case looks:
			record(-1) // "::internal" inside a region: no container for the parser either
		default:
			fenceChar, fenceLen = opensFence(rest)
		}
	}
	if len(s.openers) == 0 {
		return nil
	}
	for i := range s.regions {
		if !s.regions[i].closed {
			s.regions[i].end = len(s.starts)
		}
	}
	return s
}

// scanEntry is an open container of the scan: a region, or (-1) another
// "::: name" container.
type scanEntry struct{ region int }

// outerOf returns the outermost region on the stack, or -1.
func outerOf(stack []scanEntry) int {
	if len(stack) == 0 {
		return -1
	}
	return stack[0].region
}

// leadInfo describes what stripLead removed from the start of a line.
type leadInfo struct {
	off    int  // offset of the first byte after the markers
	odd    bool // a space other than ASCII space and tab, or an invisible format character
	tag    bool // an HTML tag
	indent int  // columns of white space right before off (tabs to the next multiple of 4)
}

// stripLead skips what may stand before a fence on a line: white space
// (any Unicode space), invisible characters (zero-width space, BOM, control
// characters…), blockquote markers, list markers and HTML tags.
func stripLead(l []byte) leadInfo {
	var li leadInfo
	col := 0
	for i := 0; i < len(l); {
		c := l[i]
		switch {
		case c == ' ':
			i++
			col++
			li.indent++
			continue
		case c == '\t':
			i++
			w := 4 - col%4
			col += w
			li.indent += w
			continue
		case c == '>':
			i++
		case c == '-' || c == '*' || c == '+':
			if i+1 < len(l) && l[i+1] == c { // "--", "**": not a marker
				li.off = i
				return li
			}
			i++
		case c >= '0' && c <= '9':
			j := i
			for j < len(l) && j-i < 9 && l[j] >= '0' && l[j] <= '9' {
				j++
			}
			if j == len(l) || (l[j] != '.' && l[j] != ')') {
				li.off = i
				return li
			}
			i = j + 1
		case c == '<' && bytes.HasPrefix(l[i:], []byte("<!--")):
			i += 4 // what follows is inside a comment, but may read as a fence
			li.tag = true
		case c == '<':
			j := htmlTagEnd(l, i)
			if j < 0 {
				li.off = i
				return li
			}
			i = j
			li.tag = true
		case c < 0x20 || c == 0x7f: // form feed, vertical tab and other controls: invisible
			i++
			li.odd = true
			col++
			li.indent++
			continue
		case c < utf8.RuneSelf:
			li.off = i
			return li
		default:
			r, size := utf8.DecodeRune(l[i:])
			if !unicode.IsSpace(r) && !invisible(r) {
				li.off = i
				return li
			}
			i += size
			li.odd = true
			col++
			li.indent++
			continue
		}
		col++
		li.indent = 0
	}
	li.off = len(l)
	return li
}

// htmlTagEnd returns the offset after an HTML tag or comment opening at
// l[i] ('<'), or -1.
func htmlTagEnd(l []byte, i int) int {
	if i+1 >= len(l) {
		return -1
	}
	c := l[i+1]
	if !(c == '/' || c == '!' || c == '?' || (c|0x20 >= 'a' && c|0x20 <= 'z')) {
		return -1
	}
	j := bytes.IndexByte(l[i:], '>')
	if j < 0 {
		return -1
	}
	return i + j + 1
}

// trimLeadSpace removes leading white space of any kind.
func trimLeadSpace(l []byte) []byte {
	return bytes.TrimLeftFunc(l, func(r rune) bool { return unicode.IsSpace(r) || invisible(r) })
}

// invisible reports whether r is a format or control character (zero-width
// space, BOM, form feed…).
func invisible(r rune) bool { return unicode.In(r, unicode.Cf, unicode.Cc) }

// looksCloser reports whether rest (markers removed) reads as a closing
// fence: three or more colons and nothing else visible.
func looksCloser(rest []byte) bool {
	n := colonRun(rest)
	return n >= 3 && len(trimLeadSpace(rest[n:])) == 0
}

// opener is what readOpener makes of an opener-looking line.
type opener struct {
	col  int    // 1-based column of the first colon, in characters
	ok   bool   // the line follows the rule (the parser opens a block at it where nothing else stops it)
	why  string // when !ok: what is wrong with the line itself
	hint string
}

// readOpener reports whether a line reads as an internal fence opener: after
// the leading markers, two or more colons, then any white space, invisible
// characters, "{" or "." (as in "::: {.internal}"), then a word starting
// with "internal" (any case).
func readOpener(line []byte, lead leadInfo) (opener, bool) {
	rest := line[lead.off:]
	n := colonRun(rest)
	if n < 2 {
		return opener{}, false
	}
	i := n
	sep := true // only Unicode spaces between the colons and the word
skip:
	for i < len(rest) {
		r, size := utf8.DecodeRune(rest[i:])
		switch {
		case unicode.IsSpace(r):
		case invisible(r) || r == '{' || r == '.':
			sep = false
		default:
			break skip
		}
		i += size
	}
	const w = "internal"
	if len(rest)-i < len(w) || !bytes.EqualFold(rest[i:i+len(w)], []byte(w)) {
		return opener{}, false
	}
	op := opener{col: utf8.RuneCount(line[:lead.off]) + 1}
	after := rest[i+len(w):]
	r, _ := utf8.DecodeRune(after)
	wordOK := len(after) == 0 || unicode.IsSpace(r)
	switch {
	case n < 3:
		op.why, op.hint = "it has two colons, a fence has three or more", "write the fence as `::: internal`"
	case lead.tag:
		op.why, op.hint = "an HTML tag stands before it on the line", "put the fence on a line of its own, after a blank line"
	case lead.odd:
		op.why, op.hint = "an invisible character or a space other than an ordinary one stands before the colons", "start the line with the colons (at most three ordinary spaces before them)"
	case !sep:
		op.why, op.hint = "the colons and the word `internal` are separated by more than white space", "write the fence as `::: internal`"
	case !wordOK:
		op.why, op.hint = "the word after the colons is not `internal`", "write `::: internal`, and a space before any label: `::: internal notes`"
	case lead.indent > 3:
		op.why, op.hint = "it is indented by four or more columns", "indent the fence by at most three spaces (like the lines of its list item or quote); to show the syntax, use a fenced code block"
	default:
		op.ok = true
	}
	return op, true
}

// ReadsAsFence reports whether some line of src reads as an internal fence
// opener (whether or not it is one): what a build must render before it
// knows all the internal text the leak guard looks for.
func ReadsAsFence(src []byte) bool { return scanFences(loneCRToLF(src)) != nil }

// startFenceCheck scans src and, when some line reads as an internal fence
// opener, asks the parse (through pc) for what the check needs.
func startFenceCheck(src []byte, pc parser.Context) (*fenceScan, *fenceCheck) {
	scan := scanFences(src)
	if scan == nil {
		return nil, nil
	}
	fc := &fenceCheck{closed: map[ast.Node]bool{}}
	pc.Set(fenceCheckKey, fc)
	return scan, fc
}

// codeSpan is a code or HTML block goldmark parsed: its first and last
// line.
type codeSpan struct {
	first, last int
	html        bool
	fenced      bool
	closed      bool // fenced code closed by its closing fence
}

// check compares the scan with the parsed blocks and code and HTML blocks
// and returns the problems and the raw text of the regions.
func (s *fenceScan) check(blocks []InternalBlock, fc *fenceCheck, lines *lineIndex) ([]FenceProblem, []FencedText) {
	if s == nil {
		return nil, nil
	}
	var spans []codeSpan
	if fc != nil {
		for _, n := range fc.blocks {
			sp, ok := spanOf(n, fc, lines)
			if ok {
				spans = append(spans, sp)
			}
		}
	}
	// Code and HTML blocks do not overlap: sorted by first line, the one
	// holding a line is the last starting at or before it.
	sort.SliceStable(spans, func(i, j int) bool { return spans[i].first < spans[j].first })
	spanAt := func(line int) (codeSpan, bool) {
		i := sort.Search(len(spans), func(i int) bool { return spans[i].first > line }) - 1
		if i >= 0 && spans[i].last >= line {
			return spans[i], true
		}
		return codeSpan{}, false
	}
	// The outermost parsed blocks, which do not overlap, by opening line.
	sorted := append([]InternalBlock(nil), blocks...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Line < sorted[j].Line })
	coveredBy := func(line int) (InternalBlock, bool) {
		i := sort.Search(len(sorted), func(i int) bool { return sorted[i].Line > line }) - 1
		if i >= 0 && sorted[i].EndLine >= line {
			return sorted[i], true
		}
		return InternalBlock{}, false
	}
	example := func(o scanLine) bool {
		sp, ok := spanAt(o.line)
		if !ok || !sp.fenced || !sp.closed {
			return false
		}
		ri := o.outer
		if ri < 0 {
			ri = o.region
		}
		r := s.regions[ri]
		return r.closed && r.line >= sp.first && r.end <= sp.last
	}

	var probs []FenceProblem
	exampleRegion := map[int]bool{}
	for _, o := range s.openers {
		if b, ok := coveredBy(o.line); ok {
			if b.Line == o.line && o.region >= 0 {
				if p, bad := s.endsEarly(b, s.regions[o.region]); bad {
					probs = append(probs, p)
				}
			}
			continue
		}
		if example(o) {
			if o.outer < 0 {
				exampleRegion[o.region] = true
			}
			continue
		}
		probs = append(probs, s.stray(o, spanAt))
	}

	for _, c := range s.closers {
		if _, ok := coveredBy(c.line); ok {
			continue // the scan ended a region earlier than the parser
		}
		if sp, ok := spanAt(c.line); ok && !sp.html {
			continue // shown as code
		}
		probs = append(probs, s.strayCloser(c, sorted))
	}

	var texts []FencedText
	for i, r := range s.regions {
		if !r.outer || exampleRegion[i] {
			continue
		}
		var b bytes.Buffer
		for n := r.line + 1; n <= r.end; n++ {
			if r.closed && n == r.end {
				break
			}
			l := s.lineBytes(n)
			b.Write(bytes.TrimRightFunc(l[stripLead(l).off:], unicode.IsSpace))
			b.WriteByte('\n')
		}
		texts = append(texts, FencedText{Line: r.line, Text: b.String()})
	}
	sort.SliceStable(probs, func(i, j int) bool { return probs[i].Line < probs[j].Line })
	return probs, texts
}

// spanOf returns the lines of a code or HTML block.
func spanOf(n ast.Node, fc *fenceCheck, lines *lineIndex) (codeSpan, bool) {
	segs := n.Lines()
	if segs.Len() == 0 {
		return codeSpan{}, false
	}
	var sp codeSpan
	sp.first, _ = lines.position(segs.At(0).Start)
	sp.last, _ = lines.position(segs.At(segs.Len() - 1).Start)
	switch n := n.(type) {
	case *ast.FencedCodeBlock:
		sp.fenced, sp.closed = true, fc.closed[n]
	case *ast.HTMLBlock:
		sp.html = true
		if n.HasClosure() {
			sp.last, _ = lines.position(n.ClosureLine.Start)
		}
	}
	return sp, sp.first > 0
}

// stray is the problem of an opener-looking line the parser did not open a
// block at.
func (s *fenceScan) stray(o scanLine, spanAt func(int) (codeSpan, bool)) FenceProblem {
	p := FenceProblem{Line: o.line, Col: o.col}
	const published = "the lines after it are published"
	sp, inSpan := spanAt(o.line)
	switch {
	case !o.parserOK: // the line itself first
		p.format = "line reads as a `::: internal` fence but is not one (" + escapePct(o.why) + "): " + published
		p.Hint = o.hint
	case inSpan && sp.html:
		p.format, p.refs = "`::: internal` inside raw HTML (the HTML block from line %[1]d) is not a fence: "+published, []int{sp.first}
		p.Hint = "put a blank line between the HTML and the fence (and after the closing `:::`)"
	case inSpan && sp.fenced && !sp.closed:
		p.format, p.refs = "`::: internal` inside a code block that is never closed (from line %[1]d) is not a fence: "+published+" as code", []int{sp.first - 1}
		p.Hint = "close the code block before the fence"
	case inSpan:
		p.format, p.refs = "`::: internal` inside a code block (from line %[1]d) is not a fence, and the code block does not hold the whole example: "+published, []int{sp.first}
		p.Hint = "move the fence out of the code block, or show the whole example, closing `:::` included, inside a fenced code block"
	default:
		p.format = "line reads as a `::: internal` fence but the markdown around it keeps it from being one: " + published
		p.Hint = "write the fence as `::: internal` on a line of its own, after a blank line"
	}
	return p
}

// strayCloser is the problem of a closer-looking line, after an internal
// fence, that closes nothing: the block before it ended earlier than it
// reads, or its opening line was no fence.
func (s *fenceScan) strayCloser(c scanLine, blocks []InternalBlock) FenceProblem {
	p := FenceProblem{Line: c.line, Col: c.col,
		format: "`:::` closes nothing here, though an internal fence comes before it: if the lines above it were meant to be internal, they are published",
		Hint:   "remove the extra `:::`, or close the block here and not above (a `:::` line inside the block ends it, even within HTML)",
	}
	for i := len(blocks) - 1; i >= 0; i-- {
		if b := blocks[i]; b.EndLine < c.line {
			p.format = "`:::` closes nothing here: the `::: internal` block from line %[1]d ended at line %[2]d, so if the lines between were meant to be internal, they are published"
			p.refs = []int{b.Line, b.EndLine}
			break
		}
	}
	return p
}

// escapePct escapes the percent signs of s for use in a format.
func escapePct(s string) string { return strings.ReplaceAll(s, "%", "%%") }

// endsEarly reports a parsed block that ends (with its list item or block
// quote, or at a lazy line) before the line the scanner reads as its end:
// the lines between are published.
func (s *fenceScan) endsEarly(b InternalBlock, r scanRegion) (FenceProblem, bool) {
	for n := b.EndLine + 1; n <= r.end && n <= len(s.starts); n++ {
		l := s.lineBytes(n)
		lead := stripLead(l)
		if len(trimLeadSpace(l[lead.off:])) == 0 {
			continue
		}
		p := FenceProblem{
			Line: n, Col: utf8.RuneCount(l[:lead.off]) + 1,
			format: "line is published, though it reads as part of the `::: internal` block from line %[1]d (which reads on to the end of the document): " +
				"the block ended at line %[2]d with its list item or block quote",
			refs: []int{b.Line, b.EndLine},
			Hint: "indent every line of the block like its opening line (and start each with `>` in a quote), and close it there with `:::`",
		}
		if r.closed {
			p.format = strings.Replace(p.format, "to the end of the document", "to the `:::` at line %[3]d", 1)
			p.refs = append(p.refs, r.end)
		}
		return p, true
	}
	return FenceProblem{}, false
}
