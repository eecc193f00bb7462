package search

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// nodePath returns the node binary; without one the test is skipped, unless
// CI=true, where it fails.
func nodePath(t *testing.T) string {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("node is needed for the search.js tests (CI=true)")
		}
		t.Skip("node not found; the search.js tests need it")
	}
	return node
}

type jsQuery struct {
	Q      string
	Mode   string
	Count  int
	All    int // results matching every word
	Capped bool
	Files  []string
	Terms  []struct {
		T      string
		Prefix bool
		Parts  []string
	}
	Top []struct {
		Doc     int
		Score   float64
		URL     string
		Title   [][2]any
		Summary [][2]any
	}
}

type jsOutput struct {
	Tokens  [][]string
	Queries []jsQuery
}

// runJS writes the index files into a temporary site folder and runs the
// harness.
func runJS(t *testing.T, files map[string][]byte, tokenize, queries []string) jsOutput {
	t.Helper()
	node := nodePath(t)
	dir := t.TempDir()
	for p, b := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	input, _ := json.Marshal(map[string][]string{"tokenize": tokenize, "queries": queries})
	js, _ := filepath.Abs("../../static/js/search.js")
	cmd := exec.Command(node, "testdata/harness.js", js, dir)
	cmd.Stdin = bytes.NewReader(input)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, stderr.String())
	}
	var res jsOutput
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("harness output: %v\n%.500s", err, out)
	}
	return res
}

// marked returns the highlighted pieces of a [[text, marked]...] list, and
// checks that the pieces make up the original text.
func marked(t *testing.T, pieces [][2]any, original string) []string {
	t.Helper()
	var all strings.Builder
	var out []string
	for _, p := range pieces {
		s, _ := p[0].(string)
		all.WriteString(s)
		if m, _ := p[1].(bool); m {
			out = append(out, s)
		}
	}
	if all.String() != original {
		t.Errorf("highlight pieces %q do not make up %q", all.String(), original)
	}
	return out
}

// tokenizerSamples are strings both tokenisers must agree on: the table of
// TestTokens, every folded letter (and its capital), and random mixes of
// awkward characters.
func tokenizerSamples() []string {
	var out []string
	for r, f := range foldTable {
		_ = f
		out = append(out, "x"+string(r)+"y "+strings.ToUpper(string(r))+"ab")
	}
	slices.Sort(out)
	out = append(out,
		"Hello, World! CVE-2021-44228 T1566.001 log4j zero-day e-mail a--b x..y",
		"Microsoft's Café Müller Straße Æsir Œuvre ĞÜŞ cafe\u0301 ΣΟΦΙΑ σοφίας İstanbul ẞ KELVIN\u212a",
		"日本の防衛 防 log4j脆弱性 サーバー攻撃 한국 해킹 2021年12月 हिन्दी भाषा",
		"srv-db01.corp.example a-b-c-d-e-f-g-h "+strings.Repeat("ab", 40)+" "+strings.Repeat("é", 70),
		"x<script>y</script> \u2028 \U0001F600emoji\U0001F600 ①②③ ½ ﬁne Ⅻ ＡＢＣ１２３ ｶﾀｶﾅ",
		"the and of to in — then 'quoted' \"double\" end-to-end 1.2.3 v2_0 __init__ -lead trail-",
	)
	pool := []rune("aAbBzZ09 -._,'’!?\t\néÉßüÜçøÆœıİĞ\u0301\u0308日本語のテストーカ한국Σσςабвгд\u0915\u093f\u094d\u0937\U0001F600\U00020000①½\u212a\u2028ﬁＡ１")
	r := rand.New(rand.NewPCG(7, 7))
	for i := 0; i < 400; i++ {
		var b strings.Builder
		for k := 0; k < 5+r.IntN(40); k++ {
			b.WriteRune(pool[r.IntN(len(pool))])
		}
		out = append(out, b.String())
	}
	return out
}

func TestJSTokenizerAgrees(t *testing.T) {
	samples := tokenizerSamples()
	files, _ := Build(sampleDocs())
	res := runJS(t, files, samples, nil)
	if len(res.Tokens) != len(samples) {
		t.Fatalf("%d results for %d samples", len(res.Tokens), len(samples))
	}
	bad := 0
	for i, s := range samples {
		want := tokens(s)
		got := res.Tokens[i]
		if !slices.Equal(got, want) && !(len(got) == 0 && len(want) == 0) {
			bad++
			if bad <= 10 {
				t.Errorf("tokens of %q:\n  JS %q\n  Go %q", s, got, want)
			}
		}
	}
}

// jsDocs is the corpus of the search tests: the sample incidents, a few
// made for ranking, and 1500 synthetic ones (so shards split, prefixes need
// completions and "ransomware", on 75% of them, has more than PostingCap).
func jsDocs(t *testing.T) []Doc {
	docs := sampleDocs()
	docs = append(docs,
		Doc{URL: "incidents/body-only/", Title: "Quarterly infrastructure review", Summary: "Routine review.",
			Keywords: []string{"review"}, Body: strings.Repeat("The zorblax module failed again. ", 8)},
		Doc{URL: "incidents/in-title/", Title: "Zorblax outage at the exchange", Summary: "The zorblax failed at a hospital.",
			Keywords: []string{"outage"}, Body: "Nothing else to say."},
		Doc{URL: "incidents/cafe/", Title: "Café Müller data leak", Summary: "Customer data of Café Müller leaked.",
			Keywords: []string{"leak"}, Body: "A misconfigured bucket."},
	)
	return append(docs, corpus(t, 1500, 2000)...)
}

func TestJSSearch(t *testing.T) {
	nodePath(t)
	docs := jsDocs(t)
	files, _ := Build(docs)
	var plain, split jsOutput
	t.Run("manifest", func(t *testing.T) { plain = testJSSearch(t, docs, files) })
	// Shard keys in (nested) key files, as for a very large corpus: same
	// results.
	files, st := build(docs, 0)
	if st.KeyFiles == 0 {
		t.Fatal("no key files")
	}
	t.Run("key-files", func(t *testing.T) { split = testJSSearch(t, docs, files) })
	keyFiles, nested := 0, false
	for i, r := range split.Queries {
		n := 0
		for _, f := range r.Files {
			if strings.HasPrefix(f, "search/k/") {
				n++
			}
		}
		keyFiles += n
		nested = nested || n > len(r.Terms)
		if i >= len(plain.Queries) {
			break
		}
		p := plain.Queries[i]
		if p.Count != r.Count || p.Mode != r.Mode || len(p.Top) != len(r.Top) || len(r.Top) > 0 && p.Top[0].URL != r.Top[0].URL {
			t.Errorf("%q: %d results (%s) with key files, %d (%s) without", r.Q, r.Count, r.Mode, p.Count, p.Mode)
		}
	}
	if keyFiles == 0 || !nested {
		t.Errorf("queries loaded %d key files, nested: %v", keyFiles, nested)
	}
}

func testJSSearch(t *testing.T, docs []Doc, files map[string][]byte) jsOutput {
	queries := []string{
		"log4sh",              // 0 prefix
		"CVE-2021-44228",      // 1 chain
		"cve-2021-442",        // 2 chain prefix
		"T1566.001",           // 3 technique id
		"zorblax",             // 4 ranking: title above body-only
		"zorbalx",             // 5 typo (transposition)
		"zorblaxx ",           // 6 typo (one extra letter), not a prefix
		"防衛",                  // 7 CJK bigram
		"日本の防衛",               // 8 CJK run
		"防",                   // 9 CJK single character
		"zorblax qqqnotaword", // 10 AND fails: any word
		"zorblax hospital",    // 11 AND
		"the zorblax",         // 12 stop word dropped
		"cafe muller",         // 13 diacritics folded
		"ra",                  // 14 short prefix: completions
		"ransomwre",           // 15 typo of a frequent word
		"the",                 // 16 only a stop word
		"ransomware ",         // 17 more documents than the cap (and nested key files in the key-files run)
	}
	res := runJS(t, files, nil, queries)
	q := func(i int) jsQuery {
		if len(res.Queries) <= i {
			t.Fatalf("no result for query %d", i)
		}
		return res.Queries[i]
	}
	top := func(i int) string {
		r := q(i)
		if len(r.Top) == 0 {
			t.Errorf("query %q: no results", r.Q)
			return ""
		}
		return r.Top[0].URL
	}
	has := func(i int, url string) bool {
		for _, r := range q(i).Top {
			if r.URL == url {
				return true
			}
		}
		return false
	}

	if got := top(0); got != "incidents/log4shell/" {
		t.Errorf("log4sh: top %q", got)
	}
	if r := q(0); len(r.Top) > 0 {
		if m := marked(t, r.Top[0].Title, docs[0].Title); !slices.Contains(m, "Log4Shell") {
			t.Errorf("log4sh: title marks %q", m)
		}
	}
	if got := top(1); got != "incidents/log4shell/" {
		t.Errorf("CVE-2021-44228: top %q", got)
	}
	if r := q(1); len(r.Terms) != 1 || r.Terms[0].T != "cve202144228" || !slices.Equal(r.Terms[0].Parts, []string{"cve", "2021", "44228"}) {
		t.Errorf("CVE-2021-44228: terms %+v", r.Terms)
	} else if m := marked(t, r.Top[0].Title, docs[0].Title); !slices.Equal(m, []string{"CVE-2021-44228"}) {
		t.Errorf("CVE-2021-44228: title marks %q", m)
	}
	if !has(2, "incidents/log4shell/") {
		t.Errorf("cve-2021-442: log4shell not found: %+v", q(2).Top)
	}
	if got := top(3); got != "incidents/phish/" {
		t.Errorf("T1566.001: top %q", got)
	}
	for _, i := range []int{4, 5, 6} {
		r := q(i)
		if r.Count != 2 || len(r.Top) != 2 || r.Top[0].URL != "incidents/in-title/" || r.Top[1].URL != "incidents/body-only/" {
			t.Errorf("%q: want the title match above the body-only match, got %d results %+v", r.Q, r.Count, r.Top)
		}
	}
	if r := q(4); r.Mode != "exact" || len(r.Top) > 0 && r.Top[0].Score <= 2*r.Top[1].Score {
		t.Errorf("zorblax: mode %s, scores %v, %v", r.Mode, r.Top[0].Score, r.Top[1].Score)
	}
	if r := q(5); r.Mode != "fuzzy" {
		t.Errorf("zorbalx: mode %q", r.Mode)
	} else if m := marked(t, r.Top[0].Title, docs[5].Title); !slices.Equal(m, []string{"Zorblax"}) {
		t.Errorf("zorbalx: title marks %q", m)
	}
	for _, i := range []int{7, 8, 9} {
		if got := top(i); got != "incidents/日本/" {
			t.Errorf("%q: top %q", q(i).Q, got)
		}
	}
	if r := q(7); len(r.Top) > 0 {
		if m := marked(t, r.Top[0].Title, docs[1].Title); !slices.Equal(m, []string{"防衛"}) {
			t.Errorf("防衛: title marks %q", m)
		}
	}
	if r := q(10); r.All != 0 || r.Count != 2 || !has(10, "incidents/in-title/") {
		t.Errorf("zorblax qqqnotaword: %d/%d results, %+v", r.All, r.Count, r.Top)
	}
	// One document has both words; the others with one follow.
	if r := q(11); r.All != 1 || r.Count < 3 || top(11) != "incidents/in-title/" {
		t.Errorf("zorblax hospital: %d/%d results, %+v", r.All, r.Count, r.Top)
	} else {
		summary := marked(t, r.Top[0].Summary, docs[5].Summary)
		if !slices.Equal(summary, []string{"zorblax", "hospital"}) {
			t.Errorf("zorblax hospital: summary marks %q", summary)
		}
	}
	if r := q(12); r.Count != 2 || len(r.Terms) != 1 {
		t.Errorf("the zorblax: %d results, terms %+v", r.Count, r.Terms)
	}
	if got := top(13); got != "incidents/cafe/" {
		t.Errorf("cafe muller: top %q", got)
	} else if m := marked(t, q(13).Top[0].Title, docs[6].Title); !slices.Equal(m, []string{"Café", "Müller"}) {
		t.Errorf("cafe muller: title marks %q", m)
	}
	if r := q(14); r.Count == 0 || r.Mode != "exact" {
		t.Errorf("ra: %d results, mode %s", r.Count, r.Mode)
	}
	if r := q(17); !r.Capped || r.Count != PostingCap || r.All != r.Count {
		t.Errorf("ransomware: %d results (capped %v), want the %d best", r.Count, r.Capped, PostingCap)
	}
	if r := q(15); r.Count < 100 || r.Mode != "fuzzy" {
		t.Errorf("ransomwre: %d results, mode %s", r.Count, r.Mode)
	}
	if r := q(16); len(r.Terms) != 1 || !r.Terms[0].Prefix {
		t.Errorf("the: terms %+v", r.Terms)
	}

	// Every query word loads one term shard (and, with key files, the key
	// file of its first letter); results load doc shards only.
	for _, r := range res.Queries {
		termFiles, docFiles, keys := 0, 0, 0
		for _, f := range r.Files {
			switch {
			case strings.HasPrefix(f, "search/t/"):
				termFiles++
			case strings.HasPrefix(f, "search/k/"):
				keys++
			default:
				docFiles++
			}
		}
		path := 0 // key files can nest, at most one per rune of a word
		for _, term := range r.Terms {
			path += len([]rune(term.T))
		}
		if termFiles > len(r.Terms) || docFiles > 10 || keys > path {
			t.Errorf("%q loaded %d term shards and %d key files for %d words, and %d doc shards", r.Q, termFiles, keys, len(r.Terms), docFiles)
		}
	}
	return res
}
