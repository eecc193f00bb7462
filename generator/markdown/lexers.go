package markdown

import (
	"math"
	"reflect"
	"slices"
	"strings"
	"sync"
	"time"
	"unsafe"

	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/lexers"
)

// Highlighting must not depend on timing. chroma compiles every rule of its
// regular-expression lexers with a 250 ms match timeout (regexp2's
// MatchTimeout), and a match that times out counts as no match, silently:
// the block is tokenised differently (spans of class "err", other colours).
// regexp2 measures the timeout on a clock a background goroutine updates
// every 100 ms, so on a loaded machine, or under the race detector, a match
// of microseconds can time out when that clock catches up; the highlight
// cache then served the wrong HTML for the rest of the build.
//
// A lexerSet holds copies of chroma's lexers whose rules have another match
// timeout, none in production: chroma's rules and results, with no
// deadline. The copies are registered under chroma's names, so a lexer that
// embeds another by name (HTML's scripts and styles, Markdown's code) gets
// a copy too. The lexers chroma composes from others in code are rebuilt
// from copies of their parts (see rebuild): delegating lexers such as PHTML
// or ERB, the Lisps' remapping lexers, HTTP with its body lexers, Markdown
// with its YAML front matter; and the Go lexer's raw strings use a copy of
// the Go-template lexer.
type lexerSet struct {
	reg     *chroma.LexerRegistry
	copy    map[chroma.Lexer]chroma.Lexer // chroma's lexer -> its copy
	timeout time.Duration
}

// noMatchTimeout is regexp2's "never time out".
const noMatchTimeout = time.Duration(math.MaxInt64)

// steadyLexers is the lexerSet without timeouts, built on first use and
// read-only after: the copies compile their rules once per process, as
// chroma's own lexers do.
var steadyLexers = sync.OnceValue(func() *lexerSet { return newLexerSet(noMatchTimeout) })

// newLexerSet copies every lexer of chroma's registry with the given match
// timeout for all the rules of its regular-expression lexers.
func newLexerSet(timeout time.Duration) *lexerSet {
	s := &lexerSet{reg: chroma.NewLexerRegistry(), copy: map[chroma.Lexer]chroma.Lexer{}, timeout: timeout}
	for _, l := range lexers.GlobalLexerRegistry.Lexers {
		if c := s.copyOf(l); c != nil {
			s.reg.Register(c)
		}
	}
	return s
}

// get returns the copy of the lexer chroma finds for name, or nil when
// there is none or it cannot be copied.
func (s *lexerSet) get(name string) chroma.Lexer {
	return s.copy[lexers.Get(name)]
}

// copyOf returns the copy of l, made on first request, or nil when l is of
// a kind copyOf does not know.
func (s *lexerSet) copyOf(l chroma.Lexer) chroma.Lexer {
	if c, ok := s.copy[l]; ok {
		return c
	}
	c := s.rebuild(l)
	if c != nil {
		s.copy[l] = c
	}
	return c
}

const (
	chromaPkg = "github.com/alecthomas/chroma/v2"
	lexersPkg = chromaPkg + "/lexers"
)

// rebuild makes a copy of l. A regular-expression lexer gets its rules with
// the set's timeout. chroma composes the others in code, in types of its
// own whose parts are unexported fields: they are read (and only read) to
// build the same composition from copies of the parts, with chroma's
// exported constructors (delegating and remapping lexers) or with this
// package's equivalents of HTTP's and Markdown's wrappers, which look up
// other lexers in chroma's global registry and here look in the set's.
// TestLexerSetComposite checks that every lexer of chroma's registry has a
// copy, and TestCompositeLexers that each kind tokenises as chroma's does.
func (s *lexerSet) rebuild(l chroma.Lexer) chroma.Lexer {
	if rl, ok := l.(*chroma.RegexLexer); ok {
		var edit func(chroma.Rules)
		if rl == lexers.Go {
			if tmpl := s.copyOf(lexers.GoTextTemplate); tmpl != nil {
				edit = func(r chroma.Rules) { goRawStrings(r, tmpl) }
			}
		}
		return withMatchTimeout(rl, s.timeout, edit)
	}
	t := reflect.TypeOf(l)
	if t.Kind() != reflect.Pointer {
		return nil
	}
	switch t.Elem().PkgPath() + "." + t.Elem().Name() {
	case chromaPkg + ".delegatingLexer":
		root, ok1 := field[chroma.Lexer](l, "root")
		lang, ok2 := field[chroma.Lexer](l, "language")
		if !ok1 || !ok2 {
			return nil
		}
		if root, lang = s.copyOf(root), s.copyOf(lang); root == nil || lang == nil {
			return nil
		}
		return chroma.DelegatingLexer(root, lang)
	case chromaPkg + ".remappingLexer":
		inner, ok1 := field[chroma.Lexer](l, "lexer")
		mapper, ok2 := field[func(chroma.Token) []chroma.Token](l, "mapper")
		if !ok1 || !ok2 || mapper == nil {
			return nil
		}
		if inner = s.copyOf(inner); inner == nil {
			return nil
		}
		return chroma.RemappingLexer(inner, mapper)
	case lexersPkg + ".httpBodyContentTyper":
		if inner, ok := field[chroma.Lexer](l, "Lexer"); ok {
			if inner = s.copyOf(inner); inner != nil {
				return &httpLexer{Lexer: inner, set: s}
			}
		}
	case lexersPkg + ".markdownLexer":
		if inner, ok := field[chroma.Lexer](l, "Lexer"); ok {
			if inner = s.copyOf(inner); inner != nil {
				return &markdownLexer{Lexer: inner, set: s}
			}
		}
	}
	return nil
}

// field reads the field name of the struct p points to, when it has type T.
func field[T any](p any, name string) (T, bool) {
	var zero T
	v := reflect.ValueOf(p)
	if v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
		return zero, false
	}
	f := v.Elem().FieldByName(name)
	if !f.IsValid() || f.Type() != reflect.TypeFor[T]() {
		return zero, false
	}
	return *(*T)(unsafe.Pointer(f.UnsafeAddr())), true
}

// goRawStrings makes the Go lexer's rule for raw strings, which tokenises
// them with a Go-template lexer chroma's rule holds directly, use tmpl, the
// copy of that lexer, in the same way.
func goRawStrings(rules chroma.Rules, tmpl chroma.Lexer) {
	for i, r := range rules["root"] {
		if r.Pattern == "(`)([^`]*)(`)" {
			rules["root"][i].Type = chroma.ByGroups(chroma.LiteralString,
				chroma.UsingLexer(chroma.TypeRemappingLexer(tmpl, chroma.TypeMapping{{From: chroma.Other, To: chroma.LiteralString}})),
				chroma.LiteralString)
		}
	}
}

// withMatchTimeout returns a lexer with l's configuration and rules whose
// compiled rules all have the given match timeout. chroma sets its own
// timeout as it compiles the rules, when the lexer is first used; then it
// lets every rule with a chroma.LexerMutator rewrite the compiled rules (as
// include does). An extra such rule, setTimeout, sets the timeout of all
// of them and removes itself. edit, if not nil, changes the copied rules
// first.
func withMatchTimeout(l *chroma.RegexLexer, timeout time.Duration, edit func(chroma.Rules)) *chroma.RegexLexer {
	return chroma.MustNewLexer(l.Config(), func() chroma.Rules {
		rules, err := l.Rules()
		if err != nil {
			panic(err) // as chroma does for a lexer whose rules do not compile; tokenise recovers
		}
		rules = rules.Clone()
		if edit != nil {
			edit(rules)
		}
		rules["root"] = append(rules["root"], chroma.Rule{Pattern: `(?!)`, Mutator: setTimeout{timeout}})
		return rules
	})
}

// setTimeout is the mutator rule of withMatchTimeout.
type setTimeout struct{ timeout time.Duration }

func (m setTimeout) MutateLexer(rules chroma.CompiledRules, state string, i int) error {
	for _, rs := range rules {
		for _, r := range rs {
			if r.Regexp != nil {
				r.Regexp.MatchTimeout = m.timeout
			}
		}
	}
	rules[state] = slices.Delete(rules[state], i, i+1)
	return nil
}

// Mutate is never called: the rule is gone before the lexer runs.
func (setTimeout) Mutate(*chroma.LexerState) error { return nil }

// httpLexer is chroma's HTTP lexer around a copy of its regular-expression
// lexer: a body after a Content-Type header is tokenised with the set's
// lexer for that media type (for "application/x+json" with that for
// "application/json" when there is none for the whole), else as text.
type httpLexer struct {
	chroma.Lexer
	set *lexerSet
}

func (h *httpLexer) Tokenise(options *chroma.TokeniseOptions, text string) (chroma.Iterator, error) {
	it, err := h.Lexer.Tokenise(options, text)
	if err != nil {
		return nil, err
	}
	var (
		contentType string
		inHeader    bool // after a Content-Type name, before its value
		body        chroma.Iterator
	)
	return func() chroma.Token {
		t := it()
		switch {
		case t == chroma.EOF:
			if body != nil {
				return body()
			}
		case t.Type == chroma.Name && strings.EqualFold(t.Value, "content-type"):
			inHeader = true
		case t.Type == chroma.Literal && inHeader:
			inHeader = false
			contentType = mediaType(t.Value)
		case t.Type == chroma.Generic && contentType != "":
			l := h.set.bodyLexer(contentType)
			if l == nil {
				t.Type = chroma.Text
				break
			}
			body, err = l.Tokenise(nil, t.Value)
			if err != nil {
				panic(err) // as chroma does; tokenise recovers
			}
			return body()
		}
		return t
	}, nil
}

// mediaType is a Content-Type header value without its parameters, as
// chroma takes it: cut at a ';' that is not its first character.
func mediaType(value string) string {
	value = strings.TrimSpace(value)
	if i := strings.IndexByte(value, ';'); i > 0 {
		value = strings.TrimSpace(value[:i])
	}
	return value
}

// bodyLexer returns the set's lexer for an HTTP body of the media type, or
// for its structured syntax suffix ("+xml") when there is none for it.
func (s *lexerSet) bodyLexer(mediaType string) chroma.Lexer {
	if l := s.reg.MatchMimeType(mediaType); l != nil {
		return l
	}
	plus := strings.LastIndex(mediaType, "+")
	if plus < 0 {
		return nil
	}
	slash := strings.Index(mediaType, "/")
	return s.reg.MatchMimeType(mediaType[:slash+1] + mediaType[plus+1:])
}

// markdownLexer is chroma's Markdown lexer around a copy of its
// regular-expression lexer: a document that starts with front matter
// between "---" lines has it tokenised with the set's YAML lexer.
type markdownLexer struct {
	chroma.Lexer
	set *lexerSet
}

func (m *markdownLexer) Tokenise(options *chroma.TokeniseOptions, text string) (chroma.Iterator, error) {
	front, rest, ok := splitFrontMatter(text)
	yaml := m.set.reg.Get("YAML")
	if !ok || yaml == nil {
		return m.Lexer.Tokenise(options, text)
	}
	head, err := yaml.Tokenise(options, front)
	if err != nil {
		return nil, err
	}
	body, err := m.Lexer.Tokenise(options, rest)
	if err != nil {
		return nil, err
	}
	return chroma.Concaterator(head, body), nil
}

// splitFrontMatter splits text after a closing "---" line when its first
// line is "---" (each line ending with "\n" or "\r\n").
func splitFrontMatter(text string) (front, rest string, ok bool) {
	first, _, found := strings.Cut(text, "\n")
	if !found || strings.TrimSuffix(first, "\r") != "---" {
		return "", text, false
	}
	for pos := len(first) + 1; ; {
		n := strings.IndexByte(text[pos:], '\n')
		if n < 0 {
			return "", text, false
		}
		end := pos + n
		if strings.TrimSuffix(text[pos:end], "\r") == "---" {
			return text[:end+1], text[end+1:], true
		}
		pos = end + 1
	}
}
