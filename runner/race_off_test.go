//go:build !race

package runner_test

// raceDetector says that the tests run with the race detector.
const raceDetector = false
