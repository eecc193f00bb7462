// Package spaces collapses white space in text.
package spaces

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Collapse is strings.Join(strings.Fields(s), " ") in one pass and one
// allocation (none when s is already collapsed): every run of white space
// (unicode.IsSpace) becomes one space, and leading and trailing white space
// goes. Bytes that are not valid UTF-8 are kept as they are.
func Collapse(s string) string {
	if collapsed(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	pending := false
	for i := 0; i < len(s); {
		c := s[i]
		size := 1
		if c < utf8.RuneSelf {
			if asciiSpace[c] {
				pending = true
				i++
				continue
			}
			j := i + 1
			for j < len(s) && s[j] < utf8.RuneSelf && !asciiSpace[s[j]] {
				j++
			}
			size = j - i
		} else {
			var r rune
			r, size = utf8.DecodeRuneInString(s[i:])
			if unicode.IsSpace(r) {
				pending = true
				i += size
				continue
			}
		}
		if pending && b.Len() > 0 {
			b.WriteByte(' ')
		}
		pending = false
		b.WriteString(s[i : i+size])
		i += size
	}
	return b.String()
}

// collapsed reports whether s is ASCII with single spaces between words and
// none at either end, so that Collapse(s) == s.
func collapsed(s string) bool {
	if len(s) > 0 && (s[0] == ' ' || s[len(s)-1] == ' ') {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf || (asciiSpace[c] && (c != ' ' || s[i+1] == ' ')) {
			return false
		}
	}
	return true
}

var asciiSpace = [utf8.RuneSelf]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}
