package site

import (
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"sync"
)

// Every output path has one producer, and no path is both a file and a
// folder (an alias /feed.xml/ would write feed.xml/index.html beside the
// file feed.xml). Before any job runs, claimAll claims the paths of every
// job: first the files the site generates and the static files, then
// those content files make (incident and page addresses, aliases), so a
// clash is found whatever order the workers run in and is reported where
// an author can fix it: at the slug or alias that makes the path, naming
// what else writes there. Files written later (the search index, beside
// an incident's page its JSON and wiki page) are claimed as they are
// written, against everything claimed before.

// claims records which output path each producer writes.
type claims struct {
	mu      sync.Mutex
	written map[string]string   // output path -> what produces it
	dirs    map[string]struct{} // the folders of the paths in written
	refused map[string]string   // output path -> what was refused it (the clash is reported)
	told    map[origin]bool     // slugs and aliases whose clash is reported (once for all their files)
}

// clashKind says how a path clashes with the paths claimed before it.
type clashKind int

const (
	noClash     clashKind = iota
	samePath              // the path itself is claimed
	underFile             // a folder of the path is claimed as a file
	aboveClaims           // the path is a folder of a claimed path
)

// clash returns what already claims path p, or a path in its way, and how.
func (c *claims) clash(p string) (what, at string, kind clashKind) {
	if w, ok := c.written[p]; ok {
		return w, p, samePath
	}
	for i := strings.IndexByte(p, '/'); i >= 0; i = nextSlash(p, i) {
		if w, ok := c.written[p[:i]]; ok {
			return w, p[:i], underFile
		}
	}
	if _, ok := c.dirs[p]; ok {
		var under []string
		for q := range c.written {
			if strings.HasPrefix(q, p+"/") {
				under = append(under, q)
			}
		}
		sort.Strings(under)
		return c.written[under[0]], under[0], aboveClaims
	}
	return "", "", noClash
}

func nextSlash(p string, i int) int {
	if j := strings.IndexByte(p[i+1:], '/'); j >= 0 {
		return i + 1 + j
	}
	return -1
}

// add records path p for what, and its folders.
func (c *claims) add(p, what string) {
	c.written[p] = what
	if c.dirs == nil {
		c.dirs = map[string]struct{}{}
	}
	for i := strings.LastIndexByte(p, '/'); i > 0; i = strings.LastIndexByte(p[:i], '/') {
		if _, ok := c.dirs[p[:i]]; ok {
			return // and so are the folders above it
		}
		c.dirs[p[:i]] = struct{}{}
	}
}

// refuse records that what may not write p: its clash is reported.
func (c *claims) refuse(p, what string) {
	if c.refused == nil {
		c.refused = map[string]string{}
	}
	c.refused[p] = what
}

// claim records that path p is produced by what, when it was not claimed
// before the jobs ran (claimAll); a clash is an error naming both, and a
// path claimAll refused what is errSkipped (reported there). It returns
// the path as recorded: in a lean build a copy from the build's arena, for
// whatever else keeps it.
func (b *builder) claim(p, what string) (string, error) {
	c := b.claims
	c.mu.Lock()
	defer c.mu.Unlock()
	if w, ok := c.refused[p]; ok && w == what {
		return p, errSkipped
	}
	prev, at, kind := c.clash(p)
	switch {
	case kind == samePath && prev == what:
		return p, nil // claimed by claimAll, as the caller's path
	case kind != noClash:
		msg, hint := clashText(describe(what), p, prev, at, kind)
		return p, fmt.Errorf("%s; %s", msg, hint)
	}
	p = b.strs.String(p)
	c.add(p, b.strs.String(what))
	return p, nil
}

// origin is the place in a content file that makes an output path: an
// incident's or page's slug, or an alias.
type origin struct {
	file      string
	line, col int    // 1, 1 when the slug comes from the file name
	what      string // "alias `/old/`", "the page of slug `x`"
	fix       string // how the author changes it
}

// slugOrigin is where the slug of a page comes from.
func slugOrigin(file, slug string, line, col int) *origin {
	if line == 0 {
		return &origin{file: file, line: 1, col: 1, what: fmt.Sprintf("the page of slug `%s` (from the file name)", slug), fix: "rename the file or set another `slug:`"}
	}
	return &origin{file: file, line: line, col: col, what: fmt.Sprintf("the page of slug `%s`", slug), fix: "set another `slug:`"}
}

// searchManifest is the search index file every search index has.
const searchManifest = "search/manifest.js"

// aliasWhat names the producer of an alias's redirect page.
func aliasWhat(source, alias string) string { return source + " (alias " + alias + ")" }

// claimAll claims the path of every job before any runs (see above), and
// sets each job's path to the one claimed. A clash is reported in the
// build's diagnostics, and the job whose path is refused is skipped when
// it writes.
func (b *builder) claimAll(jobs []job) {
	// Where the pages and redirects of content files come from, by producer.
	origins := map[string]*origin{}
	addAliases := func(file string, aliases []string, at func(int) (int, int)) {
		for i, a := range aliases {
			line, col := at(i)
			origins[aliasWhat(file, a)] = &origin{file: file, line: line, col: col, what: fmt.Sprintf("alias `%s`", a), fix: "choose another alias"}
		}
	}
	for _, pg := range b.pages {
		line, col := pg.src.SlugAt()
		origins[pg.src.Source] = slugOrigin(pg.src.Source, pg.src.Slug, line, col)
		addAliases(pg.src.Source, pg.src.Aliases, pg.src.AliasAt)
	}
	for _, it := range b.incidents {
		addAliases(it.src.Source, it.src.Aliases, it.src.AliasAt)
	}
	if b.index != nil {
		// A lean build writes the search index after the pages; its
		// manifest has a fixed name (its shards are named by their terms).
		b.preclaim(searchManifest, "search index", nil, nil)
	}
	var bySource map[string]*incident // built when a non-lean build writes pages' JSON or wiki files as jobs of their own
	// madeBy returns the content origin of job j's path: an origin, or
	// the incident whose slug makes it; neither for the site's own files.
	madeBy := func(j *job) (*origin, *incident) {
		switch {
		case j.it != nil:
			return nil, j.it
		case j.kind == "page" || j.kind == "redirect":
			return origins[j.what], nil
		case strings.HasPrefix(j.what, "content/") && (strings.HasSuffix(j.what, " (JSON)") || strings.HasSuffix(j.what, " (wiki)")):
			if bySource == nil {
				bySource = make(map[string]*incident, len(b.incidents))
				for _, it := range b.incidents {
					bySource[it.src.Source] = it
				}
			}
			return nil, bySource[j.what[:strings.LastIndexByte(j.what, ' ')]]
		}
		return nil, nil
	}
	// The site's files first, then those content files make.
	for i := range jobs {
		if o, it := madeBy(&jobs[i]); o == nil && it == nil {
			jobs[i].path = b.preclaim(jobs[i].path, jobs[i].what, nil, nil)
		}
	}
	for i := range jobs {
		j := &jobs[i]
		o, it := madeBy(j)
		if o == nil && it == nil {
			continue
		}
		if j.it != nil {
			j.path = b.strs.Concat(it.url, "index.html")
		}
		j.path = b.preclaim(j.path, j.what, o, it)
		if j.it != nil && b.lean { // it writes its JSON, and wiki page, beside its page
			in := it.src
			b.preclaim(b.strs.Concat(it.url, "index.json"), in.Source+" (JSON)", nil, it)
			if b.opts.Profile == ProfileInternal {
				b.preclaim(b.strs.String(wikiPath(it)), in.Source+" (wiki)", nil, it)
			}
		}
	}
}

// preclaim claims p for what, made at o or by the slug of it (neither:
// the site makes it), or reports the clash. It returns the path as
// claimed.
func (b *builder) preclaim(p, what string, o *origin, it *incident) string {
	c := b.claims
	c.mu.Lock()
	defer c.mu.Unlock()
	prev, at, kind := c.clash(p)
	if kind == noClash {
		p = b.strs.String(p)
		c.add(p, b.strs.String(what))
		return p
	}
	if kind == samePath && prev == what {
		return p
	}
	c.refuse(p, what)
	if o == nil && it != nil {
		line, col := it.src.SlugAt()
		o = slugOrigin(it.src.Source, it.src.Slug, line, col)
	}
	if o == nil {
		msg, hint := clashText(describe(what), p, prev, at, kind)
		b.res.Diagnostics.Errorf(what, 0, 0, hint, "%s", msg)
		return p
	}
	hint := o.fix
	switch {
	case strings.HasPrefix(prev, "static/"):
		if _, err := fs.Stat(b.opts.Source, prev); err != nil {
			prev = "the built-in theme's " + prev // not the author's to remove
		} else {
			hint += ", or rename or remove " + prev
		}
	case strings.HasPrefix(prev, "content/"):
		hint += ", or change " + prev
	}
	if c.told[*o] {
		return p // the page's JSON beside the page reported
	}
	if c.told == nil {
		c.told = map[origin]bool{}
	}
	c.told[*o] = true
	msg, _ := clashText(o.what, p, prev, at, kind)
	b.res.Diagnostics.Errorf(o.file, o.line, o.col, hint, "%s", msg)
	return p
}

// clashText says how what, writing p, clashes with prev, which writes at.
func clashText(what, p, prev, at string, kind clashKind) (msg, hint string) {
	switch kind {
	case samePath:
		msg = fmt.Sprintf("%s would write %s, which %s writes too", what, p, describe(prev))
	case underFile:
		msg = fmt.Sprintf("%s would write %s inside %s, which %s writes as a file", what, p, at, describe(prev))
	default:
		msg = fmt.Sprintf("%s would write the file %s, but %s writes %s inside a folder of that name", what, p, describe(prev), at)
	}
	hint = "change one of them"
	switch {
	case strings.HasPrefix(prev, "static/"):
		hint = "rename or remove " + prev
	case strings.HasPrefix(what, "static/"):
		hint = "rename or remove " + what
	}
	return msg, hint
}

// describe names the producer of a file for messages: a source file as it
// is, anything else as the site's.
func describe(what string) string {
	if strings.HasPrefix(what, "static/") || strings.HasPrefix(what, "content/") || strings.HasPrefix(what, "the ") {
		return what
	}
	return "the site's " + what
}
