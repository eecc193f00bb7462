// Package seo builds a page's structured data (one schema.org JSON-LD
// @graph) from typed structs, encoded with encoding/json with HTML escaping
// on, so content can never close the surrounding <script> element.
package seo

import (
	"encoding/json"
	"strings"
)

// Ref links to another node of the graph by @id.
type Ref struct {
	ID string `json:"@id"`
}

// Organization is the publisher.
type Organization struct {
	Type string       `json:"@type"`
	ID   string       `json:"@id,omitempty"`
	Name string       `json:"name"`
	URL  string       `json:"url,omitempty"`
	Logo *ImageObject `json:"logo,omitempty"`
}

// ImageObject is an image reference.
type ImageObject struct {
	Type string `json:"@type"`
	URL  string `json:"url"`
}

// Person is an author.
type Person struct {
	Type string `json:"@type"`
	Name string `json:"name"`
	URL  string `json:"url,omitempty"`
}

// SearchAction is the WebSite's site-search entry point.
type SearchAction struct {
	Type       string `json:"@type"`
	Target     string `json:"target"`
	QueryInput string `json:"query-input"`
}

// WebSite describes the whole site.
type WebSite struct {
	Type            string        `json:"@type"`
	ID              string        `json:"@id"`
	URL             string        `json:"url"`
	Name            string        `json:"name"`
	Description     string        `json:"description,omitempty"`
	InLanguage      string        `json:"inLanguage,omitempty"`
	Publisher       *Ref          `json:"publisher,omitempty"`
	PotentialAction *SearchAction `json:"potentialAction,omitempty"`
}

// WebPage describes one page.
type WebPage struct {
	Type          string `json:"@type"`
	ID            string `json:"@id"`
	URL           string `json:"url"`
	Name          string `json:"name"`
	Description   string `json:"description,omitempty"`
	InLanguage    string `json:"inLanguage,omitempty"`
	IsPartOf      *Ref   `json:"isPartOf,omitempty"`
	Breadcrumb    *Ref   `json:"breadcrumb,omitempty"`
	DatePublished string `json:"datePublished,omitempty"`
	DateModified  string `json:"dateModified,omitempty"`
	MainEntity    *Ref   `json:"mainEntity,omitempty"`
}

// Article is the incident write-up; Type is the configured Article subtype.
type Article struct {
	Type             string         `json:"@type"`
	ID               string         `json:"@id"`
	Headline         string         `json:"headline"`
	Description      string         `json:"description,omitempty"`
	DatePublished    string         `json:"datePublished"`
	DateModified     string         `json:"dateModified"`
	Author           []any          `json:"author,omitempty"` // Person values, or a Ref to the publisher
	Publisher        *Ref           `json:"publisher,omitempty"`
	Keywords         []string       `json:"keywords,omitempty"`
	About            []Thing        `json:"about,omitempty"`
	Image            []string       `json:"image,omitempty"`
	InLanguage       string         `json:"inLanguage,omitempty"`
	MainEntityOfPage *Ref           `json:"mainEntityOfPage,omitempty"`
	IsPartOf         *Ref           `json:"isPartOf,omitempty"`
	Citation         []CreativeWork `json:"citation,omitempty"`
}

// Thing is a named entity an article is about.
type Thing struct {
	Type string `json:"@type"`
	Name string `json:"name"`
}

// CreativeWork is a cited source.
type CreativeWork struct {
	Type      string `json:"@type"`
	Name      string `json:"name"`
	URL       string `json:"url,omitempty"`
	Publisher string `json:"publisher,omitempty"`
}

// FAQPage holds the visible FAQ of a page.
type FAQPage struct {
	Type       string     `json:"@type"`
	ID         string     `json:"@id"`
	IsPartOf   *Ref       `json:"isPartOf,omitempty"`
	MainEntity []Question `json:"mainEntity"`
}

// Question is one FAQ entry.
type Question struct {
	Type           string `json:"@type"`
	Name           string `json:"name"`
	AcceptedAnswer Answer `json:"acceptedAnswer"`
}

// Answer is a Question's answer; Text is HTML restricted by AnswerHTML.
type Answer struct {
	Type string `json:"@type"`
	Text string `json:"text"`
}

// BreadcrumbList is the page's trail.
type BreadcrumbList struct {
	Type            string     `json:"@type"`
	ID              string     `json:"@id"`
	ItemListElement []ListItem `json:"itemListElement"`
}

// ListItem is one crumb or one ItemList entry.
type ListItem struct {
	Type     string `json:"@type"`
	Position int    `json:"position"`
	Name     string `json:"name,omitempty"`
	Item     string `json:"item,omitempty"`
	URL      string `json:"url,omitempty"`
}

// CollectionPage describes a listing page.
type CollectionPage struct {
	Type        string `json:"@type"`
	ID          string `json:"@id"`
	URL         string `json:"url"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	InLanguage  string `json:"inLanguage,omitempty"`
	IsPartOf    *Ref   `json:"isPartOf,omitempty"`
	Breadcrumb  *Ref   `json:"breadcrumb,omitempty"`
	MainEntity  *Ref   `json:"mainEntity,omitempty"`
}

// ItemList lists the items of a collection.
type ItemList struct {
	Type            string     `json:"@type"`
	ID              string     `json:"@id"`
	NumberOfItems   int        `json:"numberOfItems"`
	ItemListElement []ListItem `json:"itemListElement"`
}

// Graph is one page's JSON-LD document.
type Graph struct {
	Nodes []any
}

// Add appends nodes to the graph.
func (g *Graph) Add(nodes ...any) { g.Nodes = append(g.Nodes, nodes...) }

// JSON encodes the graph as compact JSON with HTML escaping on: '<', '>',
// '&', U+2028 and U+2029 come out as \u escapes, so the result is safe inside
// a <script type="application/ld+json"> element. A list field without
// omitempty is written [] when empty, never null (see noNullLists). The
// encoder writes the whole document at once into the builder, whose bytes
// become the string without another copy.
func (g *Graph) JSON() (string, error) {
	nodes := g.Nodes
	if nodes == nil {
		nodes = []any{}
	}
	for i, n := range nodes {
		nodes[i] = noNullLists(n)
	}
	var sb strings.Builder
	enc := json.NewEncoder(&sb)
	enc.SetEscapeHTML(true)
	if err := enc.Encode(struct {
		Context string `json:"@context"`
		Graph   []any  `json:"@graph"`
	}{"https://schema.org", nodes}); err != nil {
		return "", err
	}
	return strings.TrimSuffix(sb.String(), "\n"), nil
}
