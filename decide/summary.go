package decide

import (
	"math"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"gonum.org/v1/gonum/stat"

	"github.com/statecraft/statecraft/internal/floatsort"
)

// Summary holds, for each sweep point of each simulation, the pass rate
// of every criterion and statistics of every KPI over the point's runs.
type Summary struct {
	Confidence float64  `json:"confidence"` // of the pass rates' intervals, 0.95 for 95%
	KPIs       []string `json:"kpis"`
	Criteria   []string `json:"criteria"`
	Params     []string `json:"params"` // the swept parameters
	Sims       []string `json:"sims"`   // the simulations' names
	Points     []Point  `json:"points"` // in (simulation, subset) order
}

// Point summarises the runs of one sweep point of one simulation.
type Point struct {
	Simulation int            `json:"simulation"`
	Scenario   string         `json:"scenario"` // the simulation's name, "" when it has none
	Subset     int            `json:"subset"`
	Params     map[string]any `json:"params"` // the swept parameters' values
	Runs       int            `json:"runs"`   // rows seen
	// Criteria holds one pass rate per criterion, in order.
	Criteria []Rate `json:"criteria"`
	// All is the rate of runs that pass every criterion. It is the zero
	// Rate, and is left out of JSON, when there are no criteria.
	All Rate `json:"all,omitzero"`
	// KPIs holds the statistics of each KPI, by name.
	KPIs map[string]Stats `json:"kpis"`
}

// Rate is a pass rate with its Wilson score interval.
type Rate struct {
	Name   string  // the criterion's name, or "all"
	Passed int     // runs that passed
	Runs   int     // runs evaluated
	Rate   float64 // Passed / Runs (NaN when Runs is 0)
	Lo, Hi float64 // Wilson(Passed, Runs, confidence)
}

// Stats describes one KPI's values over a point's runs. NaN values are
// left out of every statistic and counted in NaN; statistics of no values
// are NaN (null in JSON), as is Std of one value.
type Stats struct {
	N            int     // values that are not NaN (an infinite value counts, and makes some statistics infinite or NaN)
	NaN          int     // NaN values
	Mean, Std    float64 // stat.Mean; stat.StdDev (the unbiased sample standard deviation)
	Min          float64 // smallest value
	P5, P50, P95 float64 // stat.Quantile with stat.LinInterp at 0.05, 0.5, 0.95
	Max          float64 // largest value
}

// Summarize computes a Summary of the table: rows are grouped by
// (simulation, subset) and each group's criteria pass rates (with Wilson
// intervals at the confidence level, 0 meaning 0.95) and KPI statistics
// are computed. c may be nil when there are no criteria; otherwise it
// must have been compiled over t.KPIs.
func Summarize(t *Table, c *CompiledCriteria, confidence float64) (*Summary, error) {
	conf, err := confidenceOr(confidence)
	if err != nil {
		return nil, err
	}
	keys, groups, err := t.check()
	if err != nil {
		return nil, err
	}
	if err := c.forTable(t); err != nil {
		return nil, err
	}
	s := &Summary{
		Confidence: conf,
		KPIs:       slices.Clone(t.KPIs),
		Criteria:   c.Names(),
		Params:     slices.Clone(t.Params),
		Sims:       slices.Clone(t.Sims),
		Points:     make([]Point, 0, len(keys)),
	}
	nc := c.Len()
	var pass []bool
	for _, k := range keys {
		rows := groups[k]
		p := Point{
			Simulation: k.sim,
			Scenario:   t.scenario(k.sim),
			Subset:     k.subset,
			Params:     paramMap(t.Params, rows[0].Params),
			Runs:       len(rows),
			KPIs:       make(map[string]Stats, len(t.KPIs)),
		}
		if nc > 0 {
			passed := make([]int, nc)
			all := 0
			for _, r := range rows {
				if pass, err = c.Eval(r.KPI, pass); err != nil {
					return nil, rowError(t, r, err)
				}
				ok := true
				for i, b := range pass {
					if b {
						passed[i]++
					} else {
						ok = false
					}
				}
				if ok {
					all++
				}
			}
			for i, name := range s.Criteria {
				p.Criteria = append(p.Criteria, newRate(name, passed[i], len(rows), conf))
			}
			p.All = newRate(AllCriteria, all, len(rows), conf)
		}
		s.Points = append(s.Points, p)
	}
	stats := describeAll(keys, groups, len(t.KPIs))
	for i := range s.Points {
		for j, name := range t.KPIs {
			s.Points[i].KPIs[name] = stats[i*len(t.KPIs)+j]
		}
	}
	return s, nil
}

// describeAll returns the Stats of KPI j over the rows of point keys[i]
// at i*nk+j, computed side by side: sorting each point's values is most
// of what a summary of many runs costs.
func describeAll(keys []pointKey, groups map[pointKey][]*Row, nk int) []Stats {
	out := make([]Stats, len(keys)*nk)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range max(1, min(runtime.GOMAXPROCS(0), len(out))) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var vals []float64
			for {
				k := int(next.Add(1)) - 1
				if k >= len(out) {
					return
				}
				rows, j := groups[keys[k/nk]], k%nk
				vals = slices.Grow(vals[:0], 2*len(rows)) // floatsort.Sort's room: it sorts in place
				for _, r := range rows {
					vals = append(vals, r.KPI[j])
				}
				out[k] = describe(vals)
			}
		}()
	}
	wg.Wait()
	return out
}

// newRate returns passed/n with its Wilson interval.
func newRate(name string, passed, n int, confidence float64) Rate {
	lo, hi := Wilson(passed, n, confidence)
	rate := math.NaN()
	if n > 0 {
		rate = float64(passed) / float64(n)
	}
	return Rate{Name: name, Passed: passed, Runs: n, Rate: rate, Lo: lo, Hi: hi}
}

// describe computes the Stats of vals (which it reorders).
func describe(vals []float64) Stats {
	fin := finite(vals)
	st := Stats{N: len(fin), NaN: len(vals) - len(fin)}
	nan := math.NaN()
	if len(fin) == 0 {
		st.Mean, st.Std, st.Min, st.P5, st.P50, st.P95, st.Max = nan, nan, nan, nan, nan, nan, nan
		return st
	}
	fin = floatsort.Sort(fin)
	st.Mean = stat.Mean(fin, nil)
	st.Std = nan
	if len(fin) > 1 {
		st.Std = stat.StdDev(fin, nil)
	}
	st.Min, st.Max = fin[0], fin[len(fin)-1]
	st.P5 = stat.Quantile(0.05, stat.LinInterp, fin, nil)
	st.P50 = stat.Quantile(0.5, stat.LinInterp, fin, nil)
	st.P95 = stat.Quantile(0.95, stat.LinInterp, fin, nil)
	return st
}

// finite moves the values that are not NaN to the front of vals and
// returns them.
func finite(vals []float64) []float64 {
	n := 0
	for _, v := range vals {
		if !math.IsNaN(v) {
			vals[n] = v
			n++
		}
	}
	return vals[:n]
}
