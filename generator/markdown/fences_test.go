package markdown

import (
	"reflect"
	"strings"
	"testing"
)

func TestFenceProblemPositions(t *testing.T) {
	for _, tc := range []struct {
		src       string
		line, col int
		msg, hint string // substrings
	}{
		{"Public.\n\n<details>\n::: internal\nsecret\n:::\n</details>\n", 4, 1, "raw HTML (the HTML block from line 3)", "blank line"},
		{"<!--\n::: internal\nsecret\n:::\n-->\n", 2, 1, "raw HTML", "blank line"},
		{"a\n\n> - \u00a0::: internal\n> secret\n", 3, 6, "space other than an ordinary one", "start the line with the colons"},
		{"x\n\n  ::internal\nsecret\n", 3, 3, "two colons", "`::: internal`"},
		{"::: Internals\nsecret\n:::\n", 1, 1, "not `internal`", "`::: internal notes`"},
		{"<p>::: internal</p>\nsecret\n", 1, 4, "HTML tag", "line of its own"},
		{"```sh\ncurl x\n\n::: internal\nsecret\n:::\n", 4, 1, "never closed (from line 1)", "close the code block"},
		{"```\n::: internal\n```\nsecret\n:::\n", 2, 1, "does not hold the whole example", "closing `:::` included"},
		{"    ::: internal\nsecret\n:::\n", 1, 5, "indented by four", "at most three spaces"},
		// A block that ends with its list item or quote before the line
		// that reads as its end: the first published line is reported.
		{"- item\n\n  ::: internal\n  secret one\n\nsecret two\n:::\n", 6, 1, "block from line 3 (which reads on to the `:::` at line 7)", "indent every line"},
		{"> ::: internal\n> quoted secret\nlazy line\n", 3, 1, "block from line 1 (which reads on to the end of the document): the block ended at line 2", "indent every line"},
		{"- ::: internal\n  secret\n- ::: note\n  b\n  :::\n", 3, 3, "block from line 1", "close it there"},
		// A closing line that closes nothing after a block: the block
		// ended at a ":::" the author meant as something else.
		{"::: internal\n<div>\n:::\n</div>\nsecret two\n:::\n", 6, 1, "the `::: internal` block from line 1 ended at line 3", "remove the extra `:::`"},
		{"Text.\n\n<div>\n::: internal\n</div>\n\nsecret\n\n:::\n", 4, 1, "raw HTML", "blank line"},
	} {
		for _, internal := range []bool{false, true} {
			res, err := New(Options{Internal: internal}).Render([]byte(tc.src))
			if err != nil {
				t.Fatal(err)
			}
			if len(res.FenceProblems) != 1 {
				t.Errorf("%q (internal %v): problems %+v, want one", tc.src, internal, res.FenceProblems)
				continue
			}
			p := res.FenceProblems[0]
			if p.Line != tc.line || p.Col != tc.col || !strings.Contains(p.Message(nil), tc.msg) || !strings.Contains(p.Hint, tc.hint) {
				t.Errorf("%q (internal %v): got %d:%d %q (%q), want %d:%d %q (%q)", tc.src, internal, p.Line, p.Col, p.Message(nil), p.Hint, tc.line, tc.col, tc.msg, tc.hint)
			}
			// The fragment renderer (front-matter answers) checks alike.
			f, err := New(Options{Internal: internal}).RenderFragmentResult([]byte(tc.src))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(f.FenceProblems, res.FenceProblems) {
				t.Errorf("%q: fragment problems %+v, document %+v", tc.src, f.FenceProblems, res.FenceProblems)
			}
		}
	}
}

func TestFenceProblemMessageLines(t *testing.T) {
	res, err := New(Options{}).Render([]byte("- item\n\n  ::: internal\n  secret one\n\nsecret two\n:::\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.FenceProblems) != 1 {
		t.Fatalf("problems %+v", res.FenceProblems)
	}
	got := res.FenceProblems[0].Message(func(l int) int { return l + 100 })
	if want := "block from line 103 (which reads on to the `:::` at line 107): the block ended at line 105"; !strings.Contains(got, want) {
		t.Errorf("Message = %q, want it to contain %q", got, want)
	}
}

func TestFenceNoProblems(t *testing.T) {
	for _, src := range []string{
		"no fences here\n",
		"a: b :: c\n",
		"::: note\ntext\n:::\n",
		// Nested containers and a two-colon line inside a block.
		"::: internal\n::: note\nx\n:::\n::internal\ny\n:::\npublic\n",
		// Examples in code.
		"```md\n::: internal\nsecret\n:::\n```\n",
		"````\n::: internal\n```\n:::\n```\n:::\n````\n",
		"- ```\n  ::: internal\n  x\n  :::\n  ```\n",
		// A closing fence inside code within the block.
		"::: internal\n```\n:::\n```\nsecret\n:::\npublic\n",
		// Closing lines of other containers, and in code after a block.
		"::: internal\na\n:::\n\n::: note\nb\n:::\n",
		"::: note\n::: internal\na\n:::\nb\n:::\n",
		"::: internal\na\n:::\n```\n:::\n```\n",
		"::: internal\n    :::\n:::\n",
		// An unclosed block at the top level hides the rest.
		"::: internal\nsecret\n\nmore\n",
		"- a\n  ::: internal\n  secret item\n  :::\n- b\n",
	} {
		for _, internal := range []bool{false, true} {
			res, err := New(Options{Internal: internal}).Render([]byte(src))
			if err != nil {
				t.Fatal(err)
			}
			if len(res.FenceProblems) > 0 {
				t.Errorf("%q (internal %v): problems %+v", src, internal, res.FenceProblems)
			}
		}
	}
}

func TestFencedText(t *testing.T) {
	src := "intro\n\n::: internal\nsecret *one*\n> two\n:::\n\n```\n::: internal\nexample\n:::\n```\n\n<div>\n::: internal\nstray text\n</div>\n"
	res, err := New(Options{}).Render([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := []FencedText{
		{Line: 3, Text: "secret *one*\ntwo\n"},
		{Line: 15, Text: "stray text\n\n"}, // leading HTML tags are markers to the scanner
	}
	if !reflect.DeepEqual(res.FencedText, want) {
		t.Errorf("FencedText\n got %+v\nwant %+v", res.FencedText, want)
	}
	if len(res.FenceProblems) != 1 || res.FenceProblems[0].Line != 15 {
		t.Errorf("FenceProblems = %+v", res.FenceProblems)
	}
}

func TestInternalInfoLabel(t *testing.T) {
	src := "::: internal notes & <b>\nx\n:::\n\n::: internal\ny\n:::\n"
	res, err := New(Options{Internal: true}).Render([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`<aside class="internal" aria-label="Internal — notes &amp; &lt;b&gt;">` + "\n" + `<p class="internal-label">Internal — notes &amp; &lt;b&gt;</p>`,
		`<aside class="internal" aria-label="Internal">` + "\n" + `<p class="internal-label">Internal</p>`,
	} {
		if !strings.Contains(res.HTML, want) {
			t.Errorf("HTML lacks %q:\n%s", want, res.HTML)
		}
	}
	if len(res.Internal) != 2 || res.Internal[0].Info != "notes & <b>" || res.Internal[1].Info != "" {
		t.Errorf("Internal = %+v", res.Internal)
	}
	pub, err := New(Options{}).Render([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(pub.HTML, "notes") || pub.HTML != "" {
		t.Errorf("public HTML: %q", pub.HTML)
	}
}

// A lone CR ends a line (CommonMark, editors), so a fence after one is a
// fence; and a fence in a one-line HTML comment is reported.
func TestFenceLineEndingsAndComments(t *testing.T) {
	for _, tc := range []struct {
		src   string
		block bool // parsed as a block
		prob  int  // line of the problem, 0 for none
	}{
		{"Public\r\r::: internal\rhush\r:::\rafter\r", true, 0},
		{"Public\r\n\r\n::: internal\r\nhush\r\n:::\r\nafter\r\n", true, 0},
		{"Public\r\r<details>\r::: internal\rhush\r:::\r</details>\r", false, 4},
		{"<!-- ::: internal -->\nhush\n", false, 1},
	} {
		res, err := New(Options{}).Render([]byte(tc.src))
		if err != nil {
			t.Fatal(err)
		}
		if (len(res.Internal) == 1) != tc.block || tc.block && strings.Contains(res.HTML, "hush") {
			t.Errorf("%q: Internal %+v, HTML %q", tc.src, res.Internal, res.HTML)
		}
		line := 0
		if len(res.FenceProblems) > 0 {
			line = res.FenceProblems[0].Line
		}
		if line != tc.prob || len(res.FenceProblems) > 1 {
			t.Errorf("%q: problems %+v, want one at line %d (0: none)", tc.src, res.FenceProblems, tc.prob)
		}
	}
}
