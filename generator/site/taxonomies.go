package site

import (
	"bytes"
	"fmt"
	"strings"

	"casefile/generator/content"
	"casefile/generator/internal/meta"
	"casefile/generator/render"
	"casefile/generator/taxonomy"
)

// buildTaxonomies groups the published incidents by every configured
// taxonomy and warns where one term is spelt several ways.
func (b *builder) buildTaxonomies() {
	names := b.cfg.Taxonomies
	if names == nil {
		names = taxonomy.Default
	}
	b.taxByName = map[string]*taxonomy.Taxonomy{}
	for _, name := range names {
		def, ok := taxonomy.Lookup(name)
		if !ok {
			hint := "known taxonomies: " + strings.Join(taxonomy.Names(), ", ")
			if c := meta.Closest(name, taxonomy.Names()); c != "" {
				hint = fmt.Sprintf("did you mean `%s`?", c)
			}
			b.res.Diagnostics.Errorf(b.cfgFile(), 0, 0, hint, "unknown taxonomy `%s`", name)
			continue
		}
		if b.taxByName[name] != nil {
			continue
		}
		tx := taxonomy.BuildWith(def, len(b.incidents), func(i int) []string { return termValues(name, b.incidents[i].src) }, b.slugify)
		b.taxonomies = append(b.taxonomies, tx)
		b.taxByName[name] = tx
		for _, term := range tx.Terms {
			if len(term.Forms) < 2 {
				continue
			}
			var forms []string
			for _, f := range term.Forms {
				forms = append(forms, fmt.Sprintf("`%s` (%s)", f.Text, plural(f.Count, "incident", "incidents")))
			}
			minority := term.Forms[1]
			b.res.Diagnostics.Warnf(b.incidents[minority.First].src.Source, 0, 0,
				fmt.Sprintf("write it as `%s` everywhere", term.Name),
				"%s %s share the page /%s; shown as `%s`", strings.ToLower(def.Singular), strings.Join(forms, " and "), tx.TermURL(term), term.Name)
		}
	}
}

func (b *builder) cfgFile() string {
	if b.cfg.Source != "" {
		return b.cfg.Source
	}
	return "casefile.yaml"
}

// termValues are the values an incident has in a taxonomy.
func termValues(name string, in *content.Incident) []string {
	switch name {
	case "keywords":
		if in.FocusKeyword != "" {
			return append([]string{in.FocusKeyword}, in.Keywords...)
		}
		return in.Keywords
	case "actors":
		return in.Actors
	case "sectors":
		return in.Sectors
	case "countries":
		return in.Countries
	case "techniques":
		return in.Techniques
	case "severity":
		if in.Severity != "" {
			return []string{in.Severity}
		}
	case "status":
		if in.Status != "" {
			return []string{in.Status}
		}
	}
	return nil
}

// termLinks turns values into links to their term pages (no URL when the
// taxonomy is not built).
func (b *builder) termLinks(name string, values []string) []render.Link {
	tx := b.taxByName[name]
	out := make([]render.Link, 0, len(values))
	for _, v := range values {
		l := render.Link{Name: v}
		if tx != nil {
			if term := tx.Term(v); term != nil {
				l.URL = tx.TermURL(term)
			}
		}
		out = append(out, l)
	}
	return out
}

// taxonomyJobs renders every taxonomy's index page, its term pages
// (paginated) and a feed per term. A taxonomy no published incident uses
// has no index page: it would list nothing (nor does the menu link it).
func (b *builder) taxonomyJobs() []job {
	var jobs []job
	for _, tx := range b.taxonomies {
		if len(tx.Terms) == 0 {
			continue
		}
		ik := b.keyer("terms").str(tx.Name)
		var newest content.Date
		for _, term := range tx.Terms {
			ik = ik.str(term.Name, term.Slug).int(len(term.Items))
		}
		jobs = append(jobs, job{path: pageDir(tx.URL()), what: tx.Name + " index", kind: "taxonomy", make: func() ([]byte, error) { return b.renderTerms(tx) }, key: ik.sum()})
		index := len(jobs) - 1
		for _, term := range tx.Terms {
			mod := b.newestAt(term.Items)
			if mod.After(newest.Time) {
				newest = mod
			}
			chunks := paginate(len(term.Items), b.cfg.Paginate)
			for n, chunk := range chunks {
				k := b.keyer("term").str(tx.Name, term.Name).int(n, len(chunks), len(term.Items))
				for _, i := range term.Items[chunk[0]:chunk[1]] {
					k = k.listed(b.incidents[i])
				}
				jobs = append(jobs, job{path: pageDir(pagerURL(tx.TermURL(term), n+1)), what: tx.Name + " " + term.Name, kind: "term", key: k.sum(), into: func(buf *bytes.Buffer) error {
					return b.renderTermTo(buf, tx, term, n+1, len(chunks), chunk)
				}, paged: n > 0, mod: mod})
			}
			fk := b.keyer("termfeed").str(tx.Name, term.Name)
			for _, i := range term.Items[:min(feedSize, len(term.Items))] {
				fk = fk.listed(b.incidents[i])
			}
			jobs = append(jobs, job{path: tx.TermURL(term) + "feed.xml", what: tx.Name + " " + term.Name + " feed", key: fk.sum(), make: func() ([]byte, error) {
				items := make([]*incident, 0, min(feedSize, len(term.Items)))
				for _, i := range term.Items[:min(feedSize, len(term.Items))] {
					items = append(items, b.incidents[i])
				}
				return b.feed(fmt.Sprintf("%s: %s", b.cfg.Title, term.Name), "", tx.TermURL(term), items)
			}})
		}
		jobs[index].mod = newest
	}
	return jobs
}

func (b *builder) renderTerms(tx *taxonomy.Taxonomy) ([]byte, error) {
	pg := b.newPage("taxonomy", tx.URL(), tx.Title, fmt.Sprintf("All %s in %s, with how many incidents each.", strings.ToLower(tx.Title), b.cfg.Title))
	pg.Taxonomy = tx.Name
	for _, term := range tx.Terms {
		pg.Terms = append(pg.Terms, render.Term{Name: term.Name, URL: tx.TermURL(term), Count: len(term.Items)})
	}
	pg.Crumbs = []render.Link{{Name: "Home", URL: ""}, {Name: tx.Title, URL: tx.URL(), Current: true}}
	g := b.collectionGraph(pg)
	il := b.termList(pg, pg.Terms)
	g.Add(il, crumbs(b, pg))
	if err := b.setJSONLD(pg, g); err != nil {
		return nil, err
	}
	return b.tpl.Render("terms.html", pg)
}

func (b *builder) renderTerm(tx *taxonomy.Taxonomy, term *taxonomy.Term, n, total int, chunk [2]int) ([]byte, error) {
	return bytesOf(func(buf *bytes.Buffer) error { return b.renderTermTo(buf, tx, term, n, total, chunk) })
}

// renderTermTo renders page n of total of a term's page into buf.
func (b *builder) renderTermTo(buf *bytes.Buffer, tx *taxonomy.Taxonomy, term *taxonomy.Term, n, total int, chunk [2]int) error {
	dir := pagerURL(tx.TermURL(term), n)
	heading := tx.Singular + ": " + term.Name
	if n > 1 {
		heading += fmt.Sprintf(" (page %d of %d)", n, total)
	}
	desc := fmt.Sprintf("%s about %s, newest first.", plural(len(term.Items), "incident", "incidents"), term.Name)
	if tx.Name == "techniques" {
		desc = fmt.Sprintf("%s using MITRE ATT&CK technique %s, newest first.", plural(len(term.Items), "incident", "incidents"), term.Name)
	}
	pg := b.newPage("term", dir, heading, desc)
	pg.Taxonomy = tx.Name
	pg.Total = len(term.Items)
	pg.Feed = tx.TermURL(term) + "feed.xml"
	for _, i := range term.Items[chunk[0]:chunk[1]] {
		pg.Incidents = append(pg.Incidents, b.incidents[i].card)
	}
	pg.Crumbs = []render.Link{{Name: "Home", URL: ""}, {Name: tx.Title, URL: tx.URL()}, {Name: term.Name, URL: tx.TermURL(term), Current: n == 1}}
	pg.Pager = pager(tx.TermURL(term), n, total)
	if err := b.setJSONLD(pg, b.listGraph(pg, pg.Incidents, chunk[0])); err != nil {
		return err
	}
	return b.tpl.RenderTo(buf, "list.html", pg)
}
