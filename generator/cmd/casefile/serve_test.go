package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuf is a goroutine-safe writer for the server's output.
type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestServeEndToEnd runs the real server and the real watcher on a temp
// folder: an edit reaches the browser's event stream as a reload of the
// edited page, a broken file shows the error overlay and fixing it clears it.
func TestServeEndToEnd(t *testing.T) {
	src := kb(t, map[string]string{"content/incidents/good.md": goodIncident})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	urls := make(chan string, 1)
	var out, errOut syncBuf
	done := make(chan error, 1)
	go func() {
		done <- serve(ctx, &serveFlags{flags: flags{source: src, profile: "public", quiet: true}, bind: "127.0.0.1", port: 0},
			&out, &errOut, func(u string) { urls <- u })
	}()
	var base string
	select {
	case base = <-urls:
	case err := <-done:
		t.Fatalf("serve stopped: %v\n%s", err, errOut.String())
	case <-time.After(10 * time.Second):
		t.Fatal("server did not start")
	}
	get := func(p string) (int, string) {
		resp, err := http.Get(base + p)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get("incidents/good/"); code != 200 || !strings.Contains(body, "Good one") || !strings.Contains(body, "/__casefile/live.js") {
		t.Fatalf("GET incident: %d\n%s", code, body)
	}
	// With --port 0 the site's own URLs name the port the system picked.
	if _, body := get("incidents/good/"); !strings.Contains(body, `<link rel="canonical" href="`+base+`incidents/good/">`) {
		t.Errorf("canonical link does not use the served address %s:\n%s", base, body)
	}

	// Listen to the event stream like live.js does.
	resp, err := http.Get(base + "__casefile/events?page=/incidents/good/")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	events := make(chan map[string]any, 16)
	go func() {
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			if line, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
				var ev map[string]any
				if json.Unmarshal([]byte(line), &ev) == nil {
					events <- ev
				}
			}
		}
	}()
	wait := func(typ string, check func(map[string]any) bool) map[string]any {
		t.Helper()
		deadline := time.After(10 * time.Second)
		for {
			select {
			case ev := <-events:
				if ev["type"] == typ && (check == nil || check(ev)) {
					return ev
				}
			case <-deadline:
				t.Fatalf("no %s event; stderr:\n%s", typ, errOut.String())
			}
		}
	}
	file := filepath.Join(src, "content/incidents/good.md")
	write := func(s string) {
		if err := os.WriteFile(file, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	write(strings.Replace(goodIncident, "Body.", "Edited body.", 1))
	wait("reload", nil) // sent to this page only because its own file changed
	if _, body := get("incidents/good/"); !strings.Contains(body, "Edited body.") {
		t.Errorf("served page lacks the edit")
	}

	write(strings.Replace(goodIncident, "title: Good one", "title: [broken", 1))
	ev := wait("error", nil)
	if s := toJSON(ev); !strings.Contains(s, "content/incidents/good.md:") || !strings.Contains(s, "invalid YAML") {
		t.Errorf("error event lacks the position: %v", ev)
	}
	if _, body := get("incidents/good/"); !strings.Contains(body, "Edited body.") {
		t.Errorf("the last good site is not served while the file is broken")
	}

	write(goodIncident)
	wait("clear", nil)
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve returned %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop after cancel")
	}
}

func toJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
