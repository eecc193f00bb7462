package meta

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
)

// TestMergeLimit: merge keys work, explicit keys winning, until they have
// copied MaxMerged values in the file; the merge that would pass it is an
// error at its `<<`, and no more are made. Before the limit, a mapping of
// 3,000 keys merged 3,000 times on one line (60 KB) made nine million
// pairs: memory and time grew with the square of the file.
func TestMergeLimit(t *testing.T) {
	root, ds := ParseYAML("f", []byte("a: &a {x: 1, y: 2}\nb: {<<: *a, y: 3}\nc:\n  <<: [*a, {z: 4}]\n"), 1)
	if len(ds) != 0 {
		t.Fatal(ds)
	}
	b, c := root.Get("b"), root.Get("c")
	if b.Get("x").Value != "1" || b.Get("y").Value != "3" || c.Get("x").Value != "1" || c.Get("z").Value != "4" {
		t.Errorf("merged values wrong:\n%s", dump(root))
	}

	const n = 3000
	var src strings.Builder
	src.WriteString("a: &a {")
	for i := range n {
		fmt.Fprintf(&src, "k%d: 1, ", i)
	}
	src.WriteString("z: 1}\nb: {x: 1, <<: [" + strings.Repeat("*a, ", n) + "*a]}\nc: {<<: *a}\n")
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	root, ds = ParseYAML("f", []byte(src.String()), 1)
	runtime.ReadMemStats(&after)
	want := "f:2:11: error: merge keys `<<` copy more than 10000 values in this file; write the values out, or merge fewer and smaller mappings"
	if len(ds) != 1 || ds[0].Error() != want {
		t.Errorf("diagnostics:\n%s\nwant %s", ds, want)
	}
	if root == nil || root.Get("b").Get("x") == nil || root.Get("c").Get("z") != nil {
		t.Errorf("after the error the file should parse without further merges")
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 32<<20 {
		t.Errorf("allocated %d MiB parsing %d bytes", alloc>>20, src.Len())
	}
}
