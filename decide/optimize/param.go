package optimize

import (
	"fmt"
	"math"
)

// Param is one optimised parameter with its bounds.
type Param struct {
	// Name names the parameter in errors and messages; it must be
	// non-empty and unique among the parameters of a run.
	Name string
	// Min and Max are the inclusive bounds, finite, Min <= Max. Min ==
	// Max holds the parameter fixed.
	Min, Max float64
	// Log optimises the parameter in log space (for a rate or a scale
	// spanning decades); it needs Min > 0.
	Log bool
	// Int rounds the evaluated value to the nearest integer within the
	// bounds; [Min, Max] must contain one.
	Int bool
}

// validate checks the parameters and returns the first problem, naming
// the parameter.
func validate(params []Param) error {
	if len(params) == 0 {
		return fmt.Errorf("optimize: no parameters to optimise")
	}
	seen := make(map[string]int, len(params))
	for i, p := range params {
		if p.Name == "" {
			return fmt.Errorf("optimize: parameter %d has no name", i+1)
		}
		if j, dup := seen[p.Name]; dup {
			return fmt.Errorf("optimize: parameter %q is given twice (parameters %d and %d)", p.Name, j+1, i+1)
		}
		seen[p.Name] = i
		if !isFinite(p.Min) || !isFinite(p.Max) {
			return fmt.Errorf("optimize: parameter %q: bounds must be finite numbers, got [%v, %v]", p.Name, p.Min, p.Max)
		}
		if p.Min > p.Max {
			return fmt.Errorf("optimize: parameter %q: min %v is greater than max %v", p.Name, p.Min, p.Max)
		}
		if p.Log && p.Min <= 0 {
			return fmt.Errorf("optimize: parameter %q: log scale needs min > 0, got %v", p.Name, p.Min)
		}
		if p.Int && math.Ceil(p.Min) > math.Floor(p.Max) {
			return fmt.Errorf("optimize: parameter %q: integer parameter has no integer in [%v, %v]", p.Name, p.Min, p.Max)
		}
	}
	return nil
}

// validateStart checks a starting point given in parameter units.
func validateStart(params []Param, start []float64) error {
	if start == nil {
		return nil
	}
	if len(start) != len(params) {
		return fmt.Errorf("optimize: start has %d values for %d parameters", len(start), len(params))
	}
	for i, p := range params {
		if v := start[i]; !(v >= p.Min && v <= p.Max) {
			return fmt.Errorf("optimize: start of parameter %q is %v, outside [%v, %v]", p.Name, v, p.Min, p.Max)
		}
	}
	return nil
}

func isFinite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// The bounds transform. The methods search an unconstrained u in R^d;
// parameter i is
//
//	s = (1 + sin u_i) / 2                  in [0, 1]
//	x = lo + (hi - lo) * s                 (linear parameters)
//	x = exp(ln lo + (ln hi - ln lo) * s)   (Log parameters)
//
// then clamped to [Min, Max] against rounding, then rounded for Int
// parameters. doc.go says why sin.

// toParam maps u_i to parameter i's value in parameter units, rounded
// when the parameter is Int; the result is always in [Min, Max].
func (p Param) toParam(u float64) float64 {
	s := (1 + math.Sin(u)) / 2
	var x float64
	if p.Log {
		lo, hi := math.Log(p.Min), math.Log(p.Max)
		x = math.Exp(lo + (hi-lo)*s)
	} else {
		x = p.Min + (p.Max-p.Min)*s
	}
	switch {
	case math.IsNaN(x): // a method gone wrong: keep the point in bounds
		x = p.Min
	case x < p.Min:
		x = p.Min
	case x > p.Max:
		x = p.Max
	}
	if p.Int {
		x = math.Min(math.Max(math.Round(x), math.Ceil(p.Min)), math.Floor(p.Max))
	}
	return x
}

// fromParam is the inverse of toParam (before rounding) on
// u in [-pi/2, pi/2]; x must be in [Min, Max].
func (p Param) fromParam(x float64) float64 {
	lo, hi := p.Min, p.Max
	if p.Log {
		lo, hi, x = math.Log(lo), math.Log(hi), math.Log(x)
	}
	if hi == lo {
		return 0
	}
	s := (x - lo) / (hi - lo)
	return math.Asin(math.Min(math.Max(2*s-1, -1), 1))
}

// toParams maps u to parameter units.
func toParams(params []Param, u []float64) []float64 {
	x := make([]float64, len(params))
	for i, p := range params {
		x[i] = p.toParam(u[i])
	}
	return x
}

// startU is the starting point in u: Start mapped back, or u = 0, the
// middle of the bounds (the geometric middle for Log parameters).
func startU(params []Param, start []float64) []float64 {
	u := make([]float64, len(params))
	if start != nil {
		for i, p := range params {
			u[i] = p.fromParam(start[i])
		}
	}
	return u
}
