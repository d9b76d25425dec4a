package expr_test

import (
	"context"
	"testing"

	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/gds/expr"
	"github.com/statecraft/statecraft/models/predatorprey"
)

// The predator-prey model of models/predatorprey, with its two policies
// and two updates written as expressions.
var ppExprs = [4]string{
	"(alpha*prey - beta*prey*predator)*dt + noise*prey*normal(0, 1)*sqrt(dt)",
	"(delta*prey*predator - gamma*predator)*dt + noise*predator*normal(0, 1)*sqrt(dt)",
	"max(prey + d_prey, 0.0)",
	"max(predator + d_predator, 0.0)",
}

func newExprPredatorPrey() (*gds.Model, error) {
	b := gds.NewBuilder("predator_prey_expr")
	prey := b.Float("prey", 10)
	pred := b.Float("predator", 10)
	env := expr.NewEnv(b)
	env.Float("prey", prey.Get)
	env.Float("predator", pred.Get)
	for _, p := range []struct {
		name string
		def  float64
	}{{"alpha", 1.1}, {"beta", 0.4}, {"gamma", 0.4}, {"delta", 0.1}, {"dt", 0.01}, {"noise", 0.05}} {
		env.Float(p.name, b.ParamFloat(p.name, p.def).Get)
	}
	dPrey := b.FloatSignal("d_prey", gds.Sum)
	dPred := b.FloatSignal("d_predator", gds.Sum)
	env.Float("d_prey", dPrey.Get)
	env.Float("d_predator", dPred.Get)
	var xs [4]*expr.Expr
	for i, src := range ppExprs {
		x, err := expr.Compile(src, env)
		if err != nil {
			return nil, err
		}
		xs[i] = x
	}
	growPrey, growPred, newPrey, newPred := xs[0].Float, xs[1].Float, xs[2].Float, xs[3].Float
	b.PSUB("populations",
		gds.Policy("prey", func(c *gds.Ctx) { dPrey.Emit(c, growPrey(c)) }),
		gds.Policy("predator", func(c *gds.Ctx) { dPred.Emit(c, growPred(c)) }),
		prey.Update(newPrey),
		pred.Update(newPred),
	)
	return b.Build()
}

// rowsRec keeps every row's floats.
type rowsRec struct{ rows [][2]float64 }

func (r *rowsRec) Record(row *gds.Row) error {
	r.rows = append(r.rows, [2]float64{row.Floats()[0], row.Floats()[1]})
	return nil
}

// TestPredatorPreyMatchesGo: the expression model gives the Go model's
// results bit for bit, draws included.
func TestPredatorPreyMatchesGo(t *testing.T) {
	goM, err := predatorprey.New()
	if err != nil {
		t.Fatal(err)
	}
	exM, err := newExprPredatorPrey()
	if err != nil {
		t.Fatal(err)
	}
	for _, seed := range []uint64{1, 2, 3} {
		job := &gds.Job{Run: 1, Timesteps: 1000, Seed: [2]uint64{seed, 7}}
		var a, b rowsRec
		if err := goM.NewEngine().Run(context.Background(), job, &a); err != nil {
			t.Fatal(err)
		}
		if err := exM.NewEngine().Run(context.Background(), job, &b); err != nil {
			t.Fatal(err)
		}
		if len(a.rows) != 1001 || len(b.rows) != len(a.rows) {
			t.Fatalf("rows: %d and %d", len(a.rows), len(b.rows))
		}
		for i := range a.rows {
			for j := range 2 {
				if !sameFloat(a.rows[i][j], b.rows[i][j]) {
					t.Fatalf("seed %d, row %d, column %d: Go %v, expressions %v", seed, i, j, a.rows[i][j], b.rows[i][j])
				}
			}
		}
	}
}

type nopRec struct{}

func (nopRec) Record(*gds.Row) error { return nil }

// benchSubsteps runs jobs of 1000 timesteps, as models/predatorprey's
// BenchmarkSubstep does; the model has one PSUB, so b.N counts substeps.
func benchSubsteps(b *testing.B, m *gds.Model) {
	e := m.NewEngine()
	const T = 1000
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i += T {
		job := &gds.Job{Run: 1 + i/T, Timesteps: min(T, b.N-i), Seed: [2]uint64{1, uint64(i)}}
		if err := e.Run(context.Background(), job, nopRec{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPredatorPreyExpr is the cost per substep of the predator-prey
// model written as four expressions; compare with BenchmarkPredatorPreyGo.
func BenchmarkPredatorPreyExpr(b *testing.B) {
	m, err := newExprPredatorPrey()
	if err != nil {
		b.Fatal(err)
	}
	benchSubsteps(b, m)
}

// BenchmarkPredatorPreyGo is the cost per substep of models/predatorprey.
func BenchmarkPredatorPreyGo(b *testing.B) {
	m, err := predatorprey.New()
	if err != nil {
		b.Fatal(err)
	}
	benchSubsteps(b, m)
}
