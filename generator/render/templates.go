// Package render turns view models into HTML with the theme's html/template
// set. A knowledge base may override any single template of the built-in
// theme by putting a file of the same name in its own templates/ folder.
package render

import (
	"bytes"
	"fmt"
	"hash/fnv"
	"html/template"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"casefile/generator/diag"
)

// Page templates: each is parsed together with baseof.html and every partial.
var pageTemplates = []string{"home.html", "incident.html", "page.html", "404.html", "list.html", "terms.html", "timeline.html", "search.html", "redirect.html"}

// Templates is a parsed theme, safe for concurrent use.
type Templates struct {
	sets     map[string]*template.Template
	partials *template.Template // baseof and the partials, for card
	pool     sync.Pool
	digest   uint64
	cached   partialCache
	links    []TemplateLink // written in the templates (Links)
}

// partialCache holds partialCached's HTML for one Site (one build).
type partialCache struct {
	mu   sync.Mutex
	site *Site
	html map[string]template.HTML
}

// Digest identifies the template sources: equal digests, equal templates.
func (t *Templates) Digest() uint64 { return t.digest }

// Load parses the theme: templates/ of theme overlaid by templates/ of site
// (either may be nil). Template syntax errors come back as diagnostics that
// name the file and line.
func Load(theme, site fs.FS) (*Templates, diag.List) {
	var diags diag.List
	files := map[string]fileSrc{} // name relative to templates/ -> source
	for _, layer := range []struct {
		fsys   fs.FS
		prefix string
	}{{theme, "theme:"}, {site, ""}} {
		if layer.fsys == nil {
			continue
		}
		_ = fs.WalkDir(layer.fsys, "templates", func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") || strings.HasPrefix(d.Name(), ".") {
				return nil
			}
			b, err := fs.ReadFile(layer.fsys, p)
			if err != nil {
				diags.Errorf(p, 0, 0, "", "cannot read template: %v", err)
				return nil
			}
			files[strings.TrimPrefix(p, "templates/")] = fileSrc{display: layer.prefix + p, text: string(b)}
			return nil
		})
	}
	base, ok := files["baseof.html"]
	if !ok {
		diags.Errorf("templates/baseof.html", 0, 0, "restore it from the built-in theme", "the theme has no baseof.html")
		return nil, diags
	}
	t := &Templates{sets: map[string]*template.Template{}}
	root := template.New("baseof.html").Funcs(funcs()).Funcs(template.FuncMap{"card": t.card, "partialCached": t.partialCached})
	if _, err := root.Parse(base.text); err != nil {
		diags.Add(templateDiag(base.display, err))
		return nil, diags
	}
	var partials []string
	for name := range files {
		if strings.HasPrefix(name, "partials/") {
			partials = append(partials, name)
		}
	}
	sort.Strings(partials)
	for _, name := range partials {
		if _, err := root.New(name).Parse(files[name].text); err != nil {
			diags.Add(templateDiag(files[name].display, err))
		}
	}
	if diags.HasErrors() {
		return nil, diags
	}
	h := fnv.New64a()
	for _, name := range sortedNames(files) {
		h.Write([]byte(name + "\x00" + files[name].text + "\x00"))
	}
	t.digest = h.Sum64()
	for _, name := range sortedNames(files) {
		t.links = append(t.links, templateLinks(files[name].display, name, files[name].text)...)
	}
	for _, name := range pageTemplates {
		f, ok := files[name]
		if !ok {
			continue
		}
		set, err := root.Clone()
		if err == nil {
			_, err = set.New(name).Parse(f.text)
		}
		if err != nil {
			diags.Add(templateDiag(f.display, err))
			continue
		}
		t.sets[name] = set
	}
	t.pool.New = func() any { return new(bytes.Buffer) }
	if p, err := root.Clone(); err == nil {
		t.partials = p
	}
	return t, diags
}

// card renders partials/card.html for c as seen from page p: the template
// function {{card $ .}}. A listing shows the same incident on many pages
// (every keyword page, every related list), so each card is rendered once
// per link root and reused. The partial sees .Page.Site, .Page.Root and the
// .Page.URL method; other page fields are empty there, since the HTML is
// shared between pages.
func (t *Templates) card(p *Page, c *Card) (template.HTML, error) {
	if p == nil || c == nil {
		return "", nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, r := range c.rendered {
		if r.t == t && r.site == p.Site && r.root == p.Root {
			return r.html, nil
		}
	}
	if t.partials == nil || t.partials.Lookup("partials/card.html") == nil {
		return "", fmt.Errorf("theme has no partials/card.html")
	}
	var b bytes.Buffer
	if err := t.partials.ExecuteTemplate(&b, "partials/card.html", map[string]any{"Page": &Page{Site: p.Site, Root: p.Root}, "Card": c}); err != nil {
		return "", err
	}
	h := template.HTML(c.Strings.Bytes(b.Bytes()))
	c.rendered = append(c.rendered, renderedCard{t, p.Site, p.Root, h})
	return h, nil
}

// partialCached is {{partialCached "partials/x.html" . variant…}}: the
// partial's HTML for page p, rendered once per build, link root (p.Root)
// and variant values, and reused on every page that asks with the same
// ones, as Hugo's function of that name. It is for partials that show
// nothing else of the page: the site header (variant .Kind .MenuPath) and
// footer render once per folder depth instead of once per page.
func (t *Templates) partialCached(name string, p *Page, variants ...any) (template.HTML, error) {
	if p == nil {
		return "", fmt.Errorf("partialCached %s: no page", name)
	}
	var key strings.Builder
	key.WriteString(name)
	key.WriteByte(0)
	key.WriteString(p.Root)
	for _, v := range variants {
		key.WriteByte(0)
		fmt.Fprint(&key, v)
	}
	c := &t.cached
	c.mu.Lock()
	if c.site != p.Site {
		c.site, c.html = p.Site, map[string]template.HTML{}
	}
	h, ok := c.html[key.String()]
	c.mu.Unlock()
	if ok {
		return h, nil
	}
	if t.partials == nil || t.partials.Lookup(name) == nil {
		return "", fmt.Errorf("partialCached: the theme has no %s", name)
	}
	var b bytes.Buffer
	if err := t.partials.ExecuteTemplate(&b, name, p); err != nil {
		return "", err
	}
	h = template.HTML(b.String())
	c.mu.Lock()
	if c.site == p.Site {
		c.html[key.String()] = h
	}
	c.mu.Unlock()
	return h, nil
}

type fileSrc struct{ display, text string }

func sortedNames(files map[string]fileSrc) []string {
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

var tmplErrLine = regexp.MustCompile(`^template: [^:]+:(\d+)(?::(\d+))?: (.*)$`)

func templateDiag(file string, err error) diag.Diagnostic {
	d := diag.Diagnostic{File: file, Severity: diag.Error, Msg: err.Error(), Hint: "fix the template syntax (see https://pkg.go.dev/text/template)"}
	if m := tmplErrLine.FindStringSubmatch(err.Error()); m != nil {
		d.Line, _ = strconv.Atoi(m[1])
		if m[2] != "" {
			d.Col, _ = strconv.Atoi(m[2])
		}
		d.Msg = m[3]
	}
	return d
}

// Has reports whether the theme has the page template name.
func (t *Templates) Has(name string) bool { _, ok := t.sets[name]; return ok }

// Render executes the page template name (its "baseof.html" layout) with data
// and returns the bytes; the returned slice is owned by the caller.
func (t *Templates) Render(name string, data any) ([]byte, error) {
	set, ok := t.sets[name]
	if !ok {
		return nil, fmt.Errorf("theme has no template %s", name)
	}
	buf := t.pool.Get().(*bytes.Buffer)
	buf.Reset()
	defer t.pool.Put(buf)
	if err := set.ExecuteTemplate(buf, "baseof.html", data); err != nil {
		return nil, fmt.Errorf("templates/%s: %w", name, err)
	}
	return bytes.Clone(buf.Bytes()), nil
}

// RenderTo is Render into buf (appending to it), for a caller that pools
// its buffers.
func (t *Templates) RenderTo(buf *bytes.Buffer, name string, data any) error {
	set, ok := t.sets[name]
	if !ok {
		return fmt.Errorf("theme has no template %s", name)
	}
	if err := set.ExecuteTemplate(buf, "baseof.html", data); err != nil {
		return fmt.Errorf("templates/%s: %w", name, err)
	}
	return nil
}

func funcs() template.FuncMap {
	return template.FuncMap{
		"join": strings.Join,
		"add":  func(a, b int) int { return a + b },
		"plural": func(n int, one, many string) string {
			if n == 1 {
				return one
			}
			return many
		},
		"lower": strings.ToLower,
		"dict": func(kv ...any) (map[string]any, error) {
			if len(kv)%2 != 0 {
				return nil, fmt.Errorf("dict wants key/value pairs, got %d arguments", len(kv))
			}
			m := make(map[string]any, len(kv)/2)
			for i := 0; i < len(kv); i += 2 {
				k, ok := kv[i].(string)
				if !ok {
					return nil, fmt.Errorf("dict key %v is not a string", kv[i])
				}
				m[k] = kv[i+1]
			}
			return m, nil
		},
		"base": path.Base,
	}
}
