package site_test

import (
	"context"
	"fmt"
	"testing"
	"testing/fstest"

	"casefile"
	"casefile/generator/internal/corpus"
	"casefile/generator/output"
	"casefile/generator/site"
)

func corpusFS(n int) fstest.MapFS {
	fsys := fstest.MapFS{"casefile.yaml": {Data: []byte(corpus.Config)}}
	for i := 0; i < n; i++ {
		p, data := corpus.Incident(i)
		fsys[p] = &fstest.MapFile{Data: data}
	}
	return fsys
}

func BenchmarkBuild(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			fsys := corpusFS(n)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := site.Build(context.Background(), site.Options{Source: fsys, Theme: casefile.Theme, Out: output.Discard{}}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkSessionEdit is the rebuild after one incident's body changed:
// the part of "file write → reload event" that the build owns.
func BenchmarkSessionEdit(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			fsys := corpusFS(n)
			sess := site.NewSession(site.Options{Source: fsys, Theme: casefile.Theme})
			if _, err := sess.Build(context.Background(), nil); err != nil {
				b.Fatal(err)
			}
			i := 0
			b.ReportAllocs()
			for b.Loop() {
				p, data := corpus.Incident(i % n)
				fsys[p] = &fstest.MapFile{Data: append(data, fmt.Sprintf("\nEdit %d.\n", i)...)}
				if _, err := sess.Build(context.Background(), []string{p}); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}
