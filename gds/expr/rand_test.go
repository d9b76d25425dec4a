package expr_test

import (
	"context"
	"math"
	"math/rand/v2"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/gds/expr"
)

// randCtx is a Ctx with only a random stream: enough for expressions that
// read no names and build no vectors.
func randCtx(src rand.Source) *gds.Ctx { return &gds.Ctx{Rand: rand.New(src), Src: src} }

// countingSource counts the words drawn from a stream.
type countingSource struct {
	src rand.Source
	n   int
}

func (s *countingSource) Uint64() uint64 { s.n++; return s.src.Uint64() }

// fmaFree reports whether this test binary's compiler may not fuse
// multiply-adds: distuv's formulas match ours only then.
func fmaFree() bool {
	if runtime.GOARCH != "amd64" {
		return false
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "GOAMD64" && s.Value != "v1" && s.Value != "v2" {
				return false
			}
		}
	}
	return true
}

// TestDrawsMatchDistuv: each random function draws what gonum's distuv
// draws from the same stream, with constant parameters and with
// parameters read from names.
func TestDrawsMatchDistuv(t *testing.T) {
	if !fmaFree() {
		t.Skip("distuv's own formulas may be compiled with fused multiply-adds here")
	}
	var p1, p2 float64
	env := expr.NewEnv(nil)
	env.Float("p1", func(*gds.Ctx) float64 { return p1 })
	env.Float("p2", func(*gds.Ctx) float64 { return p2 })
	cases := []struct {
		fn     string
		params [][2]float64
		gonum  func(a, b float64, src rand.Source) float64
	}{
		{"uniform", [][2]float64{{0, 1}, {-3, 7}, {2, 2.5}}, func(a, b float64, src rand.Source) float64 {
			return distuv.Uniform{Min: a, Max: b, Src: src}.Rand()
		}},
		{"normal", [][2]float64{{0, 1}, {10, 0.5}, {-1, 3}}, func(a, b float64, src rand.Source) float64 {
			return distuv.Normal{Mu: a, Sigma: b, Src: src}.Rand()
		}},
		{"lognormal", [][2]float64{{0, 1}, {1, 0.25}}, func(a, b float64, src rand.Source) float64 {
			return distuv.LogNormal{Mu: a, Sigma: b, Src: src}.Rand()
		}},
		{"exponential", [][2]float64{{1}, {0.5}, {7}}, func(a, _ float64, src rand.Source) float64 {
			return distuv.Exponential{Rate: a, Src: src}.Rand()
		}},
		{"poisson", [][2]float64{{0}, {0.5}, {3}, {9.99}, {10}, {30}, {1000}, {1e7}}, func(a, _ float64, src rand.Source) float64 {
			return distuv.Poisson{Lambda: a, Src: src}.Rand()
		}},
		{"bernoulli", [][2]float64{{0}, {0.3}, {0.999}, {1}}, func(a, _ float64, src rand.Source) float64 {
			return distuv.Bernoulli{P: a, Src: src}.Rand()
		}},
	}
	for _, tc := range cases {
		for _, p := range tc.params {
			two := tc.fn == "uniform" || tc.fn == "normal" || tc.fn == "lognormal"
			srcs := []string{tc.fn + "(p1)", tc.fn + "(" + ftoa(p[0]) + ")"}
			if two {
				srcs = []string{tc.fn + "(p1, p2)", tc.fn + "(" + ftoa(p[0]) + ", " + ftoa(p[1]) + ")"}
			}
			for _, src := range srcs {
				x, err := expr.Compile(src, env)
				if err != nil {
					t.Fatalf("%s: %v", src, err)
				}
				p1, p2 = p[0], p[1]
				ours, theirs := rand.NewPCG(5, 6), rand.NewPCG(5, 6)
				c := randCtx(ours)
				for i := range 2000 {
					want := tc.gonum(p[0], p[1], theirs)
					var got float64
					switch x.Kind {
					case gds.KindInt:
						got = float64(x.Int(c))
					case gds.KindBool:
						if x.Bool(c) {
							got = 1
						}
					default:
						got = x.Float(c)
					}
					if !sameFloat(got, want) {
						t.Fatalf("%s with %v, draw %d: %v, distuv %v", src, p, i, got, want)
					}
				}
			}
		}
	}
}

func ftoa(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

// TestDrawCounts: ifelse evaluates only the chosen branch, && and ||
// only the operands that decide, so they draw only from those.
func TestDrawCounts(t *testing.T) {
	on, off := true, false
	env := expr.NewEnv(nil)
	env.Bool("on", func(*gds.Ctx) bool { return on })
	env.Bool("off", func(*gds.Ctx) bool { return off })
	cases := []struct {
		src   string
		draws int
	}{
		{"uniform(0, 1)", 1},
		{"uniform(0, 1) + uniform(0, 1)", 2},
		{"bernoulli(0.5)", 1},
		{"ifelse(on, 1.0, uniform(0, 1))", 0},
		{"ifelse(off, uniform(0, 1), 2)", 0},
		{"ifelse(on, uniform(0, 1), 2)", 1},
		{"ifelse(true, 1.0, uniform(0, 1))", 0},
		{"ifelse(false, uniform(0, 1), 2)", 0},
		{"ifelse(uniform(0, 1) < 2, uniform(0, 1), uniform(0, 1) + uniform(0, 1))", 2},
		{"ifelse(uniform(0, 1) < -1, uniform(0, 1), uniform(0, 1) + uniform(0, 1))", 3},
		{"ifelse(off, poisson(3), 1)", 0},
		{"off && bernoulli(0.5)", 0},
		{"on || bernoulli(0.5)", 0},
		{"on && bernoulli(0.5)", 1},
		{"off || bernoulli(0.5)", 1},
		{"off && bernoulli(0.5) || on", 0},
		{"isnan(uniform(0, 1))", 1},
		{"float(bernoulli(0.5)) + 0 * uniform(0, 1)", 2},
	}
	for _, tc := range cases {
		x, err := expr.Compile(tc.src, env)
		if err != nil {
			t.Fatalf("%q: %v", tc.src, err)
		}
		src := &countingSource{src: rand.NewPCG(1, 2)}
		c := randCtx(src)
		for range 20 {
			before := src.n
			evaluate(x, c)
			if got := src.n - before; got != tc.draws {
				t.Errorf("%q drew %d words, want %d", tc.src, got, tc.draws)
				break
			}
		}
	}
}

// TestDrawsInRun: inside a run, an expression draws from the job's stream
// in the order of the blocks, and ifelse draws only when its condition
// holds: the stream of a PCG seeded like the job predicts every value.
func TestDrawsInRun(t *testing.T) {
	b := gds.NewBuilder("draws")
	env := expr.NewEnv(b)
	x, err := expr.Compile("ifelse(t % 2 == 0, uniform(2, 5), -1.0)", env)
	if err != nil {
		t.Fatal(err)
	}
	var got, goDraws []float64
	armed := false
	b.PSUB("draw",
		gds.Policy("expr", func(c *gds.Ctx) {
			if armed {
				got = append(got, x.Float(c))
			}
		}),
		gds.Policy("go", func(c *gds.Ctx) {
			u := c.Rand.Float64()
			if armed {
				goDraws = append(goDraws, u)
			}
		}),
	)
	m, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	armed = true
	const T = 50
	if err := m.NewEngine().Run(context.Background(), &gds.Job{Run: 1, Timesteps: T, Seed: [2]uint64{11, 12}}, discard{}); err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(11, 12))
	lo, width := 2.0, 3.0
	for i := range T {
		want := -1.0
		if (i+1)%2 == 0 {
			want = float64(r.Float64()*width) + lo
		}
		if !sameFloat(got[i], want) {
			t.Fatalf("t=%d: expression %v, want %v", i+1, got[i], want)
		}
		if u := r.Float64(); u != goDraws[i] {
			t.Fatalf("t=%d: the next draw is %v, want %v", i+1, goDraws[i], u)
		}
	}
}

// TestRandomDeterminism: the same seed gives the same draws, on another
// engine too; another seed gives others.
func TestRandomDeterminism(t *testing.T) {
	b := gds.NewBuilder("determinism")
	level := b.Float("level", 5)
	env := expr.NewEnv(b)
	env.Float("level", level.Get)
	x, err := expr.Compile("normal(level, 1) + lognormal(0, 0.5) + exponential(2) + poisson(3) + poisson(40) + float(bernoulli(0.3)) + uniform(-1, 1)", env)
	if err != nil {
		t.Fatal(err)
	}
	var vals []float64
	b.PSUB("p", level.Update(func(c *gds.Ctx) float64 {
		v := x.Float(c)
		vals = append(vals, v)
		return v / 10
	}))
	m, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	runSeed := func(e *gds.Engine, seed uint64) []float64 {
		vals = nil
		if err := e.Run(context.Background(), &gds.Job{Run: 1, Timesteps: 200, Seed: [2]uint64{seed, 3}}, discard{}); err != nil {
			t.Fatal(err)
		}
		return vals
	}
	e := m.NewEngine()
	a, b2, c := runSeed(e, 1), runSeed(m.NewEngine(), 1), runSeed(e, 2)
	if !same(a, b2) {
		t.Error("the same seed gave different draws")
	}
	if same(a, c) {
		t.Error("different seeds gave the same draws")
	}
	if !same(a, runSeed(e, 1)) {
		t.Error("an engine reused after another job gave different draws")
	}
	if len(a) != 200 || slices.ContainsFunc(a, math.IsNaN) {
		t.Errorf("values: %v", a)
	}
}

// TestDrawArguments: bad distribution arguments are compile errors when
// constant, and run-time errors naming the value when they are not.
func TestDrawArguments(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{"normal(0, -1)", "col 1: normal(mu, sigma) needs a finite sigma >= 0, got -1"},
		{"lognormal(0, inf)", "lognormal(mu, sigma) needs a finite sigma >= 0, got +Inf"},
		{"uniform(1, 0)", "uniform(a, b) needs finite a <= b, got a = 1, b = 0"},
		{"uniform(0, inf)", "uniform(a, b) needs finite a <= b"},
		{"exponential(0)", "exponential(rate) needs a finite rate > 0, got 0"},
		{"bernoulli(1.5)", "bernoulli(p) needs p in [0, 1], got 1.5"},
		{"poisson(-2)", "poisson: lambda must be a finite number >= 0, got -2"},
	} {
		_, err := expr.Compile(c.src, nil)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want %q", c.src, err, c.want)
		}
	}
	// Not constant: checked at every draw.
	var s float64
	env := expr.NewEnv(nil)
	env.Float("s", func(*gds.Ctx) float64 { return s })
	for _, c := range []struct{ src, want string }{
		{"normal(0, s)", `expression "normal(0, s)": col 1: normal(mu, sigma) needs a finite sigma >= 0, got -1`},
		{"uniform(1, s)", `uniform(a, b) needs finite a <= b, got a = 1, b = -1`},
		{"exponential(s)", `exponential(rate) needs a finite rate > 0, got -1`},
		{"bernoulli(s)", `bernoulli(p) needs p in [0, 1], got -1`},
	} {
		x, err := expr.Compile(c.src, env)
		if err != nil {
			t.Fatal(err)
		}
		s = -1
		func() {
			defer func() {
				r := recover()
				e, ok := r.(*expr.EvalError)
				if !ok || !strings.Contains(e.Error(), c.want) {
					t.Errorf("%s: panic %v, want an EvalError %q", c.src, r, c.want)
				}
			}()
			c := &gds.Ctx{Rand: rand.New(rand.NewPCG(1, 2))}
			if x.Kind == gds.KindBool {
				x.Bool(c)
			} else {
				x.Float(c)
			}
		}()
	}
}
