package modelfile

import (
	"math"
	"slices"
	"strings"

	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/internal/names"
)

// accessor is how an expression reads one name: the getter of its type,
// and the lag reader of a variable that keeps lags.
type accessor struct {
	t    gds.Kind
	f    func(*gds.Ctx) float64
	i    func(*gds.Ctx) int64
	b    func(*gds.Ctx) bool
	s    func(*gds.Ctx) string
	v    func(*gds.Ctx) []float64
	lags int
	fl   func(*gds.Ctx, int) float64
	il   func(*gds.Ctx, int) int64
	vl   func(*gds.Ctx, int) []float64

	// A float variable, parameter or signal's handle, which expressions
	// read without a call (expr.Env.FloatVar and the like).
	hv gds.Float
	hp gds.FloatParam
	hs gds.FloatSignal
}

type varH struct {
	t gds.Kind
	f gds.Float
	i gds.Int
	b gds.Bool
	s gds.String
	v gds.Vec
	g any // a gds.Graph[N, E] of a registered blocks.GraphType
}

type paramH struct {
	t gds.Kind
	f gds.FloatParam
	i gds.IntParam
	b gds.BoolParam
	s gds.StringParam
	v gds.VecParam
}

type sigH struct {
	t gds.Kind
	f gds.FloatSignal
	i gds.IntSignal
	v gds.VecSignal
}

// typeNames lists the names a type = "..." key takes.
func typeNames() string {
	var names []string
	for _, k := range gds.ValueKinds() {
		names = append(names, k.String())
	}
	return strings.Join(names, ", ")
}

// inferType gives the type of a TOML value.
func inferType(v any) (gds.Kind, bool) {
	switch x := v.(type) {
	case float64:
		return gds.KindFloat, true
	case int64:
		return gds.KindInt, true
	case bool:
		return gds.KindBool, true
	case string:
		return gds.KindString, true
	case []any:
		for _, e := range x {
			switch e.(type) {
			case float64, int64:
			default:
				return 0, false
			}
		}
		return gds.KindVec, true
	}
	return 0, false
}

// spec splits a declaration: a table with a type and a value, or a bare
// value (its type inferred).
func (l *loader) spec(key string, raw any, valueKey string, allowed []string) (t gds.Kind, val any, tab map[string]any, err error) {
	tab, isTab := raw.(map[string]any)
	if !isTab {
		tab = map[string]any{valueKey: raw}
	}
	for k := range tab {
		if !slices.Contains(allowed, k) {
			return 0, nil, nil, l.errAt(key+"."+k, "", "unknown key%s", names.Suggest(k, allowed))
		}
	}
	val, hasVal := tab[valueKey]
	if ts, ok := tab["type"]; ok {
		s, _ := ts.(string)
		if t, ok = gds.ParseKind(s); !ok {
			return 0, nil, nil, l.errAt(key+".type", "", "unknown type %v; want one of %s", ts, typeNames())
		}
	} else if hasVal {
		var ok bool
		if t, ok = inferType(val); !ok {
			return 0, nil, nil, l.errAt(key, "", "cannot tell the type of %v; give type = (%s)", val, typeNames())
		}
	} else {
		return 0, nil, nil, l.errAt(key, "", "needs a type or a %s value", valueKey)
	}
	return t, val, tab, nil
}

func (l *loader) declareVar(n, key string, raw any) error {
	if tab, ok := raw.(map[string]any); ok && tab["type"] == gds.KindGraph.String() {
		return l.declareGraph(n, key, tab)
	}
	t, val, tab, err := l.spec(key, raw, "initial", []string{"type", "initial", "lags", "doc", "allow_nonfinite"})
	if err != nil {
		return err
	}
	if val == nil {
		return l.errAt(key, "", "missing initial value")
	}
	var opts []gds.VarOption
	lags := 0
	if lv, ok := tab["lags"]; ok {
		li, ok := lv.(int64)
		if !ok || li < 0 {
			return l.errAt(key+".lags", "", "want an integer >= 0, got %v", lv)
		}
		lags = int(li)
		opts = append(opts, gds.Lags(lags))
	}
	if d, ok := tab["doc"].(string); ok {
		opts = append(opts, gds.Doc(d))
	}
	nonFinite, err := l.allowNonFinite(key, tab, t)
	if err != nil {
		return err
	}
	if nonFinite {
		opts = append(opts, gds.AllowNonFinite())
	}
	h := varH{t: t}
	cv, err := gds.Convert(val, t)
	if err != nil {
		return l.errAt(key+".initial", "", "initial value: %v", err)
	}
	if !nonFinite {
		if err := gds.Finite(cv); err != nil {
			return l.errAt(valueKey(key, raw, "initial"), "", "initial value: %v; a variable may hold it with allow_nonfinite = true", err)
		}
	}
	a := accessor{t: t, lags: lags}
	switch t {
	case gds.KindFloat:
		h.f = l.b.Float(n, cv.(float64), opts...)
		a.f, a.fl, a.hv = h.f.Get, h.f.Lag, h.f
	case gds.KindInt:
		h.i = l.b.Int(n, cv.(int64), opts...)
		a.i, a.il = h.i.Get, h.i.Lag
	case gds.KindBool:
		h.b = l.b.Bool(n, cv.(bool), opts...)
		a.b = h.b.Get
	case gds.KindString:
		h.s = l.b.String(n, cv.(string), opts...)
		a.s = h.s.Get
	case gds.KindVec:
		h.v = l.b.Vec(n, cv.([]float64), opts...)
		a.v, a.vl = h.v.Get, h.v.Lag
	}
	l.accs[n] = a
	l.vars[n] = h
	l.varList = append(l.varList, n)
	return nil
}

// declareGraph declares a graph variable of a registered graph type:
// { type = "graph", records = "family.name", doc = "..." }. It starts
// empty; blocks build and change it. Expressions cannot read it.
func (l *loader) declareGraph(n, key string, tab map[string]any) error {
	allowed := []string{"type", "records", "doc"}
	for k := range tab {
		if !slices.Contains(allowed, k) {
			hint := names.Suggest(k, allowed)
			if k == "initial" {
				hint = " (a graph starts empty; a block such as network.topology builds it)"
			}
			return l.errAt(key+"."+k, "", "unknown key%s", hint)
		}
	}
	types := l.reg.GraphTypeNames()
	rec, ok := tab["records"].(string)
	if !ok {
		return l.errAt(key, "", "a graph variable needs records = \"family.name\", its node and edge records (one of %s)", strings.Join(types, ", "))
	}
	gt, ok := l.reg.LookupGraphType(rec)
	if !ok {
		return l.errAt(key+".records", "", "unknown graph records %q; want one of %s%s", rec, strings.Join(types, ", "), names.Suggest(rec, types))
	}
	var opts []gds.VarOption
	if d, ok := tab["doc"].(string); ok {
		opts = append(opts, gds.Doc(d))
	}
	l.vars[n] = varH{t: gds.KindGraph, g: gt.Declare(l.b, n, opts...)}
	l.varList = append(l.varList, n)
	return nil
}

func (l *loader) declareParam(n, key string, raw any) error {
	t, val, tab, err := l.spec(key, raw, "default", []string{"type", "default", "min", "max", "doc", "allow_nonfinite"})
	if err != nil {
		return err
	}
	if val == nil {
		return l.errAt(key, "", "missing default value")
	}
	cv, err := gds.Convert(val, t)
	if err != nil {
		return l.errAt(key+".default", "", "default: %v", err)
	}
	doc, _ := tab["doc"].(string)
	nonFinite, err := l.allowNonFinite(key, tab, t)
	if err != nil {
		return err
	}
	if !nonFinite {
		if err := gds.Finite(cv); err != nil {
			return l.errAt(valueKey(key, raw, "default"), "", "default: %v; a parameter may hold it with allow_nonfinite = true", err)
		}
	}
	var lo, hi *float64
	for _, bk := range []string{"min", "max"} {
		bv, ok := tab[bk]
		if !ok {
			continue
		}
		if t != gds.KindFloat && t != gds.KindInt {
			return l.errAt(key+"."+bk, "", "bounds apply to float and int parameters")
		}
		x, err := gds.Convert(bv, gds.KindFloat)
		if err != nil {
			return l.errAt(key+"."+bk, "", "%v", err)
		}
		v := x.(float64)
		if math.IsNaN(v) {
			return l.errAt(key+"."+bk, "", "want a number, got NaN")
		}
		if bk == "min" {
			lo = &v
		} else {
			hi = &v
		}
	}
	if lo != nil && hi != nil && *lo > *hi {
		return l.errAt(key+".max", "", "max %v is below min %v", *hi, *lo)
	}
	if x, ok := number(cv); ok {
		if lo != nil && x < *lo {
			return l.errAt(valueKey(key, raw, "default"), "", "default %v is below the minimum %v", cv, *lo)
		}
		if hi != nil && x > *hi {
			return l.errAt(valueKey(key, raw, "default"), "", "default %v is above the maximum %v", cv, *hi)
		}
	}
	h := paramH{t: t}
	a := accessor{t: t}
	switch t {
	case gds.KindFloat:
		h.f = l.b.ParamFloat(n, cv.(float64), doc)
		a.f, a.hp = h.f.Get, h.f
	case gds.KindInt:
		h.i = l.b.ParamInt(n, cv.(int64), doc)
		a.i = h.i.Get
	case gds.KindBool:
		h.b = l.b.ParamBool(n, cv.(bool), doc)
		a.b = h.b.Get
	case gds.KindString:
		h.s = l.b.ParamString(n, cv.(string), doc)
		a.s = h.s.Get
	case gds.KindVec:
		h.v = l.b.ParamVec(n, cv.([]float64), doc)
		a.v = h.v.Get
	}
	l.accs[n] = a
	if nonFinite {
		l.b.ParamAllowNonFinite(n)
	}
	if lo != nil || hi != nil {
		l.b.ParamBounds(n, lo, hi)
	}
	l.params[n] = h
	return nil
}

// allowNonFinite reads a declaration's allow_nonfinite key: a bool, for
// float and vector declarations only.
func (l *loader) allowNonFinite(key string, tab map[string]any, t gds.Kind) (bool, error) {
	raw, ok := tab["allow_nonfinite"]
	if !ok {
		return false, nil
	}
	b, ok := raw.(bool)
	if !ok {
		return false, l.errAt(key+".allow_nonfinite", "", "want true or false, got %v", gds.Describe(raw))
	}
	if b && t != gds.KindFloat && t != gds.KindVec {
		return false, l.errAt(key+".allow_nonfinite", "", "only float and vector values can be NaN or ±Inf, not %s", t)
	}
	return b, nil
}

// valueKey is the key of a declaration's value: key.field for a table,
// key itself for a bare value.
func valueKey(key string, raw any, field string) string {
	if _, ok := raw.(map[string]any); ok {
		return key + "." + field
	}
	return key
}

// number gives a float or int value as a float64.
func number(v any) (float64, bool) {
	switch t := v.(type) {
	case float64:
		return t, true
	case int64:
		return float64(t), true
	}
	return 0, false
}

func (l *loader) declareSignal(n, key string, raw any) error {
	tab, ok := raw.(map[string]any)
	if !ok {
		// shorthand: a rule name, the type is float
		s, isStr := raw.(string)
		if !isStr {
			return l.errAt(key, "", "want a table { type = ..., rule = ... } or a rule name")
		}
		tab = map[string]any{"rule": s}
	}
	for k := range tab {
		if k != "type" && k != "rule" {
			return l.errAt(key+"."+k, "", "unknown key%s", names.Suggest(k, []string{"type", "rule"}))
		}
	}
	t := gds.KindFloat
	if ts, ok := tab["type"]; ok {
		s, _ := ts.(string)
		if t, ok = gds.ParseKind(s); !ok || t == gds.KindBool || t == gds.KindString {
			return l.errAt(key+".type", "", "signal type %v: want float, int or vector", ts)
		}
	}
	rule := gds.Sum
	if rv, ok := tab["rule"]; ok {
		s, _ := rv.(string)
		r, ok := gds.ParseRule(s)
		if !ok || r == gds.Append || r == gds.Custom {
			return l.errAt(key+".rule", "", "unknown rule %v; want sum, product, min, max, last (or concat for vectors)", rv)
		}
		rule = r
	}
	h := sigH{t: t}
	a := accessor{t: t}
	switch t {
	case gds.KindFloat:
		h.f = l.b.FloatSignal(n, rule)
		a.f, a.hs = h.f.Get, h.f
	case gds.KindInt:
		h.i = l.b.IntSignal(n, rule)
		a.i = h.i.Get
	case gds.KindVec:
		h.v = l.b.VecSignal(n, rule)
		a.v = h.v.Get
	}
	l.accs[n] = a
	l.signals[n] = h
	return nil
}
