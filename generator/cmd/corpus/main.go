// Command corpus writes a deterministic synthetic knowledge base for
// benchmarks (see generator/internal/corpus): N incidents with Hugo-compatible
// YAML front matter under OUT/content/incidents/, and OUT/casefile.yaml.
//
//	go run ./generator/cmd/corpus -n 10000 -o bench/corpora/corpus-10000   # make corpus N=10000
//
// Files whose content is already right are left alone, so re-running it is
// cheap and keeps modification times.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"casefile/generator/internal/corpus"
)

func main() {
	n := flag.Int("n", 1000, "number of incidents")
	out := flag.String("o", "", "output folder (default bench/corpora/corpus-N)")
	flag.Parse()
	if *out == "" {
		*out = filepath.Join("bench", "corpora", fmt.Sprintf("corpus-%d", *n))
	}
	written, err := corpus.Write(*out, *n)
	if err != nil {
		fmt.Fprintln(os.Stderr, "corpus:", err)
		os.Exit(1)
	}
	fmt.Printf("%d incidents in %s (%d files written)\n", *n, *out, written)
}
