// This file adapts goldmark's parser/link.go (v1.8.7):
//
// Copyright (c) 2019 Yusuke Inuzuka. MIT License: permission is hereby
// granted, free of charge, to any person obtaining a copy of this software
// and associated documentation files (the "Software"), to deal in the
// Software without restriction, including without limitation the rights to
// use, copy, modify, merge, publish, distribute, sublicense, and/or sell
// copies of the Software, and to permit persons to whom the Software is
// furnished to do so, subject to the following conditions: The above
// copyright notice and this permission notice shall be included in all
// copies or substantial portions of the Software. THE SOFTWARE IS PROVIDED
// "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED.

package markdown

import (
	"fmt"
	"math"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// linkParser is goldmark's link and image parser with the same results
// (TestParserAsGoldmark compares them) and none of its superlinear
// paths, each of which let a few hundred kilobytes stall a build:
//
//   - An inline link's destination was scanned to the end of the line
//     for every "](" that turned out not to be a link: a line of "[x]("
//     repeated took time with the square of its length. destScanner
//     answers each scan from tables built once per line, and the outcome
//     of what follows a destination (title, closing parenthesis) is
//     remembered by position, as many failed links can end their
//     destination at the same place.
//   - Whether a link text holds a link was found by walking every node
//     after its "[", for every "]": counting the links made since each
//     "[" opened answers it at once.
//   - A label, title or reference was copied out of the block by
//     text.BlockReader.Value, which looks for the line to start from at
//     the block's last line: for every link of a paragraph of many lines.
//     valuer starts at the current line, and a label longer than
//     goldmark's 999 bytes is refused before it is copied.
//
// It also leaves out goldmark's calls to parser.ProcessDelimiters: emphasis
// is paired by delimiterParser when the block closes.
type linkParser struct{}

// linkStateKey holds, in the parser.Context, the *linkState of the block
// being parsed.
var linkStateKey = parser.NewContextKey()

// linkState is the link parser's state within one block.
type linkState struct {
	open   []*labelState // "[" and "![" not yet closed, innermost last
	links  int           // links made in the block so far
	dest   destScanner
	failAt map[int]bool // source offsets after a destination from which the link failed
}

func linkStateOf(pc parser.Context) *linkState {
	st, _ := pc.Get(linkStateKey).(*linkState)
	if st == nil {
		st = &linkState{}
		pc.Set(linkStateKey, st)
	}
	return st
}

// labelState is an open "[" or "![" in the AST (goldmark's linkLabelState).
type labelState struct {
	ast.BaseInline
	Segment text.Segment
	IsImage bool
	links   int // linkState.links when it opened
}

var kindLabelState = ast.NewNodeKind("LinkLabelState")

func (s *labelState) Kind() ast.NodeKind { return kindLabelState }

func (s *labelState) Text(source []byte) []byte { return s.Segment.Value(source) }

func (s *labelState) Dump(source []byte, level int) {
	fmt.Printf("%slinkLabelState: \"%s\"\n", strings.Repeat("    ", level), s.Text(source))
}

func (*linkParser) Trigger() []byte { return []byte{'!', '[', ']'} }

func (p *linkParser) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	st := linkStateOf(pc)
	line, segment := block.PeekLine()
	if line[0] == '!' {
		if len(line) > 1 && line[1] == '[' {
			block.Advance(1)
			return st.openLabel(block, segment.Start+1, true)
		}
		return nil
	}
	if line[0] == '[' {
		return st.openLabel(block, segment.Start, false)
	}

	// line[0] == ']'
	if len(st.open) == 0 {
		return nil
	}
	block.Advance(1)
	last := st.open[len(st.open)-1]
	st.open = st.open[:len(st.open)-1]
	// goldmark's reading of CommonMark's "a link label can have at most
	// 999 characters inside the square brackets": the labels still open
	// may not span more.
	if n := len(st.open); n > 0 && st.open[n-1].Segment.Stop-st.open[0].Segment.Start > 998 {
		ast.MergeOrReplaceTextSegment(last.Parent(), last, last.Segment)
		return nil
	}
	if !last.IsImage && st.links > last.links { // a link in a link text is not allowed
		ast.MergeOrReplaceTextSegment(last.Parent(), last, last.Segment)
		return nil
	}

	c := block.Peek()
	l, pos := block.Position()
	var link *ast.Link
	var hasValue bool
	switch c {
	case '(':
		link = p.parseLink(parent, last, block, st)
	case '[':
		link, hasValue = p.parseReferenceLink(parent, last, block, pc)
		if link == nil && hasValue {
			ast.MergeOrReplaceTextSegment(last.Parent(), last, last.Segment)
			return nil
		}
	}

	if link == nil {
		// maybe shortcut reference link
		block.SetPosition(l, pos)
		v := newValuer(block, parent)
		maybeReference, ok := v.value(text.NewSegment(last.Segment.Stop, segment.Start), 999)
		if !ok {
			ast.MergeOrReplaceTextSegment(last.Parent(), last, last.Segment)
			return nil
		}
		ref, ok := pc.Reference(util.ToLinkReference(maybeReference))
		if !ok {
			ast.MergeOrReplaceTextSegment(last.Parent(), last, last.Segment)
			return nil
		}
		link = ast.NewLink()
		processLinkLabel(parent, link, last)
		link.Title = ref.Title()
		link.Destination = ref.Destination()
		link.Reference = ast.NewReferenceLink(ast.ReferenceLinkShortcut, maybeReference)
	}
	var n ast.Node
	last.Parent().RemoveChild(last.Parent(), last)
	if last.IsImage {
		n = ast.NewImage(link)
	} else {
		n = link
		st.links++
	}
	n.SetPos(last.Segment.Start)
	return n
}

func (st *linkState) openLabel(block text.Reader, pos int, isImage bool) *labelState {
	start := pos
	if isImage {
		start--
	}
	s := &labelState{Segment: text.NewSegment(start, pos+1), IsImage: isImage, links: st.links}
	st.open = append(st.open, s)
	block.Advance(1)
	return s
}

// processLinkLabel moves the link text, everything after the label's "[",
// into the link.
func processLinkLabel(parent ast.Node, link *ast.Link, last *labelState) {
	for c := last.NextSibling(); c != nil; {
		next := c.NextSibling()
		parent.RemoveChild(parent, c)
		link.AppendChild(link, c)
		c = next
	}
}

var linkFindClosureOptions = text.FindClosureOptions{
	Nesting: false,
	Newline: true,
	Advance: true,
}

func (p *linkParser) parseReferenceLink(parent ast.Node, last *labelState, block text.Reader, pc parser.Context) (*ast.Link, bool) {
	_, orgpos := block.Position()
	block.Advance(1) // skip '['
	segments, found := block.FindClosure('[', ']', linkFindClosureOptions)
	if !found {
		return nil, false
	}

	var maybeReference []byte
	refType := ast.ReferenceLinkFull
	v := newValuer(block, parent)
	collapsed := text.NewSegment(last.Segment.Stop, orgpos.Start-1)
	if segments.Len() == 1 { // avoid allocating a new byte slice
		maybeReference, _ = v.value(segments.At(0), -1)
	} else {
		maybeReference = []byte{}
		for i := range segments.Len() {
			s, _ := v.value(segments.At(i), -1)
			maybeReference = append(maybeReference, s...)
		}
	}
	if util.IsBlank(maybeReference) { // collapsed reference link
		var ok bool
		if maybeReference, ok = v.value(collapsed, 999); !ok {
			return nil, true
		}
		refType = ast.ReferenceLinkCollapsed
	}
	// CommonMark spec says:
	//  > A link label can have at most 999 characters inside the square brackets.
	if len(maybeReference) > 999 {
		return nil, true
	}

	ref, ok := pc.Reference(util.ToLinkReference(maybeReference))
	if !ok {
		return nil, true
	}

	link := ast.NewLink()
	processLinkLabel(parent, link, last)
	link.Title = ref.Title()
	link.Destination = ref.Destination()
	link.Reference = ast.NewReferenceLink(refType, maybeReference)
	return link, true
}

func (p *linkParser) parseLink(parent ast.Node, last *labelState, block text.Reader, st *linkState) *ast.Link {
	block.Advance(1) // skip '('
	block.SkipSpaces()
	var title []byte
	var destination []byte
	if block.Peek() == ')' { // empty link like '[link]()'
		block.Advance(1)
	} else {
		dest, n, ok := st.dest.destination(block)
		if !ok {
			return nil
		}
		// What follows depends only on where the destination ends, and
		// many failed links can end theirs at the same place. That is
		// checked before advancing to it: text.BlockReader advances to
		// the end of a line a byte at a time.
		_, pos := block.Position()
		after := -1
		if pos.Padding == 0 {
			after = pos.Start + n
		}
		if after >= 0 && st.failAt[after] {
			return nil
		}
		block.Advance(n)
		if title, ok = linkTail(block, parent); !ok {
			if after >= 0 {
				if st.failAt == nil {
					st.failAt = map[int]bool{}
				}
				st.failAt[after] = true
			}
			return nil
		}
		destination = dest
	}

	link := ast.NewLink()
	processLinkLabel(parent, link, last)
	link.Destination = destination
	link.Title = title
	return link
}

// linkTail reads what follows an inline link's destination: the closing
// parenthesis, or a title and then the parenthesis.
func linkTail(block text.Reader, parent ast.Node) ([]byte, bool) {
	block.SkipSpaces()
	if block.Peek() == ')' {
		block.Advance(1)
		return nil, true
	}
	title, ok := parseLinkTitle(block, parent)
	if !ok {
		return nil, false
	}
	block.SkipSpaces()
	if block.Peek() == ')' {
		block.Advance(1)
		return title, true
	}
	return nil, false
}

func parseLinkTitle(block text.Reader, parent ast.Node) ([]byte, bool) {
	block.SkipSpaces()
	opener := block.Peek()
	if opener != '"' && opener != '\'' && opener != '(' {
		return nil, false
	}
	closer := opener
	if opener == '(' {
		closer = ')'
	}
	block.Advance(1)
	segments, found := block.FindClosure(opener, closer, linkFindClosureOptions)
	if !found {
		return nil, false
	}
	v := newValuer(block, parent)
	if segments.Len() == 1 {
		title, _ := v.value(segments.At(0), -1)
		return title, true
	}
	var title []byte
	for i := range segments.Len() {
		s, _ := v.value(segments.At(i), -1)
		title = append(title, s...)
	}
	return title, true
}

// valuer is text.BlockReader's Value(seg) for the block being parsed (its
// lines are parent.Lines()), looking for seg's first line from where the
// last value was found, starting at the reader's line, instead of from the
// block's last line every time: values asked for in document order, and
// at or before the reader's position, then cost their length. With limit
// >= 0, value returns false, having copied nothing, when the value would
// be longer than limit bytes.
type valuer struct {
	lines *text.Segments
	src   []byte
	line  int
}

func newValuer(block text.Reader, parent ast.Node) valuer {
	line, _ := block.Position()
	return valuer{lines: parent.Lines(), src: block.Source(), line: line}
}

func (v *valuer) value(seg text.Segment, limit int) ([]byte, bool) {
	n := v.lines.Len()
	if n == 0 {
		return nil, limit < 0
	}
	line := max(min(v.line, n-1), 0)
	for line+1 < n && v.lines.At(line+1).Start <= seg.Start {
		line++
	}
	// Every line of a block has at least one byte, so a value of at most
	// limit bytes starts at most limit+1 lines back.
	for back := 0; line > 0 && seg.Start < v.lines.At(line).Start; back++ {
		if limit >= 0 && back > limit+1 {
			return nil, false
		}
		line--
	}
	v.line = line
	if limit >= 0 {
		size := 0
		for i := line; i < n; i++ {
			s := v.lines.At(i)
			lo := s.Start
			if i == line {
				lo = seg.Start
			}
			size += s.Padding + max(min(seg.Stop, s.Stop)-lo, 0)
			if size > limit {
				return nil, false
			}
			if s.Stop > seg.Stop {
				break
			}
		}
	}
	ret := make([]byte, 0, seg.Stop-seg.Start+1)
	i := seg.Start
	for l := line; l < n; l++ {
		s := v.lines.At(l)
		if i < 0 {
			i = s.Start
		}
		ret = s.ConcatPadding(ret)
		for ; i < seg.Stop && i < s.Stop; i++ {
			ret = append(ret, v.src[i])
		}
		i = -1
		if s.Stop > seg.Stop {
			break
		}
	}
	return ret, true
}

// CloseBlock turns the labels left open into text.
func (p *linkParser) CloseBlock(parent ast.Node, block text.Reader, pc parser.Context) {
	st, _ := pc.Get(linkStateKey).(*linkState)
	if st == nil {
		return
	}
	for _, s := range st.open {
		s.Parent().ReplaceChild(s.Parent(), s, ast.NewTextSegment(s.Segment))
	}
	clear(st.open)
	st.open = st.open[:0]
	st.links = 0
	clear(st.failAt)
	st.dest.stop = -1 // the next block's lines are others
}

// destScanner finds where goldmark's parseLinkDestination would stop on a
// line, from tables built once per line: a destination without "<" runs to
// the first space, or the first ")" that closes more parentheses than it
// opened, or the end of the line; one in "<" to the first ">". Backslash
// escapes count as in goldmark. The tables take 12 bytes per byte of the
// line (16 while they are built), which only a line full of "](" needs.
type destScanner struct {
	base, stop int // the tables cover source offsets base..stop (one line)

	depth []int32 // depth[i]: parentheses open before base+i; noToken for the escaped half of "\x"
	end   []int32 // end[i]: where a destination starting at base+i stops, relative to base+i
	gt    []int32 // gt[i]: first unescaped ">" at or after base+i, relative to base, or -1
	at    []int32 // at[d-minDepth]: nearest ")" so far (scanning back) with depth d before it
}

// noToken marks a byte a backslash escapes: no destination starts there.
const noToken = math.MinInt32

// destination is goldmark's parseLinkDestination, but for advancing the
// reader: it returns the destination and the number of bytes to advance
// past it.
func (d *destScanner) destination(block text.Reader) ([]byte, int, bool) {
	block.SkipSpaces()
	line, seg := block.PeekLine()
	if line == nil {
		return nil, 0, false
	}
	if seg.Padding != 0 || !d.covers(block.Source(), seg) {
		return scanDestination(line)
	}
	i := seg.Start - d.base
	if line[0] == '<' {
		if d.depth[i+1] == noToken {
			return scanDestination(line)
		}
		j := d.gt[i+1]
		if j < 0 {
			return nil, 0, false
		}
		n := int(j) - i
		return line[1:n], n + 1, true
	}
	n := int(d.end[i])
	return line[:n], n, n != 0
}

// covers reports whether the tables answer for a destination at seg,
// building them for seg's line if they do not.
func (d *destScanner) covers(src []byte, seg text.Segment) bool {
	if seg.Stop != d.stop || seg.Start < d.base {
		d.build(src, seg.Start, seg.Stop)
	}
	return d.depth[seg.Start-d.base] != noToken
}

func (d *destScanner) build(src []byte, base, stop int) {
	line := src[base:stop]
	n := len(line)
	d.base, d.stop = base, stop
	d.depth = grow(d.depth, n+1)
	d.end = grow(d.end, n+1)
	d.gt = grow(d.gt, n+1)
	var depth, lo, hi int32
	for i := 0; i < n; {
		d.depth[i] = depth
		c := line[i]
		switch {
		case c == '\\' && i < n-1 && util.IsPunct(line[i+1]):
			d.depth[i+1] = noToken
			i += 2
			continue
		case c == '(':
			depth++
			hi = max(hi, depth)
		case c == ')':
			depth--
			lo = min(lo, depth)
		}
		i++
	}
	d.depth[n] = depth
	d.at = grow(d.at, int(hi-lo)+1)
	for i := range d.at {
		d.at[i] = -1
	}
	space, gt := int32(n), int32(-1)
	d.end[n], d.gt[n] = 0, -1
	for i := n - 1; i >= 0; i-- {
		di := d.depth[i]
		if di == noToken {
			d.end[i], d.gt[i] = 0, gt
			continue
		}
		c := line[i]
		switch {
		case c == '\\' && i < n-1 && util.IsPunct(line[i+1]):
		case util.IsSpace(c):
			space = int32(i)
		case c == ')':
			d.at[di-lo] = int32(i)
		case c == '>':
			gt = int32(i)
		}
		stopAt := space
		if p := d.at[di-lo]; p >= 0 && p < stopAt {
			stopAt = p
		}
		d.end[i] = stopAt - int32(i)
		d.gt[i] = gt
	}
}

func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// scanDestination is goldmark's parseLinkDestination after SkipSpaces, for
// where destScanner's tables do not answer; it returns what
// destScanner.destination does.
func scanDestination(line []byte) ([]byte, int, bool) {
	if line[0] == '<' {
		i := 1
		for i < len(line) {
			c := line[i]
			if c == '\\' && i < len(line)-1 && util.IsPunct(line[i+1]) {
				i += 2
				continue
			} else if c == '>' {
				return line[1:i], i + 1, true
			}
			i++
		}
		return nil, 0, false
	}
	opened := 0
	i := 0
	for i < len(line) {
		c := line[i]
		if c == '\\' && i < len(line)-1 && util.IsPunct(line[i+1]) {
			i += 2
			continue
		} else if c == '(' {
			opened++
		} else if c == ')' {
			opened--
			if opened < 0 {
				break
			}
		} else if util.IsSpace(c) {
			break
		}
		i++
	}
	return line[:i], i, i != 0
}
