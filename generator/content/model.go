// Package content is the first stage of a build: it finds the markdown files
// of a knowledge base, splits and decodes their front matter, and validates
// it into Incident and Page values. It knows nothing of markdown rendering or
// output.
package content

import "time"

// Precision says how much of a Date the author wrote.
type Precision int

const (
	PrecisionNone  Precision = iota // no date given
	PrecisionYear                   // 2020
	PrecisionMonth                  // 2020-11
	PrecisionDay                    // 2020-11-03
	PrecisionTime                   // 2020-11-03T14:00:00 (with or without zone)
)

// Date is a front-matter date. Time is in the author's zone when given, in
// the site time zone otherwise; for partial dates it is the first instant of
// the period.
type Date struct {
	time.Time
	Precision Precision
}

// IsZero reports whether no date was given.
func (d Date) IsZero() bool { return d.Precision == PrecisionNone }

// Author is one entry of `authors:`.
type Author struct {
	Name string
	URL  string
}

// TimelineEntry is one entry of `timeline:`.
type TimelineEntry struct {
	Date  Date
	Event string // plain text
	Line  int    // line of the entry in the source file
}

// Source is one entry of `sources:`.
type Source struct {
	Title     string
	URL       string
	Publisher string
	Date      Date
	Line      int
}

// FAQEntry is one entry of front-matter `faq:`.
type FAQEntry struct {
	Question string
	Answer   string // markdown
	Line     int    // line of the question in the source file
	Col      int
	AnswerAt TextPos // where the answer is written, for positions inside it
}

// Severity and status values allowed in front matter.
var (
	Severities = []string{"low", "moderate", "high", "critical"}
	Statuses   = []string{"ongoing", "contained", "resolved", "disputed"}
)

// Incident is one validated incident file.
type Incident struct {
	Source   string // slash path relative to the KB root, e.g. "content/incidents/x.md"
	Format   string // "yaml" or "toml"
	Body     []byte // markdown after the front matter
	BodyLine int    // 1-based line of Source where Body starts

	ID            string
	Slug          string
	Title         string
	Summary       string
	Date          Date
	Updated       Date // zero when not given
	Keywords      []string
	FocusKeyword  string // defaults to Keywords[0]
	Authors       []Author
	Severity      string // "" or one of Severities
	Status        string // "" or one of Statuses
	Visibility    string // "public" (default) or "internal"
	Actors        []string
	Sectors       []string
	Countries     []string
	Techniques    []string // MITRE ATT&CK ids, e.g. T1566.001
	CVEs          []string // CVE-YYYY-NNNN
	Timeline      []TimelineEntry
	Sources       []Source
	FAQ           []FAQEntry
	Related       []string // incident ids
	Aliases       []string // old URL paths, e.g. /2021/old-name/
	Image         string
	Draft         bool
	InternalNotes string  // markdown, internal profile only
	NotesLine     int     // line of internal_notes' value in Source
	NotesAt       TextPos // where internal_notes is written, for positions inside it

	pos pos // where slug, id, date, related and aliases were written; zero when not decoded here
}

// Modified returns Updated when given, else Date.
func (in *Incident) Modified() Date {
	if !in.Updated.IsZero() {
		return in.Updated
	}
	return in.Date
}

// Page is a plain page: content/<name>.md becomes /<slug>/.
type Page struct {
	Source   string
	Format   string
	Body     []byte
	BodyLine int

	Slug    string
	Title   string
	Summary string // description meta; optional
	Date    Date   // optional
	Updated Date   // optional
	Aliases []string
	Draft   bool
	Weight  int // menu order; pages with weight > 0 appear in the main menu

	pos pos // where slug, dates and aliases were written; zero when not decoded here
}

// Corpus is everything Load found.
type Corpus struct {
	Incidents []*Incident // sorted by Source
	Pages     []*Page     // sorted by Source
}
