package site

import (
	"net/url"
	"path"
	"strings"
	"testing"
)

// FuzzResolveLink feeds arbitrary link destinations to the link check's
// resolver: it must not panic, a same-site link must resolve to a clean
// site-relative path (no leading "/", no "." or ".." segment) or say why it
// cannot work, and a link that sameSite calls external must not be read as
// one of the site's own.
func FuzzResolveLink(f *testing.F) {
	for _, s := range []string{
		"/incidents/b/", "../b/#faq", "b.md", "?q=1", "#x", "", ".", "..", "../../../../", "/kb/x",
		"https://kb.example.org/kb/incidents/x/", "//kb.example.org/kb/", "HTTPS://KB.EXAMPLE.ORG/kb/a",
		"https://user@kb.example.org:443/kb/", "mailto:a@b", "javascript:alert(1)", "%2e%2e/%2e%2e/", "a%zz",
		"/kb/../../etc/passwd", "./x/./y/../z", "\\..\\x", "/kb/日本/#見出し",
	} {
		f.Add("incidents/a/", s)
		f.Add("", s)
	}
	base, _ := url.Parse("https://kb.example.org/kb/")
	b := &builder{base: base}
	f.Fuzz(func(t *testing.T, dir, dest string) {
		if dir != "" && (!strings.HasSuffix(dir, "/") || strings.HasPrefix(dir, "/") || path.Clean("/"+dir) != "/"+strings.TrimSuffix(dir, "/")) {
			return // pages live in clean folders
		}
		same := b.sameSite(dest)
		tgt := b.resolve(dir, dest)
		if tgt.problem != "" {
			return
		}
		if strings.HasPrefix(tgt.path, "/") {
			t.Fatalf("resolve(%q, %q) = %q starts with /", dir, dest, tgt.path)
		}
		for _, seg := range strings.Split(strings.TrimSuffix(tgt.path, "/"), "/") {
			if seg == "." || seg == ".." {
				t.Fatalf("resolve(%q, %q) = %q has a %q segment", dir, dest, tgt.path, seg)
			}
		}
		if same && !strings.HasPrefix(dest, "#") {
			u, err := url.Parse(dest)
			if err == nil && u.Host != "" && !strings.EqualFold(u.Hostname(), "kb.example.org") {
				t.Fatalf("sameSite(%q) is true for host %q", dest, u.Host)
			}
		}
	})
}
