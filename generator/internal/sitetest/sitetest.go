// Package sitetest builds whole mini sites from txtar archives into memory
// and asserts on the output files. A test reads like the site it builds:
//
//	b := sitetest.Build(t, `
//	-- casefile.yaml --
//	base_url: https://kb.example.org/
//	-- content/incidents/x.md --
//	...`)
//	b.AssertFile("incidents/x/index.html", `"@type":"FAQPage"`)
package sitetest

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"

	"golang.org/x/tools/txtar"

	"casefile"
	"casefile/generator/diag"
	"casefile/generator/output"
	"casefile/generator/site"
)

// Built is the outcome of one build.
type Built struct {
	t      testing.TB
	Source fstest.MapFS
	Out    *output.Memory
	Result *site.Result
	Err    error
}

// FS turns a txtar archive into a file system. Leading blank lines and a
// common indentation are not stripped: write archives flush left.
func FS(archive string) fstest.MapFS {
	a := txtar.Parse([]byte(strings.TrimLeft(archive, "\n")))
	fsys := fstest.MapFS{}
	for _, f := range a.Files {
		fsys[f.Name] = &fstest.MapFile{Data: f.Data, Mode: 0o644}
	}
	return fsys
}

// Build builds the archive with the built-in theme and default options and
// fails the test if the build fails.
func Build(t testing.TB, archive string) *Built {
	t.Helper()
	return BuildWith(t, site.Options{}, archive)
}

// BuildWith builds with the given options (Source, Theme and Out are filled
// in) and fails the test if the build fails.
func BuildWith(t testing.TB, opts site.Options, archive string) *Built {
	t.Helper()
	b := run(t, opts, archive)
	if b.Err != nil {
		t.Fatalf("build failed: %v", b.Err)
	}
	return b
}

// BuildErr builds the archive and fails the test unless the build fails.
func BuildErr(t testing.TB, archive string) *Built {
	t.Helper()
	return BuildErrWith(t, site.Options{}, archive)
}

// BuildErrWith is BuildErr with options.
func BuildErrWith(t testing.TB, opts site.Options, archive string) *Built {
	t.Helper()
	b := run(t, opts, archive)
	if b.Err == nil {
		t.Fatalf("build succeeded, want an error; diagnostics:\n%s", b.Result.Diagnostics)
	}
	return b
}

func run(t testing.TB, opts site.Options, archive string) *Built {
	t.Helper()
	src := FS(archive)
	out := output.NewMemory()
	opts.Source = src
	if opts.Theme == nil {
		opts.Theme = casefile.Theme
	}
	opts.Out = out
	res, err := site.Build(context.Background(), opts)
	return &Built{t: t, Source: src, Out: out, Result: res, Err: err}
}

// File returns the content of an output file, failing the test if missing.
func (b *Built) File(name string) string {
	b.t.Helper()
	data, ok := b.Out.Get(name)
	if !ok {
		b.t.Fatalf("output has no %s; it has:\n  %s", name, strings.Join(b.Out.Paths(), "\n  "))
	}
	return string(data)
}

// Has reports whether the output has the file.
func (b *Built) Has(name string) bool {
	_, ok := b.Out.Get(name)
	return ok
}

// AssertFile checks that the file exists and contains every substring.
func (b *Built) AssertFile(name string, want ...string) {
	b.t.Helper()
	got := b.File(name)
	for _, w := range want {
		if !strings.Contains(got, w) {
			b.t.Errorf("%s does not contain %q", name, w)
		}
	}
	if b.t.Failed() {
		b.t.Logf("%s:\n%s", name, got)
	}
}

// AssertNotInFile checks that the file exists and contains none of the substrings.
func (b *Built) AssertNotInFile(name string, unwanted ...string) {
	b.t.Helper()
	got := b.File(name)
	for _, w := range unwanted {
		if strings.Contains(got, w) {
			b.t.Errorf("%s contains %q", name, w)
		}
	}
}

// AssertNoFile checks that the output has no such file.
func (b *Built) AssertNoFile(name string) {
	b.t.Helper()
	if b.Has(name) {
		b.t.Errorf("output has %s, want none", name)
	}
}

// Diagnostics returns every diagnostic of the build.
func (b *Built) Diagnostics() diag.List { return b.Result.Diagnostics }

// AssertDiag checks that some diagnostic's text contains every substring.
func (b *Built) AssertDiag(want ...string) {
	b.t.Helper()
	for _, d := range b.Result.Diagnostics {
		s := d.String()
		ok := true
		for _, w := range want {
			if !strings.Contains(s, w) {
				ok = false
				break
			}
		}
		if ok {
			return
		}
	}
	b.t.Errorf("no diagnostic contains all of %q; got:\n%s", want, b.Result.Diagnostics)
}

// AssertNoWarnings checks that the build produced no diagnostics at all.
func (b *Built) AssertNoWarnings() {
	b.t.Helper()
	if len(b.Result.Diagnostics) > 0 {
		b.t.Errorf("want no diagnostics, got:\n%s", b.Result.Diagnostics)
	}
}
