package sample

import (
	"math"
	"testing"
)

// TestLatinHypercubeStrata checks that each of the n strata of every
// coordinate holds exactly one point, for several sizes and seeds.
func TestLatinHypercubeStrata(t *testing.T) {
	tests := []struct {
		n, d int
		seed uint64
	}{
		{1, 1, 0}, {2, 3, 1}, {7, 4, 2}, {10, 10, 3}, {100, 5, 4}, {1000, 3, 0xffffffffffffffff},
	}
	for _, tt := range tests {
		pts, err := UnitLatinHypercube(tt.n, tt.d, tt.seed)
		if err != nil {
			t.Fatal(err)
		}
		if len(pts) != tt.n {
			t.Fatalf("n %d: %d points", tt.n, len(pts))
		}
		for j := 0; j < tt.d; j++ {
			seen := make([]int, tt.n)
			for _, p := range pts {
				if len(p) != tt.d || p[j] < 0 || p[j] >= 1 {
					t.Fatalf("n %d: point %v not in [0, 1)^%d", tt.n, p, tt.d)
				}
				seen[int(p[j]*float64(tt.n))]++
			}
			for k, c := range seen {
				if c != 1 {
					t.Errorf("n %d, d %d, seed %d: dim %d stratum %d holds %d points", tt.n, tt.d, tt.seed, j, k, c)
				}
			}
		}
	}
}

func TestLatinHypercubeSeeds(t *testing.T) {
	a1, _ := UnitLatinHypercube(50, 4, 9)
	a2, _ := UnitLatinHypercube(50, 4, 9)
	b, _ := UnitLatinHypercube(50, 4, 10)
	zero, _ := UnitLatinHypercube(50, 4, 0)
	if !equalPoints(a1, a2) {
		t.Error("the same seed gave different points")
	}
	if equalPoints(a1, b) || equalPoints(a1, zero) {
		t.Error("different seeds gave the same points")
	}
}

// TestLatinHypercubeScaled checks that the scaled design is the unit design
// mapped by each dim's Scale, so strata are equal-probability on each
// dim's scale, and that values stay within the bounds.
func TestLatinHypercubeScaled(t *testing.T) {
	dims := []Dim{
		{Name: "beta", Min: 0.1, Max: 0.9},
		{Name: "k", Min: 1e-3, Max: 10, Log: true},
		{Name: "n", Min: 1, Max: 20, Int: true},
		{Name: "c", Min: -1, Max: -1},
	}
	got, err := LatinHypercube(40, dims, 21)
	if err != nil {
		t.Fatal(err)
	}
	unit, _ := UnitLatinHypercube(40, len(dims), 21)
	for i := range got {
		for j, d := range dims {
			if want := d.Scale(unit[i][j]); got[i][j] != want {
				t.Fatalf("point %d %s = %v, want Scale of %v = %v", i, d.Name, got[i][j], unit[i][j], want)
			}
			if got[i][j] < d.Min || got[i][j] > d.Max {
				t.Fatalf("point %d %s = %v outside [%v, %v]", i, d.Name, got[i][j], d.Min, d.Max)
			}
		}
	}
	// Log strata: log10(k) spans 4 decades, so each tenth of a decade
	// (40 strata) holds exactly one point.
	seen := make([]int, 40)
	for _, p := range got {
		seen[int((math.Log10(p[1])+3)*10)]++
	}
	for k, c := range seen {
		if c != 1 {
			t.Errorf("log stratum %d holds %d points", k, c)
		}
	}
}

func TestLatinHypercubeErrors(t *testing.T) {
	tests := []struct {
		name string
		call func() error
		want string
	}{
		{"zero samples", func() error { _, err := UnitLatinHypercube(0, 2, 0); return err }, "samples must be > 0, got 0"},
		{"negative samples", func() error { _, err := LatinHypercube(-1, []Dim{{Max: 1}}, 0); return err }, "samples must be > 0, got -1"},
		{"no dims", func() error { _, err := LatinHypercube(3, []Dim{}, 0); return err }, "dims must be > 0, got 0"},
		{"zero dims", func() error { _, err := UnitLatinHypercube(3, 0, 0); return err }, "dims must be > 0, got 0"},
		{"too many values", func() error { _, err := UnitLatinHypercube(1<<20, 1<<9, 0); return err },
			"1048576 samples of 512 dims exceed the limit of 268435456 values"},
		{"invalid dim", func() error {
			_, err := LatinHypercube(3, []Dim{{Name: "gain", Min: -1, Max: 1, Log: true}}, 0)
			return err
		}, "gain: log scale needs min > 0, got -1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.call(); err == nil || err.Error() != tt.want {
				t.Errorf("error %v, want %q", err, tt.want)
			}
		})
	}
}
