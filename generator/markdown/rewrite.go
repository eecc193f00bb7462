package markdown

import (
	"fmt"
	"slices"
	"strings"

	"github.com/yuin/goldmark/parser"

	"casefile/generator/internal/spaces"
)

// editsKey holds, in the parser.Context, the *sourceEdits the safe-link
// transformer records rewritten destinations in (RewriteSource).
var editsKey = parser.NewContextKey()

// sourceEdits collects replacements of byte ranges of a document's source.
type sourceEdits struct {
	src     []byte
	rewrite func(string) (string, bool)
	list    []sourceEdit
}

type sourceEdit struct {
	start, end int
	text       string
}

// newSourceEdits returns the edits a parse of src with options o records
// (DocOptions.RewriteSource), set in pc; nil when o asks for none.
func newSourceEdits(src []byte, o DocOptions, pc parser.Context) *sourceEdits {
	if o.RewriteSource == nil {
		return nil
	}
	e := &sourceEdits{src: src, rewrite: o.RewriteSource}
	pc.Set(editsKey, e)
	return e
}

// dest records the rewrite of a link's destination, a slice of src.
func (e *sourceEdits) dest(dest []byte) {
	start, ok := offsetIn(e.src, dest)
	if !ok {
		return
	}
	if nd, ok := e.rewrite(string(resolveURL(dest))); ok {
		e.list = append(e.list, sourceEdit{start, start + len(dest), EscapeDestination(nd)})
	}
}

// autolink records the rewrite of a URL autolink, whose label (a slice of
// src) is url as written: it becomes [label](new).
func (e *sourceEdits) autolink(label, url []byte) {
	start, ok := offsetIn(e.src, label)
	if !ok {
		return
	}
	nd, ok := e.rewrite(string(url))
	if !ok {
		return
	}
	end := start + len(label)
	if start > 0 && e.src[start-1] == '<' && end < len(e.src) && e.src[end] == '>' {
		start, end = start-1, end+1
	}
	e.list = append(e.list, sourceEdit{start, end, "[" + EscapeText(string(label)) + "](" + EscapeDestination(nd) + ")"})
}

// apply returns src with the edits made (one per range: a reference
// definition used by several links is one range); nil when there are none.
func (e *sourceEdits) apply() []byte {
	if e == nil || len(e.list) == 0 {
		return nil
	}
	slices.SortStableFunc(e.list, func(a, b sourceEdit) int { return a.start - b.start })
	out := make([]byte, 0, len(e.src)+len(e.list)*8)
	at := 0
	for _, ed := range e.list {
		if ed.start < at {
			continue // the same range again
		}
		out = append(out, e.src[at:ed.start]...)
		out = append(out, ed.text...)
		at = ed.end
	}
	return append(out, e.src[at:]...)
}

// offsetIn returns where sub, a slice of src's array, starts in src.
func offsetIn(src, sub []byte) (int, bool) {
	if len(sub) == 0 {
		return 0, false
	}
	off := cap(src) - cap(sub)
	if off < 0 || off+len(sub) > len(src) || &src[off] != &sub[0] {
		return 0, false
	}
	return off, true
}

// EscapeDestination writes dest as a link destination of markdown source,
// `[text](here)` or `[label]: here`: backslashes, parentheses and angle
// brackets escaped, white space and control characters percent-encoded.
func EscapeDestination(dest string) string {
	if dest == "" {
		return "<>"
	}
	var b strings.Builder
	for i := 0; i < len(dest); i++ {
		switch c := dest[i]; {
		case c == '\\' || c == '(' || c == ')' || c == '<' || c == '>':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c <= ' ' || c == 0x7f:
			fmt.Fprintf(&b, "%%%02X", c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// EscapeText writes plain text as markdown that shows it as it is, on one
// line (white space collapsed): every character that could start markup
// (emphasis, code, links, raw HTML, entities, tables, headings, heading
// attributes) is backslash-escaped, and so is a list marker or fence at
// its start. A bare URL in it may still be linked, as GFM links them.
func EscapeText(s string) string {
	s = strings.TrimSpace(spaces.Collapse(s))
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case strings.IndexByte("\\`*_[]<>|~&#!{}", c) >= 0:
			b.WriteByte('\\')
		case i == 0 && (c == '-' || c == '+' || c == '=' || c == ':'):
			b.WriteByte('\\')
		case i > 0 && (c == '.' || c == ')') && strings.Trim(s[:i], "0123456789") == "":
			b.WriteByte('\\') // "1. " would start an ordered list
		}
		b.WriteByte(c)
	}
	return b.String()
}
