//go:build !linux

package hugeheap

import "testing"

func TestReserve(t *testing.T) {
	if Reserve(64 << 20) {
		t.Error("Reserve advised on a system without transparent huge pages")
	}
}
