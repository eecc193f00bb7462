package markdown

import (
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
		{withMatchTimeout(newProbe(), noMatchTimeout), noMatchTimeout},
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

// TestLexerSetComposite: every regular-expression lexer of chroma has a
// copy; the languages of the few it composes in code are plain text.
func TestLexerSetComposite(t *testing.T) {
	set := steadyLexers()
	var composite []string
	for _, l := range lexers.GlobalLexerRegistry.Lexers {
		name := l.Config().Name
		c := set.get(name)
		if _, ok := l.(*chroma.RegexLexer); ok {
			if c == nil || c == l {
				t.Errorf("%s: no copy", name)
			}
			continue
		}
		if c != nil {
			t.Errorf("%s: composite lexer copied", name)
		}
		composite = append(composite, name)
	}
	if len(composite) > 12 {
		t.Errorf("chroma composes %d lexers in code now: %v", len(composite), composite)
	}
	res, err := New(Options{}).Render([]byte("```http\nGET / HTTP/1.1\n```\n"))
	if err != nil {
		t.Fatal(err)
	}
	if want := `<pre tabindex="0"><code class="language-http">GET / HTTP/1.1` + "\n</code></pre>"; !strings.Contains(res.HTML, want) {
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
