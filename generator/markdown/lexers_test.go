package markdown

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/lexers"
)

// highlightWith highlights code in lang with the lexers of set.
func highlightWith(t *testing.T, set *lexerSet, lang, code string) string {
	t.Helper()
	h := newHighlighter("", "")
	h.set = set
	out, ok := h.highlight([]byte(lang), code)
	if !ok {
		t.Fatalf("%s: not highlighted", lang)
	}
	return out
}

// TestMatchTimeoutForced: a copy of a chroma lexer whose every match has
// run out of time before it starts highlights as chroma's lexers did on a
// loaded machine when some matches timed out (spans of class "err"), but
// worse, and deterministically; the highlighter's own copies have no
// timeout and highlight every block the same way.
func TestMatchTimeoutForced(t *testing.T) {
	code := map[string]string{
		"bash": "for f in *.log; do rm -f \"$f\" # old\ndone\necho \"$HOME\" | grep -v x\n",
		"yaml": "key: value # note\nlist:\n  - 1\n  - \"two\"\n",
		"html": "<p class=\"x\">a</p>\n<script>var x = 1;</script>\n<style>p { color: red }</style>\n",
		"go":   "package main\n\nfunc main() { println(\"x\", 1) }\n",
	}
	expired := newLexerSet(-time.Hour) // a deadline in the past: every match times out at once
	r := New(Options{})
	for lang, src := range code {
		steady := highlightWith(t, steadyLexers(), lang, src)
		if strings.Contains(steady, `class="err"`) {
			t.Errorf("%s: error tokens without a timeout:\n%s", lang, steady)
		}
		timedOut := highlightWith(t, expired, lang, src)
		if !strings.Contains(timedOut, `class="err"`) || timedOut == steady {
			t.Errorf("%s: forcing every match to time out changed nothing:\n%s", lang, timedOut)
		}
		// The Renderer's highlighter uses the steady copies.
		res, err := r.Render([]byte("```" + lang + "\n" + src + "```\n"))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(res.HTML, steady) {
			t.Errorf("%s: Render does not use the lexers without timeout:\n%s", lang, res.HTML)
		}
	}
}

// TestLexerCopyTimeout: chroma gives the rules of its lexers a match
// timeout; withMatchTimeout replaces it in every rule, those that include
// others' rules too.
func TestLexerCopyTimeout(t *testing.T) {
	var seen []time.Duration
	probe := chroma.EmitterFunc(func(groups []string, state *chroma.LexerState) chroma.Iterator {
		for _, rules := range state.Rules {
			for _, r := range rules {
				seen = append(seen, r.Regexp.MatchTimeout)
			}
		}
		return chroma.Literator(chroma.Token{Type: chroma.Text, Value: groups[0]})
	})
	newProbe := func() *chroma.RegexLexer {
		return chroma.MustNewLexer(&chroma.Config{Name: "probe"}, func() chroma.Rules {
			return chroma.Rules{
				"root":  {chroma.Include("other"), {Pattern: `x`, Type: probe}},
				"other": {{Pattern: `y`, Type: chroma.Keyword}},
			}
		})
	}
	for _, tc := range []struct {
		lexer *chroma.RegexLexer
		want  time.Duration // 0: chroma's, whatever it is
	}{
		{newProbe(), 0},
		{withMatchTimeout(newProbe(), noMatchTimeout, nil), noMatchTimeout},
	} {
		seen = nil
		it, err := tc.lexer.Tokenise(nil, "yx")
		if err != nil {
			t.Fatal(err)
		}
		it.Tokens()
		if len(seen) < 3 {
			t.Fatalf("probe saw %d rules", len(seen))
		}
		for _, d := range seen {
			switch {
			case tc.want == 0 && d == noMatchTimeout:
				t.Fatalf("chroma's own lexer has no match timeout now: the copies may not be needed")
			case tc.want != 0 && d != tc.want:
				t.Fatalf("copy has a rule with timeout %v, want %v", d, tc.want)
			}
		}
	}
}

// TestLexerSetComposite: every lexer of chroma's registry has a copy, those
// chroma composes in code too.
func TestLexerSetComposite(t *testing.T) {
	set := steadyLexers()
	for _, l := range lexers.GlobalLexerRegistry.Lexers {
		name := l.Config().Name
		if c := set.get(name); c == nil || c == l {
			t.Errorf("%s (%T): no copy", name, l)
		}
	}
	res, err := New(Options{}).Render([]byte("```http\nGET / HTTP/1.1\n```\n"))
	if err != nil {
		t.Fatal(err)
	}
	if want := `<pre class="chroma" tabindex="0"><code class="language-http"><span class="nf">GET</span>`; !strings.Contains(res.HTML, want) {
		t.Errorf("http block:\n%s\nwant %s", res.HTML, want)
	}
}

// TestLongLanguageNotLookedUp: a fence's language longer than maxLanguage
// is shown as plain text without asking chroma, which matches an unknown
// name against every lexer's file-name patterns (a 20 KB info string, found
// by FuzzRenderLinear, took 18 s). A long name chroma would resolve by its
// file-name pattern (*.py) shows that it is not looked up.
func TestLongLanguageNotLookedUp(t *testing.T) {
	r := New(Options{})
	short := "```" + strings.Repeat("x", maxLanguage-3) + ".py\nimport os\n```\n"
	long := "```" + strings.Repeat("x", maxLanguage) + ".py\nimport os\n```\n"
	res, err := r.Render([]byte(short))
	if err != nil || !strings.Contains(res.HTML, `class="chroma"`) {
		t.Fatalf("a language of %d bytes naming a .py file is not highlighted: %v %s", maxLanguage, err, res.HTML)
	}
	res, err = r.Render([]byte(long))
	if err != nil || strings.Contains(res.HTML, `class="chroma"`) || !strings.Contains(res.HTML, "import os") {
		t.Fatalf("a language over %d bytes was looked up: %v %s", maxLanguage, err, res.HTML)
	}
}

// compositeCode is a snippet in each language chroma composes in code.
var compositeCode = map[string]string{
	"http": "POST /login HTTP/1.1\nHost: example.com\nContent-Type: application/json; charset=utf-8\n\n" +
		"{\"user\": \"admin' OR 1=1--\", \"n\": 1}\n",
	"HTTP": "HTTP/1.1 200 OK\r\nContent-Type: application/atom+xml\r\nX-A: b\r\n  c\r\n\r\n<feed><title>x</title></feed>\n",
	"markdown": "---\ntitle: x\ntags: [a, b]\n---\n# Title\n\n* item **bold** and `code`\n\n" +
		"```go\nfunc main() { s := `raw` }\n```\n\n```html\n<script>var x = 1;</script>\n```\n",
	"md":               "# no front matter\n---\nsome _emph_ text\n",
	"phtml":            "<p class=\"x\"><?php echo $x + 1; ?></p>\n<script>var y;</script>\n",
	"erb":              "<ul><% @users.each do |u| %><li><%= u.name %></li><% end %></ul>\n",
	"svelte":           "<script lang=\"ts\">let x: number = 1;</script>\n<p>{x + 1}</p>\n{#if x}<b>{'s'}</b>{/if}\n",
	"go-html-template": "<p>{{ .Title | html }}</p>{{ range .Items }}<li>{{ . }}</li>{{ end }}\n",
	"yaml+jinja":       "key: {{ value }}\n{% if x %}\na: 1 # c\n{% endif %}\n",
	"common-lisp":      "(defun f (x &optional y) (declare (ignore y)) (car x))\n",
	"elisp":            "(defun f (x) (setq y x) (signal 'error nil))\n",
	"go":               "var s = `raw {{ .X }} text`\nfunc f() {}\n",
}

// chromaTokens tokenises code with l as the highlighter does.
func chromaTokens(t *testing.T, l chroma.Lexer, code string) []chroma.Token {
	t.Helper()
	tokens, ok := tokenise(chroma.Coalesce(l), code)
	if !ok {
		t.Fatalf("%s: tokenise failed", l.Config().Name)
	}
	return tokens
}

// TestCompositeLexers: the copies of the lexers chroma composes in code
// tokenise as chroma's own do; with every match timed out before it starts,
// every token of theirs is an error, so no part of them is one of chroma's
// lexers, which have a match timeout.
func TestCompositeLexers(t *testing.T) {
	steady, expired := steadyLexers(), newLexerSet(-time.Hour)
	for lang, code := range compositeCode {
		want := chromaTokens(t, lexers.Get(lang), code)
		if len(want) < 4 {
			t.Fatalf("%s: chroma's lexer found %d tokens", lang, len(want))
		}
		if got := chromaTokens(t, steady.get(lang), code); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: tokens\n%v\nwant chroma's\n%v", lang, got, want)
		}
		for _, tok := range chromaTokens(t, expired.get(lang), code) {
			if tok.Type != chroma.Error {
				t.Errorf("%s: token %v with every match timed out: a part of chroma's kept its timeout", lang, tok)
				break
			}
		}
		if out := highlightWith(t, steady, lang, code); strings.Contains(out, `class="err"`) {
			t.Errorf("%s: error tokens:\n%s", lang, out)
		}
	}
}

// TestCompositeParts: the parts of a composed copy, followed through the
// fields copyOf reads, are all copies; and the Go lexer's raw strings use
// the set's copy of the Go-template lexer.
func TestCompositeParts(t *testing.T) {
	set := steadyLexers()
	copies := map[chroma.Lexer]bool{}
	for _, c := range set.copy {
		copies[c] = true
	}
	var walk func(name string, l chroma.Lexer)
	walk = func(name string, l chroma.Lexer) {
		if _, ok := l.(*chroma.RegexLexer); ok {
			if !copies[l] {
				t.Errorf("%s: part %s is not a copy", name, l.Config().Name)
			}
			return
		}
		found := false
		for _, f := range []string{"root", "language", "lexer", "Lexer"} {
			if part, ok := field[chroma.Lexer](l, f); ok {
				found = true
				walk(name, part)
			}
		}
		if !found {
			t.Errorf("%s: part %T has no parts", name, l)
		}
	}
	for lang := range compositeCode {
		walk(lang, set.get(lang))
	}

	probe := chroma.MustNewLexer(&chroma.Config{Name: "probe"}, func() chroma.Rules {
		return chroma.Rules{"root": {{Pattern: `[\s\S]+`, Type: chroma.Keyword}}}
	})
	s := &lexerSet{reg: chroma.NewLexerRegistry(), copy: map[chroma.Lexer]chroma.Lexer{lexers.GoTextTemplate: probe}, timeout: noMatchTimeout}
	got := chromaTokens(t, s.copyOf(lexers.Go), "`x`")
	want := []chroma.Token{{Type: chroma.LiteralString, Value: "`"}, {Type: chroma.Keyword, Value: "x"}, {Type: chroma.LiteralString, Value: "`"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Go raw string: %v, want the template copy's %v", got, want)
	}
}
