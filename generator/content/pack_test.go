package content

import (
	"testing"
	"time"
	"unsafe"
)

// TestPackShares: a decoded incident's text sits in two allocations, what
// the whole build reads and what only its own page reads; its lists share
// one array, each capped so that appending to one leaves the next alone;
// enumerated values are the package's own strings. (TestDecodeFullIncident
// checks that the values themselves are unchanged.)
func TestPackShares(t *testing.T) {
	in, ds := DecodeIncident("content/incidents/x.md", []byte(full), time.UTC)
	if ds.HasErrors() {
		t.Fatalf("errors:\n%s", ds)
	}
	site := []string{in.Source, in.ID, in.Slug, in.Title, in.Summary, in.FocusKeyword, in.Image}
	for _, l := range [][]string{in.Keywords, in.Actors, in.Sectors, in.Countries, in.Techniques, in.CVEs, in.Related, in.Aliases} {
		site = append(site, l...)
	}
	for _, a := range in.Authors {
		site = append(site, a.Name, a.URL)
	}
	var own []string
	for _, e := range in.Timeline {
		own = append(own, e.Event)
	}
	for _, s := range in.Sources {
		own = append(own, s.Title, s.URL, s.Publisher)
	}
	for _, f := range in.FAQ {
		own = append(own, f.Question, f.Answer)
	}
	own = append(own, in.InternalNotes)

	siteLo, siteHi := oneBlock(t, "site-wide text", site)
	ownLo, ownHi := oneBlock(t, "the page's own text", own)
	if ownLo < siteHi && siteLo < ownHi {
		t.Errorf("the page's own text [%#x, %#x) overlaps the site-wide text [%#x, %#x): it could not be let go alone", ownLo, ownHi, siteLo, siteHi)
	}

	// One array for the lists, each capped at its length.
	lists := [][]string{in.Keywords, in.Actors, in.Sectors, in.Countries, in.Techniques, in.CVEs, in.Related, in.Aliases}
	addr := func(l []string) uintptr { return uintptr(unsafe.Pointer(unsafe.SliceData(l))) }
	next := addr(lists[0])
	for i, l := range lists {
		if addr(l) != next {
			t.Errorf("list %d does not follow the one before it in a shared array", i)
		}
		if cap(l) != len(l) {
			t.Errorf("list %d: cap %d, len %d: appending would overwrite the next list", i, cap(l), len(l))
		}
		next = addr(l) + uintptr(len(l))*unsafe.Sizeof("")
	}
	kw := append(in.Keywords, "extra")
	if in.Actors[0] != "none" || kw[len(kw)-1] != "extra" {
		t.Errorf("appending to the keywords changed the actors: %q", in.Actors)
	}

	for _, c := range []struct{ got, want string }{{in.Severity, Severities[2]}, {in.Status, Statuses[2]}, {in.Visibility, Visibilities[1]}} {
		if c.got != c.want || unsafe.StringData(c.got) != unsafe.StringData(c.want) {
			t.Errorf("%q is a copy of the allowed value %q, not the value itself", c.got, c.want)
		}
	}
}

// oneBlock checks that the non-empty strings ss lie end to end in one
// piece of memory and returns its bounds.
func oneBlock(t *testing.T, what string, ss []string) (lo, hi uintptr) {
	t.Helper()
	total := uintptr(0)
	for _, s := range ss {
		if s == "" {
			continue
		}
		p := uintptr(unsafe.Pointer(unsafe.StringData(s)))
		if lo == 0 || p < lo {
			lo = p
		}
		hi = max(hi, p+uintptr(len(s)))
		total += uintptr(len(s))
	}
	if hi-lo != total {
		t.Errorf("%s spans %d bytes for %d bytes of text: not one allocation", what, hi-lo, total)
	}
	return lo, hi
}
