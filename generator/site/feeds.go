package site

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"time"

	"casefile/generator/content"
)

type urlset struct {
	XMLName xml.Name     `xml:"urlset"`
	NS      string       `xml:"xmlns,attr"`
	URLs    []sitemapURL `xml:"url"`
}

type sitemapURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

// sitemap lists every indexable page. lastmod comes from the content's
// updated/date, never from the build time, so unchanged pages keep theirs.
func (b *builder) sitemap() ([]byte, error) {
	us := urlset{NS: "http://www.sitemaps.org/schemas/sitemap/0.9"}
	newest := content.Date{}
	for _, it := range b.incidents {
		if m := it.src.Modified(); m.After(newest.Time) {
			newest = m
		}
	}
	us.URLs = append(us.URLs, sitemapURL{Loc: b.abs(""), LastMod: isoDate(newest)})
	for _, n := range pagerNumbers(len(b.incidents), b.cfg.Paginate) {
		u := sitemapURL{Loc: b.abs(pagerURL("incidents/", n))}
		if n == 1 {
			u.LastMod = isoDate(newest)
		}
		us.URLs = append(us.URLs, u)
	}
	for _, it := range b.incidents {
		us.URLs = append(us.URLs, sitemapURL{Loc: b.abs(it.url), LastMod: isoDate(it.src.Modified())})
	}
	for _, p := range b.pages {
		us.URLs = append(us.URLs, sitemapURL{Loc: b.abs(p.url), LastMod: isoDate(modified(p.src.Date, p.src.Updated))})
	}
	return marshalXML(us)
}

func pagerNumbers(n, per int) []int {
	out := make([]int, len(paginate(n, per)))
	for i := range out {
		out[i] = i + 1
	}
	return out
}

type atomFeed struct {
	XMLName  xml.Name    `xml:"feed"`
	NS       string      `xml:"xmlns,attr"`
	Lang     string      `xml:"xml:lang,attr,omitempty"`
	ID       string      `xml:"id"`
	Title    string      `xml:"title"`
	Subtitle string      `xml:"subtitle,omitempty"`
	Updated  string      `xml:"updated"`
	Links    []atomLink  `xml:"link"`
	Author   *atomPerson `xml:"author,omitempty"`
	Gen      string      `xml:"generator"`
	Entries  []atomEntry `xml:"entry"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomPerson struct {
	Name string `xml:"name"`
	URI  string `xml:"uri,omitempty"`
}

type atomText struct {
	Type string `xml:"type,attr,omitempty"`
	Body string `xml:",chardata"`
}

type atomEntry struct {
	ID         string         `xml:"id"`
	Title      string         `xml:"title"`
	Link       atomLink       `xml:"link"`
	Published  string         `xml:"published"`
	Updated    string         `xml:"updated"`
	Authors    []atomPerson   `xml:"author"`
	Categories []atomCategory `xml:"category"`
	Summary    atomText       `xml:"summary"`
}

type atomCategory struct {
	Term string `xml:"term,attr"`
}

// feedSize is how many incidents the Atom feed carries.
const feedSize = 20

// siteFeed is the site's Atom feed of the newest incidents.
func (b *builder) siteFeed() ([]byte, error) {
	return b.feed(b.cfg.Title, b.cfg.Description, "", b.incidents[:min(feedSize, len(b.incidents))])
}

// feed is an Atom feed of items for the page at site-relative folder dir;
// the feed itself is dir + "feed.xml".
func (b *builder) feed(title, subtitle, dir string, items []*incident) ([]byte, error) {
	f := atomFeed{
		NS: "http://www.w3.org/2005/Atom", Lang: b.cfg.Language,
		ID: b.abs(dir), Title: title, Subtitle: subtitle,
		Links: []atomLink{
			{Rel: "self", Type: "application/atom+xml", Href: b.abs(dir + "feed.xml")},
			{Rel: "alternate", Type: "text/html", Href: b.abs(dir)},
		},
		Author: &atomPerson{Name: b.publisherName(), URI: b.publisherURL()},
		Gen:    "Casefile",
	}
	var newest time.Time
	for _, it := range items {
		in := it.src
		m := in.Modified()
		if m.After(newest) {
			newest = m.Time
		}
		e := atomEntry{
			ID: b.abs(it.url), Title: in.Title,
			Link:      atomLink{Rel: "alternate", Type: "text/html", Href: b.abs(it.url)},
			Published: isoDate(in.Date), Updated: isoDate(m),
			Summary: atomText{Type: "text", Body: in.Summary},
		}
		for _, a := range b.authors(in.Authors) {
			e.Authors = append(e.Authors, atomPerson{Name: a.Name, URI: a.URL})
		}
		for _, k := range in.Keywords {
			e.Categories = append(e.Categories, atomCategory{Term: k})
		}
		f.Entries = append(f.Entries, e)
	}
	if newest.IsZero() {
		// An empty site: a fixed instant keeps the build reproducible.
		newest = time.Unix(0, 0).UTC()
	}
	f.Updated = newest.UTC().Format(time.RFC3339)
	return marshalXML(f)
}

func marshalXML(v any) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

// robots allows everything on a public build and points at the sitemap;
// internal exports disallow everything.
func (b *builder) robots() ([]byte, error) {
	if b.opts.Profile == ProfileInternal {
		return []byte("User-agent: *\nDisallow: /\n"), nil
	}
	return []byte(fmt.Sprintf("User-agent: *\nAllow: /\n\nSitemap: %s\n", b.abs("sitemap.xml"))), nil
}
