package expr_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/gds/expr"
)

// The fixture's values, as variables so that the expected results below
// are computed at run time in float64, like the expressions (Go computes
// constant expressions exactly).
var (
	preyV, predV, alphaV = 10.0, 5.0, 1.1
	nV, kV               = int64(7), int64(3)
	vV                   = []float64{1, 2, 3}
	wV                   = []float64{4, 5, 6}
	weightsV             = []float64{0.5, 0.25, 0.25}
	evalT                = 3 // the timestep at which eval evaluates
)

// fixture is a model whose names an Env declares, with an "eval" PSUB that
// evaluates a compiled expression.
type fixture struct {
	b   *gds.Builder
	env *expr.Env
}

// newFixture declares:
//
//	prey = 10.0, predator = 5.0, alpha = 1.1 (param), d_prey (signal, 0)
//	n = 7, k = 3 (param)
//	flag = true, off = false
//	mode = "normal", label = "pp" (param)
//	v = [1 2 3], w = [4 5 6], empty = [], weights = [0.5 0.25 0.25] (param)
//	x = 10*t (lags 2), cnt = t (lags 2), hist = [t, 2t] (lags 1): updated
//	in PSUB "step", before "eval".
func newFixture() *fixture {
	b := gds.NewBuilder("fixture")
	env := expr.NewEnv(b)
	prey, pred := b.Float("prey", preyV), b.Float("predator", predV)
	n := b.Int("n", nV)
	flag, off := b.Bool("flag", true), b.Bool("off", false)
	mode := b.String("mode", "normal")
	v, w, empty := b.Vec("v", vV), b.Vec("w", wV), b.Vec("empty", nil)
	x := b.Float("x", 0, gds.Lags(2))
	cnt := b.Int("cnt", 0, gds.Lags(2))
	hist := b.Vec("hist", []float64{0, 0}, gds.Lags(1))
	alpha, k := b.ParamFloat("alpha", alphaV), b.ParamInt("k", kV)
	label := b.ParamString("label", "pp")
	weights := b.ParamVec("weights", weightsV)
	dPrey := b.FloatSignal("d_prey", gds.Sum)

	env.Float("prey", prey.Get)
	env.Float("predator", pred.Get)
	env.Float("alpha", alpha.Get)
	env.Float("d_prey", dPrey.Get)
	env.Int("n", n.Get)
	env.Int("k", k.Get)
	env.Bool("flag", flag.Get)
	env.Bool("off", off.Get)
	env.String("mode", mode.Get)
	env.String("label", label.Get)
	env.Vec("v", v.Get)
	env.Vec("w", w.Get)
	env.Vec("empty", empty.Get)
	env.Vec("weights", weights.Get)
	env.Float("x", x.Get)
	env.FloatLag("x", x.Lag, 2)
	env.Int("cnt", cnt.Get)
	env.IntLag("cnt", cnt.Lag, 2)
	env.Vec("hist", hist.Get)
	env.VecLag("hist", hist.Lag, 1)
	// the same values as leaves, read inline by the fused closures, and a
	// parameter-only part of an expression becomes a derived parameter
	env.FloatVar("lprey", prey)
	env.FloatVar("lpred", pred)
	env.FloatParam("lalpha", alpha)
	env.FloatSignal("ld", dPrey)

	b.PSUB("step",
		x.Update(func(c *gds.Ctx) float64 { return 10 * float64(c.T) }),
		cnt.Update(func(c *gds.Ctx) int64 { return int64(c.T) }),
		hist.Update(func(c *gds.Ctx, dst []float64) []float64 {
			return append(dst, float64(c.T), 2*float64(c.T))
		}),
	)
	return &fixture{b: b, env: env}
}

// evalResult is what an expression evaluated to at timestep evalT.
type evalResult struct {
	typ gds.Kind
	val any // float64, int64, bool, string or []float64 (a copy)
}

// run compiles src against a fresh fixture, builds the model with an eval
// policy that evaluates it at timestep evalT (so that the lagged values
// have a history) and runs a job with the given seed. Build's trace does
// not evaluate it, so that run-time errors fail the job. The error is the
// compile error, or the run's.
func run(src string, seed uint64) (evalResult, error) {
	f := newFixture()
	x, err := expr.Compile(src, f.env)
	if err != nil {
		return evalResult{}, err
	}
	var res evalResult
	res.typ = x.Kind
	armed := false // not while Build traces the model
	f.b.PSUB("eval", gds.Policy("eval", func(c *gds.Ctx) {
		if armed && c.T == evalT {
			res.val = evaluate(x, c)
		}
	}))
	m, err := f.b.Build()
	if err != nil {
		return evalResult{}, err
	}
	armed = true
	job := &gds.Job{Run: 1, Timesteps: evalT, Seed: [2]uint64{seed, 1}, OnNaN: gds.NaNIgnore}
	if err := m.NewEngine().Run(context.Background(), job, discard{}); err != nil {
		return evalResult{}, err
	}
	return res, nil
}

// evaluate calls the evaluation function of x's type.
func evaluate(x *expr.Expr, c *gds.Ctx) any {
	switch x.Kind {
	case gds.KindFloat:
		return x.Float(c)
	case gds.KindInt:
		if x.Float == nil {
			panic("Int expression without Float")
		}
		return x.Int(c)
	case gds.KindBool:
		return x.Bool(c)
	case gds.KindString:
		return x.String(c)
	case gds.KindVec:
		return slices.Clone(x.Vec(c))
	}
	panic(fmt.Sprintf("invalid type %v", x.Kind))
}

type discard struct{}

func (discard) Record(*gds.Row) error { return nil }

// same compares two values; floats bit for bit (any NaN equals any NaN).
func same(a, b any) bool {
	switch a := a.(type) {
	case float64:
		b, ok := b.(float64)
		return ok && sameFloat(a, b)
	case []float64:
		b, ok := b.([]float64)
		if !ok || len(a) != len(b) {
			return false
		}
		for i := range a {
			if !sameFloat(a[i], b[i]) {
				return false
			}
		}
		return true
	}
	return a == b
}

func sameFloat(a, b float64) bool {
	if math.IsNaN(a) {
		return math.IsNaN(b)
	}
	return math.Float64bits(a) == math.Float64bits(b)
}

// typeOf is the expression type of a Go value.
func typeOf(v any) gds.Kind {
	switch v.(type) {
	case float64:
		return gds.KindFloat
	case int64:
		return gds.KindInt
	case bool:
		return gds.KindBool
	case string:
		return gds.KindString
	case []float64:
		return gds.KindVec
	}
	return 0
}

// evalErr returns the *expr.EvalError a run failed with.
func evalErr(err error) *expr.EvalError {
	var ee *expr.EvalError
	if errors.As(err, &ee) {
		return ee
	}
	return nil
}

// Reference computations, in float64 at run time.

func refGini(values []float64) float64 {
	v := slices.Clone(values)
	slices.Sort(v)
	n := float64(len(v))
	total := 0.0
	for _, x := range v {
		total += x
	}
	if total == 0 {
		return 0.0
	}
	cum := 0.0
	for i, x := range v {
		cum += float64(float64(i+1) * x)
	}
	return float64(float64(2.0*cum)/float64(n*total)) - float64((n+1.0)/n)
}
