package render_test

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"casefile"
	"casefile/generator/render"
)

func TestTemplateLinks(t *testing.T) {
	site := fstest.MapFS{"templates/partials/footer.html": {Data: []byte(`<footer>{{/* href="/comment/" */}}
<a href="/a/">A</a><a href='{{.URL "b/"}}'>B</a>{{if .Site}}<link rel=icon href=/c.svg>{{end}}
<a href="{{$.Page.URL "d/"}}">D</a> <a href="/e/{{.Path}}">partial</a> <a data-href="/f/">data</a>
{{range .Crumbs}}<img src="{{$.Abs "g.png"}}" alt="">{{end}}<script>a.href = "/h/";</script>
<form action="/search/"></form> {{define "x"}}<a href="/i/">I</a>{{end}}
</footer>`)}}
	tpl, d := render.Load(casefile.Theme, site)
	if len(d) > 0 {
		t.Fatal(d)
	}
	var got []string
	for _, l := range tpl.Links() {
		if l.File == "templates/partials/footer.html" {
			got = append(got, fmt.Sprintf("%d:%d %s %v", l.Line, l.Col, l.Dest, l.SitePath))
		}
	}
	want := "2:10 /a/ false|2:36 b/ true|2:81 /c.svg false|3:23 d/ true|4:36 g.png true|5:15 /search/ false|5:56 /i/ false"
	if strings.Join(got, "|") != want {
		t.Errorf("links:\n got %s\nwant %s", strings.Join(got, "|"), want)
	}
	// The built-in theme's own, as the build checks them.
	var theme []string
	for _, l := range tpl.Links() {
		if l.File == "theme:templates/home.html" {
			theme = append(theme, l.Dest)
		}
	}
	if strings.Join(theme, " ") != "incidents/ timeline/ timeline/" {
		t.Errorf("home.html links %q", theme)
	}
}
