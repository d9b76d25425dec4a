package sample

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distmv"
	"gonum.org/v1/gonum/stat/samplemv"
)

// lhsStream is the PCG stream that Latin hypercube designs draw from; the
// caller's seed is the other half of the PCG state.
const lhsStream = 0x4c48_535f_7361_6d70 // "LHS_samp"

// LatinHypercube returns n points (rows) with one value per dim, a Latin
// hypercube sample: each dim's range is cut into n equal-probability strata
// (equal widths on the dim's linear or log scale) and each stratum holds
// exactly one point, at a uniformly random position within it; the strata
// are paired across dims by independent random permutations. The same
// (n, dims, seed) always gives the same points. Every seed, 0 included, is
// an ordinary seed.
//
// It returns an error for n <= 0, for no dims, and for an invalid dim,
// wrapping the dim's Validate error with its name.
func LatinHypercube(n int, dims []Dim, seed uint64) ([][]float64, error) {
	if err := checkSize(n, len(dims)); err != nil {
		return nil, err
	}
	if err := checkDims(dims); err != nil {
		return nil, err
	}
	pts := unitLHS(n, len(dims), seed)
	scaleRows(pts, dims)
	return pts, nil
}

// UnitLatinHypercube returns a Latin hypercube sample of n points in
// [0, 1)^d, unscaled: coordinate j of exactly one point lies in each
// interval [k/n, (k+1)/n). It is LatinHypercube for d linear dims on [0, 1]
// with the same seed, except that a value is never 1.
func UnitLatinHypercube(n, d int, seed uint64) ([][]float64, error) {
	if err := checkSize(n, d); err != nil {
		return nil, err
	}
	return unitLHS(n, d, seed), nil
}

// unitLHS draws the design with gonum's Latin hypercube sampler from the
// unit uniform distribution, seeded PCG. The size has been checked.
func unitLHS(n, d int, seed uint64) [][]float64 {
	pts, data := newPoints(n, d)
	batch := mat.NewDense(n, d, data)
	samplemv.LatinHypercube{
		Q:   distmv.NewUnitUniform(d, nil),
		Src: rand.NewPCG(seed, lhsStream),
	}.Sample(batch)
	// k/n + f/n with f < 1 can round up to 1 in the top stratum.
	below1 := math.Nextafter(1, 0)
	for _, p := range pts {
		for j, v := range p {
			p[j] = math.Min(v, below1)
		}
	}
	return pts
}
