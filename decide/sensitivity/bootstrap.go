package sensitivity

import (
	"math/rand/v2"
	"sort"

	"gonum.org/v1/gonum/stat"
)

// defaultBootstrap is the number of bootstrap replicates an Analyze method
// draws when its bootstrap argument is <= 0.
const defaultBootstrap = 1000

// confidence is the coverage of the bootstrap intervals.
const confidence = 0.95

// PCG stream constants: the second word of the PCG seed, one per use, so
// that a design and a bootstrap given the same seed draw unrelated numbers.
const (
	streamMorrisDesign    = 0x6d6f72726973 // "morris"
	streamMorrisBootstrap = 0x6d6f72626f6f // "morboo"
	streamSobolBootstrap  = 0x736f62626f6f // "sobboo"
)

// newRand returns the generator for one use of a seed.
func newRand(seed, stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, stream))
}

// replicates returns the number of bootstrap replicates for a bootstrap
// argument.
func replicates(bootstrap int) int {
	if bootstrap <= 0 {
		return defaultBootstrap
	}
	return bootstrap
}

// resampleCounts draws a bootstrap resample of n = len(w) units: n draws
// with replacement from 0..n-1, stored as counts, w[j] being the number of
// times unit j was drawn. A statistic that is a mean over units, (1/n)
// sum_j x_j, is (1/n) sum_j w_j x_j on the resample.
func resampleCounts(rng *rand.Rand, w []float64) {
	clear(w)
	n := len(w)
	for range n {
		w[rng.IntN(n)]++
	}
}

// percentileInterval returns the (1-confidence)/2 and (1+confidence)/2
// quantiles of the bootstrap replicates reps, which it sorts. Any NaN
// replicate makes both ends NaN.
func percentileInterval(reps []float64) (lo, hi float64) {
	sort.Float64s(reps)
	lo = stat.Quantile((1-confidence)/2, stat.LinInterp, reps, nil)
	hi = stat.Quantile((1+confidence)/2, stat.LinInterp, reps, nil)
	return lo, hi
}
