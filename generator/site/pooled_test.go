package site_test

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"casefile"
	"casefile/generator/output"
	"casefile/generator/site"
)

// A one-off build into a folder renders incident, list and term pages
// into a pool of buffers that the folder's writer hands back once each file is written
// (output.Owner); into memory, each page has a slice of its own. Both must
// write the same bytes: a buffer reused too early would show up here as a
// page holding another page's HTML.
func TestPooledPagesMatchMemory(t *testing.T) {
	fsys := corpusFS(600) // more pages than the writer's queue holds
	mem := output.NewMemory()
	if _, err := site.Build(context.Background(), site.Options{Source: fsys, Theme: casefile.Theme, Out: mem}); err != nil {
		t.Fatal(err)
	}
	dest := filepath.Join(t.TempDir(), "public")
	dir, err := output.NewDir(dest)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := site.Build(context.Background(), site.Options{Source: fsys, Theme: casefile.Theme, Out: dir}); err != nil {
		t.Fatal(err)
	}
	if err := dir.Commit(); err != nil {
		t.Fatal(err)
	}
	n := 0
	err = filepath.WalkDir(dest, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() == output.StampName {
			return err
		}
		rel, _ := filepath.Rel(dest, p)
		got, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		want, ok := mem.Get(filepath.ToSlash(rel))
		if !ok {
			t.Errorf("%s: written to the folder, not to memory", rel)
		} else if !bytes.Equal(got, want) {
			t.Errorf("%s differs between the folder and memory builds", rel)
		}
		n++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := len(mem.Paths()); n != want {
		t.Errorf("folder has %d files, memory %d", n, want)
	}
}
