package markdown

import (
	"math"
	"slices"
	"sync"
	"time"

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
// a copy too. The few lexers chroma composes from others in code
// (delegating lexers such as PHTML or ERB, HTTP with its body lexers,
// Markdown with YAML front matter, the Lisps' remapping lexers) cannot be
// copied so: their languages are shown as plain text, as unknown ones are.
// (Raw strings of Go are tokenised by chroma's own Go-template lexer, which
// the Go lexer holds directly; that one keeps its timeout.)
type lexerSet struct {
	reg  *chroma.LexerRegistry
	copy map[chroma.Lexer]chroma.Lexer // chroma's lexer -> its copy
}

// noMatchTimeout is regexp2's "never time out".
const noMatchTimeout = time.Duration(math.MaxInt64)

// steadyLexers is the lexerSet without timeouts, built on first use and
// read-only after: the copies compile their rules once per process, as
// chroma's own lexers do.
var steadyLexers = sync.OnceValue(func() *lexerSet { return newLexerSet(noMatchTimeout) })

// newLexerSet copies every regular-expression lexer of chroma's registry
// with the given match timeout for all its rules.
func newLexerSet(timeout time.Duration) *lexerSet {
	s := &lexerSet{reg: chroma.NewLexerRegistry(), copy: map[chroma.Lexer]chroma.Lexer{}}
	for _, l := range lexers.GlobalLexerRegistry.Lexers {
		if rl, ok := l.(*chroma.RegexLexer); ok {
			c := withMatchTimeout(rl, timeout)
			s.reg.Register(c)
			s.copy[l] = c
		}
	}
	return s
}

// get returns the copy of the lexer chroma finds for name, or nil when
// there is none or it cannot be copied.
func (s *lexerSet) get(name string) chroma.Lexer {
	return s.copy[lexers.Get(name)]
}

// withMatchTimeout returns a lexer with l's configuration and rules whose
// compiled rules all have the given match timeout. chroma sets its own
// timeout as it compiles the rules, when the lexer is first used; then it
// lets every rule with a chroma.LexerMutator rewrite the compiled rules (as
// include does). An extra such rule, setTimeout, sets the timeout of all
// of them and removes itself.
func withMatchTimeout(l *chroma.RegexLexer, timeout time.Duration) *chroma.RegexLexer {
	return chroma.MustNewLexer(l.Config(), func() chroma.Rules {
		rules, err := l.Rules()
		if err != nil {
			panic(err) // as chroma does for a lexer whose rules do not compile; tokenise recovers
		}
		rules = rules.Clone()
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
