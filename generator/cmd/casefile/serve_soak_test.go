package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"casefile"
	"casefile/generator/server"
	"casefile/generator/site"
	"casefile/generator/watch"
)

// soakIncidents is the size of the soak site: small, so a thousand cycles
// stay quick under -race, with shared keywords so listings change too.
const soakIncidents = 20

func soakIncident(i int, title, extra string) string {
	return fmt.Sprintf(`---
title: %q
date: 2024-%02d-%02d
summary: "Incident %d of the soak site."
keywords: [soak, kw-%d]
severity: %s
---
## What happened

Paragraph about incident %d, with a [link](https://example.org/%d).

- one
- two

%s

## FAQ
### Was anything lost?
No.
`, title, 1+i%12, 1+i%28, i, i%4, []string{"low", "moderate", "high", "critical"}[i%4], i, i, extra)
}

// memSnapshot is the process's memory after a full collection.
type memSnapshot struct {
	heapInuse, heapAlloc uint64
	rss                  int64 // bytes; -1 where /proc/self/status is missing
	goroutines           int
}

func (m memSnapshot) String() string {
	rss := "n/a"
	if m.rss >= 0 {
		rss = fmt.Sprintf("%.1f MiB", float64(m.rss)/(1<<20))
	}
	return fmt.Sprintf("HeapInuse %.1f MiB, HeapAlloc %.1f MiB, VmRSS %s, %d goroutines",
		float64(m.heapInuse)/(1<<20), float64(m.heapAlloc)/(1<<20), rss, m.goroutines)
}

func snapshot() memSnapshot {
	runtime.GC()
	debug.FreeOSMemory() // another collection, and freed pages go back: RSS means something
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return memSnapshot{heapInuse: ms.HeapInuse, heapAlloc: ms.HeapAlloc, rss: vmRSS(), goroutines: runtime.NumGoroutine()}
}

// vmRSS reads VmRSS from /proc/self/status, in bytes, or -1.
func vmRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			f := strings.Fields(v) // "12345 kB"
			if n, err := strconv.ParseInt(f[0], 10, 64); err == nil && len(f) == 2 && f[1] == "kB" {
				return n << 10
			}
		}
	}
	return -1
}

// settleGoroutines waits for the goroutine count to come down to at most
// limit (deferred search-index work and closing connections end on their
// own), and returns the count; the deadline only bounds a failing run.
func settleGoroutines(limit int) int {
	deadline := time.Now().Add(20 * time.Second)
	for {
		n := runtime.NumGoroutine()
		if n <= limit || time.Now().After(deadline) {
			return n
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// steadyGoroutines waits until the goroutine count is the same on several
// polls in a row and returns it.
func steadyGoroutines() int {
	n, same := runtime.NumGoroutine(), 0
	for i := 0; i < 2000 && same < 10; i++ {
		time.Sleep(5 * time.Millisecond)
		if m := runtime.NumGoroutine(); m == n {
			same++
		} else {
			n, same = m, 0
		}
	}
	return n
}

// TestServeSoak runs the watch → build → serve loop of `casefile serve`
// (liveLoop.run: Session.Build, Server.SetSite, Reload, ShowErrors,
// ClearErrors, the deferred search index) through 1,000 edit/rebuild cycles
// of a 20-incident site on disk, with a browser-like client on the event
// stream (opened again after every reload) and the edited pages fetched
// after every cycle. Batches are handed to the loop directly instead of
// through fsnotify, which has tests of its own. The live heap and RSS after
// warm-up and at the end, and the goroutine count, must stay bounded.
// -short runs 100 cycles; CASEFILE_SOAK_CYCLES sets any number (make soak).
func TestServeSoak(t *testing.T) {
	cycles := 1000
	if testing.Short() {
		cycles = 100
	}
	if v := os.Getenv("CASEFILE_SOAK_CYCLES"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("CASEFILE_SOAK_CYCLES=%q", v)
		}
		cycles = n
	}
	const warmup = 40 // every kind of cycle; ends with a title edit, for quiesce

	files := map[string]string{
		"casefile.yaml":        "title: Soak\nbase_url: https://soak.example.org/\n",
		"content/about.md":     "---\ntitle: About\n---\nAbout the soak site.\n",
		"static/css/extra.css": "/* rev 0 */\nbody { margin: 0; }\n",
	}
	for i := range soakIncidents {
		files[fmt.Sprintf("content/incidents/soak-%02d.md", i)] = soakIncident(i, fmt.Sprintf("Soak incident %d", i), "")
	}
	src := kb(t, files)

	goroutinesBefore := runtime.NumGoroutine()
	var errOut syncBuf
	t.Cleanup(func() {
		if t.Failed() {
			log := errOut.String()
			t.Logf("end of serve's log:\n%s", log[max(0, len(log)-4096):])
		}
	})
	logf := func(format string, args ...any) { fmt.Fprintf(&errOut, format+"\n", args...) }
	f := &serveFlags{flags: flags{source: src, profile: "public", quiet: true}, bind: "127.0.0.1"}
	srv := server.New(server.Options{Addr: "127.0.0.1:0", Logf: logf})
	lp := &liveLoop{
		f: f, srv: srv, stdout: io.Discard, stderr: &errOut, logf: logf,
		sess: site.NewSession(site.Options{
			Source: os.DirFS(src), Theme: casefile.Theme, Profile: "public", BaseURL: "http://127.0.0.1/",
		}),
		later: make(chan *site.Later, 1),
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	served := make(chan error, 1)
	go func() { served <- srv.ListenAndServe(ctx) }()
	lp.rebuild(ctx, nil)
	for i := 0; srv.URL() == ""; i++ {
		if i > 2000 {
			t.Fatal("server did not start")
		}
		time.Sleep(5 * time.Millisecond)
	}
	base := srv.URL()
	batches := make(chan []watch.Event)
	loopDone := make(chan error, 1)
	go func() { loopDone <- lp.run(ctx, batches, nil, served) }()

	tr := &http.Transport{}
	client := &http.Client{Transport: tr}
	// fetch GETs a path, gzip accepted or not, and counts the compressed
	// answers: the server keeps each one in its gzip cache (up to 64 MiB by
	// design, old versions included), heap growth that is no leak. Most
	// fetches go without gzip so that a leak is not lost in that growth.
	var gzipped, gzAnswers uint64
	fetch := func(p string, gz bool) string {
		t.Helper()
		req, err := http.NewRequest("GET", base+p, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Accept-Encoding", "identity")
		if gz {
			req.Header.Set("Accept-Encoding", "gzip")
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("GET %s: %d %v", p, resp.StatusCode, err)
		}
		if resp.Header.Get("Content-Encoding") == "gzip" {
			gzipped += uint64(len(b))
			gzAnswers++
			zr, err := gzip.NewReader(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			if b, err = io.ReadAll(zr); err != nil {
				t.Fatal(err)
			}
		}
		return string(b)
	}

	// A page on the event stream, opened as live.js does (without ?page=, so
	// every event reaches it) and opened again after every reload, as a
	// browser that reloads does: subscriptions must not pile up.
	var (
		stream *http.Response
		events chan server.Event
	)
	connect := func(cycle int) {
		t.Helper()
		if stream != nil {
			stream.Body.Close()
			for ev := range events { // until the reader ends
				t.Fatalf("cycle %d: unexpected event %+v", cycle, ev)
			}
		}
		resp, err := client.Get(base + "__casefile/events")
		if err != nil {
			t.Fatal(err)
		}
		ch, greeted := make(chan server.Event, 64), make(chan bool, 1)
		go func() {
			defer close(ch)
			sc := bufio.NewScanner(resp.Body)
			first := true
			for sc.Scan() {
				if first { // "retry: 1000": subscribed
					greeted <- true
					first = false
				}
				if data, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
					var ev server.Event
					if json.Unmarshal([]byte(data), &ev) == nil {
						ch <- ev
					}
				}
			}
			if first {
				greeted <- false
			}
		}()
		if !<-greeted {
			t.Fatalf("cycle %d: the event stream ended before its greeting", cycle)
		}
		stream, events = resp, ch
	}
	connect(0)
	expect := func(cycle int, typ string) {
		t.Helper()
		select {
		case ev, ok := <-events:
			if !ok {
				t.Fatalf("cycle %d: event stream ended; log:\n%s", cycle, errOut.String())
			}
			if ev.Type != typ {
				t.Fatalf("cycle %d: event %+v, want %s", cycle, ev, typ)
			}
		case <-time.After(30 * time.Second): // only a hung run gets here
			t.Fatalf("cycle %d: no %s event; log:\n%s", cycle, typ, errOut.String())
		}
	}
	write := func(rel, data string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(src, filepath.FromSlash(rel)), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		batches <- []watch.Event{{Path: rel, Op: watch.Write}}
	}

	// One cycle edits one file and waits for what the browser gets. Most are
	// body edits; every 10th is a title edit (listings change, and the search
	// index is remade after the pages are served) with a body edit of
	// another incident saved right behind it. While mixed, i%100 == 15 edits
	// the stylesheet (swapped without a reload) and i%100 == 30 breaks the
	// file first (the overlay) and then fixes it with the title edit
	// (cleared, reloaded): both run the whole pipeline, which empties the
	// Session's caches of what is gone. The soak is mixed for its first
	// fifth (and the warm-up), then an author's long stretch of saves that
	// all take the fast path, where nothing else would clear a leak.
	mixedUntil := warmup + cycles/5
	cycle := func(i int) {
		n := i % soakIncidents
		rel := fmt.Sprintf("content/incidents/soak-%02d.md", n)
		page := fmt.Sprintf("incidents/soak-%02d/", n)
		mixed := i <= mixedUntil
		broken := mixed && i%100 == 30
		switch {
		case mixed && i%100 == 15:
			write("static/css/extra.css", fmt.Sprintf("/* rev %d */\nbody { margin: %dpx; }\n", i, i%7))
			expect(i, server.EventCSS)
			if css := fetch("css/extra.css", false); !strings.Contains(css, fmt.Sprintf("rev %d ", i)) {
				t.Fatalf("cycle %d: stylesheet not updated", i)
			}
			return
		case broken:
			write(rel, strings.Replace(soakIncident(n, "x", ""), `title: "x"`, "title: [broken", 1))
			expect(i, server.EventError)
		}
		title, marker := fmt.Sprintf("Soak incident %d", n), fmt.Sprintf("Edit number %d.", i)
		burst := i%10 == 0
		if burst {
			title = fmt.Sprintf("Soak incident %d rev %d", n, i)
		}
		write(rel, soakIncident(n, title, marker))
		if broken {
			expect(i, server.EventClear)
		}
		m := (n + 1) % soakIncidents
		if burst {
			// A second save right behind the first: this build runs while
			// the first one's deferred search index is being made (after
			// the fix of a broken file, the first is a full build).
			write(fmt.Sprintf("content/incidents/soak-%02d.md", m),
				soakIncident(m, fmt.Sprintf("Soak incident %d", m), fmt.Sprintf("Burst edit %d.", i)))
			expect(i, server.EventReload)
		}
		expect(i, server.EventReload)
		if body := fetch(page, burst); !strings.Contains(body, marker) || !strings.Contains(body, title) {
			t.Fatalf("cycle %d: %s lacks the edit", i, page)
		}
		if burst {
			if body := fetch(fmt.Sprintf("incidents/soak-%02d/", m), true); !strings.Contains(body, fmt.Sprintf("Burst edit %d.", i)) {
				t.Fatalf("cycle %d: incident %d lacks the burst edit", i, m)
			}
		}
		connect(i) // the page reloaded
	}
	// quiesce waits until the late files (incidents.json) show the title
	// edited last, so deferred work has been applied, and the goroutine
	// count is steady.
	quiesce := func(i int) int {
		want := fmt.Sprintf("rev %d\"", i) // the end of the JSON string
		for j := 0; !strings.Contains(fetch("incidents.json", false), want); j++ {
			if j > 4000 {
				t.Fatalf("incidents.json never showed %q", want)
			}
			time.Sleep(5 * time.Millisecond)
		}
		tr.CloseIdleConnections()
		return steadyGoroutines()
	}

	for i := 1; i <= warmup; i++ {
		cycle(i)
	}
	g0 := quiesce(warmup)
	gzipped, gzAnswers = 0, 0
	m0 := snapshot()
	m0.goroutines = g0
	t.Logf("after %d warm-up cycles: %v", warmup, m0)

	began := time.Now()
	last := warmup + cycles
	for i := warmup + 1; i <= last; i++ {
		cycle(i)
	}
	// The last cycle is made a title edit so quiesce can see it land.
	for last%10 != 0 {
		last++
		cycle(last)
	}
	elapsed := time.Since(began)
	g1 := quiesce(last)
	gz, gzn := gzipped, gzAnswers
	m1 := snapshot()
	m1.goroutines = g1
	t.Logf("after %d more cycles (%v, %v per cycle): %v", last-warmup, elapsed.Round(time.Millisecond),
		(elapsed / time.Duration(last-warmup)).Round(time.Microsecond), m1)

	// Bounds. The live heap (HeapAlloc after collection) may grow by what
	// the gzip cache keeps: the compressed bodies handed out (gz), with 25%
	// for buffer capacity, and 256 bytes of key and map entry per body;
	// plus 1 MiB for small caches (0.2 MiB used when this was written). A
	// leak of the superseded versions of edited incidents (about 3 KiB an
	// edit on this site) is about 3 MiB over the fast stretch of 1,000 cycles. RSS may grow by 32 MiB (the
	// allocator's and, under -race, the race detector's slack) plus twice gz.
	t.Logf("gzip answers: %d, %.1f MiB (the server's gzip cache may keep them)", gzn, float64(gz)/(1<<20))
	if limit := m0.heapAlloc + 1<<20 + gz*5/4 + 256*gzn; m1.heapAlloc > limit {
		t.Errorf("live heap grew from %.1f to %.1f MiB over %d cycles (bound %.1f MiB)",
			float64(m0.heapAlloc)/(1<<20), float64(m1.heapAlloc)/(1<<20), last-warmup, float64(limit)/(1<<20))
	}
	if limit := m0.rss + 32<<20 + 2*int64(gz); m0.rss >= 0 && m1.rss > limit {
		t.Errorf("VmRSS grew from %.1f to %.1f MiB over %d cycles (bound %.1f MiB)",
			float64(m0.rss)/(1<<20), float64(m1.rss)/(1<<20), last-warmup, float64(limit)/(1<<20))
	}
	if g1 > g0+2 {
		buf := make([]byte, 1<<20)
		t.Errorf("goroutines: %d after warm-up, %d at the end\n%s", g0, g1, buf[:runtime.Stack(buf, true)])
	}

	// Shut down: the stream ends, the loop returns, nothing is left behind.
	stream.Body.Close()
	cancel()
	select {
	case err := <-loopDone:
		if err != nil {
			t.Errorf("loop: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("loop did not stop")
	}
	for range events {
	}
	tr.CloseIdleConnections()
	if n := settleGoroutines(goroutinesBefore + 1); n > goroutinesBefore+1 {
		buf := make([]byte, 1<<20)
		t.Errorf("%d goroutines after shutdown, %d before the server started\n%s", n, goroutinesBefore, buf[:runtime.Stack(buf, true)])
	}
	t.Logf("goroutines: %d before, %d after warm-up, %d at the end, %d after shutdown",
		goroutinesBefore, g0, g1, runtime.NumGoroutine())
	// A stream the client has closed may still be subscribed for a moment
	// and, if its goroutine is not scheduled in time, be dropped as slow:
	// harmless. The open stream being dropped would have ended it (expect).
	if n := strings.Count(errOut.String(), "slow browser connection"); n > 0 {
		t.Logf("%d closed event stream(s) dropped as slow", n)
	}
}
