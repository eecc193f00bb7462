package markdown

import (
	"bytes"
	"fmt"
)

// Limits on constructs whose parsing time grows with the square of their
// number inside goldmark: footnote references (20,000 take seconds, 80,000
// a minute and a half) and link reference definitions (80,000 take nine
// seconds). A real incident write-up has dozens; a file beyond these is
// refused before it is parsed, so no file can stall a build. (Emphasis,
// links and nesting have no limit: the parser takes them in linear time,
// see newParser and maxNesting.)
const (
	MaxFootnotes       = 5000  // "[^" anywhere: references and definitions
	MaxLinkDefinitions = 10000 // lines that start like "[label]:"
)

// LimitError is a document beyond one of the limits above; Line and Col
// (1-based, Col in characters) are where, in the rendered source, the first
// construct over the limit starts.
type LimitError struct {
	Line, Col int
	Msg       string
}

func (e *LimitError) Error() string { return e.Msg }

// checkLimits returns a *LimitError when src has more footnotes or link
// reference definitions than the limits allow. It counts generously
// (inside code too), which only matters far beyond any real document.
func checkLimits(src []byte) error {
	if n := bytes.Count(src, []byte("[^")); n > MaxFootnotes {
		off := 0
		for range MaxFootnotes + 1 {
			off += bytes.Index(src[off:], []byte("[^")) + 2
		}
		return limitError(src, off-2, "it has %d footnote marks `[^`, more than the %d a document may have (this is mark %d); split it or drop footnotes", n, MaxFootnotes, MaxFootnotes+1)
	}
	defs, over := 0, -1
	off := 0
	for line := range bytes.Lines(src) {
		trimmed := bytes.TrimLeft(line, " ")
		if len(trimmed) > 1 && trimmed[0] == '[' && bytes.Contains(trimmed, []byte("]:")) {
			if defs++; defs == MaxLinkDefinitions+1 {
				over = off + len(line) - len(trimmed)
			}
		}
		off += len(line)
	}
	if defs > MaxLinkDefinitions {
		return limitError(src, over, "it has %d link reference definitions `[label]: url`, more than the %d a document may have (this is definition %d); split it", defs, MaxLinkDefinitions, MaxLinkDefinitions+1)
	}
	return nil
}

func limitError(src []byte, off int, format string, args ...any) *LimitError {
	li := lineIndex{src: src}
	line, col := li.position(off)
	return &LimitError{Line: line, Col: col, Msg: fmt.Sprintf(format, args...)}
}
