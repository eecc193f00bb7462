package spaces

import (
	"strings"
	"testing"
)

var cases = []string{
	"", " ", "a", " a ", "a b", "a  b", "\ta\nb\r\n", "a\u00a0b", "a\u2028b\u3000c", "\u0085x\u0085",
	"bad \xff utf-8 \xc3", "é ☃ 𝄞", "x \v\f y", "already collapsed text", "  lead", "trail  ",
}

func TestCollapseAsFieldsJoin(t *testing.T) {
	for _, s := range cases {
		if got, want := Collapse(s), strings.Join(strings.Fields(s), " "); got != want {
			t.Errorf("Collapse(%q) = %q, want %q", s, got, want)
		}
	}
}

func FuzzCollapse(f *testing.F) {
	for _, s := range cases {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := Collapse(s), strings.Join(strings.Fields(s), " "); got != want {
			t.Errorf("Collapse(%q) = %q, want %q", s, got, want)
		}
	})
}
