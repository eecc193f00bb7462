package site_test

import (
	"testing"

	"casefile/generator/internal/sitetest"
	"casefile/generator/site"
)

// TestFrontMatterLinkPositions: a bad link in a front-matter FAQ answer
// or in internal_notes is reported at its own line and column, in plain,
// quoted and block values; one after an escape sequence, which YAML
// rewrites, at the start of its value. They were all reported at the
// question's line (the notes' line, without a column).
func TestFrontMatterLinkPositions(t *testing.T) {
	src := `
-- content/incidents/a.md --
---
title: A
date: 2024-01-02
summary: S.
keywords: [k]
faq:
  - question: Plain?
    answer: See [one](/nothing/one/).
  - question: Block?
    answer: |
      First line.

      Then [two](/nothing/two/) and
        [three](/nothing/three/).
  - question: Escaped?
    answer: "A\ttab, then [four](/nothing/four/)."
internal_notes: >
  Notes that fold
  onto [five](/nothing/five/).
---
Body.
`
	b := sitetest.BuildErrWith(t, site.Options{Profile: site.ProfileInternal}, src)
	for _, want := range []string{
		"content/incidents/a.md:8:17: error: link `/nothing/one/` points to nothing on the site",
		"content/incidents/a.md:13:12: error: link `/nothing/two/` points to nothing on the site",
		"content/incidents/a.md:14:9: error: link `/nothing/three/` points to nothing on the site",
		"content/incidents/a.md:16:13: error: link `/nothing/four/` points to nothing on the site",
		"content/incidents/a.md:19:8: error: link `/nothing/five/` points to nothing on the site",
	} {
		b.AssertDiag(want)
	}
}
