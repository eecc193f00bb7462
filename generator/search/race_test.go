//go:build race

package search

// raceEnabled: the race detector slows indexing about tenfold, so the
// largest test corpus uses shorter bodies.
const raceEnabled = true
