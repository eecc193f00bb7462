package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
)

// axe-core (npm, pinned in the Makefile's browser-deps) is installed under
// .cache/axe/ at the repository's root; CASEFILE_AXE names another
// axe.min.js.
var axeSource struct {
	once sync.Once
	js   string
	path string
	err  error
}

func loadAxe(t *testing.T) string {
	t.Helper()
	axeSource.once.Do(func() {
		p := os.Getenv("CASEFILE_AXE")
		if p == "" {
			p = filepath.Join(repoRoot(t), ".cache", "axe", "node_modules", "axe-core", "axe.min.js")
		}
		axeSource.path = p
		b, err := os.ReadFile(p)
		if err != nil {
			axeSource.err = fmt.Errorf("axe-core not found: %w", err)
			return
		}
		axeSource.js = string(b)
	})
	require(t, "axe-core", axeSource.err)
	return axeSource.js
}

// axeViolation is one rule axe-core found broken, with the elements that
// break it.
type axeViolation struct {
	ID      string `json:"id"`
	Impact  string `json:"impact"`
	Help    string `json:"help"`
	HelpURL string `json:"helpUrl"`
	Nodes   []struct {
		Target  string `json:"target"`
		HTML    string `json:"html"`
		Summary string `json:"summary"`
	} `json:"nodes"`
}

func (v axeViolation) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s): %s <%s>", v.ID, v.Impact, v.Help, v.HelpURL)
	for i, n := range v.Nodes {
		if i == 5 {
			fmt.Fprintf(&b, "\n    … and %d more", len(v.Nodes)-i)
			break
		}
		fmt.Fprintf(&b, "\n    %s: %s\n      %s", n.Target, abbrev(n.HTML), strings.ReplaceAll(n.Summary, "\n", "\n      "))
	}
	return b.String()
}

// checkAxe runs axe-core on the page the tab shows (WCAG 2.x A and AA
// rules, and axe's best practices) and fails the test for every violation
// of impact "serious" or "critical"; "moderate" and "minor" ones are logged.
func (tb *tab) checkAxe(name string) {
	tb.t.Helper()
	js := loadAxe(tb.t)
	if !eval[bool](tb, `typeof window.axe === 'object'`) {
		if _, err := chromedp.Run(tb.ctx, chromedp.Evaluate[chromedp.Void](js)); err != nil {
			tb.t.Fatalf("%s: injecting axe-core: %v", name, err)
		}
	}
	vs := eval[[]axeViolation](tb, `axe.run(document, {
		runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']},
		resultTypes: ['violations']
	}).then(r => r.violations.map(v => ({
		id: v.id, impact: v.impact || '', help: v.help, helpUrl: v.helpUrl,
		nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html, summary: n.failureSummary || ''}))
	})))`, chromedp.EvalAwaitPromise)
	n := 0
	for _, v := range vs {
		switch v.Impact {
		case "serious", "critical":
			tb.t.Errorf("%s (%s): axe: %s", name, tb.location(), v)
		default:
			tb.t.Logf("%s (%s): axe (not failing): %s", name, tb.location(), v)
		}
		n++
	}
	if n == 0 {
		tb.t.Logf("%s: axe-core %s: no violations", name, eval[string](tb, `axe.version`))
	}
}
