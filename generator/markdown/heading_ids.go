package markdown

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// HeadingID turns heading text into an id: lowercase; letters, digits and
// combining marks of any script are kept as they are (no percent-encoding);
// every other run of characters becomes a single "-"; leading and trailing
// "-" are trimmed; an empty result becomes "section".
//
// It is the function the renderer uses for headings without a custom
// {#id}, before duplicates within a document get "-1", "-2", … appended.
func HeadingID(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	dash := false // a separator is pending
	for _, r := range s {
		switch {
		case r == utf8.RuneError:
			dash = true
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(unicode.ToLower(r))
		case unicode.IsMark(r) && b.Len() > 0 && !dash:
			// Combining marks belong to the letter before them (Devanagari
			// vowel signs, accents in decomposed form): keep them.
			b.WriteRune(r)
		default:
			dash = true
		}
	}
	if b.Len() == 0 {
		return "section"
	}
	return b.String()
}

// headingIDs is the per-document parser.IDs: it remembers every id handed out
// or claimed in one document so that duplicates get a numeric suffix. A new
// one is created for every Render call and given to the parser through
// parser.WithIDs; it is never shared between documents.
type headingIDs struct {
	used map[string]struct{}
	next map[string]int // last suffix handed out per base id
}

var _ parser.IDs = (*headingIDs)(nil)

func newHeadingIDs() *headingIDs {
	return &headingIDs{used: make(map[string]struct{}, 16)}
}

// Generate implements parser.IDs. value is the plain text of the heading.
func (s *headingIDs) Generate(value []byte, _ ast.NodeKind) []byte {
	base := HeadingID(string(value))
	if _, taken := s.used[base]; !taken {
		s.used[base] = struct{}{}
		return []byte(base)
	}
	if s.next == nil {
		s.next = make(map[string]int)
	}
	for i := s.next[base] + 1; ; i++ {
		id := base + "-" + strconv.Itoa(i)
		if _, taken := s.used[id]; !taken {
			s.used[id] = struct{}{}
			s.next[base] = i
			return []byte(id)
		}
	}
}

// Put implements parser.IDs: it claims an id chosen by the author.
func (s *headingIDs) Put(value []byte) {
	s.used[string(value)] = struct{}{}
}

// headingIDTransformer gives every heading an id. Custom ids ({#custom-id}
// or {id=...}) are claimed first, so an automatic id never collides with a
// custom id that appears later in the document; then headings without one get
// an id generated from their plain text through the context's parser.IDs.
type headingIDTransformer struct{}

func (headingIDTransformer) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	src := reader.Source()
	ids := pc.IDs()
	var auto []*ast.Heading
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		if n.Type() == ast.TypeInline {
			return ast.WalkSkipChildren, nil
		}
		h, ok := n.(*ast.Heading)
		if !ok {
			return ast.WalkContinue, nil
		}
		if id := headingIDAttr(h); id != nil {
			ids.Put(id)
		} else {
			auto = append(auto, h)
		}
		return ast.WalkSkipChildren, nil
	})
	for _, h := range auto {
		h.SetAttribute(attrID, ids.Generate([]byte(plainText(h, src)), ast.KindHeading))
	}
}

var attrID = []byte("id")

// headingIDAttr returns the id attribute of a heading as bytes, normalising
// non-string values (`{id=12}` parses as a number) and dropping empty ids so
// that they are generated instead. It returns nil when there is no usable id.
func headingIDAttr(n ast.Node) []byte {
	v, ok := n.AttributeString("id")
	if !ok {
		return nil
	}
	var id []byte
	switch t := v.(type) {
	case []byte:
		id = t
	case string:
		id = []byte(t)
	case nil:
	default:
		id = []byte(fmt.Sprint(t))
		n.SetAttribute(attrID, id)
	}
	if len(bytes.TrimSpace(id)) == 0 {
		// Drop the empty id but keep the other attributes (class and friends).
		attrs := n.Attributes()
		n.RemoveAttributes()
		for _, a := range attrs {
			if !bytes.Equal(a.Name, attrID) {
				n.SetAttribute(a.Name, a.Value)
			}
		}
		return nil
	}
	return id
}

// headingIDsExtension wires the transformer in; the parser.IDs itself is given
// per document by Render through parser.WithIDs.
type headingIDsExtension struct{}

func (headingIDsExtension) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(parser.WithASTTransformers(
		util.Prioritized(headingIDTransformer{}, prioHeadingIDs),
	))
}
