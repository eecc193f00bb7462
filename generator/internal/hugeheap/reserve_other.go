//go:build !linux

package hugeheap

// Reserve does nothing on this system (transparent huge pages are Linux's)
// and reports false.
func Reserve(n int) bool { return false }

// Mode is "" on this system.
func Mode() string { return "" }
