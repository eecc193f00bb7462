package search

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
)

// Doc is one searchable page.
type Doc struct {
	URL       string // site-relative page folder, e.g. "incidents/log4shell/"
	Title     string
	Summary   string
	Date      string // for display, e.g. "9 December 2021"
	Year      int    // shown when Date is empty
	Severity  string // "", low, moderate, high, critical
	Keywords  []string
	Questions []string // FAQ questions
	Body      string   // plain text of the body (its FAQ section included)
	Answers   []string // plain text of answers given apart from the body (front-matter FAQ), indexed as body text
}

// Stats describes a built index.
type Stats struct {
	Docs, Terms, TermShards, DocShards int
	Bytes                              int64 // all files
	ManifestBytes                      int
	MaxTermShardBytes                  int
	MaxDocShardBytes                   int
	KeyFiles, MaxKeyFileBytes          int // shard-key files (large corpora only)
}

// Tuning. Changing any of these changes the index files, not the format.
const (
	PostingCap   = 1000      // best documents kept per term
	DocShardSize = 16        // documents per doc shard
	shardBudget  = 24 * 1024 // bytes per term shard, completions included
	trieBudget   = 6 * 1024  // bytes of shard keys kept in the manifest
	summaryRunes = 200       // summary length in doc shards
	completions  = 16        // completions listed by a split shard
	complPosts   = 48        // postings per completion
	scoreLevels  = 63        // quantised scores are 1..scoreLevels
	k1, bm25b    = 1.2, 0.75 // BM25 parameters
)

// Fields, in weight order.
const (
	fTitle = iota
	fKeywords
	fQuestions
	fSummary
	fBody
	numFields
)

var fieldWeights = [numFields]float64{fTitle: 6, fKeywords: 4, fQuestions: 3, fSummary: 2, fBody: 1}

// maxScore is the score of a document saturating every field.
func maxScore() float64 {
	s := 0.0
	for _, w := range fieldWeights {
		s += w * (k1 + 1)
	}
	return s
}

// scoreStep is qs of the manifest: score level q stands for exp(q·qs) - 1.
func scoreStep() float64 { return math.Log1p(maxScore()) / scoreLevels }

// levelBounds[q] is the lowest score quantised to level q+1 or more.
var levelBounds = func() (b [scoreLevels]float64) {
	step := scoreStep()
	for q := range b {
		b[q] = math.Expm1((float64(q) + 0.5) * step)
	}
	return b
}()

// quantize maps a score to a level in 1..scoreLevels on a log scale:
// round(ln(1+s)/scoreStep), at least 1.
func quantize(s float64) uint8 {
	lo, hi := 0, scoreLevels-1 // find the first bound above s
	for lo < hi {
		m := (lo + hi) / 2
		if levelBounds[m] > s {
			hi = m
		} else {
			lo = m + 1
		}
	}
	if levelBounds[lo] <= s {
		return scoreLevels
	}
	return uint8(max(lo, 1))
}

// posting is one (document, quantised score) pair.
type posting struct {
	doc int32
	q   uint8
}

// better orders postings best first: higher score, then lower id.
func better(a, b posting) bool {
	if a.q != b.q {
		return a.q > b.q
	}
	return a.doc < b.doc
}

// comparePostings orders postings best first.
func comparePostings(a, b posting) int {
	switch {
	case better(a, b):
		return -1
	case better(b, a):
		return 1
	}
	return 0
}

// termAcc accumulates one term: its df and its best postings. Postings are
// appended in document order; when 2·PostingCap have gathered, the best
// PostingCap are kept and the worst of those becomes the bar a new posting
// must pass. This touches a term's postings only to append, which is what
// keeps indexing fast.
type termAcc struct {
	df   int32
	full bool    // min is set
	min  posting // the worst posting kept at the last trim
	top  []posting
}

func (a *termAcc) add(p posting) {
	a.df++
	a.push(p)
}

// push keeps p if it may be among the PostingCap best. Postings must come in
// increasing document order.
func (a *termAcc) push(p posting) {
	if a.full && !better(p, a.min) {
		return
	}
	a.top = append(a.top, p)
	if len(a.top) >= 2*PostingCap {
		a.trim()
	}
}

// trim keeps the best PostingCap postings of top, which must be in document
// order (and stays so): every posting above some score level, and the
// lowest documents at that level.
func (a *termAcc) trim() {
	if len(a.top) <= PostingCap {
		return
	}
	var count [scoreLevels + 1]int
	for _, p := range a.top {
		count[p.q]++
	}
	level, above := scoreLevels, 0
	for ; above+count[level] < PostingCap; level-- {
		above += count[level]
	}
	atLevel := PostingCap - above // kept at level, the first ones
	kept := a.top[:0]
	for _, p := range a.top {
		if int(p.q) > level || (int(p.q) == level && atLevel > 0) {
			if int(p.q) == level {
				atLevel--
				a.min = p
			}
			kept = append(kept, p)
		}
	}
	a.top, a.full = kept, true
}

// termState is what a worker knows of one term: its counts in the current
// document, and its df and best postings so far.
type termState struct {
	stamp int32 // document index + 1 the counts belong to
	n     [numFields]uint16
	termAcc
}

// worker indexes documents with its own dictionary; workers are merged at
// the end. Indexing has two steps: count tokenises a document and records
// its terms' per-field counts, score (once every document is counted and
// the mean field lengths are known) turns the counts into postings.
type worker struct {
	slab    []posting // backing for the first posting of new terms
	tok     tokenizer
	dict    *dict // ids below len(stopWords) are the stop words
	terms   []termState
	touched []int32
	field   int
	stamp   int32

	recs    []docRec // the documents counted, in the order counted
	chunks  [][]byte // per document (docRec.chunk, lo:hi): its terms and their per-field counts, packed
	chunk   int      // the size of a chunk
	scratch []byte   // the document being packed
}

// docRec is one counted document.
type docRec struct {
	doc    int32
	lens   [numFields]int32
	chunk  int32
	lo, hi int32
}

// The counts of a document are packed as, per term: uvarint(term id), a
// byte with bit f set for each field f the term occurs in, then
// uvarint(count) for each such field. A term takes 3 to 5 bytes instead of
// 14, which keeps the counts of 100,000 documents small until they are
// scored. They are kept in chunks of countChunk bytes, filled one after the
// other, rather than in one slice: appending to one slice of 80 MB (100,000
// documents) copies it whole each time it grows, and holds the old and the
// new copy at once.
const countChunk = 1 << 20

func newWorker(chunk int) *worker {
	w := &worker{dict: newDict(1 << 15), tok: tokenizer{stop: true}, chunk: chunk}
	for _, s := range stopWords {
		w.dict.id([]byte(s))
	}
	w.terms = make([]termState, len(stopWords))
	return w
}

// lookup returns the id of term, adding it when new.
func (w *worker) lookup(term []byte) int32 {
	id, added := w.dict.id(term)
	if added {
		w.terms = append(w.terms, termState{})
	}
	return id
}

// count is the tokeniser's callback.
func (w *worker) count(term []byte) {
	id := w.lookup(term)
	if id < int32(len(stopWords)) {
		return
	}
	c := &w.terms[id]
	if c.stamp != w.stamp {
		c.stamp = w.stamp
		c.n = [numFields]uint16{}
		w.touched = append(w.touched, id)
	}
	if c.n[w.field] < math.MaxUint16 {
		c.n[w.field]++
	}
}

// add counts document i.
func (w *worker) add(i int, d *Doc) {
	w.stamp = int32(i + 1)
	w.touched = w.touched[:0]
	emit := w.count
	w.field = fTitle
	w.tok.tokenize(d.Title, emit)
	w.field = fKeywords
	for _, k := range d.Keywords {
		w.tok.tokenize(k, emit)
	}
	w.field = fQuestions
	for _, q := range d.Questions {
		w.tok.tokenize(q, emit)
	}
	w.field = fSummary
	w.tok.tokenize(d.Summary, emit)
	w.field = fBody
	w.tok.tokenize(d.Body, emit)
	for _, a := range d.Answers {
		w.tok.tokenize(a, emit)
	}

	r := docRec{doc: int32(i)}
	for f, l := range fieldLens(d) {
		r.lens[f] = int32(min(l, math.MaxInt32))
	}
	b := w.scratch[:0]
	for _, id := range w.touched {
		n := &w.terms[id].n
		b = binary.AppendUvarint(b, uint64(id))
		var mask byte
		for f, c := range n {
			if c > 0 {
				mask |= 1 << f
			}
		}
		b = append(b, mask)
		for _, c := range n {
			if c > 0 {
				b = binary.AppendUvarint(b, uint64(c))
			}
		}
	}
	w.scratch = b
	k := len(w.chunks) - 1
	if k < 0 || len(w.chunks[k])+len(b) > cap(w.chunks[k]) {
		w.chunks = append(w.chunks, make([]byte, 0, max(w.chunk, len(b))))
		k++
	}
	r.chunk, r.lo = int32(k), int32(len(w.chunks[k]))
	w.chunks[k] = append(w.chunks[k], b...)
	r.hi = int32(len(w.chunks[k]))
	w.recs = append(w.recs, r)
}

// score turns the counted documents into postings, in document order.
func (w *worker) score(avg *[numFields]float64) {
	slices.SortFunc(w.recs, func(a, b docRec) int { return int(a.doc - b.doc) })
	for _, r := range w.recs {
		var norm [numFields]float64
		for f := range norm {
			norm[f] = k1 * (1 - bm25b + bm25b*float64(r.lens[f])/avg[f])
		}
		for b := w.chunks[r.chunk][r.lo:r.hi]; len(b) > 0; {
			id, k := binary.Uvarint(b)
			mask := b[k]
			b = b[k+1:]
			c := &w.terms[id]
			s := 0.0
			for f := range numFields {
				if mask&(1<<f) != 0 {
					n, k := binary.Uvarint(b)
					b = b[k:]
					tf := float64(n)
					s += fieldWeights[f] * tf * (k1 + 1) / (tf + norm[f])
				}
			}
			p := posting{doc: r.doc, q: quantize(s)}
			if c.top == nil {
				// Most terms occur once: no allocation of their own.
				if len(w.slab) == 0 {
					w.slab = make([]posting, 4096)
				}
				c.top = w.slab[:0:1]
				w.slab = w.slab[1:]
			}
			c.add(p)
		}
	}
	w.recs, w.chunks, w.scratch = nil, nil, nil
}

func fieldLens(d *Doc) [numFields]int {
	var l [numFields]int
	l[fTitle] = len(d.Title)
	for _, k := range d.Keywords {
		l[fKeywords] += len(k) + 1
	}
	for _, q := range d.Questions {
		l[fQuestions] += len(q) + 1
	}
	l[fSummary] = len(d.Summary)
	l[fBody] = len(d.Body)
	for _, a := range d.Answers {
		l[fBody] += len(a) + 1 // as if joined to Body by spaces
	}
	return l
}

// term is a merged term ready to encode.
type term struct {
	text  string
	df    int32
	posts []posting // the best PostingCap postings, in document order
	enc   []byte    // encoded postings, doc order
	compl *term     // the term as a completion: its best complPosts postings
}

// Build makes the index files for docs, keyed by site-relative path under
// "search/". The output is the same byte for byte for the same docs.
func Build(docs []Doc) (map[string][]byte, Stats) {
	return build(docs, trieBudget)
}

// build is Build with the manifest's key budget as a parameter, for tests.
func build(docs []Doc, keyBudget int) (map[string][]byte, Stats) {
	x := NewIndexer(len(docs))
	x.keyBudget = keyBudget
	// Count on every core; documents are handed out in blocks.
	nw := min(runtime.GOMAXPROCS(0), max(1, len(docs)/64))
	var next atomic.Int64
	const block = 32
	var wg sync.WaitGroup
	for range nw {
		wg.Go(func() {
			for {
				start := int(next.Add(block)) - block
				if start >= len(docs) {
					return
				}
				for i := start; i < min(start+block, len(docs)); i++ {
					x.Add(i, docs[i])
				}
			}
		})
	}
	wg.Wait()
	return x.Build()
}

// Indexer builds an index from documents added one at a time, from any
// number of goroutines and in any order, without keeping their text: a
// document's terms are counted when it is added, and scored when Build
// knows the mean field lengths. A site build feeds it as it renders pages.
type Indexer struct {
	n         int
	keyBudget int
	// countChunk is the size of the chunks workers pack counts into
	// (tests make it small).
	countChunk int
	meta       []Doc // per document: what the doc shards show (no body, keywords or questions)
	added      []bool
	sums       [numFields]float64 // field lengths summed over the documents

	mu      sync.Mutex
	idle    []*worker
	workers []*worker
}

// NewIndexer returns an indexer of n documents, with ids 0 to n-1.
func NewIndexer(n int) *Indexer {
	return &Indexer{n: n, keyBudget: trieBudget, countChunk: countChunk, meta: make([]Doc, n), added: make([]bool, n)}
}

// Add counts document i. It is safe for concurrent use; each id is added
// once. The indexer keeps no reference to d's strings but the doc shard
// fields (URL, title, summary, date, severity).
func (x *Indexer) Add(i int, d Doc) {
	x.mu.Lock()
	if i < 0 || i >= x.n || x.added[i] {
		x.mu.Unlock()
		panic(fmt.Sprintf("search: document %d added twice or out of range [0,%d)", i, x.n))
	}
	x.added[i] = true
	var w *worker
	if k := len(x.idle); k > 0 {
		w, x.idle = x.idle[k-1], x.idle[:k-1]
	} else {
		w = newWorker(x.countChunk)
		x.workers = append(x.workers, w)
	}
	for f, l := range fieldLens(&d) {
		x.sums[f] += float64(l)
	}
	x.mu.Unlock()

	w.add(i, &d)
	x.meta[i] = Doc{URL: d.URL, Title: d.Title, Summary: shorten(d.Summary, summaryRunes), Date: d.Date, Year: d.Year, Severity: d.Severity}

	x.mu.Lock()
	x.idle = append(x.idle, w)
	x.mu.Unlock()
}

// Build scores the documents and makes the index files, keyed by
// site-relative path under "search/". Every id must have been added. The
// output depends only on the documents, not on the order they came in.
func (x *Indexer) Build() (map[string][]byte, Stats) {
	for i, ok := range x.added {
		if !ok {
			panic(fmt.Sprintf("search: document %d was never added", i))
		}
	}
	// Mean field lengths for BM25 length normalisation.
	var avg [numFields]float64
	for f := range avg {
		avg[f] = x.sums[f]/float64(max(x.n, 1)) + 1
	}
	workers := x.workers
	x.workers, x.idle = nil, nil
	if len(workers) == 0 {
		workers = []*worker{newWorker(x.countChunk)}
	}
	nw := len(workers)
	parallel(nw, runtime.GOMAXPROCS(0), func(k int) { workers[k].score(&avg) })

	terms := merge(workers)
	workers = nil // let the dictionaries go

	files := map[string][]byte{}
	var st Stats
	st.Docs = x.n
	st.Terms = len(terms)

	var mu sync.Mutex
	put := func(p string, b []byte) {
		mu.Lock()
		files[p] = b
		mu.Unlock()
	}

	// Encode postings, cut the trie into shards and write them, while the
	// doc shards are written alongside.
	var keys []string
	var wg sync.WaitGroup
	wg.Go(func() { keys = writeTermShards(terms, min(nw, runtime.GOMAXPROCS(0)), put) })
	writeDocShards(x.meta, put)
	wg.Wait()

	trie := writeKeyFiles(keys, x.keyBudget, put)
	files["search/manifest.js"] = writeManifest(x.n, trie, files)

	for p, b := range files {
		st.Bytes += int64(len(b))
		switch {
		case p == "search/manifest.js":
			st.ManifestBytes = len(b)
		case strings.HasPrefix(p, "search/t/"):
			st.TermShards++
			st.MaxTermShardBytes = max(st.MaxTermShardBytes, len(b))
		case strings.HasPrefix(p, "search/d/"):
			st.DocShards++
			st.MaxDocShardBytes = max(st.MaxDocShardBytes, len(b))
		case strings.HasPrefix(p, "search/k/"):
			st.KeyFiles++
			st.MaxKeyFileBytes = max(st.MaxKeyFileBytes, len(b))
		}
	}
	return files, st
}

// merge joins the workers' dictionaries into one list of terms sorted by
// text, each with at most PostingCap postings (the best ones).
func merge(workers []*worker) []*term {
	// Each worker sorts its own terms, in parallel; then a k-way merge.
	sorted := make([][]int32, len(workers))
	parallel(len(workers), len(workers), func(k int) {
		w := workers[k]
		ids := make([]int32, 0, len(w.terms)-len(stopWords))
		for id := len(stopWords); id < len(w.terms); id++ {
			if w.terms[id].df > 0 {
				ids = append(ids, int32(id))
			}
		}
		slices.SortFunc(ids, func(a, b int32) int { return bytes.Compare(w.dict.term(a), w.dict.term(b)) })
		sorted[k] = ids
	})
	// Terms with the same first byte are contiguous in every list: merge each
	// first byte on its own, in parallel.
	var spans [256][][2]int // per first byte, per worker: [lo, hi)
	for b := range spans {
		spans[b] = make([][2]int, len(workers))
	}
	for k, ids := range sorted {
		for i := 0; i < len(ids); {
			b := workers[k].dict.term(ids[i])[0]
			j := i + 1
			for j < len(ids) && workers[k].dict.term(ids[j])[0] == b {
				j++
			}
			spans[b][k] = [2]int{i, j}
			i = j
		}
	}
	var parts [256][]term
	parallel(256, len(workers), func(b int) {
		heads := make([]int, len(workers))
		for k := range heads {
			heads[k] = spans[b][k][0]
		}
		var out []term
		for {
			// the smallest head term
			var least []byte
			for k, ids := range sorted {
				if heads[k] < spans[b][k][1] {
					if t := workers[k].dict.term(ids[heads[k]]); least == nil || bytes.Compare(t, least) < 0 {
						least = t
					}
				}
			}
			if least == nil {
				break
			}
			var acc termAcc
			for k, ids := range sorted {
				if heads[k] < spans[b][k][1] {
					id := ids[heads[k]]
					if bytes.Equal(workers[k].dict.term(id), least) {
						heads[k]++
						a := &workers[k].terms[id]
						acc.df += a.df
						acc.top = mergeByDoc(acc.top, a.top)
					}
				}
			}
			acc.trim()
			out = append(out, term{text: string(least), df: acc.df, posts: acc.top})
		}
		parts[b] = out
	})
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	out := make([]*term, 0, n)
	for _, p := range parts {
		for i := range p {
			out = append(out, &p[i])
		}
	}
	return out
}

// mergeByDoc merges two posting lists in document order (disjoint documents).
func mergeByDoc(a, b []posting) []posting {
	if len(a) == 0 {
		return b
	}
	if len(b) == 0 {
		return a
	}
	out := make([]posting, 0, len(a)+len(b))
	for len(a) > 0 && len(b) > 0 {
		if a[0].doc < b[0].doc {
			out, a = append(out, a[0]), a[1:]
		} else {
			out, b = append(out, b[0]), b[1:]
		}
	}
	return append(append(out, a...), b...)
}
