package sample

import (
	"fmt"
	"math"
)

// Dim is one sampled parameter.
type Dim struct {
	// Name names the parameter in errors. It is not otherwise interpreted.
	Name string
	// Min and Max bound the parameter's values, Min <= Max. Min == Max is
	// allowed and makes the parameter a constant.
	Min, Max float64
	// Log samples uniformly in log space: the probability of a value falling
	// in [x, y] is proportional to log(y/x). It requires 0 < Min.
	Log bool
	// Int rounds each scaled value to the nearest integer. Values stay within
	// [ceil(Min), floor(Max)]; Validate reports a range that holds no integer.
	Int bool
}

// Validate reports why d cannot be sampled: a bound that is NaN or
// infinite, Min > Max, a log scale without 0 < Min, or an integer range
// that holds no integer. It returns nil for a dim that Scale maps into
// [Min, Max].
func (d Dim) Validate() error {
	switch {
	case math.IsNaN(d.Min) || math.IsInf(d.Min, 0):
		return fmt.Errorf("min must be finite, got %g", d.Min)
	case math.IsNaN(d.Max) || math.IsInf(d.Max, 0):
		return fmt.Errorf("max must be finite, got %g", d.Max)
	case d.Min > d.Max:
		return fmt.Errorf("min %g > max %g", d.Min, d.Max)
	case d.Log && !(d.Min > 0):
		return fmt.Errorf("log scale needs min > 0, got %g", d.Min)
	case d.Int && math.Ceil(d.Min) > math.Floor(d.Max):
		return fmt.Errorf("int range [%g, %g] holds no integer", d.Min, d.Max)
	}
	return nil
}

// Scale maps a unit coordinate u in [0, 1) to a value of d: linearly,
// Min + u*(Max-Min), or with Log, exp(log Min + u*(log Max - log Min)),
// then with Int rounded to the nearest integer (halves away from zero).
// The result is clamped to [Min, Max] (to [ceil(Min), floor(Max)] with Int),
// so floating-point rounding never leaves the bounds, and u outside [0, 1]
// is treated as the nearer end. A NaN u gives NaN. Scale assumes d is
// valid; for an invalid d the result is unspecified, but Scale does not
// panic.
func (d Dim) Scale(u float64) float64 {
	if math.IsNaN(u) {
		return math.NaN()
	}
	u = math.Min(math.Max(u, 0), 1)
	lo, hi := d.Min, d.Max
	var v float64
	if d.Log {
		llo, lhi := math.Log(lo), math.Log(hi)
		v = math.Exp(llo + u*(lhi-llo))
	} else {
		v = lerp(lo, hi, u)
	}
	if d.Int {
		v = math.Round(v)
		lo, hi = math.Ceil(lo), math.Floor(hi)
	}
	return math.Min(math.Max(v, lo), hi)
}

// lerp interpolates between lo and hi without overflowing when hi-lo is
// beyond the float64 range.
func lerp(lo, hi, u float64) float64 {
	if w := hi - lo; !math.IsInf(w, 0) {
		return lo + u*w
	}
	return lo*(1-u) + hi*u
}

// checkDims validates every dim, naming the first invalid one.
func checkDims(dims []Dim) error {
	if len(dims) == 0 {
		return errNoDims(0)
	}
	for i, d := range dims {
		if err := d.Validate(); err != nil {
			name := d.Name
			if name == "" {
				name = fmt.Sprintf("dim %d", i)
			}
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	return nil
}

// scaleRows replaces each unit coordinate of pts by dims[j].Scale of it.
func scaleRows(pts [][]float64, dims []Dim) {
	for _, p := range pts {
		for j, d := range dims {
			p[j] = d.Scale(p[j])
		}
	}
}

// maxValues caps n*d, the number of float64s one design holds (2 GiB), so
// that an absurd n is an error rather than an allocation failure.
const maxValues = 1 << 28

// checkSize reports n <= 0, d <= 0 and designs beyond maxValues.
func checkSize(n, d int) error {
	if n <= 0 {
		return fmt.Errorf("samples must be > 0, got %d", n)
	}
	if d <= 0 {
		return errNoDims(d)
	}
	if n > maxValues/d {
		return fmt.Errorf("%d samples of %d dims exceed the limit of %d values", n, d, maxValues)
	}
	return nil
}

func errNoDims(d int) error { return fmt.Errorf("dims must be > 0, got %d", d) }

// newPoints allocates n rows of d values backed by one row-major array,
// which it also returns.
func newPoints(n, d int) (pts [][]float64, data []float64) {
	data = make([]float64, n*d)
	pts = make([][]float64, n)
	for i := range pts {
		pts[i] = data[i*d : (i+1)*d : (i+1)*d]
	}
	return pts, data
}
