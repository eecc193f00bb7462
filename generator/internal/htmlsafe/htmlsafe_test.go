package htmlsafe

import (
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// Each snippet must be reported with (at least) the given kind: the checker
// must be able to fail. Snippets marked page are only checked inside a whole
// page: a <body> tag in a fragment is dropped (as innerHTML drops it), in a
// page its attributes go to the page's body element.
var unsafeSnippets = []struct {
	html string
	kind Kind
	page bool
}{
	// elements
	{`<script>alert(1)</script>`, Element, false},
	{`<SCRIPT SRC=//xss.rocks/.j>`, Element, false},
	{`<<SCRIPT>alert("XSS");//\<</SCRIPT>`, Element, false},
	{`<IMG """><SCRIPT>alert("XSS")</SCRIPT>">`, Element, false},
	{`</TITLE><SCRIPT>alert("XSS");</SCRIPT>`, Element, false},
	{`<svg><script>alert(1)</script></svg>`, Element, false},
	{`<math><script>alert(1)</script></math>`, Element, false},
	{`<iframe src="https://example.org/"></iframe>`, Element, false},
	{`<object data="https://example.org/x.swf"></object>`, Element, false},
	{`<embed src="https://example.org/x.swf">`, Element, false},
	{`<applet code="x.class"></applet>`, Element, false},
	{`<base href="https://evil.example/">`, Element, false},
	{`<link rel="stylesheet" href="https://evil.example/x.css">`, Element, false},
	{`<style>body{color:red}</style>`, Element, false},
	{`<meta http-equiv="refresh" content="0; url=https://evil.example/">`, Element, false},
	{`<meta http-equiv="Set-Cookie" content="a=b">`, Element, false},
	{`<meta charset="utf-7">`, Element, false},
	{`<form action="https://evil.example/"><input name="p"></form>`, Element, false},
	{`<svg><a><animate attributeName="href" values="https://example.org/"/></a></svg>`, Element, false},
	{`<svg><set attributeName="onmouseover" to="alert(1)"/></svg>`, Element, false},
	// attributes that inject code whatever their value
	{`<iframe srcdoc="&lt;b&gt;x"></iframe>`, Attribute, false},
	{`<button formaction="https://evil.example/">x</button>`, Attribute, false},
	// handlers
	{`<img src=x onerror=alert(1)>`, Handler, false},
	{`<IMG SRC=# onmouseover="alert('xxs')">`, Handler, false},
	{`<svg/onload=alert('XSS')>`, Handler, false},
	{`<BODY ONLOAD=alert('XSS')>`, Handler, true},
	{`<BODY onload!#$%&()*~+-_.,:;?@[/|\]^` + "`" + `=alert("XSS")>`, Handler, true},
	{`<details open ontoggle=alert(1)>`, Handler, false},
	{`<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>`, Element, false}, // the style element; the img is its text
	{`<noscript><p title="</noscript><img src=x onerror=alert(1)>">`, Handler, false},
	// style
	{`<div style="width: expression(alert('XSS'));">`, Style, false},
	{`<IMG STYLE="xss:expr/*XSS*/ession(alert('XSS'))">`, Style, false},
	{`<DIV STYLE="background-image: url(javascript:alert('XSS'))">`, Style, false},
	{`<DIV STYLE="background-image:\0075\0072\006C\0028'\006a\0061\0076\0061\0073\0063\0072\0069\0070\0074\003a\0061\006c\0065\0072\0074\0028.1027\0058.1053\0053\0027\0029'\0029">`, Style, false},
	{`<XSS STYLE="behavior: url(xss.htc);">`, Style, false},
	{`<p style="-moz-binding:url(x.xml#xss)">`, Style, false},
	{`<STYLE>@im\port'\ja\vasc\ript:alert("XSS")';</STYLE>`, Style, false},
	// URL schemes
	{`<a href="javascript:alert(1)">x</a>`, URL, false},
	{`<a href="JaVaScRiPt:alert(1)">x</a>`, URL, false},
	{`<a href="jav&#x09;ascript:alert(1)">x</a>`, URL, false},
	{`<a href="jav&#x0A;ascript:alert(1)">x</a>`, URL, false},
	{`<a href="jav&#x0D;ascript:alert(1)">x</a>`, URL, false},
	{"<a href=\"jav\tascript:alert(1)\">x</a>", URL, false},
	{"<a href=\"java\x00script:alert(1)\">x</a>", URL, false},
	{"<a href=\" \x01 javascript:alert(1)\">x</a>", URL, false},
	{`<a href="&#14;javascript:alert(1)">x</a>`, URL, false},
	{`<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>`, URL, false},
	{`<a href="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058alert(1)">x</a>`, URL, false},
	{`<a href="&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A;alert(1)">x</a>`, URL, false},
	{`<a href="javascript&colon;alert(1)">x</a>`, URL, false},
	{`<a href="vbscript:msgbox(1)">x</a>`, URL, false},
	{`<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>`, URL, false},
	{`<IMG SRC=JaVaScRiPt:alert('XSS')>`, URL, false},
	{"<IMG\nSRC\n=\n\"\nj\na\nv\na\ns\nc\nr\ni\np\nt\n:\na\nl\ne\nr\nt\n(\n'\nX\nS\nS\n'\n)\n\"\n>", URL, false},
	{`<IMG DYNSRC="javascript:alert('XSS')">`, URL, false},
	{`<IMG LOWSRC="javascript:alert('XSS')">`, URL, false},
	{`<BODY BACKGROUND="javascript:alert('XSS')">`, URL, true},
	{`<TABLE><TD BACKGROUND="javascript:alert('XSS')">`, URL, false},
	{`<INPUT TYPE="IMAGE" SRC="javascript:alert('XSS');">`, URL, false},
	{`<video poster=javascript:alert(1)//></video>`, URL, false},
	{`<img srcset="x.png 1x, javascript:alert(1) 2x">`, URL, false},
	{`<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>`, URL, false},
	{`<svg><a href="javascript:alert(1)"><text>x</text></a></svg>`, URL, false},
	{`<math><maction actiontype="statusline" xlink:href="javascript:alert(1)">x</maction></math>`, URL, false},
	{`<isindex action=javascript:alert(1) type=image>`, URL, false},
	{`<blockquote cite="javascript:alert(1)">x</blockquote>`, URL, false},
	{`<a href="x" ping="https://ok.example/ javascript:alert(1)">x</a>`, URL, false},
}

func TestCatchesEachClass(t *testing.T) {
	for _, tt := range unsafeSnippets {
		if !tt.page {
			fs, err := CheckFragment(tt.html, Policy{})
			if err != nil {
				t.Fatalf("%q: %v", tt.html, err)
			}
			if !hasKind(fs, tt.kind) {
				t.Errorf("%q: no %s finding; got %v", tt.html, tt.kind, fs)
			}
		}
		// The same snippet inside a whole page.
		page := "<!doctype html><html><head><title>t</title></head><body><main>" + tt.html + "</main></body></html>"
		fs, err := CheckDocument(strings.NewReader(page), Policy{})
		if err != nil {
			t.Fatal(err)
		}
		if !hasKind(fs, tt.kind) {
			t.Errorf("%q in a page: no %s finding; got %v", tt.html, tt.kind, fs)
		}
	}
}

func TestURLsOnly(t *testing.T) {
	for _, tt := range unsafeSnippets {
		fs, err := CheckDocument(strings.NewReader("<body>"+tt.html), Policy{URLsOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range fs {
			if f.Kind != URL {
				t.Errorf("%q: URLsOnly reported %v", tt.html, f)
			}
		}
		if tt.kind == URL && !hasKind(fs, URL) {
			t.Errorf("%q: URLsOnly missed the URL", tt.html)
		}
	}
	// A meta refresh is a URL too.
	fs, _ := CheckFragment(`<meta http-equiv="refresh" content="0;url=javascript:alert(1)">`, Policy{URLsOnly: true})
	if !hasKind(fs, URL) {
		t.Errorf("URLsOnly missed the meta refresh URL: %v", fs)
	}
}

func TestFrameset(t *testing.T) {
	page := `<!doctype html><html><head><title>t</title></head><FRAMESET><FRAME SRC="https://example.org/"></FRAMESET></html>`
	fs, err := CheckDocument(strings.NewReader(page), Policy{})
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 2 || fs[0].Tag != "frameset" || fs[1].Tag != "frame" {
		t.Errorf("findings %v, want the frameset and the frame", fs)
	}
}

func TestMetaRefresh(t *testing.T) {
	for _, c := range []string{
		`0;url=javascript:alert('XSS');`,
		`0; URL=http://;URL=javascript:alert('XSS');`,
		`0;url=data:text/html base64,PHNjcmlwdD5hbGVydCgnWFNTJyk8L3NjcmlwdD4K`,
		`0; url='vbscript:msgbox(1)'`,
		`0; javascript:alert(1)`,
	} {
		page := `<html><head><meta http-equiv="Refresh" content="` + html.EscapeString(c) + `"></head></html>`
		allowAll := Policy{Allow: func(*html.Node) bool { return true }}
		fs, err := CheckDocument(strings.NewReader(page), allowAll)
		if err != nil {
			t.Fatal(err)
		}
		if !hasKind(fs, URL) {
			t.Errorf("refresh %q: no URL finding; got %v", c, fs)
		}
	}
	ok := `<html><head><meta http-equiv="refresh" content="0; url=https://kb.example.org/incidents/x/"></head></html>`
	fs, _ := CheckDocument(strings.NewReader(ok), Policy{Allow: func(*html.Node) bool { return true }})
	if len(fs) != 0 {
		t.Errorf("safe allowed refresh reported: %v", fs)
	}
}

// Safe markup, and text that only looks dangerous, is not reported.
func TestSafeMarkup(t *testing.T) {
	for _, s := range []string{
		`<p>Text with &lt;script&gt;alert(1)&lt;/script&gt; shown escaped.</p>`,
		`<a href="https://example.org/a?b=c#d">x</a> <a href="mailto:a@example.org">m</a> <a href="tel:+15550100">t</a>`,
		`<a href="/incidents/x/">x</a> <a href="../about/">a</a> <a href="#faq">f</a> <a href="?q=1">q</a> <a href="//cdn.example.org/x">c</a>`,
		`<a href="a/b:c">path with colon</a> <a href=":relative">r</a> <a href="#ZgotmplZ">z</a>`,
		`<a href="/incidents/&lt;script&gt;alert(1)&lt;/script&gt;/">escaped path</a>`,
		`<img src="/img/x.png" alt="javascript:alert(1)" title="onerror=alert(1)">`,
		`<div class="onload" id="expression(x)" data-x="javascript:alert(1)">attribute values that are not URLs</div>`,
		`<h2 id="x" style="color: red">styled</h2>`,
		`<pre><code>&lt;script&gt;alert(1)&lt;/script&gt; javascript:alert(1)</code></pre>`,
		`<svg viewBox="0 0 10 10"><title>javascript:alert(1)</title><rect width="5" height="5"></rect><text>x</text></svg>`,
		`<meta name="description" content="0; url=javascript:alert(1)">`,
	} {
		fs, err := CheckFragment(s, Policy{})
		if err != nil {
			t.Fatal(err)
		}
		if len(fs) != 0 {
			t.Errorf("%q: unexpected findings %v", s, fs)
		}
	}
}

func TestPolicyAllow(t *testing.T) {
	page := `<html><head><script type="application/ld+json">{}</script><link rel="stylesheet" href="/css/main.css"></head>
<body><script src="/js/search.js" defer></script><script>alert(1)</script><link rel="stylesheet" href="javascript:alert(1)"></body></html>`
	theme := func(n *html.Node) bool {
		switch n.Data {
		case "script":
			for _, a := range n.Attr {
				if a.Key == "type" && a.Val == "application/ld+json" || a.Key == "src" && a.Val == "/js/search.js" {
					return true
				}
			}
		case "link":
			return true // the link's href is still checked
		}
		return false
	}
	fs, err := CheckDocument(strings.NewReader(page), Policy{Allow: theme})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range fs {
		got = append(got, f.String())
	}
	want := []string{`element: <script>`, `url: <link> href="javascript:alert(1)"`}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestScheme(t *testing.T) {
	for v, want := range map[string]string{
		"javascript:alert(1)":      "javascript",
		"  JaVaScRiPt:alert(1)":    "javascript",
		"java\tscript:x":           "javascript",
		"java\nscript:x":           "javascript",
		"\x00java\x01script\x7f:x": "javascript",
		"java script:x":            "javascript", // errs on the safe side
		"https://example.org/":     "https",
		"/a:b":                     "",
		"a/b:c":                    "",
		"?q=a:b":                   "",
		"#a:b":                     "",
		"x.html":                   "",
		":x":                       "",
		"%6Aavascript:x":           "%6aavascript",
	} {
		if got := Scheme(v); got != want {
			t.Errorf("Scheme(%q) = %q, want %q", v, got, want)
		}
	}
	if SafeURL("%6Aavascript:x") || SafeURL("data:x") || !SafeURL("MAILTO:a@b") || !SafeURL("") {
		t.Error("SafeURL")
	}
}

func TestRefreshURLs(t *testing.T) {
	got := RefreshURLs(`0; URL=http://;URL='javascript:alert(1)'`)
	want := []string{"http://;URL='javascript:alert(1)'", "javascript:alert(1)"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("RefreshURLs = %q, want %q", got, want)
	}
	if got := RefreshURLs("5, /next/"); len(got) != 1 || got[0] != "/next/" {
		t.Errorf("RefreshURLs without url= = %q", got)
	}
}

func hasKind(fs []Finding, k Kind) bool {
	for _, f := range fs {
		if f.Kind == k {
			return true
		}
	}
	return false
}
