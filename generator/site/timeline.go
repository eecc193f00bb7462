package site

import (
	"fmt"
	"html/template"
	"strconv"
	"time"

	"casefile/generator/chart"
	"casefile/generator/content"
	"casefile/generator/render"
)

// timelineFull is the largest knowledge base whose timeline page lists
// every incident; larger ones list months with counts and link to a page
// per year.
const timelineFull = 1000

// severityOrder stacks chart bars from the most severe up.
var severityOrder = []struct{ key, label string }{
	{"critical", "critical"}, {"high", "high"}, {"moderate", "moderate"}, {"low", "low"}, {"", "not rated"},
}

func severityIndex(s string) int {
	for i, so := range severityOrder {
		if so.key == s {
			return i
		}
	}
	return len(severityOrder) - 1
}

// years groups the incidents (newest first) by year and month.
func (b *builder) years(withCards bool) []render.Year {
	var out []render.Year
	for _, it := range b.incidents {
		d := it.src.Date.Time
		if len(out) == 0 || out[len(out)-1].Year != d.Year() {
			out = append(out, render.Year{Year: d.Year(), ID: fmt.Sprintf("y%d", d.Year()), URL: fmt.Sprintf("timeline/%d/", d.Year())})
		}
		y := &out[len(out)-1]
		y.Count++
		name := d.Format("January 2006")
		if len(y.Months) == 0 || y.Months[len(y.Months)-1].Name != name {
			y.Months = append(y.Months, render.Month{Name: name, ID: d.Format("m2006-01")})
		}
		m := &y.Months[len(y.Months)-1]
		m.Count++
		if withCards {
			m.Incidents = append(m.Incidents, it.card)
		}
	}
	return out
}

// monthChart draws incidents per month, stacked by severity, over the whole
// span of the knowledge base.
// It returns the SVG, and the numbers per year for a data table.
func (b *builder) monthChart(id string, compact bool) (svg template.HTML, rows []render.ChartRow, cols []string) {
	series := make([]chart.Series, len(severityOrder))
	for i, so := range severityOrder {
		cls := "s-" + so.key
		if so.key == "" {
			cls = "s-none"
		}
		series[i] = chart.Series{Class: cls, Label: so.label}
		cols = append(cols, so.label)
	}
	if len(b.incidents) == 0 {
		return "", nil, cols
	}
	first := monthOf(b.incidents[len(b.incidents)-1].src.Date.Time)
	last := monthOf(b.incidents[0].src.Date.Time)
	counts := map[time.Time][]int{}
	yearRows := map[int][]int{}
	for _, it := range b.incidents {
		m := monthOf(it.src.Date.Time)
		if counts[m] == nil {
			counts[m] = make([]int, len(severityOrder))
		}
		s := severityIndex(it.src.Severity)
		counts[m][s]++
		y := m.Year()
		if yearRows[y] == nil {
			yearRows[y] = make([]int, len(severityOrder))
		}
		yearRows[y][s]++
	}
	var buckets []chart.Bucket
	busiest, busiestN := time.Time{}, 0
	for m := first; !m.After(last); m = m.AddDate(0, 1, 0) {
		c := counts[m]
		if c == nil {
			c = make([]int, len(severityOrder))
		}
		tick := ""
		if m.Month() == time.January || m.Equal(first) {
			tick = strconv.Itoa(m.Year())
		}
		buckets = append(buckets, chart.Bucket{Label: m.Format("January 2006"), Tick: tick, Counts: c})
		if t := total(c); t > busiestN {
			busiest, busiestN = m, t
		}
	}
	title := "Incidents per month, by severity"
	desc := fmt.Sprintf("Stacked bars of %s per month from %s to %s, coloured by severity. The busiest month was %s with %s.",
		plural(len(b.incidents), "incident", "incidents"), first.Format("January 2006"), last.Format("January 2006"),
		busiest.Format("January 2006"), plural(busiestN, "incident", "incidents"))
	opts := chart.Options{ID: id, Compact: compact}
	if compact {
		opts.Height = 120
	}
	svg = chart.StackedBars(title, desc, buckets, series, opts)
	for y := last.Year(); y >= first.Year(); y-- {
		if r := yearRows[y]; r != nil {
			rows = append(rows, render.ChartRow{Label: strconv.Itoa(y), Counts: r, Total: total(r)})
		}
	}
	return svg, rows, cols
}

func monthOf(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC) }

func total(xs []int) int {
	n := 0
	for _, x := range xs {
		n += x
	}
	return n
}

func (b *builder) timelineJobs() []job {
	jobs := []job{{path: pageDir("timeline/"), what: "timeline", kind: "timeline", make: b.renderTimeline, key: b.keyer("timeline").u64(b.allListed).sum(), mod: newestOf(b.incidents)}}
	years := map[int]keyer{}
	newest := map[int]content.Date{}
	for _, it := range b.incidents {
		y := it.src.Date.Year()
		k, ok := years[y]
		if !ok {
			k = b.keyer("year").int(y)
		}
		years[y] = k.listed(it)
		if m := it.src.Modified(); m.After(newest[y].Time) {
			newest[y] = m
		}
	}
	for _, y := range b.timeline {
		k := years[y.Year]
		jobs = append(jobs, job{path: pageDir(y.URL), what: fmt.Sprintf("timeline %d", y.Year), kind: "timeline", make: func() ([]byte, error) { return b.renderYear(y.Year) }, key: k.sum(), mod: newest[y.Year]})
	}
	return jobs
}

func (b *builder) renderTimeline() ([]byte, error) {
	pg := b.newPage("timeline", "timeline/", "Timeline", fmt.Sprintf("Every incident in %s by year and month.", b.cfg.Title))
	pg.Chart, pg.ChartData, pg.ChartCols = b.monthChart("timeline-chart", false)
	pg.Years = b.timeline
	if len(b.incidents) > timelineFull {
		pg.Years = b.years(false)
	}
	pg.Total = len(b.incidents)
	pg.Crumbs = []render.Link{{Name: "Home", URL: ""}, {Name: "Timeline", URL: "timeline/", Current: true}}
	if err := b.setJSONLD(pg, b.listGraph(pg, nil, 0)); err != nil {
		return nil, err
	}
	return b.tpl.Render("timeline.html", pg)
}

func (b *builder) renderYear(year int) ([]byte, error) {
	var y render.Year
	for _, yy := range b.timeline {
		if yy.Year == year {
			y = yy
		}
	}
	dir := y.URL
	pg := b.newPage("timeline", dir, fmt.Sprintf("Incidents of %d", year), fmt.Sprintf("%s in %d, by month.", plural(y.Count, "incident", "incidents"), year))
	pg.Years = []render.Year{y}
	pg.Total = y.Count
	pg.Crumbs = []render.Link{{Name: "Home", URL: ""}, {Name: "Timeline", URL: "timeline/"}, {Name: strconv.Itoa(year), URL: dir, Current: true}}
	var cards []*render.Card
	for _, m := range y.Months {
		cards = append(cards, m.Incidents...)
	}
	if err := b.setJSONLD(pg, b.listGraph(pg, cards, 0)); err != nil {
		return nil, err
	}
	return b.tpl.Render("timeline.html", pg)
}
