package runner

import (
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"

	"github.com/statecraft/statecraft/configs"
	"github.com/statecraft/statecraft/decide"
	"github.com/statecraft/statecraft/decide/sample"
	"github.com/statecraft/statecraft/decide/sensitivity"
)

// A sensitivity analysis ([sensitivity]) replaces the sweep by the
// method's design over the parameters' bounds: Morris trajectories, or
// Saltelli's matrices built on a Sobol sequence. Each design point is a
// subset, run Monte Carlo runs times as usual; the output analysed is
// each KPI's mean over a point's runs, per simulation.

// SensitivityResult holds the indices of one KPI in one simulation, per
// parameter: Morris' or Sobol's, by the method.
type SensitivityResult struct {
	Simulation int           `json:"simulation"`
	Scenario   string        `json:"scenario,omitempty"`
	KPI        string        `json:"kpi"`
	Method     string        `json:"method"`
	Morris     []MorrisIndex `json:"morris,omitempty"`
	Sobol      []SobolIndex  `json:"sobol,omitempty"`
}

// MorrisIndex is one parameter's elementary effects: mu, mu* with its 95%
// bootstrap interval, and sigma.
type MorrisIndex struct {
	Param    string       `json:"param"`
	Mu       decide.Float `json:"mu"`
	MuStar   decide.Float `json:"mu_star"`
	MuStarLo decide.Float `json:"mu_star_lo"`
	MuStarHi decide.Float `json:"mu_star_hi"`
	Sigma    decide.Float `json:"sigma"`
}

// SobolIndex is one parameter's first-order and total indices with their
// 95% bootstrap intervals.
type SobolIndex struct {
	Param string       `json:"param"`
	S1    decide.Float `json:"s1"`
	S1Lo  decide.Float `json:"s1_lo"`
	S1Hi  decide.Float `json:"s1_hi"`
	ST    decide.Float `json:"st"`
	STLo  decide.Float `json:"st_lo"`
	STHi  decide.Float `json:"st_hi"`
}

// sensitivityDesign returns the unit-cube points of the analysis' design
// for k parameters.
func sensitivityDesign(s *configs.Sensitivity, k int, seed uint64) ([][]float64, error) {
	if s.Method == configs.Morris {
		d, err := sensitivity.NewMorrisDesign(k, s.Samples, s.Levels, seed)
		if err != nil {
			return nil, err
		}
		return d.Points, nil
	}
	d, err := sobolDesign(s, k, seed)
	if err != nil {
		return nil, err
	}
	return d.Points, nil
}

func sobolDesign(s *configs.Sensitivity, k int, seed uint64) (*sensitivity.SobolDesign, error) {
	base, err := sample.UnitSobol(s.Samples, 2*k, seed)
	if err != nil {
		return nil, err
	}
	return sensitivity.NewSobolDesign(base)
}

// sensitivity computes the indices of every analysed KPI from the runs'
// KPIs.
func (p *Plan) sensitivity(store *kpiStore) ([]SensitivityResult, error) {
	x := p.Config
	s := x.Sensitivity
	dims, err := designDims(x, p.Sims[0].Model, s.Bounds)
	if err != nil {
		return nil, err
	}
	seed := mix(uint64(x.Seed) ^ 0xde5197de5197)
	kpis := s.KPIs
	if len(kpis) == 0 {
		kpis = p.KPIs
	}
	var morris *sensitivity.MorrisDesign
	var sobol *sensitivity.SobolDesign
	if s.Method == configs.Morris {
		morris, err = sensitivity.NewMorrisDesign(len(dims), s.Samples, s.Levels, seed)
	} else {
		sobol, err = sobolDesign(s, len(dims), seed)
	}
	if err != nil {
		return nil, err
	}
	var out []SensitivityResult
	for si, sim := range p.Sims {
		n := len(sim.Points)
		sums := make([][]float64, len(p.KPIs))
		counts := make([]int, n)
		for k := range sums {
			sums[k] = make([]float64, n)
		}
		store.each(func(spec JobSpec, vals []float64) bool {
			if spec.Simulation == si {
				counts[spec.Subset]++
				for k, v := range vals {
					sums[k][spec.Subset] += v
				}
			}
			return true
		})
		for pt, c := range counts {
			if c == 0 {
				return nil, fmt.Errorf("simulation %d: every run of design point %d failed; the indices need every point", si, pt)
			}
		}
		for _, name := range kpis {
			k := indexOf(p.KPIs, name)
			y := make([]float64, n)
			for pt := range y {
				y[pt] = sums[k][pt] / float64(counts[pt])
			}
			res := SensitivityResult{Simulation: si, Scenario: sim.Name, KPI: name, Method: s.Method.String()}
			bootSeed := mix(seed + uint64(si)*31 + uint64(k))
			if morris != nil {
				idx, err := morris.Analyze(y, s.Bootstrap, bootSeed)
				if err != nil {
					return nil, fmt.Errorf("KPI %s: %w", name, err)
				}
				for d, ix := range idx {
					res.Morris = append(res.Morris, MorrisIndex{Param: dims[d].Name, Mu: decide.Float(ix.Mu), MuStar: decide.Float(ix.MuStar),
						MuStarLo: decide.Float(ix.MuStarLo), MuStarHi: decide.Float(ix.MuStarHi), Sigma: decide.Float(ix.Sigma)})
				}
			} else {
				idx, err := sobol.Analyze(y, s.Bootstrap, bootSeed)
				if err != nil {
					return nil, fmt.Errorf("KPI %s: %w", name, err)
				}
				for d, ix := range idx {
					res.Sobol = append(res.Sobol, SobolIndex{Param: dims[d].Name, S1: decide.Float(ix.S1), S1Lo: decide.Float(ix.S1Lo), S1Hi: decide.Float(ix.S1Hi),
						ST: decide.Float(ix.ST), STLo: decide.Float(ix.STLo), STHi: decide.Float(ix.STHi)})
				}
			}
			out = append(out, res)
		}
	}
	return out, nil
}

func indexOf(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return -1
}

// writeSensitivity writes the indices as text tables, one per KPI and
// simulation.
func writeSensitivity(w io.Writer, rs []SensitivityResult) {
	g := func(v decide.Float) string { return strconv.FormatFloat(float64(v), 'g', 4, 64) }
	interval := func(lo, hi decide.Float) string { return "[" + g(lo) + ", " + g(hi) + "]" }
	for i, r := range rs {
		if i > 0 {
			io.WriteString(w, "\n")
		}
		where := ""
		if r.Scenario != "" {
			where = ", scenario " + r.Scenario
		}
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		if len(r.Morris) > 0 {
			fmt.Fprintf(w, "Morris elementary effects of %s%s (mean over runs; mu* with its 95%% bootstrap interval)\n", r.KPI, where)
			fmt.Fprintln(tw, "param\tmu*\tinterval\tmu\tsigma")
			for _, ix := range r.Morris {
				fmt.Fprintln(tw, ix.Param+"\t"+g(ix.MuStar)+"\t"+interval(ix.MuStarLo, ix.MuStarHi)+"\t"+g(ix.Mu)+"\t"+g(ix.Sigma))
			}
		} else {
			fmt.Fprintf(w, "Sobol indices of %s%s (mean over runs; 95%% bootstrap intervals)\n", r.KPI, where)
			fmt.Fprintln(tw, "param\tS1\tinterval\tST\tinterval")
			for _, ix := range r.Sobol {
				fmt.Fprintln(tw, ix.Param+"\t"+g(ix.S1)+"\t"+interval(ix.S1Lo, ix.S1Hi)+"\t"+g(ix.ST)+"\t"+interval(ix.STLo, ix.STHi))
			}
		}
		tw.Flush()
	}
}
