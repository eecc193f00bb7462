package markdown

import (
	"errors"
	"strings"
	"testing"
)

func TestLimits(t *testing.T) {
	r := New(Options{})
	foot := func(n int) string {
		var b strings.Builder
		for range n / 2 {
			b.WriteString("x[^a]\n\n[^a]: note\n\n")
		}
		return b.String()
	}
	defs := func(n int) string { return strings.Repeat("[r]: /x\n", n) }
	for _, tt := range []struct {
		src  string
		want string // "" when the document renders
	}{
		{foot(MaxFootnotes), ""},
		{foot(MaxFootnotes + 2), "footnote marks"},
		{defs(MaxLinkDefinitions), ""},
		{defs(MaxLinkDefinitions + 1), "link reference definitions"},
		{"  " + defs(MaxLinkDefinitions+1), "link reference definitions"},
	} {
		_, err := r.Render([]byte(tt.src))
		_, ferr := r.RenderFragmentResult([]byte(tt.src))
		for _, e := range []error{err, ferr} {
			if (e == nil) != (tt.want == "") || (e != nil && !strings.Contains(e.Error(), tt.want)) {
				t.Errorf("%d bytes: err %v, want %q", len(tt.src), e, tt.want)
			}
		}
	}
}

// TestLimitPosition: a document over a limit is refused with the line and
// column of the first construct over it.
func TestLimitPosition(t *testing.T) {
	r := New(Options{})
	foot := "para\n\n  é" + strings.Repeat("x[^a] ", MaxFootnotes) + "\n" + strings.Repeat("y[^a]", 3) + "\n"
	defs := "# T\n\n" + strings.Repeat("[r]: /x\n", MaxLinkDefinitions) + "  [over]: /y\n"
	for _, tc := range []struct {
		src       string
		line, col int
	}{
		{foot, 4, 2},
		{defs, 3 + MaxLinkDefinitions, 3},
	} {
		_, err := r.Render([]byte(tc.src))
		var le *LimitError
		if !errors.As(err, &le) || le.Line != tc.line || le.Col != tc.col {
			t.Errorf("error %#v, want one at %d:%d", err, tc.line, tc.col)
		}
	}
}
