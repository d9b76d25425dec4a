package sensitivity

import (
	"math"
	"math/rand/v2"
)

// uniformBase returns n rows of w pseudo-random values in [0,1), the
// stand-in for the Sobol' or LHS points a caller would supply.
func uniformBase(n, w int, seed uint64) [][]float64 {
	rng := rand.New(rand.NewPCG(seed, 1))
	base := make([][]float64, n)
	for j := range base {
		base[j] = make([]float64, w)
		for c := range base[j] {
			base[j][c] = rng.Float64()
		}
	}
	return base
}

// evaluate returns f at every point after mapping [0,1] to [lo,hi] in
// every coordinate.
func evaluate(points [][]float64, lo, hi float64, f func([]float64) float64) []float64 {
	y := make([]float64, len(points))
	x := make([]float64, 0, 8)
	for i, p := range points {
		x = x[:0]
		for _, u := range p {
			x = append(x, lo+u*(hi-lo))
		}
		y[i] = f(x)
	}
	return y
}

// ishigami7 is the Ishigami function with a = 7, b = 0.1.
func ishigami7(x []float64) float64 { return Ishigami(x, 7, 0.1) }

// linear returns x -> sum c_i x_i.
func linear(c []float64) func([]float64) float64 {
	return func(x []float64) float64 {
		var s float64
		for i, ci := range c {
			s += ci * x[i]
		}
		return s
	}
}

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }
