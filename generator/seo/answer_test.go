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
	b, err := g.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
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
