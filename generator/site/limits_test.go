package site_test

import (
	"fmt"
	"strings"
	"testing"

	"casefile/generator/internal/sitetest"
	"casefile/generator/markdown"
)

// TestMarkdownLimitPosition: a body over one of the markdown package's
// limits is an error at the file, line and column of the first construct
// over it, in incidents and in plain pages.
func TestMarkdownLimitPosition(t *testing.T) {
	marks := strings.Repeat("x[^n] ", markdown.MaxFootnotes) + "\n\nover [^n]\n\n[^n]: note\n"
	for _, tc := range []struct{ archive, want string }{
		{`-- content/incidents/a.md --
---
title: A
date: 2024-01-02
summary: S.
keywords: [k]
---
Intro.

` + marks, "content/incidents/a.md:11:6"},
		{`-- content/about.md --
---
title: About
---
` + marks, "content/about.md:6:6"},
	} {
		b := sitetest.BuildErr(t, "-- casefile.yaml --\nbase_url: https://kb.example.org/\n"+tc.archive)
		want := fmt.Sprintf("%s: error: cannot render markdown: it has %d footnote marks", tc.want, markdown.MaxFootnotes+2)
		if errs := b.Diagnostics().Errors().String(); !strings.Contains(errs, want) {
			t.Errorf("no error %q in:\n%s", want, errs)
		}
	}
}
