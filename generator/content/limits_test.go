package content

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"casefile/generator/internal/osfs"
)

// TestFileSizeLimit: a file larger than MaxFileSize is refused with an error
// naming the limit, without being read (a sparse file: its size costs no
// disk and, were it read, 50 MB of memory); one of exactly MaxFileSize is
// read. Both through os.DirFS and through osfs.Dir, whose ReadFileMax
// checks the limit itself.
func TestFileSizeLimit(t *testing.T) {
	dir := t.TempDir()
	inc := filepath.Join(dir, "content", "incidents")
	if err := os.MkdirAll(inc, 0o755); err != nil {
		t.Fatal(err)
	}
	front := "---\ntitle: T\ndate: 2024-01-02\nsummary: S.\nkeywords: [k]\n---\n"
	for name, size := range map[string]int64{"huge.md": 50_000_000, "max.md": MaxFileSize, "over.md": MaxFileSize + 1} {
		f, err := os.Create(filepath.Join(inc, name))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.WriteString(front); err != nil {
			t.Fatal(err)
		}
		if err := f.Truncate(size); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	for _, fsys := range []fs.FS{os.DirFS(dir), osfs.Dir(dir)} {
		c, ds := Load(fsys, time.UTC)
		wantDiags(t, ds,
			"content/incidents/huge.md: error: the file is 47.7 MiB, more than the 8 MiB a markdown file may have; split it into several files, or move bulky material (logs, dumps, data) into static/ and link to it",
			"content/incidents/over.md: error: the file is 8.0 MiB, more than the 8 MiB a markdown file may have")
		if len(ds) != 2 {
			t.Errorf("%T: diagnostics:\n%s", fsys, ds)
		}
		if len(c.Incidents) != 1 || c.Incidents[0].Source != "content/incidents/max.md" || len(c.Incidents[0].Body) != MaxFileSize-len(front) {
			t.Errorf("%T: the file of exactly MaxFileSize was not read whole: %+v", fsys, c.Incidents)
		}
	}
}

// TestKeywordLimit: MaxKeywords keywords are fine; the first one more is an
// error at its position, and the rest are dropped.
func TestKeywordLimit(t *testing.T) {
	kws := make([]string, 10_000)
	for i := range kws {
		kws[i] = fmt.Sprintf("kw-%05d", i)
	}
	file := func(n int) string {
		return "---\ntitle: T\ndate: 2024-01-02\nsummary: S.\nkeywords: [" + strings.Join(kws[:n], ", ") + "]\n---\n"
	}
	in, ds := DecodeIncident("content/incidents/ok.md", []byte(file(MaxKeywords)), time.UTC)
	if len(ds) != 0 || len(in.Keywords) != MaxKeywords {
		t.Errorf("%d keywords: %d kept, diagnostics %v", MaxKeywords, len(in.Keywords), ds)
	}
	in, ds = DecodeIncident("content/incidents/many.md", []byte(file(len(kws))), time.UTC)
	col := len("keywords: [") + 1 + MaxKeywords*len("kw-00000, ")
	wantDiags(t, ds, fmt.Sprintf("content/incidents/many.md:5:%d: error: an incident may have at most 100 keywords; this is keyword 101; keep the 100 readers search for most; every keyword gets its own page and feed", col))
	if len(ds) != 1 || len(in.Keywords) != MaxKeywords {
		t.Errorf("%d keywords kept, diagnostics:\n%s", len(in.Keywords), ds)
	}
}
