package site_test

// Output security (issue 7, part 5): the OWASP XSS filter-evasion vectors
// (testdata/xss/owasp-vectors.txt) go through every string-valued
// front-matter field of an incident, the markdown body, plain pages and the
// configuration; no built page may hold an executable script vector that
// came from content.
//
// How it runs, to stay fast (a few seconds, most of it the builds):
//
//   - Three sites hold one incident per vector, each incident carrying its
//     vector in every field at once: "public" (every field, every facet's
//     term pages, plus one plain page per vector), "internal" (the internal
//     profile: relative links, internal_notes and "::: internal" blocks;
//     keyword term pages only, the other facets use the same templates) and
//     "unsafe_html" (unsafe_html: true; only markdown carries vectors, since
//     nothing else depends on the setting).
//   - A field that rejects a value fails the build with a diagnostic naming
//     its file and line. Every value sits on lines of its own (a "unit"), so
//     the test maps each error to its unit, records the rejection, puts a
//     harmless value in its place (or drops it) and builds again until the
//     build succeeds. Only successful builds are inspected; a panic fails
//     the test. XSS_REASONS=1 logs why each value was rejected.
//   - Aliases made of vectors (/old/<i>/<vector>) fail late in a build (on
//     the output path check), so they get a small site of their own.
//   - The configuration takes one value per field: see xssConfigs.
//   - The theme's own scripts, links, metas and forms are learnt from the
//     same sites built with harmless values: an element of a restricted kind
//     (htmlsafe.Restricted) must have the signature of one of them.
//
// What is checked in every output file:
//
//   - HTML: htmlsafe.Check (no script, iframe, object, embed, base, style,
//     link, meta http-equiv/charset or form that the theme does not emit; no
//     on* attribute, srcdoc or formaction; no script in style; every URL
//     attribute relative or http, https, mailto or tel, read the way a
//     browser reads it). JSON-LD scripts hold valid JSON with no "<!--" or
//     "<script"/"</script", the HTML in their strings (FAQ answers) passes
//     the same check, their URLs the URL rule. Meta refresh redirects (alias
//     pages) point into the site.
//   - Feeds and sitemap: well-formed XML, safe link URLs.
//   - JSON export: valid JSON, safe URLs, answer_html passes the check.
//   - Search index scripts: one CasefileSearch call with JSON arguments, no
//     "</script", "<script" or "<!--".
//
// With unsafe_html the author asked for raw HTML in markdown: a raw
// <script> or onclick is theirs to write. What must still hold is the rule
// the README states: links whose scheme is not http, https, mailto or tel
// are neutralised, even with unsafe_html (raw <a href>, <img src>, <form
// action>… included). So that site checks the URL rule alone in pages and
// answer_html, and JSON-LD, XML and search files fully (none of them
// carries raw HTML).
//
// `image:` and `publisher.logo` must be a site path or an absolute http(s)
// URL, so no other scheme reaches og:image, twitter:image or JSON-LD.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"regexp"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"golang.org/x/net/html"

	"casefile"
	"casefile/generator/config"
	"casefile/generator/diag"
	"casefile/generator/internal/htmlsafe"
	"casefile/generator/internal/sitetest"
	"casefile/generator/output"
	"casefile/generator/site"
)

const xssBase = "https://kb.example.org/"

// xssLoadVectors reads testdata/xss/owasp-vectors.txt (format described at
// its top) in file order; a repeated vector fails the test.
func xssLoadVectors(t testing.TB) []string {
	t.Helper()
	f, err := os.Open("testdata/xss/owasp-vectors.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	seen := map[string]bool{}
	sc := bufio.NewScanner(f)
	for ln := 1; sc.Scan(); ln++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if rest, ok := strings.CutPrefix(line, "esc:"); ok {
			v, err := strconv.Unquote(`"` + rest + `"`)
			if err != nil {
				t.Fatalf("owasp-vectors.txt:%d: bad esc: line: %v", ln, err)
			}
			line = v
		}
		if seen[line] {
			t.Fatalf("owasp-vectors.txt:%d: repeated vector %q", ln, line)
		}
		seen[line] = true
		out = append(out, line)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(out) < 80 {
		t.Fatalf("only %d vectors", len(out))
	}
	return out
}

// xssQ quotes s for YAML: a JSON string is a valid YAML double-quoted scalar.
func xssQ(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return strings.TrimSuffix(b.String(), "\n")
}

// --- knowledge bases made of units ---------------------------------------------

// xssUnit is one value under test: lines of a file that carry one field.
type xssUnit struct {
	field  string // e.g. "title", "authors.url", "body.link", "config.menu.url"
	vector int    // index into the vector list
	text   string // what the file holds (ends with "\n")
	safe   string // what replaces it once rejected; "" drops it
	value  string // the vector
	given  string // the field's value as written (vector, or a path made of it)

	rejected bool
	msg      string // the diagnostic that rejected it
	from, to int    // lines of text in the generated file (1-based, inclusive)
}

// xssDoc is one generated file: fixed text and units.
type xssDoc struct {
	name    string
	parts   []any // string or *xssUnit
	dropped string
}

func (d *xssDoc) add(s string)    { d.parts = append(d.parts, s) }
func (d *xssDoc) unit(u *xssUnit) { d.parts = append(d.parts, u) }
func (d *xssDoc) units() []*xssUnit {
	var us []*xssUnit
	for _, p := range d.parts {
		if u, ok := p.(*xssUnit); ok {
			us = append(us, u)
		}
	}
	return us
}

// render writes the file, recording the lines of each unit.
func (d *xssDoc) render() []byte {
	var b strings.Builder
	line := 1
	for _, p := range d.parts {
		var s string
		switch p := p.(type) {
		case string:
			s = p
		case *xssUnit:
			s = p.text
			if p.rejected {
				s = p.safe
			}
			p.from, p.to = line, line+strings.Count(strings.TrimSuffix(s, "\n"), "\n")
			if s == "" {
				p.from, p.to = 0, -1 // no lines
			}
		}
		b.WriteString(s)
		line += strings.Count(s, "\n")
	}
	return []byte(b.String())
}

// unitAt returns the unit on the line of the last render, nil if none.
func (d *xssDoc) unitAt(line int) *xssUnit {
	for _, u := range d.units() {
		if line >= u.from && line <= u.to {
			return u
		}
	}
	return nil
}

// unitNamed returns the unit whose value the message quotes (the longest
// one), for diagnostics without a line, such as output-path errors.
func (d *xssDoc) unitNamed(msg string) *xssUnit {
	var best *xssUnit
	for _, u := range d.units() {
		if u.given != "" && strings.Contains(msg, u.given) && (best == nil || len(u.given) > len(best.given)) {
			best = u
		}
	}
	return best
}

type xssMode struct {
	name         string
	profile      string
	unsafe       bool   // unsafe_html: true
	taxonomies   string // the config's taxonomies, "" for the default (all)
	markdownOnly bool   // only markdown carries vectors
}

var (
	// The public site carries every field and gets every facet's pages.
	xssPublic = xssMode{name: "public", profile: site.ProfilePublic}
	// The internal export adds internal notes and blocks and makes links
	// relative; term pages are the same templates, so keywords suffice.
	xssInternal = xssMode{name: "internal", profile: site.ProfileInternal, taxonomies: "[keywords]"}
	// unsafe_html changes markdown alone: only markdown carries vectors.
	xssUnsafe = xssMode{name: "unsafe_html", profile: site.ProfilePublic, unsafe: true, taxonomies: "[keywords]", markdownOnly: true}
)

// xssKB is a knowledge base under test.
type xssKB struct {
	mode xssMode
	docs []*xssDoc
}

func (k *xssKB) fs() fstest.MapFS {
	fsys := fstest.MapFS{}
	for _, d := range k.docs {
		if d.dropped == "" {
			fsys[d.name] = &fstest.MapFile{Data: d.render(), Mode: 0o644}
		}
	}
	return fsys
}

func (k *xssKB) doc(name string) *xssDoc {
	for _, d := range k.docs {
		if d.name == name {
			return d
		}
	}
	return nil
}

func (k *xssKB) units() []*xssUnit {
	var us []*xssUnit
	for _, d := range k.docs {
		us = append(us, d.units()...)
	}
	return us
}

// xssSiteConfig is the configuration of the sites that carry vectors in
// content.
func xssSiteConfig(m xssMode) *xssDoc {
	d := &xssDoc{name: "casefile.yaml"}
	d.add("title: XSS KB\nbase_url: " + xssBase + "\ndescription: Vectors.\npaginate: 10\nhome_count: 10\nrelated_count: 3\n")
	if m.unsafe {
		d.add("unsafe_html: true\n")
	}
	if m.taxonomies != "" {
		d.add("taxonomies: " + m.taxonomies + "\n")
	}
	return d
}

// xssIncidentKB has one incident per vector (and in the public site one
// plain page per vector), each with the vector in every field (in markdown
// only for markdownOnly).
func xssIncidentKB(mode xssMode, vectors []string) *xssKB {
	k := &xssKB{mode: mode, docs: []*xssDoc{xssSiteConfig(mode)}}
	for i, v := range vectors {
		next := vectors[(i+1)%len(vectors)]
		k.docs = append(k.docs, xssIncidentDoc(mode, i, v, next))
		if mode == xssPublic { // pages are rendered as incidents are in the other modes
			k.docs = append(k.docs, xssPageDoc(mode, i, v))
		}
	}
	return k
}

func xssIncidentDoc(mode xssMode, i int, v, next string) *xssDoc {
	d := &xssDoc{name: fmt.Sprintf("content/incidents/v%03d.md", i)}
	u := func(field, text, safe string) {
		if !mode.markdownOnly || field == "faq.answer" {
			d.unit(&xssUnit{field: field, vector: i, text: text, safe: safe, value: v, given: v})
		} else if safe != "" {
			d.add(safe)
		}
	}
	date := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i).Format("2006-01-02")
	d.add("---\n")
	u("title", "title: "+xssQ(v)+"\n", fmt.Sprintf("title: Incident %d\n", i))
	d.add("date: " + date + "\n")
	u("summary", "summary: "+xssQ(v)+"\n", "summary: A summary.\n")
	d.add("keywords:\n  - xss\n")
	u("keywords", "  - "+xssQ(v)+"\n", "")
	u("focus_keyword", "focus_keyword: "+xssQ(v)+"\n", "")
	u("slug", "slug: "+xssQ(v)+"\n", "")
	u("id", "id: "+xssQ(v)+"\n", "")
	d.add("authors:\n  - Analyst\n")
	u("authors.name", "  - "+xssQ(v)+"\n", "")
	u("authors.name", "  - {name: "+xssQ(v)+", url: \"https://example.org/author\"}\n", "")
	u("authors.url", "  - {name: Editor, url: "+xssQ(v)+"}\n", "")
	u("severity", "severity: "+xssQ(v)+"\n", "")
	u("status", "status: "+xssQ(v)+"\n", "")
	u("visibility", "visibility: "+xssQ(v)+"\n", "")
	u("actors", "actors: ["+xssQ(v)+"]\n", "")
	u("sectors", "sectors: ["+xssQ(v)+"]\n", "")
	u("countries", "countries: ["+xssQ(v)+"]\n", "")
	d.add("techniques:\n  - T1566\n")
	u("techniques", "  - "+xssQ(v)+"\n", "")
	d.add("cves:\n  - CVE-2021-44228\n")
	u("cves", "  - "+xssQ(v)+"\n", "")
	d.add("timeline:\n  - date: 2023-12\n    event: Harmless event\n")
	u("timeline.event", "  - date: 2024-01\n    event: "+xssQ(v)+"\n", "")
	d.add("sources:\n  - title: Harmless source\n    url: https://example.org/source\n")
	u("sources.title", "  - title: "+xssQ(v)+"\n    url: https://example.org/s1\n", "")
	u("sources.publisher", "  - title: Report\n    url: https://example.org/s2\n    publisher: "+xssQ(v)+"\n", "")
	u("sources.url", "  - title: Report\n    url: "+xssQ(v)+"\n", "")
	d.add("faq:\n  - question: Harmless question?\n    answer: Harmless answer.\n")
	u("faq.question", "  - question: "+xssQ(v+" (front matter)")+"\n    answer: An answer.\n", "")
	u("faq.answer", "  - question: "+xssQ(fmt.Sprintf("Question %d?", i))+"\n    answer: "+xssQ(v)+"\n", "")
	u("related", "related: ["+xssQ(next)+"]\n", "")
	d.add("aliases:\n  - /old/" + strconv.Itoa(i) + "/\n")
	u("aliases", "  - "+xssQ(v)+"\n", "") // paths made of vectors: xssPathsKB
	u("image", "image: "+xssQ(v)+"\n", "")
	if mode.profile == site.ProfileInternal {
		// In a public build the leak guard would (rightly) fail on internal
		// notes that repeat the public text.
		u("internal_notes", "internal_notes: "+xssQ(v)+"\n", "")
	}
	d.add("---\n")
	xssBodyUnits(d, i, v, true, mode.profile == site.ProfileInternal)
	return d
}

func xssPageDoc(mode xssMode, i int, v string) *xssDoc {
	d := &xssDoc{name: fmt.Sprintf("content/p%03d.md", i)}
	u := func(field, text, safe string) {
		if !mode.markdownOnly {
			d.unit(&xssUnit{field: field, vector: i, text: text, safe: safe, value: v, given: v})
		} else if safe != "" {
			d.add(safe)
		}
	}
	d.add("---\n")
	u("page.title", "title: "+xssQ(v)+"\n", fmt.Sprintf("title: Page %d\n", i))
	u("page.summary", "summary: "+xssQ(v)+"\n", "")
	u("page.slug", "slug: "+xssQ(v)+"\n", "")
	d.add("---\n")
	xssBodyUnits(d, i, v, false, false)
	return d
}

// xssBodyUnits puts the vector in the places markdown gives it as text:
// inline text (inline raw HTML), a block of its own (an HTML block), link
// text, a heading (ids, {attributes}) and the body FAQ (question and
// answer). Link and image destinations are xssLinkUnits'. Lists, quotes and
// table cells hold the same inline and block content and are left out to
// keep the sites small (the vectors include a table).
func xssBodyUnits(d *xssDoc, i int, v string, incident, internal bool) {
	u := func(field, text string) {
		d.unit(&xssUnit{field: "body." + field, vector: i, text: text, value: v})
	}
	u("paragraph", "Before "+v+" after.\n\n")
	u("block", v+"\n\n")
	u("link-text", "["+v+"](https://example.org/)\n\n")
	if !incident {
		return
	}
	u("heading", "## Section "+v+"\n\n")
	if internal {
		u("internal-block", "::: internal\n"+v+"\n:::\n\n")
	}
	q := v // a heading is one line: a vector with line breaks asks a plain question
	if strings.ContainsAny(v, "\r\n") {
		q = fmt.Sprintf("Body question %d", i)
	}
	u("faq", "## FAQ\n\n### "+q+"?\n\nAnswer.\n\n"+v+"\n") // "Answer.": a vector may start with a heading
}

// xssLinkUnits puts the vector in link and image destinations (inline,
// pointed, by reference). Many vectors make relative links to nothing,
// which the build rejects only once every page is rendered, so these get
// sites of their own (xssLinksKB) with small pages.
func xssLinkUnits(d *xssDoc, i int, v string) {
	u := func(field, text string) {
		d.unit(&xssUnit{field: "body." + field, vector: i, text: text, value: v})
	}
	u("link", "[link]("+v+")\n\n")
	u("link-angle", "[link](<"+v+">)\n\n")
	u("image", "![image]("+v+")\n\n")
	u("reference", fmt.Sprintf("[reference][r%d]\n\n[r%d]: %s\n\n", i, i, v))
}

// xssLinksKB has one small incident (and, in the public site, one plain
// page) per vector, with the vector in link and image destinations.
func xssLinksKB(mode xssMode, vectors []string) *xssKB {
	k := &xssKB{mode: mode, docs: []*xssDoc{xssSiteConfig(xssMode{unsafe: mode.unsafe, taxonomies: "[keywords]"})}}
	for i, v := range vectors {
		d := &xssDoc{name: fmt.Sprintf("content/incidents/l%03d.md", i)}
		d.add(fmt.Sprintf("---\ntitle: Links %d\ndate: 2024-01-02\nsummary: Links.\nkeywords: [xss]\n---\n", i))
		xssLinkUnits(d, i, v)
		k.docs = append(k.docs, d)
		if mode == xssPublic {
			d := &xssDoc{name: fmt.Sprintf("content/l%03d.md", i)}
			d.add(fmt.Sprintf("---\ntitle: Page links %d\n---\n", i))
			xssLinkUnits(d, i, v)
			k.docs = append(k.docs, d)
		}
	}
	return k
}

const xssPlainIncident = `---
title: Plain incident
date: 2024-01-02
summary: Nothing to see.
keywords: [plain]
severity: high
timeline:
  - date: 2024-01
    event: Something happened
sources:
  - title: Report
    url: https://example.org/report
faq:
  - question: Why?
    answer: Because.
---
## What happened

Text with a [link](https://example.net/).
`

// xssPathsKB gives aliases made of every vector (/old/<i>/<vector>) to one
// incident and one plain page. Such paths fail late in a build (when output
// paths are checked), so they get a small site of their own.
func xssPathsKB(vectors []string) *xssKB {
	in := &xssDoc{name: "content/incidents/a.md"}
	frontMatter := xssPlainIncident[:strings.Index(xssPlainIncident, "---\n## What")] // without the closing line
	in.add(frontMatter + "aliases:\n  - /old/\n")
	pg := &xssDoc{name: "content/about.md"}
	pg.add("---\ntitle: About\naliases:\n  - /page-old/\n")
	for i, v := range vectors {
		p := fmt.Sprintf("/old/%d/%s", i, v)
		in.unit(&xssUnit{field: "aliases", vector: i, text: "  - " + xssQ(p) + "\n", value: v, given: p})
		p = fmt.Sprintf("/page-old/%d/%s", i, v)
		pg.unit(&xssUnit{field: "page.aliases", vector: i, text: "  - " + xssQ(p) + "\n", value: v, given: p})
	}
	in.add("---\nBody.\n")
	pg.add("---\nAbout.\n")
	return &xssKB{mode: xssPublic, docs: []*xssDoc{xssSiteConfig(xssPublic), in, pg}}
}

// xssConfigDoc is a configuration with vector i in every field.
func xssConfigDoc(v string, i int) *xssDoc {
	d := &xssDoc{name: "casefile.yaml"}
	u := func(field, text, safe string) {
		d.unit(&xssUnit{field: "config." + field, vector: i, text: text, safe: safe, value: v, given: v})
	}
	u("title", "title: "+xssQ(v)+"\n", "")
	u("description", "description: "+xssQ(v)+"\n", "")
	u("base_url", "base_url: "+xssQ(v)+"\n", "")
	u("language", "language: "+xssQ(v)+"\n", "")
	u("timezone", "timezone: "+xssQ(v)+"\n", "")
	u("article_type", "article_type: "+xssQ(v)+"\n", "")
	u("twitter", "twitter: "+xssQ(v)+"\n", "")
	u("image", "image: "+xssQ(v)+"\n", "")
	u("copyright", "copyright: "+xssQ(v)+"\n", "")
	d.add("publisher:\n")
	u("publisher.name", "  name: "+xssQ(v)+"\n", "  name: Publisher\n")
	u("publisher.url", "  url: "+xssQ(v)+"\n", "")
	u("publisher.logo", "  logo: "+xssQ(v)+"\n", "")
	d.add("authors:\n")
	u("authors.name", "  - {name: "+xssQ(v)+", url: \"https://example.org/a\"}\n", "  - Analyst\n")
	u("authors.url", "  - {name: Editor, url: "+xssQ(v)+"}\n", "")
	d.add("menu:\n")
	u("menu.name", "  - {name: "+xssQ(v)+", url: /about/}\n", "  - {name: About, url: /about/}\n")
	u("menu.url", "  - {name: Elsewhere, url: "+xssQ(v)+"}\n", "")
	d.add("profiles:\n  internal:\n")
	u("profiles.title", "    title: "+xssQ(v)+"\n", "    title: Internal\n")
	return d
}

// xssConfigs runs every vector through every configuration field. Which
// values a field takes is the configuration loader's call (config.Load, the
// build's first stage), asked once per vector. A single-valued text field
// then shows every vector it took over a few small sites: each site's value
// joins the vectors of one share with spaces (escaping does not depend on
// where in a value a vector stands; each share's first vector also stands
// at the start). URL-checked fields (base_url, publisher.url, image,
// publisher.logo) take one vector per site; list fields (authors, menu) one
// entry per vector.
func xssConfigs(t *testing.T, vectors []string) (units []*xssUnit, sites []*xssKB) {
	t.Helper()
	accepted := map[string][]int{}
	for i, v := range vectors {
		d := xssConfigDoc(v, i)
		for n := 0; ; n++ {
			_, diags := config.Load(fstest.MapFS{"casefile.yaml": {Data: d.render()}})
			progress := false
			for _, dg := range diags.Errors() {
				if u := d.unitAt(dg.Line); u != nil {
					u.rejected, u.msg, progress = true, dg.String(), true
				}
			}
			if len(diags.Errors()) == 0 {
				break
			}
			if !progress || n > 4 {
				t.Fatalf("config for vector %d keeps failing: %s", i, diags)
			}
		}
		for _, u := range d.units() {
			if !u.rejected {
				accepted[u.field] = append(accepted[u.field], i)
			}
		}
		units = append(units, d.units()...)
	}
	const shares = 6
	n := max(shares, len(accepted["config.base_url"]), len(accepted["config.publisher.url"]),
		len(accepted["config.image"]), len(accepted["config.publisher.logo"]))
	for j := range n {
		d := &xssDoc{name: "casefile.yaml"}
		share := func(field string) []string {
			var vs []string
			for _, i := range accepted["config."+field] {
				if i%shares == j {
					vs = append(vs, vectors[i])
				}
			}
			return vs
		}
		one := func(field string) string {
			if is := accepted["config."+field]; j < len(is) {
				return vectors[is[j]]
			}
			return ""
		}
		for _, f := range []string{"title", "description", "language", "twitter", "copyright"} {
			if vs := share(f); len(vs) > 0 {
				d.add(f + ": " + xssQ(strings.Join(vs, " ")) + "\n")
			}
		}
		if v := one("base_url"); v != "" {
			d.add("base_url: " + xssQ(v) + "\n")
		}
		if v := one("image"); v != "" {
			d.add("image: " + xssQ(v) + "\n")
		}
		d.add("publisher:\n  name: " + xssQ(strings.Join(append(share("publisher.name"), "Publisher"), " ")) + "\n")
		if v := one("publisher.logo"); v != "" {
			d.add("  logo: " + xssQ(v) + "\n")
		}
		if v := one("publisher.url"); v != "" {
			d.add("  url: " + xssQ(v) + "\n")
		}
		d.add("authors:\n  - Analyst\n")
		for _, v := range share("authors.name") {
			d.add("  - {name: " + xssQ(v) + ", url: \"https://example.org/a\"}\n")
		}
		for _, v := range share("authors.url") {
			d.add("  - {name: Editor, url: " + xssQ(v) + "}\n")
		}
		d.add("menu:\n  - {name: About, url: /about/}\n")
		for _, v := range share("menu.name") {
			d.add("  - {name: " + xssQ(v) + ", url: /about/}\n")
		}
		for _, v := range share("menu.url") {
			// A menu link to this site must name a page (the build's
			// link check), so the build may reject the entry.
			d.unit(&xssUnit{field: "config.menu.url (build)", text: "  - {name: Elsewhere, url: " + xssQ(v) + "}\n", value: v, given: v})
		}
		d.add("profiles:\n  internal:\n    title: " + xssQ(strings.Join(append(share("profiles.title"), "Internal"), " ")) + "\n")
		sites = append(sites, &xssKB{mode: xssPublic, docs: []*xssDoc{d,
			{name: "content/incidents/a.md", parts: []any{xssPlainIncident}},
			{name: "content/about.md", parts: []any{"---\ntitle: About\n---\nAbout the site.\n"}},
		}})
	}
	return units, sites
}

// --- building ------------------------------------------------------------------

type xssBuilt struct {
	kb     *xssKB
	out    *output.Memory
	base   *url.URL // the site's base URL
	builds int
	drops  []string // files left out after errors that named no unit
}

// xssBuild builds k, taking rejected units out until the build succeeds.
func xssBuild(t *testing.T, k *xssKB) *xssBuilt {
	t.Helper()
	b := &xssBuilt{kb: k}
	for {
		b.builds++
		out := output.NewMemory()
		res, err := xssBuildNoPanic(t, k, out)
		if err == nil {
			b.out = out
			if b.base, err = url.Parse(res.Config.BaseURL); err != nil {
				t.Fatalf("%s: base URL %q: %v", k.mode.name, res.Config.BaseURL, err)
			}
			return b
		}
		progress, drops := xssMarkRejected(t, k, err)
		b.drops = append(b.drops, drops...)
		if !progress || b.builds > 8 {
			t.Fatalf("%s: build keeps failing after %d attempts: %v", k.mode.name, b.builds, err)
		}
	}
}

// xssMarkRejected marks the units that err's diagnostics name as rejected, and
// leaves out files whose errors name no unit.
func xssMarkRejected(t *testing.T, k *xssKB, err error) (progress bool, drops []string) {
	t.Helper()
	var be *diag.BuildError
	if !errors.As(err, &be) {
		t.Fatalf("%s: build failed without diagnostics: %v", k.mode.name, err)
	}
	now := map[*xssUnit]bool{} // rejected by this build
	for _, dg := range be.List {
		if dg.Severity != diag.Error {
			continue
		}
		file, _, _ := strings.Cut(dg.File, " (") // "content/x.md (alias /old/)"
		d := k.doc(file)
		if d == nil || d.dropped != "" {
			continue
		}
		u := d.unitAt(dg.Line)
		if u == nil && dg.Line == 0 {
			u = d.unitNamed(dg.String())
		}
		if u != nil && (!u.rejected || now[u]) {
			u.rejected, u.msg, progress, now[u] = true, dg.String(), true, true
			continue
		}
		if d.name == "casefile.yaml" {
			t.Fatalf("%s: configuration error outside the units: %s", k.mode.name, dg)
		}
		d.dropped, progress = dg.String(), true
		drops = append(drops, dg.String())
	}
	return progress, drops
}

func xssBuildNoPanic(t *testing.T, k *xssKB, out output.Writer) (res *site.Result, err error) {
	t.Helper()
	defer func() {
		if p := recover(); p != nil {
			t.Fatalf("%s: build panicked: %v\n%s", k.mode.name, p, debug.Stack())
		}
	}()
	return site.Build(context.Background(), site.Options{
		Source:  k.fs(),
		Theme:   casefile.Theme,
		Out:     out,
		Profile: k.mode.profile,
	})
}

// --- the theme's own restricted elements ------------------------------------------

// xssThemeElements learns the signatures of the restricted elements the theme
// emits, from sites built with harmless values.
func xssThemeElements(t *testing.T) map[string]bool {
	t.Helper()
	harmless := make([]string, 12)
	for i := range harmless {
		harmless[i] = fmt.Sprintf("Harmless value %d", i)
	}
	harmless[1] = "```go\nx := 1\n```" // highlighted code links the chroma stylesheet
	sigs := map[string]bool{}
	for _, m := range []xssMode{xssPublic, xssInternal} {
		b := xssBuild(t, xssIncidentKB(m, harmless))
		for _, p := range b.out.Paths() {
			if !strings.HasSuffix(p, ".html") {
				continue
			}
			data, _ := b.out.Get(p)
			doc, err := html.Parse(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			page := xssPageURL(b.base, p)
			for n := range doc.Descendants() {
				if htmlsafe.Restricted(n) {
					sigs[xssSignature(n, b.base, page)] = true
				}
			}
		}
	}
	if len(sigs) == 0 {
		t.Fatal("the theme emits no restricted element?")
	}
	return sigs
}

// xssPageURL is the URL of output file p of the site at base.
func xssPageURL(base *url.URL, p string) *url.URL {
	u := *base
	u.Path = base.Path + p
	u.RawPath = ""
	return &u
}

// xssSitePath resolves a URL found on page: "site:/path" (the path from the
// site's root) inside the site at base, "other:" + the URL as written
// otherwise.
func xssSitePath(base, page *url.URL, v string) string {
	r, err := url.Parse(strings.TrimSpace(v))
	if err != nil {
		return "other:" + v
	}
	u := page.ResolveReference(r)
	if u.Scheme == base.Scheme && u.Host == base.Host && strings.HasPrefix(u.Path, base.Path) && u.User == nil {
		return "site:/" + strings.TrimPrefix(u.Path, base.Path)
	}
	return "other:" + v
}

// xssSignature identifies a restricted element independently of the page it
// is on and of content: tag, attributes, with links resolved to site paths
// and free text (meta content, link titles) left out. Links other than
// stylesheets and icons (canonical, prev/next, feeds) may point anywhere in
// the site; scripts, stylesheets, icons and form actions must name the same
// file as the theme's.
func xssSignature(n *html.Node, base, page *url.URL) string {
	var parts []string
	rel := ""
	for _, a := range n.Attr {
		if a.Key == "rel" {
			rel = strings.ToLower(a.Val)
		}
	}
	for _, a := range n.Attr {
		k, v := a.Key, a.Val
		if a.Namespace != "" {
			k = a.Namespace + ":" + k
		}
		switch {
		case k == "href" || k == "src" || k == "action":
			v = xssSitePath(base, page, v)
			if n.Data == "link" && rel != "stylesheet" && rel != "icon" && strings.HasPrefix(v, "site:") {
				v = "site:*"
			}
		case n.Data == "meta" && k == "content", n.Data == "link" && k == "title":
			v = "*"
		}
		parts = append(parts, k+"="+strconv.Quote(v))
	}
	sort.Strings(parts)
	sig := n.Namespace + ":" + n.Data + " " + strings.Join(parts, " ")
	if n.Data == "script" && xssAttr(n, "type") != "application/ld+json" || n.Data == "style" {
		sig += " text=" + strconv.Quote(xssText(n))
	}
	return sig
}

func xssAttr(n *html.Node, k string) string {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == k {
			return a.Val
		}
	}
	return ""
}

func xssText(n *html.Node) string {
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	}
	return b.String()
}

// --- inspecting the output ---------------------------------------------------------

type xssProblem struct{ file, what string }

type xssChecker struct {
	base     *url.URL // the site's base URL
	theme    map[string]bool
	urlsOnly bool // unsafe_html: markdown may hold raw HTML
	problems []xssProblem
	files    map[string]int // files checked, by kind
}

func (c *xssChecker) report(file, format string, args ...any) {
	c.problems = append(c.problems, xssProblem{file, fmt.Sprintf(format, args...)})
}

var xssSearchCall = regexp.MustCompile(`(?s)^CasefileSearch\.(manifest|shard|docs|keys)\((.*)\);?\s*$`)

func (c *xssChecker) check(out *output.Memory) {
	if c.files == nil {
		c.files = map[string]int{}
	}
	for _, p := range out.Paths() {
		data, _ := out.Get(p)
		switch {
		case strings.HasSuffix(p, ".html"):
			c.files["html"]++
			c.checkHTML(p, data)
		case strings.HasSuffix(p, ".xml"):
			c.files["xml"]++
			c.checkXML(p, data)
		case strings.HasSuffix(p, ".json"):
			c.files["json"]++
			c.checkJSON(p, data)
		case strings.HasPrefix(p, "search/") && strings.HasSuffix(p, ".js"):
			c.files["search js"]++
			m := xssSearchCall.FindSubmatch(data)
			if m == nil {
				c.report(p, "not one CasefileSearch call: %.120q", data)
				break
			}
			var args []any
			if err := json.Unmarshal(append(append([]byte("["), m[2]...), ']'), &args); err != nil {
				c.report(p, "arguments are not JSON: %v", err)
			}
			if xssScriptEnd(data) != "" {
				c.report(p, "holds %q", xssScriptEnd(data))
			}
		}
	}
}

// xssScriptEnd returns what in s could end or hide a script element.
func xssScriptEnd(s []byte) string {
	l := bytes.ToLower(s)
	for _, w := range []string{"</script", "<script", "<!--"} {
		if bytes.Contains(l, []byte(w)) {
			return w
		}
	}
	return ""
}

func (c *xssChecker) checkHTML(p string, data []byte) {
	doc, err := html.Parse(bytes.NewReader(data))
	if err != nil {
		c.report(p, "HTML does not parse: %v", err)
		return
	}
	page := xssPageURL(c.base, p)
	policy := htmlsafe.Policy{
		Allow:    func(n *html.Node) bool { return c.theme[xssSignature(n, c.base, page)] },
		URLsOnly: c.urlsOnly,
	}
	for _, f := range htmlsafe.Check(doc, policy) {
		c.report(p, "%s in %s", f, htmlsafe.Describe(f.Node))
	}
	for n := range doc.Descendants() {
		if n.Type != html.ElementNode || n.Namespace != "" {
			continue
		}
		switch {
		case n.Data == "script" && xssAttr(n, "type") == "application/ld+json":
			c.checkJSONLD(p, xssText(n))
		case n.Data == "meta" && strings.EqualFold(xssAttr(n, "http-equiv"), "refresh"):
			for _, u := range htmlsafe.RefreshURLs(xssAttr(n, "content")) {
				if !strings.HasPrefix(xssSitePath(c.base, page, u), "site:") {
					c.report(p, "meta refresh leaves the site: %q", u)
				}
			}
		}
	}
}

func (c *xssChecker) checkJSONLD(p, text string) {
	if w := xssScriptEnd([]byte(text)); w != "" {
		c.report(p, "JSON-LD holds %q", w)
	}
	var v any
	if err := json.Unmarshal([]byte(text), &v); err != nil {
		c.report(p, "JSON-LD is not valid JSON (%v): %.200q", err, text)
		return
	}
	// JSON-LD is structured data: its HTML (FAQ answers) is sanitised
	// whatever unsafe_html says.
	c.checkJSONValue(p+" (JSON-LD)", "", "", v, htmlsafe.Policy{})
}

// xssURLKey reports whether values of JSON key k are URLs.
func xssURLKey(k string) bool {
	k = strings.ToLower(k)
	switch k {
	case "@id", "image", "logo", "item", "sameas", "target", "citation":
		return true
	}
	return strings.HasSuffix(k, "url")
}

// checkJSONValue checks the strings of a decoded JSON value: URLs under
// URL keys, and HTML under "text" or "…html" keys.
func (c *xssChecker) checkJSONValue(p, parent, key string, v any, htmlPolicy htmlsafe.Policy) {
	switch v := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			c.checkJSONValue(p, key, k, v[k], htmlPolicy)
		}
	case []any:
		for _, e := range v {
			c.checkJSONValue(p, parent, key, e, htmlPolicy)
		}
	case string:
		if xssURLKey(key) && !htmlsafe.SafeURL(html.UnescapeString(v)) {
			c.report(p, "%s: URL %q", key, v)
		}
		if strings.Contains(v, "<") && (key == "text" || strings.HasSuffix(key, "html")) {
			fs, err := htmlsafe.CheckFragment(v, htmlPolicy)
			if err != nil {
				c.report(p, "%s: %v", key, err)
			}
			for _, f := range fs {
				c.report(p, "%s: %s in %s", key, f, htmlsafe.Describe(f.Node))
			}
		}
	}
}

func (c *xssChecker) checkJSON(p string, data []byte) {
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		c.report(p, "not valid JSON: %v", err)
		return
	}
	// answer_html is rendered markdown, as on the page.
	c.checkJSONValue(p, "", "", v, htmlsafe.Policy{URLsOnly: c.urlsOnly})
}

func (c *xssChecker) checkXML(p string, data []byte) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	var stack []string
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			c.report(p, "not well-formed XML: %v", err)
			return
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			stack = append(stack, tok.Name.Local)
			for _, a := range tok.Attr {
				if (a.Name.Local == "href" || a.Name.Local == "src") && !htmlsafe.SafeURL(a.Value) {
					c.report(p, "<%s %s=%q>", tok.Name.Local, a.Name.Local, a.Value)
				}
			}
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				switch stack[len(stack)-1] {
				case "loc", "uri", "icon", "logo":
					if s := strings.TrimSpace(string(tok)); !htmlsafe.SafeURL(s) {
						c.report(p, "<%s>%s", stack[len(stack)-1], s)
					}
				}
			}
		}
	}
}

func (c *xssChecker) fail(t *testing.T, name string) {
	t.Helper()
	if len(c.problems) == 0 {
		return
	}
	var b strings.Builder
	for i, pr := range c.problems {
		if i == 60 {
			fmt.Fprintf(&b, "… and %d more\n", len(c.problems)-i)
			break
		}
		fmt.Fprintf(&b, "%s: %s\n", pr.file, pr.what)
	}
	t.Errorf("%s: %d executable vectors or broken files in the output:\n%s", name, len(c.problems), b.String())
}

// --- the test ------------------------------------------------------------------------

// xssMustReject are fields whose values come from a fixed set or a fixed
// format; no vector may get through them.
var xssMustReject = map[string]bool{
	"severity": true, "status": true, "visibility": true, "techniques": true, "cves": true,
	"config.article_type": true, "config.timezone": true,
}

// xssMustBeHTTP are URL fields that accept absolute http(s) URLs only.
var xssMustBeHTTP = map[string]bool{
	"authors.url": true, "sources.url": true, "config.base_url": true,
	"config.publisher.url": true, "config.authors.url": true,
}

func TestXSSVectorsInEveryField(t *testing.T) {
	start := time.Now()
	vectors := xssLoadVectors(t)
	theme := xssThemeElements(t)

	var (
		mu     sync.Mutex
		all    []*xssUnit
		builds int
		pages  int
	)
	inspect := func(t *testing.T, name string, b *xssBuilt, urlsOnly bool) {
		t.Helper()
		for _, d := range b.drops {
			t.Logf("%s: file left out: %s", name, d)
		}
		c := &xssChecker{base: b.base, theme: theme, urlsOnly: urlsOnly}
		c.check(b.out)
		c.fail(t, name)
		mu.Lock()
		defer mu.Unlock()
		builds += b.builds
		pages += c.files["html"]
	}
	t.Run("sites", func(t *testing.T) {
		for _, m := range []xssMode{xssPublic, xssInternal, xssUnsafe} {
			t.Run(m.name, func(t *testing.T) {
				t.Parallel()
				b := xssBuild(t, xssIncidentKB(m, vectors))
				// Not vacuous: the first vector is on its incident's page,
				// as text (as raw HTML with unsafe_html).
				page, _ := b.out.Get("incidents/v000/index.html")
				want := html.EscapeString(vectors[0])
				if m.unsafe {
					want = vectors[0]
				}
				if !bytes.Contains(page, []byte(want)) {
					t.Errorf("%s: incidents/v000/index.html does not show %s", m.name, want)
				}
				inspect(t, m.name, b, m.unsafe)
				mu.Lock()
				all = append(all, b.kb.units()...)
				mu.Unlock()
			})
			t.Run(m.name+" links", func(t *testing.T) {
				t.Parallel()
				b := xssBuild(t, xssLinksKB(m, vectors))
				inspect(t, m.name+" links", b, m.unsafe)
				mu.Lock()
				all = append(all, b.kb.units()...)
				mu.Unlock()
			})
		}
		t.Run("aliases", func(t *testing.T) {
			t.Parallel()
			b := xssBuild(t, xssPathsKB(vectors))
			inspect(t, "aliases", b, false)
			mu.Lock()
			all = append(all, b.kb.units()...)
			mu.Unlock()
		})
		t.Run("config", func(t *testing.T) {
			t.Parallel()
			units, sites := xssConfigs(t, vectors)
			for j, k := range sites {
				b := xssBuild(t, k)
				if len(b.drops) > 0 {
					t.Errorf("config site %d: the build left files out: %q", j, b.drops)
				}
				for _, u := range k.docs[0].units() {
					if u.rejected && u.field != "config.menu.url (build)" {
						t.Errorf("config site %d: the build rejected what config.Load took: %s", j, u.msg)
					}
				}
				inspect(t, fmt.Sprintf("config site %d", j), b, false)
			}
			mu.Lock()
			all = append(all, units...)
			mu.Unlock()
		})
	})
	if t.Failed() {
		return
	}

	// Which fields rejected what.
	type tally struct{ accepted, rejected int }
	fields := map[string]*tally{}
	for _, u := range all {
		tl := fields[u.field]
		if tl == nil {
			tl = &tally{}
			fields[u.field] = tl
		}
		if u.rejected {
			tl.rejected++
		} else {
			tl.accepted++
		}
		switch {
		case xssMustReject[u.field] && !u.rejected:
			t.Errorf("%s accepted vector %q", u.field, u.value)
		case xssMustBeHTTP[u.field] && !u.rejected:
			if l := strings.ToLower(u.value); !strings.HasPrefix(l, "http://") && !strings.HasPrefix(l, "https://") {
				t.Errorf("%s accepted vector %q", u.field, u.value)
			}
		}
	}
	if os.Getenv("XSS_REASONS") != "" {
		for _, u := range all {
			if u.rejected && !xssMustReject[u.field] && !xssMustBeHTTP[u.field] {
				t.Logf("%s rejected %.60q: %s", u.field, u.value, u.msg)
			}
		}
	}
	names := make([]string, 0, len(fields))
	for f := range fields {
		names = append(names, f)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, f := range names {
		fmt.Fprintf(&b, "  %-22s accepted %4d  rejected %4d\n", f, fields[f].accepted, fields[f].rejected)
	}
	t.Logf("%d vectors, %d fields, %d values, %d builds, %d pages checked, in %v; values per field (all sites):\n%s",
		len(vectors), len(fields), len(all), builds, pages, time.Since(start).Round(time.Millisecond), b.String())
}

// The theme check is only as good as its signatures: an element the theme
// emits, moved to another file or given another source, must not pass.
func TestXSSThemeSignatures(t *testing.T) {
	b := sitetest.Build(t, `
-- casefile.yaml --
base_url: https://kb.example.org/
-- content/incidents/x.md --
---
title: X
date: 2024-01-02
summary: S.
keywords: [k]
---
Body.
`)
	theme := map[string]bool{}
	base, _ := url.Parse("https://kb.example.org/")
	page := xssPageURL(base, "search/index.html")
	doc, err := html.Parse(strings.NewReader(b.File("search/index.html")))
	if err != nil {
		t.Fatal(err)
	}
	for n := range doc.Descendants() {
		if htmlsafe.Restricted(n) {
			theme[xssSignature(n, base, page)] = true
		}
	}
	c := &xssChecker{base: base, theme: theme}
	c.checkHTML("search/index.html", []byte(b.File("search/index.html")))
	if len(c.problems) > 0 {
		t.Fatalf("the page fails against its own signatures: %v", c.problems)
	}
	for _, evil := range []string{
		`<script defer src="https://evil.example/js/search.js"></script>`,
		`<script defer src="/js/other.js"></script>`,
		`<script>alert(1)</script>`,
		`<script type="application/ld+json">{"a":"</script><script>alert(1)</script>"}</script>`,
		`<link rel="stylesheet" href="https://evil.example/x.css">`,
		`<meta http-equiv="refresh" content="0; url=https://evil.example/">`,
		`<form class="search-form" role="search" action="https://evil.example/" method="get"></form>`,
		`<a href="javascript:alert(1)">x</a>`,
	} {
		c := &xssChecker{base: base, theme: theme}
		page := strings.Replace(b.File("search/index.html"), "</main>", evil+"</main>", 1)
		c.checkHTML("search/index.html", []byte(page))
		if len(c.problems) == 0 {
			t.Errorf("%s: not reported", evil)
		}
	}
}
