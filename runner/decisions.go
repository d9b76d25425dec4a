package runner

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/statecraft/statecraft/configs"
	"github.com/statecraft/statecraft/decide"
	"github.com/statecraft/statecraft/decide/sample"
	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/internal/names"
	"github.com/statecraft/statecraft/runner/dataset"
)

// Decisions are what the decision layer concludes from a dataset's KPI
// table: the pass rates and KPI statistics of every sweep point, and the
// PSUU ranking (with [psuu]) or the sensitivity indices (with
// [sensitivity]). They are written as _decision.json and, as text,
// _decision.txt.
type Decisions struct {
	Summary     *decide.Summary     `json:"summary"`
	Ranking     *decide.Ranking     `json:"psuu,omitempty"`
	Sensitivity []SensitivityResult `json:"sensitivity,omitempty"`
	Optimum     *Optimum            `json:"optimize,omitempty"`
}

// WriteText writes the decisions as the tables printed at the end of a run.
func (d *Decisions) WriteText(w io.Writer) error {
	if err := d.Summary.WriteTable(w); err != nil {
		return err
	}
	if d.Ranking != nil {
		io.WriteString(w, "\n")
		if err := d.Ranking.WriteTable(w); err != nil {
			return err
		}
	}
	if len(d.Sensitivity) > 0 {
		io.WriteString(w, "\n")
		writeSensitivity(w, d.Sensitivity)
	}
	if d.Optimum != nil {
		io.WriteString(w, "\n")
		d.Optimum.WriteText(w)
	}
	return nil
}

// planDecisions checks the decision layer against the models: each
// simulation model's KPIs and, with [psuu], the controllable parameters,
// whose choices then share random streams (see seedSubsets).
func (p *Plan) planDecisions() error {
	x := p.Config
	p.KPIs = x.KPIOrder
	for _, name := range x.Report.Criteria {
		v, ok := p.Sims[0].Model.Var(name)
		if !ok {
			return x.ErrorAt("report.criteria", "model %q has no state variable %q%s", p.Sims[0].Model.Name(), name, names.Suggest(name, varNames(p.Sims[0].Model)))
		}
		if v.Kind != gds.KindBool {
			return x.ErrorAt("report.criteria", "criterion %q is a %s variable; criteria are bool variables, true when the run passes", name, v.Kind)
		}
	}
	if len(p.KPIs) > 0 {
		p.kpis = map[*gds.Model]*kpiPlan{}
		for _, sim := range p.Sims {
			if _, ok := p.kpis[sim.Model]; ok {
				continue
			}
			kp, err := planKPIs(x, sim.Model)
			if err != nil {
				return err
			}
			p.kpis[sim.Model] = kp
		}
		for _, name := range p.KPIs {
			for _, v := range p.InitCols {
				if name == InitColumn(v.Name) {
					return x.ErrorAt("kpis."+name, "%q is the column of a swept initial value; name the KPI otherwise", name)
				}
			}
		}
	}
	if crit := x.Criteria; len(crit) > 0 {
		var err error
		if p.criteria, err = decide.CompileCriteria(p.KPIs, toDecideCriteria(crit)); err != nil {
			var ce *decide.CriterionError
			if errors.As(err, &ce) && len(x.Criteria) > 0 {
				return x.ErrorAt(fmt.Sprintf("criteria.%d.expr", ce.Index), "%v", err)
			}
			return x.ErrorAt("criteria", "%v", err)
		}
	}
	if x.Optimize != nil {
		if _, err := p.optimizeParams(); err != nil {
			return err
		}
		for _, sim := range p.Sims {
			if len(sim.Points) > 1 {
				return x.ErrorAt("optimize", "an optimisation chooses the parameters' values; the sweep has %d points (drop the lists in params)", len(sim.Points))
			}
		}
	}
	if x.PSUU != nil {
		for i, name := range x.PSUU.Controllable {
			if !slices.ContainsFunc(p.ParamCols, func(pi gds.ParamInfo) bool { return pi.Name == name }) {
				return x.ErrorAt(fmt.Sprintf("psuu.controllable.%d", i), "%q is not a swept parameter (swept: %s)", name, p.sweptNames())
			}
		}
		p.seedSubset = p.seedSubsets(x.PSUU.Controllable)
	}
	return nil
}

func toDecideCriteria(cs []configs.Criterion) []decide.Criterion {
	out := make([]decide.Criterion, len(cs))
	for i, c := range cs {
		out[i] = decide.Criterion{Name: c.Name, Expr: c.Expr}
	}
	return out
}

// psuu returns the [psuu] section as the decide package takes it.
func (p *Plan) psuu() decide.PSUU {
	ps := decide.PSUU{Controllable: p.Config.PSUU.Controllable}
	for _, o := range p.Config.PSUU.Objectives {
		d := decide.Objective{Name: o.Name, Criterion: o.Criterion, KPI: o.KPI, Across: o.Across.String(), Maximize: o.Sense == configs.Maximize, Weights: o.Weights}
		if o.KPI != "" {
			d.Stat = o.Stat.String()
			if o.Q != nil {
				d.Quantile = *o.Q
			}
		}
		ps.Objectives = append(ps.Objectives, d)
	}
	return ps
}

// decideTable returns the KPI rows as the decide package's table. Its
// parameters are the values swept within a simulation: one that differs
// only between simulations is a scenario's setting, and the simulation
// (the scenario) already tells the cases apart.
func (p *Plan) decideTable(kpis *kpiStore) *decide.Table {
	t := &decide.Table{KPIs: p.KPIs}
	var keep []int
	for k, f := range p.sweptFields() {
		if p.sweptWithin(k) {
			t.Params = append(t.Params, f.Name)
			keep = append(keep, k)
		}
	}
	for _, s := range p.Sims {
		t.Sims = append(t.Sims, s.Name)
	}
	// The runs of a sweep point share its values (decide reads them only).
	// The rows come in the plan's order: a point's runs one after the
	// other.
	t.Rows = make([]decide.Row, 0, kpis.len())
	var at [2]int
	var vals []any
	kpis.each(func(spec JobSpec, kv []float64) bool {
		if pt := [2]int{spec.Simulation, spec.Subset}; vals == nil || pt != at {
			all := p.sweptValues(spec)
			at, vals = pt, make([]any, len(keep))
			for i, k := range keep {
				vals[i] = all[k]
			}
		}
		t.Rows = append(t.Rows, decide.Row{Simulation: spec.Simulation, Subset: spec.Subset, Run: spec.Run, Params: vals, KPI: kv})
		return true
	})
	return t
}

// sweptWithin reports whether swept value k (in sweptFields order) takes
// more than one value within some simulation.
func (p *Plan) sweptWithin(k int) bool {
	if k < len(p.ParamCols) {
		return varies(p.Sims, true, paramOf(p.ParamCols[k].Name))
	}
	return varies(p.Sims, true, initOf(p.InitCols[k-len(p.ParamCols)].Name))
}

// decide draws the decisions from the KPIs of every job.
func (p *Plan) decide(kpis *kpiStore) (*Decisions, error) {
	t := p.decideTable(kpis)
	sum, err := decide.Summarize(t, p.criteria, decide.DefaultConfidence)
	if err != nil {
		return nil, fmt.Errorf("decisions: %w", err)
	}
	d := &Decisions{Summary: sum}
	if p.Config.PSUU != nil {
		if d.Ranking, err = decide.Rank(t, p.criteria, p.psuu()); err != nil {
			return nil, fmt.Errorf("psuu: %w", err)
		}
	}
	if p.Config.Sensitivity != nil {
		if d.Sensitivity, err = p.sensitivity(kpis); err != nil {
			return nil, fmt.Errorf("sensitivity: %w", err)
		}
	}
	return d, nil
}

// encode returns the decisions as JSON and as text tables.
func (d *Decisions) encode() (jsonData, text []byte, err error) {
	jsonData, err = json.MarshalIndent(d, "", "  ")
	if err != nil {
		return nil, nil, fmt.Errorf("decisions: %w", err)
	}
	var b bytes.Buffer
	if err := d.WriteText(&b); err != nil {
		return nil, nil, fmt.Errorf("decisions: %w", err)
	}
	return append(jsonData, '\n'), b.Bytes(), nil
}

// writeDecisions writes the decisions into the dataset directory.
func writeDecisions(ds *dataset.Shard, d *Decisions) error {
	jsonData, text, err := d.encode()
	if err != nil {
		return err
	}
	return ds.WriteDecisions(jsonData, text)
}

// sweptNames lists the columns of the swept values, for messages.
func (p *Plan) sweptNames() string {
	var out []string
	for _, pc := range p.ParamCols {
		out = append(out, pc.Name)
	}
	for _, v := range p.InitCols {
		out = append(out, InitColumn(v.Name))
	}
	if len(out) == 0 {
		return "none"
	}
	return fmt.Sprint(out)
}

// seedSubsets numbers the uncertain cases: sweep points that differ only
// in the controllable parameters get the same number, so that their jobs
// draw the same random numbers run by run (common random numbers across
// choices), and the choices' differences are not luck. Without [psuu]
// every subset is its own case.
func (p *Plan) seedSubsets(controllable []string) [][]int {
	cases := map[string]int{}
	out := make([][]int, len(p.Sims))
	for s, sim := range p.Sims {
		out[s] = make([]int, len(sim.Points))
		for k := range sim.Points {
			key := ""
			for _, pc := range p.ParamCols {
				if slices.Contains(controllable, pc.Name) {
					continue
				}
				v, _ := sim.Points[k].Get(pc.Name)
				key += fmt.Sprintf("%s=%#v;", pc.Name, v)
			}
			for _, v := range p.InitCols {
				val, _ := sim.Inits[k].Get(v.Name)
				key += fmt.Sprintf("%s=%#v;", InitColumn(v.Name), val)
			}
			c, ok := cases[key]
			if !ok {
				c = len(cases)
				cases[key] = c
			}
			out[s][k] = c
		}
	}
	return out
}

// sampledDesign returns the parameter points of a sampled sweep (sweep
// mode lhs or sobol) or of a sensitivity design, or nil when lists or
// points give the sweep. Designs derive from the master seed, so the same
// config gives the same points.
func sampledDesign(x *configs.Experiment, m *gds.Model) ([]map[string]any, error) {
	var bounds map[string]configs.Bound
	switch {
	case x.Sweep.Mode == configs.SweepLHS || x.Sweep.Mode == configs.SweepSobol:
		bounds = x.Sweep.Bounds
	case x.Sensitivity != nil:
		bounds = x.Sensitivity.Bounds
	default:
		return nil, nil
	}
	dims, err := designDims(x, m, bounds)
	if err != nil {
		return nil, err
	}
	seed := mix(uint64(x.Seed) ^ 0xde5197de5197)
	var unit [][]float64
	switch {
	case x.Sensitivity != nil:
		if unit, err = sensitivityDesign(x.Sensitivity, len(dims), seed); err != nil {
			return nil, x.ErrorAt("sensitivity", "%v", err)
		}
	case x.Sweep.Mode == configs.SweepLHS:
		unit, err = sample.UnitLatinHypercube(x.Sweep.Samples, len(dims), seed)
	default:
		unit, err = sample.UnitSobol(x.Sweep.Samples, len(dims), seed)
	}
	if err != nil {
		return nil, x.ErrorAt(designKey(x), "%v", err)
	}
	return scalePoints(dims, unit), nil
}

// scalePoints maps points of the unit cube to parameter values.
func scalePoints(dims []sample.Dim, unit [][]float64) []map[string]any {
	out := make([]map[string]any, len(unit))
	for i, u := range unit {
		pt := make(map[string]any, len(dims))
		for k, d := range dims {
			v := d.Scale(u[k])
			if d.Int {
				pt[d.Name] = int64(v)
			} else {
				pt[d.Name] = v
			}
		}
		out[i] = pt
	}
	return out
}

// designDims checks a design's bounds against the model's parameters and
// returns them in the model's declaration order. An int parameter is
// sampled as integers.
func designDims(x *configs.Experiment, m *gds.Model, bounds map[string]configs.Bound) ([]sample.Dim, error) {
	key := designKey(x)
	for name := range bounds {
		pi, ok := m.Param(name)
		if !ok {
			return nil, x.ErrorAt(key+"."+name, "model %q has no parameter %q%s", m.Name(), name, names.Suggest(name, paramNames(m)))
		}
		if pi.Kind != gds.KindFloat && pi.Kind != gds.KindInt {
			return nil, x.ErrorAt(key+"."+name, "parameter %q is a %s; only float and int parameters are sampled", name, pi.Kind)
		}
		if v, swept := x.Params[name].([]any); swept && len(v) > 0 {
			return nil, x.ErrorAt("params."+name, "%q has a range in %s; give it a single value in params, or none", name, key)
		}
	}
	var dims []sample.Dim
	for _, pi := range m.Params() {
		b, ok := bounds[pi.Name]
		if !ok {
			continue
		}
		d := sample.Dim{Name: pi.Name, Min: b.Min, Max: b.Max, Log: b.Log, Int: b.Int || pi.Kind == gds.KindInt}
		if err := d.Validate(); err != nil {
			return nil, x.ErrorAt(key+"."+pi.Name, "%v", err)
		}
		if pi.Min != nil && d.Min < *pi.Min {
			return nil, x.ErrorAt(key+"."+pi.Name, "the range [%v, %v] reaches below the parameter's minimum %v", d.Min, d.Max, *pi.Min)
		}
		if pi.Max != nil && d.Max > *pi.Max {
			return nil, x.ErrorAt(key+"."+pi.Name, "the range [%v, %v] reaches above the parameter's maximum %v", d.Min, d.Max, *pi.Max)
		}
		dims = append(dims, d)
	}
	return dims, nil
}
