package markdown

import (
	"bytes"
	"fmt"
)

// Limits on constructs whose parsing time grows with the square of their
// number inside goldmark: footnote references (20,000 take seconds, 80,000
// a minute and a half) and link reference definitions (80,000 take nine
// seconds). A real incident write-up has dozens; a file beyond these is
// refused before it is parsed, so no file can stall a build.
const (
	MaxFootnotes       = 5000  // "[^" anywhere: references and definitions
	MaxLinkDefinitions = 10000 // lines that start like "[label]:"
)

// checkLimits returns an error when src has more footnotes or link
// reference definitions than the limits allow. It counts generously
// (inside code too), which only matters far beyond any real document.
func checkLimits(src []byte) error {
	if n := bytes.Count(src, []byte("[^")); n > MaxFootnotes {
		return fmt.Errorf("it has %d footnote marks `[^`, more than the %d a document may have; split it or drop footnotes", n, MaxFootnotes)
	}
	defs := 0
	for line := range bytes.Lines(src) {
		line = bytes.TrimLeft(line, " ")
		if len(line) > 1 && line[0] == '[' && bytes.Contains(line, []byte("]:")) {
			defs++
		}
	}
	if defs > MaxLinkDefinitions {
		return fmt.Errorf("it has %d link reference definitions `[label]: url`, more than the %d a document may have; split it", defs, MaxLinkDefinitions)
	}
	return nil
}
