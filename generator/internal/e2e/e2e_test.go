package e2e

import (
	"fmt"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// What the fixture's incidents (testdata/fixture.txtar) show.
const (
	harborTitle     = "Harbor tabletop: the ferry ticketing outage"
	orchardTitle    = "Orchard tabletop: a phishing drill at a cider co-operative"
	lighthouseTitle = "Lighthouse tabletop: a radio beacon goes silent"
	vaultTitle      = "Vault drill: the archive key escrow test"
	harborBody      = "The quayside kiosks froze at 06:10"
	harborInternal  = "Dana Whitlock at extension 4471"
	harborFile      = "content/incidents/e2e/harbor-tabletop.md"
)

// TestPublicSite opens a public build of the fixture, served over HTTP by a
// plain static file server, and uses it as a reader would.
func TestPublicSite(t *testing.T) {
	browserCtx(t) // skip before building when there is no browser
	s := buildAndServe(t, writeFixture(t))

	t.Run("home to incident", func(t *testing.T) {
		tb := newTab(t)
		tb.open(s.URL)
		tb.waitText(".cards", harborTitle)
		if got := tb.text("body"); strings.Contains(got, vaultTitle) {
			t.Errorf("the public home page lists the internal incident %q", vaultTitle)
		}
		tb.click(`.card-title a[href$="/incidents/harbor-tabletop/"]`)
		tb.waitPath("/incidents/harbor-tabletop/")
		if got := tb.text("h1"); got != harborTitle {
			t.Errorf("incident page h1 = %q, want %q", got, harborTitle)
		}
		faq := tb.text("section.faq")
		for _, want := range []string{
			"Frequently asked questions",
			"Were passengers stranded?", "Crews sold tickets on board",
			"Did the exercise use real payment data?", "Every card number in the exercise was a test number",
		} {
			if !strings.Contains(faq, want) {
				t.Errorf("FAQ section does not show %q; it shows:\n%s", want, faq)
			}
		}
		body := tb.text("main")
		if !strings.Contains(body, harborBody) {
			t.Errorf("incident page does not show its body %q", harborBody)
		}
		if strings.Contains(body, harborInternal) {
			t.Errorf("the public incident page shows the internal block %q", harborInternal)
		}
		tb.noExceptions()
	})

	t.Run("search", func(t *testing.T) {
		tb := newTab(t)
		tb.open(s.URL + "search/")
		tb.waitFor("search.js to start", `document.querySelector('[data-casefile-search].search-ready')`)
		tb.do(chromedp.SendKeys(chromedp.CSS("#search-input"), "quayside"))
		tb.waitText("#search-results", harborTitle)
		results := tb.texts("#search-results .search-result h2")
		if len(results) == 0 || results[0] != harborTitle {
			t.Errorf("results for quayside = %q, want %q first", results, harborTitle)
		}
		if marks := tb.texts("#search-results mark"); !slices.ContainsFunc(marks, func(m string) bool { return strings.EqualFold(m, "quayside") }) {
			t.Errorf("the matched word is not highlighted; marks: %q", marks)
		}
		if status := tb.text(".search-status"); !strings.Contains(status, "quayside") {
			t.Errorf("search status = %q, want it to name the query", status)
		}
		if got := eval[string](tb, `location.search`); got != "?q=quayside" {
			t.Errorf("the address does not keep the query: search = %q", got)
		}
		tb.click("#search-results .search-result h2 a")
		tb.waitPath("/incidents/harbor-tabletop/")
		if got := tb.text("h1"); got != harborTitle {
			t.Errorf("after clicking the result: h1 = %q, want %q", got, harborTitle)
		}
		tb.noExceptions()
	})

	t.Run("keyword pages", func(t *testing.T) {
		tb := newTab(t)
		tb.open(s.URL + "keywords/tabletop-exercise/")
		tb.waitText("h1", "tabletop exercise")
		if got, want := tb.texts(".cards .card-title"), []string{harborTitle, orchardTitle}; !slices.Equal(got, want) {
			t.Errorf("keyword page 1 shows %q, want %q", got, want)
		}
		if got := tb.text("nav.pager"); !strings.Contains(got, "Page 1 of 2") {
			t.Errorf("pager of page 1 = %q", got)
		}
		tb.click(`nav.pager a[rel="next"]`)
		tb.waitPath("/keywords/tabletop-exercise/page/2/")
		if got, want := tb.texts(".cards .card-title"), []string{lighthouseTitle}; !slices.Equal(got, want) {
			t.Errorf("keyword page 2 shows %q, want %q (the internal %q must not be there)", got, want, vaultTitle)
		}
		if got := tb.text("nav.pager"); !strings.Contains(got, "Page 2 of 2") {
			t.Errorf("pager of page 2 = %q", got)
		}
		tb.click(`nav.pager a[rel="prev"]`)
		tb.waitPath("/keywords/tabletop-exercise/")
		tb.waitText(".cards", harborTitle)
		tb.noExceptions()
	})

	t.Run("accessibility", func(t *testing.T) {
		loadAxe(t)
		tb := newTab(t)
		// Every page type on a desktop screen in the light scheme; those
		// with the most colours (badges, code, the chart, search
		// highlights) in the dark one, and those with the widest content
		// on a phone too.
		passes := []struct {
			name, scheme  string
			width, height int64
			opts          []chromedp.EmulateViewportOption
		}{
			{"light", "light", 1280, 800, nil},
			{"dark", "dark", 1280, 800, nil},
			{"phone", "light", 390, 844, []chromedp.EmulateViewportOption{chromedp.EmulateMobile}},
		}
		pages := []struct{ name, path, ready, also string }{
			{"home", "", ".cards .card", "dark phone"},
			{"incident", "incidents/harbor-tabletop/", "section.faq", "phone"},
			{"incident (sample, with code)", "incidents/log4shell/", "section.faq", "dark phone"},
			{"keyword page", "keywords/tabletop-exercise/", ".cards .card", ""},
			{"keyword page 2", "keywords/tabletop-exercise/page/2/", ".cards .card", ""},
			{"taxonomy index", "keywords/", "ul.terms li", "dark"},
			{"facet index", "severity/", "ul.terms li", ""},
			{"incident list", "incidents/", ".cards .card", ""},
			{"timeline", "timeline/", "section.year", "dark phone"},
			{"timeline year", "timeline/2024/", "section.year", ""},
			{"search with results", "search/?q=ransomware", "#search-results .search-result a", "dark phone"},
			{"plain page", "about/", "article.page", ""},
			{"404", "404.html", ".not-found", ""},
		}
		for i, ps := range passes {
			tb.colorScheme(ps.scheme)
			tb.do(chromedp.EmulateViewport(ps.width, ps.height, ps.opts...))
			for _, p := range pages {
				if i > 0 && !slices.Contains(strings.Fields(p.also), ps.name) {
					continue
				}
				tb.step()
				tb.open(s.URL + p.path)
				tb.waitFor(p.name+" to be ready", fmt.Sprintf(`document.querySelector(%s)`, jsString(p.ready)))
				tb.checkAxe(p.name + ", " + ps.name)
			}
		}
		tb.noExceptions()
	})
}

// TestLiveReload runs the real `casefile serve` on a copy of the fixture,
// keeps an incident page open, and edits, breaks and fixes its file on disk.
func TestLiveReload(t *testing.T) {
	t.Parallel()
	browserCtx(t)
	src := writeFixture(t)
	srv := startServe(t, src)
	file := filepath.Join(src, filepath.FromSlash(harborFile))
	orig := fixtureFile(t, harborFile)

	tb := newTab(t)
	// Count the live-reload connections each page makes (live.js opens an
	// EventSource), so the test edits only once the page listens.
	if _, err := chromedp.Call(tb.ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: `(() => {
		const ES = window.EventSource;
		if (!ES) return;
		window.EventSource = function (u, o) {
			const es = new ES(u, o);
			es.addEventListener('open', () => { window.__e2eLive = (window.__e2eLive || 0) + 1; });
			return es;
		};
		window.EventSource.prototype = ES.prototype;
	})();`}); err != nil {
		t.Fatal(err)
	}
	pageURL := srv.URL + "incidents/harbor-tabletop/"
	tb.open(pageURL)
	tb.waitText("main", harborBody)
	listening := func() { tb.waitFor("the page to connect to the live-reload stream", `window.__e2eLive > 0`) }
	listening()

	// 1. Edit the body: the open page reloads by itself with the new text.
	tb.step()
	edited := "Edited live: the kiosks were rebooted by hand at 06:40."
	eval[bool](tb, `window.__e2eMarker = true`)
	saveFile(t, file, replaceOnce(t, orig, harborBody+", when the first ferries of the day were boarding.", edited))
	tb.waitText("main", edited)
	if eval[bool](tb, `window.__e2eMarker === true`) {
		t.Errorf("the new text appeared without a reload")
	}
	if got := tb.location(); got != pageURL {
		t.Errorf("after the edit the tab shows %s, want %s", got, pageURL)
	}
	if strings.Contains(tb.text("main"), harborBody) {
		t.Errorf("the old text is still shown after the edit")
	}
	listening()

	// 2. Break the front matter: the overlay names the file, the last good
	// page stays.
	tb.step()
	// An unterminated quoted title: a YAML syntax error.
	saveFile(t, file, replaceOnce(t, orig, `title: "Harbor tabletop: the ferry ticketing outage"`, `title: "Harbor tabletop: the ferry ticketing outage`))
	const overlay = `(() => { const h = document.getElementById('casefile-errors'); return h ? (h.shadowRoot || h).textContent : ''; })()`
	tb.waitFor("the error overlay naming harbor-tabletop.md", overlay+`.includes('harbor-tabletop.md')`)
	if text := eval[string](tb, overlay); !strings.Contains(text, "Build failed") || !strings.Contains(text, "error") {
		t.Errorf("overlay text = %q", text)
	}
	if !strings.Contains(tb.text("main"), edited) {
		t.Errorf("with the file broken the page no longer shows the last good text")
	}
	tb.checkAxe("error overlay")
	if got := srv.Stderr.String(); !strings.Contains(got, "harbor-tabletop.md") {
		t.Errorf("the terminal does not name the broken file:\n%s", got)
	}

	// 3. Fix it: the overlay goes and the page shows the fixed content.
	tb.step()
	fixed := "Fixed: ticket sales moved to the back office at 07:05."
	saveFile(t, file, replaceOnce(t, orig, harborBody+", when the first ferries of the day were boarding.", fixed))
	tb.waitFor("the overlay to go and the fixed text to show",
		`!document.getElementById('casefile-errors') && document.querySelector('main') && document.querySelector('main').innerText.includes(`+jsString(fixed)+`)`)
	if got := tb.text("h1"); got != harborTitle {
		t.Errorf("after the fix: h1 = %q, want %q", got, harborTitle)
	}
	tb.noExceptions()
}

// TestInternalExport builds the internal export with the CLI into a folder
// and opens it from file://: links between pages and search must work
// without a server.
func TestInternalExport(t *testing.T) {
	t.Parallel()
	browserCtx(t)
	src := writeFixture(t)
	out := filepath.Join(t.TempDir(), "kb-internal")
	runCLI(t, "build", "-q", "-s", src, "--profile", "internal", "-o", out)
	home := (&url.URL{Scheme: "file", Path: filepath.ToSlash(out) + "/index.html"}).String()

	tb := newTab(t)
	tb.open(home)
	tb.waitText(".internal-banner", "INTERNAL")
	tb.waitText(".cards", vaultTitle) // internal incidents are listed

	// home → incident
	tb.click(`.card-title a[href*="harbor-tabletop"]`)
	tb.waitPath("/incidents/harbor-tabletop/index.html")
	if got := tb.text("h1"); got != harborTitle {
		t.Errorf("incident h1 = %q, want %q", got, harborTitle)
	}
	main := tb.text("main")
	for _, want := range []string{harborBody, harborInternal, "Were passengers stranded?"} {
		if !strings.Contains(main, want) {
			t.Errorf("the internal incident page does not show %q", want)
		}
	}
	t.Run("accessibility of the incident page", func(t *testing.T) {
		sub := &tab{t: t, base: tb.base, ctx: tb.ctx}
		sub.checkAxe("internal incident")
	})
	tb.step()

	// incident → keyword page → its page 2, which holds the internal drill
	tb.click(`.keywords a[href*="tabletop-exercise"]`)
	tb.waitPath("/keywords/tabletop-exercise/index.html")
	if got, want := tb.texts(".cards .card-title"), []string{harborTitle, orchardTitle}; !slices.Equal(got, want) {
		t.Errorf("keyword page 1 shows %q, want %q", got, want)
	}
	tb.click(`nav.pager a[rel="next"]`)
	tb.waitPath("/keywords/tabletop-exercise/page/2/index.html")
	if got, want := tb.texts(".cards .card-title"), []string{lighthouseTitle, vaultTitle}; !slices.Equal(got, want) {
		t.Errorf("keyword page 2 shows %q, want %q", got, want)
	}

	// the main menu → search, from file://
	tb.click(`.site-header nav a[href$="search/index.html"]`)
	tb.waitPath("/search/index.html")
	tb.waitFor("search.js to start", `document.querySelector('[data-casefile-search].search-ready')`)
	tb.do(chromedp.SendKeys(chromedp.CSS("#search-input"), "escrow"))
	tb.waitText("#search-results", vaultTitle)
	tb.click("#search-results .search-result h2 a")
	tb.waitPath("/incidents/vault-drill/index.html")
	if got := tb.text("h1"); got != vaultTitle {
		t.Errorf("after clicking the search result: h1 = %q, want %q", got, vaultTitle)
	}
	if u := tb.location(); !strings.HasPrefix(u, "file://") {
		t.Errorf("left the export: %s", u)
	}
	tb.noExceptions()
}

// replaceOnce replaces old, which must occur in s exactly once.
func replaceOnce(t *testing.T, s, old, new string) string {
	t.Helper()
	if n := strings.Count(s, old); n != 1 {
		t.Fatalf("%q occurs %d times in the fixture, want once; update the test", old, n)
	}
	return strings.Replace(s, old, new, 1)
}
