package runner

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/stat"
)

// TestLinInterpQuantile: selection gives gonum's stat.Quantile (LinInterp)
// of the sorted values, for small and large series (the sampled band and
// the fallback), with ties, a drift, and at every end.
func TestLinInterpQuantile(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var scratch quantileScratch
	fallbacks := orderStatsFallbacks.Load()
	for _, n := range []int{1, 2, 3, 10, 101, 1000, 5000, 20000, 100001} {
		for _, kind := range []string{"normal", "ties", "drift", "constant"} {
			x := make([]float64, n)
			for i := range x {
				switch kind {
				case "normal":
					x[i] = r.NormFloat64()
				case "ties":
					x[i] = math.Round(r.NormFloat64() * 2)
				case "drift":
					x[i] = float64(i)*0.01 + r.NormFloat64()
				case "constant":
					x[i] = 3
				}
			}
			sorted := slices.Clone(x)
			slices.Sort(sorted)
			for _, p := range []float64{0, 0.001, 0.05, 0.25, 0.5, 0.9, 0.95, 0.999, 1} {
				want := stat.Quantile(p, stat.LinInterp, sorted, nil)
				if got := linInterpQuantile(p, slices.Clone(x), &scratch); got != want {
					t.Errorf("n %d %s p %v: %v, want %v", n, kind, p, got, want)
				}
			}
		}
	}
	// the band brackets the quantile in these series but for ties and
	// constants at the ends, where a band of equal values may not hold it
	if n := orderStatsFallbacks.Load() - fallbacks; n > 12 {
		t.Errorf("%d large-series quantiles fell back to selecting the whole series", n)
	}
}

// TestJSONValue: non-finite values, which JSON numbers cannot hold, are
// written as text in the manifest's parameters.
func TestJSONValue(t *testing.T) {
	for _, c := range []struct{ in, want any }{
		{1.5, 1.5}, {math.NaN(), "NaN"}, {math.Inf(-1), "-Inf"}, {int64(3), int64(3)},
		{[]float64{1, 2}, []float64{1, 2}}, {[]float64{1, math.Inf(1)}, []any{1.0, "+Inf"}},
	} {
		if got := jsonValue(c.in); fmt.Sprintf("%#v", got) != fmt.Sprintf("%#v", c.want) {
			t.Errorf("jsonValue(%v) = %#v, want %#v", c.in, got, c.want)
		}
	}
}
