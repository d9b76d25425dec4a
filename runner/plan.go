package runner

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/statecraft/statecraft/configs"
	"github.com/statecraft/statecraft/decide"
	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/internal/names"
	"github.com/statecraft/statecraft/models"
)

// Plan is an experiment expanded into jobs: every simulation (A/B
// variant) with its model, sweep points and initial state, the columns of
// the dataset, and the numbering of jobs.
type Plan struct {
	Config *configs.Experiment
	Sims   []Sim
	// ParamCols are the parameters whose value varies between jobs; they
	// become dataset columns, in model declaration order.
	ParamCols []gds.ParamInfo
	// Vars are the state variables written, in model declaration order.
	Vars []gds.VarInfo
	// Schedule and OnNaN apply to every job.
	Schedule gds.Schedule
	OnNaN    gds.NaNMode
	// RowsPerRun is the number of rows each job writes.
	RowsPerRun int
	// InitCols are the state variables whose initial value is swept;
	// each is a column named InitColumn(name), after ParamCols.
	InitCols []gds.VarInfo
	// KPIs are the names of the experiment's KPIs, in config order: the
	// KPI table's columns after the ids and the swept values.
	KPIs []string

	kpis       map[*gds.Model]*kpiPlan // each simulation model's KPIs
	criteria   *decide.CompiledCriteria
	seedSubset [][]int // by simulation and subset: the subset number a job's random stream derives from

	simStart []int // index of each simulation's first job
	jobs     int
}

// Sim is one simulation: an A/B variant of the experiment.
type Sim struct {
	Index  int
	Name   string // the scenario's name, or "" without scenarios
	Model  *gds.Model
	Points []*gds.Params // one per subset
	Inits  []*gds.State  // one per subset
}

// InitColumn is the name of the column of a swept initial value.
func InitColumn(v string) string { return "init_" + v }

// JobSpec identifies one job of a plan.
type JobSpec struct {
	Index                   int // position in the plan, 0..Jobs-1
	Simulation, Subset, Run int
}

// Jobs returns the number of jobs.
func (p *Plan) Jobs() int { return p.jobs }

// Rows returns the number of rows the whole experiment writes, or -1 if
// it exceeds what an int64 counts.
func (p *Plan) Rows() int64 {
	if p.RowsPerRun > 0 && int64(p.jobs) > math.MaxInt64/int64(p.RowsPerRun) {
		return -1
	}
	return int64(p.jobs) * int64(p.RowsPerRun)
}

// Job returns the ids of job i: jobs are numbered by simulation, then
// subset, then run.
func (p *Plan) Job(i int) JobSpec {
	s := sort.Search(len(p.simStart), func(k int) bool { return p.simStart[k] > i }) - 1
	r := i - p.simStart[s]
	runs := p.Config.Runs
	return JobSpec{Index: i, Simulation: s, Subset: r / runs, Run: r%runs + 1}
}

// GDSJob returns the engine's job for spec.
func (p *Plan) GDSJob(spec JobSpec) *gds.Job {
	sim := &p.Sims[spec.Simulation]
	seed := spec
	if p.seedSubset != nil {
		seed.Subset = p.seedSubset[spec.Simulation][spec.Subset]
	}
	return &gds.Job{
		Simulation: spec.Simulation, Subset: spec.Subset, Run: spec.Run,
		Timesteps: p.Config.Timesteps,
		Params:    sim.Points[spec.Subset],
		Init:      sim.Inits[spec.Subset],
		Seed:      JobSeed(uint64(p.Config.Seed), seed, p.Config.CommonRandomNumbers),
		Schedule:  p.Schedule,
		OnNaN:     p.OnNaN,
		Limits:    gds.Limits{MaxVecLen: p.Config.Limits.MaxVectorLen, MaxAgents: p.Config.Limits.MaxAgents},
	}
}

// JobSeed derives a job's random stream from the master seed and the job's
// ids. With common random numbers the stream depends on (subset, run)
// only, so every simulation of an A/B experiment faces the same luck.
func JobSeed(master uint64, j JobSpec, crn bool) [2]uint64 {
	h := mix(master ^ 0x5eed5eed5eed5eed)
	if !crn {
		h = mix(h + uint64(j.Simulation) + 1)
	}
	h = mix(h + uint64(j.Subset) + 0x9e3779b97f4a7c15)
	h = mix(h + uint64(j.Run))
	return [2]uint64{h, mix(h ^ 0xda942042e4dd58b5)}
}

// mix is the splitmix64 finalizer.
func mix(z uint64) uint64 {
	z += 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// ModelResolver finds the model a config names: a registered model or a
// model file. *models.Resolver is the one programs use.
type ModelResolver interface {
	Resolve(models.Ref) (*gds.Model, error)
}

// ResolveModels returns the models of an experiment's simulations, in
// order, found by r (nil: models.DefaultResolver). An error is located at
// the config key that names the model, or in the model file.
func ResolveModels(x *configs.Experiment, r ModelResolver) ([]*gds.Model, error) {
	if r == nil {
		r = models.DefaultResolver
	}
	refs := x.Models()
	out := make([]*gds.Model, len(refs))
	for i, ref := range refs {
		m, err := r.Resolve(models.Ref{Name: ref.Name, Dir: x.ModelDir(), Embedded: x.Embedded})
		if err != nil {
			var ce *configs.Error
			if errors.As(err, &ce) {
				return nil, err // already located in the model file
			}
			return nil, x.ErrorAt(ref.Key, "%v", err)
		}
		out[i] = m
	}
	return out, nil
}

// NewPlan resolves the experiment's models with r (nil:
// models.DefaultResolver) and expands the experiment into jobs.
func NewPlan(x *configs.Experiment, r ModelResolver) (*Plan, error) {
	p := &Plan{Config: x, OnNaN: x.OnNaN}
	p.Schedule = gds.Schedule{DropSubsteps: x.Output.DropSubsteps, Every: x.Output.Every, FinalOnly: x.Output.FinalOnly}

	ms, err := ResolveModels(x, r)
	if err != nil {
		return nil, err
	}
	scenarios := x.Scenarios
	if len(scenarios) == 0 {
		scenarios = []configs.Scenario{{}}
	}
	refs := x.Models()
	design, err := sampledDesign(x, ms[0])
	if err != nil {
		return nil, err
	}
	for i, sc := range scenarios {
		m := ms[i]
		sim := Sim{Index: i, Name: sc.Name, Model: m}
		if i > 0 {
			if err := sameVars(p.Sims[0].Model, m); err != nil {
				return nil, x.ErrorAt(refs[i].Key, "scenario %q: %v", sc.Name, err)
			}
		}
		var err error
		if sim.Points, sim.Inits, err = sweep(x, m, merge(x.Params, sc.Params), merge(x.InitialState, sc.InitialState), design, i); err != nil {
			return nil, err
		}
		p.simStart = append(p.simStart, p.jobs)
		if x.Runs > maxID || len(sim.Points) > maxID {
			return nil, x.ErrorAt("runs", "%d sweep points x %d runs: the run and subset columns are int32, so each may count at most %d", len(sim.Points), x.Runs, maxID)
		}
		n, ok := mulAdd(len(sim.Points), x.Runs, p.jobs)
		if !ok {
			return nil, x.ErrorAt("runs", "%d sweep points x %d runs is more jobs than a run can number (%d at most)", len(sim.Points), x.Runs, maxJobs)
		}
		p.jobs = n
		p.Sims = append(p.Sims, sim)
	}

	m0 := p.Sims[0].Model
	if len(x.Output.Variables) == 0 {
		p.Vars = m0.Vars()
	} else {
		want := map[string]bool{}
		for _, v := range x.Output.Variables {
			if _, ok := m0.Var(v); !ok {
				return nil, x.ErrorAt("output.variables", "model %q has no state variable %q%s", m0.Name(), v, names.Suggest(v, varNames(m0)))
			}
			want[v] = true
		}
		for _, v := range m0.Vars() {
			if want[v.Name] {
				p.Vars = append(p.Vars, v)
			}
		}
	}
	for _, v := range p.AgentTables() {
		for _, f := range v.Fields {
			if slices.Contains(AgentIDColumns(), f.Name) {
				return nil, x.ErrorAt("output.agents", "agent variable %q has a field named %q, which its table (output.agents = \"table\") has as an id column (%s); rename the field, or set output.agents = \"list\"",
					v.Name, f.Name, strings.Join(AgentIDColumns(), ", "))
			}
		}
	}
	for _, t := range p.GraphTables() {
		rec, what := t.Var.Fields, "node"
		if t.Edges {
			rec, what = t.Var.EdgeFields, "edge"
		}
		for _, f := range rec {
			if slices.Contains(GraphIDColumns(t.Edges), f.Name) {
				return nil, x.ErrorAt("output.variables", "graph variable %q has a %s field named %q, which its %s table has as an id column (%s); rename the field",
					t.Var.Name, what, f.Name, t.Name(), strings.Join(GraphIDColumns(t.Edges), ", "))
			}
		}
	}
	p.ParamCols = varyingParams(p.Sims)
	p.InitCols = varyingInits(p.Sims)
	for _, v := range p.InitCols {
		if _, clash := m0.Var(InitColumn(v.Name)); clash {
			return nil, x.ErrorAt("initial_state."+v.Name, "the column of the swept initial value of %q would be %q, a state variable's name", v.Name, InitColumn(v.Name))
		}
	}
	if err := p.planDecisions(); err != nil {
		return nil, err
	}
	if err := p.planReport(); err != nil {
		return nil, err
	}
	p.RowsPerRun = rowsPerRun(x.Timesteps, m0.PSUBs(), p.Schedule)
	if p.RowsPerRun < 0 {
		return nil, x.ErrorAt("timesteps", "%d timesteps x %d PSUBs is more rows per run than can be counted", x.Timesteps, m0.PSUBs())
	}
	return p, nil
}

// maxJobs is the most jobs a plan holds. Jobs are numbered as they are
// handed out (ShardJobs), never listed, so a plan of 2^40 jobs takes no
// more memory than one of 10.
const maxJobs = math.MaxInt64

// maxID is the most simulations, subsets and runs: their ids are int32
// columns.
const maxID = math.MaxInt32

// mulAdd returns a*b + c if it is at most maxJobs.
func mulAdd(a, b, c int) (int, bool) {
	if a < 0 || b < 0 || (a > 0 && b > (maxJobs-c)/a) {
		return 0, false
	}
	return a*b + c, true
}

// rowsPerRun counts the rows a job records, or returns -1 if an int
// cannot count them.
func rowsPerRun(T, S int, s gds.Schedule) int {
	if s.FinalOnly {
		return 1
	}
	every := max(s.Every, 1)
	per := S
	if s.DropSubsteps {
		per = 1
	}
	if per > 0 && T/every > (math.MaxInt-1)/per {
		return -1 // too many to count
	}
	return 1 + (T/every)*per
}

func merge(base, over map[string]any) map[string]any {
	out := make(map[string]any, len(base)+len(over))
	for k, v := range base {
		out[k] = v
	}
	for k, v := range over {
		out[k] = v
	}
	return out
}

func sortedKeys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func varNames(m *gds.Model) []string {
	var out []string
	for _, v := range m.Vars() {
		out = append(out, v.Name)
	}
	return out
}

func paramNames(m *gds.Model) []string {
	var out []string
	for _, p := range m.Params() {
		out = append(out, p.Name)
	}
	return out
}

// sameVars checks that two models have the same state variables, so that
// their rows share one schema.
func sameVars(a, b *gds.Model) error {
	av, bv := a.Vars(), b.Vars()
	find := func(vs []gds.VarInfo, name string) (gds.VarInfo, bool) {
		for _, v := range vs {
			if v.Name == name {
				return v, true
			}
		}
		return gds.VarInfo{}, false
	}
	var onlyA, onlyB, differ []string
	for _, v := range av {
		w, ok := find(bv, v.Name)
		switch {
		case !ok:
			onlyA = append(onlyA, strconv.Quote(v.Name))
		case v.Kind != w.Kind:
			differ = append(differ, fmt.Sprintf("%q (%s in %q, %s in %q)", v.Name, v.Kind, a.Name(), w.Kind, b.Name()))
		case !reflect.DeepEqual(v.Fields, w.Fields) || !reflect.DeepEqual(v.EdgeFields, w.EdgeFields):
			differ = append(differ, fmt.Sprintf("%q (other record fields)", v.Name))
		}
	}
	for _, w := range bv {
		if _, ok := find(av, w.Name); !ok {
			onlyB = append(onlyB, strconv.Quote(w.Name))
		}
	}
	var parts []string
	if len(onlyA) > 0 {
		parts = append(parts, fmt.Sprintf("only %q has %s", a.Name(), strings.Join(onlyA, ", ")))
	}
	if len(onlyB) > 0 {
		parts = append(parts, fmt.Sprintf("only %q has %s", b.Name(), strings.Join(onlyB, ", ")))
	}
	if len(differ) > 0 {
		parts = append(parts, "of other types: "+strings.Join(differ, ", "))
	}
	if len(parts) == 0 {
		for i := range av {
			if av[i].Name != bv[i].Name {
				parts = append(parts, fmt.Sprintf("they are declared in another order (variable %d is %q in %q, %q in %q)", i+1, av[i].Name, a.Name(), bv[i].Name, b.Name()))
				break
			}
		}
	}
	if len(parts) == 0 {
		return nil
	}
	return fmt.Errorf("models %q and %q differ in their state variables: %s; A/B models must have the same state variables, in the same order", a.Name(), b.Name(), strings.Join(parts, "; "))
}

// varyingParams returns the parameters whose value is not the same in every
// job: they become dataset columns.
func varyingParams(sims []Sim) []gds.ParamInfo {
	var out []gds.ParamInfo
	for _, pi := range sims[0].Model.Params() {
		if varies(sims, false, paramOf(pi.Name)) {
			out = append(out, pi)
		}
	}
	return out
}

// varyingInits returns the state variables whose initial value is not the
// same in every job: they become dataset columns.
func varyingInits(sims []Sim) []gds.VarInfo {
	var out []gds.VarInfo
	for _, vi := range sims[0].Model.Vars() {
		if vi.Kind != gds.KindAgents && varies(sims, false, initOf(vi.Name)) {
			out = append(out, vi)
		}
	}
	return out
}

// paramOf reads a parameter of a simulation's sweep point k; ok is false
// if the simulation's model lacks it.
func paramOf(name string) func(s *Sim, k int) (any, bool) {
	return func(s *Sim, k int) (any, bool) { return s.Points[k].Get(name) }
}

// initOf reads an initial value of a simulation's sweep point k.
func initOf(name string) func(s *Sim, k int) (any, bool) {
	return func(s *Sim, k int) (any, bool) { return s.Inits[k].Get(name) }
}

// varies reports whether get takes more than one value over the sweep
// points of sims (within: of one simulation).
func varies(sims []Sim, within bool, get func(s *Sim, k int) (any, bool)) bool {
	var first any
	seen := false
	for i := range sims {
		s := &sims[i]
		if within {
			seen = false
		}
		for k := range s.Points {
			v, ok := get(s, k)
			if !ok {
				break
			}
			if !seen {
				first, seen = v, true
			} else if !reflect.DeepEqual(first, v) {
				return true
			}
		}
	}
	return false
}

// ShardJobs returns the jobs of shard i of n, computed as they are asked
// for: job k of the shard is job i + k*n of the plan, so a plan of a
// billion jobs needs no list of them.
func (p *Plan) ShardJobs(i, n int) ShardJobs {
	if n <= 1 {
		n, i = 1, 0
	}
	count := 0
	if i < p.jobs {
		count = (p.jobs-i-1)/n + 1
	}
	return ShardJobs{first: i, step: n, count: count}
}

// ShardJobs are the jobs of one shard.
type ShardJobs struct{ first, step, count int }

// Len returns the number of jobs.
func (s ShardJobs) Len() int { return s.count }

// At returns the plan's index of the shard's job k, 0 <= k < Len().
func (s ShardJobs) At(k int) int { return s.first + k*s.step }

// position returns k such that At(k) is index, and whether the shard
// has that job.
func (s ShardJobs) position(index int) (int, bool) {
	d := index - s.first
	if d < 0 || d%s.step != 0 || d/s.step >= s.count {
		return 0, false
	}
	return d / s.step, true
}

// paramValues returns every parameter of a job, for error reports and
// the manifest: NaN and ±Inf, which JSON numbers cannot hold, as the
// strings "NaN", "+Inf" and "-Inf".
func (p *Plan) paramValues(spec JobSpec) map[string]any {
	sim := p.Sims[spec.Simulation]
	out := map[string]any{}
	for _, pi := range sim.Model.Params() {
		v, _ := sim.Points[spec.Subset].Get(pi.Name)
		out[pi.Name] = jsonValue(v)
	}
	return out
}

// jsonValue returns v with its non-finite floats as text.
func jsonValue(v any) any {
	switch x := v.(type) {
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Sprint(x)
		}
	case []float64:
		for _, f := range x {
			if math.IsNaN(f) || math.IsInf(f, 0) {
				out := make([]any, len(x))
				for i, f := range x {
					out[i] = jsonValue(f)
				}
				return out
			}
		}
	}
	return v
}
