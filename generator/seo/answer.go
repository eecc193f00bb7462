package seo

import (
	"bytes"
	"net/url"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"casefile/generator/internal/spaces"
)

// answerTags are the elements Google allows in FAQ answer text.
var answerTags = map[atom.Atom]bool{
	atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true,
	atom.Br: true, atom.Ol: true, atom.Ul: true, atom.Li: true, atom.A: true, atom.P: true,
	atom.Div: true, atom.B: true, atom.Strong: true, atom.I: true, atom.Em: true,
}

// AnswerHTML restricts rendered answer HTML to h1–h6, br, ol, ul, li, a, p,
// div, b, strong, i and em. Other elements are unwrapped (their text stays),
// script and style are dropped with their content, and the only attribute
// kept is href on links, made absolute against base when it is relative.
func AnswerHTML(src, base string) string {
	if s, ok := answerHTMLSimple(src, base); ok {
		return s
	}
	return answerHTMLTokenized(src, base)
}

// answerHTMLSimple is AnswerHTML for the markup rendered markdown is made
// of, without a tokenizer (which allocates a 4 KB buffer per call, for each
// FAQ answer of each page's JSON-LD). It reads markup as scanSimple does,
// with attributes, if any, each written ` name="value"`; anything else
// makes it give up (ok false). FuzzAnswerHTML checks that both agree.
func answerHTMLSimple(src, base string) (string, bool) {
	var b strings.Builder
	b.Grow(len(src))
	ok := scanSimple(src, func(text string) {
		if strings.IndexAny(text, "&>\"'") >= 0 {
			b.WriteString(html.EscapeString(html.UnescapeString(text)))
		} else {
			b.WriteString(text)
		}
	}, func(end bool, name, attrs string) bool {
		if strings.HasSuffix(attrs, "/") { // self-closing
			attrs = strings.TrimSuffix(strings.TrimSuffix(attrs, "/"), " ")
		}
		if end && attrs != "" {
			return false
		}
		var hrefs []string
		for attrs != "" {
			// ` name="value"`, nothing else
			eq := strings.Index(attrs, `="`)
			if attrs[0] != ' ' || eq < 2 || !isAttrName(attrs[1:eq]) {
				return false
			}
			close := strings.IndexByte(attrs[eq+2:], '"')
			if close < 0 {
				return false
			}
			if v := attrs[eq+2 : eq+2+close]; strings.EqualFold(attrs[1:eq], "href") {
				// Only &amp;: in attributes the tokenizer reads other
				// references by rules of its own ("&amp0" stays as is).
				if strings.Count(v, "&") != strings.Count(v, "&amp;") {
					return false
				}
				hrefs = append(hrefs, strings.ReplaceAll(v, "&amp;", "&"))
			}
			attrs = attrs[eq+2+close+1:]
		}
		if len(hrefs) > 1 { // the tokenizer's rule for repeated attributes is its own
			return false
		}
		a := atom.Lookup([]byte(name))
		switch {
		case !answerTags[a]:
		case end:
			if a != atom.Br {
				b.WriteString("</" + a.String() + ">")
			}
		default:
			b.WriteString("<" + a.String())
			if a == atom.A {
				for _, h := range hrefs {
					b.WriteString(` href="` + html.EscapeString(absURL(h, base)) + `"`)
				}
			}
			b.WriteString(">")
		}
		return true
	})
	if !ok {
		return "", false
	}
	return strings.TrimSpace(b.String()), true
}

// isAttrName reports whether s is an attribute name answerHTMLSimple reads
// as the tokenizer does: ASCII letters, digits, '-', '_' and ':'.
func isAttrName(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isASCIILetter(c) && !('0' <= c && c <= '9') && c != '-' && c != '_' && c != ':' {
			return false
		}
	}
	return s != ""
}

// answerHTMLTokenized is AnswerHTML by the HTML tokenizer, for any markup.
func answerHTMLTokenized(src, base string) string {
	z := html.NewTokenizer(strings.NewReader(src))
	var b bytes.Buffer
	skip := 0 // depth inside script/style
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return strings.TrimSpace(b.String())
		case html.TextToken:
			if skip == 0 {
				b.WriteString(html.EscapeString(string(z.Text())))
			}
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			name, hasAttr := z.TagName()
			a := atom.Lookup(name)
			if a == atom.Script || a == atom.Style {
				if tt == html.StartTagToken {
					skip++
				} else if tt == html.EndTagToken && skip > 0 {
					skip--
				}
				continue
			}
			if skip > 0 || !answerTags[a] {
				continue
			}
			if tt == html.EndTagToken {
				if a != atom.Br {
					b.WriteString("</" + a.String() + ">")
				}
				continue
			}
			b.WriteString("<" + a.String())
			if a == atom.A && hasAttr {
				for {
					k, v, more := z.TagAttr()
					if string(k) == "href" {
						b.WriteString(` href="` + html.EscapeString(absURL(string(v), base)) + `"`)
					}
					if !more {
						break
					}
				}
			}
			b.WriteString(">")
		}
	}
}

// PlainText returns the text of an HTML fragment, whitespace collapsed.
func PlainText(src string) string {
	if s, ok := plainTextSimple(src); ok {
		return s
	}
	return plainTextTokenized(src)
}

// plainTextSimple is PlainText for the markup rendered markdown is made of,
// without a tokenizer (which allocates a 4 KB buffer per call; the JSON
// export calls PlainText for every FAQ answer). It reads tags that start
// with a letter (or "/" and a letter) and end at the next '>', with no quote
// or '<' inside, outside raw-text elements. Anything else (comments,
// doctypes, script, style and the other raw-text elements, a '<' that does
// not start such a tag, quotes in tags, a tag with a value and a final "/",
// CR and NUL) makes it give up: ok is false and the tokenizer reads the
// fragment. FuzzPlainText checks that both agree.
func plainTextSimple(src string) (string, bool) {
	var b strings.Builder
	b.Grow(len(src))
	ok := scanSimple(src, func(text string) {
		if strings.IndexByte(text, '&') >= 0 {
			b.WriteString(html.UnescapeString(text))
		} else {
			b.WriteString(text)
		}
	}, func(end bool, name, attrs string) bool {
		if strings.ContainsRune(name, '"') || strings.ContainsRune(attrs, '"') {
			return false
		}
		selfClosing := strings.HasSuffix(attrs, "/")
		if selfClosing && strings.ContainsRune(attrs, '=') {
			// The "/" may end an unquoted value (<a b=c/>), which the
			// tokenizer does not read as self-closing; markdown's markup
			// quotes its values, so this is rare.
			return false
		}
		if end || !selfClosing {
			b.WriteByte(' ') // as the tokenizer path does for start and end tags
		}
		return true
	})
	if !ok {
		return "", false
	}
	return spaces.Collapse(b.String()), true
}

// scanSimple walks src as markup made by rendering markdown: runs of text,
// handed to text as they are, and tags that start with a letter (or "/" and
// a letter) and end at the next '>', with no '<' or "'" inside, handed to
// tag with their lower-cased name and the rest (attributes, a trailing
// "/"). It gives up (false) on anything else: comments, doctypes, the
// raw-text elements (script, style…), a '<' that does not start such a tag,
// CR and NUL; and when tag returns false.
func scanSimple(src string, text func(string), tag func(end bool, name, attrs string) bool) bool {
	if strings.ContainsAny(src, "\r\x00") {
		return false
	}
	for len(src) > 0 {
		lt := strings.IndexByte(src, '<')
		if lt < 0 {
			lt = len(src)
		}
		text(src[:lt])
		if lt == len(src) {
			break
		}
		src = src[lt+1:]
		end := false
		if strings.HasPrefix(src, "/") {
			end, src = true, src[1:]
		}
		gt := strings.IndexByte(src, '>')
		if gt < 0 || src == "" || !isASCIILetter(src[0]) || strings.ContainsAny(src[:gt], "<'") {
			return false
		}
		t := src[:gt]
		src = src[gt+1:]
		name, attrs := t, ""
		if k := strings.IndexAny(t, " \t\n\f/"); k >= 0 {
			name, attrs = t[:k], t[k:]
		}
		name = strings.ToLower(name)
		if rawTextElements[name] || !tag(end, name, attrs) {
			return false
		}
	}
	return true
}

func isASCIILetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// rawTextElements are the elements whose content the tokenizer does not
// read as markup.
var rawTextElements = map[string]bool{
	"script": true, "style": true, "textarea": true, "title": true, "xmp": true,
	"iframe": true, "noembed": true, "noframes": true, "noscript": true, "plaintext": true,
}

// plainTextTokenized is PlainText by the HTML tokenizer, for any markup.
func plainTextTokenized(src string) string {
	z := html.NewTokenizer(strings.NewReader(src))
	var b strings.Builder
	skip := 0
	for {
		switch z.Next() {
		case html.ErrorToken:
			return spaces.Collapse(b.String())
		case html.TextToken:
			if skip == 0 {
				b.Write(z.Text())
			}
		case html.StartTagToken:
			name, _ := z.TagName()
			if a := atom.Lookup(name); a == atom.Script || a == atom.Style {
				skip++
			}
			b.WriteByte(' ')
		case html.EndTagToken:
			name, _ := z.TagName()
			if a := atom.Lookup(name); (a == atom.Script || a == atom.Style) && skip > 0 {
				skip--
			}
			b.WriteByte(' ')
		}
	}
}

func absURL(href, base string) string {
	if base == "" {
		return href
	}
	b, err := url.Parse(base)
	if err != nil {
		return href
	}
	r, err := url.Parse(href)
	if err != nil {
		return href
	}
	return b.ResolveReference(r).String()
}
