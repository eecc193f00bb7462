package output

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

func zipSite() map[string][]byte {
	return map[string][]byte{
		"index.html":                        []byte("<!doctype html><title>Home</title>" + strings.Repeat("<p>incident</p>", 200)),
		"incidents/db-disk-full/index.html": []byte("<!doctype html><title>DB disk full</title>"),
		"css/main.css":                      []byte("body{margin:0}"),
		"img/chart.png":                     {0x89, 'P', 'N', 'G', 0, 1, 2, 3},
		"fonts/x.woff2":                     {'w', 'O', 'F', '2'},
		"日本/index.html":                     []byte("unicode path"),
		"empty.txt":                         {},
	}
}

func readZip(t *testing.T, data []byte) *zip.Reader {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("reading archive: %v", err)
	}
	return zr
}

func TestWriteZipRoundTrip(t *testing.T) {
	site := zipSite()
	var buf bytes.Buffer
	if err := WriteZip(&buf, site); err != nil {
		t.Fatal(err)
	}
	zr := readZip(t, buf.Bytes())
	if len(zr.File) != len(site) {
		t.Fatalf("archive has %d entries, want %d", len(zr.File), len(site))
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
		want, ok := site[f.Name]
		if !ok {
			t.Errorf("unexpected entry %q", f.Name)
			continue
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: contents differ: got %q, want %q", f.Name, got, want)
		}
		if !f.Modified.Equal(zipTime) {
			t.Errorf("%s: modified %v, want %v", f.Name, f.Modified, zipTime)
		}
		if f.Mode().Perm() != 0o644 || !f.Mode().IsRegular() {
			t.Errorf("%s: mode %v, want -rw-r--r--", f.Name, f.Mode())
		}
		wantMethod := zip.Deflate
		if ext := filepath.Ext(f.Name); ext == ".png" || ext == ".woff2" {
			wantMethod = zip.Store
		}
		if f.Method != wantMethod {
			t.Errorf("%s: method %d, want %d", f.Name, f.Method, wantMethod)
		}
	}
	if !sort.StringsAreSorted(names) {
		t.Errorf("entries not sorted: %q", names)
	}
}

func TestZipMethod(t *testing.T) {
	for name, want := range map[string]uint16{
		"a.png": zip.Store, "a.JPG": zip.Store, "a.jpeg": zip.Store, "a.gif": zip.Store,
		"a.webp": zip.Store, "f/x.woff2": zip.Store, "site.zip": zip.Store, "x.tar.gz": zip.Store,
		"index.html": zip.Deflate, "main.css": zip.Deflate, "app.js": zip.Deflate,
		"logo.svg": zip.Deflate, "feed.xml": zip.Deflate, "README": zip.Deflate,
	} {
		if got := zipMethod(name); got != want {
			t.Errorf("zipMethod(%q) = %d, want %d", name, got, want)
		}
	}
}

func TestWriteZipDeterministic(t *testing.T) {
	var a, b bytes.Buffer
	if err := WriteZip(&a, zipSite()); err != nil {
		t.Fatal(err)
	}
	// A fresh map has a different iteration order; the bytes must not care.
	if err := WriteZip(&b, zipSite()); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("two archives of the same site differ")
	}
}

func TestWriteZipEmptySite(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteZip(&buf, nil); err != nil {
		t.Fatal(err)
	}
	if zr := readZip(t, buf.Bytes()); len(zr.File) != 0 {
		t.Fatalf("empty site gave %d entries", len(zr.File))
	}
}

func TestWriteZipRefusesBadPaths(t *testing.T) {
	for _, bad := range []string{"../etc/passwd", "/abs/x.html", "a/../../x", "a\\b.html", "a//b", "c:/x", "", "a/", "bad\xffname"} {
		site := zipSite()
		site[bad] = []byte("x")
		var buf bytes.Buffer
		if err := WriteZip(&buf, site); err == nil {
			t.Errorf("WriteZip with path %q succeeded, want an error", bad)
		}
		if buf.Len() != 0 {
			t.Errorf("WriteZip with path %q wrote %d bytes before failing", bad, buf.Len())
		}
	}
}

func TestWriteZipRefusesFileFolderClash(t *testing.T) {
	site := map[string][]byte{"a": []byte("file"), "a/b/index.html": []byte("page")}
	if err := WriteZip(io.Discard, site); err == nil {
		t.Fatal(`"a" as both file and folder accepted, want an error`)
	}
}

func TestZipFile(t *testing.T) {
	dir := t.TempDir()
	dest := filepath.Join(dir, "site.zip")
	if err := ZipFile(dest, map[string][]byte{"index.html": []byte("previous archive")}); err != nil {
		t.Fatal(err)
	}
	if err := ZipFile(dest, zipSite()); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(dest)
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	if err := WriteZip(&want, zipSite()); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(data, want.Bytes()) {
		t.Fatal("ZipFile wrote different bytes from WriteZip")
	}
	fi, err := os.Stat(dest)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm()&0o444 != 0o444 {
		t.Errorf("archive mode %v is not readable by all", fi.Mode())
	}
	assertOnlyEntries(t, dir, "site.zip")
}

func TestZipFileErrorLeavesNoTempFile(t *testing.T) {
	dir := t.TempDir()
	dest := filepath.Join(dir, "site.zip")
	if err := ZipFile(dest, map[string][]byte{"index.html": []byte("previous archive")}); err != nil {
		t.Fatal(err)
	}
	previous, err := os.ReadFile(dest)
	if err != nil {
		t.Fatal(err)
	}
	site := zipSite()
	site["../escape.html"] = []byte("x")
	if err := ZipFile(dest, site); err == nil {
		t.Fatal("ZipFile with a bad path succeeded")
	}
	if got, _ := os.ReadFile(dest); !bytes.Equal(got, previous) {
		t.Errorf("previous archive changed")
	}
	assertOnlyEntries(t, dir, "site.zip")
}

func TestZipFileRenameErrorLeavesNoTempFile(t *testing.T) {
	dir := t.TempDir()
	dest := filepath.Join(dir, "site.zip")
	// A non-empty folder in the way: the final rename must fail.
	if err := os.MkdirAll(filepath.Join(dest, "keep"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := ZipFile(dest, zipSite()); err == nil {
		t.Fatal("ZipFile over a non-empty folder succeeded")
	}
	assertOnlyEntries(t, dir, "site.zip")
	if _, err := os.Stat(filepath.Join(dest, "keep")); err != nil {
		t.Errorf("folder in the way was disturbed: %v", err)
	}
}

func assertOnlyEntries(t *testing.T, dir string, want ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("folder holds %q, want only %q (temporary file left behind?)", got, want)
	}
}
