package metric

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/statecraft/statecraft/internal/floatsort"
)

// TestGiniSameAsComparisonSort: Gini's sums run over the sorted values, so
// they must be those slices.Sort gives, bit for bit.
func TestGiniSameAsComparisonSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{floatsort.RadixMin, 10000, 100000} {
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
