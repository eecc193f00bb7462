package site

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"testing/fstest"

	"casefile"
	"casefile/generator/internal/corpus"
	"casefile/generator/output"
)

// The render stage alone: pages of a built 1,000-incident site rendered
// again from the assembled site (templates, JSON-LD, view models), without
// markdown or writing. Run with -benchmem; see also BenchmarkBuild.
func assembled(b *testing.B, n int) *builder {
	fsys := fstest.MapFS{"casefile.yaml": {Data: []byte(corpus.Config)}}
	for i := range n {
		p, data := corpus.Incident(i)
		fsys[p] = &fstest.MapFile{Data: data}
	}
	s := NewSession(Options{Source: fsys, Theme: casefile.Theme, Out: output.Discard{}})
	if _, err := s.Build(context.Background(), nil); err != nil {
		b.Fatal(err)
	}
	return s.last
}

func BenchmarkRenderIncidentPage(b *testing.B) {
	bld := assembled(b, 1000)
	b.ReportAllocs()
	i := 0
	size := 0
	var buf bytes.Buffer // as a one-off build does: into a reused buffer
	for b.Loop() {
		buf.Reset()
		if err := bld.renderIncidentTo(&buf, bld.incidents[i%len(bld.incidents)]); err != nil {
			b.Fatal(err)
		}
		size += buf.Len()
		i++
	}
	b.ReportMetric(float64(size)/float64(i), "bytes/page")
}

func BenchmarkRenderTermPage(b *testing.B) {
	bld := assembled(b, 1000)
	tx := bld.taxByName["keywords"]
	term := tx.Terms[0] // the most common keyword: full pages of 30 cards
	chunks := paginate(len(term.Items), bld.cfg.Paginate)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		n := i % len(chunks)
		if _, err := bld.renderTerm(tx, term, n+1, len(chunks), chunks[n]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// The write stage alone: 2,000 pages of 27 KB into a fresh output folder
// (each iteration a new one), as an incident build writes them.
func BenchmarkWritePages(b *testing.B) {
	page := make([]byte, 27<<10)
	const n = 2000
	b.SetBytes(n * int64(len(page)))
	b.ReportAllocs()
	for b.Loop() {
		d, err := output.NewDir(b.TempDir() + "/public")
		if err != nil {
			b.Fatal(err)
		}
		for i := range n {
			if err := d.WriteFile(fmt.Sprintf("incidents/i-%05d/index.html", i), page); err != nil {
				b.Fatal(err)
			}
		}
		if err := d.Commit(); err != nil {
			b.Fatal(err)
		}
	}
}
