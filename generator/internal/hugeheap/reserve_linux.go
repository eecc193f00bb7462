package hugeheap

import (
	"os"
	"runtime"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// Reserve maps n bytes of heap (at most half the machine's memory, and none
// under strict overcommit accounting: see fit) and advises them onto huge
// pages, if the kernel's transparent huge pages are in "madvise" mode (in
// "always" mode the heap has them already; in "never" it cannot) and GODEBUG
// does not hold disablethp=1, Go's own switch for keeping the heap off huge
// pages. It reports whether it did.
//
// Call it once, first thing, while the heap is small. The reserve is taken in
// chunks: the runtime hands out address space it has just mapped without
// clearing it, so reserving costs no memory, but it clears an allocation
// whole if any of it was used before, and one allocation of n bytes that
// began in a gap left by the start-up's garbage would have the runtime touch
// every page of it. A chunk that does is at most chunkSize. Reserve ends with
// a garbage collection, so that the collector's pacing starts from the
// program's own heap.
func Reserve(n int) bool {
	if strconv.IntSize < 64 || Mode() != "madvise" || disabled(os.Getenv("GODEBUG")) {
		return false
	}
	n = fit(n, readProc("/proc/sys/vm/overcommit_memory"), readProc("/proc/meminfo"))
	if n <= 0 {
		return false
	}
	chunks := make([][]byte, 0, (n+chunkSize-1)/chunkSize)
	advised := false
	for left := n; left > 0; left -= chunkSize {
		c := make([]byte, min(left, chunkSize))
		if unix.Madvise(c, unix.MADV_HUGEPAGE) == nil {
			advised = true
		}
		chunks = append(chunks, c)
	}
	runtime.KeepAlive(chunks)
	runtime.GC()
	return advised
}

// fit bounds a reserve by what the system lets a program map without
// touching it. Mapping heap commits it: under strict overcommit accounting
// (vm.overcommit_memory = 2) a reserve could make a build that needs far less
// fail for want of memory, so there is none; otherwise it is at most half the
// machine's memory, well within what the kernel's heuristic allows.
func fit(n int, overcommit, meminfo string) int {
	if strings.TrimSpace(overcommit) == "2" {
		return 0
	}
	for line := range strings.Lines(meminfo) {
		if v, ok := strings.CutPrefix(line, "MemTotal:"); ok {
			if b, err := kiB(v); err == nil {
				n = min(n, b/2)
			}
		}
	}
	return n
}

// kiB reads a /proc figure such as "  2000000 kB" as bytes.
func kiB(v string) (int, error) {
	kb, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
	return kb << 10, err
}

func readProc(name string) string {
	b, _ := os.ReadFile(name)
	return string(b)
}

// chunkSize is the size Reserve allocates at a time: large enough that the
// runtime gives each chunk pages of its own (above 32 KiB), small enough that
// one it clears costs little.
const chunkSize = 4 << 20

// Mode is the kernel's transparent huge page setting: "always", "madvise",
// "never", or "" where it cannot be read.
func Mode() string {
	_, rest, ok := strings.Cut(readProc("/sys/kernel/mm/transparent_hugepage/enabled"), "[")
	mode, _, ok2 := strings.Cut(rest, "]")
	if !ok || !ok2 {
		return ""
	}
	return mode
}

func disabled(godebug string) bool {
	for _, kv := range strings.Split(godebug, ",") {
		if strings.TrimSpace(kv) == "disablethp=1" {
			return true
		}
	}
	return false
}
