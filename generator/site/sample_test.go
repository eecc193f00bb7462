package site_test

import (
	"context"
	"os"
	"sync"
	"testing"

	"casefile"
	"casefile/generator/internal/linkcheck"
	"casefile/generator/output"
	"casefile/generator/site"
)

// TestSampleKnowledgeBase builds the repository's own content/ in both
// profiles: it must build without a warning, and every link of both sites
// must resolve (the internal export's from disk).
func TestSampleKnowledgeBase(t *testing.T) {
	for _, profile := range []string{site.ProfilePublic, site.ProfileInternal} {
		files, res := buildSample(t, profile)
		if len(res.Diagnostics) > 0 {
			t.Errorf("%s: diagnostics:\n%s", profile, res.Diagnostics)
		}
		if res.Pages["incident"] < 10 {
			t.Errorf("%s: %d incident pages", profile, res.Pages["incident"])
		}
		opts := linkcheck.Options{BaseURL: res.Config.BaseURL, Relative: profile == site.ProfileInternal}
		for _, p := range linkcheck.Check(files, opts) {
			t.Errorf("%s: %s", profile, p)
		}
	}
}

// buildSample builds the repository's content/ (once per profile per test
// binary) and returns its files.
func buildSample(t *testing.T, profile string) (map[string][]byte, *site.Result) {
	t.Helper()
	sampleMu.Lock()
	defer sampleMu.Unlock()
	if s, ok := samples[profile]; ok {
		return s.files, s.res
	}
	out := output.NewMemory()
	res, err := site.Build(context.Background(), site.Options{Source: os.DirFS("../.."), Theme: casefile.Theme, Out: out, Profile: profile})
	if err != nil {
		t.Fatalf("%s: %v", profile, err)
	}
	files := map[string][]byte{}
	for _, p := range out.Paths() {
		files[p], _ = out.Get(p)
	}
	samples[profile] = sample{files, res}
	return files, res
}

type sample struct {
	files map[string][]byte
	res   *site.Result
}

var (
	sampleMu sync.Mutex
	samples  = map[string]sample{}
)
