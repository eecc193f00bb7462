package content

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"casefile/generator/internal/meta"
)

// TextPos maps positions in a front-matter text value (a FAQ answer, the
// internal notes) to the file, so that a problem inside the value (a bad
// link) is reported where it is written. YAML and TOML fold, indent and
// unescape text, so the value is matched against the file: a stretch of it
// that is written as it is maps exactly (plain and quoted scalars, and
// literal and folded blocks, line by line); a position elsewhere (inside an
// escape sequence, say) falls back to where the value starts.
type TextPos struct {
	Line, Col int       // where the value starts in the file
	runs      []textRun // stretches of the value written as they are; nil when none is known
}

// textRun says that bytes [off, off+n) of the value are written from
// line:col of the file on (col counts characters).
type textRun struct{ off, n, line, col int32 }

// At returns the file position of line:col of text, the value TextPos
// was made for (1-based; col counts characters, as markdown positions do).
// For many positions of one value use Cursor.
func (p TextPos) At(text string, line, col int) (int, int) {
	c := p.Cursor(text)
	return c.At(line, col)
}

// Cursor returns a TextCursor over text, the value TextPos was made for.
func (p TextPos) Cursor(text string) TextCursor {
	c := TextCursor{p: p, text: text}
	c.reset()
	return c
}

// TextCursor maps positions of one value as TextPos.At does, in time
// linear in the value's length for positions given in increasing order
// (a value of a megabyte with thousands of links, say).
type TextCursor struct {
	p         TextPos
	text      string
	off       int // byte offset of the character at line:col of the value
	line, col int
	run       int // the first run that does not end before off
	fileCol   int // the file column of off, when off is in runs[run]
}

func (c *TextCursor) reset() {
	c.off, c.line, c.col, c.run = 0, 1, 1, 0
	c.enter()
}

// enter moves to the run off is in, if any.
func (c *TextCursor) enter() {
	for c.run < len(c.p.runs) && int32(c.off) >= c.p.runs[c.run].off+c.p.runs[c.run].n {
		c.run++
	}
	if c.run < len(c.p.runs) && int32(c.off) == c.p.runs[c.run].off {
		c.fileCol = int(c.p.runs[c.run].col)
	}
}

// At returns the file position of line:col of the value.
func (c *TextCursor) At(line, col int) (int, int) {
	if line < c.line || line == c.line && col < c.col {
		c.reset()
	}
	for c.line < line || c.line == line && c.col < col {
		if c.off >= len(c.text) || c.line == line && c.text[c.off] == '\n' {
			break // past the end of the value or of the line
		}
		r, n := utf8.DecodeRuneInString(c.text[c.off:])
		if c.in() {
			c.fileCol++
		}
		c.off += n
		if r == '\n' {
			c.line, c.col = c.line+1, 1
		} else {
			c.col++
		}
		c.enter()
	}
	if c.in() {
		return int(c.p.runs[c.run].line), c.fileCol
	}
	return c.p.Line, c.p.Col
}

// in reports whether off is in a run.
func (c *TextCursor) in() bool {
	return c.run < len(c.p.runs) && c.p.runs[c.run].off <= int32(c.off) && int32(c.off) < c.p.runs[c.run].off+c.p.runs[c.run].n
}

// mayLink reports whether markdown text may hold a link, whose position a
// TextPos would be asked for: only then are its stretches worth finding.
func mayLink(text string) bool {
	return strings.ContainsAny(text, "[<") || strings.Contains(text, "://") || strings.Contains(text, "www.")
}

// textPos finds where the text value of v was written in the front matter
// (see TextPos).
func (d *decoder) textPos(v *meta.Node, value string) TextPos {
	p := TextPos{Line: v.Line, Col: v.Col}
	if d.fm == nil || !mayLink(value) {
		return p
	}
	line := func(n int) ([]byte, bool) { // file line n, without its newline
		i := n - d.first
		if i < 0 || i >= len(d.lines) {
			return nil, false
		}
		end := len(d.fm)
		if i+1 < len(d.lines) {
			end = d.lines[i+1] - 1
		}
		return d.fm[d.lines[i]:end], true
	}
	if d.lines == nil {
		d.lines = []int{0}
		for i, c := range d.fm {
			if c == '\n' {
				d.lines = append(d.lines, i+1)
			}
		}
	}
	ln := v.Line
	raw, ok := line(ln)
	if !ok {
		return p
	}
	// Where the text starts: after an opening quote, or on the line after
	// a block scalar's header (`|`, `>-`…) or an opening `"""`.
	b := byteOfCol(raw, v.Col)
	if b < 0 {
		return p
	}
	rest, col := raw[b:], v.Col
	switch {
	case len(rest) > 0 && (rest[0] == '|' || rest[0] == '>'):
		rest, col = nil, 1
	case bytes.HasPrefix(rest, []byte(`"""`)) || bytes.HasPrefix(rest, []byte(`'''`)):
		rest, col = rest[3:], col+3
		if len(bytes.TrimSpace(rest)) == 0 {
			rest = nil
		}
	case len(rest) > 0 && (rest[0] == '"' || rest[0] == '\'') && len(value) > 0 && value[0] != rest[0]:
		rest, col = rest[1:], col+1
	}
	off := 0
	var run *textRun
	for off < len(value) {
		if len(rest) > 0 && rest[0] == value[off] {
			if run == nil {
				p.runs = append(p.runs, textRun{off: int32(off), line: int32(ln), col: int32(col)})
				run = &p.runs[len(p.runs)-1]
			}
			if utf8.RuneStart(rest[0]) {
				col++ // the next character's, once this one's bytes are matched
			}
			run.n++
			rest, off = rest[1:], off+1
			continue
		}
		run = nil
		if len(bytes.TrimRight(rest, " \t")) > 0 {
			break // an escape, a comment, the closing quote: the rest is not known
		}
		// The end of a line: the value has a space (folded) or a newline
		// (kept) for it, or nothing (a line break escaped away).
		if value[off] == ' ' || value[off] == '\n' {
			off++
		}
		ln++
		if rest, ok = line(ln); !ok {
			break
		}
		// The line's indentation, but for the spaces the value keeps.
		indent := len(rest) - len(bytes.TrimLeft(rest, " \t"))
		keep := len(value[off:]) - len(strings.TrimLeft(value[off:], " \t"))
		if keep > indent {
			keep = indent
		}
		rest, col = rest[indent-keep:], 1+indent-keep
	}
	return p
}

// byteOfCol returns the byte offset of character col (1-based) of line, or
// -1 when the line is shorter.
func byteOfCol(line []byte, col int) int {
	b := 0
	for c := 1; c < col; c++ {
		if b >= len(line) {
			return -1
		}
		_, n := utf8.DecodeRune(line[b:])
		b += n
	}
	return b
}
