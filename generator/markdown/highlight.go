package markdown

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/alecthomas/chroma/v2"
	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/styles"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Default chroma styles.
const (
	DefaultHighlightLight = "github"
	DefaultHighlightDark  = "github-dark"
)

// maxCachedLexers bounds how many language names the lexer cache remembers
// (unknown ones included), so arbitrary info strings cannot grow it without
// limit; names beyond it are looked up in chroma's registry every time.
const maxCachedLexers = 1024

// maxLanguage bounds the length of a fence's language that is looked up:
// chroma matches a name it does not know against every lexer's file-name
// patterns, in time that grows with the square of the name's length (a
// 20 KB info string took 18 s). No language name or file name pattern is
// near this long; a longer language is shown as plain text.
const maxLanguage = 128

// highlighter renders fenced code blocks with chroma, using CSS classes only.
// One is built per Renderer; it is safe for concurrent use: chroma lexers may
// be shared between goroutines and the lexer cache is locked. Its lexers
// are copies of chroma's without match timeouts, so that the same code is
// highlighted the same way however loaded the machine is (lexers.go).
//
// Tokens are written by writeTokens with the same classes and escaping as
// chroma's HTML formatter in classes mode (the formatter itself is used for
// the stylesheet): the formatter allocates several strings per token
// (fmt.Sprintf for every span), which made it a fifth of the allocations of
// a typical document. TestWriteTokensMatchesChroma keeps the two in step.
//
// Highlighted blocks are remembered by language and code: incident write-ups
// repeat the same commands, detection rules and indicator lists, and lexing
// (chroma's regexp2 rules) is the dearest part of rendering a page, so a
// block seen before costs a map lookup. The cache holds at most
// maxCachedBytes of code and HTML; once full it stops growing.
type highlighter struct {
	css []byte // Stylesheet output, built once

	set *lexerSet // chroma's lexers without match timeouts (lexers.go)

	mu     sync.RWMutex
	lexers map[string]chroma.Lexer // nil value: known to be unknown

	cacheMu    sync.RWMutex
	cache      map[string]string // language + "\x00" + code -> highlighted HTML (inside <code>)
	cacheBytes int
}

// maxCachedBytes bounds the highlighted-block cache (keys and values).
const maxCachedBytes = 32 << 20

func newHighlighter(light, dark string) *highlighter {
	lightStyle := lookupStyle(light, DefaultHighlightLight)
	darkStyle := lookupStyle(dark, DefaultHighlightDark)
	h := &highlighter{set: steadyLexers(), lexers: make(map[string]chroma.Lexer), cache: make(map[string]string)}
	h.css = buildStylesheet(lightStyle, darkStyle)
	return h
}

func lookupStyle(name, def string) *chroma.Style {
	if s, ok := styles.Registry[strings.ToLower(name)]; ok && name != "" {
		return s
	}
	if s, ok := styles.Registry[def]; ok {
		return s
	}
	return styles.Fallback
}

// lexer returns the cached, coalescing lexer for a fence language, or nil.
func (h *highlighter) lexer(lang []byte) chroma.Lexer {
	h.mu.RLock()
	l, ok := h.lexers[string(lang)] // no allocation for the lookup
	h.mu.RUnlock()
	if ok {
		return l
	}
	name := string(lang)
	if found := h.set.get(name); found != nil {
		l = chroma.Coalesce(found)
	}
	h.mu.Lock()
	if len(h.lexers) < maxCachedLexers {
		h.lexers[name] = l
	}
	h.mu.Unlock()
	return l
}

func (h *highlighter) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindFencedCodeBlock, h.renderFencedCodeBlock)
}

func (h *highlighter) renderFencedCodeBlock(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*ast.FencedCodeBlock)
	lang := n.Language(src)
	if len(lang) > 0 {
		if code, ok := h.highlight(lang, codeOf(n, src)); ok {
			_, _ = w.WriteString(`<pre class="chroma" tabindex="0"><code class="language-`)
			_, _ = w.Write(util.EscapeHTML(lang))
			_, _ = w.WriteString(`">`)
			_, _ = w.WriteString(code)
			_, _ = w.WriteString("</code></pre>\n")
			return ast.WalkSkipChildren, nil
		}
	}
	// Unknown or missing language, or a lexer failure: escaped plain text.
	_, _ = w.WriteString(`<pre tabindex="0"><code`)
	if len(lang) > 0 {
		_, _ = w.WriteString(` class="language-`)
		_, _ = w.Write(util.EscapeHTML(lang))
		_ = w.WriteByte('"')
	}
	_ = w.WriteByte('>')
	for i := 0; i < n.Lines().Len(); i++ {
		seg := n.Lines().At(i)
		html.DefaultWriter.RawWrite(w, seg.Value(src))
	}
	_, _ = w.WriteString("</code></pre>\n")
	return ast.WalkSkipChildren, nil
}

// highlight returns the highlighted HTML of code in language lang, from the
// cache or from chroma; false when the language is unknown or the lexer
// failed.
func (h *highlighter) highlight(lang []byte, code string) (string, bool) {
	key := string(lang) + "\x00" + code
	h.cacheMu.RLock()
	out, ok := h.cache[key]
	h.cacheMu.RUnlock()
	if ok {
		return out, true
	}
	if len(lang) > maxLanguage {
		return "", false
	}
	l := h.lexer(lang)
	if l == nil {
		return "", false
	}
	tokens, ok := tokenise(l, code)
	if !ok {
		return "", false
	}
	var b strings.Builder
	b.Grow(len(code) * 3)
	writeTokens(&b, tokens)
	out = b.String()
	h.cacheMu.Lock()
	if size := len(key) + len(out); h.cacheBytes+size <= maxCachedBytes {
		if _, dup := h.cache[key]; !dup {
			h.cache[key] = out
			h.cacheBytes += size
		}
	}
	h.cacheMu.Unlock()
	return out, true
}

func codeOf(n ast.Node, src []byte) string {
	lines := n.Lines()
	size := 0
	for i := 0; i < lines.Len(); i++ {
		seg := lines.At(i)
		size += seg.Len()
	}
	var b strings.Builder
	b.Grow(size)
	for i := 0; i < lines.Len(); i++ {
		seg := lines.At(i)
		b.Write(seg.Value(src))
	}
	return b.String()
}

// writeTokens writes tokens as chroma's HTML formatter does with
// WithClasses(true) and PreventSurroundingPre(true): a span with the token
// type's class around the HTML-escaped value (no span for unclassed tokens).
func writeTokens(w io.StringWriter, tokens []chroma.Token) {
	for _, t := range tokens {
		cls := tokenClass(t.Type)
		if cls != "" {
			_, _ = w.WriteString(`<span class="`)
			_, _ = w.WriteString(cls)
			_, _ = w.WriteString(`">`)
		}
		writeEscaped(w, t.Value)
		if cls != "" {
			_, _ = w.WriteString("</span>")
		}
	}
}

// tokenClass is chroma's class lookup: the nearest type, walking up the
// token hierarchy, that has a standard class.
func tokenClass(t chroma.TokenType) string {
	for t != 0 {
		if cls, ok := chroma.StandardTypes[t]; ok {
			return cls
		}
		t = t.Parent()
	}
	return chroma.StandardTypes[t]
}

// writeEscaped escapes like html.EscapeString without allocating.
func writeEscaped(w io.StringWriter, s string) {
	last := 0
	for i := 0; i < len(s); i++ {
		var esc string
		switch s[i] {
		case '&':
			esc = "&amp;"
		case '\'':
			esc = "&#39;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '"':
			esc = "&#34;"
		default:
			continue
		}
		_, _ = w.WriteString(s[last:i])
		_, _ = w.WriteString(esc)
		last = i + 1
	}
	_, _ = w.WriteString(s[last:])
}

// tokenise runs a lexer over code, turning an error or a panic inside the
// lexer into ok == false so the caller falls back to plain text.
func tokenise(l chroma.Lexer, code string) (tokens []chroma.Token, ok bool) {
	defer func() {
		if recover() != nil {
			tokens, ok = nil, false
		}
	}()
	it, err := l.Tokenise(nil, code)
	if err != nil {
		return nil, false
	}
	return it.Tokens(), true
}

// buildStylesheet returns the light style's rules, then the dark style's
// inside @media (prefers-color-scheme: dark). Every selector is class based
// and scoped under .chroma (the unscoped ".bg" rule chroma emits for
// standalone pages is dropped; we never use that class). Where the light
// style sets a colour, background or font property that the dark style leaves
// alone for the same class, the dark block resets it, so no light colour
// leaks onto the dark background.
func buildStylesheet(light, dark *chroma.Style) []byte {
	f := chromahtml.New(chromahtml.WithClasses(true), chromahtml.WithCSSComments(false))
	lightRules := cssRules(f, light)
	darkRules := cssRules(f, dark)
	darkIndex := make(map[string]int, len(darkRules))
	for i, r := range darkRules {
		darkIndex[r.selector] = i
	}
	var missing []cssRule // light selectors the dark style does not mention
	for _, lr := range lightRules {
		i, ok := darkIndex[lr.selector]
		if !ok {
			if resets := cssResets(lr.decls, ""); resets != "" && lr.selector != ".chroma" {
				missing = append(missing, cssRule{lr.selector, resets})
			}
			continue
		}
		if resets := cssResets(lr.decls, darkRules[i].decls); resets != "" {
			darkRules[i].decls = strings.TrimRight(strings.TrimSpace(darkRules[i].decls), ";") + "; " + resets
		}
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "/* chroma %s */\n", light.Name)
	for _, r := range lightRules {
		fmt.Fprintf(&b, "%s { %s }\n", r.selector, r.decls)
	}
	fmt.Fprintf(&b, "@media (prefers-color-scheme: dark) {\n/* chroma %s */\n", dark.Name)
	for _, r := range append(darkRules, missing...) {
		fmt.Fprintf(&b, "%s { %s }\n", r.selector, r.decls)
	}
	b.WriteString("}\n")
	return b.Bytes()
}

// cssResetValues undo a token property for the dark block.
var cssResetValues = [...]struct{ prop, value string }{
	{"color", "inherit"},
	{"background-color", "transparent"},
	{"font-weight", "inherit"},
	{"font-style", "inherit"},
	{"text-decoration", "inherit"},
}

// cssResets returns declarations resetting the token properties set in
// lightDecls but not in darkDecls.
func cssResets(lightDecls, darkDecls string) string {
	var out []string
	for _, r := range cssResetValues {
		if cssHasProp(lightDecls, r.prop) && !cssHasProp(darkDecls, r.prop) {
			out = append(out, r.prop+": "+r.value)
		}
	}
	return strings.Join(out, "; ")
}

func cssHasProp(decls, prop string) bool {
	for d := range strings.SplitSeq(decls, ";") {
		if name, _, ok := strings.Cut(d, ":"); ok && strings.TrimSpace(name) == prop {
			return true
		}
	}
	return false
}

type cssRule struct{ selector, decls string }

func cssRules(f *chromahtml.Formatter, s *chroma.Style) []cssRule {
	var b bytes.Buffer
	if err := f.WriteCSS(&b, s); err != nil {
		return nil
	}
	var rules []cssRule
	for line := range strings.Lines(b.String()) {
		sel, rest, ok := strings.Cut(strings.TrimSpace(line), " { ")
		if !ok || !strings.HasPrefix(sel, ".chroma") {
			continue // ".bg" and anything unexpected
		}
		rules = append(rules, cssRule{sel, strings.TrimSuffix(rest, " }")})
	}
	return rules
}

type highlightExtension struct {
	h *highlighter
}

func (e highlightExtension) Extend(m goldmark.Markdown) {
	m.Renderer().AddOptions(renderer.WithNodeRenderers(
		util.Prioritized(e.h, prioRenderers),
	))
	m.Parser().AddOptions(parser.WithASTTransformers(
		util.Prioritized(codeTransformer{}, prioCode),
	))
}

// codeKey holds, in the parser.Context, a *bool that codeTransformer sets
// when the document has a fenced code block, whose page then needs the
// highlighting stylesheet.
var codeKey = parser.NewContextKey()

// codeTransformer looks for fenced code blocks among the blocks (inline
// content cannot hold one, so it is not walked).
type codeTransformer struct{}

func (codeTransformer) Transform(doc *ast.Document, _ text.Reader, pc parser.Context) {
	found, _ := pc.Get(codeKey).(*bool)
	if found == nil {
		return
	}
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		switch {
		case !entering:
		case n.Kind() == ast.KindFencedCodeBlock:
			*found = true
			return ast.WalkStop, nil
		case n.Type() != ast.TypeBlock && n.Type() != ast.TypeDocument:
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
}
