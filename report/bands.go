package report

import (
	"math"
	"slices"

	"gonum.org/v1/gonum/stat"
)

// panels chooses the sweep points charted: the first maxPanels subsets of
// each simulation, each a panel of the small multiples. group numbers the
// (simulation, subset) pairs charted, in order; -1 leaves one out.
type panels struct {
	subsets [][]int // by simulation and subset: the group, or -1
	groups  int
	sims    int
	shown   int // subsets shown per simulation, at most
}

func newPanels(subsetsBySim []int, maxPanels int) panels {
	p := panels{sims: len(subsetsBySim)}
	for _, n := range subsetsBySim {
		row := make([]int, n)
		for k := range row {
			row[k] = -1
			if k < maxPanels {
				row[k] = p.groups
				p.groups++
			}
		}
		p.shown = max(p.shown, min(n, maxPanels))
		p.subsets = append(p.subsets, row)
	}
	return p
}

// group returns the group of (simulation, subset), or -1.
func (p panels) group(sim, subset float64) int {
	s, k := int(sim), int(subset)
	if s < 0 || s >= len(p.subsets) || k < 0 || k >= len(p.subsets[s]) {
		return -1
	}
	return p.subsets[s][k]
}

// timeBins maps timesteps to the chart's x positions: every stride-th
// timestep from 0, and the last timestep T.
type timeBins struct {
	T, stride, n int
}

// newTimeBins keeps at most about points positions of timesteps 0..T,
// with a stride that is a multiple of every (the recorded timesteps).
func newTimeBins(T, every, points int) timeBins {
	every = max(every, 1)
	steps := T / every // intervals between recorded timesteps
	stride := every * max(1, (steps+points-1)/points)
	n := T/stride + 1
	if T%stride != 0 {
		n++
	}
	return timeBins{T: T, stride: stride, n: n}
}

// bin returns the position of timestep t, or -1 if t is not shown.
func (b timeBins) bin(t int) int {
	switch {
	case t < 0 || t > b.T:
		return -1
	case t%b.stride == 0:
		return t / b.stride
	case t == b.T:
		return b.n - 1
	}
	return -1
}

// timestep returns the timestep at position i.
func (b timeBins) timestep(i int) int {
	if i == b.n-1 && b.T%b.stride != 0 {
		return b.T
	}
	return i * b.stride
}

// bandSet collects, for each charted group, variable, time position and
// run, the variable's value at the end of the timestep (its last recorded
// substep). Runs after the first runs of each point are left out, so the
// memory is fixed by the groups, variables and positions, whatever the
// number of runs.
type bandSet struct {
	panels panels
	bins   timeBins
	vars   []string
	runs   int // runs kept per point (run 1..runs)
	vals   []float64
	sub    []int32 // by (group, position, run): the substep vals hold, -1 for none
}

func newBandSet(p panels, bins timeBins, vars []string, runs int) *bandSet {
	n := p.groups * bins.n * runs
	b := &bandSet{panels: p, bins: bins, vars: vars, runs: runs, vals: make([]float64, n*len(vars)), sub: make([]int32, n)}
	for i := range b.sub {
		b.sub[i] = -1
	}
	for i := range b.vals {
		b.vals[i] = math.NaN()
	}
	return b
}

// add takes a batch whose columns are simulation, subset, run, timestep,
// substep, then the variables in order.
func (b *bandSet) add(batch *scanBatch) {
	sim, subset, run, ts, ss := batch.cols[0], batch.cols[1], batch.cols[2], batch.cols[3], batch.cols[4]
	vars := batch.cols[5:]
	V, P := len(b.vars), b.bins.n
	for i := 0; i < batch.rows; i++ {
		bin := b.bins.bin(int(ts(i)))
		if bin < 0 {
			continue
		}
		r := int(run(i)) - 1
		if r < 0 || r >= b.runs {
			continue
		}
		g := b.panels.group(sim(i), subset(i))
		if g < 0 {
			continue
		}
		cell := (g*P+bin)*b.runs + r
		s := int32(ss(i))
		if s < b.sub[cell] {
			continue
		}
		b.sub[cell] = s
		for v, get := range vars {
			// Layout: by group, variable, position, then run, so that one
			// cell's runs are contiguous for the quantiles.
			b.vals[((g*V+v)*P+bin)*b.runs+r] = get(i)
		}
	}
}

// band is one variable of one group over time: at each shown timestep,
// (stat.Empirical: each quantile is the value of one of the runs)
// the quantiles across runs (5, 25, 50, 75, 95%) and the mean.
type band struct {
	t                      []float64
	p5, p25, p50, p75, p95 []float64
	mean                   []float64
	runs                   int // most runs seen at a position
}

// band computes the quantiles of variable v in group g, leaving out
// positions without values.
func (b *bandSet) band(g, v int) band {
	var out band
	P := b.bins.n
	buf := make([]float64, 0, b.runs)
	for bin := 0; bin < P; bin++ {
		cell := b.vals[((g*len(b.vars)+v)*P+bin)*b.runs:][:b.runs]
		buf = buf[:0]
		for _, x := range cell {
			if !math.IsNaN(x) {
				buf = append(buf, x)
			}
		}
		if len(buf) == 0 {
			continue
		}
		slices.Sort(buf)
		out.runs = max(out.runs, len(buf))
		out.t = append(out.t, float64(b.bins.timestep(bin)))
		out.p5 = append(out.p5, stat.Quantile(0.05, stat.Empirical, buf, nil))
		out.p25 = append(out.p25, stat.Quantile(0.25, stat.Empirical, buf, nil))
		out.p50 = append(out.p50, stat.Quantile(0.5, stat.Empirical, buf, nil))
		out.p75 = append(out.p75, stat.Quantile(0.75, stat.Empirical, buf, nil))
		out.p95 = append(out.p95, stat.Quantile(0.95, stat.Empirical, buf, nil))
		out.mean = append(out.mean, stat.Mean(buf, nil))
	}
	return out
}
