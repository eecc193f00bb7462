package content

import (
	"errors"
	"strings"
	"time"
)

// DateForms lists the accepted ways to write a date, for messages.
const DateForms = "YYYY-MM-DD, YYYY-MM-DDTHH:MM[:SS][.frac][Z|±hh:mm] or \"YYYY-MM-DD HH:MM[:SS]\""

var dateLayouts = []struct {
	layout string
	prec   Precision
}{
	{"2006-01-02T15:04:05Z07:00", PrecisionTime},
	{"2006-01-02T15:04Z07:00", PrecisionTime},
	{"2006-01-02T15:04:05", PrecisionTime},
	{"2006-01-02T15:04", PrecisionTime},
	{"2006-01-02", PrecisionDay},
	{"2006-01", PrecisionMonth},
	{"2006", PrecisionYear},
}

// ParseDate parses a front-matter date: YYYY, YYYY-MM, YYYY-MM-DD, or a date
// and time (`T` or one space between them) with optional seconds, fraction
// and zone (Z or ±hh:mm). Without a zone the time is read in loc. The
// returned Precision says how much was written; callers decide how much
// they need.
func ParseDate(s string, loc *time.Location) (Date, error) {
	if loc == nil {
		loc = time.UTC
	}
	v := s
	if len(v) > 10 && (v[10] == ' ' || v[10] == 't') {
		v = v[:10] + "T" + v[11:]
	}
	if strings.HasSuffix(v, "z") {
		v = v[:len(v)-1] + "Z"
	}
	var rangeErr error
	for _, l := range dateLayouts {
		t, err := time.ParseInLocation(l.layout, v, loc)
		if err == nil {
			return Date{Time: t, Precision: l.prec}, nil
		}
		var pe *time.ParseError
		if rangeErr == nil && errors.As(err, &pe) && strings.HasSuffix(pe.Message, "out of range") {
			rangeErr = errors.New(strings.TrimPrefix(pe.Message, ": "))
		}
	}
	if rangeErr != nil {
		return Date{}, rangeErr
	}
	return Date{}, errors.New("not a date")
}
