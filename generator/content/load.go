package content

import (
	"errors"
	"fmt"
	"io/fs"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"casefile/generator/diag"
	"casefile/generator/internal/meta"
	"casefile/generator/internal/osfs"
)

// ReservedSlugs are top-level URL paths the site generates itself; a plain
// page may not use them as its slug (compared case-insensitively).
var ReservedSlugs = []string{"incidents", "keywords", "timeline", "search", "tags", "page",
	"feed.xml", "sitemap.xml", "robots.txt", "404.html", "incidents.json",
	"css", "js", "img", "images", "fonts", "static"}

// maxSuggest caps how many distinct unknown `related:` ids get a
// did-you-mean suggestion.
const maxSuggest = 100

type kind uint8

const (
	kindIncident kind = iota
	kindPage
)

type job struct {
	path string
	kind kind
}

type result struct {
	incident *Incident
	page     *Page
	diags    diag.List
}

// Load reads the knowledge base in fsys: every content/incidents/**/*.md is
// an incident, every content/*.md a plain page. Dotfiles, editor temporary
// files and other files are skipped; markdown elsewhere under content/ is
// reported as misplaced. Files are decoded in parallel, but the corpus
// (sorted by Source) and the diagnostics (sorted by position) do not depend
// on scheduling. Dates without a zone are read in loc. Whole-corpus checks
// (Check) run at the end.
//
// When the diagnostics hold errors the corpus holds whatever could be
// decoded, some of it incomplete; build nothing from it.
func Load(fsys fs.FS, loc *time.Location) (*Corpus, diag.List) {
	return NewCache().Load(fsys, loc)
}

// LoadOptions tune LoadWith.
type LoadOptions struct {
	// KeepBody, when set, is asked of every decoded incident: when it
	// returns false the incident's Body is dropped (nil) as soon as the file
	// is decoded, so a corpus of 100,000 incidents does not hold every body
	// at once; ReadBody reads it again when it is needed.
	KeepBody func(*Incident) bool

	// Planned, when set, is told how many incident files the load is about
	// to decode, before it decodes any.
	Planned func(incidents int)
}

// LoadWith is Load with options.
func LoadWith(fsys fs.FS, loc *time.Location, opts LoadOptions) (*Corpus, diag.List) {
	c := NewCache()
	c.opts = opts
	return c.Load(fsys, loc)
}

// ReadBody reads the markdown body of the file at source again (for an
// incident whose Body a lean load dropped).
func ReadBody(fsys fs.FS, source string) ([]byte, error) {
	src, err := readFile(fsys, source)
	if err != nil {
		return nil, err
	}
	_, body, _, err := Split(src)
	return body, err
}

// Cache remembers decoded files between loads, so a rebuild after an edit
// re-reads and re-decodes only the files it is told have changed. Unchanged
// files keep their *Incident and *Page values from one load to the next:
// callers may use the pointers as cache keys and must not modify them. A
// Cache is not safe for concurrent use.
type Cache struct {
	loc   *time.Location
	files map[string]result
	opts  LoadOptions
}

// NewCache returns an empty cache.
func NewCache() *Cache { return &Cache{files: map[string]result{}} }

// Invalidate forgets the file at path, or every file below it when path is
// a folder ("" forgets everything).
func (c *Cache) Invalidate(path string) {
	for p := range c.files {
		if path == "" || p == path || strings.HasPrefix(p, path+"/") {
			delete(c.files, p)
		}
	}
}

// Incident returns the cached incident at path and its diagnostics.
func (c *Cache) Incident(path string) (*Incident, diag.List, bool) {
	r, ok := c.files[path]
	if !ok || r.incident == nil {
		return nil, nil, false
	}
	return r.incident, r.diags, true
}

// Redecode reads and decodes the incident file at path again, without
// storing it; Store keeps it. Together they let a caller try one changed
// file before deciding whether a whole Load is needed.
func (c *Cache) Redecode(fsys fs.FS, path string) (*Incident, diag.List) {
	r := decodeFile(fsys, job{path, kindIncident}, c.loc)
	return r.incident, r.diags
}

// Store puts a decoded incident in the cache under its Source.
func (c *Cache) Store(in *Incident, diags diag.List) {
	c.files[in.Source] = result{incident: in, diags: diags}
}

// Load is the package Load, reusing the decoded files the cache holds. A
// different loc empties the cache first.
func (c *Cache) Load(fsys fs.FS, loc *time.Location) (*Corpus, diag.List) {
	if c.loc == nil || c.loc.String() != loc.String() {
		clear(c.files)
		c.loc = loc
	}
	jobs, diags := find(fsys)
	results := make([]result, len(jobs))
	var todo []int
	for i, j := range jobs {
		if r, ok := c.files[j.path]; ok {
			results[i] = r
		} else {
			todo = append(todo, i)
		}
	}
	if c.opts.Planned != nil {
		n := 0
		for _, i := range todo {
			if jobs[i].kind == kindIncident {
				n++
			}
		}
		c.opts.Planned(n)
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(todo)) {
		wg.Go(func() {
			for k := int(next.Add(1) - 1); k < len(todo); k = int(next.Add(1) - 1) {
				i := todo[k]
				results[i] = decodeFile(fsys, jobs[i], loc)
				if in := results[i].incident; in != nil && c.opts.KeepBody != nil && !c.opts.KeepBody(in) {
					in.Body = nil
				}
			}
		})
	}
	wg.Wait()
	seen := make(map[string]bool, len(jobs))
	corpus := &Corpus{}
	for i, r := range results {
		c.files[jobs[i].path] = r
		seen[jobs[i].path] = true
		diags.Append(r.diags)
		if r.incident != nil {
			corpus.Incidents = append(corpus.Incidents, r.incident)
		}
		if r.page != nil {
			corpus.Pages = append(corpus.Pages, r.page)
		}
	}
	for p := range c.files {
		if !seen[p] { // deleted since the last load
			delete(c.files, p)
		}
	}
	diags.Append(Check(corpus))
	diags.Sort()
	return corpus, diags
}

func decodeFile(fsys fs.FS, j job, loc *time.Location) (r result) {
	src, err := readFile(fsys, j.path)
	var big *tooLargeError
	switch {
	case errors.As(err, &big):
		r.diags.Errorf(j.path, 0, 0, "split it into several files, or move bulky material (logs, dumps, data) into static/ and link to it",
			"the file is %s, more than the %s a markdown file may have", mib(big.size), mib(MaxFileSize))
		return r
	case err != nil:
		r.diags.Errorf(j.path, 0, 0, "check that the file is readable", "cannot read the file: %v", err)
		return r
	}
	if j.kind == kindIncident {
		r.incident, r.diags = DecodeIncident(j.path, src, loc)
	} else {
		r.page, r.diags = DecodePage(j.path, src, loc)
	}
	return r
}

// find walks content/ and returns the files to decode, sorted by path.
func find(fsys fs.FS) ([]job, diag.List) {
	var jobs []job
	var diags diag.List
	fs.WalkDir(fsys, "content", func(p string, de fs.DirEntry, err error) error {
		if err != nil {
			if p != "content" || !errors.Is(err, fs.ErrNotExist) {
				diags.Errorf(p, 0, 0, "check the permissions", "cannot read: %v", err)
			}
			return nil
		}
		if p == "content" {
			if SystemPath(fsys, p, &diags) {
				return fs.SkipDir
			}
			return nil
		}
		if skipName(de.Name()) {
			if de.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if de.IsDir() || !strings.HasSuffix(p, ".md") {
			return nil // symbolic links to folders included: never followed
		}
		if !IsFile(fsys, p, de, &diags, "markdown files must be plain files") {
			return nil
		}
		switch rel := p[len("content/"):]; {
		case strings.HasPrefix(rel, "incidents/"):
			jobs = append(jobs, job{p, kindIncident})
		case !strings.Contains(rel, "/"):
			jobs = append(jobs, job{p, kindPage})
		default:
			diags.Warnf(p, 0, 0, "incidents go in content/incidents/ (sub-folders allowed), plain pages directly in content/",
				"this file is neither an incident nor a plain page and is ignored")
		}
		return nil
	})
	sort.Slice(jobs, func(i, k int) bool { return jobs[i].path < jobs[k].path })
	return jobs, diags
}

// IsFile reports whether a walk over fsys should read the entry de at p as
// a file. A regular file is; a symbolic link is read where it points when
// that is a file, and never followed into a folder (so a link loop cannot
// hang a walk). A broken or looping link, a named pipe or device (which
// would block the build), or a link into the operating system's files
// (SystemPath) is an error in diags; rule says what the folder may hold
// instead.
func IsFile(fsys fs.FS, p string, de fs.DirEntry, diags *diag.List, rule string) bool {
	if de.Type().IsRegular() {
		return true
	}
	fi, err := fs.Stat(fsys, p)
	switch {
	case err != nil:
		diags.Errorf(p, 0, 0, "it is a symbolic link that is broken or points to itself; fix or remove it", "cannot read: %v", err)
		return false
	case fi.IsDir():
		return false
	case !fi.Mode().IsRegular():
		diags.Errorf(p, 0, 0, "remove it; "+rule, "not a regular file (%v)", fi.Mode().Type())
		return false
	case SystemPath(fsys, p, diags):
		return false
	}
	return true
}

// systemPather is a file tree that knows where its names resolve to
// (osfs.FS).
type systemPather interface {
	SystemPath(name string) (string, bool)
}

// SystemPath reports, with an error in diags, whether the file or folder p
// of fsys resolves, through symbolic links, into the operating system's
// files about the machine that builds the site (/proc, /sys, /dev):
// /proc/self/environ, copied from static/, would publish the build's
// environment. A walk checks its root folder and every symbolic link; the
// rest of a walk lies under its root. Trees that cannot tell (fs.FS values
// other than osfs.FS) have no such files.
func SystemPath(fsys fs.FS, p string, diags *diag.List) bool {
	sp, ok := fsys.(systemPather)
	if !ok {
		return false
	}
	real, sys := sp.SystemPath(p)
	if sys {
		diags.Errorf(p, 0, 0, "remove the link: the operating system's files describe the machine that builds the site (its environment variables, for one) and must not be published",
			"links to %s, which is not a file of the knowledge base but one of the operating system's (/proc, /sys, /dev)", real)
	}
	return sys
}

// MaxFileSize is the size of the largest markdown file Load reads (8 MiB,
// a thousand times a long incident). Building a file takes about twenty
// times its size in memory, so a log dump saved as markdown by mistake is
// refused with an error instead of exhausting memory.
const MaxFileSize = 8 << 20

type tooLargeError struct{ size int64 }

func (e *tooLargeError) Error() string {
	return fmt.Sprintf("the file is larger than %s", mib(MaxFileSize))
}

func mib(n int64) string {
	if n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
}

// maxReader is a file tree that reads a file whole unless it is over a
// limit, in fewer system calls than Open, Stat and Read (osfs.FS).
type maxReader interface {
	ReadFileMax(name string, max int64) ([]byte, error)
}

// readFile reads the file at name, refusing files larger than MaxFileSize
// before reading them (and files that grow past it while being read).
func readFile(fsys fs.FS, name string) ([]byte, error) {
	var data []byte
	var err error
	if r, ok := fsys.(maxReader); ok {
		data, err = r.ReadFileMax(name, MaxFileSize)
	} else {
		data, err = osfs.ReadFSMax(fsys, name, MaxFileSize)
	}
	if big := (*osfs.TooLargeError)(nil); errors.As(err, &big) {
		return nil, &tooLargeError{big.Size}
	}
	return data, err
}

// skipName reports dotfiles and editor backup, lock and swap files.
func skipName(name string) bool {
	return strings.HasPrefix(name, ".") || (len(name) > 1 && name[0] == '#' && name[len(name)-1] == '#') ||
		strings.HasSuffix(name, "~") || strings.HasSuffix(name, ".swp")
}

// Check runs the checks that need the whole corpus: duplicate incident slugs
// and ids, duplicate or reserved page slugs, `related:` ids that name no
// incident, and aliases that repeat or replace a page. Each error is
// reported on the later file (in Source order) and names the earlier one.
func Check(c *Corpus) diag.List {
	var diags diag.List
	errAt := func(file string, a at, hint, format string, args ...any) {
		line, col := a.place()
		diags.Errorf(file, line, col, hint, format, args...)
	}
	urls := map[string]string{} // lower-cased URL path → what owns it
	slugs := map[string]string{}
	ids := make(map[string]*Incident, len(c.Incidents))
	for _, in := range c.Incidents {
		p := &in.pos
		if in.Slug != "" {
			k := strings.ToLower(in.Slug)
			if first, ok := slugs[k]; ok {
				errAt(in.Source, p.slug, "give one of them a different `slug:`", "incident slug `%s` is already used by %s", in.Slug, first)
			} else {
				slugs[k] = in.Source
				urls["/incidents/"+k+"/"] = in.Source
			}
		}
		if in.ID != "" {
			if first, ok := ids[in.ID]; ok {
				errAt(in.Source, p.id.or(p.slug), "give one of them a different `id:`", "incident id `%s` is already used by %s", in.ID, first.Source)
			} else {
				ids[in.ID] = in
			}
		}
	}
	clear(slugs)
	for _, pg := range c.Pages {
		p := &pg.pos
		if pg.Slug == "" {
			continue
		}
		k := strings.ToLower(pg.Slug)
		if first, ok := slugs[k]; ok {
			errAt(pg.Source, p.slug, "give one of them a different `slug:`", "page slug `%s` is already used by %s", pg.Slug, first)
			continue
		}
		slugs[k] = pg.Source
		for _, r := range ReservedSlugs {
			if k == r {
				errAt(pg.Source, p.slug, "rename the file or set another `slug:`", "page slug `%s` is reserved: the site generates /%s itself", pg.Slug, r)
			}
		}
		urls["/"+k+"/"] = pg.Source
	}
	var idList []string
	hints := map[string]string{} // unknown related id → hint
	for _, in := range c.Incidents {
		for i, r := range in.Related {
			var n at
			if i < len(in.pos.related) {
				n = in.pos.related[i]
			}
			switch _, ok := ids[r]; {
			case r == in.ID:
				line, col := n.place()
				diags.Warnf(in.Source, line, col, "remove it", "`related` lists the incident itself")
			case !ok:
				if idList == nil {
					idList = make([]string, 0, len(ids))
					for id := range ids {
						idList = append(idList, id)
					}
					sort.Strings(idList)
				}
				hint, ok := hints[r]
				if !ok {
					hint = "use the `id` of an incident (its slug unless it sets `id:`)"
					// Suggesting costs a pass over every id; cap it so a corpus
					// full of broken references still checks in linear time.
					if len(hints) < maxSuggest {
						if s := meta.Closest(r, idList); s != "" {
							hint = fmt.Sprintf("did you mean `%s`?", s)
						}
					}
					hints[r] = hint
				}
				errAt(in.Source, n, hint, "related incident `%s` does not exist", r)
			}
		}
	}
	for _, r := range ReservedSlugs {
		urls["/"+r+"/"] = "the generated /" + r
	}
	checkAliases := func(file string, list []string, p *pos) {
		for i, a := range list {
			var n at
			if i < len(p.aliases) {
				n = p.aliases[i]
			}
			k := strings.ToLower(strings.TrimSuffix(a, "/")) + "/"
			if first, ok := urls[k]; ok {
				if first == file {
					errAt(file, n, "remove the alias", "alias `%s` is the page's own address or is listed twice", a)
				} else {
					errAt(file, n, "remove one of them", "alias `%s` is already the address or an alias of %s", a, first)
				}
				continue
			}
			urls[k] = file
		}
	}
	for _, in := range c.Incidents {
		checkAliases(in.Source, in.Aliases, &in.pos)
	}
	for _, pg := range c.Pages {
		checkAliases(pg.Source, pg.Aliases, &pg.pos)
	}
	return diags
}
