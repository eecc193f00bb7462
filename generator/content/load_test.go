package content

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"casefile/generator/diag"
)

func contains(s, sub string) bool { return strings.Contains(s, sub) }

func mapFS(files map[string]string) fstest.MapFS {
	m := fstest.MapFS{}
	for name, data := range files {
		m[name] = &fstest.MapFile{Data: []byte(data)}
	}
	return m
}

func load(t *testing.T, files map[string]string) (*Corpus, diag.List) {
	t.Helper()
	return Load(mapFS(files), time.UTC)
}

// wantDiags checks that every want is a substring of some diagnostic's
// String() (each diagnostic matched at most once).
func wantDiags(t *testing.T, got diag.List, want ...string) {
	t.Helper()
	used := make([]bool, len(got))
next:
	for _, w := range want {
		for i, d := range got {
			if !used[i] && contains(d.String(), w) {
				used[i] = true
				continue next
			}
		}
		t.Errorf("no diagnostic contains %q; got:\n%s", w, got)
	}
}

// incident decodes one incident and fails on any error.
func incident(t *testing.T, src string) *Incident {
	t.Helper()
	in, ds := DecodeIncident("content/incidents/x.md", []byte(src), time.UTC)
	if ds.HasErrors() || in == nil {
		t.Fatalf("unexpected diagnostics:\n%s", ds)
	}
	return in
}

const full = `---
title: "  Database disk full  "
date: 2024-01-02T10:30:00Z
updated: 2024-01-05
summary: The WAL filled the disk and writes stopped.
keywords: [postgres, Disk Space]
focus_keyword: Disk Space
slug: db-disk-full
id: INC-42
authors:
  - name: Jane Doe
    url: https://example.org/jane
  - Sam Roe
severity: high
status: resolved
visibility: internal
actors: [none]
sectors: [health]
countries: [DE, FR]
techniques: [T1490, T1566.001]
cves: [CVE-2021-44228]
timeline:
  - date: 2024-01
    event: Disk usage alarms start.
  - date: 2024-01-02 10:00
    event: Writes fail.
sources:
  - title: Postmortem
    url: https://example.org/pm
    publisher: Example
    date: 2024
faq:
  - question: Was data lost?
    answer: |
      No. **Nothing** was lost.
related: [INC-42]
aliases: [/2024/db-full/]
image: /img/disk.png
draft: true
internal_notes: Ask Jane.
---
Body text.
`

func TestDecodeFullIncident(t *testing.T) {
	in, ds := DecodeIncident("content/incidents/x.md", []byte(full), time.UTC)
	if ds.HasErrors() {
		t.Fatalf("errors:\n%s", ds)
	}
	tm := func(s string) time.Time { v, _ := time.Parse(time.RFC3339, s); return v }
	want := &Incident{
		Source: "content/incidents/x.md", Format: "yaml", Body: []byte("Body text.\n"), BodyLine: 42,
		ID: "INC-42", Slug: "db-disk-full", Title: "Database disk full",
		Summary:      "The WAL filled the disk and writes stopped.",
		Date:         Date{tm("2024-01-02T10:30:00Z"), PrecisionTime},
		Updated:      Date{tm("2024-01-05T00:00:00Z"), PrecisionDay},
		Keywords:     []string{"postgres", "Disk Space"},
		FocusKeyword: "Disk Space",
		Authors:      []Author{{"Jane Doe", "https://example.org/jane"}, {"Sam Roe", ""}},
		Severity:     "high", Status: "resolved", Visibility: "internal",
		Actors: []string{"none"}, Sectors: []string{"health"}, Countries: []string{"DE", "FR"},
		Techniques: []string{"T1490", "T1566.001"}, CVEs: []string{"CVE-2021-44228"},
		Timeline: []TimelineEntry{
			{Date{tm("2024-01-01T00:00:00Z"), PrecisionMonth}, "Disk usage alarms start.", 23},
			{Date{tm("2024-01-02T10:00:00Z"), PrecisionTime}, "Writes fail.", 25},
		},
		Sources: []Source{{"Postmortem", "https://example.org/pm", "Example", Date{tm("2024-01-01T00:00:00Z"), PrecisionYear}, 28}},
		FAQ:     []FAQEntry{{"Was data lost?", "No. **Nothing** was lost.", 33, 15, TextPos{Line: 34, Col: 13}}},
		Related: []string{"INC-42"}, Aliases: []string{"/2024/db-full/"},
		Image: "/img/disk.png", Draft: true, InternalNotes: "Ask Jane.", NotesLine: 40, NotesAt: TextPos{Line: 40, Col: 17},
	}
	in.pos = pos{}
	if !reflect.DeepEqual(in, want) {
		t.Errorf("got\n%#v\nwant\n%#v", in, want)
	}
	if len(ds) != 0 {
		t.Errorf("unexpected warnings:\n%s", ds)
	}
}

func TestDefaults(t *testing.T) {
	in := incident(t, "---\ntitle: T\ndate: 2024-01-02\nsummary: S.\nkeywords: [Ransomware, B]\n---\n")
	if in.Slug != "x" || in.ID != "x" || in.FocusKeyword != "Ransomware" || in.Visibility != "public" || in.Format != "yaml" {
		t.Errorf("defaults: slug %q id %q focus %q visibility %q", in.Slug, in.ID, in.FocusKeyword, in.Visibility)
	}
}

func TestRequiredFields(t *testing.T) {
	_, ds := load(t, map[string]string{
		"content/incidents/a.md": "---\nimage: x.png\n---\n",
		"content/incidents/b.md": "---\ntitle:\ndate: ''\nsummary: '  '\nkeywords: []\n---\n",
		"content/incidents/c.md": "---\ntitle: T\ndate: 2024-01-01\nsummary: S\nkeywords: ransomware\n---\n",
		"content/incidents/d.md": "---\ntitle: T\ndate: 2024-01-01\nsummary: S\nkeywords: [ransomware, '', '!!!']\n---\n",
	})
	wantDiags(t, ds,
		"content/incidents/a.md:1:1: error: missing required field `title`; add `title: a short headline` to the front matter",
		"content/incidents/a.md:1:1: error: missing required field `date`; add `date: 2024-03-01`",
		"content/incidents/a.md:1:1: error: missing required field `summary`",
		"content/incidents/a.md:1:1: error: missing required field `keywords`",
		"content/incidents/b.md:2:7: error: `title` is empty",
		"content/incidents/b.md:3:7: error: `date` is empty",
		"content/incidents/b.md:4:10: error: `summary` is empty",
		"content/incidents/b.md:5:11: error: `keywords` is empty",
		"content/incidents/c.md:5:11: error: `keywords` must be a list, not `ransomware`; write a list, even for one entry: `keywords: [ransomware]`",
		"content/incidents/d.md:5:24: error: an entry of `keywords` is empty",
		"content/incidents/d.md:5:28: error: keyword `!!!` has no letter or digit",
	)
	if n := ds.Count(diag.Error); n != 11 {
		t.Errorf("%d errors, want 11:\n%s", n, ds)
	}
}

func TestEnumsAndPositions(t *testing.T) {
	src := "---\ntitle: T\ndate: 2024-01-02\nsummary: S\nseverity: hihg\nstatus: resolvd\nvisibility: Public\nkeywords: [k]\n---\n"
	_, ds := DecodeIncident("content/incidents/x.md", []byte(src), time.UTC)
	want := []string{
		"content/incidents/x.md:5:11: error: severity `hihg` is not one of low, moderate, high, critical; did you mean `high`?",
		"content/incidents/x.md:6:9: error: status `resolvd` is not one of ongoing, contained, resolved, disputed; did you mean `resolved`?",
		"content/incidents/x.md:7:13: error: visibility `Public` is not one of public, internal; did you mean `public`?",
	}
	if got := strings.Split(strings.TrimSpace(ds.String()), "\n"); !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	_, ds = DecodeIncident("x.md", []byte("---\nseverity: xyz\n---\n"), time.UTC)
	wantDiags(t, ds, "x.md:2:11: error: severity `xyz` is not one of low, moderate, high, critical; write one of them")
}

func TestUnknownKeys(t *testing.T) {
	src := "---\ntitle: T\ndate: 2024-01-02\nsummary: S\nkeywords: [k]\nkeyword: [k]\nsumary: S\ntitel: T\ntags: [a]\nFocusKeyword: k\nxyzzy: 1\n---\n"
	_, ds := DecodeIncident("x.md", []byte(src), time.UTC)
	if ds.HasErrors() {
		t.Fatalf("unknown keys must only warn:\n%s", ds)
	}
	wantDiags(t, ds,
		"x.md:6:1: warning: unknown key `keyword`; did you mean `keywords`?",
		"x.md:7:1: warning: unknown key `sumary`; did you mean `summary`?",
		"x.md:8:1: warning: unknown key `titel`; did you mean `title`?",
		"x.md:9:1: warning: unknown key `tags`; did you mean `keywords`?",
		"x.md:10:1: warning: unknown key `FocusKeyword`; did you mean `focus_keyword`?",
		"x.md:11:1: warning: unknown key `xyzzy`; known keys: title, date, summary, keywords, slug,",
	)
	_, ds = DecodeIncident("x.md", []byte("---\ntitle: T\ndate: 2024-01-02\nsummary: S\nkeywords: [k]\nsources:\n  - title: A\n    link: https://a.example\n---\n"), time.UTC)
	wantDiags(t, ds,
		"x.md:7:5: error: sources entry has no `url`",
		"x.md:8:5: warning: unknown key `link` in `sources`; known keys: title, url, publisher, date")
}

func TestDates(t *testing.T) {
	head := "---\ntitle: T\nsummary: S\nkeywords: [k]\n"
	for _, tt := range []struct{ fm, want string }{
		{"date: 2024-13-01", "x.md:5:7: error: `date` is not a valid date: `2024-13-01` (month out of range); write YYYY-MM-DD, YYYY-MM-DDTHH:MM[:SS][.frac][Z|±hh:mm] or \"YYYY-MM-DD HH:MM[:SS]\""},
		{"date: 2024-02-30", "(day out of range)"},
		{"date: yesterday", "x.md:5:7: error: `date` is not a valid date: `yesterday` (not a date)"},
		{"date: 2024/01/02", "`2024/01/02` (not a date)"},
		{"date: 2024-03", "x.md:5:7: error: `date` needs a full date, `2024-03` gives only the month; write the day too"},
		{"date: 2024", "`date` needs a full date, `2024` gives only the year"},
		{"date: 2024-03-02\nupdated: 2024-03-01", "x.md:6:10: error: `updated` (2024-03-01) is before `date` (2024-03-02)"},
		{"date: [2024]", "x.md:5:7: error: `date` must be text, not a list"},
		{"date: 2024-01-01\ntimeline:\n  - date: 2024-1\n    event: E", "x.md:7:11: error: `date` is not a valid date: `2024-1` (not a date); write YYYY, YYYY-MM, YYYY-MM-DD"},
		{"date: 2024-01-01\ntimeline:\n  - event: E", "x.md:7:5: error: timeline entry has no `date`"},
		{"date: 2024-01-01\ntimeline:\n  - date: 2024", "x.md:7:5: error: timeline entry has no `event`"},
		{"date: 2024-01-01\ntimeline: [2024]", "x.md:6:12: error: each entry of `timeline` must be a mapping with date, event, not a number"},
	} {
		_, ds := DecodeIncident("x.md", []byte(head+tt.fm+"\n---\n"), time.UTC)
		if len(ds) != 1 {
			t.Errorf("%q: want exactly one diagnostic, got:\n%s", tt.fm, ds)
		}
		wantDiags(t, ds, tt.want)
	}
}

func TestParseDate(t *testing.T) {
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		in   string
		want string // RFC 3339 with nanoseconds, in the parsed zone
		prec Precision
	}{
		{"2024-03-01", "2024-03-01T00:00:00+09:00", PrecisionDay},
		{"2024-03-01T10:20", "2024-03-01T10:20:00+09:00", PrecisionTime},
		{"2024-03-01 10:20:30", "2024-03-01T10:20:30+09:00", PrecisionTime},
		{"2024-03-01t10:20:30.25", "2024-03-01T10:20:30.25+09:00", PrecisionTime},
		{"2024-03-01T10:20:30Z", "2024-03-01T10:20:30Z", PrecisionTime},
		{"2024-03-01T10:20:30z", "2024-03-01T10:20:30Z", PrecisionTime},
		{"2024-03-01T10:20+02:00", "2024-03-01T10:20:00+02:00", PrecisionTime},
		{"2024-03-01T10:20:30.5-05:00", "2024-03-01T10:20:30.5-05:00", PrecisionTime},
		{"2024-03-01 10:20:30+01:00", "2024-03-01T10:20:30+01:00", PrecisionTime},
		{"2024-03", "2024-03-01T00:00:00+09:00", PrecisionMonth},
		{"2024", "2024-01-01T00:00:00+09:00", PrecisionYear},
	} {
		d, err := ParseDate(tt.in, tokyo)
		if err != nil {
			t.Errorf("%s: %v", tt.in, err)
			continue
		}
		if got := d.Format(time.RFC3339Nano); got != tt.want || d.Precision != tt.prec {
			t.Errorf("%s: got %s (precision %d), want %s (%d)", tt.in, got, d.Precision, tt.want, tt.prec)
		}
	}
	for _, bad := range []string{"", "24-03-01", "2024-3-1", "2024-03-01T", "2024-03-01T25:00", "2024-03-01 10", "2024-03-01T10:20:30+9", "2024-03-01  10:20", "20244", "T1"} {
		if d, err := ParseDate(bad, time.UTC); err == nil {
			t.Errorf("%q parsed as %v", bad, d)
		}
	}
}

func TestZones(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	src := "---\ntitle: T\ndate: 2024-07-01 12:00\nupdated: 2024-07-02T12:00:00+09:00\nsummary: S\nkeywords: [k]\ntimeline:\n  - date: 2024-07-01T09:00:00Z\n    event: E\n---\n"
	in, ds := DecodeIncident("x.md", []byte(src), berlin)
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	if got := in.Date.Format(time.RFC3339); got != "2024-07-01T12:00:00+02:00" || in.Date.Location() != berlin {
		t.Errorf("date without zone: %s in %v, want 12:00 in Europe/Berlin", got, in.Date.Location())
	}
	if _, off := in.Updated.Zone(); off != 9*3600 || in.Updated.Hour() != 12 {
		t.Errorf("explicit +09:00 not kept: %s", in.Updated.Format(time.RFC3339))
	}
	if got := in.Timeline[0].Date.Format(time.RFC3339); got != "2024-07-01T09:00:00Z" {
		t.Errorf("Z: %s", got)
	}
	// The same file read with another site zone gives another instant.
	in2, _ := DecodeIncident("x.md", []byte(src), time.UTC)
	if in2.Date.Sub(in.Date.Time) != 2*time.Hour {
		t.Errorf("zone not applied: %v vs %v", in.Date, in2.Date)
	}
}

func TestListFields(t *testing.T) {
	head := "---\ntitle: T\ndate: 2024-01-02\nsummary: S\nkeywords: [k]\n"
	for _, tt := range []struct{ fm, want string }{
		{"techniques: [T1566, t1566.001]", "x.md:6:21: error: `t1566.001` is not a MITRE ATT&CK technique id; did you mean `T1566.001`?"},
		{"techniques: [T15]", "`T15` is not a MITRE ATT&CK technique id; write it like T1566 or T1566.001"},
		{"cves: [cve-2021-44228]", "x.md:6:8: error: `cve-2021-44228` is not a CVE id; did you mean `CVE-2021-44228`?"},
		{"cves: [CVE-21-1]", "`CVE-21-1` is not a CVE id; write it like CVE-2021-44228"},
		{"actors: APT1", "x.md:6:9: error: `actors` must be a list, not `APT1`"},
		{"sources:\n  - title: A\n    url: example.org/a", "x.md:8:10: error: `url` must be an absolute http(s) URL, got `example.org/a`"},
		{"sources:\n  - url: https://example.org/a", "x.md:7:5: error: sources entry has no `title`"},
		{"faq:\n  - question: Q?\n    answer: ''", "x.md:8:13: error: `answer` of a faq entry is empty"},
		{"faq:\n  - answer: A", "x.md:7:5: error: faq entry has no `question`"},
		{"aliases: [old/path/]", "x.md:6:11: error: alias `old/path/` must start with `/`"},
		{"aliases: ['/a/../b/']", "alias `/a/../b/` must not contain `.` or `..` segments"},
		{"aliases: ['//evil.example/']", "must not start with `//`"},
		{"slug: ../etc", "x.md:6:7: error: `slug` `../etc` starts with `.`; write `slug: etc`"},
		{"slug: a/b", "`slug` `a/b` contains a path separator; write `slug: a-b`"},
		{"slug: My Slug", "`slug` `My Slug` contains white space; write `slug: my-slug`"},
		{"draft: 'yes'", "x.md:6:8: error: `draft` must be true or false, not `yes`; write `draft: true` or `draft: false`, without quotes"},
		{"draft: 'true'", "`draft` must be true or false, not the quoted text `\"true\"`"},
		{"authors:\n  - url: https://a.example", "x.md:7:5: error: authors entry has no `name`"},
		{"focus_keyword: other", "x.md:6:16: warning: focus keyword `other` is not one of the keywords; add `other` to `keywords:`"},
		{"summary2: S", "warning: unknown key `summary2`; did you mean `summary`?"},
		{"title: again", "x.md:6:1: error: key `title` is given twice (first on line 2); remove one of them"},
		{"keywords2: [K, k]", "unknown key"},
		{"related: [[a]]", "x.md:6:11: error: entries of `related` must be text, not a list; write each entry as plain text"},
	} {
		_, ds := DecodeIncident("x.md", []byte(head+tt.fm+"\n---\n"), time.UTC)
		if len(ds) != 1 {
			t.Errorf("%q: want exactly one diagnostic, got:\n%s", tt.fm, ds)
		}
		wantDiags(t, ds, tt.want)
	}
	_, ds := DecodeIncident("x.md", []byte("---\ntitle: T\ndate: 2024-01-02\nsummary: S <b>bold</b>\nkeywords: [Supply Chain, supply  chain]\n---\n"), time.UTC)
	wantDiags(t, ds,
		"x.md:4:10: warning: `summary` contains `<`",
		"x.md:5:26: warning: keyword `supply  chain` is the same keyword as `Supply Chain`")
}

func TestSyntaxErrors(t *testing.T) {
	_, ds := load(t, map[string]string{
		// the YAML starts on line 2, so yaml's "line 3" is line 4 of the file
		"content/incidents/yaml.md": "---\ntitle: T\ndate: 2024-01-02\nsummary: a: b\n---\n",
		"content/incidents/toml.md": "+++\ntitle = \"T\"\ndate = 2024-01-02\nsummary = oops\n+++\n",
		"content/incidents/list.md": "---\n- a\n- b\n---\n",
		// yaml numbers parser errors from 0; they must still point at line 5
		"content/incidents/flow.md":  "---\ntitle: T\ndate: 2024-01-02\nsummary: S\nkeywords: [k\nseverity: high\n---\n",
		"content/incidents/quote.md": "---\ntitle: \"T\ndate: 2024-01-02\n---\n",
		"content/incidents/none.md":  "# Just markdown\n",
	})
	wantDiags(t, ds,
		"content/incidents/yaml.md:4: error: invalid YAML: mapping values are not allowed in this context",
		"content/incidents/toml.md:4:11: error: invalid TOML:",
		"content/incidents/list.md:2:1: error: front matter must be a mapping of keys to values, not a list",
		"content/incidents/none.md:1:1: error: the file has no front matter",
		"content/incidents/flow.md:5: error: invalid YAML: did not find expected ',' or ']'",
		"content/incidents/quote.md:3: error: invalid YAML: found unexpected end of stream; a quote, bracket or brace opened before this line is never closed",
	)
	if len(ds) != 6 {
		t.Errorf("want 6 diagnostics, got:\n%s", ds)
	}
}

func TestSeveralBrokenFilesOneRun(t *testing.T) {
	files := map[string]string{}
	for i := range 12 {
		files[fmt.Sprintf("content/incidents/%02d.md", i)] = "---\ntitle: T\ndate: 2024-01-02\nsummary: S\nkeywords: [k]\nseverity: bad\n---\n"
	}
	files["content/incidents/ok.md"] = "---\ntitle: T\ndate: 2024-01-02\nsummary: S\nkeywords: [k]\n---\n"
	c, ds := load(t, files)
	if n := ds.Count(diag.Error); n != 12 {
		t.Fatalf("%d errors, want 12:\n%s", n, ds)
	}
	for i, d := range ds {
		if want := fmt.Sprintf("content/incidents/%02d.md", i); d.File != want || d.Line != 6 {
			t.Errorf("diagnostic %d at %s:%d, want %s:6 (sorted)", i, d.File, d.Line, want)
		}
	}
	if len(c.Incidents) != 13 || c.Incidents[12].Source != "content/incidents/ok.md" {
		t.Errorf("corpus has %d incidents", len(c.Incidents))
	}
}

func TestTOMLEquivalence(t *testing.T) {
	toml := `+++
title = "  Database disk full  "
date = 2024-01-02T10:30:00Z
updated = 2024-01-05
summary = "The WAL filled the disk and writes stopped."
keywords = ["postgres", "Disk Space"]
focus_keyword = "Disk Space"
slug = "db-disk-full"
id = "INC-42"
authors = [{ name = "Jane Doe", url = "https://example.org/jane" }, "Sam Roe"]
severity = "high"
status = "resolved"
visibility = "internal"
actors = ["none"]
sectors = ["health"]
countries = ["DE", "FR"]
techniques = ["T1490", "T1566.001"]
cves = ["CVE-2021-44228"]
related = ["INC-42"]
aliases = ["/2024/db-full/"]
image = "/img/disk.png"
draft = true
internal_notes = "Ask Jane."

[[timeline]]
date = "2024-01"
event = "Disk usage alarms start."

[[timeline]]
date = 2024-01-02 10:00:00
event = "Writes fail."

[[sources]]
title = "Postmortem"
url = "https://example.org/pm"
publisher = "Example"
date = 2024

[[faq]]
question = "Was data lost?"
answer = """
No. **Nothing** was lost.
"""
+++
Body text.
`
	y, yd := DecodeIncident("content/incidents/x.md", []byte(full), time.UTC)
	tm, td := DecodeIncident("content/incidents/x.md", []byte(toml), time.UTC)
	if yd.HasErrors() || td.HasErrors() || len(td) > 0 {
		t.Fatalf("yaml:\n%s\ntoml:\n%s", yd, td)
	}
	if tm.Format != "toml" {
		t.Errorf("format %q", tm.Format)
	}
	// Positions differ between the two files; everything else must not.
	for _, in := range []*Incident{y, tm} {
		in.Format, in.BodyLine, in.pos = "", 0, pos{}
		for i := range in.Timeline {
			in.Timeline[i].Line = 0
		}
		for i := range in.Sources {
			in.Sources[i].Line = 0
		}
		for i := range in.FAQ {
			in.FAQ[i].Line, in.FAQ[i].Col, in.FAQ[i].AnswerAt = 0, 0, TextPos{}
		}
		in.NotesLine, in.NotesAt = 0, TextPos{}
	}
	if !reflect.DeepEqual(y, tm) {
		t.Errorf("yaml\n%#v\ntoml\n%#v", y, tm)
	}
}

func TestTOMLPositions(t *testing.T) {
	src := "+++\ntitle = \"T\"\ndate = 2024-01-02\nsummary = \"S\"\nkeywords = [\"k\"]\nseverity = \"hihg\"\ncves = [\"CVE-1\"]\nkeyword = 1\n\n[[sources]]\ntitle = \"A\"\nurl = \"nope\"\n[[timeline]]\nevent = \"E\"\n+++\n"
	_, ds := DecodeIncident("x.md", []byte(src), time.UTC)
	wantDiags(t, ds,
		"x.md:6:12: error: severity `hihg` is not one of",
		"x.md:7:9: error: `CVE-1` is not a CVE id",
		"x.md:8:1: warning: unknown key `keyword`; did you mean `keywords`?",
		"x.md:12:7: error: `url` must be an absolute http(s) URL",
		"x.md:13:3: error: timeline entry has no `date`",
	)
	if len(ds) != 5 {
		t.Errorf("want 5 diagnostics:\n%s", ds)
	}
}

func TestCorpusChecks(t *testing.T) {
	ok := "---\ntitle: T\ndate: 2024-01-02\nsummary: S\nkeywords: [k]\n"
	_, ds := load(t, map[string]string{
		"content/incidents/a.md":       ok + "id: one\nrelated: [two, onee]\n---\n",
		"content/incidents/b.md":       ok + "slug: a\n---\n",
		"content/incidents/sub/c.md":   ok + "id: one\naliases: [/old/]\n---\n",
		"content/incidents/d.md":       ok + "aliases: [/old, /about/, /keywords]\n---\n",
		"content/incidents/self.md":    ok + "related: [self]\n---\n",
		"content/about.md":             "---\ntitle: About\n---\n",
		"content/search.md":            "---\ntitle: Search\n---\n",
		"content/about2.md":            "---\ntitle: About\nslug: About\n---\n",
		"content/misplaced/x.md":       "---\ntitle: X\n---\n",
		"content/incidents/.hidden.md": "junk",
		"content/incidents/#a.md#":     "junk",
		"content/incidents/a.md~":      "junk",
		"content/.git/x.md":            "junk",
		"content/incidents/notes.txt":  "junk",
	})
	wantDiags(t, ds,
		"content/about2.md:3:7: error: page slug `About` is already used by content/about.md",
		"content/incidents/a.md:7:11: error: related incident `two` does not exist; use the `id` of an incident",
		"content/incidents/a.md:7:16: error: related incident `onee` does not exist; did you mean `one`?",
		"content/incidents/b.md:6:7: error: incident slug `a` is already used by content/incidents/a.md; give one of them a different `slug:`",
		"content/incidents/sub/c.md:7:11: error: alias `/old/` is already the address or an alias of content/incidents/d.md",
		"content/incidents/d.md:6:17: error: alias `/about/` is already the address or an alias of content/about.md",
		"content/incidents/d.md:6:26: error: alias `/keywords` is already the address or an alias of the generated /keywords",
		"content/incidents/self.md:6:11: warning: `related` lists the incident itself",
		"content/incidents/sub/c.md:6:5: error: incident id `one` is already used by content/incidents/a.md",
		"content/misplaced/x.md: warning: this file is neither an incident nor a plain page and is ignored; incidents go in content/incidents/",
		"content/search.md:1:1: error: page slug `search` is reserved",
	)
	if len(ds) != 11 {
		t.Errorf("want 11 diagnostics, got:\n%s", ds)
	}
}

func TestPages(t *testing.T) {
	c, ds := load(t, map[string]string{
		"content/about.md":   "---\ntitle: About us\ndescription: Who we are.\nweight: 2\ndate: 2024-01-01\naliases: [/about-us/]\n---\nHi\n",
		"content/contact.md": "+++\ntitle = \"Contact\"\nsummary = \"S\"\ndescription = \"D\"\nweight = \"1\"\nkeywords = [\"x\"]\n+++\n",
	})
	wantDiags(t, ds,
		"content/contact.md:4:1: error: `summary` and `description` are the same field and both are given",
		"content/contact.md:5:10: error: `weight` must be a whole number, not the quoted text `\"1\"`",
		"content/contact.md:6:1: warning: unknown key `keywords`; known keys: title, slug, summary, description",
	)
	if len(ds) != 3 {
		t.Errorf("want 3 diagnostics:\n%s", ds)
	}
	p := c.Pages[0]
	if p.Slug != "about" || p.Title != "About us" || p.Summary != "Who we are." || p.Weight != 2 || p.Date.Precision != PrecisionDay || p.Aliases[0] != "/about-us/" || string(p.Body) != "Hi\n" || p.BodyLine != 8 {
		t.Errorf("page: %+v", p)
	}
}

func TestSlugify(t *testing.T) {
	for in, want := range map[string]string{
		"Supply Chain":           "supply-chain",
		"supply  chain":          "supply-chain",
		"  --Supply--Chain!! ":   "supply-chain",
		"日本 Breach":              "日本-breach",
		"Ünïcödé_Ärger":          "ünïcödé-ärger",
		"CVE-2021-44228 (Log4j)": "cve-2021-44228-log4j",
		"हिन्दी":                 "हिन्दी",
		"../../etc/passwd":       "etc-passwd",
		"a\x00b\xffc":            "a-b-c",
		"!!!":                    "",
	} {
		if got := Slugify(in); got != want {
			t.Errorf("Slugify(%q) = %q, want %q", in, got, want)
		}
		if got := Slugify(want); got != want {
			t.Errorf("Slugify not idempotent on %q: %q", want, got)
		}
	}
	c, ds := load(t, map[string]string{
		"content/incidents/日本 Breach.md": "---\ntitle: T\ndate: 2024-01-02\nsummary: S\nkeywords: [k]\n---\n",
		"content/incidents/!!!.md":       "---\ntitle: T\ndate: 2024-01-02\nsummary: S\nkeywords: [k]\n---\n",
	})
	wantDiags(t, ds, "content/incidents/!!!.md:1:1: error: cannot make a slug from the file name `!!!.md`; rename the file, or add `slug: some-name`")
	if c.Incidents[1].Slug != "日本-breach" {
		t.Errorf("slug %q", c.Incidents[1].Slug)
	}
}

func TestLoadEmptyAndIgnored(t *testing.T) {
	c, ds := Load(fstest.MapFS{}, nil)
	if len(ds) != 0 || len(c.Incidents)+len(c.Pages) != 0 {
		t.Errorf("no content/: %v %+v", ds, c)
	}
	c, ds = load(t, map[string]string{
		"content/incidents/.x.md.swp": "x", "content/.#about.md": "x", "content/index.html": "x",
		"content/incidents/img/a.png": "x", "README.md": "x", "content/#about.md#": "x", "content/about.md~": "x",
	})
	if len(ds) != 0 || len(c.Incidents)+len(c.Pages) != 0 {
		t.Errorf("ignored files were read: %v", ds)
	}
}

func TestLoadDoesNotFollowSymlinkedDirs(t *testing.T) {
	dir := t.TempDir()
	outside := filepath.Join(dir, "outside")
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(dir, "kb/content/incidents"), 0o755))
	must(os.MkdirAll(outside, 0o755))
	must(os.WriteFile(filepath.Join(outside, "secret.md"), []byte("---\ntitle: T\n---\n"), 0o644))
	if err := os.Symlink(outside, filepath.Join(dir, "kb/content/incidents/linked")); err != nil {
		t.Skip("no symlinks:", err)
	}
	c, ds := Load(os.DirFS(filepath.Join(dir, "kb")), time.UTC)
	if len(c.Incidents) != 0 || len(ds) != 0 {
		t.Errorf("followed a symlinked directory: %v %v", c.Incidents, ds)
	}
}

func TestLoadDeterministic(t *testing.T) {
	files := map[string]string{}
	for i := range 300 {
		body := "---\ntitle: T\ndate: 2024-01-02\nsummary: S\nkeywords: [k]\n"
		switch i % 3 {
		case 0:
			body += "severity: x\nfoo: 1\n"
		case 1:
			body += fmt.Sprintf("related: [r%d]\nslug: s%d\n", i, i%7)
		}
		files[fmt.Sprintf("content/incidents/d%d/%d.md", i%5, i)] = body + "---\n"
	}
	fsys := mapFS(files)
	c1, d1 := Load(fsys, time.UTC)
	prev := runtime.GOMAXPROCS(1)
	c2, d2 := Load(fsys, time.UTC)
	runtime.GOMAXPROCS(prev)
	if d1.String() != d2.String() || len(d1) < 300 {
		t.Errorf("diagnostics differ between runs or too few (%d)", len(d1))
	}
	for i := range c1.Incidents {
		if c1.Incidents[i].Source != c2.Incidents[i].Source || (i > 0 && c1.Incidents[i-1].Source >= c1.Incidents[i].Source) {
			t.Fatalf("incidents not sorted by Source at %d", i)
		}
	}
}

func TestCacheRereadsOnlyInvalidated(t *testing.T) {
	fsys := mapFS(map[string]string{
		"content/incidents/a.md": "---\ntitle: A\ndate: 2024-01-02\nsummary: S.\nkeywords: [k]\n---\n",
		"content/incidents/b.md": "---\ntitle: B\ndate: 2024-01-02\nsummary: S.\nkeywords: [k]\n---\n",
	})
	c := NewCache()
	first, d := c.Load(fsys, time.UTC)
	if d.HasErrors() || len(first.Incidents) != 2 {
		t.Fatalf("first load: %v", d)
	}
	// Change both files on disk, but tell the cache about a.md only.
	fsys["content/incidents/a.md"].Data = []byte("---\ntitle: A2\ndate: 2024-01-02\nsummary: S.\nkeywords: [k]\n---\n")
	fsys["content/incidents/b.md"].Data = []byte("---\ntitle: B2\ndate: 2024-01-02\nsummary: S.\nkeywords: [k]\n---\n")
	c.Invalidate("content/incidents/a.md")
	second, _ := c.Load(fsys, time.UTC)
	if second.Incidents[0].Title != "A2" {
		t.Errorf("invalidated file not re-read: %q", second.Incidents[0].Title)
	}
	if second.Incidents[1] != first.Incidents[1] || second.Incidents[1].Title != "B" {
		t.Errorf("untouched file was re-decoded")
	}
	// A deleted file disappears; a folder invalidation re-reads everything below.
	delete(fsys, "content/incidents/a.md")
	c.Invalidate("content/incidents")
	third, _ := c.Load(fsys, time.UTC)
	if len(third.Incidents) != 1 || third.Incidents[0].Title != "B2" {
		t.Errorf("after delete and folder invalidation: %+v", third.Incidents)
	}
	// Another zone empties the cache (dates depend on it).
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	fourth, _ := c.Load(fsys, tokyo)
	if fourth.Incidents[0] == third.Incidents[0] || fourth.Incidents[0].Date.Location().String() != "Asia/Tokyo" {
		t.Errorf("zone change did not re-decode")
	}
}

// A lean load drops the bodies it is told to, and ReadBody reads them
// again exactly as Load would have kept them (CRLF and BOM included).
func TestLoadWithDropsBodies(t *testing.T) {
	files := map[string]string{
		"content/incidents/a.md": "---\ntitle: A\ndate: 2024-01-02\nsummary: S.\nkeywords: [k]\n---\nBody of a.\n",
		"content/incidents/b.md": "\uFEFF---\r\ntitle: B\r\ndate: 2024-01-02\r\nsummary: S.\r\nkeywords: [k]\r\n---\r\nBody of b.\r\n::: internal\r\nx\r\n:::\r\n",
		"content/about.md":       "---\ntitle: About\n---\nAbout us.\n",
	}
	fsys := mapFS(files)
	full, d := Load(fsys, time.UTC)
	if d.HasErrors() {
		t.Fatal(d)
	}
	lean, d := LoadWith(fsys, time.UTC, LoadOptions{KeepBody: func(in *Incident) bool { return strings.Contains(string(in.Body), ":::") }})
	if d.HasErrors() {
		t.Fatal(d)
	}
	for i, in := range lean.Incidents {
		want := full.Incidents[i].Body
		switch in.Source {
		case "content/incidents/a.md":
			if in.Body != nil {
				t.Errorf("a.md kept its body")
			}
		case "content/incidents/b.md":
			if string(in.Body) != string(want) {
				t.Errorf("b.md body = %q, want %q", in.Body, want)
			}
		}
		got, err := ReadBody(fsys, in.Source)
		if err != nil || string(got) != string(want) {
			t.Errorf("ReadBody(%s) = %q, %v; want %q", in.Source, got, err, want)
		}
	}
	if len(lean.Pages) != 1 || string(lean.Pages[0].Body) != "About us.\n" {
		t.Errorf("pages keep their bodies: %+v", lean.Pages)
	}
	if _, err := ReadBody(fsys, "content/incidents/gone.md"); err == nil {
		t.Error("ReadBody of a missing file succeeded")
	}
}

// TestInvalidUTF8InBody: a byte that is not UTF-8 in the markdown body is
// an error at its line and column (in characters), as one in the front
// matter is; it used to reach the pages as U+FFFD unreported.
func TestInvalidUTF8InBody(t *testing.T) {
	fm := "---\ntitle: X\ndate: 2024-01-02\nsummary: S.\nkeywords: [k]\n---\n"
	in, ds := DecodeIncident("content/incidents/x.md", []byte(fm+"Fine line.\r\nCafé \xe9t\xe9 ok\n"), time.UTC)
	if in == nil {
		t.Fatal("no incident")
	}
	wantDiags(t, ds, "content/incidents/x.md:8:6: error: the text is not valid UTF-8: byte 0xE9; save the file as UTF-8")
	if n := len(ds); n != 1 {
		t.Errorf("%d diagnostics, want 1 (the first bad byte):\n%s", n, ds)
	}
	_, ds = DecodePage("content/about.md", []byte("---\ntitle: About\n---\n\xff"), time.UTC)
	wantDiags(t, ds, "content/about.md:4:1: error: the text is not valid UTF-8: byte 0xFF")
	// A truncated sequence at the very end, and valid text of every width.
	_, ds = DecodeIncident("content/incidents/x.md", []byte(fm+"日本 🚀 ok\n\xe6\x97"), time.UTC)
	wantDiags(t, ds, "content/incidents/x.md:8:1: error: the text is not valid UTF-8: byte 0xE6")
	if _, ds = DecodeIncident("content/incidents/x.md", []byte(fm+"日本 🚀 ok\n"), time.UTC); len(ds) != 0 {
		t.Errorf("valid UTF-8 reported: %s", ds)
	}
}
