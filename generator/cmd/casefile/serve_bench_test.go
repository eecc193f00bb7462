package main

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"casefile/generator/internal/corpus"
)

// BenchmarkWriteToReload measures what an author waits for: from writing an
// incident file to the reload event reaching the page's event stream, through
// the real watcher (with its batching), the incremental rebuild and the
// server. It reports the median and 90th percentile in ms. "body" edits the
// text (the common case: only the page itself changes); "title" edits the
// title, which every listing of the incident shows.
func BenchmarkWriteToReload(b *testing.B) {
	for _, c := range []struct {
		n    int
		mode string
	}{{1000, "body"}, {10000, "body"}, {1000, "title"}, {10000, "title"}} {
		n := c.n
		b.Run(fmt.Sprintf("%d/%s", n, c.mode), func(b *testing.B) {
			dir := b.TempDir()
			must := func(err error) {
				if err != nil {
					b.Fatal(err)
				}
			}
			must(os.WriteFile(filepath.Join(dir, "casefile.yaml"), []byte(corpus.Config), 0o644))
			for i := 0; i < n; i++ {
				p, data := corpus.Incident(i)
				full := filepath.Join(dir, filepath.FromSlash(p))
				must(os.MkdirAll(filepath.Dir(full), 0o755))
				must(os.WriteFile(full, data, 0o644))
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			urls := make(chan string, 1)
			var sink syncBuf
			go serve(ctx, &serveFlags{flags: flags{source: dir, profile: "public", quiet: true}, bind: "127.0.0.1", port: 0}, &sink, &sink, func(u string) { urls <- u })
			base := <-urls
			target, data := corpus.Incident(n / 2)
			slug := filepath.Base(strings.TrimSuffix(target, ".md"))
			page := "/incidents/" + slug + "/"
			resp, err := http.Get(base + "__casefile/events?page=" + page)
			must(err)
			defer resp.Body.Close()
			reloads := make(chan time.Time, 64)
			go func() {
				sc := bufio.NewScanner(resp.Body)
				for sc.Scan() {
					if strings.Contains(sc.Text(), `"type":"reload"`) {
						reloads <- time.Now()
					}
				}
			}()
			full := filepath.Join(dir, filepath.FromSlash(target))
			var lat []time.Duration
			i := 0
			for b.Loop() {
				i++
				start := time.Now()
				edited := append(data, fmt.Sprintf("\nEdit %d.\n", i)...)
				if c.mode == "title" {
					edited = []byte(strings.Replace(string(data), "title: \"", fmt.Sprintf("title: \"Rev %d ", i), 1))
				}
				must(os.WriteFile(full, edited, 0o644))
				select {
				case at := <-reloads:
					lat = append(lat, at.Sub(start))
				case <-time.After(30 * time.Second):
					b.Fatalf("no reload event; log:\n%s", sink.String())
				}
				// Let the deferred search index finish so runs do not overlap.
				time.Sleep(time.Duration(n/10) * time.Millisecond) // an author pauses between saves; the search index catches up
			}
			sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "median-ms")
			b.ReportMetric(float64(lat[len(lat)*9/10].Microseconds())/1000, "p90-ms")
		})
	}
}
