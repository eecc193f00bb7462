//go:build race

package e2e

// raceEnabled: the tests run with -race, so the casefile binary they start
// is built with it too (its packages are then already in the build cache,
// and a data race in `casefile serve` fails the test).
const raceEnabled = true
