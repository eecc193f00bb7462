// Package chart draws small, accessible SVG charts at build time: no
// JavaScript, colours from CSS classes so they follow the page's light, dark
// and print styles.
package chart

import (
	"fmt"
	"html/template"
	"strconv"
	"strings"
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
}

// Options sizes the chart.
type Options struct {
	Width, Height int    // viewBox size; default 800×220
	ID            string // prefix for the title/desc ids; must be unique on the page
	Compact       bool   // no y-axis labels, fewer ticks (home page)
}

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
	plotW := float64(o.Width) - left - right
	plotH := float64(o.Height) - above - below
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg class="chart" viewBox="0 0 %d %d" role="img" aria-labelledby="%s-title %s-desc" preserveAspectRatio="xMidYMid meet">`, o.Width, o.Height, o.ID, o.ID)
	fmt.Fprintf(&sb, `<title id="%s-title">%s</title><desc id="%s-desc">%s</desc>`, o.ID, esc(title), o.ID, esc(desc))
	// Grid lines and y labels.
	for v := 0; v <= top; v += step {
		y := above + plotH - float64(v)/float64(top)*plotH
		fmt.Fprintf(&sb, `<line class="grid" x1="%s" x2="%s" y1="%s" y2="%s"/>`, f(left), f(left+plotW), f(y), f(y))
		if !o.Compact {
			fmt.Fprintf(&sb, `<text class="axis" x="%s" y="%s" text-anchor="end">%d</text>`, f(left-4), f(y+4), v)
		}
	}
	n := len(buckets)
	if n == 0 {
		sb.WriteString(`</svg>`)
		return template.HTML(sb.String())
	}
	slot := plotW / float64(n)
	barW := slot * 0.8
	if slot < 3 {
		barW = slot
	}
	lastTickX := -1000.0
	for i, b := range buckets {
		x := left + float64(i)*slot + (slot-barW)/2
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
		if b.Tick != "" && x-lastTickX >= 36 {
			fmt.Fprintf(&sb, `<text class="axis" x="%s" y="%d">%s</text>`, f(x), o.Height-6, esc(b.Tick))
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
