package site

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"casefile/generator/content"
)

// TestKeepBodiesAllOrNone: a lean load keeps every body when they all fit
// in the budget, and else only those parseEarly needs: whether it finds
// out while loading (a body over the budget) or before (more files than
// bodies of typicalBody bytes would fit).
func TestKeepBodiesAllOrNone(t *testing.T) {
	corpus := func(n, size int) fstest.MapFS {
		fsys := fstest.MapFS{"content/incidents/early.md": &fstest.MapFile{Data: []byte(
			"---\ntitle: Early\ndate: 2024-01-01\nsummary: Early.\nkeywords: [k]\n---\nIntro.\n\n::: internal\nOnly for staff.\n:::\n")}}
		for i := range n {
			fsys[fmt.Sprintf("content/incidents/i%d.md", i)] = &fstest.MapFile{Data: []byte(fmt.Sprintf(
				"---\ntitle: Incident %d\ndate: 2024-01-02\nsummary: Summary %d.\nkeywords: [k]\n---\n%s\n", i, i, strings.Repeat("x", size-1)))}
		}
		return fsys
	}
	for _, tc := range []struct {
		name        string
		files, size int
		budget      int64
		all         bool
	}{
		{"every body fits", 4, 11 << 10, 4 * 11 << 10, true},
		{"one byte short", 4, 11 << 10, 4*11<<10 - 1, false},
		{"more files than typical bodies fit", 4, 100, 4 * typicalBody, false},
		{"none", 4, 100, -1, false},
	} {
		keep := keepBodies(tc.budget)
		planned := 0
		c, d := content.LoadWith(corpus(tc.files, tc.size), time.UTC, content.LoadOptions{KeepBody: keep.keep, Planned: func(n int) {
			planned = n
			keep.planned(n)
		}})
		if d.HasErrors() {
			t.Fatal(d)
		}
		keep.settle(c)
		if want := tc.files + 1; planned != want || len(c.Incidents) != want { // and early.md
			t.Fatalf("%s: planned %d, loaded %d incidents; want %d", tc.name, planned, len(c.Incidents), want)
		}
		for _, in := range c.Incidents {
			early := parseEarly(in)
			if in.Source == "content/incidents/early.md" && !early {
				t.Fatalf("%s: parseEarly = false for a body with an internal block", in.Source)
			}
			if kept := in.Body != nil; kept != (early || tc.all) {
				t.Errorf("%s: %s kept = %v, want %v", tc.name, in.Source, kept, early || tc.all)
			}
		}
	}
}
