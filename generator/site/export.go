package site

import (
	"bytes"
	"encoding/json"

	"casefile/generator/content"
	"casefile/generator/seo"
)

// ExportVersion is the version of the JSON export schema. It changes only
// when a field is removed or changes meaning; new fields may appear within a
// version.
const ExportVersion = 1

// exportSchema names the export format in every file.
const exportSchema = "casefile-incidents"

type exportFile struct {
	Schema    string           `json:"schema"`
	Version   int              `json:"version"`
	Site      exportSite       `json:"site"`
	Count     int              `json:"count"`
	Incidents []exportIncident `json:"incidents"`
}

type exportOne struct {
	Schema   string         `json:"schema"`
	Version  int            `json:"version"`
	Site     exportSite     `json:"site"`
	Incident exportIncident `json:"incident"`
}

type exportSite struct {
	Title string `json:"title"`
	URL   string `json:"url"`
}

type exportIncident struct {
	ID           string           `json:"id"`
	Slug         string           `json:"slug"`
	URL          string           `json:"url"`
	JSONURL      string           `json:"json_url"`
	Title        string           `json:"title"`
	Summary      string           `json:"summary"`
	Date         string           `json:"date"`
	Updated      string           `json:"updated,omitempty"`
	Severity     string           `json:"severity,omitempty"`
	Status       string           `json:"status,omitempty"`
	Visibility   string           `json:"visibility"`
	FocusKeyword string           `json:"focus_keyword"`
	Keywords     []string         `json:"keywords"`
	Actors       []string         `json:"actors"`
	Sectors      []string         `json:"sectors"`
	Countries    []string         `json:"countries"`
	Techniques   []string         `json:"techniques"`
	CVEs         []string         `json:"cves"`
	Authors      []exportAuthor   `json:"authors"`
	Timeline     []exportTimeline `json:"timeline"`
	Sources      []exportSource   `json:"sources"`
	FAQ          []exportFAQ      `json:"faq"`
	Related      []string         `json:"related"`
}

type exportAuthor struct {
	Name string `json:"name"`
	URL  string `json:"url,omitempty"`
}

type exportTimeline struct {
	Date  string `json:"date"`
	Event string `json:"event"`
}

type exportSource struct {
	Title     string `json:"title"`
	URL       string `json:"url"`
	Publisher string `json:"publisher,omitempty"`
	Date      string `json:"date,omitempty"`
}

type exportFAQ struct {
	Question   string `json:"question"`
	AnswerHTML string `json:"answer_html"`
	AnswerText string `json:"answer_text"`
}

func (b *builder) exportSite() exportSite { return exportSite{Title: b.cfg.Title, URL: b.cfg.BaseURL} }

// exportOf is the export record of one incident.
func (b *builder) exportOf(it *incident) exportIncident {
	in := it.src
	e := exportIncident{
		ID: in.ID, Slug: in.Slug, URL: b.abs(it.url), JSONURL: b.abs(it.url + "index.json"),
		Title: in.Title, Summary: in.Summary,
		Date: isoDate(in.Date), Updated: isoDate(in.Updated),
		Severity: in.Severity, Status: in.Status, Visibility: in.Visibility,
		Keywords:   orEmpty(in.Keywords),
		Actors:     orEmpty(in.Actors),
		Sectors:    orEmpty(in.Sectors),
		Countries:  orEmpty(in.Countries),
		Techniques: orEmpty(in.Techniques),
		CVEs:       orEmpty(in.CVEs),
		Authors:    []exportAuthor{},
		Timeline:   []exportTimeline{},
		Sources:    []exportSource{},
		FAQ:        []exportFAQ{},
		Related:    []string{},
	}
	e.FocusKeyword = in.FocusKeyword
	if e.FocusKeyword == "" && len(in.Keywords) > 0 {
		e.FocusKeyword = in.Keywords[0]
	}
	for _, a := range b.authors(in.Authors) {
		e.Authors = append(e.Authors, exportAuthor{a.Name, a.URL})
	}
	for _, t := range in.Timeline {
		e.Timeline = append(e.Timeline, exportTimeline{partialDate(t.Date), t.Event})
	}
	for _, s := range in.Sources {
		e.Sources = append(e.Sources, exportSource{s.Title, s.URL, s.Publisher, partialDate(s.Date)})
	}
	for _, f := range it.faq {
		e.FAQ = append(e.FAQ, exportFAQ{f.Question, string(f.Answer), seo.PlainText(string(f.Answer))})
	}
	for _, r := range it.related {
		e.Related = append(e.Related, r.src.ID)
	}
	return e
}

// partialDate writes a date at the precision the author gave.
func partialDate(d content.Date) string { return showDate(d).ISO }

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func encodeJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(true)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// exportJobs writes /incidents.json and one JSON file per incident.
func (b *builder) exportJobs() []job {
	jobs := []job{{path: "incidents.json", what: "JSON export", make: func() ([]byte, error) {
		f := exportFile{Schema: exportSchema, Version: ExportVersion, Site: b.exportSite(), Count: len(b.incidents), Incidents: make([]exportIncident, 0, len(b.incidents))}
		for _, it := range b.incidents {
			f.Incidents = append(f.Incidents, b.exportOf(it))
		}
		return encodeJSON(f)
	}}}
	for _, it := range b.incidents {
		k := b.keyer("json").incident(it.src)
		for _, r := range it.related {
			k = k.incident(r.src)
		}
		jobs = append(jobs, job{path: it.url + "index.json", what: it.src.Source + " (JSON)", key: k.sum(), make: func() ([]byte, error) {
			return encodeJSON(exportOne{Schema: exportSchema, Version: ExportVersion, Site: b.exportSite(), Incident: b.exportOf(it)})
		}})
	}
	return jobs
}
