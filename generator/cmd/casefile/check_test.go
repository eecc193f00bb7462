package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// checkKB has one problem of every kind casefile check reports.
var checkKB = map[string]string{
	"content/incidents/a.md": `---
title: A
date: 2024-01-02
summary: S.
keywords: [k]
severity: hihg
techniques: [T15661, t1566.001]
cves: [CVE-21-1, cve-2021-44228]
sources:
  - title: Report
    url: not a url
  - title: No address
faq:
  - question: Was data stolen?
    answer: No.
---
See [B](/incidents/b/), [nothing](/incidents/nothing/), [a keyword](/keywords/k/),
[no keyword](/keywords/nope/) and [B's heading](/incidents/b/#root-causes).
`,
	"content/incidents/b.md": `---
title: B
date: 2999-01-03
summary: S.
keywords: [k]
aliases: [/old/]
internal_notes: See [nothing](/nothing/).
---
## Root cause

## FAQ

### Was data stolen?

Yes.

### Empty?
`,
	"content/incidents/c.md": `---
title: C
date: 2024-01-03
summary: S.
keywords: [k]
slug: b
aliases: [/old/]
---
`,
	"content/incidents/d.md": `---
title: D
date: 2024-01-03
keywords: [k]
id: a
---
`,
}

func TestCheckReportsEveryProblem(t *testing.T) {
	src := kb(t, checkKB)
	code, out, errOut := runCLI("check", "-s", src)
	if code != 1 {
		t.Fatalf("exit status %d, want 1; stderr %s", code, errOut)
	}
	wants := []string{
		"content/incidents/a.md:6:11: error: severity `hihg` is not one of low, moderate, high, critical",
		"content/incidents/a.md:7:14: error: `T15661` is not a MITRE ATT&CK technique id",
		"content/incidents/a.md:7:22: error: `t1566.001` is not a MITRE ATT&CK technique id; did you mean `T1566.001`?",
		"content/incidents/a.md:8:8: error: `CVE-21-1` is not a CVE id",
		"content/incidents/a.md:8:18: error: `cve-2021-44228` is not a CVE id; did you mean `CVE-2021-44228`?",
		"content/incidents/a.md:11:10: error: `url`",
		"content/incidents/a.md:12:",
		"content/incidents/a.md:17:25: error: link `/incidents/nothing/` points to nothing on the site",
		"content/incidents/a.md:18:1: error: link `/keywords/nope/` points to nothing on the site",
		"content/incidents/a.md:18:35: error: link `/incidents/b/#root-causes` names no heading or question on that page",
		"content/incidents/b.md:3:7: warning: `date` 2999-01-03 is in the future",
		"content/incidents/b.md:7:21: error: link `/nothing/` points to nothing on the site",
		"content/incidents/b.md:13:1: warning: the same FAQ question is asked in content/incidents/a.md:14",
		"content/incidents/b.md:17:1: error: FAQ question \"Empty?\" has no answer",
		"content/incidents/c.md:6:7: error: incident slug `b` is already used by content/incidents/b.md",
		"content/incidents/c.md:7:11: error: alias `/old/` is already the address or an alias of content/incidents/b.md",
		"content/incidents/d.md:1:1: error: missing required field `summary`",
		"content/incidents/d.md:5:5: error: incident id `a` is already used by content/incidents/a.md",
	}
	for _, w := range wants {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q", w)
		}
	}
	if t.Failed() {
		t.Logf("output:\n%s", out)
	}
	if !strings.Contains(out, "casefile check: "+src+": ") || !strings.Contains(out, "(public and internal)") {
		t.Errorf("no summary line:\n%s", out)
	}
	// One line per diagnostic, in file order.
	lines := strings.Split(strings.TrimSpace(out), "\n")
	lines = lines[:len(lines)-1]
	for i := 1; i < len(lines); i++ {
		if lines[i] < lines[i-1] && strings.Split(lines[i], ":")[0] < strings.Split(lines[i-1], ":")[0] {
			t.Errorf("not in file order: %q after %q", lines[i], lines[i-1])
		}
	}
	if _, err := os.Stat(filepath.Join(src, "public")); !os.IsNotExist(err) {
		t.Errorf("check wrote public/")
	}

	// The same as JSON, for CI.
	code, out, _ = runCLI("check", "-s", src, "--format", "json")
	if code != 1 {
		t.Errorf("json: exit status %d, want 1", code)
	}
	var res struct {
		Errors, Warnings int
		Profiles         []string
		Diagnostics      []struct {
			File, Severity, Message, Hint string
			Line, Col                     int
		}
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("json output: %v\n%s", err, out)
	}
	if res.Errors != len(lines)-res.Warnings || res.Warnings < 2 || len(res.Diagnostics) != len(lines) {
		t.Errorf("json: %d errors, %d warnings, %d diagnostics; text had %d lines", res.Errors, res.Warnings, len(res.Diagnostics), len(lines))
	}
	found := false
	for _, d := range res.Diagnostics {
		if d.File == "content/incidents/a.md" && d.Line == 6 && d.Col == 11 && d.Severity == "error" && strings.Contains(d.Hint, "high") {
			found = true
		}
	}
	if !found {
		t.Errorf("json: severity error missing or malformed:\n%s", out)
	}

	// Warnings alone pass.
	src = kb(t, map[string]string{"content/incidents/b.md": strings.Replace(strings.Replace(checkKB["content/incidents/b.md"], "internal_notes: See [nothing](/nothing/).\n", "", 1), "### Empty?\n", "", 1)})
	code, out, _ = runCLI("check", "-s", src)
	if code != 0 || !strings.Contains(out, "0 errors, 1 warning") || !strings.Contains(out, "is in the future") {
		t.Errorf("warnings only: exit %d, output:\n%s", code, out)
	}
	if code, _, errOut := runCLI("check", "-s", src, "--format", "xml"); code != 2 || !strings.Contains(errOut, "unknown --format") {
		t.Errorf("--format xml: exit %d, %s", code, errOut)
	}
}

// TestCheckJSONLineAndCol: with --format json every diagnostic has a line
// and a col, 0 when it is about the whole file (they used to be left out).
func TestCheckJSONLineAndCol(t *testing.T) {
	src := kb(t, map[string]string{
		"content/incidents/a.md": checkKB["content/incidents/a.md"],
		"content/misc/notes.md":  "# Not an incident\n",
	})
	code, out, errOut := runCLI("check", "-s", src, "--format", "json")
	if code != 1 {
		t.Fatalf("exit %d, want 1; %s", code, errOut)
	}
	var res struct{ Diagnostics []map[string]any }
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("json output: %v\n%s", err, out)
	}
	whole := false
	for _, d := range res.Diagnostics {
		line, okLine := d["line"].(float64)
		col, okCol := d["col"].(float64)
		if !okLine || !okCol {
			t.Errorf("diagnostic without line or col: %v", d)
		}
		if d["file"] == "content/misc/notes.md" && line == 0 && col == 0 {
			whole = true
		}
	}
	if !whole || len(res.Diagnostics) < 5 {
		t.Errorf("no whole-file diagnostic with line 0 and col 0, or too few diagnostics:\n%s", out)
	}
}
