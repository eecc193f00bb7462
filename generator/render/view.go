package render

import (
	"html/template"
	"strings"
	"sync"

	"casefile/generator/internal/strarena"
)

// Site is what every page knows of the site.
type Site struct {
	Title       string
	Description string
	BaseURL     string // absolute, ends with "/"
	Language    string
	Locale      string // og:locale form of Language ("en_US"); "" when unknown
	Copyright   string
	Twitter     string
	Menu        []Link
	Internal    bool // internal profile: banner, noindex
	Generator   string
}

// Link is a named link, relative to the site root ("incidents/x/").
type Link struct {
	Name    string
	URL     string
	Current bool
}

// Date is a date ready to show.
type Date struct {
	Display string // "7 August 2023", "November 2020", "2020"
	ISO     string // machine form for <time datetime> (RFC 3339, or YYYY[-MM[-DD]])
}

// IsZero reports whether no date is set.
func (d Date) IsZero() bool { return d.ISO == "" }

// Page is the data of one rendered page.
type Page struct {
	Site        *Site
	Kind        string // home, incident, page, 404
	Path        string // site-relative folder of the page: "" for home, "incidents/x/"
	Root        string // prefix from this page to the site root: "/", "/kb/" or "../../"
	Title       string // document <title>
	Heading     string // visible h1
	Description string
	Canonical   string // absolute URL
	Image       string // absolute URL of the social image, if any
	OGType      string // "website" or "article"
	JSONLD      template.JS
	NoIndex     bool
	Published   string // RFC 3339, articles only
	Modified    string
	Crumbs      []Link
	Styles      []string // site-relative stylesheet paths
	Feed        string   // site-relative feed path

	Incident  *Incident
	Body      template.HTML // plain pages
	Incidents []*Card       // home and listings
	Total     int           // incidents on the site
	Redirect  string        // redirect pages: target URL
	Pager     *Pager        // paginated listings
	Terms     []Term        // taxonomy index pages
	Taxonomy  string        // taxonomy index and term pages: its name ("keywords")
	Facets    []Facet       // home page
	Chart     template.HTML // timeline and home: inline SVG
	ChartData []ChartRow    // the chart's numbers as a table
	ChartCols []string      // the table's column heads
	Years     []Year        // timeline
	Intro     template.HTML // optional text above a listing
}

// Term is one entry of a taxonomy index.
type Term struct {
	Name  string
	URL   string
	Count int
}

// Facet is a group of counted links (home page: severity, years).
type Facet struct {
	Title string
	Items []Term
}

// ChartRow is one row of a chart's data table.
type ChartRow struct {
	Label  string
	Counts []int
	Total  int
}

// Year is one year of the timeline.
type Year struct {
	Year   int
	ID     string // anchor, "y2021"
	URL    string // site-relative year page
	Count  int
	Months []Month
}

// Month is one month of the timeline.
type Month struct {
	Name      string // "May 2021"
	ID        string // anchor, "m2021-05"
	Count     int
	Incidents []*Card
}

// URL returns the link from this page to the site-relative path rel. In the
// internal profile links are relative and name index.html explicitly, so
// the folder also works opened from disk. An absolute URL
// ("https://status.example/", "//cdn.example/x", "mailto:…") is returned
// as given: a menu entry may link to another site.
func (p *Page) URL(rel string) string {
	if IsAbsURL(rel) {
		return rel
	}
	if p.Site.Internal && (rel == "" || strings.HasSuffix(rel, "/")) {
		rel += "index.html"
	}
	return p.Root + rel
}

// IsAbsURL reports whether s is an absolute URL (it starts with a scheme
// and a colon) or a scheme-relative one ("//host/…"), not a path.
func IsAbsURL(s string) bool {
	if strings.HasPrefix(s, "//") {
		return true
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
		case i > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.'):
		case c == ':':
			return i > 0
		default:
			return false
		}
	}
	return false
}

// MenuPath is p.Path when the site menu links to this page, else "": what
// the site header shows differently from page to page (aria-current), and
// so its partialCached variant.
func (p *Page) MenuPath() string {
	for _, l := range p.Site.Menu {
		if l.URL == p.Path {
			return p.Path
		}
	}
	return ""
}

// Abs returns the absolute URL of the site-relative path rel.
func (p *Page) Abs(rel string) string { return p.Site.BaseURL + rel }

// Incident is an incident page's content.
type Incident struct {
	ID, Slug, Title, Summary string
	URL                      string // site-relative
	Date, Updated            Date
	Severity, Status         string
	Visibility               string
	Keywords                 []Keyword
	Authors                  []Link
	Actors                   []Link
	Sectors                  []Link
	Countries                []Link
	Techniques               []ExtLink
	CVEs                     []ExtLink
	Timeline                 []TimelineItem
	Body                     template.HTML
	TOC                      []Link // h2 headings of the body, URL "#id"
	FAQ                      []FAQ
	FAQIntro                 template.HTML
	Sources                  []Source
	Related                  []*Card
	Image                    string
	InternalNotes            template.HTML
}

// Keyword is one keyword of an incident.
type Keyword struct {
	Name  string
	Slug  string
	URL   string // site-relative, "" when keyword pages are not built
	Focus bool
}

// ExtLink is an identifier linking out (ATT&CK technique, CVE).
type ExtLink struct {
	ID  string
	URL string
}

// TimelineItem is one entry of an incident's timeline.
type TimelineItem struct {
	Date  Date
	Event string
}

// FAQ is one visible question and answer.
type FAQ struct {
	Question string
	ID       string
	Answer   template.HTML
}

// Source is one cited source.
type Source struct {
	Title, URL, Publisher string
	Date                  Date
}

// Card is an incident in a listing.
type Card struct {
	Title, Summary, URL string
	Severity, Status    string
	Date                Date
	Keywords            []Keyword

	// Strings holds the card's HTML once rendered; nil allocates it on its
	// own. A build whose cards all live until it ends packs them there.
	Strings *strarena.Arena

	// HTML of partials/card.html for this card, per template set and link
	// root (Templates.card). A card is made once per build and shown on
	// many pages; the memo lives with it and goes when the build does.
	mu       sync.Mutex
	rendered []renderedCard
}

type renderedCard struct {
	t    *Templates
	site *Site
	root string
	html template.HTML
}

// Pager links the pages of a paginated listing (site-relative URLs).
type Pager struct {
	Number, Total           int
	First, Last, Prev, Next string
}
