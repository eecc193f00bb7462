package markdown

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/alecthomas/chroma/v2"
	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/alecthomas/chroma/v2/styles"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

func TestHeadingID(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Summary", "summary"},
		{"  Root cause  ", "root-cause"},
		{"What went well?", "what-went-well"},
		{"Café & Crème — 2024!", "café-crème-2024"},
		{"日本の対応", "日本の対応"},
		{"対応 (2024年)", "対応-2024年"},
		{"Ответ команды", "ответ-команды"},
		{"हिन्दी सारांश", "हिन्दी-सारांश"}, // combining vowel signs stay
		{"CVE-2024-3094: xz backdoor", "cve-2024-3094-xz-backdoor"},
		{"snake_case_name", "snake-case-name"},
		{"a -- b", "a-b"},
		{"---", "section"},
		{"", "section"},
		{"???", "section"},
		{"2024", "2024"},
		{"ÀÉÎ", "àéî"},
		{"tab\tand\nnewline", "tab-and-newline"},
		{"emoji 🔥 fire", "emoji-fire"},
		{"bad \xff utf8", "bad-utf8"},
	}
	for _, tt := range tests {
		if got := HeadingID(tt.in); got != tt.want {
			t.Errorf("HeadingID(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestHeadingIDsPerDocument(t *testing.T) {
	r := New(Options{})
	src := []byte("## A\n\n## A\n\n## A-1\n\n## B {#a-2}\n\n## A\n")
	for range 2 { // a second render must not see the first one's ids
		res, err := r.Render(src)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, h := range res.Headings {
			ids = append(ids, h.ID)
		}
		// a, a-1 (second A), a-1 is taken so "A-1" gets a-1-1, a-2 is custom, then a-3.
		want := []string{"a", "a-1", "a-1-1", "a-2", "a-3"}
		if !reflect.DeepEqual(ids, want) {
			t.Fatalf("ids = %v, want %v", ids, want)
		}
	}
}

func TestHeadingAnchor(t *testing.T) {
	r := New(Options{})
	out, err := r.RenderFragment([]byte("## Root cause\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := `<h2 id="root-cause">Root cause <a class="anchor" href="#root-cause" aria-label="Link to this section">#</a></h2>` + "\n"
	if string(out) != want {
		t.Errorf("got  %s\nwant %s", out, want)
	}
}

// attrValues parses HTML with x/net/html and returns every href and src.
func attrValues(t *testing.T, doc []byte) []string {
	t.Helper()
	// The tokenizer reads attributes exactly as a browser does and, unlike
	// html.Parse, has no nesting limit (a thousand nested quotes are valid).
	z := html.NewTokenizer(bytes.NewReader(doc))
	var vals []string
	for {
		switch z.Next() {
		case html.ErrorToken:
			return vals
		case html.StartTagToken, html.SelfClosingTagToken:
			for {
				k, v, more := z.TagAttr()
				switch string(k) {
				case "href", "src", "action", "formaction", "xlink:href":
					vals = append(vals, string(v))
				}
				if !more {
					break
				}
			}
		}
	}
}

// browserScheme reads the scheme of a URL as the WHATWG URL parser does:
// leading/trailing C0 controls and spaces stripped, tabs and newlines
// removed everywhere, and only an ASCII letter followed by letters, digits,
// "+", "-" or "." counts as a scheme; lowercased.
func browserScheme(u string) string {
	u = strings.TrimFunc(u, func(r rune) bool { return r <= 0x20 })
	u = strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, u)
	i := strings.IndexAny(u, ":/?#")
	if i <= 0 || u[i] != ':' || !validScheme.MatchString(u[:i]) {
		return "" // no scheme: a relative URL ("%20:x" is a path)
	}
	return strings.ToLower(u[:i])
}

var validScheme = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*$`)

// cmAutolink is CommonMark's URI autolink syntax (between < and >).
var cmAutolink = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]{1,31}:[^<>\x00-\x20]*$`)

func TestUnsafeSchemes(t *testing.T) {
	bad := []string{
		"javascript:alert(1)",
		"JaVaScRiPt:alert(1)",
		"< JaVaScRiPt:alert(1)>",
		"<java\tscript:alert(1)>",
		"<\x01javascript:alert(1)>",
		"&#106;avascript:alert(1)",
		"&#x6A;avascript:alert(1)",
		"javascript&colon;alert(1)",
		"javascript&#58;alert(1)",
		"javascript\\:alert(1)",
		"&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058alert(1)",
		"vbscript:msgbox(1)",
		"VBSCRIPT:msgbox(1)",
		"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
		"data:image/svg+xml,<svg/onload=alert(1)>",
		"file:///etc/passwd",
		"ftp://example.org/x",
		"%6Aavascript:alert(1)",
		"java&Tab;script:alert(1)",
		"java&NewLine;script:alert(1)",
	}
	good := map[string]string{
		"https://example.org/a?b=c#d": "https://example.org/a?b=c#d",
		"http://example.org":          "http://example.org",
		"mailto:a@example.org":        "mailto:a@example.org",
		"tel:+15550100":               "tel:+15550100",
		"/incidents/x/":               "/incidents/x/",
		"../about/":                   "../about/",
		"#timeline":                   "#timeline",
		"?q=1":                        "?q=1",
		"//cdn.example.org/x.png":     "//cdn.example.org/x.png",
		"page.html":                   "page.html",
		"a/b:c":                       "a/b:c",
	}
	forms := []string{
		"[text](%s)",
		"![alt](%s)",
		"[text](%s \"title\")",
		"[ref]\n\n[ref]: %s",
		"![ref]\n\n[ref]: %s",
	}
	for _, unsafe := range []bool{false, true} {
		r := New(Options{UnsafeHTML: unsafe})
		for _, dest := range bad {
			docs := make([]string, 0, len(forms)+1)
			for _, f := range forms {
				docs = append(docs, fmt.Sprintf(f, dest))
			}
			if cmAutolink.MatchString(dest) {
				docs = append(docs, "<"+dest+">") // CommonMark autolink
			}
			for _, src := range docs {
				res, err := r.Render([]byte(src))
				if err != nil {
					t.Fatal(err)
				}
				for _, v := range attrValues(t, []byte(res.HTML)) {
					switch s := browserScheme(v); s {
					case "", "http", "https", "mailto", "tel":
					default:
						t.Errorf("unsafe=%v %q: attribute %q kept scheme %q\n%s", unsafe, src, v, s, res.HTML)
					}
					if v != "#" {
						t.Errorf("unsafe=%v %q: destination %q not replaced by #", unsafe, src, v)
					}
				}
				if strings.Contains(strings.ToLower(string(res.HTML)), `href="javascript`) {
					t.Errorf("unsafe=%v %q: javascript href survived\n%s", unsafe, src, res.HTML)
				}
				if len(res.BlockedLinks) != 1 {
					t.Errorf("unsafe=%v %q: BlockedLinks = %+v, want one", unsafe, src, res.BlockedLinks)
				}
			}
		}
		for dest, want := range good {
			for _, f := range forms {
				src := fmt.Sprintf(f, dest)
				res, err := r.Render([]byte(src))
				if err != nil {
					t.Fatal(err)
				}
				vals := attrValues(t, []byte(res.HTML))
				if len(vals) != 1 || vals[0] != want {
					t.Errorf("unsafe=%v %q: attributes %q, want [%q]\n%s", unsafe, src, vals, want, res.HTML)
				}
				if len(res.BlockedLinks) != 0 {
					t.Errorf("unsafe=%v %q: blocked %+v", unsafe, src, res.BlockedLinks)
				}
			}
		}
	}
}

func TestUnsafeAutolinkBecomesText(t *testing.T) {
	out, err := New(Options{}).RenderFragment([]byte("see <javascript:alert(1)> and ftp://example.org/f"))
	if err != nil {
		t.Fatal(err)
	}
	want := "<p>see javascript:alert(1) and ftp://example.org/f</p>\n"
	if string(out) != want {
		t.Errorf("got %q, want %q", out, want)
	}
}

func TestSafeURL(t *testing.T) {
	for _, u := range []string{"", "#", "https://x", "HTTPS://x", "mailto:x", "/a:b", "a?b:c", "x.html", ":relative"} {
		if !SafeURL([]byte(u)) {
			t.Errorf("SafeURL(%q) = false", u)
		}
	}
	for _, u := range []string{"javascript:x", " javascript:x", "java\nscript:x", "\x00javascript:x", "javascript\u0000:x", "jav&#x09;ascript:x", "blob:x", "x-unknown:y"} {
		if SafeURL([]byte(u)) {
			t.Errorf("SafeURL(%q) = true", u)
		}
	}
}

func TestRawHTML(t *testing.T) {
	src := []byte("<div onclick=\"x()\">\nhi\n</div>\n\nInline <b>bold</b> and <script>alert(1)</script>.\n")
	tests := []struct {
		unsafe     bool
		want, not  []string
		elementsIn []string // elements that must exist in the parsed output
	}{
		{false,
			[]string{"&lt;div onclick=&quot;x()&quot;&gt;", "&lt;b&gt;bold&lt;/b&gt;", "&lt;script&gt;alert(1)&lt;/script&gt;"},
			[]string{"<div", "<b>", "<script", "raw HTML omitted"},
			nil},
		{true,
			[]string{`<div onclick="x()">`, "<b>bold</b>", "<script>alert(1)</script>"},
			[]string{"&lt;"},
			[]string{"div", "b", "script"}},
	}
	for _, tt := range tests {
		out, err := New(Options{UnsafeHTML: tt.unsafe}).RenderFragment(src)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range tt.want {
			if !strings.Contains(out, w) {
				t.Errorf("unsafe=%v: output lacks %q\n%s", tt.unsafe, w, out)
			}
		}
		for _, n := range tt.not {
			if strings.Contains(out, n) {
				t.Errorf("unsafe=%v: output has %q\n%s", tt.unsafe, n, out)
			}
		}
		root, err := html.Parse(strings.NewReader(out))
		if err != nil {
			t.Fatal(err)
		}
		found := map[string]bool{}
		for n := range root.Descendants() {
			if n.Type == html.ElementNode {
				found[n.Data] = true
			}
		}
		for _, e := range tt.elementsIn {
			if !found[e] {
				t.Errorf("unsafe=%v: no <%s> element", tt.unsafe, e)
			}
		}
		if !tt.unsafe && (found["div"] || found["script"] || found["b"]) {
			t.Errorf("unsafe=false: raw elements reached the output: %v", found)
		}
	}
}

func TestFAQPositions(t *testing.T) {
	src := "# Title\r\n" + // 1
		"\r\n" + // 2
		"  ## FAQ\r\n" + // 3
		"\r\n" + // 4
		"### First?\r\n" + // 5
		"One.\r\n" + // 6
		"   ### Indented? {#custom}\r\n" + // 7
		"Two.\r\n" + // 8
		"\r\n" + // 9
		"### Ünïcödé ✓\r\n" + // 10
		"### No answer\r\n" + // 11
		"## Next\r\n" // 12
	res, err := New(Options{}).Render([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if !res.HasFAQSection || res.FAQLine != 3 || res.FAQID != "faq" {
		t.Errorf("HasFAQSection=%v FAQLine=%d FAQID=%q, want true 3 faq", res.HasFAQSection, res.FAQLine, res.FAQID)
	}
	type pos struct {
		Q         string
		Line, Col int
		ID        string
		Empty     bool
	}
	var got []pos
	for _, it := range res.FAQ {
		got = append(got, pos{it.Question, it.Line, it.Col, it.ID, it.AnswerHTML == ""})
	}
	want := []pos{
		{"First?", 5, 1, "first", false},
		{"Indented?", 7, 4, "custom", false},
		{"Ünïcödé ✓", 10, 1, "ünïcödé", true},
		{"No answer", 11, 1, "no-answer", true},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("FAQ positions\n got %+v\nwant %+v", got, want)
	}
	if len(res.Headings) != 2 || res.Headings[1].Line != 12 {
		t.Errorf("Headings = %+v", res.Headings)
	}
}

func TestFAQColumnCountsCharacters(t *testing.T) {
	// Inside a FAQ the question must be top level, so columns beyond 4 only
	// come from the three spaces CommonMark allows; check the char/byte
	// distinction on the line index directly.
	li := lineIndex{src: []byte("ab\né ü x\n")}
	for _, tt := range []struct{ off, line, col int }{
		{0, 1, 1}, {2, 1, 3}, {3, 2, 1}, {6, 2, 3}, {8, 2, 4}, {-1, 0, 0}, {100, 0, 0},
	} {
		l, c := li.position(tt.off)
		if l != tt.line || c != tt.col {
			t.Errorf("position(%d) = %d:%d, want %d:%d", tt.off, l, c, tt.line, tt.col)
		}
	}
}

func TestFAQTitles(t *testing.T) {
	for _, s := range []string{"FAQ", "faq", " FAQ: ", "Frequently Asked Questions", "frequently  asked questions:", "FREQUENTLY ASKED QUESTIONS"} {
		if !IsFAQTitle(s) {
			t.Errorf("IsFAQTitle(%q) = false", s)
		}
	}
	for _, s := range []string{"FAQs", "The FAQ", "Questions", "FAQ::", ""} {
		if IsFAQTitle(s) {
			t.Errorf("IsFAQTitle(%q) = true", s)
		}
	}
}

func TestRenderFragmentKeepsFAQ(t *testing.T) {
	out, err := New(Options{}).RenderFragment([]byte("## FAQ\n\n### Q?\n\nA.\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, `<h2 id="faq">FAQ`) || !strings.Contains(out, "<p>A.</p>") {
		t.Errorf("fragment lost its FAQ:\n%s", out)
	}
}

func TestText(t *testing.T) {
	src := "# Title &amp; more\n\nSome *emphasis*,\n`code  span` and [a link](https://x.org) \\* escaped.\n\n" +
		"- one\n- two\n\n| a | b |\n|---|---|\n| c | d |\n\n```bash\necho   hi\n```\n\n<div>raw</div>\n\n## FAQ\n\n### Q?\n\nAnswer.\n"
	res, err := New(Options{}).Render([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := "Title & more Some emphasis, code  span and a link * escaped. one two a b c d echo hi FAQ Q? Answer."
	// Code spans keep their inner spacing in HTML, but Text collapses all runs.
	want = strings.Join(strings.Fields(want), " ")
	if res.Text != want {
		t.Errorf("Text\n got %q\nwant %q", res.Text, want)
	}
}

func TestHighlighting(t *testing.T) {
	r := New(Options{})
	out, err := r.RenderFragment([]byte("```bash\necho \"<x>\"\n```\n\n```nope\n<b>&</b>\n```\n\n```\nplain\n```\n\n```BASH\nls\n```\n"))
	if err != nil {
		t.Fatal(err)
	}
	s := string(out)
	for _, w := range []string{
		`<pre class="chroma" tabindex="0"><code class="language-bash"><span class="nb">echo</span>`,
		`&#34;&lt;x&gt;&#34;`,
		"<pre tabindex=\"0\"><code class=\"language-nope\">&lt;b&gt;&amp;&lt;/b&gt;\n</code></pre>",
		"<pre tabindex=\"0\"><code>plain\n</code></pre>",
		`<pre class="chroma" tabindex="0"><code class="language-BASH">`,
	} {
		if !strings.Contains(s, w) {
			t.Errorf("output lacks %q\n%s", w, s)
		}
	}
	if strings.Contains(s, "style=") {
		t.Errorf("inline styles in output:\n%s", s)
	}
}

// A block seen before comes from the highlight cache: the same HTML as a
// renderer that never saw it, and a different block (or language) is not
// mistaken for it.
func TestHighlightCache(t *testing.T) {
	block := "```bash\nfor h in $(cat hosts); do ssh \"$h\" 'uptime'; done\n```\n"
	other := "```bash\nfor h in $(cat hosts); do ssh \"$h\" 'id'; done\n```\n"
	asYAML := strings.Replace(block, "```bash", "```yaml", 1)
	fresh := func(doc string) string {
		out, err := New(Options{}).RenderFragment([]byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		return string(out)
	}
	r := New(Options{})
	for i, doc := range []string{block, block, other, asYAML, block + "\n" + block} {
		out, err := r.RenderFragment([]byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		if want := fresh(doc); string(out) != want {
			t.Errorf("render %d from the cache:\n%s\nwant\n%s", i, out, want)
		}
	}
	if n := len(r.hl.cache); n != 3 {
		t.Errorf("cache holds %d blocks, want 3 (two bash, one yaml)", n)
	}
}

type failingLexer struct {
	chroma.Lexer
	panic bool
}

func (l failingLexer) Tokenise(*chroma.TokeniseOptions, string) (chroma.Iterator, error) {
	if l.panic {
		panic("boom")
	}
	return nil, errors.New("lexer failed")
}

func TestLexerFailureFallsBack(t *testing.T) {
	for _, p := range []bool{false, true} {
		if _, ok := tokenise(failingLexer{panic: p}, "x"); ok {
			t.Errorf("panic=%v: tokenise succeeded", p)
		}
	}
	// Through the renderer: a cached failing lexer gives plain text.
	r := New(Options{})
	r.hl.lexers["broken"] = failingLexer{}
	out, err := r.RenderFragment([]byte("```broken\n<x>\n```\n"))
	if err != nil {
		t.Fatal(err)
	}
	if want := "<pre tabindex=\"0\"><code class=\"language-broken\">&lt;x&gt;\n</code></pre>\n"; string(out) != want {
		t.Errorf("got %q, want %q", out, want)
	}
}

// TestWriteTokensMatchesChroma checks that writeTokens gives, character by
// character, the same text and classes as chroma's own HTML formatter.
func TestWriteTokensMatchesChroma(t *testing.T) {
	bench, err := os.ReadFile("testdata/bench.md")
	if err != nil {
		t.Fatal(err)
	}
	samples := map[string]string{
		"bash":   "#!/bin/bash\nfor f in *.log; do echo \"$f\" | grep -c 'x' >&2; done\n",
		"yaml":   "a: 1\nb: [x, \"y\"]\n# c\n",
		"go":     "package main\n\nfunc main() { s := `<a href=\"x\">&</a>`; _ = s }\n",
		"python": "def f(x):\n    return x ** 2  # 'q'\n",
		"html":   "<script>if (a < b && c) {}</script>\n",
		"md":     string(bench),
	}
	f := chromahtml.New(chromahtml.WithClasses(true), chromahtml.PreventSurroundingPre(true))
	for lang, code := range samples {
		l := chroma.Coalesce(lexers.Get(lang))
		tokens, ok := tokenise(l, code)
		if !ok {
			t.Fatalf("%s: tokenise failed", lang)
		}
		var want bytes.Buffer
		if err := f.Format(&want, styles.Get("github"), chroma.Literator(tokens...)); err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		w := bufio.NewWriter(&got)
		writeTokens(w, tokens)
		_ = w.Flush()
		g, e := classedText(t, got.Bytes()), classedText(t, want.Bytes())
		if !reflect.DeepEqual(g, e) {
			t.Errorf("%s: output differs from chroma's formatter\n got %s\nwant %s", lang, got.Bytes(), want.Bytes())
		}
	}
}

// classedText flattens highlighted HTML into (rune, class) pairs.
func classedText(t *testing.T, b []byte) []string {
	t.Helper()
	nodes, err := html.ParseFragment(bytes.NewReader(b), &html.Node{Type: html.ElementNode, Data: "code", DataAtom: atom.Code})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	var walk func(n *html.Node, class string)
	walk = func(n *html.Node, class string) {
		switch n.Type {
		case html.TextNode:
			for _, r := range n.Data {
				out = append(out, string(r)+"\x00"+class)
			}
		case html.ElementNode:
			for _, a := range n.Attr {
				if a.Key == "class" {
					class = a.Val
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, class)
		}
	}
	for _, n := range nodes {
		walk(n, "")
	}
	return out
}

func TestStylesheet(t *testing.T) {
	css := string(New(Options{}).Stylesheet())
	light, dark, ok := strings.Cut(css, "@media (prefers-color-scheme: dark) {")
	if !ok {
		t.Fatalf("no dark media block:\n%s", css)
	}
	for name, part := range map[string]string{"light": light, "dark": dark} {
		rules := 0
		for line := range strings.Lines(part) {
			line = strings.TrimSpace(line)
			if line == "" || line == "}" || strings.HasPrefix(line, "/*") {
				continue
			}
			rules++
			if !strings.HasPrefix(line, ".chroma") {
				t.Errorf("%s: selector not scoped under .chroma: %q", name, line)
			}
		}
		if rules < 20 {
			t.Errorf("%s: only %d rules", name, rules)
		}
	}
	// No light colour or background may leak into dark mode: every property
	// a light rule sets must be set again by a dark rule for the selector.
	props := func(part string) map[string]string {
		m := map[string]string{}
		for line := range strings.Lines(part) {
			if sel, decls, ok := strings.Cut(strings.TrimSpace(line), " { "); ok {
				m[sel] += decls
			}
		}
		return m
	}
	lp, dp := props(light), props(dark)
	for sel, decls := range lp {
		for _, prop := range []string{"color", "background-color", "font-weight", "font-style"} {
			if cssHasProp(strings.TrimSuffix(decls, " }"), prop) && !cssHasProp(strings.TrimSuffix(dp[sel], " }"), prop) {
				t.Errorf("%s: light %s not overridden in dark mode (light %q, dark %q)", sel, prop, decls, dp[sel])
			}
		}
	}
	if !strings.Contains(light, "/* chroma github */") || !strings.Contains(dark, "/* chroma github-dark */") {
		t.Errorf("default styles not used:\n%s", css)
	}
	// Unknown style names fall back to the defaults; other names are honoured.
	if got := string(New(Options{HighlightLight: "no-such", HighlightDark: "dracula"}).Stylesheet()); !strings.Contains(got, "/* chroma github */") || !strings.Contains(got, "/* chroma dracula */") {
		t.Errorf("style selection wrong:\n%.300s", got)
	}
}

// TestConcurrentRender renders many documents from many goroutines with one
// Renderer (run with -race) and checks every result against a sequential one.
func TestConcurrentRender(t *testing.T) {
	bench, err := os.ReadFile("testdata/bench.md")
	if err != nil {
		t.Fatal(err)
	}
	docs := [][]byte{
		bench,
		[]byte("## A\n\n## A\n\n```go\nfunc x() {}\n```\n\n## FAQ\n\n### Q?\n\n[x](javascript:y)\n"),
		[]byte("# 日本の対応\n\n```python\nprint('x')\n```\n\n```unknown-lang\nx\n```\n"),
		[]byte("<div>raw</div>\n\n| a |\n|---|\n| b |\n"),
	}
	for i := range 8 { // distinct languages exercise the lexer cache
		docs = append(docs, fmt.Appendf(nil, "```lang%d\nx\n```\n\n```%s\nx = 1\n```\n", i, []string{"rust", "c", "java", "ruby", "sql", "json", "toml", "diff"}[i]))
	}
	r := New(Options{})
	want := make([]Result, len(docs))
	for i, d := range docs {
		if want[i], err = r.Render(d); err != nil {
			t.Fatal(err)
		}
	}
	r = New(Options{}) // fresh caches, filled concurrently
	var wg sync.WaitGroup
	for g := range 16 {
		wg.Go(func() {
			for i := range 20 {
				k := (g + i) % len(docs)
				got, err := r.Render(docs[k])
				if err != nil {
					t.Error(err)
					return
				}
				if !reflect.DeepEqual(got, want[k]) {
					t.Errorf("doc %d: concurrent result differs", k)
					return
				}
				if _, err := r.RenderFragment(docs[k]); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
}

func TestHeadingAttributes(t *testing.T) {
	src := []byte(`## T {#t .c style="color:red" onclick="x()"}` + "\n")
	for _, tt := range []struct {
		unsafe bool
		want   string
	}{
		{false, `<h2 id="t" class="c">T `},
		{true, `<h2 id="t" class="c" style="color:red">T `},
	} {
		out, err := New(Options{UnsafeHTML: tt.unsafe}).RenderFragment(src)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(out, tt.want) {
			t.Errorf("unsafe=%v: got %s, want prefix %s", tt.unsafe, out, tt.want)
		}
	}
}

// TestHeadingPositionsWithTabs: goldmark's Node.Pos is off after tabs; the
// positions must still point at the heading's first '#' (regression for a
// fuzz finding, ">\t#").
func TestHeadingPositionsWithTabs(t *testing.T) {
	tests := []struct {
		src       string
		line, col int // of the first heading
	}{
		{">\t#", 1, 3},
		{">\t# x", 1, 3},
		{"-\t# x", 1, 3},
		{"text\n\n> # a\n>\t# b", 3, 3},
		{"  -   ## z", 1, 7},
		{"# #x", 1, 1},
		{"Setext\n===", 1, 1},
		{"> Setext\n> ---", 1, 3},
		{"#", 1, 1},
		{"   ###", 1, 4},
	}
	r := New(Options{})
	for _, tt := range tests {
		src := []byte(tt.src)
		doc := r.md.Parser().Parse(text.NewReader(src))
		var h *ast.Heading
		_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
			if x, ok := n.(*ast.Heading); ok && h == nil {
				h = x
			}
			return ast.WalkContinue, nil
		})
		if h == nil {
			t.Errorf("%q: no heading", tt.src)
			continue
		}
		li := lineIndex{src: src}
		if line, col := li.position(headingOffset(h, src)); line != tt.line || col != tt.col {
			t.Errorf("%q: heading at %d:%d, want %d:%d", tt.src, line, col, tt.line, tt.col)
		}
		res, err := r.Render(src)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Headings) == 0 || res.Headings[0].Line != tt.line {
			t.Errorf("%q: Headings = %+v, want line %d first", tt.src, res.Headings, tt.line)
		}
	}
	res, err := r.Render([]byte("## FAQ\n###\tTabbed?\nA\n  ###   Spaced?\nB\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.FAQ) != 2 || res.FAQ[0].Line != 2 || res.FAQ[0].Col != 1 || res.FAQ[1].Line != 4 || res.FAQ[1].Col != 3 {
		t.Errorf("FAQ = %+v", res.FAQ)
	}
}

func TestPanicBecomesError(t *testing.T) {
	var broken Renderer // no goldmark instance: every call panics inside
	if _, err := broken.Render([]byte("# x")); err == nil || !strings.Contains(err.Error(), "internal error") {
		t.Errorf("Render: err = %v, want internal error", err)
	}
	if out, err := broken.RenderFragment([]byte("# x")); err == nil || out != "" {
		t.Errorf("RenderFragment: out = %q, err = %v", out, err)
	}
}

func TestLinks(t *testing.T) {
	src := "# T\n\nSee [the other](/incidents/b/#faq) and ![map](img/map.png \"Map\").\n\n" +
		"  Mail [us](mailto:a@b.c), call [us](tel:+1), or [bad](javascript:alert(1)).\n\n" +
		"[ref]: ../c/\n\nA [reference][ref], <https://kb.example.org/x/> and www.example.com/y.\n\n" +
		"Escaped [q](/a\\_b/?x=1&amp;y=2#s%20t).\n\n" +
		"## FAQ\n\n### Q?\n\nSee [there](#timeline).\n"
	res, err := New(Options{}).Render([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := []LinkRef{
		{Dest: "/incidents/b/#faq", Line: 3, Col: 5},
		{Dest: "img/map.png", Line: 3, Col: 40, Image: true},
		{Dest: "../c/", Line: 9, Col: 3},
		{Dest: "https://kb.example.org/x/", Line: 9, Col: 21},
		{Dest: "http://www.example.com/y", Line: 9, Col: 53},
		{Dest: "/a_b/?x=1&y=2#s%20t", Line: 11, Col: 9},
		{Dest: "#timeline", Line: 17, Col: 5},
	}
	if !reflect.DeepEqual(res.Links, want) {
		t.Errorf("Links:\n got %+v\nwant %+v", res.Links, want)
	}
	if len(res.BlockedLinks) != 1 || res.BlockedLinks[0].Line != 5 {
		t.Errorf("BlockedLinks = %+v", res.BlockedLinks)
	}
	f, err := New(Options{}).RenderFragmentResult([]byte("## H\n\n[x](../y/#z)\n"))
	if err != nil {
		t.Fatal(err)
	}
	if want := []LinkRef{{Dest: "../y/#z", Line: 3, Col: 1}}; !reflect.DeepEqual(f.Links, want) {
		t.Errorf("fragment Links = %+v, want %+v", f.Links, want)
	}
	if len(f.Headings) != 1 || f.Headings[0].ID != "h" {
		t.Errorf("fragment Headings = %+v", f.Headings)
	}
}

func TestHasCode(t *testing.T) {
	for _, tt := range []struct {
		src      string
		internal bool
		want     bool
	}{
		{"text\n\n```go\nx\n```\n", false, true},
		{"- item\n\n  ```\n  nested\n  ```\n", false, true},
		{"## FAQ\n\n### Q?\n\n```sh\nls\n```\n", false, true},
		{"::: internal\n```sh\nsecret\n```\n:::\n", false, false},
		{"::: internal\n```sh\nsecret\n```\n:::\n", true, true},
		{"    indented code is not highlighted\n", false, false},
		{"`inline` only\n", false, false},
	} {
		r := New(Options{Internal: tt.internal})
		res, err := r.Render([]byte(tt.src))
		if err != nil {
			t.Fatal(err)
		}
		f, err := r.RenderFragmentResult([]byte(tt.src))
		if err != nil {
			t.Fatal(err)
		}
		if res.HasCode != tt.want || f.HasCode != tt.want {
			t.Errorf("%q (internal %v): HasCode %v, fragment %v; want %v", tt.src, tt.internal, res.HasCode, f.HasCode, tt.want)
		}
	}
}
