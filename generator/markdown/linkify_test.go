package markdown

import (
	"bytes"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/util"
)

func TestQuickLinkifyLocalChars(t *testing.T) {
	for c := range 256 {
		goldmarkTakes := util.FindEmailIndex([]byte{byte(c), '@', 'e', 'x', '.', 'o', 'r', 'g'}) >= 0
		if goldmarkTakes != emailLocal[c] {
			t.Errorf("byte %#x: goldmark takes it in an e-mail local part: %v, emailLocal: %v", c, goldmarkTakes, emailLocal[c])
		}
	}
}

// sameAsGFM renders src with goldmark's own parser and GFM extension and
// with newParser and gfmExtension, and fails when the HTML differs.
func sameAsGFM(t *testing.T, src string) {
	t.Helper()
	var want, got bytes.Buffer
	if err := goldmark.New(goldmark.WithExtensions(extension.GFM)).Convert([]byte(src), &want); err != nil {
		return // goldmark's own failure is not ours to compare
	}
	if err := goldmark.New(goldmark.WithParser(newParser()), goldmark.WithExtensions(gfmExtension{})).Convert([]byte(src), &got); err != nil {
		t.Fatalf("gfmExtension fails where extension.GFM does not: %v", err)
	}
	if got.String() != want.String() {
		t.Fatalf("input %q:\n got %s\nwant %s", src, got.String(), want.String())
	}
}

var linkifyCases = []string{
	"see https://example.org/a?b=c&d=e. and http://x.y/(z) or ftp://f.g/h",
	"www.example.com/path, and WWW.EXAMPLE.COM or Http://upper.case",
	"mail ann@example.org, bob.smith+tag@sub.example.co.uk. or @handle or a@b",
	"*https://emph.example* _www.u.example_ ~ftp://s.example~ (http://paren.example)",
	"x@y.z- and x@y.z_ and x@y.z. end; " + strings.Repeat("a", 64) + "@long.example " + strings.Repeat("b", 65) + "@too.long",
	"[link text www.inside.example](https://dest.example) and <https://auto.example>",
	"| a | https://t.example |\n|---|---|\n| www.cell.example | c@d.example |\n\n- [ ] task www.task.example\n- ~~gone http://s.example~~",
	"hhttp://no wwww.no ffftp://no h f w @ @@ a@ @b",
	"`code http://not.linked` and\n\n    indented http://not.either\n\nhttps://line.head.example",
	"ünïcödé@example.org and http://exämple.org/ünï",
}

func TestQuickLinkifySame(t *testing.T) {
	for _, src := range linkifyCases {
		sameAsGFM(t, src)
	}
	// The corpus generator's bodies, as a build sees them.
	sameAsGFM(t, strings.Join(linkifyCases, "\n\n"))
}

func FuzzQuickLinkify(f *testing.F) {
	for _, src := range linkifyCases {
		f.Add(src)
	}
	f.Fuzz(func(t *testing.T, src string) {
		if len(src) > 4096 {
			return
		}
		sameAsGFM(t, src)
	})
}
