package modelfile

import (
	"strconv"
	"strings"

	"github.com/statecraft/statecraft/blocks"
	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/gds/expr"
	"github.com/statecraft/statecraft/internal/names"
)

// graphNames lists the model's graph variables.
func (l *loader) graphNames() []string {
	var out []string
	for _, n := range l.varList {
		if l.vars[n].t == gds.KindGraph {
			out = append(out, n)
		}
	}
	return out
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
		Floats: map[string]blocks.Input{}, Ints: map[string]blocks.IntInput{},
		Bools: map[string]blocks.BoolInput{}, Strings: map[string]blocks.StringInput{},
		Vecs: map[string]blocks.VecInput{}, Graphs: map[string]any{},
		FloatSignals: map[string]gds.FloatSignal{}, IntSignals: map[string]gds.IntSignal{}, VecSignals: map[string]gds.VecSignal{}}
	if target != nil {
		if target.t != def.Target {
			return gds.Block{}, l.errAt(key+".use", "", "block %q writes a %s variable; %q is %s", use, def.Target, name, target.t)
		}
		bind.TargetFloat, bind.TargetInt, bind.TargetBool, bind.TargetVec = target.f, target.i, target.b, target.v
		bind.TargetGraph = target.g
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
	env := l.sharedEnv()
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
		if a.Kind == gds.KindGraph {
			gn, ok := raw.(string)
			h, isVar := l.vars[gn]
			if !given || !ok || !isVar || h.t != gds.KindGraph {
				return gds.Block{}, l.errAt(akey, "", "block %q: argument %q must name a graph variable of the model%s", use, a.Name, names.Suggest(gn, l.graphNames()))
			}
			bind.Graphs[a.Name] = h.g
			continue
		}
		src, ok := exprSource(raw)
		switch {
		case raw == nil:
			if a.Default == "" {
				return gds.Block{}, l.errAt(key, "", "block %q needs argument %q (%s: %s)", use, a.Name, a.Kind, a.Doc)
			}
			src = a.Default
		case !ok:
			return gds.Block{}, l.errAt(akey, "", "block %q: argument %q: want an expression string or a number, got %s", use, a.Name, gds.Describe(raw))
		}
		x, err := l.compile(env, akey, src)
		if err != nil {
			return gds.Block{}, err
		}
		want := a.Kind
		if !assignable(x.Kind, want) {
			return gds.Block{}, l.errAt(akey, src, "block %q: argument %q is %s, %s is %s", use, a.Name, a.Kind, quoteExpr(src, 1), x.Kind)
		}
		switch want {
		case gds.KindFloat:
			f := x.Float
			if a.Check != nil {
				if f, err = checked(use, a, x); err != nil {
					at := "" // a number's text may appear on an earlier line: find the key
					if _, isText := raw.(string); isText {
						at = src
					}
					return gds.Block{}, l.errAt(akey, at, "block %q: argument %q: %v", use, a.Name, err)
				}
			}
			bind.Floats[a.Name] = f
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

// checked applies argument a's Check to the float expression x bound to
// it: now, when x is a constant, or else at every evaluation, where a
// refused value fails the job with a *blocks.ArgError.
func checked(use string, a blocks.Arg, x *expr.Expr) (func(*gds.Ctx) float64, error) {
	f, check := x.Float, a.Check
	if x.Const {
		return f, check(f(nil))
	}
	name := a.Name
	return func(c *gds.Ctx) float64 {
		v := f(c)
		if err := check(v); err != nil {
			panic(&blocks.ArgError{Block: use, Arg: name, Value: v, Err: err})
		}
		return v
	}, nil
}

// exprSource returns the expression text of a TOML value: a string as it
// is, a number or a bool as its literal (a float keeps a point, so that it
// stays a float). Other values (tables, lists, nil) have none.
func exprSource(raw any) (string, bool) {
	switch v := raw.(type) {
	case string:
		return v, true
	case int64:
		return strconv.FormatInt(v, 10), true
	case float64:
		src := strconv.FormatFloat(v, 'g', -1, 64)
		if !strings.ContainsAny(src, ".eEn") {
			src += ".0"
		}
		return src, true
	case bool:
		return strconv.FormatBool(v), true
	}
	return "", false
}

// compileNumber compiles a number-valued entry (a share, an amount): an
// expression string or a number; what names it in errors ("a share").
func (l *loader) compileNumber(env *expr.Env, key string, raw any, what string) (*expr.Expr, error) {
	src, ok := exprSource(raw)
	if !ok {
		return nil, l.errAt(key, "", "%s is a number or an expression string", what)
	}
	x, err := l.compile(env, key, src)
	if err != nil {
		return nil, err
	}
	if x.Kind != gds.KindFloat && x.Kind != gds.KindInt {
		return nil, l.errAt(key, src, "%s: %s is a number, the expression is %s", quoteExpr(src, 1), what, x.Kind)
	}
	return x, nil
}
