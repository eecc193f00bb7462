package site_test

import (
	"strings"
	"testing"

	"casefile/generator/internal/linkcheck"
	"casefile/generator/internal/sitetest"
	"casefile/generator/site"
)

// canaryKB has internal material of every kind, each carrying a canary word
// that must appear in no file of a public build.
const canaryKB = `
-- casefile.yaml --
title: KB
base_url: https://kb.example.org/
profiles:
  internal:
    title: KB (internal)
-- content/incidents/public.md --
---
title: Public incident
date: 2024-01-02
summary: Everyone may read this.
keywords: [shared]
related: [secret]
internal_notes: |
  Call zebracanary on the bridge line, the on-call number is in the vault.
---
Public body text.

::: internal
The firewall exception for quokkacanary hosts expires at the end of the quarter.
:::

More public text.
-- content/incidents/secret.md --
---
title: Secret yakcanary breach of the payroll vendor
date: 2024-02-03
summary: Only staff may read about the yakcanary payroll breach.
keywords: [shared, yakcanaryonly]
actors: [Yakcanary Group]
visibility: internal
---
The yakcanary attacker used the vendor's support portal for three weeks.
`

var canaries = []string{"zebracanary", "quokkacanary", "yakcanary", "Yakcanary"}

func TestPublicBuildLeavesInternalOut(t *testing.T) {
	b := sitetest.Build(t, canaryKB)
	for _, p := range b.Out.Paths() {
		data := b.File(p)
		for _, c := range canaries {
			if strings.Contains(strings.ToLower(data), strings.ToLower(c)) {
				t.Errorf("%s contains the canary %q", p, c)
			}
		}
	}
	b.AssertNoFile("incidents/secret/index.html")
	b.AssertNoFile("keywords/yakcanaryonly/index.html")
	b.AssertNoFile("actors/yakcanary-group/index.html")
	// Counts only count what is published.
	b.AssertFile("keywords/index.html", `data-count="1"`)
	b.AssertNotInFile("keywords/index.html", `data-count="2"`)
	b.AssertFile("incidents.json", `"count":1`)
	b.AssertFile("incidents/public/index.html", "Public body text.", "More public text.")
}

func TestInternalBuildHasEverything(t *testing.T) {
	b := sitetest.BuildWith(t, site.Options{Profile: site.ProfileInternal}, canaryKB)
	b.AssertFile("incidents/secret/index.html", "Secret yakcanary breach")
	b.AssertFile("incidents/public/index.html", "zebracanary", `class="internal-banner"`, `<meta name="robots" content="noindex, nofollow">`,
		`<aside class="internal" aria-label="Internal">`, "quokkacanary")
	b.AssertFile("robots.txt", "Disallow: /")
	b.AssertFile("index.html", "<title>KB (internal)</title>")
	// Relative links that open from disk.
	b.AssertFile("incidents/public/index.html", `href="../../css/main.css"`, `href="../../index.html"`)
	b.AssertNotInFile("incidents/public/index.html", `href="/`)
}

func TestLeakGuardFailsTheBuild(t *testing.T) {
	// A template that prints internal notes in a public build.
	b := sitetest.BuildErr(t, canaryKB+`
-- templates/partials/footer.html --
<footer>Call zebracanary on the bridge line, the on-call number is in the vault</footer>
`)
	b.AssertDiag("leak guard", "contains internal text from content/incidents/public.md (internal_notes)")
	// An internal block copied into a public template.
	blk := sitetest.BuildErr(t, canaryKB+`
-- templates/partials/footer.html --
<footer>The firewall exception for quokkacanary hosts expires at the end of the quarter.</footer>
`)
	blk.AssertDiag("leak guard", "index.html contains internal text from content/incidents/public.md:12 (::: internal block)")
	// The internal title of an incident copied into a public page.
	c := sitetest.BuildErr(t, canaryKB+`
-- content/about.md --
---
title: About
---
Secret yakcanary breach of the payroll vendor
`)
	c.AssertDiag("leak guard", "about/index.html", "content/incidents/secret.md (internal incident)")
}

func TestWikiExport(t *testing.T) {
	b := sitetest.BuildWith(t, site.Options{Profile: site.ProfileInternal}, canaryKB)
	page := b.File("wiki/public.md")
	for _, want := range []string{"---\ntitle: Public incident\n", "visibility: public", "html: ../incidents/public/index.html",
		"# Public incident", "Public body text.", "## Internal notes", "zebracanary", "## Related incidents\n\n- [Secret yakcanary breach of the payroll vendor](secret.md)"} {
		if !strings.Contains(page, want) {
			t.Errorf("wiki/public.md lacks %q:\n%s", want, page)
		}
	}
	b.AssertFile("wiki/index.md", "[Public incident](public.md)", "[Secret yakcanary breach of the payroll vendor](secret.md)")
	pub := sitetest.Build(t, strings.Replace(canaryKB, "related: [secret]\n", "", 1))
	pub.AssertNoFile("wiki/index.md")
}

func files(b *sitetest.Built) map[string][]byte {
	m := map[string][]byte{}
	for _, p := range b.Out.Paths() {
		m[p] = []byte(b.File(p))
	}
	return m
}

// TestInternalExportLinksResolve resolves every href and src of the internal
// export against the output tree as a browser opening it from disk would.
func TestInternalExportLinksResolve(t *testing.T) {
	b := sitetest.BuildWith(t, site.Options{Profile: site.ProfileInternal}, canaryKB+facetsArchive[1:]+oneIncident[strings.Index(oneIncident, "-- content/"):])
	for _, p := range linkcheck.Check(files(b), linkcheck.Options{Relative: true, BaseURL: "https://kb.example.org/"}) {
		t.Errorf("%s", p)
	}
}

// TestSubPathSite builds a public site for https://kb.example.org/wiki/kb/
// and resolves every link as a server at that sub-path would.
func TestSubPathSite(t *testing.T) {
	src := strings.Replace(canaryKB, "base_url: https://kb.example.org/", "base_url: https://kb.example.org/wiki/kb/", 1)
	b := sitetest.Build(t, src+facetsArchive[1:])
	for _, p := range linkcheck.Check(files(b), linkcheck.Options{BaseURL: "https://kb.example.org/wiki/kb/"}) {
		t.Errorf("%s", p)
	}
	b.AssertFile("incidents/public/index.html", `href="/wiki/kb/css/main.css"`, `<link rel="canonical" href="https://kb.example.org/wiki/kb/incidents/public/">`)
}
