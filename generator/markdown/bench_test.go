package markdown

import (
	"bytes"
	"casefile/generator/internal/corpus"
	"os"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

func BenchmarkRender(b *testing.B) {
	src, err := os.ReadFile("testdata/bench.md")
	if err != nil {
		b.Fatal(err)
	}
	r := New(Options{})
	if _, err := r.Render(src); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Render(src); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRenderParallel(b *testing.B) {
	src, err := os.ReadFile("testdata/bench.md")
	if err != nil {
		b.Fatal(err)
	}
	r := New(Options{})
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := r.Render(src); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkBaselineGoldmark is the floor for comparison: plain goldmark with
// GFM and footnotes (no highlighting, ids, FAQ or text), built once.
func BenchmarkBaselineGoldmark(b *testing.B) {
	src, err := os.ReadFile("testdata/bench.md")
	if err != nil {
		b.Fatal(err)
	}
	md := goldmark.New(goldmark.WithExtensions(extension.GFM, extension.Footnote))
	var buf bytes.Buffer
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := md.Convert(src, &buf); err != nil {
			b.Fatal(err)
		}
	}
}

// corpusBodies are the bodies of the first n incidents of the benchmark
// corpus (generator/internal/corpus).
func corpusBodies(b *testing.B, n int) [][]byte {
	out := make([][]byte, n)
	for i := range out {
		out[i] = corpus.Body(i)
	}
	return out
}

// BenchmarkRenderCorpus renders distinct incident bodies of the benchmark
// corpus with one Renderer, as a build does (its code blocks repeat, so
// most come from the highlight cache).
func BenchmarkRenderCorpus(b *testing.B) {
	benchmarkCorpus(b, false)
}

// BenchmarkRenderCorpusUncached is BenchmarkRenderCorpus with the highlight
// cache emptied before every document: what chroma costs.
func BenchmarkRenderCorpusUncached(b *testing.B) {
	benchmarkCorpus(b, true)
}

func benchmarkCorpus(b *testing.B, uncached bool) {
	docs := corpusBodies(b, 1000)
	r := New(Options{})
	size := 0
	for _, d := range docs {
		size += len(d)
	}
	b.SetBytes(int64(size / len(docs)))
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if uncached {
			r.hl.cacheMu.Lock()
			clear(r.hl.cache)
			r.hl.cacheBytes = 0
			r.hl.cacheMu.Unlock()
		}
		if _, err := r.Render(docs[i%len(docs)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
