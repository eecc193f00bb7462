package e2e

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestScreenshots writes the README's screenshots (make screenshots): the
// home, incident, keyword and search pages of the repository's own sample
// knowledge base, at a desktop and a phone size, as PNG files into the
// folder $CASEFILE_SCREENSHOTS. Without that variable it is skipped.
func TestScreenshots(t *testing.T) {
	dir := os.Getenv("CASEFILE_SCREENSHOTS")
	if dir == "" {
		t.Skip("set CASEFILE_SCREENSHOTS=DIR (make screenshots) to write the screenshots")
	}
	if _, err := chromiumPath(); err != nil {
		t.Fatalf("screenshots need headless Chromium: %v (make browser-deps installs it)", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	s := buildAndServe(t, repoRoot(t)) // the sample, as `make site` builds it

	pages := []struct{ name, path, ready string }{
		{"home", "", ".cards .card"},
		{"incident", "incidents/log4shell/", "section.faq"},
		{"keyword", "keywords/ransomware/", ".cards .card"},
		{"search", "search/?q=ransomware", "#search-results .search-result a"},
	}
	sizes := []struct {
		name          string
		width, height int64
		opts          []chromedp.EmulateViewportOption
	}{
		{"desktop", 1280, 800, nil},
		{"phone", 390, 844, []chromedp.EmulateViewportOption{chromedp.EmulateMobile, chromedp.EmulateTouch}},
	}
	tb := newTab(t)
	tb.colorScheme("light")
	for _, size := range sizes {
		tb.do(chromedp.EmulateViewport(size.width, size.height, size.opts...))
		for _, p := range pages {
			tb.step()
			tb.open(s.URL + p.path)
			tb.waitFor(p.name+" to be ready", `document.querySelector(`+jsString(p.ready)+`)`)
			// Fonts loaded, nothing focused (no caret), at the top.
			eval[bool](tb, `document.fonts.ready.then(() => { if (document.activeElement) document.activeElement.blur(); window.scrollTo(0, 0); return true; })`, chromedp.EvalAwaitPromise)
			png, err := chromedp.Run(tb.ctx, chromedp.CaptureScreenshot())
			if err != nil {
				t.Fatalf("%s %s: %v", p.name, size.name, err)
			}
			out := filepath.Join(dir, p.name+"-"+size.name+".png")
			if err := os.WriteFile(out, png, 0o644); err != nil {
				t.Fatal(err)
			}
			t.Logf("wrote %s (%d bytes)", out, len(png))
		}
	}
	tb.noExceptions()
}
