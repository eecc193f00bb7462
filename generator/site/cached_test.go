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

// uncached returns the theme's template at name (baseof.html,
// partials/head.html) with every partialCached call replaced by
// {{template}}, which renders the partial for each page.
func uncached(t *testing.T, name string) string {
	t.Helper()
	data, err := fs.ReadFile(casefile.Theme, "templates/"+name)
	if err != nil {
		t.Fatal(err)
	}
	src := string(data)
	out := regexp.MustCompile(`\{\{partialCached ("partials/[a-z-]+\.html") \.[^}]*\}\}`).ReplaceAllString(src, `{{template $1 .}}`)
	if out == src || strings.Contains(out, "partialCached") {
		t.Fatalf("%s no longer calls partialCached as this test expects:\n%s", name, src)
	}
	return out
}

// partialCached must not change a byte: every page of a site, in both
// profiles (relative links at every folder depth in the internal one), is
// the same with the header, the footer and the head's links rendered once
// per variant as with them rendered on every page; the header marks the
// current page, and only pages with highlighted code link its stylesheet.
func TestPartialCachedSameOutput(t *testing.T) {
	kb := canaryKB + facetsArchive[1:] + "-- content/about.md --\n---\ntitle: About\n---\nAbout us.\n"
	kb = strings.Replace(kb, "title: KB\n", "title: KB\nmenu:\n  - {name: About, url: /about/}\n", 1)
	kb += "-- content/incidents/code.md --\n---\ntitle: Code\ndate: 2024-05-01\nsummary: Has code.\nkeywords: [shell]\n---\n```bash\ndf -h\n```\n"
	override := "-- templates/baseof.html --\n" + uncached(t, "baseof.html") +
		"-- templates/partials/head.html --\n" + uncached(t, "partials/head.html")
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
		for page, want := range map[string]bool{"incidents/code/index.html": true, "incidents/public/index.html": false, "index.html": false} {
			if got := strings.Contains(cached.File(page), `css/chroma.css">`); got != want {
				t.Errorf("%s: %s links css/chroma.css: %v, want %v", profile, page, got, want)
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
