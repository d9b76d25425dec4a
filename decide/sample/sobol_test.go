package sample

import (
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestSobolFirstPoints checks the first points against published values:
// the 2-D sequence from index 1 on, and scipy's unscrambled 3-D values
// (scipy/stats/tests/test_sobol.py of the releases that skipped the
// origin, as this package does).
func TestSobolFirstPoints(t *testing.T) {
	tests := []struct {
		name string
		d    int
		want [][]float64
	}{
		{"1d van der Corput", 1, [][]float64{
			{0.5}, {0.75}, {0.25}, {0.375}, {0.875}, {0.625}, {0.125}, {0.1875}, {0.6875}, {0.9375},
		}},
		{"2d", 2, [][]float64{
			{0.5, 0.5}, {0.75, 0.25}, {0.25, 0.75}, {0.375, 0.375},
			{0.875, 0.875}, {0.625, 0.125}, {0.125, 0.625},
		}},
		{"3d", 3, [][]float64{
			{0.5, 0.5, 0.5}, {0.75, 0.25, 0.25}, {0.25, 0.75, 0.75},
			{0.375, 0.375, 0.625}, {0.875, 0.875, 0.125}, {0.625, 0.125, 0.875},
			{0.125, 0.625, 0.375}, {0.1875, 0.3125, 0.9375}, {0.6875, 0.8125, 0.4375},
			{0.9375, 0.0625, 0.6875},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := UnitSobol(len(tt.want), tt.d, 0)
			if err != nil {
				t.Fatal(err)
			}
			for i := range tt.want {
				if !slices.Equal(got[i], tt.want[i]) {
					t.Errorf("point %d = %v, want %v", i, got[i], tt.want[i])
				}
			}
		})
	}
}

// TestSobolMatchesJoeKuoGenerator compares points with rows of the output
// of Joe and Kuo's own generator in 100 dimensions (see the file's header).
func TestSobolMatchesJoeKuoGenerator(t *testing.T) {
	data, err := os.ReadFile("testdata/sobol_joe_kuo_100.txt")
	if err != nil {
		t.Fatal(err)
	}
	pts, err := UnitSobol(1023, 100, 0)
	if err != nil {
		t.Fatal(err)
	}
	rows := 0
	for _, line := range strings.Split(string(data), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		head, row, ok := strings.Cut(line, ": ")
		index, err := strconv.Atoi(head)
		if !ok || err != nil || index < 1 || index > len(pts) {
			t.Fatalf("bad golden line %q", line)
		}
		fields := strings.Fields(row)
		if len(fields) != 100 {
			t.Fatalf("index %d: golden row has %d values", index, len(fields))
		}
		got := pts[index-1] // the origin, index 0, is skipped
		for j, f := range fields {
			want, err := strconv.ParseFloat(f, 64)
			if err != nil {
				t.Fatal(err)
			}
			if got[j] != want {
				t.Errorf("index %d, dim %d = %v, want %v", index, j+1, got[j], want)
			}
		}
		rows++
	}
	if rows != 10 {
		t.Errorf("%d golden rows, want 10", rows)
	}
}

// TestJoeKuoTable checks the table's structure: the (s, a) columns are the
// primitive polynomials over GF(2) in order of degree, then of a, as in
// Joe and Kuo's file, and each m_k is odd and below 2^k.
func TestJoeKuoTable(t *testing.T) {
	var want [][2]uint32
	for s := uint32(1); len(want) < len(joeKuo); s++ {
		for a := uint32(0); a < 1<<(s-1) && len(want) < len(joeKuo); a++ {
			if primitive(s, a) {
				want = append(want, [2]uint32{s, a})
			}
		}
	}
	for i, r := range joeKuo {
		if got := [2]uint32{r.s, r.a}; got != want[i] {
			t.Errorf("dim %d: (s, a) = %v, want the next primitive polynomial %v", i+2, got, want[i])
		}
		if len(r.m) != int(r.s) {
			t.Errorf("dim %d: %d initial numbers for degree %d", i+2, len(r.m), r.s)
		}
		for k, m := range r.m {
			if m%2 == 0 || m >= 1<<(k+1) {
				t.Errorf("dim %d: m_%d = %d is not odd and below 2^%d", i+2, k+1, m, k+1)
			}
		}
	}
	// Degrees 1..9 have 1+1+2+2+6+6+18+16+48 = 100 primitive polynomials.
	if r := joeKuo[99]; r.s != 9 || joeKuo[100].s != 10 {
		t.Errorf("dims 101 and 102 have degrees %d and %d, want 9 and 10", r.s, joeKuo[100].s)
	}
}

// primitive reports whether x^s + a_1 x^(s-1) + ... + a_(s-1) x + 1, with
// a's bits as the inner coefficients, is primitive over GF(2): x has order
// 2^s - 1 modulo it.
func primitive(s, a uint32) bool {
	poly := uint64(1)<<s | uint64(a)<<1 | 1
	period := uint64(1)<<s - 1
	x := uint64(1)
	for k := uint64(1); k <= period; k++ {
		x <<= 1 // multiply by x
		if x>>s&1 == 1 {
			x ^= poly
		}
		if x == 1 {
			return k == period
		}
	}
	return false
}

// counts returns how many of pts' coordinate j fall in each of the 2^m
// intervals [k/2^m, (k+1)/2^m).
func counts(pts [][]float64, j, m int) []int {
	c := make([]int, 1<<m)
	for _, p := range pts {
		c[int(p[j]*float64(int(1)<<m))]++
	}
	return c
}

// TestSobolNets checks that the skipped point with points 1..2^m-1, and
// every later aligned block of 2^m points, puts one point in each of the
// 2^m intervals of every coordinate, plain and shifted, in all supported
// dimensions.
func TestSobolNets(t *testing.T) {
	const maxM = 10
	for _, seed := range []uint64{0, 1, 0xdecafbad} {
		pts, err := UnitSobol(1<<(maxM+1)-1, MaxSobolDims, seed)
		if err != nil {
			t.Fatal(err)
		}
		skipped := skippedPoint(MaxSobolDims, seed)
		for m := 0; m <= maxM; m++ {
			size := 1 << m
			blocks := [][][]float64{append([][]float64{skipped}, pts[:size-1]...)}
			for start := size - 1; start+size <= len(pts); start += size {
				blocks = append(blocks, pts[start:start+size])
			}
			for b, block := range blocks {
				for j := 0; j < MaxSobolDims; j++ {
					for k, c := range counts(block, j, m) {
						if c != 1 {
							t.Fatalf("seed %d, m %d, block %d, dim %d: interval %d holds %d points", seed, m, b, j+1, k, c)
						}
					}
				}
			}
		}
	}
}

// skippedPoint is point 0 of the sequence: the origin, or the shift.
func skippedPoint(d int, seed uint64) []float64 {
	p := make([]float64, d)
	if seed != 0 {
		// Point 0 XOR point 1 is v_1 = 1/2 in every dimension.
		one, _ := UnitSobol(1, d, seed)
		for j, u := range one[0] {
			p[j] = xorUnit(u, 0.5)
		}
	}
	return p
}

// TestSobol2DElementaryIntervals checks that dimensions 1 and 2 of the
// first 2^m points form a (0, m, 2)-net: each box [i/2^a, (i+1)/2^a) x
// [k/2^(m-a), (k+1)/2^(m-a)) holds exactly one point.
func TestSobol2DElementaryIntervals(t *testing.T) {
	for _, seed := range []uint64{0, 42} {
		for m := 1; m <= 8; m++ {
			pts, err := UnitSobol(1<<m-1, 2, seed)
			if err != nil {
				t.Fatal(err)
			}
			pts = append(pts, skippedPoint(2, seed))
			for a := 0; a <= m; a++ {
				seen := map[[2]int]int{}
				for _, p := range pts {
					seen[[2]int{int(p[0] * float64(int(1)<<a)), int(p[1] * float64(int(1)<<(m-a)))}]++
				}
				if len(seen) != 1<<m {
					t.Errorf("seed %d, m %d, a %d: %d of %d boxes hold a point", seed, m, a, len(seen), 1<<m)
				}
			}
		}
	}
}

func TestSobolShift(t *testing.T) {
	plain, _ := UnitSobol(64, 5, 0)
	a1, _ := UnitSobol(64, 5, 7)
	a2, _ := UnitSobol(64, 5, 7)
	b, _ := UnitSobol(64, 5, 8)
	if !equalPoints(a1, a2) {
		t.Error("the same seed gave different points")
	}
	if equalPoints(a1, b) || equalPoints(a1, plain) {
		t.Error("different seeds gave the same points")
	}
	// A digital shift XORs every point with the same word: point i XOR
	// point 0 of the shifted sequence is the plain point i.
	for _, p := range a1 {
		for _, u := range p {
			if u < 0 || u >= 1 {
				t.Fatalf("shifted coordinate %v outside [0, 1)", u)
			}
		}
	}
	shift := skippedPoint(5, 7)
	for i := range a1 {
		for j := range a1[i] {
			if got := xorUnit(a1[i][j], shift[j]); got != plain[i][j] {
				t.Fatalf("point %d dim %d: shifted XOR shift = %v, want %v", i, j, got, plain[i][j])
			}
		}
	}
}

// xorUnit XORs the 53-bit binary fractions of two values in [0, 1).
func xorUnit(x, y float64) float64 {
	return float64(uint64(x*0x1p53)^uint64(y*0x1p53)) * 0x1p-53
}

func TestSobolPrefix(t *testing.T) {
	for _, seed := range []uint64{0, 3} {
		short, _ := UnitSobol(100, 7, seed)
		long, _ := UnitSobol(300, 7, seed)
		if !equalPoints(short, long[:100]) {
			t.Errorf("seed %d: the first 100 of 300 points differ from 100 points", seed)
		}
	}
}

// TestSobolMeans is a discrepancy sanity check: 1024 points in 5 dims
// have every coordinate's mean within 0.01 of 1/2.
func TestSobolMeans(t *testing.T) {
	for _, seed := range []uint64{0, 99} {
		pts, err := UnitSobol(1024, 5, seed)
		if err != nil {
			t.Fatal(err)
		}
		for j := 0; j < 5; j++ {
			var sum float64
			for _, p := range pts {
				sum += p[j]
			}
			if mean := sum / 1024; math.Abs(mean-0.5) > 0.01 {
				t.Errorf("seed %d, dim %d: mean %v, want 0.5 ± 0.01", seed, j+1, mean)
			}
		}
	}
}

func TestSobolScaled(t *testing.T) {
	dims := []Dim{
		{Name: "rate", Min: -1, Max: 3},
		{Name: "size", Min: 1, Max: 1000, Log: true},
		{Name: "agents", Min: 0.5, Max: 4.5, Int: true},
		{Name: "fixed", Min: 2, Max: 2},
	}
	for _, seed := range []uint64{0, 5} {
		got, err := Sobol(31, dims, seed)
		if err != nil {
			t.Fatal(err)
		}
		unit, _ := UnitSobol(31, len(dims), seed)
		for i := range got {
			for j, d := range dims {
				if want := d.Scale(unit[i][j]); got[i][j] != want {
					t.Fatalf("seed %d point %d %s = %v, want Scale of %v = %v", seed, i, d.Name, got[i][j], unit[i][j], want)
				}
			}
		}
		// 31 plain points and the origin: each integer 1..4 holds 8.
		if seed == 0 {
			c := map[float64]int{dims[2].Scale(0): 1}
			for _, p := range got {
				c[p[2]]++
			}
			for v := 1.0; v <= 4; v++ {
				if c[v] != 8 {
					t.Errorf("agents = %v in %d of 32 points, want 8", v, c[v])
				}
			}
		}
	}
}

func TestSobolErrors(t *testing.T) {
	tests := []struct {
		name string
		call func() error
		want string
	}{
		{"zero samples", func() error { _, err := UnitSobol(0, 2, 0); return err }, "samples must be > 0, got 0"},
		{"negative samples", func() error { _, err := Sobol(-3, []Dim{{Max: 1}}, 0); return err }, "samples must be > 0, got -3"},
		{"no dims", func() error { _, err := Sobol(4, nil, 0); return err }, "dims must be > 0, got 0"},
		{"negative dims", func() error { _, err := UnitSobol(4, -1, 0); return err }, "dims must be > 0, got -1"},
		{"too many dims", func() error { _, err := UnitSobol(4, MaxSobolDims+1, 0); return err },
			"sobol supports at most 128 dims, got 129"},
		{"too many values", func() error { _, err := UnitSobol(math.MaxInt, 2, 0); return err },
			"9223372036854775807 samples of 2 dims exceed the limit of 268435456 values"},
		{"invalid dim", func() error {
			_, err := Sobol(4, []Dim{{Name: "ok", Max: 1}, {Name: "speed", Min: 3, Max: 1}}, 1)
			return err
		}, "speed: min 3 > max 1"},
		{"unnamed dim", func() error { _, err := Sobol(4, []Dim{{Max: math.NaN()}}, 0); return err },
			"dim 0: max must be finite, got NaN"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			if err == nil || err.Error() != tt.want {
				t.Errorf("error %v, want %q", err, tt.want)
			}
		})
	}
}

func equalPoints(a, b [][]float64) bool {
	return slices.EqualFunc(a, b, slices.Equal[[]float64])
}
