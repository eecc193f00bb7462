package site_test

import (
	"encoding/xml"
	"regexp"
	"strings"
	"testing"

	"casefile/generator/internal/sitetest"
	"casefile/generator/site"
)

const oneIncident = `
-- casefile.yaml --
title: Test KB
base_url: https://kb.example.org/
description: A test knowledge base.
-- content/incidents/db-disk-full.md --
---
title: DB disk full
date: 2024-01-02
updated: 2024-02-03T10:00:00+02:00
summary: WAL filled the disk.
keywords: [postgres, storage]
severity: high
status: resolved
actors: [Nobody]
sectors: [hosting]
countries: [Norway]
techniques: [T1499.004]
cves: [CVE-2021-44228]
timeline:
  - date: 2024-01
    event: Disk usage alarms ignored
  - date: 2024-01-02
    event: Database stopped
sources:
  - title: Postmortem
    url: https://example.com/postmortem
    publisher: Example Inc
faq:
  - question: Who noticed first?
    answer: The **on-call** engineer.
---
## What happened

The write-ahead log grew until the disk was full.

` + "```bash\necho \"disk full\" && df -h /var/lib/postgresql\n```" + `

## FAQ
### Was data lost?
No.
### How long was the outage?
Two hours.
`

func TestIncidentPageHasEverything(t *testing.T) {
	b := sitetest.Build(t, oneIncident)
	b.AssertNoWarnings()
	p := "incidents/db-disk-full/index.html"
	b.AssertFile(p,
		"<title>DB disk full | Test KB</title>",
		`<meta name="description" content="WAL filled the disk.">`,
		`<link rel="canonical" href="https://kb.example.org/incidents/db-disk-full/">`,
		`<meta property="og:type" content="article">`,
		`<meta name="twitter:card" content="summary">`,
		`<meta property="article:published_time" content="2024-01-02T00:00:00Z">`,
		`<meta property="article:modified_time" content="2024-02-03T10:00:00&#43;02:00">`,
		`<time datetime="2024-01-02">2 January 2024</time>`,
		`<span class="badge sev-high">high</span>`,
		`<span class="badge status-resolved">resolved</span>`,
		`href="https://attack.mitre.org/techniques/T1499/004/"`,
		`href="https://www.cve.org/CVERecord?id=CVE-2021-44228"`,
		`<time datetime="2024-01">January 2024</time> <span>Disk usage alarms ignored</span>`,
		`<span class="nb">echo</span>`, // chroma highlighted the bash block
		`<a href="https://example.com/postmortem" rel="external noopener">Postmortem</a>, <span class="publisher">Example Inc</span>`,
		`Who noticed first?`, `The <strong>on-call</strong> engineer.`,
		`Was data lost?`, `How long was the outage?`,
		`<nav class="breadcrumbs" aria-label="Breadcrumb">`,
		`<a class="skip-link" href="#main">`,
	)
	// The body FAQ section left the body: it is rendered once, in the FAQ block.
	page := b.File(p)
	if n := strings.Count(page, "Was data lost?"); n != 2 { // visible heading + JSON-LD
		t.Errorf("question appears %d times, want 2 (FAQ block and JSON-LD)", n)
	}
	// Focus keyword first.
	if i, j := strings.Index(page, ">postgres<"), strings.Index(page, ">storage<"); i < 0 || j < 0 || i > j {
		t.Errorf("focus keyword postgres should come before storage (%d, %d)", i, j)
	}
}

func TestFAQOrderAndAnchors(t *testing.T) {
	b := sitetest.Build(t, oneIncident)
	page := b.File("incidents/db-disk-full/index.html")
	re := regexp.MustCompile(`<h3 id="(faq-[^"]+)">([^<]+) <a class="anchor" href="#faq-[^"]+"`)
	var got []string
	for _, m := range re.FindAllStringSubmatch(page, -1) {
		got = append(got, m[1]+"="+m[2])
	}
	want := []string{"faq-who-noticed-first=Who noticed first?", "faq-was-data-lost=Was data lost?", "faq-how-long-was-the-outage=How long was the outage?"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("FAQ anchors:\n got %q\nwant %q", got, want)
	}
}

func TestRepeatedFAQQuestionIsAnError(t *testing.T) {
	b := sitetest.BuildErr(t, `
-- content/incidents/x.md --
---
title: X
date: 2024-01-02
summary: S.
keywords: [k]
faq:
  - question: Was data lost?
    answer: No.
---
Body.

## Frequently Asked Questions

### Was data  lost
Still no.
`)
	b.AssertDiag("content/incidents/x.md:14:1:", "error", `"Was data lost" is asked twice (first at line 7)`)
	// A one-off build finds markdown errors while rendering: the broken
	// page and the export are never written, and the folder output
	// (output.Dir) is discarded whole, which the CLI tests check.
	for _, p := range []string{"incidents/x/index.html", "incidents.json", "search/manifest.js"} {
		if _, ok := b.Out.Get(p); ok {
			t.Errorf("a failed build wrote %s", p)
		}
	}
}

func TestEmptyAnswerIsAnError(t *testing.T) {
	b := sitetest.BuildErr(t, `
-- content/incidents/x.md --
---
title: X
date: 2024-01-02
summary: S.
keywords: [k]
---
## FAQ
### Is this answered?
### Next?
Yes.
`)
	b.AssertDiag("content/incidents/x.md:8:", `"Is this answered?" has no answer`)
}

func TestEveryBrokenFileIsReported(t *testing.T) {
	b := sitetest.BuildErr(t, `
-- content/incidents/a.md --
---
title: A
date: 2024-13-01
summary: S.
keywords: [k]
---
-- content/incidents/b.md --
---
title: B
date: 2024-01-01
summary: S.
keywords: [k]
severity: hihg
---
-- content/incidents/c.md --
---
title: C
date: 2024-01-01
keywords: [k]
---
`)
	b.AssertDiag("content/incidents/a.md:3:", "date")
	b.AssertDiag("content/incidents/b.md:6:", "did you mean `high`")
	b.AssertDiag("content/incidents/c.md", "summary")
	if n := b.Result.Diagnostics.Count(1); n < 3 {
		t.Errorf("want at least 3 errors, got %d:\n%s", n, b.Result.Diagnostics)
	}
}

func TestHomeListsLatestFirst(t *testing.T) {
	b := sitetest.Build(t, `
-- casefile.yaml --
title: KB
home_count: 2
-- content/incidents/old.md --
---
title: Old one
date: 2020-01-01
summary: Old.
keywords: [k]
---
-- content/incidents/new.md --
---
title: New one
date: 2023-01-01
summary: New.
keywords: [k]
---
-- content/incidents/mid.md --
---
title: Middle one
date: 2021-06-01
summary: Mid.
keywords: [k]
---
`)
	home := b.File("index.html")
	i, j := strings.Index(home, "New one"), strings.Index(home, "Middle one")
	if i < 0 || j < 0 || i > j {
		t.Errorf("home should list New one before Middle one")
	}
	if strings.Contains(home, "Old one") {
		t.Errorf("home_count 2 should leave Old one out")
	}
	b.AssertFile("index.html", "3 incidents documented.")
	b.AssertFile("incidents/index.html", "New one", "Middle one", "Old one")
}

func TestPlainPagesAndMenu(t *testing.T) {
	b := sitetest.Build(t, `
-- content/about.md --
---
title: About us
summary: Who we are.
weight: 1
---
We write **incident** explainers.
-- content/incidents/x.md --
---
title: X
date: 2024-01-02
summary: S.
keywords: [k]
---
`)
	b.AssertFile("about/index.html", "<h1>About us</h1>", "We write <strong>incident</strong> explainers.", `"@type":"AboutPage"`)
	b.AssertFile("index.html", `<a href="/about/">About us</a>`)
}

func TestSitemapLastmodFromContent(t *testing.T) {
	b := sitetest.Build(t, oneIncident)
	sm := b.File("sitemap.xml")
	var us struct {
		URLs []struct {
			Loc     string `xml:"loc"`
			LastMod string `xml:"lastmod"`
		} `xml:"url"`
	}
	if err := xml.Unmarshal([]byte(sm), &us); err != nil {
		t.Fatalf("sitemap is not XML: %v", err)
	}
	got := map[string]string{}
	for _, u := range us.URLs {
		got[u.Loc] = u.LastMod
	}
	if lm := got["https://kb.example.org/incidents/db-disk-full/"]; lm != "2024-02-03T10:00:00+02:00" {
		t.Errorf("incident lastmod = %q, want the updated date", lm)
	}
	if lm := got["https://kb.example.org/"]; lm != "2024-02-03T10:00:00+02:00" {
		t.Errorf("home lastmod = %q, want the newest incident's", lm)
	}
	// Built twice, byte for byte the same: no build time anywhere.
	again := sitetest.Build(t, oneIncident)
	for _, p := range b.Out.Paths() {
		if b.File(p) != again.File(p) {
			t.Errorf("%s differs between two builds of the same content", p)
		}
	}
}

func TestAtomFeed(t *testing.T) {
	b := sitetest.Build(t, oneIncident)
	feed := b.File("feed.xml")
	var f struct {
		Title   string `xml:"title"`
		Updated string `xml:"updated"`
		Entries []struct {
			Title   string `xml:"title"`
			ID      string `xml:"id"`
			Updated string `xml:"updated"`
			Summary string `xml:"summary"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal([]byte(feed), &f); err != nil {
		t.Fatalf("feed is not XML: %v", err)
	}
	if f.Title != "Test KB" || len(f.Entries) != 1 || f.Entries[0].Title != "DB disk full" ||
		f.Entries[0].ID != "https://kb.example.org/incidents/db-disk-full/" || f.Entries[0].Summary != "WAL filled the disk." {
		t.Errorf("unexpected feed: %+v", f)
	}
	if f.Updated != "2024-02-03T08:00:00Z" {
		t.Errorf("feed updated = %q, want the newest modification in UTC", f.Updated)
	}
}

func TestRobots404AndStatic(t *testing.T) {
	b := sitetest.Build(t, oneIncident+`
-- static/img/logo.png --
PNG
-- static/css/main.css --
/* site override */
-- static/.git/config --
secret
-- static/.well-known/security.txt --
Contact: mailto:security@example.org
-- static/.DS_Store --
junk
`)
	b.AssertNoFile(".git/config")
	b.AssertNoFile(".DS_Store")
	b.AssertFile(".well-known/security.txt", "Contact:")
	b.AssertFile("robots.txt", "Sitemap: https://kb.example.org/sitemap.xml")
	b.AssertFile("404.html", "Page not found", `<meta name="robots" content="noindex, nofollow">`)
	b.AssertFile("img/logo.png", "PNG")
	b.AssertFile("css/main.css", "/* site override */")
	b.AssertFile("css/print.css", "@page")                       // from the built-in theme
	b.AssertFile("css/chroma.css", "prefers-color-scheme: dark") // generated
}

func TestBuiltInThemeNeedsNoTemplates(t *testing.T) {
	// A KB with only content and no config builds with the embedded theme.
	b := sitetest.Build(t, `
-- content/incidents/x.md --
---
title: X
date: 2024-01-02
summary: S.
keywords: [k]
---
Hello.
`)
	b.AssertFile("incidents/x/index.html", "Hello.", `<link rel="stylesheet" href="/css/main.css">`)
	b.AssertFile("css/main.css", "prefers-color-scheme")
}

func TestSiteOverridesOneTemplate(t *testing.T) {
	b := sitetest.Build(t, oneIncident+`
-- templates/partials/footer.html --
<footer>Custom footer for {{.Site.Title}}</footer>
`)
	b.AssertFile("index.html", "Custom footer for Test KB")
	b.AssertFile("incidents/db-disk-full/index.html", "Custom footer for Test KB", "DB disk full")
}

func TestTemplateErrorNamesFileAndLine(t *testing.T) {
	b := sitetest.BuildErr(t, oneIncident+`
-- templates/page.html --
{{define "main"}}
<p>{{.Heading</p>
{{end}}
`)
	b.AssertDiag("templates/page.html:2", "error")
}

func TestMarkdownSafety(t *testing.T) {
	b := sitetest.Build(t, `
-- content/incidents/x.md --
---
title: X
date: 2024-01-02
summary: S.
keywords: [k]
---
<script>alert(1)</script>

[click](javascript:alert(2)) and [ok](https://example.org/)
`)
	p := "incidents/x/index.html"
	b.AssertNotInFile(p, "<script>alert(1)", "javascript:alert(2)")
	b.AssertFile(p, "&lt;script&gt;alert(1)&lt;/script&gt;", `href="https://example.org/"`)

	u := sitetest.Build(t, `
-- casefile.yaml --
unsafe_html: true
-- content/incidents/x.md --
---
title: X
date: 2024-01-02
summary: S.
keywords: [k]
---
<div class="note">raw <b>html</b></div>

[click](javascript:alert(2))
`)
	u.AssertFile(p, `<div class="note">raw <b>html</b></div>`)
	u.AssertNotInFile(p, "javascript:alert(2)")
}

func TestDraftsAndInternalLeftOut(t *testing.T) {
	src := `
-- content/incidents/pub.md --
---
title: Published
date: 2024-01-02
summary: S.
keywords: [k]
related: [draft, secret]
---
-- content/incidents/draft.md --
---
title: Drafty
date: 2024-01-03
summary: S.
keywords: [k]
draft: true
---
-- content/incidents/secret.md --
---
title: Secret one
date: 2024-01-04
summary: S.
keywords: [k]
visibility: internal
---
`
	b := sitetest.Build(t, src)
	b.AssertNoFile("incidents/draft/index.html")
	b.AssertNoFile("incidents/secret/index.html")
	for _, p := range []string{"index.html", "sitemap.xml", "feed.xml", "incidents/pub/index.html"} {
		b.AssertNotInFile(p, "Drafty", "Secret one")
	}
	d := sitetest.BuildWith(t, site.Options{Drafts: true}, src)
	d.AssertFile("incidents/draft/index.html", "Drafty")
	d.AssertFile("incidents/pub/index.html", "Drafty") // related, now published
}

func TestAliasesRedirect(t *testing.T) {
	b := sitetest.Build(t, `
-- casefile.yaml --
base_url: https://kb.example.org/sub/
-- content/incidents/x.md --
---
title: X
date: 2024-01-02
summary: S.
keywords: [k]
aliases: [/2024/old-x/, /legacy/x.html]
---
`)
	b.AssertFile("2024/old-x/index.html", `<meta http-equiv="refresh" content="0; url=/sub/incidents/x/">`, `<link rel="canonical" href="https://kb.example.org/sub/incidents/x/">`)
	b.AssertFile("legacy/x.html", `url=/sub/incidents/x/`)
	b.AssertFile("incidents/x/index.html", `href="/sub/css/main.css"`)
}

func TestOutputCollisionIsAnError(t *testing.T) {
	b := sitetest.BuildErr(t, `
-- content/incidents/x.md --
---
title: X
date: 2024-01-02
summary: S.
keywords: [k]
aliases: [/legacy.html]
---
-- static/legacy.html --
old
`)
	b.AssertDiag("content/incidents/x.md:6:11: error: alias `/legacy.html` would write legacy.html, which static/legacy.html writes too; choose another alias, or rename or remove static/legacy.html")
}

func TestPaginatedIncidentList(t *testing.T) {
	var sb strings.Builder
	sb.WriteString("-- casefile.yaml --\npaginate: 2\n")
	for _, id := range []string{"a", "b", "c"} {
		sb.WriteString("-- content/incidents/" + id + ".md --\n---\ntitle: T " + id + "\ndate: 2024-01-0" + map[string]string{"a": "1", "b": "2", "c": "3"}[id] + "\nsummary: S.\nkeywords: [k]\n---\n")
	}
	b := sitetest.Build(t, sb.String())
	b.AssertFile("incidents/index.html", "T c", "T b", `rel="next" href="/incidents/page/2/"`)
	b.AssertFile("incidents/page/2/index.html", "T a", `rel="prev" href="/incidents/"`, "page 2 of 2")
	b.AssertNoFile("incidents/page/3/index.html")
}

func TestUnicodeSlugURLs(t *testing.T) {
	b := sitetest.Build(t, `
-- casefile.yaml --
base_url: https://kb.example.org/
-- content/incidents/日本-防衛.md --
---
title: 日本の防衛ネットワーク
date: 2024-01-02
summary: S.
keywords: [日本]
---
`)
	b.AssertFile("incidents/日本-防衛/index.html",
		`<link rel="canonical" href="https://kb.example.org/incidents/%E6%97%A5%E6%9C%AC-%E9%98%B2%E8%A1%9B/">`)
	b.AssertFile("sitemap.xml", "https://kb.example.org/incidents/%E6%97%A5%E6%9C%AC-%E9%98%B2%E8%A1%9B/")
}

// Cards are rendered once per link root and shared: a site's own
// partials/card.html is used everywhere cards show, sees the card and the
// page's link root, and (being shared between pages) no page-specific field.
func TestCardPartialOverride(t *testing.T) {
	archive := `
-- templates/partials/card.html --
<div class="mycard" data-kind="{{.Page.Kind}}"><a href="{{.Page.URL .Card.URL}}">{{.Card.Title}}</a></div>
-- content/incidents/a.md --
---
title: Alpha outage
date: 2024-01-02
summary: S.
keywords: [shared, linked]
---
Body.
-- content/incidents/b.md --
---
title: Beta breach
date: 2024-02-03
summary: S.
keywords: [shared, linked]
---
Body.
-- content/incidents/c.md --
---
title: Gamma leak
date: 2024-03-04
summary: S.
keywords: [shared]
---
Body.
`
	b := sitetest.Build(t, archive)
	for _, p := range []string{"index.html", "keywords/shared/index.html", "incidents/a/index.html"} {
		b.AssertFile(p, `<div class="mycard" data-kind=""><a href="/incidents/b/">Beta breach</a></div>`)
	}
	b.AssertNotInFile("index.html", `class="card"`)

	in := sitetest.BuildWith(t, site.Options{Profile: site.ProfileInternal}, archive)
	in.AssertFile("index.html", `<a href="incidents/b/index.html">Beta breach</a>`)
	in.AssertFile("keywords/shared/index.html", `<a href="../../incidents/b/index.html">Beta breach</a>`)
	in.AssertFile("incidents/a/index.html", `<a href="../../incidents/b/index.html">Beta breach</a>`)
}
