package site

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"strings"
	"unicode"

	"casefile/generator/content"
	"casefile/generator/internal/spaces"
)

// leakGuard makes a public build fail if any output file contains text of
// internal material: incidents with `visibility: internal`, `internal_notes`
// fields and `::: internal` blocks. It looks for distinctive phrases of that
// text (titles, and sentences of at least minNeedle characters), as written
// and as HTML and JSON would escape them, in every file as it is written.
// The search index holds words, not phrases: a leak there is caught by the
// same phrases in the pages and incidents.json, which are built from the
// same data.
type leakGuard struct {
	needles []needle
}

type needle struct {
	forms  [][]byte // the phrase as written, HTML-escaped and JSON-escaped
	phrase string
	source string // "content/incidents/x.md (internal incident)"
}

const (
	minNeedle      = 24 // shorter phrases are too likely to occur by chance
	needlesPerItem = 40
)

// newLeakGuard collects the internal material of a public build's corpus.
func (b *builder) newLeakGuard(corpus *content.Corpus) *leakGuard {
	if b.opts.Profile == ProfileInternal {
		return nil
	}
	g := &leakGuard{}
	for _, in := range corpus.Incidents {
		if in.Draft && !b.opts.Drafts {
			continue
		}
		if in.Visibility == "internal" {
			what := in.Source + " (internal incident)"
			if len(in.Title) >= 12 {
				g.add(in.Title, what)
			}
			g.addText(in.Summary, what)
			if res, err := b.md.Render(in.Body); err == nil { // internal incidents keep their Body (parseEarly)
				g.addText(res.Text, what)
				// The public renderer leaves its own internal blocks out of Text.
				for _, t := range internalTexts(res.Internal, res.FencedText, func(int) int { return 0 }) {
					g.addText(t.text, what)
				}
			}
			continue
		}
		if in.InternalNotes != "" {
			if f, err := b.md.RenderFragmentResult([]byte(in.InternalNotes)); err == nil {
				what := in.Source + " (internal_notes)"
				g.addText(plainText(f.HTML), what)
				for _, t := range internalTexts(f.Internal, f.FencedText, func(int) int { return 0 }) {
					g.addText(t.text, what)
				}
			}
		}
	}
	return g
}

// addBlock records a `::: internal` block of a public incident.
func (g *leakGuard) addBlock(source string, line int, text string) {
	if g != nil {
		g.addText(text, fmt.Sprintf("%s:%d (::: internal block)", source, line))
	}
}

// addText records the sentences of text long enough to be telling.
func (g *leakGuard) addText(text, source string) {
	n := 0
	for _, s := range strings.FieldsFunc(text, func(r rune) bool { return r == '.' || r == '\n' || r == '!' || r == '?' || r == ';' }) {
		s = spaces.Collapse(s)
		if len(s) < minNeedle || !strings.ContainsFunc(s, unicode.IsLetter) {
			continue
		}
		g.add(s, source)
		if n++; n == needlesPerItem {
			return
		}
	}
}

func (g *leakGuard) add(phrase, source string) {
	forms := [][]byte{[]byte(phrase)}
	if e := html.EscapeString(phrase); e != phrase {
		forms = append(forms, []byte(e))
	}
	if j, err := json.Marshal(phrase); err == nil {
		if e := string(j[1 : len(j)-1]); e != phrase {
			forms = append(forms, []byte(e))
		}
	}
	g.needles = append(g.needles, needle{forms, phrase, source})
}

// check fails when data holds internal text.
func (g *leakGuard) check(path string, data []byte) error {
	if g == nil {
		return nil
	}
	for _, n := range g.needles {
		for _, f := range n.forms {
			if bytes.Contains(data, f) {
				return fmt.Errorf("leak guard: %s contains internal text from %s: %q; the public build must not show it (check templates and the `::: internal` fences)", path, n.source, shorten(n.phrase))
			}
		}
	}
	return nil
}

func shorten(s string) string {
	if r := []rune(s); len(r) > 60 {
		return string(r[:57]) + "…"
	}
	return s
}

// plainText is the text of rendered HTML.
func plainText(h string) string {
	var sb strings.Builder
	in := false
	for _, c := range h {
		switch {
		case c == '<':
			in = true
			sb.WriteByte(' ')
		case c == '>':
			in = false
		case !in:
			sb.WriteRune(c)
		}
	}
	return html.UnescapeString(sb.String())
}
