package site_test

import (
	"encoding/xml"
	"regexp"
	"sort"
	"strings"
	"testing"

	"casefile/generator/internal/sitetest"
	"casefile/generator/site"
)

// sitemapLocs returns the sitemap's URLs, made site-relative folders.
func sitemapLocs(t *testing.T, files map[string][]byte, base string) map[string]string {
	t.Helper()
	var us struct {
		URLs []struct {
			Loc     string `xml:"loc"`
			LastMod string `xml:"lastmod"`
		} `xml:"url"`
	}
	if err := xml.Unmarshal(files["sitemap.xml"], &us); err != nil {
		t.Fatalf("sitemap is not XML: %v", err)
	}
	out := map[string]string{}
	for _, u := range us.URLs {
		rel, ok := strings.CutPrefix(u.Loc, base)
		if !ok {
			t.Errorf("sitemap URL %s is not under %s", u.Loc, base)
		}
		if _, dup := out[rel]; dup {
			t.Errorf("sitemap lists %s twice", u.Loc)
		}
		out[rel] = u.LastMod
	}
	return out
}

var pagedFolder = regexp.MustCompile(`(^|/)page/\d+/$`)

// checkSitemap checks that the sitemap lists exactly the pages of files a
// search engine may index: every HTML page without a robots noindex (in
// the internal profile, whose pages all have one: without a redirect, the
// search page or the 404 page), but the second and later pages of a
// paginated listing.
func checkSitemap(t *testing.T, name string, files map[string][]byte, base string, internal bool) map[string]string {
	t.Helper()
	locs := sitemapLocs(t, files, base)
	want := map[string]bool{}
	for p, data := range files {
		dir, ok := strings.CutSuffix(p, "index.html")
		if !ok || strings.HasPrefix(p, "wiki/") {
			continue
		}
		page := string(data)
		skip := strings.Contains(page, `name="robots" content="noindex`)
		if internal {
			skip = strings.Contains(page, `http-equiv="refresh"`) || dir == "search/"
		}
		if !skip && !pagedFolder.MatchString(dir) {
			want[dir] = true
		}
	}
	for dir := range want {
		if _, ok := locs[dir]; !ok {
			t.Errorf("%s: sitemap lacks /%s", name, dir)
		}
	}
	for dir := range locs {
		if !want[dir] {
			t.Errorf("%s: sitemap lists /%s, not an indexable page", name, dir)
		}
	}
	if len(want) < 5 {
		t.Errorf("%s: only %d indexable pages", name, len(want))
	}
	return locs
}

// TestSitemapListsEveryIndexablePage: the sample's sitemap lists all its
// pages but the search page and the 404 page (it listed 18 of 148: no
// keyword, facet, taxonomy index or timeline page).
func TestSitemapListsEveryIndexablePage(t *testing.T) {
	for _, profile := range []string{site.ProfilePublic, site.ProfileInternal} {
		files, res := buildSample(t, profile)
		locs := checkSitemap(t, "sample "+profile, files, res.Config.BaseURL, profile == site.ProfileInternal)
		pages := 0
		for _, n := range res.Pages {
			pages += n
		}
		if len(locs) != pages-2 {
			t.Errorf("%s: sitemap lists %d of %d pages, want all but search and 404", profile, len(locs), pages)
		}
		for _, dir := range []string{"", "incidents/", "keywords/", "keywords/ransomware/", "actors/", "severity/critical/", "timeline/", "timeline/2021/", "about/"} {
			if _, ok := locs[dir]; !ok {
				t.Errorf("%s: sitemap lacks /%s", profile, dir)
			}
		}
	}
}

// TestSitemapKindsAndLastmod: a site with paginated listings, an alias, an
// empty taxonomy: the first page of each listing is listed with its newest
// incident's date, later pages, redirects and the search page are not, and
// a taxonomy no incident uses has no index page, no link and no entry.
func TestSitemapKindsAndLastmod(t *testing.T) {
	src := `
-- casefile.yaml --
base_url: https://kb.example.org/
paginate: 1
taxonomies: [keywords, status]
-- content/incidents/a.md --
---
title: A
date: 2021-05-01
summary: S.
keywords: [k]
aliases: [/old-a/]
---
-- content/incidents/b.md --
---
title: B
date: 2022-06-01
updated: 2023-01-02
summary: S.
keywords: [k]
---
-- content/about.md --
---
title: About
date: 2020-01-01
summary: S.
---
`
	for _, profile := range []string{site.ProfilePublic, site.ProfileInternal} {
		b := sitetest.BuildWith(t, site.Options{Profile: profile}, src)
		files := map[string][]byte{}
		for _, p := range b.Out.Paths() {
			files[p], _ = b.Out.Get(p)
		}
		locs := checkSitemap(t, profile, files, "https://kb.example.org/", profile == site.ProfileInternal)
		var got []string
		for dir, mod := range locs {
			got = append(got, dir+" "+mod)
		}
		sort.Strings(got)
		want := []string{
			" 2023-01-02T00:00:00Z",
			"about/ 2020-01-01T00:00:00Z",
			"incidents/ 2023-01-02T00:00:00Z",
			"incidents/a/ 2021-05-01T00:00:00Z",
			"incidents/b/ 2023-01-02T00:00:00Z",
			"keywords/ 2023-01-02T00:00:00Z",
			"keywords/k/ 2023-01-02T00:00:00Z",
			"timeline/ 2023-01-02T00:00:00Z",
			"timeline/2021/ 2021-05-01T00:00:00Z",
			"timeline/2022/ 2023-01-02T00:00:00Z",
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("%s: sitemap:\n%s\nwant:\n%s", profile, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		b.AssertFile("incidents/page/2/index.html", "All incidents, page 2 of 2")
		b.AssertFile("keywords/k/page/2/index.html")
		b.AssertNoFile("status/index.html")
		for p, data := range files {
			if strings.Contains(string(data), `status/index.html"`) || strings.Contains(string(data), `href="/status/"`) {
				t.Errorf("%s: %s links to the empty status index", profile, p)
			}
		}
	}
	// No incident yet: no keyword index, and no Keywords in the menu.
	b := sitetest.Build(t, `
-- content/about.md --
---
title: About
summary: S.
---
`)
	b.AssertNoFile("keywords/index.html")
	b.AssertNotInFile("index.html", ">Keywords<", `href="/keywords/"`)
	b.AssertNotInFile("sitemap.xml", "/keywords/")
}
