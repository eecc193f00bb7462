package search

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
)

// vocabulary returns testdata/words.txt, most frequent word first.
func vocabulary(tb testing.TB) []string {
	tb.Helper()
	f, err := os.Open("testdata/words.txt")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var words []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if w := strings.TrimSpace(sc.Text()); w != "" && !strings.HasPrefix(w, "#") {
			words = append(words, w)
		}
	}
	if len(words) < 1000 {
		tb.Fatalf("testdata/words.txt has %d words", len(words))
	}
	return words
}

// corpus generates n realistic incidents, deterministically: Zipf-distributed
// common words, a heavy tail of rare identifiers (CVE ids, hashes, hosts,
// tickets, ATT&CK ids), the keyword "ransomware" on ~75% of the documents,
// some Japanese text, and a body of about bodyBytes.
func corpus(tb testing.TB, n, bodyBytes int) []Doc {
	words := vocabulary(tb)
	r := rand.New(rand.NewPCG(1, uint64(n)))
	zipf := rand.NewZipf(r, 1.1, 3, uint64(len(words)-1))
	word := func() string { return words[zipf.Uint64()] }
	sentence := func(b *strings.Builder, k int) {
		for i := 0; i < k; i++ {
			if i > 0 {
				b.WriteByte(' ')
			}
			w := word()
			if i == 0 {
				w = strings.ToUpper(w[:1]) + w[1:]
			}
			b.WriteString(w)
		}
		b.WriteString(". ")
	}
	rare := func() string {
		switch r.IntN(6) {
		case 0:
			return fmt.Sprintf("CVE-%d-%d", 2014+r.IntN(12), 1000+r.IntN(60000))
		case 1:
			return fmt.Sprintf("%016x%016x", r.Uint64(), r.Uint64())
		case 2:
			return fmt.Sprintf("srv-%s%d.corp.example", words[r.IntN(len(words))], r.IntN(1000))
		case 3:
			return fmt.Sprintf("INC-%06d", r.IntN(1000000))
		case 4:
			return fmt.Sprintf("T%d.%03d", 1000+r.IntN(600), r.IntN(20))
		default:
			return fmt.Sprintf("10.%d.%d.%d", r.IntN(256), r.IntN(256), r.IntN(256))
		}
	}
	// Bodies are drawn from a pool of sentences: far quicker than drawing
	// every word, with the same word statistics.
	pool := make([]string, 20000)
	for i := range pool {
		var b strings.Builder
		sentence(&b, 8+r.IntN(14))
		pool[i] = b.String()
	}
	const kanji = "日本防衛省情報漏洩攻撃被害調査報告書暗号化身代金要求復旧対策事件発生組織政府企業"
	kr := []rune(kanji)
	sevs := []string{"", "low", "moderate", "high", "critical"}
	docs := make([]Doc, n)
	for i := range docs {
		var title, sum, body strings.Builder
		sentence(&title, 4+r.IntN(6))
		sentence(&sum, 15)
		sentence(&sum, 15)
		var kws []string
		if r.IntN(4) != 0 {
			kws = append(kws, "ransomware")
		}
		for k := 0; k < 2+r.IntN(3); k++ {
			kws = append(kws, word())
		}
		var qs []string
		for k := 0; k < 1+r.IntN(4); k++ {
			var q strings.Builder
			sentence(&q, 6+r.IntN(5))
			qs = append(qs, strings.TrimSuffix(q.String(), ". ")+"?")
		}
		body.Grow(bodyBytes + 200)
		for body.Len() < bodyBytes {
			body.WriteString(pool[r.IntN(len(pool))])
			if r.IntN(4) == 0 {
				body.WriteString(rare())
				body.WriteString(" was seen. ")
			}
			if r.IntN(300) == 0 {
				for k := 0; k < 20; k++ {
					body.WriteRune(kr[r.IntN(len(kr))])
				}
				body.WriteString("。")
			}
		}
		docs[i] = Doc{
			URL:       fmt.Sprintf("incidents/incident-%d/", i),
			Title:     strings.TrimSuffix(title.String(), ". "),
			Summary:   sum.String(),
			Date:      fmt.Sprintf("%d March %d", 1+i%28, 2025-i%20),
			Year:      2025 - i%20,
			Severity:  sevs[i%len(sevs)],
			Keywords:  kws,
			Questions: qs,
			Body:      body.String(),
		}
	}
	return docs
}
