package chart

import (
	"strings"
	"testing"

	"golang.org/x/net/html"
)

func TestStackedBars(t *testing.T) {
	series := []Series{{"s-critical", "critical"}, {"s-high", "high"}}
	buckets := []Bucket{
		{Label: "January 2021", Tick: "2021", Counts: []int{1, 2}},
		{Label: "February 2021", Counts: []int{0, 0}},
		{Label: "March 2021 <&>", Counts: []int{4, 0}},
	}
	svg := string(StackedBars("Incidents <per> month", "From January & March", buckets, series, Options{ID: "tl"}))
	doc, err := html.Parse(strings.NewReader(svg))
	if err != nil {
		t.Fatal(err)
	}
	var rects, titles []string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "rect" {
			for _, a := range n.Attr {
				if a.Key == "class" {
					rects = append(rects, a.Val)
				}
			}
		}
		if n.Type == html.ElementNode && n.Data == "title" && n.FirstChild != nil {
			titles = append(titles, n.FirstChild.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	if strings.Join(rects, ",") != "s-critical,s-high,s-critical" {
		t.Errorf("rects = %v: want one per non-zero count, stacked in series order", rects)
	}
	want := []string{"Incidents <per> month", "January 2021: 1 critical, 2 high", "March 2021 <&>: 4 critical"}
	if strings.Join(titles, "|") != strings.Join(want, "|") {
		t.Errorf("titles = %q, want %q", titles, want)
	}
	for _, s := range []string{`role="img"`, `aria-labelledby="tl-title tl-desc"`, `<desc id="tl-desc">From January &amp; March</desc>`, `>2021</text>`} {
		if !strings.Contains(svg, s) {
			t.Errorf("svg lacks %s", s)
		}
	}
	// The tallest bar (4) reaches the top grid line: y axis labelled 0..4.
	if !strings.Contains(svg, `text-anchor="end">4</text>`) {
		t.Errorf("y axis should end at 4:\n%s", svg)
	}
}

func TestNiceStep(t *testing.T) {
	for _, c := range []struct{ max, step int }{{0, 1}, {5, 1}, {6, 2}, {10, 2}, {11, 5}, {25, 5}, {26, 10}, {120, 50}, {9000, 2000}} {
		if got := niceStep(c.max); got != c.step {
			t.Errorf("niceStep(%d) = %d, want %d", c.max, got, c.step)
		}
	}
}

// TestBrokenAxis: buckets before one marked Break sit in a band of their
// own at the left, each under its whole tick label, then a break mark, then
// the rest over the rest of the width; the note is shown above the plot.
func TestBrokenAxis(t *testing.T) {
	series := []Series{{"s-high", "high"}}
	buckets := []Bucket{{Label: "1628–1802", Tick: "1628–1802", Counts: []int{2}}, {Label: "March 1950", Tick: "1950", Counts: []int{1}, Break: true}}
	for i := 0; i < 99; i++ {
		buckets = append(buckets, Bucket{Label: "later", Counts: []int{i % 2}})
	}
	svg := string(StackedBars("T", "D", buckets, series, Options{ID: "c", Note: "Axis broken: 2 incidents before 1950 <at left>"}))
	for _, s := range []string{
		`<text class="note" x="34.0" y="11">Axis broken: 2 incidents before 1950 &lt;at left&gt;</text>`,
		// 9 runes of label: a band 6.5*9+8 = 66.5 wide from x=34, then the break mark 14 wide.
		`<path class="axis-break" fill="none" stroke="currentColor" d="M102.5 203.0L106.5 193.0M108.5 203.0L112.5 193.0"/>`,
		`<text class="axis" x="67.2" y="214" text-anchor="middle">1628–1802</text>`,
		`<title>1628–1802: 2 high</title><rect class="s-high" x="64.2" y="22.0" width="6.0" height="176.0"/>`,
		`<text class="axis" x="115.2" y="214">1950</text>`,
		// Grid lines stop short of the break.
		`<line class="grid" x1="34.0" x2="100.5" y1="198.0" y2="198.0"/><line class="grid" x1="114.5" x2="794.0" y1="198.0" y2="198.0"/>`,
	} {
		if !strings.Contains(svg, s) {
			t.Errorf("svg lacks %s", s)
		}
	}
	if t.Failed() {
		t.Log(svg)
	}
	// Without a break: one band, no mark, no note.
	svg = string(StackedBars("T", "D", buckets[1:], series, Options{ID: "c"}))
	if strings.Contains(svg, "axis-break") || strings.Contains(svg, `class="note"`) {
		t.Errorf("break mark or note without a break:\n%s", svg)
	}
}
