// Package server is the preview server behind `casefile serve`.
//
// It serves a site held in memory (SetSite swaps it atomically), never the
// disk, and only GET and HEAD. Every HTML page gets one external script,
// /__casefile/live.js, which listens on /__casefile/events (server-sent
// events) and reloads the page when its own HTML changed, swaps stylesheets
// in place when only CSS changed, follows Navigate, and shows an error
// overlay while the last good build stays served.
//
// Which output file a browser page shows is decided here, in Go, by the same
// function that serves requests (resolve): live.js only sends
// location.pathname when it connects.
package server

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultAddr is where `casefile serve` listens unless told otherwise.
const DefaultAddr = "127.0.0.1:1313"

const (
	reservedPrefix = "__casefile/"         // site paths the server keeps for itself
	scriptURL      = "/__casefile/live.js" // the injected script
	eventsURL      = "/__casefile/events"  // the server-sent events stream
	notFoundPage   = "404.html"            // the site's own 404 page
	shutdownGrace  = 5 * time.Second       // how long Shutdown waits for requests
	defaultBeat    = 15 * time.Second      // SSE heartbeat
	writeTimeout   = 10 * time.Second      // per SSE write: a stuck browser is dropped
	contentSecPol  = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
	maxHeaderBytes = 64 << 10
)

// Options configure a Server.
type Options struct {
	Addr string                           // host:port to listen on; "" means DefaultAddr
	Logf func(format string, args ...any) // terminal lines; nil discards them
}

// Server is the preview server. Its methods are safe for concurrent use.
type Server struct {
	addr     string
	logf     func(string, ...any)
	loopback bool   // bound to a loopback address: the Host header is checked
	bindHost string // lower-case host part of addr, without brackets

	site    atomic.Pointer[site]
	setMu   sync.Mutex // serialises SetSite (entries are reused from the previous site)
	gz      gzipCache
	script  *entry // live.js
	hub     hub
	beat    time.Duration // SSE heartbeat; tests shorten it
	url     atomic.Pointer[string]
	stopMu  sync.Mutex
	stopSSE chan struct{} // closed when a ListenAndServe run shuts down
}

// New returns a server with an empty site.
func New(opts Options) *Server {
	s := &Server{
		addr:    opts.Addr,
		logf:    opts.Logf,
		beat:    defaultBeat,
		stopSSE: make(chan struct{}),
	}
	if s.addr == "" {
		s.addr = DefaultAddr
	}
	if s.logf == nil {
		s.logf = func(string, ...any) {}
	}
	host, _, err := net.SplitHostPort(s.addr)
	if err != nil {
		host = s.addr
	}
	s.bindHost = normalHost(host)
	s.loopback = isLoopback(s.bindHost)
	s.script = &entry{name: "live.js", raw: liveJS}
	s.hub.logf = s.logf
	s.site.Store(&site{})
	return s
}

// Handler returns the HTTP handler: the site, live.js and the event stream.
func (s *Server) Handler() http.Handler { return http.HandlerFunc(s.serveHTTP) }

// URL returns the address browsers should open ("http://127.0.0.1:1313/")
// while ListenAndServe is listening, and "" otherwise.
func (s *Server) URL() string {
	if p := s.url.Load(); p != nil {
		return *p
	}
	return ""
}

// ListenAndServe listens on Options.Addr and serves until ctx is done, then
// closes the event streams and shuts down gracefully. It returns nil after a
// clean shutdown. Listening beyond loopback logs a warning; otherwise it logs
// nothing: the caller prints URL() as it likes.
func (s *Server) ListenAndServe(ctx context.Context) error {
	ln, err := net.Listen("tcp", s.addr)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	u := browseURL(s.bindHost, ln.Addr())
	s.url.Store(&u)
	defer s.url.Store(nil)
	if !s.loopback {
		where := ln.Addr().String()
		if tcp, ok := ln.Addr().(*net.TCPAddr); ok {
			where = net.JoinHostPort(s.bindHost, strconv.Itoa(tcp.Port))
			if ip := net.ParseIP(s.bindHost); s.bindHost == "" || ip != nil && ip.IsUnspecified() {
				where += " (all interfaces)"
			}
		}
		s.logf("warning: listening on %s, which other machines can reach; anyone who can connect reads the whole preview, drafts and internal material included", where)
	}

	s.stopMu.Lock()
	stop := s.stopSSE
	s.stopMu.Unlock()
	srv := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          log.New(logWriter(s.logf), "", 0),

		// "OPTIONS *" reaches serveHTTP (405) instead of net/http's own 200.
		DisableGeneralOptionsHandler: true,
	}
	// Connections that have not sent a request yet (a browser's spare,
	// preconnected sockets) count as busy for Shutdown until they are 5 s
	// old: close them at once, as idle ones are.
	var freshMu sync.Mutex
	fresh := map[net.Conn]bool{}
	srv.ConnState = func(c net.Conn, st http.ConnState) {
		freshMu.Lock()
		defer freshMu.Unlock()
		if st == http.StateNew {
			fresh[c] = true
		} else {
			delete(fresh, c)
		}
	}
	// Event streams never go idle by themselves: end them once the listener
	// is closed, so Shutdown does not wait for its deadline.
	srv.RegisterOnShutdown(func() {
		close(stop)
		freshMu.Lock()
		defer freshMu.Unlock()
		for c := range fresh {
			c.Close()
		}
	})

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	err = srv.Shutdown(sctx)
	if err != nil {
		srv.Close()
	}
	if serr := <-errc; serr != nil && !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	s.stopMu.Lock()
	s.stopSSE = make(chan struct{}) // a later run gets a fresh one
	s.stopMu.Unlock()
	if err != nil {
		return fmt.Errorf("serve: shutdown: %w", err)
	}
	return nil
}

func (s *Server) stopChan() <-chan struct{} {
	s.stopMu.Lock()
	defer s.stopMu.Unlock()
	return s.stopSSE
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", contentSecPol)
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	// Other sites may not load anything from here as a script, image or
	// stylesheet: search/manifest.js and search/d/*.js call a global
	// function, so a page on any origin could otherwise read the preview
	// (drafts and internal material included) through <script src>, with a
	// Host header of 127.0.0.1 that passes hostAllowed.
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	h.Set("Cache-Control", "no-cache")

	if !s.hostAllowed(r.Host) {
		plain(w, r, http.StatusForbidden, "403 forbidden: this preview server answers only to localhost, 127.0.0.1 and [::1]")
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		h.Set("Allow", "GET, HEAD")
		plain(w, r, http.StatusMethodNotAllowed, "405 method not allowed")
		return
	}
	p, ok := urlToSite(r.URL.EscapedPath())
	if !ok {
		plain(w, r, http.StatusBadRequest, "400 bad request: not a clean path")
		return
	}
	if strings.HasPrefix(p, reservedPrefix) {
		switch "/" + p {
		case scriptURL:
			s.serveEntry(w, r, s.script, http.StatusOK)
		case eventsURL:
			s.serveEvents(w, r)
		default:
			s.notFound(w, r)
		}
		return
	}
	st := s.site.Load()
	name, redirect, found := resolve(st.has, p)
	switch {
	case !found:
		s.notFound(w, r)
	case redirect:
		target := (&url.URL{Path: "/" + name}).EscapedPath()
		if r.URL.RawQuery != "" {
			target += "?" + r.URL.RawQuery
		}
		h.Set("Location", target)
		plain(w, r, http.StatusMovedPermanently, "301 moved permanently to "+target)
	default:
		s.serveEntry(w, r, st.files[name], http.StatusOK)
	}
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	if e := s.site.Load().files[notFoundPage]; e != nil {
		s.serveEntry(w, r, e, http.StatusNotFound)
		return
	}
	plain(w, r, http.StatusNotFound, "404 page not found")
}

// plain writes a short text response.
func plain(w http.ResponseWriter, r *http.Request, status int, msg string) {
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(msg)+1))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write([]byte(msg + "\n"))
	}
}

// hostAllowed guards against DNS rebinding: while the server listens on
// loopback, a page on another name that resolves to 127.0.0.1 must not read
// the preview. The port is not compared: rebinding changes the name.
func (s *Server) hostAllowed(hostport string) bool {
	if !s.loopback {
		return true
	}
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		host = hostport // no port
	}
	host = normalHost(host)
	switch host {
	case "":
		return false
	case "localhost", "127.0.0.1", "::1", s.bindHost:
		return true
	}
	return false
}

// normalHost lower-cases a host and drops IPv6 brackets and a final dot.
func normalHost(h string) string {
	h = strings.TrimSuffix(strings.TrimPrefix(h, "["), "]")
	return strings.TrimSuffix(strings.ToLower(h), ".")
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// browseURL is the URL to print for a listener: a wildcard address becomes
// localhost, a named bind host is kept.
func browseURL(bindHost string, a net.Addr) string {
	tcp, ok := a.(*net.TCPAddr)
	if !ok {
		return "http://" + a.String() + "/"
	}
	host := tcp.IP.String()
	switch {
	case bindHost == "localhost":
		host = "localhost"
	case tcp.IP.IsUnspecified():
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, strconv.Itoa(tcp.Port)) + "/"
}

// logWriter sends net/http's own error log to Logf.
type logWriter func(string, ...any)

func (l logWriter) Write(p []byte) (int, error) {
	l("%s", strings.TrimRight(string(p), "\n"))
	return len(p), nil
}
