package site_test

import (
	"bytes"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"casefile/generator/internal/sitetest"
	"casefile/generator/site"
)

// namingProhibited are the roles ARIA forbids an author name on
// (aria-label, aria-labelledby): the HTML checker reports one as an error.
var namingProhibited = map[string]bool{
	"caption": true, "code": true, "deletion": true, "emphasis": true, "generic": true, "insertion": true,
	"paragraph": true, "presentation": true, "none": true, "strong": true, "subscript": true, "superscript": true,
	"time": true, "mark": true,
}

// implicitRole is the role of an element without a role attribute, for the
// elements whose role forbids a name; others may carry one.
func implicitRole(n *html.Node) string {
	switch n.Data {
	case "span", "div", "b", "i", "u", "s", "small", "bdi", "bdo", "data", "q", "samp", "kbd", "var", "abbr", "cite", "dfn", "pre", "label", "legend", "dd", "dt", "br", "wbr":
		return "generic"
	case "a", "area":
		if attr(n, "href") == "" {
			return "generic"
		}
	case "p":
		return "paragraph"
	case "code":
		return "code"
	case "em":
		return "emphasis"
	case "strong":
		return "strong"
	case "del":
		return "deletion"
	case "ins":
		return "insertion"
	case "sub":
		return "subscript"
	case "sup":
		return "superscript"
	case "time":
		return "time"
	case "mark":
		return "mark"
	case "caption", "figcaption":
		return "caption"
	}
	return ""
}

// misnamed returns, for every element of an HTML document that carries
// aria-label or aria-labelledby although its role forbids a name, a short
// description.
func misnamed(doc []byte) ([]string, error) {
	root, err := html.Parse(bytes.NewReader(doc))
	if err != nil {
		return nil, err
	}
	var out []string
	for _, n := range findAll(root, func(n *html.Node) bool { return n.Type == html.ElementNode }) {
		if attr(n, "aria-label") == "" && attr(n, "aria-labelledby") == "" {
			continue
		}
		role := strings.Fields(attr(n, "role"))
		r := implicitRole(n)
		if len(role) > 0 {
			r = role[0]
		}
		if namingProhibited[r] {
			var b strings.Builder
			_ = html.Render(&b, &html.Node{Type: html.ElementNode, Data: n.Data, Attr: n.Attr})
			out = append(out, b.String())
		}
	}
	return out, nil
}

// TestNoNamesOnGenericElements: no page of the sample, in either profile,
// nor of a site with every kind of page, puts aria-label on an element
// whose role may not carry a name (the count spans of taxonomy indexes
// did).
func TestNoNamesOnGenericElements(t *testing.T) {
	sites := map[string]map[string][]byte{}
	for _, profile := range []string{site.ProfilePublic, site.ProfileInternal} {
		sites["sample "+profile], _ = buildSample(t, profile)
	}
	b := sitetest.BuildWith(t, site.Options{Profile: site.ProfileInternal}, oneIncident+`
-- content/incidents/other.md --
---
title: Other
date: 2021-03-04
summary: S.
keywords: [postgres]
severity: high
visibility: internal
---
Text.

::: internal
A note.
:::
`)
	files := map[string][]byte{}
	for _, p := range b.Out.Paths() {
		files[p], _ = b.Out.Get(p)
	}
	sites["internal"] = files
	for name, files := range sites {
		n := 0
		for p, data := range files {
			if !strings.HasSuffix(p, ".html") {
				continue
			}
			n++
			bad, err := misnamed(data)
			if err != nil {
				t.Fatalf("%s: %s: %v", name, p, err)
			}
			for _, e := range bad {
				t.Errorf("%s: %s: %s may not carry a name", name, p, e)
			}
		}
		if n < 10 {
			t.Errorf("%s: only %d pages", name, n)
		}
	}
	// The checker itself.
	if bad, _ := misnamed([]byte(`<nav aria-label="x"></nav><span role="img" aria-label="y"></span><span aria-label="z"></span><p aria-labelledby="h"></p>`)); len(bad) != 2 {
		t.Errorf("misnamed found %q, want the span and the p", bad)
	}
}
