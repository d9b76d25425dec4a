package sample

import (
	"errors"
	"math"
	"testing"
)

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		dim  Dim
		want string // "" for valid
	}{
		{"linear", Dim{Min: -1, Max: 1}, ""},
		{"constant", Dim{Min: 2, Max: 2}, ""},
		{"log", Dim{Min: 0.001, Max: 10, Log: true}, ""},
		{"log constant", Dim{Min: 3, Max: 3, Log: true}, ""},
		{"int", Dim{Min: 0.2, Max: 1, Int: true}, ""},
		{"int constant", Dim{Min: 4, Max: 4, Int: true}, ""},
		{"min above max", Dim{Min: 3, Max: 1}, "min 3 > max 1"},
		{"min just above max", Dim{Min: 1.5, Max: 1.25}, "min 1.5 > max 1.25"},
		{"log from negative", Dim{Min: -1, Max: 1, Log: true}, "log scale needs min > 0, got -1"},
		{"log from zero", Dim{Min: 0, Max: 1, Log: true}, "log scale needs min > 0, got 0"},
		{"int without integer", Dim{Min: 0.2, Max: 0.8, Int: true}, "int range [0.2, 0.8] holds no integer"},
		{"log int without integer", Dim{Min: 1.5, Max: 1.9, Log: true, Int: true}, "int range [1.5, 1.9] holds no integer"},
		{"NaN min", Dim{Min: math.NaN(), Max: 1}, "min must be finite, got NaN"},
		{"NaN max", Dim{Min: 0, Max: math.NaN()}, "max must be finite, got NaN"},
		{"infinite min", Dim{Min: math.Inf(-1), Max: 1}, "min must be finite, got -Inf"},
		{"infinite max", Dim{Min: 0, Max: math.Inf(1)}, "max must be finite, got +Inf"},
		{"order checked after finiteness", Dim{Min: 1, Max: math.Inf(-1)}, "max must be finite, got -Inf"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.dim.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("Validate() = %v, want nil", err)
			case tt.want != "" && (err == nil || err.Error() != tt.want):
				t.Errorf("Validate() = %v, want %q", err, tt.want)
			}
		})
	}
}

// TestDesignWrapsValidate checks that the designs name the dim and wrap
// Validate's error.
func TestDesignWrapsValidate(t *testing.T) {
	bad := Dim{Name: "speed", Min: 0.2, Max: 0.8, Int: true}
	for name, design := range map[string]func(int, []Dim, uint64) ([][]float64, error){
		"LatinHypercube": LatinHypercube,
		"Sobol":          Sobol,
	} {
		pts, err := design(8, []Dim{{Name: "ok", Max: 1}, bad}, 1)
		if pts != nil || err == nil {
			t.Fatalf("%s: got %v, %v; want an error", name, pts, err)
		}
		if got, want := err.Error(), "speed: int range [0.2, 0.8] holds no integer"; got != want {
			t.Errorf("%s: error %q, want %q", name, got, want)
		}
		if inner := errors.Unwrap(err); inner == nil || inner.Error() != bad.Validate().Error() {
			t.Errorf("%s: unwrapped %v, want Validate's error", name, inner)
		}
	}
}

func TestScale(t *testing.T) {
	tests := []struct {
		name string
		dim  Dim
		u    float64
		want float64
	}{
		{"linear low", Dim{Min: -2, Max: 6}, 0, -2},
		{"linear mid", Dim{Min: -2, Max: 6}, 0.5, 2},
		{"linear quarter", Dim{Min: -2, Max: 6}, 0.25, 0},
		{"log low", Dim{Min: 1, Max: 1e4, Log: true}, 0, 1},
		{"log mid", Dim{Min: 1, Max: 1e4, Log: true}, 0.5, 100},
		{"int rounds down", Dim{Min: 0, Max: 10, Int: true}, 0.54, 5},
		{"int rounds up", Dim{Min: 0, Max: 10, Int: true}, 0.56, 6},
		{"int half away from zero", Dim{Min: 0, Max: 10, Int: true}, 0.55, 6},
		{"int stays above ceil(min)", Dim{Min: 0.2, Max: 3.9, Int: true}, 0, 1},
		{"int stays below floor(max)", Dim{Min: 0.2, Max: 3.9, Int: true}, 0.999, 3},
		{"log int", Dim{Min: 1, Max: 1000, Log: true, Int: true}, 1.0 / 3, 10},
		{"constant", Dim{Min: 7, Max: 7}, 0.3, 7},
		{"log constant", Dim{Min: 0.1, Max: 0.1, Log: true}, 0.9, 0.1},
		{"u below 0 clamps", Dim{Min: 1, Max: 2}, -5, 1},
		{"u above 1 clamps", Dim{Min: 1, Max: 2}, 5, 2},
		{"wide range does not overflow", Dim{Min: -math.MaxFloat64, Max: math.MaxFloat64}, 0.5, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.dim.Scale(tt.u)
			if math.Abs(got-tt.want) > 1e-12*math.Max(1, math.Abs(tt.want)) {
				t.Errorf("Scale(%v) = %v, want %v", tt.u, got, tt.want)
			}
		})
	}
	if v := (Dim{Min: 0, Max: 1}).Scale(math.NaN()); !math.IsNaN(v) {
		t.Errorf("Scale(NaN) = %v, want NaN", v)
	}
}

// TestScaleLog checks that a log dim is log-uniform: the values stay within
// the bounds and the mean of log10 over a stratified sample is the middle
// of the log range.
func TestScaleLog(t *testing.T) {
	for _, d := range []Dim{
		{Min: 1, Max: 1e4, Log: true},
		{Min: 1e-6, Max: 1e-2, Log: true},
		{Min: 0.5, Max: 2, Log: true},
	} {
		pts, err := LatinHypercube(1000, []Dim{d}, 11)
		if err != nil {
			t.Fatal(err)
		}
		var sum float64
		for _, p := range pts {
			if p[0] < d.Min || p[0] > d.Max {
				t.Fatalf("%+v: value %v out of bounds", d, p[0])
			}
			sum += math.Log10(p[0])
		}
		mid := (math.Log10(d.Min) + math.Log10(d.Max)) / 2
		width := math.Log10(d.Max) - math.Log10(d.Min)
		if mean := sum / 1000; math.Abs(mean-mid) > 0.01*width {
			t.Errorf("%+v: mean log10 %v, want %v", d, mean, mid)
		}
	}
}

// TestScaleInt checks rounding over a fine grid of u: every value is an
// integer within [ceil(Min), floor(Max)] and every such integer occurs.
func TestScaleInt(t *testing.T) {
	for _, d := range []Dim{
		{Min: 0.5, Max: 3.5, Int: true},
		{Min: 1.2, Max: 3.7, Int: true},
		{Min: -4, Max: 4, Int: true},
		{Min: 1, Max: 100, Log: true, Int: true},
		{Min: 5, Max: 5, Int: true},
	} {
		lo, hi := math.Ceil(d.Min), math.Floor(d.Max)
		seen := map[float64]int{}
		const steps = 10000
		for i := 0; i < steps; i++ {
			v := d.Scale(float64(i) / steps)
			if v != math.Trunc(v) || v < lo || v > hi {
				t.Fatalf("%+v: Scale(%v) = %v, want an integer in [%v, %v]", d, float64(i)/steps, v, lo, hi)
			}
			seen[v]++
		}
		if !d.Log && len(seen) != int(hi-lo)+1 {
			t.Errorf("%+v: %d distinct integers, want %v", d, len(seen), hi-lo+1)
		}
		if d.Min == 0.5 && d.Max == 3.5 {
			for v := 1.0; v <= 3; v++ {
				if math.Abs(float64(seen[v])-steps/3) > 2 {
					t.Errorf("half-integer bounds: %v drawn %d times of %d, want a third", v, seen[v], steps)
				}
			}
		}
	}
}

func FuzzDim(f *testing.F) {
	f.Add(0.0, 1.0, false, false, 0.5)
	f.Add(3.0, 1.0, false, false, 0.5)
	f.Add(1e-300, 1e300, true, false, 0.999)
	f.Add(0.2, 0.8, false, true, 0.1)
	f.Add(-0.5, 0.5, false, true, 0.0)
	f.Add(1.0, 1.0, true, true, 0.7)
	f.Add(-math.MaxFloat64, math.MaxFloat64, false, false, 0.25)
	f.Add(math.NaN(), 1.0, false, false, 0.5)
	f.Fuzz(func(t *testing.T, lo, hi float64, log, isInt bool, u float64) {
		d := Dim{Name: "x", Min: lo, Max: hi, Log: log, Int: isInt}
		err := d.Validate()
		v := d.Scale(u) // must not panic, valid or not
		if err != nil || math.IsNaN(u) {
			return
		}
		if v < lo || v > hi || math.IsNaN(v) {
			t.Fatalf("%+v.Scale(%v) = %v, outside [%v, %v]", d, u, v, lo, hi)
		}
		if isInt && (v != math.Trunc(v) || v < math.Ceil(lo) || v > math.Floor(hi)) {
			t.Fatalf("%+v.Scale(%v) = %v, not an integer in [ceil(min), floor(max)]", d, u, v)
		}
		for _, design := range []func(int, []Dim, uint64) ([][]float64, error){LatinHypercube, Sobol} {
			pts, err := design(2, []Dim{d}, 1)
			if err != nil {
				t.Fatalf("valid %+v: %v", d, err)
			}
			for _, p := range pts {
				if p[0] < lo || p[0] > hi {
					t.Fatalf("%+v: design value %v outside the bounds", d, p[0])
				}
			}
		}
	})
}
