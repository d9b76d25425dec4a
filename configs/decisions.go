package configs

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"

	"github.com/statecraft/statecraft/internal/names"
	"github.com/statecraft/statecraft/internal/tomlerr"
)

// The decision layer of an experiment config: KPIs, success criteria,
// parameter selection under uncertainty, sampled sweeps, sensitivity and
// optimisation. See docs/decisions.md.

// KPI is a per-run aggregate computed while the run happens: a statistic
// (Stat) of an expression over the state (Of) observed at the end of
// every timestep, the initial state included; or an expression over other
// KPIs (Expr).
type KPI struct {
	// Name is the KPI's key in [kpis].
	Name string `toml:"-"`
	// Of is an expression over state variables (a variable's name, or for
	// example "supply - burned"); its kind is float, int or bool (1 or 0).
	Of string `toml:"of"`
	// Stat is the statistic of Of over the run (default final).
	Stat KPIStat `toml:"stat"`
	// Q is the quantile, in [0, 1], of stat = "quantile".
	Q *float64 `toml:"q"`
	// Threshold is the level of the time_* and first_* statistics.
	Threshold *float64 `toml:"threshold"`
	// Expr is an expression over other KPIs, instead of Of and Stat.
	Expr string `toml:"expr"`
}

// KPIStat is the statistic a KPI takes of its expression over a run.
type KPIStat uint8

// The KPI statistics, over the values x_0..x_T at the end of each
// timestep (x_0 is the initial state).
const (
	StatFinal       KPIStat = iota + 1 // x_T
	StatMean                           // the mean
	StatMin                            // the smallest
	StatMax                            // the largest
	StatSum                            // the sum
	StatStd                            // the sample standard deviation (n-1), NaN for one value
	StatQuantile                       // the quantile q (gonum stat.Quantile, LinInterp)
	StatTimeAbove                      // how many x_t > threshold
	StatTimeBelow                      // how many x_t < threshold
	StatFirstAbove                     // the first t with x_t >= threshold, NaN if none
	StatFirstBelow                     // the first t with x_t <= threshold, NaN if none
	StatMaxDrawdown                    // the largest fall from a running peak, as a fraction of the peak
)

var kpiStatNames = []string{StatFinal: "final", StatMean: "mean", StatMin: "min", StatMax: "max", StatSum: "sum", StatStd: "std",
	StatQuantile: "quantile", StatTimeAbove: "time_above", StatTimeBelow: "time_below", StatFirstAbove: "first_above",
	StatFirstBelow: "first_below", StatMaxDrawdown: "max_drawdown"}

// String returns the statistic as configs write it.
func (s KPIStat) String() string { return choiceName(kpiStatNames, uint8(s)) }

// MarshalText writes the statistic as configs write it.
func (s KPIStat) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText decodes a statistic's name.
func (s *KPIStat) UnmarshalText(b []byte) error { return parseChoice(kpiStatNames, b, (*uint8)(s)) }

// UnmarshalTOML rejects values that are not strings, then decodes the text.
func (s *KPIStat) UnmarshalTOML(v any) error { return unmarshalChoice(v, s) }

// NeedsThreshold reports whether the statistic compares with a threshold.
func (s KPIStat) NeedsThreshold() bool {
	return s == StatTimeAbove || s == StatTimeBelow || s == StatFirstAbove || s == StatFirstBelow
}

// Criterion is a success criterion: a boolean expression over KPIs,
// judged on every run.
type Criterion struct {
	// Name labels the criterion in the tables (an identifier).
	Name string `toml:"name"`
	// Expr is the condition, for example "gini <= 0.7".
	Expr string `toml:"expr"`
}

// PSUU is parameter selection under uncertainty: the controllable
// parameters, whose sweep points are the choices, ranked by objectives
// over the uncertain cases (the scenarios and the other swept parameters
// and initial values).
type PSUU struct {
	// Controllable are swept parameters the user chooses.
	Controllable []string `toml:"controllable"`
	// Objectives rank the choices, the first one first; with none, the
	// worst-case pass rate of all criteria.
	Objectives []Objective `toml:"objectives"`
}

// Objective is one way to score a choice: a measure per uncertain case,
// combined across the cases.
type Objective struct {
	// Name labels the objective (default: what it measures).
	Name string `toml:"name"`
	// Criterion measures the pass rate of a criterion, or of "all" of
	// them (the default when KPI is empty).
	Criterion string `toml:"criterion"`
	// KPI measures a statistic of a KPI across a case's runs.
	KPI string `toml:"kpi"`
	// Stat is that statistic: mean (default), median or quantile.
	Stat ObjectiveStat `toml:"stat"`
	// Q is the quantile of stat = "quantile".
	Q *float64 `toml:"q"`
	// Across combines the cases: worst (default), mean, best, or
	// weighted (a weighted mean over the scenarios, by Weights).
	Across Across `toml:"across"`
	// Weights are the scenarios' weights (probabilities, say) by name,
	// for across = "weighted".
	Weights map[string]float64 `toml:"weights"`
	// Sense is max or min (default max for a pass rate; required for a KPI).
	Sense Sense `toml:"sense"`
}

// ObjectiveStat is the statistic of a KPI across a case's runs.
type ObjectiveStat uint8

// The objective statistics.
const (
	ObjectiveMean ObjectiveStat = iota + 1
	ObjectiveMedian
	ObjectiveQuantile
)

var objectiveStatNames = []string{ObjectiveMean: "mean", ObjectiveMedian: "median", ObjectiveQuantile: "quantile"}

// String returns the statistic as configs write it.
func (s ObjectiveStat) String() string { return choiceName(objectiveStatNames, uint8(s)) }

// MarshalText writes the statistic as configs write it.
func (s ObjectiveStat) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText decodes mean, median or quantile.
func (s *ObjectiveStat) UnmarshalText(b []byte) error {
	return parseChoice(objectiveStatNames, b, (*uint8)(s))
}

// UnmarshalTOML rejects values that are not strings, then decodes the text.
func (s *ObjectiveStat) UnmarshalTOML(v any) error { return unmarshalChoice(v, s) }

// Across is how an objective combines a choice's uncertain cases.
type Across uint8

// The ways to combine cases.
const (
	AcrossWorst    Across = iota + 1 // the worst case (robust choice)
	AcrossMean                       // the mean over cases
	AcrossBest                       // the best case
	AcrossWeighted                   // a weighted mean over the scenarios
)

var acrossNames = []string{AcrossWorst: "worst", AcrossMean: "mean", AcrossBest: "best", AcrossWeighted: "weighted"}

// String returns the combination as configs write it.
func (a Across) String() string { return choiceName(acrossNames, uint8(a)) }

// MarshalText writes the combination as configs write it.
func (a Across) MarshalText() ([]byte, error) { return []byte(a.String()), nil }

// UnmarshalText decodes worst, mean, best or weighted.
func (a *Across) UnmarshalText(b []byte) error { return parseChoice(acrossNames, b, (*uint8)(a)) }

// UnmarshalTOML rejects values that are not strings, then decodes the text.
func (a *Across) UnmarshalTOML(v any) error { return unmarshalChoice(v, a) }

// Sense is whether an objective is maximised or minimised.
type Sense uint8

// The senses.
const (
	Maximize Sense = iota + 1
	Minimize
)

var senseNames = []string{Maximize: "max", Minimize: "min"}

// String returns the sense as configs write it.
func (s Sense) String() string { return choiceName(senseNames, uint8(s)) }

// MarshalText writes the sense as configs write it.
func (s Sense) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText decodes max or min.
func (s *Sense) UnmarshalText(b []byte) error { return parseChoice(senseNames, b, (*uint8)(s)) }

// UnmarshalTOML rejects values that are not strings, then decodes the text.
func (s *Sense) UnmarshalTOML(v any) error { return unmarshalChoice(v, s) }

// Bound is the range of a sampled, analysed or optimised parameter,
// written [min, max] or {min = .., max = .., log = true, int = true}.
type Bound struct {
	Min, Max float64
	// Log samples (or searches) uniformly in log space; needs Min > 0.
	Log bool
	// Int rounds the values to integers.
	Int bool
}

// UnmarshalTOML decodes [min, max] or a table with min, max, log and int.
func (b *Bound) UnmarshalTOML(v any) error {
	num := func(x any, what string) (float64, error) {
		switch n := x.(type) {
		case int64:
			return float64(n), nil
		case float64:
			return n, nil
		}
		return 0, fmt.Errorf("%s: want a number, got %s", what, tomlerr.Kind(x))
	}
	var err error
	switch t := v.(type) {
	case []any:
		if len(t) != 2 {
			return fmt.Errorf("want [min, max], got a list of %d", len(t))
		}
		if b.Min, err = num(t[0], "min"); err != nil {
			return err
		}
		if b.Max, err = num(t[1], "max"); err != nil {
			return err
		}
	case map[string]any:
		for k := range t {
			if !slices.Contains([]string{"min", "max", "log", "int"}, k) {
				return fmt.Errorf("unknown key %q; a bound has min, max, log and int", k)
			}
		}
		for _, k := range []string{"min", "max"} {
			x, ok := t[k]
			if !ok {
				return fmt.Errorf("missing %s", k)
			}
			f, err := num(x, k)
			if err != nil {
				return err
			}
			if k == "min" {
				b.Min = f
			} else {
				b.Max = f
			}
		}
		for _, k := range []string{"log", "int"} {
			x, ok := t[k]
			if !ok {
				continue
			}
			f, isBool := x.(bool)
			if !isBool {
				return fmt.Errorf("%s: want true or false, got %s", k, tomlerr.Kind(x))
			}
			if k == "log" {
				b.Log = f
			} else {
				b.Int = f
			}
		}
	default:
		return fmt.Errorf("want [min, max] or {min = .., max = ..}, got %s", tomlerr.Kind(v))
	}
	return b.check()
}

func (b *Bound) check() error {
	switch {
	case math.IsNaN(b.Min) || math.IsNaN(b.Max) || math.IsInf(b.Min, 0) || math.IsInf(b.Max, 0):
		return fmt.Errorf("bounds must be finite, got [%v, %v]", b.Min, b.Max)
	case b.Min > b.Max:
		return fmt.Errorf("min %v > max %v", b.Min, b.Max)
	case b.Log && b.Min <= 0:
		return fmt.Errorf("log scale needs min > 0, got %v", b.Min)
	case b.Int && math.Ceil(b.Min) > math.Floor(b.Max):
		return fmt.Errorf("int range [%v, %v] holds no integer", b.Min, b.Max)
	}
	return nil
}

// Sensitivity configures a global sensitivity analysis: the parameters'
// ranges are sampled with the method's design (replacing the sweep), and
// the indices of every KPI are computed from the runs' mean KPIs.
type Sensitivity struct {
	// Method is morris or sobol.
	Method SensitivityMethod `toml:"method"`
	// Samples is the number of Morris trajectories or Sobol base points
	// (default 16 and 256).
	Samples int `toml:"samples"`
	// Levels is the Morris grid's number of levels (even; default 4).
	Levels int `toml:"levels"`
	// Bootstrap is the number of bootstrap resamples of the confidence
	// intervals (default 1000).
	Bootstrap int `toml:"bootstrap"`
	// KPIs are the KPIs analysed (default all).
	KPIs []string `toml:"kpis"`
	// Bounds are the analysed parameters' ranges.
	Bounds map[string]Bound `toml:"bounds"`
}

// SensitivityMethod is the sensitivity analysis method.
type SensitivityMethod uint8

// The sensitivity methods.
const (
	Morris SensitivityMethod = iota + 1 // elementary effects (mu*, sigma)
	Sobol                               // variance-based indices (Saltelli's design)
)

var sensitivityNames = []string{Morris: "morris", Sobol: "sobol"}

// String returns the method as configs write it.
func (m SensitivityMethod) String() string { return choiceName(sensitivityNames, uint8(m)) }

// MarshalText writes the method as configs write it.
func (m SensitivityMethod) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

// UnmarshalText decodes morris or sobol.
func (m *SensitivityMethod) UnmarshalText(b []byte) error {
	return parseChoice(sensitivityNames, b, (*uint8)(m))
}

// UnmarshalTOML rejects values that are not strings, then decodes the text.
func (m *SensitivityMethod) UnmarshalTOML(v any) error { return unmarshalChoice(v, m) }

// Optimize configures an optimisation: the parameter values within
// Bounds that maximise or minimise a KPI's mean over the Monte Carlo runs
// (and scenarios), each evaluation a batch of jobs on the worker pool.
type Optimize struct {
	// KPI is the objective.
	KPI string `toml:"kpi"`
	// Sense is max or min (required).
	Sense Sense `toml:"sense"`
	// Method is nelder_mead (default) or cmaes.
	Method OptimizeMethod `toml:"method"`
	// MaxEvals is the budget of evaluations (default 100).
	MaxEvals int `toml:"max_evals"`
	// Bounds are the optimised parameters' ranges.
	Bounds map[string]Bound `toml:"bounds"`
}

// OptimizeMethod is the search method of an optimisation.
type OptimizeMethod uint8

// The search methods.
const (
	NelderMead OptimizeMethod = iota + 1 // the simplex method: few parameters, smooth objectives
	CMAES                                // covariance matrix adaptation: a population method for noisy objectives
)

var optimizeMethodNames = []string{NelderMead: "nelder_mead", CMAES: "cmaes"}

// String returns the method as configs write it.
func (m OptimizeMethod) String() string { return choiceName(optimizeMethodNames, uint8(m)) }

// MarshalText writes the method as configs write it.
func (m OptimizeMethod) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

// UnmarshalText decodes nelder_mead or cmaes.
func (m *OptimizeMethod) UnmarshalText(b []byte) error {
	return parseChoice(optimizeMethodNames, b, (*uint8)(m))
}

// UnmarshalTOML rejects values that are not strings, then decodes the text.
func (m *OptimizeMethod) UnmarshalTOML(v any) error { return unmarshalChoice(v, m) }

// kpiNameRe is what a KPI or criterion name must look like: an
// identifier, so that expressions and SQL can name it.
var kpiNameRe = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// idColumns are the names no KPI may take: the tables' id columns.
var idColumns = []string{"simulation", "subset", "run", "timestep", "substep"}

// validateDecisions checks the decision layer's keys against each other:
// what the decoder cannot see. Names that need the model (state
// variables, parameters) are checked when the experiment is planned.
func (x *Experiment) validateDecisions() error {
	e := x.ErrorAt
	for _, name := range x.KPIOrder {
		k := x.KPIs[name]
		key := "kpis." + name
		switch {
		case !kpiNameRe.MatchString(name):
			return e(key, "a KPI's name must be an identifier (letters, digits, _), got %q", name)
		case slices.Contains(idColumns, name):
			return e(key, "%q is an id column's name; choose another", name)
		case k.Of == "" && k.Expr == "":
			return e(key, "give of (an expression over the state, with stat) or expr (an expression over other KPIs)")
		case k.Of != "" && k.Expr != "":
			return e(key, "give of or expr, not both")
		case k.Expr != "" && (k.Stat != 0 || k.Q != nil || k.Threshold != nil):
			return e(key, "stat, q and threshold go with of, not with expr")
		}
		if k.Expr != "" {
			continue
		}
		switch {
		case k.Stat == StatQuantile && k.Q == nil:
			return e(key+".q", "stat = \"quantile\" needs q, in [0, 1]")
		case k.Stat == StatQuantile && !(*k.Q >= 0 && *k.Q <= 1):
			return e(key+".q", "q must be in [0, 1], got %v", *k.Q)
		case k.Stat != StatQuantile && k.Q != nil:
			return e(key+".q", "q goes with stat = \"quantile\" (stat is %q)", k.Stat)
		case k.Stat.NeedsThreshold() && k.Threshold == nil:
			return e(key+".threshold", "stat = %q needs a threshold", k.Stat)
		case k.Stat.NeedsThreshold() && math.IsNaN(*k.Threshold):
			return e(key+".threshold", "threshold must be a number, got NaN")
		case !k.Stat.NeedsThreshold() && k.Threshold != nil:
			return e(key+".threshold", "threshold goes with the time_* and first_* statistics (stat is %q)", k.Stat)
		}
	}
	seen := map[string]bool{}
	for i, c := range x.Criteria {
		key := fmt.Sprintf("criteria.%d", i)
		switch {
		case c.Name == "":
			return e(key+".name", "criterion %d has no name", i)
		case !kpiNameRe.MatchString(c.Name):
			return e(key+".name", "a criterion's name must be an identifier, got %q", c.Name)
		case seen[c.Name]:
			return e(key+".name", "two criteria named %q", c.Name)
		case c.Name == "all":
			return e(key+".name", "\"all\" names all criteria together; choose another name")
		case strings.TrimSpace(c.Expr) == "":
			return e(key+".expr", "criterion %q has no expr (a condition over KPIs, such as gini <= 0.7)", c.Name)
		}
		seen[c.Name] = true
	}
	for _, name := range x.Report.Criteria { // criteria too, once loaded (reportCriteria)
		seen[name] = true
	}
	if len(x.Report.Criteria) > 0 && len(x.Criteria) > 0 {
		return e("report.criteria", "give criteria in [[criteria]] (conditions over KPIs) or report.criteria (boolean variables), not both")
	}
	if p := x.PSUU; p != nil {
		if len(p.Controllable) == 0 {
			return e("psuu.controllable", "name at least one swept parameter the decision controls")
		}
		for i := range p.Objectives {
			o := &p.Objectives[i]
			key := fmt.Sprintf("psuu.objectives.%d", i)
			switch {
			case o.KPI != "" && o.Criterion != "":
				return e(key, "measure a criterion's pass rate or a KPI, not both")
			case o.KPI == "" && (o.Stat != 0 || o.Q != nil):
				return e(key, "stat and q go with kpi")
			case o.KPI != "" && o.Sense == 0:
				return e(key+".sense", "say whether %q is better high (sense = \"max\") or low (\"min\")", o.KPI)
			case o.Stat == ObjectiveQuantile && o.Q == nil:
				return e(key+".q", "stat = \"quantile\" needs q, in [0, 1]")
			case o.Q != nil && !(*o.Q >= 0 && *o.Q <= 1):
				return e(key+".q", "q must be in [0, 1], got %v", *o.Q)
			case o.Q != nil && o.Stat != ObjectiveQuantile:
				return e(key+".q", "q goes with stat = \"quantile\"")
			case o.KPI != "" && !slices.Contains(x.KPIOrder, o.KPI):
				return e(key+".kpi", "no KPI %q in [kpis]", o.KPI)
			case o.Criterion != "" && o.Criterion != "all" && !seen[o.Criterion]:
				return e(key+".criterion", "no criterion %q in [[criteria]] (or \"all\")", o.Criterion)
			case o.KPI == "" && len(x.Criteria) == 0 && len(x.Report.Criteria) == 0:
				return e(key, "a pass-rate objective needs [[criteria]]")
			case o.Across == AcrossWeighted && len(o.Weights) == 0:
				return e(key+".weights", "across = \"weighted\" needs weights, by scenario name")
			case o.Across != AcrossWeighted && len(o.Weights) > 0:
				return e(key+".weights", "weights go with across = \"weighted\"")
			}
			for name, w := range o.Weights {
				if !slices.ContainsFunc(x.Scenarios, func(sc Scenario) bool { return sc.Name == name }) {
					return e(key+".weights", "no scenario %q%s", name, names.Suggest(name, scenarioNames(x)))
				}
				if !(w >= 0) || math.IsInf(w, 0) {
					return e(key+".weights", "the weight of %q must be finite and >= 0, got %v", name, w)
				}
			}
		}
		if len(p.Objectives) == 0 && len(x.Criteria) == 0 && len(x.Report.Criteria) == 0 {
			return e("psuu", "rank by objectives ([[psuu.objectives]]) or by the pass rate of [[criteria]]; there are neither")
		}
	}
	designs := 0
	if x.Sweep.Mode == SweepLHS || x.Sweep.Mode == SweepSobol {
		designs++
		if x.Sweep.Samples <= 0 {
			return e("sweep.samples", "mode %q needs samples > 0, got %d", x.Sweep.Mode, x.Sweep.Samples)
		}
		if len(x.Sweep.Bounds) == 0 {
			return e("sweep.bounds", "mode %q samples the parameters of sweep.bounds; give at least one", x.Sweep.Mode)
		}
	} else {
		if x.Sweep.Samples != 0 {
			return e("sweep.samples", "samples goes with mode \"lhs\" or \"sobol\" (mode is %q)", x.Sweep.Mode)
		}
		if len(x.Sweep.Bounds) > 0 {
			return e("sweep.bounds", "bounds go with mode \"lhs\" or \"sobol\" (mode is %q)", x.Sweep.Mode)
		}
	}
	if s := x.Sensitivity; s != nil {
		designs++
		if len(s.Bounds) == 0 {
			return e("sensitivity.bounds", "give the range of at least one parameter")
		}
		if s.Method == 0 {
			return e("sensitivity.method", "choose morris (elementary effects) or sobol (variance-based indices)")
		}
		if s.Samples < 0 || s.Levels < 0 || s.Bootstrap < 0 {
			return e("sensitivity", "samples, levels and bootstrap must be > 0")
		}
		if s.Method == Morris && s.Samples == 1 {
			return e("sensitivity.samples", "morris needs at least 2 trajectories")
		}
		if s.Levels%2 != 0 {
			return e("sensitivity.levels", "levels must be even, got %d", s.Levels)
		}
		if s.Levels != 0 && s.Method != Morris {
			return e("sensitivity.levels", "levels go with method = \"morris\"")
		}
		for _, k := range s.KPIs {
			if !slices.Contains(x.KPIOrder, k) {
				return e("sensitivity.kpis", "no KPI %q in [kpis]", k)
			}
		}
		if len(x.KPIOrder) == 0 {
			return e("sensitivity", "sensitivity analyses KPIs; declare some in [kpis]")
		}
	}
	if o := x.Optimize; o != nil {
		designs++
		switch {
		case o.KPI == "":
			return e("optimize.kpi", "name the KPI to optimise")
		case !slices.Contains(x.KPIOrder, o.KPI):
			return e("optimize.kpi", "no KPI %q in [kpis]", o.KPI)
		case o.Sense == 0:
			return e("optimize.sense", "say whether to maximise (sense = \"max\") or minimise (\"min\") %q", o.KPI)
		case len(o.Bounds) == 0:
			return e("optimize.bounds", "give the range of at least one parameter")
		case o.MaxEvals < 0:
			return e("optimize.max_evals", "must be > 0, got %d", o.MaxEvals)
		}
	}
	if designs > 1 {
		return e("sweep", "a sampled sweep, [sensitivity] and [optimize] each choose the parameter points; use one of them")
	}
	if (x.Sensitivity != nil || x.Optimize != nil) && (x.Sweep.Mode == SweepPoints) {
		return e("sweep.points", "[sensitivity] and [optimize] choose the parameter points; drop sweep.points")
	}
	return nil
}

// reportCriteria turns report.criteria, boolean state variables judged on
// each run's final state, into what they mean in the decision layer: a
// KPI of each variable's final value (unless a KPI has its name) and a
// criterion that it is true.
func (x *Experiment) reportCriteria() {
	for _, name := range x.Report.Criteria {
		if _, ok := x.KPIs[name]; !ok {
			if x.KPIs == nil {
				x.KPIs = map[string]KPI{}
			}
			x.KPIs[name] = KPI{Name: name, Of: name, Stat: StatFinal}
			x.KPIOrder = append(x.KPIOrder, name)
		}
		x.Criteria = append(x.Criteria, Criterion{Name: name, Expr: name + " == 1"})
	}
}

func scenarioNames(x *Experiment) []string {
	var out []string
	for _, sc := range x.Scenarios {
		out = append(out, sc.Name)
	}
	return out
}
