package seo

import (
	"bytes"
	"net/url"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
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
	z := html.NewTokenizer(strings.NewReader(src))
	var b strings.Builder
	skip := 0
	for {
		switch z.Next() {
		case html.ErrorToken:
			return strings.Join(strings.Fields(b.String()), " ")
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
