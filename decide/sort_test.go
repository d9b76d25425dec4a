package decide

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// sameSorted reports whether got is want's order, zeros of either sign
// being equal (slices.Sort orders -0 and +0 as it likes).
func sameSorted(got, want []float64) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if got[i] != want[i] && math.Float64bits(got[i]) != math.Float64bits(want[i]) {
			return false
		}
	}
	return true
}

// TestFloatSorter: the radix sort gives slices.Sort's order on values of
// every shape (normal, ties, one value, every sign and exponent, the
// infinities, subnormals, zeros of both signs), below and above the
// size it starts at, with the sorter reused.
func TestFloatSorter(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var s floatSorter
	special := []float64{math.Inf(1), math.Inf(-1), 0, math.Copysign(0, -1), 5e-324, -5e-324, math.MaxFloat64, -math.MaxFloat64, math.SmallestNonzeroFloat64}
	for _, n := range []int{0, 1, radixMin - 1, radixMin, 1000, 100000} {
		for _, kind := range []string{"normal", "ties", "constant", "special", "wide", "sorted", "reversed"} {
			vals := make([]float64, n)
			for i := range vals {
				switch kind {
				case "normal":
					vals[i] = r.NormFloat64()
				case "ties":
					vals[i] = math.Round(r.NormFloat64() * 3)
				case "constant":
					vals[i] = 7.25
				case "special":
					vals[i] = special[r.IntN(len(special))]
				case "wide":
					vals[i] = math.Float64frombits(r.Uint64()&^(0x7ff<<52) | uint64(r.IntN(0x7ff))<<52) // any finite
				case "sorted", "reversed":
					vals[i] = float64(i) - float64(n)/2
				}
			}
			if kind == "reversed" {
				slices.Reverse(vals)
			}
			want := slices.Clone(vals)
			slices.Sort(want)
			s.sort(vals)
			if !sameSorted(vals, want) {
				t.Fatalf("%d %s values: not slices.Sort's order", n, kind)
			}
			if kind == "special" && n >= radixMin {
				// -0 before +0
				for i := 1; i < n; i++ {
					if vals[i] == 0 && math.Signbit(vals[i]) && !math.Signbit(vals[i-1]) && vals[i-1] == 0 {
						t.Fatalf("+0 before -0 at %d", i)
					}
				}
			}
		}
	}
}

// FuzzFloatSorter: any values without NaN sort to slices.Sort's order.
func FuzzFloatSorter(f *testing.F) {
	f.Add([]byte{1, 2, 3}, uint16(600))
	f.Fuzz(func(t *testing.T, seed []byte, n uint16) {
		vals := make([]float64, int(n)%4096)
		for i := range vals {
			var u uint64
			for k := range 8 {
				if len(seed) > 0 {
					u |= uint64(seed[(i*8+k)%len(seed)]^byte(i*31+k)) << (8 * k)
				}
			}
			vals[i] = math.Float64frombits(u)
			if math.IsNaN(vals[i]) {
				vals[i] = float64(i)
			}
		}
		want := slices.Clone(vals)
		slices.Sort(want)
		var s floatSorter
		s.sort(vals)
		if !sameSorted(vals, want) {
			t.Fatalf("%d values: not slices.Sort's order", len(vals))
		}
	})
}

func BenchmarkFloatSorter(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	vals := make([]float64, 250000)
	for i := range vals {
		vals[i] = 10 + r.NormFloat64()
	}
	work := make([]float64, len(vals))
	b.Run("radix", func(b *testing.B) {
		var s floatSorter
		for b.Loop() {
			copy(work, vals)
			s.sort(work)
		}
	})
	b.Run("slices.Sort", func(b *testing.B) {
		for b.Loop() {
			copy(work, vals)
			slices.Sort(work)
		}
	})
}
