package markdown

import (
	"strings"
	"testing"

	"casefile/generator/internal/htmlsafe"
)

// With unsafe_html the author's raw HTML goes through, but URLs whose scheme
// is not http, https, mailto or tel are neutralised there too, as the README
// promises ("even with unsafe_html"). Regression test for raw <a href>,
// <iframe src>, <form action>… keeping javascript: URLs.
func TestUnsafeRawHTMLNeutralisesURLs(t *testing.T) {
	r := New(Options{UnsafeHTML: true})
	for _, src := range []string{
		`<a href="javascript:alert(1)">x</a>`,
		`Inline <a href="javascript:alert(1)">x</a> text.`,
		`Inline <A HREF="JaVaScRiPt:alert(1)">x</A> text.`,
		`<a href="jav&#x09;ascript:alert(1)">x</a>`,
		`<a href="&#106;avascript:alert(1)">x</a>`,
		`<a href="javascript&colon;alert(1)">x</a>`,
		"<a href=\"java\tscript:alert(1)\">x</a>",
		`<a href="vbscript:msgbox(1)">x</a>`,
		`<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>`,
		`<IMG SRC=javascript:alert('XSS')>`,
		`<IMG SRC=&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A&#x61&#x6C&#x65&#x72&#x74&#x28&#x27&#x58&#x53&#x53&#x27&#x29>`,
		"<IMG\nSRC\n=\n\"\nj\na\nv\na\ns\nc\nr\ni\np\nt\n:\na\nl\ne\nr\nt\n(\n1\n)\n\"\n>",
		`<iframe src="javascript:alert(1)"></iframe>`,
		`<form action="javascript:alert(1)"><button formaction="javascript:alert(1)">x</button></form>`,
		`<table><tr><td background="javascript:alert(1)">x</td></tr></table>`,
		`<img srcset="x.png 1x, javascript:alert(1) 2x">`,
		`<object data="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="></object>`,
		`<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>`,
		`<svg><a><animate attributeName="href" values="javascript:alert(1)"/><text>x</text></a></svg>`,
		`<math><maction actiontype="statusline" xlink:href="javascript:alert(1)">x</maction></math>`,
		`<META HTTP-EQUIV="refresh" CONTENT="0; URL=http://;URL=javascript:alert('XSS');">`,
		`<BASE HREF="javascript:alert('XSS');//">`,
		// Raw text in HTML, markup in SVG: the <a> inside is live in a browser.
		"<svg>\n\n<style><a href=\"javascript:alert(1)\">x</a></style>\n",
		// A tag left open at the end of a block: the browser would finish it
		// with whatever follows.
		"<div title=\"x\"\n<a href=\"javascript:alert(1)\"",
		"<DIV STYLE=\"x\" background=\"javascript:alert(1)\"",
	} {
		out, err := r.RenderFragment([]byte(src))
		if err != nil {
			t.Fatal(err)
		}
		// Followed by more of the page, as in a page: a tag left open
		// takes what follows.
		fs, err := htmlsafe.CheckFragment(string(out)+"\n<p>next</p>", htmlsafe.Policy{URLsOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(fs) > 0 {
			t.Errorf("%q: %v\n%s", src, fs, out)
		}
	}
}

// Raw HTML with nothing to neutralise is written byte for byte.
func TestUnsafeRawHTMLKeptAsWritten(t *testing.T) {
	r := New(Options{UnsafeHTML: true})
	for _, src := range []string{
		"<div class=\"note\" onclick=\"x()\">\nraw <b>html</b>\n</div>\n",
		"<a HREF='https://example.org/a?b=c&amp;d'   title=x>ok</a> <a href=\"mailto:a@example.org\">m</a>\n",
		"<a href=\"/incidents/x/#faq\">rel</a> <a href=\"a/b:c\">path</a> <img src=\"//cdn.example.org/x.png\" alt=\"a:b\">\n",
		"<script>var u = 'https://example.org/';</script>\n",
		"<!-- javascript:alert(1) in a comment -->\n",
		"<meta http-equiv=\"refresh\" content=\"5; url=https://example.org/next/\">\n",
		"<p><time from=\"10:30\" to=\"11:00\">half an hour</time></p>\n",
	} {
		out, err := r.RenderFragment([]byte(src))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(out), strings.TrimSpace(src)) {
			t.Errorf("%q changed:\n%s", src, out)
		}
	}
}

func TestSafeRawHTML(t *testing.T) {
	for src, want := range map[string]string{
		`<a href="javascript:alert(1)" title="t">x</a>`: `<a href="#" title="t">x</a>`,
		`<A HREF=javascript:alert(1) class=c>x</A>`:     `<a href="#" class="c">x</A>`,
		`<a href="https://example.org/">x</a>`:          `<a href="https://example.org/">x</a>`,
		`<p>no tags with URLs</p>`:                      `<p>no tags with URLs</p>`,
		`<IMG SRC="javascript:alert('XSS')"`:            `&lt;IMG SRC="javascript:alert('XSS')"`,
		"<div title=\"x\"\n<a href=\"javascript:x\"":    "&lt;div title=\"x\"\n&lt;a href=\"javascript:x\"",
		`<img src="x.png"`:                              `<img src="x.png"`,
	} {
		if got := string(safeRawHTML([]byte(src))); got != want {
			t.Errorf("safeRawHTML(%q) = %q, want %q", src, got, want)
		}
	}
}
