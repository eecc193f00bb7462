//go:build !linux

package osfs

// pseudoFS reports file systems the kernel makes up; only Linux's are
// known (elsewhere the paths of systemTrees decide).
func pseudoFS(string) bool { return false }
