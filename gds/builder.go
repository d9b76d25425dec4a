package gds

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
)

// Builder declares a model: its variables, parameters, signals and PSUBs.
// Declaration methods never fail on their own; problems are collected and
// returned together by Build. A Builder builds one model; its handles are
// valid only with that model.
type Builder struct {
	name    string
	vars    []varDef
	params  []paramDef
	signals []signalDef
	psubs   []psubDef
	errs    []error
	built   bool
	nslots  [KindCustom + 1]int // slot counters per kind (vars)
	npslots [KindVec + 1]int    // slot counters per kind (params)
	nsslots [KindCustom + 1]int // slot counters per kind (signals)
	lagCnt  [KindVec + 1]int    // lag ring counters per kind
	scratch int                 // per-engine scratch vectors
	derived []derivedParam      // ParamDerived, in declaration order
	// declared holds the names of vars, params and signals by what they
	// are ("var", "param", "signal"): a scan per declaration was
	// quadratic in the model's size.
	declared map[[2]string]bool
}

// declare records a name of a kind of thing, reporting whether it was new.
func (b *Builder) declare(what, name string) bool {
	if b.declared == nil {
		b.declared = map[[2]string]bool{}
	}
	k := [2]string{what, name}
	if b.declared[k] {
		return false
	}
	b.declared[k] = true
	return true
}

type varDef struct {
	name   string
	kind   Kind
	slot   int32
	lags   int
	lagIdx int32
	doc    string
	init   any         // float64, int64, bool, string, []float64, or agents init
	agents *agentsType // KindAgents only
	graph  *graphType  // KindGraph only
	// nonFinite admits NaN and ±Inf as the initial value (AllowNonFinite).
	nonFinite bool
}

type paramDef struct {
	name     string
	kind     Kind
	slot     int32
	def      any
	doc      string
	min, max *float64 // bounds of float and int parameters
	// nonFinite admits NaN and ±Inf as values (ParamAllowNonFinite).
	nonFinite bool
}

type signalDef struct {
	name   string
	kind   Kind
	slot   int32
	rule   Rule
	custom customSignal // KindList and KindCustom
}

type psubDef struct {
	name   string
	blocks []Block
}

// NewBuilder starts the declaration of a model with the given name.
func NewBuilder(name string) *Builder {
	b := &Builder{name: name}
	if err := checkIdent(name); err != nil {
		b.errorf("model name %q: %v", name, err)
	}
	return b
}

func (b *Builder) errorf(format string, args ...any) {
	b.errs = append(b.errs, fmt.Errorf(format, args...))
}

// VarOption configures a state variable.
type VarOption func(*varDef)

// Lags makes a variable keep its values at the end of the last k timesteps,
// readable with the handle's Lag method. Lags are bounded ring buffers.
func Lags(k int) VarOption { return func(v *varDef) { v.lags = k } }

// Doc attaches a one-line description to a variable or parameter, shown by
// diagrams and the model listing.
func Doc(text string) VarOption { return func(v *varDef) { v.doc = text } }

// AllowNonFinite admits NaN, +Inf and -Inf as a float or vector variable's
// initial value (its declared one and a config's). Without it they are a
// Build error and State.Set refuses them. It does not change what the
// engine's NaN check (on_nan) does with values the updates write.
func AllowNonFinite() VarOption { return func(v *varDef) { v.nonFinite = true } }

// reserved are the identifier columns of every dataset.
// timestepName is the timestep's name in expressions (gds/expr's t): a
// variable or parameter of that name would hide it.
const timestepName = "t"

var reserved = map[string]bool{"simulation": true, "subset": true, "run": true, "timestep": true, "substep": true}

func checkIdent(name string) error {
	if name == "" {
		return errors.New("empty name")
	}
	for i, r := range name {
		ok := r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (i > 0 && r >= '0' && r <= '9')
		if !ok {
			return fmt.Errorf("%q is not an identifier (letters, digits and _, not starting with a digit)", name)
		}
	}
	return nil
}

func (b *Builder) addVar(name string, kind Kind, init any, opts []VarOption) *varDef {
	v := varDef{name: name, kind: kind, init: init, lagIdx: -1}
	for _, o := range opts {
		o(&v)
	}
	if err := checkIdent(name); err != nil {
		b.errorf("state variable: %v", err)
	} else if reserved[name] {
		b.errorf("state variable %q: the name is reserved for the dataset's id columns", name)
	} else if name == timestepName {
		b.errorf("state variable %q: the name is the timestep's in expressions; choose another", name)
	}
	if !b.declare("var", name) {
		b.errorf("state variable %q declared twice", name)
	}
	if v.lags < 0 {
		b.errorf("state variable %q: lags must be >= 0, got %d", name, v.lags)
		v.lags = 0
	}
	if v.lags > 0 {
		switch kind {
		case KindFloat, KindInt, KindBool, KindString, KindVec:
			v.lagIdx = int32(b.lagCnt[kind])
			b.lagCnt[kind]++
		default:
			b.errorf("state variable %q: lags are not supported for %s variables", name, kind)
			v.lags = 0
		}
	}
	v.slot = int32(b.nslots[kind])
	b.nslots[kind]++
	b.vars = append(b.vars, v)
	return &b.vars[len(b.vars)-1]
}

func (b *Builder) ref(v *varDef) ref { return ref{b: b, id: int32(len(b.vars) - 1), slot: v.slot} }

// Float declares a float64 state variable with its initial value.
func (b *Builder) Float(name string, init float64, opts ...VarOption) Float {
	return Float{b.ref(b.addVar(name, KindFloat, init, opts))}
}

// Int declares an int64 state variable with its initial value.
func (b *Builder) Int(name string, init int64, opts ...VarOption) Int {
	return Int{b.ref(b.addVar(name, KindInt, init, opts))}
}

// Bool declares a boolean state variable with its initial value.
func (b *Builder) Bool(name string, init bool, opts ...VarOption) Bool {
	return Bool{b.ref(b.addVar(name, KindBool, init, opts))}
}

// String declares a string state variable with its initial value.
func (b *Builder) String(name string, init string, opts ...VarOption) String {
	return String{b.ref(b.addVar(name, KindString, init, opts))}
}

// Vec declares a vector state variable ([]float64 of any length) with its
// initial value, which is copied.
func (b *Builder) Vec(name string, init []float64, opts ...VarOption) Vec {
	return Vec{b.ref(b.addVar(name, KindVec, append([]float64(nil), init...), opts))}
}

// AgentsOf declares a population of agent records, a slice of the struct
// type T, with its initial records (copied). T's exported fields of kind
// float64, int64, int, bool and string become the fields of the agents
// column; a field tag `gds:"name"` renames one and `gds:"-"` hides it.
func AgentsOf[T any](b *Builder, name string, init []T, opts ...VarOption) Agents[T] {
	at, err := agentsTypeOf[T]()
	if err != nil {
		b.errorf("state variable %q: %v", name, err)
	}
	v := b.addVar(name, KindAgents, append([]T(nil), init...), opts)
	v.agents = at
	return Agents[T]{b.ref(v)}
}

func (b *Builder) addParam(name string, kind Kind, def any, doc []string) pref {
	if err := checkIdent(name); err != nil {
		b.errorf("parameter: %v", err)
	} else if reserved[name] {
		b.errorf("parameter %q: the name is reserved for the dataset's id columns", name)
	} else if name == timestepName {
		b.errorf("parameter %q: the name is the timestep's in expressions; choose another", name)
	}
	if !b.declare("param", name) {
		b.errorf("parameter %q declared twice", name)
	}
	p := paramDef{name: name, kind: kind, def: def, slot: int32(b.npslots[kind]), doc: strings.Join(doc, " ")}
	b.npslots[kind]++
	b.params = append(b.params, p)
	return pref{b: b, id: int32(len(b.params) - 1), slot: p.slot}
}

// derivedParam is a float parameter computed from the others
// (ParamDerived), in float slot slot.
type derivedParam struct {
	slot int32
	fn   func(*Ctx) float64
}

// ParamDerived declares a float parameter computed from the others by fn
// whenever a job's parameters are set (Model.Defaults, Params.Set): a
// value that depends on parameters and constants only, such as sqrt(dt),
// computed once instead of at every substep. It has no name: configs
// cannot set it, and Params, the manifest and the dataset do not show it.
// fn reads parameters through their handles (derived ones declared before
// it included) and nothing else: the Ctx it gets holds the parameters
// only. It must not panic. Blocks read the value through the returned
// handle like any parameter; the tracer does not see those reads, so a
// block reports the parameters fn reads instead (Block.Traces). The
// expression compiler declares these for the parameter-only parts of an
// expression.
func (b *Builder) ParamDerived(fn func(c *Ctx) float64) FloatParam {
	slot := int32(b.npslots[KindFloat])
	b.npslots[KindFloat]++
	b.derived = append(b.derived, derivedParam{slot: slot, fn: fn})
	return FloatParam{pref{b: b, id: -int32(len(b.derived)), slot: slot}}
}

// ParamBounds bounds the named float or int parameter: values below min or
// above max (either may be nil) are rejected by Params.Set, and a default
// outside them is a Build error.
func (b *Builder) ParamBounds(name string, min, max *float64) {
	for i := range b.params {
		p := &b.params[i]
		if p.name != name {
			continue
		}
		if p.kind != KindFloat && p.kind != KindInt {
			b.errorf("parameter %q: bounds apply to float and int parameters, not %s", name, p.kind)
			return
		}
		if min != nil && max != nil && *min > *max {
			b.errorf("parameter %q: min %v is above max %v", name, *min, *max)
			return
		}
		p.min, p.max = min, max
		if err := p.inBounds(p.def); err != nil {
			b.errorf("parameter %q: default %v", name, err)
		}
		return
	}
	b.errorf("bounds for parameter %q, which is not declared", name)
}

// ParamAllowNonFinite admits NaN, +Inf and -Inf as values of the named
// float or vector parameter: its default and the values Params.Set is
// given. Without it they are a Build error and Params.Set refuses them.
// Declared bounds still apply to the finite values (NaN is within any).
func (b *Builder) ParamAllowNonFinite(name string) {
	for i := range b.params {
		p := &b.params[i]
		if p.name != name {
			continue
		}
		if p.kind != KindFloat && p.kind != KindVec {
			b.errorf("parameter %q: only float and vector parameters can hold NaN or ±Inf, not %s", name, p.kind)
			return
		}
		p.nonFinite = true
		return
	}
	b.errorf("parameter %q, allowed non-finite values, is not declared", name)
}

// inBounds checks a converted value against the parameter's bounds, and
// that it is finite unless the parameter allows otherwise.
func (p *paramDef) inBounds(v any) error {
	if !p.nonFinite {
		if err := Finite(v); err != nil {
			return err
		}
	}
	var x float64
	switch t := v.(type) {
	case float64:
		x = t
	case int64:
		x = float64(t)
	default:
		return nil
	}
	if p.min != nil && x < *p.min {
		return fmt.Errorf("%v is below the minimum %v", v, *p.min)
	}
	if p.max != nil && x > *p.max {
		return fmt.Errorf("%v is above the maximum %v", v, *p.max)
	}
	return nil
}

// Finite rejects NaN and ±Inf in a float or a vector value (a Convert
// result; other kinds pass): a run cannot use them as parameters or
// initial values, and they would reach the dataset unnoticed with
// on_nan = "ignore". Loaders call it to report the value at its line.
func Finite(v any) error {
	switch t := v.(type) {
	case float64:
		if math.IsNaN(t) || math.IsInf(t, 0) {
			return fmt.Errorf("%v is not a finite number", t)
		}
	case []float64:
		for i, x := range t {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return fmt.Errorf("element %d is %v, not a finite number", i, x)
			}
		}
	}
	return nil
}

// ParamFloat declares a float64 parameter with its default value. An
// optional doc string describes it.
func (b *Builder) ParamFloat(name string, def float64, doc ...string) FloatParam {
	return FloatParam{b.addParam(name, KindFloat, def, doc)}
}

// ParamInt declares an int64 parameter with its default value.
func (b *Builder) ParamInt(name string, def int64, doc ...string) IntParam {
	return IntParam{b.addParam(name, KindInt, def, doc)}
}

// ParamBool declares a boolean parameter with its default value.
func (b *Builder) ParamBool(name string, def bool, doc ...string) BoolParam {
	return BoolParam{b.addParam(name, KindBool, def, doc)}
}

// ParamString declares a string parameter with its default value.
func (b *Builder) ParamString(name string, def string, doc ...string) StringParam {
	return StringParam{b.addParam(name, KindString, def, doc)}
}

// ParamVec declares a vector parameter with its default value (copied).
func (b *Builder) ParamVec(name string, def []float64, doc ...string) VecParam {
	return VecParam{b.addParam(name, KindVec, append([]float64(nil), def...), doc)}
}

func (b *Builder) addSignal(name string, kind Kind, rule Rule, custom customSignal) sref {
	if err := checkIdent(name); err != nil {
		b.errorf("signal: %v", err)
	}
	if !b.declare("signal", name) {
		b.errorf("signal %q declared twice", name)
	}
	switch {
	case rule > Custom:
		b.errorf("signal %q: unknown aggregation rule %d", name, rule)
	case (rule == Append) != (kind == KindList) || (rule == Custom) != (kind == KindCustom):
		b.errorf("signal %q: rule %s does not apply to %s signals (append is for ListOf, custom for SignalOf)", name, rule, kind)
	case rule == Concat && kind != KindVec:
		b.errorf("signal %q: rule concat applies to vector signals only", name)
	case kind == KindVec && (rule == Product || rule == Min || rule == Max):
		b.errorf("signal %q: rule %s is not defined for vector signals (use sum, last or concat)", name, rule)
	}
	ctr := kind
	if kind == KindCustom {
		// List and custom signals share one slice of cells per engine,
		// which their handles index by slot: they share one counter.
		ctr = KindList
	}
	s := signalDef{name: name, kind: kind, rule: rule, custom: custom, slot: int32(b.nsslots[ctr])}
	b.nsslots[ctr]++
	b.signals = append(b.signals, s)
	return sref{b: b, id: int32(len(b.signals) - 1), slot: s.slot}
}

// FloatSignal declares a float64 signal aggregated by rule.
func (b *Builder) FloatSignal(name string, rule Rule) FloatSignal {
	return FloatSignal{b.addSignal(name, KindFloat, rule, nil)}
}

// IntSignal declares an int64 signal aggregated by rule.
func (b *Builder) IntSignal(name string, rule Rule) IntSignal {
	return IntSignal{b.addSignal(name, KindInt, rule, nil)}
}

// VecSignal declares a vector signal aggregated by rule: Sum adds element
// by element (lengths must agree), Last keeps the last, Concat joins.
func (b *Builder) VecSignal(name string, rule Rule) VecSignal {
	return VecSignal{b.addSignal(name, KindVec, rule, nil)}
}

// ListOf declares a signal that collects every value emitted in a PSUB, in
// policy order (the append rule). The list's storage is reused from substep
// to substep.
func ListOf[T any](b *Builder, name string) List[T] {
	return List[T]{b.addSignal(name, KindList, Append, listSignal[T]{})}
}

// SignalOf declares a signal of any type combined by a custom reducer:
// the first emitted value is kept, and each later one is folded in with
// reduce(acc, v), in policy order.
func SignalOf[T any](b *Builder, name string, reduce func(acc, v T) T) Signal[T] {
	if reduce == nil {
		b.errorf("signal %q: nil reducer", name)
	}
	return Signal[T]{b.addSignal(name, KindCustom, Custom, reducerSignal[T]{reduce: reduce})}
}

// PSUB appends a partial state update block with the given policies and
// updates. Blocks may be given in any order; policies run in the order
// given, and so do updates.
func (b *Builder) PSUB(name string, blocks ...Block) {
	if err := checkIdent(name); err != nil {
		b.errorf("PSUB %d: %v", len(b.psubs)+1, err)
	}
	for _, p := range b.psubs {
		if p.name == name {
			b.errorf("PSUB %q declared twice", name)
		}
	}
	b.psubs = append(b.psubs, psubDef{name: name, blocks: blocks})
}

// agentsTypeOf describes the exported fields of T for output and checks.
func agentsTypeOf[T any]() (*agentsType, error) {
	t := reflect.TypeFor[T]()
	if t.Kind() != reflect.Struct {
		return nil, fmt.Errorf("agent records must be structs, got %s", t)
	}
	at := &agentsType{goType: t, size: t.Size(), newCell: func() agentCell { return &agentBuf[T]{} }}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name := f.Name
		if tag, ok := f.Tag.Lookup("gds"); ok {
			if tag == "-" {
				continue
			}
			name = tag
		} else {
			name = snake(name)
		}
		var k Kind
		switch f.Type.Kind() {
		case reflect.Float64:
			k = KindFloat
		case reflect.Int64, reflect.Int:
			k = KindInt
		case reflect.Bool:
			k = KindBool
		case reflect.String:
			k = KindString
		default:
			return nil, fmt.Errorf("agent field %s.%s has type %s; want float64, int64, int, bool or string (tag it `gds:\"-\"` to hide it)", t.Name(), f.Name, f.Type)
		}
		at.fields = append(at.fields, FieldInfo{Name: name, Kind: k, offset: f.Offset, goKind: f.Type.Kind()})
	}
	return at, nil
}

// snake turns CamelCase into snake_case.
func snake(s string) string {
	var out []rune
	rs := []rune(s)
	for i, r := range rs {
		if r >= 'A' && r <= 'Z' {
			if i > 0 && (rs[i-1] >= 'a' && rs[i-1] <= 'z' || i+1 < len(rs) && rs[i+1] >= 'a' && rs[i+1] <= 'z') {
				out = append(out, '_')
			}
			r += 'a' - 'A'
		}
		out = append(out, r)
	}
	return string(out)
}

// Scratch is a handle to a vector buffer that every engine keeps for
// itself: a block (or a compiled expression) can build intermediate vectors
// in it without allocating and without sharing memory with the engines of
// other workers. The buffer keeps its capacity from substep to substep.
type Scratch struct{ slot int32 }

// Scratch reserves a per-engine scratch vector.
func (b *Builder) Scratch() Scratch {
	b.scratch++
	return Scratch{slot: int32(b.scratch - 1)}
}

// Buf returns the engine's buffer; the caller may reslice and grow it.
func (h Scratch) Buf(c *Ctx) *[]float64 { return &c.e.scratch[h.slot] }
