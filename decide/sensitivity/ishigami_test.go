package sensitivity

import (
	"math"
	"testing"
)

func TestIshigamiIndices(t *testing.T) {
	s1, st := IshigamiIndices(7, 0.1)
	wantS1 := [3]float64{0.3139, 0.4424, 0}
	wantST := [3]float64{0.5576, 0.4424, 0.2437}
	for i := range 3 {
		if !near(s1[i], wantS1[i], 1e-3) {
			t.Errorf("S1[%d] = %.5f; want %.4f", i, s1[i], wantS1[i])
		}
		if !near(st[i], wantST[i], 1e-3) {
			t.Errorf("ST[%d] = %.5f; want %.4f", i, st[i], wantST[i])
		}
	}
	// Without interactions (b = 0) the model is additive: S1 = ST and
	// they sum to 1.
	s1, st = IshigamiIndices(7, 0)
	if sum := s1[0] + s1[1] + s1[2]; !near(sum, 1, 1e-12) {
		t.Errorf("b = 0: sum S1 = %v; want 1", sum)
	}
	if s1 != st {
		t.Errorf("b = 0: S1 = %v, ST = %v; want equal", s1, st)
	}
}

func TestIshigami(t *testing.T) {
	for _, c := range []struct {
		x    []float64
		want float64
	}{
		{[]float64{0, 0, 0}, 0},
		{[]float64{math.Pi / 2, 0, 0}, 1},
		{[]float64{math.Pi / 2, math.Pi / 2, 0}, 8},
		{[]float64{math.Pi / 2, 0, 2}, 1 + 0.1*16},
		{[]float64{-math.Pi / 2, math.Pi / 2, 1}, -1 + 7 - 0.1},
	} {
		if got := Ishigami(c.x, 7, 0.1); !near(got, c.want, 1e-12) {
			t.Errorf("Ishigami(%v) = %v; want %v", c.x, got, c.want)
		}
	}
}
