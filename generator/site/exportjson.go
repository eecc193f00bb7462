package site

import (
	"unicode/utf8"
)

// appendJSON appends e encoded exactly as encoding/json's Marshal encodes it
// (same field order, omitempty, HTML escaping), without reflection: every
// incident's record is encoded once per build, and at 100,000 incidents
// Marshal's reflection and buffer growth were a measurable share of the
// build. TestExportJSONMatchesMarshal and FuzzExportJSON hold it to
// Marshal's output; a field added to exportIncident must be added here too
// (the test fails until it is).
func (e *exportIncident) appendJSON(dst []byte) []byte {
	dst = append(dst, `{"id":`...)
	dst = appendJSONString(dst, e.ID)
	dst = appendField(dst, "slug", e.Slug)
	dst = appendField(dst, "url", e.URL)
	dst = appendField(dst, "json_url", e.JSONURL)
	dst = appendField(dst, "title", e.Title)
	dst = appendField(dst, "summary", e.Summary)
	dst = appendField(dst, "date", e.Date)
	dst = appendFieldOmit(dst, "updated", e.Updated)
	dst = appendFieldOmit(dst, "severity", e.Severity)
	dst = appendFieldOmit(dst, "status", e.Status)
	dst = appendField(dst, "visibility", e.Visibility)
	dst = appendField(dst, "focus_keyword", e.FocusKeyword)
	dst = appendList(dst, "keywords", e.Keywords, appendJSONString)
	dst = appendList(dst, "actors", e.Actors, appendJSONString)
	dst = appendList(dst, "sectors", e.Sectors, appendJSONString)
	dst = appendList(dst, "countries", e.Countries, appendJSONString)
	dst = appendList(dst, "techniques", e.Techniques, appendJSONString)
	dst = appendList(dst, "cves", e.CVEs, appendJSONString)
	dst = appendList(dst, "authors", e.Authors, func(dst []byte, a exportAuthor) []byte {
		dst = append(dst, `{"name":`...)
		dst = appendJSONString(dst, a.Name)
		dst = appendFieldOmit(dst, "url", a.URL)
		return append(dst, '}')
	})
	dst = appendList(dst, "timeline", e.Timeline, func(dst []byte, t exportTimeline) []byte {
		dst = append(dst, `{"date":`...)
		dst = appendJSONString(dst, t.Date)
		dst = appendField(dst, "event", t.Event)
		return append(dst, '}')
	})
	dst = appendList(dst, "sources", e.Sources, func(dst []byte, s exportSource) []byte {
		dst = append(dst, `{"title":`...)
		dst = appendJSONString(dst, s.Title)
		dst = appendField(dst, "url", s.URL)
		dst = appendFieldOmit(dst, "publisher", s.Publisher)
		dst = appendFieldOmit(dst, "date", s.Date)
		return append(dst, '}')
	})
	dst = appendList(dst, "faq", e.FAQ, func(dst []byte, f exportFAQ) []byte {
		dst = append(dst, `{"question":`...)
		dst = appendJSONString(dst, f.Question)
		dst = appendField(dst, "answer_html", f.AnswerHTML)
		dst = appendField(dst, "answer_text", f.AnswerText)
		return append(dst, '}')
	})
	dst = appendList(dst, "related", e.Related, appendJSONString)
	return append(dst, '}')
}

// jsonSize is a generous estimate of e's encoded length, so that the file
// it is encoded into is allocated once.
func (e *exportIncident) jsonSize() int {
	n := 512 + len(e.ID) + len(e.Slug) + len(e.URL) + len(e.JSONURL) + len(e.Title) + len(e.Summary) +
		len(e.Date) + len(e.Updated) + len(e.Severity) + len(e.Status) + len(e.Visibility) + len(e.FocusKeyword)
	for _, l := range [][]string{e.Keywords, e.Actors, e.Sectors, e.Countries, e.Techniques, e.CVEs, e.Related} {
		for _, s := range l {
			n += len(s) + 3
		}
	}
	for _, a := range e.Authors {
		n += len(a.Name) + len(a.URL) + 24
	}
	for _, t := range e.Timeline {
		n += len(t.Date) + len(t.Event) + 24
	}
	for _, s := range e.Sources {
		n += len(s.Title) + len(s.URL) + len(s.Publisher) + len(s.Date) + 48
	}
	for _, f := range e.FAQ {
		n += len(f.Question) + len(f.AnswerHTML) + len(f.AnswerText) + 56
	}
	return n + n/8 // room for escapes (<, >, & take six bytes each)
}

func appendField(dst []byte, name, v string) []byte {
	dst = append(dst, ',', '"')
	dst = append(dst, name...)
	dst = append(dst, '"', ':')
	return appendJSONString(dst, v)
}

func appendFieldOmit(dst []byte, name, v string) []byte {
	if v == "" {
		return dst
	}
	return appendField(dst, name, v)
}

// appendList appends `,"name":` and list as a JSON array, each element by
// item; a nil list is null, as encoding/json has it.
func appendList[T any](dst []byte, name string, list []T, item func([]byte, T) []byte) []byte {
	dst = append(dst, ',', '"')
	dst = append(dst, name...)
	dst = append(dst, '"', ':')
	if list == nil {
		return append(dst, "null"...)
	}
	dst = append(dst, '[')
	for i, v := range list {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = item(dst, v)
	}
	return append(dst, ']')
}

// appendJSONString appends s as a JSON string the way encoding/json does
// with HTML escaping on: <, > and & as \u003c, \u003e and \u0026, control
// characters escaped, U+2028 and U+2029 escaped, invalid UTF-8 replaced by
// \ufffd.
func appendJSONString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			if jsonSafe[b] {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[b>>4], hex[b&0xF])
			}
			i++
			start = i
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		if c == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if c == '\u2028' || c == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[c&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// jsonSafe holds the ASCII bytes encoding/json writes as they are with HTML
// escaping on: printable ones except ", \, <, > and &.
var jsonSafe = func() (t [utf8.RuneSelf]bool) {
	for b := 0x20; b < utf8.RuneSelf; b++ {
		t[b] = b != '"' && b != '\\' && b != '<' && b != '>' && b != '&'
	}
	return t
}()
