package related

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"
)

// heavyTail is a synthetic corpus shaped like a large knowledge base:
// 250 keywords, "k000" on ~75% of the items and the others drawn from a
// Zipf law (the most common on ~14% of the items, the rarest on ~0.1%), 3–7
// keywords per item; actors on about a third of the items (80, Zipf), sectors
// on most (16, Zipf); one item in ten names 1–3 related ids, some unknown;
// dates over ten years, so many items share a day.
func heavyTail(n int, seed uint64) []Item {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	kwZipf := rand.NewZipf(rng, 1.1, 10, 248)
	actorZipf := rand.NewZipf(rng, 1.2, 3, 79)
	sectorZipf := rand.NewZipf(rng, 1.3, 2, 15)
	base := time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC)
	items := make([]Item, n)
	for i := range items {
		it := &items[i]
		it.ID = fmt.Sprintf("INC-%07d", rng.IntN(10*n))
		it.Date = base.AddDate(0, 0, rng.IntN(3650))
		c := 3 + rng.IntN(5)
		if rng.IntN(100) < 75 {
			it.Keywords = append(it.Keywords, "k000")
		}
		for len(it.Keywords) < c {
			k := fmt.Sprintf("k%03d", 1+kwZipf.Uint64())
			if !slices.Contains(it.Keywords, k) {
				it.Keywords = append(it.Keywords, k)
			}
		}
		if rng.IntN(3) == 0 {
			for range 1 + rng.IntN(2) {
				it.Actors = append(it.Actors, fmt.Sprintf("actor-%02d", actorZipf.Uint64()))
			}
		}
		if rng.IntN(5) != 0 {
			for range 1 + rng.IntN(2) {
				it.Sectors = append(it.Sectors, fmt.Sprintf("sector-%02d", sectorZipf.Uint64()))
			}
		}
		if rng.IntN(10) == 0 {
			for range 1 + rng.IntN(3) {
				it.Related = append(it.Related, fmt.Sprintf("INC-%07d", rng.IntN(10*n)))
			}
		}
	}
	return items
}

// bruteForce is the reference: every pair scored from the raw items (own
// term numbering, df and sorted term sets), candidates ordered as documented.
func bruteForce(items []Item, n int) [][]int {
	if n <= 0 {
		n = DefaultN
	}
	type key struct {
		k Kind
		s string
	}
	ids := map[key]int{}
	var kinds []Kind
	var df []int
	sets := make([][]int, len(items))
	for i, it := range items {
		for k, list := range [3][]string{it.Keywords, it.Actors, it.Sectors} {
			for _, s := range list {
				if s == "" {
					continue
				}
				t, ok := ids[key{Kind(k), s}]
				if !ok {
					t = len(df)
					ids[key{Kind(k), s}] = t
					df = append(df, 0)
					kinds = append(kinds, Kind(k))
				}
				if !slices.Contains(sets[i], t) {
					sets[i] = append(sets[i], t)
					df[t]++
				}
			}
		}
		slices.Sort(sets[i])
	}
	weight := make([]int64, len(df))
	for t := range df {
		weight[t] = fixedWeight(kinds[t], df[t], len(items))
	}
	score := func(a, b []int) int64 {
		var s int64
		for len(a) > 0 && len(b) > 0 {
			switch {
			case a[0] < b[0]:
				a = a[1:]
			case a[0] > b[0]:
				b = b[1:]
			default:
				s += weight[a[0]]
				a, b = a[1:], b[1:]
			}
		}
		return s
	}
	first := map[string]int{}
	for i := len(items) - 1; i >= 0; i-- {
		first[items[i].ID] = i
	}
	type cand struct {
		j int
		s int64
	}
	before := func(a, b cand) bool { // a ranks before b
		if a.s != b.s {
			return a.s > b.s
		}
		if c := items[a.j].Date.Compare(items[b.j].Date); c != 0 {
			return c > 0
		}
		if items[a.j].ID != items[b.j].ID {
			return items[a.j].ID < items[b.j].ID
		}
		return a.j < b.j
	}
	res := make([][]int, len(items))
	for i, it := range items {
		out := []int{}
		for _, id := range it.Related {
			j, ok := first[id]
			if ok && id != it.ID && j != i && !slices.Contains(out, j) && len(out) < n {
				out = append(out, j)
			}
		}
		var top []cand // best first, at most n-len(out)
		for j := range items {
			if j == i || slices.Contains(out, j) {
				continue
			}
			c := cand{j, score(sets[i], sets[j])}
			if c.s <= 0 {
				continue
			}
			p := len(top)
			for p > 0 && before(c, top[p-1]) {
				p--
			}
			if p < n-len(out) {
				top = slices.Insert(top, p, c)
				top = top[:min(len(top), n-len(out))]
			}
		}
		for _, c := range top {
			out = append(out, c.j)
		}
		res[i] = out
	}
	return res
}

// smallCorpus is a random small corpus: few keywords, one of them on ~75%
// of the items, few distinct dates and ids (so ties and duplicate ids occur).
func smallCorpus(rng *rand.Rand) []Item {
	n := 1 + rng.IntN(80)
	nk := 2 + rng.IntN(14)
	items := make([]Item, n)
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range items {
		it := &items[i]
		it.ID = fmt.Sprintf("id%d", rng.IntN(2*n))
		it.Date = base.AddDate(0, 0, rng.IntN(5))
		if rng.IntN(4) != 0 {
			it.Keywords = append(it.Keywords, "common")
		}
		for range rng.IntN(5) {
			it.Keywords = append(it.Keywords, fmt.Sprintf("k%d", rng.IntN(nk))) // may repeat
		}
		if rng.IntN(5) == 0 {
			it.Keywords = append(it.Keywords, "")
		}
		for range rng.IntN(3) {
			it.Actors = append(it.Actors, fmt.Sprintf("a%d", rng.IntN(4)))
		}
		for range rng.IntN(3) {
			it.Sectors = append(it.Sectors, fmt.Sprintf("k%d", rng.IntN(3))) // same names as keywords
		}
		for range rng.IntN(3) {
			it.Related = append(it.Related, fmt.Sprintf("id%d", rng.IntN(2*n)))
		}
		if rng.IntN(8) == 0 {
			it.Related = append(it.Related, it.ID)
		}
	}
	if rng.IntN(6) == 0 { // a keyword on every item
		for i := range items {
			items[i].Keywords = append(items[i].Keywords, "everywhere")
		}
	}
	return items
}
