package content

import (
	"time"

	"casefile/generator/diag"
)

// Future warns about every date after now: an incident's `date` and
// `updated`, its timeline entries and source dates, and a page's dates. A
// date in the future is almost always a typo in the year. A date counts
// from the start of what it names (2031 is 2031-01-01, 2031-05 is
// 2031-05-01), so only a whole period after now is warned about.
func Future(c *Corpus, now time.Time) diag.List {
	var diags diag.List
	warn := func(file string, a at, line int, what string, d Date) {
		if d.IsZero() || !d.After(now) {
			return
		}
		col := 0
		if a.written() {
			line, col = int(a.line), int(a.col)
		}
		diags.Warnf(file, line, col, "check the year; an event that has not happened yet does not belong in the knowledge base",
			"%s %s is in the future", what, d.Format(layoutOf(d.Precision)))
	}
	for _, in := range c.Incidents {
		warn(in.Source, in.pos.date, 1, "`date`", in.Date)
		warn(in.Source, in.pos.updated, 1, "`updated`", in.Updated)
		for _, e := range in.Timeline {
			warn(in.Source, at{}, e.Line, "timeline date", e.Date)
		}
		for _, s := range in.Sources {
			warn(in.Source, at{}, s.Line, "source date", s.Date)
		}
	}
	for _, pg := range c.Pages {
		warn(pg.Source, pg.pos.date, 1, "`date`", pg.Date)
		warn(pg.Source, pg.pos.updated, 1, "`updated`", pg.Updated)
	}
	return diags
}

// layoutOf is the layout that shows a date as precisely as it was written.
func layoutOf(p Precision) string {
	switch p {
	case PrecisionYear:
		return "2006"
	case PrecisionMonth:
		return "2006-01"
	case PrecisionTime:
		return "2006-01-02 15:04"
	}
	return "2006-01-02"
}
