package meta

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"casefile/generator/diag"
)

// Decoder decodes the nodes of one file, collecting a diagnostic for every
// problem instead of stopping at the first. Its helpers return the zero
// value after reporting, so callers can carry on with the next field.
type Decoder struct {
	File  string
	Diags diag.List
}

// Errorf reports an error at n.
func (d *Decoder) Errorf(n *Node, hint, format string, args ...any) {
	d.Diags.Errorf(d.File, n.Line, n.Col, hint, format, args...)
}

// Warnf reports a warning at n.
func (d *Decoder) Warnf(n *Node, hint, format string, args ...any) {
	d.Diags.Warnf(d.File, n.Line, n.Col, hint, format, args...)
}

// Text returns a scalar as text with surrounding white space trimmed. An
// empty value gives "" silently; a list or mapping is an error. Numbers,
// booleans and dates are taken as written.
func (d *Decoder) Text(n *Node, key string) string {
	switch n.Kind {
	case Scalar:
		return strings.TrimSpace(n.Value)
	case Null:
		return ""
	}
	d.Errorf(n, fmt.Sprintf("write it as text: `%s: ...`", key), "`%s` must be text, not %s", key, n.Describe())
	return ""
}

// Bool returns a boolean value; an empty value is false.
func (d *Decoder) Bool(n *Node, key string) bool {
	if n.Kind == Null {
		return false
	}
	if n.Kind == Scalar && n.Tag == TagBool {
		if v, err := strconv.ParseBool(strings.ToLower(n.Value)); err == nil {
			return v
		}
	}
	d.Errorf(n, fmt.Sprintf("write `%s: true` or `%s: false`, without quotes", key, key), "`%s` must be true or false, not %s", key, quoteOr(n))
	return false
}

// Int returns a whole number; ok is false when n is empty or not a number.
func (d *Decoder) Int(n *Node, key string) (v int, ok bool) {
	if n.Kind == Null {
		return 0, false
	}
	if n.Kind == Scalar && n.Tag == TagInt {
		if v, err := strconv.Atoi(n.Value); err == nil {
			return v, true
		}
		if v, err := strconv.ParseInt(n.Value, 0, 0); err == nil {
			return int(v), true
		}
	}
	d.Errorf(n, fmt.Sprintf("write a number without quotes, e.g. `%s: 10`", key), "`%s` must be a whole number, not %s", key, quoteOr(n))
	return 0, false
}

// List returns the items of a list; an empty value gives nil silently.
func (d *Decoder) List(n *Node, key string) []*Node {
	switch n.Kind {
	case List:
		return n.Items
	case Null:
		return nil
	}
	hint := fmt.Sprintf("write `%s: [a, b]`, or one `- item` per line under `%s:`", key, key)
	if n.Kind == Scalar {
		hint = fmt.Sprintf("write a list, even for one entry: `%s: [%s]`", key, Shorten(n.Value, 40))
	}
	d.Errorf(n, hint, "`%s` must be a list, not %s", key, quoteOr(n))
	return nil
}

// TextList returns a list of non-empty texts; empty entries are errors.
// When check is not nil it is called for every entry and an entry for which
// it returns false (after reporting) is dropped.
func (d *Decoder) TextList(n *Node, key string, check func(it *Node, s string) bool) []string {
	items := d.List(n, key)
	if len(items) == 0 {
		return nil
	}
	out := make([]string, 0, len(items))
	for _, it := range items {
		if it.Kind == List || it.Kind == Map {
			d.Errorf(it, "write each entry as plain text", "entries of `%s` must be text, not %s", key, it.Describe())
			continue
		}
		s := d.Text(it, key)
		switch {
		case s == "":
			d.Errorf(it, "remove the empty entry or fill it in", "an entry of `%s` is empty", key)
		case s != "" && (check == nil || check(it, s)):
			out = append(out, s)
		}
	}
	return out
}

// Fields returns the values of the known keys of mapping n, in the order of
// known (nil where absent), and warns about every other key. where names n
// in the warnings.
func (d *Decoder) Fields(n *Node, where string, known []string) []*Node {
	vals := make([]*Node, len(known))
outer:
	for _, p := range n.Pairs {
		for i, k := range known {
			if p.Key.Value == k {
				vals[i] = p.Value
				continue outer
			}
		}
		d.Unknown(p.Key, where, known, nil)
	}
	return vals
}

// IsMap reports whether n is a mapping; an empty value is false silently,
// anything else is an error.
func (d *Decoder) IsMap(n *Node, key, example string) bool {
	switch n.Kind {
	case Map:
		return true
	case Null:
		return false
	}
	d.Errorf(n, "write "+example, "`%s` must be a mapping of `name: value` pairs, not %s", key, quoteOr(n))
	return false
}

// Enum returns a value that must be one of allowed; "" when empty or wrong.
func (d *Decoder) Enum(n *Node, key string, allowed []string) string {
	v := d.Text(n, key)
	if v == "" {
		return ""
	}
	for _, a := range allowed {
		if v == a {
			return a // not v: one string for every file that gives it
		}
	}
	hint := "write one of them"
	if s := Closest(v, allowed); s != "" {
		hint = fmt.Sprintf("did you mean `%s`?", s)
	}
	d.Errorf(n, hint, "%s `%s` is not one of %s", key, v, strings.Join(allowed, ", "))
	return ""
}

// URL returns an absolute http(s) URL; "" when empty or wrong.
func (d *Decoder) URL(n *Node, key string) string {
	v := d.Text(n, key)
	if v == "" {
		return ""
	}
	if err := CheckURL(v); err != "" {
		d.Errorf(n, "write the full address, e.g. https://example.org/report", "`%s` %s, got `%s`", key, err, v)
		return ""
	}
	return v
}

// Image returns a reference to an image: a path on the site
// ("/img/x.png", "img/x.png") or an absolute http(s) URL; "" when empty or
// wrong.
func (d *Decoder) Image(n *Node, key string) string {
	v := d.Text(n, key)
	if v == "" {
		return ""
	}
	if err := CheckImage(v); err != "" {
		d.Errorf(n, "write a path under static/ such as /img/cover.png, or a full address such as https://example.org/cover.png",
			"`%s` %s, got `%s`", key, err, Shorten(v, 60))
		return ""
	}
	return v
}

// CheckImage returns "" when s is a site path or an absolute http(s) URL,
// else what is wrong with it.
func CheckImage(s string) string {
	if strings.Contains(s, "://") || strings.HasPrefix(s, "//") {
		return CheckURL(s)
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "" || u.Host != "" || strings.ContainsAny(s, " \t\n\r<>\"'`\\") {
		return "must be a path on the site or an absolute http(s) URL"
	}
	return ""
}

// CheckURL returns "" when s is an absolute http or https URL with a host,
// else what is wrong with it ("must be an absolute http(s) URL").
func CheckURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.ContainsAny(s, " \t\n") {
		return "must be an absolute http(s) URL"
	}
	return ""
}

// Unknown warns about an unknown key, naming the closest known key, else the
// known ones. where names the enclosing mapping ("" for the top level);
// synonyms maps keys people carry over from other tools to ours.
func (d *Decoder) Unknown(k *Node, where string, known []string, synonyms map[string]string) {
	msg := fmt.Sprintf("unknown key `%s`", k.Value)
	if where != "" {
		msg += fmt.Sprintf(" in `%s`", where)
	}
	s := synonyms[strings.ToLower(k.Value)]
	if s == "" {
		s = Closest(k.Value, known)
	}
	hint := "known keys: " + strings.Join(known, ", ")
	if s != "" {
		hint = fmt.Sprintf("did you mean `%s`?", s)
	}
	d.Warnf(k, hint, "%s", msg)
}

// quoteOr shows a scalar's value in backticks, or describes other nodes.
func quoteOr(n *Node) string {
	if n.Kind == Scalar {
		if n.Tag == TagStr && (n.Value == "true" || n.Value == "false" || isNumber(n.Value)) {
			return fmt.Sprintf("the quoted text `%q`", n.Value)
		}
		return "`" + Shorten(n.Value, 60) + "`"
	}
	return n.Describe()
}

func isNumber(s string) bool {
	_, err := strconv.ParseFloat(s, 64)
	return err == nil
}

// Shorten cuts s to at most n runes, marking the cut with "…", and makes
// line breaks visible so a value fits a one-line message.
func Shorten(s string, n int) string {
	s = strings.NewReplacer("\n", `\n`, "\r", `\r`, "\t", `\t`).Replace(s)
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
