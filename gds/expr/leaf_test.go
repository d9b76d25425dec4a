package expr_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/gds/expr"
)

// TestLeafChains: chains of two operations on three leaves (state
// variables, parameters and signals, read inline), grouped either way,
// give Go's arithmetic rounded at each step, for every pair of operators
// and every mix of leaf kinds. These are the fused closures (leaf3,
// leafArith, fuse3Leaf) and the parameter-only parts computed once
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
	if len(forms) != 3*3*3*25*2 {
		t.Errorf("%d forms", len(forms))
	}
}
