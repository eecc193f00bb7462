// Package config reads a knowledge base's site configuration
// (casefile.yaml, or casefile.toml) into a Config value.
package config

import "time"

// Config is the site configuration. Zero values are filled by Defaults.
type Config struct {
	Source string // "casefile.yaml", "casefile.toml" or "" when the KB has none

	Title       string         // site title; default "Casefile"
	Description string         // site description, used on the home page and feed
	BaseURL     string         // absolute, ends with "/"; default "http://localhost:1313/"
	Language    string         // BCP 47; default "en"
	Timezone    string         // IANA name; default "UTC"
	Location    *time.Location // resolved Timezone

	ArticleType  string // schema.org Article subtype; default "NewsArticle"
	UnsafeHTML   bool   // let raw HTML in markdown through
	HomeCount    int    // incidents on the home page; default 20
	Paginate     int    // items per keyword page; default 30
	RelatedCount int    // related incidents per page; default 5

	Publisher Publisher
	Authors   []Author // default authors for incidents without `authors:`
	Twitter   string   // site handle for twitter:site, e.g. "@example"
	Image     string   // default social image (path or URL)
	Copyright string

	HighlightLight string // chroma style for light mode; default "github"
	HighlightDark  string // chroma style for dark mode; default "github-dark"

	Menu []MenuItem // extra main-menu entries

	Taxonomies []string           // extra front-matter list fields to index like keywords
	Profiles   map[string]Profile // build profiles by name, e.g. "public", "internal"
}

// Profile overrides settings for one build profile (`profiles:`); empty
// fields keep the site-wide value.
type Profile struct {
	BaseURL string // absolute http(s) URL or root-relative path, ends with "/"
	Title   string
	Output  string // output folder
}

// Publisher is the organisation publishing the site (schema.org publisher).
type Publisher struct {
	Name string
	URL  string
	Logo string
}

// Author is a default author.
type Author struct {
	Name string
	URL  string
}

// MenuItem is one main-menu link.
type MenuItem struct {
	Name      string
	URL       string
	Line, Col int // of the url in the config file, for the link check
}
