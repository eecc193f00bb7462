// Package strarena packs strings that live as long as a build into a few
// large blocks of memory.
//
// A one-off build keeps a handful of short strings per incident until it
// ends: output paths, folder URLs, dates, card HTML. As objects of their own
// they are hundreds of thousands of things for the garbage collector to
// find and mark on every cycle, and at 100,000 incidents the collector runs
// for most of the build. Packed into blocks of 64 KiB they are a few
// thousand.
//
// A string from an Arena keeps its whole block alive, so an arena suits
// strings that live about as long as one another: those of one build. A nil
// *Arena allocates every string on its own, for callers (such as a live
// preview that rebuilds for hours) whose strings outlive one another.
package strarena

import (
	"sync"
	"unsafe"
)

// blockSize is the size of each block; strings longer than a sixteenth of
// it are allocated on their own, so a block wastes little at its end.
const blockSize = 64 << 10

// Arena hands out immutable strings carved from shared blocks. It is safe
// for concurrent use.
type Arena struct {
	mu    sync.Mutex
	block []byte // the current block: len is what has been handed out
}

// String returns s from the arena: a copy, unless a is nil or s is long
// enough to be an object of its own, when s itself will do.
func (a *Arena) String(s string) string {
	if a == nil || len(s) > blockSize/16 {
		return s
	}
	return a.Concat(s)
}

// Concat returns the concatenation of parts, from the arena.
func (a *Arena) Concat(parts ...string) string {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	if n == 0 {
		return ""
	}
	if a == nil || n > blockSize/16 {
		b := make([]byte, 0, n)
		for _, p := range parts {
			b = append(b, p...)
		}
		return unsafe.String(unsafe.SliceData(b), n)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if cap(a.block)-len(a.block) < n {
		a.block = make([]byte, 0, blockSize)
	}
	start := len(a.block)
	for _, p := range parts {
		a.block = append(a.block, p...)
	}
	// The bytes from start on are never written again: later strings are
	// appended beyond them, or into a new block.
	return unsafe.String(&a.block[start], n)
}

// Bytes returns a copy of b as a string, from the arena.
func (a *Arena) Bytes(b []byte) string {
	return a.Concat(unsafe.String(unsafe.SliceData(b), len(b)))
}
