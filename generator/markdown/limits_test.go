package markdown

import (
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
