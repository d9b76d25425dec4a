package gds

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
)

// Model is a built, immutable model. It is safe for concurrent use; each
// goroutine runs jobs with its own Engine.
type Model struct {
	name    string
	b       *Builder
	vars    []VarInfo
	params  []ParamInfo
	signals []SignalInfo
	psubs   []psubPlan
	shape   [KindCustom + 1]int // var slot counts per kind
	pshape  [KindVec + 1]int    // param slot counts per kind
	sshape  [KindCustom + 1]int // signal slot counts per kind
	lagged  []int32             // ids of variables with lags
	struc   []PSUBInfo
	hash    string
}

// VarInfo describes a state variable.
type VarInfo struct {
	Name   string
	Kind   Kind
	Slot   int         // index into the row's storage of the kind
	Lags   int         // timesteps of history kept
	Doc    string      // description, if any
	Fields []FieldInfo // agent record fields (KindAgents), node record fields (KindGraph)
	// AllowNonFinite reports that the initial value may be NaN or ±Inf
	// (gds.AllowNonFinite).
	AllowNonFinite bool
	// EdgeFields are the edge record fields of a graph (KindGraph).
	EdgeFields []FieldInfo
}

// FieldInfo describes a field of an agent record.
type FieldInfo struct {
	Name   string
	Kind   Kind   // KindFloat, KindInt, KindBool or KindString
	Doc    string // the description of a field declared with Records, if any
	offset uintptr
	goKind reflect.Kind // of the Go field
}

// ParamInfo describes a parameter.
type ParamInfo struct {
	Name     string
	Kind     Kind
	Default  any // float64, int64, bool, string or []float64
	Doc      string
	Min, Max *float64 // bounds, if any (float and int parameters)
	// AllowNonFinite reports that values may be NaN or ±Inf
	// (Builder.ParamAllowNonFinite).
	AllowNonFinite bool
}

// SignalInfo describes a signal.
type SignalInfo struct {
	Name string
	Kind Kind
	Rule Rule // for float, int and vector signals
}

// PSUBInfo is the traced structure of one PSUB.
type PSUBInfo struct {
	Name   string
	Blocks []BlockInfo
}

// BlockInfo is what one block reads and writes, found by tracing.
type BlockInfo struct {
	Name       string
	Policy     bool     // a policy (else a state update)
	Reads      []string // state variables read (including lags)
	Lags       []string // state variables read through lags, as name[k]
	Params     []string // parameters read
	SignalsIn  []string // signals read (updates)
	SignalsOut []string // signals emitted (policies)
	Writes     string   // the variable written (updates)
}

type psubPlan struct {
	name     string
	other    bool         // updates of a kind other than float: the run loop skips those stages for the common all-float PSUB
	blocks   []*blockMeta // by declaration position; the engine names the running block by position+1
	policies []policyPlan
	fU       []updF
	fSlots   []int32 // fU's slots, for the commit
	iU       []updI
	bU       []updB
	sU       []updS
	vU       []updV
	aU       []updA
	gU       []updA
}

// blockMeta identifies a block for tracing and errors.
type blockMeta struct {
	name   string
	policy bool
	idx    int        // position in the PSUB's declaration
	trace  func(*Ctx) // Block.Traces: run before the block when tracing
}

// ref is the block's number in the engine's "running block" field:
// position+1, 0 for none. An integer, not the *blockMeta, so that setting it
// per block per substep costs no GC write barrier.
func (b *blockMeta) ref() int32 { return int32(b.idx) + 1 }

func (b *blockMeta) String() string {
	if b.policy {
		return "policy " + strconv.Quote(b.name)
	}
	return "update " + strconv.Quote(b.name)
}

// policyPlan and updF carry the block's ref beside its meta: the run loop
// sets the running block from it without a load through the pointer.
type policyPlan struct {
	fn   func(*Ctx)
	ref  int32
	name *blockMeta
}

type updF struct {
	fn   func(*Ctx) float64
	ref  int32
	slot int32
	v    int32
	name *blockMeta
}
type updI struct {
	slot int32
	name *blockMeta
	fn   func(*Ctx) int64
}
type updB struct {
	slot int32
	name *blockMeta
	fn   func(*Ctx) bool
}
type updS struct {
	slot int32
	name *blockMeta
	fn   func(*Ctx) string
}
type updV struct {
	slot int32
	name *blockMeta
	v    int32
	fn   func(*Ctx, []float64) []float64
}
type updA struct {
	slot int32
	name *blockMeta
	fn   func(*Ctx)
}

// Name returns the model's name.
func (m *Model) Name() string { return m.name }

// Vars returns the state variables in declaration order.
func (m *Model) Vars() []VarInfo { return m.vars }

// Params returns the parameters in declaration order.
func (m *Model) Params() []ParamInfo { return m.params }

// Signals returns the signals in declaration order.
func (m *Model) Signals() []SignalInfo { return m.signals }

// PSUBs returns the number of partial state update blocks per timestep.
func (m *Model) PSUBs() int { return len(m.psubs) }

// Structure returns each PSUB's blocks with what they read and write.
func (m *Model) Structure() []PSUBInfo { return m.struc }

// Hash returns a digest of the model's structure: variables, parameters,
// signals, PSUBs and the traced reads and writes of every block. Two builds
// of the same model have the same hash.
func (m *Model) Hash() string { return m.hash }

// Var returns the variable with the given name.
func (m *Model) Var(name string) (VarInfo, bool) {
	for _, v := range m.vars {
		if v.Name == name {
			return v, true
		}
	}
	return VarInfo{}, false
}

// Param returns the parameter with the given name.
func (m *Model) Param(name string) (ParamInfo, bool) {
	for _, p := range m.params {
		if p.Name == name {
			return p, true
		}
	}
	return ParamInfo{}, false
}

// BuildError lists every structural problem Build found.
type BuildError struct {
	Model    string
	Problems []error
}

func (e *BuildError) Error() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "model %q: ", e.Model)
	if len(e.Problems) > 1 {
		fmt.Fprintf(&sb, "%d problems:", len(e.Problems))
		for _, p := range e.Problems {
			sb.WriteString("\n  - ")
			sb.WriteString(p.Error())
		}
		return sb.String()
	}
	sb.WriteString(e.Problems[0].Error())
	return sb.String()
}

// Unwrap returns the problems.
func (e *BuildError) Unwrap() []error { return e.Problems }

// Build checks the declaration and returns the model. The error, a
// *BuildError, lists every problem found.
func (b *Builder) Build() (*Model, error) {
	if b.built {
		return nil, &BuildError{Model: b.name, Problems: []error{errors.New("Build called twice on one builder")}}
	}
	b.built = true
	m := &Model{name: b.name, b: b}
	errs := append([]error(nil), b.errs...)
	if len(b.psubs) == 0 {
		errs = append(errs, errors.New("the model has no PSUBs"))
	}
	copy(m.shape[:], b.nslots[:])
	copy(m.pshape[:], b.npslots[:])
	copy(m.sshape[:], b.nsslots[:])
	for i, v := range b.vars {
		vi := VarInfo{Name: v.name, Kind: v.kind, Slot: int(v.slot), Lags: v.lags, Doc: v.doc, AllowNonFinite: v.nonFinite}
		if !v.nonFinite && (v.kind == KindFloat || v.kind == KindVec) {
			if err := Finite(v.init); err != nil {
				errs = append(errs, fmt.Errorf("state variable %q: initial value %v (a variable declared with gds.AllowNonFinite may hold it)", v.name, err))
			}
		}
		if v.agents != nil {
			vi.Fields = v.agents.fields
		}
		if v.graph != nil && v.graph.nodes != nil && v.graph.edges != nil {
			vi.Fields, vi.EdgeFields = v.graph.nodes.fields, v.graph.edges.fields
		}
		m.vars = append(m.vars, vi)
		if v.lags > 0 {
			m.lagged = append(m.lagged, int32(i))
		}
	}
	for _, p := range b.params {
		m.params = append(m.params, ParamInfo{Name: p.name, Kind: p.kind, Default: p.def, Doc: p.doc, Min: p.min, Max: p.max, AllowNonFinite: p.nonFinite})
		if !p.nonFinite {
			if err := Finite(p.def); err != nil {
				errs = append(errs, fmt.Errorf("parameter %q: default %v (a parameter declared with ParamAllowNonFinite may hold it)", p.name, err))
			}
		}
		if _, clash := m.Var(p.name); clash {
			errs = append(errs, fmt.Errorf("parameter %q has the name of a state variable; both would be dataset columns", p.name))
		}
	}
	for _, s := range b.signals {
		m.signals = append(m.signals, SignalInfo{Name: s.name, Kind: s.kind, Rule: s.rule})
	}
	for _, ps := range b.psubs {
		plan, perrs := b.plan(ps)
		m.psubs = append(m.psubs, plan)
		errs = append(errs, perrs...)
	}
	if len(errs) > 0 {
		return nil, &BuildError{Model: b.name, Problems: errs}
	}
	if terrs := m.trace(); len(terrs) > 0 {
		return nil, &BuildError{Model: b.name, Problems: terrs}
	}
	m.hash = m.digest()
	return m, nil
}

// plan resolves one PSUB's blocks to typed slots and checks its writers.
func (b *Builder) plan(ps psubDef) (psubPlan, []error) {
	var errs []error
	p := psubPlan{name: ps.name}
	writer := map[int32]string{}
	names := map[string]bool{}
	for idx, bl := range ps.blocks {
		meta := &blockMeta{name: bl.name, policy: bl.kind == blockPolicy, idx: idx, trace: bl.trace}
		p.blocks = append(p.blocks, meta)
		where := func(Block) string { return fmt.Sprintf("PSUB %q, %s", ps.name, meta) }
		if bl.kind == blockPolicy {
			if names[bl.name] {
				errs = append(errs, fmt.Errorf("PSUB %q: two policies named %q", ps.name, bl.name))
			}
			names[bl.name] = true
		}
		for _, s := range bl.emits {
			if s.b != b {
				errs = append(errs, fmt.Errorf("%s: declares signal %q of another model", where(bl), s.Name()))
			}
		}
		switch bl.kind {
		case blockPolicy:
			if bl.policy == nil {
				errs = append(errs, fmt.Errorf("%s: nil policy function", where(bl)))
				continue
			}
			p.policies = append(p.policies, policyPlan{name: meta, ref: meta.ref(), fn: bl.policy})
		case blockUpdate:
			t := bl.target
			if t.b != b {
				errs = append(errs, fmt.Errorf("%s: updates variable %q of another model", where(bl), t.Name()))
				continue
			}
			v := b.vars[t.id]
			if v.kind != bl.vkind {
				errs = append(errs, fmt.Errorf("%s: a %s update used with %s variable %q", where(bl), bl.vkind, v.kind, v.name))
				continue
			}
			if prev, dup := writer[t.id]; dup {
				errs = append(errs, fmt.Errorf("PSUB %q: variable %q is written by two updates, %q and %q", ps.name, v.name, prev, bl.name))
				continue
			}
			writer[t.id] = bl.name
			nilFn := false
			switch v.kind {
			case KindFloat:
				nilFn = bl.fnF == nil
				p.fU = append(p.fU, updF{slot: v.slot, name: meta, ref: meta.ref(), v: t.id, fn: bl.fnF})
			case KindInt:
				nilFn = bl.fnI == nil
				p.iU = append(p.iU, updI{slot: v.slot, name: meta, fn: bl.fnI})
			case KindBool:
				nilFn = bl.fnB == nil
				p.bU = append(p.bU, updB{slot: v.slot, name: meta, fn: bl.fnB})
			case KindString:
				nilFn = bl.fnS == nil
				p.sU = append(p.sU, updS{slot: v.slot, name: meta, fn: bl.fnS})
			case KindVec:
				nilFn = bl.fnV == nil
				p.vU = append(p.vU, updV{slot: v.slot, name: meta, v: t.id, fn: bl.fnV})
			case KindAgents:
				nilFn = bl.fnA == nil
				p.aU = append(p.aU, updA{slot: v.slot, name: meta, fn: bl.fnA})
			case KindGraph:
				nilFn = bl.fnA == nil
				p.gU = append(p.gU, updA{slot: v.slot, name: meta, fn: bl.fnA})
			}
			if nilFn {
				errs = append(errs, fmt.Errorf("%s: nil update function", where(bl)))
			}
		default:
			errs = append(errs, fmt.Errorf("PSUB %q: a zero Block (make blocks with gds.Policy or a handle's Update)", ps.name))
		}
	}
	for _, u := range p.fU {
		p.fSlots = append(p.fSlots, u.slot)
	}
	p.other = len(p.iU)+len(p.bU)+len(p.sU)+len(p.vU)+len(p.aU)+len(p.gU) > 0
	return p, errs
}

// digest hashes the model's declaration and traced structure.
func (m *Model) digest() string {
	h := sha256.New()
	fmt.Fprintf(h, "model %s\n", m.name)
	for _, v := range m.b.vars {
		fmt.Fprintf(h, "var %s %s lags=%d init=%v\n", v.name, v.kind, v.lags, v.init)
		if v.nonFinite {
			fmt.Fprintf(h, "  allow nonfinite\n")
		}
		if v.agents != nil {
			for _, f := range v.agents.fields {
				fmt.Fprintf(h, "  field %s %s\n", f.Name, f.Kind)
			}
		}
		if v.graph != nil && v.graph.nodes != nil && v.graph.edges != nil {
			for _, f := range v.graph.nodes.fields {
				fmt.Fprintf(h, "  node field %s %s\n", f.Name, f.Kind)
			}
			for _, f := range v.graph.edges.fields {
				fmt.Fprintf(h, "  edge field %s %s\n", f.Name, f.Kind)
			}
		}
	}
	for _, p := range m.params {
		fmt.Fprintf(h, "param %s %s default=%v min=%v max=%v\n", p.Name, p.Kind, p.Default, deref(p.Min), deref(p.Max))
		if p.AllowNonFinite {
			fmt.Fprintf(h, "  allow nonfinite\n")
		}
	}
	for _, s := range m.signals {
		fmt.Fprintf(h, "signal %s %s %s\n", s.Name, s.Kind, s.Rule)
	}
	for _, ps := range m.struc {
		fmt.Fprintf(h, "psub %s\n", ps.Name)
		for _, bl := range ps.Blocks {
			fmt.Fprintf(h, "  block %s policy=%v reads=%v lags=%v params=%v in=%v out=%v writes=%s\n",
				bl.Name, bl.Policy, bl.Reads, bl.Lags, bl.Params, bl.SignalsIn, bl.SignalsOut, bl.Writes)
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

func sortedKeys(set map[string]bool) []string {
	if len(set) == 0 {
		return nil
	}
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}
