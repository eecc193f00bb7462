package content

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxSlugLen is the longest slug accepted, in bytes.
const MaxSlugLen = 200

// Slugify turns s into a URL path segment: lower case, letters, digits and
// combining marks of any script kept (日本 stays 日本), every other run of
// characters becomes one "-", and no "-" at either end. It is
// deterministic, so "Supply Chain" and "supply  chain" both give
// "supply-chain". It may return "" (for "!!!").
func Slugify(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	dash := false
	for _, r := range s {
		if r == utf8.RuneError || !(unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.M, r)) {
			dash = b.Len() > 0
			continue
		}
		if dash {
			b.WriteByte('-')
			dash = false
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// CheckSlug returns "" when s is safe as one URL path segment and folder
// name, else what is wrong with it.
func CheckSlug(s string) string {
	switch {
	case s == "":
		return "is empty"
	case len(s) > MaxSlugLen:
		return "is longer than 200 bytes"
	case !utf8.ValidString(s):
		return "is not valid UTF-8"
	case strings.HasPrefix(s, "."):
		return "starts with `.`"
	case strings.Contains(s, ".."):
		return "contains `..`"
	case strings.ContainsAny(s, `/\`):
		return "contains a path separator"
	}
	for _, r := range s {
		switch {
		case unicode.IsControl(r):
			return "contains a control character"
		case unicode.IsSpace(r):
			return "contains white space"
		case strings.ContainsRune(`<>:"|?*#%`, r):
			return "contains `" + string(r) + "`, which is not allowed in file names or URL paths"
		}
	}
	return ""
}
