package search

import (
	"bytes"
	"math/rand"
	"sync"
	"testing"
)

// The index made by an Indexer fed in any order, from many goroutines, is
// byte for byte the index Build makes of the same documents in order.
func TestIndexerOrderIndependent(t *testing.T) {
	docs := corpus(t, 600, 1500)
	want, wantStats := Build(docs)
	for seed := int64(1); seed <= 3; seed++ {
		order := rand.New(rand.NewSource(seed)).Perm(len(docs))
		x := NewIndexer(len(docs))
		var wg sync.WaitGroup
		for w := range 4 {
			wg.Go(func() {
				for k := w; k < len(order); k += 4 {
					x.Add(order[k], docs[order[k]])
				}
			})
		}
		wg.Wait()
		got, stats := x.Build()
		if stats != wantStats {
			t.Errorf("seed %d: stats %+v, want %+v", seed, stats, wantStats)
		}
		if len(got) != len(want) {
			t.Fatalf("seed %d: %d files, want %d", seed, len(got), len(want))
		}
		for p, b := range want {
			if !bytes.Equal(got[p], b) {
				t.Errorf("seed %d: %s differs from Build's", seed, p)
			}
		}
	}
}

// Packed counts fill chunks one after another: a document that does not
// fit the chunk being filled starts a new one (of its own size when it is
// larger than a chunk). The index is the same whatever the chunk size.
func TestIndexerCountChunks(t *testing.T) {
	docs := corpus(t, 300, 800)
	want, _ := Build(docs)
	for _, size := range []int{1, 300, 4096, countChunk} {
		x := NewIndexer(len(docs))
		x.countChunk = size
		for _, i := range rand.New(rand.NewSource(int64(size))).Perm(len(docs)) {
			x.Add(i, docs[i])
		}
		chunks, packed, largest := 0, 0, 0
		for _, w := range x.workers {
			chunks += len(w.chunks)
			for _, c := range w.chunks {
				packed += len(c)
				if cap(c) > size && len(c) != cap(c) {
					t.Errorf("chunk size %d: a chunk of capacity %d holds %d bytes: only one document's counts may make a chunk larger", size, cap(c), len(c))
				}
			}
			for _, r := range w.recs {
				largest = max(largest, int(r.hi-r.lo))
			}
		}
		// Chunks are filled before new ones start.
		if least := (packed + size - 1) / size; largest <= size && chunks > 2*least {
			t.Errorf("chunk size %d: %d bytes of counts in %d chunks", size, packed, chunks)
		}
		if packed > size && chunks < 2 {
			t.Errorf("chunk size %d: %d bytes of counts in one chunk", size, packed)
		}
		got, _ := x.Build()
		if len(got) != len(want) {
			t.Fatalf("chunk size %d: %d files, want %d", size, len(got), len(want))
		}
		for p, b := range want {
			if !bytes.Equal(got[p], b) {
				t.Errorf("chunk size %d: %s differs from Build's", size, p)
			}
		}
	}
}

// Counts too large for one varint byte, and terms in every field, survive
// the packing of a document's counts.
func TestIndexerLargeCounts(t *testing.T) {
	body := bytes.Repeat([]byte("ransomware "), 70000) // count over 65535 saturates
	docs := []Doc{
		{URL: "a/", Title: "ransomware gang", Keywords: []string{"ransomware"}, Questions: []string{"Was it ransomware?"}, Summary: "ransomware", Body: string(body)},
		{URL: "b/", Title: "outage", Body: "ransomware once"},
	}
	x := NewIndexer(2)
	x.Add(1, docs[1])
	x.Add(0, docs[0])
	got, _ := x.Build()
	want, _ := Build(docs)
	for p, b := range want {
		if !bytes.Equal(got[p], b) {
			t.Errorf("%s differs", p)
		}
	}
	_, shards, _ := parseIndex(t, got)
	found := false
	for _, sh := range shards {
		if p, ok := sh.T["ransomware"]; ok {
			found = true
			if p == "" {
				t.Error("no postings for ransomware")
			}
		}
	}
	if !found {
		t.Error("ransomware is not indexed")
	}
}

func TestIndexerMisuse(t *testing.T) {
	mustPanic := func(name string, fn func()) {
		t.Helper()
		defer func() {
			if recover() == nil {
				t.Errorf("%s did not panic", name)
			}
		}()
		fn()
	}
	x := NewIndexer(1)
	x.Add(0, Doc{Title: "a"})
	mustPanic("adding twice", func() { x.Add(0, Doc{Title: "a"}) })
	mustPanic("adding out of range", func() { x.Add(1, Doc{Title: "a"}) })
	mustPanic("building with a gap", func() { NewIndexer(2).Build() })
}
