package site

import (
	"bytes"
	"fmt"
	"net/url"
	"path"
	"strings"

	"go.yaml.in/yaml/v3"

	"casefile/generator/markdown"
)

// The wiki import format (internal builds): wiki/<slug>.md per incident and
// wiki/index.md, Markdown with YAML front matter, which wiki engines that
// import Markdown folders (Wiki.js, Outline, GitLab and GitHub wikis,
// Confluence's Markdown importer) take as they are. Links between incidents
// point at the sibling .md files, in the related list and in the markdown
// written by authors (body, FAQ answers, internal notes) alike; other links
// to the site become its absolute URLs; the page's HTML in the export is
// linked from the front matter. Plain-text fields (title, summary, timeline,
// questions, sources) are escaped so that they show as written: a title
// holding `<img …>` or `*` is text, not markup.
type wikiMeta struct {
	Title      string   `yaml:"title"`
	ID         string   `yaml:"id"`
	Date       string   `yaml:"date"`
	Updated    string   `yaml:"updated,omitempty"`
	Severity   string   `yaml:"severity,omitempty"`
	Status     string   `yaml:"status,omitempty"`
	Visibility string   `yaml:"visibility"`
	Keywords   []string `yaml:"keywords,flow"`
	Actors     []string `yaml:"actors,omitempty,flow"`
	Sectors    []string `yaml:"sectors,omitempty,flow"`
	Countries  []string `yaml:"countries,omitempty,flow"`
	Techniques []string `yaml:"techniques,omitempty,flow"`
	CVEs       []string `yaml:"cves,omitempty,flow"`
	Source     string   `yaml:"source"`
	HTML       string   `yaml:"html"`
}

func (b *builder) wikiJobs() []job {
	if b.opts.Profile != ProfileInternal {
		return nil
	}
	jobs := []job{{path: "wiki/index.md", what: "wiki index", make: b.wikiIndex}}
	if b.lean {
		return jobs // each incident's job writes its wiki page (writeWikiPage)
	}
	for _, it := range b.incidents {
		jobs = append(jobs, job{path: wikiPath(it), what: it.src.Source + " (wiki)", make: func() ([]byte, error) { return b.wikiPage(it) }})
	}
	return jobs
}

func (b *builder) wikiIndex() ([]byte, error) {
	var sb strings.Builder
	fmt.Fprintf(&sb, "# %s\n\n%d incidents, newest first.\n\n| Date | Severity | Incident |\n|---|---|---|\n", markdown.EscapeText(b.cfg.Title), len(b.incidents))
	for _, it := range b.incidents {
		fmt.Fprintf(&sb, "| %s | %s | [%s](%s) |\n", it.card.Date.ISO, it.src.Severity, markdown.EscapeText(it.src.Title), markdown.EscapeDestination(it.src.Slug+".md"))
	}
	return []byte(sb.String()), nil
}

// wikiPath is where an incident's wiki page goes.
func wikiPath(it *incident) string { return "wiki/" + it.src.Slug + ".md" }

// writeWikiPage writes it's wiki page from its incident's job (lean
// builds), while the front matter and body it shows are still held.
func (b *builder) writeWikiPage(it *incident) error {
	data, err := b.wikiPage(it)
	if err == nil {
		err = b.write(b.strs.String(wikiPath(it)), it.src.Source+" (wiki)", data)
	}
	if err == nil {
		b.extraFiles.Add(1)
	}
	return err
}

func (b *builder) wikiPage(it *incident) ([]byte, error) {
	in := it.src
	meta := wikiMeta{
		Title: in.Title, ID: in.ID, Date: isoDate(in.Date), Updated: isoDate(in.Updated),
		Severity: in.Severity, Status: in.Status, Visibility: in.Visibility,
		Keywords: in.Keywords, Actors: in.Actors, Sectors: in.Sectors, Countries: in.Countries,
		Techniques: in.Techniques, CVEs: in.CVEs,
		Source: in.Source, HTML: "../" + it.url + "index.html",
	}
	fm, err := yaml.Marshal(meta)
	if err != nil {
		return nil, err
	}
	var sb bytes.Buffer
	sb.WriteString("---\n")
	sb.Write(fm)
	sb.WriteString("---\n")
	fmt.Fprintf(&sb, "# %s\n\n> %s\n\n", markdown.EscapeText(in.Title), markdown.EscapeText(in.Summary))
	if len(in.Timeline) > 0 {
		sb.WriteString("## Timeline\n\n")
		for _, t := range in.Timeline {
			fmt.Fprintf(&sb, "- **%s** — %s\n", partialDate(t.Date), markdown.EscapeText(t.Event))
		}
		sb.WriteString("\n")
	}
	// Markdown as the author wrote it, with its links to incidents made
	// links to their wiki pages (by the parse: wikiLink).
	w := it.wiki
	if w == nil {
		w = &wikiText{}
	}
	body := w.body
	if body == nil {
		if body, err = b.bodyOf(in); err != nil {
			return nil, err
		}
	}
	sb.Write(bytes.TrimSpace(body))
	sb.WriteString("\n")
	if len(in.FAQ) > 0 {
		sb.WriteString("\n## Frequently asked questions (front matter)\n")
		for _, f := range in.FAQ {
			fmt.Fprintf(&sb, "\n### %s\n\n%s\n", markdown.EscapeText(f.Question), bytes.TrimSpace(w.text(f.Answer)))
		}
	}
	if in.InternalNotes != "" {
		fmt.Fprintf(&sb, "\n## Internal notes\n\n%s\n", bytes.TrimSpace(w.text(in.InternalNotes)))
	}
	if len(in.Sources) > 0 {
		sb.WriteString("\n## Sources\n\n")
		for i, s := range in.Sources {
			fmt.Fprintf(&sb, "%d. [%s](%s)", i+1, markdown.EscapeText(s.Title), markdown.EscapeDestination(s.URL))
			if s.Publisher != "" {
				fmt.Fprintf(&sb, " — %s", markdown.EscapeText(s.Publisher))
			}
			if !s.Date.IsZero() {
				fmt.Fprintf(&sb, ", %s", partialDate(s.Date))
			}
			sb.WriteString("\n")
		}
	}
	if len(it.related) > 0 {
		sb.WriteString("\n## Related incidents\n\n")
		for _, r := range it.related {
			fmt.Fprintf(&sb, "- [%s](%s)\n", markdown.EscapeText(r.src.Title), markdown.EscapeDestination(r.src.Slug+".md"))
		}
	}
	return sb.Bytes(), nil
}

// wikiText is the markdown of an incident as its wiki page shows it: as
// the author wrote it, but for the links to incidents, which point to
// their wiki pages. The parse rewrites them (DocOptions.RewriteSource) in
// internal builds; what it did not change is as written.
type wikiText struct {
	body  []byte
	texts map[string][]byte // FAQ answers and internal notes, by their text as written
}

// keepWiki keeps src, the rewritten markdown of the body (text nil) or of
// *text, for the wiki page; src nil: nothing was rewritten.
func (it *incident) keepWiki(text *string, src []byte) {
	if src == nil {
		return
	}
	if it.wiki == nil {
		it.wiki = &wikiText{}
	}
	if text == nil {
		it.wiki.body = src
		return
	}
	if it.wiki.texts == nil {
		it.wiki.texts = map[string][]byte{}
	}
	it.wiki.texts[*text] = src
}

// text returns the markdown s as the wiki page shows it.
func (w *wikiText) text(s string) []byte {
	if src, ok := w.texts[s]; ok {
		return src
	}
	return []byte(s)
}

// wikiLink rewrites a link written on the page at site folder dir for its
// wiki page: a link to an incident becomes its sibling wiki page ("x.md",
// with the fragment), another link to the site its absolute URL (the wiki
// is elsewhere); links within the page, elsewhere, or leaving the site are
// kept.
func (b *builder) wikiLink(dir string) func(string) (string, bool) {
	return func(dest string) (string, bool) {
		if dest == "" || dest[0] == '#' || !b.sameSite(dest) {
			return "", false
		}
		t := b.resolve(dir, dest)
		if t.problem != "" {
			return "", false
		}
		u, err := url.Parse(dest)
		if err != nil {
			return "", false
		}
		suffix := ""
		if u.RawQuery != "" {
			suffix += "?" + u.RawQuery
		}
		if u.Fragment != "" {
			suffix += "#" + u.EscapedFragment()
		}
		folder := strings.TrimSuffix(t.path, "index.html")
		if !strings.HasSuffix(folder, "/") && !strings.Contains(path.Base(folder), ".") {
			folder += "/" // a folder written without its slash
		}
		// An incident's folder (which incidents there are is not asked: the
		// parse that calls this is cached across a Session's builds, and a
		// link to an incident this build leaves out is an error anyway).
		if slug, ok := strings.CutPrefix(folder, "incidents/"); ok && len(slug) > 1 && strings.IndexByte(slug, '/') == len(slug)-1 {
			return strings.TrimSuffix(slug, "/") + ".md" + suffix, true
		}
		return b.abs(t.path) + suffix, true
	}
}
