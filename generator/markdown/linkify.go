package markdown

import (
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// gfmExtension is goldmark's extension.GFM (tables, strikethrough, task
// lists, linkify) with goldmark's linkify parser behind quickLinkify.
// Strikethrough is parsed by newParser's delimiterParser, with emphasis;
// only its renderer is added here.
type gfmExtension struct{}

func (gfmExtension) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(parser.WithInlineParsers(
		util.Prioritized(quickLinkify{extension.NewLinkifyParser()}, 999), // as extension.Linkify
	))
	extension.Table.Extend(m)
	m.Renderer().AddOptions(renderer.WithNodeRenderers(
		util.Prioritized(extension.NewStrikethroughHTMLRenderer(), 500), // as extension.Strikethrough
	))
	extension.TaskList.Extend(m)
}

// quickLinkify runs goldmark's linkify parser only where a link can start.
// Linkify is triggered at every space of every paragraph; for nearly every
// word it compares three protocol prefixes and scans for an e-mail address
// before giving up, a few percent of a whole build. A link starts with
// "http:", "https:", "ftp:" or "www." (so with h, f or w), or is an e-mail
// address (local-part characters, then @ within 65 bytes); anything else is
// answered nil here, as the parser would answer it. TestQuickLinkifySame
// and FuzzQuickLinkify compare both on the same input.
type quickLinkify struct{ inner parser.InlineParser }

func (q quickLinkify) Trigger() []byte { return q.inner.Trigger() }

func (q quickLinkify) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	// goldmark's linkify leaves link texts alone, asking
	// pc.IsInLinkLabel, which knows only goldmark's link parser.
	if st, _ := pc.Get(linkStateKey).(*linkState); st != nil && len(st.open) > 0 {
		return nil
	}
	line, _ := block.PeekLine()
	if len(line) > 0 {
		switch line[0] { // the trigger the parser skips when not at a line head
		case ' ', '*', '_', '~', '(':
			line = line[1:]
		}
	}
	if !mayLink(line) {
		return nil
	}
	return q.inner.Parse(parent, block, pc)
}

// mayLink reports whether goldmark's linkify might find a link at the start
// of line.
func mayLink(line []byte) bool {
	if len(line) == 0 {
		return false
	}
	switch line[0] {
	case 'h', 'f', 'w':
		return true
	}
	// goldmark takes up to 64 local-part characters, then wants '@'.
	for i := 0; i < len(line) && i <= 64; i++ {
		c := line[i]
		if c == '@' {
			return i > 0
		}
		if !emailLocal[c] {
			return false
		}
	}
	return false
}

// emailLocal holds the bytes goldmark's e-mail detection accepts before the
// '@' (util.FindEmailIndex; TestQuickLinkifyLocalChars checks the two agree):
// ASCII letters, digits and !#$%&'*+-/=?^_`{|}~.
var emailLocal = func() (t [256]bool) {
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = true, true
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for _, c := range []byte("!#$%&'*+-/=?^_`{|}~.") {
		t[c] = true
	}
	return t
}()
