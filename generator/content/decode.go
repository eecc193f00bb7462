package content

import (
	"bytes"
	"fmt"
	"path"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"casefile/generator/diag"
	"casefile/generator/internal/meta"
)

// Keys known in incident and page front matter, in the order messages list them.
var (
	IncidentKeys = []string{"title", "date", "summary", "keywords", "slug", "id", "updated",
		"focus_keyword", "authors", "severity", "status", "visibility", "actors", "sectors",
		"countries", "techniques", "cves", "timeline", "sources", "faq", "related", "aliases",
		"image", "draft", "internal_notes"}
	PageKeys = []string{"title", "slug", "summary", "description", "date", "updated",
		"aliases", "draft", "weight"}
)

// Visibilities are the allowed values of `visibility:`.
var Visibilities = []string{"public", "internal"}

// synonyms maps keys other generators use to ours.
var synonyms = map[string]string{
	"tags": "keywords", "categories": "keywords", "description": "summary",
	"lastmod": "updated", "modified": "updated", "publishdate": "date", "published": "date",
}

var (
	techniqueRE = regexp.MustCompile(`^T\d{4}(\.\d{3})?$`)
	cveRE       = regexp.MustCompile(`^CVE-\d{4}-\d{4,}$`)
)

// pos keeps where corpus-level checks point: where the values of slug, id,
// date, updated and each related and aliases entry were written. Values
// built outside this package have none.
//
// It keeps lines and columns, not the front matter's nodes: an incident
// lives for the whole build, and at 100,000 incidents the nodes it would
// keep alive (with their text) were some 100,000 objects more for the
// garbage collector to mark on every cycle; and it is a field of the
// incident, not an object of its own, for the same reason.
type pos struct {
	slug, id      at
	date, updated at
	related       []at
	aliases       []at
}

// at is where a value was written (1-based line and column); the zero at
// means it was not.
type at struct{ line, col int32 }

func atNode(n *meta.Node) at {
	if n == nil {
		return at{}
	}
	return at{int32(n.Line), int32(n.Col)}
}

// written reports whether a is a place in the file.
func (a at) written() bool { return a.line > 0 }

// or returns a, or where when a was not written.
func (a at) or(where at) at {
	if a.written() {
		return a
	}
	return where
}

// place is the line and column a message about the value points to: the
// top of the file when it was not written.
func (a at) place() (line, col int) {
	a = a.or(at{1, 1})
	return int(a.line), int(a.col)
}

// SlugAt returns where the incident's `slug:` was written; 0, 0 when its
// slug comes from the file name.
func (in *Incident) SlugAt() (line, col int) { return in.pos.slug.at() }

// AliasAt returns where the incident's alias i was written; 0, 0 when
// unknown.
func (in *Incident) AliasAt(i int) (line, col int) { return aliasAt(in.pos.aliases, i) }

// SlugAt returns where the page's `slug:` was written; 0, 0 when its slug
// comes from the file name.
func (pg *Page) SlugAt() (line, col int) { return pg.pos.slug.at() }

// AliasAt returns where the page's alias i was written; 0, 0 when unknown.
func (pg *Page) AliasAt(i int) (line, col int) { return aliasAt(pg.pos.aliases, i) }

func aliasAt(list []at, i int) (int, int) {
	if i < 0 || i >= len(list) {
		return 0, 0
	}
	return list[i].at()
}

// at returns the line and column; 0, 0 when a was not written.
func (a at) at() (line, col int) { return int(a.line), int(a.col) }

// decoder decodes the front matter of one file.
type decoder struct {
	meta.Decoder
	loc *time.Location
	top *meta.Node // the opening delimiter: where "missing field" points

	fm    []byte // the front matter, for textPos
	first int    // the line of the file fm starts on
	lines []int  // offsets in fm where lines start; made by textPos when needed
}

// parse splits src and parses its front matter; root is nil when that failed.
func parse(file string, src []byte, loc *time.Location) (d *decoder, fm FrontMatter, root *meta.Node, body []byte, bodyLine int) {
	if loc == nil {
		loc = time.UTC
	}
	d = &decoder{Decoder: meta.Decoder{File: file}, loc: loc, top: &meta.Node{Line: 1, Col: 1}}
	fm, body, bodyLine, err := Split(src)
	if err != nil {
		dg := err.(diag.Diagnostic)
		dg.File = file
		d.Diags.Add(dg)
		return d, fm, nil, nil, 0
	}
	d.checkUTF8(body, bodyLine)
	d.fm, d.first = fm.Data, fm.Line
	var ds diag.List
	if fm.Format == "toml" {
		root, ds = meta.ParseTOML(file, fm.Data, fm.Line)
	} else {
		root, ds = meta.ParseYAML(file, fm.Data, fm.Line)
	}
	d.Diags.Append(ds)
	if root != nil && root.Kind != meta.Map {
		d.Errorf(root, "write one `key: value` per line", "front matter must be a mapping of keys to values, not %s", root.Describe())
		root = nil
	}
	return d, fm, root, body, bodyLine
}

// checkUTF8 reports the first byte of body, which starts on line first,
// that is not UTF-8 (front matter is checked by its parser).
func (d *decoder) checkUTF8(body []byte, first int) {
	if utf8.Valid(body) {
		return
	}
	i := 0
	for i < len(body) {
		r, n := utf8.DecodeRune(body[i:])
		if r == utf8.RuneError && n <= 1 {
			break
		}
		i += n
	}
	start := bytes.LastIndexByte(body[:i], '\n') + 1
	line := first + bytes.Count(body[:start], []byte{'\n'})
	col := 1 + utf8.RuneCount(body[start:i])
	d.Diags.Errorf(d.File, line, col, "save the file as UTF-8 (it is probably in Latin-1 or Windows-1252: your editor can convert it); pages would show � in its place",
		"the text is not valid UTF-8: byte 0x%02X", body[i])
}

// DecodeIncident decodes one incident file; file is its slash path relative
// to the knowledge-base root, used in diagnostics and as Incident.Source.
// Dates without a zone are read in loc (UTC when nil). The incident is nil
// when the front matter could not be split or parsed; otherwise it holds
// everything that decoded, even when diagnostics report errors in some
// fields. Checks across files (duplicate slugs, related ids) are Check's.
func DecodeIncident(file string, src []byte, loc *time.Location) (*Incident, diag.List) {
	d, fm, root, body, bodyLine := parse(file, src, loc)
	if root == nil {
		return nil, d.Diags
	}
	in := &Incident{Source: file, Format: fm.Format, Body: body, BodyLine: bodyLine, Visibility: "public"}
	p := &in.pos
	var title, date, summary, keywords, updated, focus *meta.Node
	for _, kv := range root.Pairs {
		k, v := kv.Key.Value, kv.Value
		switch k {
		case "title":
			title, in.Title = v, d.Text(v, k)
		case "date":
			date, in.Date = v, d.date(v, k, PrecisionDay)
		case "summary":
			summary, in.Summary = v, d.Text(v, k)
			if strings.Contains(in.Summary, "<") {
				d.Warnf(v, "keep the summary plain text; it is used as-is in meta tags, feeds and search results", "`summary` contains `<`, which looks like HTML")
			}
		case "keywords":
			keywords, in.Keywords = v, d.keywords(v, k)
		case "slug":
			p.slug, in.Slug = atNode(v), d.slug(v, k)
		case "id":
			p.id, in.ID = atNode(v), d.Text(v, k)
		case "updated":
			updated, in.Updated = v, d.date(v, k, PrecisionDay)
		case "focus_keyword":
			focus, in.FocusKeyword = v, d.Text(v, k)
		case "authors":
			in.Authors = d.authors(v, k)
		case "severity":
			in.Severity = d.Enum(v, k, Severities)
		case "status":
			in.Status = d.Enum(v, k, Statuses)
		case "visibility":
			if s := d.Enum(v, k, Visibilities); s != "" {
				in.Visibility = s
			}
		case "actors":
			in.Actors = d.TextList(v, k, nil)
		case "sectors":
			in.Sectors = d.TextList(v, k, nil)
		case "countries":
			in.Countries = d.TextList(v, k, nil)
		case "techniques":
			in.Techniques = d.TextList(v, k, d.pattern(techniqueRE, "a MITRE ATT&CK technique id", "T1566 or T1566.001"))
		case "cves":
			in.CVEs = d.TextList(v, k, d.pattern(cveRE, "a CVE id", "CVE-2021-44228"))
		case "timeline":
			in.Timeline = d.timeline(v, k)
		case "sources":
			in.Sources = d.sources(v, k)
		case "faq":
			in.FAQ = d.faq(v, k)
		case "related":
			in.Related = d.TextList(v, k, func(it *meta.Node, _ string) bool {
				p.related = append(p.related, atNode(it))
				return true
			})
		case "aliases":
			in.Aliases, p.aliases = d.aliases(v, k)
		case "image":
			in.Image = d.Image(v, k)
		case "draft":
			in.Draft = d.Bool(v, k)
		case "internal_notes":
			in.InternalNotes, in.NotesLine = d.Text(v, k), v.Line
			in.NotesAt = d.textPos(v, in.InternalNotes)
		default:
			d.Unknown(kv.Key, "", IncidentKeys, synonyms)
		}
	}
	d.required(title, in.Title != "", "title", "a short headline")
	d.required(date, !in.Date.IsZero(), "date", "2024-03-01")
	d.required(summary, in.Summary != "", "summary", "one to three plain-text sentences")
	d.required(keywords, len(in.Keywords) > 0, "keywords", "[first-keyword, second-keyword]")
	if in.Slug == "" && !p.slug.written() {
		in.Slug = d.fileSlug(file)
	}
	if in.ID == "" {
		in.ID = in.Slug
	}
	if in.FocusKeyword == "" && len(in.Keywords) > 0 {
		in.FocusKeyword = in.Keywords[0]
	} else if in.FocusKeyword != "" && !containsSlug(in.Keywords, in.FocusKeyword) {
		d.Warnf(focus, fmt.Sprintf("add `%s` to `keywords:`", in.FocusKeyword), "focus keyword `%s` is not one of the keywords", in.FocusKeyword)
	}
	if !in.Updated.IsZero() && !in.Date.IsZero() && in.Updated.Before(in.Date.Time) {
		d.Errorf(updated, "`updated` is when the incident last changed, so it cannot be earlier than `date`; swap them or fix the typo",
			"`updated` (%s) is before `date` (%s)", updated.Value, date.Value)
	}
	p.date, p.updated = atNode(date), atNode(updated)
	in.pack()
	d.Diags.Sort()
	return in, d.Diags
}

// DecodePage decodes one plain page (content/<name>.md); see DecodeIncident.
func DecodePage(file string, src []byte, loc *time.Location) (*Page, diag.List) {
	d, fm, root, body, bodyLine := parse(file, src, loc)
	if root == nil {
		return nil, d.Diags
	}
	pg := &Page{Source: file, Format: fm.Format, Body: body, BodyLine: bodyLine}
	p := &pg.pos
	var title, date, updated, summary *meta.Node
	for _, kv := range root.Pairs {
		k, v := kv.Key.Value, kv.Value
		switch k {
		case "title":
			title, pg.Title = v, d.Text(v, k)
		case "slug":
			p.slug, pg.Slug = atNode(v), d.slug(v, k)
		case "summary", "description":
			if summary != nil {
				d.Errorf(kv.Key, "keep one of them", "`summary` and `description` are the same field and both are given")
			}
			summary, pg.Summary = v, d.Text(v, k)
		case "date":
			date, pg.Date = v, d.date(v, k, PrecisionDay)
		case "updated":
			updated, pg.Updated = v, d.date(v, k, PrecisionDay)
		case "aliases":
			pg.Aliases, p.aliases = d.aliases(v, k)
		case "draft":
			pg.Draft = d.Bool(v, k)
		case "weight":
			pg.Weight, _ = d.Int(v, k)
		default:
			d.Unknown(kv.Key, "", PageKeys, nil)
		}
	}
	d.required(title, pg.Title != "", "title", "About this site")
	if pg.Slug == "" && !p.slug.written() {
		pg.Slug = d.fileSlug(file)
	}
	if !pg.Updated.IsZero() && !pg.Date.IsZero() && pg.Updated.Before(pg.Date.Time) {
		d.Errorf(updated, "`updated` cannot be earlier than `date`", "`updated` (%s) is before `date` (%s)", updated.Value, date.Value)
	}
	p.date, p.updated = atNode(date), atNode(updated)
	d.Diags.Sort()
	return pg, d.Diags
}

// required reports a missing (v == nil) or empty required field.
func (d *decoder) required(v *meta.Node, ok bool, key, example string) {
	switch {
	case v == nil:
		d.Errorf(d.top, fmt.Sprintf("add `%s: %s` to the front matter", key, example), "missing required field `%s`", key)
	case !ok && (v.Kind == meta.Null || (v.Kind == meta.Scalar && strings.TrimSpace(v.Value) == "") || (v.Kind == meta.List && len(v.Items) == 0)):
		d.Errorf(v, fmt.Sprintf("write `%s: %s`", key, example), "`%s` is empty", key)
	}
}

// date decodes a date that needs at least precision need.
func (d *decoder) date(v *meta.Node, key string, need Precision) Date {
	s := d.Text(v, key)
	if s == "" {
		return Date{}
	}
	dt, err := ParseDate(s, d.loc)
	forms := DateForms
	if need < PrecisionDay {
		forms = "YYYY, YYYY-MM, " + forms
	}
	switch {
	case err != nil:
		d.Errorf(v, "write "+forms, "`%s` is not a valid date: `%s` (%s)", key, meta.Shorten(s, 40), err)
		return Date{}
	case dt.Precision < need:
		d.Errorf(v, "write the day too: YYYY-MM-DD", "`%s` needs a full date, `%s` gives only the %s", key, s, map[Precision]string{PrecisionYear: "year", PrecisionMonth: "month"}[dt.Precision])
		return Date{}
	}
	return dt
}

// MaxKeywords is the most keywords an incident may have. Every keyword gets
// a page and a feed that lists the incident with all its keywords, so the
// output grows with the square of an incident's keywords: 10,000 would
// write gigabytes.
const MaxKeywords = 100

func (d *decoder) keywords(v *meta.Node, key string) []string {
	seen := map[string]string{}
	return d.TextList(v, key, func(it *meta.Node, s string) bool {
		slug := Slugify(s)
		if slug == "" {
			d.Errorf(it, "use letters or digits", "keyword `%s` has no letter or digit, so it cannot have a page", s)
			return false
		}
		if prev, ok := seen[slug]; ok {
			d.Warnf(it, "remove one of them", "keyword `%s` is the same keyword as `%s`", s, prev)
			return false
		}
		if len(seen) == MaxKeywords {
			d.Errorf(it, fmt.Sprintf("keep the %d readers search for most; every keyword gets its own page and feed", MaxKeywords),
				"an incident may have at most %d keywords; this is keyword %d", MaxKeywords, MaxKeywords+1)
			seen[slug] = s
			return false
		}
		if len(seen) > MaxKeywords {
			return false
		}
		seen[slug] = s
		return true
	})
}

func (d *decoder) slug(v *meta.Node, key string) string {
	s := d.Text(v, key)
	if why := CheckSlug(s); why != "" {
		hint := "a slug is one URL path segment such as `db-disk-full`"
		if alt := Slugify(s); alt != "" && len(alt) <= MaxSlugLen {
			hint = fmt.Sprintf("write `%s: %s`", key, alt)
		}
		d.Errorf(v, hint, "`%s` `%s` %s", key, meta.Shorten(s, 60), why)
		return ""
	}
	return s
}

// fileSlug derives the default slug from the file name.
func (d *decoder) fileSlug(file string) string {
	s := Slugify(strings.TrimSuffix(path.Base(file), ".md"))
	if CheckSlug(s) != "" {
		d.Errorf(d.top, "rename the file, or add `slug: some-name` to the front matter", "cannot make a slug from the file name `%s`", path.Base(file))
		return ""
	}
	return s
}

// pattern returns a TextList check for ids such as T1566 or CVE-2021-44228.
func (d *decoder) pattern(re *regexp.Regexp, what, example string) func(*meta.Node, string) bool {
	return func(it *meta.Node, s string) bool {
		if re.MatchString(s) {
			return true
		}
		hint := "write it like " + example
		if up := strings.ToUpper(s); re.MatchString(up) {
			hint = fmt.Sprintf("did you mean `%s`?", up)
		}
		d.Errorf(it, hint, "`%s` is not %s", meta.Shorten(s, 40), what)
		return false
	}
}

func (d *decoder) aliases(v *meta.Node, key string) ([]string, []at) {
	var nodes []at
	list := d.TextList(v, key, func(it *meta.Node, s string) bool {
		if why := checkAlias(s); why != "" {
			d.Errorf(it, "write the old URL path from the site root, e.g. /2021/old-name/", "alias `%s` %s", meta.Shorten(s, 60), why)
			return false
		}
		nodes = append(nodes, atNode(it))
		return true
	})
	return list, nodes
}

// checkAlias returns "" when s is a safe root-relative URL path.
func checkAlias(s string) string {
	switch {
	case !strings.HasPrefix(s, "/"):
		return "must start with `/`"
	case strings.HasPrefix(s, "//"):
		return "must not start with `//`"
	case s == "/":
		return "would replace the home page"
	case strings.ContainsAny(s, `\?#`):
		return "must be a plain path, without `\\`, `?` or `#`"
	case strings.ContainsFunc(s, func(r rune) bool { return unicode.IsControl(r) || unicode.IsSpace(r) || r == 0xFFFD }):
		return "must not contain white space or control characters"
	}
	for _, seg := range strings.Split(s, "/") {
		if seg == "." || seg == ".." {
			return "must not contain `.` or `..` segments"
		}
	}
	return ""
}

// entries decodes a list of mappings with the given keys, calling fn with
// the values of the known keys (nil where absent).
func (d *decoder) entries(v *meta.Node, key, example string, known []string, fn func(e *meta.Node, f []*meta.Node)) {
	for _, e := range d.List(v, key) {
		if e.Kind != meta.Map {
			d.Errorf(e, "write each entry as "+example, "each entry of `%s` must be a mapping with %s, not %s", key, strings.Join(known, ", "), e.Describe())
			continue
		}
		fn(e, d.Fields(e, key, known))
	}
}

// field returns the text of f, reporting a missing or empty required field.
func (d *decoder) field(e, f *meta.Node, list, key string, required bool) string {
	if f == nil {
		if required {
			d.Errorf(e, fmt.Sprintf("add `%s:` to the entry", key), "%s entry has no `%s`", list, key)
		}
		return ""
	}
	s := d.Text(f, key)
	if s == "" && required && (f.Kind == meta.Null || f.Kind == meta.Scalar) {
		d.Errorf(f, fmt.Sprintf("fill in `%s` or remove the entry", key), "`%s` of a %s entry is empty", key, list)
	}
	return s
}

func (d *decoder) authors(v *meta.Node, key string) []Author {
	var out []Author
	for _, e := range d.List(v, key) {
		switch e.Kind {
		case meta.Scalar:
			if s := d.Text(e, key); s != "" {
				out = append(out, Author{Name: s})
			}
		case meta.Map:
			f := d.Fields(e, key, []string{"name", "url"})
			a := Author{Name: d.field(e, f[0], "authors", "name", true)}
			if f[1] != nil {
				a.URL = d.URL(f[1], "url")
			}
			if a.Name != "" {
				out = append(out, a)
			}
		default:
			d.Errorf(e, "write `- name: Jane Doe` (and optionally `url:`), or just `- Jane Doe`", "each entry of `authors` must be a name or a mapping with name and url, not %s", e.Describe())
		}
	}
	return out
}

func (d *decoder) timeline(v *meta.Node, key string) (out []TimelineEntry) {
	d.entries(v, key, "`- date: 2024-03-01` with `event: what happened`", []string{"date", "event"}, func(e *meta.Node, f []*meta.Node) {
		t := TimelineEntry{Line: e.Line, Event: d.field(e, f[1], "timeline", "event", true)}
		if d.field(e, f[0], "timeline", "date", true) != "" {
			t.Date = d.date(f[0], "date", PrecisionYear)
		}
		out = append(out, t)
	})
	return out
}

func (d *decoder) sources(v *meta.Node, key string) (out []Source) {
	d.entries(v, key, "`- title: Vendor advisory` with `url: https://...`", []string{"title", "url", "publisher", "date"}, func(e *meta.Node, f []*meta.Node) {
		s := Source{Line: e.Line, Title: d.field(e, f[0], "sources", "title", true)}
		if d.field(e, f[1], "sources", "url", true) != "" {
			s.URL = d.URL(f[1], "url")
		}
		s.Publisher = d.field(e, f[2], "sources", "publisher", false)
		if f[3] != nil {
			s.Date = d.date(f[3], "date", PrecisionYear)
		}
		out = append(out, s)
	})
	return out
}

func (d *decoder) faq(v *meta.Node, key string) (out []FAQEntry) {
	d.entries(v, key, "`- question: Was data lost?` with `answer: No.`", []string{"question", "answer"}, func(e *meta.Node, f []*meta.Node) {
		q := FAQEntry{Line: e.Line, Col: e.Col,
			Question: d.field(e, f[0], "faq", "question", true),
			Answer:   d.field(e, f[1], "faq", "answer", true)}
		if f[0] != nil {
			q.Line, q.Col = f[0].Line, f[0].Col
		}
		if f[1] != nil {
			q.AnswerAt = d.textPos(f[1], q.Answer)
		}
		out = append(out, q)
	})
	return out
}

// containsSlug reports whether a keyword of list is the same keyword as k.
func containsSlug(list []string, k string) bool {
	s := Slugify(k)
	for _, x := range list {
		if Slugify(x) == s {
			return true
		}
	}
	return false
}
