package search

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

// firstQueryLimit is the most a first query may download: the manifest,
// search.js, the term shards of a two-word query and the doc shards of the
// top 10 results.
const firstQueryLimit = 150 * 1024

// readSearchJS returns the client script.
func readSearchJS(tb testing.TB) []byte {
	tb.Helper()
	b, err := os.ReadFile("../../static/js/search.js")
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func gzipLen(b []byte) int {
	var buf bytes.Buffer
	w, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	w.Write(b)
	w.Close()
	return buf.Len()
}

// transfer is what a first query downloads at worst.
type transfer struct {
	oneWord, twoWords         int // bytes
	oneWordGzip, twoWordsGzip int
}

// worstFirstQuery adds up the largest files a query can need: per word one
// term shard (a word needs exactly one) and the key files on its path (large
// corpora only), and one doc shard per result shown. The gzipped figures are
// those of the same files.
func worstFirstQuery(t *testing.T, files map[string][]byte, js []byte) transfer {
	var shards, docs [][]byte
	keyFiles := map[string][]byte{} // key -> file
	for p, b := range files {
		switch {
		case strings.HasPrefix(p, "search/t/"):
			shards = append(shards, b)
		case strings.HasPrefix(p, "search/d/"):
			docs = append(docs, b)
		case strings.HasPrefix(p, "search/k/"):
			_, args := unwrap(t, p, b)
			var key string
			if err := json.Unmarshal(args[0], &key); err != nil {
				t.Fatal(err)
			}
			keyFiles[key] = b
		}
	}
	bySize := func(a, b []byte) int { return len(b) - len(a) }
	slices.SortFunc(shards, bySize)
	slices.SortFunc(docs, bySize)
	sum := func(list [][]byte, n int, size func([]byte) int) int {
		total := 0
		for _, b := range list[:min(n, len(list))] {
			total += size(b)
		}
		return total
	}
	// A word starting with key k loads the key files of k's prefixes.
	keyPath := func(size func([]byte) int) int {
		worst := 0
		for k := range keyFiles {
			total := 0
			for p, b := range keyFiles {
				if strings.HasPrefix(k, p) {
					total += size(b)
				}
			}
			worst = max(worst, total)
		}
		return worst
	}
	raw := func(b []byte) int { return len(b) }
	manifest := files["search/manifest.js"]
	base := len(manifest) + len(js) + sum(docs, 10, raw)
	gzBase := gzipLen(manifest) + gzipLen(js) + sum(docs, 10, gzipLen)
	keys, gzKeys := keyPath(raw), keyPath(gzipLen)
	return transfer{
		oneWord:      base + sum(shards, 1, raw) + keys,
		twoWords:     base + sum(shards, 2, raw) + 2*keys,
		oneWordGzip:  gzBase + sum(shards, 1, gzipLen) + gzKeys,
		twoWordsGzip: gzBase + sum(shards, 2, gzipLen) + 2*gzKeys,
	}
}

// TestIndexSize builds synthetic corpora of 1k and 10k incidents (and 100k
// with CASEFILE_SEARCH_100K=1), reports the index figures and checks the
// shard budget and the first-query limit.
func TestIndexSize(t *testing.T) {
	sizes := []int{1000, 10000}
	if os.Getenv("CASEFILE_SEARCH_100K") != "" {
		sizes = append(sizes, 100000)
	}
	js := readSearchJS(t)
	t.Logf("search.js: %d bytes (%d gzipped)", len(js), gzipLen(js))
	for _, n := range sizes {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			body := 8000
			if raceEnabled && n >= 10000 {
				body = 1500
				t.Logf("race detector on: %d-byte bodies; run without -race for the real figures", body)
			}
			docs := corpus(t, n, body)
			runtime.GC()
			start := time.Now()
			files, st := Build(docs)
			elapsed := time.Since(start)
			tr := worstFirstQuery(t, files, js)
			t.Logf("%d docs: build %v; %d files, %.1f MB (%d terms, %d term shards, %d doc shards, %d key files); manifest %d B; largest term shard %d B, doc shard %d B, key file %d B",
				n, elapsed.Round(time.Millisecond), len(files), float64(st.Bytes)/1e6, st.Terms, st.TermShards, st.DocShards, st.KeyFiles,
				st.ManifestBytes, st.MaxTermShardBytes, st.MaxDocShardBytes, st.MaxKeyFileBytes)
			t.Logf("%d docs: first query at worst (manifest + search.js + key files + term shards + 10 doc shards): 1 word %.1f KB, 2 words %.1f KB; gzipped %.1f KB, %.1f KB",
				n, kb(tr.oneWord), kb(tr.twoWords), kb(tr.oneWordGzip), kb(tr.twoWordsGzip))
			if tr.twoWords > firstQueryLimit {
				t.Errorf("a two-word first query can download %d bytes, over %d", tr.twoWords, firstQueryLimit)
			}
			if st.MaxTermShardBytes > shardBudget {
				t.Errorf("largest term shard %d bytes, over the budget %d", st.MaxTermShardBytes, shardBudget)
			}
			var total int64
			for p, b := range files {
				total += int64(len(b))
				if strings.HasPrefix(p, "search/t/") && len(b) > shardBudget {
					t.Errorf("%s: %d bytes, over the budget", p, len(b))
				}
			}
			if total != st.Bytes || len(files) != st.TermShards+st.DocShards+st.KeyFiles+1 {
				t.Errorf("stats %+v do not match %d files of %d bytes", st, len(files), total)
			}
		})
	}
}

func kb(n int) float64 { return float64(n) / 1024 }

func benchmarkBuild(b *testing.B, n int) {
	docs := corpus(b, n, 8000)
	var st Stats
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_, st = Build(docs)
	}
	b.ReportMetric(float64(st.Bytes), "index-bytes")
	b.ReportMetric(float64(st.TermShards+st.DocShards+st.KeyFiles+1), "files")
	b.ReportMetric(float64(st.MaxTermShardBytes), "max-shard-bytes")
}

func BenchmarkBuild1k(b *testing.B)   { benchmarkBuild(b, 1000) }
func BenchmarkBuild10k(b *testing.B)  { benchmarkBuild(b, 10000) }
func BenchmarkBuild100k(b *testing.B) { benchmarkBuild(b, 100000) }
