package meta

import (
	"strings"
	"unicode"
)

// Closest returns the candidate most like s, or "" when none is close
// enough to be a likely typo. Case, "-" and "_" are ignored
// (`FocusKeyword` → `focus_keyword`); otherwise the optimal string
// alignment distance (a transposition counts as one edit) must be at most a
// third of s's length, and at least 1. Failing that, a candidate that starts
// with s or that s starts with (`related` → `related_count`), both at least
// four characters, is taken. Ties go to the earlier candidate.
func Closest(s string, candidates []string) string {
	n := normKey(s)
	ns := []rune(n)
	limit := max(1, min(3, len(ns)/3))
	best, bestD := "", limit+2
	for _, c := range candidates {
		if c == s {
			continue
		}
		nc := normKey(c)
		d := limit + 1
		if len(nc) <= len(n)+limit+1 && len(n) <= len(nc)+limit+1 { // else too different in length
			d = min(d, distance(ns, []rune(nc)))
		}
		if d > limit && min(len(n), len(nc)) >= 4 && (strings.HasPrefix(nc, n) || strings.HasPrefix(n, nc)) {
			d = limit + 1
		} else if d > limit {
			continue
		}
		if d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

func normKey(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '_' || r == '-' || r == ' ' {
			return -1
		}
		return unicode.ToLower(r)
	}, s)
}

// distance is the optimal string alignment distance between a and b.
func distance(a, b []rune) int {
	if len(a) > 64 || len(b) > 64 { // not a key typo; keep the cost bounded
		if string(a) == string(b) {
			return 0
		}
		return 1 << 20
	}
	// three rows: two back (for transpositions), previous, current
	pp := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], pp[j-2]+1)
			}
		}
		pp, prev, cur = prev, cur, pp
	}
	return prev[len(b)]
}
