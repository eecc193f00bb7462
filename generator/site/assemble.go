package site

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"casefile/generator/content"
	"casefile/generator/internal/strarena"
	"casefile/generator/related"
	"casefile/generator/render"
	"casefile/generator/seo"
)

// assemble builds the site-wide structures: order, ids, related incidents,
// listing cards and the menu.
func (b *builder) assemble() {
	slices.SortStableFunc(b.incidents, func(x, y *incident) int {
		a, c := x.src, y.src
		if d := c.Date.Compare(a.Date.Time); d != 0 { // newest first
			return d
		}
		return strings.Compare(a.ID, c.ID)
	})
	b.buildTaxonomies()
	b.byID = make(map[string]*incident, len(b.incidents))
	for i, it := range b.incidents {
		it.pos = i
		b.byID[it.src.ID] = it
	}
	b.forEach(context.Background(), len(b.incidents), func(i int) {
		it := b.incidents[i]
		it.card = b.card(it)
		it.listing = b.listingDigest(it)
	})
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
		Locale:      seo.OGLocale(b.cfg.Language),
		Copyright:   b.cfg.Copyright,
		Twitter:     b.cfg.Twitter,
		Internal:    b.opts.Profile == ProfileInternal,
		Generator:   "Casefile",
	}
	b.timeline = b.years(true)
	b.site.Menu = append(b.site.Menu, render.Link{Name: "Incidents", URL: "incidents/"})
	if tx := b.taxByName["keywords"]; tx != nil && len(tx.Terms) > 0 {
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
		b.site.Menu = append(b.site.Menu, render.Link{Name: m.Name, URL: menuURL(m.URL)})
	}
}

// menuURL is the site-relative path of a `menu:` entry's url ("/about/"
// and "about/" are both the about page), or the url as given when it is
// absolute: a link to another site, say.
func menuURL(u string) string {
	if render.IsAbsURL(u) {
		return u
	}
	return strings.TrimPrefix(u, "/")
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
	rels := b.sess.relatedOf(items, b.cfg.RelatedCount, func() [][]int {
		return related.Compute(items, related.Options{N: b.cfg.RelatedCount, Workers: b.opts.Workers})
	})
	// One array holds every list: a list per incident would be 100,000
	// more objects for the collector to mark on each cycle of the render.
	n := 0
	for _, rel := range rels {
		n += len(rel)
	}
	all := make([]*incident, 0, n)
	for i, rel := range rels {
		start := len(all)
		for _, j := range rel {
			all = append(all, b.incidents[j])
		}
		b.incidents[i].related = all[start:len(all):len(all)]
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

// slugify is content.Slugify, remembered for the build (the same few
// hundred keywords, actors and sectors come back on thousands of
// incidents) and across a Session's builds. Safe for concurrent use:
// render jobs look terms up too.
func (b *builder) slugify(v string) string {
	memo := b.slugMemo
	memo.mu.RLock()
	s, ok := memo.m[v]
	memo.mu.RUnlock()
	if !ok {
		s = content.Slugify(v)
		memo.mu.Lock()
		if memo.m == nil {
			memo.m = map[string]string{}
		}
		memo.m[v] = s
		memo.mu.Unlock()
	}
	return s
}

// slugMemo remembers content.Slugify's answers.
type slugMemo struct {
	mu sync.RWMutex
	m  map[string]string
}

func (b *builder) card(it *incident) *render.Card {
	in := it.src
	return &render.Card{
		Title:    in.Title,
		Summary:  in.Summary,
		URL:      it.url,
		Severity: in.Severity,
		Status:   in.Status,
		Date:     showDateIn(in.Date, b.strs),
		Keywords: b.keywords(in),
		Strings:  b.strs,
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
func showDate(d content.Date) render.Date { return showDateIn(d, nil) }

// showDateIn is showDate with the text from arena a: for dates that live
// as long as the build, such as a card's.
func showDateIn(d content.Date, a *strarena.Arena) render.Date {
	switch d.Precision {
	case content.PrecisionNone:
		return render.Date{}
	case content.PrecisionYear:
		return packDate(d, "2006", "2006", a)
	case content.PrecisionMonth:
		return packDate(d, "January 2006", "2006-01", a)
	case content.PrecisionDay:
		return packDate(d, "2 January 2006", "2006-01-02", a)
	}
	return packDate(d, "2 January 2006, 15:04 MST", "2006-01-02T15:04:05Z07:00", a)
}

// packDate formats d both ways into one string, from arena a: every card
// holds a date for the whole build, and one object is half the collector's
// work of two (none, in an arena).
func packDate(d content.Date, display, iso string, a *strarena.Arena) render.Date {
	var buf [64]byte
	b := d.AppendFormat(buf[:0], display)
	n := len(b)
	s := a.Bytes(d.AppendFormat(b, iso))
	return render.Date{Display: s[:n], ISO: s[n:]}
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
