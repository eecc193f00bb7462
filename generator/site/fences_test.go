package site_test

import (
	"strings"
	"testing"

	"casefile/generator/internal/sitetest"
	"casefile/generator/site"
)

// fenceKB is a knowledge base with one public incident whose body is body.
func fenceKB(body string) string {
	return `
-- casefile.yaml --
title: KB
base_url: https://kb.example.org/
-- content/incidents/x.md --
---
title: Fence test
date: 2024-01-02
summary: Public summary.
keywords: [fences]
---
` + body
}

// The four ways around the leak guard of issue 30: each published the
// internal text with exit 0. Now the fence is either parsed (and the text
// hidden) or the build fails naming file:line:col.
func TestInternalFenceBypasses(t *testing.T) {
	for _, tc := range []struct {
		name string
		body string
		diag []string // "" when the block must simply be hidden
	}{
		{"raw HTML", "Public.\n\n<details>\n::: internal\nThe vaultcanary password is on the wiki.\n:::\n</details>\n",
			[]string{"content/incidents/x.md:10:1: error:", "raw HTML (the HTML block from line 9)", "blank line"}},
		{"four colons", "Public.\n\n:::: internal\nThe vaultcanary password is on the wiki.\n::::\n", nil},
		{"trailing words", "Public.\n\n::: internal notes for staff\nThe vaultcanary password is on the wiki.\n:::\n", nil},
		{"no-break space", "Public.\n\n:::\u00a0internal\nThe vaultcanary password is on the wiki.\n:::\n", nil},
		{"no-break space before", "Public.\n\n\u00a0::: internal\nThe vaultcanary password is on the wiki.\n:::\n",
			[]string{"content/incidents/x.md:9:2: error:", "start the line with the colons"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.diag == nil {
				b := sitetest.Build(t, fenceKB(tc.body))
				for _, p := range b.Out.Paths() {
					if strings.Contains(b.File(p), "vaultcanary") {
						t.Errorf("%s contains the internal text", p)
					}
				}
				b.AssertFile("incidents/x/index.html", "Public.")
				return
			}
			b := sitetest.BuildErr(t, fenceKB(tc.body))
			b.AssertDiag(tc.diag...)
		})
	}
}

// A lean build (bodies not kept in memory) checks the fences as well: a
// body with "::" is parsed before any page is written.
func TestInternalFenceLeanBuild(t *testing.T) {
	for _, kept := range []int64{0, -1} {
		b := sitetest.BuildErrWith(t, site.Options{KeptBodyBytes: kept}, fenceKB("Public.\n\n::internal\nThe vaultcanary password is on the wiki.\n:::\n"))
		b.AssertDiag("content/incidents/x.md:9:1: error:", "two colons", "`::: internal`")
	}
}

// In the internal profile, which shows everything, a line that reads as a
// fence but is not one is a warning.
func TestInternalFenceWarningInInternalProfile(t *testing.T) {
	b := sitetest.BuildWith(t, site.Options{Profile: site.ProfileInternal}, fenceKB("Public.\n\n<details>\n::: internal\nThe vaultcanary password is on the wiki.\n:::\n</details>\n\n::: internal notes for staff\nStaff only.\n:::\n"))
	b.AssertDiag("content/incidents/x.md:10:1: warning:", "raw HTML")
	b.AssertFile("incidents/x/index.html", `<p class="internal-label">Internal — notes for staff</p>`, "Staff only.")
}

// A block in a list item ends with the item: text after it that reads as
// part of the block (up to its closing line) is published, so it is an
// error.
func TestInternalFenceEndsWithListItem(t *testing.T) {
	b := sitetest.BuildErr(t, fenceKB("- step one\n\n  ::: internal\n  Staff only.\n\nThe vaultcanary password is on the wiki.\n:::\n"))
	b.AssertDiag("content/incidents/x.md:12:1: error:", "block from line 9 (which reads on to the `:::` at line 13): the block ended at line 11", "indent every line")
}

// The syntax shown in a code block is an example, published as code.
func TestInternalFenceExampleInCode(t *testing.T) {
	b := sitetest.Build(t, fenceKB("Write:\n\n```md\n::: internal\nThe vaultcanary password is on the wiki.\n:::\n```\n"))
	b.AssertFile("incidents/x/index.html", "vaultcanary")
	if len(b.Diagnostics()) > 0 {
		t.Errorf("diagnostics: %s", b.Diagnostics())
	}
}

// Front-matter FAQ answers and plain pages are checked alike.
func TestInternalFenceInAnswersAndPages(t *testing.T) {
	answer := sitetest.BuildErr(t, `
-- casefile.yaml --
title: KB
base_url: https://kb.example.org/
-- content/incidents/x.md --
---
title: Fence test
date: 2024-01-02
summary: Public summary.
keywords: [fences]
faq:
  - question: Was data lost?
    answer: |
      No.

      <details>
      ::: internal
      The vaultcanary password is on the wiki.
      :::
      </details>
---
Body.
`)
	answer.AssertDiag("content/incidents/x.md:7:15: error:", `in the answer to "Was data lost?", its line 4:`, "raw HTML")

	page := sitetest.BuildErr(t, `
-- casefile.yaml --
title: KB
base_url: https://kb.example.org/
-- content/about.md --
---
title: About
---
About us.

:::: internal
Hidden.
::::

<div>
::: internal
The vaultcanary password is on the wiki.
:::
</div>
`)
	page.AssertDiag("content/about.md:11:1: error:", "raw HTML (the HTML block from line 10)")
}

// The leak guard knows the internal blocks of plain pages, of internal
// notes and of internal incidents (before, only those of public incident
// bodies and answers), and the raw text the line scanner reads as fenced.
func TestLeakGuardKnowsEveryInternalBlock(t *testing.T) {
	const leak = "The firewall exception for the quokka hosts expires soon"
	for name, kb := range map[string]string{
		"page": `
-- content/about.md --
---
title: About
---
About us.

::: internal
` + leak + `.
:::
`,
		"internal notes": `
-- content/incidents/y.md --
---
title: Notes
date: 2024-01-03
summary: Public summary.
keywords: [fences]
internal_notes: |
  Short.

  ::: internal
  ` + leak + `.
  :::
---
Body.
`,
		"internal incident": `
-- content/incidents/y.md --
---
title: Internal one
date: 2024-01-03
summary: Internal summary.
keywords: [fences]
visibility: internal
---
Body.

::: internal staff
` + leak + `.
:::
`,
	} {
		t.Run(name, func(t *testing.T) {
			b := sitetest.BuildErr(t, fenceKB("Public.\n")+kb+`
-- templates/partials/footer.html --
<footer>`+leak+`</footer>
`)
			b.AssertDiag("leak guard", "contains internal text from")
		})
	}
}
