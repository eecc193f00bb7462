package config

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"strings"
	"time"
	_ "time/tzdata" // time zones resolve on every system, even without zoneinfo files

	"casefile/generator/diag"
	"casefile/generator/internal/meta"
)

// Files are the config file names looked for, in order.
var Files = []string{"casefile.yaml", "casefile.yml", "casefile.toml"}

// ArticleTypes are the schema.org Article subtypes `article_type` accepts.
var ArticleTypes = []string{"Article", "NewsArticle", "BlogPosting", "Report", "TechArticle",
	"AnalysisNewsArticle", "ReportageNewsArticle"}

// Keys are the top-level keys of the config file.
var Keys = []string{"title", "description", "base_url", "language", "timezone", "article_type",
	"unsafe_html", "home_count", "paginate", "related_count", "publisher", "authors", "twitter",
	"image", "copyright", "highlight", "menu", "taxonomies", "profiles"}

// Defaults returns the configuration of a knowledge base without a config file.
func Defaults() Config {
	return Config{
		Title:          "Casefile",
		BaseURL:        "http://localhost:1313/",
		Language:       "en",
		Timezone:       "UTC",
		Location:       time.UTC,
		ArticleType:    "NewsArticle",
		HomeCount:      20,
		Paginate:       30,
		RelatedCount:   5,
		HighlightLight: "github",
		HighlightDark:  "github-dark",
	}
}

// Load reads the site configuration at the root of fsys: casefile.yaml (or
// casefile.yml), else casefile.toml. Without one it returns Defaults. Keys
// not given keep their default; problems are diagnostics with positions, and
// the returned Config is usable (defaults in place of bad values) even then.
func Load(fsys fs.FS) (Config, diag.List) {
	cfg := Defaults()
	var diags diag.List
	var found []string
	for _, name := range Files {
		if _, err := fs.Stat(fsys, name); err == nil {
			found = append(found, name)
		}
	}
	switch len(found) {
	case 0:
		return cfg, nil
	case 1:
	default:
		diags.Errorf(found[1], 0, 0, "keep one configuration file and delete the other", "%s and %s both exist", found[0], found[1])
		return cfg, diags
	}
	name := found[0]
	cfg.Source = name
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		diags.Errorf(name, 0, 0, "check that the file is readable", "cannot read the configuration: %v", err)
		return cfg, diags
	}
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	var root *meta.Node
	if strings.HasSuffix(name, ".toml") {
		root, diags = meta.ParseTOML(name, data, 1)
	} else {
		root, diags = meta.ParseYAML(name, data, 1)
	}
	if root == nil {
		return cfg, diags
	}
	d := &meta.Decoder{File: name, Diags: diags}
	if root.Kind != meta.Map {
		d.Errorf(root, "write one `key: value` per line", "the configuration must be a mapping of keys to values, not %s", root.Describe())
		return cfg, d.Diags
	}
	decode(d, root, &cfg)
	return cfg, d.Diags
}

func decode(d *meta.Decoder, root *meta.Node, cfg *Config) {
	text := func(dst *string, v *meta.Node, k string) {
		if s := d.Text(v, k); s != "" {
			*dst = s
		}
	}
	positive := func(dst *int, v *meta.Node, k string) {
		if n, ok := d.Int(v, k); ok && n < 1 {
			d.Errorf(v, fmt.Sprintf("write a number of 1 or more, or remove `%s` to get the default %d", k, *dst), "`%s` must be at least 1, got %d", k, n)
		} else if ok {
			*dst = n
		}
	}
	for _, kv := range root.Pairs {
		k, v := kv.Key.Value, kv.Value
		switch k {
		case "title":
			text(&cfg.Title, v, k)
		case "description":
			cfg.Description = d.Text(v, k)
		case "base_url":
			if s := d.Text(v, k); s != "" {
				if u := baseURL(d, v, k, s, false); u != "" {
					cfg.BaseURL = u
				}
			}
		case "language":
			text(&cfg.Language, v, k)
		case "timezone":
			if s := d.Text(v, k); s != "" {
				if loc := location(d, v, s); loc != nil {
					cfg.Timezone, cfg.Location = s, loc
				}
			}
		case "article_type":
			if s := d.Enum(v, k, ArticleTypes); s != "" {
				cfg.ArticleType = s
			}
		case "unsafe_html":
			cfg.UnsafeHTML = d.Bool(v, k)
		case "home_count":
			positive(&cfg.HomeCount, v, k)
		case "paginate":
			positive(&cfg.Paginate, v, k)
		case "related_count":
			positive(&cfg.RelatedCount, v, k)
		case "publisher":
			if d.IsMap(v, k, "`publisher:` with `name:`, `url:` and `logo:` indented under it") {
				f := d.Fields(v, k, []string{"name", "url", "logo"})
				cfg.Publisher = Publisher{Name: textOf(d, f[0], "name"), URL: urlOf(d, f[1], "url"), Logo: imageOf(d, f[2], "logo")}
			}
		case "authors":
			cfg.Authors = authors(d, v, k)
		case "twitter":
			cfg.Twitter = d.Text(v, k)
		case "image":
			cfg.Image = d.Image(v, k)
		case "copyright":
			cfg.Copyright = d.Text(v, k)
		case "highlight":
			if d.IsMap(v, k, "`highlight:` with `light:` and `dark:` chroma style names indented under it") {
				f := d.Fields(v, k, []string{"light", "dark"})
				text(&cfg.HighlightLight, orNull(f[0]), "light")
				text(&cfg.HighlightDark, orNull(f[1]), "dark")
			}
		case "menu":
			cfg.Menu = menu(d, v, k)
		case "taxonomies":
			cfg.Taxonomies = d.TextList(v, k, nil)
		case "profiles":
			cfg.Profiles = profiles(d, v, k)
		default:
			d.Unknown(kv.Key, "", Keys, nil)
		}
	}
}

// orNull stands an empty node in for a key that is absent.
func orNull(n *meta.Node) *meta.Node {
	if n == nil {
		return &meta.Node{}
	}
	return n
}

func textOf(d *meta.Decoder, n *meta.Node, key string) string  { return d.Text(orNull(n), key) }
func urlOf(d *meta.Decoder, n *meta.Node, key string) string   { return d.URL(orNull(n), key) }
func imageOf(d *meta.Decoder, n *meta.Node, key string) string { return d.Image(orNull(n), key) }

// baseURL checks an absolute http(s) URL (or, when path is true, a
// root-relative path) and returns it ending with "/"; "" after reporting.
func baseURL(d *meta.Decoder, v *meta.Node, key, s string, path bool) string {
	ok := meta.CheckURL(s) == "" && !strings.ContainsAny(s, "?#")
	if path && strings.HasPrefix(s, "/") && !strings.HasPrefix(s, "//") && !strings.ContainsAny(s, "?#\\ ") {
		ok = true
	}
	if ok && HasUserinfo(s) {
		d.Errorf(v, "write the address without `user:password@`; protect an intranet site with the web server's access control instead",
			"`%s` must not hold a user name or password: every page would publish them in its canonical link, feeds and sitemap", key)
		return ""
	}
	if !ok {
		want := "an absolute http(s) URL"
		if path {
			want += " or a path starting with `/`"
		}
		d.Errorf(v, "write the address the site is served from, e.g. https://kb.example.org/", "`%s` must be %s without query or fragment, got `%s`", key, want, meta.Shorten(s, 60))
		return ""
	}
	if !strings.HasSuffix(s, "/") {
		s += "/"
	}
	return s
}

// HasUserinfo reports whether the URL s names a user or password
// (https://user:password@host/), which a base URL must not.
func HasUserinfo(s string) bool {
	u, err := url.Parse(s)
	return err == nil && u.User != nil
}

func location(d *meta.Decoder, v *meta.Node, name string) *time.Location {
	if name == "Local" {
		d.Errorf(v, "name the zone, e.g. Europe/Berlin, so every machine builds the same site", "`timezone: Local` depends on the machine that builds the site")
		return nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		hint := "use an IANA time zone name such as UTC, Europe/Berlin or America/New_York"
		if errors.Is(err, fs.ErrNotExist) || strings.Contains(err.Error(), "unknown time zone") {
			hint += "; the names are case-sensitive"
		}
		d.Errorf(v, hint, "unknown time zone `%s`", meta.Shorten(name, 60))
		return nil
	}
	return loc
}

func authors(d *meta.Decoder, v *meta.Node, key string) (out []Author) {
	for _, e := range d.List(v, key) {
		switch e.Kind {
		case meta.Scalar:
			if s := d.Text(e, key); s != "" {
				out = append(out, Author{Name: s})
			}
		case meta.Map:
			f := d.Fields(e, key, []string{"name", "url"})
			a := Author{Name: textOf(d, f[0], "name"), URL: urlOf(d, f[1], "url")}
			if a.Name == "" {
				d.Errorf(e, "add `name:` to the entry", "an entry of `authors` has no `name`")
				continue
			}
			out = append(out, a)
		default:
			d.Errorf(e, "write `- name: Jane Doe` (and optionally `url:`), or just `- Jane Doe`", "each entry of `authors` must be a name or a mapping with name and url, not %s", e.Describe())
		}
	}
	return out
}

func menu(d *meta.Decoder, v *meta.Node, key string) (out []MenuItem) {
	for _, e := range d.List(v, key) {
		if e.Kind != meta.Map {
			d.Errorf(e, "write `- name: About` with `url: /about/`", "each entry of `menu` must be a mapping with name and url, not %s", e.Describe())
			continue
		}
		f := d.Fields(e, key, []string{"name", "url"})
		m := MenuItem{Name: textOf(d, f[0], "name"), URL: textOf(d, f[1], "url")}
		if f[1] != nil {
			m.Line, m.Col = f[1].Line, f[1].Col
		}
		if m.Name == "" || m.URL == "" {
			d.Errorf(e, "give every menu entry a `name:` and a `url:`", "a `menu` entry has no `name` or no `url`")
			continue
		}
		out = append(out, m)
	}
	return out
}

func profiles(d *meta.Decoder, v *meta.Node, key string) map[string]Profile {
	if !d.IsMap(v, key, "`profiles:` with one mapping per profile name, e.g. `internal:` with `base_url:` under it") {
		return nil
	}
	out := make(map[string]Profile, len(v.Pairs))
	for _, kv := range v.Pairs {
		name, e := kv.Key.Value, kv.Value
		var p Profile
		if d.IsMap(e, name, "`base_url:`, `title:` and `output:` indented under the profile name") {
			f := d.Fields(e, "profiles."+name, []string{"base_url", "title", "output"})
			if s := textOf(d, f[0], "base_url"); s != "" {
				p.BaseURL = baseURL(d, f[0], "base_url", s, true)
			}
			p.Title, p.Output = textOf(d, f[1], "title"), textOf(d, f[2], "output")
		}
		out[name] = p
	}
	return out
}
