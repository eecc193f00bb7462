package corpus_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"casefile/generator/content"
	"casefile/generator/internal/corpus"
)

// The corpus is what the benchmark issue describes, decodes without errors,
// and is the same on every run; writing it again leaves unchanged files
// alone and drops files of a larger corpus.
func TestWriteCorpus(t *testing.T) {
	dir := t.TempDir()
	if _, err := corpus.Write(dir, 300); err != nil {
		t.Fatal(err)
	}
	c, d := content.Load(os.DirFS(dir), time.UTC)
	if d.HasErrors() || len(d) > 0 {
		t.Fatalf("corpus does not load cleanly:\n%v", d)
	}
	if len(c.Incidents) != 300 {
		t.Fatalf("%d incidents", len(c.Incidents))
	}
	kw := map[string]int{}
	size := 0
	for _, in := range c.Incidents {
		for _, k := range in.Keywords {
			kw[k]++
		}
		body := string(in.Body)
		size += len(body)
		faq := len(in.FAQ) + strings.Count(body[strings.Index(body, "## Frequently Asked Questions"):], "\n### ")
		if faq < 3 || faq > 6 {
			t.Errorf("%s: %d FAQ entries, want 3–6", in.Source, faq)
		}
		for _, fence := range []string{"```bash\n", "```yaml\n", "| Host |", "](https://"} {
			if !strings.Contains(body, fence) {
				t.Errorf("%s: body lacks %q", in.Source, fence)
			}
		}
	}
	if share := float64(kw["ransomware"]) / 300; share < 0.65 || share > 0.85 {
		t.Errorf("the common keyword is on %.0f%% of incidents, want about 75%%", share*100)
	}
	if avg := size / 300; avg < 7000 || avg > 10000 {
		t.Errorf("average body %d bytes, want about 8 KB", avg)
	}
	p, data := corpus.Incident(7)
	if p2, data2 := corpus.Incident(7); p2 != p || string(data2) != string(data) {
		t.Error("Incident(7) differs between calls")
	}

	// Again, smaller: unchanged files keep their modification time.
	old := time.Now().Add(-time.Hour)
	keep := filepath.Join(dir, filepath.FromSlash(corpus.Path(5)))
	if err := os.Chtimes(keep, old, old); err != nil {
		t.Fatal(err)
	}
	if _, err := corpus.Write(dir, 100); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(keep); err != nil || !fi.ModTime().Equal(old) {
		t.Errorf("unchanged file rewritten: %v", err)
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "content", "incidents"))
	if len(entries) != 100 {
		t.Errorf("%d files after writing 100", len(entries))
	}
}

// Across a large corpus the keyword tail is long: 200+ distinct keywords.
func TestCorpusKeywordTail(t *testing.T) {
	kw := map[string]bool{}
	for i := range 10000 {
		_, data := corpus.Incident(i)
		s := string(data)
		line := s[strings.Index(s, "keywords: [")+len("keywords: [") : strings.Index(s, "]\nseverity")]
		for _, k := range strings.Split(line, ", ") {
			kw[k] = true
		}
	}
	if len(kw) < 200 {
		t.Errorf("%d distinct keywords, want 200+", len(kw))
	}
}
