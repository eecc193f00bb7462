package site

import (
	"slices"
	"strings"

	"casefile/generator/content"
	"casefile/generator/diag"
	"casefile/generator/output"
)

// Every build reports every problem of a knowledge base in one run, as
// casefile check does. Errors in content files do not stop the pipeline:
// they are held aside (and returned at the end) while the build goes on
// with what can be built, so that the link and FAQ checks, which need the
// whole site, run too, and so that the markdown of every incident is
// parsed (a lean build parses most of it while rendering). Files whose
// errors leave them unusable (no slug, title, date or keywords; a slug or
// id another file has) are left out, and links to them are not reported,
// since their own errors are. Once an error is held the build is bound to
// fail, and from the next stage on it writes into output.Discard: the
// output would be thrown away. Other errors (configuration, templates,
// writing) still stop the build.

// holdContentErrors moves the errors about content files out of the
// diagnostics.
func (b *builder) holdContentErrors() {
	kept := b.res.Diagnostics[:0]
	for _, d := range b.res.Diagnostics {
		if d.Severity == diag.Error && strings.HasPrefix(d.File, "content/") {
			b.held = append(b.held, d)
			continue
		}
		kept = append(kept, d)
	}
	b.res.Diagnostics = kept
}

// discardIfFailing sends the rest of a build that holds errors to
// output.Discard: it goes on only to report every problem, and what it
// writes would be thrown away. Called between stages, while no job writes.
func (b *builder) discardIfFailing() {
	if len(b.held) == 0 {
		return
	}
	if _, ok := b.opts.Out.(output.Discard); ok {
		return
	}
	b.opts.Out = output.Discard{}
	if b.owner != nil {
		b.owner = output.Discard{}
	}
}

// dropBroken leaves out of c the files whose errors make them unusable and
// takes the aliases and related ids of every file with errors (those
// errors are reported; the rest of the site is built without them).
func (b *builder) dropBroken(c *content.Corpus) {
	bad := map[string]bool{}
	for _, d := range b.res.Diagnostics {
		if d.Severity == diag.Error {
			bad[d.File] = true
		}
	}
	if len(bad) == 0 {
		return
	}
	b.unchecked = map[string]bool{}
	slugs, ids := map[string]bool{}, map[string]bool{}
	for _, in := range c.Incidents {
		if !bad[in.Source] {
			slugs[strings.ToLower(in.Slug)], ids[in.ID] = true, true
		}
	}
	var ins []*content.Incident
	for _, in := range c.Incidents {
		if !bad[in.Source] {
			ins = append(ins, in)
			continue
		}
		k := strings.ToLower(in.Slug)
		if in.Slug == "" || in.Title == "" || in.Date.IsZero() || len(in.Keywords) == 0 || slugs[k] || ids[in.ID] {
			if in.Slug != "" && !slugs[k] { // a slug another file has is checked against that file
				b.unchecked["incidents/"+in.Slug+"/"] = true
			}
			continue
		}
		slugs[k], ids[in.ID] = true, true
		cp := *in
		cp.Aliases, cp.Related = nil, nil
		ins = append(ins, &cp)
	}
	c.Incidents = ins
	pageSlugs := map[string]bool{}
	for _, pg := range c.Pages {
		if !bad[pg.Source] {
			pageSlugs[strings.ToLower(pg.Slug)] = true
		}
	}
	var pages []*content.Page
	for _, pg := range c.Pages {
		if !bad[pg.Source] {
			pages = append(pages, pg)
			continue
		}
		k := strings.ToLower(pg.Slug)
		if pg.Slug == "" || pg.Title == "" || pageSlugs[k] || slices.Contains(content.ReservedSlugs, k) {
			if pg.Slug != "" && !pageSlugs[k] {
				b.unchecked[pg.Slug+"/"] = true
			}
			continue
		}
		pageSlugs[k] = true
		cp := *pg
		cp.Aliases = nil
		pages = append(pages, &cp)
	}
	c.Pages = pages
}
