package modelfile

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/statecraft/statecraft/blocks"
	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/gds/expr"
	"github.com/statecraft/statecraft/internal/names"
	"github.com/statecraft/statecraft/internal/tomlerr"
)

// Error is a problem at a place in a model file: File is the source
// given to Parse or the path given to Load. It is the type of
// configs.Error too, so errors.As finds it with either.
type Error = tomlerr.Error

// Compiler compiles model files into models. The zero Compiler uses the
// blocks registered in blocks.Default.
type Compiler struct {
	// Blocks is the registry that use = "family.block" looks names up in;
	// nil means blocks.Default.
	Blocks *blocks.Registry
}

// Load compiles the model file at path with the zero Compiler.
func Load(path string) (*gds.Model, error) { return Compiler{}.Load(path) }

// Parse compiles model-file text with the zero Compiler; source names
// the text in errors.
func Parse(source string, data []byte) (*gds.Model, error) { return Compiler{}.Parse(source, data) }

func (c Compiler) registry() *blocks.Registry {
	if c.Blocks == nil {
		return blocks.Default
	}
	return c.Blocks
}

// A declarative model file, as decoded. See docs/models.md.
type modelFile struct {
	Name        string         `toml:"name"`
	Description string         `toml:"description"`
	Variables   map[string]any `toml:"variables"`
	Params      map[string]any `toml:"params"`
	Signals     map[string]any `toml:"signals"`
	PSUBs       []psubSpec     `toml:"psubs"`
	Meta        map[string]any `toml:"meta"` // free-form: sources, authors
}

type psubSpec struct {
	Name     string         `toml:"name"`
	Doc      string         `toml:"doc"`
	Policies []policySpec   `toml:"policies"`
	Updates  map[string]any `toml:"updates"`
}

type policySpec struct {
	Name string            `toml:"name"`
	Doc  string            `toml:"doc"`
	Let  map[string]string `toml:"let"`
	Emit map[string]string `toml:"emit"`
	Use  string            `toml:"use"`
	Args map[string]any    `toml:"args"`
}

// IsModelFile reports whether TOML text is a declarative model file (it
// has PSUBs) rather than an experiment config.
func IsModelFile(data []byte) bool {
	var probe struct {
		PSUBs     []map[string]any `toml:"psubs"`
		Variables map[string]any   `toml:"variables"`
	}
	_, err := toml.Decode(string(data), &probe)
	return err == nil && (len(probe.PSUBs) > 0 || len(probe.Variables) > 0)
}

// Load reads and compiles the model file at path.
func (c Compiler) Load(path string) (*gds.Model, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("model file %s: no such file", path)
		}
		return nil, fmt.Errorf("model file %s: %w", path, err)
	}
	return c.Parse(path, data)
}

// Parse compiles model-file text into a model; source names the text in
// errors. Every problem is an *Error located in the text, except those
// that gds.Builder.Build finds, which are wrapped with the source.
func (c Compiler) Parse(source string, data []byte) (*gds.Model, error) {
	var f modelFile
	md, err := toml.NewDecoder(bytes.NewReader(data)).Decode(&f)
	if err != nil {
		return nil, tomlerr.FromDecode(source, err)
	}
	for _, k := range md.Undecoded() {
		if freeForm(k) {
			continue // checked by the loader, which knows the allowed keys
		}
		return nil, &Error{File: source, Line: tomlerr.KeyLine(data, k), Key: k.String(), Msg: "unknown key" + knownModelKeys(k)}
	}
	l := &loader{src: source, data: data, f: &f, order: keyOrder(md), reg: c.registry()}
	return l.build()
}

var modelSchema = map[string][]string{
	"":                {"name", "description", "variables", "params", "signals", "psubs", "meta"},
	"psubs":           {"name", "doc", "policies", "updates"},
	"psubs.policies":  {"name", "doc", "let", "emit", "use", "args"},
	"variables.*":     {"type", "initial", "lags", "doc"},
	"params.*":        {"type", "default", "min", "max", "doc"},
	"signals.*":       {"type", "rule"},
	"psubs.updates.*": {"expr", "use", "args", "name", "doc"},
}

// freeForm reports whether a key lies inside a table the decoder keeps as
// a map (declarations, updates, block arguments, meta), whose keys the
// loader checks itself.
func freeForm(k toml.Key) bool {
	if len(k) < 2 {
		return false
	}
	switch k[0] {
	case "variables", "params", "signals", "meta":
		return true
	case "psubs":
		for i := 1; i < len(k)-1; i++ {
			if k[i] == "updates" || k[i] == "args" {
				return true
			}
		}
	}
	return false
}

func knownModelKeys(k toml.Key) string {
	parent := ""
	if len(k) > 1 {
		parent = strings.Join(k[:len(k)-1], ".")
	}
	keys, ok := modelSchema[parent]
	if !ok {
		return ""
	}
	if s := names.Suggest(k[len(k)-1], keys); strings.HasPrefix(s, " (did you mean") {
		return s
	}
	sorted := append([]string(nil), keys...)
	sort.Strings(sorted)
	return fmt.Sprintf("; known keys here: %s", strings.Join(sorted, ", "))
}

// keyOrder returns, for each table, its keys in the order of the file.
func keyOrder(md toml.MetaData) map[string][]string {
	out := map[string][]string{}
	seen := map[string]bool{}
	for _, k := range md.Keys() {
		if len(k) < 2 {
			continue
		}
		parent := strings.Join(k[:len(k)-1], ".")
		full := k.String()
		if seen[full] {
			continue
		}
		seen[full] = true
		out[parent] = append(out[parent], k[len(k)-1])
	}
	return out
}

// ordered returns the keys of m in file order (parent is the table's key
// path), then any others sorted.
func (l *loader) ordered(parent string, m map[string]any) []string {
	var out []string
	done := map[string]bool{}
	for _, k := range l.order[parent] {
		if _, ok := m[k]; ok && !done[k] {
			out = append(out, k)
			done[k] = true
		}
	}
	var rest []string
	for k := range m {
		if !done[k] {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	return append(out, rest...)
}

func orderedS(l *loader, parent string, m map[string]string) []string {
	mm := make(map[string]any, len(m))
	for k, v := range m {
		mm[k] = v
	}
	return l.ordered(parent, mm)
}

type loader struct {
	src   string
	data  []byte
	f     *modelFile
	order map[string][]string
	reg   *blocks.Registry
	b     *gds.Builder

	kinds   map[string]string // name -> "variable" | "parameter" | "signal"
	vars    map[string]varH
	params  map[string]paramH
	signals map[string]sigH
	varList []string
	// accs holds, for every declared name, how expressions read it;
	// filled at declaration so that building an environment is one loop.
	accs map[string]accessor
}

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
}

type varH struct {
	t gds.Kind
	f gds.Float
	i gds.Int
	b gds.Bool
	s gds.String
	v gds.Vec
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

// errAt returns an error located at key; the line is found from the key, or
// from where text (an expression) appears in the file.
func (l *loader) errAt(key, text string, format string, args ...any) error {
	line := 0
	if text != "" {
		line = l.lineOf(text)
	}
	if line == 0 {
		line = tomlerr.KeyLine(l.data, toml.Key(strings.Split(key, ".")))
	}
	return &Error{File: l.src, Line: line, Key: key, Msg: fmt.Sprintf(format, args...)}
}

// lineOf finds the line where an expression's text appears, quoted.
func (l *loader) lineOf(text string) int {
	for _, q := range []string{`"` + text + `"`, `'` + text + `'`, text} {
		if i := bytes.Index(l.data, []byte(q)); i >= 0 {
			return bytes.Count(l.data[:i], []byte("\n")) + 1
		}
	}
	return 0
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

func (l *loader) build() (*gds.Model, error) {
	f := l.f
	name := f.Name
	if name == "" {
		name = strings.TrimSuffix(filepath.Base(l.src), filepath.Ext(l.src))
	}
	l.b = gds.NewBuilder(name)
	l.kinds = map[string]string{}
	l.vars, l.params, l.signals = map[string]varH{}, map[string]paramH{}, map[string]sigH{}
	l.accs = map[string]accessor{}
	claim := func(kind, n, key string) error {
		if prev, dup := l.kinds[n]; dup {
			return l.errAt(key, "", "%q is already a %s; variables, parameters and signals need distinct names", n, prev)
		}
		l.kinds[n] = kind
		return nil
	}
	if len(f.Variables) == 0 {
		return nil, &Error{File: l.src, Key: "variables", Msg: "a model needs at least one state variable"}
	}
	sections := []struct {
		kind, table string
		decls       map[string]any
		declare     func(name, key string, raw any) error
	}{
		{"variable", "variables", f.Variables, l.declareVar},
		{"parameter", "params", f.Params, l.declareParam},
		{"signal", "signals", f.Signals, l.declareSignal},
	}
	for _, sec := range sections {
		for _, n := range l.ordered(sec.table, sec.decls) {
			key := sec.table + "." + n
			if err := claim(sec.kind, n, key); err != nil {
				return nil, err
			}
			if err := sec.declare(n, key, sec.decls[n]); err != nil {
				return nil, err
			}
		}
	}
	if len(f.PSUBs) == 0 {
		return nil, &Error{File: l.src, Key: "psubs", Msg: "a model needs at least one [[psubs]] block"}
	}
	for i, ps := range f.PSUBs {
		if err := l.psub(i, ps); err != nil {
			return nil, err
		}
	}
	m, err := l.b.Build()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", l.src, err)
	}
	return m, nil
}

func (l *loader) declareVar(n, key string, raw any) error {
	t, val, tab, err := l.spec(key, raw, "initial", []string{"type", "initial", "lags", "doc"})
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
	h := varH{t: t}
	cv, err := gds.Convert(val, t)
	if err != nil {
		return l.errAt(key+".initial", "", "initial value: %v", err)
	}
	a := accessor{t: t, lags: lags}
	switch t {
	case gds.KindFloat:
		h.f = l.b.Float(n, cv.(float64), opts...)
		a.f, a.fl = h.f.Get, h.f.Lag
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

func (l *loader) declareParam(n, key string, raw any) error {
	t, val, tab, err := l.spec(key, raw, "default", []string{"type", "default", "min", "max", "doc"})
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
		if bk == "min" {
			lo = &v
		} else {
			hi = &v
		}
	}
	h := paramH{t: t}
	a := accessor{t: t}
	switch t {
	case gds.KindFloat:
		h.f = l.b.ParamFloat(n, cv.(float64), doc)
		a.f = h.f.Get
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
	if lo != nil || hi != nil {
		l.b.ParamBounds(n, lo, hi)
	}
	l.params[n] = h
	return nil
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
		a.f = h.f.Get
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

// env returns the names every expression of the model can read: state
// variables (with their lags), parameters and signals.
func (l *loader) env() *expr.Env {
	env := expr.NewEnv(l.b)
	for n, a := range l.accs {
		switch a.t {
		case gds.KindFloat:
			env.Float(n, a.f)
		case gds.KindInt:
			env.Int(n, a.i)
		case gds.KindBool:
			env.Bool(n, a.b)
		case gds.KindString:
			env.String(n, a.s)
		case gds.KindVec:
			env.Vec(n, a.v)
		}
		if a.lags > 0 {
			switch a.t {
			case gds.KindFloat:
				env.FloatLag(n, a.fl, a.lags)
			case gds.KindInt:
				env.IntLag(n, a.il, a.lags)
			case gds.KindVec:
				env.VecLag(n, a.vl, a.lags)
			}
		}
	}
	return env
}

func (l *loader) compile(env *expr.Env, key, src string) (*expr.Expr, error) {
	if strings.TrimSpace(src) == "" {
		return nil, l.errAt(key, "", "empty expression")
	}
	x, err := expr.Compile(src, env)
	if err != nil {
		var ee *expr.Error
		if errors.As(err, &ee) {
			return nil, l.errAt(key, src, "%s: %s", strconv.Quote(src), err.Error())
		}
		return nil, l.errAt(key, src, "%s: %v", strconv.Quote(src), err)
	}
	return x, nil
}

func (l *loader) psub(i int, ps psubSpec) error {
	pkey := fmt.Sprintf("psubs.%d", i)
	name := ps.Name
	if name == "" {
		name = fmt.Sprintf("psub%d", i+1)
	}
	var bls []gds.Block
	for j, pol := range ps.Policies {
		bl, err := l.policy(fmt.Sprintf("%s.policies.%d", pkey, j), pol)
		if err != nil {
			return err
		}
		bls = append(bls, bl)
	}
	for _, target := range l.ordered("psubs.updates", ps.Updates) {
		bl, err := l.update(pkey+".updates."+target, target, ps.Updates[target])
		if err != nil {
			return err
		}
		bls = append(bls, bl)
	}
	if len(bls) == 0 {
		return l.errAt(pkey, "", "PSUB %q has no policies and no updates", name)
	}
	l.b.PSUB(name, bls...)
	return nil
}

// policy builds an expression policy (let + emit) or a library block.
func (l *loader) policy(key string, p policySpec) (gds.Block, error) {
	if p.Name == "" {
		return gds.Block{}, l.errAt(key, "", "a policy needs a name")
	}
	if p.Use != "" {
		if len(p.Emit) > 0 || len(p.Let) > 0 {
			return gds.Block{}, l.errAt(key, "", "policy %q uses block %q: bind its outputs in args, not emit/let", p.Name, p.Use)
		}
		return l.library(key, p.Name, p.Use, p.Args, nil)
	}
	if len(p.Args) > 0 {
		return gds.Block{}, l.errAt(key+".args", "", "policy %q: args go with use = \"family.block\"", p.Name)
	}
	if len(p.Emit) == 0 {
		return gds.Block{}, l.errAt(key, "", "policy %q emits nothing: give emit = { signal = \"expression\" } or use = \"family.block\"", p.Name)
	}
	env := l.env()
	// Lets are evaluated once per call, in file order, into a per-engine
	// scratch vector (floats, and ints and bools as floats: exact), or a
	// scratch buffer each for vectors.
	type let struct {
		x    *expr.Expr
		slot int
		vec  gds.Scratch
	}
	var lets []let
	store := l.b.Scratch()
	nscalar := 0
	for _, n := range orderedS(l, "psubs.policies.let", p.Let) {
		lkey := key + ".let." + n
		if _, clash := l.kinds[n]; clash {
			return gds.Block{}, l.errAt(lkey, "", "let %q hides the %s of that name", n, l.kinds[n])
		}
		x, err := l.compile(env, lkey, p.Let[n])
		if err != nil {
			return gds.Block{}, err
		}
		lt := let{x: x, slot: nscalar}
		switch x.Kind {
		case gds.KindFloat, gds.KindInt, gds.KindBool:
			nscalar++
			slot := lt.slot
			get := func(c *gds.Ctx) float64 { return (*store.Buf(c))[slot] }
			switch x.Kind {
			case gds.KindFloat:
				env.Float(n, get)
			case gds.KindInt:
				env.Int(n, func(c *gds.Ctx) int64 { return int64(get(c)) })
			case gds.KindBool:
				env.Bool(n, func(c *gds.Ctx) bool { return get(c) != 0 })
			}
		case gds.KindVec:
			lt.vec = l.b.Scratch()
			buf := lt.vec
			env.Vec(n, func(c *gds.Ctx) []float64 { return *buf.Buf(c) })
		default:
			return gds.Block{}, l.errAt(lkey, p.Let[n], "let %q is a %s; lets are numbers, booleans or vectors", n, x.Kind)
		}
		lets = append(lets, lt)
	}
	type emit struct {
		x *expr.Expr
		s sigH
	}
	var emits []emit
	var declared []gds.SignalHandle
	for _, sn := range orderedS(l, "psubs.policies.emit", p.Emit) {
		ekey := key + ".emit." + sn
		s, ok := l.signals[sn]
		if !ok {
			return gds.Block{}, l.errAt(ekey, "", "policy %q emits %q, which is not a declared signal%s", p.Name, sn, names.Suggest(sn, keysOf(l.signals)))
		}
		x, err := l.compile(env, ekey, p.Emit[sn])
		if err != nil {
			return gds.Block{}, err
		}
		if !assignable(x.Kind, s.t) {
			return gds.Block{}, l.errAt(ekey, p.Emit[sn], "%s: signal %q is %s, the expression is %s", strconv.Quote(p.Emit[sn]), sn, s.t, x.Kind)
		}
		emits = append(emits, emit{x, s})
		switch s.t {
		case gds.KindFloat:
			declared = append(declared, s.f)
		case gds.KindInt:
			declared = append(declared, s.i)
		case gds.KindVec:
			declared = append(declared, s.v)
		}
	}
	fn := func(c *gds.Ctx) {
		if nscalar > 0 {
			buf := store.Buf(c)
			if len(*buf) < nscalar {
				*buf = make([]float64, nscalar)
			}
			for _, lt := range lets {
				switch lt.x.Kind {
				case gds.KindFloat:
					(*buf)[lt.slot] = lt.x.Float(c)
				case gds.KindInt:
					(*buf)[lt.slot] = float64(lt.x.Int(c))
				case gds.KindBool:
					if lt.x.Bool(c) {
						(*buf)[lt.slot] = 1
					} else {
						(*buf)[lt.slot] = 0
					}
				case gds.KindVec:
					vb := lt.vec.Buf(c)
					*vb = append((*vb)[:0], lt.x.Vec(c)...)
				}
			}
		} else {
			for _, lt := range lets {
				vb := lt.vec.Buf(c)
				*vb = append((*vb)[:0], lt.x.Vec(c)...)
			}
		}
		for _, e := range emits {
			switch e.s.t {
			case gds.KindFloat:
				e.s.f.Emit(c, e.x.Float(c))
			case gds.KindInt:
				e.s.i.Emit(c, e.x.Int(c))
			case gds.KindVec:
				e.s.v.Emit(c, e.x.Vec(c))
			}
		}
	}
	return gds.Policy(p.Name, fn).Emits(declared...), nil
}

func keysOf[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// assignable reports whether a value of type from can be stored as to.
func assignable(from, to gds.Kind) bool {
	return from == to || from == gds.KindInt && to == gds.KindFloat
}

// update builds an expression update or a library update block.
func (l *loader) update(key, target string, raw any) (gds.Block, error) {
	h, ok := l.vars[target]
	if !ok {
		if kind, other := l.kinds[target]; other {
			return gds.Block{}, l.errAt(key, "", "updates write state variables; %q is a %s", target, kind)
		}
		return gds.Block{}, l.errAt(key, "", "update of %q, which is not a declared state variable%s", target, names.Suggest(target, l.varList))
	}
	var src, use, name string
	var args map[string]any
	switch x := raw.(type) {
	case string:
		src = x
	case map[string]any:
		for k := range x {
			if !slices.Contains([]string{"expr", "use", "args", "name", "doc"}, k) {
				return gds.Block{}, l.errAt(key+"."+k, "", "unknown key%s", names.Suggest(k, []string{"expr", "use", "args", "name", "doc"}))
			}
		}
		src, _ = x["expr"].(string)
		use, _ = x["use"].(string)
		name, _ = x["name"].(string)
		if a, ok := x["args"]; ok {
			if args, ok = a.(map[string]any); !ok {
				return gds.Block{}, l.errAt(key+".args", "", "want a table of arguments")
			}
		}
		if (src == "") == (use == "") {
			return gds.Block{}, l.errAt(key, "", "an update table needs either expr = \"...\" or use = \"family.block\"")
		}
	default:
		return gds.Block{}, l.errAt(key, "", "want an expression string or a table { use = ..., args = ... }")
	}
	var bl gds.Block
	if use != "" {
		var err error
		if bl, err = l.library(key, target, use, args, &h); err != nil {
			return gds.Block{}, err
		}
	} else {
		x, err := l.compile(l.env(), key, src)
		if err != nil {
			return gds.Block{}, err
		}
		if !assignable(x.Kind, h.t) {
			hint := ""
			if h.t == gds.KindInt && x.Kind == gds.KindFloat {
				hint = "; convert with int(...) or round(...)"
			}
			return gds.Block{}, l.errAt(key, src, "%s: variable %q is %s, the expression is %s%s", strconv.Quote(src), target, h.t, x.Kind, hint)
		}
		switch h.t {
		case gds.KindFloat:
			bl = h.f.Update(x.Float)
		case gds.KindInt:
			bl = h.i.Update(x.Int)
		case gds.KindBool:
			bl = h.b.Update(x.Bool)
		case gds.KindString:
			bl = h.s.Update(x.String)
		case gds.KindVec:
			get := x.Vec
			bl = h.v.Update(func(c *gds.Ctx, dst []float64) []float64 { return append(dst, get(c)...) })
		}
	}
	if name != "" {
		bl = bl.Named(name)
	}
	return bl, nil
}

// library binds a registered block's arguments and builds it. target is
// nil for policies.
func (l *loader) library(key, name, use string, args map[string]any, target *varH) (gds.Block, error) {
	def, ok := l.reg.Lookup(use)
	if !ok {
		return gds.Block{}, l.errAt(key+".use", "", "unknown block %q%s", use, names.Suggest(use, l.reg.Names()))
	}
	if def.Policy != (target == nil) {
		if def.Policy {
			return gds.Block{}, l.errAt(key+".use", "", "block %q is a policy; use it under [[psubs.policies]]", use)
		}
		return gds.Block{}, l.errAt(key+".use", "", "block %q is an update; use it under [psubs.updates]", use)
	}
	bind := &blocks.Binding{Name: name, Builder: l.b,
		Floats: map[string]func(*gds.Ctx) float64{}, Ints: map[string]func(*gds.Ctx) int64{},
		Bools: map[string]func(*gds.Ctx) bool{}, Strings: map[string]func(*gds.Ctx) string{},
		Vecs:         map[string]func(*gds.Ctx) []float64{},
		FloatSignals: map[string]gds.FloatSignal{}, IntSignals: map[string]gds.IntSignal{}, VecSignals: map[string]gds.VecSignal{}}
	if target != nil {
		if target.t != def.Target {
			return gds.Block{}, l.errAt(key+".use", "", "block %q writes a %s variable; %q is %s", use, def.Target, name, target.t)
		}
		bind.TargetFloat, bind.TargetInt, bind.TargetBool, bind.TargetVec = target.f, target.i, target.b, target.v
	}
	var known []string
	for _, a := range def.Args {
		known = append(known, a.Name)
	}
	for k := range args {
		if _, ok := def.Arg(k); !ok {
			return gds.Block{}, l.errAt(key+".args."+k, "", "block %q has no argument %q%s", use, k, names.Suggest(k, known))
		}
	}
	env := l.env()
	var declared []gds.SignalHandle
	for _, a := range def.Args {
		akey := key + ".args." + a.Name
		raw, given := args[a.Name]
		if a.Output {
			sn, ok := raw.(string)
			if !given || !ok {
				return gds.Block{}, l.errAt(akey, "", "block %q: output %q must name a %s signal of the model", use, a.Name, a.Kind)
			}
			s, ok := l.signals[sn]
			if !ok {
				return gds.Block{}, l.errAt(akey, "", "block %q: output %q is bound to %q, which is not a declared signal%s", use, a.Name, sn, names.Suggest(sn, keysOf(l.signals)))
			}
			if s.t != a.Kind {
				return gds.Block{}, l.errAt(akey, "", "block %q: output %q is %s, signal %q is %s", use, a.Name, a.Kind, sn, s.t)
			}
			switch s.t {
			case gds.KindFloat:
				bind.FloatSignals[a.Name] = s.f
				declared = append(declared, s.f)
			case gds.KindInt:
				bind.IntSignals[a.Name] = s.i
				declared = append(declared, s.i)
			case gds.KindVec:
				bind.VecSignals[a.Name] = s.v
				declared = append(declared, s.v)
			}
			continue
		}
		var src string
		switch v := raw.(type) {
		case nil:
			if a.Default == "" {
				return gds.Block{}, l.errAt(key, "", "block %q needs argument %q (%s: %s)", use, a.Name, a.Kind, a.Doc)
			}
			src = a.Default
		case string:
			src = v
		case int64:
			src = strconv.FormatInt(v, 10)
		case float64:
			src = strconv.FormatFloat(v, 'g', -1, 64)
			if !strings.ContainsAny(src, ".eEn") {
				src += ".0"
			}
		case bool:
			src = strconv.FormatBool(v)
		default:
			return gds.Block{}, l.errAt(akey, "", "block %q: argument %q: want an expression string or a number, got %s", use, a.Name, gds.Describe(raw))
		}
		x, err := l.compile(env, akey, src)
		if err != nil {
			return gds.Block{}, err
		}
		want := a.Kind
		if !assignable(x.Kind, want) {
			return gds.Block{}, l.errAt(akey, src, "block %q: argument %q is %s, %s is %s", use, a.Name, a.Kind, strconv.Quote(src), x.Kind)
		}
		switch want {
		case gds.KindFloat:
			bind.Floats[a.Name] = x.Float
		case gds.KindInt:
			bind.Ints[a.Name] = x.Int
		case gds.KindBool:
			bind.Bools[a.Name] = x.Bool
		case gds.KindString:
			bind.Strings[a.Name] = x.String
		case gds.KindVec:
			bind.Vecs[a.Name] = x.Vec
		}
	}
	bl, err := def.New(bind)
	if err != nil {
		return gds.Block{}, l.errAt(key, "", "block %q: %v", use, err)
	}
	if def.Policy {
		bl = bl.Named(name).Emits(declared...)
	}
	return bl, nil
}
