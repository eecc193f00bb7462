package search

import (
	"bytes"
	"encoding/binary"
)

// dict maps terms to dense ids (in first-seen order). It is an open-addressing
// hash table over an arena of term bytes: cheaper than a Go map for the
// indexer's one lookup per token, and without a string per lookup.
type dict struct {
	slots []uint64 // hash tag << 32 | id+1; 0 is empty
	arena []byte   // term bytes, back to back
	ends  []uint32 // ends[id] is the end of term id in arena
}

func newDict(capacity int) *dict {
	n := 1024
	for n < capacity*2 {
		n *= 2
	}
	return &dict{slots: make([]uint64, n)}
}

// Len is the number of terms.
func (d *dict) Len() int { return len(d.ends) }

// term returns the bytes of term id.
func (d *dict) term(id int32) []byte {
	start := uint32(0)
	if id > 0 {
		start = d.ends[id-1]
	}
	return d.arena[start:d.ends[id]]
}

// id returns the id of term, adding it when new.
func (d *dict) id(term []byte) (id int32, added bool) {
	h := hashBytes(term)
	tag := h >> 32
	mask := uint64(len(d.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		s := d.slots[i]
		if s == 0 {
			id = int32(len(d.ends))
			d.arena = append(d.arena, term...)
			d.ends = append(d.ends, uint32(len(d.arena)))
			d.slots[i] = tag<<32 | uint64(id+1)
			if len(d.ends)*2 > len(d.slots) {
				d.grow()
			}
			return id, true
		}
		if s>>32 == tag {
			if k := int32(s&0xffffffff) - 1; bytes.Equal(d.term(k), term) {
				return k, false
			}
		}
	}
}

func (d *dict) grow() {
	slots := make([]uint64, 2*len(d.slots))
	mask := uint64(len(slots) - 1)
	for id := range d.ends {
		h := hashBytes(d.term(int32(id)))
		i := h & mask
		for slots[i] != 0 {
			i = (i + 1) & mask
		}
		slots[i] = h>>32<<32 | uint64(id+1)
	}
	d.slots = slots
}

// hashBytes is a fast multiplicative hash, good enough for a hash table of
// words (site content is not adversarial; a bad case is only slower).
func hashBytes(b []byte) uint64 {
	h := uint64(len(b)) * 0x9e3779b97f4a7c15
	for len(b) >= 8 {
		h = (h ^ binary.LittleEndian.Uint64(b)) * 0xff51afd7ed558ccd
		h ^= h >> 32
		b = b[8:]
	}
	var tail uint64
	for i, c := range b {
		tail |= uint64(c) << (8 * i)
	}
	h = (h ^ tail) * 0xc4ceb9fe1a85ec53
	h ^= h >> 29
	h *= 0x9e3779b97f4a7c15
	return h ^ h>>32
}
