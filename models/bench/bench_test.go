package bench_test

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/models/bench"
)

// rows keeps every recorded row of a run: the float variables and, for
// abm, the agents.
type rows struct {
	withAgents bool
	ids        [][2]int // timestep, substep
	floats     [][]float64
	agents     [][]bench.Agent
}

func (r *rows) Record(row *gds.Row) error {
	r.ids = append(r.ids, [2]int{row.Timestep, row.Substep})
	r.floats = append(r.floats, append([]float64(nil), row.Floats()...))
	if r.withAgents {
		r.agents = append(r.agents, append([]bench.Agent(nil), row.Agents(0).([]bench.Agent)...))
	}
	return nil
}

type nopRec struct{}

func (nopRec) Record(*gds.Row) error { return nil }

func build(t testing.TB, f func() (*gds.Model, error)) *gds.Model {
	t.Helper()
	m, err := f()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func run(t *testing.T, m *gds.Model, T int, seed [2]uint64, set map[string]float64) *rows {
	t.Helper()
	p := m.Defaults()
	for k, v := range set {
		if err := p.Set(k, v); err != nil {
			t.Fatal(err)
		}
	}
	rec := &rows{withAgents: m.Vars()[0].Kind == gds.KindAgents}
	if err := m.NewEngine().Run(context.Background(), &gds.Job{Run: 1, Timesteps: T, Params: p, Seed: seed}, rec); err != nil {
		t.Fatal(err)
	}
	return rec
}

// TestAMMMatchesPythonForm runs the amm model and a line-by-line
// transcription of p_random_trader, p_arbitrageur and the state updates of
// shared/peers/models.py, drawing from the same stream in the same order
// (normal, uniform in PSUB 1; normal in PSUB 2), and requires the same
// value in every variable of every row.
func TestAMMMatchesPythonForm(t *testing.T) {
	const T = 2000
	seed := [2]uint64{3, 5}
	fee := 0.007000000000000001
	got := run(t, build(t, bench.NewAMM), T, seed, map[string]float64{"fee": fee})
	if len(got.floats) != 3*T+1 {
		t.Fatalf("%d rows, want %d", len(got.floats), 3*T+1)
	}

	rng := rand.New(rand.NewPCG(seed[0], seed[1]))
	const tradeSigma, marketP0, marketSigma = 0.01, 2.0, 0.02
	s := [5]float64{1000, 2000, 2, 0, 0} // reserve_x, reserve_y, price, fees, volume
	want := [][5]float64{s}
	flows := func(dx, dy, fv, vol float64) {
		s[0], s[1], s[3], s[4] = s[0]+dx, s[1]+dy, s[3]+fv, s[4]+vol
		want = append(want, s)
	}
	for t := 1; t <= T; t++ {
		// p_random_trader
		x, y := s[0], s[1]
		size := math.Abs(rng.NormFloat64()) * tradeSigma
		var dx, dy, fv, vol float64
		if rng.Float64() < 0.5 {
			dx = size * x
			eff := float64(dx * (1 - fee))
			dy = -y * eff / (x + eff)
			fv = float64(dx * fee * (y / x))
			vol = float64(dx * (y / x))
		} else {
			dy = size * y
			eff := float64(dy * (1 - fee))
			dx = -x * eff / (y + eff)
			fv = float64(dy * fee)
			vol = dy
		}
		flows(dx, dy, fv, vol)
		// p_arbitrageur
		x, y = s[0], s[1]
		m := marketP0 * math.Exp(marketSigma*rng.NormFloat64())
		if math.Abs(m/(y/x)-1) <= fee {
			flows(0, 0, 0, 0)
		} else {
			k := x * y
			dx, dy = math.Sqrt(k/m)-x, math.Sqrt(k*m)-y
			flows(dx, dy, math.Abs(dy)*fee, math.Abs(dy))
		}
		// s_price
		s[2] = s[1] / s[0]
		want = append(want, s)
	}
	for i, w := range want {
		for v := range w {
			if got.floats[i][v] != w[v] {
				t.Fatalf("row %d (timestep %d, substep %d), variable %d: got %v, want %v",
					i, got.ids[i][0], got.ids[i][1], v, got.floats[i][v], w[v])
			}
		}
	}
	if s[3] <= 0 || s[4] <= 0 {
		t.Fatalf("no fees or volume after %d timesteps: %v", T, s)
	}
}

// TestABMMatchesPythonForm does the same for abm: 2N uniforms per timestep
// (u, then side), the orders, the copy-on-write agents and the price.
func TestABMMatchesPythonForm(t *testing.T) {
	const T = 300
	seed := [2]uint64{11, 13}
	act := 0.43333333333333335
	got := run(t, build(t, bench.NewABM), T, seed, map[string]float64{"activity": act})
	if len(got.agents) != T+1 {
		t.Fatalf("%d rows, want %d", len(got.agents), T+1)
	}

	rng := rand.New(rand.NewPCG(seed[0], seed[1]))
	const frac, impact, supply = 0.02, 0.5, bench.NAgents * 50.0
	agents := make([]bench.Agent, bench.NAgents)
	for i := range agents {
		agents[i] = bench.Agent{Cash: 100, Tokens: 50}
	}
	price := 2.0
	check := func(row int) {
		t.Helper()
		if got.floats[row][0] != price {
			t.Fatalf("row %d: price %v, want %v", row, got.floats[row][0], price)
		}
		for i, a := range agents {
			if got.agents[row][i] != a {
				t.Fatalf("row %d: agent %d is %+v, want %+v", row, i, got.agents[row][i], a)
			}
		}
	}
	check(0)
	trades := 0
	u, side := make([]float64, bench.NAgents), make([]float64, bench.NAgents)
	for t := 1; t <= T; t++ {
		for i := range u {
			u[i] = rng.Float64()
		}
		for i := range side {
			side[i] = rng.Float64()
		}
		next := append([]bench.Agent(nil), agents...)
		net := 0.0
		for i, a := range agents {
			if u[i] >= act {
				continue
			}
			var dc, dt float64
			if side[i] < 0.5 {
				dc = -a.Cash * frac
				dt = -dc / price
			} else {
				dt = -a.Tokens * frac
				dc = -dt * price
			}
			next[i] = bench.Agent{Cash: a.Cash + dc, Tokens: a.Tokens + dt, Trades: a.Trades + 1}
			net += dt
			trades++
		}
		agents = next
		price *= math.Exp(impact * net / supply)
		check(t)
	}
	if want := act * bench.NAgents * T; math.Abs(float64(trades)-want) > 0.1*want {
		t.Fatalf("%d trades in %d timesteps, want about %.0f", trades, T, want)
	}
}

// TestNoAllocsPerSubstep pins the performance model for the benchmark
// models: a job allocates nothing once the engine's buffers have grown
// (the orders list, the spare agents buffer and the draws are reused).
func TestNoAllocsPerSubstep(t *testing.T) {
	for _, c := range []struct {
		name  string
		build func() (*gds.Model, error)
	}{{"amm", bench.NewAMM}, {"abm", bench.NewABM}} {
		t.Run(c.name, func(t *testing.T) {
			e := build(t, c.build).NewEngine()
			job := &gds.Job{Run: 1, Timesteps: 2000, Seed: [2]uint64{1, 2}}
			allocs := testing.AllocsPerRun(3, func() {
				if err := e.Run(context.Background(), job, nopRec{}); err != nil {
					t.Fatal(err)
				}
			})
			if allocs != 0 {
				t.Fatalf("a 2000-step job allocated %v times; want 0", allocs)
			}
		})
	}
}

// BenchmarkSubstep reports the engine's cost per substep (no recording) on
// jobs of 1000 timesteps.
func BenchmarkSubstep(b *testing.B) {
	for _, c := range []struct {
		name  string
		build func() (*gds.Model, error)
	}{{"amm", bench.NewAMM}, {"abm", bench.NewABM}} {
		b.Run(c.name, func(b *testing.B) {
			m := build(b, c.build)
			e := m.NewEngine()
			S := m.PSUBs()
			const T = 1000
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i += T * S {
				job := &gds.Job{Run: 1 + i/T, Timesteps: min(T, (b.N-i+S-1)/S), Seed: [2]uint64{1, uint64(i)}}
				if err := e.Run(context.Background(), job, nopRec{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
