package site_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"casefile/generator/internal/sitetest"
)

// incidentsArchive writes n incidents i0…i(n-1), dated one day apart (i0
// oldest), each with the keywords given by kw(i).
func incidentsArchive(config string, n int, kw func(i int) string) string {
	var sb strings.Builder
	sb.WriteString("-- casefile.yaml --\nbase_url: https://kb.example.org/\n" + config + "\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&sb, "-- content/incidents/i%d.md --\n---\ntitle: Incident %d\ndate: 2024-01-%02d\nsummary: Summary %d.\nkeywords: [%s]\n---\nBody %d.\n", i, i, i+1, i, kw(i), i)
	}
	return sb.String()
}

func TestKeywordSpellingsShareOnePage(t *testing.T) {
	b := sitetest.Build(t, incidentsArchive("", 4, func(i int) string {
		return []string{"Supply Chain", "supply chain", "supply  chain", "supply chain"}[i]
	}))
	b.AssertFile("keywords/supply-chain/index.html", "<h1>Keyword: supply chain</h1>", "Incident 0", "Incident 1", "Incident 2", "Incident 3")
	b.AssertFile("keywords/index.html", `<a href="/keywords/supply-chain/">supply chain</a>`, `data-count="4"`)
	b.AssertDiag("content/incidents/i0.md: warning: keyword `supply chain` (2 incidents) and `Supply Chain` (1 incident) and `supply  chain` (1 incident) share the page /keywords/supply-chain/; shown as `supply chain`")
	// Every incident links to the one page.
	for i := 0; i < 4; i++ {
		b.AssertFile(fmt.Sprintf("incidents/i%d/index.html", i), `href="/keywords/supply-chain/" rel="tag"`)
	}
}

func TestUnicodeKeywordPages(t *testing.T) {
	b := sitetest.Build(t, incidentsArchive("", 2, func(i int) string { return "日本, サイバー攻撃" }))
	b.AssertFile("keywords/日本/index.html", "<h1>Keyword: 日本</h1>", "Incident 1")
	b.AssertFile("incidents/i0/index.html", `href="/keywords/%e6%97%a5%e6%9c%ac/"`)
	b.AssertFile("keywords/サイバー攻撃/feed.xml", "<title>", "Incident 0")
}

func TestKeywordPaginationEdges(t *testing.T) {
	for _, c := range []struct {
		items, pages int
	}{{1, 1}, {2, 1}, {3, 2}, {4, 2}, {5, 3}} {
		t.Run(fmt.Sprint(c.items), func(t *testing.T) {
			b := sitetest.Build(t, incidentsArchive("paginate: 2", c.items, func(int) string { return "k" }))
			for n := 1; n <= c.pages; n++ {
				p := "keywords/k/index.html"
				if n > 1 {
					p = fmt.Sprintf("keywords/k/page/%d/index.html", n)
				}
				page := b.File(p)
				hasPrev := strings.Contains(page, `<link rel="prev"`)
				hasNext := strings.Contains(page, `<link rel="next"`)
				if hasPrev != (n > 1) || hasNext != (n < c.pages) {
					t.Errorf("%s: prev=%v next=%v, want prev=%v next=%v", p, hasPrev, hasNext, n > 1, n < c.pages)
				}
				// Newest first: page n holds incidents items-1-2(n-1) and the one below.
				newest := c.items - 1 - 2*(n-1)
				if !strings.Contains(page, fmt.Sprintf("Incident %d<", newest)) {
					t.Errorf("%s lacks Incident %d", p, newest)
				}
			}
			b.AssertNoFile(fmt.Sprintf("keywords/k/page/%d/index.html", c.pages+1))
			if c.pages == 1 {
				b.AssertNotInFile("keywords/k/index.html", `class="pager"`)
			}
		})
	}
}

func TestEmptyKnowledgeBase(t *testing.T) {
	b := sitetest.Build(t, "-- casefile.yaml --\ntitle: Empty\n")
	b.AssertFile("index.html", "0 incidents documented.")
	b.AssertFile("incidents/index.html", "Nothing here yet.")
	b.AssertNotInFile("incidents/index.html", `rel="next"`)
	b.AssertNoFile("keywords/index.html") // no keyword yet: no empty index
	b.AssertFile("timeline/index.html", "No incidents yet.")
	b.AssertFile("incidents.json", `"count":0,"incidents":[]`)
}

func TestKeywordPageStructuredDataAndFeed(t *testing.T) {
	b := sitetest.Build(t, incidentsArchive("", 2, func(int) string { return "ransomware" }))
	g := graphOf(t, b, "keywords/ransomware/index.html")
	for _, typ := range []string{"CollectionPage", "ItemList", "BreadcrumbList"} {
		if len(nodesOfType(g, typ)) != 1 {
			t.Errorf("keyword page: want one %s", typ)
		}
	}
	il := nodesOfType(g, "ItemList")[0]["itemListElement"].([]any)
	if len(il) != 2 || il[0].(map[string]any)["url"] != "https://kb.example.org/incidents/i1/" {
		t.Errorf("item list = %v, want i1 then i0", il)
	}
	b.AssertFile("keywords/ransomware/index.html", `<link rel="alternate" type="application/atom+xml" title="`, `href="/keywords/ransomware/feed.xml"`)
	b.AssertFile("keywords/ransomware/feed.xml", `<link rel="self" type="application/atom+xml" href="https://kb.example.org/keywords/ransomware/feed.xml">`, "Incident 1", "Incident 0")
}

const facetsArchive = `
-- content/incidents/a.md --
---
title: Alpha
date: 2021-03-04
summary: S.
keywords: [k]
severity: critical
actors: [APT29]
sectors: [government]
countries: [Japan]
techniques: [T1195.002]
---
-- content/incidents/b.md --
---
title: Beta
date: 2021-05-06
summary: S.
keywords: [k]
severity: high
actors: [apt29]
sectors: [energy]
---
-- content/incidents/c.md --
---
title: Gamma
date: 2023-01-02
summary: S.
keywords: [k]
---
`

func TestFacetPages(t *testing.T) {
	b := sitetest.Build(t, facetsArchive)
	b.AssertFile("actors/apt29/index.html", "Actor: APT29", "Alpha", "Beta")
	b.AssertFile("sectors/energy/index.html", "Beta")
	b.AssertNotInFile("sectors/energy/index.html", "Alpha")
	b.AssertFile("countries/japan/index.html", "Alpha")
	b.AssertFile("severity/critical/index.html", "Alpha")
	b.AssertFile("techniques/t1195-002/index.html", "MITRE ATT&amp;CK technique T1195.002")
	b.AssertFile("incidents/a/index.html", `<a href="/actors/apt29/">APT29</a>`, `<a href="/countries/japan/">Japan</a>`)
	b.AssertNoFile("status/index.html") // not in the default list

	only := sitetest.Build(t, "-- casefile.yaml --\ntaxonomies: [keywords, status]\n"+facetsArchive)
	only.AssertNoFile("actors/index.html")
	only.AssertFile("keywords/k/index.html", "Gamma")
	only.AssertFile("incidents/a/index.html", "<dd>APT29</dd>") // no page, no link

	bad := sitetest.BuildErr(t, "-- casefile.yaml --\ntaxonomies: [keyword]\n"+facetsArchive)
	bad.AssertDiag("casefile.yaml", "unknown taxonomy `keyword`", "did you mean `keywords`?")
}

func TestTimelineAndHomeFacets(t *testing.T) {
	b := sitetest.Build(t, facetsArchive)
	tl := b.File("timeline/index.html")
	for _, want := range []string{`<h2 id="y2023">`, `<h2 id="y2021">`, `<h3 id="m2021-05">May 2021`, `<h3 id="m2021-03">March 2021`, `role="img"`,
		`<title>March 2021: 1 critical</title>`, `<title>May 2021: 1 high</title>`, `<title>January 2023: 1 not rated</title>`} {
		if !strings.Contains(tl, want) {
			t.Errorf("timeline lacks %s", want)
		}
	}
	// 2021-03 … 2023-01 is 23 months; three have incidents: three bars.
	if n := strings.Count(tl, "<rect "); n != 3 {
		t.Errorf("chart has %d bar segments, want 3", n)
	}
	if i, j := strings.Index(tl, "Beta"), strings.Index(tl, "Alpha"); i > j {
		t.Errorf("timeline should list May (Beta) before March (Alpha)")
	}
	b.AssertFile("timeline/2021/index.html", "Incidents of 2021", "Alpha", "Beta")
	b.AssertNotInFile("timeline/2021/index.html", "Gamma")
	b.AssertFile("index.html", "By severity", `<a href="/severity/critical/">critical</a> <span class="count">1</span>`,
		"By year", `<a href="/timeline/2021/">2021</a> <span class="count">2</span>`, `class="chart"`)
}

func TestExport(t *testing.T) {
	b := sitetest.Build(t, oneIncident+`
-- content/incidents/draft.md --
---
title: Not yet
date: 2024-03-01
summary: S.
keywords: [k]
draft: true
---
`)
	var f struct {
		Schema    string `json:"schema"`
		Version   int    `json:"version"`
		Count     int    `json:"count"`
		Incidents []struct {
			ID, URL, Title, Summary, Date, Updated, Severity, Status string
			Keywords                                                 []string
			Timeline                                                 []struct{ Date, Event string }
			Sources                                                  []struct{ Title, URL, Publisher string }
			FAQ                                                      []struct {
				Question   string `json:"question"`
				AnswerHTML string `json:"answer_html"`
				AnswerText string `json:"answer_text"`
			}
		} `json:"incidents"`
	}
	if err := json.Unmarshal([]byte(b.File("incidents.json")), &f); err != nil {
		t.Fatal(err)
	}
	if f.Schema != "casefile-incidents" || f.Version != 1 || f.Count != 1 || len(f.Incidents) != 1 {
		t.Fatalf("export header = %+v", f)
	}
	in := f.Incidents[0]
	if in.ID != "db-disk-full" || in.URL != "https://kb.example.org/incidents/db-disk-full/" || in.Date != "2024-01-02T00:00:00Z" ||
		in.Updated != "2024-02-03T10:00:00+02:00" || in.Severity != "high" || in.Status != "resolved" {
		t.Errorf("incident = %+v", in)
	}
	if len(in.Timeline) != 2 || in.Timeline[0].Date != "2024-01" || len(in.Sources) != 1 || in.Sources[0].Publisher != "Example Inc" {
		t.Errorf("timeline/sources = %+v %+v", in.Timeline, in.Sources)
	}
	if len(in.FAQ) != 3 || in.FAQ[0].AnswerText != "The on-call engineer." || !strings.Contains(in.FAQ[0].AnswerHTML, "<strong>on-call</strong>") {
		t.Errorf("faq = %+v", in.FAQ)
	}
	b.AssertFile("incidents/db-disk-full/index.json", `"schema":"casefile-incidents"`, `"incident":{"id":"db-disk-full"`)
	b.AssertNoFile("incidents/draft/index.json")
}

// TestExportRecordsAsEncodingJSON checks the hand-written encoder of the
// export (appendJSON) on a whole build with awkward text: every record in
// incidents.json must be what encoding/json makes of it, and each
// incident's own file must hold the same record.
func TestExportRecordsAsEncodingJSON(t *testing.T) {
	b := sitetest.Build(t, oneIncident+`
-- content/incidents/awkward.md --
---
title: "Quotes \" <script>alert(1)</script> & \\ back\u2028slash"
date: 2024-02-01
summary: "Tabs\tand é ☃ 𝄞 and </script><!-- too"
keywords: ["<k>", "a&b"]
actors: ["Group \"X\""]
authors: [{name: "Ann <ann>", url: "https://example.org/?a=1&b=2"}]
timeline:
  - {date: 2024-01, event: "Line\u2029two"}
sources:
  - {title: "S & T", url: "https://example.org/s?x=<y>"}
faq:
  - question: "Why <this>?"
    answer: "Because **x** & y < z."
---
Body with <b>html</b> & entities.
`)
	var whole struct {
		Incidents []json.RawMessage `json:"incidents"`
	}
	if err := json.Unmarshal([]byte(b.File("incidents.json")), &whole); err != nil {
		t.Fatal(err)
	}
	if len(whole.Incidents) != 2 {
		t.Fatalf("incidents.json has %d records, want 2", len(whole.Incidents))
	}
	for _, raw := range whole.Incidents {
		var v struct {
			Slug string `json:"slug"`
		}
		if err := json.Unmarshal(raw, &v); err != nil {
			t.Fatal(err)
		}
		// encoding/json compacts and HTML-escapes a raw message again:
		// a record it would write otherwise comes out different.
		var buf strings.Builder
		enc := json.NewEncoder(&buf)
		if err := enc.Encode(json.RawMessage(raw)); err != nil {
			t.Fatal(err)
		}
		if got := strings.TrimSuffix(buf.String(), "\n"); got != string(raw) {
			t.Errorf("%s: record is not in encoding/json's compact, HTML-escaped form:\n got %s\nwant %s", v.Slug, raw, got)
		}
		var one struct {
			Incident json.RawMessage `json:"incident"`
		}
		if err := json.Unmarshal([]byte(b.File("incidents/"+v.Slug+"/index.json")), &one); err != nil {
			t.Fatal(err)
		}
		if string(one.Incident) != string(raw) {
			t.Errorf("%s/index.json holds another record than incidents.json:\n%s\n%s", v.Slug, one.Incident, raw)
		}
	}
	b.AssertFile("incidents.json", `"title":"Quotes \" \u003cscript\u003ealert(1)\u003c/script\u003e \u0026 \\ back\u2028slash"`)
}

func TestSearchPageAndIndex(t *testing.T) {
	b := sitetest.Build(t, facetsArchive)
	b.AssertFile("search/index.html", `<script defer src="/search/manifest.js"></script>`, `<script defer src="/js/search.js"></script>`, `role="search"`)
	b.AssertFile("search/manifest.js", "CasefileSearch.")
	b.AssertFile("index.html", `<a href="/search/">Search</a>`)
	g := graphOf(t, b, "index.html")
	ws := nodesOfType(g, "WebSite")[0]
	pa, _ := ws["potentialAction"].(map[string]any)
	if pa == nil || pa["target"] != "https://kb.example.org/search/?q={search_term_string}" && pa["target"] != "http://localhost:1313/search/?q={search_term_string}" {
		t.Errorf("home WebSite potentialAction = %v", ws["potentialAction"])
	}
	// The index holds the facet values too: the ATT&CK id of Alpha is findable.
	var index strings.Builder
	for _, p := range b.Out.Paths() {
		if strings.HasPrefix(p, "search/t/") {
			index.WriteString(b.File(p))
		}
	}
	if !strings.Contains(index.String(), "t1195") {
		t.Errorf("search shards lack the technique id t1195")
	}
}
