package server

import (
	"bufio"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

func next(t *testing.T, ch <-chan Event) Event {
	t.Helper()
	select {
	case ev, ok := <-ch:
		if !ok {
			t.Fatal("event channel closed")
		}
		return ev
	case <-time.After(5 * time.Second):
		t.Fatal("no event")
	}
	return Event{}
}

func noEvent(t *testing.T, ch <-chan Event) {
	t.Helper()
	select {
	case ev := <-ch:
		t.Fatalf("unexpected event %+v", ev)
	case <-time.After(30 * time.Millisecond):
	}
}

func TestSubscribe(t *testing.T) {
	s := newTestServer(t)
	ch, cancel := s.Subscribe()
	defer cancel()

	s.Reload(nil)
	noEvent(t, ch)

	changed := []string{"incidents/db/index.html", "css/main.css"}
	s.Reload(changed)
	changed[0] = "mutated by the caller"
	if ev := next(t, ch); ev.Type != EventReload || !slices.Equal(ev.Paths, []string{"incidents/db/index.html", "css/main.css"}) {
		t.Errorf("reload: %+v", ev)
	}
	s.Reload([]string{"css/main.css", "css/CHROMA.CSS"})
	if ev := next(t, ch); ev.Type != EventCSS || len(ev.Paths) != 2 {
		t.Errorf("css only: %+v", ev)
	}
	s.Navigate("incidents/db/")
	if ev := next(t, ch); ev.Type != EventNavigate || ev.URL != "/incidents/db/" {
		t.Errorf("navigate: %+v", ev)
	}
	s.Navigate("https://evil.example/")
	noEvent(t, ch)

	lines := []string{"content/incidents/db.md:3:7: error: date: not a date; use YYYY-MM-DD"}
	s.ShowErrors(lines)
	if ev := next(t, ch); ev.Type != EventError || !slices.Equal(ev.Errors, lines) {
		t.Errorf("error: %+v", ev)
	}
	s.ClearErrors()
	if ev := next(t, ch); ev.Type != EventClear {
		t.Errorf("clear: %+v", ev)
	}
	s.ShowErrors(lines)
	next(t, ch)
	s.ShowErrors(nil) // nothing to show: clears
	if ev := next(t, ch); ev.Type != EventClear {
		t.Errorf("ShowErrors(nil): %+v", ev)
	}

	cancel()
	cancel() // twice is fine
	if _, ok := <-ch; ok {
		t.Error("channel open after cancel")
	}
	s.Reload([]string{"x"}) // no subscriber left: no panic
}

func TestSubscribeErrorsFirst(t *testing.T) {
	s := newTestServer(t)
	s.ShowErrors([]string{"a.md:1:1: error: broken"})
	ch, cancel := s.Subscribe()
	defer cancel()
	if ev := next(t, ch); ev.Type != EventError || ev.Errors[0] != "a.md:1:1: error: broken" {
		t.Errorf("first event %+v", ev)
	}
	s.ClearErrors()
	next(t, ch)
	ch2, cancel2 := s.Subscribe()
	defer cancel2()
	noEvent(t, ch2) // errors gone: nothing first
}

// TestSlowSubscriberDropped: a subscriber that never reads does not hold up
// the others; it is cut off (its channel closed) once its buffer is full.
func TestSlowSubscriberDropped(t *testing.T) {
	logs := &logBuf{}
	s := New(Options{Logf: logs.logf})
	slow, cancelSlow := s.Subscribe()
	defer cancelSlow()
	fast, cancelFast := s.Subscribe()
	defer cancelFast()
	done := make(chan struct{})
	go func() {
		for range 10 * subBuffer {
			s.Reload([]string{"index.html"})
			<-fast
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("broadcaster blocked by a slow subscriber")
	}
	n := 0
	for range slow {
		n++
	}
	if n != subBuffer {
		t.Errorf("slow subscriber got %d events before being dropped, want %d", n, subBuffer)
	}
	if !strings.Contains(logs.String(), "dropped") {
		t.Errorf("drop not logged: %q", logs.String())
	}
}

// sseClient reads one event stream; data events arrive on events, comments
// on comments.
type sseClient struct {
	resp     *http.Response
	events   chan Event
	comments chan string
}

func dial(t *testing.T, base, page string) *sseClient {
	t.Helper()
	u := base + eventsURL
	if page != "" {
		u += "?page=" + url.QueryEscape(page)
	}
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream; charset=utf-8" {
		t.Fatalf("events: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	c := &sseClient{resp: resp, events: make(chan Event, 100), comments: make(chan string, 100)}
	go func() {
		defer close(c.events)
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "data: "):
				var ev Event
				if err := json.Unmarshal([]byte(line[len("data: "):]), &ev); err != nil {
					t.Errorf("bad data line %q: %v", line, err)
					return
				}
				c.events <- ev
			case strings.HasPrefix(line, ":"):
				select {
				case c.comments <- line:
				default:
				}
			}
		}
	}()
	t.Cleanup(func() { resp.Body.Close() })
	// The stream is live once the first comment arrived.
	select {
	case <-c.comments:
	case <-time.After(5 * time.Second):
		t.Fatal("no greeting on the event stream")
	}
	return c
}

// newTS starts an httptest server that is closed, streams and all, when the
// test ends.
func newTS(t *testing.T, h http.Handler) *httptest.Server {
	ts := httptest.NewServer(h)
	t.Cleanup(func() {
		ts.CloseClientConnections()
		ts.Close()
	})
	return ts
}

// settle waits until the server has n subscribers.
func settle(t *testing.T, s *Server, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		s.hub.mu.Lock()
		got := len(s.hub.subs)
		s.hub.mu.Unlock()
		if got == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d subscribers, want %d", got, n)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func TestSSE(t *testing.T) {
	s := newTestServer(t)
	ts := newTS(t, s.Handler())
	db := dial(t, ts.URL, "/incidents/db/")
	home := dial(t, ts.URL, "/")
	newPage := dial(t, ts.URL, "/incidents/new/") // a 404 right now
	unknown := dial(t, ts.URL, "")                // no page: every reload applies
	settle(t, s, 4)

	// Another page's HTML changed: only the page-less client reloads.
	s.Reload([]string{"incidents/other/index.html", "feed.xml"})
	if ev := next(t, unknown.events); ev.Type != EventReload {
		t.Errorf("page-less client: %+v", ev)
	}
	// db's own page changed, with CSS: db reloads, home swaps the CSS.
	s.Reload([]string{"incidents/db/index.html", "css/main.css"})
	if ev := next(t, db.events); ev.Type != EventReload {
		t.Errorf("db: %+v (the earlier unrelated reload must not reach it)", ev)
	}
	for _, c := range []*sseClient{home, newPage} {
		if ev := next(t, c.events); ev.Type != EventCSS || !slices.Equal(ev.Paths, []string{"css/main.css"}) {
			t.Errorf("home: %+v", ev)
		}
	}
	next(t, unknown.events)
	// The 404 page reloads when its page appears.
	s.Reload([]string{"incidents/new/index.html"})
	if ev := next(t, newPage.events); ev.Type != EventReload {
		t.Errorf("new page: %+v", ev)
	}
	next(t, unknown.events)
	// location.pathname comes percent-encoded.
	cafe := dial(t, ts.URL, "/incidents/caf%C3%A9/")
	settle(t, s, 5)
	s.Reload([]string{"incidents/café/index.html"})
	if ev := next(t, cafe.events); ev.Type != EventReload {
		t.Errorf("encoded page: %+v", ev)
	}
	next(t, unknown.events)
	cafe.resp.Body.Close()
	settle(t, s, 4)
	// CSS only: everybody swaps.
	s.Reload([]string{"css/chroma.css"})
	for _, c := range []*sseClient{db, home, newPage, unknown} {
		if ev := next(t, c.events); ev.Type != EventCSS || ev.Paths[0] != "css/chroma.css" {
			t.Errorf("css: %+v", ev)
		}
	}
	s.Navigate("incidents/db/")
	for _, c := range []*sseClient{db, home, newPage, unknown} {
		if ev := next(t, c.events); ev.Type != EventNavigate || ev.URL != "/incidents/db/" {
			t.Errorf("navigate: %+v", ev)
		}
	}
	s.ShowErrors([]string{"content/incidents/db.md:3:7: error: bad date; use YYYY-MM-DD", `x.md:1:1: error: <img src=x onerror=alert(1)>`})
	for _, c := range []*sseClient{db, home, newPage, unknown} {
		if ev := next(t, c.events); ev.Type != EventError || len(ev.Errors) != 2 || ev.Errors[1] != `x.md:1:1: error: <img src=x onerror=alert(1)>` {
			t.Errorf("error: %+v", ev)
		}
	}
	// A page opened now gets the overlay first.
	late := dial(t, ts.URL, "/")
	if ev := next(t, late.events); ev.Type != EventError || len(ev.Errors) != 2 {
		t.Errorf("late page: %+v", ev)
	}
	s.ClearErrors()
	for _, c := range []*sseClient{db, home, newPage, unknown, late} {
		if ev := next(t, c.events); ev.Type != EventClear {
			t.Errorf("clear: %+v", ev)
		}
	}
	// A closed page unsubscribes.
	late.resp.Body.Close()
	settle(t, s, 4)
}

func TestSSEHeartbeat(t *testing.T) {
	s := newTestServer(t)
	s.beat = 20 * time.Millisecond
	ts := newTS(t, s.Handler())
	c := dial(t, ts.URL, "/")
	for range 2 {
		select {
		case line := <-c.comments:
			if line != ": ping" {
				t.Errorf("comment %q", line)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("no heartbeat")
		}
	}
}

// TestSSESlowPageDropped: a page that stops reading loses its stream (and
// reloads when it reconnects) instead of stalling the broadcaster.
func TestSSESlowPageDropped(t *testing.T) {
	s := newTestServer(t)
	ts := newTS(t, s.Handler())
	resp, err := http.Get(ts.URL + eventsURL) // and never read
	if err != nil {
		t.Fatal(err)
	}
	settle(t, s, 1)
	big := []string{strings.Repeat("x", 1<<20)}
	start := time.Now()
	for i := 0; ; i++ {
		s.ShowErrors(big) // fills the socket buffers, then the subscriber's
		s.hub.mu.Lock()
		n := len(s.hub.subs)
		s.hub.mu.Unlock()
		if n == 0 {
			break
		}
		if i > 500 || time.Since(start) > 10*time.Second {
			t.Fatalf("stalled page still subscribed after %d events", i)
		}
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("broadcasting took %v", d)
	}
	resp.Body.Close() // unblocks the handler's write
}

func TestSSEHead(t *testing.T) {
	h := newTestServer(t).Handler()
	resp := get(t, h, "HEAD", eventsURL)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream; charset=utf-8" {
		t.Errorf("HEAD events: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
}
