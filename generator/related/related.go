// Package related chooses the "related incidents" of every incident page.
//
// # Scoring
//
// Every keyword, actor and sector is a term. A term t on df(t) of the n
// incidents weighs
//
//	weight(t) = factor(kind) × ln(n / df(t))
//
// with factor 1 for keywords, 1.5 for actors and 0.5 for sectors (keywords,
// actors and sectors are separate term spaces: the keyword "lazarus" and the
// actor "lazarus" are two terms with their own df). A term on every incident
// weighs 0; one on 76% of them weighs 0.27, one on 1% weighs 4.6. The score of
// a pair is the sum of the weights of the terms the two incidents share.
// Weights are rounded to multiples of 2⁻³² and summed as integers, so a score
// does not depend on the order of its terms and equal scores are exactly
// equal.
//
// A page lists its explicit `related:` incidents first, in author order
// (unknown ids, the incident itself and repeats are skipped), then the
// incidents with the best positive scores, ties broken by newer date, then
// smaller id (byte-wise; then input order), up to N in all.
//
// # Search
//
// Compute never compares all pairs. Posting lists (the incidents carrying a
// term) are sorted in tie-break order, newest first. For an incident a:
//
// Phase 1 takes a's terms by descending weight and reads each posting list
// whole while a new incident can still enter the top k (k = N minus the
// explicit ones): an incident first met on the list of the j-th term shares
// none of the heavier terms, so it scores at most the summed weights from the
// j-th term on; once that bound is below the k-th best score so far (or equal
// to it, for incidents that lose the date tie), no new incident is admitted.
// The lists of the lighter terms left are then read only to complete the
// scores of the incidents already met. (The 64 most frequent terms are never
// accumulated: a per-posting bit mask gives their part of a score directly.)
// This phase is exact.
//
// When the next list would take the postings read for a beyond
// Options.MaxScan, phase 2 merges the remaining (light, common) lists document
// at a time in tie-break order, reads only the lists that can still lift an
// incident above the k-th best (MaxScore's "essential" lists) and stops as
// soon as no unread incident can enter the top k. That is exact too, and it
// ends after at most k new incidents when a single term is left to merge, the
// usual case of a keyword on most pages. Only when phase 2 examines more than
// MaxScan new incidents does it stop early: the page is then reported in
// Stats.Inexact, and its list is the exact top k among the incidents that
// share one of a's phase-1 terms or are newer than where the merge stopped.
// With MaxScan < 0, or a corpus of at most MaxScan incidents, every list is
// exact. Each page costs O(terms × MaxScan) at most, so Compute is linear in
// the number of incidents for a bounded number of terms per incident.
package related

import (
	"cmp"
	"math"
	"slices"
	"time"
)

// Item is one incident as the related-incidents search sees it. IDs should
// be unique; if not, a `related:` id names the first item with it.
type Item struct {
	ID       string
	Date     time.Time
	Keywords []string // already normalised (slugs); may repeat across items
	Actors   []string // normalised
	Sectors  []string // normalised
	Related  []string // explicit related ids, in author order; unknown ids and the item's own are ignored
}

// Options tune Compute. The zero value is ready to use.
type Options struct {
	N       int // related incidents per page, explicit ones included; <= 0 means DefaultN
	Workers int // goroutines; <= 0 means GOMAXPROCS
	// MaxScan bounds the work per page: the postings read whole, and the new
	// incidents examined by the final merge, each at most MaxScan. 0 means
	// DefaultMaxScan; < 0 means no bound (always exact, quadratic at worst).
	MaxScan int
}

// Defaults and the weight factors of the three term spaces.
//
// DefaultMaxScan keeps every list exact up to 16,384 incidents, and nearly
// every list beyond (one page in 100,000 on the heavy-tail benchmark corpus),
// while bounding a page's work.
//
// A shared actor (the same threat group) is the strongest sign that two
// incidents belong together, and actors are few per incident and curated:
// factor 1.5. A shared sector says little (there are a dozen or so, and
// victims in one sector are rarely otherwise linked): factor 0.5, so a
// sector never outweighs a keyword as frequent as itself.
const (
	DefaultN       = 5
	DefaultMaxScan = 16384

	KeywordFactor = 1.0
	ActorFactor   = 1.5
	SectorFactor  = 0.5
)

// Kind is the term space of a term.
type Kind uint8

// The term spaces.
const (
	Keyword Kind = iota
	Actor
	Sector
)

func (k Kind) String() string {
	switch k {
	case Keyword:
		return "keyword"
	case Actor:
		return "actor"
	case Sector:
		return "sector"
	}
	return "unknown"
}

// Factor is the weight factor of the term space.
func (k Kind) Factor() float64 {
	switch k {
	case Actor:
		return ActorFactor
	case Sector:
		return SectorFactor
	}
	return KeywordFactor
}

// fixedScale is the fixed-point unit of weights and scores.
const fixedScale = 1 << 32

// fixedWeight is the weight of a term on df of n items, in units of 2⁻³².
func fixedWeight(k Kind, df, n int) int64 {
	if df <= 0 || df >= n {
		return 0
	}
	return int64(math.Round(k.Factor() * math.Log(float64(n)/float64(df)) * fixedScale))
}

// Index holds the terms, weights and posting lists of a corpus. It is
// immutable once built and safe for concurrent use.
type Index struct {
	n      int
	rank   []int32 // item index → rank in tie-break order (newest first, then id)
	byRank []int32 // rank → item index

	kind   []Kind   // by term id
	name   []string // by term id
	df     []int32  // by term id
	weight []int64  // by term id, fixed point

	postOff  []int    // term id → start in post; len = terms+1
	post     []int32  // ranks, ascending, of the items of each searchable term
	postMask []uint64 // parallel to post: the item's frequent-term bits (below)

	qOff []int   // rank → start in q; len = n+1
	q    []int32 // searchable terms (weight > 0, df >= 2) of each item, heaviest first

	// The (at most 64) searchable terms with the largest df each have a bit.
	bit []int8 // by term id; -1 when the term has none

	allOff []int   // item index → start in all; len = n+1
	all    []int32 // every term of each item, by term id

	exOff []int   // item index → start in ex; len = n+1
	ex    []int32 // resolved explicit related items, author order
}

// NewIndex builds the index of items.
func NewIndex(items []Item) *Index { return newIndex(items, 64) }

// newIndex builds the index, giving a bit to at most freqBits (<= 64) terms.
func newIndex(items []Item, freqBits int) *Index {
	n := len(items)
	x := &Index{n: n}

	// Tie-break order: newer date first, then smaller id, then input order.
	x.byRank = make([]int32, n)
	for i := range x.byRank {
		x.byRank[i] = int32(i)
	}
	slices.SortFunc(x.byRank, func(a, b int32) int {
		if c := items[b].Date.Compare(items[a].Date); c != 0 {
			return c
		}
		if c := cmp.Compare(items[a].ID, items[b].ID); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	x.rank = make([]int32, n)
	for r, i := range x.byRank {
		x.rank[i] = int32(r)
	}

	// Intern terms (first seen, first numbered) and collect each item's
	// distinct terms.
	var dict [3]map[string]int32
	for k := range dict {
		dict[k] = map[string]int32{}
	}
	var lastItem []int32 // by term id: last item index that had it, +1
	x.allOff = make([]int, n+1)
	for i := range items {
		for k, list := range [3][]string{items[i].Keywords, items[i].Actors, items[i].Sectors} {
			for _, s := range list {
				if s == "" {
					continue
				}
				t, ok := dict[k][s]
				if !ok {
					t = int32(len(x.name))
					dict[k][s] = t
					x.name = append(x.name, s)
					x.kind = append(x.kind, Kind(k))
					x.df = append(x.df, 0)
					lastItem = append(lastItem, 0)
				}
				if lastItem[t] == int32(i)+1 {
					continue
				}
				lastItem[t] = int32(i) + 1
				x.df[t]++
				x.all = append(x.all, t)
			}
		}
		slices.Sort(x.all[x.allOff[i]:])
		x.allOff[i+1] = len(x.all)
	}
	nt := len(x.name)
	x.weight = make([]int64, nt)
	for t := range x.weight {
		x.weight[t] = fixedWeight(x.kind[t], int(x.df[t]), n)
	}
	searchable := func(t int32) bool { return x.df[t] >= 2 && x.weight[t] > 0 }

	// Posting lists in rank order, and per-rank query term lists.
	x.postOff = make([]int, nt+1)
	for t := range nt {
		l := 0
		if searchable(int32(t)) {
			l = int(x.df[t])
		}
		x.postOff[t+1] = x.postOff[t] + l
	}
	x.post = make([]int32, x.postOff[nt])
	fill := slices.Clone(x.postOff[:nt])
	x.qOff = make([]int, n+1)
	x.q = make([]int32, 0, len(x.all))
	for r, i := range x.byRank {
		start := len(x.q)
		for _, t := range x.all[x.allOff[i]:x.allOff[i+1]] {
			if !searchable(t) {
				continue
			}
			x.post[fill[t]] = int32(r)
			fill[t]++
			x.q = append(x.q, t)
		}
		slices.SortFunc(x.q[start:], func(a, b int32) int {
			if c := cmp.Compare(x.weight[b], x.weight[a]); c != 0 {
				return c
			}
			return cmp.Compare(a, b)
		})
		x.qOff[r+1] = len(x.q)
	}

	// Bits of the most frequent terms.
	x.bit = make([]int8, nt)
	freq := make([]int32, 0, nt)
	for t := range nt {
		x.bit[t] = -1
		if searchable(int32(t)) {
			freq = append(freq, int32(t))
		}
	}
	slices.SortFunc(freq, func(a, b int32) int {
		if c := cmp.Compare(x.df[b], x.df[a]); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	for b, t := range freq[:min(len(freq), freqBits)] {
		x.bit[t] = int8(b)
	}
	copy(fill, x.postOff[:nt])
	x.postMask = make([]uint64, len(x.post))
	for r := range n {
		var mask uint64
		for _, t := range x.q[x.qOff[r]:x.qOff[r+1]] {
			if b := x.bit[t]; b >= 0 {
				mask |= 1 << b
			}
		}
		for _, t := range x.q[x.qOff[r]:x.qOff[r+1]] {
			x.postMask[fill[t]] = mask
			fill[t]++
		}
	}

	// Explicit related items.
	byID := make(map[string]int32, n)
	for i := n - 1; i >= 0; i-- { // the first item with an id wins
		byID[items[i].ID] = int32(i)
	}
	x.exOff = make([]int, n+1)
	for i := range items {
		start := len(x.ex)
	ids:
		for _, id := range items[i].Related {
			j, ok := byID[id]
			if !ok || id == items[i].ID || int(j) == i {
				continue
			}
			for _, e := range x.ex[start:] {
				if e == j {
					continue ids
				}
			}
			x.ex = append(x.ex, j)
		}
		x.exOff[i+1] = len(x.ex)
	}
	return x
}

// Len is the number of items.
func (x *Index) Len() int { return x.n }

// Compute returns, for each item i, the indices of its related items, best
// first: explicit related items in author order, then the best scored ones,
// at most N in all. See the package documentation.
func Compute(items []Item, opts Options) [][]int {
	res, _ := NewIndex(items).Compute(opts)
	return res
}

// Shared is one term two items share.
type Shared struct {
	Kind   Kind
	Term   string
	DF     int     // items carrying the term
	Weight float64 // factor × ln(n/df), as rounded for scoring
}

// Explanation is the score of a pair and the terms behind it.
type Explanation struct {
	Score  float64
	Shared []Shared // heaviest first, then by kind and term
}

// Explain returns the score of items a and b and the shared terms that make
// it. The score of an item with itself is 0: it is never related to itself.
func (x *Index) Explain(a, b int) Explanation {
	var e Explanation
	if a == b {
		return e
	}
	ta, tb := x.all[x.allOff[a]:x.allOff[a+1]], x.all[x.allOff[b]:x.allOff[b+1]]
	var sum int64
	for len(ta) > 0 && len(tb) > 0 {
		switch {
		case ta[0] < tb[0]:
			ta = ta[1:]
		case ta[0] > tb[0]:
			tb = tb[1:]
		default:
			t := ta[0]
			sum += x.weight[t]
			e.Shared = append(e.Shared, Shared{x.kind[t], x.name[t], int(x.df[t]), float64(x.weight[t]) / fixedScale})
			ta, tb = ta[1:], tb[1:]
		}
	}
	slices.SortStableFunc(e.Shared, func(p, q Shared) int {
		if c := cmp.Compare(q.Weight, p.Weight); c != 0 {
			return c
		}
		if c := cmp.Compare(p.Kind, q.Kind); c != 0 {
			return c
		}
		return cmp.Compare(p.Term, q.Term)
	})
	e.Score = float64(sum) / fixedScale
	return e
}

// Score is the score of items a and b: the summed weights of their shared
// terms (Explain(a, b).Score).
func (x *Index) Score(a, b int) float64 { return x.Explain(a, b).Score }
