package related

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

var day0 = time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)

func day(d int) time.Time { return day0.AddDate(0, 0, d) }

// ids returns the ids of the related items of item i.
func relatedIDs(items []Item, res [][]int, i int) []string {
	var out []string
	for _, j := range res[i] {
		out = append(out, items[j].ID)
	}
	return out
}

func check(t *testing.T, items []Item, opts Options, want map[string][]string) {
	t.Helper()
	res := Compute(items, opts)
	for i, it := range items {
		w, ok := want[it.ID]
		if !ok {
			continue
		}
		if got := relatedIDs(items, res, i); !slices.Equal(got, w) {
			t.Errorf("related of %s = %q, want %q", it.ID, got, w)
		}
	}
}

// fill adds n items carrying only keyword kw, dated long ago, ids z000….
func fill(items []Item, n int, kw string) []Item {
	for i := range n {
		items = append(items, Item{ID: fmt.Sprintf("z%03d", i), Date: day(-1000), Keywords: []string{kw}})
	}
	return items
}

func TestRareKeywordBeatsCommonOne(t *testing.T) {
	items := []Item{
		{ID: "a", Date: day(0), Keywords: []string{"ransomware", "kerberoasting"}},
		{ID: "b", Date: day(-5), Keywords: []string{"kerberoasting"}},         // shares the rare one, older
		{ID: "c", Date: day(5), Keywords: []string{"ransomware", "phishing"}}, // shares the common one, newer
	}
	items = fill(items, 9, "ransomware") // ransomware on 11 of 12 items (92%)
	check(t, items, Options{N: 2}, map[string][]string{"a": {"b", "c"}, "b": {"a"}})

	x := NewIndex(items)
	rare, common := x.Score(0, 1), x.Score(0, 2)
	if want := math.Log(12.0 / 2); math.Abs(rare-want) > 1e-9 {
		t.Errorf("rare weight = %v, want ln(12/2) = %v", rare, want)
	}
	if want := math.Log(12.0 / 11); math.Abs(common-want) > 1e-9 || common > rare/10 {
		t.Errorf("common weight = %v, want ln(12/11) = %v, far below %v", common, want, rare)
	}
}

func TestKeywordOnEveryItemCountsForNothing(t *testing.T) {
	items := []Item{
		{ID: "a", Date: day(0), Keywords: []string{"incident"}},
		{ID: "b", Date: day(1), Keywords: []string{"incident"}},
		{ID: "c", Date: day(2), Keywords: []string{"incident", "x"}},
		{ID: "d", Date: day(3), Keywords: []string{"incident", "x"}},
	}
	check(t, items, Options{}, map[string][]string{"a": nil, "b": nil, "c": {"d"}, "d": {"c"}})
	if s := NewIndex(items).Score(0, 1); s != 0 {
		t.Errorf("score over a keyword on every item = %v, want 0", s)
	}
}

func TestActorsAndSectors(t *testing.T) {
	// kw, actor "apt" and sector "finance" are each on 2 of 8 items: the
	// actor weighs 1.5×, the keyword 1×, the sector 0.5× the same idf.
	items := []Item{
		{ID: "a", Date: day(0), Keywords: []string{"kw"}, Actors: []string{"apt"}, Sectors: []string{"finance"}},
		{ID: "sector", Date: day(3), Sectors: []string{"finance"}, Keywords: []string{"other"}},
		{ID: "keyword", Date: day(2), Keywords: []string{"kw", "other"}},
		{ID: "actor", Date: day(1), Actors: []string{"apt"}, Keywords: []string{"other"}},
		{ID: "e", Date: day(1), Keywords: []string{"other"}},
		{ID: "f", Date: day(1), Keywords: []string{"other"}},
		{ID: "g", Date: day(1), Keywords: []string{"other"}},
		{ID: "h", Date: day(1), Keywords: []string{"other"}},
	}
	check(t, items, Options{}, map[string][]string{"a": {"actor", "keyword", "sector"}})

	x := NewIndex(items)
	idf := math.Log(8.0 / 2)
	for j, want := range map[int]float64{1: 0.5 * idf, 2: idf, 3: 1.5 * idf} {
		if got := x.Score(0, j); math.Abs(got-want) > 1e-9 {
			t.Errorf("Score(a, %s) = %v, want %v", items[j].ID, got, want)
		}
	}
	// A keyword and a sector of the same name are different terms.
	e := x.Explain(1, 2)
	if len(e.Shared) != 1 || e.Shared[0].Kind != Keyword || e.Shared[0].Term != "other" || e.Shared[0].DF != 7 {
		t.Errorf("Explain(sector, keyword) = %+v", e)
	}
}

func TestExplicitRelatedFirstAndCountedInN(t *testing.T) {
	items := []Item{
		{ID: "a", Date: day(0), Keywords: []string{"x"}, Related: []string{"far", "nope", "a", "far", "b"}},
		{ID: "b", Date: day(1), Keywords: []string{"x"}},
		{ID: "c", Date: day(2), Keywords: []string{"x"}},
		{ID: "d", Date: day(3), Keywords: []string{"x"}},
		{ID: "far", Date: day(4), Keywords: []string{"y"}},
		{ID: "g", Date: day(5), Keywords: []string{"y"}},
		{ID: "h", Date: day(6), Keywords: []string{"z"}, Related: []string{"a", "b", "c", "d"}},
	}
	check(t, items, Options{N: 3}, map[string][]string{
		// explicit in author order (unknown, self and the repeat skipped),
		// then the best scored; b is not listed twice.
		"a": {"far", "b", "d"},
		// more explicit ids than N: the first N.
		"h": {"a", "b", "c"},
		"b": {"d", "c", "a"},
	})
	check(t, items, Options{N: 1}, map[string][]string{"a": {"far"}, "b": {"d"}})
}

func TestNeverSelfNeverTwice(t *testing.T) {
	items := []Item{
		{ID: "a", Date: day(0), Keywords: []string{"x", "x", "y"}, Actors: []string{"p", "p"}},
		{ID: "b", Date: day(0), Keywords: []string{"x", "y"}, Actors: []string{"p"}},
		{ID: "c", Date: day(0), Keywords: []string{"q"}},
		{ID: "d", Date: day(0), Keywords: []string{"q"}},
	}
	res := Compute(items, Options{N: 10})
	want := [][]int{{1}, {0}, {3}, {2}}
	if !slices.EqualFunc(res, want, slices.Equal) {
		t.Errorf("Compute = %v, want %v", res, want)
	}
	// Repeated terms count once.
	x := NewIndex(items)
	if got, want := x.Score(0, 1), 2*math.Log(2)+1.5*math.Log(2); math.Abs(got-want) > 1e-9 {
		t.Errorf("Score = %v, want %v", got, want)
	}
	if x.Score(0, 0) != 0 {
		t.Error("an item scores against itself")
	}
}

func TestTiesByDateThenID(t *testing.T) {
	items := []Item{
		{ID: "a", Date: day(0), Keywords: []string{"x"}},
		{ID: "m", Date: day(1), Keywords: []string{"x"}},
		{ID: "b", Date: day(2), Keywords: []string{"x"}},
		{ID: "c", Date: day(2), Keywords: []string{"x"}},
		{ID: "old", Date: day(-9), Keywords: []string{"x"}},
		{ID: "new", Date: day(9), Keywords: []string{"x"}},
		{ID: "o1", Date: day(1), Keywords: []string{"other"}},
		{ID: "o2", Date: day(1), Keywords: []string{"other"}},
	}
	check(t, items, Options{N: 4}, map[string][]string{
		"a":   {"new", "b", "c", "m"},
		"new": {"b", "c", "m", "a"},
	})
	// The same date in another zone is the same instant: the id decides.
	loc := time.FixedZone("X", 5*3600)
	items[3].Date = items[3].Date.In(loc)
	check(t, items, Options{N: 4}, map[string][]string{"a": {"new", "b", "c", "m"}})
}

func TestEmptyAndTiny(t *testing.T) {
	if res := Compute(nil, Options{}); len(res) != 0 {
		t.Errorf("Compute(nil) = %v", res)
	}
	res := Compute([]Item{{ID: "a", Keywords: []string{"x"}, Related: []string{"a"}}}, Options{})
	if len(res) != 1 || len(res[0]) != 0 {
		t.Errorf("Compute(one item) = %v", res)
	}
}

// TestBruteForce compares Compute with the exhaustive reference on many
// random small corpora, under every MaxScan: lists not reported inexact must
// be identical, and inexact ones must be an exact top-k of a subset.
func TestBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	rounds := 1500
	if testing.Short() {
		rounds = 300
	}
	inexact := 0
	for round := range rounds {
		items := smallCorpus(rng)
		n := 1 + rng.IntN(6)
		want := bruteForce(items, n)
		x := newIndex(items, []int{0, 2, 64}[rng.IntN(3)])
		for _, maxScan := range []int{-1, 0, 1, 2, 5, 20} {
			opts := Options{N: n, Workers: 1 + rng.IntN(3), MaxScan: maxScan}
			got, st := x.Compute(opts)
			if maxScan < 0 || maxScan >= len(items) {
				if len(st.Inexact) > 0 {
					t.Fatalf("round %d, MaxScan %d >= %d items: inexact %v", round, maxScan, len(items), st.Inexact)
				}
			}
			for i := range items {
				if slices.Contains(st.Inexact, i) {
					inexact++
					checkDominated(t, x, items, got[i], want[i], i)
					continue
				}
				if !slices.Equal(got[i], want[i]) {
					t.Fatalf("round %d, N %d, MaxScan %d, item %d (%s):\n got %v\nwant %v\nitems %+v",
						round, n, maxScan, i, items[i].ID, got[i], want[i], items)
				}
			}
		}
	}
	t.Logf("%d inexact lists (checked for dominance)", inexact)
}

// checkDominated checks an inexact list: the explicit part is exact, and the
// scored part is ordered and position by position no better than the exact
// one (it is the top k of a subset of the candidates).
func checkDominated(t *testing.T, x *Index, items []Item, got, want []int, i int) {
	t.Helper()
	ne := x.exOff[i+1] - x.exOff[i]
	ne = min(ne, len(want))
	if len(got) < ne || !slices.Equal(got[:ne], want[:ne]) {
		t.Fatalf("item %d: explicit part %v, want %v", i, got, want)
	}
	key := func(j int) entry { return entry{int64(math.Round(x.Score(i, j) * fixedScale)), x.rank[j]} }
	for p := ne; p < len(got); p++ {
		if key(got[p]).s <= 0 || slices.Contains(got[:p], got[p]) || got[p] == i {
			t.Fatalf("item %d: bad list %v", i, got)
		}
		if p > ne && key(got[p]).beats(key(got[p-1])) {
			t.Fatalf("item %d: list %v out of order", i, got)
		}
		if p < len(want) && key(got[p]).beats(key(want[p])) {
			t.Fatalf("item %d: list %v beats the exact %v", i, got, want)
		}
	}
}

// TestOneCommonTermLeftIsExact: when the merge phase is left with a single
// term (here the keyword on 75% of the items), it stops after at most N new
// items, so even a tiny MaxScan gives exact lists.
func TestOneCommonTermLeftIsExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const n = 4000
	items := make([]Item, n)
	for i := range items {
		it := &items[i]
		it.ID = fmt.Sprintf("i%04d", i)
		it.Date = day(rng.IntN(100))
		if rng.IntN(4) != 0 {
			it.Keywords = append(it.Keywords, "common")
		}
		it.Keywords = append(it.Keywords, fmt.Sprintf("r%d", rng.IntN(n/2))) // df ~2
		if rng.IntN(3) == 0 {
			it.Sectors = append(it.Sectors, fmt.Sprintf("s%d", rng.IntN(n/3)))
		}
	}
	want := bruteForce(items, 5)
	got, st := NewIndex(items).Compute(Options{MaxScan: 20})
	if len(st.Inexact) > 0 {
		t.Errorf("inexact: %d items", len(st.Inexact))
	}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Error("differs from brute force")
	}
	// Far fewer postings read than the 3000-long list per item.
	if per := st.Postings / n; per > 100 {
		t.Errorf("%d postings read per item", per)
	}
}

func TestDeterministicAcrossWorkers(t *testing.T) {
	items := heavyTail(5000, 7)
	x := NewIndex(items)
	for _, maxScan := range []int{0, 50} {
		ref, refStats := x.Compute(Options{Workers: 1, MaxScan: maxScan})
		for _, w := range []int{2, 8} {
			got, st := x.Compute(Options{Workers: w, MaxScan: maxScan})
			if !slices.EqualFunc(got, ref, slices.Equal) {
				t.Errorf("MaxScan %d: Workers %d differs from Workers 1", maxScan, w)
			}
			if !slices.Equal(st.Inexact, refStats.Inexact) || st.Postings != refStats.Postings {
				t.Errorf("MaxScan %d: Workers %d: stats differ", maxScan, w)
			}
		}
		if maxScan == 50 && len(refStats.Inexact) == 0 {
			t.Error("MaxScan 50 should leave some lists inexact (test does not exercise the bound)")
		}
	}
}

// TestHeavyTail compares Compute with brute force on a 4,000-item
// heavy-tail corpus: exact under the default bound (4,000 <= MaxScan) and,
// under small bounds, exact wherever not reported inexact.
func TestHeavyTail(t *testing.T) {
	if testing.Short() {
		t.Skip("brute force over 4,000 items")
	}
	items := heavyTail(4000, 11)
	want := bruteForce(items, 5)
	for _, freqBits := range []int{64, 8} {
		x := newIndex(items, freqBits)
		for _, maxScan := range []int{0, 1000, 200, 30} {
			got, st := x.Compute(Options{MaxScan: maxScan})
			if maxScan == 0 && len(st.Inexact) > 0 {
				t.Errorf("default MaxScan: %d inexact lists", len(st.Inexact))
			}
			for i := range items {
				if slices.Contains(st.Inexact, i) {
					checkDominated(t, x, items, got[i], want[i], i)
				} else if !slices.Equal(got[i], want[i]) {
					t.Fatalf("freqBits %d, MaxScan %d, item %d: got %v, want %v", freqBits, maxScan, i, got[i], want[i])
				}
			}
			t.Logf("freqBits %d, MaxScan %d: %d inexact, %d postings/item", freqBits, maxScan, len(st.Inexact), st.Postings/int64(len(items)))
		}
	}
}

// TestWorkIsBounded: an adversarial corpus where exactness would need most
// of a huge posting list per page (two common keywords that rarely meet)
// still reads O(MaxScan) postings per page, and reports the pages it cut.
func TestWorkIsBounded(t *testing.T) {
	const n, maxScan = 20000, 300
	items := make([]Item, n)
	for i := range items {
		it := &items[i]
		it.ID = fmt.Sprintf("i%05d", i)
		it.Date = day(-i / 10)
		switch {
		case i >= n-n/100: // the oldest 1%
			it.Keywords = []string{"a", "b"}
		case i%4 == 0:
			it.Keywords = []string{"b"}
		default:
			it.Keywords = []string{"a"}
		}
	}
	_, st := NewIndex(items).Compute(Options{MaxScan: maxScan, Workers: 2})
	if per := st.Postings / n; per > 3*maxScan {
		t.Errorf("%d postings per page, want <= %d", per, 3*maxScan)
	}
	// Pages with both keywords look for the other pages with both, the
	// oldest 1%, in vain past maxScan new pages.
	if len(st.Inexact) == 0 {
		t.Error("no page reported inexact")
	}
	for _, i := range st.Inexact {
		if len(items[i].Keywords) != 2 {
			t.Fatalf("page %d (keywords %v) reported inexact", i, items[i].Keywords)
		}
	}
	t.Logf("%d postings per page, %d inexact", st.Postings/n, len(st.Inexact))
}
