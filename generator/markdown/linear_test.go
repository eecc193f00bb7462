package markdown

import (
	"bytes"
	"fmt"
	"runtime"
	"testing"
	"time"
)

// Sizes and budget of FuzzRenderLinear: a document of scaled bytes must
// render within linearBudget times the time of one of base bytes. Linear
// work takes 8 times as long (a little more with the garbage collector),
// work growing with the square of the size 64 times.
const (
	linearBase   = 8 << 10
	linearScaled = 64 << 10
	linearBudget = 24
	// linearFloor: a scaled document rendered this fast is within any
	// budget (so that timer noise on small times is not mistaken for
	// growth).
	linearFloor = 20 * time.Millisecond
)

// linearSeeds are shapes that took time with the square of their size
// before the parser was bounded (see newParser), and shapes near them:
// repeated units, and prefix\x00middle\x00suffix triples for nested ones.
var linearSeeds = []string{
	"[x](", "![x](", "[x](<", "[x](\"", "[x](a (", "[x](a \"", "[x][", "[x]\n", "[a](/u \"t\")\n",
	"*a_", "_a*", "n_*", "**a_", "*a ", "~a*", "[[]", "[_-",
	"x\n\x00[^a]\n\x00", // footnote references in a paragraph of many lines
	"[\x00a`b` \x00]", "[\x00ab \x00]", "*\x00a\x00*", "_\x00a\x00_", "`\x00a\x00`", "<\x00a\x00>", "(\x00a\x00)",
	"- \x00a\n\x00", "> \x00a\n\x00", "| a \x00|---\x00\n",
}

// FuzzRenderLinear: rendering takes time linear in the size of the
// document, whatever it is made of. The fuzzed seed is split at its first
// two NUL bytes into prefix, middle and suffix (without NULs it is all
// prefix); the document of scale n is the prefix n times, the middle n
// times and the suffix n times, so that nested shapes ("[" n times, text,
// "]" n times) grow as well as repeated ones. The document of linearScaled
// bytes must render within linearBudget times the time of the one of
// linearBase bytes. Times are the best of three, and a document over
// budget is measured again twice before the test fails, so that a busy
// machine does not fail it: work that grows with the square of the size
// is over budget every time.
func FuzzRenderLinear(f *testing.F) {
	for _, s := range linearSeeds {
		f.Add([]byte(s))
	}
	r := New(Options{})
	f.Fuzz(func(t *testing.T, seed []byte) {
		if len(seed) == 0 || len(seed) > 64 {
			return
		}
		parts := bytes.SplitN(seed, []byte{0}, 3)
		unit := 0
		for _, p := range parts {
			unit += len(p)
		}
		if unit == 0 {
			return
		}
		doc := func(size int) []byte {
			n := max(size/unit, 1)
			var b bytes.Buffer
			for _, p := range parts {
				b.Write(bytes.Repeat(p, n))
			}
			return b.Bytes()
		}
		small, large := doc(linearBase), doc(linearScaled)
		best := func(src []byte) time.Duration {
			runtime.GC()
			d := time.Duration(1<<63 - 1)
			for range 3 {
				start := time.Now()
				_, _ = r.Render(src)
				d = min(d, time.Since(start))
			}
			return d
		}
		var ts, tl time.Duration
		for range 3 {
			ts, tl = best(small), best(large)
			if tl <= linearFloor || tl <= linearBudget*ts {
				return
			}
		}
		t.Errorf("%d bytes took %v, %d bytes %v: %.0f times as long for %d times the size (seed %q)",
			len(small), ts, len(large), tl, float64(tl)/float64(max(ts, 1)), len(large)/len(small), seed)
	})
}

// renderTime is the best of three renderings of src, after a collection.
func renderTime(t *testing.T, r *Renderer, src []byte) time.Duration {
	t.Helper()
	runtime.GC()
	d := time.Duration(1<<63 - 1)
	for range 3 {
		start := time.Now()
		if _, err := r.Render(src); err != nil {
			t.Fatal(err)
		}
		d = min(d, time.Since(start))
	}
	return d
}

// costsAsMuch fails unless src renders within factor times the time of
// like, a document of about the same size without the construct under
// test; over that, both are timed twice more before it fails.
func costsAsMuch(t *testing.T, r *Renderer, name string, src, like []byte, factor time.Duration) {
	t.Helper()
	var tl, ts time.Duration
	for range 3 {
		if tl, ts = renderTime(t, r, like), renderTime(t, r, src); ts <= factor*tl || ts <= linearFloor {
			return
		}
	}
	t.Errorf("%s: %d bytes took %v, %d bytes without it %v", name, len(src), ts, len(like), tl)
}

// TestManyLinesCost: links, images and footnote references in a paragraph
// of many lines cost what they cost in a short one. goldmark copied each
// label, title and footnote label with text.BlockReader.Value, which looks
// for the first line of what it copies from the paragraph's last line
// back: 80,000 lines of "[a]" took 6.5 s.
func TestManyLinesCost(t *testing.T) {
	r := New(Options{})
	lines := func(line string, n int) []byte { return bytes.Repeat([]byte(line), n) }
	costsAsMuch(t, r, "shortcut references", lines("[x]\n", 40000), lines("xyz\n", 40000), 8)
	costsAsMuch(t, r, "titles", lines("[a](/u \"t\")\n", 20000), lines("xa /u xtx\n", 20000), 8)
	// At most MaxFootnotes references: each cost a pass over the lines
	// after it, 7 times the paragraph's own cost, the same references at
	// its end none.
	refs, text := lines("[^a]\n", MaxFootnotes-100), lines("x\n", 200000)
	first := bytes.Join([][]byte{[]byte("x\n"), refs, text, []byte("\n[^a]: n\n")}, nil)
	last := bytes.Join([][]byte{[]byte("x\n"), text, refs, []byte("\n[^a]: n\n")}, nil)
	costsAsMuch(t, r, "footnote references", first, last, 3)
}

// TestLinkLabelsCost: a "]" closing a "[" far behind it costs no more than
// the text between them. goldmark walked every node after the "[" to see
// whether it held a link, and copied the text up to the "]" as a possible
// reference label before looking at its length; with 900 labels open (the
// most its 999-byte rule lets be open at once) that was 900 walks and
// copies of the whole paragraph: 400 KB took 26 s. The paragraph with the
// brackets must render within 8 times the time of its text alone (it is
// about as fast).
func TestLinkLabelsCost(t *testing.T) {
	r := New(Options{})
	for _, text := range []string{"a`b` ", "ab "} {
		body := bytes.Repeat([]byte(text), 20000)
		brackets := append(append(bytes.Repeat([]byte("["), 900), body...), bytes.Repeat([]byte("]"), 900)...)
		costsAsMuch(t, r, fmt.Sprintf("%q in 900 brackets", text), brackets, body, 8)
	}
}
