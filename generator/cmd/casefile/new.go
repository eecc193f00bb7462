package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"text/template"
	"time"

	"casefile"
	"casefile/generator/config"
	"casefile/generator/content"
)

// kinds casefile new scaffolds: archetype name → folder under content/.
var newKinds = map[string]string{"incident": "content/incidents", "page": "content"}

// cmdNew scaffolds a file from an archetype: the knowledge base's own
// archetypes/<kind>.md when it has one, else the built-in one.
//
//	casefile new incident [-s DIR] [--slug SLUG] "Title"
func cmdNew(args []string, stdout, stderr io.Writer, now time.Time) int {
	if len(args) == 0 || newKinds[args[0]] == "" {
		fmt.Fprintln(stderr, `casefile new: say what to make: casefile new incident "Title" (or: casefile new page "Title")`)
		return 2
	}
	kind := args[0]
	f := &flags{}
	fs := newFlagSet("new", f, stderr)
	slug := fs.String("slug", "", "slug (default: made from the title)")
	// Flags may come before or after the title.
	var words []string
	rest := args[1:]
	for {
		if err := fs.Parse(rest); err != nil {
			return 2
		}
		if fs.NArg() == 0 {
			break
		}
		words = append(words, fs.Arg(0))
		rest = fs.Args()[1:]
	}
	title := strings.TrimSpace(strings.Join(words, " "))
	if title == "" {
		fmt.Fprintf(stderr, "casefile new %s: give a title: casefile new %s \"Title\"\n", kind, kind)
		return 2
	}
	s := *slug
	if s == "" {
		s = content.Slugify(title)
	}
	if why := content.CheckSlug(s); why != "" {
		fmt.Fprintf(stderr, "casefile new %s: the slug `%s` %s; choose one with --slug\n", kind, s, why)
		return 2
	}
	cfg, _ := config.Load(os.DirFS(f.source))
	loc := cfg.Location
	if loc == nil {
		loc = time.UTC
	}
	data, err := scaffold(os.DirFS(f.source), kind, title, s, now.In(loc))
	if err != nil {
		fmt.Fprintf(stderr, "casefile new %s: %v\n", kind, err)
		return 1
	}
	rel := newKinds[kind] + "/" + s + ".md"
	file := filepath.Join(f.source, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		fmt.Fprintf(stderr, "casefile new %s: %v\n", kind, err)
		return 1
	}
	out, err := os.OpenFile(file, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, os.ErrExist) {
		fmt.Fprintf(stderr, "casefile new %s: %s already exists; choose another title or --slug\n", kind, rel)
		return 1
	}
	if err != nil {
		fmt.Fprintf(stderr, "casefile new %s: %v\n", kind, err)
		return 1
	}
	if _, err := out.Write(data); err != nil {
		out.Close()
		fmt.Fprintf(stderr, "casefile new %s: %v\n", kind, err)
		return 1
	}
	if err := out.Close(); err != nil {
		fmt.Fprintf(stderr, "casefile new %s: %v\n", kind, err)
		return 1
	}
	fmt.Fprintf(stdout, "Created %s (a draft: preview it with casefile serve --drafts)\n", rel)
	return 0
}

// scaffold fills the archetype of kind. Title is given to the archetype as
// a quoted YAML string, so any title is safe in front matter.
func scaffold(site fs.FS, kind, title, slug string, now time.Time) ([]byte, error) {
	name := "archetypes/" + kind + ".md"
	src, err := fs.ReadFile(site, name)
	from := name
	if errors.Is(err, fs.ErrNotExist) {
		src, err = fs.ReadFile(casefile.Theme, name)
		from = "built-in " + name
	}
	if err != nil {
		return nil, err
	}
	tpl, err := template.New(path.Base(name)).Option("missingkey=error").Parse(string(src))
	if err != nil {
		return nil, fmt.Errorf("%s: %v", from, err)
	}
	// A JSON string is a YAML double-quoted scalar.
	var q bytes.Buffer
	enc := json.NewEncoder(&q)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(title)
	quoted := bytes.TrimSpace(q.Bytes())
	var b bytes.Buffer
	err = tpl.Execute(&b, map[string]string{
		"Title": string(quoted), "RawTitle": title, "Slug": slug, "Date": now.Format("2006-01-02"),
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %v", from, err)
	}
	return b.Bytes(), nil
}
