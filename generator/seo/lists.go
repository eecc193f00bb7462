package seo

import (
	"reflect"
	"strings"
	"sync"
)

// encoding/json writes a nil slice as null, which schema.org validators
// reject where a list is expected (the itemListElement of an empty
// listing). Graph.JSON therefore fills every nil slice field without
// omitempty with an empty one first: in each node, and in the structs it
// holds by pointer, by value or in lists (not behind interfaces). Lists
// that may be left out are tagged omitempty. Which fields to look at is
// worked out once per type, so a node costs a few field reads.

// noNullLists returns node with its lists filled: a node held by pointer is
// filled in place, one held by value is copied first (and comes back as a
// pointer, which encodes the same).
func noNullLists(node any) any {
	v := reflect.ValueOf(node)
	switch {
	case v.Kind() == reflect.Pointer && !v.IsNil() && v.Elem().Kind() == reflect.Struct:
		fillLists(v.Elem())
	case v.Kind() == reflect.Struct && planOf(v.Type()).any():
		p := reflect.New(v.Type())
		p.Elem().Set(v)
		fillLists(p.Elem())
		return p.Interface()
	}
	return node
}

// listPlan says where a struct type's lists are.
type listPlan struct {
	fill []int // slice fields written even when empty
	deep []int // fields that may hold structs with such fields
}

func (p *listPlan) any() bool { return len(p.fill)+len(p.deep) > 0 }

var plans sync.Map // reflect.Type of a struct → *listPlan

func planOf(t reflect.Type) *listPlan {
	if p, ok := plans.Load(t); ok {
		return p.(*listPlan)
	}
	p := &listPlan{}
	for i := range t.NumField() {
		f := t.Field(i)
		if !encoded(f) {
			continue
		}
		if required(f) {
			p.fill = append(p.fill, i)
		}
		if holdsLists(f.Type, map[reflect.Type]bool{t: true}) {
			p.deep = append(p.deep, i)
		}
	}
	plans.Store(t, p)
	return p
}

// encoded reports whether encoding/json writes the field at all.
func encoded(f reflect.StructField) bool {
	return f.IsExported() && f.Tag.Get("json") != "-"
}

// required reports whether f is a slice written even when empty.
func required(f reflect.StructField) bool {
	_, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
	for o := range strings.SplitSeq(opts, ",") {
		if o == "omitempty" {
			return false
		}
	}
	return f.Type.Kind() == reflect.Slice
}

// holdsLists reports whether a value of type t may hold a struct with a
// slice to fill; seen breaks cycles of types.
func holdsLists(t reflect.Type, seen map[reflect.Type]bool) bool {
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Array:
		return holdsLists(t.Elem(), seen)
	case reflect.Struct:
		if seen[t] {
			return false
		}
		seen[t] = true
		for i := range t.NumField() {
			if f := t.Field(i); encoded(f) && (required(f) || holdsLists(f.Type, seen)) {
				return true
			}
		}
	}
	return false
}

// fillLists fills the lists of v, an addressable struct.
func fillLists(v reflect.Value) {
	p := planOf(v.Type())
	for _, i := range p.fill {
		if f := v.Field(i); f.IsNil() {
			f.Set(reflect.MakeSlice(f.Type(), 0, 0))
		}
	}
	for _, i := range p.deep {
		fillIn(v.Field(i))
	}
}

func fillIn(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			fillIn(v.Elem())
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			fillIn(v.Index(i))
		}
	case reflect.Struct:
		fillLists(v)
	}
}
