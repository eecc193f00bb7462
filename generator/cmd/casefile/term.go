package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"casefile/generator/diag"
)

// isTerminal reports whether w is a character device (a terminal), not a
// file or pipe.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// useColor says whether to colour output for w: only on a terminal, never
// when NO_COLOR is set to anything (https://no-color.org) or TERM is dumb.
func useColor(w io.Writer, getenv func(string) string) bool {
	return isTerminal(w) && getenv("NO_COLOR") == "" && getenv("TERM") != "dumb"
}

// ANSI styles.
const (
	ansiRed    = "\x1b[31m"
	ansiYellow = "\x1b[33m"
	ansiBold   = "\x1b[1m"
	ansiDim    = "\x1b[2m"
	ansiReset  = "\x1b[0m"
)

// formatDiag formats d as "file:line:col: severity: message; hint", with the
// position in bold and the severity in red or yellow when color is set.
func formatDiag(d diag.Diagnostic, color bool) string {
	s := d.String()
	if !color {
		return s
	}
	sev := d.Severity.String() + ":"
	i := strings.Index(s, ": "+sev)
	if i < 0 {
		return s
	}
	c := ansiYellow
	if d.Severity == diag.Error {
		c = ansiRed
	}
	return ansiBold + s[:i+1] + ansiReset + " " + c + ansiBold + sev + ansiReset + s[i+2+len(sev):]
}

// progress draws a one-line progress bar on a terminal for builds that
// take a while: nothing for the first showAfter, then at most every
// redraw, and the line is erased when the build ends so that only the
// summary stays.
type progress struct {
	w         io.Writer
	color     bool
	now       func() time.Time
	start     time.Time
	showAfter time.Duration
	redraw    time.Duration

	mu    sync.Mutex
	last  time.Time
	shown bool
	stage string
}

func newProgress(w io.Writer, color bool, now func() time.Time) *progress {
	return &progress{w: w, color: color, now: now, start: now(), showAfter: 400 * time.Millisecond, redraw: 100 * time.Millisecond}
}

// update is site.Options.Progress.
func (p *progress) update(stage string, done, total int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	t := p.now()
	stageChanged := stage != p.stage
	p.stage = stage
	if t.Sub(p.start) < p.showAfter || (!stageChanged && t.Sub(p.last) < p.redraw && done != total) {
		return
	}
	p.last = t
	p.shown = true
	fmt.Fprint(p.w, "\r\x1b[K"+progressLine(stage, done, total, t.Sub(p.start), p.color))
}

// finish erases the bar.
func (p *progress) finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.shown {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.shown = false
	}
}

// progressLine is one frame: the stage, a bar of 30 cells, the percentage
// and count, and the time so far. Stages without a count show the stage
// and the time only.
func progressLine(stage string, done, total int, elapsed time.Duration, color bool) string {
	secs := fmt.Sprintf("%.1fs", elapsed.Seconds())
	if total <= 0 {
		return fmt.Sprintf("%-8s %s", stage, secs)
	}
	const cells = 30
	full := done * cells / total
	bar := strings.Repeat("█", full) + strings.Repeat("░", cells-full)
	if color {
		bar = ansiDim + bar + ansiReset
	}
	return fmt.Sprintf("%-8s %s %3d%% %d/%d files  %s", stage, bar, done*100/total, done, total, secs)
}
