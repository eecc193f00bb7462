package markdown

import (
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	extast "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"

	"casefile/generator/internal/spaces"
)

// faqKey holds, in the parser.Context, the *[]faqSection the FAQ transformer
// fills in. Render sets it; without it (RenderFragment) nothing is extracted.
var faqKey = parser.NewContextKey()

// faqSection is one extracted "## FAQ" section, its nodes detached from the
// document.
type faqSection struct {
	heading *ast.Heading
	intro   []ast.Node // content before the first ### question
	items   []faqEntry
}

type faqEntry struct {
	question *ast.Heading
	answer   []ast.Node // everything up to the next heading of level <= 3
}

// faqTransformer extracts FAQ sections from the body. A FAQ section starts at
// a top-level level-2 heading whose text is "FAQ" or "Frequently Asked
// Questions" (case-insensitive, trimmed, optional trailing colon) and runs to
// the next heading of level <= 2 or the end of the document (the footnote
// list goldmark appends at the end is never part of it). Inside, each
// level-3 heading is a question and everything after it up to the next
// heading of level <= 3 is its answer.
//
// Every such section is extracted, not only the first one: the items of a
// second section follow those of the first, so the body never shows a FAQ
// that the FAQ block and its structured data do not. Render reports the line
// of each section in Result.FAQLines so the caller can warn about repeats.
type faqTransformer struct{}

func (faqTransformer) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	out, ok := pc.Get(faqKey).(*[]faqSection)
	if !ok || out == nil {
		return
	}
	src := reader.Source()
	for c := doc.FirstChild(); c != nil; {
		h, ok := c.(*ast.Heading)
		if !ok || h.Level != 2 || !IsFAQTitle(plainText(h, src)) {
			c = c.NextSibling()
			continue
		}
		sec := faqSection{heading: h}
		var cur *faqEntry
		next := h.NextSibling()
		for next != nil && !endsFAQSection(next) {
			n := next
			next = n.NextSibling()
			if q, ok := n.(*ast.Heading); ok && q.Level == 3 {
				sec.items = append(sec.items, faqEntry{question: q})
				cur = &sec.items[len(sec.items)-1]
			} else if cur != nil {
				cur.answer = append(cur.answer, n)
			} else {
				sec.intro = append(sec.intro, n)
			}
			doc.RemoveChild(doc, n)
		}
		doc.RemoveChild(doc, h)
		*out = append(*out, sec)
		c = next
	}
}

func endsFAQSection(n ast.Node) bool {
	if h, ok := n.(*ast.Heading); ok && h.Level <= 2 {
		return true
	}
	return n.Kind() == extast.KindFootnoteList
}

// IsFAQTitle reports whether heading text names a FAQ section: "FAQ" or
// "Frequently Asked Questions", case-insensitive, surrounding white space
// and one trailing colon ignored, inner white space collapsed.
func IsFAQTitle(s string) bool {
	s = strings.TrimSpace(s)
	s = strings.TrimSpace(strings.TrimSuffix(s, ":"))
	s = spaces.Collapse(s)
	return strings.EqualFold(s, "faq") || strings.EqualFold(s, "frequently asked questions")
}

type faqExtension struct{}

func (faqExtension) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(parser.WithASTTransformers(
		util.Prioritized(faqTransformer{}, prioFAQ),
	))
}
