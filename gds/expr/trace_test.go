package expr_test

import (
	"slices"
	"testing"

	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/gds/expr"
)

// TestTrace: names declared with FloatVar, FloatParam and FloatSignal are
// read untraced inside the closures; the block that traces its expressions
// (Block.Traces) still shows them in the model's Structure, and one that
// does not shows none of them, which is why the loader of model files
// traces every block.
func TestTrace(t *testing.T) {
	for _, traces := range []bool{true, false} {
		b := gds.NewBuilder("traced")
		x := b.Float("x", 1)
		y := b.Float("y", 2)
		rate := b.ParamFloat("rate", 0.5)
		dx := b.FloatSignal("dx", gds.Sum)
		env := expr.NewEnv(b)
		env.FloatVar("x", x)
		env.FloatVar("y", y)
		env.FloatParam("rate", rate)
		env.FloatSignal("dx", dx)
		pol, err := expr.Compile("rate*x*y - sqrt(rate)", env)
		if err != nil {
			t.Fatal(err)
		}
		upd, err := expr.Compile("x + dx", env)
		if err != nil {
			t.Fatal(err)
		}
		policy := gds.Policy("grow", func(c *gds.Ctx) { dx.Emit(c, pol.Float(c)) })
		update := x.Update(upd.Float)
		if traces {
			policy, update = policy.Traces(pol.Trace), update.Traces(expr.TraceAll(upd, nil))
		}
		b.PSUB("step", policy, update)
		m, err := b.Build()
		if err != nil {
			t.Fatal(err)
		}
		bl := m.Structure()[0].Blocks
		got := [][]string{bl[0].Reads, bl[0].Params, bl[1].Reads, bl[1].SignalsIn}
		want := [][]string{{"x", "y"}, {"rate"}, {"x"}, {"dx"}}
		if !traces {
			want = [][]string{nil, nil, nil, nil}
		}
		if !slices.EqualFunc(got, want, slices.Equal) {
			t.Errorf("traces %v: policy reads %v params %v, update reads %v signals %v; want %v", traces, got[0], got[1], got[2], got[3], want)
		}
	}
}
