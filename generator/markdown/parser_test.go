package markdown

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/util"
)

// stockMarkdown is goldmark as it comes, with the extensions New uses in
// their goldmark form; boundedMarkdown is the same with newParser and our
// forms of them.
var (
	stockMarkdown = goldmark.New(
		goldmark.WithExtensions(extension.GFM, extension.Footnote),
		goldmark.WithParserOptions(parser.WithAttribute()),
	)
	boundedMarkdown = goldmark.New(
		goldmark.WithParser(newParser()),
		goldmark.WithExtensions(gfmExtension{}, footnoteExtension{}),
		goldmark.WithParserOptions(parser.WithAttribute()),
	)
)

// sameAsStock fails when boundedMarkdown renders src other than goldmark.
func sameAsStock(t *testing.T, src []byte) {
	t.Helper()
	var want, got bytes.Buffer
	if err := stockMarkdown.Convert(src, &want); err != nil {
		return // goldmark's own failure is not ours to compare
	}
	if err := boundedMarkdown.Convert(src, &got); err != nil {
		t.Fatalf("input %q: %v", src, err)
	}
	if got.String() != want.String() {
		t.Fatalf("input %q:\n got %s\nwant %s", src, got.String(), want.String())
	}
}

// parserCases are inputs around the rules linkParser and delimiterParser
// reimplement.
var parserCases = []string{
	"*a* **b** ***c*** _d_ __e__ ___f___ ~g~ ~~h~~ ~~~i~~~",
	"*a_ _b* *c **d* e** a*b*c a_b_c __a_b__ *a**b* **a*b**",
	"*foo**bar**baz* *foo**bar* **foo*bar*baz** foo***bar***baz ***foo** bar*",
	"*(*foo*)* _(_foo_)_ **(**foo**)** *a `*` b* _a <b>_</b> c_",
	"*a [b* c](d) [e *f](g)* ![*h*](i) [*j*][r] [k *l][r]* [*m*]",
	"[a](b) [a](<b c>) [a](b \"t\") [a](b 't') [a](b (t)) [a]( b ) [a](b\n\"t\"\n)",
	"[a](b(c)d) [a](b(c) [a](b)c) [a](\\(b) [a](<b>c) [a](<b\\>) [a](b \"t\" x)",
	"[a [b](c) d](e) ![a [b](c) d](e) [a ![b](c) d](e) [[a](b)](c) [![a](b)](c)",
	"[a] [a][] [a][r] [r] [R] [ r ] [r][] [a][b][r] [r] [x]: y\n\n[r]: /u \"t\"",
	"[a\nb](c\n'd') [a](b\n(c\nd)) [r\n] [\nr]\n\n[r]: /u",
	"> [a](b\n> \"c\") *d\n> e* [r\n> ]\n\n[r]: /u",
	"- [a](b\n  c) *d\n  e*\n- ~~f\n  g~~",
	"[^1] [^2] ![^1] [^x [^1]]\n\n[^1]: note *a*\n[^2]: [b](c)",
	"a www.x.example [b www.y.example](c) *http://z.example* [c http://w.example",
	"| *a | b* | [c](d |\n|---|---|---|\n| ~~e | f~~ | g) |",
	"\\*a* \\_b_ *c\\* \\[d](e) [f\\](g) [h](i\\) [j](<k\\>l>)",
	"`*a*` `[b](c)` *`d*` [`e](f)` <a href=\"*\">*</a> <http://x*y*>",
	"## *a* {#id}\n\n# [b](c) *d*\n\ne\n===\n*f*",
	strings.Repeat("[", 1100) + "a" + strings.Repeat("]", 1100) + "(b)",
	"[" + strings.Repeat("a", 1000) + "] [" + strings.Repeat("b", 998) + "]\n\n[" + strings.Repeat("a", 1000) + "]: /u",
}

func TestParserAsGoldmark(t *testing.T) {
	for _, src := range parserCases {
		sameAsStock(t, []byte(src))
	}
	files, _ := filepath.Glob("testdata/golden/*.md")
	files = append(files, "testdata/bench.md")
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		sameAsStock(t, src)
	}
	// Random inputs of the tokens the rules turn on.
	tokens := []string{
		"*", "**", "***", "_", "__", "~", "~~", "~~~", "[", "]", "(", ")", "![", "<", ">", "`",
		"\\", "\"", "'", " ", "  ", "\t", "\n", "\n\n", "a", "b c", ".", "!", "[r]", "[^f]",
		"http://x.y", "www.z", "a@b.c", "> ", "- ", "1. ", "|", "&amp;", "<b>", "</b>", "#",
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		var b strings.Builder
		for range 1 + rng.IntN(24) {
			b.WriteString(tokens[rng.IntN(len(tokens))])
		}
		b.WriteString("\n\n[r]: /u \"t\"\n\n[^f]: n\n")
		sameAsStock(t, []byte(b.String()))
	}
}

// FuzzParserAsGoldmark: for any input, newParser and our extensions render
// what goldmark does.
func FuzzParserAsGoldmark(f *testing.F) {
	for _, s := range parserCases {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		if len(src) > 4096 {
			return
		}
		sameAsStock(t, []byte(src))
	})
}

// TestParserAsDefault: newParser lists goldmark's default inline parsers,
// but for the link and emphasis parsers it replaces, so that a goldmark
// upgrade that adds or changes one is noticed here.
func TestParserAsDefault(t *testing.T) {
	type entry struct {
		triggers string
		priority int
	}
	list := func(vs []util.PrioritizedValue) []entry {
		var out []entry
		for _, v := range vs {
			out = append(out, entry{string(v.Value.(parser.InlineParser).Trigger()), v.Priority})
		}
		return out
	}
	want := []entry{{"`", 100}, {"![]", 200}, {"<", 300}, {"<", 400}, {"*_", 500}}
	if got := list(parser.DefaultInlineParsers()); !reflect.DeepEqual(got, want) {
		t.Fatalf("goldmark's default inline parsers are now %v, were %v: update newParser", got, want)
	}
}
