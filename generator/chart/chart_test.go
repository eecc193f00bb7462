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
