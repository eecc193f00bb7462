package site_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"casefile"
	"casefile/generator/diag"
	"casefile/generator/internal/sitetest"
	"casefile/generator/site"
)

// brokenTwice has two broken files: one the load stage finds (a bad date),
// one only parsing its markdown finds (a body FAQ question asked twice).
const brokenTwice = `
-- content/incidents/a.md --
---
title: A
date: 2024-13-01
summary: S.
keywords: [k]
---
Body.
-- content/incidents/b.md --
---
title: B
date: 2024-01-02
summary: S.
keywords: [k]
---
## FAQ
### Was data lost?
No.
### Was data lost
Still no.
-- content/incidents/c.md --
---
title: C
date: 2024-01-03
summary: S.
keywords: [k]
---
See [nothing](/incidents/nothing/).
`

// TestBuildReportsWhatCheckReports: a build reports every broken file that
// casefile check (KeepGoing) reports, in one run, whatever stage finds
// each problem; it used to stop after the first stage with errors.
func TestBuildReportsWhatCheckReports(t *testing.T) {
	check := sitetest.BuildErrWith(t, site.Options{KeepGoing: true}, brokenTwice)
	build := sitetest.BuildErr(t, brokenTwice)
	for _, b := range []*sitetest.Built{check, build} {
		b.AssertDiag("content/incidents/a.md:3:", "`date` is not a valid date")
		b.AssertDiag("content/incidents/b.md:10:1:", `FAQ question "Was data lost" is asked twice (first at line 8)`)
		b.AssertDiag("content/incidents/c.md:7:5:", "link `/incidents/nothing/` points to nothing on the site")
	}
	if got, want := build.Result.Diagnostics.Errors().String(), check.Result.Diagnostics.Errors().String(); got != want {
		t.Errorf("build reports\n%s\ncheck reports\n%s", got, want)
	}
	// The error returned lists them all (the CLI prints it), also when a
	// later stage stops the build for a problem outside content/ (a
	// template error: then the links are not checked, as in check).
	stopped := sitetest.BuildErr(t, brokenTwice+"-- templates/partials/footer.html --\n{{.Nope}}\n")
	for b, wants := range map[*sitetest.Built][]string{build: {"a.md:3:7:", "b.md:10:1:", "c.md:7:5:"}, stopped: {"a.md:3:7:", "b.md:10:1:", "footer.html:1:2:"}} {
		var be *diag.BuildError
		if !errors.As(b.Err, &be) {
			t.Fatalf("error %v is no *diag.BuildError", b.Err)
		}
		for _, want := range wants {
			if !strings.Contains(be.List.String(), want) {
				t.Errorf("the error returned lacks %s:\n%s", want, be.List)
			}
		}
	}
	// Once an error is known the build writes nothing more: it fails.
	if paths := build.Out.Paths(); len(paths) > 0 {
		t.Errorf("a failed build wrote %d files, %v…", len(paths), paths[0])
	}
	// A Session (casefile serve), which parses before rendering, too.
	s := site.NewSession(site.Options{Source: sitetest.FS(brokenTwice), Theme: casefile.Theme})
	u, err := s.Build(context.Background(), nil)
	if err == nil {
		t.Fatal("the session build succeeded")
	}
	if got := u.Result.Diagnostics.Errors().String(); got != build.Result.Diagnostics.Errors().String() {
		t.Errorf("session build reports\n%s\nwant\n%s", got, build.Result.Diagnostics.Errors())
	}
}
