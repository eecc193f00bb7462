package search

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"hash/fnv"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"casefile/generator/internal/spaces"
)

// alphabet is the 64-character alphabet of posting strings; see doc.go.
const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

// appendVarint writes v in base 32, most significant digit first; every digit
// but the last is offset by 32.
func appendVarint(b []byte, v uint32) []byte {
	var tmp [7]byte
	i := len(tmp) - 1
	tmp[i] = alphabet[v&31]
	for v >>= 5; v > 0; v >>= 5 {
		i--
		tmp[i] = alphabet[32+v&31]
	}
	return append(b, tmp[i:]...)
}

// encodePostings writes df and posts (in document order) as a posting
// string.
func encodePostings(b []byte, df int32, posts []posting) []byte {
	b = appendVarint(b, uint32(df))
	prev := int32(-1)
	for _, p := range posts {
		b = appendVarint(b, uint32(p.doc-prev-1))
		b = append(b, alphabet[p.q])
		prev = p.doc
	}
	return b
}

// appendJSONString writes s as a JSON string that is also safe inside a
// <script> element: <, >, &, U+2028 and U+2029 are \u escapes; invalid UTF-8
// becomes U+FFFD.
func appendJSONString(b []byte, s string) []byte {
	const hexDigits = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\t':
				b = append(b, '\\', 't')
			case c < 0x20 || c == '<' || c == '>' || c == '&' || c == 0x7f:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&15])
			default:
				b = append(b, c)
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, `\ufffd`...)
		case r == '\u2028':
			b = append(b, `\u2028`...)
		case r == '\u2029':
			b = append(b, `\u2029`...)
		default:
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}

// shardFile is the file name (without .js) of the term shard with key. The
// client computes the same (shardFile in search.js): a key of ASCII letters
// and digits is its own name (with "_" after a name Windows reserves), any
// other key is "_" and the hex of its UTF-8 bytes; the root key "" is "_".
func shardFile(key string) string {
	ascii := key != ""
	for i := 0; i < len(key); i++ {
		if c := key[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			ascii = false
			break
		}
	}
	if !ascii {
		return "_" + hex.EncodeToString([]byte(key))
	}
	switch key {
	case "con", "prn", "aux", "nul":
		return key + "_"
	}
	if len(key) == 4 && (strings.HasPrefix(key, "com") || strings.HasPrefix(key, "lpt")) && key[3] >= '0' && key[3] <= '9' {
		return key + "_"
	}
	return key
}

// span is a range [lo, hi) of the sorted terms.
type span struct{ lo, hi int }

// shardSpec is one term shard: its key, its terms and its completions.
type shardSpec struct {
	key   string
	spans []span
	compl []*term
}

// partitioner cuts the sorted terms into shards; see "Term shards" in doc.go.
type partitioner struct {
	terms []*term
	cum   []int // cum[i] = encoded size of terms[:i]
	out   []shardSpec
}

// entrySize is the size of `"term":"postings",` in a shard.
func entrySize(t *term) int {
	return len(appendJSONString(nil, t.text)) + len(t.enc) + 4
}

const shardOverhead = 64 // the call around the object, the key, "t" and "c"

// group is the terms of a node sharing the next rune.
type group struct {
	r      rune
	lo, hi int
	size   int
}

func (p *partitioner) size(lo, hi int) int { return p.cum[hi] - p.cum[lo] }

// split handles the node key (all of terms[lo:hi] start with key).
func (p *partitioner) split(key string, lo, hi int) {
	if p.size(lo, hi)+shardOverhead <= shardBudget {
		p.out = append(p.out, shardSpec{key: key, spans: []span{{lo, hi}}})
		return
	}
	// Group the terms by the rune after key; a term equal to key comes first.
	var groups []group
	i := lo
	if len(p.terms[i].text) == len(key) {
		i++
	}
	own := span{lo, i}
	for i < hi {
		r, _ := utf8.DecodeRuneInString(p.terms[i].text[len(key):])
		j := i + 1
		for j < hi {
			r2, _ := utf8.DecodeRuneInString(p.terms[j].text[len(key):])
			if r2 != r {
				break
			}
			j++
		}
		groups = append(groups, group{r: r, lo: i, hi: j, size: p.size(i, j)})
		i = j
	}
	bySize := slices.Clone(groups)
	slices.SortStableFunc(bySize, func(a, b group) int { return b.size - a.size })
	kept := p.size(lo, hi)
	removed := map[rune]bool{}
	var cands []*term // the most frequent terms of each moved group
	var compl []*term
	complSize := 0
	for _, g := range bySize {
		if kept+complSize+shardOverhead <= shardBudget {
			break
		}
		removed[g.r] = true
		kept -= g.size
		cands = append(cands, mostFrequent(slices.Clone(p.terms[g.lo:g.hi]), completions)...)
		compl = completionsOf(cands)
		complSize = 0
		for _, t := range compl {
			complSize += len(appendJSONString(nil, t.text)) + len(t.enc) + 4
		}
	}
	spec := shardSpec{key: key, compl: compl}
	if own.hi > own.lo {
		spec.spans = append(spec.spans, own)
	}
	for _, g := range groups {
		if removed[g.r] {
			continue
		}
		if n := len(spec.spans); n > 0 && spec.spans[n-1].hi == g.lo {
			spec.spans[n-1].hi = g.hi
		} else {
			spec.spans = append(spec.spans, span{g.lo, g.hi})
		}
	}
	p.out = append(p.out, spec)
	for _, g := range groups {
		if removed[g.r] {
			p.split(key+string(g.r), g.lo, g.hi)
		}
	}
}

// completionsOf returns the completions most frequent of cands, each with
// its best complPosts postings encoded, in text order.
func completionsOf(cands []*term) []*term {
	best := mostFrequent(slices.Clone(cands), completions)
	out := make([]*term, len(best))
	for k, t := range best {
		if t.compl == nil {
			posts := slices.Clone(t.posts)
			slices.SortFunc(posts, comparePostings)
			posts = posts[:min(complPosts, len(posts))]
			slices.SortFunc(posts, func(x, y posting) int { return int(x.doc - y.doc) })
			t.compl = &term{text: t.text, df: t.df, posts: posts, enc: encodePostings(nil, t.df, posts)}
		}
		out[k] = t.compl
	}
	slices.SortFunc(out, func(a, b *term) int { return strings.Compare(a.text, b.text) })
	return out
}

// mostFrequent returns the n terms of ts with the highest df (ties: text
// order), reordering ts.
func mostFrequent(ts []*term, n int) []*term {
	cmp := func(a, b *term) int {
		if a.df != b.df {
			return int(b.df - a.df)
		}
		return strings.Compare(a.text, b.text)
	}
	if len(ts) > 4*n {
		// keep a sorted window of the best n while scanning
		top := slices.Clone(ts[:n])
		slices.SortFunc(top, cmp)
		for _, t := range ts[n:] {
			if cmp(t, top[n-1]) < 0 {
				i, _ := slices.BinarySearchFunc(top, t, cmp)
				copy(top[i+1:], top[i:n-1])
				top[i] = t
			}
		}
		return top
	}
	slices.SortFunc(ts, cmp)
	return ts[:min(n, len(ts))]
}

// writeTermShards encodes the terms, cuts them into shards and writes each
// with put. It returns the shard keys, sorted.
func writeTermShards(terms []*term, workers int, put func(string, []byte)) []string {
	parallel(len(terms), workers, func(i int) {
		t := terms[i]
		t.enc = encodePostings(make([]byte, 0, 8+3*len(t.posts)), t.df, t.posts)
	})
	p := &partitioner{terms: terms, cum: make([]int, len(terms)+1)}
	for i, t := range terms {
		p.cum[i+1] = p.cum[i] + entrySize(t)
	}
	p.split("", 0, len(terms)) // an empty index still has a root shard
	keys := make([]string, len(p.out))
	parallel(len(p.out), workers, func(i int) {
		s := p.out[i]
		keys[i] = s.key
		size := shardOverhead
		for _, sp := range s.spans {
			size += p.size(sp.lo, sp.hi)
		}
		for _, t := range s.compl {
			size += entrySize(t)
		}
		put("search/t/"+shardFile(s.key)+".js", encodeShard(make([]byte, 0, size), terms, s))
	})
	slices.Sort(keys)
	return keys
}

func encodeShard(b []byte, terms []*term, s shardSpec) []byte {
	b = append(b, "CasefileSearch.shard("...)
	b = appendJSONString(b, s.key)
	b = append(b, `,{"t":{`...)
	first := true
	for _, sp := range s.spans {
		for _, t := range terms[sp.lo:sp.hi] {
			b = appendEntry(b, t, first)
			first = false
		}
	}
	b = append(b, '}')
	if len(s.compl) > 0 {
		b = append(b, `,"c":{`...)
		for k, t := range s.compl {
			b = appendEntry(b, t, k == 0)
		}
		b = append(b, '}')
	}
	return append(b, "});\n"...)
}

func appendEntry(b []byte, t *term, first bool) []byte {
	if !first {
		b = append(b, ',')
	}
	b = appendJSONString(b, t.text)
	b = append(b, ':', '"')
	b = append(b, t.enc...)
	return append(b, '"')
}

// writeDocShards writes the result metadata, DocShardSize documents a file.
func writeDocShards(docs []Doc, put func(string, []byte)) {
	var b []byte
	for n := 0; n*DocShardSize < len(docs); n++ {
		b = append(b[:0], "CasefileSearch.docs("...)
		b = strconv.AppendInt(b, int64(n), 10)
		b = append(b, ",["...)
		for i := n * DocShardSize; i < min((n+1)*DocShardSize, len(docs)); i++ {
			d := &docs[i]
			if i > n*DocShardSize {
				b = append(b, ',')
			}
			b = append(b, '[')
			date := d.Date
			if date == "" && d.Year > 0 {
				date = strconv.Itoa(d.Year)
			}
			for k, s := range []string{d.URL, d.Title, shorten(d.Summary, summaryRunes), date, d.Severity} {
				if k > 0 {
					b = append(b, ',')
				}
				b = appendJSONString(b, s)
			}
			b = append(b, ']')
		}
		b = append(b, "]);\n"...)
		put(fmt.Sprintf("search/d/%d.js", n), bytes.Clone(b))
	}
}

// shorten cuts s to at most n runes, at a space when there is one in the
// last fifth, and marks the cut with "…".
func shorten(s string, n int) string {
	s = spaces.Collapse(s)
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	cut, k := 0, 0
	for i := range s {
		if k == n-1 {
			cut = i
			break
		}
		k++
	}
	head := s[:cut]
	if sp := strings.LastIndexByte(head, ' '); sp > len(head)*4/5 {
		head = head[:sp]
	}
	return strings.TrimRight(head, " ,;:.-") + "…"
}

// writeKeyFiles writes the key trie, keeping at most trieBudget bytes in
// the manifest: while a node's trie string is over the budget, its largest
// child subtree moves to a key file of its own (search/k/<name>.js), in turn
// kept within the budget the same way. It returns the manifest's trie
// string. See "Shard keys" in doc.go.
func writeKeyFiles(keys []string, trieBudget int, put func(string, []byte)) string {
	children := map[string][]string{}
	for _, k := range keys {
		if k == "" {
			continue
		}
		_, size := utf8.DecodeLastRuneInString(k)
		parent := k[:len(k)-size]
		children[parent] = append(children[parent], k)
	}
	var subtree func(node string) string
	subtree = func(node string) string {
		kids := children[node]
		slices.Sort(kids)
		subs := make([]string, len(kids))
		total := 0
		for i, k := range kids {
			subs[i] = subtree(k)
			total += len(k) - len(node)
			if subs[i] != "" {
				total += len(subs[i]) + 2
			}
		}
		moved := make([]bool, len(kids))
		for total > trieBudget {
			big := -1
			for i := range kids {
				if !moved[i] && subs[i] != "" && (big < 0 || len(subs[i]) > len(subs[big])) {
					big = i
				}
			}
			if big < 0 {
				break // only leaves left: a very wide node stays whole
			}
			moved[big] = true
			total -= len(subs[big]) + 1 // "(sub)" becomes "*"
			b := []byte("CasefileSearch.keys(")
			b = appendJSONString(b, kids[big])
			b = append(b, ',')
			b = appendJSONString(b, subs[big])
			put("search/k/"+shardFile(kids[big])+".js", append(b, ");\n"...))
		}
		var b strings.Builder
		for i, k := range kids {
			b.WriteString(k[len(node):])
			switch {
			case moved[i]:
				b.WriteByte('*')
			case subs[i] != "":
				b.WriteString("(" + subs[i] + ")")
			}
		}
		return b.String()
	}
	return subtree("")
}

// trieString is the whole key trie as one string.
func trieString(keys []string) string {
	return writeKeyFiles(keys, math.MaxInt, nil)
}

// writeManifest returns the manifest for the other files.
func writeManifest(docs int, trie string, files map[string][]byte) []byte {
	h := fnv.New64a()
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	for _, p := range paths {
		h.Write([]byte(p))
		h.Write(files[p])
	}
	b := []byte("CasefileSearch.manifest({")
	b = fmt.Appendf(b, `"v":1,"n":%d,"ds":%d,"cap":%d,"qs":%s,"h":"%016x","sw":[`,
		docs, DocShardSize, PostingCap, strconv.FormatFloat(scoreStep(), 'g', 17, 64), h.Sum64())
	for i, w := range stopWords {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, w)
	}
	b = append(b, `],"t":`...)
	b = appendJSONString(b, trie)
	return append(b, "});\n"...)
}

// parallel runs fn(i) for i in [0, n) on up to workers goroutines, handing
// out indexes one at a time.
func parallel(n, workers int, fn func(i int)) {
	workers = max(1, min(workers, n))
	if workers == 1 {
		for i := 0; i < n; i++ {
			fn(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
				fn(i)
			}
		}()
	}
	wg.Wait()
}
