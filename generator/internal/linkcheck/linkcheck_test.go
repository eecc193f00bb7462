package linkcheck

import (
	"reflect"
	"strings"
	"testing"
)

// pageWith wraps body in a minimal HTML document.
func pageWith(body string) []byte {
	return []byte("<!doctype html><html><head><title>t</title></head><body>" + body + "</body></html>")
}

// site is a small internal export: every page links relatively.
func site() map[string][]byte {
	return map[string][]byte{
		"index.html": pageWith(`
			<link rel="stylesheet" href="css/main.css">
			<script src="js/app.js"></script>
			<a href="incidents/db-disk-full/index.html">DB</a>
			<a href="incidents/db-disk-full/index.html#timeline">timeline</a>
			<a href="#latest">latest</a><h2 id="latest">Latest</h2>
			<a href="#">top</a><a href="#top">top</a>
			<a href="search/index.html?q=disk">search</a>
			<img src="img/chart.png" srcset="img/chart.png 1x, img/chart@2x.png 2x" alt="">
			<picture><source srcset="img/chart.webp" type="image/webp"></picture>
			<form action="search/index.html"><input name="q"></form>
			<a href="https://example.com/">external</a>
			<a href="mailto:oncall@example.org">mail</a><a href="tel:+123">call</a>
			<img src="data:image/png;base64,iVBORw0KGgo=" alt="">
			<a href="javascript:void(0)">js</a>
			<a href="">self</a>
		`),
		"incidents/db-disk-full/index.html": pageWith(`
			<link rel="stylesheet" href="../../css/main.css">
			<a href="../../index.html">home</a>
			<a href="../../keywords/postgres/index.html">postgres</a>
			<a href="./index.html#timeline">self timeline</a>
			<h2 id="timeline">Timeline</h2>
			<a name="old-anchor"></a><a href="#old-anchor">old</a>
		`),
		"keywords/postgres/index.html": pageWith(`<a href="../../index.html">home</a>`),
		"search/index.html":            pageWith(`<a href="../index.html">home</a>`),
		"css/main.css":                 []byte("body{}"),
		"js/app.js":                    []byte(""),
		"img/chart.png":                []byte("png"),
		"img/chart@2x.png":             []byte("png"),
		"img/chart.webp":               []byte("webp"),
	}
}

func TestCheckGoodSite(t *testing.T) {
	for _, rel := range []bool{true, false} {
		if got := Check(site(), Options{Relative: rel, BaseURL: "https://kb.example.org/"}); got != nil {
			t.Errorf("Relative=%v: want no problems, got:\n%s", rel, list(got))
		}
	}
}

func list(ps []Problem) string {
	var b strings.Builder
	for _, p := range ps {
		b.WriteString("  " + p.String() + "\n")
	}
	return b.String()
}

// checkOne adds page "bad/index.html" with body to the good site and
// compares the problems found with want (Attr, Link, Reason per problem).
func checkOne(t *testing.T, opts Options, body string, want ...Problem) {
	t.Helper()
	files := site()
	files["bad/index.html"] = pageWith(body)
	got := Check(files, opts)
	for i := range want {
		want[i].File = "bad/index.html"
	}
	if len(got) == 0 && len(want) == 0 {
		return
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("body %s\ngot:\n%swant:\n%s", body, list(got), list(want))
	}
}

var rel = Options{Relative: true, BaseURL: "https://kb.example.org/"}
var served = Options{BaseURL: "https://kb.example.org/"}

func TestMissingFile(t *testing.T) {
	checkOne(t, rel, `<a href="../incidents/nope/index.html">x</a>`,
		Problem{Attr: "href", Link: "../incidents/nope/index.html", Reason: ReasonMissingFile})
	checkOne(t, rel, `<img src="../img/missing.png">`,
		Problem{Attr: "src", Link: "../img/missing.png", Reason: ReasonMissingFile})
	checkOne(t, rel, `<script src="app.js"></script>`,
		Problem{Attr: "src", Link: "app.js", Reason: ReasonMissingFile})
	checkOne(t, served, `<iframe src="/nope.html"></iframe>`,
		Problem{Attr: "src", Link: "/nope.html", Reason: ReasonMissingFile})
	// Relative to the file's own folder, not the site root.
	checkOne(t, rel, `<link rel="stylesheet" href="css/main.css">`,
		Problem{Attr: "href", Link: "css/main.css", Reason: ReasonMissingFile})
}

func TestFolderLink(t *testing.T) {
	checkOne(t, rel, `<a href="../search/">search</a><a href="../">home</a><a href="..">up</a><a href=".">here</a>`,
		Problem{Attr: "href", Link: "../search/", Reason: ReasonFolderLink},
		Problem{Attr: "href", Link: "../", Reason: ReasonFolderLink},
		Problem{Attr: "href", Link: "..", Reason: ReasonFolderLink},
		Problem{Attr: "href", Link: ".", Reason: ReasonFolderLink})
	checkOne(t, rel, `<form action="../search/"></form>`,
		Problem{Attr: "action", Link: "../search/", Reason: ReasonFolderLink})
	// Served over HTTP a folder link opens its index.html.
	checkOne(t, served, `<a href="../search/">search</a><a href="../">home</a><a href="/keywords/postgres/">pg</a><a href="/">root</a>`)
	checkOne(t, served, `<a href="../keywords/">kw</a>`,
		Problem{Attr: "href", Link: "../keywords/", Reason: ReasonMissingFile})
}

func TestRootRelativeAndAbsolute(t *testing.T) {
	checkOne(t, rel, `<link rel="stylesheet" href="/css/main.css">`,
		Problem{Attr: "href", Link: "/css/main.css", Reason: ReasonRootRelative})
	checkOne(t, served, `<link rel="stylesheet" href="/css/main.css">`)
	checkOne(t, rel, `<a href="https://kb.example.org/index.html">home</a>`,
		Problem{Attr: "href", Link: "https://kb.example.org/index.html", Reason: ReasonAbsoluteSelf})
	checkOne(t, rel, `<a href="//kb.example.org/index.html">home</a>`,
		Problem{Attr: "href", Link: "//kb.example.org/index.html", Reason: ReasonSchemeRelative})
	checkOne(t, served, `<a href="https://KB.example.org/index.html">a</a><a href="//kb.example.org/css/main.css">b</a><a href="https://kb.example.org">c</a>`)
	checkOne(t, served, `<a href="https://kb.example.org/nope.html">home</a>`,
		Problem{Attr: "href", Link: "https://kb.example.org/nope.html", Reason: ReasonMissingFile})
	checkOne(t, rel, `<a href="file:///home/me/kb/index.html">x</a>`,
		Problem{Attr: "href", Link: "file:///home/me/kb/index.html", Reason: ReasonFileScheme})
}

func TestBaseURLSubPath(t *testing.T) {
	opts := Options{BaseURL: "https://example.org/kb/"}
	checkOne(t, opts, `<a href="/kb/index.html">a</a><a href="https://example.org/kb/css/main.css">b</a><a href="/kb">c</a><a href="https://example.org/other/">other site</a>`)
	checkOne(t, opts, `<a href="/index.html">x</a>`,
		Problem{Attr: "href", Link: "/index.html", Reason: ReasonOutsideSite})
}

func TestLeavesSite(t *testing.T) {
	checkOne(t, rel, `<a href="../../index.html">x</a>`,
		Problem{Attr: "href", Link: "../../index.html", Reason: ReasonOutsideSite})
}

func TestMissingAnchor(t *testing.T) {
	checkOne(t, rel, `<a href="#nowhere">x</a><h2 id="here">h</h2><a href="#here">ok</a>`,
		Problem{Attr: "href", Link: "#nowhere", Reason: ReasonMissingAnchor})
	checkOne(t, rel, `<a href="../incidents/db-disk-full/index.html#faq">faq</a><a href="../incidents/db-disk-full/index.html#timeline">ok</a>`,
		Problem{Attr: "href", Link: "../incidents/db-disk-full/index.html#faq", Reason: ReasonMissingAnchor})
	// Served, a folder link's fragment is checked in its index.html.
	checkOne(t, served, `<a href="../incidents/db-disk-full/#faq">faq</a><a href="../incidents/db-disk-full/#timeline">ok</a>`,
		Problem{Attr: "href", Link: "../incidents/db-disk-full/#faq", Reason: ReasonMissingAnchor})
	// Fragments on non-HTML files are not checked; ids are case-sensitive.
	checkOne(t, rel, `<a href="../css/main.css#x">css</a><p id="Sec"></p><a href="#sec">x</a>`,
		Problem{Attr: "href", Link: "#sec", Reason: ReasonMissingAnchor})
	// A percent-encoded fragment matches the decoded id.
	checkOne(t, rel, `<h2 id="café">c</h2><a href="#caf%C3%A9">c</a><a href="#café">c</a>`)
}

func TestExternalSkipped(t *testing.T) {
	checkOne(t, rel, `
		<a href="https://example.com/nope">a</a>
		<a href="http://other.example.net">b</a>
		<a href="mailto:x@example.org">c</a>
		<a href="tel:+1-555">d</a>
		<img src="data:image/svg+xml,%3Csvg%3E" alt="">
		<a href="HTTPS://EXAMPLE.COM/">e</a>
		<a href="https://kb.example.org.evil.test/">f</a>`)
	// Without BaseURL every absolute link is external.
	checkOne(t, Options{Relative: true}, `<a href="https://kb.example.org/nope.html">x</a>`)
	// Scheme-relative links to other hosts break from file:// only.
	checkOne(t, served, `<script src="//cdn.example.com/x.js"></script>`)
	checkOne(t, rel, `<script src="//cdn.example.com/x.js"></script>`,
		Problem{Attr: "src", Link: "//cdn.example.com/x.js", Reason: ReasonSchemeRelative})
}

func TestPercentEncodedUnicodePath(t *testing.T) {
	files := site()
	files["incidents/café-outage/index.html"] = pageWith(`<h2 id="résumé">r</h2>`)
	files["img/a b.png"] = []byte("png")
	files["bad/index.html"] = pageWith(`
		<a href="../incidents/caf%C3%A9-outage/index.html">encoded</a>
		<a href="../incidents/café-outage/index.html#r%C3%A9sum%C3%A9">raw path, encoded fragment</a>
		<img src="../img/a%20b.png" alt="">
		<a href="../incidents/caf%C3%A9-outage/index.htm">wrong ext</a>
		<a href="../incidents/caf%zz/index.html">bad escape</a>`)
	got := Check(files, rel)
	want := []Problem{
		{File: "bad/index.html", Attr: "href", Link: "../incidents/caf%C3%A9-outage/index.htm", Reason: ReasonMissingFile},
		{File: "bad/index.html", Attr: "href", Link: "../incidents/caf%zz/index.html", Reason: ReasonMalformed},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got:\n%swant:\n%s", list(got), list(want))
	}
}

func TestMetaRefresh(t *testing.T) {
	// Alias redirect pages.
	checkOne(t, rel, `<meta http-equiv="refresh" content="0; url=../incidents/db-disk-full/index.html">`)
	checkOne(t, rel, `<meta http-equiv="Refresh" content="0;URL='../index.html'">`)
	checkOne(t, rel, `<meta http-equiv="refresh" content="30">`)
	checkOne(t, rel, `<meta http-equiv="refresh" content="0; url=../incidents/db-disk-full/">`,
		Problem{Attr: "content", Link: "../incidents/db-disk-full/", Reason: ReasonFolderLink})
	checkOne(t, rel, `<meta http-equiv="refresh" content="0; url=../gone/index.html">`,
		Problem{Attr: "content", Link: "../gone/index.html", Reason: ReasonMissingFile})
	checkOne(t, rel, `<meta http-equiv="refresh" content="0; url=/incidents/db-disk-full/index.html">`,
		Problem{Attr: "content", Link: "/incidents/db-disk-full/index.html", Reason: ReasonRootRelative})
}

func TestRefreshURL(t *testing.T) {
	for content, want := range map[string]string{
		"0; url=a.html":       "a.html",
		"0;URL=a.html":        "a.html",
		"  5 ,  url = 'a b' ": "a b",
		`0; url="x/y.html"`:   "x/y.html",
		"0; a.html":           "a.html",
		"0":                   "",
		"":                    "",
	} {
		got, ok := refreshURL(content)
		if got != want || ok != (want != "") {
			t.Errorf("refreshURL(%q) = %q, %v; want %q", content, got, ok, want)
		}
	}
}

func TestSrcset(t *testing.T) {
	checkOne(t, rel, `<img src="../img/chart.png" srcset="../img/chart.png 1x, ../img/chart@3x.png 3x" alt="">`,
		Problem{Attr: "srcset", Link: "../img/chart@3x.png", Reason: ReasonMissingFile})
	checkOne(t, rel, `<picture><source srcset="/img/chart.webp 640w, ../img/nope.webp 1280w"><img src="../img/chart.png" alt=""></picture>`,
		Problem{Attr: "srcset", Link: "/img/chart.webp", Reason: ReasonRootRelative},
		Problem{Attr: "srcset", Link: "../img/nope.webp", Reason: ReasonMissingFile})
}

func TestSrcsetURLs(t *testing.T) {
	for set, want := range map[string][]string{
		"a.png":                        {"a.png"},
		"a.png 1x, b.png 2x":           {"a.png", "b.png"},
		"a.png,b.png 2x":               {"a.png,b.png"},
		"a.png, b.png":                 {"a.png", "b.png"},
		" a.png 100w,\n\tb.png  200w ": {"a.png", "b.png"},
		"a.png (x, y) 1x, b.png":       {"a.png", "b.png"},
		"data:image/png;base64,xx 1x":  {"data:image/png;base64,xx"},
		"":                             nil,
	} {
		if got := srcsetURLs(set); !reflect.DeepEqual(got, want) {
			t.Errorf("srcsetURLs(%q) = %q, want %q", set, got, want)
		}
	}
}

func TestBaseHref(t *testing.T) {
	checkOne(t, rel, `<base href="../"><a href="index.html">home</a><a href="css/main.css">css</a><a href="nope.html">x</a>`,
		Problem{Attr: "href", Link: "nope.html", Reason: ReasonMissingFile})
	checkOne(t, rel, `<base href="/"><a href="index.html">home</a>`,
		Problem{Attr: "href", Link: "/", Reason: ReasonRootRelative})
	checkOne(t, served, `<base href="https://elsewhere.example.com/"><a href="nope.html">x</a><a href="#nope">y</a>`)
}

func TestSVGAndNoscript(t *testing.T) {
	checkOne(t, rel, `<svg><use href="#icon"></use><use xlink:href="../img/chart.png#x"></use></svg><noscript><img src="../img/none.png"></noscript>`,
		Problem{Attr: "href", Link: "#icon", Reason: ReasonMissingAnchor},
		Problem{Attr: "src", Link: "../img/none.png", Reason: ReasonMissingFile})
	checkOne(t, rel, `<svg><symbol id="icon"></symbol><use href="#icon"></use></svg>`)
}

func TestOrderAndNonHTMLIgnored(t *testing.T) {
	files := map[string][]byte{
		"b.html":     pageWith(`<a href="x1.html">1</a><a href="x2.html">2</a>`),
		"a.html":     pageWith(`<a href="y.html">y</a>`),
		"feed.xml":   []byte(`<feed><link href="/nope"/></feed>`),
		"robots.txt": []byte("Sitemap: /nope.xml"),
	}
	got := Check(files, rel)
	want := []Problem{
		{File: "a.html", Attr: "href", Link: "y.html", Reason: ReasonMissingFile},
		{File: "b.html", Attr: "href", Link: "x1.html", Reason: ReasonMissingFile},
		{File: "b.html", Attr: "href", Link: "x2.html", Reason: ReasonMissingFile},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got:\n%swant:\n%s", list(got), list(want))
	}
}
