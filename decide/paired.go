package decide

import (
	"math"

	"gonum.org/v1/gonum/stat"
)

// Paired is the paired difference of two choices on one objective: the
// per-run measure (1 or 0 for passing a criterion, the KPI value for a
// KPI) of choice Best minus that of choice Other, over the runs both
// have in the same uncertain case with the same run number. The runner
// is expected to seed such runs alike (common random numbers), so that
// the pairing removes the noise both share.
type Paired struct {
	Objective   string  // the objective's name
	Best, Other int     // indices into Ranking.Choices
	Pairs       int     // pairs with both values not NaN
	MeanDiff    float64 // the mean difference (NaN without pairs)
	Lo, Hi      float64 // its t interval at the ranking's confidence (NaN with fewer than 2 pairs)
}

// pairedDiff returns the mean of the differences and its t interval.
func pairedDiff(diffs []float64, confidence float64) Paired {
	nan := math.NaN()
	p := Paired{Pairs: len(diffs), MeanDiff: nan, Lo: nan, Hi: nan}
	n := len(diffs)
	if n == 0 {
		return p
	}
	p.MeanDiff = stat.Mean(diffs, nil)
	if n < 2 {
		return p
	}
	half := tScore(confidence, n-1) * stat.StdDev(diffs, nil) / math.Sqrt(float64(n))
	p.Lo, p.Hi = p.MeanDiff-half, p.MeanDiff+half
	return p
}
