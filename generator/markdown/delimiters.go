package markdown

import (
	"github.com/yuin/goldmark/ast"
	extast "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// Emphasis (* and _) and strikethrough (~) in linear time.
//
// goldmark pairs these delimiters in parser.ProcessDelimiters by searching
// back from every closer through every earlier delimiter of the block, and
// lacks the bound ("openers_bottom") with which CommonMark's reference
// implementations keep that search linear: a paragraph of "*a_" repeated
// makes each "_" walk back over every "*" before it, so 64 KB took two
// seconds and 4 MB over an hour (goldmark issue 555).
//
// delimiterParser scans delimiters exactly as goldmark's emphasis and
// strikethrough parsers do, but keeps them in a list of its own instead of
// goldmark's (which then stays empty, so ProcessDelimiters has nothing to
// do), and pairs them when the block closes (matchDelimiters): with
// goldmark's rules and results, and the reference implementations' bound.
// TestParserAsGoldmark compares the output with goldmark's own.
type delimiterParser struct{}

// prioDelimiters puts delimiterParser before goldmark's link parser (200):
// the only other inline parser its triggers share is linkify (999), and its
// CloseBlock must run before the link parser's, as goldmark's
// ProcessDelimiters does.
const prioDelimiters = 199

// delimKey holds, in the parser.Context, the *delimList of the block being
// parsed.
var delimKey = parser.NewContextKey()

type delimList struct{ ds []*parser.Delimiter }

func (delimiterParser) Trigger() []byte { return []byte{'*', '_', '~'} }

// Parse is goldmark's emphasisParser.Parse, or for '~' its
// strikethroughParser.Parse, with the delimiter kept in delimList.
func (delimiterParser) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	before := block.PrecendingCharacter()
	line, segment := block.PeekLine()
	var d *parser.Delimiter
	if line[0] == '~' {
		d = parser.ScanDelimiter(line, before, 1, strikeDelims{})
		if d == nil || d.OriginalLength > 2 || before == '~' {
			return nil
		}
	} else if d = parser.ScanDelimiter(line, before, 1, emphasisDelims{}); d == nil {
		return nil
	}
	d.Segment = segment.WithStop(segment.Start + d.OriginalLength)
	block.Advance(d.OriginalLength)
	l, _ := pc.Get(delimKey).(*delimList)
	if l == nil {
		l = &delimList{}
		pc.Set(delimKey, l)
	}
	l.ds = append(l.ds, d)
	return d
}

// CloseBlock pairs the delimiters of the block, separately for each node
// that holds some: those inside a link's text were moved into the link
// with its text, and pair only among themselves, as goldmark pairs them
// when the link closes.
func (delimiterParser) CloseBlock(parent ast.Node, block text.Reader, pc parser.Context) {
	l, _ := pc.Get(delimKey).(*delimList)
	if l == nil || len(l.ds) == 0 {
		return
	}
	ds := l.ds
	defer func() {
		clear(ds)
		l.ds = ds[:0]
	}()
	first := ds[0].Parent()
	same := first != nil
	for _, d := range ds {
		same = same && d.Parent() == first
	}
	if same {
		matchDelimiters(ds)
		return
	}
	var order []ast.Node
	groups := map[ast.Node][]*parser.Delimiter{}
	for _, d := range ds {
		p := d.Parent()
		if p == nil {
			continue
		}
		if _, ok := groups[p]; !ok {
			order = append(order, p)
		}
		groups[p] = append(groups[p], d)
	}
	for _, p := range order {
		matchDelimiters(groups[p])
	}
}

// matchDelimiters is parser.ProcessDelimiters(nil, pc) over ds, delimiters
// of one parent in document order, then pc.ClearDelimiters(nil), plus the
// bound of the CommonMark reference implementations: when no opener is
// found for a closer, no delimiter before the closer can open for any later
// closer of the same kind (character, whether it can open, original length
// modulo 3: what goldmark's CanOpenCloser and CalcComsumption look at), so
// later searches for that kind stop there. Each search then passes over a
// delimiter once per kind, or removes it, and the whole is linear. The
// bound is an index, not a delimiter, so a bound whose delimiter has since
// been removed still holds (cmark issue 389).
func matchDelimiters(ds []*parser.Delimiter) {
	n := len(ds)
	if n == 0 {
		return
	}
	// prev and next link the delimiters still in the list, by index; -1 is none.
	prev := make([]int, n)
	next := make([]int, n)
	for i := range ds {
		prev[i], next[i] = i-1, i+1
	}
	next[n-1] = -1
	last := n - 1
	remove := func(i int) {
		if prev[i] >= 0 {
			next[prev[i]] = next[i]
		}
		if next[i] >= 0 {
			prev[next[i]] = prev[i]
		} else {
			last = prev[i]
		}
		prev[i], next[i] = -1, -1
		d := ds[i]
		if d.Length != 0 {
			ast.MergeOrReplaceTextSegment(d.Parent(), d, d.Segment)
		} else {
			d.Parent().RemoveChild(d.Parent(), d)
		}
	}
	var bottom [3][2][3]int // by delimKind; every opener at or below this index is known not to match
	for i := range bottom {
		for j := range bottom[i] {
			bottom[i][j] = [3]int{-1, -1, -1}
		}
	}
	closer := 0
	for closer != -1 {
		cd := ds[closer]
		if !cd.CanClose {
			closer = next[closer]
			continue
		}
		b := delimKind(&bottom, cd)
		consume, found, maybeOpener := 0, false, false
		opener := prev[closer]
		for ; opener > *b; opener = prev[opener] {
			od := ds[opener]
			if od.CanOpen && od.Processor.CanOpenCloser(od, cd) {
				maybeOpener = true
				if consume = od.CalcComsumption(cd); consume > 0 {
					found = true
					break
				}
			}
		}
		if !found {
			*b = max(*b, prev[closer])
			nx := next[closer]
			if !maybeOpener && !cd.CanOpen {
				remove(closer)
			}
			closer = nx
			continue
		}
		od := ds[opener]
		od.ConsumeCharacters(consume)
		cd.ConsumeCharacters(consume)
		node := od.Processor.OnMatch(consume)
		node.(interface{ SetPos(int) }).SetPos(od.Segment.Start)
		parent := od.Parent()
		for child := od.NextSibling(); child != nil && child != ast.Node(cd); {
			nx := child.NextSibling()
			node.AppendChild(node, child)
			child = nx
		}
		parent.InsertAfter(parent, od, node)
		for c := next[opener]; c != closer; {
			nx := next[c]
			remove(c)
			c = nx
		}
		if od.Length == 0 {
			remove(opener)
		}
		if cd.Length == 0 {
			nx := next[closer]
			remove(closer)
			closer = nx
		}
	}
	// What is left is text; goldmark's ClearDelimiters turns it into text
	// from the last delimiter back.
	for last != -1 {
		p := prev[last]
		remove(last)
		last = p
	}
}

// delimKind returns the search bound for closers like d.
func delimKind(bottom *[3][2][3]int, d *parser.Delimiter) *int {
	c := 0
	switch d.Char {
	case '_':
		c = 1
	case '~':
		c = 2
	}
	o := 0
	if d.CanOpen {
		o = 1
	}
	return &bottom[c][o][d.OriginalLength%3]
}

// emphasisDelims is goldmark's emphasis delimiter processor.
type emphasisDelims struct{}

func (emphasisDelims) IsDelimiter(b byte) bool { return b == '*' || b == '_' }

func (emphasisDelims) CanOpenCloser(opener, closer *parser.Delimiter) bool {
	return opener.Char == closer.Char
}

func (emphasisDelims) OnMatch(consumes int) ast.Node { return ast.NewEmphasis(consumes) }

// strikeDelims is goldmark's strikethrough delimiter processor (GFM).
type strikeDelims struct{}

func (strikeDelims) IsDelimiter(b byte) bool { return b == '~' }

func (strikeDelims) CanOpenCloser(opener, closer *parser.Delimiter) bool {
	return opener.Char == closer.Char
}

func (strikeDelims) OnMatch(int) ast.Node { return extast.NewStrikethrough() }
