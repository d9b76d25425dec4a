package expr_test

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/gds/expr"
)

// TestLeafChains: chains of two operations on three leaves (state
// variables, parameters and signals, read inline), grouped either way,
// give Go's arithmetic rounded at each step, for every pair of operators
// and every mix of leaf kinds; so do min and max of an operation on two
// leaves and a constant. These are the fused closures (leaf3, leafArith,
// fuse3Leaf) and the parameter-only parts computed once
// (derived parameters).
func TestLeafChains(t *testing.T) {
	vals := map[string]float64{"x": 1.7, "y": -0.3, "p": 2.5, "q": -0.75, "s": 0.6}
	firsts, others := []string{"x", "p", "s"}, []string{"y", "q", "s"}
	b := gds.NewBuilder("chains")
	env := expr.NewEnv(b)
	for _, n := range []string{"x", "y"} {
		env.FloatVar(n, b.Float(n, vals[n]))
	}
	for _, n := range []string{"p", "q"} {
		env.FloatParam(n, b.ParamFloat(n, vals[n]))
	}
	s := b.FloatSignal("s", gds.Sum)
	env.FloatSignal("s", s)
	type form struct {
		x    *expr.Expr
		want float64
	}
	var forms []form
	ops := []byte("+-*/%")
	for _, a := range firsts {
		for _, bn := range others {
			for _, d := range others {
				for _, o1 := range ops {
					for _, o2 := range ops {
						for _, right := range []bool{false, true} {
							src := fmt.Sprintf("(%s %c %s) %c %s", a, o1, bn, o2, d)
							want := apply(o2, apply(o1, vals[a], vals[bn]), vals[d])
							if right {
								src = fmt.Sprintf("%s %c (%s %c %s)", a, o1, bn, o2, d)
								want = apply(o1, vals[a], apply(o2, vals[bn], vals[d]))
							}
							x, err := expr.Compile(src, env)
							if err != nil {
								t.Fatalf("%s: %v", src, err)
							}
							forms = append(forms, form{x, want})
						}
					}
				}
			}
		}
	}
	for _, a := range firsts {
		for _, bn := range others {
			for _, o := range []byte("+-*/") {
				for _, k := range []float64{0.5, -1} {
					for _, fn := range []string{"min", "max"} {
						src := fmt.Sprintf("%s(%s %c %s, %v)", fn, a, o, bn, k)
						want := max(apply(o, vals[a], vals[bn]), k)
						if fn == "min" {
							want = min(apply(o, vals[a], vals[bn]), k)
						}
						x, err := expr.Compile(src, env)
						if err != nil {
							t.Fatalf("%s: %v", src, err)
						}
						forms = append(forms, form{x, want})
					}
				}
			}
		}
	}
	var bad []string
	out := b.Float("out", 0)
	b.PSUB("step",
		gds.Policy("emit", func(c *gds.Ctx) { s.Emit(c, vals["s"]) }),
		out.Update(func(c *gds.Ctx) float64 {
			for _, f := range forms {
				if got := f.x.Float(c); !sameFloat(got, f.want) {
					bad = append(bad, fmt.Sprintf("%s = %v, want %v", f.x.Src, got, f.want))
				}
			}
			return 0
		}),
	)
	m, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	bad = nil // Build traced the model on its defaults: the run below is the test
	if err := m.NewEngine().Run(context.Background(), &gds.Job{Run: 1, Timesteps: 1}, discard{}); err != nil {
		t.Fatal(err)
	}
	for i, msg := range bad {
		if i == 10 {
			t.Errorf("... and %d more", len(bad)-10)
			break
		}
		t.Error(msg)
	}
	if len(forms) != 3*3*3*25*2+3*3*4*2*2 {
		t.Errorf("%d forms", len(forms))
	}
}

// TestDerivedParams: a parameter-only part of an expression (sqrt(dt) *
// 2) is computed when a job's parameters are set, so each job sees its
// own value, and the model's parameters stay those declared.
func TestDerivedParams(t *testing.T) {
	b := gds.NewBuilder("derived")
	x := b.Float("x", 0)
	dt := b.ParamFloat("dt", 4)
	env := expr.NewEnv(b)
	env.FloatVar("x", x)
	env.FloatParam("dt", dt)
	step, err := expr.Compile("x + sqrt(dt) * 2", env)
	if err != nil {
		t.Fatal(err)
	}
	b.PSUB("step", x.Update(step.Float).Traces(step.Trace))
	m, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	if ps := m.Params(); len(ps) != 1 || ps[0].Name != "dt" {
		t.Errorf("params %+v, want dt only", ps)
	}
	if got := m.Structure()[0].Blocks[0].Params; len(got) != 1 || got[0] != "dt" {
		t.Errorf("the update reads params %v, want [dt]", got)
	}
	e := m.NewEngine()
	for _, c := range []struct{ dt, want float64 }{{4, 12}, {9, 18}, {0.25, 3}} {
		p := m.Defaults()
		if err := p.Set("dt", c.dt); err != nil {
			t.Fatal(err)
		}
		q := p.Clone()
		var last float64
		rec := recordFunc(func(r *gds.Row) { last = r.Floats()[0] })
		if err := e.Run(context.Background(), &gds.Job{Run: 1, Timesteps: 3, Params: q}, rec); err != nil {
			t.Fatal(err)
		}
		if last != c.want {
			t.Errorf("dt = %v: x after 3 steps = %v, want %v", c.dt, last, c.want)
		}
	}
}

type recordFunc func(*gds.Row)

func (f recordFunc) Record(r *gds.Row) error { f(r); return nil }

// TestEmitFloat: a policy made by EmitFloat emits what the expression
// evaluates to, for each operation its last step may be (computed in the
// emitting closure) and for other roots.
func TestEmitFloat(t *testing.T) {
	for _, src := range []string{"x*p + sqrt(x)", "x*p - sqrt(x)", "(x+p) * sqrt(x)", "(x-p) / sqrt(x)", "sqrt(x)", "x", "int(x) + 1", "x % 0.3 + p"} {
		b := gds.NewBuilder("emit")
		x := b.Float("x", 1.7)
		p := b.ParamFloat("p", 2.5)
		s := b.FloatSignal("s", gds.Sum)
		got := b.Float("got", 0)
		env := expr.NewEnv(b)
		env.FloatVar("x", x)
		env.FloatParam("p", p)
		e, err := expr.Compile(src, env)
		if err != nil {
			t.Fatal(err)
		}
		b.PSUB("step", gds.Policy("emit", e.EmitFloat(s)).Traces(e.Trace), got.Update(s.Get))
		m, err := b.Build()
		if err != nil {
			t.Fatal(err)
		}
		var last, want float64
		rec := recordFunc(func(r *gds.Row) { last = r.Floats()[1] })
		if err := m.NewEngine().Run(context.Background(), &gds.Job{Run: 1, Timesteps: 1}, rec); err != nil {
			t.Fatal(err)
		}
		vx, vp := 1.7, 2.5
		switch src {
		case "x*p + sqrt(x)":
			want = float64(vx*vp) + math.Sqrt(vx)
		case "x*p - sqrt(x)":
			want = float64(vx*vp) - math.Sqrt(vx)
		case "(x+p) * sqrt(x)":
			want = float64(vx+vp) * math.Sqrt(vx)
		case "(x-p) / sqrt(x)":
			want = float64(vx-vp) / math.Sqrt(vx)
		case "sqrt(x)":
			want = math.Sqrt(vx)
		case "x":
			want = vx
		case "int(x) + 1":
			want = 2
		case "x % 0.3 + p":
			want = pyMod(vx, 0.3) + vp
		}
		if !sameFloat(last, want) {
			t.Errorf("%s: emitted %v, want %v", src, last, want)
		}
	}
}

// TestOverAgent: a population whose agent is gds.Ctx.Agent (at and cur
// nil) evaluates over(...) for each agent in turn, numbers and bools, and
// restores the current agent, so a per-agent expression can aggregate over
// its own population.
func TestOverAgent(t *testing.T) {
	vals := []float64{3, -1, 4, 1.5}
	b := gds.NewBuilder("pop")
	out := b.Float("out", 0)
	agent := expr.NewEnv(b)
	agent.Float("x", func(c *gds.Ctx) float64 { return vals[c.Agent] })
	agent.AgentIndex("agent")
	agent.Vec("w", func(*gds.Ctx) []float64 { return []float64{10, 20, 30, 40} })
	env := expr.NewEnv(b)
	env.Population("pop", func(*gds.Ctx) int { return len(vals) }, agent, nil, nil)
	agent.Population("pop", func(*gds.Ctx) int { return len(vals) }, agent, nil, nil)
	var xs []*expr.Expr
	for _, src := range []string{"over(pop, x * 2)", "over(pop, x > 1)", "over(pop, x - sum(over(pop, x)))", "over(pop, w[agent] + float(agent))"} {
		x, err := expr.Compile(src, env)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		xs = append(xs, x)
	}
	var sums []*expr.Expr // sum(over(...)): added up without the vector
	for _, src := range []string{"sum(over(pop, x))", "sum(over(pop, x > 1))", "int(sum(over(pop, x > 0)))"} {
		x, err := expr.Compile(src, env)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		sums = append(sums, x)
	}
	var got [][]float64
	b.PSUB("p", out.Update(func(c *gds.Ctx) float64 {
		c.Agent = 2
		got = nil
		for _, x := range xs {
			got = append(got, slices.Clone(x.Vec(c)))
		}
		var s []float64
		for _, x := range sums {
			s = append(s, x.Float(c))
		}
		got = append(got, s)
		if c.Agent != 2 {
			t.Errorf("over left the current agent at %d, want 2", c.Agent)
		}
		return 0
	}))
	m, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	if err := m.NewEngine().Run(context.Background(), &gds.Job{Run: 1, Timesteps: 1}, discard{}); err != nil {
		t.Fatal(err)
	}
	want := [][]float64{{6, -2, 8, 3}, {1, 0, 1, 1}, {3 - 7.5, -1 - 7.5, 4 - 7.5, 1.5 - 7.5}, {10, 21, 32, 43}, {7.5, 3, 3}}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("got %v, want %v", got, want)
	}
}

// TestLeavesMatchPlainNames: an expression over names declared by their
// handles (read inline, fused, parameter-only parts derived) evaluates to
// the same bits as the same expression over names declared by accessors
// (one closure per name and operation).
func TestLeavesMatchPlainNames(t *testing.T) {
	for _, src := range []string{
		"(alpha*prey - 0.4*prey*predator)*0.01 + 0.05*prey*normal(0, 1)*sqrt(alpha)",
		"max(prey + d_prey, 0.0)", "min(predator * prey, -1.0) + pow(alpha, 2)",
		"prey % alpha + exp(-alpha * 0.5)", "(prey - alpha) / (alpha * predator)",
		"alpha * (prey - predator * alpha)", "prey / predator / alpha", "-alpha * prey + alpha / 3",
		"ifelse(prey > alpha, sqrt(alpha), predator) * alpha", "sqrt(alpha) * sqrt(alpha) - alpha",
		"log(alpha) * prey - log(prey, 2) * alpha", "prey - (alpha - predator) - d_prey",
	} {
		leafSrc := strings.NewReplacer("alpha", "lalpha", "predator", "lpred", "prey", "lprey", "d_prey", "ld").Replace(src)
		plain, err := run(src, 7)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		leaf, err := run(leafSrc, 7)
		if err != nil {
			t.Fatalf("%s: %v", leafSrc, err)
		}
		if !same(plain.val, leaf.val) {
			t.Errorf("%s = %v, but %s = %v", src, plain.val, leafSrc, leaf.val)
		}
	}
}
