package content

import (
	"strings"
	"testing"
	"time"
)

func TestFuture(t *testing.T) {
	src := `---
title: T
date: 2026-11-30
updated: 2031-01-02T10:00:00Z
summary: S.
keywords: [k]
timeline:
  - date: 2026-11
    event: this month has begun
  - date: 2027
    event: next year
sources:
  - title: A report
    url: https://example.org/r
    date: 2026-11-29
---
Body.
`
	in, d := DecodeIncident("content/incidents/t.md", []byte(src), time.UTC)
	if d.HasErrors() {
		t.Fatal(d)
	}
	pg, d := DecodePage("content/about.md", []byte("---\ntitle: About\ndate: 2040-01-01\n---\n"), time.UTC)
	if d.HasErrors() {
		t.Fatal(d)
	}
	now := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	got := Future(&Corpus{Incidents: []*Incident{in}, Pages: []*Page{pg}}, now).String()
	want := []string{
		"content/incidents/t.md:3:7: warning: `date` 2026-11-30 is in the future",
		"content/incidents/t.md:4:10: warning: `updated` 2031-01-02 10:00 is in the future",
		"content/incidents/t.md:10: warning: timeline date 2027 is in the future",
		"content/about.md:3:7: warning: `date` 2040-01-01 is in the future",
	}
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("missing %q in:\n%s", w, got)
		}
	}
	if n := strings.Count(got, "\n"); n != len(want) {
		t.Errorf("got %d warnings, want %d:\n%s", n, len(want), got)
	}
	if got := Future(&Corpus{Incidents: []*Incident{in}}, now.AddDate(10, 0, 0)); len(got) != 0 {
		t.Errorf("ten years on, nothing is in the future; got:\n%s", got)
	}
}
