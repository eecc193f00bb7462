package main

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"casefile"
	"casefile/generator/site"
)

// srcCanary is in files next to and inside the knowledge base that the
// build does not publish: `casefile serve` must never answer with it.
const srcCanary = "CANARY-NOT-PUBLISHED"

// startServe runs serve() on a free loopback port until the test ends and
// returns its URL.
func startServe(t *testing.T, src string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	urls := make(chan string, 1)
	var out, errOut syncBuf
	done := make(chan error, 1)
	go func() {
		done <- serve(ctx, &serveFlags{flags: flags{source: src, profile: "public", quiet: true}, bind: "127.0.0.1", port: 0},
			&out, &errOut, func(u string) { urls <- u })
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Error("serve did not stop")
		}
	})
	select {
	case u := <-urls:
		return u
	case err := <-done:
		t.Fatalf("serve stopped: %v\n%s", err, errOut.String())
	case <-time.After(20 * time.Second):
		t.Fatal("server did not start")
	}
	return ""
}

// rawGet sends one request line byte for byte (no client cleans it) and
// returns the status and body.
func rawGet(t *testing.T, addr, target string) (int, string) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(20 * time.Second)) // a hang fails instead of blocking the run
	if _, err := io.WriteString(conn, "GET "+target+" HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("GET %q: %v", target, err)
	}
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %q: %v", target, err)
	}
	return resp.StatusCode, string(b)
}

// TestServeTraversalNeverLeaks serves a knowledge base from disk with
// canary files next to it (its parent folder) and inside it but not
// published (the config, the markdown sources, a stray file): no request,
// clean or not, reads them.
func TestServeTraversalNeverLeaks(t *testing.T) {
	parent := t.TempDir()
	for name, data := range map[string]string{
		"canary.txt":        srcCanary + " parent\n",
		"etc/passwd":        srcCanary + " parent etc/passwd\n",
		"public/index.html": srcCanary + " parent public\n",
		"kb/casefile.yaml":  "# " + srcCanary + " config\ntitle: KB\nbase_url: https://kb.example.org/\n",
		"kb/notes.txt":      srcCanary + " stray file\n",
		"kb/content/incidents/good.md": strings.Replace(goodIncident, "title: Good one",
			"# "+srcCanary+" front matter\ntitle: Good one", 1),
	} {
		p := filepath.Join(parent, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	base := startServe(t, filepath.Join(parent, "kb"))
	addr := strings.TrimSuffix(strings.TrimPrefix(base, "http://"), "/")
	if code, body := rawGet(t, addr, "/incidents/good/"); code != 200 || !strings.Contains(body, "Good one") {
		t.Fatalf("GET /incidents/good/: %d", code)
	}
	for _, target := range []string{
		"/../canary.txt", "/../../canary.txt", "/%2e%2e/canary.txt", "/%2E%2E/%2e%2e/etc/passwd",
		"/..%2fcanary.txt", "/%2e%2e%5ccanary.txt", `/..\canary.txt`, `/..\..\etc\passwd`,
		"/%c0%ae%c0%ae/canary.txt", "/%252e%252e/canary.txt", "//etc/passwd", "/../etc/passwd",
		"/../public/index.html", "/../kb/casefile.yaml", "/incidents/good/../../../canary.txt",
		"/canary.txt%00.html", "/a%00b",
		// In the knowledge base but not published.
		"/casefile.yaml", "/notes.txt", "/content/incidents/good.md", "/content/", "/kb/casefile.yaml",
		"/incidents/good.md", "/incidents/good/good.md",
	} {
		code, body := rawGet(t, addr, target)
		if code != 400 && code != 404 {
			t.Errorf("GET %s: %d, want 400 or 404", target, code)
		}
		for _, bad := range []string{srcCanary, "root:"} {
			if strings.Contains(body, bad) {
				t.Errorf("GET %s: answer contains %q", target, bad)
			}
		}
	}
}

// TestServedPagesNeedNoInline checks that the built-in theme, as served,
// fits the preview's CSP (script-src and style-src 'self', no
// 'unsafe-inline'): no inline script but JSON-LD data, no <style>, no
// style="" or on*="" attributes, no javascript: URLs, nothing loaded from
// another origin, and exactly one injected live-reload script, external.
func TestServedPagesNeedNoInline(t *testing.T) {
	files := map[string]string{
		"casefile.yaml":               "title: KB\nbase_url: https://kb.example.org/\n",
		"content/incidents/good.md":   goodIncident,
		"content/about.md":            "---\ntitle: About\n---\nAbout *this* KB.\n",
		"content/incidents/second.md": strings.NewReplacer("Good one", "Second one", "keywords: [k]", "keywords: [k, other]\nseverity: high").Replace(goodIncident) + "\n```go\nfunc main() {}\n```\n\n## FAQ\n### Why?\nBecause.\n",
	}
	src := kb(t, files)
	base := startServe(t, src)
	sess := site.NewSession(site.Options{Source: os.DirFS(src), Theme: casefile.Theme, Profile: "public", BaseURL: base})
	u, err := sess.Build(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var (
		scriptTag = regexp.MustCompile(`(?is)<script\b([^>]*)>(.*?)</script>`)
		srcAttr   = regexp.MustCompile(`(?i)\ssrc(?:set)?="([^"]*)"`)
		loadLink  = regexp.MustCompile(`(?i)<link\b[^>]*\brel="[^"]*\b(?:stylesheet|icon|preload|modulepreload|manifest)\b[^>]*>`)
		hrefAttr  = regexp.MustCompile(`(?i)\shref="([^"]*)"`)
		foreign   = regexp.MustCompile(`(?i)^(?://|[a-z][a-z0-9+.-]*:)`) // another origin, or a scheme
		bad       = regexp.MustCompile(`(?i)<style\b|\sstyle\s*=|\son[a-z]+\s*=|javascript:`)
	)
	pages := 0
	for name := range u.Files {
		if !strings.HasSuffix(name, ".html") {
			continue
		}
		pages++
		url := base + strings.TrimSuffix(name, "index.html")
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		html := string(b)
		if resp.StatusCode != 200 && !(name == "404.html" && resp.StatusCode == 404) {
			t.Errorf("%s: %d", url, resp.StatusCode)
			continue
		}
		if n := strings.Count(html, `<script src="/__casefile/live.js" defer></script>`); n != 1 {
			t.Errorf("%s: live script injected %d times", name, n)
		}
		for _, m := range scriptTag.FindAllStringSubmatch(html, -1) {
			attrs, code := m[1], strings.TrimSpace(m[2])
			if code != "" && !strings.Contains(attrs, `type="application/ld+json"`) {
				t.Errorf("%s: inline script %q", name, m[0][:min(len(m[0]), 120)])
			}
		}
		if m := bad.FindString(html); m != "" {
			t.Errorf("%s: %q needs 'unsafe-inline'", name, m)
		}
		var loads []string // URLs the browser fetches as the page loads
		for _, m := range srcAttr.FindAllStringSubmatch(html, -1) {
			loads = append(loads, m[1])
		}
		for _, l := range loadLink.FindAllString(html, -1) {
			if m := hrefAttr.FindStringSubmatch(l); m != nil {
				loads = append(loads, m[1])
			}
		}
		for _, ref := range loads {
			if foreign.MatchString(ref) && !strings.HasPrefix(ref, "data:") {
				t.Errorf("%s: loads %q, which the CSP blocks", name, ref)
			}
		}
	}
	t.Logf("%d pages checked", pages)
	if pages < 5 {
		t.Fatalf("only %d HTML pages", pages)
	}
}
