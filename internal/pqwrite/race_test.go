//go:build race

package pqwrite

// raceEnabled: the race detector drops sync.Pool items at random, so
// Arrow's pooled buffers are reallocated and allocation counts differ.
const raceEnabled = true
