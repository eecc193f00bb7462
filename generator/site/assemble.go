package site

import (
	"fmt"
	"sort"
	"strings"

	"casefile/generator/content"
	"casefile/generator/related"
	"casefile/generator/render"
)

// assemble builds the site-wide structures: order, ids, related incidents,
// listing cards and the menu.
func (b *builder) assemble() {
	sort.SliceStable(b.incidents, func(i, j int) bool {
		a, c := b.incidents[i].src, b.incidents[j].src
		if !a.Date.Equal(c.Date.Time) {
			return a.Date.After(c.Date.Time)
		}
		return a.ID < c.ID
	})
	b.buildTaxonomies()
	b.byID = make(map[string]*incident, len(b.incidents))
	for i, it := range b.incidents {
		it.pos = i
		b.byID[it.src.ID] = it
		it.card = b.card(it)
		it.listing = b.listingDigest(it)
	}
	b.relate()
	sort.SliceStable(b.pages, func(i, j int) bool {
		a, c := b.pages[i].src, b.pages[j].src
		if a.Weight != c.Weight {
			return a.Weight < c.Weight
		}
		return a.Slug < c.Slug
	})

	b.site = &render.Site{
		Title:       b.cfg.Title,
		Description: b.cfg.Description,
		BaseURL:     b.cfg.BaseURL,
		Language:    b.cfg.Language,
		Copyright:   b.cfg.Copyright,
		Twitter:     b.cfg.Twitter,
		Internal:    b.opts.Profile == ProfileInternal,
		Generator:   "Casefile",
	}
	b.timeline = b.years(true)
	b.site.Menu = append(b.site.Menu, render.Link{Name: "Incidents", URL: "incidents/"})
	if b.taxByName["keywords"] != nil {
		b.site.Menu = append(b.site.Menu, render.Link{Name: "Keywords", URL: "keywords/"})
	}
	b.site.Menu = append(b.site.Menu, render.Link{Name: "Timeline", URL: "timeline/"})
	b.searchEnabled = b.tpl.Has("search.html")
	if b.searchEnabled {
		b.site.Menu = append(b.site.Menu, render.Link{Name: "Search", URL: "search/"})
	}
	for _, p := range b.pages {
		if p.src.Weight > 0 {
			b.site.Menu = append(b.site.Menu, render.Link{Name: p.src.Title, URL: p.url})
		}
	}
	for _, m := range b.cfg.Menu {
		b.site.Menu = append(b.site.Menu, render.Link{Name: m.Name, URL: strings.TrimPrefix(m.URL, "/")})
	}
}

// relate picks each incident's related incidents: its explicit `related:`
// ids first, then the best by IDF-weighted overlap of keywords, actors and
// sectors (package related).
func (b *builder) relate() {
	if b.cfg.RelatedCount <= 0 {
		return
	}
	items := make([]related.Item, len(b.incidents))
	for i, it := range b.incidents {
		in := it.src
		items[i] = related.Item{
			ID: in.ID, Date: in.Date.Time,
			Keywords: b.slugs(termValues("keywords", in)),
			Actors:   b.slugs(in.Actors),
			Sectors:  b.slugs(in.Sectors),
			Related:  in.Related,
		}
	}
	for i, rel := range b.sess.relatedOf(items, b.cfg.RelatedCount, func() [][]int {
		return related.Compute(items, related.Options{N: b.cfg.RelatedCount, Workers: b.opts.Workers})
	}) {
		for _, j := range rel {
			b.incidents[i].related = append(b.incidents[i].related, b.incidents[j])
		}
	}
}

func (b *builder) slugs(values []string) []string {
	out := make([]string, 0, len(values))
	for _, v := range values {
		if s := b.slugify(v); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// slugify is content.Slugify, remembered across a Session's builds (the
// same few hundred keywords come back on every build). Safe for concurrent
// use: render jobs look terms up too.
func (b *builder) slugify(v string) string {
	if b.sess == nil {
		return content.Slugify(v)
	}
	b.sess.slugMu.RLock()
	s, ok := b.sess.slugs[v]
	b.sess.slugMu.RUnlock()
	if !ok {
		s = content.Slugify(v)
		b.sess.slugMu.Lock()
		b.sess.slugs[v] = s
		b.sess.slugMu.Unlock()
	}
	return s
}

func (b *builder) card(it *incident) *render.Card {
	in := it.src
	return &render.Card{
		Title:    in.Title,
		Summary:  in.Summary,
		URL:      it.url,
		Severity: in.Severity,
		Status:   in.Status,
		Date:     showDate(in.Date),
		Keywords: b.keywords(in),
	}
}

// keywords lists an incident's keywords, focus keyword first, linked to
// their pages when keyword pages are built.
func (b *builder) keywords(in *content.Incident) []render.Keyword {
	out := make([]render.Keyword, 0, len(in.Keywords)+1)
	focus := in.FocusKeyword
	if focus == "" && len(in.Keywords) > 0 {
		focus = in.Keywords[0]
	}
	if focus != "" {
		out = append(out, render.Keyword{Name: focus, Slug: b.slugify(focus), Focus: true})
	}
	for _, k := range in.Keywords {
		if b.slugify(k) == b.slugify(focus) {
			continue
		}
		out = append(out, render.Keyword{Name: k, Slug: b.slugify(k)})
	}
	if tx := b.taxByName["keywords"]; tx != nil {
		for i := range out {
			if term := tx.Term(out[i].Name); term != nil {
				out[i].URL = tx.TermURL(term)
			}
		}
	}
	return out
}

// showDate formats a date for people and machines, at the precision the
// author wrote.
func showDate(d content.Date) render.Date {
	switch d.Precision {
	case content.PrecisionNone:
		return render.Date{}
	case content.PrecisionYear:
		return render.Date{Display: d.Format("2006"), ISO: d.Format("2006")}
	case content.PrecisionMonth:
		return render.Date{Display: d.Format("January 2006"), ISO: d.Format("2006-01")}
	case content.PrecisionDay:
		return render.Date{Display: d.Format("2 January 2006"), ISO: d.Format("2006-01-02")}
	}
	return render.Date{Display: d.Format("2 January 2006, 15:04 MST"), ISO: d.Format("2006-01-02T15:04:05Z07:00")}
}

// isoDate is the zoned ISO 8601 form used in structured data, feeds and meta.
func isoDate(d content.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.Format("2006-01-02T15:04:05Z07:00")
}

func techniqueURL(id string) string {
	// T1566.001 -> https://attack.mitre.org/techniques/T1566/001/
	return "https://attack.mitre.org/techniques/" + strings.ReplaceAll(id, ".", "/") + "/"
}

func cveURL(id string) string {
	return "https://www.cve.org/CVERecord?id=" + id
}

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}
