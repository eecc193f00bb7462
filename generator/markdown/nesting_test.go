package markdown

import (
	"runtime"
	"strings"
	"testing"
)

// TestNestingLimit: lists and block quotes nest at most maxNesting deep,
// however the nesting is written; what lies deeper stays as text. Each
// input is rendered with its allocations measured: at most 400 bytes per
// input byte plus 4 MiB. (Before the limit, a 20 KB line of 10,000 "- "
// built 10,000 nested lists, and the parse time grew with the square of
// the line: 3 s of CPU at 40,000.)
func TestNestingLimit(t *testing.T) {
	const deep = 10_000
	var indented strings.Builder
	for i := range 3 * maxNesting {
		indented.WriteString(strings.Repeat("  ", i) + "- item\n")
	}
	for _, tc := range []struct {
		name, src   string
		open        string // the element one level opens
		levels      int    // how many of them the HTML must have
		textPresent string // what must stay as text
	}{
		{"list on one line", strings.Repeat("- ", deep) + "x\n", "<ul>", maxNesting, "- - - x"},
		{"ordered list on one line", strings.Repeat("1. ", deep) + "x\n", "<ol>", maxNesting, "1. 1. 1. x"},
		{"block quotes", strings.Repeat(">", deep) + " x\n", "<blockquote>", maxNesting, "&gt;&gt;&gt; x"},
		{"block quotes with spaces", strings.Repeat("> ", deep) + "x\n", "<blockquote>", maxNesting, "&gt; &gt; x"},
		{"list then lazy lines", strings.Repeat("- ", deep) + "x\n" + strings.Repeat("lazy line\n", deep), "<ul>", maxNesting, "lazy line"},
		{"indented lists", indented.String(), "<ul>", maxNesting, "- item"},
		{"quotes and lists", strings.Repeat("> - ", deep/2) + "x\n", "<blockquote>", maxNesting / 2, "x"},
		{"shallow list", "- a\n  - b\n    - c\n", "<ul>", 3, "c"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := New(Options{})
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			res, err := r.Render([]byte(tc.src))
			runtime.ReadMemStats(&after)
			if err != nil {
				t.Fatal(err)
			}
			html := string(res.HTML)
			if n := strings.Count(html, tc.open); n != tc.levels {
				t.Errorf("%d %s, want %d", n, tc.open, tc.levels)
			}
			if !strings.Contains(html, tc.textPresent) {
				t.Errorf("HTML lacks %q", tc.textPresent)
			}
			alloc := after.TotalAlloc - before.TotalAlloc
			t.Logf("input %d bytes, HTML %d bytes, allocated %d KiB", len(tc.src), len(html), alloc>>10)
			if bound := uint64(400*len(tc.src) + 4<<20); alloc > bound {
				t.Errorf("allocated %d KiB rendering %d bytes, want at most %d KiB", alloc>>10, len(tc.src), bound>>10)
			}
		})
	}
}
