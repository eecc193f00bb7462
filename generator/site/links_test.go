package site_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"casefile"

	"casefile/generator/internal/linkcheck"
	"casefile/generator/internal/sitetest"
	"casefile/generator/site"
)

// linkSite has one incident full of links, good and broken, to pages,
// files and anchors of the site.
const linkSite = `-- casefile.yaml --
base_url: https://kb.example.org/
-- content/incidents/a.md --
---
title: A
date: 2024-01-02
summary: S.
keywords: [k]
faq:
  - question: Where is more?
    answer: See [B's FAQ](../b/#faq-was-data-lost) and [nothing](/incidents/nothing/).
---
## Findings

Good: [B](/incidents/b/), [B relative](../b/), [B no slash](/incidents/b), [B's heading](/incidents/b/#root-cause),
[B absolute](https://kb.example.org/incidents/b/), [keyword](/keywords/k/), [home](/), [home relative](../../),
[css](/css/print.css), [own heading](#findings), [top](#top), [faq block](#faq), [sources](#sources),
[elsewhere](https://example.org/incidents/nothing/), [mail](mailto:a@example.org), [query](?q=1).

Bad: [typo](/incidents/bb/)
[anchor](/incidents/b/#root-causes)
[own anchor](#findngs)
[source file](b.md)
[internal](/incidents/secret/)
[no keyword](/keywords/nokeyword/)
[missing image](img/missing.png)
[absolute bad](https://kb.example.org/nope/)
[script](javascript:alert(1))
-- content/incidents/b.md --
---
title: B
date: 2024-01-03
summary: S.
keywords: [k]
---
## Root cause

Text.

## FAQ

### Was data lost?

No.
-- content/incidents/secret.md --
---
title: Secret
date: 2024-01-03
summary: S.
keywords: [k]
visibility: internal
---
Text.
-- content/about.md --
---
title: About
---
See [A](/incidents/a/#findings), [A's missing heading](/incidents/a/#nope) and [gone](/gone/).
`

func TestLinkCheck(t *testing.T) {
	b := sitetest.BuildErr(t, linkSite)
	errs := b.Diagnostics().Errors().String()
	for _, want := range []string{
		"content/incidents/a.md:8:56: error: link `/incidents/nothing/` points to nothing on the site", // in the FAQ answer, where it is written
		"content/incidents/a.md:17:6: error: link `/incidents/bb/` points to nothing on the site; did you mean `/incidents/b/`?",
		"content/incidents/a.md:18:1: error: link `/incidents/b/#root-causes` names no heading or question on that page",
		"content/incidents/a.md:19:1: error: link `#findngs` names no heading or question on this page; did you mean `#findings`?",
		"content/incidents/a.md:20:1: error: link `b.md` points to a markdown file, not to its page; link to the page: `/incidents/b/`",
		"content/incidents/a.md:21:1: error: link `/incidents/secret/` points to an internal incident, which this build leaves out",
		"content/incidents/a.md:22:1: error: link `/keywords/nokeyword/` points to nothing on the site",
		"content/incidents/a.md:23:1: error: link `img/missing.png` points to nothing on the site",
		"content/incidents/a.md:24:1: error: link `https://kb.example.org/nope/` points to nothing on the site",
		"content/about.md:4:34: error: link `/incidents/a/#nope` names no heading or question on that page",
		"content/about.md:4:80: error: link `/gone/` points to nothing on the site",
	} {
		if !strings.Contains(errs, want) {
			t.Errorf("missing %q", want)
		}
	}
	if n := strings.Count(errs, "\n"); n != 11 {
		t.Errorf("got %d errors, want 11 (the good links must pass):\n%s", n, errs)
	}
	b.AssertDiag("content/incidents/a.md:25: warning: link `javascript:alert(1)` was removed")

	// The internal export has the internal incident: that link works there.
	ib := sitetest.BuildErrWith(t, site.Options{Profile: site.ProfileInternal}, linkSite)
	if got := ib.Diagnostics().Errors().String(); strings.Contains(got, "/incidents/secret/") || strings.Count(got, "\n") != 10 {
		t.Errorf("internal build errors:\n%s", got)
	}
}

func TestLinkCheckBasePath(t *testing.T) {
	b := sitetest.BuildErr(t, `-- casefile.yaml --
base_url: https://example.org/kb/
-- content/incidents/a.md --
---
title: A
date: 2024-01-02
summary: S.
keywords: [k]
---
[ok](/kb/incidents/b/) [ok](../b/) [ok](https://example.org/kb/incidents/b/#root) [up](../../../) [root](/incidents/b/)
-- content/incidents/b.md --
---
title: B
date: 2024-01-03
summary: S.
keywords: [k]
---
# Root
`)
	errs := b.Diagnostics().Errors().String()
	for _, want := range []string{
		"a.md:7:83: error: link `../../../` leaves the site, whose pages are under `/kb/`",
		"a.md:7:99: error: link `/incidents/b/` leaves the site, whose pages are under `/kb/`",
	} {
		if !strings.Contains(errs, want) {
			t.Errorf("missing %q in:\n%s", want, errs)
		}
	}
	if n := strings.Count(errs, "\n"); n != 2 {
		t.Errorf("got %d errors, want 2:\n%s", n, errs)
	}
}

func TestSameQuestionOnTwoIncidents(t *testing.T) {
	b := sitetest.Build(t, `-- content/incidents/a.md --
---
title: A
date: 2024-01-02
summary: S.
keywords: [k]
faq:
  - question: Was data stolen?
    answer: No.
---
Text.
-- content/incidents/b.md --
---
title: B
date: 2024-01-03
summary: S.
keywords: [k]
---
## FAQ

### was data  stolen

Yes.

### Who did it?

Nobody knows.
-- content/incidents/c.md --
---
title: C
date: 2024-01-03
summary: S.
keywords: [k]
faq:
  - question: Who did it?
    answer: A group.
---
`)
	got := b.Diagnostics().String()
	for _, want := range []string{
		"content/incidents/b.md:9:1: warning: the same FAQ question is asked in content/incidents/a.md:7",
		"content/incidents/c.md:7:15: warning: the same FAQ question is asked in content/incidents/b.md:13",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in:\n%s", want, got)
		}
	}
	if n := strings.Count(got, "\n"); n != 2 {
		t.Errorf("got %d diagnostics, want 2:\n%s", n, got)
	}
}

// The internal export must work opened from disk: links written in
// markdown become relative and explicit, as the theme's own links are.
func TestInternalExportRewritesLinks(t *testing.T) {
	archive := `-- casefile.yaml --
base_url: https://kb.example.org/
-- content/incidents/a.md --
---
title: A
date: 2024-01-02
summary: S.
keywords: [k]
faq:
  - question: More?
    answer: See [B](/incidents/b/#root-cause).
internal_notes: Ask [about](/about/).
---
[B](/incidents/b/) [B rel](../b/#root-cause) [B bare](/incidents/b) [kw](https://kb.example.org/keywords/k/?x=1)
[print](/css/print.css) [own](#top) [ext](https://example.org/x/) ![icon](/img/favicon.svg)
-- content/incidents/b.md --
---
title: B
date: 2024-01-03
summary: S.
keywords: [k]
---
## Root cause
-- content/about.md --
---
title: About
---
[A](/incidents/a/) and [home](/).
`
	b := sitetest.BuildWith(t, site.Options{Profile: site.ProfileInternal}, archive)
	b.AssertFile("incidents/a/index.html",
		`href="../../incidents/b/index.html"`, `href="../../incidents/b/index.html#root-cause"`,
		`href="../../keywords/k/index.html?x=1"`, `href="../../css/print.css"`, `href="#top"`,
		`href="https://example.org/x/"`, `src="../../img/favicon.svg"`, `href="../../about/index.html"`)
	b.AssertFile("about/index.html", `href="../incidents/a/index.html"`, `href="../index.html"`)
	for _, p := range linkcheck.Check(files(b), linkcheck.Options{Relative: true, BaseURL: "https://kb.example.org/"}) {
		t.Errorf("internal export: %s", p)
	}
	// The public site keeps links as written.
	pb := sitetest.Build(t, archive)
	pb.AssertFile("incidents/a/index.html", `href="/incidents/b/"`, `href="../b/#root-cause"`)
}

// While serving, a body edit that breaks or mends a link, or renames a
// heading another page links to, is reported like any other error.
func TestSessionReportsLinks(t *testing.T) {
	src := sitetest.FS(`-- content/incidents/a.md --
---
title: A
date: 2024-01-02
summary: S.
keywords: [k]
---
See [B's cause](../b/#root-cause).
-- content/incidents/b.md --
---
title: B
date: 2024-01-03
summary: S.
keywords: [k]
---
## Root cause

Text.
`)
	sess := site.NewSession(site.Options{Source: src, Theme: casefile.Theme})
	ctx := context.Background()
	if _, err := sess.Build(ctx, nil); err != nil {
		t.Fatal(err)
	}
	edit := func(p, from, to string) error {
		t.Helper()
		src[p].Data = bytes.Replace(src[p].Data, []byte(from), []byte(to), 1)
		_, err := sess.Build(ctx, []string{p})
		return err
	}
	a, b := "content/incidents/a.md", "content/incidents/b.md"
	if err := edit(a, "See [B", "See [nothing](/incidents/zzz/) and [B"); err == nil || !strings.Contains(err.Error(), "a.md:7:5: error: link `/incidents/zzz/` points to nothing") {
		t.Errorf("broken link: err = %v", err)
	}
	if err := edit(a, "[nothing](/incidents/zzz/) and ", ""); err != nil {
		t.Errorf("mended: %v", err)
	}
	if err := edit(b, "## Root cause", "## The cause"); err == nil || !strings.Contains(err.Error(), "a.md:7:5: error: link `../b/#root-cause` names no heading") {
		t.Errorf("heading renamed under a link: err = %v", err)
	}
	if err := edit(b, "## The cause", "## Root cause"); err != nil {
		t.Errorf("heading back: %v", err)
	}
	if err := edit(b, "Text.", "More text."); err != nil {
		t.Errorf("plain body edit: %v", err)
	}
}

// While serving, a date moved into the future (a typo in the year) is
// warned about, and the warning goes when it is fixed.
func TestSessionReportsFutureDates(t *testing.T) {
	src := sitetest.FS(`-- content/incidents/a.md --
---
title: A
date: 2024-01-02
summary: S.
keywords: [k]
timeline:
  - date: 2024-01-01
    event: It began.
---
Text.
`)
	sess := site.NewSession(site.Options{Source: src, Theme: casefile.Theme})
	ctx := context.Background()
	if _, err := sess.Build(ctx, nil); err != nil {
		t.Fatal(err)
	}
	p := "content/incidents/a.md"
	build := func(from, to string) string {
		t.Helper()
		src[p].Data = bytes.Replace(src[p].Data, []byte(from), []byte(to), 1)
		u, err := sess.Build(ctx, []string{p})
		if err != nil {
			t.Fatal(err)
		}
		return u.Result.Diagnostics.String()
	}
	if got := build("date: 2024-01-01", "date: 2924-01-01"); !strings.Contains(got, "a.md:7: warning: timeline date 2924-01-01 is in the future") {
		t.Errorf("future timeline date: diagnostics %q", got)
	}
	if got := build("date: 2924-01-01", "date: 2024-01-01"); got != "" {
		t.Errorf("fixed: diagnostics %q", got)
	}
}
