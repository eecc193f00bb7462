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
// span of the knowledge base. Incidents far older than the rest (see
// outlierCut) are drawn as one bar left of a break in the axis, which the
// chart says in a note, so that a postmortem of 1628 does not squeeze the
// other 75 years into a sliver. It returns the SVG, and the numbers per
// year (every year, those before the break too) for a data table.
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
	counts := map[time.Time][]int{}
	yearRows := map[int][]int{}
	var months []time.Time // distinct, oldest first
	for k := len(b.incidents) - 1; k >= 0; k-- {
		it := b.incidents[k]
		m := monthOf(it.src.Date.Time)
		if counts[m] == nil {
			counts[m] = make([]int, len(severityOrder))
			months = append(months, m)
		}
		s := severityIndex(it.src.Severity)
		counts[m][s]++
		y := m.Year()
		if yearRows[y] == nil {
			yearRows[y] = make([]int, len(severityOrder))
		}
		yearRows[y][s]++
	}
	cut := outlierCut(months, counts)
	first, last := months[cut], months[len(months)-1]
	var buckets []chart.Bucket
	note, earlier := "", ""
	if cut > 0 {
		c := make([]int, len(severityOrder))
		n := 0
		for _, m := range months[:cut] {
			for s, x := range counts[m] {
				c[s] += x
				n += x
			}
		}
		earlier = strconv.Itoa(months[0].Year())
		if y := months[cut-1].Year(); y != months[0].Year() {
			earlier += "–" + strconv.Itoa(y)
		}
		buckets = append(buckets, chart.Bucket{Label: earlier, Tick: earlier, Counts: c})
		note = fmt.Sprintf("Axis broken: %s before %d (%s) at the left, not to time scale.",
			plural(n, "incident", "incidents"), first.Year(), earlier)
	}
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
		buckets = append(buckets, chart.Bucket{Label: m.Format("January 2006"), Tick: tick, Counts: c, Break: cut > 0 && m.Equal(first)})
		if t := total(c); t > busiestN {
			busiest, busiestN = m, t
		}
	}
	title := "Incidents per month, by severity"
	desc := fmt.Sprintf("Stacked bars of %s per month from %s to %s, coloured by severity. The busiest month was %s with %s.",
		plural(len(b.incidents), "incident", "incidents"), first.Format("January 2006"), last.Format("January 2006"),
		busiest.Format("January 2006"), plural(busiestN, "incident", "incidents"))
	if cut > 0 {
		desc = fmt.Sprintf("Stacked bars of %s per month from %s to %s, coloured by severity, after one bar for the %s before (%s); the axis is broken between them. The busiest month was %s with %s.",
			plural(len(b.incidents), "incident", "incidents"), first.Format("January 2006"), last.Format("January 2006"),
			plural(total(buckets[0].Counts), "incident", "incidents"), earlier,
			busiest.Format("January 2006"), plural(busiestN, "incident", "incidents"))
	}
	opts := chart.Options{ID: id, Compact: compact, Note: note}
	if compact {
		opts.Height = 120
	}
	svg = chart.StackedBars(title, desc, buckets, series, opts)
	for y := last.Year(); y >= months[0].Year(); y-- {
		if r := yearRows[y]; r != nil {
			rows = append(rows, render.ChartRow{Label: strconv.Itoa(y), Counts: r, Total: total(r)})
		}
	}
	return svg, rows, cols
}

// outlierCut returns the index of the first month (of months, distinct and
// oldest first) the chart draws to scale: 0, unless the oldest incidents
// sit far from the rest. The axis is broken before month c when the gap
// before it is at least minGap and longer than the months from c to the
// end, and fewer incidents lie before it than from it on; of such months
// the latest, so the months drawn to scale are as few as can be.
func outlierCut(months []time.Time, counts map[time.Time][]int) int {
	const minGap = 10 * 12 // months
	n := len(months)
	if n < 2 {
		return 0
	}
	before := make([]int, n+1) // incidents in months[:i]
	for i, m := range months {
		before[i+1] = before[i] + total(counts[m])
	}
	all := before[n]
	for c := n - 1; c >= 1; c-- {
		gap := monthsBetween(months[c-1], months[c])
		span := monthsBetween(months[c], months[n-1]) + 1
		if gap >= minGap && gap > span && before[c] < all-before[c] {
			return c
		}
	}
	return 0
}

// monthsBetween counts the months from a to b (first days of months).
func monthsBetween(a, b time.Time) int {
	return (b.Year()-a.Year())*12 + int(b.Month()) - int(a.Month())
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
