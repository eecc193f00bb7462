package site

import (
	"testing"
	"time"
)

func TestOutlierCut(t *testing.T) {
	m := func(y, mo int) time.Time { return time.Date(y, time.Month(mo), 1, 0, 0, 0, 0, time.UTC) }
	for _, c := range []struct {
		name   string
		months []time.Time
		counts []int
		want   int
	}{
		{"one far outlier", []time.Time{m(1628, 8), m(1950, 3), m(1990, 1), m(2026, 1)}, []int{1, 1, 1, 1}, 1},
		{"close together", []time.Time{m(2000, 1), m(2001, 1), m(2020, 1)}, []int{1, 1, 1}, 0},
		{"most are old", []time.Time{m(1990, 1), m(1991, 1), m(2020, 1)}, []int{3, 3, 1}, 0},
		{"small site", []time.Time{m(1628, 8), m(2020, 1), m(2021, 1)}, []int{1, 1, 1}, 1},
		{"two steps: the latest cut", []time.Time{m(1628, 1), m(1900, 1), m(1990, 1), m(2020, 1)}, []int{1, 1, 3, 3}, 2},
		{"gap under ten years", []time.Time{m(2015, 1), m(2024, 1), m(2024, 2)}, []int{1, 1, 1}, 0},
		{"one month", []time.Time{m(1628, 1)}, []int{1}, 0},
	} {
		counts := map[time.Time][]int{}
		for i, mo := range c.months {
			counts[mo] = []int{c.counts[i]}
		}
		if got := outlierCut(c.months, counts); got != c.want {
			t.Errorf("%s: cut %d, want %d", c.name, got, c.want)
		}
	}
}
