package main

import (
	"archive/zip"
	"bytes"
	"context"
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
)

const goodIncident = `---
title: Good one
date: 2024-01-02
summary: Fine.
keywords: [k]
---
Body.
`

func kb(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func runCLI(args ...string) (code int, stdout, stderr string) {
	var o, e bytes.Buffer
	code = run(context.Background(), args, &o, &e)
	return code, o.String(), e.String()
}

func TestBuildThenBrokenFileLeavesOutputIntact(t *testing.T) {
	src := kb(t, map[string]string{"content/incidents/good.md": goodIncident})
	code, out, errOut := runCLI("build", "-s", src)
	if code != 0 {
		t.Fatalf("first build failed (%d): %s", code, errOut)
	}
	if !strings.Contains(out, "Built ") || !strings.Contains(out, "1 incident") {
		t.Errorf("summary line missing: %q", out)
	}
	index := filepath.Join(src, "public", "incidents", "good", "index.html")
	before, err := os.ReadFile(index)
	if err != nil {
		t.Fatal(err)
	}

	// Two broken files: both are reported, with positions.
	bad := "---\ntitle: Bad\ndate: 2024-01-02\nsummary: S.\nkeywords: [k]\nseverity: hihg\n---\n"
	if err := os.WriteFile(filepath.Join(src, "content/incidents/bad.md"), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(src, "content/incidents/worse.md"), []byte("---\ntitle: [unclosed\n---\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut = runCLI("build", "-s", src)
	if code != 1 {
		t.Fatalf("broken build exit status %d, want 1", code)
	}
	for _, want := range []string{"content/incidents/bad.md:6:11: error:", "did you mean `high`", "content/incidents/worse.md:2", "left as it was"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	after, err := os.ReadFile(index)
	if err != nil || !bytes.Equal(before, after) {
		t.Errorf("previous output changed by a failed build (err %v)", err)
	}
	entries, _ := os.ReadDir(src)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".public") {
			t.Errorf("temporary folder %s left behind", e.Name())
		}
	}
}

func TestCheckWritesNothing(t *testing.T) {
	src := kb(t, map[string]string{"content/incidents/good.md": goodIncident})
	code, out, errOut := runCLI("check", "-s", src)
	if code != 0 {
		t.Fatalf("check failed: %s", errOut)
	}
	if !strings.Contains(out, "0 errors, 0 warnings (public and internal)") {
		t.Errorf("check output: %q", out)
	}
	if _, err := os.Stat(filepath.Join(src, "public")); !os.IsNotExist(err) {
		t.Errorf("check wrote public/")
	}
}

func TestBuildRefusesDangerousOutput(t *testing.T) {
	src := kb(t, map[string]string{"content/incidents/good.md": goodIncident})
	for _, out := range []string{src, filepath.Join(src, "content")} {
		code, _, errOut := runCLI("build", "-s", src, "-o", out)
		if code != 1 || !strings.Contains(errOut, "choose") {
			t.Errorf("build -o %s: exit %d, stderr %q; want a refusal", out, code, errOut)
		}
	}
	if _, err := os.Stat(filepath.Join(src, "content/incidents/good.md")); err != nil {
		t.Errorf("source damaged: %v", err)
	}
}

func TestUsageAndVersion(t *testing.T) {
	if code, _, _ := runCLI(); code != 2 {
		t.Errorf("no arguments: exit %d, want 2", code)
	}
	if code, _, e := runCLI("frobnicate"); code != 2 || !strings.Contains(e, "unknown command") {
		t.Errorf("unknown command: exit %d, %q", code, e)
	}
	if code, o, _ := runCLI("version"); code != 0 || !strings.HasPrefix(o, "casefile ") {
		t.Errorf("version: %d %q", code, o)
	}
}

func TestArchiveAndProfileOutput(t *testing.T) {
	src := kb(t, map[string]string{
		"content/incidents/good.md": goodIncident,
		"casefile.yaml":             "title: KB\nprofiles:\n  internal:\n    output: wiki-export\n",
	})
	zipPath := filepath.Join(t.TempDir(), "site.zip")
	if code, _, e := runCLI("build", "-s", src, "--profile", "internal", "--archive", zipPath); code != 0 {
		t.Fatalf("archive build: %s", e)
	}
	zr, err := zip.OpenReader(zipPath)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	names := map[string]bool{}
	for _, f := range zr.File {
		names[f.Name] = true
	}
	for _, want := range []string{"index.html", "incidents/good/index.html", "wiki/good.md", "search/manifest.js"} {
		if !names[want] {
			t.Errorf("archive lacks %s", want)
		}
	}
	if _, err := os.Stat(filepath.Join(src, "public")); !os.IsNotExist(err) {
		t.Errorf("--archive also wrote public/")
	}
	// Without -o, the internal profile builds into its configured folder.
	if code, _, e := runCLI("build", "-s", src, "--profile", "internal"); code != 0 {
		t.Fatalf("internal build: %s", e)
	}
	if _, err := os.Stat(filepath.Join(src, "wiki-export", "index.html")); err != nil {
		t.Errorf("internal profile did not build into its output folder: %v", err)
	}
}

// --cpuprofile and --memprofile write pprof profiles (gzipped protocol
// buffers) of the build; a profile that cannot be created is an error.
func TestBuildProfiles(t *testing.T) {
	src := kb(t, map[string]string{"content/incidents/good.md": goodIncident})
	dir := t.TempDir()
	cpu, mem := filepath.Join(dir, "cpu.prof"), filepath.Join(dir, "mem.prof")
	if code, _, errOut := runCLI("build", "-q", "-s", src, "--cpuprofile", cpu, "--memprofile", mem); code != 0 {
		t.Fatalf("build: %d %s", code, errOut)
	}
	for _, p := range []string{cpu, mem} {
		b, err := os.ReadFile(p)
		if err != nil || len(b) < 2 || b[0] != 0x1f || b[1] != 0x8b {
			t.Errorf("%s is not a gzipped profile (%d bytes, %v)", filepath.Base(p), len(b), err)
		}
	}
	code, _, errOut := runCLI("build", "-q", "-s", src, "--cpuprofile", filepath.Join(dir, "no", "such", "cpu.prof"))
	if code == 0 || !strings.Contains(errOut, "--cpuprofile") {
		t.Errorf("unwritable profile: %d %q", code, errOut)
	}
}

// Builds tune the collector unless the environment does.
func TestTuneGC(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(math.MaxInt64))
	tuneGC(func(string) string { return "" })
	if got := debug.SetGCPercent(100); got != buildGCPercent {
		t.Errorf("GC percent %d, want %d", got, buildGCPercent)
	}
	if got := debug.SetMemoryLimit(-1); got != buildMemoryCap {
		t.Errorf("memory limit %d, want %d", got, buildMemoryCap)
	}
	debug.SetMemoryLimit(math.MaxInt64)
	tuneGC(func(k string) string { return map[string]string{"GOGC": "50", "GOMEMLIMIT": "1GiB"}[k] })
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("GOGC set: percent changed to %d", got)
	}
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Errorf("GOMEMLIMIT set: limit changed to %d", got)
	}
}

// A build reserves as much heap on huge pages as its memory limit lets it
// use, within bounds.
func TestHugeReserve(t *testing.T) {
	for limit, want := range map[int64]int64{
		buildMemoryCap: buildMemoryCap,
		math.MaxInt64:  buildMemoryCap, // GOMEMLIMIT=off
		512 << 20:      512 << 20,
		64 << 30:       min(4<<30, math.MaxInt),
	} {
		if got := int64(hugeReserve(limit)); got != want {
			t.Errorf("hugeReserve(%d) = %d, want %d", limit, got, want)
		}
	}
}

func TestDescribeBuild(t *testing.T) {
	bi := &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "0123456789abcdef0123"}, {Key: "vcs.time", Value: "2026-11-29T10:00:00Z"}, {Key: "vcs.modified", Value: "true"},
	}}
	if got, want := describeBuild(bi), "devel (0123456789ab+dirty, 2026-11-29) go1.26.0"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	bi = &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "v1.2.0"}}
	if got, want := describeBuild(bi), "v1.2.0 go1.26.0"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
