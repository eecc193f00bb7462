package server

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// Event types, as sent to subscribers and, as JSON, to browsers.
const (
	EventReload   = "reload"   // Paths changed; a page whose own file is among them reloads
	EventCSS      = "css"      // only stylesheets (Paths) changed: swap them in place
	EventNavigate = "navigate" // go to URL
	EventError    = "error"    // show Errors in the overlay
	EventClear    = "clear"    // remove the overlay
)

// Event is one message to the browsers. Its JSON form is what live.js
// receives in each `data:` line, except that the server decides per page
// whether a reload applies: a page gets {"type":"reload"} when its own file
// changed, {"type":"css","paths":[...]} when only stylesheets it may use
// changed, and nothing otherwise.
type Event struct {
	Type   string   `json:"type"`
	Paths  []string `json:"paths,omitempty"`  // site-relative output paths ("css/main.css")
	URL    string   `json:"url,omitempty"`    // navigate: a path on this server ("/incidents/x/")
	Errors []string `json:"errors,omitempty"` // error: formatted diagnostics
}

// subBuffer is how many events a subscriber may lag behind before it is
// dropped (a dropped browser reconnects and reloads).
const subBuffer = 32

// hub fans events out to subscribers without ever waiting for one.
type hub struct {
	mu     sync.Mutex
	subs   map[*subscriber]struct{}
	errors []string // shown now; sent first to new subscribers
	logf   func(string, ...any)
}

type subscriber struct{ ch chan Event }

// Subscribe returns a stream of the events from now on, starting with the
// current errors if there are any. The channel is closed by cancel, or when
// the subscriber falls more than a few dozen events behind. cancel may be
// called more than once.
func (s *Server) Subscribe() (events <-chan Event, cancel func()) {
	h := &s.hub
	sub := &subscriber{ch: make(chan Event, subBuffer)}
	h.mu.Lock()
	if h.subs == nil {
		h.subs = make(map[*subscriber]struct{})
	}
	if h.errors != nil {
		sub.ch <- Event{Type: EventError, Errors: h.errors}
	}
	h.subs[sub] = struct{}{}
	h.mu.Unlock()
	return sub.ch, func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		if _, ok := h.subs[sub]; ok {
			delete(h.subs, sub)
			close(sub.ch)
		}
	}
}

// broadcast sends ev to every subscriber; update, when not nil, changes the
// hub's state under the same lock, so a new subscriber sees either the old
// state and ev, or the new state only.
func (h *hub) broadcast(ev Event, update func()) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if update != nil {
		update()
	}
	dropped := 0
	for sub := range h.subs {
		select {
		case sub.ch <- ev:
		default:
			delete(h.subs, sub)
			close(sub.ch)
			dropped++
		}
	}
	if dropped > 0 {
		h.logf("live reload: %d slow browser connection(s) dropped; they reload when they reconnect", dropped)
	}
}

// Reload tells browsers which output files changed since the previous site.
// A page reloads when its own file changed; when every path is a stylesheet,
// pages swap their stylesheets without reloading.
func (s *Server) Reload(changed []string) {
	if len(changed) == 0 {
		return
	}
	paths := slices.Clone(changed)
	typ := EventCSS
	for _, p := range paths {
		if !isCSS(p) {
			typ = EventReload
			break
		}
	}
	s.hub.broadcast(Event{Type: typ, Paths: paths}, nil)
}

// Navigate sends every open page to a site-relative URL ("incidents/x/").
// URLs that could leave the site are ignored.
func (s *Server) Navigate(u string) {
	p, ok := navigatePath(u)
	if !ok {
		s.logf("live reload: not navigating to %q: not a site-relative URL", u)
		return
	}
	s.hub.broadcast(Event{Type: EventNavigate, URL: p}, nil)
}

// ShowErrors shows lines (formatted diagnostics) in an overlay on every open
// page, and on every page opened until ClearErrors. An empty list clears.
func (s *Server) ShowErrors(lines []string) {
	if len(lines) == 0 {
		s.ClearErrors()
		return
	}
	errs := slices.Clone(lines)
	s.hub.broadcast(Event{Type: EventError, Errors: errs}, func() { s.hub.errors = errs })
}

// ClearErrors removes the overlay.
func (s *Server) ClearErrors() {
	s.hub.broadcast(Event{Type: EventClear}, func() { s.hub.errors = nil })
}

func isCSS(p string) bool { return strings.HasSuffix(strings.ToLower(p), ".css") }

// forPage turns a broadcast event into what one browser page gets. watch
// lists the output files the page shows (pageFiles); nil means unknown, and
// then every reload applies.
func forPage(ev Event, watch []string) (Event, bool) {
	if ev.Type != EventReload {
		return ev, true
	}
	if watch == nil || slices.ContainsFunc(ev.Paths, func(p string) bool { return slices.Contains(watch, p) }) {
		return Event{Type: EventReload}, true
	}
	var css []string
	for _, p := range ev.Paths {
		if isCSS(p) {
			css = append(css, p)
		}
	}
	if css == nil {
		return Event{}, false
	}
	return Event{Type: EventCSS, Paths: css}, true
}

// serveEvents is the server-sent events stream of one page. The page names
// itself with ?page=<location.pathname>.
func (s *Server) serveEvents(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("X-Accel-Buffering", "no")
	if r.Method == http.MethodHead {
		w.WriteHeader(http.StatusOK)
		return
	}
	var watch []string
	if page := r.URL.Query().Get("page"); page != "" {
		if p, ok := urlToSite(page); ok {
			watch = pageFiles(s.site.Load().has, p)
		}
	}
	events, cancel := s.Subscribe()
	defer cancel()
	stop := s.stopChan()
	rc := http.NewResponseController(w)
	write := func(msg string) bool {
		_ = rc.SetWriteDeadline(time.Now().Add(writeTimeout)) // unsupported in some test writers
		if _, err := w.Write([]byte(msg)); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	w.WriteHeader(http.StatusOK)
	if !write("retry: 1000\n: casefile live reload\n\n") {
		return
	}
	beat := time.NewTicker(s.beat)
	defer beat.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-stop:
			return
		case <-beat.C:
			if !write(": ping\n\n") {
				return
			}
		case ev, ok := <-events:
			if !ok {
				return // dropped as too slow: the page reconnects and reloads
			}
			msg, send := forPage(ev, watch)
			if !send {
				continue
			}
			data, err := json.Marshal(msg)
			if err != nil {
				continue
			}
			if !write("data: " + string(data) + "\n\n") {
				return
			}
		}
	}
}
