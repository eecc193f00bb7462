package markdown

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/golden/*.html from the current output")

// TestGolden renders every testdata/golden/*.md and compares the body HTML
// plus a dump of the extracted FAQ with the .html file next to it. A name
// ending in ".unsafe.md" is rendered with UnsafeHTML, one ending in
// ".internal.md" with Internal (the internal profile). Regenerate with
//
//	go test ./generator/markdown -update
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/golden/*.md")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no golden files")
	}
	safe := New(Options{})
	unsafe := New(Options{UnsafeHTML: true})
	internal := New(Options{Internal: true})
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".md")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			r := safe
			switch {
			case strings.HasSuffix(name, ".unsafe"):
				r = unsafe
			case strings.HasSuffix(name, ".internal"):
				r = internal
			}
			res, err := r.Render(src)
			if err != nil {
				t.Fatal(err)
			}
			got := goldenDump(res)
			want := strings.TrimSuffix(file, ".md") + ".html"
			if *update {
				if err := os.WriteFile(want, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			exp, err := os.ReadFile(want)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(got, exp) {
				t.Errorf("%s differs from %s (run with -update after checking the diff)\n--- got ---\n%s", file, want, got)
			}
		})
	}
}

func goldenDump(res Result) []byte {
	var b bytes.Buffer
	b.WriteString(res.HTML)
	fmt.Fprintf(&b, "<!-- ===== headings -->\n")
	for _, h := range res.Headings {
		fmt.Fprintf(&b, "<!-- h%d line %d #%s %q -->\n", h.Level, h.Line, h.ID, h.Text)
	}
	if len(res.BlockedLinks) > 0 {
		fmt.Fprintf(&b, "<!-- ===== blocked links -->\n")
		for _, l := range res.BlockedLinks {
			fmt.Fprintf(&b, "<!-- line %d %q -->\n", l.Line, l.Dest)
		}
	}
	if len(res.Internal) > 0 {
		fmt.Fprintf(&b, "<!-- ===== internal blocks -->\n")
		for _, ib := range res.Internal {
			fmt.Fprintf(&b, "<!-- lines %d-%d unclosed=%v %q -->\n", ib.Line, ib.EndLine, ib.Unclosed, ib.Text)
		}
	}
	if !res.HasFAQSection {
		fmt.Fprintf(&b, "<!-- ===== no FAQ section -->\n")
		return b.Bytes()
	}
	fmt.Fprintf(&b, "<!-- ===== FAQ line %d lines %v #%s -->\n", res.FAQLine, res.FAQLines, res.FAQID)
	if len(res.FAQIntro) > 0 {
		fmt.Fprintf(&b, "<!-- intro -->\n%s", res.FAQIntro)
	}
	for _, it := range res.FAQ {
		fmt.Fprintf(&b, "<!-- Q %d:%d #%s %q -->\n", it.Line, it.Col, it.ID, it.Question)
		for _, h := range it.Headings {
			fmt.Fprintf(&b, "<!--   h%d line %d #%s %q -->\n", h.Level, h.Line, h.ID, h.Text)
		}
		if it.AnswerHTML == "" {
			fmt.Fprintf(&b, "<!-- (no answer) -->\n")
		} else {
			fmt.Fprintf(&b, "%s\n", it.AnswerHTML)
		}
	}
	return b.Bytes()
}
