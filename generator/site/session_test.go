package site_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"casefile"
	"casefile/generator/internal/sitetest"
	"casefile/generator/output"
	"casefile/generator/site"
)

// kb is a mutable knowledge base for rebuild tests.
type kb struct {
	fs  fstest.MapFS
	rng *rand.Rand
	n   int // incidents created so far
}

var words = []string{"ransomware", "supply chain", "outage", "espionage", "zero-day", "cloud", "Japan", "energy", "bgp", "dns"}

func (k *kb) incident(name string) string {
	r := k.rng
	kws := []string{words[r.Intn(len(words))], words[r.Intn(len(words))]}
	sev := []string{"low", "moderate", "high", "critical"}[r.Intn(4)]
	rel := ""
	if r.Intn(3) == 0 {
		rel = fmt.Sprintf("related: [i%d]\n", r.Intn(k.n+1))
	}
	return fmt.Sprintf("---\ntitle: Incident %s v%d\ndate: 2024-%02d-%02d\nsummary: Summary of %s.\nkeywords: [%s]\nseverity: %s\nactors: [actor%d]\n%s---\n## What happened\n\nText %d about %s.\n\n## FAQ\n### Question %d?\nAnswer %d.\n",
		name, r.Intn(1000), r.Intn(12)+1, r.Intn(28)+1, name, strings.Join(kws, ", "), sev, r.Intn(3), rel, r.Intn(1000), name, r.Intn(9), r.Intn(1000))
}

func (k *kb) put(p, data string) { k.fs[p] = &fstest.MapFile{Data: []byte(data), Mode: 0o644} }

func (k *kb) incidentPaths() []string {
	var out []string
	for p := range k.fs {
		if strings.HasPrefix(p, "content/incidents/") {
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return out
}

// step applies one random edit and returns the changed source paths and
// whether the knowledge base is now broken on purpose.
func (k *kb) step() (changed []string, what string) {
	r := k.rng
	paths := k.incidentPaths()
	pick := func() string { return paths[r.Intn(len(paths))] }
	switch op := r.Intn(14); {
	case op >= 12 && len(paths) > 0: // title or summary edit: listings change, nothing else
		p := pick()
		old := string(k.fs[p].Data)
		if op == 12 {
			k.put(p, strings.Replace(old, "title: Incident", fmt.Sprintf("title: Renamed %d", r.Intn(1000)), 1))
		} else {
			k.put(p, strings.Replace(old, "summary: ", fmt.Sprintf("summary: Rev %d ", r.Intn(1000)), 1))
		}
		return []string{p}, "title edit " + p
	case op >= 10 && len(paths) > 0: // body-only or FAQ-only edit: listings stay the same
		p := pick()
		old := string(k.fs[p].Data)
		if op == 10 {
			k.put(p, old+fmt.Sprintf("\nMore text %d.\n", r.Intn(1000)))
		} else {
			k.put(p, strings.Replace(old, "Answer ", fmt.Sprintf("Answer (rev %d) ", r.Intn(1000)), 1))
		}
		return []string{p}, "body edit " + p
	case op < 3 && len(paths) > 0: // edit an incident
		p := pick()
		name := strings.TrimSuffix(p[len("content/incidents/"):], ".md")
		k.put(p, k.incident(name))
		return []string{p}, "edit " + p
	case op < 5: // create one, sometimes in a new sub-folder
		k.n++
		p := fmt.Sprintf("content/incidents/i%d.md", k.n)
		if r.Intn(3) == 0 {
			p = fmt.Sprintf("content/incidents/y%d/i%d.md", r.Intn(3), k.n)
		}
		k.put(p, k.incident(fmt.Sprintf("i%d", k.n)))
		return []string{p}, "create " + p
	case op == 5 && len(paths) > 1: // delete
		p := pick()
		delete(k.fs, p)
		return []string{p}, "delete " + p
	case op == 6 && len(paths) > 0: // rename (keeps the slug when only the folder changes)
		p := pick()
		k.n++
		np := fmt.Sprintf("content/incidents/i%d.md", k.n)
		k.fs[np] = k.fs[p]
		delete(k.fs, p)
		return []string{p, np}, "rename " + p + " -> " + np
	case op == 7: // config
		k.put("casefile.yaml", fmt.Sprintf("title: KB %d\nbase_url: https://kb.example.org/\npaginate: %d\n", r.Intn(100), 2+r.Intn(3)))
		return []string{"casefile.yaml"}, "config"
	case op == 8: // a template override appears, changes or goes
		if r.Intn(3) == 0 {
			delete(k.fs, "templates/partials/footer.html")
		} else {
			k.put("templates/partials/footer.html", fmt.Sprintf("<footer>Footer %d</footer>", r.Intn(100)))
		}
		return []string{"templates/partials/footer.html"}, "template"
	default: // static files
		k.put("static/css/extra.css", fmt.Sprintf("body{margin:%dpx}", r.Intn(20)))
		return []string{"static"}, "static folder"
	}
}

func clone(m fstest.MapFS) fstest.MapFS {
	out := make(fstest.MapFS, len(m))
	for p, f := range m {
		cp := *f
		out[p] = &cp
	}
	return out
}

// TestSessionMatchesCleanBuild applies random sequences of edits, creates,
// renames and deletes, rebuilds incrementally after each, and checks the
// result equals a clean build byte for byte.
func TestSessionMatchesCleanBuild(t *testing.T) {
	steps := 60
	if testing.Short() {
		steps = 15
	}
	for seed := int64(1); seed <= 8; seed++ {
		k := &kb{fs: fstest.MapFS{}, rng: rand.New(rand.NewSource(seed))}
		k.put("casefile.yaml", "title: KB\nbase_url: https://kb.example.org/\npaginate: 2\n")
		for i := 0; i < 6; i++ {
			k.n++
			k.put(fmt.Sprintf("content/incidents/i%d.md", k.n), k.incident(fmt.Sprintf("i%d", k.n)))
		}
		sess := site.NewSession(site.Options{Source: k.fs, Theme: casefile.Theme, Workers: 2})
		_, err := sess.Build(context.Background(), nil) // may fail: random related ids
		if _, cleanErr := site.Build(context.Background(), site.Options{Source: clone(k.fs), Theme: casefile.Theme, Out: output.NewMemory()}); (err == nil) != (cleanErr == nil) {
			t.Fatalf("seed %d: first build error %v, clean %v", seed, err, cleanErr)
		}
		for i := 0; i < steps; i++ {
			changed, what := k.step()
			u, err := sess.Build(context.Background(), changed)
			clean := output.NewMemory()
			kept := int64(-seed % 2) // odd seeds: the clean build reads every body again
			_, cleanErr := site.Build(context.Background(), site.Options{Source: clone(k.fs), Theme: casefile.Theme, Out: clean, KeptBodyBytes: kept})
			if (err == nil) != (cleanErr == nil) {
				t.Fatalf("seed %d step %d (%s): incremental error %v, clean error %v", seed, i, what, err, cleanErr)
			}
			if err != nil {
				continue
			}
			files := u.Files
			if u.Deferred != nil {
				l, err := u.Deferred()
				if err != nil {
					t.Fatal(err)
				}
				later, ok := sess.ApplyDeferred(l)
				if !ok {
					t.Fatalf("deferred index of the latest build refused")
				}
				files = later.Files
			}
			compare(t, fmt.Sprintf("seed %d step %d (%s)", seed, i, what), files, clean)
		}
	}
}

func compare(t *testing.T, step string, got map[string][]byte, want *output.Memory) {
	t.Helper()
	for _, p := range want.Paths() {
		w, _ := want.Get(p)
		if g, ok := got[p]; !ok {
			t.Fatalf("%s: incremental build lacks %s", step, p)
		} else if !bytes.Equal(g, w) {
			t.Fatalf("%s: %s differs from a clean build", step, p)
		}
	}
	if len(got) != want.Len() {
		for p := range got {
			if _, ok := want.Get(p); !ok {
				t.Fatalf("%s: incremental build has stale %s", step, p)
			}
		}
	}
}

func TestSessionReportsChangesAndKeepsLastGoodSite(t *testing.T) {
	src := sitetest.FS(oneIncident)
	sess := site.NewSession(site.Options{Source: src, Theme: casefile.Theme})
	first, err := sess.Build(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(first.Changed) != len(first.Files) {
		t.Errorf("first build: %d changed of %d files", len(first.Changed), len(first.Files))
	}
	p := "content/incidents/db-disk-full.md"
	src[p].Data = bytes.Replace(src[p].Data, []byte("The write-ahead log grew"), []byte("The WAL grew"), 1)
	u, err := sess.Build(context.Background(), []string{p})
	if err != nil {
		t.Fatal(err)
	}
	if !contains(u.Changed, "incidents/db-disk-full/index.html") || contains(u.Changed, "css/main.css") || contains(u.Changed, "index.html") {
		t.Errorf("changed = %v: want the incident page, not the stylesheet or the home page", u.Changed)
	}
	if len(u.Edited) != 1 || u.Edited[0] != "incidents/db-disk-full/" {
		t.Errorf("edited = %v", u.Edited)
	}
	good := u.Files
	src[p].Data = bytes.Replace(src[p].Data, []byte("severity: high"), []byte("severity: hihg"), 1)
	if _, err := sess.Build(context.Background(), []string{p}); err == nil || !strings.Contains(err.Error(), "did you mean `high`") {
		t.Fatalf("broken file: err = %v", err)
	}
	src[p].Data = bytes.Replace(src[p].Data, []byte("severity: hihg"), []byte("severity: high"), 1)
	fixed, err := sess.Build(context.Background(), []string{p})
	if err != nil {
		t.Fatal(err)
	}
	// Compared with the last good build, nothing changed.
	if len(fixed.Changed) != 0 || len(fixed.Removed) != 0 {
		t.Errorf("after the fix: changed %v removed %v, want none", fixed.Changed, fixed.Removed)
	}
	if !bytes.Equal(fixed.Files["incidents/db-disk-full/index.html"], good["incidents/db-disk-full/index.html"]) {
		t.Errorf("page differs after break and fix")
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// A one-off build (lean: bodies read again and rendered page by page,
// export streamed, search index fed as pages render) writes exactly what a
// Session's first build (everything parsed up front) serves, for sites
// with internal material, facets and FAQ, in both profiles.
func TestLeanBuildMatchesSession(t *testing.T) {
	for name, archive := range map[string]string{"canary": canaryKB, "facets": facetsArchive, "one": oneIncident} {
		for _, profile := range []string{site.ProfilePublic, site.ProfileInternal} {
			for _, kept := range []int64{0, -1} { // bodies kept, or all read again
				fsys := sitetest.FS(archive)
				sess := site.NewSession(site.Options{Source: fsys, Theme: casefile.Theme, Profile: profile})
				u, err := sess.Build(context.Background(), nil)
				if err != nil {
					t.Fatalf("%s/%s: session: %v", name, profile, err)
				}
				clean := output.NewMemory()
				if _, err := site.Build(context.Background(), site.Options{Source: clone(fsys), Theme: casefile.Theme, Out: clean, Profile: profile, KeptBodyBytes: kept}); err != nil {
					t.Fatalf("%s/%s: build: %v", name, profile, err)
				}
				compare(t, fmt.Sprintf("%s/%s/kept %d", name, profile, kept), u.Files, clean)
			}
		}
	}
}
