package site

import (
	"sync/atomic"

	"casefile/generator/content"
	"casefile/generator/render"
	"casefile/generator/search"
)

// searchJobs renders /search/ and the search index (package search) when the
// theme has a search page.
func (b *builder) searchJobs() []job {
	if !b.searchEnabled {
		return nil
	}
	var files map[string][]byte
	if !b.lean { // lean builds write the index after the incident pages (searchFiles)
		key := b.keyer("search").incidents(b.incidents).sum()
		var later *deferred
		afterBuild := false // deferred: runs on another goroutine while later builds read b.res
		files, later, _ = b.sess.lateFiles("search", key, func() (map[string][]byte, error) {
			files, stats := search.Build(b.searchDocs())
			if !afterBuild {
				b.res.Search = stats
			}
			return files, nil
		})
		if later != nil {
			afterBuild = true
			b.res.deferred = append(b.res.deferred, later)
		}
	}
	jobs := []job{{path: pageDir("search/"), what: "search page", kind: "search", make: func() ([]byte, error) {
		pg := b.newPage("search", "search/", "Search", "Search every incident of "+b.cfg.Title+".")
		pg.Crumbs = []render.Link{{Name: "Home", URL: ""}, {Name: "Search", URL: "search/", Current: true}}
		if err := b.setJSONLD(pg, b.pageGraph(pg, "SearchResultsPage", content.Date{}, content.Date{})); err != nil {
			return nil, err
		}
		return b.tpl.Render("search.html", pg)
	}}}
	return append(jobs, indexJobs(files)...)
}

func indexJobs(files map[string][]byte) []job {
	var jobs []job
	for _, p := range sortedKeys(files) {
		data := files[p]
		jobs = append(jobs, job{path: p, what: "search index", make: func() ([]byte, error) { return data, nil }})
	}
	return jobs
}

// searchFiles are the search index files of a lean build, whose incident
// pages fed the indexer as they rendered.
func (b *builder) searchFiles() []job {
	if b.index == nil {
		return nil
	}
	var files map[string][]byte
	var stats search.Stats
	if b.built != nil {
		<-b.built.done
		files, stats = b.built.files, b.built.stats
	} else {
		files, stats = b.index.Build()
	}
	b.index, b.built = nil, nil
	b.res.Search = stats
	return indexJobs(files)
}

// searchDocs are the published incidents as search documents.
func (b *builder) searchDocs() []search.Doc {
	docs := make([]search.Doc, len(b.incidents))
	for i, it := range b.incidents {
		docs[i] = b.searchDoc(it)
	}
	return docs
}

// searchDoc is an incident as a search document.
func (b *builder) searchDoc(it *incident) search.Doc {
	{
		in := it.src
		d := search.Doc{
			URL: it.url, Title: in.Title, Summary: in.Summary,
			Date: it.card.Date.Display, Year: in.Date.Year(), Severity: in.Severity,
			Body: it.text, Answers: it.answers,
		}
		// Facet values are findable as keywords: actors, ATT&CK ids, CVEs…
		for _, k := range it.card.Keywords {
			d.Keywords = append(d.Keywords, k.Name)
		}
		for _, list := range [][]string{in.Actors, in.Sectors, in.Countries, in.Techniques, in.CVEs} {
			d.Keywords = append(d.Keywords, list...)
		}
		for _, f := range it.faq {
			d.Questions = append(d.Questions, f.Question)
		}
		return d
	}
}

// builtIndex is a lean build's search index, built on its own goroutine as
// soon as the last incident page has fed the indexer, while the workers go
// on with listing, term and timeline pages (at 100,000 incidents building
// it takes about a second the build would otherwise wait for at its end).
type builtIndex struct {
	left  atomic.Int64  // incident pages not yet indexed
	short atomic.Bool   // a page was skipped unindexed: the build fails, no index is built
	done  chan struct{} // closed once files and stats are set
	files map[string][]byte
	stats search.Stats
}

// indexed counts one incident page as indexed (or skipped); the last starts
// the build of the index.
func (bi *builtIndex) indexed(ix *search.Indexer) {
	if bi.left.Add(-1) == 0 {
		bi.start(ix)
	}
}

func (bi *builtIndex) start(ix *search.Indexer) {
	if bi.short.Load() {
		close(bi.done)
		return
	}
	go func() {
		bi.files, bi.stats = ix.Build()
		close(bi.done)
	}()
}
