package config

import (
	"reflect"
	"strings"
	"testing"
	"testing/fstest"

	"casefile/generator/diag"
)

func load(files map[string]string) (Config, diag.List) {
	m := fstest.MapFS{}
	for name, data := range files {
		m[name] = &fstest.MapFile{Data: []byte(data)}
	}
	return Load(m)
}

func wantDiags(t *testing.T, got diag.List, want ...string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("got %d diagnostics, want %d:\n%s", len(got), len(want), got)
	}
next:
	for _, w := range want {
		for _, d := range got {
			if strings.Contains(d.String(), w) {
				continue next
			}
		}
		t.Errorf("no diagnostic contains %q; got:\n%s", w, got)
	}
}

const fullYAML = `title: Acme KB
description: Incidents at Acme.
base_url: https://kb.example.org/sub
language: de
timezone: Europe/Berlin
article_type: TechArticle
unsafe_html: true
home_count: 10
paginate: 15
related_count: 3
publisher:
  name: Acme
  url: https://acme.example
  logo: /img/logo.png
authors:
  - name: Jane
    url: https://jane.example
  - Sam
twitter: "@acme"
image: /img/card.png
copyright: © Acme
highlight:
  light: friendly
  dark: monokai
menu:
  - name: About
    url: /about/
taxonomies: [actors, sectors]
profiles:
  internal:
    base_url: /
    title: Acme KB (internal)
    output: public-internal
  public: {}
`

const fullTOML = `title = "Acme KB"
description = "Incidents at Acme."
base_url = "https://kb.example.org/sub"
language = "de"
timezone = "Europe/Berlin"
article_type = "TechArticle"
unsafe_html = true
home_count = 10
paginate = 15
related_count = 3
authors = [{ name = "Jane", url = "https://jane.example" }, "Sam"]
twitter = "@acme"
image = "/img/card.png"
copyright = "© Acme"
taxonomies = ["actors", "sectors"]

[publisher]
name = "Acme"
url = "https://acme.example"
logo = "/img/logo.png"

[highlight]
light = "friendly"
dark = "monokai"

[[menu]]
name = "About"
url = "/about/"

[profiles.internal]
base_url = "/"
title = "Acme KB (internal)"
output = "public-internal"

[profiles.public]
`

func TestLoadFull(t *testing.T) {
	y, yd := load(map[string]string{"casefile.yaml": fullYAML})
	if len(yd) != 0 {
		t.Fatalf("yaml:\n%s", yd)
	}
	if y.Source != "casefile.yaml" || y.BaseURL != "https://kb.example.org/sub/" || y.Location.String() != "Europe/Berlin" ||
		y.ArticleType != "TechArticle" || !y.UnsafeHTML || y.HomeCount != 10 || y.Paginate != 15 || y.RelatedCount != 3 ||
		y.Publisher != (Publisher{"Acme", "https://acme.example", "/img/logo.png"}) ||
		!reflect.DeepEqual(y.Authors, []Author{{"Jane", "https://jane.example"}, {"Sam", ""}}) ||
		y.HighlightLight != "friendly" || y.HighlightDark != "monokai" || y.Menu[0].Name != "About" || y.Menu[0].URL != "/about/" || y.Menu[0].Line != 27 || y.Menu[0].Col != 10 ||
		!reflect.DeepEqual(y.Taxonomies, []string{"actors", "sectors"}) ||
		!reflect.DeepEqual(y.Profiles, map[string]Profile{"internal": {"/", "Acme KB (internal)", "public-internal"}, "public": {}}) {
		t.Errorf("yaml config: %+v", y)
	}
	tm, td := load(map[string]string{"casefile.toml": fullTOML})
	if len(td) != 0 {
		t.Fatalf("toml:\n%s", td)
	}
	tm.Source = y.Source
	if tm.Menu[0].Line != 28 || tm.Menu[0].Col != 7 {
		t.Errorf("toml menu url at %d:%d, want 28:7", tm.Menu[0].Line, tm.Menu[0].Col)
	}
	tm.Menu[0].Line, tm.Menu[0].Col = y.Menu[0].Line, y.Menu[0].Col // positions differ
	if !reflect.DeepEqual(y, tm) {
		t.Errorf("yaml and toml differ:\n%+v\n%+v", y, tm)
	}
}

func TestDefaults(t *testing.T) {
	c, ds := load(nil)
	if len(ds) != 0 || !reflect.DeepEqual(c, Defaults()) || c.Location == nil || c.Source != "" {
		t.Errorf("no config: %+v %v", c, ds)
	}
	c, ds = load(map[string]string{"casefile.yml": "title: X\n"})
	d := Defaults()
	d.Source, d.Title = "casefile.yml", "X"
	if len(ds) != 0 || !reflect.DeepEqual(c, d) {
		t.Errorf("partial config: %+v %v", c, ds)
	}
	c, ds = load(map[string]string{"casefile.yaml": ""})
	if len(ds) != 0 || c.Title != "Casefile" {
		t.Errorf("empty config: %+v %v", c, ds)
	}
}

func TestErrors(t *testing.T) {
	_, ds := load(map[string]string{"casefile.yaml": `titel: X
base_url: kb.example.org
article_type: newsarticle
timezone: Europe/Berln
home_count: 0
paginate: ten
unsafe_html: "yes"
publisher:
  nmae: Acme
  url: ftp://acme.example
menu:
  - name: About
authors: Jane
profiles:
  internal:
    base_url: intranet/kb
highlight: github
`})
	wantDiags(t, ds,
		"casefile.yaml:1:1: warning: unknown key `titel`; did you mean `title`?",
		"casefile.yaml:2:11: error: `base_url` must be an absolute http(s) URL without query or fragment, got `kb.example.org`; write the address the site is served from",
		"casefile.yaml:3:15: error: article_type `newsarticle` is not one of Article, NewsArticle, BlogPosting, Report, TechArticle, AnalysisNewsArticle, ReportageNewsArticle; did you mean `NewsArticle`?",
		"casefile.yaml:4:11: error: unknown time zone `Europe/Berln`; use an IANA time zone name",
		"casefile.yaml:5:13: error: `home_count` must be at least 1, got 0; write a number of 1 or more, or remove `home_count` to get the default 20",
		"casefile.yaml:6:11: error: `paginate` must be a whole number, not `ten`",
		"casefile.yaml:7:14: error: `unsafe_html` must be true or false, not `yes`",
		"casefile.yaml:9:3: warning: unknown key `nmae` in `publisher`; did you mean `name`?",
		"casefile.yaml:10:8: error: `url` must be an absolute http(s) URL, got `ftp://acme.example`",
		"casefile.yaml:12:5: error: a `menu` entry has no `name` or no `url`",
		"casefile.yaml:13:10: error: `authors` must be a list, not `Jane`",
		"casefile.yaml:16:15: error: `base_url` must be an absolute http(s) URL or a path starting with `/`",
		"casefile.yaml:17:12: error: `highlight` must be a mapping of `name: value` pairs, not `github`",
	)
}

func TestTOMLErrorsAndFiles(t *testing.T) {
	_, ds := load(map[string]string{"casefile.toml": "title = \"X\"\nbase_url = \"http://x.example\"\npaginate = 0\nrelated = 3\n"})
	wantDiags(t, ds,
		"casefile.toml:3:12: error: `paginate` must be at least 1, got 0",
		"casefile.toml:4:1: warning: unknown key `related`; did you mean `related_count`?")
	_, ds = load(map[string]string{"casefile.toml": "title = \"X\"\nbase_url = http\n"})
	wantDiags(t, ds, "casefile.toml:2:12: error: invalid TOML:")
	_, ds = load(map[string]string{"casefile.yaml": "title: X\n  base_url: y\n"})
	wantDiags(t, ds, "casefile.yaml:2: error: invalid YAML: mapping values are not allowed in this context")
	_, ds = load(map[string]string{"casefile.yaml": "title: X\n", "casefile.toml": "title = \"Y\"\n"})
	wantDiags(t, ds, "casefile.toml: error: casefile.yaml and casefile.toml both exist; keep one configuration file")
	_, ds = load(map[string]string{"casefile.yaml": "- a\n"})
	wantDiags(t, ds, "casefile.yaml:1:1: error: the configuration must be a mapping")
	c, ds := load(map[string]string{"casefile.yaml": "\uFEFFbase_url: http://x.example\r\ntimezone: Asia/Tokyo\r\n"})
	if len(ds) != 0 || c.BaseURL != "http://x.example/" || c.Location.String() != "Asia/Tokyo" {
		t.Errorf("BOM/CRLF config: %+v %v", c, ds)
	}
	_, ds = load(map[string]string{"casefile.yaml": "timezone: Local\n"})
	wantDiags(t, ds, "casefile.yaml:1:11: error: `timezone: Local` depends on the machine")
}

// TestBaseURLWithUserinfo: a user name or password in base_url (or a
// profile's) is an error, as a query is: every page would publish it.
func TestBaseURLWithUserinfo(t *testing.T) {
	c, ds := load(map[string]string{"casefile.yaml": `base_url: https://u:p@kb.example.org/
profiles:
  internal:
    base_url: https://admin@intranet.example/kb/
`})
	wantDiags(t, ds,
		"casefile.yaml:1:11: error: `base_url` must not hold a user name or password: every page would publish them in its canonical link, feeds and sitemap; write the address without `user:password@`",
		"casefile.yaml:4:15: error: `base_url` must not hold a user name or password")
	if c.BaseURL != Defaults().BaseURL || c.Profiles["internal"].BaseURL != "" {
		t.Errorf("base URLs kept: %q, %q", c.BaseURL, c.Profiles["internal"].BaseURL)
	}
	if _, ds := load(map[string]string{"casefile.yaml": "base_url: https://kb.example.org/?a=1\n"}); !strings.Contains(ds.String(), "without query or fragment") {
		t.Errorf("a query is no longer an error: %v", ds)
	}
}
