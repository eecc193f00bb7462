package seo

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"strings"
	"testing"
)

// TestEmptyListsAreArrays encodes every node type of the package with
// nothing in it: a list the schema wants (an ItemList's itemListElement, a
// FAQPage's mainEntity, the graph itself) comes out as [], never null,
// which validators reject. Every exported struct type declared in the
// package's files must be listed here, so a new one is covered too.
func TestEmptyListsAreArrays(t *testing.T) {
	zeros := map[string]any{
		"Ref": &Ref{}, "Organization": &Organization{}, "ImageObject": &ImageObject{}, "Person": &Person{},
		"SearchAction": &SearchAction{}, "WebSite": &WebSite{}, "WebPage": &WebPage{}, "Article": &Article{},
		"Thing": &Thing{}, "CreativeWork": &CreativeWork{}, "FAQPage": &FAQPage{}, "Question": &Question{},
		"Answer": &Answer{}, "BreadcrumbList": &BreadcrumbList{}, "ListItem": &ListItem{},
		"CollectionPage": &CollectionPage{}, "ItemList": &ItemList{},
	}
	for _, name := range structTypes(t) {
		if name == "Graph" {
			continue // encoded below, as a whole document
		}
		z, ok := zeros[name]
		if !ok {
			t.Errorf("type %s is not covered: add its zero value to this test", name)
			continue
		}
		g := &Graph{}
		g.Add(z)
		got, err := g.JSON()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if strings.Contains(got, "null") {
			t.Errorf("%s encodes a null: %s", name, got)
		}
	}
	if got, _ := (&Graph{}).JSON(); got != `{"@context":"https://schema.org","@graph":[]}` {
		t.Errorf("empty graph = %s", got)
	}
	il := &ItemList{Type: "ItemList", ID: "x#itemlist"}
	il.ItemListElement = append(il.ItemListElement, ListItem{Type: "ListItem", Position: 1, Name: "<b>", URL: "u"})
	g := &Graph{}
	g.Add(il)
	if got, _ := g.JSON(); !strings.Contains(got, `"itemListElement":[{"@type":"ListItem","position":1,"name":"\u003cb\u003e","url":"u"}]`) {
		t.Errorf("a list with items: %s", got)
	}
}

// structTypes lists the exported struct types declared in the package.
func structTypes(t *testing.T) []string {
	t.Helper()
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), e.Name(), nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if ts, ok := n.(*ast.TypeSpec); ok && ts.Name.IsExported() {
				if _, ok := ts.Type.(*ast.StructType); ok {
					out = append(out, ts.Name.Name)
				}
			}
			return true
		})
	}
	if len(out) < 10 {
		t.Fatalf("found only %v", out)
	}
	return out
}
