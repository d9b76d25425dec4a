package metric_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/statecraft/statecraft/blocks/metric"
)

func TestWindowSum(t *testing.T) {
	v := []float64{1, 2, 3, 4, 5}
	for _, c := range []struct {
		v       []float64
		n, skip int
		want    float64
	}{
		{v, 2, 0, 9},    // 4 + 5
		{v, 5, 0, 15},   // 1 + 2 + 3 + 4 + 5: the whole window
		{v, 30, 0, 15},  // a window still filling sums what it has
		{v, 2, 1, 7},    // 3 + 4: the last value left out
		{v, 2, 2, 5},    // 2 + 3
		{v, 3, 4, 1},    // only v[0] is before the last 4
		{v, 2, 5, 0},    // nothing before the last 5
		{v, 2, 9, 0},    // nor before the last 9
		{v, 0, 0, 0},    // n < 1 sums nothing
		{v, 1, -3, 5},   // skip < 0 is 0
		{nil, 30, 0, 0}, // empty
		{[]float64{0.1, 0.2, 0.3}, 3, 0, 0.6000000000000001}, // (0.1 + 0.2) + 0.3, oldest first, in float64
	} {
		if got := metric.WindowSum(c.v, c.n, c.skip); got != c.want {
			t.Errorf("WindowSum(%v, %d, %d) = %v, want %v", c.v, c.n, c.skip, got, c.want)
		}
	}
}

// rolling streams xs through a window of w values (metric.Window) and
// returns the window sum of n values but the last skip after each.
func rolling(xs []float64, w, n, skip int) []float64 {
	var win, spare []float64
	var out []float64
	for _, x := range xs {
		spare = metric.Window(spare[:0], win, x, w)
		win, spare = spare, win
		out = append(out, metric.WindowSum(win, n, skip))
	}
	return out
}

// TestWindowSumTokenSPICE reproduces the expectations of TokenSPICE's
// netlists/wsloop/test/test_KPIs.py, where a month is
// ceil(30 days / time step) ticks and a rolling sum covers the last that
// many ticks, this one included, or every tick so far while fewer have
// passed:
//   - testKPIs_GrantTakersRevenue: ticks of 10 days (3 to a month), 1e3 of
//     revenue per tick: 1e3, 2e3, 3e3, then 3e3 ("NOT 4e3") for good;
//   - testKPIs__mintAndBurn: 2 minted and 3 burned per tick, the change of
//     the totals over the previous month: 2, 4, 6, 6 ("NOT 8.0"), 6;
//     9 burned after the third tick and from then on;
//   - testKPIs__mktsConsumeSalesAndValuation: ticks of 3 s, network revenue
//     of 5/s, so 15 per tick, 8 ticks, all within a month
//     (ceil(2592000/3) = 864000 ticks): 8·15 = 120.
func TestWindowSumTokenSPICE(t *testing.T) {
	check := func(name string, got, want []float64) {
		t.Helper()
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("%s: tick %d: %v, want %v", name, i+1, got[i], want[i])
			}
		}
	}
	rev := fill(24, 1e3)
	check("grant takers' monthly revenue", rolling(rev, 3, 3, 0), append([]float64{1e3, 2e3}, fill(22, 3e3)...))
	check("minted in the previous month", rolling(fill(5, 2), 3, 3, 0), []float64{2, 4, 6, 6, 6})
	check("burned in the previous month", rolling(fill(5, 3), 3, 3, 0), []float64{3, 6, 9, 9, 9})
	got := rolling(fill(8, 5*3), 864000, 864000, 0)
	check("monthly network revenue", got[7:], []float64{120})
}

// TestWindowSumBruteForce: for random series, window lengths and offsets,
// the rolling sum equals, to the bit, a sum of the last n values but skip
// over the whole history, whenever the window is at least n + skip long.
func TestWindowSumBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for trial := 0; trial < 300; trial++ {
		n, skip := 1+r.IntN(40), r.IntN(40)
		w := n + skip + r.IntN(5)
		xs := make([]float64, 1+r.IntN(200))
		for i := range xs {
			xs[i] = r.NormFloat64() * 1e3
		}
		got := rolling(xs, w, n, skip)
		for i := range xs {
			hi := max(i+1-skip, 0)
			want := 0.0
			for j := max(hi-n, 0); j < hi; j++ {
				want += xs[j]
			}
			if got[i] != want {
				t.Fatalf("trial %d (n %d, skip %d, window %d): step %d: %v, brute force %v", trial, n, skip, w, i+1, got[i], want)
			}
		}
	}
}

// A month of daily revenue, rising by one a day from 1, in a window of a
// year: the last week, the week before it, and the whole month.
func ExampleWindowSum() {
	var win []float64
	for day := 1; day <= 30; day++ {
		win = metric.Window(nil, win, float64(day), 365)
	}
	fmt.Println(metric.WindowSum(win, 7, 0), metric.WindowSum(win, 7, 7), metric.WindowSum(win, 365, 0))
	// Output:
	// 189 140 465
}
