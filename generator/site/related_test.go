package site_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"casefile/generator/internal/sitetest"
)

// relatedOf returns the titles in an incident page's related section, in order.
func relatedOf(t *testing.T, b *sitetest.Built, slug string) []string {
	t.Helper()
	page := b.File("incidents/" + slug + "/index.html")
	i := strings.Index(page, `<section class="related"`)
	if i < 0 {
		return nil
	}
	sec := page[i:]
	sec = sec[:strings.Index(sec, "</section>")]
	var out []string
	for _, m := range regexp.MustCompile(`<h3 class="card-title"><a href="[^"]+">([^<]+)</a>`).FindAllStringSubmatch(sec, -1) {
		out = append(out, m[1])
	}
	return out
}

func incident(slug, date, keywords, extra string) string {
	return fmt.Sprintf("-- content/incidents/%s.md --\n---\ntitle: %s\ndate: %s\nsummary: S.\nkeywords: [%s]\n%s---\n", slug, strings.ToUpper(slug), date, keywords, extra)
}

func TestRelatedScoring(t *testing.T) {
	src := "-- casefile.yaml --\nrelated_count: 3\n" +
		incident("a", "2024-01-01", "common, rare", "actors: [APT1]\n") +
		incident("b", "2023-01-01", "common, rare", "") + // shares a rare keyword
		incident("c", "2024-06-01", "common", "") + // shares only the common keyword, newest
		incident("d", "2024-05-01", "common", "") +
		incident("e", "2020-01-01", "other", "actors: [apt1]\n") + // shares only an actor
		incident("f", "2019-01-01", "common", "related: [a]\n") +
		incident("x1", "2010-01-01", "x", "") + incident("x2", "2010-01-02", "y", "") +
		incident("x3", "2010-01-03", "z", "") + incident("x4", "2010-01-04", "w", "")
	b := sitetest.Build(t, src)
	// "common" is on 5 of 10 incidents and weighs little (ln 2); "rare" on 2
	// weighs more (ln 5); a shared actor on 2 weighs 1.5 × ln 5, more than
	// rare + common. C and D tie on "common": the newer one wins.
	want := []string{"E", "B", "C"}
	if got := relatedOf(t, b, "a"); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("related of a = %v, want %v", got, want)
	}
	// Explicit related first, whatever the score.
	if got := relatedOf(t, b, "f"); len(got) == 0 || got[0] != "A" {
		t.Errorf("related of f = %v, want A first", got)
	}
	// No overlap, no related section.
	if got := relatedOf(t, b, "x1"); got != nil {
		t.Errorf("related of x1 = %v, want none", got)
	}
}

func TestRelatedDeterministic(t *testing.T) {
	var sb strings.Builder
	for i := 0; i < 40; i++ {
		kw := []string{"k"}
		if i%4 != 3 {
			kw = append(kw, "common") // on 30 of 40
		}
		if i%3 == 0 {
			kw = append(kw, "three")
		}
		if i%5 == 0 {
			kw = append(kw, "five")
		}
		sb.WriteString(incident(fmt.Sprintf("n%02d", i), fmt.Sprintf("2024-01-%02d", i%7+1), strings.Join(kw, ", "), ""))
	}
	a := sitetest.Build(t, sb.String())
	b := sitetest.Build(t, sb.String())
	for i := 0; i < 40; i++ {
		slug := fmt.Sprintf("n%02d", i)
		ra, rb := relatedOf(t, a, slug), relatedOf(t, b, slug)
		if strings.Join(ra, ",") != strings.Join(rb, ",") || (i%4 != 3 && len(ra) != 5) {
			t.Fatalf("%s: related %v then %v; want the same 5 twice", slug, ra, rb)
		}
	}
}
