package site

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"time"

	"casefile/generator/content"
	"casefile/generator/search"
)

// fast rebuilds after edits confined to what only an incident's own page
// shows: its body (FAQ section included), front-matter FAQ, timeline,
// sources, CVEs, image and internal notes. Nothing else on the site can
// change then: those incidents' pages and JSON files are rendered again, the
// search index and incidents.json are deferred, and every other file is the
// previous build's. It reports false, having changed nothing, for any other
// edit (or any diagnostic), and the caller runs the whole pipeline.
func (s *Session) fast(ctx context.Context, changed []string) (*Update, bool) {
	b := s.last
	if b == nil || len(changed) == 0 {
		return nil, false
	}
	start := time.Now()
	type edit struct {
		i       int
		in      *content.Incident
		parsed  *incident // parse products only, as cached
		listing bool      // the title or summary changed: listings show it
	}
	var edits []edit
	for _, p := range changed {
		if !strings.HasPrefix(p, "content/incidents/") || !strings.HasSuffix(p, ".md") {
			return nil, false
		}
		old, oldDiags, ok := s.content.Incident(p)
		if !ok || len(oldDiags) > 0 {
			return nil, false
		}
		it, ok := b.byID[old.ID]
		if !ok || it.src != old {
			return nil, false
		}
		in, d := s.content.Redecode(b.opts.Source, p)
		if in == nil || len(d) > 0 {
			return nil, false
		}
		// A date in the future is warned about by the load stage; the
		// whole pipeline reports one appearing or going.
		if len(content.Future(&content.Corpus{Incidents: []*content.Incident{old, in}}, time.Now())) > 0 {
			return nil, false
		}
		listing := false
		if !sameShape(old, in) {
			if !sameListingShape(old, in) {
				return nil, false
			}
			listing = true
		}
		parsed, d := b.parseIncident(in)
		if len(d) > 0 {
			return nil, false
		}
		edits = append(edits, edit{slices.Index(b.incidents, it), in, parsed, listing})
	}
	if ctx.Err() != nil {
		return nil, false
	}

	// A builder for this build: the last one with the edited incidents
	// swapped in (the last one stays untouched for deferred work still
	// reading it).
	nb := *b
	nb.incidents = slices.Clone(b.incidents)
	nb.byID = maps.Clone(b.byID)
	res := *b.res
	res.deferred, res.Stages = nil, nil
	nb.res = &res
	listed := false
	for _, e := range edits {
		old := b.incidents[e.i]
		it := *e.parsed
		it.card, it.related, it.listing = old.card, old.related, old.listing
		if e.listing {
			it.card = nb.card(&it)
			it.listing = nb.listingDigest(&it)
			listed = true
		}
		nb.incidents[e.i] = &it
		nb.byID[it.src.ID] = &it
	}
	// The site-wide checks with the edits: any change in what they report
	// (a link broken or mended, a heading renamed that others link to, a
	// question now asked twice) is the whole pipeline's to report.
	edited := make([]int, len(edits))
	for k, e := range edits {
		edited[k] = e.i
	}
	if !checkedAfter(b, &nb, edited) {
		return nil, false
	}

	// Outputs that show a changed card, beyond the incidents' own pages.
	more := map[string]func() ([]byte, error){}
	if listed {
		more = nb.relist(b, func(i int) bool {
			for _, e := range edits {
				if e.listing && e.i == i {
					return true
				}
			}
			return false
		})
	}

	// The leak guard of a public build, with the edited incidents' blocks.
	if nb.guard != nil {
		g := &leakGuard{needles: slices.Clone(nb.guard.needles)}
		for _, e := range edits {
			for _, blk := range e.parsed.internal {
				g.addBlock(e.in.Source, blk.line, blk.text)
			}
		}
		nb.guard = g
	}
	files := maps.Clone(s.out)
	exp := nb.newExporter()
	keys := map[string]uint64{}
	u := &Update{Result: nb.res, Files: files}
	for _, e := range edits {
		it := nb.incidents[e.i]
		page, err := nb.renderIncident(it)
		if err != nil {
			return nil, false
		}
		data, err := exp.one(e.i)
		if err != nil {
			return nil, false
		}
		for p, out := range map[string][]byte{pageDir(it.url): page, it.url + "index.json": data} {
			if nb.guard.check(p, out) != nil {
				return nil, false // the whole pipeline reports it
			}
			if !bytes.Equal(files[p], out) {
				u.Changed = append(u.Changed, p)
			}
			files[p] = out
		}
		keys[pageDir(it.url)] = nb.keyer("incident").incident(it.src).listed(it.related...).sum()
		keys[it.url+"index.json"] = exp.recs[e.i].key
		u.Edited = append(u.Edited, it.url)
	}
	for p, make := range more {
		out, err := make()
		if err != nil || nb.guard.check(p, out) != nil {
			return nil, false
		}
		if !bytes.Equal(files[p], out) {
			u.Changed = append(u.Changed, p)
		}
		files[p] = out
		delete(s.keys, p) // rendered outside the job keys: the next full build renders it again
	}
	slices.Sort(u.Changed)

	// Deferred: the search index and incidents.json (keys on this goroutine).
	var later []*deferred
	if nb.searchEnabled {
		later = append(later, &deferred{"search", nb.keyer("search").incidents(nb.incidents).sum(), func() (map[string][]byte, error) {
			files, _ := search.Build(nb.searchDocs())
			return files, nil
		}})
	}
	later = append(later, &deferred{"export", nb.keyer("export").incidents(nb.incidents).sum(), exp.all})

	// Commit. The superseded versions leave the caches (a full build's
	// prepare would drop them, but fast builds may follow one another for
	// hours).
	for _, e := range edits {
		superseded := b.incidents[e.i].src
		s.content.Store(e.in, nil)
		s.mu.Lock()
		delete(s.incidents, superseded)
		s.incidents[e.in] = parsed[*incident]{e.parsed, nil}
		s.mu.Unlock()
		delete(s.gens.of, superseded)
	}
	s.recMu.Lock()
	for p, k := range keys {
		if old, ok := s.keys[p]; ok && old != k && strings.HasSuffix(p, "index.json") {
			delete(s.records, old) // the superseded export record
			delete(s.liveRec, old)
		}
		s.keys[p] = k
	}
	s.recMu.Unlock()
	s.out = files
	s.last = &nb
	s.builds++
	u.Gen = s.builds
	u.Deferred = deferredRun(s.builds, later)
	res.Duration = time.Since(start)
	res.Stages = []Stage{{"fast", res.Duration}}
	return u, true
}

// sameListingShape reports whether two versions of an incident differ only
// in its own page's fields and in the title and summary that listings show.
func sameListingShape(a, b *content.Incident) bool {
	ca, cb := *a, *b
	ca.Title, ca.Summary = cb.Title, cb.Summary
	return sameShape(&ca, &cb)
}

// relist points nb at the edited incidents' new cards everywhere (related
// lists, the timeline) and returns the outputs that show those cards: the
// home, list, term and year pages and feeds they appear on, the timeline,
// the 404 page and the pages listing them as related. old is the previous
// build, whose incidents the related lists still point at.
func (nb *builder) relist(old *builder, edited func(i int) bool) map[string]func() ([]byte, error) {
	out := map[string]func() ([]byte, error){}
	// By id: related lists may still point at an incident's value from
	// before an earlier body-only edit (same card, other body).
	replaced := map[string]*incident{}
	for i := range old.incidents {
		if edited(i) {
			replaced[nb.incidents[i].src.ID] = nb.incidents[i]
		}
	}
	for j := range nb.incidents {
		var cp *incident // a copy with its own related list; the old builder stays as it was
		for k, r := range nb.incidents[j].related {
			n, ok := replaced[r.src.ID]
			if !ok {
				continue
			}
			if cp == nil {
				c := *nb.incidents[j]
				c.related = slices.Clone(c.related)
				cp = &c
				nb.incidents[j], nb.byID[c.src.ID] = cp, cp
			}
			cp.related[k] = n
		}
		if cp != nil {
			out[pageDir(cp.url)] = func() ([]byte, error) { return nb.renderIncident(cp) }
		}
	}
	nb.timeline = nb.years(true)
	nb.allListed = nb.keyer("all").listed(nb.incidents...).sum()
	per := nb.cfg.Paginate
	chunks := paginate(len(nb.incidents), per)
	for i := range nb.incidents {
		if !edited(i) {
			continue
		}
		if i < nb.cfg.HomeCount {
			out["index.html"] = nb.renderHome
		}
		if i < feedSize {
			out["feed.xml"] = nb.siteFeed
		}
		if i < 5 {
			out["404.html"] = nb.render404
		}
		n := i / max(per, 1)
		if per <= 0 {
			n = 0
		}
		chunk := chunks[n]
		out[pageDir(pagerURL("incidents/", n+1))] = func() ([]byte, error) { return nb.renderList(n+1, len(chunks), chunk) }
		year := nb.incidents[i].src.Date.Year()
		out[pageDir(fmt.Sprintf("timeline/%d/", year))] = func() ([]byte, error) { return nb.renderYear(year) }
		if len(nb.incidents) <= timelineFull {
			out[pageDir("timeline/")] = nb.renderTimeline
		}
		for _, tx := range nb.taxonomies {
			for _, term := range tx.Terms {
				p, found := slices.BinarySearch(term.Items, i)
				if !found {
					continue
				}
				tchunks := paginate(len(term.Items), per)
				tn := p / max(per, 1)
				if per <= 0 {
					tn = 0
				}
				tchunk := tchunks[tn]
				out[pageDir(pagerURL(tx.TermURL(term), tn+1))] = func() ([]byte, error) {
					return nb.renderTerm(tx, term, tn+1, len(tchunks), tchunk)
				}
				if p < feedSize {
					out[tx.TermURL(term)+"feed.xml"] = func() ([]byte, error) {
						items := make([]*incident, 0, feedSize)
						for _, k := range term.Items[:min(feedSize, len(term.Items))] {
							items = append(items, nb.incidents[k])
						}
						return nb.feed(fmt.Sprintf("%s: %s", nb.cfg.Title, term.Name), "", tx.TermURL(term), items)
					}
				}
			}
		}
	}
	return out
}

// sameShape reports whether two versions of an incident differ only in
// fields shown on the incident's own page alone.
func sameShape(a, b *content.Incident) bool {
	ca, cb := *a, *b
	for _, c := range []*content.Incident{&ca, &cb} {
		c.Body, c.BodyLine = nil, 0
		c.FAQ, c.Timeline, c.Sources, c.CVEs = nil, nil, nil, nil
		c.Image, c.InternalNotes = "", ""
	}
	return reflect.DeepEqual(ca, cb)
}
