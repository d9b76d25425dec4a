package metric

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestSortFloats: sortFloats orders as slices.Sort does (zeros of either
// sign in either order), below and above radixMin, with NaNs, and reuses its buffer.
func TestSortFloats(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	gen := map[string]func(i int) float64{
		"uniform":    func(int) float64 { return rng.Float64() },
		"balances":   func(int) float64 { return math.Round(100*rng.ExpFloat64()) / 7 },
		"signed":     func(int) float64 { return rng.NormFloat64() * 1e6 },
		"duplicates": func(i int) float64 { return float64(i % 3) },
		"zeros":      func(i int) float64 { return [...]float64{0, math.Copysign(0, -1), 1, -1}[i%4] },
		"infinities": func(i int) float64 {
			return [...]float64{math.Inf(1), math.Inf(-1), 2, -3, math.MaxFloat64, math.SmallestNonzeroFloat64}[i%6]
		},
		"with a NaN":   func(i int) float64 { return [...]float64{math.NaN(), 1, -1}[min(i, 1+i%2)] },
		"all the same": func(int) float64 { return 100 },
		"descending":   func(i int) float64 { return -float64(i) },
	}
	for name, g := range gen {
		for _, n := range []int{0, 1, 5, radixMin - 1, radixMin, 3000, 10000} {
			v := make([]float64, n)
			for i := range v {
				v[i] = g(i)
			}
			want := slices.Clone(v)
			slices.Sort(want)
			got := sortFloats(slices.Clone(v))
			if len(got) != n {
				t.Fatalf("%s, n %d: %d values", name, n, len(got))
			}
			for i := range got {
				same := got[i] == want[i] || math.IsNaN(got[i]) && math.IsNaN(want[i])
				if !same || (got[i] != 0 && math.Float64bits(got[i]) != math.Float64bits(want[i]) && !math.IsNaN(got[i])) {
					t.Fatalf("%s, n %d: value %d is %v, want %v", name, n, i, got[i], want[i])
				}
			}
		}
	}
	buf := make([]float64, 4000)
	first := sortFloats(buf)
	again := sortFloats(first[:4000])
	if &first[0] != &again[0] {
		t.Error("a second sort of the same size did not reuse the buffer")
	}
}

// TestGiniSameAsComparisonSort: Gini's sums run over the sorted values, so
// they must be those slices.Sort gives, bit for bit.
func TestGiniSameAsComparisonSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{radixMin, 10000, 100000} {
		v := make([]float64, n)
		for i := range v {
			v[i] = math.Round(100*rng.ExpFloat64()) / 3
		}
		ref := slices.Clone(v)
		slices.Sort(ref)
		total, cum := 0.0, 0.0
		for _, x := range ref {
			total += x
		}
		for i, x := range ref {
			cum += float64(float64(i+1) * x)
		}
		fn := float64(n)
		want := float64(2.0*cum)/float64(fn*total) - (fn+1.0)/fn
		if got, _ := Gini(v, nil); math.Float64bits(got) != math.Float64bits(want) {
			t.Errorf("n %d: Gini %v, want %v", n, got, want)
		}
	}
}
