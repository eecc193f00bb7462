package seo

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestAnswerHTML(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`<p>Plain <strong>bold</strong> and <em>em</em>.</p>`, `<p>Plain <strong>bold</strong> and <em>em</em>.</p>`},
		{`<p>Code: <code>rm -rf</code></p>`, `<p>Code: rm -rf</p>`},
		{`<pre class="chroma"><code><span class="nb">echo</span> hi</code></pre>`, `echo hi`},
		{`<p>x<script>alert(1)</script>y<style>p{}</style></p>`, `<p>xy</p>`},
		{`<p><a href="/incidents/x/" onclick="evil()" class="c">link</a></p>`, `<p><a href="https://kb.example.org/incidents/x/">link</a></p>`},
		{`<a href="#faq-a">self</a>`, `<a href="https://kb.example.org/incidents/y/#faq-a">self</a>`},
		{`<a href="../z/">up</a>`, `<a href="https://kb.example.org/incidents/z/">up</a>`},
		{`<ul><li>one<br>two</li></ul><table><tr><td>cell</td></tr></table>`, `<ul><li>one<br>two</li></ul>cell`},
		{`<p>&lt;script&gt; &amp; "quotes"</p>`, `<p>&lt;script&gt; &amp; &#34;quotes&#34;</p>`},
		{`<h4 id="x">Sub</h4><div class="d"><b>b</b><i>i</i></div>`, `<h4>Sub</h4><div><b>b</b><i>i</i></div>`},
	} {
		if got := AnswerHTML(c.in, "https://kb.example.org/incidents/y/"); got != c.want {
			t.Errorf("AnswerHTML(%q)\n got %q\nwant %q", c.in, got, c.want)
		}
	}
}

func TestPlainText(t *testing.T) {
	got := PlainText("<p>One <b>two</b></p>\n<script>no</script><ul><li>three</li></ul>")
	if got != "One two three" {
		t.Errorf("PlainText = %q", got)
	}
}

func TestGraphMarshalEscapes(t *testing.T) {
	g := &Graph{}
	g.Add(&Article{Type: "NewsArticle", ID: "x#a", Headline: "</script><!-- & \u2028"})
	s, err := g.JSON()
	if err != nil {
		t.Fatal(err)
	}
	b := []byte(s)
	for _, bad := range []string{"</script", "<!--", "&", "\u2028"} {
		if strings.Contains(s, bad) {
			t.Errorf("marshalled graph contains %q: %s", bad, s)
		}
	}
	var back struct {
		Graph []map[string]any `json:"@graph"`
	}
	if err := json.Unmarshal(b, &back); err != nil || back.Graph[0]["headline"] != "</script><!-- & \u2028" {
		t.Errorf("round trip: %v %v", err, back)
	}
}

// The tokenizer-free path gives the tokenizer's text, or gives up.
func TestPlainTextSimple(t *testing.T) {
	for _, c := range []struct {
		in   string
		want string // "" means: must give up
	}{
		{"<p>One <b>two</b></p>\n<ul><li>three</li></ul>", "One two three"},
		{"<p>a&amp;b &lt;c&gt; &quot;d&quot; &#39;e&#39; caf&eacute;</p>", `a&b <c> "d" 'e' café`},
		{"<p>line<br>break<br />self-closing</p>", "line breakself-closing"}, // as the tokenizer reads it
		{`<p><a href="x">link</a></p>`, ""},                                  // quotes in a tag
		{"<p>x<script>alert(1)</script>y</p>", ""},
		{"<p>x<!-- c --></p>", ""},
		{"<p>1 < 2</p>", ""},
		{"<p>cr\r\n</p>", ""},
		{"x<br a/>y", "xy"}, // self-closing after an attribute without a value
		{"x<a b=c/>y", ""},  // the "/" ends an unquoted value: not self-closing
		{"x<a b=c />y", ""}, // values without quotes: left to the tokenizer
		{"plain text", "plain text"},
	} {
		got, ok := plainTextSimple(c.in)
		if c.want == "" {
			if ok {
				t.Errorf("plainTextSimple(%q) = %q, want it to give up", c.in, got)
			}
			continue
		}
		if !ok || got != c.want {
			t.Errorf("plainTextSimple(%q) = %q, %v; want %q", c.in, got, ok, c.want)
		}
		if slow := plainTextTokenized(c.in); slow != got {
			t.Errorf("tokenizer gives %q for %q, simple path %q", slow, c.in, got)
		}
	}
}

func FuzzPlainText(f *testing.F) {
	for _, s := range []string{
		"<p>One <b>two</b></p>", "<p>a&amp;b&lt;</p>", "<br/>x<br>y", "<p>caf&eacute; &#x41; &notit;</p>",
		"<h3 id=x>Q?</h3><p>A</p>", "<pre class=chroma><code>rm -rf /</code></pre>", "<ul><li>a</li></ul>",
		"&", "<", "</", "</p", "<a/b>", "<p>x</p >", "<P>X</P>", "text > more",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, ok := plainTextSimple(s); ok {
			if want := plainTextTokenized(s); got != want {
				t.Errorf("plainTextSimple(%q) = %q, tokenizer %q", s, got, want)
			}
		}
	})
}

func FuzzAnswerHTML(f *testing.F) {
	for _, s := range []string{
		"<p>One <b>two</b></p>", "<p>a&amp;b&lt;</p>", "<br/>x<br />y</br>", "<p>caf&eacute; &#x41; &notit;</p>",
		`<p>See <a href="/incidents/x/">x</a> and <a href="https://e.org/?a=1&amp;b=2" rel="nofollow">e</a>.</p>`,
		`<h3 id="q">Q?</h3><p>A</p>`, `<pre class="chroma" tabindex="0"><code>rm -rf / &gt; x</code></pre>`, "<ul><li>a</li></ul>",
		`<a HREF="x" href="y">`, `<a href=x>`, `<a href = "x">`, `<p title="a>b">`, `<img src="a.png" alt="A &quot;b&quot;">`,
		"&", "<", "</", "</p", "<a/b>", "<p>x</p >", "<P>X</P>", "text > more", `say "hi" 'there'`, "<script>x</script>",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		const base = "https://kb.example.org/incidents/y/"
		if got, ok := answerHTMLSimple(s, base); ok {
			if want := answerHTMLTokenized(s, base); got != want {
				t.Errorf("answerHTMLSimple(%q) = %q, tokenizer %q", s, got, want)
			}
		}
	})
}
