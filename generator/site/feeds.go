package site

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strings"
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

type sitemapIndex struct {
	XMLName  xml.Name     `xml:"sitemapindex"`
	NS       string       `xml:"xmlns,attr"`
	Sitemaps []sitemapURL `xml:"sitemap"`
}

// maxSitemapURLs is how many URLs one sitemap file may list (sitemaps.org:
// 50,000 and 50 MB; a URL entry here is well under 1 KB).
const maxSitemapURLs = 50000

const sitemapNS = "http://www.sitemaps.org/schemas/sitemap/0.9"

// sitemapJobs writes the sitemap of the pages jobs wrote (run them once
// they have): every page of an indexable kind but the second and later
// pages of a paginated listing, which Hugo's sitemap leaves out too. A page
// is in it because it was written, not because a list here names it.
// lastmod comes from the content's updated/date (a listing's: its newest
// incident's), never from the build time, so unchanged pages keep theirs.
// Past maxSitemapURLs the URLs go to sitemap-1.xml, sitemap-2.xml, … and
// sitemap.xml is their index, so robots.txt names one file either way.
func (b *builder) sitemapJobs(jobs []job) []job {
	var urls []sitemapURL
	for i := range jobs {
		j := &jobs[i]
		if !j.written || j.paged || !indexable(j.kind) {
			continue
		}
		dir, mod := strings.TrimSuffix(j.path, "index.html"), j.mod
		if j.it != nil {
			dir, mod = j.it.url, j.it.src.Modified()
		}
		urls = append(urls, sitemapURL{Loc: b.abs(dir), LastMod: isoDate(mod)})
	}
	return b.sitemapParts(urls, maxSitemapURLs)
}

// sitemapParts writes urls as sitemap.xml, or, past limit URLs, as parts
// of at most limit and sitemap.xml as their index.
func (b *builder) sitemapParts(urls []sitemapURL, limit int) []job {
	if len(urls) <= limit {
		return []job{b.sitemapFile("sitemap.xml", urls)}
	}
	var out []job
	var index []sitemapURL
	for n := 1; len(urls) > 0; n++ {
		part := urls[:min(limit, len(urls))]
		urls = urls[len(part):]
		name := fmt.Sprintf("sitemap-%d.xml", n)
		var newest string
		for _, u := range part {
			newest = max(newest, u.LastMod)
		}
		index = append(index, sitemapURL{Loc: b.abs(name), LastMod: newest})
		out = append(out, b.sitemapFile(name, part))
	}
	k := b.keyer("sitemap index")
	for _, u := range index {
		k = k.str(u.Loc, u.LastMod)
	}
	return append(out, job{path: "sitemap.xml", what: "sitemap", key: k.sum(), make: func() ([]byte, error) {
		return marshalXML(sitemapIndex{NS: sitemapNS, Sitemaps: index})
	}})
}

// sitemapFile is the job that writes urls as the sitemap file name.
func (b *builder) sitemapFile(name string, urls []sitemapURL) job {
	k := b.keyer("sitemap").str(name)
	for _, u := range urls {
		k = k.str(u.Loc, u.LastMod)
	}
	return job{path: name, what: "sitemap", key: k.sum(), make: func() ([]byte, error) {
		return marshalXML(urlset{NS: sitemapNS, URLs: urls})
	}}
}

// newestOf is the latest modification of its (a zero Date for none).
func newestOf(its []*incident) content.Date {
	var newest content.Date
	for _, it := range its {
		if m := it.src.Modified(); m.After(newest.Time) {
			newest = m
		}
	}
	return newest
}

// newestAt is newestOf the incidents at indices idx.
func (b *builder) newestAt(idx []int) content.Date {
	var newest content.Date
	for _, i := range idx {
		if m := b.incidents[i].src.Modified(); m.After(newest.Time) {
			newest = m
		}
	}
	return newest
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
