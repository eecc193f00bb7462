package main

import (
	"archive/zip"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"casefile"
	"casefile/generator/server"
	"casefile/generator/site"
)

// A GitHub Pages checkout (a .git/ folder, a hand-written index.html) is
// never replaced: the build is refused, naming what it found, and the
// folder stays as it was. A folder a build wrote is rebuilt as before, and
// refused once files of the user's are added to it.
func TestBuildRefusesFolderWithFilesNoBuildWrote(t *testing.T) {
	src := kb(t, map[string]string{"content/incidents/good.md": goodIncident})
	parent := t.TempDir()
	pages := filepath.Join(parent, "pages")
	for name, data := range map[string]string{".git/HEAD": "ref: refs/heads/gh-pages\n", "index.html": "<h1>by hand</h1>", "CNAME": "kb.example.org\n"} {
		p := filepath.Join(pages, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	code, _, errOut := runCLI("build", "-s", src, "-o", pages)
	if code != 1 || !strings.Contains(errOut, "it holds .git/, CNAME, index.html") || !strings.Contains(errOut, "choose an empty or new folder") {
		t.Errorf("build into a checkout: exit %d, stderr %q; want a refusal naming .git/", code, errOut)
	}
	if b, err := os.ReadFile(filepath.Join(pages, ".git", "HEAD")); err != nil || !strings.Contains(string(b), "gh-pages") {
		t.Errorf(".git/HEAD lost: %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(pages, "index.html")); string(b) != "<h1>by hand</h1>" {
		t.Errorf("index.html replaced: %q", b)
	}
	if l := dirNames(t, parent); strings.Join(l, " ") != "pages" {
		t.Errorf("next to the folder: %v", l)
	}

	out := filepath.Join(parent, "public")
	for i := 0; i < 2; i++ {
		if code, _, errOut := runCLI("build", "-q", "-s", src, "-o", out); code != 0 {
			t.Fatalf("build %d into its own folder: %s", i+1, errOut)
		}
	}
	notes := filepath.Join(out, "incidents", "notes.txt")
	if err := os.WriteFile(notes, []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut = runCLI("build", "-q", "-s", src, "-o", out)
	if code != 1 || !strings.Contains(errOut, "holds files a Casefile build did not write: incidents/notes.txt") {
		t.Errorf("build with notes in the output: exit %d, stderr %q", code, errOut)
	}
	if b, _ := os.ReadFile(notes); string(b) != "mine" {
		t.Errorf("notes lost")
	}
}

// An output that is a symbolic link keeps being one: the build replaces
// the folder it leads to. A link that leads nowhere is refused.
func TestBuildSymlinkedOutput(t *testing.T) {
	src := kb(t, map[string]string{"content/incidents/good.md": goodIncident})
	target := filepath.Join(t.TempDir(), "www")
	if code, _, errOut := runCLI("build", "-q", "-s", src, "-o", target); code != 0 {
		t.Fatalf("first build: %s", errOut)
	}
	parent := t.TempDir()
	link := filepath.Join(parent, "public")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(src, "content/incidents/good.md"), []byte(strings.Replace(goodIncident, "Body.", "Edited body.", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := runCLI("build", "-q", "-s", src, "-o", link); code != 0 {
		t.Fatalf("build through the link: %s", errOut)
	}
	if to, err := os.Readlink(link); err != nil || to != target {
		t.Fatalf("the link was replaced (readlink %q, %v)", to, err)
	}
	if b, err := os.ReadFile(filepath.Join(target, "incidents", "good", "index.html")); err != nil || !strings.Contains(string(b), "Edited body.") {
		t.Errorf("the link's folder was not rebuilt (%v)", err)
	}

	dangling := filepath.Join(parent, "dangling")
	if err := os.Symlink(filepath.Join(parent, "nowhere"), dangling); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := runCLI("build", "-q", "-s", src, "-o", dangling)
	if code != 1 || !strings.Contains(errOut, "is a symbolic link to "+filepath.Join(parent, "nowhere")+", which does not exist") {
		t.Errorf("build into a dangling link: exit %d, stderr %q", code, errOut)
	}
	if fi, err := os.Lstat(dangling); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the dangling link was replaced: %v", err)
	}
}

// --archive replaces only an archive a build wrote: not another file (the
// source's config, notes), and never writes into the source's content/.
func TestArchiveRefusesFilesNoBuildWrote(t *testing.T) {
	src := kb(t, map[string]string{"content/incidents/good.md": goodIncident, "casefile.yaml": "title: KB\n"})
	notes := filepath.Join(t.TempDir(), "notes.zip")
	if err := os.WriteFile(notes, []byte("my notes"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ archive, want string }{
		{notes, "exists and is not an archive a Casefile build wrote"},
		{filepath.Join(src, "casefile.yaml"), "exists and is not an archive a Casefile build wrote"},
		{filepath.Join(src, "content", "site.zip"), "inside the source's content/ folder"},
		{src, "is a folder"},
	} {
		code, _, errOut := runCLI("build", "-q", "-s", src, "--archive", c.archive)
		if code != 1 || !strings.Contains(errOut, c.want) {
			t.Errorf("--archive %s: exit %d, stderr %q; want a refusal saying %q", c.archive, code, errOut, c.want)
		}
	}
	if b, _ := os.ReadFile(notes); string(b) != "my notes" {
		t.Errorf("notes.zip replaced")
	}
	if b, _ := os.ReadFile(filepath.Join(src, "casefile.yaml")); string(b) != "title: KB\n" {
		t.Errorf("casefile.yaml replaced")
	}
	if _, err := os.Stat(filepath.Join(src, "content", "site.zip")); !os.IsNotExist(err) {
		t.Errorf("an archive was written into content/")
	}

	// A previous archive is replaced.
	archive := filepath.Join(t.TempDir(), "site.zip")
	for i := 0; i < 2; i++ {
		if code, _, errOut := runCLI("build", "-q", "-s", src, "--archive", archive); code != 0 {
			t.Fatalf("archive build %d: %s", i+1, errOut)
		}
	}
	zr, err := zip.OpenReader(archive)
	if err != nil {
		t.Fatal(err)
	}
	zr.Close()
}

// Without -o or a configured output, the internal profile builds into
// public-internal/, never into the public site's folder.
func TestInternalProfileDefaultOutput(t *testing.T) {
	src := kb(t, map[string]string{"content/incidents/good.md": goodIncident})
	if code, _, errOut := runCLI("build", "-q", "-s", src, "--profile", "internal"); code != 0 {
		t.Fatalf("internal build: %s", errOut)
	}
	if _, err := os.Stat(filepath.Join(src, "public-internal", "index.html")); err != nil {
		t.Errorf("no public-internal/index.html: %v", err)
	}
	if _, err := os.Stat(filepath.Join(src, "public")); !os.IsNotExist(err) {
		t.Errorf("the internal build wrote public/ (%v)", err)
	}
}

// serve prints a warning when it appears, not again on every rebuild while
// it stays (moved to another line included), and again once it went away
// and came back.
func TestServePrintsEachWarningOnce(t *testing.T) {
	const warn = "`summary` contains `<`"
	withWarning := strings.Replace(goodIncident, "summary: Fine.", "summary: Fine <b>.", 1)
	src := kb(t, map[string]string{"content/incidents/good.md": withWarning})
	var errOut syncBuf
	logf := func(string, ...any) {}
	lp := &liveLoop{
		f:   &serveFlags{flags: flags{source: src, profile: "public"}, bind: "127.0.0.1"},
		srv: server.New(server.Options{Addr: "127.0.0.1:0", Logf: logf}), stdout: io.Discard, stderr: &errOut, logf: logf,
		sess:  site.NewSession(site.Options{Source: os.DirFS(src), Theme: casefile.Theme, Profile: "public", BaseURL: "http://127.0.0.1/"}),
		later: make(chan *site.Later, 1),
	}
	ctx := context.Background()
	file := filepath.Join(src, "content", "incidents", "good.md")
	steps := []struct {
		name, text string
		printed    int // times the warning has been printed after this step
	}{
		{"first build", "", 1},
		{"body edited", strings.Replace(withWarning, "Body.", "Edited.", 1), 1},
		{"warning moved a line down", strings.Replace(withWarning, "title: Good one\n", "title: Good one\nstatus: resolved\n", 1), 1},
		{"warning fixed", goodIncident, 1},
		{"warning back", withWarning, 2},
		{"rebuilt again", withWarning + "\nMore.\n", 2},
	}
	for _, s := range steps {
		var changed []string
		if s.text != "" {
			if err := os.WriteFile(file, []byte(s.text), 0o644); err != nil {
				t.Fatal(err)
			}
			changed = []string{"content/incidents/good.md"}
		}
		lp.rebuild(ctx, changed)
		if lp.broken {
			t.Fatalf("%s: the build failed:\n%s", s.name, errOut.String())
		}
		if n := strings.Count(errOut.String(), warn); n != s.printed {
			t.Fatalf("after %s the warning was printed %d times, want %d:\n%s", s.name, n, s.printed, errOut.String())
		}
	}
}

func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}
