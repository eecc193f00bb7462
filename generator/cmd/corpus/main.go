// Command corpus writes a deterministic synthetic knowledge base for
// benchmarks (see generator/internal/corpus): N incidents with Hugo-compatible
// YAML front matter under OUT/content/incidents/, and OUT/casefile.yaml.
//
//	go run ./generator/cmd/corpus -n 10000 -o bench/corpus-10000
//
// Files whose content is already right are left alone, so re-running it is
// cheap and keeps modification times.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"

	"casefile/generator/internal/corpus"
)

func main() {
	n := flag.Int("n", 1000, "number of incidents")
	out := flag.String("o", "", "output folder (default bench/corpus-N)")
	flag.Parse()
	if *out == "" {
		*out = filepath.Join("bench", fmt.Sprintf("corpus-%d", *n))
	}
	if err := write(*out, *n); err != nil {
		fmt.Fprintln(os.Stderr, "corpus:", err)
		os.Exit(1)
	}
	fmt.Printf("wrote %d incidents to %s\n", *n, *out)
}

func write(out string, n int) error {
	dir := filepath.Join(out, "content", "incidents")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := writeIfChanged(filepath.Join(out, "casefile.yaml"), []byte(corpus.Config)); err != nil {
		return err
	}
	// Remove incidents left from a larger corpus in the same folder.
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	want := make(map[string]bool, n)
	for i := 0; i < n; i++ {
		want[filepath.Base(corpus.Path(i))] = true
	}
	for _, e := range entries {
		if !want[e.Name()] {
			if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
				return err
			}
		}
	}
	var wg sync.WaitGroup
	errs := make(chan error, runtime.GOMAXPROCS(0))
	next := make(chan int)
	for w := 0; w < cap(errs); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				p, data := corpus.Incident(i)
				if err := writeIfChanged(filepath.Join(out, filepath.FromSlash(p)), data); err != nil {
					select {
					case errs <- err:
					default:
					}
				}
			}
		}()
	}
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
	select {
	case err := <-errs:
		return err
	default:
		return nil
	}
}

func writeIfChanged(p string, data []byte) error {
	if old, err := os.ReadFile(p); err == nil && bytes.Equal(old, data) {
		return nil
	}
	return os.WriteFile(p, data, 0o644)
}
