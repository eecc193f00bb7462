package site_test

import (
	"testing"

	"casefile/generator/internal/sitetest"
	"casefile/generator/site"
)

// collisions has an alias, a page slug and static files whose output paths
// collide with static files and with files the site generates, as a file
// and a folder of one name or as one path.
const collisions = `
-- casefile.yaml --
base_url: https://kb.example.org/
-- content/incidents/a.md --
---
title: A
date: 2024-01-02
summary: S.
keywords: [k]
aliases:
  - /css/main.css/
  - /logo.svg/old/
  - /keywords/k/
  - /search/manifest.js/
  - /old.html
  - /fine/
---
Body.
-- content/incidents/b.md --
---
title: B
date: 2024-01-03
summary: S.
keywords: [k]
slug: docs
---
-- content/logo.md --
---
title: Logo
---
-- content/about.md --
---
title: About
slug: about-us
---
-- static/logo.svg --
<svg/>
-- static/logo --
a file where the folder of page logo goes
-- static/old.html/readme.txt --
a folder where an alias's file goes
-- static/about-us/index.html --
old page
-- static/incidents/docs --
a file where the folder of incident docs goes
-- static/feed.xml/x.txt --
a folder where the site's feed goes
`

// TestOutputCollisions: an alias or slug whose output path is a static
// file's or a generated file's, or a file where the other needs a folder
// (or the other way round), is an error at the slug or alias naming the
// other producer; a static file in the way of a generated one is an error
// naming the static file. It used to fail at write time with "cannot
// write …: is a directory", or to name neither file:line nor a fix, and
// which producer was reported depended on which worker wrote first.
func TestOutputCollisions(t *testing.T) {
	var first string
	for _, workers := range []int{1, 4} {
		for _, profile := range []string{site.ProfilePublic, site.ProfileInternal} {
			b := sitetest.BuildErrWith(t, site.Options{Workers: workers, Profile: profile}, collisions)
			b.AssertDiag("content/incidents/a.md:7:5: error: alias `/css/main.css/` would write css/main.css/index.html inside css/main.css, which the built-in theme's static/css/main.css writes as a file; choose another alias")
			b.AssertDiag("content/incidents/a.md:8:5: error: alias `/logo.svg/old/` would write logo.svg/old/index.html inside logo.svg, which static/logo.svg writes as a file; choose another alias, or rename or remove static/logo.svg")
			b.AssertDiag("content/incidents/a.md:9:5: error: alias `/keywords/k/` would write keywords/k/index.html, which the site's keywords k writes too; choose another alias")
			b.AssertDiag("content/incidents/a.md:10:5: error: alias `/search/manifest.js/` would write search/manifest.js/index.html inside search/manifest.js, which the site's search index writes as a file; choose another alias")
			b.AssertDiag("content/incidents/a.md:11:5: error: alias `/old.html` would write the file old.html, but static/old.html/readme.txt writes old.html/readme.txt inside a folder of that name; choose another alias, or rename or remove static/old.html/readme.txt")
			b.AssertDiag("content/incidents/b.md:6:7: error: the page of slug `docs` would write incidents/docs/index.html inside incidents/docs, which static/incidents/docs writes as a file; set another `slug:`, or rename or remove static/incidents/docs")
			b.AssertDiag("content/logo.md:1:1: error: the page of slug `logo` (from the file name) would write logo/index.html inside logo, which static/logo writes as a file; rename the file or set another `slug:`, or rename or remove static/logo")
			b.AssertDiag("content/about.md:3:7: error: the page of slug `about-us` would write about-us/index.html, which static/about-us/index.html writes too; set another `slug:`, or rename or remove static/about-us/index.html")
			b.AssertDiag("static/feed.xml/x.txt: error: static/feed.xml/x.txt would write feed.xml/x.txt inside feed.xml, which the site's feed writes as a file; rename or remove static/feed.xml/x.txt")
			if n := b.Result.Diagnostics.Count(1); n != 9 {
				t.Errorf("%d errors, want 9 (one per clash, none when writing):\n%s", n, b.Result.Diagnostics)
			}
			errs := b.Result.Diagnostics.Errors().String()
			if first == "" {
				first = errs
			} else if errs != first && profile == site.ProfilePublic {
				t.Errorf("%d workers report\n%s\nwhere 1 reported\n%s", workers, errs, first)
			}
		}
	}
	// Without the clashes the same site builds, aliases and all.
	ok := sitetest.Build(t, `
-- content/incidents/a.md --
---
title: A
date: 2024-01-02
summary: S.
keywords: [k]
aliases: [/fine/, /old/a.html]
---
-- static/logo/x.png --
png
`)
	ok.AssertFile("fine/index.html", "incidents/a/")
	ok.AssertFile("old/a.html", "incidents/a/")
}
