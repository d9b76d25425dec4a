package decide

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/stat"

	"github.com/statecraft/statecraft/internal/names"
)

// The ways an objective's measures combine across uncertain cases
// (Objective.Across).
const (
	AcrossWorst    = "worst"    // the worst case: min when maximising, max when minimising (the default)
	AcrossBest     = "best"     // the best case
	AcrossMean     = "mean"     // the mean over cases, each case weighing the same
	AcrossWeighted = "weighted" // the mean over scenarios weighted by Objective.Weights
)

// Objective is one thing a choice of parameters is judged by: a measure
// of each uncertain case's runs, combined across the cases.
type Objective struct {
	// Name labels the objective in rankings and paired differences. When
	// empty it is the criterion's name, or "STAT KPI" ("mean gini").
	Name string `json:"name"`

	// What is measured per uncertain case: exactly one of Criterion and
	// KPI.

	// Criterion names a criterion, or "all" for all criteria together
	// (the default when KPI is empty): the measure is the case's pass
	// rate, which is maximised.
	Criterion string `json:"criterion,omitempty"`
	// KPI names a KPI: the measure is Stat of its values over the case's
	// runs (NaN values left out, as in Stats).
	KPI string `json:"kpi,omitempty"`
	// Stat is "mean" (the default), "median", "qNN" (the NN-th
	// percentile, "q05" or "q95") or "quantile" (at Quantile); for a KPI
	// only.
	Stat string `json:"stat,omitempty"`
	// Quantile is the probability, in [0, 1], for Stat "quantile".
	Quantile float64 `json:"quantile,omitempty"`

	// Across is how the cases' measures combine into the choice's score:
	// "worst" (the default), "best", "mean" or "weighted".
	Across string `json:"across"`
	// Maximize says a KPI objective is maximised (true) or minimised
	// (false). Pass rates are always maximised, whatever it says.
	Maximize bool `json:"maximize"`
	// Weights, for Across "weighted" only, gives each scenario's weight
	// (a probability, say) by name: every scenario with runs needs one,
	// finite and >= 0, they must not all be 0, and every name must be one
	// of Table.Sims. A scenario's weight is shared evenly by its uncertain
	// cases.
	Weights map[string]float64 `json:"weights,omitempty"`
}

// PSUU asks which values of the controllable parameters to choose when
// the other swept parameters and the scenario are uncertain.
type PSUU struct {
	// Controllable names the swept parameters the decision sets (at
	// least one of Table.Params); the others are uncertain.
	Controllable []string
	// Objectives rank the choices: the first decides, later ones break
	// ties. No objectives means one, the pass rate of all criteria in the
	// worst case.
	Objectives []Objective
	// Confidence is the level of the paired differences' t intervals (0
	// means 0.95).
	Confidence float64
}

// Ranking is the outcome of Rank: the choices of controllable values,
// best first.
type Ranking struct {
	Confidence   float64  `json:"confidence"`
	Controllable []string `json:"controllable"`
	// Uncertain labels what varies across cases: "scenario" when the
	// runs span more than one simulation, then the uncertain parameters.
	Uncertain []string `json:"uncertain"`
	// Objectives are the objectives with their defaults filled in.
	Objectives []Objective `json:"objectives"`
	// Choices are ranked best first by the first objective, ties broken
	// by the next objectives, then by the controllable values (ascending,
	// in the order of Controllable).
	Choices []Choice `json:"choices"`
	// Pareto holds the indices into Choices, ascending, of the choices
	// no other choice dominates on the objectives; nil with one objective.
	Pareto []int `json:"pareto,omitempty"`
	// Chosen is the index of the chosen choice: 0, the first ranked.
	Chosen int `json:"chosen"`
	// Paired compares the chosen choice with each of the next (up to 3)
	// choices, per objective: for each of them, one Paired per objective.
	Paired []Paired `json:"paired"`
}

// Choice is one combination of the controllable parameters' values.
type Choice struct {
	Params map[string]any // the controllable parameters' values
	// Cases holds every uncertain case of the table, in (simulation,
	// uncertain values) order, including those the choice has no runs in.
	Cases []Case
	// Scores holds one score per objective: the cases' measures combined
	// with the objective's Across. NaN when some case's measure is NaN.
	Scores []float64
}

// Case is what one choice gives in one uncertain case.
type Case struct {
	Simulation int
	Scenario   string
	Subset     int            // the sweep point of the choice in the case; -1 when the choice has no runs in it
	Uncertain  map[string]any // the uncertain parameters' values
	Runs       int            // runs of the choice in the case
	// Values holds, per objective, the case's measure: a pass rate or a
	// KPI statistic; NaN when there are no runs, or no KPI value that is
	// not NaN.
	Values []float64
}

// objective is an Objective checked against the table, with its indices.
type objective struct {
	Objective
	crit   int     // the criterion's index, -1 for all criteria; unused for a KPI
	kpi    int     // the KPI's index, -1 for a criterion
	q      float64 // the quantile, -1 for the mean
	weight map[int]float64
}

// run is a row with its criteria results.
type run struct {
	row  *Row
	pass []bool
	all  bool
}

// value is the run's own measure: 1 or 0 for a criterion, the KPI value.
func (o *objective) value(r *run) float64 {
	if o.kpi >= 0 {
		return r.row.KPI[o.kpi]
	}
	ok := r.all
	if o.crit >= 0 {
		ok = r.pass[o.crit]
	}
	if ok {
		return 1
	}
	return 0
}

// measure is the measure of a cell's runs.
func (o *objective) measure(runs []*run) float64 {
	if len(runs) == 0 {
		return math.NaN()
	}
	vals := make([]float64, len(runs))
	for i, r := range runs {
		vals[i] = o.value(r)
	}
	if o.kpi < 0 {
		return stat.Mean(vals, nil) // the pass rate
	}
	vals = finite(vals)
	if len(vals) == 0 {
		return math.NaN()
	}
	slices.Sort(vals)
	if o.q < 0 {
		return stat.Mean(vals, nil)
	}
	return stat.Quantile(o.q, stat.LinInterp, vals, nil)
}

// better reports whether score a is better than b: NaN is worse than any
// number.
func (o *objective) better(a, b float64) bool {
	switch {
	case math.IsNaN(a):
		return false
	case math.IsNaN(b):
		return true
	case o.Maximize:
		return a > b
	}
	return a < b
}

// compare orders scores best first: -1 when a is better.
func (o *objective) compare(a, b float64) int {
	switch {
	case o.better(a, b):
		return -1
	case o.better(b, a):
		return 1
	}
	return 0
}

// combine combines the measures of a choice's cases.
func (o *objective) combine(cases []Case, j int, perSim map[int]int) float64 {
	if len(cases) == 0 {
		return math.NaN()
	}
	for _, c := range cases {
		if math.IsNaN(c.Values[j]) {
			return math.NaN()
		}
	}
	switch o.Across {
	case AcrossMean:
		vals := make([]float64, len(cases))
		for i, c := range cases {
			vals[i] = c.Values[j]
		}
		return stat.Mean(vals, nil)
	case AcrossWeighted:
		vals := make([]float64, len(cases))
		ws := make([]float64, len(cases))
		for i, c := range cases {
			vals[i] = c.Values[j]
			ws[i] = o.weight[c.Simulation] / float64(perSim[c.Simulation])
		}
		return stat.Mean(vals, ws)
	}
	worst := o.Across == AcrossWorst
	s := cases[0].Values[j]
	for _, c := range cases[1:] {
		if o.better(c.Values[j], s) != worst {
			s = c.Values[j]
		}
	}
	return s
}

// Rank ranks the choices of controllable values by the objectives; see
// the package documentation for the definitions. c may be nil when no
// objective uses a criterion.
func Rank(t *Table, c *CompiledCriteria, p PSUU) (*Ranking, error) {
	conf, err := confidenceOr(p.Confidence)
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
	if len(keys) == 0 {
		return nil, errors.New("decide: no finished runs to rank")
	}
	ctl, unc, err := splitParams(t.Params, p.Controllable)
	if err != nil {
		return nil, err
	}
	objs, err := checkObjectives(t, c, p.Objectives, keys)
	if err != nil {
		return nil, err
	}

	// Cells: the runs of each choice in each case.
	type cell struct {
		subset int
		runs   []*run
		byRun  map[int]*run
	}
	type choice struct {
		vals  []any
		cells map[string]*cell
	}
	type caseInfo struct {
		sim  int
		vals []any
	}
	choices := map[string]*choice{}
	cases := map[string]*caseInfo{}
	var pass []bool
	for _, k := range keys {
		rows := groups[k]
		pv := rows[0].Params
		cv, uv := pick(pv, ctl), pick(pv, unc)
		chKey, caseKey := tupleKey(cv), strconv.Itoa(k.sim)+"|"+tupleKey(uv)
		ch := choices[chKey]
		if ch == nil {
			ch = &choice{vals: cv, cells: map[string]*cell{}}
			choices[chKey] = ch
		}
		if cases[caseKey] == nil {
			cases[caseKey] = &caseInfo{sim: k.sim, vals: uv}
		}
		if old := ch.cells[caseKey]; old != nil {
			return nil, fmt.Errorf("decide: simulation %d: subsets %d and %d have the same parameter values, so their runs cannot be told apart", k.sim, old.subset, k.subset)
		}
		ce := &cell{subset: k.subset, byRun: map[int]*run{}}
		for _, r := range rows {
			ru := &run{row: r}
			if c.Len() > 0 {
				if pass, err = c.Eval(r.KPI, pass); err != nil {
					return nil, rowError(t, r, err)
				}
				ru.pass = slices.Clone(pass)
				ru.all = !slices.Contains(pass, false)
			}
			ce.runs = append(ce.runs, ru)
			ce.byRun[r.Run] = ru
		}
		ch.cells[caseKey] = ce
	}

	caseKeys := sortedKeys(cases, func(a, b *caseInfo) int {
		return cmp.Or(cmp.Compare(a.sim, b.sim), compareTuples(a.vals, b.vals))
	})
	perSim := map[int]int{}
	for _, ck := range caseKeys {
		perSim[cases[ck].sim]++
	}
	chKeys := sortedKeys(choices, func(a, b *choice) int { return compareTuples(a.vals, b.vals) })

	type ranked struct {
		ch  *choice
		out Choice
	}
	rs := make([]ranked, len(chKeys))
	for i, key := range chKeys {
		ch := choices[key]
		out := Choice{Params: paramMap(ctl.names, ch.vals), Scores: make([]float64, len(objs))}
		for _, ck := range caseKeys {
			ci := cases[ck]
			cs := Case{
				Simulation: ci.sim,
				Scenario:   t.scenario(ci.sim),
				Subset:     -1,
				Uncertain:  paramMap(unc.names, ci.vals),
				Values:     make([]float64, len(objs)),
			}
			ce := ch.cells[ck]
			if ce != nil {
				cs.Subset, cs.Runs = ce.subset, len(ce.runs)
			}
			for j := range objs {
				if ce == nil {
					cs.Values[j] = math.NaN()
				} else {
					cs.Values[j] = objs[j].measure(ce.runs)
				}
			}
			out.Cases = append(out.Cases, cs)
		}
		for j := range objs {
			out.Scores[j] = objs[j].combine(out.Cases, j, perSim)
		}
		rs[i] = ranked{ch, out}
	}
	// chKeys are in the order of the controllable values, so a stable
	// sort breaks full ties by them.
	slices.SortStableFunc(rs, func(a, b ranked) int {
		for j := range objs {
			if c := objs[j].compare(a.out.Scores[j], b.out.Scores[j]); c != 0 {
				return c
			}
		}
		return 0
	})

	r := &Ranking{
		Confidence:   conf,
		Controllable: slices.Clone(ctl.names),
		Uncertain:    slices.Clone(unc.names),
	}
	if len(perSim) > 1 {
		r.Uncertain = append([]string{"scenario"}, r.Uncertain...)
	}
	for _, o := range objs {
		r.Objectives = append(r.Objectives, o.Objective)
	}
	for _, x := range rs {
		r.Choices = append(r.Choices, x.out)
	}
	if len(objs) > 1 {
		r.Pareto = paretoFront(r.Choices, objs)
	}

	// Paired differences of the chosen choice and the next ones.
	for k := 1; k < len(rs) && k <= 3; k++ {
		for j := range objs {
			var diffs []float64
			for _, ck := range caseKeys {
				a, b := rs[0].ch.cells[ck], rs[k].ch.cells[ck]
				if a == nil || b == nil {
					continue
				}
				for _, ra := range a.runs {
					rb := b.byRun[ra.row.Run]
					if rb == nil {
						continue
					}
					d := objs[j].value(ra) - objs[j].value(rb)
					if !math.IsNaN(d) {
						diffs = append(diffs, d)
					}
				}
			}
			pd := pairedDiff(diffs, conf)
			pd.Objective, pd.Best, pd.Other = objs[j].Name, 0, k
			r.Paired = append(r.Paired, pd)
		}
	}
	return r, nil
}

// paramSet is a subset of the swept parameters, with their indices.
type paramSet struct {
	names []string
	idx   []int
}

// splitParams splits the swept parameters into the controllable ones
// (in the order given) and the uncertain ones (in table order).
func splitParams(params, controllable []string) (ctl, unc paramSet, err error) {
	if len(controllable) == 0 {
		return ctl, unc, errors.New("psuu.controllable: name at least one swept parameter")
	}
	for _, name := range controllable {
		i := slices.Index(params, name)
		switch {
		case i < 0 && len(params) == 0:
			return ctl, unc, fmt.Errorf("psuu.controllable: %q is not a swept parameter: the experiment sweeps none", name)
		case i < 0:
			hint := ""
			if s := names.Suggest(name, params); strings.HasPrefix(s, " (did you mean") {
				hint = s
			}
			return ctl, unc, fmt.Errorf("psuu.controllable: %q is not a swept parameter%s; the swept parameters are %s",
				name, hint, strings.Join(params, ", "))
		case slices.Contains(ctl.names, name):
			return ctl, unc, fmt.Errorf("psuu.controllable: %q is named twice", name)
		}
		ctl.names = append(ctl.names, name)
		ctl.idx = append(ctl.idx, i)
	}
	for i, name := range params {
		if !slices.Contains(ctl.names, name) {
			unc.names = append(unc.names, name)
			unc.idx = append(unc.idx, i)
		}
	}
	return ctl, unc, nil
}

func pick(vals []any, s paramSet) []any {
	out := make([]any, len(s.idx))
	for i, j := range s.idx {
		out[i] = vals[j]
	}
	return out
}

func tupleKey(vals []any) string {
	parts := make([]string, len(vals))
	for i, v := range vals {
		parts[i] = valueKey(v)
	}
	return strings.Join(parts, "\x00")
}

func sortedKeys[V any](m map[string]V, order func(a, b V) int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int { return cmp.Or(order(m[a], m[b]), strings.Compare(a, b)) })
	return keys
}

// checkObjectives fills in the objectives' defaults and checks them
// against the table and criteria.
func checkObjectives(t *Table, c *CompiledCriteria, in []Objective, keys []pointKey) ([]objective, error) {
	if len(in) == 0 {
		if c.Len() == 0 {
			return nil, errors.New("psuu.objectives: there are no criteria to pass, so name an objective with a KPI")
		}
		in = []Objective{{}}
	}
	sims := map[int]bool{}
	for _, k := range keys {
		sims[k.sim] = true
	}
	out := make([]objective, len(in))
	for i, o := range in {
		ob, err := checkObjective(t, c, o, sims)
		if err != nil {
			label := ""
			if o.Name != "" {
				label = " (" + o.Name + ")"
			}
			return nil, fmt.Errorf("psuu.objectives[%d]%s: %w", i, label, err)
		}
		for j := range i {
			if out[j].Name == ob.Name {
				return nil, fmt.Errorf("psuu.objectives[%d] and [%d] are both named %q: give them names", j, i, ob.Name)
			}
		}
		out[i] = ob
	}
	return out, nil
}

func checkObjective(t *Table, c *CompiledCriteria, o Objective, sims map[int]bool) (objective, error) {
	ob := objective{Objective: o, crit: -1, kpi: -1, q: -1}
	if o.Criterion != "" && o.KPI != "" {
		return ob, fmt.Errorf("give a criterion or a KPI, not both (criterion %q, kpi %q)", o.Criterion, o.KPI)
	}
	if o.KPI == "" {
		if o.Stat != "" || o.Quantile != 0 {
			return ob, errors.New("stat and quantile are for a KPI; a criterion's measure is its pass rate")
		}
		if ob.Criterion == "" {
			ob.Criterion = AllCriteria
		}
		if c.Len() == 0 {
			return ob, fmt.Errorf("criterion %q: there are no criteria", ob.Criterion)
		}
		i, ok := c.index(ob.Criterion)
		if !ok {
			return ob, fmt.Errorf("unknown criterion %q%s", ob.Criterion, names.Suggest(ob.Criterion, append(c.Names(), AllCriteria)))
		}
		ob.crit = i
		ob.Maximize = true
		if ob.Name == "" {
			ob.Name = ob.Criterion
		}
	} else {
		k := slices.Index(t.KPIs, o.KPI)
		if k < 0 {
			return ob, fmt.Errorf("unknown KPI %q%s", o.KPI, names.Suggest(o.KPI, t.KPIs))
		}
		ob.kpi = k
		q, label, err := parseStat(o.Stat, o.Quantile)
		if err != nil {
			return ob, err
		}
		ob.q = q
		if ob.Stat == "" {
			ob.Stat = "mean"
		}
		if ob.Name == "" {
			ob.Name = label + " " + o.KPI
		}
	}
	switch ob.Across {
	case "":
		ob.Across = AcrossWorst
	case AcrossWorst, AcrossBest, AcrossMean, AcrossWeighted:
	default:
		return ob, fmt.Errorf("across: must be one of worst, best, mean, weighted, got %q", o.Across)
	}
	if ob.Across != AcrossWeighted {
		if len(o.Weights) > 0 {
			return ob, fmt.Errorf("weights are for across = %q, not %q", AcrossWeighted, ob.Across)
		}
		return ob, nil
	}
	// Weighted: one weight per scenario the runs cover.
	var scen []string
	for _, name := range t.Sims {
		if name != "" {
			scen = append(scen, name)
		}
	}
	ob.weight = map[int]float64{}
	total := 0.0
	for _, s := range slices.Sorted(maps.Keys(sims)) { // in order: the first unnamed is reported
		name := t.scenario(s)
		if name == "" {
			return ob, fmt.Errorf("across = %q weighs named scenarios, and simulation %d has no name", AcrossWeighted, s)
		}
		w, ok := o.Weights[name]
		switch {
		case !ok:
			return ob, fmt.Errorf("weights: scenario %q has no weight (the scenarios are %s)", name, strings.Join(scen, ", "))
		case !(w >= 0) || math.IsInf(w, 0):
			return ob, fmt.Errorf("weights: scenario %q: weight %v must be finite and >= 0", name, w)
		}
		ob.weight[s] = w
		total += w
	}
	for _, name := range slices.Sorted(maps.Keys(o.Weights)) {
		if !slices.Contains(scen, name) {
			return ob, fmt.Errorf("weights: %q is not a scenario%s", name, names.Suggest(name, scen))
		}
	}
	if total == 0 {
		return ob, errors.New("weights: all are 0")
	}
	return ob, nil
}

// parseStat returns the quantile a Stat names (-1 for the mean) and its
// label in default names.
func parseStat(s string, q float64) (float64, string, error) {
	if s != "quantile" && q != 0 {
		return 0, "", fmt.Errorf("quantile %v is for stat = \"quantile\", not %q", q, s)
	}
	switch s {
	case "", "mean":
		return -1, "mean", nil
	case "median":
		return 0.5, "median", nil
	case "quantile":
		if !(q >= 0 && q <= 1) {
			return 0, "", fmt.Errorf("quantile %v: must be in [0, 1]", q)
		}
		return q, "q" + strconv.FormatFloat(100*q, 'g', -1, 64), nil
	}
	if pct, ok := strings.CutPrefix(s, "q"); ok && pct != "" && len(pct) <= 3 {
		if n, err := strconv.Atoi(pct); err == nil && n >= 0 && n <= 100 && pct[0] != '+' && pct[0] != '-' {
			return float64(n) / 100, s, nil
		}
	}
	return 0, "", fmt.Errorf("stat: must be mean, median, qNN (a percentile from q00 to q100, as in q05) or quantile, got %q", s)
}
