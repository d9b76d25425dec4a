package floatfold

import "math"

// Moments holds what Moments folds: the sum of the values, the sum of
// their squared distances from a shift, and their minimum and maximum.
type Moments struct {
	Sum, Sq, Min, Max float64
}

// acc is the four lanes of every statistic, in the order the assembly
// reads and writes them.
type acc struct {
	sum, sq, min, max [4]float64
}

// moment adds v to lane j's sum, square and extremes.
func (a *acc) moment(j int, v, shift float64) {
	a.sum[j] += v
	d := v - shift
	a.sq[j] += d * d
	a.extreme(j, v)
}

// extreme takes v into lane j's minimum and maximum, as Go's < and > do.
func (a *acc) extreme(j int, v float64) {
	if v < a.min[j] {
		a.min[j] = v
	}
	if v > a.max[j] {
		a.max[j] = v
	}
}

func newAcc() acc {
	inf, ninf := math.Inf(1), math.Inf(-1)
	return acc{min: [4]float64{inf, inf, inf, inf}, max: [4]float64{ninf, ninf, ninf, ninf}}
}

// Fold returns the Moments of x about shift: Sum = Σ x, Sq = Σ (x-shift)²,
// Min and Max the smallest and largest values (+Inf and -Inf when x is
// empty or all NaN). Squares about a shift close to the values (their
// first, say) keep Sq free of cancellation, for a variance
// (Sq - Sum'²/n)/(n-1) with Sum' = Sum - n·shift.
func Fold(x []float64, shift float64) Moments {
	a := newAcc()
	n := len(x) &^ 3
	if n > 0 {
		moments4(&x[0], n, shift, &a)
	}
	for i, v := range x[n:] {
		a.moment(i, v, shift)
	}
	return Moments{
		Sum: (a.sum[0] + a.sum[1]) + (a.sum[2] + a.sum[3]),
		Sq:  (a.sq[0] + a.sq[1]) + (a.sq[2] + a.sq[3]),
		Min: least(a.min),
		Max: greatest(a.max),
	}
}

// MinMax returns the smallest and largest values of x that are not NaN
// (+Inf and -Inf when there are none).
func MinMax(x []float64) (lo, hi float64) {
	a := newAcc()
	n := len(x) &^ 3
	if n > 0 {
		minMax4(&x[0], n, &a)
	}
	for i, v := range x[n:] {
		a.extreme(i, v)
	}
	return least(a.min), greatest(a.max)
}

// CountAbove returns the number of values of x greater than th (NaN is
// not).
func CountAbove(x []float64, th float64) int {
	n := len(x) &^ 3
	c := 0
	if n > 0 {
		c = countAbove4(&x[0], n, th)
	}
	for _, v := range x[n:] {
		if v > th {
			c++
		}
	}
	return c
}

// CountBelow returns the number of values of x less than th (NaN is not).
func CountBelow(x []float64, th float64) int {
	n := len(x) &^ 3
	c := 0
	if n > 0 {
		c = countBelow4(&x[0], n, th)
	}
	for _, v := range x[n:] {
		if v < th {
			c++
		}
	}
	return c
}

// least combines the minimum lanes in a fixed order: lane 0 against lane
// 1, 2 against 3, then the two.
func least(m [4]float64) float64 {
	a, b := m[0], m[2]
	if m[1] < a {
		a = m[1]
	}
	if m[3] < b {
		b = m[3]
	}
	if b < a {
		a = b
	}
	return a
}

// greatest is least for the maximum lanes.
func greatest(m [4]float64) float64 {
	a, b := m[0], m[2]
	if m[1] > a {
		a = m[1]
	}
	if m[3] > b {
		b = m[3]
	}
	if b > a {
		a = b
	}
	return a
}

// Drawdown walks x, which holds no NaN, from a running peak, the lowest
// value since it and the largest relative fall so far (dd >= 0), and
// returns the three after it. A fall from a positive peak, (peak -
// trough) / peak, is counted when a new peak ends it; the caller counts
// the fall still open at the end the same way. Start a series with
// peak = trough = -Inf and dd = 0. A NaN dd stays NaN, and nothing is
// walked.
func Drawdown(x []float64, peak, trough, dd float64) (float64, float64, float64) {
	if len(x) == 0 || dd != dd {
		return peak, trough, dd
	}
	st := [3]float64{peak, trough, dd}
	drawdown1(&x[0], len(x), &st)
	return st[0], st[1], st[2]
}

// AllFinite reports whether no value of x is NaN, +Inf or -Inf. It adds
// up v-v in four lanes, 0 for a finite v and NaN otherwise, with no
// branch per value: the run loop's check of a staged vector.
func AllFinite(x []float64) bool {
	var a0, a1, a2, a3 float64
	for len(x) >= 4 {
		a0 += x[0] - x[0]
		a1 += x[1] - x[1]
		a2 += x[2] - x[2]
		a3 += x[3] - x[3]
		x = x[4:]
	}
	for _, v := range x {
		a0 += v - v
	}
	return a0+a1+a2+a3 == 0
}
