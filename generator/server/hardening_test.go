package server

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// The tests in this file talk to the server as `casefile serve` runs it
// (ListenAndServe on loopback, so net/http's own request handling is in
// front of the handler) over raw TCP: request lines are written byte for
// byte, since net/http clients clean paths and fix up methods and hosts.

// canary is text that must never come back: it is in files a cleaned,
// decoded-twice or disk-backed path would reach, but no clean request does.
const canary = "CANARY-OUTSIDE-SITE"

// hardenedServer serves testFiles plus in-site decoys (etc/passwd, x, b)
// that a traversal would hit if the server cleaned paths instead of refusing
// them, from a working directory holding canary files next to the site, in
// case anything read the disk. It returns the address and port.
func hardenedServer(t *testing.T) (s *Server, addr, port string) {
	t.Helper()
	dir := t.TempDir()
	for _, name := range []string{"etc/passwd", "x", "b", "index.html", "public/index.html", "secret.txt"} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(canary+" disk "+name+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
	files := testFiles()
	files["etc/passwd"] = []byte(canary + " in-site etc/passwd")
	files["x"] = []byte(canary + " in-site x")
	files["b"] = []byte(canary + " in-site b")
	s = New(Options{Addr: "127.0.0.1:0", Logf: (&logBuf{}).logf})
	s.SetSite(files)
	u, stop := start(t, s)
	t.Cleanup(func() {
		if err := stop(); err != nil {
			t.Error(err)
		}
	})
	addr = strings.TrimSuffix(strings.TrimPrefix(u, "http://"), "/")
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	return s, addr, port
}

// raw writes req on a fresh connection and reads one response (the body
// whole, or its first 64 KB for a stream).
func raw(t *testing.T, addr, req string) (*http.Response, string) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(20 * time.Second)) // a hang fails instead of blocking the run
	if _, err := io.WriteString(conn, req); err != nil {
		t.Fatal(err)
	}
	method, _, _ := strings.Cut(req, " ")
	resp, err := http.ReadResponse(bufio.NewReader(conn), &http.Request{Method: method})
	if err != nil {
		t.Fatalf("%q: %v", req, err)
	}
	var b []byte
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		// Read the greeting only: the stream does not end.
		line, _ := bufio.NewReader(resp.Body).ReadString('\n')
		b = []byte(line)
	} else if b, err = io.ReadAll(io.LimitReader(resp.Body, 64<<10)); err != nil {
		t.Fatalf("%q: body: %v", req, err)
	}
	return resp, string(b)
}

// get1 is a GET request line with a Host header and Connection: close.
func get1(target, host string) string {
	return "GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n"
}

// wantHeaders are the headers every answer of the handler carries.
var wantHeaders = map[string]string{
	"Content-Security-Policy":      contentSecPol,
	"X-Content-Type-Options":       "nosniff",
	"X-Frame-Options":              "DENY",
	"Referrer-Policy":              "no-referrer",
	"Cross-Origin-Resource-Policy": "same-origin",
}

func checkHeaders(t *testing.T, what string, resp *http.Response) {
	t.Helper()
	for k, want := range wantHeaders {
		if got := resp.Header.Get(k); got != want {
			t.Errorf("%s (%d): %s = %q, want %q", what, resp.StatusCode, k, got, want)
		}
	}
}

// checkNoLeak fails when a refused answer carries the canary, a site page,
// or a real /etc/passwd.
func checkNoLeak(t *testing.T, what, body string) {
	t.Helper()
	for _, bad := range []string{canary, "SECRET", "root:", "<h1>Home</h1>", "<h1>DB disk full</h1>"} {
		if strings.Contains(body, bad) {
			t.Errorf("%s: answer contains %q: %q", what, bad, body)
		}
	}
}

// byNetHTTP marks request lines that net/http itself refuses with a plain
// "400 Bad Request" before any handler runs: those answers cannot carry the
// security headers, and have a fixed body.
const byNetHTTP = -400

func TestRawTraversal(t *testing.T) {
	_, addr, _ := hardenedServer(t)
	// Sanity: the decoys are in the site and reachable by their clean names,
	// so the refusals below are not 404s by luck.
	if resp, b := raw(t, addr, get1("/etc/passwd", "localhost")); resp.StatusCode != 200 || !strings.Contains(b, "in-site etc/passwd") {
		t.Fatalf("/etc/passwd decoy: %d %q", resp.StatusCode, b)
	}
	for _, tc := range []struct {
		target string
		status int // 400: refused as not a clean path; 404: looked up literally, not found
	}{
		{"/../etc/passwd", 400},
		{"/../../../../etc/passwd", 400},
		{"/incidents/db/../../etc/passwd", 400},
		{"/%2e%2e/", 400},
		{"/%2e%2e/etc/passwd", 400},
		{"/%2E%2E/%2e%2e/etc/passwd", 400},
		{"/.%2e/etc/passwd", 400},
		{"/%2e./etc/passwd", 400},
		{"/..%2f..%2f", 400},
		{"/..%2f..%2fetc%2fpasswd", 400},
		{"/%2e%2e%2f%2e%2e%2fetc%2fpasswd", 400},
		{"/%2e%2e%5c", 400},
		{"/..%5c..%5cetc%5cpasswd", 400},
		{`/..\..\`, 400},
		{`/..\..\etc\passwd`, 400},
		{`/\..\..\etc\passwd`, 400},
		{"/a%00b", 400},
		{"/etc/passwd%00", 400},
		{"/etc/passwd%00.html", 400},
		{"/..%00/etc/passwd", 400},
		{"/a%09b", 400},
		{"/a%0d%0aSet-Cookie:x", 400},
		{"/a%7fb", 400},
		{"/%c0%ae%c0%ae/", 400}, // overlong UTF-8 "."
		{"/%C0%AE%C0%AE/etc/passwd", 400},
		{"/%e0%80%ae%e0%80%ae/etc/passwd", 400}, // three-byte overlong
		{"/%c0%af", 400},                        // overlong "/"
		{"/%u002e%u002e/etc/passwd", byNetHTTP}, // IIS-style escape: a bad escape to net/http
		{"/%252e%252e/etc/passwd", 404},         // decoded once only: a folder named "%2e%2e"
		{"/%252e%252e%252fetc%252fpasswd", 404},
		{"//etc/passwd", 400},
		{"///etc/passwd", 400},
		{"/etc//passwd", 400},
		{"/./etc/passwd", 400},
		{"/etc/./passwd", 400},
		{"/..", 400},
		{"/incidents/db/..", 400},
		{"/..;/etc/passwd", 404}, // "..;" is a name, not a parent
		{"*", 400},
		{"/a\x00b", byNetHTTP},           // a raw NUL in the request line
		{"../etc/passwd", byNetHTTP},     // not origin-form
		{"%2e%2e/etc/passwd", byNetHTTP}, // not origin-form
		{"%252e%252e/etc/passwd", byNetHTTP},
		{"/a\x7fb", byNetHTTP},
	} {
		req := get1(tc.target, "localhost")
		resp, b := raw(t, addr, req)
		what := "GET " + strings.ToValidUTF8(tc.target, "?")
		checkNoLeak(t, what, b)
		if tc.status == byNetHTTP {
			if resp.StatusCode != 400 || strings.TrimSpace(b) != "400 Bad Request" {
				t.Errorf("%s: %d %q, want net/http's plain 400", what, resp.StatusCode, b)
			}
			continue
		}
		if resp.StatusCode != tc.status {
			t.Errorf("%s: status %d, want %d", what, resp.StatusCode, tc.status)
		}
		checkHeaders(t, what, resp)
		// HEAD is refused the same way.
		hresp, hb := raw(t, addr, "HEAD"+strings.TrimPrefix(req, "GET"))
		if hresp.StatusCode != tc.status || hb != "" {
			t.Errorf("HEAD %s: %d %q", strings.ToValidUTF8(tc.target, "?"), hresp.StatusCode, hb)
		}
	}
}

func TestRawMethods(t *testing.T) {
	_, addr, port := hardenedServer(t)
	for _, req := range []string{
		"POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello",
		"POST /__casefile/events HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
		"PUT /index.html HTTP/1.1\r\nHost: localhost\r\nContent-Length: 3\r\nConnection: close\r\n\r\nnew",
		"PUT /new.html HTTP/1.1\r\nHost: localhost\r\nContent-Length: 3\r\nConnection: close\r\n\r\nnew",
		"DELETE /index.html HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
		"PATCH / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
		"TRACE / HTTP/1.1\r\nHost: localhost\r\nX-Echo: " + canary + "\r\nConnection: close\r\n\r\n",
		"OPTIONS / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
		"OPTIONS * HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
		"CONNECT localhost:" + port + " HTTP/1.1\r\nHost: localhost:" + port + "\r\nConnection: close\r\n\r\n",
		"PROPFIND / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
		"get / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", // methods are case-sensitive
		"POST /../etc/passwd HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
	} {
		line, _, _ := strings.Cut(req, "\r\n")
		resp, b := raw(t, addr, req)
		if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != "GET, HEAD" {
			t.Errorf("%s: %d Allow %q, want 405 with Allow: GET, HEAD", line, resp.StatusCode, resp.Header.Get("Allow"))
		}
		checkHeaders(t, line, resp)
		checkNoLeak(t, line, b)
	}
	// CONNECT to another host is refused by the Host check first.
	resp, b := raw(t, addr, "CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\n\r\n")
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("CONNECT evil.example:443: %d", resp.StatusCode)
	}
	checkHeaders(t, "CONNECT evil.example:443", resp)
	checkNoLeak(t, "CONNECT evil.example:443", b)
	// Nothing above changed the site.
	if resp, b := raw(t, addr, get1("/", "localhost")); resp.StatusCode != 200 || !strings.Contains(b, "<h1>Home</h1>") {
		t.Errorf("GET / after the refused methods: %d", resp.StatusCode)
	}
	if resp, _ := raw(t, addr, get1("/new.html", "localhost")); resp.StatusCode != 404 {
		t.Errorf("PUT created /new.html: %d", resp.StatusCode)
	}
}

// TestRawHostCheck: while bound to loopback only loopback names are served,
// so a page on another name that resolves to 127.0.0.1 (DNS rebinding)
// reads nothing. Decisions: an empty Host and a missing one (HTTP/1.0) are
// refused (every browser sends the name it connected to); the port is not
// compared; for an absolute-form request-target the host in it is the one
// checked (RFC 9112 §3.2.2: it replaces the Host header).
func TestRawHostCheck(t *testing.T) {
	_, addr, port := hardenedServer(t)
	for _, tc := range []struct {
		req    string
		status int
	}{
		{get1("/", "localhost"), 200},
		{get1("/", "localhost:"+port), 200},
		{get1("/", "LocalHost:"+port), 200},
		{get1("/", "localhost.:"+port), 200},
		{get1("/", "127.0.0.1"), 200},
		{get1("/", "127.0.0.1:"+port), 200},
		{get1("/", "[::1]"), 200},
		{get1("/", "[::1]:"+port), 200},
		{get1("/", "localhost:1"), 200}, // another port: same name, not a rebinding
		{get1("/", "evil.com"), 403},
		{get1("/", "evil.com:"+port), 403},
		{get1("/", "localhost.evil.com"), 403},
		{get1("/", "localhost.evil.com:"+port), 403},
		{get1("/", "127.0.0.1.nip.io"), 403},
		{get1("/", "127.0.0.1.nip.io:"+port), 403},
		{get1("/", "foo.localhost:"+port), 403},
		{get1("/", "10.0.0.1:"+port), 403},
		{get1(eventsURL, "evil.com:"+port), 403},
		{get1(scriptURL, "evil.com:"+port), 403},
		{get1("/etc/passwd", "evil.com"), 403},
		{"GET / HTTP/1.1\r\nHost:\r\nConnection: close\r\n\r\n", 403},   // empty Host
		{"GET / HTTP/1.1\r\nHost: \r\nConnection: close\r\n\r\n", 403},  // blank Host
		{"GET / HTTP/1.0\r\n\r\n", 403},                                 // no Host (HTTP/1.0)
		{"GET / HTTP/1.0\r\nHost: localhost:" + port + "\r\n\r\n", 200}, // HTTP/1.0 with a Host
		{"GET http://evil.com/ HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", 403},
		{"GET http://localhost:" + port + "/ HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", 200},
		// The request-target's host wins over the Host header; browsers send
		// absolute-form only to proxies, so a rebinding page cannot use it.
		{"GET http://localhost:" + port + "/ HTTP/1.1\r\nHost: evil.com\r\nConnection: close\r\n\r\n", 200},
		{"GET http://localhost:" + port + "/../etc/passwd HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", 400},
		{"GET / HTTP/1.1\r\nConnection: close\r\n\r\n", byNetHTTP},                                      // no Host (HTTP/1.1)
		{"GET / HTTP/1.1\r\nHost: localhost\r\nHost: evil.com\r\nConnection: close\r\n\r\n", byNetHTTP}, // two Hosts
		{get1("/", "localhost@evil.com"), byNetHTTP},
		{get1("/", "evil.com/localhost"), byNetHTTP},
	} {
		line := strings.ReplaceAll(strings.TrimSuffix(tc.req, "\r\n\r\n"), "\r\n", " | ")
		resp, b := raw(t, addr, tc.req)
		if tc.status == byNetHTTP {
			if resp.StatusCode != 400 || !strings.HasPrefix(b, "400 Bad Request") {
				t.Errorf("%s: %d %q, want net/http's plain 400", line, resp.StatusCode, b)
			}
			checkNoLeak(t, line, b)
			continue
		}
		if resp.StatusCode != tc.status {
			t.Errorf("%s: %d, want %d", line, resp.StatusCode, tc.status)
		}
		checkHeaders(t, line, resp)
		if tc.status != 200 {
			checkNoLeak(t, line, b)
		} else if !strings.Contains(b, "<h1>Home</h1>") {
			t.Errorf("%s: page not served", line)
		}
	}
}

// TestRawSecurityHeaders checks the headers on every kind of answer the
// handler gives, over the real server.
func TestRawSecurityHeaders(t *testing.T) {
	s, addr, _ := hardenedServer(t)
	etag := func() string {
		resp, _ := raw(t, addr, get1("/", "localhost"))
		return resp.Header.Get("ETag")
	}()
	for _, tc := range []struct {
		req    string
		status int
	}{
		{get1("/", "localhost"), 200},
		{get1("/css/main.css", "localhost"), 200},
		{"GET /css/main.css HTTP/1.1\r\nHost: localhost\r\nAccept-Encoding: gzip\r\nConnection: close\r\n\r\n", 200},
		{get1(scriptURL, "localhost"), 200},
		{get1("/incidents.json", "localhost"), 200},
		{"HEAD / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", 200},
		{"GET / HTTP/1.1\r\nHost: localhost\r\nIf-None-Match: " + etag + "\r\nConnection: close\r\n\r\n", 304},
		{"GET /css/main.css HTTP/1.1\r\nHost: localhost\r\nRange: bytes=0-9\r\nConnection: close\r\n\r\n", 206},
		{"GET /css/main.css HTTP/1.1\r\nHost: localhost\r\nRange: bytes=999999-\r\nConnection: close\r\n\r\n", 416},
		{get1("/incidents/db", "localhost"), 301},
		{get1("/nope", "localhost"), 404},            // the site's 404.html
		{get1("/__casefile/nope", "localhost"), 404}, // reserved prefix
		{get1("/../x", "localhost"), 400},            // traversal
		{get1("/", "evil.com"), 403},                 // Host check
		{"DELETE / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", 405},
		{"OPTIONS * HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", 405},
		{get1(eventsURL, "localhost"), 200},             // the event stream
		{get1(eventsURL+"?page=%2F", "localhost"), 200}, // as live.js opens it
		{"HEAD " + eventsURL + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", 200},
	} {
		line, _, _ := strings.Cut(tc.req, "\r\n")
		resp, _ := raw(t, addr, tc.req)
		if resp.StatusCode != tc.status {
			t.Errorf("%s: %d, want %d", line, resp.StatusCode, tc.status)
		}
		checkHeaders(t, line, resp)
	}
	// Without a 404.html the plain 404 has them too.
	s.SetSite(map[string][]byte{"index.html": page("Home")})
	resp, _ := raw(t, addr, get1("/nope", "localhost"))
	if resp.StatusCode != 404 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
		t.Errorf("plain 404: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	checkHeaders(t, "plain 404", resp)
}

// TestCSP reads the policy directive by directive: only the site itself,
// no inline or eval'd script or style, no framing.
func TestCSP(t *testing.T) {
	dirs := map[string][]string{}
	for d := range strings.SplitSeq(contentSecPol, ";") {
		f := strings.Fields(d)
		if len(f) == 0 {
			continue
		}
		if _, dup := dirs[f[0]]; dup {
			t.Errorf("directive %s twice", f[0])
		}
		dirs[f[0]] = f[1:]
	}
	for name, want := range map[string][]string{
		"default-src":     {"'self'"},
		"script-src":      {"'self'"}, // live.js is external: /__casefile/live.js
		"style-src":       {"'self'"}, // the overlay styles through element.style (CSSOM), not <style>
		"connect-src":     {"'self'"}, // the event stream
		"img-src":         {"'self'", "data:"},
		"object-src":      {"'none'"},
		"base-uri":        {"'self'"},
		"form-action":     {"'self'"}, // does not fall back to default-src
		"frame-ancestors": {"'none'"}, // does not fall back to default-src
	} {
		if got := dirs[name]; !slices.Equal(got, want) {
			t.Errorf("%s %q, want %q", name, got, want)
		}
	}
	for name, srcs := range dirs {
		for _, src := range srcs {
			switch src {
			case "'self'", "'none'":
			case "data:":
				if name != "img-src" {
					t.Errorf("%s allows data:", name)
				}
			default:
				t.Errorf("%s allows %s", name, src)
			}
		}
	}
	// The injected script is external and same-origin; nothing is inline.
	if scriptTag != `<script src="/__casefile/live.js" defer></script>` {
		t.Errorf("injected tag %q", scriptTag)
	}
}

// TestShutdownWithUnusedConnections: browsers open spare connections that
// may never carry a request. net/http's Shutdown counts those as busy until
// they are 5 s old, which ran out shutdownGrace: Ctrl-C waited 5 s and
// `casefile serve` exited with "shutdown: context deadline exceeded".
func TestShutdownWithUnusedConnections(t *testing.T) {
	s := New(Options{Addr: "127.0.0.1:0"})
	s.SetSite(testFiles())
	u, stop := start(t, s)
	addr := strings.TrimSuffix(strings.TrimPrefix(u, "http://"), "/")
	var conns []net.Conn
	for range 3 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		conns = append(conns, c)
	}
	// Once a later connection is served, the unused ones have been accepted.
	if resp, _ := raw(t, addr, get1("/", "localhost")); resp.StatusCode != 200 {
		t.Fatalf("GET /: %d", resp.StatusCode)
	}
	if err := stop(); err != nil {
		t.Errorf("ListenAndServe = %v, want nil", err)
	}
	for i, c := range conns {
		_ = c.SetReadDeadline(time.Now().Add(10 * time.Second)) // a hang fails instead of blocking the run
		if n, err := c.Read(make([]byte, 1)); err == nil || n > 0 {
			t.Errorf("unused connection %d still open after shutdown", i)
		}
	}
}
