package decide

import (
	"math"
	"testing"
)

// TestWilson checks the interval against values computed independently
// (Python's statistics.NormalDist with the same formula) and its edges.
func TestWilson(t *testing.T) {
	for _, tc := range []struct {
		passed, n  int
		confidence float64
		lo, hi     float64
	}{
		{8, 10, 0.95, 0.490162, 0.943318},
		{0, 10, 0.95, 0, 0.277533},
		{10, 10, 0.95, 0.722467, 1},
		{9, 10, 0.95, 0.595850, 0.982124},
		{1, 1, 0.95, 0.206549, 1},
		{50, 100, 0.90, 0.418848, 0.581152},
		{3, 20, 0.99, 0.038787, 0.435587},
		{999, 1000, 0.95, 0.994357, 0.999823},
		{0, 0, 0.95, 0, 1},
	} {
		lo, hi := Wilson(tc.passed, tc.n, tc.confidence)
		if math.Abs(lo-tc.lo) > 1e-6 || math.Abs(hi-tc.hi) > 1e-6 {
			t.Errorf("Wilson(%d, %d, %v) = [%.6f, %.6f], want [%.6f, %.6f]", tc.passed, tc.n, tc.confidence, lo, hi, tc.lo, tc.hi)
		}
		if tc.passed == 0 && lo != 0 || tc.passed == tc.n && hi != 1 {
			t.Errorf("Wilson(%d, %d): [%v, %v], want the bound exact at the edge", tc.passed, tc.n, lo, hi)
		}
	}
	for _, tc := range []struct {
		passed, n  int
		confidence float64
	}{{1, 10, 0}, {1, 10, 1}, {1, 10, -0.5}, {1, 10, math.NaN()}, {11, 10, 0.95}, {-1, 10, 0.95}} {
		if lo, hi := Wilson(tc.passed, tc.n, tc.confidence); !math.IsNaN(lo) || !math.IsNaN(hi) {
			t.Errorf("Wilson(%d, %d, %v) = [%v, %v], want NaNs", tc.passed, tc.n, tc.confidence, lo, hi)
		}
	}
}

// TestScores: the normal and t quantiles behind the intervals.
func TestScores(t *testing.T) {
	if z := zScore(0.95); math.Abs(z-1.959963984540054) > 1e-12 {
		t.Errorf("z(0.95) = %v", z)
	}
	if tq := tScore(0.95, 9); math.Abs(tq-2.2621571627409915) > 1e-9 {
		t.Errorf("t(0.95, 9) = %v", tq)
	}
}
