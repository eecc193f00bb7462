package markdown

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// htmlTextAndAttrs parses a body fragment and returns all its text and
// attribute values, entities resolved, joined by spaces.
func htmlTextAndAttrs(t *testing.T, body []byte) string {
	t.Helper()
	nodes, err := html.ParseFragment(bytes.NewReader(body), &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, top := range nodes {
		for n := range top.Descendants() {
			b.WriteString(" ")
			b.WriteString(n.Data)
			for _, a := range n.Attr {
				b.WriteString(" ")
				b.WriteString(a.Val)
			}
		}
		b.WriteString(" ")
		b.WriteString(top.Data)
		for _, a := range top.Attr {
			b.WriteString(" ")
			b.WriteString(a.Val)
		}
	}
	return b.String()
}

const internalDoc = `# Incident

Public text links the [runbook] and a note[^n].

::: internal
## Secret heading

Contact zebra-quokka on +1 555 0100.

[runbook]: https://secret-wiki.example/runbook
[^n]: Footnote secret-indicator-42.
:::

Public after.
`

func TestInternalPublicRemovesBlock(t *testing.T) {
	res, err := New(Options{}).Render([]byte(internalDoc))
	if err != nil {
		t.Fatal(err)
	}
	all := htmlTextAndAttrs(t, []byte(res.HTML))
	for _, secret := range []string{"zebra-quokka", "Secret heading", "secret-heading", "secret-wiki", "secret-indicator-42", "Internal"} {
		if strings.Contains(all, secret) || strings.Contains(string(res.HTML), secret) {
			t.Errorf("HTML contains %q:\n%s", secret, res.HTML)
		}
		if strings.Contains(res.Text, secret) {
			t.Errorf("Text contains %q: %s", secret, res.Text)
		}
	}
	for _, want := range []string{"Public text", "Public after."} {
		if !strings.Contains(all, want) {
			t.Errorf("HTML lacks %q:\n%s", want, res.HTML)
		}
	}
	// The link reference and footnote defined inside the block do not
	// resolve in public: the references stay literal text.
	if !strings.Contains(string(res.HTML), "[runbook]") || !strings.Contains(string(res.HTML), "[^n]") {
		t.Errorf("references defined inside the block resolved in public:\n%s", res.HTML)
	}
	if len(res.Headings) != 1 || res.Headings[0].Text != "Incident" {
		t.Errorf("Headings = %+v, want only Incident", res.Headings)
	}
}

func TestInternalProfileRendersAside(t *testing.T) {
	res, err := New(Options{Internal: true}).Render([]byte(internalDoc))
	if err != nil {
		t.Fatal(err)
	}
	nodes, err := html.ParseFragment(strings.NewReader(res.HTML), &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body})
	if err != nil {
		t.Fatal(err)
	}
	var aside *html.Node
	for _, n := range nodes {
		if n.DataAtom == atom.Aside {
			aside = n
		}
	}
	if aside == nil || !hasClass(aside, "internal") || attr(aside, "aria-label") != "Internal" {
		t.Fatalf("no <aside class=internal aria-label=Internal>:\n%s", res.HTML)
	}
	var label *html.Node
	for c := aside.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode {
			label = c
			break
		}
	}
	if label == nil || label.DataAtom != atom.P || !hasClass(label, "internal-label") || label.FirstChild == nil || label.FirstChild.Data != "Internal" {
		t.Fatalf("aside does not start with <p class=internal-label>Internal</p>:\n%s", res.HTML)
	}
	inside := htmlTextAndAttrs(t, []byte(res.HTML))
	for _, want := range []string{"zebra-quokka", "secret-heading", "https://secret-wiki.example/runbook", "secret-indicator-42"} {
		if !strings.Contains(inside, want) {
			t.Errorf("internal HTML lacks %q:\n%s", want, res.HTML)
		}
	}
	if !strings.Contains(res.Text, "zebra-quokka") {
		t.Errorf("internal Text lacks the block: %s", res.Text)
	}
	if len(res.Headings) != 2 || res.Headings[1].ID != "secret-heading" || res.Headings[1].Line != 6 {
		t.Errorf("Headings = %+v", res.Headings)
	}
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func TestInternalBlocksListedInBothProfiles(t *testing.T) {
	src := "intro\n\n::: internal\nFirst   *secret*\nline two\n:::\n\n- item\n\n  :::  Internal  \n  > quoted `code`\n  :::\n\nend\n::: internal\nunclosed tail\n\nmore tail\n"
	want := []InternalBlock{
		{Line: 3, EndLine: 6, Text: "First secret line two"},
		{Line: 10, EndLine: 12, Text: "quoted code"},
		{Line: 15, EndLine: 18, Text: "unclosed tail more tail", Unclosed: true},
	}
	for _, internal := range []bool{false, true} {
		r := New(Options{Internal: internal})
		res, err := r.Render([]byte(src))
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(res.Internal, want) {
			t.Errorf("Internal=%v: Internal blocks\n got %+v\nwant %+v", internal, res.Internal, want)
		}
		f, err := r.RenderFragmentResult([]byte(src))
		if err != nil {
			t.Fatal(err)
		}
		if frag := f.Internal; !reflect.DeepEqual(frag, want) {
			t.Errorf("Internal=%v: RenderFragmentResult blocks\n got %+v\nwant %+v", internal, frag, want)
		}
		if !internal && strings.Contains(string(res.HTML), "tail") {
			t.Errorf("unclosed block leaked:\n%s", res.HTML)
		}
	}
}

func TestInternalOpeningAndClosingLines(t *testing.T) {
	for _, tc := range []struct {
		src    string
		hidden bool   // "hush" is left out
		info   string // the block's Info, when hidden
		stray  bool   // reported as a FenceProblem (when not hidden)
	}{
		{"::: internal\nhush\n:::\n", true, "", false},
		{":::internal\nhush\n:::\n", true, "", false},
		{"   :::   INTERNAL \t\nhush\n:::\n", true, "", false},
		{"para\n::: internal\nhush\n:::\n", true, "", false}, // interrupts a paragraph
		{"> ::: internal\n> hush\n> :::\n", true, "", false},
		{"- ::: internal\n  hush\n  :::\n", true, "", false},
		// Fences of any length, closed by any closing fence.
		{":::: internal\nhush\n:::\n", true, "", false},
		{"::::: internal\nhush\n:::::::\n", true, "", false},
		{"::: internal\nhush\n::::\nafter\n", true, "", false},
		// Words after the name are the block's info.
		{"::: internal extra\nhush\n:::\n", true, "extra", false},
		{"::: internal  notes for staff  \nhush\n:::\n", true, "notes for staff", false},
		{"::: internal :::\nhush\n:::\n", true, "", false},
		{"::: internal notes ::::\nhush\n:::\n", true, "notes", false},
		{"::: internal notes\u2003:::\nhush\n:::\n", true, "notes", false},
		{"::: internal tlp:amber:\nhush\n:::\n", true, "tlp:amber:", false},
		{"::: internal\ttlp:amber\nhush\n:::\n", true, "tlp:amber", false},
		// Any Unicode white space between the colons and the word.
		{":::\u00a0internal\nhush\n:::\n", true, "", false},
		{":::\u2003internal\u00a0notes\nhush\n:::\u00a0\n", true, "notes", false},
		{":::\tinternal\nhush\n:::\n", true, "", false},
		// Not fences: other names stay text, silently.
		{"::: note\nhush\n:::\n", false, "", false},
		{"::: internalized\nhush\n", false, "", true},
		{"::: internals\nhush\n:::\n", false, "", true},
		{"::: internal:notes\nhush\n:::\n", false, "", true},
		{"::internal\nhush\n", false, "", true},
		{"::: {.internal}\nhush\n:::\n", false, "", true},
		{":::\u200binternal\nhush\n:::\n", false, "", true},
		{"\ufeff::: internal\nhush\n:::\n", false, "", true},
		{"\f::: internal\nhush\n:::\n", false, "", true},
		{":::\x01internal\nhush\n:::\n", false, "", true},
		{"\u00a0::: internal\nhush\n:::\n", false, "", true},
		{"    ::: internal\nhush\n:::\n", false, "", true}, // indented code holding only the opening line
		{"\t::: internal\nhush\n:::\n", false, "", true},
		{"<details>\n::: internal\nhush\n:::\n</details>\n", false, "", true},
		{"<div>::: internal\nhush\n:::\n", false, "", true},
		{"```\ncode\n::: internal\nhush\n:::\n", false, "", true}, // unclosed code block
		// Examples in code blocks that hold them whole.
		{"```\n::: internal\nhush\n:::\n```\n", false, "", false},
		// Indented code is no example: an internal block indented too far.
		{"    ::: internal\n    hush\n    :::\n", false, "", true},
		{"- a\n\n      ::: internal\n      hush\n      :::\n", false, "", true},
		{"- a\n\n  ::: internal\n  hush\n  :::\n", true, "", false},
		{"> ~~~md\n> ::: internal\n> hush\n> :::\n> ~~~\n", false, "", false},
	} {
		for _, internal := range []bool{false, true} {
			r := New(Options{Internal: internal})
			res, err := r.Render([]byte(tc.src))
			if err != nil {
				t.Fatal(err)
			}
			if !internal {
				if hidden := !strings.Contains(string(res.HTML), "hush"); hidden != tc.hidden {
					t.Errorf("%q: hidden=%v, want %v:\n%s", tc.src, hidden, tc.hidden, res.HTML)
				}
			}
			if (len(res.Internal) == 1) != tc.hidden || (tc.hidden && res.Internal[0].Info != tc.info) {
				t.Errorf("%q (internal %v): Internal=%+v, want info %q", tc.src, internal, res.Internal, tc.info)
			}
			if stray := len(res.FenceProblems) > 0; stray != tc.stray {
				t.Errorf("%q (internal %v): FenceProblems=%+v", tc.src, internal, res.FenceProblems)
			}
		}
	}
}

func TestInternalClosingLineInsideCodeOrNote(t *testing.T) {
	// A ":::" inside a fenced code block, or closing a "::: note" written
	// inside, does not end the internal block.
	src := "::: internal\n```\n:::\n```\n::: note\nhush-one\n:::\nhush-two\n:::\nvisible\n"
	res, err := New(Options{}).Render([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(res.HTML), "hush") || !strings.Contains(string(res.HTML), "visible") {
		t.Errorf("HTML:\n%s", res.HTML)
	}
	if len(res.Internal) != 1 || res.Internal[0].EndLine != 9 || res.Internal[0].Unclosed {
		t.Errorf("Internal = %+v", res.Internal)
	}
	// The "::: note" inside stays text in the internal profile.
	res, err = New(Options{Internal: true}).Render([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(res.HTML), "<p>::: note\nhush-one\n:::\nhush-two</p>") {
		t.Errorf("HTML:\n%s", res.HTML)
	}
}

func TestInternalInsideFAQ(t *testing.T) {
	src := "## FAQ\n\n### Public question?\n\nPublic answer.\n\n::: internal\nInternal answer detail.\n\n### Internal question?\n\nHidden.\n:::\n\n### Second?\n\nYes.\n"
	res, err := New(Options{}).Render([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var qs []string
	for _, it := range res.FAQ {
		qs = append(qs, it.Question)
		if strings.Contains(it.AnswerHTML, "nternal") || strings.Contains(it.AnswerHTML, "Hidden") {
			t.Errorf("public answer %q has internal content: %s", it.Question, it.AnswerHTML)
		}
		if len(it.Headings) > 0 {
			t.Errorf("public answer %q has headings %+v", it.Question, it.Headings)
		}
	}
	if !reflect.DeepEqual(qs, []string{"Public question?", "Second?"}) {
		t.Errorf("public questions = %q", qs)
	}

	res, err = New(Options{Internal: true}).Render([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.FAQ) != 2 {
		t.Fatalf("internal FAQ = %+v", res.FAQ)
	}
	a := res.FAQ[0].AnswerHTML
	if !strings.Contains(a, `<aside class="internal"`) || !strings.Contains(a, "Internal answer detail.") || !strings.Contains(a, "Internal question?") {
		t.Errorf("internal answer lacks the aside: %s", a)
	}
	if len(res.Internal) != 1 || res.Internal[0].Line != 7 {
		t.Errorf("Internal = %+v", res.Internal)
	}
}

func TestRenderFragmentInternal(t *testing.T) {
	src := []byte("Answer.\n\n::: internal\nfragment-secret\n:::\n")
	out, err := New(Options{}).RenderFragment(src)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), "fragment-secret") {
		t.Errorf("public fragment: %s", out)
	}
	f, err := New(Options{Internal: true}).RenderFragmentResult(src)
	if err != nil {
		t.Fatal(err)
	}
	out, blocks := f.HTML, f.Internal
	if !strings.Contains(string(out), `<aside class="internal"`) || !strings.Contains(string(out), "fragment-secret") {
		t.Errorf("internal fragment: %s", out)
	}
	if want := []InternalBlock{{Line: 3, EndLine: 5, Text: "fragment-secret"}}; !reflect.DeepEqual(blocks, want) {
		t.Errorf("blocks = %+v, want %+v", blocks, want)
	}
}

func TestInternalDeepNesting(t *testing.T) {
	// Thousands of nested blocks stay linear (nesting is capped) and are
	// still paired correctly: everything up to the last ":::" is hidden.
	src := strings.Repeat("::: internal\n", 3000) + "deep-secret\n" + strings.Repeat(":::\n", 3000) + "after\n"
	for _, internal := range []bool{false, true} {
		res, err := New(Options{Internal: internal}).Render([]byte(src))
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Internal) != 1 || res.Internal[0].EndLine != 6001 || res.Internal[0].Unclosed {
			t.Errorf("Internal=%v: blocks %+v", internal, res.Internal)
		}
		if !internal && (strings.Contains(string(res.HTML), "deep-secret") || !strings.Contains(string(res.HTML), "after")) {
			t.Errorf("public HTML: %s", res.HTML)
		}
	}
}
