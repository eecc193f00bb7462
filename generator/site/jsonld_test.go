package site_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"casefile/generator/internal/sitetest"
)

// hostile is a site whose titles, summaries and answers try to break out of
// the JSON-LD script element and the JSON string.
const hostile = "\n-- casefile.yaml --\n" +
	"title: KB & \"friends\" </script>\n" +
	"base_url: https://kb.example.org/\n" +
	"-- content/incidents/evil.md --\n" +
	"---\n" +
	"title: \"</script><script>alert(1)</script> <!-- & \\\"quoted\\\" \\u2028 line\"\n" +
	"date: 2024-01-02T03:04:05+09:00\n" +
	"summary: \"Summary </SCRIPT > with <!-- comment and & \\u2029\"\n" +
	"keywords: [\"</script>\", \"a&b\"]\n" +
	"faq:\n" +
	"  - question: \"Does </script> end the tag?\"\n" +
	"    answer: \"No: `</script>` and <!-- stay text & \\\"quoted\\\" \\u2028.\"\n" +
	"---\n" +
	"Body.\n\n" +
	"## FAQ\n" +
	"### Is <!-- a comment?\n" +
	"Not here: [a link](/incidents/evil/) and <script>alert(3)</script> & more.\n"

// TestJSONLDInvariants pulls every ld+json block out of every built page and
// checks what search engines and browsers rely on.
func TestJSONLDInvariants(t *testing.T) {
	for name, src := range map[string]string{"normal": oneIncident, "hostile": hostile} {
		t.Run(name, func(t *testing.T) {
			b := sitetest.Build(t, src)
			for _, p := range b.Out.Paths() {
				if !strings.HasSuffix(p, ".html") {
					continue
				}
				checkPageJSONLD(t, b, p)
			}
		})
	}
}

func TestHostileTextRoundTrips(t *testing.T) {
	b := sitetest.Build(t, hostile)
	p := "incidents/evil/index.html"
	page := b.File(p)
	if strings.Contains(page, "<script>alert(") {
		t.Errorf("an executable script from content reached the page")
	}
	g := graphOf(t, b, p)
	art := nodesOfType(g, "NewsArticle")
	if len(art) != 1 {
		t.Fatalf("want one NewsArticle, got %d", len(art))
	}
	wantTitle := "</script><script>alert(1)</script> <!-- & \"quoted\" \u2028 line"
	if art[0]["headline"] != wantTitle {
		t.Errorf("headline = %q, want the title unchanged %q", art[0]["headline"], wantTitle)
	}
	if art[0]["datePublished"] != "2024-01-02T03:04:05+09:00" {
		t.Errorf("datePublished = %v, want the author's zone kept", art[0]["datePublished"])
	}
}

// checkPageJSONLD checks one page.
func checkPageJSONLD(t *testing.T, b *sitetest.Built, p string) {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(b.File(p)))
	if err != nil {
		t.Fatalf("%s: %v", p, err)
	}
	scripts := findAll(doc, func(n *html.Node) bool { return n.DataAtom == atom.Script })
	var ld []string
	for _, s := range scripts {
		if src := attr(s, "src"); src != "" {
			// Theme scripts: files of the site itself, never inline code.
			if !strings.HasPrefix(src, "/js/") && !strings.HasPrefix(src, "/search/") || text(s) != "" {
				t.Errorf("%s: script %q is not one of the theme's own files", p, src)
			}
			continue
		}
		if attr(s, "type") != "application/ld+json" {
			t.Errorf("%s: an inline <script> that is not JSON-LD (type %q): content must never produce one", p, attr(s, "type"))
			continue
		}
		ld = append(ld, text(s))
	}
	kind := pageKind(p)
	if kind == "" { // 404 and redirect pages carry no structured data
		return
	}
	if len(ld) != 1 {
		t.Fatalf("%s: %d ld+json blocks, want exactly 1", p, len(ld))
	}
	raw := ld[0]
	for _, bad := range []string{"</", "<!--", "\u2028", "\u2029", "<script"} {
		if strings.Contains(strings.ToLower(raw), bad) {
			t.Errorf("%s: JSON-LD contains %q unescaped", p, bad)
		}
	}
	var docLD struct {
		Context string           `json:"@context"`
		Graph   []map[string]any `json:"@graph"`
	}
	if err := json.Unmarshal([]byte(raw), &docLD); err != nil {
		t.Fatalf("%s: JSON-LD does not parse: %v\n%s", p, err, raw)
	}
	if docLD.Context != "https://schema.org" || len(docLD.Graph) == 0 {
		t.Errorf("%s: want @context https://schema.org and a non-empty @graph", p)
	}
	ids := map[string]bool{}
	for _, n := range docLD.Graph {
		id, _ := n["@id"].(string)
		if id == "" {
			t.Errorf("%s: node %v has no @id", p, n["@type"])
		}
		if ids[id] {
			t.Errorf("%s: duplicate @id %s", p, id)
		}
		ids[id] = true
	}
	walkRefs(docLD.Graph, func(ref string) {
		if !ids[ref] {
			t.Errorf("%s: reference to %s, which is not in the graph", p, ref)
		}
	})
	if len(nodesOfType(docLD.Graph, "WebSite")) != 1 {
		t.Errorf("%s: want exactly one WebSite node", p)
	}
	if kind != "incident" {
		return
	}
	// Incident pages: article with zoned dates, breadcrumbs, and a FAQPage
	// matching the visible FAQ one to one.
	arts := nodesOfType(docLD.Graph, "NewsArticle")
	if len(arts) != 1 {
		t.Fatalf("%s: want one NewsArticle, got %d", p, len(arts))
	}
	for _, k := range []string{"datePublished", "dateModified"} {
		s, _ := arts[0][k].(string)
		if _, err := time.Parse(time.RFC3339, s); err != nil {
			t.Errorf("%s: %s %q is not a zoned ISO 8601 date-time", p, k, s)
		}
	}
	crumbs := nodesOfType(docLD.Graph, "BreadcrumbList")
	if len(crumbs) != 1 {
		t.Errorf("%s: want one BreadcrumbList, got %d", p, len(crumbs))
	} else if items, _ := crumbs[0]["itemListElement"].([]any); len(items) != 3 {
		t.Errorf("%s: breadcrumb has %d items, want Home › Incidents › title", p, len(items))
	}
	visible := visibleFAQ(doc)
	faqs := nodesOfType(docLD.Graph, "FAQPage")
	if len(visible) == 0 {
		if len(faqs) != 0 {
			t.Errorf("%s: FAQPage without a visible FAQ", p)
		}
		return
	}
	if len(faqs) != 1 {
		t.Fatalf("%s: want exactly one FAQPage, got %d", p, len(faqs))
	}
	qs, _ := faqs[0]["mainEntity"].([]any)
	if len(qs) != len(visible) {
		t.Fatalf("%s: FAQPage has %d questions, the page shows %d", p, len(qs), len(visible))
	}
	for i, q := range qs {
		qm := q.(map[string]any)
		if qm["name"] != visible[i].q {
			t.Errorf("%s: question %d is %q in JSON-LD but %q on the page", p, i, qm["name"], visible[i].q)
		}
		ans := qm["acceptedAnswer"].(map[string]any)["text"].(string)
		if got, want := plain(ans), visible[i].a; got != want {
			t.Errorf("%s: answer %d text differs:\n json: %q\n page: %q", p, i, got, want)
		}
		checkAllowedTags(t, p, ans)
	}
}

type qa struct{ q, a string }

// visibleFAQ reads the questions and answers shown in the FAQ section.
func visibleFAQ(doc *html.Node) []qa {
	var out []qa
	for _, sec := range findAll(doc, func(n *html.Node) bool { return n.DataAtom == atom.Section && attr(n, "class") == "faq" }) {
		for _, div := range findAll(sec, func(n *html.Node) bool { return attr(n, "class") == "qa" }) {
			h := findAll(div, func(n *html.Node) bool { return n.DataAtom == atom.H3 })[0]
			q := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(text(h)), "#"))
			a := findAll(div, func(n *html.Node) bool { return strings.Contains(attr(n, "class"), "answer") })[0]
			out = append(out, qa{q, strings.Join(strings.Fields(text(a)), " ")})
		}
	}
	return out
}

func checkAllowedTags(t *testing.T, p, frag string) {
	t.Helper()
	allowed := map[string]bool{"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true, "br": true, "ol": true, "ul": true, "li": true, "a": true, "p": true, "div": true, "b": true, "strong": true, "i": true, "em": true}
	nodes, err := html.ParseFragment(strings.NewReader(frag), &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range nodes {
		for _, e := range findAll(n, func(n *html.Node) bool { return n.Type == html.ElementNode }) {
			if !allowed[e.Data] {
				t.Errorf("%s: answer text has <%s>, which FAQ rich results do not allow", p, e.Data)
			}
		}
	}
}

func plain(frag string) string {
	nodes, _ := html.ParseFragment(strings.NewReader(frag), &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div})
	var sb strings.Builder
	for _, n := range nodes {
		sb.WriteString(text(n))
		sb.WriteByte(' ')
	}
	return strings.Join(strings.Fields(sb.String()), " ")
}

func pageKind(p string) string {
	switch {
	case p == "404.html":
		return ""
	case strings.HasPrefix(p, "incidents/") && strings.Count(p, "/") == 2 && !strings.HasPrefix(p, "incidents/page/"):
		return "incident"
	}
	return "other"
}

func graphOf(t *testing.T, b *sitetest.Built, p string) []map[string]any {
	t.Helper()
	doc, _ := html.Parse(strings.NewReader(b.File(p)))
	for _, s := range findAll(doc, func(n *html.Node) bool { return attr(n, "type") == "application/ld+json" }) {
		var d struct {
			Graph []map[string]any `json:"@graph"`
		}
		if err := json.Unmarshal([]byte(text(s)), &d); err != nil {
			t.Fatal(err)
		}
		return d.Graph
	}
	t.Fatalf("%s has no JSON-LD", p)
	return nil
}

func nodesOfType(g []map[string]any, typ string) []map[string]any {
	var out []map[string]any
	for _, n := range g {
		if n["@type"] == typ {
			out = append(out, n)
		}
	}
	return out
}

// walkRefs calls fn for every {"@id": …} object that is only a reference.
func walkRefs(v any, fn func(string)) {
	switch x := v.(type) {
	case []map[string]any:
		for _, n := range x {
			for k, c := range n {
				if k != "@id" {
					walkRefs(c, fn)
				}
			}
		}
	case map[string]any:
		if id, ok := x["@id"].(string); ok && len(x) == 1 {
			fn(id)
			return
		}
		for _, c := range x {
			walkRefs(c, fn)
		}
	case []any:
		for _, c := range x {
			walkRefs(c, fn)
		}
	}
}

func findAll(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && match(n) {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return out
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func text(n *html.Node) string {
	var sb strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			sb.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return sb.String()
}

// TestEmptyListsInJSONLD: the timeline and the listings of a knowledge base
// with no incidents yet carry an ItemList whose itemListElement is [],
// never null.
func TestEmptyListsInJSONLD(t *testing.T) {
	b := sitetest.Build(t, `
-- casefile.yaml --
base_url: https://kb.example.org/
-- content/about.md --
---
title: About
summary: Who we are.
---
Nothing yet.
`)
	for _, p := range []string{"index.html", "incidents/index.html", "timeline/index.html"} {
		g := graphOf(t, b, p)
		lists := nodesOfType(g, "ItemList")
		if len(lists) != 1 {
			t.Errorf("%s: %d ItemLists", p, len(lists))
			continue
		}
		if items, ok := lists[0]["itemListElement"].([]any); !ok || len(items) != 0 {
			t.Errorf("%s: itemListElement = %#v, want []", p, lists[0]["itemListElement"])
		}
		b.AssertNotInFile(p, "null")
	}
	// The timeline of a site with incidents lists no items either.
	one := sitetest.Build(t, oneIncident)
	one.AssertFile("timeline/index.html", `"itemListElement":[]`)
}
