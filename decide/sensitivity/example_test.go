package sensitivity_test

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/statecraft/statecraft/decide/sensitivity"
)

// Sobol' indices of the Ishigami function. The base sample here is
// pseudo-random for brevity; a low-discrepancy (Sobol') base sample
// converges faster.
func ExampleNewSobolDesign() {
	const k, n = 3, 8192
	rng := rand.New(rand.NewPCG(1, 2))
	base := make([][]float64, n)
	for j := range base {
		base[j] = make([]float64, 2*k) // A's k values, then B's
		for c := range base[j] {
			base[j][c] = rng.Float64()
		}
	}
	d, err := sensitivity.NewSobolDesign(base)
	if err != nil {
		fmt.Println(err)
		return
	}
	// Scale each point from [0,1)^3 to [-pi,pi)^3 and run the model.
	y := make([]float64, len(d.Points))
	x := make([]float64, k)
	for i, p := range d.Points {
		for c, u := range p {
			x[c] = -math.Pi + 2*math.Pi*u
		}
		y[i] = sensitivity.Ishigami(x, 7, 0.1)
	}
	idx, err := d.Analyze(y, 500, 1)
	if err != nil {
		fmt.Println(err)
		return
	}
	s1, st := sensitivity.IshigamiIndices(7, 0.1)
	for i, s := range idx {
		fmt.Printf("x%d  S1 %5.2f [%5.2f, %5.2f] exact %.2f   ST %.2f [%.2f, %.2f] exact %.2f\n",
			i+1, s.S1, s.S1Lo, s.S1Hi, s1[i], s.ST, s.STLo, s.STHi, st[i])
	}
	// Output:
	// x1  S1  0.31 [ 0.29,  0.33] exact 0.31   ST 0.58 [0.55, 0.61] exact 0.56
	// x2  S1  0.44 [ 0.42,  0.46] exact 0.44   ST 0.45 [0.43, 0.46] exact 0.44
	// x3  S1  0.00 [-0.02,  0.02] exact 0.00   ST 0.24 [0.24, 0.25] exact 0.24
}

// Morris screening of a model of two factors on [0,10] and one on
// [-1,1]: y = 3 x1 + x2^2/10 + 0 x3.
func ExampleNewMorrisDesign() {
	lo := []float64{0, 0, -1}
	hi := []float64{10, 10, 1}
	d, err := sensitivity.NewMorrisDesign(3, 20, 4, 7)
	if err != nil {
		fmt.Println(err)
		return
	}
	y := make([]float64, len(d.Points))
	for i, p := range d.Points {
		x1 := lo[0] + p[0]*(hi[0]-lo[0])
		x2 := lo[1] + p[1]*(hi[1]-lo[1])
		y[i] = 3*x1 + x2*x2/10
	}
	idx, err := d.Analyze(y, 0, 1)
	if err != nil {
		fmt.Println(err)
		return
	}
	// Effects are per unit of the [0,1] coordinate; divide by the range
	// for effects per unit of the factor.
	for i, m := range idx {
		fmt.Printf("x%d  mu* %5.2f  sigma %5.2f  per unit %.2f\n", i+1, m.MuStar, m.Sigma, m.MuStar/(hi[i]-lo[i]))
	}
	// Output:
	// x1  mu* 30.00  sigma  0.00  per unit 3.00
	// x2  mu*  9.67  sigma  3.40  per unit 0.97
	// x3  mu*  0.00  sigma  0.00  per unit 0.00
}
