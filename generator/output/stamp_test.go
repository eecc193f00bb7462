package output

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Every folder build stamps its output with the sorted list of the files it
// wrote, however they were written; the stamp is read back as written,
// paths a line cannot hold as they are included.
func TestDirStamp(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "public")
	d, err := NewDir(dest)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"z.html", "incidents/b/index.html", "a.html", "z.html", "incidents/a/index.html"} {
		if err := d.WriteFile(name, []byte(name)); err != nil {
			t.Fatal(err)
		}
	}
	if err := d.WriteOwned("owned.html", []byte("o"), func() {}); err != nil {
		t.Fatal(err)
	}
	if err := d.WriteStream("data/all.json", func(w io.Writer) error { _, err := w.Write([]byte("{}")); return err }); err != nil {
		t.Fatal(err)
	}
	if err := d.WriteFile(StampName, []byte("forged")); err == nil {
		t.Error("a build may write a file named like the stamp")
	}
	if err := d.Commit(); err != nil {
		t.Fatal(err)
	}
	want := stampHeader + "\n" + stampNote + "\na.html\ndata/all.json\nincidents/a/index.html\nincidents/b/index.html\nowned.html\nz.html\n"
	if got := readFile(t, filepath.Join(dest, StampName)); got != want {
		t.Errorf("stamp:\n%s\nwant:\n%s", got, want)
	}

	odd := []string{"#x.html", "\"q.html", "a\nb.html", "plain/index.html", "tab\there"}
	s, err := parseStamp(encodeStamp(odd))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range odd {
		if !s.hasFile(p) {
			t.Errorf("%q lost on the way through the stamp", p)
		}
	}
	if !s.hasDir("plain") || s.hasDir("pla") || s.hasFile("plain") {
		t.Error("folders of the stamp's files are not told apart from other names")
	}
	for _, bad := range []string{"", "casefile-build 1", "<html>\n", "casefile-build 1\n../x\n", "casefile-build 1\n\"unclosed\n"} {
		if _, err := parseStamp([]byte(bad)); (err == nil) != (bad == "casefile-build 1") {
			t.Errorf("parseStamp(%q) = %v", bad, err)
		}
	}
}

// A build replaces an existing folder only while it holds nothing a build
// did not write: anything else (a git checkout, notes, a page written by
// hand, a file replaced by a link, a stamp it cannot read) is refused,
// named, and left as it was, and nothing is made next to it.
func TestNewDirRefusesFilesNoBuildWrote(t *testing.T) {
	cases := []struct {
		name  string
		setup func(t *testing.T, dest string)
		want  []string
	}{
		{"a GitHub Pages checkout", func(t *testing.T, dest string) {
			writeFile(t, filepath.Join(dest, ".git", "HEAD"), "ref: refs/heads/main\n")
			writeFile(t, filepath.Join(dest, "CNAME"), "kb.example.org\n")
			writeFile(t, filepath.Join(dest, "index.html"), "<h1>written by hand</h1>")
		}, []string{"output " + "%s is not empty and has no .casefile-build stamp", "it holds .git/, CNAME, index.html.", "choose an empty or new folder", "delete it once"}},
		{"an earlier version's output", func(t *testing.T, dest string) {
			for _, f := range []string{"index.html", "404.html", "sitemap.xml", "robots.txt", "feed.xml", "incidents/x/index.html"} {
				writeFile(t, filepath.Join(dest, f), "old")
			}
		}, []string{"it holds 404.html, feed.xml, incidents/, index.html and 2 more.", "earlier Casefile version", "delete it once"}},
		{"a build with files added", func(t *testing.T, dest string) {
			build(t, dest, map[string]string{"index.html": "built", "incidents/x/index.html": "built"})
			writeFile(t, filepath.Join(dest, ".git", "HEAD"), "ref: refs/heads/main\n")
			writeFile(t, filepath.Join(dest, "incidents", "x", "notes.txt"), "mine")
			if err := os.Mkdir(filepath.Join(dest, "drafts"), 0o755); err != nil {
				t.Fatal(err)
			}
		}, []string{"output %s holds files a Casefile build did not write: .git/, drafts/, incidents/x/notes.txt.", "move them out of it, or choose an empty or new folder"}},
		{"a build with a file replaced by a link", func(t *testing.T, dest string) {
			build(t, dest, map[string]string{"index.html": "built", "about/index.html": "built"})
			if err := os.RemoveAll(filepath.Join(dest, "about")); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(t.TempDir(), filepath.Join(dest, "about")); err != nil {
				t.Fatal(err)
			}
		}, []string{"did not write: about (a symbolic link)."}},
		{"a newer version's stamp", func(t *testing.T, dest string) {
			writeFile(t, filepath.Join(dest, StampName), "casefile-build 2\nindex.html\n")
			writeFile(t, filepath.Join(dest, "index.html"), "built")
		}, []string{`.casefile-build is of format "2", which this version of Casefile does not read`, "it holds .casefile-build, index.html"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			root := t.TempDir()
			dest := filepath.Join(root, "public")
			c.setup(t, dest)
			before := snapshot(t, dest)
			d, err := NewDir(dest)
			if err == nil {
				d.Abort()
				t.Fatal("NewDir accepted the folder")
			}
			for _, w := range c.want {
				if strings.Contains(w, "%s") {
					w = strings.ReplaceAll(w, "%s", dest)
				}
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\nlacks %q", err, w)
				}
			}
			if after := snapshot(t, dest); after != before {
				t.Errorf("the folder changed:\n%s\nwas:\n%s", after, before)
			}
			if got := names(t, root); strings.Join(got, " ") != "public" {
				t.Errorf("next to the output: %v", got)
			}
		})
	}
}

// A missing or empty folder, and one a build wrote, are built into.
func TestNewDirAcceptsBuildsAndEmptyFolders(t *testing.T) {
	root := t.TempDir()
	for _, dest := range []string{filepath.Join(root, "new"), filepath.Join(root, "empty"), filepath.Join(root, "built")} {
		if strings.HasSuffix(dest, "empty") {
			if err := os.Mkdir(dest, 0o755); err != nil {
				t.Fatal(err)
			}
		}
		build(t, dest, map[string]string{"index.html": "1", "a/b/index.html": "1"})
		build(t, dest, map[string]string{"index.html": "2", "c/index.html": "2"})
		if got := snapshot(t, dest); got != ".casefile-build\nc/\nc/index.html\nindex.html\n" {
			t.Errorf("%s after two builds:\n%s", dest, got)
		}
	}
}

// Files that appear in the output while a build runs (after it was
// checked) are not removed with the previous output: they are moved, with
// their folders, to a visible folder next to it, and Commit says where.
func TestCommitKeepsFilesThatAppeared(t *testing.T) {
	root := t.TempDir()
	dest := filepath.Join(root, "public")
	build(t, dest, map[string]string{"index.html": "old", "incidents/x/index.html": "old"})
	d, err := NewDir(dest)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.WriteFile("index.html", []byte("new")); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dest, "notes.txt"), "mine")
	writeFile(t, filepath.Join(dest, "incidents", "x", "draft.md"), "mine too")
	err = d.Commit()
	if err == nil || !strings.Contains(err.Error(), "new output is in place, but files no build wrote appeared") {
		t.Fatalf("Commit = %v, want it to say files were kept", err)
	}
	if got := snapshot(t, dest); got != ".casefile-build\nindex.html\n" {
		t.Errorf("new output:\n%s", got)
	}
	got := names(t, root)
	if len(got) != 2 || !strings.HasPrefix(got[1], "public.kept-") || !strings.Contains(err.Error(), filepath.Join(root, got[1])) {
		t.Fatalf("next to the output: %v; error %v", got, err)
	}
	if got := snapshot(t, filepath.Join(root, got[1])); got != "incidents/\nincidents/x/\nincidents/x/draft.md\nnotes.txt\n" {
		t.Errorf("kept:\n%s", got)
	}
}

// An output that is a symbolic link stays one: the build replaces the
// folder it leads to, in one step, and makes its folders next to that
// folder. A link that leads nowhere is refused, and left as it was.
func TestNewDirSymlinkedOutput(t *testing.T) {
	root, elsewhere := t.TempDir(), t.TempDir()
	target := filepath.Join(elsewhere, "site")
	build(t, target, map[string]string{"index.html": "old", "stale/index.html": "old"})
	link := filepath.Join(root, "public")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	build(t, link, map[string]string{"index.html": "new"})
	if to, err := os.Readlink(link); err != nil || to != target {
		t.Fatalf("the link was replaced: readlink = %q, %v", to, err)
	}
	if got := snapshot(t, target); got != ".casefile-build\nindex.html\n" {
		t.Errorf("the link's folder after the build:\n%s", got)
	}
	if got := readFile(t, filepath.Join(link, "index.html")); got != "new" {
		t.Errorf("index.html through the link = %q", got)
	}
	if got := names(t, elsewhere); strings.Join(got, " ") != "site" {
		t.Errorf("next to the link's folder: %v", got)
	}
	if got := names(t, root); strings.Join(got, " ") != "public" {
		t.Errorf("next to the link: %v", got)
	}

	// The folder the link leads to is checked like any output.
	writeFile(t, filepath.Join(target, "notes.txt"), "mine")
	if _, err := NewDir(link); err == nil || !strings.Contains(err.Error(), "notes.txt") {
		t.Errorf("NewDir through a link to a folder with notes = %v, want a refusal naming notes.txt", err)
	}

	dangling := filepath.Join(root, "dangling")
	missing := filepath.Join(elsewhere, "missing")
	if err := os.Symlink(missing, dangling); err != nil {
		t.Fatal(err)
	}
	_, err := NewDir(dangling)
	if err == nil || !strings.Contains(err.Error(), "output "+dangling+" is a symbolic link to "+missing+", which does not exist; create that folder, or remove the link") {
		t.Errorf("NewDir(dangling link) = %v", err)
	}
	if to, err := os.Readlink(dangling); err != nil || to != missing {
		t.Errorf("the dangling link changed: %q, %v", to, err)
	}
	if _, err := os.Lstat(missing); !os.IsNotExist(err) {
		t.Errorf("the dangling link's target was made: %v", err)
	}
}

// An archive replaces only an archive a build wrote, never another file,
// a folder or a symbolic link (the file it leads to is replaced); it is
// never written where the next build would read it.
func TestZipFileReplacesOnlyArchives(t *testing.T) {
	dir := t.TempDir()
	site := map[string][]byte{"index.html": []byte("x")}
	notes := filepath.Join(dir, "notes.zip")
	writeFile(t, notes, "not an archive")
	foreign := filepath.Join(dir, "foreign.zip")
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	if _, err := zw.Create("x.txt"); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	writeFile(t, foreign, buf.String())
	folder := filepath.Join(dir, "folder.zip")
	if err := os.Mkdir(folder, 0o755); err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]string{
		notes:   "exists and is not an archive a Casefile build wrote",
		foreign: "exists and is not an archive a Casefile build wrote",
		folder:  "is a folder",
	} {
		before := snapshot(t, dir)
		if err := ZipFile(p, site); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ZipFile(%s) = %v, want an error saying %q", filepath.Base(p), err, want)
		}
		if after := snapshot(t, dir); after != before {
			t.Errorf("ZipFile(%s) changed the folder:\n%s", filepath.Base(p), after)
		}
	}

	// A link to an archive: the archive is replaced, the link stays.
	target := filepath.Join(t.TempDir(), "site.zip")
	if err := ZipFile(target, map[string][]byte{"old.html": []byte("old")}); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "site.zip")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	if err := ZipFile(link, site); err != nil {
		t.Fatal(err)
	}
	if to, err := os.Readlink(link); err != nil || to != target {
		t.Errorf("the link was replaced: %q, %v", to, err)
	}
	zr, err := zip.OpenReader(target)
	if err != nil {
		t.Fatal(err)
	}
	if len(zr.File) != 1 || zr.File[0].Name != "index.html" {
		t.Errorf("the link's archive was not replaced")
	}
	zr.Close()
	dangling := filepath.Join(dir, "dangling.zip")
	if err := os.Symlink(filepath.Join(dir, "missing.zip"), dangling); err != nil {
		t.Fatal(err)
	}
	if err := ZipFile(dangling, site); err == nil || !strings.Contains(err.Error(), "which does not exist") {
		t.Errorf("ZipFile(dangling link) = %v", err)
	}

	src := t.TempDir()
	for p, want := range map[string]string{
		filepath.Join(src, "content", "site.zip"):      "inside the source's content/ folder",
		filepath.Join(src, "static", "dl", "site.zip"): "inside the source's static/ folder",
		src:                                 "is a folder",
		filepath.Join(src, "casefile.yaml"): "not an archive a Casefile build wrote",
	} {
		if p == filepath.Join(src, "casefile.yaml") {
			writeFile(t, p, "title: KB\n")
		}
		if err := CheckArchive(src, p); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("CheckArchive(%s) = %v, want an error saying %q", p, err, want)
		}
	}
	if err := CheckArchive(src, filepath.Join(src, "site.zip")); err != nil {
		t.Errorf("CheckArchive(new file in the source folder) = %v", err)
	}
}

// snapshot lists every path under root, sorted: folders with a trailing
// slash, other entries than files and folders with their type.
func snapshot(t *testing.T, root string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(root, func(p string, e os.DirEntry, err error) error {
		if err != nil || p == root {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		switch {
		case e.IsDir():
			b.WriteString(rel + "/\n")
		case e.Type().IsRegular():
			b.WriteString(rel + "\n")
		default:
			b.WriteString(rel + " (" + e.Type().String() + ")\n")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}
