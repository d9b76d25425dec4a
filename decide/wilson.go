package decide

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// DefaultConfidence is the confidence level used when none is given.
const DefaultConfidence = 0.95

// Wilson returns the Wilson score interval for passed successes in n
// trials at the given confidence (0.95 for 95%): see the package
// documentation for the formula. n == 0 gives (0, 1); lo is exactly 0
// when passed == 0 and hi exactly 1 when passed == n. A confidence
// outside (0, 1), or passed outside [0, n], gives (NaN, NaN).
func Wilson(passed, n int, confidence float64) (lo, hi float64) {
	if !(confidence > 0 && confidence < 1) || passed < 0 || passed > n {
		return math.NaN(), math.NaN()
	}
	if n == 0 {
		return 0, 1
	}
	z := zScore(confidence)
	nf := float64(n)
	p := float64(passed) / nf
	z2 := z * z
	denom := 1 + z2/nf
	center := (p + z2/(2*nf)) / denom
	half := z / denom * math.Sqrt(p*(1-p)/nf+z2/(4*nf*nf))
	lo, hi = max(0, center-half), min(1, center+half)
	if passed == 0 {
		lo = 0
	}
	if passed == n {
		hi = 1
	}
	return lo, hi
}

// zScore is the standard normal quantile at 1 - (1-confidence)/2: 1.96
// for 0.95.
func zScore(confidence float64) float64 {
	return distuv.Normal{Mu: 0, Sigma: 1}.Quantile(1 - (1-confidence)/2)
}

// tScore is Student's t quantile at 1 - (1-confidence)/2 with nu degrees
// of freedom: 2.262 for 0.95 and nu = 9.
func tScore(confidence float64, nu int) float64 {
	return distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(nu)}.Quantile(1 - (1-confidence)/2)
}

// confidenceOr returns c, or DefaultConfidence when c is 0, and checks it.
func confidenceOr(c float64) (float64, error) {
	if c == 0 {
		return DefaultConfidence, nil
	}
	if !(c > 0 && c < 1) {
		return 0, fmt.Errorf("decide: confidence %v: give a level in (0, 1), such as 0.95", c)
	}
	return c, nil
}
