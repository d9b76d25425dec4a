package runner

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/statecraft/statecraft/configs"
	"github.com/statecraft/statecraft/decide/sample"
	"github.com/statecraft/statecraft/decide/sensitivity"
)

// A sensitivity analysis ([sensitivity]) replaces the sweep by the
// method's design over the parameters' bounds: Morris trajectories, or
// Saltelli's matrices built on a Sobol sequence. Each design point is a
// subset, run Monte Carlo runs times as usual; the output analysed is
// each KPI's mean over a point's runs, per simulation.

// SensitivityResult holds the indices of one KPI in one simulation: per
// parameter, Morris' mu, mu* (with its 95% bootstrap interval) and sigma,
// or the first-order and total Sobol indices with theirs.
type SensitivityResult struct {
	Simulation int                `json:"simulation"`
	Scenario   string             `json:"scenario,omitempty"`
	KPI        string             `json:"kpi"`
	Method     string             `json:"method"`
	Indices    []SensitivityIndex `json:"indices"`
}

// SensitivityIndex is one parameter's indices (the method's fields only).
type SensitivityIndex struct {
	Param string `json:"param"`
	// Morris
	Mu, MuStar, MuStarLo, MuStarHi, Sigma float64
	// Sobol
	S1, S1Lo, S1Hi, ST, STLo, STHi float64
	morris                         bool
}

// MarshalJSON writes the method's fields, NaN as null.
func (s SensitivityIndex) MarshalJSON() ([]byte, error) {
	f := func(v float64) any {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil
		}
		return v
	}
	if s.morris {
		return json.Marshal(map[string]any{"param": s.Param, "mu": f(s.Mu), "mu_star": f(s.MuStar), "mu_star_lo": f(s.MuStarLo), "mu_star_hi": f(s.MuStarHi), "sigma": f(s.Sigma)})
	}
	return json.Marshal(map[string]any{"param": s.Param, "s1": f(s.S1), "s1_lo": f(s.S1Lo), "s1_hi": f(s.S1Hi), "st": f(s.ST), "st_lo": f(s.STLo), "st_hi": f(s.STHi)})
}

// UnmarshalJSON reads what MarshalJSON writes (null as NaN).
func (s *SensitivityIndex) UnmarshalJSON(b []byte) error {
	var p struct {
		Param string `json:"param"`
	}
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	raw := map[string]json.RawMessage{}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	get := func(k string) float64 {
		var v *float64
		if r, ok := raw[k]; ok && json.Unmarshal(r, &v) == nil && v != nil {
			return *v
		}
		return math.NaN()
	}
	s.Param = p.Param
	_, s.morris = raw["mu_star"]
	s.Mu, s.MuStar, s.MuStarLo, s.MuStarHi, s.Sigma = get("mu"), get("mu_star"), get("mu_star_lo"), get("mu_star_hi"), get("sigma")
	s.S1, s.S1Lo, s.S1Hi, s.ST, s.STLo, s.STHi = get("s1"), get("s1_lo"), get("s1_hi"), get("st"), get("st_lo"), get("st_hi")
	return nil
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
func (p *Plan) sensitivity(rows []kpiRow) ([]SensitivityResult, error) {
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
		for _, r := range rows {
			if r.spec.Simulation != si {
				continue
			}
			counts[r.spec.Subset]++
			for k, v := range r.vals {
				sums[k][r.spec.Subset] += v
			}
		}
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
					res.Indices = append(res.Indices, SensitivityIndex{Param: dims[d].Name, Mu: ix.Mu, MuStar: ix.MuStar, MuStarLo: ix.MuStarLo, MuStarHi: ix.MuStarHi, Sigma: ix.Sigma, morris: true})
				}
			} else {
				idx, err := sobol.Analyze(y, s.Bootstrap, bootSeed)
				if err != nil {
					return nil, fmt.Errorf("KPI %s: %w", name, err)
				}
				for d, ix := range idx {
					res.Indices = append(res.Indices, SensitivityIndex{Param: dims[d].Name, S1: ix.S1, S1Lo: ix.S1Lo, S1Hi: ix.S1Hi, ST: ix.ST, STLo: ix.STLo, STHi: ix.STHi})
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
	g := func(v float64) string { return strconv.FormatFloat(v, 'g', 4, 64) }
	for i, r := range rs {
		if i > 0 {
			io.WriteString(w, "\n")
		}
		where := ""
		if r.Scenario != "" {
			where = ", scenario " + r.Scenario
		}
		rows := [][]string{}
		if r.Method == configs.Morris.String() {
			fmt.Fprintf(w, "Morris elementary effects of %s%s (mean over runs; mu* with its 95%% bootstrap interval)\n", r.KPI, where)
			rows = append(rows, []string{"param", "mu*", "interval", "mu", "sigma"})
			for _, ix := range r.Indices {
				rows = append(rows, []string{ix.Param, g(ix.MuStar), "[" + g(ix.MuStarLo) + ", " + g(ix.MuStarHi) + "]", g(ix.Mu), g(ix.Sigma)})
			}
		} else {
			fmt.Fprintf(w, "Sobol indices of %s%s (mean over runs; 95%% bootstrap intervals)\n", r.KPI, where)
			rows = append(rows, []string{"param", "S1", "interval", "ST", "interval"})
			for _, ix := range r.Indices {
				rows = append(rows, []string{ix.Param, g(ix.S1), "[" + g(ix.S1Lo) + ", " + g(ix.S1Hi) + "]", g(ix.ST), "[" + g(ix.STLo) + ", " + g(ix.STHi) + "]"})
			}
		}
		widths := make([]int, len(rows[0]))
		for _, row := range rows {
			for c, cell := range row {
				widths[c] = max(widths[c], len(cell))
			}
		}
		for _, row := range rows {
			cells := make([]string, len(row))
			for c, cell := range row {
				cells[c] = cell + strings.Repeat(" ", widths[c]-len(cell))
			}
			fmt.Fprintln(w, strings.TrimRight(strings.Join(cells, "  "), " "))
		}
	}
}
