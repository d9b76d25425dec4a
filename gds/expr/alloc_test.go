package expr_test

import (
	"context"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/gds/expr"
)

// allKinds is a model whose updates and policies are expressions of every
// type, vector operations and random draws included.
type allKinds struct {
	m    *gds.Model
	last []float64 // the vector variable at the end of the last job
}

var allKindsExprs = struct{ f, i, b, s, v, pol string }{
	f:   "ifelse(flag, (x*1.01 + sum(v)/len(v)) % 100, x) + gini(v) + dot(v, w) + lag(x, 2)*0.001 + normal(0, 0.1) + pow(abs(x), 0.5)",
	i:   "(n + poisson(3) + int(x) % 7) % 1000",
	b:   "x > 50 || mode == \"normal\" && bernoulli(0.5)",
	s:   "ifelse(flag, mode, \"other\")",
	v:   "sort(cumsum(v * 0.5 + w / 4) - fill(len(v), mean(w))) * (1 + exponential(2)) / max(vmax(w) - vmin(w), 1.0) + (-v) * 0 + uniform(0, 1)",
	pol: "sum(lag(v, 1) * w) + float(len(zeros(3))) + lognormal(0, 0.1)",
}

func newAllKinds(t testing.TB) *allKinds {
	b := gds.NewBuilder("all_kinds")
	x := b.Float("x", 1, gds.Lags(2))
	n := b.Int("n", 0)
	flag := b.Bool("flag", true)
	mode := b.String("mode", "normal")
	v := b.Vec("v", []float64{1, 2, 3, 4}, gds.Lags(1))
	w := b.Vec("w", []float64{4, 3, 2, 1})
	sig := b.FloatSignal("sig", gds.Sum)
	env := expr.NewEnv(b)
	env.Float("x", x.Get)
	env.FloatLag("x", x.Lag, 2)
	env.Int("n", n.Get)
	env.Bool("flag", flag.Get)
	env.String("mode", mode.Get)
	env.Vec("v", v.Get)
	env.VecLag("v", v.Lag, 1)
	env.Vec("w", w.Get)
	env.Float("sig", sig.Get)
	compile := func(src string) *expr.Expr {
		x, err := expr.Compile(src, env)
		if err != nil {
			t.Fatalf("%q: %v", src, err)
		}
		return x
	}
	src := allKindsExprs
	fx, ix, bx, sx, vx, px := compile(src.f+" + sig*0"), compile(src.i), compile(src.b), compile(src.s), compile(src.v), compile(src.pol)
	b.PSUB("all",
		gds.Policy("pol", func(c *gds.Ctx) { sig.Emit(c, px.Float(c)) }),
		x.Update(fx.Float),
		n.Update(ix.Int),
		flag.Update(bx.Bool),
		mode.Update(sx.String),
		v.Update(func(c *gds.Ctx, dst []float64) []float64 { return append(dst, vx.Vec(c)...) }),
	)
	m, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	return &allKinds{m: m}
}

func (a *allKinds) run(t testing.TB, e *gds.Engine, seed uint64) {
	job := &gds.Job{Run: 1, Timesteps: 1000, Seed: [2]uint64{seed, 1}, Schedule: gds.Schedule{FinalOnly: true}}
	if err := e.Run(context.Background(), job, a); err != nil {
		t.Fatal(err)
	}
}

// Record keeps the vector variable of the last row.
func (a *allKinds) Record(r *gds.Row) error {
	a.last = append(a.last[:0], r.Vec(0)...)
	return nil
}

// TestNoAllocs: after a warm-up job, a 1000-step job of a model made of
// expressions of every type, vector operations and random draws allocates
// nothing.
func TestNoAllocs(t *testing.T) {
	a := newAllKinds(t)
	e := a.m.NewEngine()
	job := &gds.Job{Run: 1, Timesteps: 1000, Seed: [2]uint64{1, 1}}
	ctx := context.Background()
	if err := e.Run(ctx, job, a); err != nil {
		t.Fatal(err)
	}
	allocs := testing.AllocsPerRun(5, func() {
		if err := e.Run(ctx, job, a); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Fatalf("a 1000-step job allocated %v times; want 0", allocs)
	}
}

// TestNoAllocsPerEvaluation evaluates scalar expressions and random draws
// directly.
func TestNoAllocsPerEvaluation(t *testing.T) {
	x, y := 3.0, int64(4)
	env := expr.NewEnv(nil)
	env.Float("x", func(*gds.Ctx) float64 { return x })
	env.Int("y", func(*gds.Ctx) int64 { return y })
	c := randCtx(rand.NewPCG(1, 2))
	for _, src := range []string{
		"x*x - 2*x + 1 / (x + y) % 3",
		"sqrt(abs(x)) + exp(-x) + log(x, 2) + min(x, y, 2) + clip(x, 0, 1) + round(x)",
		"y * 3 % 5 + abs(-y) + sign(y) + int(x) + t",
		"x > 2 && !(y == 4) || isnan(x)",
		`ifelse(x > 2, "a", "b" + "c")`,
		"normal(x, 1) + uniform(0, x) + lognormal(0, 1) + exponential(x)",
		"poisson(x) + poisson(100 * x)",
		"bernoulli(0.5) || bernoulli(0.1)",
	} {
		e, err := expr.Compile(src, env)
		if err != nil {
			t.Fatalf("%q: %v", src, err)
		}
		if allocs := testing.AllocsPerRun(100, func() {
			switch e.Kind {
			case gds.KindFloat:
				_ = e.Float(c)
			case gds.KindInt:
				_ = e.Int(c)
			case gds.KindBool:
				_ = e.Bool(c)
			case gds.KindString:
				_ = e.String(c)
			}
		}); allocs != 0 {
			t.Errorf("%q: %v allocations per evaluation", src, allocs)
		}
	}
}

// TestConcurrentEngines: engines running the same model on several
// goroutines have their own scratch buffers (run with -race).
func TestConcurrentEngines(t *testing.T) {
	a := newAllKinds(t)
	want := map[uint64][]float64{}
	for seed := uint64(1); seed <= 4; seed++ {
		a.run(t, a.m.NewEngine(), seed)
		want[seed] = append([]float64(nil), a.last...)
	}
	var wg sync.WaitGroup
	for seed := uint64(1); seed <= 4; seed++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mine := &allKinds{m: a.m}
			e := a.m.NewEngine()
			for range 3 {
				mine.run(t, e, seed)
				if !same(mine.last, want[seed]) {
					t.Errorf("seed %d: concurrent run gave %v, want %v", seed, mine.last, want[seed])
					return
				}
			}
		}()
	}
	wg.Wait()
}

// TestVecResultDoesNotAlias: an expression's vector result lives in its
// own scratch buffer, not in the variables it reads.
func TestVecResultDoesNotAlias(t *testing.T) {
	b := gds.NewBuilder("alias")
	v := b.Vec("v", []float64{1, 2, 3})
	env := expr.NewEnv(b)
	env.Vec("v", v.Get)
	neg, err := expr.Compile("-v", env)
	if err != nil {
		t.Fatal(err)
	}
	twice, err := expr.Compile("v * 2", env)
	if err != nil {
		t.Fatal(err)
	}
	var got [][]float64
	b.PSUB("p", gds.Policy("look", func(c *gds.Ctx) {
		n := neg.Vec(c)
		w := twice.Vec(c)
		got = [][]float64{append([]float64(nil), n...), append([]float64(nil), w...), append([]float64(nil), v.Get(c)...)}
	}))
	m, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	if err := m.NewEngine().Run(context.Background(), &gds.Job{Run: 1, Timesteps: 2}, discard{}); err != nil {
		t.Fatal(err)
	}
	want := [][]float64{{-1, -2, -3}, {2, 4, 6}, {1, 2, 3}}
	for i := range want {
		if !same(got[i], want[i]) {
			t.Errorf("%d: %v, want %v", i, got[i], want[i])
		}
	}
}
