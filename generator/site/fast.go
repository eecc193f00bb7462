package site

import (
	"bytes"
	"context"
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
		i      int
		in     *content.Incident
		parsed *incident // parse products only, as cached
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
		if in == nil || len(d) > 0 || !sameShape(old, in) {
			return nil, false
		}
		parsed, d := b.parseIncident(in)
		if len(d) > 0 {
			return nil, false
		}
		edits = append(edits, edit{slices.Index(b.incidents, it), in, parsed})
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
	for _, e := range edits {
		old := b.incidents[e.i]
		it := *e.parsed
		it.card, it.related, it.listing = old.card, old.related, old.listing
		nb.incidents[e.i] = &it
		nb.byID[it.src.ID] = &it
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
			if !bytes.Equal(files[p], out) {
				u.Changed = append(u.Changed, p)
			}
			files[p] = out
		}
		keys[pageDir(it.url)] = nb.keyer("incident").incident(it.src).listed(it.related...).sum()
		keys[it.url+"index.json"] = exp.recs[e.i].key
		u.Edited = append(u.Edited, it.url)
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

	// Commit.
	for _, e := range edits {
		s.content.Store(e.in, nil)
		s.mu.Lock()
		s.incidents[e.in] = parsed[*incident]{e.parsed, nil}
		s.mu.Unlock()
	}
	for p, k := range keys {
		s.keys[p] = k
	}
	s.out = files
	s.last = &nb
	s.builds++
	u.Gen = s.builds
	u.Deferred = deferredRun(s.builds, later)
	res.Duration = time.Since(start)
	res.Stages = []Stage{{"fast", res.Duration}}
	return u, true
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
