package metric_test

import (
	"math"
	"testing"

	"github.com/statecraft/statecraft/blocks/metric"
)

// Tolerances: the quantiles are compared bit for bit with numpy 1.24's
// np.quantile (the interpolation is done as numpy does it); other values
// computed from exact fractions allow 1e-15 relative, a few roundings of
// a short sum.
const tol = 1e-15

func close(got, want float64) bool {
	if got == want || math.IsNaN(got) && math.IsNaN(want) {
		return true
	}
	return math.Abs(got-want) <= tol*math.Max(math.Abs(got), math.Abs(want))
}

func TestHHI(t *testing.T) {
	for _, c := range []struct {
		v    []float64
		want float64
	}{
		{nil, 0},
		{[]float64{0, 0}, 0},
		{[]float64{7}, 1},
		{[]float64{5, 5, 5, 5}, 0.25},            // equal shares: 1/n
		{[]float64{1, 1, 1, 1, 1, 1, 1}, 1. / 7}, // 1/n
		{[]float64{0, 0, 0, 10}, 1},              // one holder
		{[]float64{50, 30, 20}, 0.38},            // 0.25 + 0.09 + 0.04
		{[]float64{1e300, 1e300}, 0.5},           // no overflow
	} {
		if got := metric.HHI(c.v); !close(got, c.want) {
			t.Errorf("HHI(%v) = %v, want %v", c.v, got, c.want)
		}
	}
}

// TestQuantile: values from numpy 1.24,
// np.quantile(np.array(v, dtype=float), q), compared bit for bit.
func TestQuantile(t *testing.T) {
	nan := math.NaN()
	for _, c := range []struct {
		v    []float64
		q    float64
		want float64
	}{
		{[]float64{1, 2, 3, 4}, 0, 1},
		{[]float64{1, 2, 3, 4}, 0.25, 1.75},
		{[]float64{1, 2, 3, 4}, 0.5, 2.5},
		{[]float64{1, 2, 3, 4}, 0.75, 3.25},
		{[]float64{1, 2, 3, 4}, 1, 4},
		{[]float64{3.5, -1.25, 10, 7, 0.1, 2.2, 9.9}, 0.1, -0.43999999999999995},
		{[]float64{3.5, -1.25, 10, 7, 0.1, 2.2, 9.9}, 0.33, 2.1580000000000004},
		{[]float64{3.5, -1.25, 10, 7, 0.1, 2.2, 9.9}, 0.5, 3.5},
		{[]float64{3.5, -1.25, 10, 7, 0.1, 2.2, 9.9}, 0.9, 9.94},
		{[]float64{3.5, -1.25, 10, 7, 0.1, 2.2, 9.9}, 0.999, 9.9994},
		{[]float64{98.5, 50.0, 25.5, 10.7, 5.3}, 0.05, 6.38},
		{[]float64{98.5, 50.0, 25.5, 10.7, 5.3}, 0.3, 13.659999999999998},
		{[]float64{98.5, 50.0, 25.5, 10.7, 5.3}, 0.6, 35.3},
		{[]float64{98.5, 50.0, 25.5, 10.7, 5.3}, 0.95, 88.8},
		{[]float64{42}, 0, 42},
		{[]float64{42}, 0.37, 42},
		{[]float64{42}, 1, 42},
		{[]float64{0.1, 0.2, 0.3}, 0.1, 0.12000000000000001},
		{[]float64{0.1, 0.2, 0.3}, 0.7, 0.24},
		{[]float64{0.1, 0.2, 0.3}, 0.55, 0.21000000000000002},
		{nil, 0.5, nan},                  // numpy raises; NaN here
		{[]float64{1, 2}, 1.5, nan},      // q outside [0, 1]
		{[]float64{1, 2}, -0.1, nan},     // q outside [0, 1]
		{[]float64{1, 2}, nan, nan},      // q NaN
		{[]float64{1, nan, 3}, 0.5, nan}, // numpy: nan
		{[]float64{math.Inf(-1), 0, 1}, 0.75, 0.5},
	} {
		got, _ := metric.Quantile(c.v, c.q, nil)
		if got != c.want && !(math.IsNaN(got) && math.IsNaN(c.want)) {
			t.Errorf("Quantile(%v, %v) = %v, want %v (numpy)", c.v, c.q, got, c.want)
		}
	}
	// The input is not reordered; the buffer is reused.
	v := []float64{3, 1, 2}
	buf := make([]float64, 0, 8)
	_, out := metric.Quantile(v, 0.5, buf)
	if v[0] != 3 || &out[:1][0] != &buf[:1][0] {
		t.Errorf("input %v, buffer reused %v", v, &out[:1][0] == &buf[:1][0])
	}
}

func TestParticipation(t *testing.T) {
	for _, c := range []struct {
		v         []float64
		threshold float64
		want      float64
	}{
		{nil, 0, 0},
		{[]float64{0, 0, 0}, 0, 0},
		{[]float64{1, 0, 2, 0}, 0, 0.5},
		{[]float64{1, 0, 2, 0}, 1, 0.25}, // strictly above
		{[]float64{3, 4, 5}, -1, 1},
	} {
		if got := metric.Participation(c.v, c.threshold); got != c.want {
			t.Errorf("Participation(%v, %v) = %v, want %v", c.v, c.threshold, got, c.want)
		}
	}
}

// TestVariance: known values (numpy: np.var, np.std with ddof), a
// constant series has variance 0 exactly, and too few values give 0.
func TestVariance(t *testing.T) {
	v := []float64{1, 2, 3, 4, 100}
	prices := []float64{100, 101.5, 99.2, 103.7, 104.1, 98.0}
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"var ddof 0", metric.Variance(v, 0), 1522},     // np.var(v)
		{"var ddof 1", metric.Variance(v, 1), 1902.5},   // np.var(v, ddof=1)
		{"std", metric.StdDev(v, 0), 39.01281840626232}, // np.std(v)
		{"constant", metric.Variance([]float64{7.3, 7.3, 7.3}, 1), 0},
		{"constant std", metric.StdDev(fill(1000, 0.1), 0), 0},
		{"one value", metric.Variance([]float64{5}, 1), 0},
		{"empty", metric.Variance(nil, 0), 0},
		// np.std(np.diff(np.log(p))), with ddof 0 and 1, and np.var
		{"volatility", metric.Volatility(prices, 0), 0.03548150392215806},
		{"volatility ddof 1", metric.Volatility(prices, 1), 0.03966952735693542},
		{"log-return var", metric.LogReturnVariance(prices, 0), 0.0012589371205781181},
		{"constant prices", metric.Volatility(fill(50, 123.456), 1), 0},
		{"constant growth", metric.Volatility([]float64{1, 2, 4, 8, 16}, 1), 0},
		{"one price", metric.Volatility([]float64{3}, 0), 0},
		{"two prices ddof 1", metric.Volatility([]float64{3, 4}, 1), 0},
		{"mean", metric.Mean([]float64{1, 2, 3, 4}), 2.5},
		{"mean empty", metric.Mean(nil), math.NaN()},
	} {
		// The log returns go through log, so allow 1e-14 there.
		if !close(c.got, c.want) && !(math.Abs(c.got-c.want) <= 1e-14*math.Abs(c.want)) {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	// A large mean with a small spread: the two-pass variance keeps it.
	big := []float64{1e9 + 1, 1e9 + 2, 1e9 + 3}
	if got := metric.Variance(big, 0); math.Abs(got-2.0/3) > 1e-9 {
		t.Errorf("Variance(1e9 + [1 2 3]) = %v, want 2/3", got)
	}
}

func TestVelocity(t *testing.T) {
	for _, c := range []struct {
		volume, holdings []float64
		want             float64
	}{
		{[]float64{10, 20, 30}, []float64{100, 100, 100}, 0.6},
		{[]float64{10, 20, 30}, []float64{50, 100, 150}, 0.6},
		{[]float64{5}, []float64{0, 0}, 0},
		{[]float64{5}, nil, 0},
		{nil, []float64{1}, 0},
	} {
		if got := metric.Velocity(c.volume, c.holdings); !close(got, c.want) {
			t.Errorf("Velocity(%v, %v) = %v, want %v", c.volume, c.holdings, got, c.want)
		}
	}
}

func TestWindow(t *testing.T) {
	for _, c := range []struct {
		cur  []float64
		x    float64
		n    int
		want []float64
	}{
		{nil, 1, 3, []float64{1}},
		{[]float64{1, 2}, 3, 3, []float64{1, 2, 3}},
		{[]float64{1, 2, 3}, 4, 3, []float64{2, 3, 4}},
		{[]float64{1, 2, 3, 4, 5}, 6, 2, []float64{5, 6}}, // the window shrank
		{[]float64{1, 2}, 3, 1, []float64{3}},
		{[]float64{1, 2}, 3, 0, []float64{3}}, // n < 1 is 1
	} {
		got := metric.Window(nil, c.cur, c.x, c.n)
		if len(got) != len(c.want) {
			t.Errorf("Window(%v, %v, %d) = %v, want %v", c.cur, c.x, c.n, got, c.want)
			continue
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("Window(%v, %v, %d) = %v, want %v", c.cur, c.x, c.n, got, c.want)
				break
			}
		}
	}
}

func fill(n int, x float64) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = x
	}
	return v
}
