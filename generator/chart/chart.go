// Package chart draws small, accessible SVG charts at build time: no
// JavaScript, colours from CSS classes so they follow the page's light, dark
// and print styles.
package chart

import (
	"fmt"
	"html/template"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Series is one layer of a stacked bar; Class is its CSS class.
type Series struct {
	Class string
	Label string
}

// Bucket is one bar.
type Bucket struct {
	Label  string // full label for the tooltip and the data table: "May 2021"
	Tick   string // axis label under the bar, "" for none: "2021"
	Counts []int  // one per series

	// Break says the axis is broken before this bar: the buckets before
	// it (outliers far back in time, say) are drawn in a band at the left,
	// each in a slot wide enough for its tick label, then a break mark, then
	// the rest of the buckets over the rest of the width. Only the first
	// bucket with Break set breaks the axis.
	Break bool
}

// Options sizes the chart.
type Options struct {
	Width, Height int    // viewBox size; default 800×220
	ID            string // prefix for the title/desc ids; must be unique on the page
	Compact       bool   // no y-axis labels, fewer ticks (home page)
	Note          string // a line of text shown above the plot ("Axis broken: …"); "" for none
}

// headSlot is the least width of a bucket before a break, and breakGap the
// width of the break mark between them and the rest.
const headSlot, breakGap = 36.0, 14.0

// StackedBars draws one bar per bucket, stacked by series, with a y axis,
// tick labels, a tooltip per bar segment, and an accessible name and
// description.
func StackedBars(title, desc string, buckets []Bucket, series []Series, o Options) template.HTML {
	if o.Width == 0 {
		o.Width = 800
	}
	if o.Height == 0 {
		o.Height = 220
	}
	if o.ID == "" {
		o.ID = "chart"
	}
	esc := template.HTMLEscapeString
	maxTotal := 0
	for _, b := range buckets {
		maxTotal = max(maxTotal, sum(b.Counts))
	}
	step := niceStep(maxTotal)
	top := max(step, (maxTotal+step-1)/step*step)

	left, right, above, below := 34.0, 6.0, 8.0, 22.0
	if o.Compact {
		left = 6
	}
	if o.Note != "" {
		above += 14
	}
	plotW := float64(o.Width) - left - right
	plotH := float64(o.Height) - above - below
	// Buckets before a break sit in a band of their own at the left.
	head := 0
	for i, b := range buckets {
		if b.Break && i > 0 {
			head = i
			break
		}
	}
	headW := make([]float64, head) // each as wide as its tick label
	mainLeft := left
	for i := range headW {
		headW[i] = max(headSlot, 6.5*float64(utf8.RuneCountInString(buckets[i].Tick))+8)
		mainLeft += headW[i]
	}
	if head > 0 {
		mainLeft += breakGap
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg class="chart" viewBox="0 0 %d %d" role="img" aria-labelledby="%s-title %s-desc" preserveAspectRatio="xMidYMid meet">`, o.Width, o.Height, o.ID, o.ID)
	fmt.Fprintf(&sb, `<title id="%s-title">%s</title><desc id="%s-desc">%s</desc>`, o.ID, esc(title), o.ID, esc(desc))
	if o.Note != "" {
		fmt.Fprintf(&sb, `<text class="note" x="%s" y="11">%s</text>`, f(left), esc(o.Note))
	}
	// Grid lines (broken with the axis) and y labels.
	for v := 0; v <= top; v += step {
		y := above + plotH - float64(v)/float64(top)*plotH
		if head > 0 {
			fmt.Fprintf(&sb, `<line class="grid" x1="%s" x2="%s" y1="%s" y2="%s"/>`, f(left), f(mainLeft-breakGap), f(y), f(y))
		}
		fmt.Fprintf(&sb, `<line class="grid" x1="%s" x2="%s" y1="%s" y2="%s"/>`, f(mainLeft), f(left+plotW), f(y), f(y))
		if !o.Compact {
			fmt.Fprintf(&sb, `<text class="axis" x="%s" y="%s" text-anchor="end">%d</text>`, f(left-4), f(y+4), v)
		}
	}
	if head > 0 {
		// Two slanted strokes across the axis where time is left out.
		x, y := mainLeft-breakGap/2, above+plotH
		fmt.Fprintf(&sb, `<path class="axis-break" fill="none" stroke="currentColor" d="M%s %sL%s %sM%s %sL%s %s"/>`,
			f(x-5), f(y+5), f(x-1), f(y-5), f(x+1), f(y+5), f(x+5), f(y-5))
	}
	n := len(buckets)
	if n == 0 {
		sb.WriteString(`</svg>`)
		return template.HTML(sb.String())
	}
	slot := (left + plotW - mainLeft) / float64(n-head)
	mainBarW := slot * 0.8
	if slot < 3 {
		mainBarW = slot
	}
	lastTickX := -1000.0
	headX := left
	for i, b := range buckets {
		x, barW, tickX, anchor := mainLeft+float64(i-head)*slot+(slot-mainBarW)/2, mainBarW, 0.0, ""
		tickX = x
		if i < head {
			// A bar as wide as the others (or a little wider, to be
			// seen), under its label's middle.
			barW = min(headW[i]*0.8, max(mainBarW, 6))
			x, tickX, anchor = headX+(headW[i]-barW)/2, headX+headW[i]/2, ` text-anchor="middle"`
			headX += headW[i]
		}
		if i == head && head > 0 {
			lastTickX = -1000 // the first year after the break is labelled
		}
		y := above + plotH
		total := sum(b.Counts)
		if total > 0 {
			fmt.Fprintf(&sb, `<g><title>%s</title>`, esc(tooltip(b, series)))
			for s, c := range b.Counts {
				if c == 0 || s >= len(series) {
					continue
				}
				h := float64(c) / float64(top) * plotH
				y -= h
				fmt.Fprintf(&sb, `<rect class="%s" x="%s" y="%s" width="%s" height="%s"/>`, esc(series[s].Class), f(x), f(y), f(barW), f(h))
			}
			sb.WriteString(`</g>`)
		}
		if b.Tick != "" && (i < head || x-lastTickX >= 36) {
			fmt.Fprintf(&sb, `<text class="axis" x="%s" y="%d"%s>%s</text>`, f(tickX), o.Height-6, anchor, esc(b.Tick))
			lastTickX = x
		}
	}
	sb.WriteString(`</svg>`)
	return template.HTML(sb.String())
}

func tooltip(b Bucket, series []Series) string {
	parts := []string{}
	for s, c := range b.Counts {
		if c > 0 && s < len(series) {
			parts = append(parts, strconv.Itoa(c)+" "+series[s].Label)
		}
	}
	return b.Label + ": " + strings.Join(parts, ", ")
}

// niceStep picks a grid step of 1, 2 or 5 × 10^k giving at most 5 lines.
func niceStep(maxV int) int {
	if maxV <= 5 {
		return 1
	}
	for p := 1; ; p *= 10 {
		for _, m := range []int{1, 2, 5} {
			if maxV <= m*p*5 {
				return m * p
			}
		}
	}
}

func sum(xs []int) int {
	s := 0
	for _, x := range xs {
		s += x
	}
	return s
}

func f(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }
