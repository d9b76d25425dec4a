package runner

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/stat"

	"github.com/statecraft/statecraft/internal/offheap"
)

// TestLinInterpQuantile: selection gives gonum's stat.Quantile (LinInterp)
// of the sorted values, for small and large series (the sampled band and
// the fallback), with ties, a drift, and at every end.
func TestLinInterpQuantile(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var heap, mapped quantileScratch // the band on the heap, and in an arena as the runs have it
	var arena offheap.Arena
	defer arena.Free()
	mapped.arena = &arena
	fallbacks := orderStatsFallbacks.Load()
	for _, n := range []int{1, 2, 3, 10, 101, 1000, 5000, 20000, 100001} {
		for k, kind := range []string{"normal", "ties", "drift", "constant"} {
			scratch := &heap
			if (n+k)%2 == 1 {
				scratch = &mapped
			}
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
				if got := linInterpQuantile(p, slices.Clone(x), scratch); got != want {
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

// TestDrawdownFold: the maximum drawdown folded chunk by chunk equals the
// largest fall from a running peak over the whole series; a NaN anywhere
// makes it NaN, in whichever chunk it falls.
func TestDrawdownFold(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, nanAt := range []int{-1, 0, 700, 1499} {
		x := make([]float64, 1500)
		v := 100.0
		for i := range x {
			v *= math.Exp(0.02 * r.NormFloat64())
			x[i] = v
		}
		want := 0.0
		peak := math.Inf(-1)
		for _, v := range x {
			peak = max(peak, v)
			want = max(want, (peak-v)/peak)
		}
		if nanAt >= 0 {
			x[nanAt], want = math.NaN(), math.NaN()
		}
		kr := &kpiRun{plan: &kpiPlan{}, sources: []kpiSource{{kpiSourceSpec: kpiSourceSpec{drawdown: true}}}}
		kr.reset(len(x) - 1)
		s := &kr.sources[0]
		for i := 0; i < len(x); i += kpiChunk {
			kr.k = copy(s.chunk, x[i:])
			kr.fold()
		}
		if s.peak > 0 {
			s.maxDD = max(s.maxDD, (s.peak-s.trough)/s.peak)
		}
		if got := s.maxDD; got != want && !(math.IsNaN(got) && math.IsNaN(want)) {
			t.Errorf("NaN at %d: max drawdown %v, want %v", nanAt, got, want)
		}
	}
}
