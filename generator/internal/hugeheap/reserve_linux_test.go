package hugeheap

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
	"unsafe"
)

// TestReserve checks, on whatever setting this kernel has, that Reserve acts
// only in "madvise" mode, and there that the reserve costs no memory, however
// much garbage the heap held before, and that heap the program then touches
// is on huge pages.
func TestReserve(t *testing.T) {
	mode := Mode()
	t.Logf("transparent huge pages: %q", mode)
	if mode != "madvise" {
		if Reserve(256 << 20) {
			t.Fatalf("Reserve advised in mode %q", mode)
		}
		return
	}

	// Leave used memory freed at the top of the heap, as a program's start-up
	// does: an allocation that begins there is cleared whole.
	var keep [][]byte
	for range 32 {
		keep = append(keep, make([]byte, 256<<10))
	}
	top := make([]byte, 16<<20)
	for i := 0; i < len(top); i += 4096 {
		top[i] = 1
	}
	runtime.KeepAlive(top)
	top = nil
	runtime.GC()

	before := rss(t)
	if !Reserve(256 << 20) {
		t.Fatal("Reserve did not advise")
	}
	if grew := rss(t) - before; grew > 32<<20 {
		t.Errorf("reserving 256 MiB made the process %d MiB larger; it should touch a few chunks at most", grew>>20)
	}
	runtime.KeepAlive(keep)

	// The runtime clears memory it hands out again, so this touches every page.
	b := make([]byte, 64<<20)
	for i := 0; i < len(b); i += 4096 {
		b[i] = 1
	}
	lo := uintptr(unsafe.Pointer(&b[0]))
	huge := anonHugePages(t, lo, lo+uintptr(len(b)))
	if huge < 32<<20 {
		t.Errorf("64 MiB of heap after Reserve: %d MiB on huge pages, want most of it", huge>>20)
	}
	runtime.KeepAlive(b)
}

func TestReserveDisabled(t *testing.T) {
	t.Setenv("GODEBUG", "disablethp=1")
	if Reserve(64 << 20) {
		t.Error("Reserve advised with GODEBUG=disablethp=1")
	}
	if Reserve(0) {
		t.Error("Reserve(0) advised")
	}
}

func TestDisabled(t *testing.T) {
	for in, want := range map[string]bool{
		"":                        false,
		"disablethp=1":            true,
		"gctrace=1, disablethp=1": true,
		"disablethp=0":            false,
		"xdisablethp=1":           false,
	} {
		if got := disabled(in); got != want {
			t.Errorf("disabled(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestFit(t *testing.T) {
	const meminfo = "MemTotal:        2000000 kB\nMemFree:         1500000 kB\n"
	for _, tc := range []struct {
		n                   int
		overcommit, meminfo string
		want                int
	}{
		{1 << 30, "0\n", meminfo, 1000000 << 10},      // half of MemTotal
		{256 << 20, "0\n", meminfo, 256 << 20},        // within it
		{1 << 30, "1\n", "", 1 << 30},                 // no meminfo: as asked
		{1 << 30, "2\n", meminfo, 0},                  // strict accounting: none
		{1 << 30, "0\n", "MemTotal: lots\n", 1 << 30}, // unreadable: as asked
	} {
		if got := fit(tc.n, tc.overcommit, tc.meminfo); got != tc.want {
			t.Errorf("fit(%d, %q, %q) = %d, want %d", tc.n, tc.overcommit, tc.meminfo, got, tc.want)
		}
	}
}

// rss is the process's resident memory in bytes.
func rss(t *testing.T) int {
	t.Helper()
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			b, err := kiB(v)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
	}
	t.Fatal("no VmRSS in /proc/self/status")
	return 0
}

// anonHugePages is the sum of the AnonHugePages figures, in bytes, of the
// mappings that overlap [lo, hi). An allocation can span several: a small
// one that the runtime placed between two of Reserve's chunks while it was
// taking them (a mapping of its own, without the advice) splits the heap's
// mapping there, and under load that happened in about one run in thirty.
func anonHugePages(t *testing.T, lo, hi uintptr) int {
	t.Helper()
	b, err := os.ReadFile("/proc/self/smaps")
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	in, found, sum := false, false, 0
	for sc.Scan() {
		line := sc.Text()
		var start, end uintptr
		if n, _ := fmt.Sscanf(line, "%x-%x ", &start, &end); n == 2 {
			in = start < hi && lo < end
			found = found || in
			continue
		}
		if v, ok := strings.CutPrefix(line, "AnonHugePages:"); ok && in {
			b, err := kiB(v)
			if err != nil {
				t.Fatal(err)
			}
			sum += b
		}
	}
	if !found {
		t.Fatalf("no mapping holds %#x-%#x", lo, hi)
	}
	return sum
}
