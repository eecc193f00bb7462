package site_test

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"casefile/generator/internal/sitetest"
)

// TestChartBreaksAxisForOutliers: one postmortem of 1628 among incidents
// of 1950–2026 no longer squeezes those into the right fifth of the home
// and timeline charts: it gets a bar of its own left of a break in the
// axis, which a note on the chart and its description tell, and the data
// table still lists its year.
func TestChartBreaksAxisForOutliers(t *testing.T) {
	var sb strings.Builder
	sb.WriteString("-- casefile.yaml --\nbase_url: https://kb.example.org/\n")
	dates := []string{"1628-08-10", "1950-03-01", "1971-06-15", "1988-11-02", "2003-01-25", "2017-05-12", "2026-01-09"}
	for i, d := range dates {
		fmt.Fprintf(&sb, "-- content/incidents/i%d.md --\n---\ntitle: Incident %d\ndate: %s\nsummary: S.\nkeywords: [k]\nseverity: high\n---\nBody.\n", i, i, d)
	}
	b := sitetest.Build(t, sb.String())
	note := "Axis broken: 1 incident before 1950 (1628) at the left, not to time scale."
	for _, p := range []string{"index.html", "timeline/index.html"} {
		b.AssertFile(p, `<text class="note"`, note, `class="axis-break"`, "<title>1628: 1 high</title>",
			"from March 1950 to January 2026, coloured by severity, after one bar for the 1 incident before (1628)")
		svg := b.File(p)
		// The 1950 tick stands just right of the break, not three quarters
		// of the way along.
		m := regexp.MustCompile(`<text class="axis" x="([0-9.]+)" y="[0-9]+">1950</text>`).FindStringSubmatch(svg)
		if m == nil {
			t.Errorf("%s: no 1950 tick", p)
			continue
		}
		if x, _ := strconv.ParseFloat(m[1], 64); x > 120 {
			t.Errorf("%s: 1950 tick at x=%s of 800: the outlier still squeezes the chart", p, m[1])
		}
	}
	b.AssertFile("timeline/index.html", `<th scope="row">1628</th><td>0</td><td>1</td>`, `<th scope="row">2026</th>`)

	// Incidents close together: no break, no note.
	c := sitetest.Build(t, strings.ReplaceAll(sb.String(), "1628-08-10", "1949-08-10"))
	c.AssertNotInFile("timeline/index.html", "Axis broken", "axis-break")
}
