package site_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"casefile"
	"casefile/generator/internal/sitetest"
	"casefile/generator/markdown"
	"casefile/generator/site"
)

// wikiKB has markup in every plain-text field and links between incidents
// of every kind: inline, relative, absolute, reference-style, autolinks,
// in the body, its FAQ section, an internal block, FAQ answers and notes.
const wikiKB = `
-- casefile.yaml --
title: KB <b>
base_url: https://kb.example.org/
-- content/incidents/a.md --
---
title: "<img src=x onerror=alert(1)> *bold* [x](y) # 1. A_b|c"
date: 2024-01-02
summary: "- starts like a list & <b>bold</b>"
keywords: [k]
timeline:
  - date: 2024-01
    event: "<script>alert(1)</script>"
faq:
  - question: "Was <i>it</i> bad?"
    answer: See [B](/incidents/b/#root-cause) and [B relative](../b/).
sources:
  - title: "<img src=y>"
    url: https://example.com/a_(b)
    publisher: "*Pub*"
internal_notes: |
  Also [B absolute](https://kb.example.org/incidents/b/) and <https://kb.example.org/incidents/b/>.
---
See [B](/incidents/b/), [B relative](../b/#root-cause), [B ref][bref], [keyword](/keywords/k/),
[self](#timeline), [file](/incidents/b/index.html), [json](/incidents/b/index.json), [elsewhere](https://example.org/incidents/b/).

[bref]: /incidents/b/

## FAQ

### Where?

In [B](/incidents/b/).

::: internal
Staff: [B](/incidents/b/).
:::
-- content/incidents/b.md --
---
title: B
date: 2024-01-03
summary: S.
keywords: [k]
---
## Root cause

Text.
`

// TestWikiExportEscapesAndLinks: the wiki import format shows plain-text
// fields as text (a title holding <img onerror=…> was written raw, and
// rendered as HTML by a wiki that allows it), and the links written in
// bodies, FAQ answers and notes between incidents point to the sibling
// .md files, as the related list's do (they all broke after an import);
// other links to the site become its absolute URLs.
func TestWikiExportEscapesAndLinks(t *testing.T) {
	b := sitetest.BuildWith(t, site.Options{Profile: site.ProfileInternal}, wikiKB)
	md := markdown.New(markdown.Options{UnsafeHTML: true, Internal: true}) // a wiki that lets HTML through
	page := b.File("wiki/a.md")
	_, doc, ok := strings.Cut(strings.TrimPrefix(page, "---\n"), "\n---\n")
	if !ok {
		t.Fatalf("no front matter:\n%s", page)
	}
	res, err := md.RenderDoc([]byte(doc), markdown.DocOptions{})
	if err != nil {
		t.Fatal(err)
	}
	html := res.HTML + res.FAQIntro
	for _, f := range res.FAQ {
		html += f.AnswerHTML
	}
	for _, bad := range []string{"<img", "<script", "<b>", "<i>", "<em>", "<strong>bold", "<ul>\n<li>starts", "<table"} {
		if strings.Contains(html, bad) {
			t.Errorf("wiki/a.md renders %q:\n%s\n%s", bad, page, html)
		}
	}
	if h := res.Headings[0].Text; h != "<img src=x onerror=alert(1)> *bold* [x](y) # 1. A_b|c" {
		t.Errorf("title shows as %q", h)
	}
	for _, want := range []string{"- starts like a list &amp; &lt;b&gt;bold&lt;/b&gt;", "&lt;script&gt;alert(1)&lt;/script&gt;", "Was &lt;i&gt;it&lt;/i&gt; bad?", "&lt;img src=y&gt;", "*Pub*"} {
		if !strings.Contains(html, want) {
			t.Errorf("wiki/a.md does not show %q as text:\n%s", want, html)
		}
	}

	// Import semantics: every link resolves among the wiki's files, or
	// is absolute.
	got := map[string]bool{}
	for _, l := range res.Links {
		got[l.Dest] = true
		u, err := url.Parse(l.Dest)
		if err != nil {
			t.Errorf("link %q: %v", l.Dest, err)
			continue
		}
		switch {
		case u.IsAbs():
		case u.Path == "":
			// within the page
		case !b.Has("wiki/" + u.Path):
			t.Errorf("link %q names no file of the wiki", l.Dest)
		}
	}
	for _, want := range []string{"b.md", "b.md#root-cause", "https://kb.example.org/keywords/k/", "#timeline", "https://kb.example.org/incidents/b/index.json",
		"https://example.org/incidents/b/", "https://example.com/a_(b)"} {
		if !got[want] {
			t.Errorf("wiki/a.md has no link to %q; it has %v", want, res.Links)
		}
	}
	for _, w := range []string{"[B](b.md)", "[B relative](b.md#root-cause)", "[bref]: b.md", "In [B](b.md).", "Staff: [B](b.md).",
		"See [B](b.md#root-cause) and [B relative](b.md).", "Also [B absolute](b.md) and [https://kb.example.org/incidents/b/](b.md).",
		"[file](b.md)"} {
		if !strings.Contains(page, w) {
			t.Errorf("wiki/a.md lacks %q:\n%s", w, page)
		}
	}
	b.AssertFile("wiki/index.md", "# KB \\<b\\>", "[\\<img src=x onerror=alert(1)\\> \\*bold\\* \\[x\\](y) \\# 1. A\\_b\\|c](a.md)")

	// A Session (casefile serve) writes the same page.
	s := site.NewSession(site.Options{Source: sitetest.FS(wikiKB), Theme: casefile.Theme, Profile: site.ProfileInternal})
	u, err := s.Build(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := string(u.Files["wiki/a.md"]); got != page {
		t.Errorf("the session's wiki/a.md differs:\n%s", got)
	}
}
