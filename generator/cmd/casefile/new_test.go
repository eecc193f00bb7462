package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"casefile/generator/content"
)

func TestNewIncident(t *testing.T) {
	src := kb(t, map[string]string{"casefile.yaml": "timezone: Asia/Tokyo\n", "content/incidents/good.md": goodIncident})
	now := time.Date(2026, 11, 29, 20, 0, 0, 0, time.UTC) // already the 30th in Tokyo
	title := `Acme: "quoted" & <odd> — breach`
	var o, e strings.Builder
	if code := cmdNew([]string{"incident", "-s", src, title}, &o, &e, now); code != 0 {
		t.Fatalf("exit %d: %s", code, e.String())
	}
	rel := "content/incidents/acme-quoted-odd-breach.md"
	if !strings.Contains(o.String(), "Created "+rel) {
		t.Errorf("stdout %q", o.String())
	}
	data, err := os.ReadFile(filepath.Join(src, rel))
	if err != nil {
		t.Fatal(err)
	}
	in, d := content.DecodeIncident(rel, data, time.UTC)
	if d.HasErrors() || len(d) > 0 {
		t.Fatalf("the scaffold does not decode cleanly:\n%s\n%s", d, data)
	}
	if in.Title != title || !in.Draft || in.Date.Format("2006-01-02") != "2026-11-30" || in.Slug != "acme-quoted-odd-breach" {
		t.Errorf("decoded %q draft=%v date=%s slug=%s", in.Title, in.Draft, in.Date.Format("2006-01-02"), in.Slug)
	}
	// Every field of the reference is there, commented or set.
	for _, k := range content.IncidentKeys {
		if !strings.Contains(string(data), "\n"+k+":") && !strings.Contains(string(data), "\n# "+k+":") {
			t.Errorf("the scaffold lacks %s:", k)
		}
	}
	// It builds: check --drafts finds no error in it.
	if code, _, errOut := runCLI("check", "-s", src, "--drafts"); code != 0 {
		t.Errorf("check --drafts of the scaffold: %d\n%s", code, errOut)
	}
	// Never overwrites.
	e.Reset()
	if code := cmdNew([]string{"incident", title, "-s", src}, &o, &e, now); code != 1 || !strings.Contains(e.String(), "already exists") {
		t.Errorf("second new: exit %d, %q", code, e.String())
	}
	// --slug, a page, and a site's own archetype.
	if err := os.MkdirAll(filepath.Join(src, "archetypes"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(src, "archetypes", "page.md"), []byte("---\ntitle: {{.Title}}\n---\nOurs, {{.Date}}.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code := cmdNew([]string{"page", "-s", src, "--slug", "about-us", "About", "us"}, &o, &e, now); code != 0 {
		t.Fatalf("new page: %d %s", code, e.String())
	}
	if data, err := os.ReadFile(filepath.Join(src, "content", "about-us.md")); err != nil || string(data) != "---\ntitle: \"About us\"\n---\nOurs, 2026-11-30.\n" {
		t.Errorf("page from the site's archetype: %q %v", data, err)
	}
	for _, args := range [][]string{{}, {"thing", "x"}, {"incident"}, {"incident", "-s", src, "!!!"}} {
		if code := cmdNew(args, &o, &e, now); code != 2 {
			t.Errorf("new %q: exit %d, want 2", args, code)
		}
	}
}
