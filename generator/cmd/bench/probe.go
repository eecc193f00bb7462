package main

import (
	"bytes"
	"runtime"
	"sync"
	"time"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"

	"casefile/generator/internal/corpus"
)

// A shared virtual machine's speed drifts: on our development machine the
// same 10,000-incident build took 5.9 s and 9.0 s within one run of the
// harness. The speed probe measures the machine next to every run with a
// fixed piece of work, so that a report can tell a build that got slower
// from a machine that did.

// probeDocs is how many corpus bodies the probe renders, and probePasses
// how many times: about a tenth of a second of work on our machine.
const (
	probeDocs   = 100
	probePasses = 3
)

// probeBodies are the markdown bodies of the first probeDocs incidents of
// the benchmark corpus.
var probeBodies = sync.OnceValue(func() [][]byte {
	docs := make([][]byte, probeDocs)
	for i := range docs {
		docs[i] = corpus.Body(i)
	}
	return docs
})

// speedProbe times the probe's work on one goroutine: goldmark with GFM,
// the markdown library both contenders use, rendering probeDocs corpus
// bodies probePasses times. Smaller is faster.
func speedProbe() (time.Duration, error) {
	docs := probeBodies()
	md := goldmark.New(goldmark.WithExtensions(extension.GFM))
	var buf bytes.Buffer
	runtime.GC() // no collection owed by what ran before
	start := time.Now()
	for range probePasses {
		for _, d := range docs {
			buf.Reset()
			if err := md.Convert(d, &buf); err != nil {
				return 0, err
			}
		}
	}
	return time.Since(start), nil
}
