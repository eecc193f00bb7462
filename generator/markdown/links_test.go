package markdown

import (
	"math/rand/v2"
	"testing"

	"github.com/yuin/goldmark/text"
)

// TestDestScanner: wherever destScanner's tables answer, they answer as
// goldmark's scan of the destination would.
func TestDestScanner(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const alphabet = "()<>\\\\ \tx\"'*["
	var d destScanner
	for range 3000 {
		line := make([]byte, 1+rng.IntN(40))
		for i := range line {
			line[i] = alphabet[rng.IntN(len(alphabet))]
		}
		src := append([]byte("pad"), line...)
		d.stop = -1
		for p := 3; p < len(src); p++ {
			seg := text.NewSegment(p, len(src))
			if !d.covers(src, seg) {
				continue
			}
			i := p - d.base
			wantDest, wantN, wantOK := scanDestination(src[p:])
			var gotN int
			var gotOK bool
			if src[p] == '<' {
				if d.depth[i+1] == noToken {
					continue
				}
				j := d.gt[i+1]
				gotOK = j >= 0
				if gotOK {
					gotN = int(j) - i + 1
				}
			} else {
				gotN = int(d.end[i])
				gotOK = gotN != 0
			}
			if gotOK != wantOK || (gotOK && gotN != wantN) {
				t.Fatalf("line %q from %d: tables say %d %v, goldmark's scan %d %v (%q)", src[3:], p-3, gotN, gotOK, wantN, wantOK, wantDest)
			}
		}
	}
}
