package site

import (
	"io/fs"
	"strconv"

	"casefile/generator/content"
)

// keyer digests what one output file depends on, so a Session can reuse the
// previous bytes when nothing it depends on changed. Unchanged source files
// keep their *content.Incident and *content.Page values between builds (see
// content.Cache); each value gets a generation number, so "the same
// incident" is a cheap comparison. Outside a Session every key is 0: render.
type keyer struct {
	s *Session
	h uint64
}

const fnvOffset, fnvPrime = 14695981039346656037, 1099511628211

func (b *builder) keyer(kind string) keyer {
	if b.sess == nil {
		return keyer{}
	}
	return keyer{s: b.sess, h: fnvOffset}.u64(b.siteKey).str(kind)
}

func (k keyer) u64(v uint64) keyer {
	if k.s == nil {
		return k
	}
	// One multiply-xorshift round per word (the finaliser of splitmix64).
	x := (k.h ^ v) * 0xbf58476d1ce4e5b9
	x ^= x >> 31
	k.h = x * 0x94d049bb133111eb
	return k
}

func (k keyer) str(ss ...string) keyer {
	if k.s == nil {
		return k
	}
	for _, s := range ss {
		for i := 0; i < len(s); i++ {
			k.h = (k.h ^ uint64(s[i])) * fnvPrime
		}
		k.h = (k.h ^ 0xff) * fnvPrime
	}
	return k
}

func (k keyer) int(vs ...int) keyer {
	for _, v := range vs {
		k = k.u64(uint64(v))
	}
	return k
}

func (k keyer) incident(in *content.Incident) keyer {
	if k.s == nil {
		return k
	}
	return k.u64(k.s.genOf(in))
}

// listed adds what listings show of an incident (its card, dates, authors,
// keywords): a body-only edit leaves it unchanged.
func (k keyer) listed(its ...*incident) keyer {
	for _, it := range its {
		k = k.u64(it.listing)
	}
	return k
}

// listingDigest is it.listing: a digest of every field a listing, feed,
// sitemap, chart or related list shows of the incident.
func (b *builder) listingDigest(it *incident) uint64 {
	if b.sess == nil {
		return 0
	}
	in, c := it.src, it.card
	k := keyer{s: b.sess, h: fnvOffset}.str(in.ID, c.Title, c.Summary, c.URL, c.Severity, c.Status, c.Date.ISO, isoDate(in.Modified()))
	for _, kw := range c.Keywords {
		k = k.str(kw.Name, kw.URL)
	}
	for _, a := range in.Authors {
		k = k.str(a.Name, a.URL)
	}
	return k.str(in.Keywords...).sum()
}

func (k keyer) incidents(its []*incident) keyer {
	for _, it := range its {
		k = k.incident(it.src)
	}
	return k
}

func (k keyer) page(p *content.Page) keyer {
	if k.s == nil {
		return k
	}
	return k.u64(k.s.genOf(p))
}

// sum is the key; never 0 inside a Session.
func (k keyer) sum() uint64 {
	if k.s == nil {
		return 0
	}
	if k.h == 0 {
		return 1
	}
	return k.h
}

// siteDigest covers everything every page depends on: options, the config
// file, the templates, the plain pages and the menu (which links the
// keyword index only while there is one).
func (b *builder) siteDigest() uint64 {
	if b.sess == nil {
		return 0
	}
	k := keyer{s: b.sess, h: fnvOffset}.str(b.opts.Profile, b.opts.BaseURL, strconv.FormatBool(b.opts.Drafts), b.cfg.BaseURL)
	if b.cfg.Source != "" {
		data, _ := fs.ReadFile(b.opts.Source, b.cfg.Source)
		k = k.str(string(data))
	}
	k = k.u64(b.tpl.Digest())
	for _, p := range b.pages {
		k = k.page(p.src)
	}
	for _, l := range b.site.Menu {
		k = k.str(l.Name, l.URL)
	}
	return k.sum()
}

// gens numbers the source values a Session has seen. Keys are computed on
// the build's main goroutine only (assemble, jobs), so no lock is needed.
type gens struct {
	next uint64
	of   map[any]uint64
}

func (s *Session) genOf(v any) uint64 {
	if g, ok := s.gens.of[v]; ok {
		return g
	}
	s.gens.next++
	s.gens.of[v] = s.gens.next
	return s.gens.next
}

// reuse returns the previous output of j when its key is unchanged, and
// records the key for the next build.
func (s *Session) reuse(j job) ([]byte, bool) {
	if s == nil || j.key == 0 {
		return nil, false
	}
	s.keysMu.Lock()
	s.nextKeys[j.path] = j.key
	s.keysMu.Unlock()
	if s.keys[j.path] == j.key {
		if data, ok := s.out[j.path]; ok {
			return data, true
		}
	}
	return nil, false
}
