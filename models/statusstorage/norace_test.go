//go:build !race

package statusstorage

// raceEnabled is true when the tests run with the race detector.
const raceEnabled = false
