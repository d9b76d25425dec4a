package sensitivity

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/floats"
)

func TestPercentileInterval(t *testing.T) {
	// 0, 1, ..., 1000 shuffled. gonum's LinInterp puts quantile p at
	// cumulative count p*n = 25.025 and 975.975, interpolating between
	// the sorted values 24, 25 and 974, 975: 24.025 and 974.975.
	const n = 1001
	reps := make([]float64, n)
	for i := range reps {
		reps[i] = float64((i * 389) % n)
	}
	lo, hi := percentileInterval(reps)
	if !near(lo, 24.025, 1e-9) || !near(hi, 974.975, 1e-9) {
		t.Errorf("interval [%v, %v]; want [24.025, 974.975]", lo, hi)
	}
	reps[3] = math.NaN()
	if lo, hi := percentileInterval(reps); !math.IsNaN(lo) || !math.IsNaN(hi) {
		t.Errorf("with a NaN replicate: [%v, %v]; want NaN ends", lo, hi)
	}
}

func TestResampleCounts(t *testing.T) {
	rng := newRand(1, 2)
	w := make([]float64, 50)
	total := make([]float64, 50)
	for range 2000 {
		resampleCounts(rng, w)
		if s := floats.Sum(w); s != 50 {
			t.Fatalf("counts sum to %v; want 50", s)
		}
		floats.Add(total, w)
	}
	// Every unit is drawn once per resample on average.
	for j, c := range total {
		if !near(c/2000, 1, 0.1) {
			t.Errorf("unit %d drawn %.3f times per resample; want about 1", j, c/2000)
		}
	}
}
