//go:build race

package runner_test

// raceDetector says that the tests run with the race detector, under which
// the crash tests, whose child processes and real I/O the detector adds
// nothing to, skip: make crash runs them without it.
const raceDetector = true
