package content

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
	"time"
	"unicode/utf8"

	"casefile/generator/diag"
)

// FuzzSplitAndDecode feeds arbitrary bytes to Split and both decoders: they
// must not panic, every diagnostic must point into the file, and a decode
// without errors must have produced a complete value.
func FuzzSplitAndDecode(f *testing.F) {
	for _, s := range []string{
		full,
		"---\ntitle: T\ndate: 2024-01-02\nsummary: S\nkeywords: [k]\n---\n",
		"+++\ntitle = \"T\"\ndate = 2024-01-02T10:00:00+09:00\nsummary = \"S\"\nkeywords = [\"k\"]\n[[timeline]]\ndate = 2024\nevent = \"E\"\n+++\nbody",
		"\uFEFF---\r\ntitle: T\r\n---\r\n",
		"---\na: &x [1]\nb: *x\n<<: {c: 1}\n---\n",
		"---\ntitle: T\n",
		"",
		"+++\na.b.c = 1\n[a.d]\ne = [[1], {f = 2}]\n+++\n",
		"---\n- x\n---\n",
		"---\ntitle: T\ntitle: U\n? [a]\n: b\n---\n",
		"---\nfaq:\n  - question: Q\n    answer: |\n      a [l](/x/)\n        b [m](/y/)\ninternal_notes: >-\n  c\n\n  [n](/z/) \"q\"\n---\n",
		"---\nfaq: [{question: Q, answer: \"x\\t[l](/x/)\\\n  y [m](/y/)\"}]\n---\n",
		"+++\ninternal_notes = \"\"\"\n[l](/x/)\n  y\\\n  [m](/m/)\"\"\"\n+++\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		norm := Normalize(src)
		lines := bytes.Count(norm, []byte{'\n'}) + 1
		fm, body, bodyLine, err := Split(src)
		if err != nil {
			d, ok := err.(diag.Diagnostic)
			if !ok || d.Line < 1 || d.Line > lines || d.Msg == "" || d.Hint == "" {
				t.Fatalf("bad split error %#v", err)
			}
		} else if fm.Line != 2 || bodyLine < 3 || bodyLine > lines+1 || !bytes.HasSuffix(norm, body) || !bytes.Contains(norm, fm.Data) {
			t.Fatalf("bad split: fm=%+v bodyLine=%d body=%q", fm, bodyLine, body)
		}
		check := func(ds diag.List) {
			for _, d := range ds {
				if d.File != "f.md" || d.Line < 1 || d.Line > lines+1 || d.Col < 0 || d.Msg == "" {
					t.Fatalf("diagnostic out of the file (%d lines): %#v", lines, d)
				}
			}
		}
		in, ds := DecodeIncident("f.md", src, time.UTC)
		check(ds)
		// Every position inside a front-matter text value maps into the file.
		if in != nil {
			texts := map[string]TextPos{in.InternalNotes: in.NotesAt}
			for _, q := range in.FAQ {
				texts[q.Answer] = q.AnswerAt
			}
			for text, at := range texts {
				if len(text) > 4096 {
					continue
				}
				for i, l := range strings.Split(text, "\n") {
					for c := 1; c <= utf8.RuneCountInString(l)+1; c++ {
						if line, col := at.At(text, i+1, c); (line < 1 || line > lines || col < 1) && at.Line != 0 {
							t.Fatalf("%d:%d of %q maps to %d:%d, outside the file (%d lines)", i+1, c, text, line, col, lines)
						}
					}
				}
			}
		}
		if !ds.HasErrors() && (in == nil || in.Title == "" || in.Summary == "" || len(in.Keywords) == 0 || in.Date.IsZero() || CheckSlug(in.Slug) != "" || in.ID == "") {
			t.Fatalf("decode without errors gave an incomplete incident: %+v", in)
		}
		pg, ds := DecodePage("f.md", src, time.UTC)
		check(ds)
		if !ds.HasErrors() && (pg == nil || pg.Title == "" || CheckSlug(pg.Slug) != "") {
			t.Fatalf("decode without errors gave an incomplete page: %+v", pg)
		}
	})
}

// FuzzSlugify checks that slugs are stable and always safe.
func FuzzSlugify(f *testing.F) {
	for _, s := range []string{"Supply Chain", "日本 Breach", "../x", "a\x00b", "İstanbul", "ǅ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		slug := Slugify(s)
		if Slugify(slug) != slug {
			t.Fatalf("Slugify(%q) = %q is not stable: %q", s, slug, Slugify(slug))
		}
		if slug != "" && len(slug) <= MaxSlugLen && CheckSlug(slug) != "" {
			t.Fatalf("Slugify(%q) = %q is unsafe: %s", s, slug, CheckSlug(slug))
		}
	})
}

func BenchmarkDecode(b *testing.B) {
	src := []byte(full)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if _, ds := DecodeIncident("content/incidents/x.md", src, time.UTC); ds.HasErrors() {
			b.Fatal(ds)
		}
	}
}

// BenchmarkLoad measures a whole corpus of distinct, valid incidents.
func BenchmarkLoad(b *testing.B) {
	const n = 10000
	m := fstest.MapFS{}
	for i := range n {
		src := strings.NewReplacer("slug: db-disk-full\n", "", "id: INC-42\n", "", "related: [INC-42]\n", "", "aliases: [/2024/db-full/]\n", "").Replace(full)
		m[fmt.Sprintf("content/incidents/%d/%d.md", i%100, i)] = &fstest.MapFile{Data: []byte(src)}
	}
	b.ReportAllocs()
	for b.Loop() {
		if c, ds := Load(m, time.UTC); len(ds) != 0 || len(c.Incidents) != n {
			b.Fatalf("%d incidents, diagnostics:\n%s", len(c.Incidents), ds)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*n), "µs/file")
}
