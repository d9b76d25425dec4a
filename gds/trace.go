package gds

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
)

// tracer records what each block reads and writes while Build runs one
// timestep of the model on its defaults. It is nil during normal runs.
type tracer struct {
	m      *Model
	e      *Engine
	blocks [][]*blockTrace // by PSUB, then block declaration index
	errs   []error
	seen   map[string]bool // error messages already reported

	// log holds the uses of scalar handles by the running block, n of
	// them: see Ctx.traced and tracer.run.
	b   *Builder // the model's
	log []traceUse
	n   int

	saved traceState // the engine's state before the running block (run)
}

// traceState is what a block may change of the engine's state, saved so
// that tracer.run can run the block again: the random stream and the
// signals. Its slices are reused from block to block.
type traceState struct {
	pcg              rand.PCG
	f                []float64
	fset, iset, vset []bool
	i                []int64
	v                [][]float64
	cells            []func()
}

// use is what a block did with a handle, as the tracer's log records it.
type use uint8

const (
	useVar    use = iota // read a variable
	useParam             // read a parameter
	useSignal            // read a signal
	useEmit              // emitted a signal
)

// traceUse is an entry of the tracer's log: the running block used the
// model's handle id of the given kind. It holds no pointer: storing one
// would be a write barrier, a call.
type traceUse struct {
	id   int32
	use  use
	kind Kind
}

// traceStop is what a handle panics with while tracing when the tracer's
// log is full or the handle is another model's (or a zero handle).
type traceStop struct {
	b    *Builder
	id   int32
	use  use
	kind Kind
}

// traceLogLen is the tracer's first log length; tracer.run doubles it for
// a block that uses more handles in one call.
const traceLogLen = 1024

// traced logs a use of a handle while Build traces the model; the scalar
// handles' Get and Emit begin with it. It is inlined, and it stores
// without calling anything: a call on the path (even one runs never take,
// behind c.tr != nil) makes the compiler spill a block's values to the
// stack at every read, which cost pp's Go model 18% of its instructions.
// A panic does not: nothing after it needs the values. When the log is
// full, or the handle is not the model's, it panics, and tracer.run runs
// the block again with a longer log, or reports the handle.
func (c *Ctx) traced(u use, k Kind, b *Builder, id int32) {
	if t := c.tr; t != nil {
		if b != t.b || t.n == len(t.log) {
			panic(traceStop{b: b, id: id, use: u, kind: k})
		}
		t.log[t.n] = traceUse{id: id, use: u, kind: k}
		t.n++
	}
}

// run calls fn, one block, while tracing, then checks and records the uses
// its log holds, with the block still the running one (also when it
// panics: then the panic goes on after). If the log fills up, the
// engine's random stream and signals go back to what they were before the
// block and it runs again with a log twice as long. (State that the block
// keeps itself, or an agents transaction, is not rolled back: tracing
// sees the reads of a run, not its values.)
//
// A block that uses a handle of another model stops there: the use is
// reported (and Build fails), and the block returns zero values.
func (t *tracer) run(fn func()) { t.rerun(fn, true) }

// runReads is run for a trace hook (Block.Traces), which only reads: a
// hook run again needs nothing restored, so nothing is saved.
func (t *tracer) runReads(fn func()) { t.rerun(fn, false) }

func (t *tracer) rerun(fn func(), restore bool) {
	if restore {
		t.save()
	}
	for {
		stop, p := t.attempt(fn)
		if stop != nil && stop.b == t.b { // the log is full
			t.log = make([]traceUse, 2*len(t.log))
			if restore {
				t.restore()
			}
			continue
		}
		for _, u := range t.log[:t.n] {
			t.record(t.b, u.id, u.use, u.kind)
		}
		t.n = 0
		if stop != nil {
			t.record(stop.b, stop.id, stop.use, stop.kind)
		}
		if p != nil {
			panic(p)
		}
		return
	}
}

// attempt calls fn with an empty log. It returns the handle's traceStop if
// one stopped fn, and the value of any other panic.
func (t *tracer) attempt(fn func()) (stop *traceStop, p any) {
	t.n = 0
	defer func() {
		if r := recover(); r != nil {
			if s, ok := r.(traceStop); ok {
				stop = &s
			} else {
				p = r
			}
		}
	}()
	fn()
	return nil, nil
}

// record checks and records one use of a handle.
func (t *tracer) record(b *Builder, id int32, u use, k Kind) {
	switch u {
	case useVar:
		t.readVar(ref{b: b, id: id}, k)
	case useParam:
		t.readParam(pref{b: b, id: id}, k)
	case useSignal:
		t.readSignal(sref{b: b, id: id}, k)
	case useEmit:
		t.emit(sref{b: b, id: id}, k)
	}
}

// save copies the engine's random stream and signals into t.saved.
func (t *tracer) save() {
	e, st := t.e, &t.saved
	s := &e.sig
	st.pcg = e.pcg
	st.f, st.fset = append(st.f[:0], s.f...), append(st.fset[:0], s.fset...)
	st.i, st.iset = append(st.i[:0], s.i...), append(st.iset[:0], s.iset...)
	st.vset = append(st.vset[:0], s.vset...)
	for len(st.v) < len(s.v) {
		st.v = append(st.v, nil)
	}
	for k := range s.v {
		st.v[k] = append(st.v[k][:0], s.v[k]...)
	}
	st.cells = st.cells[:0]
	for _, c := range s.c {
		st.cells = append(st.cells, c.snapshot())
	}
}

// restore makes the engine's random stream and signals what save found.
func (t *tracer) restore() {
	e, st := t.e, &t.saved
	s := &e.sig
	e.pcg = st.pcg
	copy(s.f, st.f)
	copy(s.fset, st.fset)
	copy(s.i, st.i)
	copy(s.iset, st.iset)
	copy(s.vset, st.vset)
	for k := range s.v {
		s.v[k] = append(s.v[k][:0], st.v[k]...)
	}
	for _, r := range st.cells {
		r()
	}
}

type blockTrace struct {
	policy                          bool
	reads, lags, params, sigIn, out map[string]bool
}

func newBlockTrace(policy bool) *blockTrace {
	return &blockTrace{policy: policy, reads: map[string]bool{}, lags: map[string]bool{},
		params: map[string]bool{}, sigIn: map[string]bool{}, out: map[string]bool{}}
}

// traceSite names the block being traced, as "PSUB "name", block ...",
// formatted only when an error needs it: every read of a traced block
// passes one, and formatting each made tracing a large expression slow.
type traceSite struct {
	psub string
	b    *blockMeta
}

func (s traceSite) String() string { return fmt.Sprintf("PSUB %q, %s", s.psub, s.b) }

func (t *tracer) current() (*blockTrace, traceSite) {
	e := t.e
	b := e.runningBlock()
	if b == nil {
		return nil, traceSite{}
	}
	return t.blocks[e.psub][b.idx], traceSite{t.m.psubs[e.psub].name, b}
}

func (t *tracer) fail(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if !t.seen[msg] {
		t.seen[msg] = true
		t.errs = append(t.errs, errors.New(msg))
	}
}

func (t *tracer) readVar(r ref, kind Kind) {
	bt, where := t.current()
	if bt == nil {
		return
	}
	if r.b != t.m.b {
		t.fail("%s: reads variable %q through a handle of another model", where, r.Name())
		return
	}
	if v := t.m.b.vars[r.id]; v.kind != kind {
		t.fail("%s: reads %s variable %q through a %s handle", where, v.kind, v.name, kind)
		return
	}
	bt.reads[r.Name()] = true
}

func (t *tracer) readLag(r ref, kind Kind, k int) {
	t.readVar(r, kind)
	if bt, _ := t.current(); bt != nil && r.b == t.m.b {
		bt.lags[fmt.Sprintf("%s[%d]", r.Name(), k)] = true
	}
}

func (t *tracer) readParam(r pref, kind Kind) {
	bt, where := t.current()
	if bt == nil || r.id < 0 && r.b == t.m.b {
		return // a derived parameter: its block reports what it is derived from
	}
	if r.b != t.m.b {
		t.fail("%s: reads parameter %q through a handle of another model", where, r.Name())
		return
	}
	if p := t.m.b.params[r.id]; p.kind != kind {
		t.fail("%s: reads %s parameter %q through a %s handle", where, p.kind, p.name, kind)
		return
	}
	bt.params[r.Name()] = true
}

func (t *tracer) signal(r sref, kind Kind, where traceSite) bool {
	if r.b != t.m.b {
		t.fail("%s: uses signal %q of another model", where, r.Name())
		return false
	}
	if s := t.m.b.signals[r.id]; s.kind != kind {
		t.fail("%s: uses %s signal %q through a %s handle", where, s.kind, s.name, kind)
		return false
	}
	return true
}

func (t *tracer) emit(r sref, kind Kind) {
	bt, where := t.current()
	if bt == nil {
		return
	}
	if !t.signal(r, kind, where) {
		return
	}
	if !bt.policy {
		t.fail("%s: an update emits signal %q; only policies emit signals", where, r.Name())
		return
	}
	bt.out[r.Name()] = true
}

func (t *tracer) readSignal(r sref, kind Kind) {
	bt, where := t.current()
	if bt == nil {
		return
	}
	if !t.signal(r, kind, where) {
		return
	}
	if bt.policy {
		t.fail("%s: a policy reads signal %q; signals are read by updates of the same PSUB", where, r.Name())
		return
	}
	bt.sigIn[r.Name()] = true
}

// traceSteps is how many timesteps Build traces.
const traceSteps = 12

type discard struct{}

func (discard) Record(*Row) error { return nil }

// trace runs the first traceSteps timesteps with tracing on, checks signal flow and fills
// m.struc.
func (m *Model) trace() []error {
	e := m.traced().NewEngine()
	t := &tracer{m: m, e: e, seen: map[string]bool{}, b: m.b, log: make([]traceUse, traceLogLen)}
	for _, ps := range m.b.psubs {
		var bts []*blockTrace
		for _, bl := range ps.blocks {
			bt := newBlockTrace(bl.kind == blockPolicy)
			for _, s := range bl.emits {
				bt.out[s.Name()] = true
			}
			bts = append(bts, bt)
		}
		t.blocks = append(t.blocks, bts)
	}
	e.tr, e.ctx.tr = t, t
	// Several timesteps, so that blocks that act only on some timesteps
	// (every 2nd, every 3rd, ...) show what they read when they act.
	job := &Job{Timesteps: traceSteps, Run: 1, Seed: [2]uint64{1, 2}, OnNaN: NaNIgnore}
	err := e.Run(context.Background(), job, discard{})
	e.tr, e.ctx.tr = nil, nil
	var be *BlockError
	if errors.As(err, &be) {
		t.errs = append(t.errs, fmt.Errorf("PSUB %q, %s: panicked while tracing the defaults (timestep %d): %v", be.PSUB, be.Block, be.Timestep, be.Value))
	} else if err != nil {
		t.errs = append(t.errs, fmt.Errorf("tracing the defaults: %w", err))
	}
	for pi, ps := range m.b.psubs {
		info := PSUBInfo{Name: ps.name}
		emitted := map[string]bool{}
		for bi, bl := range ps.blocks {
			if bl.kind == blockPolicy {
				for s := range t.blocks[pi][bi].out {
					emitted[s] = true
				}
			}
		}
		for bi, bl := range ps.blocks {
			bt := t.blocks[pi][bi]
			info1 := BlockInfo{Name: bl.name, Policy: bt.policy, Reads: sortedKeys(bt.reads), Lags: sortedKeys(bt.lags),
				Params: sortedKeys(bt.params), SignalsIn: sortedKeys(bt.sigIn), SignalsOut: sortedKeys(bt.out)}
			if bl.kind == blockUpdate {
				info1.Writes = bl.target.Name()
				for _, s := range info1.SignalsIn {
					if !emitted[s] {
						t.errs = append(t.errs, fmt.Errorf("PSUB %q: update %q reads signal %q, which no policy of the PSUB emits (declare conditional emits with Policy(...).Emits)", ps.name, bl.name, s))
					}
				}
			}
			info.Blocks = append(info.Blocks, info1)
		}
		m.struc = append(m.struc, info)
	}
	return t.errs
}

// traced returns a copy of m for the tracing engine: each PSUB with
// blocks that have a trace hook (Block.Traces) runs first a step that
// calls every hook with its block as the running one, so the reads the
// hooks report are their blocks'. The model itself runs without it.
func (m *Model) traced() *Model {
	mt := *m
	mt.psubs = slices.Clone(m.psubs)
	for k := range mt.psubs {
		ps := &mt.psubs[k]
		traceBlocks(ps)
		var hooked []*blockMeta
		for _, b := range ps.blocks {
			if b.trace != nil {
				hooked = append(hooked, b)
			}
		}
		if len(hooked) == 0 {
			continue
		}
		step := policyPlan{name: hooked[0], ref: hooked[0].ref(), fn: func(c *Ctx) {
			for _, b := range hooked {
				c.e.block = b.ref()
				c.tr.runReads(func() { b.trace(c) })
			}
		}}
		ps.policies = append([]policyPlan{step}, ps.policies...)
	}
	return &mt
}

// traceBlocks makes each block of a PSUB of the tracing model run through
// tracer.run.
func traceBlocks(ps *psubPlan) {
	ps.policies = slices.Clone(ps.policies)
	for j := range ps.policies {
		ps.policies[j].fn = tracedProc(ps.policies[j].fn)
	}
	ps.fU, ps.iU, ps.bU, ps.sU = slices.Clone(ps.fU), slices.Clone(ps.iU), slices.Clone(ps.bU), slices.Clone(ps.sU)
	for j := range ps.fU {
		ps.fU[j].fn = tracedFn(ps.fU[j].fn)
	}
	for j := range ps.iU {
		ps.iU[j].fn = tracedFn(ps.iU[j].fn)
	}
	for j := range ps.bU {
		ps.bU[j].fn = tracedFn(ps.bU[j].fn)
	}
	for j := range ps.sU {
		ps.sU[j].fn = tracedFn(ps.sU[j].fn)
	}
	ps.vU = slices.Clone(ps.vU)
	for j := range ps.vU {
		fn := ps.vU[j].fn
		ps.vU[j].fn = func(c *Ctx, dst []float64) (v []float64) { c.tr.run(func() { v = fn(c, dst) }); return v }
	}
	ps.aU, ps.gU = slices.Clone(ps.aU), slices.Clone(ps.gU)
	for j := range ps.aU {
		ps.aU[j].fn = tracedProc(ps.aU[j].fn)
	}
	for j := range ps.gU {
		ps.gU[j].fn = tracedProc(ps.gU[j].fn)
	}
}

// tracedFn returns an update's function run through tracer.run.
func tracedFn[T any](fn func(*Ctx) T) func(*Ctx) T {
	return func(c *Ctx) (v T) { c.tr.run(func() { v = fn(c) }); return v }
}

// tracedProc returns a policy's (or an agent or graph update's) function
// run through tracer.run.
func tracedProc(fn func(*Ctx)) func(*Ctx) {
	return func(c *Ctx) { c.tr.run(func() { fn(c) }) }
}
