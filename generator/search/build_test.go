package search

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// unwrap returns the arguments of an index file, CasefileSearch.<fn>(args);
// parsed as a JSON array.
func unwrap(t *testing.T, path string, b []byte) (fn string, args []json.RawMessage) {
	t.Helper()
	s := string(b)
	if !strings.HasPrefix(s, "CasefileSearch.") || !strings.HasSuffix(s, ");\n") {
		t.Fatalf("%s: not a CasefileSearch call: %.60q", path, s)
	}
	open := strings.IndexByte(s, '(')
	fn = s[len("CasefileSearch."):open]
	if err := json.Unmarshal([]byte("["+s[open+1:len(s)-3]+"]"), &args); err != nil {
		t.Fatalf("%s: arguments are not JSON: %v", path, err)
	}
	return fn, args
}

type manifestJSON struct {
	V, N, DS, Cap int
	QS            float64
	H             string
	SW            []string
	T             string
}

type shardJSON struct {
	T map[string]string `json:"t"`
	C map[string]string `json:"c"`
}

// parseIndex checks every file's form and returns the manifest (its trie
// completed from the key files) and shards.
func parseIndex(t *testing.T, files map[string][]byte) (manifestJSON, map[string]shardJSON, map[int][][]string) {
	t.Helper()
	var m manifestJSON
	shards := map[string]shardJSON{}
	docs := map[int][][]string{}
	keyFiles := map[string]string{}
	for p, b := range files {
		fn, args := unwrap(t, p, b)
		switch {
		case p == "search/manifest.js":
			if fn != "manifest" || len(args) != 1 || json.Unmarshal(args[0], &m) != nil {
				t.Fatalf("%s: bad manifest call %s/%d", p, fn, len(args))
			}
		case strings.HasPrefix(p, "search/t/"):
			var key string
			var sh shardJSON
			if fn != "shard" || len(args) != 2 || json.Unmarshal(args[0], &key) != nil || json.Unmarshal(args[1], &sh) != nil {
				t.Fatalf("%s: bad shard call", p)
			}
			if want := "search/t/" + shardFile(key) + ".js"; p != want {
				t.Errorf("shard %q is at %s, want %s", key, p, want)
			}
			shards[key] = sh
		case strings.HasPrefix(p, "search/d/"):
			var n int
			var list [][]string
			if fn != "docs" || len(args) != 2 || json.Unmarshal(args[0], &n) != nil || json.Unmarshal(args[1], &list) != nil {
				t.Fatalf("%s: bad docs call", p)
			}
			if p != fmt.Sprintf("search/d/%d.js", n) {
				t.Errorf("doc shard %d is at %s", n, p)
			}
			docs[n] = list
		case strings.HasPrefix(p, "search/k/"):
			var key, sub string
			if fn != "keys" || len(args) != 2 || json.Unmarshal(args[0], &key) != nil || json.Unmarshal(args[1], &sub) != nil {
				t.Fatalf("%s: bad keys call", p)
			}
			if want := "search/k/" + shardFile(key) + ".js"; p != want {
				t.Errorf("keys of %q are at %s, want %s", key, p, want)
			}
			keyFiles[key] = sub
		default:
			t.Errorf("unexpected file %s", p)
		}
	}
	if m.V != 1 {
		t.Fatalf("no manifest or wrong version: %+v", m)
	}
	// Put the key files back into the trie string: in "r*", the subtree of
	// node r is in the key file of r (whose subtree may have "*" nodes too).
	var expand func(root, trie string) string
	expand = func(root, trie string) string {
		var full strings.Builder
		stack := []string{root}
		last := root
		for _, r := range trie {
			switch r {
			case '(':
				stack = append(stack, last)
			case ')':
				stack = stack[:len(stack)-1]
			case '*':
				sub, ok := keyFiles[last]
				if !ok {
					t.Fatalf("trie: %q* without a key file", last)
				}
				delete(keyFiles, last)
				full.WriteString("(" + expand(last, sub) + ")")
				continue
			default:
				last = stack[len(stack)-1] + string(r)
			}
			full.WriteRune(r)
		}
		return full.String()
	}
	m.T = expand("", m.T)
	if len(keyFiles) > 0 {
		t.Errorf("key files not announced in the manifest: %v", keyFiles)
	}
	return m, shards, docs
}

// decoded is a posting string read back.
type decoded struct {
	df   int
	docs []int
	q    []int
}

func decode(t *testing.T, s string) decoded {
	t.Helper()
	i := 0
	varint := func() int {
		v := 0
		for {
			if i >= len(s) {
				t.Fatalf("posting string %q ends inside a number", s)
			}
			d := strings.IndexByte(alphabet, s[i])
			i++
			v = v*32 + d&31
			if d < 32 {
				return v
			}
		}
	}
	var out decoded
	out.df = varint()
	doc := -1
	for i < len(s) {
		doc += varint() + 1
		out.docs = append(out.docs, doc)
		out.q = append(out.q, strings.IndexByte(alphabet, s[i]))
		i++
	}
	return out
}

// trieKeys reads the manifest's trie string (parseTrie in search.js).
func trieKeys(s string) []string {
	keys := []string{""}
	stack := []string{""}
	last := ""
	for _, r := range s {
		switch r {
		case '(':
			stack = append(stack, last)
		case ')':
			stack = stack[:len(stack)-1]
		default:
			last = stack[len(stack)-1] + string(r)
			keys = append(keys, last)
		}
	}
	return keys
}

// lookup finds a term's postings as the client does: in the shard of the
// longest key that prefixes it.
func lookup(keys []string, shards map[string]shardJSON, term string) (string, bool) {
	best := ""
	for _, k := range keys {
		if strings.HasPrefix(term, k) && len(k) > len(best) {
			best = k
		}
	}
	p, ok := shards[best].T[term]
	return p, ok
}

func sampleDocs() []Doc {
	return []Doc{
		{URL: "incidents/log4shell/", Title: "Log4Shell: remote code execution in Apache Log4j 2 (CVE-2021-44228)",
			Summary: "A flaw in the message lookup feature of Apache Log4j 2 let anyone run code.", Date: "9 December 2021", Year: 2021,
			Severity: "critical", Keywords: []string{"vulnerability", "zero-day", "Java"},
			Questions: []string{"Which Log4j versions are affected?"}, Body: "JNDI lookups fetched remote objects. ATT&CK T1190."},
		{URL: "incidents/日本/", Title: "日本の防衛ネットワーク侵入", Summary: "防衛省のネットワークに侵入。", Date: "2020", Year: 2020,
			Keywords: []string{"espionage"}, Body: "Phishing emails were sent. 攻撃者は防衛情報を盗んだ。"},
		{URL: "incidents/phish/", Title: "Phishing wave against banks", Summary: "Banks were phished.", Date: "1 May 2022", Year: 2022,
			Severity: "high", Keywords: []string{"phishing", "finance"}, Questions: []string{"Who was targeted?"},
			Body: "Spearphishing technique T1566.001 with attachments."},
		{URL: "incidents/ransom/", Title: "Ransomware hits a hospital", Summary: "Ransomware encrypted records.", Date: "3 June 2023", Year: 2023,
			Severity: "moderate", Keywords: []string{"ransomware", "healthcare"}, Questions: []string{"Was data lost?"},
			Body: strings.Repeat("The phishing email started it. ", 5) + "Exchange servers were encrypted."},
	}
}

// buildWith builds with GOMAXPROCS set to procs (workers are merged at the
// end, and the result must not depend on how many there were).
func buildWith(procs int, docs []Doc) (map[string][]byte, Stats) {
	prev := runtime.GOMAXPROCS(procs)
	defer runtime.GOMAXPROCS(prev)
	return Build(docs)
}

func TestBuildDeterministic(t *testing.T) {
	// 2000 documents: "ransomware" is in ~1500, more than twice the cap, so
	// postings are trimmed in the workers and again when they are merged.
	docs := corpus(t, 2000, 600)
	docs = append(docs, sampleDocs()...)
	a, sa := Build(docs)
	b, sb := Build(docs)
	c, _ := buildWith(1, docs)
	d, _ := buildWith(5, docs)
	if sa != sb {
		t.Errorf("stats differ: %+v vs %+v", sa, sb)
	}
	for _, other := range []map[string][]byte{b, c, d} {
		if len(a) != len(other) {
			t.Fatalf("file count differs: %d vs %d", len(a), len(other))
		}
		for p, data := range a {
			if !bytes.Equal(data, other[p]) {
				t.Errorf("%s differs between builds", p)
			}
		}
	}
}

func TestIndexFilesParse(t *testing.T) {
	docs := append(sampleDocs(), corpus(t, 1000, 2000)...)
	files, st := Build(docs)
	m, shards, docShards := parseIndex(t, files)
	if m.N != len(docs) || m.DS != DocShardSize || m.Cap != PostingCap || len(m.SW) != len(stopWords) {
		t.Errorf("manifest = %+v", m)
	}
	if math.Abs(m.QS-scoreStep()) > 1e-12 {
		t.Errorf("qs = %v, want %v", m.QS, scoreStep())
	}
	keys := trieKeys(m.T)
	if len(keys) != len(shards) || len(keys) != st.TermShards {
		t.Errorf("manifest lists %d keys, %d shard files, stats %d", len(keys), len(shards), st.TermShards)
	}
	for _, k := range keys {
		if _, ok := shards[k]; !ok {
			t.Errorf("manifest key %q has no shard", k)
		}
	}
	if len(docShards) != (len(docs)+DocShardSize-1)/DocShardSize || st.DocShards != len(docShards) {
		t.Errorf("%d doc shards for %d docs", len(docShards), len(docs))
	}
	if d := docShards[0][0]; !slices.Equal(d, []string{"incidents/log4shell/", docs[0].Title, docs[0].Summary, "9 December 2021", "critical"}) {
		t.Errorf("doc 0 = %q", d)
	}
	if d := docShards[0][1]; d[0] != "incidents/日本/" || d[1] != "日本の防衛ネットワーク侵入" {
		t.Errorf("doc 1 = %q", d)
	}
	// Every term is where the client will look for it, and only there.
	seen := map[string]string{}
	for k, sh := range shards {
		for term, p := range sh.T {
			if !strings.HasPrefix(term, k) {
				t.Errorf("term %q in shard %q", term, k)
			}
			if other, dup := seen[term]; dup {
				t.Errorf("term %q in shards %q and %q", term, k, other)
			}
			seen[term] = k
			if got, ok := lookup(keys, shards, term); !ok || got != p {
				t.Errorf("term %q of shard %q not found by lookup", term, k)
			}
			d := decode(t, p)
			if len(d.docs) == 0 || len(d.docs) > PostingCap || d.df < len(d.docs) || !slices.IsSorted(d.docs) || d.docs[len(d.docs)-1] >= len(docs) {
				t.Fatalf("term %q: bad postings %+v", term, d)
			}
			for _, q := range d.q {
				if q < 1 || q > scoreLevels {
					t.Fatalf("term %q: score %d", term, q)
				}
			}
		}
		for term, p := range sh.C {
			if !strings.HasPrefix(term, k) || len(term) == len(k) {
				t.Errorf("completion %q in shard %q", term, k)
			}
			full, ok := lookup(keys, shards, term)
			if !ok {
				t.Errorf("completion %q of %q is not a term", term, k)
				continue
			}
			if c, f := decode(t, p), decode(t, full); c.df != f.df || len(c.docs) > complPosts {
				t.Errorf("completion %q: df %d/%d, %d postings", term, c.df, f.df, len(c.docs))
			}
		}
	}
	if st.KeyFiles != 0 {
		t.Errorf("%d key files for a small corpus", st.KeyFiles)
	}
	if st.Terms != len(seen) {
		t.Errorf("stats say %d terms, shards hold %d", st.Terms, len(seen))
	}
	for _, term := range []string{"log4shell", "log4j", "cve202144228", "44228", "t1566001", "防衛", "日本", "ransomware", "zeroday"} {
		if _, ok := lookup(keys, shards, term); !ok {
			t.Errorf("term %q is not indexed", term)
		}
	}
	for _, term := range []string{"the", "and", "s"} {
		if _, ok := lookup(keys, shards, term); ok {
			t.Errorf("stop word or letter %q is indexed", term)
		}
	}
}

func TestPostingCapKeepsBest(t *testing.T) {
	const n = 1000
	docs := make([]Doc, n)
	for i := range docs {
		docs[i] = Doc{URL: fmt.Sprintf("i/%d/", i), Title: "Report", Body: "Gamma delta alpha epsilon."}
		if i%7 == 3 {
			docs[i].Title = "Alpha"
		}
	}
	for _, procs := range []int{1, 2, 5} {
		files, _ := buildWith(procs, docs)
		checkCap(t, files, n)
	}
}

func checkCap(t *testing.T, files map[string][]byte, n int) {
	m, shards, _ := parseIndex(t, files)
	p, ok := lookup(trieKeys(m.T), shards, "alpha")
	if !ok {
		t.Fatal("alpha not indexed")
	}
	d := decode(t, p)
	if d.df != n {
		t.Errorf("df = %d, want %d (the cap must not change df)", d.df, n)
	}
	// The title matches score best; the other places go to the lowest ids.
	var want []int
	for i := 0; i < n; i++ {
		if i%7 == 3 {
			want = append(want, i)
		}
	}
	titled := len(want)
	for i := 0; len(want) < PostingCap; i++ {
		if i%7 != 3 {
			want = append(want, i)
		}
	}
	slices.Sort(want)
	if !slices.Equal(d.docs, want) {
		t.Errorf("kept %d docs %v…, want %d docs %v…", len(d.docs), d.docs[:10], len(want), want[:10])
	}
	minTitle, maxBody := scoreLevels+1, 0
	for k, doc := range d.docs {
		if doc%7 == 3 {
			minTitle = min(minTitle, d.q[k])
		} else {
			maxBody = max(maxBody, d.q[k])
		}
	}
	if minTitle <= maxBody {
		t.Errorf("title matches score %d at least, body-only matches up to %d", minTitle, maxBody)
	}
	if titled >= PostingCap {
		t.Fatal("test needs fewer title docs than the cap")
	}
}

func TestScriptSafe(t *testing.T) {
	evil := "</script><script>alert(1)</script> \u2028 \u2029 <!-- & \x00 \"q\" \\ \xff"
	docs := []Doc{{URL: "incidents/x/", Title: "Title " + evil, Summary: evil, Date: evil, Severity: "high",
		Keywords: []string{evil}, Questions: []string{evil + "?"}, Body: evil + " body"}}
	files, _ := Build(docs)
	for p, b := range files {
		low := bytes.ToLower(b)
		for _, bad := range []string{"</script", "<!--", "\u2028", "\u2029", "\x00"} {
			if bytes.Contains(low, []byte(bad)) {
				t.Errorf("%s contains %q", p, bad)
			}
		}
	}
	_, _, docShards := parseIndex(t, files)
	if got := docShards[0][0][1]; got != "Title "+strings.ToValidUTF8(evil, "\ufffd") {
		t.Errorf("title did not round-trip: %q", got)
	}
}

func TestEmptyIndex(t *testing.T) {
	files, st := Build(nil)
	m, shards, docs := parseIndex(t, files)
	if m.N != 0 || len(docs) != 0 || len(shards) != 1 || st.TermShards != 1 {
		t.Errorf("empty index: %+v, %d shards, %d doc shards", m, len(shards), len(docs))
	}
}

// TestKeyFiles builds with small budgets for the manifest's shard keys, so
// they spread over (nested) key files, and checks that no key is lost and
// no other file changes.
func TestKeyFiles(t *testing.T) {
	docs := corpus(t, 1000, 2000)
	whole, st := build(docs, 1<<30)
	m1, _, _ := parseIndex(t, whole)
	if st.KeyFiles != 0 {
		t.Fatalf("%d key files with a large budget", st.KeyFiles)
	}
	for _, budget := range []int{0, 16} {
		split, st2 := build(docs, budget)
		if st2.KeyFiles == 0 || st2.ManifestBytes >= st.ManifestBytes {
			t.Fatalf("budget %d: %d key files; manifest %d → %d bytes", budget, st2.KeyFiles, st.ManifestBytes, st2.ManifestBytes)
		}
		m2, _, _ := parseIndex(t, split)
		if m1.T != m2.T {
			t.Errorf("budget %d: trie from key files differs:\n%.200s\n%.200s", budget, m1.T, m2.T)
		}
		for p, b := range whole {
			if p != "search/manifest.js" && !bytes.Equal(b, split[p]) {
				t.Errorf("budget %d: %s differs", budget, p)
			}
		}
		nested := false
		for p, b := range split {
			if strings.HasPrefix(p, "search/k/") {
				_, args := unwrap(t, p, b)
				var key, sub string
				json.Unmarshal(args[0], &key)
				json.Unmarshal(args[1], &sub)
				nested = nested || len([]rune(key)) > 1
				if budget > 0 && len(sub) > budget && strings.ContainsAny(sub, "(*") {
					t.Errorf("%s: %d bytes of keys, over the budget %d", p, len(sub), budget)
				}
			}
		}
		if budget == 0 && !nested {
			t.Error("no nested key file")
		}
	}
}

func TestShorten(t *testing.T) {
	long := strings.Repeat("word ", 60)
	got := shorten(long, summaryRunes)
	if n := len([]rune(got)); n > summaryRunes || !strings.HasSuffix(got, "word…") {
		t.Errorf("shorten: %d runes, %q", n, got)
	}
	if got := shorten("short  text\n", 200); got != "short text" {
		t.Errorf("shorten = %q", got)
	}
	if got := shorten(strings.Repeat("日", 300), 10); got != strings.Repeat("日", 9)+"…" {
		t.Errorf("shorten CJK = %q", got)
	}
}

func TestTrieString(t *testing.T) {
	keys := []string{"", "r", "ra", "ran", "re", "s", "日", "日本"}
	got := trieString(keys)
	if got != "r(a(n)e)s日(本)" {
		t.Errorf("trieString = %q", got)
	}
	back := trieKeys(got)
	slices.Sort(back)
	if !slices.Equal(back, keys) {
		t.Errorf("trieKeys = %q", back)
	}
}

func TestShardFile(t *testing.T) {
	for key, want := range map[string]string{"": "_", "ra": "ra", "con": "con_", "com1": "com1_", "comp": "comp", "日": "_e697a5"} {
		if got := shardFile(key); got != want {
			t.Errorf("shardFile(%q) = %q, want %q", key, got, want)
		}
	}
}

// Answers are body text: a document whose front-matter answers come apart
// indexes exactly as one with them joined to its body by spaces.
func TestAnswersIndexAsBody(t *testing.T) {
	docs := corpus(t, 300, 100)
	apart := make([]Doc, len(docs))
	for i, d := range docs {
		words := strings.Fields(d.Body)
		if len(words) < 9 {
			t.Fatalf("doc %d: body too short to split: %q", i, d.Body)
		}
		apart[i] = d
		apart[i].Body = strings.Join(words[:3], " ")
		apart[i].Answers = []string{strings.Join(words[3:6], " "), strings.Join(words[6:], " ")}
		docs[i].Body = strings.Join(words, " ")
	}
	a, _ := Build(docs)
	b, _ := Build(apart)
	if len(a) != len(b) {
		t.Fatalf("file count differs: %d vs %d", len(a), len(b))
	}
	for p, data := range a {
		if !bytes.Equal(data, b[p]) {
			t.Errorf("%s differs with answers apart", p)
		}
	}
}
