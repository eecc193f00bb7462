package markdown

import (
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// maxNesting bounds how deep lists and block quotes nest: list items and
// quotes inside maxNesting others are not opened, their markers stay text
// of a paragraph (as markdown-it does with its maxNesting). No document
// needs more than a handful of levels; without a bound a line of 40,000
// "- " takes goldmark seconds (each level scans the rest of the line), and
// 100,000 a minute.
const maxNesting = 100

// prioNestingParser runs before every goldmark block parser (100..1000), so
// it sees a line before the list, quote and thematic-break parsers do.
const prioNestingParser = 50

type nestingExtension struct{}

func (nestingExtension) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(parser.WithBlockParsers(
		util.Prioritized(nestingLimiter{parser.NewParagraphParser()}, prioNestingParser)))
}

// nestingLimiter declines every line except one that would open a block
// maxNesting containers deep: that line, markers and all, becomes a
// paragraph, which opens nothing inside it.
type nestingLimiter struct {
	paragraph parser.BlockParser
}

func (nestingLimiter) Trigger() []byte {
	return []byte{'-', '+', '*', '>', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9'}
}

func (l nestingLimiter) Open(parent ast.Node, reader text.Reader, pc parser.Context) (ast.Node, parser.State) {
	// A list holds only list items: the item opens, and this parser takes
	// the rest of the line inside it.
	if parent.Kind() == ast.KindList || containerDepth(parent) < maxNesting {
		return nil, parser.NoChildren
	}
	return l.paragraph.Open(parent, reader, pc)
}

func (l nestingLimiter) Continue(node ast.Node, reader text.Reader, pc parser.Context) parser.State {
	return l.paragraph.Continue(node, reader, pc)
}

func (l nestingLimiter) Close(node ast.Node, reader text.Reader, pc parser.Context) {
	l.paragraph.Close(node, reader, pc)
}

// CanInterruptParagraph is true: a list item that interrupts a paragraph
// would otherwise open one level deeper on every line.
func (nestingLimiter) CanInterruptParagraph() bool { return true }
func (nestingLimiter) CanAcceptIndentedLine() bool { return false }

// containerDepth counts the list items and block quotes among n and its
// ancestors, stopping at maxNesting.
func containerDepth(n ast.Node) int {
	d := 0
	for ; n != nil && d < maxNesting; n = n.Parent() {
		switch n.Kind() {
		case ast.KindListItem, ast.KindBlockquote:
			d++
		}
	}
	return d
}
