package gds

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"runtime/debug"
	"unsafe"

	"github.com/statecraft/statecraft/internal/cachepad"
	"github.com/statecraft/statecraft/internal/floatfold"
	"github.com/statecraft/statecraft/internal/names"
)

// Ctx is what a block receives: where the run is, the job's random stream,
// and (through handles) the state before the block, the parameters and the
// signals. A Ctx is valid only during the call.
type Ctx struct {
	T       int // the timestep being computed, 1..T, in every PSUB
	Substep int // the PSUB being computed, 1..S

	Simulation int // the A/B variant, from 0
	Subset     int // the sweep point, from 0
	Run        int // the Monte Carlo run, from 1

	// Agent is the agent a population's per-agent expressions read, set
	// by whoever evaluates them for each agent in turn (package
	// modelfile); the engine does not use it.
	Agent int

	// Rand draws from the job's own stream. Src is the same stream as a
	// math/rand/v2 Source, for gonum's distuv distributions
	// (distuv.Normal{Mu: 0, Sigma: 1, Src: c.Src}). NormFloat64 draws
	// what Rand.NormFloat64 does, faster.
	Rand *rand.Rand
	Src  rand.Source
	// PCG is the same stream as the generator itself, for draws in a hot
	// loop: its Uint64 inlines where Rand's calls go through an
	// interface. float64(c.PCG.Uint64()&(1<<53-1)) * 0x1p-53 is the
	// number c.Rand.Float64 would draw.
	PCG *rand.PCG

	f  []float64
	i  []int64
	b  []bool
	s  []string
	p  *Params
	e  *Engine
	tr *tracer

	pass uint64 // PSUBs computed by the engine, this one included: see Pass
	job  uint64 // jobs the engine has begun, this one included: see Job
}

// Job returns a number unique to the job being computed among all the
// jobs the engine has begun (a job resumed from a checkpoint is a new
// one). A cache kept across PSUBs keys its entries with it, so no job
// reads what another left there.
func (c *Ctx) Job() uint64 { return c.job }

// Pass returns a number unique to the PSUB being computed among all the
// PSUBs the engine has computed, for all its jobs. Blocks that share work
// between the updates of one PSUB (one computes, the others read) key
// their cache with it, so no update reads what another PSUB, timestep or
// job left there.
func (c *Ctx) Pass() uint64 { return c.pass }

// Tracing reports whether Build is tracing the model to find what each
// block reads. A computation that several blocks share, done by whichever
// runs first and cached (keyed by Pass), reports the reads it makes
// untraced (GetUntraced) when it computes, so that they are the reads of
// the block that computed it.
func (c *Ctx) Tracing() bool { return c.tr != nil }

// NaNMode says what a run does when an update produces NaN or ±Inf.
type NaNMode uint8

// The NaN modes.
const (
	NaNFail   NaNMode = iota // stop the job with a *NaNError (the default)
	NaNFlag                  // record the first occurrence per variable and continue
	NaNIgnore                // do not check
)

var nanModeNames = []string{NaNFail: "fail", NaNFlag: "flag", NaNIgnore: "ignore"}

// String returns the mode as configs write it: fail, flag or ignore.
func (m NaNMode) String() string {
	if int(m) < len(nanModeNames) {
		return nanModeNames[m]
	}
	return "invalid"
}

// MarshalText writes the mode as configs write it.
func (m NaNMode) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

// UnmarshalText decodes fail, flag or ignore.
func (m *NaNMode) UnmarshalText(b []byte) error {
	i, err := names.Choice(nanModeNames, string(b))
	if err != nil {
		return err
	}
	*m = NaNMode(i)
	return nil
}

// Schedule says which rows a run records.
type Schedule struct {
	// DropSubsteps records only the last substep of each timestep.
	DropSubsteps bool
	// Every records only timesteps divisible by Every (0 or 1: all). The
	// initial row is always recorded.
	Every int
	// FinalOnly records only the last row of the run.
	FinalOnly bool
}

// Job is one run of a model: its ids, length, parameters, initial state,
// random seed and recording.
type Job struct {
	Simulation, Subset, Run int
	Timesteps               int
	Params                  *Params // nil: the model's defaults
	Init                    *State  // nil: the model's initial state
	Seed                    [2]uint64
	Schedule                Schedule
	OnNaN                   NaNMode
	Limits                  Limits // how large vectors and populations may grow
}

// Recorder receives the recorded rows of a run. The Row and the slices it
// returns are valid only during the call.
type Recorder interface {
	Record(r *Row) error
}

// Observer is implemented by a Recorder that also wants the state at the
// end of every timestep, whatever the Schedule records: Observe is called
// with the initial state (timestep 0) and after the last PSUB of each
// timestep, before that timestep's Record. KPIs are computed this way.
// The Row is valid only during the call.
type Observer interface {
	Observe(r *Row)
}

// SlotObserver is an Observer that names float variables the engine
// copies for it, which spares a call per timestep: at the end of every
// timestep (and for the initial state) the engine stores variable
// slots[i] (VarInfo.Slot) at the next position of bufs[i], and calls
// ObserveFull with the number stored when the buffers are full and when
// the run ends. Observe is not called then. ObservedFloats is called at
// the start of every Run; nil slots fall back to Observe, and empty
// non-nil slots observe nothing (the observer reads the recorded rows
// instead). The buffers have one length and stay in place during the Run
// (the engine keeps pointers to them).
type SlotObserver interface {
	Observer
	ObservedFloats() (slots []int, bufs [][]float64)
	ObserveFull(n int)
}

// ColumnRecorder is a Recorder that takes the recorded rows as columns:
// the engine stores each row's timestep, substep and the float, int and
// bool variables the recorder names at the next position of buffers the
// recorder lends it, without a call per row.
//
// RecordColumns is called at the start of every Run with the first row
// to record (its ids and state set); a nil result makes the Run call
// Record for each row instead. When the engine has a row to store and
// the buffers are full (up to len(RowColumns.Timestep)), and when the
// Run ends without an error, it calls ColumnsFull with the position
// after the last row stored. ColumnsFull returns the position of the next
// row, below the buffers' length, and may change the buffers: the engine
// reads RowColumns again. A Run that fails does not call it; the rows it
// stored since the last call are the recorder's to ignore.
type ColumnRecorder interface {
	Recorder
	RecordColumns(first *Row) *RowColumns
	ColumnsFull(n int) (next int, err error)
}

// RowColumns are the buffers a ColumnRecorder lends the engine: the rows
// from position Next on are the engine's to store until ColumnsFull.
type RowColumns struct {
	Next       int
	Timestep   []int64
	Substep    []int32
	FloatSlots []int // VarInfo.Slot of each of Floats
	Floats     [][]float64
	IntSlots   []int
	Ints       [][]int64
	BoolSlots  []int
	Bools      [][]bool
}

// columnWriter stores rows into a ColumnRecorder's RowColumns.
type columnWriter struct {
	cr   ColumnRecorder
	cols *RowColumns
	pos  int
	ts   []int64
	sst  []int32
	f    []column[float64]
	i    []column[int64]
	b    []column[bool]
	// other: there are int or bool columns (the run loop calls store)
	other bool
}

// column is a column of a ColumnRecorder: the engine copies *from to
// position p of the buffer at to. load checked that every position below
// the buffers' length is in it.
type column[T any] struct {
	to   unsafe.Pointer
	from *T
}

// store copies the variable to position p of the column's buffer.
func (c column[T]) store(p int) {
	var zero T
	*(*T)(unsafe.Add(c.to, uintptr(p)*unsafe.Sizeof(zero))) = *c.from
}

// load reads the recorder's RowColumns, checking them.
func (w *columnWriter) load(e *Engine) error {
	c := w.cols
	n := len(c.Timestep)
	if c.Next < 0 || c.Next >= n || len(c.Substep) < n || len(c.Floats) != len(c.FloatSlots) ||
		len(c.Ints) != len(c.IntSlots) || len(c.Bools) != len(c.BoolSlots) {
		return fmt.Errorf("gds: ColumnRecorder: bad RowColumns (next row %d of %d)", c.Next, n)
	}
	w.pos, w.ts, w.sst = c.Next, c.Timestep[:n], c.Substep[:n]
	w.other = len(c.Ints)+len(c.Bools) > 0
	var err error
	if w.f, err = loadColumns(w.f[:0], "float", c.FloatSlots, c.Floats, e.f, n); err != nil {
		return err
	}
	if w.i, err = loadColumns(w.i[:0], "int", c.IntSlots, c.Ints, e.i, n); err != nil {
		return err
	}
	w.b, err = loadColumns(w.b[:0], "bool", c.BoolSlots, c.Bools, e.b, n)
	return err
}

// loadColumns appends to cols a column for each of bufs, copying
// state[slots[k]], after checking that the buffer holds n values and the
// slot is in state.
func loadColumns[T any](cols []column[T], kind string, slots []int, bufs [][]T, state []T, n int) ([]column[T], error) {
	for k, s := range slots {
		if len(bufs[k]) < n || s < 0 || s >= len(state) {
			return cols, fmt.Errorf("gds: ColumnRecorder: bad %s column %d (slot %d)", kind, k, s)
		}
		cols = append(cols, column[T]{unsafe.Pointer(unsafe.SliceData(bufs[k])), &state[s]})
	}
	return cols, nil
}

// store stores the state as the next row, at timestep t and substep sub,
// after ColumnsFull if the buffers are full. The run loop has the common
// case inline (float columns, room in the buffers).
func (e *Engine) store(t, sub int) error {
	w := &e.cw
	if w.pos == len(w.ts) {
		if err := e.columnsFull(); err != nil {
			return err
		}
	}
	p := w.pos
	w.ts[p] = int64(t)
	w.sst[p] = int32(sub)
	for _, c := range w.f {
		c.store(p)
	}
	for _, c := range w.i {
		c.store(p)
	}
	for _, c := range w.b {
		c.store(p)
	}
	w.pos = p + 1
	return nil
}

// columnsFull hands the stored rows to the recorder.
func (e *Engine) columnsFull() error {
	w := &e.cw
	next, err := w.cr.ColumnsFull(w.pos)
	if err != nil {
		return err
	}
	w.cols.Next = next
	return w.load(e)
}

// slotCopy is two float variables a SlotObserver observes: the engine
// copies *from[j] to the next position of the buffer at to[j] at every
// timestep. The pointers are taken once per run (the engine's slots and
// the observer's buffers do not move during it); indexing bufs[i][n] and
// e.f[s] per slot per timestep cost 44 instructions a timestep for two
// sources, a loop over single copies 23 (the run loop keeps its values on
// the stack), a pair 10. An odd slot out is paired with a copy from and
// to the engine's own scratch.
type slotCopy struct {
	from [2]*float64
	to   [2]unsafe.Pointer
}

// Row is a recorded state: its ids and the value of every variable.
type Row struct {
	Simulation, Subset, Run int
	Timestep, Substep       int
	e                       *Engine
}

// Floats returns the float variables, indexed by VarInfo.Slot.
func (r *Row) Floats() []float64 { return r.e.f }

// Ints returns the int variables, indexed by VarInfo.Slot.
func (r *Row) Ints() []int64 { return r.e.i }

// Bools returns the bool variables, indexed by VarInfo.Slot.
func (r *Row) Bools() []bool { return r.e.b }

// Strings returns the string variables, indexed by VarInfo.Slot.
func (r *Row) Strings() []string { return r.e.s }

// Vec returns the vector variable with the given slot.
func (r *Row) Vec(slot int) []float64 {
	v := &r.e.vecs[slot]
	return v.buf[v.cur]
}

// AgentCount returns the number of records of the agent variable with the
// given slot.
func (r *Row) AgentCount(slot int) int {
	_, n := r.e.agents[slot].current()
	return n
}

// Agents returns the records of the agent variable with the given slot:
// a []T for a variable declared with AgentsOf, a *Columns for one
// declared with Records. Neither is a copy: the slice, and the Columns'
// columns, are the engine's current buffers (the Columns' lists are a view
// of its own). Read them during the call only; Columns.Clone keeps a copy.
func (r *Row) Agents(slot int) any {
	return r.e.agentsAny(slot)
}

// AppendAgentFloats appends field f (a float field) of every record of the
// agent variable slot to dst.
func (r *Row) AppendAgentFloats(dst []float64, slot, f int) []float64 {
	if c, ok := r.e.agents[slot].(*columnsCell); ok {
		return append(dst, c.buf[c.cur].Floats[f]...)
	}
	base, n, size, fi := r.e.agentField(slot, f)
	for k := 0; k < n; k++ {
		dst = append(dst, *(*float64)(unsafe.Add(base, uintptr(k)*size+fi.offset)))
	}
	return dst
}

// AppendAgentInts appends int field f of every record to dst.
func (r *Row) AppendAgentInts(dst []int64, slot, f int) []int64 {
	if c, ok := r.e.agents[slot].(*columnsCell); ok {
		return append(dst, c.buf[c.cur].Ints[f]...)
	}
	base, n, size, fi := r.e.agentField(slot, f)
	isInt := fi.goKind == reflect.Int
	for k := 0; k < n; k++ {
		p := unsafe.Add(base, uintptr(k)*size+fi.offset)
		if isInt {
			dst = append(dst, int64(*(*int)(p)))
		} else {
			dst = append(dst, *(*int64)(p))
		}
	}
	return dst
}

// AppendAgentBools appends bool field f of every record to dst.
func (r *Row) AppendAgentBools(dst []bool, slot, f int) []bool {
	if c, ok := r.e.agents[slot].(*columnsCell); ok {
		return append(dst, c.buf[c.cur].Bools[f]...)
	}
	base, n, size, fi := r.e.agentField(slot, f)
	for k := 0; k < n; k++ {
		dst = append(dst, *(*bool)(unsafe.Add(base, uintptr(k)*size+fi.offset)))
	}
	return dst
}

// AppendAgentStrings appends string field f of every record to dst.
func (r *Row) AppendAgentStrings(dst []string, slot, f int) []string {
	if c, ok := r.e.agents[slot].(*columnsCell); ok {
		return append(dst, c.buf[c.cur].Strings[f]...)
	}
	base, n, size, fi := r.e.agentField(slot, f)
	for k := 0; k < n; k++ {
		dst = append(dst, *(*string)(unsafe.Add(base, uintptr(k)*size+fi.offset)))
	}
	return dst
}

// Anomaly is a NaN or ±Inf that an update produced in NaNFlag mode.
type Anomaly struct {
	Timestep, Substep int
	PSUB, Block, Var  string
	Value             float64
}

// NaNError reports a NaN or ±Inf produced by an update in NaNFail mode.
type NaNError struct {
	Simulation, Subset, Run int
	Anomaly
}

func (e *NaNError) Error() string {
	return fmt.Sprintf("job (simulation %d, subset %d, run %d): timestep %d, substep %d (PSUB %q): update %q set variable %q to %v",
		e.Simulation, e.Subset, e.Run, e.Timestep, e.Substep, e.PSUB, e.Block, e.Var, e.Value)
}

// BlockError reports a panic inside a block.
type BlockError struct {
	Simulation, Subset, Run int
	Timestep, Substep       int
	PSUB                    string
	Block                   string // `policy "name"` or `update "name"`
	Value                   any    // what the block panicked with
	Stack                   string // the goroutine's stack at the panic
}

func (e *BlockError) Error() string {
	if e.Block == "" {
		return fmt.Sprintf("job (simulation %d, subset %d, run %d): timestep %d, substep %d: panic outside any block: %v",
			e.Simulation, e.Subset, e.Run, e.Timestep, e.Substep, e.Value)
	}
	if le, ok := e.Value.(*LimitError); ok { // not a bug of the block: no "panicked"
		return fmt.Sprintf("job (simulation %d, subset %d, run %d): timestep %d, substep %d (PSUB %q): %s: %v",
			e.Simulation, e.Subset, e.Run, e.Timestep, e.Substep, e.PSUB, e.Block, le)
	}
	return fmt.Sprintf("job (simulation %d, subset %d, run %d): timestep %d, substep %d (PSUB %q): %s panicked: %v",
		e.Simulation, e.Subset, e.Run, e.Timestep, e.Substep, e.PSUB, e.Block, e.Value)
}

// Unwrap returns the panic value if it is an error.
func (e *BlockError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}

// Engine runs jobs of one model, one at a time, reusing its buffers from
// job to job. An Engine is not safe for concurrent use; give each worker
// its own.
type Engine struct {
	_     cachepad.Pad // state written at every substep: see package cachepad
	m     *Model
	ctx   Ctx
	row   Row
	final Row

	f []float64
	i []int64
	b []bool
	s []string

	vecs       []vecBuf
	agents     []agentCell
	agentTypes []*agentsType
	graphs     []graphCell
	graphVar   []int32 // by graph slot, the variable's id
	scratch    [][]float64
	sig        signals

	lagF [][]float64
	lagI [][]int64
	lagB [][]bool
	lagS [][]string
	lagV [][][]float64

	stF []float64 // staged float updates of the current PSUB
	stI []int64
	stB []bool
	stS []string

	pcg rand.PCG // in the engine, padded: it changes at every draw
	// the stream with a draw put back, for Ctx.NormFloat64's uncommon case
	replay     replaySource
	replayRand *rand.Rand
	job        *Job
	lim        Limits // the job's, with defaults
	defaults   *Params
	tr         *tracer

	// where the run is, for errors
	psub  int
	block int32 // the running block: blockMeta.ref() in PSUB psub, 0 for none

	anomalies []Anomaly
	flagged   []bool // by variable id: an anomaly was recorded in this job

	copies   []slotCopy   // the slots a SlotObserver observes, in pairs, during a Run
	cw       columnWriter // a ColumnRecorder's columns, during a Run
	copyPad  float64      // the odd slot's partner copies this
	copyDump []float64    // to this
	_        cachepad.Pad
}

type vecBuf struct {
	buf    [2][]float64
	cur    int
	staged bool
}

type signals struct {
	f     []float64
	fset  []bool
	frule []Rule
	i     []int64
	iset  []bool
	irule []Rule
	v     [][]float64
	vset  []bool
	vrule []Rule
	c     []signalCell
	// floatOnly: the model has float signals only (the run loop resets
	// them itself)
	floatOnly bool
}

// NewEngine returns an engine for the model.
func (m *Model) NewEngine() *Engine {
	e := &Engine{m: m}
	e.f = cachepad.Slice[float64](m.shape[KindFloat])
	e.i = cachepad.Slice[int64](m.shape[KindInt])
	e.b = cachepad.Slice[bool](m.shape[KindBool])
	e.s = cachepad.Slice[string](m.shape[KindString])
	e.vecs = cachepad.Slice[vecBuf](m.shape[KindVec])
	e.agents = cachepad.Slice[agentCell](m.shape[KindAgents])
	e.agentTypes = make([]*agentsType, m.shape[KindAgents])
	e.graphs = cachepad.Slice[graphCell](m.shape[KindGraph])
	e.graphVar = make([]int32, m.shape[KindGraph])
	e.scratch = make([][]float64, m.b.scratch)
	e.flagged = cachepad.Slice[bool](len(m.vars))
	for id, v := range m.b.vars {
		if v.kind == KindAgents {
			e.agents[v.slot] = v.agents.newCell()
			e.agentTypes[v.slot] = v.agents
		}
		if v.kind == KindGraph {
			e.graphs[v.slot] = v.graph.newCell()
			e.graphVar[v.slot] = int32(id)
		}
		if v.lags > 0 {
			switch v.kind {
			case KindFloat:
				e.lagF = append(e.lagF, make([]float64, v.lags))
			case KindInt:
				e.lagI = append(e.lagI, make([]int64, v.lags))
			case KindBool:
				e.lagB = append(e.lagB, make([]bool, v.lags))
			case KindString:
				e.lagS = append(e.lagS, make([]string, v.lags))
			case KindVec:
				e.lagV = append(e.lagV, make([][]float64, v.lags))
			}
		}
	}
	s := &e.sig
	s.f = cachepad.Slice[float64](m.sshape[KindFloat])
	s.fset = cachepad.Slice[bool](len(s.f))
	s.frule = make([]Rule, len(s.f))
	s.i = cachepad.Slice[int64](m.sshape[KindInt])
	s.iset = cachepad.Slice[bool](len(s.i))
	s.irule = make([]Rule, len(s.i))
	s.v = cachepad.Slice[[]float64](m.sshape[KindVec])
	s.vset = cachepad.Slice[bool](len(s.v))
	s.vrule = make([]Rule, len(s.v))
	s.c = cachepad.Slice[signalCell](m.sshape[KindList] + m.sshape[KindCustom])
	for _, d := range m.b.signals {
		switch d.kind {
		case KindFloat:
			s.frule[d.slot] = d.rule
		case KindInt:
			s.irule[d.slot] = d.rule
		case KindVec:
			s.vrule[d.slot] = d.rule
		case KindList, KindCustom:
			s.c[d.slot] = d.custom.newCell() // lists and custom signals share slots
		}
	}
	maxF, maxI, maxB, maxS := 0, 0, 0, 0
	for _, p := range m.psubs {
		maxF, maxI, maxB, maxS = max(maxF, len(p.fU)), max(maxI, len(p.iU)), max(maxB, len(p.bU)), max(maxS, len(p.sU))
	}
	e.stF, e.stI, e.stB, e.stS = cachepad.Slice[float64](maxF), cachepad.Slice[int64](maxI), cachepad.Slice[bool](maxB), cachepad.Slice[string](maxS)
	s.floatOnly = len(s.i)+len(s.v)+len(s.c) == 0
	e.ctx = Ctx{Rand: rand.New(&e.pcg), Src: &e.pcg, PCG: &e.pcg, f: e.f, i: e.i, b: e.b, s: e.s, e: e}
	e.replay.pcg = &e.pcg
	e.replayRand = rand.New(&e.replay)
	e.row.e = e
	e.defaults = m.Defaults()
	return e
}

// Final returns the state at the end of the last job that ran to
// completion, as a Row at its last timestep and substep. It is valid until
// the next Run.
func (e *Engine) Final() *Row {
	r := &e.final
	*r = e.row
	r.Timestep, r.Substep = e.ctx.T, e.ctx.Substep
	return r
}

// Anomalies returns the NaN/Inf values flagged in the last job (NaNFlag).
func (e *Engine) Anomalies() []Anomaly { return e.anomalies }

// reset loads a job's parameters, initial state, seed and lag history.
func (e *Engine) reset(job *Job) {
	e.job = job
	e.lim = job.Limits.withDefaults()
	m := e.m
	e.ctx.Simulation, e.ctx.Subset, e.ctx.Run = job.Simulation, job.Subset, job.Run // first: errors name the job
	e.ctx.T, e.ctx.Substep = 0, 0
	e.ctx.job++
	p := job.Params
	if p == nil {
		p = e.defaults
	}
	if p.m != m {
		panic(fmt.Sprintf("gds: job parameters belong to model %q, not %q", p.m.name, m.name))
	}
	var vals []any // nil: the declared initial values (no State is allocated)
	if init := job.Init; init != nil {
		if init.m != m {
			panic(fmt.Sprintf("gds: job initial state belongs to model %q, not %q", init.m.name, m.name))
		}
		vals = init.vals
	}
	for id, v := range m.b.vars {
		val := v.init
		if vals != nil {
			val = vals[id]
		}
		switch v.kind {
		case KindFloat:
			e.f[v.slot] = val.(float64)
		case KindInt:
			e.i[v.slot] = val.(int64)
		case KindBool:
			e.b[v.slot] = val.(bool)
		case KindString:
			e.s[v.slot] = val.(string)
		case KindVec:
			vb := &e.vecs[v.slot]
			vb.buf[0] = append(vb.buf[0][:0], val.([]float64)...)
			vb.cur, vb.staged = 0, false
		case KindAgents:
			e.agents[v.slot].init(val)
		case KindGraph:
			e.graphs[v.slot].init(val)
		}
	}
	e.ctx.p = p
	e.pcg.Seed(job.Seed[0], job.Seed[1])
	e.row.Simulation, e.row.Subset, e.row.Run = job.Simulation, job.Subset, job.Run
	e.anomalies = e.anomalies[:0]
	clear(e.flagged)
	e.pushLags(0)
}

// pushLags stores the current value of every lagged variable as X(t).
func (e *Engine) pushLags(t int) {
	for _, id := range e.m.lagged {
		v := &e.m.b.vars[id]
		pos := t % v.lags
		switch v.kind {
		case KindFloat:
			e.lagF[v.lagIdx][pos] = e.f[v.slot]
		case KindInt:
			e.lagI[v.lagIdx][pos] = e.i[v.slot]
		case KindBool:
			e.lagB[v.lagIdx][pos] = e.b[v.slot]
		case KindString:
			e.lagS[v.lagIdx][pos] = e.s[v.slot]
		case KindVec:
			vb := &e.vecs[v.slot]
			ring := e.lagV[v.lagIdx]
			ring[pos] = append(ring[pos][:0], vb.buf[vb.cur]...)
		}
	}
}

// lag checks a lag read and returns the ring index and position of X(t-k).
func (e *Engine) lag(r ref, kind Kind, k int) (int32, int) {
	if e.tr != nil {
		e.tr.readLag(r, kind, k)
	}
	if r.b != e.m.b || e.m.b.vars[r.id].kind != kind {
		panic(fmt.Errorf("lag of variable %q read through a handle of another model or kind", r.Name()))
	}
	v := &e.m.b.vars[r.id]
	if k < 1 || k > v.lags {
		if v.lags == 0 {
			panic(fmt.Errorf("variable %q keeps no lags; declare it with gds.Lags(%d) to read lag %d", v.name, max(k, 1), k))
		}
		panic(fmt.Errorf("variable %q keeps %d lags; lag %d is out of range 1..%d", v.name, v.lags, k, v.lags))
	}
	u := e.ctx.T - k
	if u < 0 {
		u = 0
	}
	return v.lagIdx, u % v.lags
}

// Run runs one job, handing each recorded row to rec. It returns a
// *BlockError if a block panics, a *NaNError for a NaN in NaNFail mode, the
// context's error if ctx is cancelled (checked every 256 timesteps), or the
// recorder's error.
func (e *Engine) Run(ctx context.Context, job *Job, rec Recorder) (err error) {
	if job.Timesteps < 0 {
		return fmt.Errorf("job (simulation %d, subset %d, run %d): negative timesteps %d", job.Simulation, job.Subset, job.Run, job.Timesteps)
	}
	e.psub, e.block = -1, 0
	defer func() {
		if r := recover(); r != nil {
			err = e.panicError(r)
		}
	}()
	e.reset(job)
	return e.loop(ctx, job, rec)
}

// runningBlock is the block the run loop is in, or nil.
func (e *Engine) runningBlock() *blockMeta {
	if e.psub < 0 || e.psub >= len(e.m.psubs) || e.block <= 0 {
		return nil
	}
	bs := e.m.psubs[e.psub].blocks
	if int(e.block) > len(bs) {
		return nil
	}
	return bs[e.block-1]
}

func (e *Engine) panicError(r any) error {
	be := &BlockError{Simulation: e.ctx.Simulation, Subset: e.ctx.Subset, Run: e.ctx.Run,
		Timestep: e.ctx.T, Substep: e.ctx.Substep, Value: r, Stack: string(debug.Stack())}
	if b := e.runningBlock(); b != nil {
		be.Block = b.String()
	}
	if e.psub >= 0 && e.psub < len(e.m.psubs) {
		be.PSUB = e.m.psubs[e.psub].name
	}
	return be
}

func (e *Engine) loop(ctx context.Context, job *Job, rec Recorder) error {
	m := e.m
	T := job.Timesteps
	sch := job.Schedule
	every := sch.Every
	if every <= 0 {
		every = 1
	}
	check := job.OnNaN != NaNIgnore
	c := &e.ctx
	r := &e.row
	S := len(m.psubs)
	obs, _ := rec.(Observer)
	so, _ := rec.(SlotObserver)
	var slots []int
	var bufs [][]float64
	if so != nil {
		if slots, bufs = so.ObservedFloats(); slots != nil {
			obs = nil
			if len(slots) == 0 {
				slots, so = nil, nil
			}
		}
	}
	nobs, fullAt := 0, 0
	e.copies = e.copies[:0] // reused from run to run
	var copies []slotCopy
	if slots != nil {
		fullAt = len(bufs[0])
		for i := range bufs {
			fullAt = min(fullAt, len(bufs[i]))
		}
		if fullAt == 0 {
			panic("gds: SlotObserver buffers of length 0")
		}
		if len(slots)%2 == 1 && len(e.copyDump) < fullAt {
			e.copyDump = make([]float64, fullAt)
		}
		for i := 0; i < len(slots); i += 2 {
			cp := slotCopy{from: [2]*float64{&e.f[slots[i]], &e.copyPad}, to: [2]unsafe.Pointer{unsafe.Pointer(unsafe.SliceData(bufs[i])), unsafe.Pointer(unsafe.SliceData(e.copyDump))}}
			if i+1 < len(slots) {
				cp.from[1], cp.to[1] = &e.f[slots[i+1]], unsafe.Pointer(unsafe.SliceData(bufs[i+1]))
			}
			e.copies = append(e.copies, cp)
		}
		copies = e.copies
		for _, cp := range copies {
			*(*float64)(cp.to[0]) = *cp.from[0]
			*(*float64)(cp.to[1]) = *cp.from[1]
		}
		nobs = 1
	}
	if obs != nil {
		r.Timestep, r.Substep = 0, 0
		obs.Observe(r)
	}
	cols := false // rows go to a ColumnRecorder's columns
	if cr, ok := rec.(ColumnRecorder); ok {
		r.Timestep, r.Substep = 0, 0
		if c := cr.RecordColumns(r); c != nil {
			e.cw.cr, e.cw.cols = cr, c
			if err := e.cw.load(e); err != nil {
				return err
			}
			cols = true
		}
	}
	if !sch.FinalOnly || T == 0 { // with FinalOnly and T = 0 the initial row is the last
		r.Timestep, r.Substep = 0, 0
		if cols {
			if err := e.store(0, 0); err != nil {
				return err
			}
		} else if err := rec.Record(r); err != nil {
			return err
		}
	}
	done := ctx.Done()
	finalOnly := sch.FinalOnly
	allSubsteps := !sch.DropSubsteps && !finalOnly
	untilRecord := every // timesteps until the next recorded one (no division per timestep)
	for t := 1; t <= T; t++ {
		if t&255 == 0 && done != nil {
			select {
			case <-done:
				return ctx.Err()
			default:
			}
		}
		c.T = t
		untilRecord--
		recordT := untilRecord == 0 && !finalOnly || finalOnly && t == T
		if untilRecord == 0 {
			untilRecord = every
		}
		for k := range m.psubs {
			ps := &m.psubs[k]
			other := ps.other
			e.psub = k
			c.Substep = k + 1
			c.pass++
			if sg := &e.sig; sg.floatOnly {
				// the common case inline: float signals only
				f, fset := sg.f, sg.fset[:len(sg.f)]
				for i := range f {
					f[i], fset[i] = 0, false
				}
			} else {
				e.resetSignals()
			}
			// Local slice headers, and pointers into them, not copies of
			// the elements: after each call the loop reloads only what it
			// must (Go's ABI saves no register across a call).
			pols := ps.policies
			for i := range pols {
				p := &pols[i]
				e.block = p.ref
				p.fn(c)
			}
			// Updates read the pre-block state; results are staged and
			// committed after every update of the PSUB has run.
			us := ps.fU
			stF := e.stF[:len(us)]
			// bad is the sum of v-v over the staged floats: 0, or NaN if
			// any is NaN or ±Inf, without a branch per update
			bad := 0.0
			for j := range us {
				u := &us[j]
				e.block = u.ref
				v := u.fn(c)
				stF[j] = v
				bad += v - v
			}
			if other {
				e.stageOthers(ps, c)
			}
			if check {
				// The common case inline: no NaN or Inf among the staged
				// floats; checkNaN finds the culprit, and checks vectors.
				if bad != 0 || other && len(ps.vU) > 0 {
					if err := e.checkNaN(ps, job); err != nil {
						return err
					}
				}
			}
			ef := e.f
			for j, slot := range ps.fSlots[:len(stF)] {
				ef[slot] = stF[j]
			}
			if other {
				e.commitOthers(ps)
			}
			if k == S-1 {
				if slots != nil {
					if nobs == fullAt {
						so.ObserveFull(nobs)
						nobs = 0
					}
					// nobs < fullAt, the buffers' length: no bounds to check
					off := uintptr(nobs) * 8
					if len(copies) == 1 { // up to two sources: no loop
						cp := &copies[0]
						*(*float64)(unsafe.Add(cp.to[0], off)) = *cp.from[0]
						*(*float64)(unsafe.Add(cp.to[1], off)) = *cp.from[1]
					} else {
						for i := range copies {
							cp := &copies[i] // not a copy of the pair: that goes through the stack
							*(*float64)(unsafe.Add(cp.to[0], off)) = *cp.from[0]
							*(*float64)(unsafe.Add(cp.to[1], off)) = *cp.from[1]
						}
					}
					nobs++
				} else if obs != nil {
					r.Timestep, r.Substep = t, k+1
					obs.Observe(r)
				}
			}
			if recordT && (allSubsteps || k == S-1) {
				e.block = 0
				if w := &e.cw; cols && w.pos < len(w.ts) && !w.other {
					// store's common case, inline
					p := w.pos
					w.ts[p] = int64(t)
					w.sst[p] = int32(k + 1)
					for _, c := range w.f {
						c.store(p)
					}
					w.pos = p + 1
				} else if cols {
					if err := e.store(t, k+1); err != nil {
						return err
					}
				} else {
					r.Timestep, r.Substep = t, k+1
					if err := rec.Record(r); err != nil {
						return err
					}
				}
			}
		}
		if len(m.lagged) > 0 {
			e.pushLags(t)
		}
	}
	if slots != nil {
		so.ObserveFull(nobs)
	}
	if cols {
		_, err := e.cw.cr.ColumnsFull(e.cw.pos)
		return err
	}
	return nil
}

// stageOthers runs the int, bool, string, vector, agent and graph updates of a
// PSUB, staging their results.
func (e *Engine) stageOthers(ps *psubPlan, c *Ctx) {
	for j, u := range ps.iU {
		e.block = u.name.ref()
		e.stI[j] = u.fn(c)
	}
	for j, u := range ps.bU {
		e.block = u.name.ref()
		e.stB[j] = u.fn(c)
	}
	for j, u := range ps.sU {
		e.block = u.name.ref()
		e.stS[j] = u.fn(c)
	}
	for _, u := range ps.vU {
		e.block = u.name.ref()
		vb := &e.vecs[u.slot]
		e.stageVec(vb, u.fn(c, vb.buf[1-vb.cur][:0]))
	}
	for _, u := range ps.aU {
		e.block = u.name.ref()
		u.fn(c)
	}
	for _, u := range ps.gU {
		e.block = u.name.ref()
		u.fn(c)
	}
}

// commitOthers makes the staged int, bool, string, vector, agent and graph values
// of a PSUB current.
func (e *Engine) commitOthers(ps *psubPlan) {
	for j, u := range ps.iU {
		e.i[u.slot] = e.stI[j]
	}
	for j, u := range ps.bU {
		e.b[u.slot] = e.stB[j]
	}
	for j, u := range ps.sU {
		e.s[u.slot] = e.stS[j]
	}
	for _, u := range ps.vU {
		vb := &e.vecs[u.slot]
		if vb.staged {
			vb.cur, vb.staged = 1-vb.cur, false
		}
	}
	for _, u := range ps.aU {
		e.agents[u.slot].flip()
	}
	for _, u := range ps.gU {
		e.graphs[u.slot].flip()
	}
}

func (e *Engine) stageVec(vb *vecBuf, r []float64) {
	if len(r) > e.lim.MaxVecLen {
		panic(VecLimitError(len(r), e.lim.MaxVecLen))
	}
	cur, spare := vb.buf[vb.cur], vb.buf[1-vb.cur]
	if len(r) == len(cur) && len(r) > 0 && unsafe.SliceData(r) == unsafe.SliceData(cur) {
		return // the current value, unchanged
	}
	if cap(r) == 0 || cap(spare) == 0 || unsafe.SliceData(r) != unsafe.SliceData(spare) {
		// Not the spare buffer: memory that something else may own or
		// write (another variable, a signal, a parameter, a lag, part of
		// the current value, a buffer the update reuses). Copy it, so
		// that the two buffers never alias anything.
		r = append(spare[:0], r...)
	}
	vb.buf[1-vb.cur] = r
	vb.staged = true
}

func (e *Engine) resetSignals() {
	s := &e.sig
	// Models have a handful of signals: plain loops beat two calls to
	// memclr per kind.
	f, fset := s.f, s.fset[:len(s.f)]
	for i := range f {
		f[i], fset[i] = 0, false
	}
	if len(s.i) > 0 {
		in, iset := s.i, s.iset[:len(s.i)]
		for i := range in {
			in[i], iset[i] = 0, false
		}
	}
	if len(s.v) > 0 {
		clear(s.vset)
		for k := range s.v {
			s.v[k] = s.v[k][:0]
		}
	}
	for _, c := range s.c {
		c.reset()
	}
}

// checkNaN looks at the staged float and vector values of a PSUB.
func (e *Engine) checkNaN(ps *psubPlan, job *Job) error {
	for j, u := range ps.fU {
		if v := e.stF[j]; v-v != 0 {
			if err := e.anomaly(ps, u.name, u.v, v, job); err != nil {
				return err
			}
		}
	}
	for _, u := range ps.vU {
		vb := &e.vecs[u.slot]
		if !vb.staged || floatfold.AllFinite(vb.buf[1-vb.cur]) {
			continue
		}
		for _, v := range vb.buf[1-vb.cur] {
			if v-v != 0 {
				if err := e.anomaly(ps, u.name, u.v, v, job); err != nil {
					return err
				}
				break
			}
		}
	}
	return nil
}

func (e *Engine) anomaly(ps *psubPlan, block *blockMeta, v int32, val float64, job *Job) error {
	a := Anomaly{Timestep: e.ctx.T, Substep: e.ctx.Substep, PSUB: ps.name, Block: block.name, Var: e.m.vars[v].Name, Value: val}
	if job.OnNaN == NaNFail {
		return &NaNError{Simulation: job.Simulation, Subset: job.Subset, Run: job.Run, Anomaly: a}
	}
	if !e.flagged[v] {
		e.flagged[v] = true
		e.anomalies = append(e.anomalies, a)
	}
	return nil
}

func (e *Engine) agentField(slot, f int) (unsafe.Pointer, int, uintptr, FieldInfo) {
	at := e.agentTypes[slot]
	base, n := e.agents[slot].current()
	return base, n, at.size, at.fields[f]
}

func (e *Engine) agentsAny(slot int) any { return e.agents[slot].records() }
