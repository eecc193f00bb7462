package site

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"

	"casefile/generator/content"
	"casefile/generator/output"
	"casefile/generator/seo"
)

// ExportVersion is the version of the JSON export schema. It changes only
// when a field is removed or changes meaning; new fields may appear within a
// version.
const ExportVersion = 1

// exportSchema names the export format in every file.
const exportSchema = "casefile-incidents"

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
	for i, f := range it.faq {
		var text string
		if i < len(it.faqText) { // parse made it
			text = it.faqText[i]
		} else {
			text = seo.PlainText(string(f.Answer))
		}
		e.FAQ = append(e.FAQ, exportFAQ{f.Question, string(f.Answer), text})
	}
	for _, r := range it.related {
		e.Related = append(e.Related, r.src.ID)
	}
	return e
}

// An incident's own JSON file is the export's head, then its record under
// "incident".
const oneMid, oneEnd = `,"incident":`, "}\n"

// oneFile is an incident's own JSON file, in one allocation.
func oneFile(head string, rec []byte) []byte {
	out := make([]byte, 0, len(head)+len(oneMid)+len(rec)+len(oneEnd))
	out = append(out, head...)
	out = append(out, oneMid...)
	out = append(out, rec...)
	return append(out, oneEnd...)
}

// encodeOne encodes it's record straight into its own JSON file; rec is the
// record within file.
func (b *builder) encodeOne(head string, it *incident) (file, rec []byte) {
	e := b.exportOf(it)
	file = make([]byte, 0, len(head)+len(oneMid)+e.jsonSize()+len(oneEnd))
	file = append(file, head...)
	file = append(file, oneMid...)
	file = e.appendJSON(file)
	rec = file[len(head)+len(oneMid):]
	return append(file, oneEnd...), rec
}

// partialDate writes a date at the precision the author gave.
func partialDate(d content.Date) string { return showDate(d).ISO }

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// exportJobs writes /incidents.json and one JSON file per incident. Each
// incident's record is encoded once per build (and, in a Session, reused
// while the incident and its related incidents are unchanged).
func (b *builder) exportJobs() []job {
	e := b.newExporter()
	whole := func() ([]byte, error) {
		files, err := e.all()
		return files["incidents.json"], err
	}
	if b.sess != nil {
		files, later, err := b.sess.lateFiles("export", b.keyer("export").incidents(b.incidents).sum(), e.all)
		if later != nil {
			b.res.deferred = append(b.res.deferred, later)
		}
		whole = func() ([]byte, error) { return files["incidents.json"], err }
	}
	jobs := []job{{path: "incidents.json", what: "JSON export", make: whole}}
	for i, it := range b.incidents {
		jobs = append(jobs, job{path: it.url + "index.json", what: it.src.Source + " (JSON)", key: e.recs[i].key, make: func() ([]byte, error) { return e.one(i) }})
	}
	return jobs
}

// exporter is one build's export: every incident's record, encoded once
// (and in a Session reused while the incident and the ids of its related
// incidents are unchanged), and the files made of them.
type exporter struct {
	b    *builder
	head string // `{"schema":…,"version":…,"site":{…}`
	err  error
	recs []exportRecord
}

// newExporter prepares the records' keys; call it on the build's main
// goroutine. Its methods are safe for concurrent use.
func (b *builder) newExporter() *exporter {
	e := &exporter{b: b, recs: make([]exportRecord, len(b.incidents))}
	site, err := json.Marshal(b.exportSite())
	e.err = err
	e.head = fmt.Sprintf(`{"schema":%q,"version":%d,"site":%s`, exportSchema, ExportVersion, site)
	for i, it := range b.incidents {
		k := b.keyer("json").incident(it.src)
		for _, r := range it.related {
			k = k.str(r.src.ID)
		}
		e.recs[i].key = k.sum()
		e.recs[i].it = it
		b.sess.useRecord(e.recs[i].key)
	}
	return e
}

func (e *exporter) record(i int) ([]byte, error) {
	r := &e.recs[i]
	r.once.Do(func() {
		r.data, r.err = e.b.sess.exportRecord(r.key, func() ([]byte, error) {
			rec := e.b.exportOf(r.it)
			return rec.appendJSON(make([]byte, 0, rec.jsonSize())), nil
		})
	})
	return r.data, r.err
}

// one is the JSON file of incident i.
func (e *exporter) one(i int) ([]byte, error) {
	data, err := e.record(i)
	if err == nil {
		err = e.err
	}
	if err != nil {
		return nil, err
	}
	return oneFile(e.head, data), nil
}

// all is /incidents.json.
func (e *exporter) all() (map[string][]byte, error) {
	if e.err != nil {
		return nil, e.err
	}
	var buf bytes.Buffer
	fmt.Fprintf(&buf, `%s,"count":%d,"incidents":[`, e.head, len(e.recs))
	for i := range e.recs {
		data, err := e.record(i)
		if err != nil {
			return nil, err
		}
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.Write(data)
	}
	buf.WriteString("]}\n")
	return map[string][]byte{"incidents.json": buf.Bytes()}, nil
}

type exportRecord struct {
	it   *incident
	key  uint64
	once sync.Once
	data []byte
	err  error
}

// exportStream writes the JSON export of a lean build while the incident
// pages render: each incident's job writes its index.json and hands its
// record over; incidents.json is streamed to the output with the records in
// site order as soon as each is next in line. Jobs are handed out in site
// order, so only the few records finished ahead of a slower one wait, and
// neither the records nor the whole file (hundreds of megabytes at 100,000
// incidents) are ever held.
type exportStream struct {
	b    *builder
	head string // `{"schema":…,"version":…,"site":{…}`
	n    int

	mu      sync.Mutex
	next    int            // site index of the next record to write
	pending map[int][]byte // records finished ahead of next; nil: skipped
	w       *io.PipeWriter
	err     error      // first write error
	done    chan error // the output's result
}

const exportWhole = "incidents.json"

// startExport claims incidents.json and starts streaming it.
func (b *builder) startExport() (*exportStream, error) {
	site, err := json.Marshal(b.exportSite())
	if err != nil {
		return nil, err
	}
	e := &exportStream{b: b, n: len(b.incidents), pending: map[int][]byte{}, done: make(chan error, 1),
		head: fmt.Sprintf(`{"schema":%q,"version":%d,"site":%s`, exportSchema, ExportVersion, site)}
	if _, err := b.claim(exportWhole, "JSON export"); err != nil {
		return nil, err
	}
	if err := b.guard.check(exportWhole, []byte(e.head)); err != nil {
		return nil, err
	}
	r, w := io.Pipe()
	e.w = w
	go func() {
		err := output.Stream(b.opts.Out, exportWhole, func(out io.Writer) error {
			_, err := io.Copy(out, r)
			return err
		})
		r.CloseWithError(err) // unblocks writers when the output failed
		e.done <- err
	}()
	e.write(fmt.Sprintf(`%s,"count":%d,"incidents":[`, e.head, e.n))
	return e, nil
}

func (e *exportStream) write(s string) {
	if e.err == nil {
		_, e.err = io.WriteString(e.w, s)
	}
}

// record encodes incident it's record, writes its index.json and queues the
// record for incidents.json. Safe for concurrent use.
func (e *exportStream) record(it *incident) error {
	file, rec := e.b.encodeOne(e.head, it)
	// The guard checks the record as part of the incident's own file.
	if err := e.b.write(e.b.strs.Concat(it.url, "index.json"), it.src.Source+" (JSON)", file); err != nil {
		e.put(it.pos, nil)
		return err
	}
	e.b.extraFiles.Add(1)
	e.put(it.pos, rec)
	return nil
}

// skip marks incident i as having no record (its page failed; so does the
// build).
func (e *exportStream) skip(i int) { e.put(i, nil) }

func (e *exportStream) put(i int, rec []byte) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.pending[i] = rec
	for {
		rec, ok := e.pending[e.next]
		if !ok {
			return
		}
		delete(e.pending, e.next)
		if rec != nil {
			if e.next > 0 {
				e.write(",")
			}
			if e.err == nil {
				_, e.err = e.w.Write(rec)
			}
		} else if e.err == nil {
			e.err = fmt.Errorf("incident %d has no record", e.next)
		}
		e.next++
	}
}

// finish closes incidents.json; complete is false when the build failed or
// was cancelled, and the file is then abandoned with an error.
func (e *exportStream) finish(complete bool) error {
	e.mu.Lock()
	if complete && e.next == e.n && e.err == nil {
		e.write("]}\n")
	}
	err := e.err
	if !complete || e.next != e.n {
		err = errors.Join(err, errors.New("incomplete"))
	}
	e.mu.Unlock()
	if err != nil {
		e.w.CloseWithError(err)
	} else {
		e.w.Close()
	}
	if outErr := <-e.done; outErr != nil {
		return outErr
	}
	if complete && err == nil {
		e.b.extraFiles.Add(1)
	}
	return err
}
