package sensitivity

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/stat"
)

// defaultLevels is the number of Morris grid levels when none is given.
const defaultLevels = 4

// MorrisDesign is a Morris (1991) elementary-effects design: Trajectories
// trajectories of K+1 points each on a grid of Levels levels per factor in
// [0,1]. See the package documentation for its construction.
type MorrisDesign struct {
	// K is the number of factors.
	K int
	// Trajectories is the number of trajectories, r.
	Trajectories int
	// Levels is the number of grid levels per factor, p.
	Levels int
	// Points holds Trajectories*(K+1) rows of K values in [0,1]: rows
	// t*(K+1) to t*(K+1)+K are trajectory t, and consecutive rows of a
	// trajectory differ in one coordinate by ±Delta(). Analyze reads the
	// steps from Points, so it must not be modified.
	Points [][]float64
}

// NewMorrisDesign returns a Morris design for k factors with the given
// number of trajectories on a grid of levels levels (4 if levels is 0),
// drawn from a PCG generator seeded with seed. Each trajectory is a base
// point drawn uniformly on the grid {0, 1/(levels-1), ..., 1} followed by
// one step of ±delta per factor, delta = levels/(2(levels-1)), in a random
// order; the sign is the one that keeps the point in [0,1]. It fails if
// k < 1, trajectories < 2, or levels is less than 2 or odd.
func NewMorrisDesign(k, trajectories, levels int, seed uint64) (*MorrisDesign, error) {
	if levels == 0 {
		levels = defaultLevels
	}
	switch {
	case k < 1:
		return nil, fmt.Errorf("sensitivity: Morris design needs at least 1 factor, got k = %d", k)
	case trajectories < 2:
		return nil, fmt.Errorf("sensitivity: Morris design needs at least 2 trajectories, got %d", trajectories)
	case levels < 2:
		return nil, fmt.Errorf("sensitivity: Morris design needs at least 2 levels, got %d", levels)
	case levels%2 != 0:
		return nil, fmt.Errorf("sensitivity: Morris levels must be even, got %d", levels)
	}
	d := &MorrisDesign{K: k, Trajectories: trajectories, Levels: levels}
	half := levels / 2
	level := func(l int) float64 { return float64(l) / float64(levels-1) }
	rng := newRand(seed, streamMorrisDesign)

	rows := trajectories * (k + 1)
	backing := make([]float64, rows*k)
	d.Points = make([][]float64, rows)
	for i := range d.Points {
		d.Points[i] = backing[i*k : (i+1)*k : (i+1)*k]
	}
	base := make([]int, k)
	for t := range trajectories {
		for i := range base {
			base[i] = rng.IntN(levels)
		}
		order := rng.Perm(k)
		first := d.Points[t*(k+1)]
		for i, l := range base {
			first[i] = level(l)
		}
		for s, i := range order {
			prev, next := d.Points[t*(k+1)+s], d.Points[t*(k+1)+s+1]
			copy(next, prev)
			// Level l ± p/2 is level l ± delta; computing it from the
			// level puts the point on the grid to the last bit.
			if base[i] < half {
				next[i] = level(base[i] + half)
			} else {
				next[i] = level(base[i] - half)
			}
		}
	}
	return d, nil
}

// Delta returns the step of the design, Levels/(2(Levels-1)).
func (d *MorrisDesign) Delta() float64 {
	return float64(d.Levels) / float64(2*(d.Levels-1))
}

// MorrisIndex holds the Morris measures of one factor, in output units per
// unit of the factor's [0,1] coordinate.
type MorrisIndex struct {
	// Mu is the mean elementary effect.
	Mu float64
	// MuStar is the mean absolute elementary effect (Campolongo et al.
	// 2007).
	MuStar float64
	// Sigma is the sample standard deviation of the elementary effects.
	Sigma float64
	// MuStarLo and MuStarHi bound the 95% percentile bootstrap interval of
	// MuStar over trajectories.
	MuStarLo, MuStarHi float64
}

// Analyze returns the Morris measures of each factor, in factor order,
// from y, the model outputs at d.Points (y[i] at Points[i]). The MuStar
// interval is a percentile bootstrap with the given number of replicates
// (1000 if bootstrap <= 0) drawn from a PCG generator seeded with seed. It
// fails if len(y) differs from len(d.Points), if some y[i] is NaN or
// infinite, or if d.Points is not a Morris design of d's shape.
func (d *MorrisDesign) Analyze(y []float64, bootstrap int, seed uint64) ([]MorrisIndex, error) {
	ee, err := d.effects(y)
	if err != nil {
		return nil, err
	}
	r := d.Trajectories
	out := make([]MorrisIndex, d.K)
	absEE := make([][]float64, d.K)
	for i, e := range ee {
		absEE[i] = make([]float64, r)
		for t, v := range e {
			absEE[i][t] = math.Abs(v)
		}
		out[i] = MorrisIndex{
			Mu:     stat.Mean(e, nil),
			MuStar: stat.Mean(absEE[i], nil),
			Sigma:  stat.StdDev(e, nil),
		}
	}

	// Bootstrap over trajectories: one resample of the r trajectories per
	// replicate, shared by all factors, held as counts.
	b := replicates(bootstrap)
	rng := newRand(seed, streamMorrisBootstrap)
	reps := make([][]float64, d.K)
	for i := range reps {
		reps[i] = make([]float64, b)
	}
	w := make([]float64, r)
	for rep := range b {
		resampleCounts(rng, w)
		for i, a := range absEE {
			reps[i][rep] = floats.Dot(w, a) / float64(r)
		}
	}
	for i := range out {
		out[i].MuStarLo, out[i].MuStarHi = percentileInterval(reps[i])
	}
	return out, nil
}

// effects returns the elementary effects, ee[i][t] for factor i in
// trajectory t, reading each step's factor and signed length from
// d.Points.
func (d *MorrisDesign) effects(y []float64) ([][]float64, error) {
	k, r := d.K, d.Trajectories
	if k < 1 || r < 2 || len(d.Points) != r*(k+1) {
		return nil, fmt.Errorf("sensitivity: Morris design has %d points; want Trajectories*(K+1) = %d*%d", len(d.Points), r, k+1)
	}
	if len(y) != len(d.Points) {
		return nil, fmt.Errorf("sensitivity: %d outputs for %d Morris design points", len(y), len(d.Points))
	}
	if err := checkFinite(y); err != nil {
		return nil, err
	}
	ee := make([][]float64, k)
	for i := range ee {
		ee[i] = make([]float64, r)
	}
	moved := make([]bool, k)
	for t := range r {
		clear(moved)
		for s := range k {
			row := t*(k+1) + s
			a, b := d.Points[row], d.Points[row+1]
			if len(a) != k || len(b) != k {
				return nil, fmt.Errorf("sensitivity: Morris design point %d has %d values; want K = %d", row, len(a), k)
			}
			i := -1
			for c := range k {
				if a[c] != b[c] {
					if i >= 0 {
						return nil, fmt.Errorf("sensitivity: Morris design points %d and %d differ in more than one factor", row, row+1)
					}
					i = c
				}
			}
			if i < 0 || moved[i] {
				return nil, fmt.Errorf("sensitivity: Morris design points %d and %d are not one step of a new factor", row, row+1)
			}
			moved[i] = true
			ee[i][t] = (y[row+1] - y[row]) / (b[i] - a[i])
		}
	}
	return ee, nil
}

// checkFinite reports the first y[i] that is NaN or infinite.
func checkFinite(y []float64) error {
	for i, v := range y {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("sensitivity: output y[%d] = %v (the model's value at point %d) is not finite", i, v, i)
		}
	}
	return nil
}
