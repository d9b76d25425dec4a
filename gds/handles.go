package gds

import (
	"reflect"
	"strconv"
	"unsafe"
)

// ref identifies a state variable of one builder: id indexes the builder's
// variables, slot the typed storage of its kind.
type ref struct {
	b    *Builder
	id   int32
	slot int32
}

// Name returns the variable's name.
func (r ref) Name() string {
	if r.b == nil {
		return "<zero handle>"
	}
	return r.b.vars[r.id].name
}

// pref identifies a parameter.
type pref struct {
	b    *Builder
	id   int32
	slot int32
}

// Name returns the parameter's name.
func (r pref) Name() string {
	if r.b == nil {
		return "<zero handle>"
	}
	if r.id < 0 {
		return "<derived parameter " + strconv.Itoa(int(-r.id)) + ">"
	}
	return r.b.params[r.id].name
}

// sref identifies a signal.
type sref struct {
	b    *Builder
	id   int32
	slot int32
}

// Name returns the signal's name.
func (r sref) Name() string {
	if r.b == nil {
		return "<zero handle>"
	}
	return r.b.signals[r.id].name
}

// ---------------------------------------------------------------- variables

// Float is a handle to a float64 state variable.
type Float struct{ ref }

// Get returns the variable's value before the current block.
func (h Float) Get(c *Ctx) float64 {
	c.traced(useVar, KindFloat, h.b, h.id)
	return c.f[h.slot]
}

// GetUntraced returns the variable's value like Get, without telling the
// tracer that Build runs to find what each block reads. It is for code
// generated from expressions, whose block reports its reads itself
// (Block.Traces); a block that reads with it and does not report the read
// is missing it from the model's Structure.
func (h Float) GetUntraced(c *Ctx) float64 { return c.f[h.slot] }

// Lag returns the variable's value at the end of timestep t-k (k >= 1), or
// its initial value when t-k < 0. k may not exceed the variable's Lags.
func (h Float) Lag(c *Ctx, k int) float64 {
	i, pos := c.e.lag(h.ref, KindFloat, k)
	return c.e.lagF[i][pos]
}

// Update returns the block that sets the variable to fn's result.
func (h Float) Update(fn func(c *Ctx) float64) Block {
	return Block{kind: blockUpdate, name: h.Name(), target: h.ref, vkind: KindFloat, fnF: fn}
}

// Int is a handle to an int64 state variable.
type Int struct{ ref }

// Get returns the variable's value before the current block.
func (h Int) Get(c *Ctx) int64 {
	c.traced(useVar, KindInt, h.b, h.id)
	return c.i[h.slot]
}

// Lag returns the variable's value at the end of timestep t-k (k >= 1).
func (h Int) Lag(c *Ctx, k int) int64 {
	i, pos := c.e.lag(h.ref, KindInt, k)
	return c.e.lagI[i][pos]
}

// Update returns the block that sets the variable to fn's result.
func (h Int) Update(fn func(c *Ctx) int64) Block {
	return Block{kind: blockUpdate, name: h.Name(), target: h.ref, vkind: KindInt, fnI: fn}
}

// Bool is a handle to a boolean state variable.
type Bool struct{ ref }

// Get returns the variable's value before the current block.
func (h Bool) Get(c *Ctx) bool {
	c.traced(useVar, KindBool, h.b, h.id)
	return c.b[h.slot]
}

// Lag returns the variable's value at the end of timestep t-k (k >= 1).
func (h Bool) Lag(c *Ctx, k int) bool {
	i, pos := c.e.lag(h.ref, KindBool, k)
	return c.e.lagB[i][pos]
}

// Update returns the block that sets the variable to fn's result.
func (h Bool) Update(fn func(c *Ctx) bool) Block {
	return Block{kind: blockUpdate, name: h.Name(), target: h.ref, vkind: KindBool, fnB: fn}
}

// String is a handle to a string state variable.
type String struct{ ref }

// Get returns the variable's value before the current block.
func (h String) Get(c *Ctx) string {
	c.traced(useVar, KindString, h.b, h.id)
	return c.s[h.slot]
}

// Lag returns the variable's value at the end of timestep t-k (k >= 1).
func (h String) Lag(c *Ctx, k int) string {
	i, pos := c.e.lag(h.ref, KindString, k)
	return c.e.lagS[i][pos]
}

// Update returns the block that sets the variable to fn's result.
func (h String) Update(fn func(c *Ctx) string) Block {
	return Block{kind: blockUpdate, name: h.Name(), target: h.ref, vkind: KindString, fnS: fn}
}

// Vec is a handle to a vector state variable.
type Vec struct{ ref }

// Get returns the variable's value before the current block. The slice is
// shared with every other block of the PSUB: read it, never write it.
func (h Vec) Get(c *Ctx) []float64 {
	if c.tr != nil {
		c.tr.readVar(h.ref, KindVec)
	}
	v := &c.e.vecs[h.slot]
	return v.buf[v.cur]
}

// Lag returns the variable's value at the end of timestep t-k (k >= 1). The
// slice is the lag buffer itself: read it, never write or keep it.
func (h Vec) Lag(c *Ctx, k int) []float64 {
	i, pos := c.e.lag(h.ref, KindVec, k)
	return c.e.lagV[i][pos]
}

// Update returns the block that sets the variable to fn's result. fn gets
// dst, a spare buffer of length 0 that it may fill with append and return;
// any other slice it returns (one it allocated, another variable's, a
// signal's) is copied into the spare buffer. Returning the variable's
// current slice (from Get) leaves the variable unchanged.
func (h Vec) Update(fn func(c *Ctx, dst []float64) []float64) Block {
	return Block{kind: blockUpdate, name: h.Name(), target: h.ref, vkind: KindVec, fnV: fn}
}

// Agents is a handle to a population of agent records of type T.
type Agents[T any] struct{ ref }

// Get returns the records before the current block. The slice is shared with
// every other block of the PSUB: read it, never write it.
func (h Agents[T]) Get(c *Ctx) []T {
	if c.tr != nil {
		c.tr.readVar(h.ref, KindAgents)
	}
	a := c.e.agents[h.slot].(*agentBuf[T])
	return a.buf[a.cur]
}

// Update returns the block that sets the records to fn's result. fn gets
// dst, a spare buffer of length 0; the usual pattern copies the current
// records and changes some: dst = append(dst, h.Get(c)...). Any other
// slice it returns (one it allocated, a part of the current records) is
// copied into the spare buffer. Returning the current slice leaves the
// records unchanged. To change a few records of a large population, Edit
// copies only what changes.
func (h Agents[T]) Update(fn func(c *Ctx, dst []T) []T) Block {
	slot := h.slot
	return Block{kind: blockUpdate, name: h.Name(), target: h.ref, vkind: KindAgents, fnA: func(c *Ctx) {
		a := c.e.agents[slot].(*agentBuf[T])
		r := fn(c, a.dst())
		if len(r) > c.e.lim.MaxAgents {
			panic(AgentLimitError(len(r), c.e.lim.MaxAgents))
		}
		a.stage(r)
	}}
}

// ---------------------------------------------------------------- parameters

// FloatParam is a handle to a float64 parameter.
type FloatParam struct{ pref }

// Get returns the parameter's value in the current job.
func (h FloatParam) Get(c *Ctx) float64 {
	c.traced(useParam, KindFloat, h.b, h.id)
	return c.p.f[h.slot]
}

// GetUntraced returns the parameter's value like Get, without telling
// Build's tracer: see Float.GetUntraced.
func (h FloatParam) GetUntraced(c *Ctx) float64 { return c.p.f[h.slot] }

// IntParam is a handle to an int64 parameter.
type IntParam struct{ pref }

// Get returns the parameter's value in the current job.
func (h IntParam) Get(c *Ctx) int64 {
	c.traced(useParam, KindInt, h.b, h.id)
	return c.p.i[h.slot]
}

// BoolParam is a handle to a boolean parameter.
type BoolParam struct{ pref }

// Get returns the parameter's value in the current job.
func (h BoolParam) Get(c *Ctx) bool {
	c.traced(useParam, KindBool, h.b, h.id)
	return c.p.b[h.slot]
}

// StringParam is a handle to a string parameter.
type StringParam struct{ pref }

// Get returns the parameter's value in the current job.
func (h StringParam) Get(c *Ctx) string {
	c.traced(useParam, KindString, h.b, h.id)
	return c.p.s[h.slot]
}

// VecParam is a handle to a vector parameter.
type VecParam struct{ pref }

// Get returns the parameter's value in the current job. Read it, never
// write it.
func (h VecParam) Get(c *Ctx) []float64 {
	if c.tr != nil {
		c.tr.readParam(h.pref, KindVec)
	}
	return c.p.v[h.slot]
}

// ---------------------------------------------------------------- signals

// FloatSignal is a handle to a float64 signal.
type FloatSignal struct{ sref }

// Emit contributes v to the signal; call it from policies.
func (h FloatSignal) Emit(c *Ctx, v float64) {
	c.traced(useEmit, KindFloat, h.b, h.id)
	s := &c.e.sig
	i := h.slot
	if !s.fset[i] {
		s.f[i], s.fset[i] = v, true
		return
	}
	switch s.frule[i] {
	case Sum:
		s.f[i] += v
	case Product:
		s.f[i] *= v
	case Min:
		if v < s.f[i] {
			s.f[i] = v
		}
	case Max:
		if v > s.f[i] {
			s.f[i] = v
		}
	default: // Last
		s.f[i] = v
	}
}

// Get returns the aggregated value; call it from updates. A signal that no
// policy emitted in the current PSUB reads as 0.
func (h FloatSignal) Get(c *Ctx) float64 {
	c.traced(useSignal, KindFloat, h.b, h.id)
	return c.e.sig.f[h.slot]
}

// GetUntraced returns the signal's value like Get, without telling
// Build's tracer: see Float.GetUntraced.
func (h FloatSignal) GetUntraced(c *Ctx) float64 { return c.e.sig.f[h.slot] }

// IntSignal is a handle to an int64 signal.
type IntSignal struct{ sref }

// Emit contributes v to the signal; call it from policies.
func (h IntSignal) Emit(c *Ctx, v int64) {
	c.traced(useEmit, KindInt, h.b, h.id)
	s := &c.e.sig
	i := h.slot
	if !s.iset[i] {
		s.i[i], s.iset[i] = v, true
		return
	}
	switch s.irule[i] {
	case Sum:
		s.i[i] += v
	case Product:
		s.i[i] *= v
	case Min:
		s.i[i] = min(s.i[i], v)
	case Max:
		s.i[i] = max(s.i[i], v)
	default:
		s.i[i] = v
	}
}

// Get returns the aggregated value; 0 if no policy emitted it.
func (h IntSignal) Get(c *Ctx) int64 {
	c.traced(useSignal, KindInt, h.b, h.id)
	return c.e.sig.i[h.slot]
}

// VecSignal is a handle to a vector signal.
type VecSignal struct{ sref }

// Emit contributes v (copied) to the signal; call it from policies. With
// the Sum rule every emitted vector must have the same length.
func (h VecSignal) Emit(c *Ctx, v []float64) {
	if c.tr != nil {
		c.tr.emit(h.sref, KindVec)
	}
	s := &c.e.sig
	i := h.slot
	if !s.vset[i] {
		s.v[i], s.vset[i] = append(s.v[i][:0], v...), true
		return
	}
	switch s.vrule[i] {
	case Sum:
		acc := s.v[i]
		if len(acc) != len(v) {
			panic(vecLenError{signal: h.Name(), have: len(acc), got: len(v)})
		}
		for j, x := range v {
			acc[j] += x
		}
	case Concat:
		s.v[i] = append(s.v[i], v...)
	default:
		s.v[i] = append(s.v[i][:0], v...)
	}
}

// Get returns the aggregated vector, empty if no policy emitted it. Read it,
// never write or keep it.
func (h VecSignal) Get(c *Ctx) []float64 {
	if c.tr != nil {
		c.tr.readSignal(h.sref, KindVec)
	}
	return c.e.sig.v[h.slot]
}

// List is a handle to a signal that collects emitted values in policy order.
type List[T any] struct{ sref }

// Emit appends v to the list; call it from policies.
func (h List[T]) Emit(c *Ctx, v T) {
	if c.tr != nil {
		c.tr.emit(h.sref, KindList)
	}
	l := c.e.sig.c[h.slot].(*listCell[T])
	l.vals = append(l.vals, v)
}

// Get returns the values emitted in the current PSUB, empty if none. Read
// it, never write or keep it.
func (h List[T]) Get(c *Ctx) []T {
	if c.tr != nil {
		c.tr.readSignal(h.sref, KindList)
	}
	return c.e.sig.c[h.slot].(*listCell[T]).vals
}

// Signal is a handle to a signal of type T combined by a custom reducer.
type Signal[T any] struct{ sref }

// Emit folds v into the signal; call it from policies.
func (h Signal[T]) Emit(c *Ctx, v T) {
	if c.tr != nil {
		c.tr.emit(h.sref, KindCustom)
	}
	r := c.e.sig.c[h.slot].(*reducerCell[T])
	if !r.set {
		r.val, r.set = v, true
		return
	}
	r.val = r.reduce(r.val, v)
}

// Get returns the combined value, the zero T if no policy emitted it.
func (h Signal[T]) Get(c *Ctx) T {
	if c.tr != nil {
		c.tr.readSignal(h.sref, KindCustom)
	}
	return c.e.sig.c[h.slot].(*reducerCell[T]).val
}

// customSignal makes the per-engine storage of a generic signal.
type customSignal interface{ newCell() signalCell }

// signalCell is the per-engine storage of a list or custom signal.
type signalCell interface {
	reset()
	snapshot() (restore func()) // for tracer.run
}

type listSignal[T any] struct{}

func (listSignal[T]) newCell() signalCell { return &listCell[T]{} }

type listCell[T any] struct{ vals []T }

func (l *listCell[T]) reset() {
	clear(l.vals) // drop references held by the previous substep's values
	l.vals = l.vals[:0]
}

func (l *listCell[T]) snapshot() func() {
	n := len(l.vals)
	return func() {
		clear(l.vals[n:])
		l.vals = l.vals[:n]
	}
}

type reducerSignal[T any] struct{ reduce func(acc, v T) T }

func (r reducerSignal[T]) newCell() signalCell { return &reducerCell[T]{reduce: r.reduce} }

type reducerCell[T any] struct {
	val    T
	set    bool
	reduce func(acc, v T) T
}

func (r *reducerCell[T]) reset() {
	var zero T
	r.val, r.set = zero, false
}

func (r *reducerCell[T]) snapshot() func() {
	val, set := r.val, r.set
	return func() { r.val, r.set = val, set }
}

// ---------------------------------------------------------------- agents

// agentsType describes an agent record type: a Go struct (AgentsOf) or
// fields declared as data and stored by column (Builder.Records, with
// byColumn set and no goType).
type agentsType struct {
	goType   reflect.Type
	size     uintptr
	fields   []FieldInfo
	newCell  func() agentCell
	byColumn bool
}

// agentCell is the per-engine double buffer of an agent population.
type agentCell interface {
	init(records any)
	flip()
	current() (base unsafe.Pointer, n int)
	records() any
}

// agentBuf is the per-engine double buffer of an AgentsOf population.
type agentBuf[T any] struct {
	buf    [2][]T
	cur    int
	staged bool
	// stale is where the spare buffer differs from the current records:
	// the records the last commit of an Edit changed, or all of them.
	stale changes
	// dirty is what the open Edit changed in the spare buffer.
	dirty changes
	tx    AgentsTx[T]
	open_ bool // an Edit synced the spare buffer in this PSUB
	// alt is the buffer an Update fills while stale is not all (see dst).
	alt []T
}

func (a *agentBuf[T]) init(records any) {
	a.buf[0] = append(a.buf[0][:0], records.([]T)...)
	a.buf[1] = a.buf[1][:0]
	a.cur, a.staged, a.open_ = 0, false, false
	a.stale.setAll()
	a.dirty.reset()
}

// dst returns the buffer an Update's function fills: the spare buffer,
// or a third one while the spare is nearly equal to the current records
// (an Edit keeps it so), since an update that returns the current records
// unchanged may still have written its buffer.
func (a *agentBuf[T]) dst() []T {
	if a.stale.all {
		return a.buf[1-a.cur][:0]
	}
	if n := len(a.buf[a.cur]); cap(a.alt) < n {
		a.alt = make([]T, 0, max(n, cap(a.buf[1-a.cur])))
	}
	return a.alt[:0]
}

// stage makes r the next value, to become current when the PSUB ends.
func (a *agentBuf[T]) stage(r []T) {
	cur, spare := a.buf[a.cur], a.buf[1-a.cur]
	if len(r) > 0 && len(cur) > 0 && unsafe.SliceData(r) == unsafe.SliceData(cur) && len(r) == len(cur) {
		return // the current records, unchanged
	}
	switch {
	case cap(r) > 0 && cap(a.alt) > 0 && unsafe.SliceData(r) == unsafe.SliceData(a.alt):
		a.alt = spare[:0] // the third buffer becomes the spare
	case cap(r) == 0 || cap(spare) == 0 || unsafe.SliceData(r) != unsafe.SliceData(spare):
		r = append(spare[:0], r...) // not the spare buffer: copy (see stageVec)
	}
	a.buf[1-a.cur] = r
	a.staged = true
	a.stale.setAll() // the records that become the spare differ everywhere
}

func (a *agentBuf[T]) flip() {
	if a.open_ {
		a.open_ = false
		a.tx = AgentsTx[T]{}
		if a.dirty.all || len(a.dirty.ids) > 0 {
			a.staged = true
		}
		// The old current records become the spare buffer, stale where
		// the edit wrote (open reset stale).
		a.stale, a.dirty = a.dirty, a.stale
	}
	if a.staged {
		a.cur = 1 - a.cur
		a.staged = false
	}
}

func (a *agentBuf[T]) current() (unsafe.Pointer, int) {
	c := a.buf[a.cur]
	return unsafe.Pointer(unsafe.SliceData(c)), len(c)
}

func (a *agentBuf[T]) records() any { return a.buf[a.cur] }

// vecLenError is raised when vectors of different lengths are summed.
type vecLenError struct {
	signal    string
	have, got int
}

func (e vecLenError) Error() string {
	return "signal " + e.signal + ": sum of vectors of different lengths (" + strconv.Itoa(e.have) + " and " + strconv.Itoa(e.got) + ")"
}
