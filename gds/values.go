package gds

import (
	"fmt"
	"math"
	"reflect"
	"sort"

	"github.com/statecraft/statecraft/internal/names"
)

// Params holds the value of every parameter of a model for one job.
type Params struct {
	m *Model
	f []float64
	i []int64
	b []bool
	s []string
	v [][]float64
}

// Defaults returns the model's parameters at their default values.
func (m *Model) Defaults() *Params {
	p := &Params{
		m: m,
		f: make([]float64, m.pshape[KindFloat]),
		i: make([]int64, m.pshape[KindInt]),
		b: make([]bool, m.pshape[KindBool]),
		s: make([]string, m.pshape[KindString]),
		v: make([][]float64, m.pshape[KindVec]),
	}
	for i, d := range m.b.params {
		p.store(i, d.def)
	}
	p.derive()
	return p
}

// derive computes the derived parameters (Builder.ParamDerived) from the
// others, in declaration order.
func (p *Params) derive() {
	if len(p.m.b.derived) == 0 {
		return
	}
	c := &Ctx{p: p}
	for _, d := range p.m.b.derived {
		p.f[d.slot] = d.fn(c)
	}
}

func (p *Params) store(id int, val any) {
	d := p.m.b.params[id]
	switch d.kind {
	case KindFloat:
		p.f[d.slot] = val.(float64)
	case KindInt:
		p.i[d.slot] = val.(int64)
	case KindBool:
		p.b[d.slot] = val.(bool)
	case KindString:
		p.s[d.slot] = val.(string)
	case KindVec:
		p.v[d.slot] = append([]float64(nil), val.([]float64)...)
	}
}

// Clone returns an independent copy.
func (p *Params) Clone() *Params {
	q := &Params{m: p.m,
		f: append([]float64(nil), p.f...),
		i: append([]int64(nil), p.i...),
		b: append([]bool(nil), p.b...),
		s: append([]string(nil), p.s...),
		v: make([][]float64, len(p.v)),
	}
	for i, v := range p.v {
		q.v[i] = append([]float64(nil), v...)
	}
	return q
}

// Set sets the named parameter from a config value: float64, int64 (or
// int), bool, string, or a []float64 / []any of numbers for vectors,
// converted by Convert (an integer is accepted for a float parameter, an
// integral float for an int parameter).
func (p *Params) Set(name string, val any) error {
	for id, d := range p.m.b.params {
		if d.name != name {
			continue
		}
		cv, err := Convert(val, d.kind)
		if err != nil {
			return fmt.Errorf("parameter %q: %w", name, err)
		}
		if err := d.inBounds(cv); err != nil {
			return fmt.Errorf("parameter %q: %w", name, err)
		}
		p.store(id, cv)
		p.derive()
		return nil
	}
	return fmt.Errorf("model %q has no parameter %q%s", p.m.name, name, names.Suggest(name, paramNames(p.m)))
}

// Get returns the named parameter's value (float64, int64, bool, string or
// []float64).
func (p *Params) Get(name string) (any, bool) {
	for _, d := range p.m.b.params {
		if d.name == name {
			switch d.kind {
			case KindFloat:
				return p.f[d.slot], true
			case KindInt:
				return p.i[d.slot], true
			case KindBool:
				return p.b[d.slot], true
			case KindString:
				return p.s[d.slot], true
			case KindVec:
				return p.v[d.slot], true
			}
		}
	}
	return nil, false
}

// State holds an initial value for every state variable of a model.
type State struct {
	m    *Model
	vals []any // by variable id
}

// InitialState returns the model's declared initial state.
func (m *Model) InitialState() *State {
	s := &State{m: m, vals: make([]any, len(m.b.vars))}
	for i, v := range m.b.vars {
		s.vals[i] = v.init
	}
	return s
}

// Clone returns a copy whose values can be set apart from s's.
func (s *State) Clone() *State {
	return &State{m: s.m, vals: append([]any(nil), s.vals...)}
}

// Set overrides the initial value of the named variable from a config value
// (see Params.Set for the conversions). Agent populations take a slice of
// the record type (Columns for Records), or a list of tables whose keys
// are field names.
func (s *State) Set(name string, val any) error {
	for id, v := range s.m.b.vars {
		if v.name != name {
			continue
		}
		var cv any
		var err error
		if v.kind == KindGraph {
			return fmt.Errorf("initial state %q: a graph variable's initial value is the model's (gds.GraphOf); configs cannot set it", name)
		}
		if v.kind == KindAgents {
			cv, err = convertAgents(val, v.agents)
		} else if cv, err = Convert(val, v.kind); err == nil && !v.nonFinite {
			err = Finite(cv)
		}
		if err != nil {
			return fmt.Errorf("initial state %q: %w", name, err)
		}
		s.vals[id] = cv
		return nil
	}
	return fmt.Errorf("model %q has no state variable %q%s", s.m.name, name, names.Suggest(name, varNames(s.m)))
}

// Get returns the named variable's initial value.
func (s *State) Get(name string) (any, bool) {
	for id, v := range s.m.b.vars {
		if v.name == name {
			return s.vals[id], true
		}
	}
	return nil, false
}

// Convert converts a config value to the Go value of the value kind k
// (see ValueKinds): float64, int64, bool, string or a fresh []float64. It
// takes what TOML decodes and Go callers pass: an int64 or int for a float
// or an int; a float64 for an int only if it is integral and within ±2^53,
// where floats hold integers exactly (3.0 is 3); and a []float64 or a
// []any of numbers for a vector. Its errors say "want X, got Y", naming the
// value as Describe does. Params.Set, State.Set and the model-file
// compiler all convert with it.
func Convert(val any, k Kind) (any, error) {
	switch k {
	case KindFloat:
		switch x := val.(type) {
		case float64:
			return x, nil
		case int64:
			return float64(x), nil
		case int:
			return float64(x), nil
		}
	case KindInt:
		switch x := val.(type) {
		case int64:
			return x, nil
		case int:
			return int64(x), nil
		case float64:
			if x != math.Trunc(x) {
				return nil, fmt.Errorf("want an integer, got %v", x)
			}
			if !(math.Abs(x) < 1<<53) {
				return nil, fmt.Errorf("want an integer, got %v (beyond ±2^53 a float is not an exact integer)", x)
			}
			return int64(x), nil
		}
	case KindBool:
		if x, ok := val.(bool); ok {
			return x, nil
		}
	case KindString:
		if x, ok := val.(string); ok {
			return x, nil
		}
	case KindVec:
		switch x := val.(type) {
		case []float64:
			return append([]float64(nil), x...), nil
		case []any:
			out := make([]float64, len(x))
			for i, e := range x {
				f, err := Convert(e, KindFloat)
				if err != nil {
					return nil, fmt.Errorf("element %d: %w", i, err)
				}
				out[i] = f.(float64)
			}
			return out, nil
		}
	default:
		return nil, fmt.Errorf("gds: cannot convert to %s, which is not a value kind", k)
	}
	return nil, fmt.Errorf("want %s, got %s", kindWant(k), Describe(val))
}

func kindWant(k Kind) string {
	switch k {
	case KindFloat:
		return "a number"
	case KindInt:
		return "an integer"
	case KindBool:
		return "true or false"
	case KindString:
		return "a string"
	case KindVec:
		return "a list of numbers"
	}
	return k.String()
}

// Describe names a config value in an error message, as Convert's errors
// do: nothing, the string "x", a list [1 2], a table, or the value and
// its Go type, 1.5 (float64).
func Describe(v any) string {
	switch x := v.(type) {
	case nil:
		return "nothing"
	case string:
		return fmt.Sprintf("the string %q", x)
	case []any:
		return fmt.Sprintf("a list %v", x)
	case map[string]any:
		return "a table"
	}
	return fmt.Sprintf("%v (%T)", v, v)
}

// convertAgents accepts []T or a list of tables keyed by field name (for
// Records: a Columns, or a list of tables).
func convertAgents(val any, at *agentsType) (any, error) {
	if at.byColumn {
		return convertColumns(val, at)
	}
	gt := at.goType
	rv := reflect.ValueOf(val)
	if rv.Kind() == reflect.Slice && rv.Type().Elem() == gt {
		out := reflect.MakeSlice(rv.Type(), rv.Len(), rv.Len())
		reflect.Copy(out, rv)
		return out.Interface(), nil
	}
	tabs, err := agentTables(val)
	if err != nil {
		return nil, err
	}
	out := reflect.MakeSlice(reflect.SliceOf(gt), len(tabs), len(tabs))
	for i, tab := range tabs {
		rec := out.Index(i)
		for _, key := range tableKeys(tab) {
			fi, err := at.field(i, key)
			if err != nil {
				return nil, err
			}
			f := at.fields[fi]
			cv, err := Convert(tab[key], f.Kind)
			if err != nil {
				return nil, fmt.Errorf("agent %d, field %q: %w", i, key, err)
			}
			dst := fieldValue(rec, gt, f)
			switch f.Kind {
			case KindFloat:
				dst.SetFloat(cv.(float64))
			case KindInt:
				dst.SetInt(cv.(int64))
			case KindBool:
				dst.SetBool(cv.(bool))
			case KindString:
				dst.SetString(cv.(string))
			}
		}
	}
	return out.Interface(), nil
}

// agentTables reads a config's list of agent tables: a []any of tables
// or a []map[string]any.
func agentTables(val any) ([]map[string]any, error) {
	switch x := val.(type) {
	case []map[string]any:
		return x, nil
	case []any:
		out := make([]map[string]any, len(x))
		for i, e := range x {
			tab, ok := e.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("agent %d: want a table, got %s", i, Describe(e))
			}
			out[i] = tab
		}
		return out, nil
	}
	return nil, fmt.Errorf("want a list of agent tables, got %s", Describe(val))
}

// tableKeys returns an agent table's keys in order, so that the first
// error found is the same at every run.
func tableKeys(tab map[string]any) []string {
	keys := make([]string, 0, len(tab))
	for k := range tab {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// field returns the index of the field named key, or an error naming
// agent i and the closest field.
func (at *agentsType) field(i int, key string) (int, error) {
	known := make([]string, len(at.fields))
	for j, f := range at.fields {
		if f.Name == key {
			return j, nil
		}
		known[j] = f.Name
	}
	return -1, fmt.Errorf("agent %d: no field %q%s", i, key, names.Suggest(key, known))
}

func fieldValue(rec reflect.Value, gt reflect.Type, f FieldInfo) reflect.Value {
	for i := 0; i < gt.NumField(); i++ {
		if gt.Field(i).Offset == f.offset && gt.Field(i).IsExported() {
			return rec.Field(i)
		}
	}
	panic("gds: agent field not found")
}

func paramNames(m *Model) []string {
	out := make([]string, len(m.params))
	for i, p := range m.params {
		out[i] = p.Name
	}
	return out
}

func varNames(m *Model) []string {
	out := make([]string, len(m.vars))
	for i, v := range m.vars {
		out[i] = v.Name
	}
	return out
}
