package sensitivity

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/stat"
)

// SobolDesign is Saltelli's design for first-order and total Sobol'
// indices of K factors from N base rows. Second-order indices are not
// computed, so the design has N*(K+2) points, not N*(2K+2).
type SobolDesign struct {
	// K is the number of factors.
	K int
	// N is the number of base rows.
	N int
	// Points holds N*(K+2) rows of K values, grouped by base row j in
	// SALib's order: row j*(K+2) is A_j, row j*(K+2)+1+i is AB^(i)_j (A_j
	// with coordinate i taken from B_j), for i = 0..K-1, and row
	// j*(K+2)+K+1 is B_j. A_j is the first K values of base row j and B_j
	// the last K.
	Points [][]float64
}

// NewSobolDesign returns Saltelli's design built on base, N rows of 2K
// values in [0,1) (the two independent samples A and B side by side; for
// instance 2K-dimensional Sobol' or Latin hypercube points). The design
// copies base. It fails if base is empty, if its rows have an odd or zero
// width or different widths, or if a value is NaN or outside [0,1] (1
// itself is accepted).
func NewSobolDesign(base [][]float64) (*SobolDesign, error) {
	if len(base) == 0 {
		return nil, errors.New("sensitivity: Sobol design needs a base sample with at least one row")
	}
	w := len(base[0])
	if w == 0 || w%2 != 0 {
		return nil, fmt.Errorf("sensitivity: Sobol base rows need an even, positive number of values (A and B side by side), got %d", w)
	}
	for j, row := range base {
		if len(row) != w {
			return nil, fmt.Errorf("sensitivity: Sobol base row %d has %d values; row 0 has %d", j, len(row), w)
		}
		for c, v := range row {
			if !(v >= 0 && v <= 1) {
				return nil, fmt.Errorf("sensitivity: Sobol base value [%d][%d] = %v is outside [0,1]", j, c, v)
			}
		}
	}
	n, k := len(base), w/2
	d := &SobolDesign{K: k, N: n}
	rows := n * (k + 2)
	backing := make([]float64, rows*k)
	d.Points = make([][]float64, rows)
	for r := range d.Points {
		d.Points[r] = backing[r*k : (r+1)*k : (r+1)*k]
	}
	for j, row := range base {
		a, b := row[:k], row[k:]
		g := j * (k + 2)
		copy(d.Points[g], a)
		for i := range k {
			ab := d.Points[g+1+i]
			copy(ab, a)
			ab[i] = b[i]
		}
		copy(d.Points[g+k+1], b)
	}
	return d, nil
}

// SobolIndex holds the first-order and total Sobol' indices of one factor
// with their 95% percentile bootstrap intervals.
type SobolIndex struct {
	// S1 is the first-order index (Saltelli et al. 2010 estimator).
	S1 float64
	// S1Lo and S1Hi bound the bootstrap interval of S1.
	S1Lo, S1Hi float64
	// ST is the total index (Jansen 1999 estimator).
	ST float64
	// STLo and STHi bound the bootstrap interval of ST.
	STLo, STHi float64
}

// Analyze returns the first-order and total indices of each factor, in
// factor order, from y, the model outputs at d.Points (y[i] at
// Points[i]). The intervals are percentile bootstraps over the N base rows
// with the given number of replicates (1000 if bootstrap <= 0), drawn from
// a PCG generator seeded with seed. It fails if len(y) is not N*(K+2), if
// some y[i] is NaN or infinite, or if the outputs at A and B have zero
// variance (the indices are then undefined).
func (d *SobolDesign) Analyze(y []float64, bootstrap int, seed uint64) ([]SobolIndex, error) {
	k, n := d.K, d.N
	if k < 1 || n < 1 {
		return nil, fmt.Errorf("sensitivity: Sobol design has K = %d, N = %d; want both >= 1", k, n)
	}
	if len(y) != n*(k+2) {
		return nil, fmt.Errorf("sensitivity: %d outputs for a Sobol design of N*(K+2) = %d*%d = %d points", len(y), n, k+2, n*(k+2))
	}
	if err := checkFinite(y); err != nil {
		return nil, err
	}

	// Split the centred outputs by base row into f_A, f_B and f_AB^(i).
	mean := stat.Mean(y, nil)
	ab2 := make([]float64, 2*n) // f_A then f_B
	fa, fb := ab2[:n:n], ab2[n:]
	fab := make([][]float64, k)
	for i := range fab {
		fab[i] = make([]float64, n)
	}
	for j := range n {
		g := y[j*(k+2) : (j+1)*(k+2)]
		fa[j] = g[0] - mean
		for i := range k {
			fab[i][j] = g[1+i] - mean
		}
		fb[j] = g[k+1] - mean
	}
	v := stat.PopVariance(ab2, nil)
	if !(v > 0) {
		return nil, errors.New("sensitivity: the outputs at A and B have zero variance; Sobol indices are undefined")
	}

	// The estimators are means over base rows of
	//   p_i = f_B (f_AB^(i) - f_A)  and  q_i = (f_A - f_AB^(i))^2 / 2,
	// divided by V.
	p, q := make([][]float64, k), make([][]float64, k)
	out := make([]SobolIndex, k)
	for i := range k {
		p[i], q[i] = make([]float64, n), make([]float64, n)
		floats.SubTo(q[i], fab[i], fa)
		floats.MulTo(p[i], fb, q[i])
		floats.Mul(q[i], q[i])
		floats.Scale(0.5, q[i])
		out[i].S1 = stat.Mean(p[i], nil) / v
		out[i].ST = stat.Mean(q[i], nil) / v
	}

	// Bootstrap: a resample of the base rows is a vector of counts w
	// (how often each row was drawn, summing to N), and each mean over
	// the resample is a weighted sum, w·x/N. The variance of the
	// resampled (f_A, f_B) is E_w[f^2] - E_w[f]^2 with the per-row sums
	// s = f_A + f_B and ss = f_A^2 + f_B^2 (the outputs are centred, so
	// the difference does not cancel badly).
	s, ss := make([]float64, n), make([]float64, n)
	floats.AddTo(s, fa, fb)
	for j := range n {
		ss[j] = fa[j]*fa[j] + fb[j]*fb[j]
	}
	b := replicates(bootstrap)
	rng := newRand(seed, streamSobolBootstrap)
	s1Reps, stReps := make([][]float64, k), make([][]float64, k)
	for i := range k {
		s1Reps[i], stReps[i] = make([]float64, b), make([]float64, b)
	}
	w := make([]float64, n)
	nf := float64(n)
	for rep := range b {
		resampleCounts(rng, w)
		m := floats.Dot(w, s) / (2 * nf)
		vw := floats.Dot(w, ss)/(2*nf) - m*m
		for i := range k {
			if vw > 1e-12*v {
				s1Reps[i][rep] = floats.Dot(w, p[i]) / nf / vw
				stReps[i][rep] = floats.Dot(w, q[i]) / nf / vw
			} else {
				// The resampled outputs are all equal (their variance
				// is zero up to rounding): the replicate, and so the
				// interval, is NaN.
				s1Reps[i][rep], stReps[i][rep] = math.NaN(), math.NaN()
			}
		}
	}
	for i := range out {
		out[i].S1Lo, out[i].S1Hi = percentileInterval(s1Reps[i])
		out[i].STLo, out[i].STHi = percentileInterval(stReps[i])
	}
	return out, nil
}
