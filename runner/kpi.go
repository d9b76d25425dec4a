package runner

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"gonum.org/v1/gonum/stat"

	"github.com/statecraft/statecraft/configs"
	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/gds/expr"
	"github.com/statecraft/statecraft/internal/names"
)

// KPIs are computed in the worker while a job runs: the engine shows the
// worker the state at the end of every timestep (gds.Observer), each
// distinct source expression is read once per observation, and its
// accumulators (count, last, sum, min, max, Welford's moments, running
// peak, stored values for quantiles) are updated without allocating. At
// the end of the job the statistics are taken, then the KPIs defined by
// expressions over other KPIs are evaluated in dependency order.

// kpiPlan is the experiment's KPIs checked against a model: what each
// reads and computes. It is shared by the workers, which each compile
// their own kpiRun from it.
type kpiPlan struct {
	names   []string // every KPI, in config order: the columns of the KPI table
	sources []kpiSourceSpec
	stats   []kpiStatSpec // KPIs of a source, by index into names
	derived []kpiDerived  // KPIs over other KPIs, in evaluation order
}

type kpiSourceSpec struct {
	text string
	v    gds.VarInfo // the variable, when text is a float, int or bool variable's name
	// the accumulators the source's statistics need
	std, quantile, drawdown bool
}

type kpiStatSpec struct {
	kpi       int // index into names
	src       int // index into sources
	stat      configs.KPIStat
	q, thresh float64
}

type kpiDerived struct {
	kpi  int
	text string
}

// planKPIs checks the experiment's KPIs against the model m.
func planKPIs(x *configs.Experiment, m *gds.Model) (*kpiPlan, error) {
	kp := &kpiPlan{names: x.KPIOrder}
	if len(kp.names) == 0 {
		return nil, nil
	}
	index := map[string]int{}
	for i, n := range kp.names {
		index[n] = i
	}
	srcIndex := map[string]int{}
	var derived []string
	for i, name := range kp.names {
		k := x.KPIs[name]
		if _, clash := m.Param(name); clash {
			return nil, x.ErrorAt("kpis."+name, "%q is a parameter of model %q (a column of the KPI table); name the KPI otherwise", name, m.Name())
		}
		if k.Expr != "" {
			derived = append(derived, name)
			continue
		}
		text := strings.TrimSpace(k.Of)
		s, ok := srcIndex[text]
		if !ok {
			spec := kpiSourceSpec{text: text}
			if v, isVar := m.Var(text); isVar && (v.Kind == gds.KindFloat || v.Kind == gds.KindInt || v.Kind == gds.KindBool) {
				spec.v = v
			} else if _, err := compileKPISource(m, text, &kpiRun{}); err != nil {
				return nil, x.ErrorAt("kpis."+name+".of", "%v", err)
			}
			s = len(kp.sources)
			srcIndex[text] = s
			kp.sources = append(kp.sources, spec)
		}
		src := &kp.sources[s]
		st := kpiStatSpec{kpi: i, src: s, stat: k.Stat}
		switch {
		case k.Stat == configs.StatStd:
			src.std = true
		case k.Stat == configs.StatQuantile:
			src.quantile, st.q = true, *k.Q
		case k.Stat == configs.StatMaxDrawdown:
			src.drawdown = true
		case k.Stat.NeedsThreshold():
			st.thresh = *k.Threshold
		}
		kp.stats = append(kp.stats, st)
	}
	// Derived KPIs: compile against every KPI name to find what each
	// reads, then order them so that each follows what it reads.
	deps := map[string][]string{}
	for _, name := range derived {
		x0, err := compileDerived(x.KPIs[name].Expr, kp.names, make([]float64, len(kp.names)))
		if err != nil {
			return nil, x.ErrorAt("kpis."+name+".expr", "%v", err)
		}
		if x0.Kind == gds.KindString || x0.Kind == gds.KindVec {
			return nil, x.ErrorAt("kpis."+name+".expr", "a KPI is a number; %q is a %s", x.KPIs[name].Expr, x0.Kind)
		}
		deps[name] = x0.Names
	}
	done := map[string]bool{}
	for _, name := range kp.names {
		if x.KPIs[name].Expr == "" {
			done[name] = true
		}
	}
	var visit func(name string, path []string) error
	visit = func(name string, path []string) error {
		if done[name] {
			return nil
		}
		if slices.Contains(path, name) {
			cycle := append(path[slices.Index(path, name):], name)
			return x.ErrorAt("kpis."+name+".expr", "KPIs defined in a cycle: %s", strings.Join(cycle, " -> "))
		}
		for _, d := range deps[name] {
			if err := visit(d, append(path, name)); err != nil {
				return err
			}
		}
		done[name] = true
		kp.derived = append(kp.derived, kpiDerived{kpi: index[name], text: x.KPIs[name].Expr})
		return nil
	}
	for _, name := range derived {
		if err := visit(name, nil); err != nil {
			return nil, err
		}
	}
	return kp, nil
}

// compileDerived compiles a KPI's expression over the KPIs, read from vals.
func compileDerived(src string, kpis []string, vals []float64) (*expr.Expr, error) {
	env := expr.NewEnv(nil)
	env.Detach()
	for k, n := range kpis {
		env.Float(n, func(*gds.Ctx) float64 { return vals[k] })
	}
	return expr.Compile(src, env)
}

// compileKPISource compiles an expression over the state variables of m,
// read from kr's current row.
func compileKPISource(m *gds.Model, src string, kr *kpiRun) (*expr.Expr, error) {
	env := expr.NewEnv(nil)
	env.Detach()
	for _, v := range m.Vars() {
		slot := v.Slot
		switch v.Kind {
		case gds.KindFloat:
			env.Float(v.Name, func(*gds.Ctx) float64 { return kr.row.Floats()[slot] })
		case gds.KindInt:
			env.Int(v.Name, func(*gds.Ctx) int64 { return kr.row.Ints()[slot] })
		case gds.KindBool:
			env.Bool(v.Name, func(*gds.Ctx) bool { return kr.row.Bools()[slot] })
		case gds.KindString:
			env.String(v.Name, func(*gds.Ctx) string { return kr.row.Strings()[slot] })
		case gds.KindVec:
			env.Vec(v.Name, func(*gds.Ctx) []float64 { return kr.row.Vec(slot) })
		}
	}
	x, err := expr.Compile(src, env)
	if err != nil {
		var ee *expr.Error
		if errors.As(err, &ee) && strings.Contains(err.Error(), "scratch space") {
			return nil, fmt.Errorf("%q: a KPI reads numbers; reduce a vector with sum, mean, vmin, vmax, len or gini of a variable (vector arithmetic is not available here)", src)
		}
		if v, ok := m.Var(src); ok && v.Kind == gds.KindAgents {
			return nil, fmt.Errorf("%q is an agent variable; a KPI reads numbers (agent records are not available to KPIs yet)", src)
		}
		if errors.As(err, &ee) && strings.Contains(err.Error(), "unknown name") {
			var vars []string
			for _, v := range m.Vars() {
				vars = append(vars, v.Name)
			}
			if _, isVar := m.Var(src); !isVar && !strings.ContainsAny(src, " +-*/()") {
				return nil, fmt.Errorf("model %q has no state variable %q%s", m.Name(), src, names.Suggest(src, vars))
			}
		}
		return nil, err
	}
	switch x.Kind {
	case gds.KindFloat, gds.KindInt, gds.KindBool:
	default:
		return nil, fmt.Errorf("%q is a %s; a KPI reads a number (or a bool, as 1 or 0)", src, x.Kind)
	}
	return x, nil
}

// kpiRun is one worker's KPI state for one model: the compiled sources
// and their accumulators, reset at every job.
type kpiRun struct {
	plan    *kpiPlan
	row     *gds.Row // the observed row, during Observe
	sources []kpiSource
	vals    []float64 // the KPIs of the last job, in plan.names order
	derived []*expr.Expr

	thresholds []int     // the statistics with thresholds, by index into plan.stats
	count      []int     // time_above and time_below counts, by stat index
	first      []float64 // first_above and first_below timesteps, by stat index
}

type kpiSource struct {
	kpiSourceSpec
	read func() float64 // nil for a variable read by slot

	n                 int
	last, sum, mn, mx float64
	mean, m2          float64 // Welford
	peak, maxDD       float64
	values            []float64 // for quantiles
	sorted            bool
}

// newKPIRun compiles the plan's sources for model m.
func newKPIRun(kp *kpiPlan, m *gds.Model) (*kpiRun, error) {
	kr := &kpiRun{plan: kp, sources: make([]kpiSource, len(kp.sources)), vals: make([]float64, len(kp.names))}
	for i, spec := range kp.sources {
		s := &kr.sources[i]
		s.kpiSourceSpec = spec
		if spec.v.Name != "" {
			continue
		}
		x, err := compileKPISource(m, spec.text, kr)
		if err != nil {
			return nil, err
		}
		switch x.Kind {
		case gds.KindBool:
			b := x.Bool
			s.read = func() float64 {
				if b(nil) {
					return 1
				}
				return 0
			}
		default:
			f := x.Float
			s.read = func() float64 { return f(nil) }
		}
	}
	for i, st := range kp.stats {
		if st.stat.NeedsThreshold() {
			kr.thresholds = append(kr.thresholds, i)
		}
	}
	kr.count = make([]int, len(kp.stats))
	kr.first = make([]float64, len(kp.stats))
	for _, d := range kp.derived {
		x, err := compileDerived(d.text, kp.names, kr.vals)
		if err != nil {
			return nil, err
		}
		kr.derived = append(kr.derived, x)
	}
	return kr, nil
}

// reset prepares for a job of T timesteps.
func (kr *kpiRun) reset(T int) {
	for i := range kr.sources {
		s := &kr.sources[i]
		s.n, s.last, s.sum = 0, 0, 0
		s.mn, s.mx = math.Inf(1), math.Inf(-1)
		s.mean, s.m2, s.peak, s.maxDD = 0, 0, math.Inf(-1), 0
		if s.quantile {
			if cap(s.values) < T+1 {
				s.values = make([]float64, 0, T+1)
			}
			s.values = s.values[:0]
			s.sorted = false
		}
	}
	for _, i := range kr.thresholds {
		kr.count[i], kr.first[i] = 0, math.NaN()
	}
}

// observe updates the accumulators with the state at the end of timestep
// r.Timestep.
func (kr *kpiRun) observe(r *gds.Row) {
	kr.row = r
	for i := range kr.sources {
		s := &kr.sources[i]
		var v float64
		switch {
		case s.read != nil:
			v = s.read()
		case s.v.Kind == gds.KindFloat:
			v = r.Floats()[s.v.Slot]
		case s.v.Kind == gds.KindInt:
			v = float64(r.Ints()[s.v.Slot])
		default:
			if r.Bools()[s.v.Slot] {
				v = 1
			} else {
				v = 0
			}
		}
		s.n++
		s.last = v
		s.sum += v
		s.mn = min(s.mn, v)
		s.mx = max(s.mx, v)
		if s.std {
			d := v - s.mean
			s.mean += d / float64(s.n)
			s.m2 += d * (v - s.mean)
		}
		if s.drawdown {
			s.peak = max(s.peak, v)
			if s.peak > 0 {
				s.maxDD = max(s.maxDD, (s.peak-v)/s.peak)
			}
		}
		if s.quantile {
			s.values = append(s.values, v)
		}
	}
	for _, i := range kr.thresholds {
		st := &kr.plan.stats[i]
		v := kr.sources[st.src].last
		switch st.stat {
		case configs.StatTimeAbove:
			if v > st.thresh {
				kr.count[i]++
			}
		case configs.StatTimeBelow:
			if v < st.thresh {
				kr.count[i]++
			}
		case configs.StatFirstAbove:
			if v >= st.thresh && math.IsNaN(kr.first[i]) {
				kr.first[i] = float64(r.Timestep)
			}
		case configs.StatFirstBelow:
			if v <= st.thresh && math.IsNaN(kr.first[i]) {
				kr.first[i] = float64(r.Timestep)
			}
		}
	}
	kr.row = nil
}

// finish takes the statistics of the job's observations into kr.vals.
func (kr *kpiRun) finish() {
	for i := range kr.plan.stats {
		st := &kr.plan.stats[i]
		s := &kr.sources[st.src]
		var v float64
		switch st.stat {
		case configs.StatFinal:
			v = s.last
		case configs.StatMean:
			v = s.sum / float64(s.n)
		case configs.StatMin:
			v = s.mn
		case configs.StatMax:
			v = s.mx
		case configs.StatSum:
			v = s.sum
		case configs.StatStd:
			v = math.NaN()
			if s.n > 1 {
				v = math.Sqrt(s.m2 / float64(s.n-1))
			}
		case configs.StatQuantile:
			if !s.sorted {
				slices.Sort(s.values)
				s.sorted = true
			}
			v = math.NaN()
			if len(s.values) > 0 && !math.IsNaN(s.values[0]) {
				v = stat.Quantile(st.q, stat.LinInterp, s.values, nil)
			}
		case configs.StatTimeAbove, configs.StatTimeBelow:
			v = float64(kr.count[i])
		case configs.StatFirstAbove, configs.StatFirstBelow:
			v = kr.first[i]
		case configs.StatMaxDrawdown:
			v = s.maxDD
		}
		kr.vals[st.kpi] = v
	}
	for k, d := range kr.plan.derived {
		x := kr.derived[k]
		switch x.Kind {
		case gds.KindBool:
			if x.Bool(nil) {
				kr.vals[d.kpi] = 1
			} else {
				kr.vals[d.kpi] = 0
			}
		default:
			kr.vals[d.kpi] = x.Float(nil)
		}
	}
}
