package site

import (
	"testing"
	"time"

	"casefile/generator/content"
	"casefile/generator/render"
)

// showDate gives each precision its own display and machine forms (packed
// into one string, which must not bleed one into the other).
func TestShowDate(t *testing.T) {
	at := time.Date(2023, 8, 7, 14, 5, 9, 0, time.FixedZone("CEST", 2*3600))
	for _, c := range []struct {
		p    content.Precision
		want render.Date
	}{
		{content.PrecisionNone, render.Date{}},
		{content.PrecisionYear, render.Date{Display: "2023", ISO: "2023"}},
		{content.PrecisionMonth, render.Date{Display: "August 2023", ISO: "2023-08"}},
		{content.PrecisionDay, render.Date{Display: "7 August 2023", ISO: "2023-08-07"}},
		{content.PrecisionTime, render.Date{Display: "7 August 2023, 14:05 CEST", ISO: "2023-08-07T14:05:09+02:00"}},
	} {
		if got := showDate(content.Date{Time: at, Precision: c.p}); got != c.want {
			t.Errorf("precision %d: %+v, want %+v", c.p, got, c.want)
		}
	}
}
