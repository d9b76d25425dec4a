package gds

import (
	"context"
	"errors"
	"fmt"
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
	t := &tracer{m: m, e: e, seen: map[string]bool{}}
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
		var hooked []*blockMeta
		for _, b := range ps.blocks {
			if b.trace != nil {
				hooked = append(hooked, b)
			}
		}
		if len(hooked) == 0 {
			continue
		}
		step := policyPlan{name: hooked[0], fn: func(c *Ctx) {
			for _, b := range hooked {
				c.e.block = b.ref()
				b.trace(c)
			}
		}}
		ps.policies = append([]policyPlan{step}, ps.policies...)
	}
	return &mt
}
