//go:build race

package statusstorage

// raceEnabled is true when the tests run with the race detector: the
// model runs each job on one goroutine, so the race run checks the rules
// on fewer seeds and leaves the scale test to the plain run.
const raceEnabled = true
