package content

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// TestTextPos: a position inside a FAQ answer or the internal notes maps
// to where it is written in the file, whatever the YAML or TOML style of
// the value; where the value is not written as it is (an escape sequence
// before the position), it falls back to where the value starts.
func TestTextPos(t *testing.T) {
	yamlSrc := `---
title: X
date: 2024-01-02
summary: S.
keywords: [k]
faq:
  - question: Plain?
    answer: See [plain](/a/) now.
  - question: Quoted?
    answer: "Quoted é [quoted](/b/) too"
  - question: Literal?
    answer: |
      First line.
        Indented [literal](/c/) here.
  - question: Folded?
    answer: >-
      Folded text that goes on
      and [folded](/d/) on.
  - question: Wrapped?
    answer: A plain scalar that
      wraps to [wrapped](/e/) here.
  - {question: "Flow", answer: 'It''s [flow](/f/)'}
  - question: Escaped?
    answer: "Tab\tthen [escaped](/g/)"
internal_notes: |
  Notes with [notes](/h/).
---
`
	tomlSrc := `+++
title = "X"
date = 2024-01-02
summary = "S."
keywords = ["k"]
internal_notes = 'Notes [tnotes](/k/)'
[[faq]]
question = "Q?"
answer = "See [basic](/i/)."
[[faq]]
question = "Q2?"
answer = """
Multi
with [multi](/j/).
"""
+++
`
	for _, tc := range []struct {
		src   string
		links []string // link texts; the expected position is where "[text]" is in the file
		fall  []string // links that fall back to the start of their value
	}{
		{yamlSrc, []string{"plain", "quoted", "literal", "folded", "wrapped", "notes"}, []string{"flow", "escaped"}},
		{tomlSrc, []string{"basic", "multi", "tnotes"}, nil},
	} {
		in, ds := DecodeIncident("content/incidents/x.md", []byte(tc.src), time.UTC)
		if ds.HasErrors() {
			t.Fatal(ds)
		}
		type value struct {
			text string
			at   TextPos
		}
		values := []value{{in.InternalNotes, in.NotesAt}}
		for _, f := range in.FAQ {
			values = append(values, value{f.Answer, f.AnswerAt})
		}
		find := func(link string) (v value, line, col int) {
			for _, v := range values {
				if i := strings.Index(v.text, "["+link+"]"); i >= 0 {
					before := v.text[:i]
					line = 1 + strings.Count(before, "\n")
					col = 1 + utf8.RuneCountInString(before[strings.LastIndexByte(before, '\n')+1:])
					return v, line, col
				}
			}
			t.Fatalf("no value has [%s]", link)
			return
		}
		lines := strings.Split(tc.src, "\n")
		for _, link := range tc.links {
			v, line, col := find(link)
			gotLine, gotCol := v.at.At(v.text, line, col)
			wantLine, wantCol := 0, 0
			for i, l := range lines {
				if j := strings.Index(l, "["+link+"]"); j >= 0 {
					wantLine, wantCol = i+1, 1+utf8.RuneCountInString(l[:j])
				}
			}
			if gotLine != wantLine || gotCol != wantCol {
				t.Errorf("[%s]: at %d:%d, want %d:%d", link, gotLine, gotCol, wantLine, wantCol)
			}
		}
		for _, link := range tc.fall {
			v, line, col := find(link)
			if gotLine, gotCol := v.at.At(v.text, line, col); gotLine != v.at.Line || gotCol != v.at.Col {
				t.Errorf("[%s]: at %d:%d, want the start of the value, %d:%d", link, gotLine, gotCol, v.at.Line, v.at.Col)
			}
		}
	}
}

// TestTextCursorInOrder: a cursor maps every link of a long one-line
// answer, in order, each where it is written, in one pass over the value.
func TestTextCursorInOrder(t *testing.T) {
	const n = 20000
	src := "---\ntitle: X\ndate: 2024-01-02\nsummary: S.\nkeywords: [k]\nfaq:\n  - question: Q?\n    answer: " +
		strings.Repeat("é [l](/x/) ", n) + "\n---\n"
	in, ds := DecodeIncident("content/incidents/x.md", []byte(src), time.UTC)
	if ds.HasErrors() || len(in.FAQ) != 1 {
		t.Fatal(ds)
	}
	c := in.FAQ[0].AnswerAt.Cursor(in.FAQ[0].Answer)
	for i := range n {
		if line, col := c.At(1, 3+11*i); line != 8 || col != 15+11*i {
			t.Fatalf("link %d at 8:%d, want 8:%d", i, col, 15+11*i)
		}
	}
	// Going back starts over.
	if line, col := c.At(1, 3); line != 8 || col != 15 {
		t.Errorf("first link again at %d:%d", line, col)
	}
}
