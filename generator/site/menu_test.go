package site_test

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"

	"casefile"
	"casefile/generator/internal/sitetest"
	"casefile/generator/site"
)

const menuSite = `
-- casefile.yaml --
base_url: https://kb.example.org/kb/
menu:
  - {name: Status, url: "https://status.example/"}
  - {name: Mirror, url: "//mirror.example/kb/"}
  - {name: Write to us, url: "mailto:kb@example.org"}
  - {name: Methods, url: /methodology/}
  - {name: Home again, url: "https://kb.example.org/kb/"}
-- content/methodology.md --
---
title: Methodology
summary: How we work.
---
Text.
-- content/incidents/x.md --
---
title: X
date: 2024-01-02
summary: S.
keywords: [k]
---
Text.
`

// TestMenuLinksToOtherSites: a menu entry with an absolute URL is written
// as given, in both profiles; a path is one from the site's root.
func TestMenuLinksToOtherSites(t *testing.T) {
	b := sitetest.Build(t, menuSite)
	b.AssertNoWarnings()
	for _, p := range []string{"index.html", "incidents/x/index.html"} {
		b.AssertFile(p, `<a href="https://status.example/">Status</a>`, `<a href="//mirror.example/kb/">Mirror</a>`,
			`<a href="mailto:kb@example.org">Write to us</a>`, `<a href="/kb/methodology/">Methods</a>`,
			`<a href="https://kb.example.org/kb/">Home again</a>`)
		b.AssertNotInFile(p, "/kb/https:", "/kb//", "/kb/mailto:")
	}
	in := sitetest.BuildWith(t, site.Options{Profile: site.ProfileInternal}, menuSite)
	in.AssertFile("incidents/x/index.html", `<a href="https://status.example/">Status</a>`, `<a href="//mirror.example/kb/">Mirror</a>`,
		`<a href="mailto:kb@example.org">Write to us</a>`, `<a href="../../methodology/index.html">Methods</a>`)
}

// TestMenuLinksChecked: a menu entry to this site must name something the
// build made, as a link in markdown must; the error names the config file,
// line and column of the url.
func TestMenuLinksChecked(t *testing.T) {
	src := strings.Replace(menuSite, "  - {name: Methods, url: /methodology/}\n",
		"  - {name: Methods, url: /methodolgy/}\n  - {name: Gone, url: \"https://kb.example.org/kb/gone/\"}\n", 1)
	b := sitetest.BuildErr(t, src)
	b.AssertDiag("casefile.yaml:6:26: error: link `/methodolgy/` points to nothing on the site", "did you mean `/kb/methodology/`?")
	b.AssertDiag("casefile.yaml:7:23: error: link `https://kb.example.org/kb/gone/` points to nothing on the site")
	if n := len(b.Diagnostics()); n != 2 {
		t.Errorf("want the two broken menu links only, got:\n%s", b.Diagnostics())
	}
}

// TestTemplateLinksChecked: a link a template writes as it stands (an
// attribute value, or a path given to .URL) must name something the build
// made; the error names the template file, line and column. Links to
// other sites, to the page itself and relative ones are left alone.
func TestTemplateLinksChecked(t *testing.T) {
	b := sitetest.BuildErr(t, menuSite+`
-- templates/partials/footer.html --
<footer>
  <a href="/nope/">Nope</a> <a href="{{.URL "gone/"}}">Gone</a> <a href='/kb/feed.xml'>Feed</a>
  <a href="{{.URL "methodology/"}}">M</a> <a href="https://elsewhere.example/x/">E</a> <a href="#main">Top</a>
  <a href="{{$.URL "timeline/"}}">T</a> <img src=/kb/img/nothere.png alt=""> <a href="x/">rel</a>
</footer>
`)
	b.AssertDiag("templates/partials/footer.html:2:12: error: link `/nope/` leaves the site, whose pages are under `/kb/`")
	b.AssertDiag("templates/partials/footer.html:2:45: error: link `gone/` points to nothing on the site")
	b.AssertDiag("templates/partials/footer.html:4:50: error: link `/kb/img/nothere.png` points to nothing on the site")
	if n := len(b.Diagnostics()); n != 3 {
		t.Errorf("want three broken template links, got:\n%s", b.Diagnostics())
	}
}

// TestSessionMenuFollowsKeywordIndex: the menu links the keyword index only
// while there is one, so a live session adding the first incident shows
// "Keywords" on the pages it keeps from before, as a clean build does.
func TestSessionMenuFollowsKeywordIndex(t *testing.T) {
	fsys := fstest.MapFS{
		"casefile.yaml":    {Data: []byte("base_url: https://kb.example.org/\n")},
		"content/about.md": {Data: []byte("---\ntitle: About\nsummary: S.\n---\nText.\n")},
	}
	sess := site.NewSession(site.Options{Source: fsys, Theme: casefile.Theme, Workers: 2})
	u, err := sess.Build(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(u.Files["about/index.html"]), ">Keywords<") {
		t.Fatalf("no keyword yet, but the menu links the keyword index")
	}
	fsys["content/incidents/x.md"] = &fstest.MapFile{Data: []byte("---\ntitle: X\ndate: 2024-01-02\nsummary: S.\nkeywords: [k]\n---\nText.\n")}
	if u, err = sess.Build(context.Background(), []string{"content/incidents/x.md"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(u.Files["about/index.html"]), `<a href="/keywords/">Keywords</a>`) {
		t.Errorf("about/index.html kept its menu without Keywords:\n%s", u.Files["about/index.html"])
	}
}
