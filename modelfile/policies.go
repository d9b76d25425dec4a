package modelfile

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/gds/expr"
	"github.com/statecraft/statecraft/internal/names"
)

// env returns the names every expression of the model can read: state
// variables (with their lags), parameters and signals.
func (l *loader) env() *expr.Env {
	env := expr.NewEnv(l.b)
	for n, a := range l.accs {
		declareAcc(env, n, a)
	}
	l.addPopulations(env, l.agentEnvs())
	return env
}

// declareAcc declares name in env as a reads it.
func declareAcc(env *expr.Env, n string, a accessor) {
	switch {
	case a.t != gds.KindFloat:
	case a.hv != (gds.Float{}):
		env.FloatVar(n, a.hv)
	case a.hp != (gds.FloatParam{}):
		env.FloatParam(n, a.hp)
	case a.hs != (gds.FloatSignal{}):
		env.FloatSignal(n, a.hs)
	default:
		env.Float(n, a.f)
	}
	switch a.t {
	case gds.KindFloat:
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

// sharedEnv returns env() for expressions that declare no names of their
// own (updates, block arguments), built again only when a name has been
// declared since: one per expression made loading quadratic in the
// number of variables.
func (l *loader) sharedEnv() *expr.Env {
	if l.envCache == nil || l.envNames != len(l.accs) {
		l.envCache, l.envNames = l.env(), len(l.accs)
	}
	return l.envCache
}

func (l *loader) compile(env *expr.Env, key, src string) (*expr.Expr, error) {
	if strings.TrimSpace(src) == "" {
		return nil, l.errAt(key, "", "empty expression")
	}
	x, err := expr.Compile(src, env)
	if err != nil {
		var ee *expr.Error
		if errors.As(err, &ee) {
			return nil, l.errAt(key, src, "%s: %s%s", quoteExpr(src, ee.Col), err.Error(), l.fieldHint(ee.Msg))
		}
		return nil, l.errAt(key, src, "%s: %v", quoteExpr(src, 1), err)
	}
	l.compiled = append(l.compiled, x)
	return x, nil
}

// since returns the expressions compiled after the mark len(l.compiled).
func (l *loader) since(mark int) []*expr.Expr { return slices.Clone(l.compiled[mark:]) }

// traced returns bl tracing xs: the expressions it evaluates read their
// leaves untraced (expr.Expr.Trace), so the block reports them for the
// model's Structure.
func traced(bl gds.Block, xs []*expr.Expr) gds.Block {
	if len(xs) == 0 {
		return bl
	}
	return bl.Traces(expr.TraceAll(xs...))
}

// quoteExpr quotes an expression for an error message: all of it, or the
// part around the 1-based column col when it is long.
func quoteExpr(src string, col int) string { return strconv.Quote(expr.Excerpt(src, col)) }

// fieldHint explains an unknown name that is a field of a population: an
// expression outside that population's per-agent expressions reads it as
// a vector or aggregates it.
func (l *loader) fieldHint(msg string) string {
	name, ok := strings.CutPrefix(msg, `unknown name "`)
	if !ok {
		return ""
	}
	name, _, _ = strings.Cut(name, `"`)
	for _, pn := range l.popList {
		if f, ok := l.pops[pn].byName[name]; ok {
			if k := l.pops[pn].fields[f].kind; k == gds.KindString {
				return fmt.Sprintf("; %s is a field of each agent of population %q: read it in its per-agent expressions, or aggregate it with over(%s, ...)", name, pn, pn)
			}
			return fmt.Sprintf("; %s is a field of each agent of population %q: read it in its per-agent expressions, as the vector %s.%s, or with over(%s, ...)", name, pn, pn, name, pn)
		}
	}
	return ""
}

func (l *loader) psub(i int, ps psubSpec) error {
	pkey := fmt.Sprintf("psubs.%d", i)
	name := ps.Name
	if name == "" {
		name = fmt.Sprintf("psub%d", i+1)
	}
	var bls []gds.Block
	for j, pol := range ps.Policies {
		mark := len(l.compiled)
		bl, err := l.policy(fmt.Sprintf("%s.policies.%d", pkey, j), pol)
		if err != nil {
			return err
		}
		bls = append(bls, traced(bl, l.since(mark)))
	}

	joins := map[string]*joinSpec{}
	var joinList []*joinSpec
	for _, pn := range l.ordered(pkey+".join", ps.Join) {
		p, ok := l.pops[pn]
		if !ok {
			return l.errAt(pkey+".join."+pn, "", "%q is not a population%s", pn, didYouMean(pn, l.popList))
		}
		mark := len(l.compiled)
		j, err := l.compileJoin(pkey, p, ps)
		if err != nil {
			return err
		}
		j.trace = expr.TraceAll(l.since(mark)...)
		joins[pn] = j
		joinList = append(joinList, j)
	}
	mark := len(l.compiled)
	pl, tups, err := l.transfers(pkey, name, ps.Transfers, joinList)
	if err != nil {
		return err
	}
	if pl != nil {
		pl.trace = expr.TraceAll(l.since(mark)...)
	}
	for _, target := range l.ordered("psubs.updates", ps.Updates) {
		mark := len(l.compiled)
		bl, err := l.update(pkey+".updates."+target, target, ps.Updates[target])
		if err != nil {
			return err
		}
		bls = append(bls, traced(bl, l.since(mark)))
	}
	bls = append(bls, tups...)
	pups, err := l.popUpdates(pkey, ps, pl, joins)
	if err != nil {
		return err
	}
	bls = append(bls, pups...)
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
	if fn := floatEmits(lets == nil && nscalar == 0, emits); fn != nil {
		return gds.Policy(p.Name, fn).Emits(declared...), nil
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

// emit is a policy's emit: its expression and signal.
type emit struct {
	x *expr.Expr
	s sigH
}

func (e emit) float() (func(*gds.Ctx) float64, gds.FloatSignal, bool) {
	return e.x.Float, e.s.f, e.s.t == gds.KindFloat
}

// floatEmits returns the policy of emits that are all floats, without
// lets (plain): one closure that emits each without a switch, the common
// shape of a policy (nil for any other).
func floatEmits(plain bool, emits []emit) func(*gds.Ctx) {
	if !plain || len(emits) == 0 {
		return nil
	}
	fs := make([]func(*gds.Ctx) float64, len(emits))
	hs := make([]gds.FloatSignal, len(emits))
	for k, e := range emits {
		f, h, ok := e.float()
		if !ok {
			return nil
		}
		fs[k], hs[k] = f, h
	}
	if len(fs) == 1 {
		return emits[0].x.EmitFloat(hs[0]) // the root's operation and the emit in one closure
	}
	return func(c *gds.Ctx) {
		for k, f := range fs {
			hs[k].Emit(c, f(c))
		}
	}
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
	if ok && l.ledger != nil && l.ledger.balanceVar[target] {
		return gds.Block{}, l.errAt(key, "", "%q is kept by the ledger: balances change only by [[psubs.transfers]], so that no token is created or lost", target)
	}
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
		x, err := l.compile(l.sharedEnv(), key, src)
		if err != nil {
			return gds.Block{}, err
		}
		if !assignable(x.Kind, h.t) {
			hint := ""
			if h.t == gds.KindInt && x.Kind == gds.KindFloat {
				hint = "; convert with int(...) or round(...)"
			}
			return gds.Block{}, l.errAt(key, src, "%s: variable %q is %s, the expression is %s%s", quoteExpr(src, 1), target, h.t, x.Kind, hint)
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
