package search

import (
	"encoding/binary"
	"unicode"
	"unicode/utf8"
)

// Tokenising. static/js/search.js implements the same rules for queries and
// for highlighting; TestJSTokenizerAgrees runs both on the same strings.
//
//   - Text is lowercased rune by rune (unicode.ToLower), then common Latin
//     diacritics are folded (é → e, ß → ss, æ → ae; see foldTable). Nonspacing
//     and enclosing marks (Mn, Me) are skipped, so decomposed "é" folds too.
//   - Letters (L), decimal digits (Nd) and spacing marks (Mc) make words; every
//     other rune separates them. Words are cut to maxTokenRunes runes.
//   - Han, Hiragana, Katakana (with the prolonged sound mark ー) and Hangul
//     letters form CJK runs, indexed as overlapping bigrams: 日本の防衛 gives
//     日本 本の の防 防衛. A run of one character is indexed as itself.
//   - Words joined by one connector ('-', '.' or '_') with nothing else
//     between them form a chain: each word is a term, and so is the chain
//     joined without its connectors: CVE-2021-44228 gives cve, 2021, 44228 and
//     cve202144228; T1566.001 gives t1566, 001 and t1566001. A chain has at
//     most maxChainParts words (longer ones are cut into several chains).
//   - Single letters outside CJK are dropped (the "s" of "Microsoft's"); single
//     digits are kept. English stop words (stopWords) are dropped (the client
//     keeps a query made only of stop words as a prefix).

const (
	maxTokenRunes = 64 // longer words (base64, long hashes) are cut
	maxChainParts = 6
)

// stopWords are common English words left out of the index. The list is
// written into the manifest, so the client drops exactly these.
var stopWords = []string{
	"a", "about", "after", "all", "also", "am", "an", "and", "any", "are", "as", "at",
	"be", "been", "before", "being", "both", "but", "by", "can", "could", "did", "do",
	"does", "doing", "during", "each", "for", "from", "had", "has", "have", "having",
	"he", "her", "here", "hers", "him", "his", "how", "i", "if", "in", "into", "is",
	"it", "its", "itself", "just", "may", "me", "might", "more", "most", "must", "my",
	"no", "nor", "not", "of", "off", "on", "once", "only", "or", "other", "our", "ours",
	"out", "over", "own", "same", "she", "should", "so", "some", "such", "than",
	"that", "the", "their", "theirs", "them", "then", "there", "these", "they", "this",
	"those", "through", "to", "too", "under", "until", "up", "very", "was", "we",
	"were", "what", "when", "where", "which", "while", "who", "whom", "why", "will",
	"with", "would", "you", "your", "yours",
}

// foldTable maps lowercase Latin letters with diacritics to plain letters.
// The client has the same table (FOLD in search.js).
var foldTable = map[rune]string{}

func init() {
	for plain, accented := range map[string]string{
		"a": "àáâãäåāăą", "c": "çćĉċč", "d": "ďđð", "e": "èéêëēĕėęě",
		"g": "ĝğġģ", "h": "ĥħ", "i": "ìíîïĩīĭįı", "j": "ĵ", "k": "ķ",
		"l": "ĺļľŀł", "n": "ñńņň", "o": "òóôõöøōŏő", "r": "ŕŗř",
		"s": "śŝşš", "t": "ţťŧ", "u": "ùúûüũūŭůűų", "w": "ŵ", "y": "ýÿŷ",
		"z": "źżž", "ss": "ß", "ae": "æ", "oe": "œ", "th": "þ", "σ": "ς",
	} {
		for _, r := range accented {
			foldTable[r] = plain
		}
	}
}

// Rune classes.
const (
	clsSep  = iota // separates words
	clsWord        // part of a word
	clsCJK         // part of a CJK run
	clsSkip        // ignored (combining marks)
)

// asciiLower and asciiClass are the fast path for ASCII bytes; wordByte
// is the lowercase form of ASCII letters and digits, 0 for any other byte.
var (
	asciiLower [128]byte
	asciiClass [128]uint8
	wordByte   [256]byte
)

func init() {
	for c := 0; c < 128; c++ {
		b := byte(c)
		switch {
		case b >= 'A' && b <= 'Z':
			asciiLower[c], asciiClass[c] = b+'a'-'A', clsWord
		case b >= 'a' && b <= 'z', b >= '0' && b <= '9':
			asciiLower[c], asciiClass[c] = b, clsWord
		default:
			asciiLower[c], asciiClass[c] = b, clsSep
		}
		if asciiClass[c] == clsWord {
			wordByte[c] = asciiLower[c]
		}
	}
}

// classify returns the class of a rune that is already lowercased.
func classify(r rune) uint8 {
	if r < utf8.RuneSelf {
		return asciiClass[r]
	}
	if unicode.IsLetter(r) {
		if unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) {
			return clsCJK
		}
		if r == 'ー' {
			return clsCJK
		}
		return clsWord
	}
	if unicode.IsDigit(r) || unicode.Is(unicode.Mc, r) {
		return clsWord
	}
	if unicode.In(r, unicode.Mn, unicode.Me) {
		return clsSkip
	}
	return clsSep
}

func isConnector(r rune) bool { return r == '-' || r == '.' || r == '_' }

// tokenizer splits text into index terms. It keeps its buffers between
// calls; it is not safe for concurrent use.
type tokenizer struct {
	stop   bool   // leave out stop words
	word   []byte // current word, lowercased and folded
	runes  int    // runes in word
	digit  bool   // word has a digit
	chain  []byte // current chain of connected words, joined
	parts  int    // words in chain
	cjk    []rune // current CJK run
	bigram []byte
}

// tokenize calls emit for each term of s, in text order (a chain's joined
// form right after its last word). The slice passed to emit is only valid
// during the call.
func (t *tokenizer) tokenize(s string, emit func([]byte)) {
	if t.word == nil {
		t.word = make([]byte, 0, 2*maxTokenRunes)
		t.chain = make([]byte, 0, 2*maxTokenRunes)
		t.bigram = make([]byte, 0, 16)
	}
	t.word, t.runes, t.digit = t.word[:0], 0, false
	t.chain, t.parts = t.chain[:0], 0
	t.cjk = t.cjk[:0]
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if asciiClass[c] == clsWord {
				// The common case: a run of ASCII letters and digits.
				if len(t.cjk) > 0 {
					t.flushCJK(emit)
				}
				j := i + 1
				for j < len(s) && wordByte[s[j]] != 0 {
					j++
				}
				k := min(j-i, maxTokenRunes-t.runes) // bytes to keep
				n := len(t.word)
				if cap(t.word)-n < k {
					t.word = append(t.word, make([]byte, k)...)[:n]
				}
				buf := t.word[n : n+k]
				digit := false
				for x, b := range []byte(s[i : i+k]) {
					l := wordByte[b]
					buf[x] = l
					digit = digit || l <= '9'
				}
				t.word = t.word[:n+k]
				t.digit = t.digit || digit
				t.runes += k
				i = j
				continue
			}
			i++
			if len(t.cjk) > 0 {
				t.flushCJK(emit)
			}
			if t.runes > 0 && isConnector(rune(c)) {
				t.endWord(emit, true)
				continue
			}
			t.endWord(emit, false)
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		r = unicode.ToLower(r)
		if f, ok := foldTable[r]; ok {
			// Folded letters are plain letters (or σ).
			for _, fr := range f {
				t.addWordRune(fr, emit)
			}
			continue
		}
		switch classify(r) {
		case clsSkip:
			continue
		case clsWord:
			t.addWordRune(r, emit)
		case clsCJK:
			t.endWord(emit, false)
			t.cjk = append(t.cjk, r)
		default:
			if len(t.cjk) > 0 {
				t.flushCJK(emit)
			}
			t.endWord(emit, false)
		}
	}
	if len(t.cjk) > 0 {
		t.flushCJK(emit)
	}
	t.endWord(emit, false)
}

func (t *tokenizer) addWordRune(r rune, emit func([]byte)) {
	if len(t.cjk) > 0 {
		t.flushCJK(emit)
	}
	if t.runes < maxTokenRunes {
		t.word = utf8.AppendRune(t.word, r)
		t.runes++
		t.digit = t.digit || unicode.IsDigit(r)
	}
}

// endWord emits the current word, unless it is a single letter. A word
// followed by a connector (more) or already in a chain joins the chain; a
// chain ends with its first word not followed by a connector.
func (t *tokenizer) endWord(emit func([]byte), more bool) {
	if t.runes > 0 {
		if (t.runes > 1 || t.digit) && !(t.stop && isStopBytes(t.word)) {
			emit(t.word)
		}
		if more || t.parts > 0 {
			if t.parts == maxChainParts {
				t.endChain(emit)
			}
			t.chain = append(t.chain, t.word...)
			t.parts++
		}
		t.word, t.runes, t.digit = t.word[:0], 0, false
	}
	if !more && t.parts > 0 {
		t.endChain(emit)
	}
}

// endChain emits the joined form of a chain of two or more words.
func (t *tokenizer) endChain(emit func([]byte)) {
	if t.parts > 1 && !(t.stop && isStopBytes(t.chain)) {
		if n := utf8.RuneCount(t.chain); n > maxTokenRunes {
			// cut at a rune boundary
			k := 0
			for j := 0; j < maxTokenRunes; j++ {
				_, sz := utf8.DecodeRune(t.chain[k:])
				k += sz
			}
			t.chain = t.chain[:k]
		}
		emit(t.chain)
	}
	t.chain, t.parts = t.chain[:0], 0
}

// flushCJK emits the bigrams of the current CJK run.
func (t *tokenizer) flushCJK(emit func([]byte)) {
	switch len(t.cjk) {
	case 0:
		return
	case 1:
		t.bigram = utf8.AppendRune(t.bigram[:0], t.cjk[0])
		emit(t.bigram)
	default:
		for k := 0; k+1 < len(t.cjk); k++ {
			t.bigram = utf8.AppendRune(t.bigram[:0], t.cjk[k])
			t.bigram = utf8.AppendRune(t.bigram, t.cjk[k+1])
			emit(t.bigram)
		}
	}
	t.cjk = t.cjk[:0]
}

// tokens returns the index terms of s, stop words left out (for tests and
// for callers that want to see what gets indexed).
func tokens(s string) []string {
	t := tokenizer{stop: true}
	var out []string
	t.tokenize(s, func(b []byte) {
		if !isStopWord(string(b)) {
			out = append(out, string(b))
		}
	})
	return out
}

var stopSet = func() map[string]bool {
	m := make(map[string]bool, len(stopWords))
	for _, w := range stopWords {
		m[w] = true
	}
	return m
}()

func isStopWord(s string) bool { return stopSet[s] }

// stopTable is an open-addressing set of the stop words packed into
// integers (every stop word has at most 7 bytes), for the indexer's check
// of every token.
var stopTable = func() (t [512]uint64) {
	for _, w := range stopWords {
		b := make([]byte, 8)
		copy(b, w)
		k := packWord(b[:len(w)])
		i := stopSlot(k)
		for t[i] != 0 {
			i = (i + 1) % len(t)
		}
		t[i] = k
	}
	return t
}()

// packWord packs b (at most 7 bytes, with cap(b) >= 8) and its length into
// an integer.
func packWord(b []byte) uint64 {
	return binary.LittleEndian.Uint64(b[:8])&(1<<(8*len(b))-1) | uint64(len(b))<<56
}

func stopSlot(k uint64) int { return int((k * 0x9e3779b97f4a7c15) >> 55) }

// isStopBytes reports whether b is a stop word.
func isStopBytes(b []byte) bool {
	if len(b) > 7 {
		return false
	}
	if cap(b) < 8 {
		b = append(make([]byte, 0, 8), b...)
	}
	k := packWord(b)
	for i := stopSlot(k); stopTable[i] != 0; i = (i + 1) % len(stopTable) {
		if stopTable[i] == k {
			return true
		}
	}
	return false
}
