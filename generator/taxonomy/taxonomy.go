// Package taxonomy groups incidents by the values of one front-matter field
// (keywords, actors, sectors, …) into terms with their own pages. Values that
// differ only by case or spacing ("Supply Chain", "supply  chain") share one
// term, shown in its most frequent spelling.
package taxonomy

import (
	"sort"

	"casefile/generator/content"
)

// Def describes one taxonomy.
type Def struct {
	Name     string // config name and URL folder: "keywords"
	Title    string // "Keywords"
	Singular string // "Keyword"
}

// Known lists every taxonomy Casefile can build, in menu order.
var Known = []Def{
	{"keywords", "Keywords", "Keyword"},
	{"actors", "Actors", "Actor"},
	{"sectors", "Sectors", "Sector"},
	{"countries", "Countries", "Country"},
	{"severity", "Severity", "Severity"},
	{"techniques", "ATT&CK techniques", "ATT&CK technique"},
	{"status", "Status", "Status"},
}

// Default is the taxonomies built when the config names none.
var Default = []string{"keywords", "actors", "sectors", "countries", "severity", "techniques"}

// Lookup returns the definition of a taxonomy by name.
func Lookup(name string) (Def, bool) {
	for _, d := range Known {
		if d.Name == name {
			return d, true
		}
	}
	return Def{}, false
}

// Names returns the names of every known taxonomy.
func Names() []string {
	out := make([]string, len(Known))
	for i, d := range Known {
		out[i] = d.Name
	}
	return out
}

// Term is one value of a taxonomy and the items that carry it.
type Term struct {
	Name  string // display form: the most frequent spelling
	Slug  string
	Items []int  // indices of items, in the order the items were given
	Forms []Form // every spelling seen, most frequent first

	url string // TermURL, made once: every incident's card links its terms
}

// Form is one spelling of a term and how many items use it.
type Form struct {
	Text  string
	Count int
	First int // index of the first item that uses this spelling
}

// Taxonomy is a built taxonomy.
type Taxonomy struct {
	Def
	Terms  []*Term // sorted by slug
	bySlug map[string]*Term
	slug   func(string) string
}

// Build groups n items by values(i). Items keep their given order inside
// each term, so pass them newest first.
func Build(def Def, n int, values func(i int) []string) *Taxonomy {
	return BuildWith(def, n, values, content.Slugify)
}

// BuildWith is Build with another implementation of content.Slugify (a
// memoised one, say); it must return what content.Slugify returns.
func BuildWith(def Def, n int, values func(i int) []string, slugify func(string) string) *Taxonomy {
	t := &Taxonomy{Def: def, bySlug: map[string]*Term{}, slug: slugify}
	forms := map[string]map[string]*Form{}
	for i := 0; i < n; i++ {
		seen := map[string]bool{}
		for _, v := range values(i) {
			slug := slugify(v)
			if slug == "" || seen[slug] {
				continue
			}
			seen[slug] = true
			term := t.bySlug[slug]
			if term == nil {
				term = &Term{Slug: slug, url: t.Name + "/" + slug + "/"}
				t.bySlug[slug] = term
				t.Terms = append(t.Terms, term)
				forms[slug] = map[string]*Form{}
			}
			term.Items = append(term.Items, i)
			f := forms[slug][v]
			if f == nil {
				f = &Form{Text: v, First: i}
				forms[slug][v] = f
			}
			f.Count++
		}
	}
	for _, term := range t.Terms {
		for _, f := range forms[term.Slug] {
			term.Forms = append(term.Forms, *f)
		}
		sort.Slice(term.Forms, func(i, j int) bool {
			a, b := term.Forms[i], term.Forms[j]
			if a.Count != b.Count {
				return a.Count > b.Count
			}
			return a.Text < b.Text
		})
		term.Name = term.Forms[0].Text
	}
	sort.Slice(t.Terms, func(i, j int) bool { return t.Terms[i].Slug < t.Terms[j].Slug })
	return t
}

// Term returns the term of a value ("Supply Chain" finds "supply-chain").
func (t *Taxonomy) Term(value string) *Term { return t.bySlug[t.slug(value)] }

// URL is the site-relative folder of the taxonomy's index page.
func (t *Taxonomy) URL() string { return t.Name + "/" }

// TermURL is the site-relative folder of a term's page.
func (t *Taxonomy) TermURL(term *Term) string {
	if term.url != "" {
		return term.url
	}
	return t.Name + "/" + term.Slug + "/"
}
