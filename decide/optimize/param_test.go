package optimize

import (
	"context"
	"math"
	"testing"
)

func TestValidation(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	ok := []Param{{Name: "a", Min: 0, Max: 1}, {Name: "b", Min: -1, Max: 1}}
	f := quad(0, 0)
	for _, tc := range []struct {
		name   string
		params []Param
		f      Objective
		s      Settings
		want   string
	}{
		{"empty", nil, f, Settings{}, "optimize: no parameters to optimise"},
		{"no name", []Param{{Min: 0, Max: 1}}, f, Settings{}, "optimize: parameter 1 has no name"},
		{"duplicate", []Param{{Name: "a", Max: 1}, {Name: "b", Max: 1}, {Name: "a", Max: 2}}, f, Settings{},
			`optimize: parameter "a" is given twice (parameters 1 and 3)`},
		{"min > max", []Param{{Name: "a", Min: 2, Max: 1}}, f, Settings{}, `optimize: parameter "a": min 2 is greater than max 1`},
		{"NaN min", []Param{{Name: "a", Min: nan, Max: 1}}, f, Settings{}, `optimize: parameter "a": bounds must be finite numbers, got [NaN, 1]`},
		{"NaN max", []Param{{Name: "a", Min: 0, Max: nan}}, f, Settings{}, `optimize: parameter "a": bounds must be finite numbers, got [0, NaN]`},
		{"infinite", []Param{{Name: "a", Min: 0, Max: inf}}, f, Settings{}, `optimize: parameter "a": bounds must be finite numbers, got [0, +Inf]`},
		{"log min 0", []Param{{Name: "rate", Min: 0, Max: 1, Log: true}}, f, Settings{}, `optimize: parameter "rate": log scale needs min > 0, got 0`},
		{"log min < 0", []Param{{Name: "rate", Min: -1, Max: 1, Log: true}}, f, Settings{}, `optimize: parameter "rate": log scale needs min > 0, got -1`},
		{"int without integer", []Param{{Name: "n", Min: 0.2, Max: 0.8, Int: true}}, f, Settings{},
			`optimize: parameter "n": integer parameter has no integer in [0.2, 0.8]`},
		{"start length", ok, f, Settings{Start: []float64{0.5}}, "optimize: start has 1 values for 2 parameters"},
		{"start outside", ok, f, Settings{Start: []float64{0.5, 2}}, `optimize: start of parameter "b" is 2, outside [-1, 1]`},
		{"start NaN", ok, f, Settings{Start: []float64{nan, 0}}, `optimize: start of parameter "a" is NaN, outside [0, 1]`},
		{"nil objective", ok, nil, Settings{}, "optimize: nil objective"},
		{"method", ok, f, Settings{Method: 9}, "optimize: unknown method 9"},
		{"population", ok, f, Settings{Method: CMAES, Population: 1}, "optimize: population 1: CMA-ES needs at least 2 (or 0 for the default)"},
		{"negative population", ok, f, Settings{Method: CMAES, Population: -4}, "optimize: population -4: CMA-ES needs at least 2 (or 0 for the default)"},
		{"concurrency", ok, f, Settings{Concurrency: -1}, "optimize: concurrency -1 is negative"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Run(context.Background(), tc.params, tc.f, tc.s)
			if err == nil || err.Error() != tc.want {
				t.Fatalf("err = %v\nwant  %s", err, tc.want)
			}
			if r != nil {
				t.Errorf("result %v with a validation error", r)
			}
		})
	}
}

func TestTransform(t *testing.T) {
	for _, p := range []Param{
		{Name: "lin", Min: -3, Max: 5},
		{Name: "log", Min: 1e-5, Max: 1, Log: true},
		{Name: "fixed", Min: 2, Max: 2},
	} {
		// Every u maps into the bounds, the bounds are reached at
		// u = -pi/2 and pi/2, and fromParam inverts toParam there.
		for _, u := range []float64{-1e6, -4, -math.Pi / 2, -1, 0, 0.3, math.Pi / 2, 2, 1e6, math.NaN()} {
			if x := p.toParam(u); !(x >= p.Min && x <= p.Max) {
				t.Errorf("%s: u = %v gives %v outside [%v, %v]", p.Name, u, x, p.Min, p.Max)
			}
		}
		if lo, hi := p.toParam(-math.Pi/2), p.toParam(math.Pi/2); lo != p.Min || hi != p.Max {
			t.Errorf("%s: bounds map to %v, %v", p.Name, lo, hi)
		}
		for _, s := range []float64{0, 0.1, 0.5, 0.99, 1} {
			x := p.Min + s*(p.Max-p.Min)
			if p.Log {
				x = p.Min * math.Pow(p.Max/p.Min, s)
			}
			if back := p.toParam(p.fromParam(x)); math.Abs(back-x) > 1e-12*math.Max(1, math.Abs(x)) {
				t.Errorf("%s: %v maps back to %v", p.Name, x, back)
			}
		}
	}
	// The default start is the middle, geometric for Log.
	u := startU([]Param{{Name: "a", Min: -3, Max: 5}, {Name: "b", Min: 1e-4, Max: 1, Log: true}}, nil)
	if x := toParams([]Param{{Name: "a", Min: -3, Max: 5}, {Name: "b", Min: 1e-4, Max: 1, Log: true}}, u); x[0] != 1 || math.Abs(x[1]-1e-2) > 1e-15 {
		t.Errorf("middle = %v, want [1 0.01]", x)
	}
	// Int rounds to the nearest integer within the bounds.
	p := Param{Name: "n", Min: 0.6, Max: 3.4, Int: true}
	for u, want := range map[float64]float64{-math.Pi / 2: 1, 0: 2, math.Pi / 2: 3} {
		if x := p.toParam(u); x != want {
			t.Errorf("int: u = %v gives %v, want %v", u, x, want)
		}
	}
}
