package site

import (
	"bytes"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// The wiki import format (internal builds): wiki/<slug>.md per incident and
// wiki/index.md, Markdown with YAML front matter, which wiki engines that
// import Markdown folders (Wiki.js, Outline, GitLab and GitHub wikis,
// Confluence's Markdown importer) take as they are. Links between incidents
// point at the sibling .md files; the page's HTML in the export is linked
// from the front matter.
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
	fmt.Fprintf(&sb, "# %s\n\n%d incidents, newest first.\n\n| Date | Severity | Incident |\n|---|---|---|\n", b.cfg.Title, len(b.incidents))
	for _, it := range b.incidents {
		fmt.Fprintf(&sb, "| %s | %s | [%s](%s.md) |\n", it.card.Date.ISO, it.src.Severity, mdEscape(it.src.Title), it.src.Slug)
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
		err = b.write(wikiPath(it), it.src.Source+" (wiki)", data)
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
	fmt.Fprintf(&sb, "# %s\n\n> %s\n\n", mdEscape(in.Title), in.Summary)
	if len(in.Timeline) > 0 {
		sb.WriteString("## Timeline\n\n")
		for _, t := range in.Timeline {
			fmt.Fprintf(&sb, "- **%s** — %s\n", partialDate(t.Date), t.Event)
		}
		sb.WriteString("\n")
	}
	body, err := b.bodyOf(in)
	if err != nil {
		return nil, err
	}
	sb.Write(bytes.TrimSpace(body))
	sb.WriteString("\n")
	if len(in.FAQ) > 0 {
		sb.WriteString("\n## Frequently asked questions (front matter)\n")
		for _, f := range in.FAQ {
			fmt.Fprintf(&sb, "\n### %s\n\n%s\n", f.Question, strings.TrimSpace(f.Answer))
		}
	}
	if in.InternalNotes != "" {
		fmt.Fprintf(&sb, "\n## Internal notes\n\n%s\n", strings.TrimSpace(in.InternalNotes))
	}
	if len(in.Sources) > 0 {
		sb.WriteString("\n## Sources\n\n")
		for i, s := range in.Sources {
			fmt.Fprintf(&sb, "%d. [%s](%s)", i+1, mdEscape(s.Title), s.URL)
			if s.Publisher != "" {
				fmt.Fprintf(&sb, " — %s", s.Publisher)
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
			fmt.Fprintf(&sb, "- [%s](%s.md)\n", mdEscape(r.src.Title), r.src.Slug)
		}
	}
	return sb.Bytes(), nil
}

// mdEscape keeps link text and headings from turning into markup.
func mdEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, "[", `\[`, "]", `\]`, "|", `\|`, "*", `\*`, "_", `\_`, "`", "\\`").Replace(s)
}
