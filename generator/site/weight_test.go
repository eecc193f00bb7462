package site_test

import (
	"bytes"
	"net/url"
	"path"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// pageBudget is the most a page may weigh: its HTML and every stylesheet
// and script it loads, the search index aside (the search page fetches
// shards only as the reader types).
const pageBudget = 50 * 1024

// pageWeight returns the bytes of the page at name with what it loads, and
// every resource it would load from another site (which would block
// rendering and leak the reader's visit).
func pageWeight(t *testing.T, files map[string][]byte, name, baseURL string) (int, []string) {
	t.Helper()
	page := files[name]
	total := len(page)
	var external []string
	base, _ := url.Parse(baseURL)
	pageURL := base.ResolveReference(&url.URL{Path: path.Join(base.Path, name)})
	seen := map[string]bool{}
	z := html.NewTokenizer(bytes.NewReader(page))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		tok := z.Token()
		attr := func(k string) string {
			for _, a := range tok.Attr {
				if a.Key == k {
					return a.Val
				}
			}
			return ""
		}
		var ref string
		switch tok.Data {
		case "link":
			if rel := strings.ToLower(attr("rel")); rel == "stylesheet" || rel == "preload" || rel == "modulepreload" {
				ref = attr("href")
			}
		case "script", "img", "iframe", "embed", "source", "video", "audio":
			ref = attr("src")
		}
		if ref == "" {
			continue
		}
		u, err := url.Parse(ref)
		if err != nil {
			t.Errorf("%s: bad URL %q", name, ref)
			continue
		}
		abs := pageURL.ResolveReference(u)
		if abs.Host != base.Host || abs.Scheme != base.Scheme && abs.Scheme != "" {
			external = append(external, ref)
			continue
		}
		p := strings.TrimPrefix(abs.Path, base.Path)
		if strings.HasPrefix(p, "search/") && p != "search/index.html" {
			continue // the search index: manifest and shards
		}
		if seen[p] {
			continue
		}
		seen[p] = true
		data, ok := files[p]
		if !ok {
			t.Errorf("%s loads %s, which the site does not have", name, ref)
		}
		total += len(data)
	}
	return total, external
}

// TestPageWeight checks every page of the sample knowledge base, in both
// profiles, against the budget, and that no page loads anything from
// another site.
func TestPageWeight(t *testing.T) {
	for _, profile := range []string{"public", "internal"} {
		files, res := buildSample(t, profile)
		heaviest, heaviestName, pages := 0, "", 0
		for name := range files {
			if !strings.HasSuffix(name, ".html") {
				continue
			}
			pages++
			w, ext := pageWeight(t, files, name, res.Config.BaseURL)
			if w > pageBudget {
				t.Errorf("%s %s weighs %d bytes with what it loads; the budget is %d", profile, name, w, pageBudget)
			}
			if len(ext) > 0 {
				t.Errorf("%s %s loads from other sites: %q", profile, name, ext)
			}
			if w > heaviest {
				heaviest, heaviestName = w, name
			}
		}
		t.Logf("%s: %d pages, heaviest %s at %d bytes (budget %d)", profile, pages, heaviestName, heaviest, pageBudget)
		for name, data := range files {
			if strings.HasSuffix(name, ".css") && (bytes.Contains(data, []byte("@import")) || bytes.Contains(data, []byte("url(http")) || bytes.Contains(data, []byte("url(//"))) {
				t.Errorf("%s loads more from a stylesheet", name)
			}
		}
	}
}

func TestPageWeightCountsWhatAPageLoads(t *testing.T) {
	files := map[string][]byte{
		"a/index.html": []byte(`<link rel=stylesheet href="../x.css"><script src="/y.js"></script><script src="/search/shard-1.js"></script><link rel=stylesheet href="https://cdn.example.net/z.css"><img src="//cdn.example.net/i.png">`),
		"x.css":        make([]byte, 1000),
		"y.js":         make([]byte, 200),
	}
	w, ext := pageWeight(t, files, "a/index.html", "https://kb.example.org/")
	if want := len(files["a/index.html"]) + 1200; w != want {
		t.Errorf("weight %d, want %d", w, want)
	}
	if len(ext) != 2 {
		t.Errorf("external %q, want the two CDN resources", ext)
	}
}
