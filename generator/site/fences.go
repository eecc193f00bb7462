package site

import (
	"fmt"

	"casefile/generator/diag"
	"casefile/generator/markdown"
)

// Fence problems (markdown.FenceProblem): lines that read as `::: internal`
// fences whose text the markdown, as parsed, would show. A public build
// refuses them (the text would be published); an internal build, which
// shows everything anyway, warns.

// fenceProblems reports the problems of a body that starts at bodyLine.
func (b *builder) fenceProblems(d *diag.List, source string, bodyLine int, probs []markdown.FenceProblem) {
	for _, p := range probs {
		line := func(l int) int { return bodyLine + l - 1 }
		b.fenceDiag(d, source, line(p.Line), p.Col, p.Message(line), p.Hint)
	}
}

// fragmentFenceProblems reports the problems of a front-matter value (a FAQ
// answer, internal notes) at line:col of its key, naming the line within the
// value (and the lines the message names, within the value too).
func (b *builder) fragmentFenceProblems(d *diag.List, source string, line, col int, what string, probs []markdown.FenceProblem) {
	for _, p := range probs {
		b.fenceDiag(d, source, line, col, fmt.Sprintf("%s, its line %d: %s", what, p.Line, p.Message(nil)), p.Hint)
	}
}

func (b *builder) fenceDiag(d *diag.List, source string, line, col int, msg, hint string) {
	if b.opts.Profile == ProfileInternal {
		d.Warnf(source, line, col, hint, "%s", msg)
		return
	}
	d.Errorf(source, line, col, hint, "%s", msg)
}

// internalTexts returns what the leak guard must look for of a markdown
// text: its internal blocks (info and text) and the raw text the line
// scanner reads as inside internal fences, each at the file line line(l)
// for its line l in the text.
func internalTexts(blocks []markdown.InternalBlock, fenced []markdown.FencedText, line func(int) int) []internalText {
	var out []internalText
	for _, blk := range blocks {
		out = append(out, internalText{line(blk.Line), blk.Info + "\n" + blk.Text})
	}
	for _, f := range fenced {
		out = append(out, internalText{line(f.Line), f.Text})
	}
	return out
}
