package related

import (
	"math"
	"math/bits"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
)

// Stats describes a Compute run.
type Stats struct {
	// Inexact lists, ascending, the items whose scored part may differ from
	// an exhaustive search because the final merge hit Options.MaxScan.
	Inexact []int
	// Postings is the number of posting entries read, a measure of work.
	Postings int64
}

// entry is a scored candidate: its fixed-point score and its rank.
type entry struct {
	s int64
	r int32
}

// beats reports whether e ranks before f: higher score, then lower rank.
func (e entry) beats(f entry) bool { return e.s > f.s || e.s == f.s && e.r < f.r }

// Compute returns the related items of every item and statistics about the
// search. The result does not depend on opts.Workers.
func (x *Index) Compute(opts Options) ([][]int, Stats) {
	n := x.n
	if opts.N <= 0 {
		opts.N = DefaultN
	}
	if opts.Workers <= 0 {
		opts.Workers = runtime.GOMAXPROCS(0)
	}
	switch {
	case opts.MaxScan == 0:
		opts.MaxScan = DefaultMaxScan
	case opts.MaxScan < 0:
		opts.MaxScan = math.MaxInt
	}
	const chunk = 64
	workers := min(opts.Workers, (n+chunk-1)/chunk)
	workers = max(workers, 1)

	res := make([][]int, n)
	inexact := make([]bool, n)
	var next atomic.Int64
	var postings atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := newWorker(x, opts)
			var buf []int
			var ends [chunk]int
			for {
				start := int(next.Add(chunk)) - chunk
				if start >= n {
					break
				}
				stop := min(start+chunk, n)
				buf = buf[:0]
				for i := start; i < stop; i++ {
					buf, inexact[i] = w.item(i, buf)
					ends[i-start] = len(buf)
				}
				// One exact-size allocation per chunk.
				arena := slices.Clone(buf)
				from := 0
				for i := start; i < stop; i++ {
					to := ends[i-start]
					res[i] = arena[from:to:to]
					from = to
				}
			}
			postings.Add(w.postings)
		}()
	}
	wg.Wait()

	st := Stats{Postings: postings.Load()}
	for i, b := range inexact {
		if b {
			st.Inexact = append(st.Inexact, i)
		}
	}
	return res, st
}

// worker is the scratch space of one goroutine.
type worker struct {
	x       *Index
	n       int // opts.N
	maxScan int
	wq      []int64 // term id → weight while the term is one of the query's, else 0
	fw      [64]int64
	qmask   uint64   // bits of the query's frequent terms; fw holds their weights
	met     []uint64 // bitset by rank: the query item, its explicit items, candidates
	cands   []int32  // ranks met in phase 1
	csc     []int64  // parallel to cands: score so far
	slot    []int32  // by rank: index in cands of a met rank, -1 for excluded ones
	top     []entry  // exact scores, best first, at most k
	ptop    []entry  // scores so far (phase 1), best first, at most k
	suf     []int64
	cur     []int
	end     []int

	postings int64
}

func newWorker(x *Index, opts Options) *worker {
	return &worker{
		x:       x,
		n:       opts.N,
		maxScan: opts.MaxScan,
		wq:      make([]int64, len(x.weight)),
		met:     make([]uint64, (x.n+63)/64),
		slot:    make([]int32, x.n),
		top:     make([]entry, 0, opts.N),
		ptop:    make([]entry, 0, opts.N),
	}
}

func (w *worker) isMet(r int32) bool { return w.met[r>>6]&(1<<(r&63)) != 0 }
func (w *worker) setMet(r int32)     { w.met[r>>6] |= 1 << (r & 63) }
func (w *worker) unsetMet(r int32)   { w.met[r>>6] &^= 1 << (r & 63) }

// score is the exact score of the item at rank r against the current query.
func (w *worker) score(r int32) int64 {
	x := w.x
	var s int64
	for _, t := range x.q[x.qOff[r]:x.qOff[r+1]] {
		s += w.wq[t]
	}
	return s
}

// accumulate adds weight wt to the candidates on posting list pl.
func (w *worker) accumulate(pl []int32, wt int64, k int) {
	for _, r := range pl {
		if w.isMet(r) {
			if i := w.slot[r]; i >= 0 {
				w.csc[i] += wt
				w.raise(entry{w.csc[i], r}, k)
			}
		}
	}
	w.postings += int64(len(pl))
}

// insert puts e into the best-first list top of at most k entries if it
// belongs there.
func insert(top []entry, e entry, k int) []entry {
	if e.s <= 0 {
		return top
	}
	if len(top) == k {
		if !e.beats(top[k-1]) {
			return top
		}
		top = top[:k-1]
	}
	i := len(top)
	top = append(top, e)
	for ; i > 0 && e.beats(top[i-1]); i-- {
		top[i] = top[i-1]
	}
	top[i] = e
	return top
}

// raise records that the partial score of rank e.r grew to e.s, keeping
// w.ptop the best k partial scores.
func (w *worker) raise(e entry, k int) {
	top := w.ptop
	if len(top) == k && !e.beats(top[k-1]) && top[k-1].r != e.r {
		return
	}
	for i := range top {
		if top[i].r == e.r {
			top[i] = e
			for ; i > 0 && e.beats(top[i-1]); i-- {
				top[i], top[i-1] = top[i-1], top[i]
			}
			return
		}
	}
	w.ptop = insert(top, e, k)
}

// item appends the related items of item i to buf and reports whether the
// scored part may be inexact.
func (w *worker) item(i int, buf []int) ([]int, bool) {
	x := w.x
	base := len(buf)
	for _, e := range x.ex[x.exOff[i]:x.exOff[i+1]] {
		if len(buf)-base == w.n {
			break
		}
		buf = append(buf, int(e))
	}
	out := buf[base:]
	k := w.n - len(out)
	ra := x.rank[i]
	qa := x.q[x.qOff[ra]:x.qOff[ra+1]]
	if k == 0 || len(qa) == 0 {
		return buf, false
	}

	w.setMet(ra)
	w.slot[ra] = -1
	for _, e := range out {
		w.setMet(x.rank[e])
		w.slot[x.rank[e]] = -1
	}
	w.qmask = 0
	for _, t := range qa {
		w.wq[t] = x.weight[t]
		if b := x.bit[t]; b >= 0 {
			w.qmask |= 1 << b
			w.fw[b] = x.weight[t]
		}
	}
	m := len(qa)
	if cap(w.suf) < m+1 {
		w.suf = make([]int64, m+1)
	}
	suf := w.suf[:m+1]
	suf[m] = 0
	for j := m - 1; j >= 0; j-- {
		suf[j] = suf[j+1] + x.weight[qa[j]]
	}

	inexact := w.search(qa, suf, k)

	for _, t := range qa {
		w.wq[t] = 0
	}
	if len(w.cands) > len(w.met)/4 {
		clear(w.met)
	} else {
		for _, r := range w.cands {
			w.unsetMet(r)
		}
	}
	w.unsetMet(ra)
	for _, e := range out {
		w.unsetMet(x.rank[e])
	}
	for _, e := range w.top {
		buf = append(buf, int(x.byRank[e.r]))
	}
	return buf, inexact
}

// threshold is the k-th best score so far and its rank, or (-1, -1) while
// there are fewer than k: an item scoring at most s at a rank after r cannot
// enter the top k.
func (w *worker) threshold(k int) (s int64, r int32) {
	if len(w.ptop) < k {
		return -1, -1
	}
	return w.ptop[k-1].s, w.ptop[k-1].r
}

// closed reports whether an item that scores at most bound, at rank r or
// later, can no longer enter top, a best-first list of k entries.
func closed(top []entry, k int, bound int64, r int32) bool {
	if len(top) < k {
		return false
	}
	th := top[k-1]
	return bound < th.s || bound == th.s && r > th.r
}

// search fills w.top with the best k items for the query terms qa (heaviest
// first; suf[j] is the summed weight of qa[j:]) and reports whether the
// result may be inexact.
//
// A candidate's score has two parts: its frequent terms (those with a bit),
// computed from the posting's mask when it is first met, and its other
// terms, accumulated list by list.
func (w *worker) search(qa []int32, suf []int64, k int) bool {
	x := w.x
	m := len(qa)
	w.top, w.ptop = w.top[:0], w.ptop[:0]
	w.cands, w.csc = w.cands[:0], w.csc[:0]

	// Phase 1: read posting lists whole, heaviest term first, while an item
	// first met there could still enter the top k, judged against the k-th
	// best score so far (a lower bound of the k-th best score).
	budget := w.maxScan
	j := 0    // first list not read whole
	done := 0 // lists qa[:done] need no more reading
	merge := false
	thS, thR := w.threshold(k)
	met, qmask, fw := w.met, w.qmask, &w.fw
lists:
	for ; j < m; j++ {
		done = j
		sj := suf[j]
		if sj < thS {
			break
		}
		t := qa[j]
		off, lim := x.postOff[t], x.postOff[t+1]
		if lim-off > budget {
			merge = true
			break
		}
		budget -= lim - off
		wt := x.weight[t]
		if x.bit[t] >= 0 {
			wt = 0 // counted by the mask
		}
		pl, masks := x.post[off:lim], x.postMask[off:lim]
		for n, r := range pl {
			if sj < thS || sj == thS && r > thR { // closed, and so are all lighter lists
				w.postings += int64(n)
				if wt > 0 {
					w.accumulate(pl[n:], wt, k)
				}
				done = j + 1
				break lists
			}
			word, bit := r>>6, uint64(1)<<(r&63)
			if met[word]&bit == 0 {
				met[word] |= bit
				w.slot[r] = int32(len(w.cands))
				s := wt
				for mm := masks[n] & qmask; mm != 0; mm &= mm - 1 {
					s += fw[bits.TrailingZeros64(mm)]
				}
				w.cands = append(w.cands, r)
				w.csc = append(w.csc, s)
				if s > thS || s == thS && r < thR {
					w.raise(entry{s, r}, k)
					thS, thR = w.threshold(k)
				}
			} else if wt > 0 {
				if i := w.slot[r]; i >= 0 {
					w.csc[i] += wt
					w.raise(entry{w.csc[i], r}, k)
					thS, thR = w.threshold(k)
				}
			}
		}
		w.postings += int64(len(pl))
		done = j + 1
	}

	// Complete the scores with the lists qa[done:] not read yet or, for
	// lists over the budget, score exactly the candidates that need it.
	var unread int64
	for _, t := range qa[done:] {
		if x.bit[t] >= 0 {
			continue
		}
		pl := x.post[x.postOff[t]:x.postOff[t+1]]
		if len(pl) > budget {
			unread += x.weight[t]
			continue
		}
		budget -= len(pl)
		w.accumulate(pl, x.weight[t], k)
	}
	if unread == 0 { // the scores are complete: ptop is the top k
		w.top = append(w.top, w.ptop...)
	} else {
		for i, r := range w.cands {
			if closed(w.top, k, w.csc[i]+unread, r) {
				continue
			}
			w.top = insert(w.top, entry{w.score(r), r}, k)
		}
	}
	if !merge {
		return false
	}

	// Phase 2: merge the lists of the lighter terms qa[j:] in rank order.
	// Lists lighter[e:] are non-essential: an item only on them scores at
	// most suf[j+e] < the k-th best score, so they are never read; an item
	// on an essential list at rank >= p scores at most bound (below).
	lighter := qa[j:]
	w.cur, w.end = w.cur[:0], w.end[:0]
	for _, t := range lighter {
		w.cur = append(w.cur, x.postOff[t])
		w.end = append(w.end, x.postOff[t+1])
	}
	cur, end := w.cur, w.end
	e := len(lighter)
	fresh := 0
	for {
		if len(w.top) == k {
			for e > 0 && suf[j+e-1] < w.top[k-1].s {
				e--
			}
		}
		p := int32(math.MaxInt32)
		bound := suf[j+e]
		for l := range e {
			if cur[l] < end[l] {
				bound += x.weight[lighter[l]]
				p = min(p, x.post[cur[l]])
			}
		}
		if p == math.MaxInt32 || closed(w.top, k, bound, p) {
			return false
		}
		ub := suf[j+e]
		for l := range e {
			if cur[l] < end[l] && x.post[cur[l]] == p {
				ub += x.weight[lighter[l]]
				cur[l]++
				w.postings++
			}
		}
		if w.isMet(p) {
			continue
		}
		fresh++
		if fresh > w.maxScan {
			return true
		}
		if closed(w.top, k, ub, p) {
			continue
		}
		w.top = insert(w.top, entry{w.score(p), p}, k)
	}
}
