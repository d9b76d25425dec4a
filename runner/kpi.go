package runner

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/statecraft/statecraft/configs"
	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/gds/expr"
	"github.com/statecraft/statecraft/internal/cachepad"
	"github.com/statecraft/statecraft/internal/floatfold"
	"github.com/statecraft/statecraft/internal/names"
	"github.com/statecraft/statecraft/internal/offheap"
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
	sum, min, max, std, quantile, drawdown bool
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
		case k.Stat == configs.StatMean || k.Stat == configs.StatSum:
			src.sum = true
		case k.Stat == configs.StatMin:
			src.min = true
		case k.Stat == configs.StatMax:
			src.max = true
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
			return nil, fmt.Errorf("%q: a KPI reads numbers; reduce a vector with sum, mean, vmin, vmax, len or gini of a variable (vector arithmetic is not available here)", expr.Excerpt(src, 1))
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
		return nil, fmt.Errorf("%q is a %s; a KPI reads a number (or a bool, as 1 or 0)", expr.Excerpt(src, 1), x.Kind)
	}
	return x, nil
}

// kpiRun is one worker's KPI state for one model: the compiled sources
// and their accumulators, reset at every job.
type kpiRun struct {
	_       cachepad.Pad // written at every timestep: see package cachepad
	plan    *kpiPlan
	row     *gds.Row // the observed row, during Observe
	sources []kpiSource
	vals    []float64 // the KPIs of the last job, in plan.names order
	derived []*expr.Expr

	floatSrc []int // the sources that are float variables, read by slot
	slots    []int // their slots and chunks, for gds.SlotObserver
	bufs     [][]float64
	otherSrc []int // the others
	// fromRows: the sources are read from the batch's columns of the
	// recorded rows (every timestep is recorded), not copied by the
	// engine; see consume
	fromRows   bool
	rowCols    []*floatCol // by floatSrc: the batch's column of the source
	stride     int         // rows per timestep in the batch (after the first)
	pos        int         // the batch's next row of the job not yet consumed
	jobRow     int         // that row's index among the job's rows
	k          int         // observations buffered in the sources' chunks
	t0         int         // the timestep of the first of them
	thresholds []int       // the statistics with thresholds, by index into plan.stats
	count      []int       // time_above and time_below counts, by stat index
	first      []float64   // first_above and first_below timesteps, by stat index
	scratch    quantileScratch
	// arena holds the chunks, the quantiles' series and band: a job's
	// series is a value per timestep, which on the heap would raise the
	// collector's goal and bring a collection more per run
	arena offheap.Arena
	_     cachepad.Pad
}

type kpiSource struct {
	kpiSourceSpec
	read func() float64 // nil for a variable read by slot

	n                 int
	last, sum, mn, mx float64
	shift, s1, s2     float64 // sums of x - shift and its square, shift the first value (std)
	peak, trough      float64 // the running peak and the lowest value since (drawdown)
	maxDD             float64
	values            []float64 // for quantiles
	chunk             []float64 // the observations not yet folded (kpiRun.k of them)
	view              []float64 // what fold folds: chunk[:k], or k values of a batch column
}

// newKPIRun compiles the plan's sources for model m.
func newKPIRun(kp *kpiPlan, m *gds.Model) (*kpiRun, error) {
	kr := &kpiRun{plan: kp, sources: make([]kpiSource, len(kp.sources)), vals: make([]float64, len(kp.names))}
	kr.scratch.arena = &kr.arena
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
	for i := range kr.sources {
		if s := &kr.sources[i]; s.read == nil && s.v.Kind == gds.KindFloat {
			kr.floatSrc = append(kr.floatSrc, i)
		} else {
			kr.otherSrc = append(kr.otherSrc, i)
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

// kpiChunk is the number of observations a source buffers before it
// folds them into its accumulators: observing is then a read and a store
// per source, and the statistics are taken in tight loops over the chunk.
const kpiChunk = 512

// reset prepares for a job of T timesteps.
func (kr *kpiRun) reset(T int) {
	kr.k, kr.t0 = 0, 0
	for i := range kr.sources {
		s := &kr.sources[i]
		if s.chunk == nil {
			s.chunk = offheap.Make[float64](&kr.arena, kpiChunk)
		}
		s.n, s.last, s.sum = 0, 0, 0
		s.mn, s.mx = math.Inf(1), math.Inf(-1)
		s.shift, s.s1, s.s2 = 0, 0, 0
		s.peak, s.trough, s.maxDD = math.Inf(-1), math.Inf(-1), 0
		if s.quantile {
			if cap(s.values) < T+1 {
				s.values = offheap.Make[float64](&kr.arena, T+1)[:0]
			}
			s.values = s.values[:0]
		}
	}
	for _, i := range kr.thresholds {
		kr.count[i], kr.first[i] = 0, math.NaN()
	}
}

// observe takes each source's value in the state at the end of timestep
// r.Timestep.
func (kr *kpiRun) observe(r *gds.Row) {
	k := kr.k
	fl := r.Floats()
	for _, i := range kr.floatSrc { // the common case: a float variable's slot
		s := &kr.sources[i]
		s.chunk[k] = fl[s.v.Slot]
	}
	if len(kr.otherSrc) > 0 {
		kr.row = r
		for _, i := range kr.otherSrc {
			s := &kr.sources[i]
			var v float64
			switch {
			case s.read != nil:
				v = s.read()
			case s.v.Kind == gds.KindInt:
				v = float64(r.Ints()[s.v.Slot])
			case r.Bools()[s.v.Slot]:
				v = 1
			default:
				v = 0
			}
			s.chunk[k] = v
		}
		kr.row = nil
	}
	kr.k++
	if kr.k == kpiChunk {
		kr.fold()
	}
}

// observedFloats returns the slots and chunks the engine copies the
// sources into (gds.SlotObserver) when every source is a float
// variable, else nil; none when the sources are read from the recorded
// rows.
func (kr *kpiRun) observedFloats() ([]int, [][]float64) {
	if kr.fromRows {
		return []int{}, nil
	}
	if len(kr.otherSrc) > 0 {
		return nil, nil
	}
	if kr.slots == nil {
		for _, i := range kr.floatSrc {
			kr.slots = append(kr.slots, kr.sources[i].v.Slot)
			kr.bufs = append(kr.bufs, kr.sources[i].chunk)
		}
	}
	return kr.slots, kr.bufs
}

// observeFull folds the n observations the engine copied.
func (kr *kpiRun) observeFull(n int) {
	kr.k = n
	kr.fold()
}

// readRows makes the run read its sources from the recorded rows of b,
// if it can: every source is a float variable in b's columns and every
// timestep is recorded (sch), with rowsPerStep rows each. The engine then
// copies nothing (observedFloats returns no slots), and the worker calls
// consume before the batch's rows go and at the end of the job. start is
// the batch's row where the job's rows will begin.
func (kr *kpiRun) readRows(b *batch, sch gds.Schedule, rowsPerStep, start int) {
	kr.fromRows = false
	if len(kr.otherSrc) > 0 || sch.FinalOnly || sch.Every > 1 {
		return
	}
	kr.rowCols = kr.rowCols[:0]
	for _, i := range kr.floatSrc {
		var col *floatCol
		for _, c := range b.f {
			if c.slot == kr.sources[i].v.Slot {
				col = c
			}
		}
		if col == nil { // not recorded
			return
		}
		kr.rowCols = append(kr.rowCols, col)
	}
	kr.fromRows = true
	kr.stride = 1
	if !sch.DropSubsteps {
		kr.stride = rowsPerStep
	}
	kr.pos, kr.jobRow = start, 0
}

// consume folds the job's rows of the batch from kr.pos to n: the first
// row and every stride-th after it are the states at the end of the
// timesteps. Whole chunks are folded where they lie in the batch, the
// rest is copied to the chunks, so the chunks are those the engine's
// copies make (the statistics' additions are the same, in the same order,
// whatever the batch held).
func (kr *kpiRun) consume(n int) {
	if !kr.fromRows {
		return
	}
	for kr.pos < n {
		if kr.stride == 1 && kr.k == 0 && n-kr.pos >= kpiChunk {
			for j, i := range kr.floatSrc {
				kr.sources[i].view = kr.rowCols[j].vals[kr.pos : kr.pos+kpiChunk]
			}
			kr.k = kpiChunk
			kr.foldViews()
			kr.pos += kpiChunk
			kr.jobRow += kpiChunk
			continue
		}
		if kr.jobRow%kr.stride == 0 {
			for j, i := range kr.floatSrc {
				kr.sources[i].chunk[kr.k] = kr.rowCols[j].vals[kr.pos]
			}
			kr.k++
			if kr.k == kpiChunk {
				kr.fold()
			}
		}
		kr.pos++
		kr.jobRow++
	}
}

// fold updates the accumulators with the buffered observations, of
// timesteps t0, t0+1, ...
func (kr *kpiRun) fold() {
	for i := range kr.sources {
		s := &kr.sources[i]
		s.view = s.chunk[:kr.k]
	}
	kr.foldViews()
}

// foldViews updates the accumulators with the kr.k observations in the
// sources' views, of timesteps t0, t0+1, ...
func (kr *kpiRun) foldViews() {
	k := kr.k
	if k == 0 {
		return
	}
	for i := range kr.sources {
		s := &kr.sources[i]
		c := s.view
		if s.n == 0 {
			s.shift = c[0]
		}
		s.n += k
		s.last = c[k-1]
		// One pass over the chunk for every statistic the source needs
		// (package floatfold: four lanes, SSE2 on amd64).
		needSum := s.kpiSourceSpec.sum || s.quantile || s.std || s.kpiSourceSpec.min || s.kpiSourceSpec.max || s.drawdown
		needExt := s.kpiSourceSpec.min || s.kpiSourceSpec.max
		sh := s.shift
		peak, trough, dd := s.peak, s.trough, s.maxDD
		sum := math.NaN()
		if needSum {
			m := floatfold.Fold(c, sh)
			sum = m.Sum
			s.sum += sum
			if needExt {
				mn, mx := m.Min, m.Max
				if math.IsNaN(sum) && hasNaN(c) { // a NaN propagates, as with the builtin min and max
					mn, mx = math.NaN(), math.NaN()
				}
				s.mn, s.mx = min(s.mn, mn), max(s.mx, mx)
			}
			if s.std {
				// the sum of squares of the values shifted by the first one:
				// no cancellation while they stay within a few standard
				// deviations of it
				s.s1 += sum - float64(len(c))*sh
				s.s2 += m.Sq
			}
		}
		if s.drawdown {
			// the fall from a peak is largest at the lowest value before
			// the next peak: one division per new peak. A NaN anywhere
			// makes the drawdown NaN (max keeps it), as with min and max.
			if math.IsNaN(sum) && hasNaN(c) {
				dd = math.NaN()
			} else {
				peak, trough, dd = floatfold.Drawdown(c, peak, trough, dd)
			}
			s.peak, s.trough, s.maxDD = peak, trough, dd
		}
		if s.quantile {
			s.values = append(s.values, c...)
		}
	}
	for _, i := range kr.thresholds {
		st := &kr.plan.stats[i]
		c := kr.sources[st.src].view
		th := st.thresh
		switch st.stat {
		case configs.StatTimeAbove:
			kr.count[i] += floatfold.CountAbove(c, th)
		case configs.StatTimeBelow:
			kr.count[i] += floatfold.CountBelow(c, th)
		case configs.StatFirstAbove:
			if math.IsNaN(kr.first[i]) {
				for j, v := range c {
					if v >= th {
						kr.first[i] = float64(kr.t0 + j)
						break
					}
				}
			}
		case configs.StatFirstBelow:
			if math.IsNaN(kr.first[i]) {
				for j, v := range c {
					if v <= th {
						kr.first[i] = float64(kr.t0 + j)
						break
					}
				}
			}
		}
	}
	kr.t0 += k
	kr.k = 0
}

// finish takes the statistics of the job's observations into kr.vals.
func (kr *kpiRun) finish() {
	kr.fold()
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
				n := float64(s.n)
				v = math.Sqrt(max(0, (s.s2-s.s1*s.s1/n)/(n-1)))
			}
		case configs.StatQuantile:
			v = math.NaN()
			if len(s.values) > 0 && !s.hasNaN() {
				v = linInterpQuantile(st.q, s.values, &kr.scratch)
			}
		case configs.StatTimeAbove, configs.StatTimeBelow:
			v = float64(kr.count[i])
		case configs.StatFirstAbove, configs.StatFirstBelow:
			v = kr.first[i]
		case configs.StatMaxDrawdown:
			s.closeDrawdown()
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

// hasNaN reports whether a chunk holds a NaN.
func hasNaN(c []float64) bool {
	for _, v := range c {
		if v != v {
			return true
		}
	}
	return false
}

// hasNaN reports whether a NaN was observed: the sum of the values is NaN
// when one is (or when both infinities are, which is then checked).
func (s *kpiSource) hasNaN() bool {
	if !math.IsNaN(s.sum) {
		return false
	}
	for _, v := range s.values {
		if v != v {
			return true
		}
	}
	return false
}

// closeDrawdown counts the fall from the current peak to the lowest value
// since.
func (s *kpiSource) closeDrawdown() {
	if s.peak > 0 {
		s.maxDD = max(s.maxDD, (s.peak-s.trough)/s.peak)
	}
}

// linInterpQuantile is gonum's stat.Quantile(p, stat.LinInterp, x, nil)
// of the values x, without sorting them: it needs the order statistics i-1
// and i only (a job's series has a value per timestep; sorting it cost
// more than the run). x is reordered.
func linInterpQuantile(p float64, x []float64, scratch *quantileScratch) float64 {
	fidx := p * float64(len(x))
	i := max(0, int(math.Ceil(fidx))-1)
	if i == 0 {
		return orderStats(x, 0, 0, scratch)[1]
	}
	st := orderStats(x, i-1, i, scratch)
	t := float64(i+1) - fidx
	return t*st[0] + (1-t)*st[1]
}

// orderStatsFallbacks counts the selections of a whole series, for tests.
var orderStatsFallbacks atomic.Int64

// quantileScratch is the memory orderStats reuses from job to job; the
// band grows in arena when it is set (else on the heap).
type quantileScratch struct {
	sample, band []float64
	arena        *offheap.Arena
}

// orderStats returns the order statistics a and b = a or a+1 of x (the
// values a sort would put at those positions), in linear time: a sample
// of x brackets them in a narrow band of values, one pass counts the
// values below the band and gathers those in it, and the band alone is
// sorted. If the sample misjudged, x is selected whole (selectNth). The
// result is exact either way. x is reordered; it holds no NaN.
func orderStats(x []float64, a, b int, scratch *quantileScratch) [2]float64 {
	n := len(x)
	if n < 4096 {
		return selectTwo(x, a, b)
	}
	// A sample of m values evenly spaced through x, and the sample
	// ranks around the target's, with a margin of a few standard
	// deviations of the rank's estimate.
	m := int(math.Sqrt(float64(n))) * 8
	sample := scratch.sample[:0]
	for k := 0; k < m; k++ {
		sample = append(sample, x[k*n/m])
	}
	slices.Sort(sample)
	scratch.sample = sample
	q := float64(a) / float64(n)
	r := q * float64(m)
	// the sample rank of the target's value is binomial-like: its
	// standard deviation is about sqrt(m q (1-q))
	margin := 4*math.Sqrt(float64(m)*q*(1-q)) + 4
	loR, hiR := int(r-margin), int(r+margin)+1
	lo, hi := math.Inf(-1), math.Inf(1)
	if loR > 0 {
		lo = sample[loR]
	}
	if hiR < m {
		hi = sample[hiR]
	}
	below := floatfold.CountBelow(x, lo)
	// the band is expected to hold about (hiR-loR)/m of the values
	if want := (hiR-loR)*(n/m+1) + 64; cap(scratch.band) < want {
		if scratch.arena != nil {
			scratch.band = offheap.Make[float64](scratch.arena, 2*want)
		} else {
			scratch.band = make([]float64, 2*want)
		}
	}
	band, nb := scratch.band[:cap(scratch.band)], 0
	for _, v := range x {
		if v >= lo && v <= hi {
			if nb == len(band) { // more than expected: the rest on the heap
				band = append(band, v)
				band = band[:cap(band)]
			} else {
				band[nb] = v
			}
			nb++
		}
	}
	if cap(band) > cap(scratch.band) {
		scratch.band = band
	}
	band = band[:nb]
	if below <= a && b < below+len(band) {
		return selectTwo(band, a-below, b-below)
	}
	orderStatsFallbacks.Add(1)
	return selectTwo(x, a, b)
}

// selectTwo returns the order statistics a and b = a or a+1 of the whole
// of x: selection puts a in place, and a+1 is the smallest after it.
func selectTwo(x []float64, a, b int) [2]float64 {
	lo := selectNth(x, a)
	if b == a {
		return [2]float64{lo, lo}
	}
	next := x[a+1]
	for _, v := range x[a+2:] {
		if v < next {
			next = v
		}
	}
	return [2]float64{lo, next}
}

// selectNth reorders x so that x[k] is the value a sort would put there,
// with x[:k] <= x[k] <= x[k+1:], and returns it (Hoare's selection with a
// median-of-three pivot). x holds no NaN.
func selectNth(x []float64, k int) float64 {
	lo, hi := 0, len(x)-1
	for lo < hi {
		mid := lo + (hi-lo)/2
		if x[mid] < x[lo] {
			x[mid], x[lo] = x[lo], x[mid]
		}
		if x[hi] < x[lo] {
			x[hi], x[lo] = x[lo], x[hi]
		}
		if x[hi] < x[mid] {
			x[hi], x[mid] = x[mid], x[hi]
		}
		pivot := x[mid]
		i, j := lo, hi
		for i <= j {
			for x[i] < pivot {
				i++
			}
			for x[j] > pivot {
				j--
			}
			if i <= j {
				x[i], x[j] = x[j], x[i]
				i++
				j--
			}
		}
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return x[k]
		}
	}
	return x[k]
}
