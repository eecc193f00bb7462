package strarena

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"unsafe"
)

func TestConcat(t *testing.T) {
	for _, a := range []*Arena{nil, {}} {
		if got := a.Concat("incidents/", "x", "/"); got != "incidents/x/" {
			t.Errorf("Concat = %q", got)
		}
		if got := a.Concat(); got != "" {
			t.Errorf("Concat() = %q", got)
		}
		if got := a.Bytes([]byte("abc")); got != "abc" {
			t.Errorf("Bytes = %q", got)
		}
	}
}

// TestShared checks that short strings share blocks, that a long one has
// its own memory, and that what was handed out never changes as more is.
func TestShared(t *testing.T) {
	var a Arena
	var got []string
	var want []string
	for i := range 20000 {
		s := fmt.Sprintf("incidents/incident-%06d/index.html", i)
		want = append(want, s)
		got = append(got, a.String(s))
	}
	blocks := map[uintptr]bool{}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("string %d = %q, want %q", i, got[i], want[i])
		}
		blocks[uintptr(unsafe.Pointer(unsafe.StringData(got[i])))/blockSize] = true
	}
	// 20,000 strings of 36 bytes are 720,000 bytes: 11 blocks, 12 where
	// a block is not aligned to its size.
	if len(blocks) > 2*(20000*36/blockSize+1) {
		t.Errorf("20,000 short strings span %d blocks' worth of addresses", len(blocks))
	}
	long := strings.Repeat("x", blockSize/16+1)
	l := a.String(long)
	next := a.String("after")
	if l != long || next != "after" {
		t.Fatal("long string or the one after it changed")
	}
	if d := uintptr(unsafe.Pointer(unsafe.StringData(next))) - uintptr(unsafe.Pointer(unsafe.StringData(got[len(got)-1]))); d != 36 {
		t.Errorf("string after a long one is %d bytes after the previous short one, want 36 (the long one has its own memory)", d)
	}
}

func TestConcurrent(t *testing.T) {
	var a Arena
	var wg sync.WaitGroup
	out := make([][]string, 4)
	for w := range out {
		wg.Go(func() {
			for i := range 5000 {
				out[w] = append(out[w], a.Concat("w", fmt.Sprint(w), "-", fmt.Sprint(i)))
			}
		})
	}
	wg.Wait()
	for w := range out {
		for i, s := range out[w] {
			if want := fmt.Sprintf("w%d-%d", w, i); s != want {
				t.Fatalf("worker %d string %d = %q, want %q", w, i, s, want)
			}
		}
	}
}
