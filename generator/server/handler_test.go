package server

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
)

func page(title string) []byte {
	return []byte("<!doctype html>\n<html><head><title>" + title + "</title>" +
		`<link rel="stylesheet" href="/css/main.css"></head>` + "\n<body><h1>" + title + "</h1>\n" +
		strings.Repeat("<p>Filler so the page is worth compressing.</p>\n", 40) + "</body>\n</html>\n")
}

var bigCSS = []byte(strings.Repeat("body { color: #222; margin: 0 auto; }\n", 60))

func testFiles() map[string][]byte {
	return map[string][]byte{
		"index.html":                page("Home"),
		"incidents/db/index.html":   page("DB disk full"),
		"incidents/café/index.html": page("Café"),
		"404.html":                  page("Not found"),
		"css/main.css":              bigCSS,
		"css/small.css":             []byte("a{color:red}"),
		"js/search.js":              []byte("console.log('search');\n"),
		"feed.xml":                  []byte(`<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"></feed>`),
		"incidents.json":            []byte(`[{"id":"db"}]`),
		"robots.txt":                []byte("User-agent: *\n"),
		"img/logo.svg":              []byte(`<svg xmlns="http://www.w3.org/2000/svg"></svg>`),
		"site.webmanifest":          []byte(`{"name":"kb"}`),
		"fonts/a.woff2":             []byte("wOF2\x00\x01\x00\x00"),
		"img/x.png":                 []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
		"LICENSE":                   []byte("plain text without extension\n"),
		"upper.HTML":                []byte("<html><BODY>upper</BODY></html>"),
		"nobody.html":               []byte("<p>fragment"),
		// Targets a traversal would hit if paths were cleaned instead of refused.
		"x": []byte("SECRET-X"),
		"b": []byte("SECRET-B"),
	}
}

func newTestServer(t *testing.T) *Server {
	t.Helper()
	s := New(Options{Logf: (&logBuf{}).logf})
	s.SetSite(testFiles())
	return s
}

// logBuf collects Logf lines; safe after the test ends.
type logBuf struct {
	mu    sync.Mutex
	lines []string
}

func (l *logBuf) logf(format string, args ...any) {
	l.mu.Lock()
	l.lines = append(l.lines, fmt.Sprintf(format, args...))
	l.mu.Unlock()
}

func (l *logBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

// get runs one request through the handler with Host localhost:1313;
// headers come as "Name: value".
func get(t *testing.T, h http.Handler, method, target string, headers ...string) *http.Response {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	req.Host = "localhost:1313"
	for _, kv := range headers {
		k, v, _ := strings.Cut(kv, ": ")
		if k == "Host" {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func body(t *testing.T, resp *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestContentTypes(t *testing.T) {
	h := newTestServer(t).Handler()
	for path, want := range map[string]string{
		"/":                 "text/html; charset=utf-8",
		"/css/main.css":     "text/css; charset=utf-8",
		"/js/search.js":     "text/javascript; charset=utf-8",
		"/incidents.json":   "application/json; charset=utf-8",
		"/feed.xml":         "application/xml; charset=utf-8",
		"/img/logo.svg":     "image/svg+xml",
		"/robots.txt":       "text/plain; charset=utf-8",
		"/site.webmanifest": "application/manifest+json",
		"/fonts/a.woff2":    "font/woff2",
		"/img/x.png":        "image/png",
		"/LICENSE":          "text/plain; charset=utf-8", // sniffed
		"/upper.HTML":       "text/html; charset=utf-8",
		scriptURL:           "text/javascript; charset=utf-8",
	} {
		resp := get(t, h, "GET", path)
		if resp.StatusCode != 200 {
			t.Errorf("%s: status %d", path, resp.StatusCode)
		}
		if got := resp.Header.Get("Content-Type"); got != want {
			t.Errorf("%s: Content-Type %q, want %q", path, got, want)
		}
	}
}

func TestDirIndexAndRedirect(t *testing.T) {
	h := newTestServer(t).Handler()
	for path, want := range map[string]string{
		"/":                          "<h1>Home</h1>",
		"/index.html":                "<h1>Home</h1>",
		"/incidents/db/":             "<h1>DB disk full</h1>",
		"/incidents/db/index.html":   "<h1>DB disk full</h1>",
		"/incidents/caf%C3%A9/":      "<h1>Café</h1>",
		"/incidents/db/?q=x#ignored": "<h1>DB disk full</h1>",
	} {
		resp := get(t, h, "GET", path)
		if b := body(t, resp); resp.StatusCode != 200 || !strings.Contains(b, want) {
			t.Errorf("%s: %d, body lacks %q", path, resp.StatusCode, want)
		}
	}
	for path, loc := range map[string]string{
		"/incidents/db":        "/incidents/db/",
		"/incidents/db?x=1":    "/incidents/db/?x=1",
		"/incidents/caf%C3%A9": "/incidents/caf%C3%A9/",
		"/incidents/café":      "/incidents/caf%C3%A9/",
	} {
		resp := get(t, h, "GET", path)
		if resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != loc {
			t.Errorf("%s: %d Location %q, want 301 %q", path, resp.StatusCode, resp.Header.Get("Location"), loc)
		}
	}
	// A file is not a folder, and a folder without index.html is nothing.
	for _, path := range []string{"/css/main.css/", "/css/", "/incidents/", "/incidents/db/index.html/"} {
		if resp := get(t, h, "GET", path); resp.StatusCode != 404 {
			t.Errorf("%s: status %d, want 404", path, resp.StatusCode)
		}
	}
}

func TestNotFound(t *testing.T) {
	s := newTestServer(t)
	for _, path := range []string{"/nope", "/incidents/nope/", "/__casefile/nope", "/x/"} {
		resp := get(t, s.Handler(), "GET", path)
		b := body(t, resp)
		if resp.StatusCode != 404 || !strings.Contains(b, "<h1>Not found</h1>") || !strings.Contains(b, scriptTag) {
			t.Errorf("%s: %d %q, want the site's 404 page with the live script", path, resp.StatusCode, b)
		}
		if resp.Header.Get("Content-Type") != "text/html; charset=utf-8" {
			t.Errorf("%s: Content-Type %q", path, resp.Header.Get("Content-Type"))
		}
		if resp.Header.Get("ETag") != "" {
			t.Errorf("%s: a 404 has an ETag", path)
		}
	}
	// Without a 404.html: plain text.
	s.SetSite(map[string][]byte{"index.html": page("Home")})
	resp := get(t, s.Handler(), "GET", "/nope")
	if b := body(t, resp); resp.StatusCode != 404 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") || !strings.Contains(b, "not found") {
		t.Errorf("fallback 404: %d %q %q", resp.StatusCode, resp.Header.Get("Content-Type"), b)
	}
	// An empty server (nothing built yet) answers 404 too.
	resp = get(t, New(Options{}).Handler(), "GET", "/")
	if resp.StatusCode != 404 {
		t.Errorf("empty server: %d", resp.StatusCode)
	}
}

func TestHead(t *testing.T) {
	h := newTestServer(t).Handler()
	for _, tc := range []struct {
		path   string
		status int
		enc    string
	}{
		{"/", 200, ""},
		{"/", 200, "gzip"},
		{"/css/main.css", 200, ""},
		{"/nope", 404, ""},
		{"/nope", 404, "gzip"},
	} {
		full := get(t, h, "GET", tc.path, "Accept-Encoding: "+tc.enc)
		fullBody := body(t, full)
		resp := get(t, h, "HEAD", tc.path, "Accept-Encoding: "+tc.enc)
		if resp.StatusCode != tc.status {
			t.Errorf("HEAD %s: status %d", tc.path, resp.StatusCode)
		}
		if b := body(t, resp); b != "" {
			t.Errorf("HEAD %s: body %q", tc.path, b)
		}
		if cl := resp.Header.Get("Content-Length"); cl != strconv.Itoa(len(fullBody)) {
			t.Errorf("HEAD %s (%s): Content-Length %s, GET body is %d bytes", tc.path, tc.enc, cl, len(fullBody))
		}
		for _, k := range []string{"Content-Type", "ETag", "Content-Encoding"} {
			if resp.Header.Get(k) != full.Header.Get(k) {
				t.Errorf("HEAD %s: %s %q, GET has %q", tc.path, k, resp.Header.Get(k), full.Header.Get(k))
			}
		}
	}
}

func TestMethodNotAllowed(t *testing.T) {
	h := newTestServer(t).Handler()
	for _, m := range []string{"POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "PROPFIND"} {
		for _, path := range []string{"/", "/nope", eventsURL} {
			resp := get(t, h, m, path)
			if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != "GET, HEAD" {
				t.Errorf("%s %s: %d Allow %q", m, path, resp.StatusCode, resp.Header.Get("Allow"))
			}
		}
	}
}

var traversals = []string{
	"/../x", "/%2e%2e/x", "/%2E%2E/x", "/.%2e/x", "/a/..%2fb", "/a/%2e%2e%2fb", "/a%2fb", "/a%5cb", "/a%5c..%5cb",
	"/%00", "/x%00", "/a/../b", "/./x", "//x", "/a//b", "/incidents/db/../../x", "/%c0%ae%c0%ae/x",
	"/..", "/%2e%2e", "/incidents/db/..",
}

func TestTraversalRefused(t *testing.T) {
	h := newTestServer(t).Handler()
	for _, path := range traversals {
		resp := get(t, h, "GET", path)
		b := body(t, resp)
		if resp.StatusCode != 400 && resp.StatusCode != 404 {
			t.Errorf("%s: status %d, want 400 or 404", path, resp.StatusCode)
		}
		if strings.Contains(b, "SECRET") {
			t.Errorf("%s: served %q", path, b)
		}
	}
}

// TestTraversalOverTCP sends the request lines byte for byte, so no client
// library cleans them first.
func TestTraversalOverTCP(t *testing.T) {
	ts := newTS(t, newTestServer(t).Handler())
	for _, path := range append(traversals, `/a\b`, `/..\x`, "/bad%zzescape", "/x%") {
		conn, err := net.Dial("tcp", ts.Listener.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: localhost:1313\r\nConnection: close\r\n\r\n", path)
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		b := body(t, resp)
		conn.Close()
		if resp.StatusCode != 400 && resp.StatusCode != 404 {
			t.Errorf("%s: status %d, want 400 or 404", path, resp.StatusCode)
		}
		if strings.Contains(b, "SECRET") {
			t.Errorf("%s: served %q", path, b)
		}
	}
}

func TestHostCheck(t *testing.T) {
	h := newTestServer(t).Handler()
	for host, want := range map[string]int{
		"localhost:1313":     200,
		"localhost":          200,
		"LOCALHOST:1313":     200,
		"127.0.0.1:1313":     200,
		"[::1]:1313":         200,
		"localhost.:1313":    200,
		"evil.example":       403,
		"evil.example:1313":  403,
		"127.0.0.1.evil.com": 403,
		"localhost.evil.com": 403,
		"10.0.0.5:1313":      403,
		"":                   403,
	} {
		resp := get(t, h, "GET", "/", "Host: "+host)
		if resp.StatusCode != want {
			t.Errorf("Host %q: %d, want %d", host, resp.StatusCode, want)
		}
		if want == 403 && strings.Contains(body(t, resp), "Home") {
			t.Errorf("Host %q: page served", host)
		}
	}
	// The event stream is guarded too.
	if resp := get(t, h, "GET", eventsURL, "Host: evil.example"); resp.StatusCode != 403 {
		t.Errorf("events with a foreign Host: %d", resp.StatusCode)
	}
	// Bound to a named loopback host: that name is accepted as well.
	s := New(Options{Addr: "127.0.0.2:8080"})
	s.SetSite(testFiles())
	for host, want := range map[string]int{"127.0.0.2:8080": 200, "localhost:8080": 200, "evil.example": 403} {
		if resp := get(t, s.Handler(), "GET", "/", "Host: "+host); resp.StatusCode != want {
			t.Errorf("bound 127.0.0.2, Host %q: %d, want %d", host, resp.StatusCode, want)
		}
	}
	// Bound beyond loopback on purpose: any name (LAN access).
	for _, addr := range []string{"0.0.0.0:1313", ":1313", "192.168.1.10:1313"} {
		s := New(Options{Addr: addr})
		s.SetSite(testFiles())
		if resp := get(t, s.Handler(), "GET", "/", "Host: kb.lan:1313"); resp.StatusCode != 200 {
			t.Errorf("bound %s: %d", addr, resp.StatusCode)
		}
	}
}

func TestSecurityHeaders(t *testing.T) {
	h := newTestServer(t).Handler()
	for _, tc := range []struct{ method, path, host string }{
		{"GET", "/", "localhost"}, {"GET", "/css/main.css", "localhost"}, {"GET", "/nope", "localhost"},
		{"GET", "/../x", "localhost"}, {"POST", "/", "localhost"}, {"GET", "/", "evil.example"},
		{"GET", scriptURL, "localhost"}, {"HEAD", eventsURL, "localhost"}, {"GET", "/incidents/db", "localhost"},
	} {
		resp := get(t, h, tc.method, tc.path, "Host: "+tc.host)
		checkHeaders(t, tc.method+" "+tc.path, resp) // wantHeaders
		if got := resp.Header.Get("Cache-Control"); got != "no-cache" {
			t.Errorf("%s %s (%d): Cache-Control = %q", tc.method, tc.path, resp.StatusCode, got)
		}
	}
}

func gunzip(t *testing.T, b []byte) string {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func TestGzip(t *testing.T) {
	h := newTestServer(t).Handler()
	plainCSS := body(t, get(t, h, "GET", "/css/main.css"))
	resp := get(t, h, "GET", "/css/main.css", "Accept-Encoding: gzip, deflate, br")
	raw := body(t, resp)
	if resp.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("no gzip: %v", resp.Header)
	}
	if got := gunzip(t, []byte(raw)); got != plainCSS || got != string(bigCSS) {
		t.Error("gzip round trip differs")
	}
	if resp.Header.Get("Content-Length") != strconv.Itoa(len(raw)) {
		t.Errorf("Content-Length %s, body %d", resp.Header.Get("Content-Length"), len(raw))
	}
	if resp.Header.Get("Vary") != "Accept-Encoding" {
		t.Errorf("Vary %q", resp.Header.Get("Vary"))
	}
	// HTML: the injected page is what gets compressed.
	resp = get(t, h, "GET", "/", "Accept-Encoding: gzip")
	if html := gunzip(t, []byte(body(t, resp))); !strings.Contains(html, scriptTag) {
		t.Error("compressed HTML lacks the live script")
	}
	// Not compressed: small, binary, refused, or a range.
	for _, tc := range []struct{ path, enc string }{
		{"/css/small.css", "gzip"}, {"/img/x.png", "gzip"}, {"/css/main.css", "gzip;q=0"},
		{"/css/main.css", "identity"}, {"/css/main.css", ""}, {"/css/main.css", "*;q=0"}, {"/css/main.css", "br"},
	} {
		if resp := get(t, h, "GET", tc.path, "Accept-Encoding: "+tc.enc); resp.Header.Get("Content-Encoding") != "" {
			t.Errorf("%s with %q: compressed", tc.path, tc.enc)
		}
	}
	resp = get(t, h, "GET", "/css/main.css", "Accept-Encoding: gzip", "Range: bytes=0-9")
	if resp.StatusCode != http.StatusPartialContent || resp.Header.Get("Content-Encoding") != "" || body(t, resp) != string(bigCSS[:10]) {
		t.Errorf("range: %d %q", resp.StatusCode, resp.Header.Get("Content-Encoding"))
	}
	// Over real HTTP the client's transparent decompression sees the same bytes.
	ts := newTS(t, h)
	r2, err := http.Get(ts.URL + "/css/main.css")
	if err != nil {
		t.Fatal(err)
	}
	if b := body(t, r2); b != string(bigCSS) || !r2.Uncompressed {
		t.Errorf("http client: uncompressed=%v, equal=%v", r2.Uncompressed, b == string(bigCSS))
	}
	r2.Body.Close()
}

func TestAcceptsGzip(t *testing.T) {
	for v, want := range map[string]bool{
		"": false, "gzip": true, "GZIP": true, "x-gzip": true, "deflate, gzip;q=1.0, *;q=0.5": true,
		"gzip;q=0": false, "gzip; q=0.0": false, "*": true, "*;q=0": false, "br, *;q=0.1": true,
		"gzip;q=0, *": false, "identity": false, "br": false, "gzip;q=bogus": false,
	} {
		if got := acceptsGzip([]string{v}); got != want {
			t.Errorf("acceptsGzip(%q) = %v", v, got)
		}
	}
}

func TestETag(t *testing.T) {
	s := newTestServer(t)
	h := s.Handler()
	for _, enc := range []string{"", "gzip"} {
		resp := get(t, h, "GET", "/", "Accept-Encoding: "+enc)
		etag := resp.Header.Get("ETag")
		if !strings.HasPrefix(etag, `"`) || len(etag) < 10 {
			t.Fatalf("ETag %q", etag)
		}
		nm := get(t, h, "GET", "/", "Accept-Encoding: "+enc, "If-None-Match: "+etag)
		if nm.StatusCode != http.StatusNotModified || body(t, nm) != "" {
			t.Errorf("%q: If-None-Match %s: %d", enc, etag, nm.StatusCode)
		}
		if nm.Header.Get("ETag") != etag {
			t.Errorf("304 ETag %q, want %q", nm.Header.Get("ETag"), etag)
		}
		if other := get(t, h, "GET", "/", "Accept-Encoding: "+enc, `If-None-Match: "other"`); other.StatusCode != 200 {
			t.Errorf("mismatching If-None-Match: %d", other.StatusCode)
		}
	}
	plainTag := get(t, h, "GET", "/").Header.Get("ETag")
	gzTag := get(t, h, "GET", "/", "Accept-Encoding: gzip").Header.Get("ETag")
	if plainTag == gzTag {
		t.Error("gzip and identity responses share an ETag")
	}
	// The tag follows the content.
	files := testFiles()
	files["index.html"] = page("Home, edited")
	s.SetSite(files)
	if now := get(t, h, "GET", "/").Header.Get("ETag"); now == plainTag {
		t.Error("ETag unchanged after the page changed")
	}
	if r := get(t, h, "GET", "/", "If-None-Match: "+plainTag); r.StatusCode != 200 {
		t.Errorf("stale If-None-Match: %d", r.StatusCode)
	}
}

func TestInjection(t *testing.T) {
	h := newTestServer(t).Handler()
	for path, wantEnd := range map[string]string{
		"/":             scriptTag + "</body>\n</html>\n",
		"/upper.HTML":   scriptTag + "</BODY></html>",
		"/nobody.html":  "<p>fragment" + scriptTag,
		"/incidents/db": "", // redirect, checked below
	} {
		resp := get(t, h, "GET", path)
		b := body(t, resp)
		if wantEnd == "" {
			if strings.Contains(b, scriptTag) {
				t.Errorf("%s: redirect body has the script", path)
			}
			continue
		}
		if !strings.HasSuffix(b, wantEnd) || strings.Count(b, scriptTag) != 1 {
			t.Errorf("%s: body ends %q", path, b[max(0, len(b)-80):])
		}
		if resp.Header.Get("Content-Length") != strconv.Itoa(len(b)) {
			t.Errorf("%s: Content-Length %s, body %d", path, resp.Header.Get("Content-Length"), len(b))
		}
	}
	for _, path := range []string{"/css/main.css", "/js/search.js", "/feed.xml", "/img/logo.svg", "/incidents.json", "/LICENSE"} {
		if b := body(t, get(t, h, "GET", path)); strings.Contains(b, "__casefile") {
			t.Errorf("%s: injected", path)
		}
	}
	// The script itself.
	resp := get(t, h, "GET", scriptURL)
	if b := body(t, resp); !strings.Contains(b, "EventSource") || b != string(liveJS) {
		t.Error("live.js not served as embedded")
	}
}

func TestSetSiteSwap(t *testing.T) {
	s := newTestServer(t)
	h := s.Handler()
	if b := body(t, get(t, h, "GET", "/")); !strings.Contains(b, "<h1>Home</h1>") {
		t.Fatal("first site not served")
	}
	s.SetSite(map[string][]byte{"index.html": page("Second"), "new.txt": []byte("new")})
	if b := body(t, get(t, h, "GET", "/")); !strings.Contains(b, "<h1>Second</h1>") {
		t.Error("swap not visible to the next request")
	}
	if b := body(t, get(t, h, "GET", "/new.txt")); b != "new" {
		t.Errorf("added file: %q", b)
	}
	if r := get(t, h, "GET", "/css/main.css"); r.StatusCode != 404 {
		t.Errorf("removed file: %d", r.StatusCode)
	}
}

// TestSetSiteConcurrent swaps sites while readers fetch: every response is
// wholly one version (its ETag and its body agree).
func TestSetSiteConcurrent(t *testing.T) {
	s := New(Options{})
	versions := make([]map[string][]byte, 4)
	for i := range versions {
		versions[i] = map[string][]byte{
			"index.html":   page(fmt.Sprintf("v%d", i)),
			"css/main.css": []byte(strings.Repeat(fmt.Sprintf("/* v%d */\n", i), 200)),
		}
	}
	s.SetSite(versions[0])
	h := s.Handler()
	tags := sync.Map{} // etag → body
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				for _, p := range []string{"/", "/css/main.css"} {
					resp := get(t, h, "GET", p, "Accept-Encoding: gzip")
					b := body(t, resp)
					if prev, loaded := tags.LoadOrStore(resp.Header.Get("ETag"), b); loaded && prev.(string) != b {
						t.Errorf("%s: one ETag, two bodies", p)
					}
				}
			}
		})
	}
	for i := range 200 {
		s.SetSite(versions[i%len(versions)])
	}
	close(stop)
	wg.Wait()
}

func TestSetSiteReusesEntries(t *testing.T) {
	s := New(Options{})
	files := testFiles()
	s.SetSite(files)
	get(t, s.Handler(), "GET", "/")
	before := s.site.Load().files["index.html"]
	next := testFiles()
	next["index.html"] = files["index.html"] // same bytes, same slice
	s.SetSite(next)
	if s.site.Load().files["index.html"] != before {
		t.Error("unchanged file re-prepared")
	}
	if s.site.Load().files["css/main.css"] == nil {
		t.Error("file lost")
	}
}

func TestDiff(t *testing.T) {
	shared := []byte("same")
	prev := map[string][]byte{"a": shared, "b": []byte("old"), "c": []byte("gone"), "d": []byte("eq")}
	next := map[string][]byte{"a": shared, "b": []byte("new"), "e": []byte("added"), "d": []byte("eq")}
	if got := strings.Join(Diff(prev, next), ","); got != "b,c,e" {
		t.Errorf("Diff = %s", got)
	}
	if got := Diff(nil, nil); len(got) != 0 {
		t.Errorf("Diff(nil, nil) = %v", got)
	}
}

func TestRedirectHasNoOpenRedirect(t *testing.T) {
	s := New(Options{})
	s.SetSite(map[string][]byte{"evil.com/index.html": page("x")})
	resp := get(t, s.Handler(), "GET", "/evil.com")
	if loc := resp.Header.Get("Location"); loc != "/evil.com/" {
		t.Errorf("Location %q", loc)
	}
	// "//evil.com" is refused before any lookup.
	if resp := get(t, s.Handler(), "GET", "//evil.com"); resp.StatusCode != 400 {
		t.Errorf("//evil.com: %d", resp.StatusCode)
	}
}

func BenchmarkServePage(b *testing.B) {
	s := New(Options{})
	s.SetSite(testFiles())
	h := s.Handler()
	for _, enc := range []string{"identity", "gzip"} {
		b.Run(enc, func(b *testing.B) {
			req := httptest.NewRequest("GET", "/incidents/db/", nil)
			req.Host = "localhost:1313"
			req.Header.Set("Accept-Encoding", enc)
			b.ReportAllocs()
			for b.Loop() {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != 200 {
					b.Fatal(rec.Code)
				}
			}
		})
	}
}

func BenchmarkReload(b *testing.B) {
	s := New(Options{})
	var cancels []func()
	for range 100 {
		ch, cancel := s.Subscribe()
		cancels = append(cancels, cancel)
		go func() {
			for range ch {
			}
		}()
	}
	b.ReportAllocs()
	for b.Loop() {
		s.Reload([]string{"incidents/db/index.html", "css/main.css"})
	}
	for _, c := range cancels {
		c()
	}
}
