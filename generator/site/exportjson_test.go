package site

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
)

// filled returns an exportIncident with every string field set from texts
// (cycling) and every slice holding n elements, by reflection, so that a
// field added to exportIncident but not to appendJSON makes the comparison
// with encoding/json fail.
func filled(texts []string, n int) exportIncident {
	var e exportIncident
	k := 0
	next := func() string { s := texts[k%len(texts)]; k++; return s }
	var fill func(v reflect.Value)
	fill = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.String:
			v.SetString(next())
		case reflect.Slice:
			s := reflect.MakeSlice(v.Type(), n, n)
			for i := range n {
				fill(s.Index(i))
			}
			v.Set(s)
		case reflect.Struct:
			for i := range v.NumField() {
				fill(v.Field(i))
			}
		default:
			panic("exportIncident has a field of kind " + v.Kind().String() + ": teach appendJSON and this test about it")
		}
	}
	fill(reflect.ValueOf(&e).Elem())
	return e
}

func sameAsMarshal(t *testing.T, e exportIncident) {
	t.Helper()
	want, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	got := e.appendJSON(nil)
	if !bytes.Equal(got, want) {
		t.Fatalf("appendJSON differs from json.Marshal:\n got %s\nwant %s", got, want)
	}
	// The estimate leaves room for some escapes, not for text made of them.
	if size := e.jsonSize(); len(got) > size && bytes.IndexByte(got, '\\') < 0 {
		t.Errorf("jsonSize %d is less than the %d bytes encoded", size, len(got))
	}
}

func TestExportJSONMatchesMarshal(t *testing.T) {
	tricky := []string{
		"plain", "", `quote " and \ backslash`, "<script>&amp;</script>", "tab\tnew\nline\rcr\bbs\fff",
		"\x00\x01\x1f\x7f", "line\u2028para\u2029sep", "bad \xff utf-8 \xc3", "é ☃ 𝄞", "</script><!--",
	}
	for n := range 3 { // nil-free slices of 0, 1 and 2 elements
		for shift := range tricky {
			sameAsMarshal(t, filled(append(tricky[shift:], tricky[:shift]...), n))
		}
	}
	// Empty optional fields are left out; nil slices are null, as Marshal has them.
	sameAsMarshal(t, exportIncident{ID: "x", Authors: []exportAuthor{{Name: "a"}}, Sources: []exportSource{{Title: "t", URL: "u"}}})
	sameAsMarshal(t, exportIncident{})
}

func FuzzExportJSON(f *testing.F) {
	f.Add("a", "<b>&amp;</b>", "\u2028\xff")
	f.Add("", "\"\\", "\x00\t")
	f.Fuzz(func(t *testing.T, a, b, c string) {
		for n := range 2 {
			sameAsMarshal(t, filled([]string{a, b, c}, n))
		}
	})
}
