package sensitivity

import (
	"math"
	"reflect"
	"strings"
	"testing"
)

func TestSobolDesignLayout(t *testing.T) {
	const n, k = 5, 3
	base := uniformBase(n, 2*k, 7)
	d, err := NewSobolDesign(base)
	if err != nil {
		t.Fatal(err)
	}
	if d.K != k || d.N != n || len(d.Points) != n*(k+2) {
		t.Fatalf("K, N, len(Points) = %d, %d, %d; want %d, %d, %d", d.K, d.N, len(d.Points), k, n, n*(k+2))
	}
	for j, row := range base {
		a, b := row[:k], row[k:]
		g := j * (k + 2)
		if !reflect.DeepEqual(d.Points[g], a) {
			t.Errorf("row %d = %v; want A_%d = %v", g, d.Points[g], j, a)
		}
		for i := range k {
			want := append([]float64(nil), a...)
			want[i] = b[i]
			if got := d.Points[g+1+i]; !reflect.DeepEqual(got, want) {
				t.Errorf("row %d = %v; want AB^(%d)_%d = %v", g+1+i, got, i, j, want)
			}
		}
		if !reflect.DeepEqual(d.Points[g+k+1], b) {
			t.Errorf("row %d = %v; want B_%d = %v", g+k+1, d.Points[g+k+1], j, b)
		}
	}
	// The design copies base.
	base[0][0] = 0.5
	if d.Points[0][0] == 0.5 {
		t.Error("the design aliases its base sample")
	}
}

// sobolIshigami runs the Saltelli design on the Ishigami function (a = 7,
// b = 0.1) with n pseudo-random base rows.
func sobolIshigami(t *testing.T, n, bootstrap int, seed uint64) []SobolIndex {
	t.Helper()
	d, err := NewSobolDesign(uniformBase(n, 6, 2024))
	if err != nil {
		t.Fatal(err)
	}
	idx, err := d.Analyze(evaluate(d.Points, -math.Pi, math.Pi, ishigami7), bootstrap, seed)
	if err != nil {
		t.Fatal(err)
	}
	return idx
}

func TestSobolIshigami(t *testing.T) {
	n := 1 << 13
	if testing.Short() {
		n = 1 << 12
	}
	idx := sobolIshigami(t, n, 1000, 1)
	s1, st := IshigamiIndices(7, 0.1)
	covered, total := 0, 0
	check := func(name string, i int, est, lo, hi, truth float64) {
		t.Logf("%s[%d] = %.4f [%.4f, %.4f], analytic %.4f, error %+.4f", name, i, est, lo, hi, truth, est-truth)
		total++
		if lo <= truth && truth <= hi {
			covered++
		}
		if !(lo <= est && est <= hi) {
			t.Errorf("%s[%d] = %.4f is outside its interval [%.4f, %.4f]", name, i, est, lo, hi)
		}
		if !near(est, truth, 0.05) {
			t.Errorf("%s[%d] = %.4f; analytic %.4f (|error| > 0.05)", name, i, est, truth)
		}
		if !(lo <= truth && truth <= hi) && !near(est, truth, 0.03) {
			t.Errorf("%s[%d] = %.4f: analytic %.4f is outside [%.4f, %.4f] and more than 0.03 away", name, i, est, truth, lo, hi)
		}
	}
	for i, x := range idx {
		check("S1", i, x.S1, x.S1Lo, x.S1Hi, s1[i])
		check("ST", i, x.ST, x.STLo, x.STHi, st[i])
	}
	if covered < total-1 {
		t.Errorf("%d of %d bootstrap intervals contain the analytic index; want at least %d", covered, total, total-1)
	}
}

func TestSobolLinear(t *testing.T) {
	c := []float64{1, 2, 3}
	var sum2 float64
	for _, ci := range c {
		sum2 += ci * ci
	}
	d, err := NewSobolDesign(uniformBase(4096, 2*len(c), 3))
	if err != nil {
		t.Fatal(err)
	}
	idx, err := d.Analyze(evaluate(d.Points, 0, 1, linear(c)), 200, 1)
	if err != nil {
		t.Fatal(err)
	}
	var sumS1 float64
	for i, x := range idx {
		want := c[i] * c[i] / sum2
		if !near(x.S1, want, 0.03) || !near(x.ST, want, 0.03) {
			t.Errorf("factor %d: S1 = %.4f, ST = %.4f; want both %.4f", i, x.S1, x.ST, want)
		}
		sumS1 += x.S1
	}
	if !near(sumS1, 1, 0.05) {
		t.Errorf("sum S1 = %.4f; want 1 for an additive model", sumS1)
	}
}

func TestSobolReproducible(t *testing.T) {
	a := sobolIshigami(t, 512, 100, 9)
	b := sobolIshigami(t, 512, 100, 9)
	if !reflect.DeepEqual(a, b) {
		t.Errorf("same seed, different results:\n%v\n%v", a, b)
	}
	c := sobolIshigami(t, 512, 100, 10)
	if a[0].S1 != c[0].S1 {
		t.Errorf("the seed changed the estimate: %v, %v", a[0].S1, c[0].S1)
	}
	if a[0].S1Lo == c[0].S1Lo && a[0].S1Hi == c[0].S1Hi {
		t.Errorf("another seed gave the same interval [%v, %v]", a[0].S1Lo, a[0].S1Hi)
	}
}

func TestSobolDefaultBootstrap(t *testing.T) {
	// bootstrap <= 0 means 1000 replicates.
	if !reflect.DeepEqual(sobolIshigami(t, 256, 0, 4), sobolIshigami(t, 256, 1000, 4)) {
		t.Error("bootstrap 0 differs from bootstrap 1000")
	}
	if reflect.DeepEqual(sobolIshigami(t, 256, 0, 4), sobolIshigami(t, 256, 999, 4)) {
		t.Error("bootstrap 0 equals bootstrap 999")
	}
}

func TestNewSobolDesignErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		base [][]float64
		want string
	}{
		{"nil", nil, "at least one row"},
		{"no rows", [][]float64{}, "at least one row"},
		{"zero width", [][]float64{{}}, "even, positive number of values (A and B side by side), got 0"},
		{"odd width", [][]float64{{0.1, 0.2, 0.3}}, "even, positive number of values (A and B side by side), got 3"},
		{"ragged", [][]float64{{0.1, 0.2}, {0.1, 0.2}, {0.3}}, "base row 2 has 1 values; row 0 has 2"},
		{"above 1", [][]float64{{0.1, 0.2}, {0.1, 1.5}}, "base value [1][1] = 1.5 is outside [0,1]"},
		{"negative", [][]float64{{-0.1, 0.2}}, "base value [0][0] = -0.1 is outside [0,1]"},
		{"NaN", [][]float64{{0.1, math.NaN()}}, "base value [0][1] = NaN is outside [0,1]"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := NewSobolDesign(c.base)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v; want one containing %q", err, c.want)
			}
		})
	}
}

func TestSobolAnalyzeErrors(t *testing.T) {
	d, err := NewSobolDesign(uniformBase(4, 4, 1)) // 4 rows, K = 2: 16 points
	if err != nil {
		t.Fatal(err)
	}
	good := evaluate(d.Points, 0, 1, linear([]float64{1, 2}))
	with := func(i int, v float64) []float64 {
		y := append([]float64(nil), good...)
		y[i] = v
		return y
	}
	for _, c := range []struct {
		name string
		y    []float64
		want string
	}{
		{"short", good[:15], "15 outputs for a Sobol design of N*(K+2) = 4*4 = 16 points"},
		{"long", append(append([]float64(nil), good...), 1), "17 outputs"},
		{"NaN", with(6, math.NaN()), "output y[6] = NaN (the model's value at point 6) is not finite"},
		{"Inf", with(15, math.Inf(-1)), "output y[15] = -Inf (the model's value at point 15) is not finite"},
		{"constant", make([]float64, 16), "zero variance"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := d.Analyze(c.y, 10, 1)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v; want one containing %q", err, c.want)
			}
		})
	}
}
