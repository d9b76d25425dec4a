package floatfold

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
	"testing"
)

// series returns n values drawn to exercise the comparisons: ordinary
// numbers, and with probability special each of NaN, ±0, ±Inf and
// subnormals.
func series(r *rand.Rand, n int, special float64) []float64 {
	odd := []float64{math.NaN(), 0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), 5e-324, -5e-324, math.MaxFloat64}
	x := make([]float64, n)
	for i := range x {
		if r.Float64() < special {
			x[i] = odd[r.IntN(len(odd))]
		} else {
			x[i] = r.NormFloat64()*10 + 3
		}
	}
	return x
}

func same(a, b float64) bool {
	return math.Float64bits(a) == math.Float64bits(b) || a != a && b != b
}

// TestAssemblyMatchesGo: the kernels give the plain-Go lanes' results
// bit for bit, for every length and mix of special values.
func TestAssemblyMatchesGo(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, special := range []float64{0, 0.05, 0.5, 1} {
		for n := 4; n <= 260; n += 4 {
			x := series(r, n, special)
			shift := x[0]
			a, b := newAcc(), newAcc()
			moments4(&x[0], n, shift, &a)
			moments4Generic(&x[0], n, shift, &b)
			for j := 0; j < 4; j++ {
				if !same(a.sum[j], b.sum[j]) || !same(a.sq[j], b.sq[j]) || !same(a.min[j], b.min[j]) || !same(a.max[j], b.max[j]) {
					t.Fatalf("n=%d special=%v lane %d: moments4 %v %v %v %v, Go %v %v %v %v", n, special, j,
						a.sum[j], a.sq[j], a.min[j], a.max[j], b.sum[j], b.sq[j], b.min[j], b.max[j])
				}
			}
			a, b = newAcc(), newAcc()
			minMax4(&x[0], n, &a)
			minMax4Generic(&x[0], n, &b)
			if a.min != b.min || a.max != b.max {
				t.Fatalf("n=%d special=%v: minMax4 %v %v, Go %v %v", n, special, a.min, a.max, b.min, b.max)
			}
			th := x[n/2]
			if g, w := countAbove4(&x[0], n, th), countAbove4Generic(&x[0], n, th); g != w {
				t.Fatalf("n=%d: countAbove4 %d, Go %d", n, g, w)
			}
			if g, w := countBelow4(&x[0], n, th), countBelow4Generic(&x[0], n, th); g != w {
				t.Fatalf("n=%d: countBelow4 %d, Go %d", n, g, w)
			}
		}
	}
}

// TestFold checks the reductions against a plain loop over the values.
func TestFold(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	tests := []struct {
		name    string
		x       []float64
		special float64
	}{
		{"empty", nil, 0},
		{"one", []float64{2.5}, 0},
		{"three", []float64{3, -1, 2}, 0},
		{"all NaN", []float64{math.NaN(), math.NaN(), math.NaN(), math.NaN(), math.NaN()}, 0},
		{"NaN first", []float64{math.NaN(), 4, 1, 9, -2, 7}, 0},
		{"infinities", []float64{math.Inf(1), 1, math.Inf(-1), 2, 3}, 0},
		{"random 1001", series(r, 1001, 0), 0},
		{"random with NaNs", series(r, 515, 0.1), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			shift := 1.5
			wantMin, wantMax := math.Inf(1), math.Inf(-1)
			sum, sq := 0.0, 0.0
			above, below := 0, 0
			for _, v := range tt.x {
				sum += v
				sq += (v - shift) * (v - shift)
				if v < wantMin {
					wantMin = v
				}
				if v > wantMax {
					wantMax = v
				}
				if v > shift {
					above++
				}
				if v < shift {
					below++
				}
			}
			m := Fold(tt.x, shift)
			if m.Min != wantMin || m.Max != wantMax {
				t.Errorf("Fold min, max = %v, %v; want %v, %v", m.Min, m.Max, wantMin, wantMax)
			}
			if lo, hi := MinMax(tt.x); lo != wantMin || hi != wantMax {
				t.Errorf("MinMax = %v, %v; want %v, %v", lo, hi, wantMin, wantMax)
			}
			if !close(m.Sum, sum) || !close(m.Sq, sq) {
				t.Errorf("Fold sum, sq = %v, %v; want %v, %v", m.Sum, m.Sq, sum, sq)
			}
			if g := CountAbove(tt.x, shift); g != above {
				t.Errorf("CountAbove = %d, want %d", g, above)
			}
			if g := CountBelow(tt.x, shift); g != below {
				t.Errorf("CountBelow = %d, want %d", g, below)
			}
		})
	}
}

func close(a, b float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) || math.IsInf(b, 0) {
		return same(a, b) || a == b
	}
	return math.Abs(a-b) <= 1e-12*math.Max(1, math.Abs(b))
}

// FuzzFold: on any bytes read as float64s, the assembly and the Go lanes
// agree bit for bit, and the minimum and maximum are values of the series
// bounding every other non-NaN value.
func FuzzFold(f *testing.F) {
	f.Add([]byte{0, 0, 0, 0, 0, 0, 0xf8, 0x7f, 1, 2, 3, 4, 5, 6, 7, 8}, 0.5)
	f.Add(make([]byte, 8*9), -1.0)
	f.Fuzz(func(t *testing.T, b []byte, shift float64) {
		x := make([]float64, len(b)/8)
		for i := range x {
			x[i] = math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:]))
		}
		if n := len(x) &^ 3; n > 0 {
			a, g := newAcc(), newAcc()
			moments4(&x[0], n, shift, &a)
			moments4Generic(&x[0], n, shift, &g)
			for j := 0; j < 4; j++ {
				if !same(a.sum[j], g.sum[j]) || !same(a.sq[j], g.sq[j]) || !same(a.min[j], g.min[j]) || !same(a.max[j], g.max[j]) {
					t.Fatalf("lane %d differs: %v vs %v", j, a, g)
				}
			}
			if countAbove4(&x[0], n, shift) != countAbove4Generic(&x[0], n, shift) ||
				countBelow4(&x[0], n, shift) != countBelow4Generic(&x[0], n, shift) {
				t.Fatal("counts differ")
			}
		}
		var walkable []float64 // Drawdown's input holds no NaN
		for _, v := range x {
			if v == v {
				walkable = append(walkable, v)
			}
		}
		if len(walkable) > 0 {
			a := [3]float64{math.Inf(-1), math.Inf(-1), 0}
			g := a
			drawdown1(&walkable[0], len(walkable), &a)
			drawdown1Generic(&walkable[0], len(walkable), &g)
			if !same(a[0], g[0]) || !same(a[1], g[1]) || !same(a[2], g[2]) {
				t.Fatalf("drawdown state %v, Go %v", a, g)
			}
		}
		lo, hi := MinMax(x)
		for _, v := range x {
			if v < lo || v > hi {
				t.Fatalf("%v outside [%v, %v]", v, lo, hi)
			}
		}
		if m := Fold(x, shift); m.Min != lo && !(math.IsInf(lo, 1) && math.IsInf(m.Min, 1)) || m.Max != hi {
			t.Fatalf("Fold %v, %v; MinMax %v, %v", m.Min, m.Max, lo, hi)
		}
	})
}

func BenchmarkFold(b *testing.B) {
	x := series(rand.New(rand.NewPCG(5, 6)), 512, 0)
	b.SetBytes(8 * 512)
	for b.Loop() {
		Fold(x, x[0])
	}
}

func BenchmarkMinMax(b *testing.B) {
	x := series(rand.New(rand.NewPCG(5, 6)), 512, 0)
	b.SetBytes(8 * 512)
	for b.Loop() {
		MinMax(x)
	}
}

func BenchmarkFoldGeneric(b *testing.B) {
	x := series(rand.New(rand.NewPCG(5, 6)), 512, 0)
	b.SetBytes(8 * 512)
	for b.Loop() {
		a := newAcc()
		moments4Generic(&x[0], 512, x[0], &a)
	}
}

// walk returns a random walk of n steps with trends, flat stretches
// (equal values, ±0) and, with probability special, odd values.
func walk(r *rand.Rand, n int, special float64) []float64 {
	x := make([]float64, n)
	v, drift := 5.0, 0.0
	for i := range x {
		if i%37 == 0 {
			drift = r.NormFloat64() * 0.3
		}
		switch u := r.Float64(); {
		case u < special/3:
			x[i] = []float64{0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), -3}[r.IntN(5)]
			continue
		case u < 0.1:
			// flat: the same value again
		default:
			v += drift + r.NormFloat64()
		}
		x[i] = v
	}
	return x
}

// TestDrawdown: the assembly walk gives the plain-Go walk's state bit for
// bit, chunk after chunk, and the largest fall is the brute force's.
func TestDrawdown(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, special := range []float64{0, 0.02, 0.3} {
		for n := 1; n < 300; n += 7 {
			x := walk(r, n, special)
			a := [3]float64{math.Inf(-1), math.Inf(-1), 0}
			g := a
			for lo := 0; lo < n; lo += 13 { // in chunks, as the KPIs fold
				hi := min(n, lo+13)
				drawdown1(&x[lo], hi-lo, &a)
				drawdown1Generic(&x[lo], hi-lo, &g)
				for j := range a {
					if !same(a[j], g[j]) {
						t.Fatalf("special=%v n=%d after %d values: state %v, Go %v", special, n, hi, a, g)
					}
				}
			}
			if special > 0 {
				continue
			}
			peak, dd := math.Inf(-1), 0.0
			for _, v := range x {
				peak = max(peak, v)
				if peak > 0 {
					dd = max(dd, (peak-v)/peak)
				}
			}
			got := a[2]
			if a[0] > 0 {
				got = max(got, (a[0]-a[1])/a[0]) // the fall still open
			}
			if math.Abs(got-dd) > 1e-15 {
				t.Fatalf("n=%d: drawdown %v, brute force %v", n, got, dd)
			}
		}
	}
	if p, tr, dd := Drawdown(nil, 1, 2, 3); p != 1 || tr != 2 || dd != 3 {
		t.Errorf("Drawdown of nothing changed the state: %v %v %v", p, tr, dd)
	}
}

func TestAllFinite(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for n := 0; n <= 13; n++ {
		x := make([]float64, n)
		for i := range x {
			x[i] = r.NormFloat64() * 1e300 // big, but finite: v-v is 0
		}
		if !AllFinite(x) {
			t.Fatalf("n=%d: finite values reported not finite", n)
		}
		for i := range x {
			for _, bad := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
				old := x[i]
				x[i] = bad
				if AllFinite(x) {
					t.Fatalf("n=%d: %v at %d not found", n, bad, i)
				}
				x[i] = old
			}
		}
	}
}

func BenchmarkAllFinite(b *testing.B) {
	x := series(rand.New(rand.NewPCG(1, 2)), 4096, 0)
	b.SetBytes(8 * int64(len(x)))
	for b.Loop() {
		if !AllFinite(x) {
			b.Fatal("not finite")
		}
	}
}
