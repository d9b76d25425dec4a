package floatsort

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

// TestSortShapes: the radix sort gives slices.Sort's order on values of
// every shape (normal, ties, one value, every sign and exponent, the
// infinities, subnormals, zeros of both signs), below and above the
// size it starts at, with the sorter reused.
func TestSortShapes(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	special := []float64{math.Inf(1), math.Inf(-1), 0, math.Copysign(0, -1), 5e-324, -5e-324, math.MaxFloat64, -math.MaxFloat64, math.SmallestNonzeroFloat64}
	for _, n := range []int{0, 1, RadixMin - 1, RadixMin, 1000, 100000} {
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
			vals = Sort(vals)
			if !sameSorted(vals, want) {
				t.Fatalf("%d %s values: not slices.Sort's order", n, kind)
			}
			if kind == "special" && n >= RadixMin {
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

// FuzzSort: any values without NaN sort to slices.Sort's order.
func FuzzSort(f *testing.F) {
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
		vals = Sort(vals)
		if !sameSorted(vals, want) {
			t.Fatalf("%d values: not slices.Sort's order", len(vals))
		}
	})
}

func BenchmarkSort(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	vals := make([]float64, 250000)
	for i := range vals {
		vals[i] = 10 + r.NormFloat64()
	}
	work := make([]float64, len(vals))
	b.Run("radix", func(b *testing.B) {
		for b.Loop() {
			copy(work, vals)
			work = Sort(work)
		}
	})
	b.Run("slices.Sort", func(b *testing.B) {
		for b.Loop() {
			copy(work, vals)
			slices.Sort(work)
		}
	})
}

// TestSort: Sort orders as slices.Sort does (zeros of either
// sign in either order), below and above RadixMin, with NaNs, and reuses its buffer.
func TestSort(t *testing.T) {
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
		for _, n := range []int{0, 1, 5, RadixMin - 1, RadixMin, 3000, 10000} {
			v := make([]float64, n)
			for i := range v {
				v[i] = g(i)
			}
			want := slices.Clone(v)
			slices.Sort(want)
			got := Sort(slices.Clone(v))
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
	first := Sort(buf)
	again := Sort(first[:4000])
	if &first[0] != &again[0] {
		t.Error("a second sort of the same size did not reuse the buffer")
	}
}
