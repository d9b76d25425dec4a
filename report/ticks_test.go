package report

import (
	"slices"
	"testing"
)

// TestLogTicks: a log axis labels its powers of ten, and within two
// decades its 2s and 5s, within one every tick.
func TestLogTicks(t *testing.T) {
	for _, c := range []struct {
		lo, hi float64
		want   []string
	}{
		{0.21, 0.44, []string{"0.3", "0.4"}},
		{0.15, 3, []string{"0.2", "0.5", "1", "2"}},
		{1, 1e6, []string{"1", "10", "100", "1e+03", "1e+04", "1e+05", "1e+06"}},
	} {
		var got []string
		for _, tk := range (logTicks{}).Ticks(c.lo, c.hi) {
			if tk.Label != "" && tk.Value >= c.lo && tk.Value <= c.hi {
				got = append(got, tk.Label)
			}
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("[%v, %v]: labels %v, want %v", c.lo, c.hi, got, c.want)
		}
	}
}
