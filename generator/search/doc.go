// Package search builds the site's client-side search index: small
// JavaScript files that static/js/search.js loads with <script src> (so
// search works from file:// as well as from any web server), sharded so a
// query downloads a bounded number of bytes whatever the corpus size.
//
// # Files
//
// Build returns files keyed by site-relative path:
//
//	search/manifest.js   CasefileSearch.manifest({...})      settings and shard keys
//	search/t/<key>.js    CasefileSearch.shard("<key>", {...}) terms and postings
//	search/d/<n>.js      CasefileSearch.docs(<n>, [...])      result metadata
//	search/k/<key>.js    CasefileSearch.keys("<key>", "...")  more shard keys (very large corpora)
//
// Every file is one call of a global function with a JSON argument. The JSON
// escapes <, >, &, U+2028 and U+2029, so no content can end a script element
// or break the JavaScript parse.
//
// The manifest: {"v":1, "n": docs, "ds": docs per doc shard, "cap": posting
// cap, "qs": score step, "h": content hash, "sw": [stop words], "t": the
// term shard keys as a trie string}.
//
// # Shard keys
//
// The trie string lists, depth first, each key as its last rune, followed by
// its children in parentheses: {"", "r", "ra", "ran", "re", "s"} is
// "r(a(n)e)s" (the root "" always exists). Terms hold only letters and
// digits, so "(", ")" and "*" cannot be part of a key. The shard of key k is
// search/t/<name>.js where name is k when k is ASCII letters and digits (plus
// "_" after a name Windows reserves, such as con), else "_" and the hex of
// k's UTF-8 bytes ("" is "_").
//
// The manifest keeps at most trieBudget bytes of keys, so it stays small
// whatever the corpus size: while a node's trie string is longer, its
// largest child subtree moves to a key file, and the child's rune is then
// followed by "*" instead of parentheses ("r*s(a)"). search/k/<name of
// k>.js is CasefileSearch.keys("k", "...") with the subtree under k in the
// same form (and within the same budget, so key files may nest). A query
// word loads the key files of the "*" nodes on its path before its term
// shard: none up to some 50,000 incidents, then one or two small files.
//
// # Term shards
//
// Terms are grouped by prefix in a trie. The root shard (key "") holds every
// term; while a shard's encoded size is over shardBudget, its largest child
// group (the terms sharing the next rune: "r" → "ra", "ra" → "ran") moves to
// a shard of its own, recursively. A term is therefore in the shard whose key
// is the longest manifest key that prefixes it, and small groups stay merged
// with their parent instead of making tiny files. A shard whose children were
// moved out also lists, under "c", completions: the most frequent terms of
// those children with their best postings, so a prefix such as "ra" still
// finds "ransomware" with one shard. A query word thus needs exactly one term
// shard, at most shardBudget bytes.
//
// A shard is {"t": {term: postings}, "c": {term: postings}}. Postings are a
// string over the alphabet A–Z a–z 0–9 - _ (value = index, 0–63):
//
//	varint(df) then, per document in ascending id order:
//	varint(gap) score
//
// A varint is written most significant digit first in base 32: digits of
// value 32–63 mean "more digits follow" (value-32), 0–31 end the number. df
// is the term's document frequency before the cap (for idf); the first gap is
// the document id, later ones are id - previous id - 1. score is one
// character, a quantised log score: s = exp(score × qs) - 1.
//
// # Scoring
//
// Per term and document, a BM25-like sum over fields with per-field
// saturation and length normalisation (k1 = 1.2, b = 0.75, lengths in bytes
// against the corpus mean):
//
//	s = Σ_f w_f · tf_f·(k1+1) / (tf_f + k1·(1 - b + b·len_f/avg_f))
//
// with weights title 6, keywords 4, FAQ questions 3, summary 2, body 1, so
// one title occurrence (≈ 6) outweighs any number of body occurrences (< 2.2).
// The client multiplies by idf = ln(1 + (N - df + 0.5)/(df + 0.5)).
//
// Each term keeps only its PostingCap (1000) best documents (highest score,
// then lowest id), which bounds every term's size whatever the corpus size;
// df still counts every document. The cost: a query of two very common
// words intersects the two best-1000 lists, not every document, so it may
// find fewer documents with both words than exist (the client then lists
// documents with some of the words after them, and shows counts of capped
// terms as "1000+").
//
// # Client
//
// static/js/search.js tokenises the query with the same rules (tokenize.go),
// takes the last word as a prefix unless the query ends with a space, loads
// one term shard per word and ranks: per word the best of its matches (exact
// 1, prefix completion 0.5–1 by the share of the term typed, typo 0.5 for
// one edit and 0.3 for two) times idf times the stored score, summed over
// words; every word must match. With fewer than 10 results it allows typos
// (edit distance 1 from 4 runes, 2 from 8, none in words with digits), then
// adds documents matching only some words, most words first.
//
// # Doc shards
//
// Document i is entry i%DocShardSize of search/d/<i/DocShardSize>.js:
// [url, title, summary (≤ 200 characters), date, severity]. Document ids are
// the order of the docs given to Build; equal scores rank the lower id first.
package search
