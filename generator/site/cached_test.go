package site_test

import (
	"bytes"
	"io/fs"
	"regexp"
	"strings"
	"testing"

	"casefile"
	"casefile/generator/internal/sitetest"
	"casefile/generator/site"
)

// uncachedBaseof is the theme's baseof.html with the header and footer
// rendered for each page by {{template}} instead of partialCached.
func uncachedBaseof(t *testing.T) string {
	t.Helper()
	data, err := fs.ReadFile(casefile.Theme, "templates/baseof.html")
	if err != nil {
		t.Fatal(err)
	}
	src := string(data)
	out := regexp.MustCompile(`\{\{partialCached ("partials/[a-z]+\.html") \.[^}]*\}\}`).ReplaceAllString(src, `{{template $1 .}}`)
	if out == src || strings.Contains(out, "partialCached") {
		t.Fatalf("baseof.html no longer calls partialCached as this test expects:\n%s", src)
	}
	return out
}

// partialCached must not change a byte: every page of a site, in both
// profiles (relative links at every folder depth in the internal one), is
// the same with the header and footer rendered once per variant as with
// them rendered on every page; and the header marks the current page.
func TestPartialCachedSameOutput(t *testing.T) {
	kb := canaryKB + facetsArchive[1:] + "-- content/about.md --\n---\ntitle: About\n---\nAbout us.\n"
	kb = strings.Replace(kb, "title: KB\n", "title: KB\nmenu:\n  - {name: About, url: /about/}\n", 1)
	override := "-- templates/baseof.html --\n" + uncachedBaseof(t)
	for _, profile := range []string{site.ProfilePublic, site.ProfileInternal} {
		cached := sitetest.BuildWith(t, site.Options{Profile: profile}, kb)
		plain := sitetest.BuildWith(t, site.Options{Profile: profile}, kb+override)
		paths := cached.Out.Paths()
		if len(paths) != len(plain.Out.Paths()) {
			t.Fatalf("%s: %d files cached, %d not", profile, len(paths), len(plain.Out.Paths()))
		}
		for _, p := range paths {
			if !bytes.Equal([]byte(cached.File(p)), []byte(plain.File(p))) {
				t.Errorf("%s: %s differs with partialCached", profile, p)
			}
		}
		about, incidents := "about/index.html", "incidents/index.html"
		current := regexp.MustCompile(`<li><a href="[^"]*"([^>]*)>([A-Za-z]+)</a></li>`)
		for page, want := range map[string]string{about: "About", incidents: "Incidents", "incidents/public/index.html": ""} {
			got := ""
			html := cached.File(page)
			header := html[strings.Index(html, `<header class="site-header">`):]
			header = header[:strings.Index(header, "</header>")]
			for _, m := range current.FindAllStringSubmatch(header, -1) {
				if strings.Contains(m[1], `aria-current="page"`) {
					got += m[2]
				}
			}
			if got != want {
				t.Errorf("%s: %s: menu item marked current %q, want %q", profile, page, got, want)
			}
		}
	}
}
