package e2e

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// The whole suite shares one headless browser; each test opens its own tab.
// Waits are bounded by the tab's deadline, never asserted on: a tab has
// stepTimeout for each step (newTab, then each call of step), which is
// generous for a busy 2-core machine under the race detector.
const stepTimeout = 90 * time.Second

var shared struct {
	once    sync.Once
	ctx     context.Context // the browser's context; tabs are made from it
	missing error           // no browser found
	err     error           // a browser was found but would not start
	stop    []func()
}

func TestMain(m *testing.M) {
	if _, err := chromiumPath(); err == nil {
		go buildBinary() // the CLI tests need it; build it while others run
	}
	code := m.Run()
	for i := len(shared.stop) - 1; i >= 0; i-- {
		shared.stop[i]()
	}
	stopBinary()
	os.Exit(code)
}

// inCI reports whether the tests run under CI=true, where a missing browser
// or axe-core is a failure, not a reason to skip.
func inCI() bool { return os.Getenv("CI") == "true" }

// require skips the test when err says a tool is missing, or fails it
// under CI=true.
func require(t *testing.T, what string, err error) {
	t.Helper()
	if err == nil {
		return
	}
	if inCI() {
		t.Fatalf("%s: %v (CI=true: the browser tests must run; `make browser-deps` installs what they need)", what, err)
	}
	t.Skipf("%s: %v; skipping (`make browser-deps` installs it)", what, err)
}

// chromiumPath finds the browser: $CASEFILE_CHROMIUM, else Debian's
// chromium or a Chrome on PATH.
func chromiumPath() (string, error) {
	if p := os.Getenv("CASEFILE_CHROMIUM"); p != "" {
		return exec.LookPath(p)
	}
	for _, n := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(n); err == nil {
			return p, nil
		}
	}
	return "", errors.New("no chromium, chromium-browser or google-chrome on PATH")
}

// browserCtx returns the shared browser's context, starting the browser on
// first use; it skips (or under CI fails) the test without a browser.
func browserCtx(t *testing.T) context.Context {
	t.Helper()
	shared.once.Do(func() {
		path, err := chromiumPath()
		if err != nil {
			shared.missing = err
			return
		}
		opts := append(chromedp.DefaultExecAllocatorOptions[:],
			chromedp.ExecPath(path),
			chromedp.Flag("headless", "new"),
			chromedp.NoSandbox, // needed as root
			chromedp.DisableGPU,
			chromedp.WindowSize(1280, 800),
			chromedp.Flag("lang", "en-US"),
			chromedp.Flag("font-render-hinting", "none"),
		)
		actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
		bctx, cancelBrowser := chromedp.NewContext(actx)
		shared.stop = append(shared.stop, cancelAlloc, cancelBrowser)
		// The first Do starts the browser and binds it to bctx, which has
		// no deadline: later timeouts end tabs, not the browser.
		done := make(chan error, 1)
		go func() { done <- chromedp.Do(bctx) }()
		select {
		case err = <-done:
		case <-time.After(3 * time.Minute):
			err = errors.New("the browser did not start within 3 minutes")
		}
		if err != nil {
			shared.err = fmt.Errorf("cannot start %s: %w", path, err)
			return
		}
		shared.ctx = bctx
	})
	require(t, "headless Chromium", shared.missing)
	if shared.ctx == nil {
		t.Fatal(shared.err)
	}
	return shared.ctx
}

// tab is one browser tab of a test, with the uncaught exceptions of its
// pages collected so a test can insist there were none.
type tab struct {
	t      *testing.T
	base   context.Context // the tab, without a deadline
	ctx    context.Context // base with the current step's deadline
	cancel context.CancelFunc

	mu         sync.Mutex
	exceptions []string
}

// newTab opens a tab at a desktop size (1280×800) that closes when the
// test ends.
func newTab(t *testing.T) *tab {
	t.Helper()
	b := browserCtx(t)
	base, cancelTab := chromedp.NewContext(b)
	tb := &tab{t: t, base: base}
	t.Cleanup(func() { tb.cancel(); cancelTab() })
	tb.step()
	if err := chromedp.Do(base); err != nil { // opens the tab
		t.Fatalf("cannot open a tab: %v", err)
	}
	go tb.collect(chromedp.Console(base))
	tb.do(chromedp.EmulateViewport(1280, 800))
	return tb
}

// step gives the tab a fresh deadline, stepTimeout from now, for the next
// step of a long test.
func (tb *tab) step() {
	if tb.cancel != nil {
		tb.cancel()
	}
	tb.ctx, tb.cancel = context.WithTimeout(tb.base, stepTimeout)
}

// collect records the uncaught exceptions of the tab's pages.
func (tb *tab) collect(messages iter.Seq2[chromedp.ConsoleMessage, error]) {
	for m, err := range messages {
		if err != nil {
			return
		}
		if m.IsException() {
			tb.mu.Lock()
			tb.exceptions = append(tb.exceptions, fmt.Sprintf("%s:%d: %s", m.URL, m.Line+1, m))
			tb.mu.Unlock()
		}
	}
}

// noExceptions fails the test if a page of the tab threw an uncaught
// exception so far.
func (tb *tab) noExceptions() {
	tb.t.Helper()
	tb.mu.Lock()
	defer tb.mu.Unlock()
	for _, e := range tb.exceptions {
		tb.t.Errorf("uncaught exception in the page: %s", e)
	}
	tb.exceptions = nil
}

// do runs actions in the tab, failing the test on error.
func (tb *tab) do(actions ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	if err := chromedp.Do(tb.ctx, actions...); err != nil {
		tb.t.Fatalf("%v (page %s)", err, tb.location())
	}
}

// open navigates to u and waits for its load event.
func (tb *tab) open(u string) {
	tb.t.Helper()
	tb.do(chromedp.Navigate(u))
}

// click clicks the first element css selects (scrolled into view, with
// real mouse events).
func (tb *tab) click(css string) {
	tb.t.Helper()
	tb.do(chromedp.Click(chromedp.CSS(css)))
}

// location is the tab's URL, or "?" when it cannot be read.
func (tb *tab) location() string {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(tb.ctx), 5*time.Second)
	defer cancel()
	u, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		return "?"
	}
	return u
}

// eval evaluates a JavaScript expression into T, failing the test on error.
func eval[T any](tb *tab, js string, opts ...chromedp.EvaluateOption) T {
	tb.t.Helper()
	v, err := chromedp.Run(tb.ctx, chromedp.Evaluate[T](js, opts...))
	if err != nil {
		tb.t.Fatalf("evaluating %s: %v (page %s)", abbrev(js), err, tb.location())
	}
	return v
}

// waitFor waits until the JavaScript expression cond is true in the page,
// across navigations and reloads (an evaluation that fails while a page is
// replaced is retried), and fails the test with what, the page's URL and
// its text if the tab's time runs out first.
func (tb *tab) waitFor(what, cond string) {
	tb.t.Helper()
	for {
		ok, err := chromedp.Run(tb.ctx, chromedp.Evaluate[bool]("!!("+cond+")"))
		if err == nil && ok {
			return
		}
		select {
		case <-tb.ctx.Done():
			tb.t.Fatalf("waiting for %s: %v\npage %s shows:\n%s", what, context.Cause(tb.ctx), tb.location(), tb.pageText())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// waitText waits until the element css selects shows text (as innerText,
// which is what a reader sees).
func (tb *tab) waitText(css, text string) {
	tb.t.Helper()
	tb.waitFor(fmt.Sprintf("%q to show %q", css, text),
		fmt.Sprintf(`(() => { const e = document.querySelector(%s); return e && e.innerText.includes(%s); })()`, jsString(css), jsString(text)))
}

// waitPath waits until the tab shows a page whose path ends with suffix
// and has finished loading.
func (tb *tab) waitPath(suffix string) {
	tb.t.Helper()
	tb.waitFor("a page at …"+suffix,
		fmt.Sprintf(`location.pathname.endsWith(%s) && document.readyState === 'complete'`, jsString(suffix)))
}

// text returns the innerText of the first element css selects ("" when
// there is none).
func (tb *tab) text(css string) string {
	tb.t.Helper()
	return eval[string](tb, fmt.Sprintf(`(() => { const e = document.querySelector(%s); return e ? e.innerText : ''; })()`, jsString(css)))
}

// texts returns the innerText of every element css selects.
func (tb *tab) texts(css string) []string {
	tb.t.Helper()
	return eval[[]string](tb, fmt.Sprintf(`Array.from(document.querySelectorAll(%s), e => e.innerText.trim())`, jsString(css)))
}

// pageText is the page's visible text, shortened, for failure messages.
func (tb *tab) pageText() string {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(tb.ctx), 5*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ''`))
	if err != nil {
		return "(cannot read the page: " + err.Error() + ")"
	}
	return abbrev(s)
}

// colorScheme makes the tab's pages see prefers-color-scheme: scheme
// ("light" or "dark").
func (tb *tab) colorScheme(scheme string) {
	tb.t.Helper()
	if _, err := chromedp.Call(tb.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
	}); err != nil {
		tb.t.Fatalf("Emulation.setEmulatedMedia: %v", err)
	}
}

func jsString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == 0x2028 || r == 0x2029:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

func abbrev(s string) string {
	const max = 1500
	if len(s) > max {
		return s[:max] + "…"
	}
	return s
}
