package prsm_test

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"

	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/models/prsm"
)

// The PSUBs of a timestep, by position (Row.Substep).
const (
	subPopulation = 1 + iota
	subMarket
	subBreakers
	subActivity
	subDaily
	subMetrics
	numPSUBs = subMetrics
)

const day = 24 // steps per day with the default steps_per_day

func build(t testing.TB) *gds.Model {
	t.Helper()
	m, err := prsm.New()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// view reads a row's variables by name.
type view struct {
	m   *gds.Model
	row *gds.Row
}

func (v view) slot(name string, kind gds.Kind) int {
	info, ok := v.m.Var(name)
	if !ok || info.Kind != kind {
		panic("no " + kind.String() + " variable " + name)
	}
	return info.Slot
}
func (v view) f(name string) float64 { return v.row.Floats()[v.slot(name, gds.KindFloat)] }
func (v view) i(name string) int64   { return v.row.Ints()[v.slot(name, gds.KindInt)] }
func (v view) b(name string) bool    { return v.row.Bools()[v.slot(name, gds.KindBool)] }
func (v view) s(name string) string  { return v.row.Strings()[v.slot(name, gds.KindString)] }
func (v view) agents() []prsm.Agent {
	return v.row.Agents(v.slot("agents", gds.KindAgents)).([]prsm.Agent)
}

func run(t testing.TB, m *gds.Model, p *gds.Params, steps int, seed uint64, fn func(v view)) error {
	t.Helper()
	rec := rowFunc(func(r *gds.Row) error { fn(view{m, r}); return nil })
	return m.NewEngine().Run(context.Background(), &gds.Job{Run: 1, Timesteps: steps, Params: p, Seed: [2]uint64{seed, 7}}, rec)
}

type rowFunc func(*gds.Row) error

func (f rowFunc) Record(r *gds.Row) error { return f(r) }

func params(t testing.TB, m *gds.Model, kv map[string]any) *gds.Params {
	t.Helper()
	p := m.Defaults()
	for k, v := range kv {
		if err := p.Set(k, v); err != nil {
			t.Fatal(err)
		}
	}
	return p
}

// scenarios are the [[scenarios]] of configs/prsm.toml with the top-level
// params applied first, as the runner does.
func scenarios(t testing.TB) (names []string, ps []map[string]any, timesteps int) {
	t.Helper()
	var cfg struct {
		Timesteps int
		Params    map[string]any
		Scenarios []struct {
			Name   string
			Params map[string]any
		}
	}
	data, err := os.ReadFile(filepath.Join("..", "..", "configs", "prsm.toml"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := toml.Decode(string(data), &cfg); err != nil {
		t.Fatal(err)
	}
	for _, s := range cfg.Scenarios {
		kv := map[string]any{}
		for k, v := range cfg.Params {
			kv[k] = v
		}
		for k, v := range s.Params {
			kv[k] = v
		}
		names = append(names, s.Name)
		ps = append(ps, kv)
	}
	return names, ps, cfg.Timesteps
}

// TestConservation: at every substep of every scenario, and through a
// crash and halt, the FTNS held (agents, pool, market) equals minted −
// burned − demurrage collected, the supply variable tracks it, and no
// balance is negative.
func TestConservation(t *testing.T) {
	m := build(t)
	names, ps, T := scenarios(t)
	names = append(names, "crash")
	ps = append(ps, map[string]any{"crash_step": 100})
	for i, name := range names {
		rows := 0
		err := run(t, m, params(t, m, ps[i]), T, uint64(i+1), func(v view) {
			rows++
			held := v.f("pool") + v.f("exchange")
			for _, a := range v.agents() {
				if a.Balance < 0 || math.IsNaN(a.Balance) {
					t.Fatalf("%s: step %d.%d: agent %d balance %v", name, v.row.Timestep, v.row.Substep, a.ID, a.Balance)
				}
				held += a.Balance
			}
			if v.f("pool") < 0 || v.f("exchange") < 0 {
				t.Fatalf("%s: step %d: pool %v, exchange %v", name, v.row.Timestep, v.f("pool"), v.f("exchange"))
			}
			want := v.f("minted") - v.f("burned") - v.f("demurrage")
			tol := 1e-9 * max(v.f("minted"), 1)
			if math.Abs(held-want) > tol || math.Abs(v.f("supply")-want) > tol {
				t.Fatalf("%s: step %d.%d: held %v, supply %v, minted − burned − demurrage %v", name, v.row.Timestep, v.row.Substep, held, v.f("supply"), want)
			}
		})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if rows != T*numPSUBs+1 {
			t.Errorf("%s: %d rows, want %d", name, rows, T*numPSUBs+1)
		}
	}
}

// TestScenarios runs each scenario of configs/prsm.toml for 30 days and
// checks its regimes, metrics and criteria.
func TestScenarios(t *testing.T) {
	m := build(t)
	names, ps, T := scenarios(t)
	want := []string{"normal_growth", "market_volatility", "economic_shock", "data_oversupply"}
	if strings.Join(names, ",") != strings.Join(want, ",") {
		t.Fatalf("scenarios %v, want %v", names, want)
	}
	if T != 30*day {
		t.Fatalf("timesteps %d, want 30 days of %d steps", T, day)
	}
	// regime expected on some days of each scenario
	regimes := []map[int64]string{
		{1: "normal", 30: "normal"},
		{4: "normal", 5: "volatile", 10: "volatile", 11: "normal", 20: "volatile", 25: "volatile", 26: "normal"},
		{2: "normal", 3: "bear", 15: "bear", 16: "shortage", 25: "shortage", 26: "normal"},
		{7: "normal", 8: "flood", 22: "flood", 23: "normal"},
	}
	for i, name := range names {
		for seed := uint64(1); seed <= 3; seed++ {
			var final view
			var last *gds.Row
			err := run(t, m, params(t, m, ps[i]), T, seed, func(v view) {
				if v.row.Substep == subMarket {
					if r, ok := regimes[i][v.i("day")]; ok && v.s("regime") != r {
						t.Errorf("%s: day %d: regime %q, want %q", name, v.i("day"), v.s("regime"), r)
					}
				}
				last = v.row
				if v.row.Timestep == T && v.row.Substep == numPSUBs {
					final = v
					checkFinal(t, name, v)
				}
			})
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if final.row == nil || last == nil {
				t.Fatalf("%s: no final row", name)
			}
		}
	}
}

// checkFinal checks the metrics and criteria of a run's final state (while
// the row is valid).
func checkFinal(t *testing.T, name string, v view) {
	t.Helper()
	if v.i("day") != 30 || v.i("participation_days") != 30 || v.i("close_days") != 30 {
		t.Errorf("%s: day %d, %d days of participation, %d closes; want 30", name, v.i("day"), v.i("participation_days"), v.i("close_days"))
	}
	for _, c := range []struct {
		metric, criterion string
		ok                func(x float64) bool
		lo, hi            float64
	}{
		{"gini", "gini_ok", func(x float64) bool { return x <= 0.7 }, 0, 1},
		{"avg_quality", "quality_ok", func(x float64) bool { return x >= 0.6 }, 0, 1},
		{"price_cv", "price_ok", func(x float64) bool { return x <= 0.2 }, 0, 5},
		{"participation", "participation_ok", func(x float64) bool { return x >= 0.5 }, 0, 1},
	} {
		x := v.f(c.metric)
		if x < c.lo || x > c.hi || math.IsNaN(x) {
			t.Errorf("%s: %s = %v, outside [%v, %v]", name, c.metric, x, c.lo, c.hi)
		}
		if v.b(c.criterion) != c.ok(x) {
			t.Errorf("%s: %s = %v but %s = %v", name, c.metric, x, c.criterion, v.b(c.criterion))
		}
	}
	// The metrics from their definitions.
	if q := v.f("quality_sum") / float64(v.i("accepted")); math.Abs(q-v.f("avg_quality")) > 1e-12 {
		t.Errorf("%s: avg_quality %v, quality_sum/accepted %v", name, v.f("avg_quality"), q)
	}
	if p := v.f("participation_sum") / 30; math.Abs(p-v.f("participation")) > 1e-12 {
		t.Errorf("%s: participation %v, mean of daily shares %v", name, v.f("participation"), p)
	}
	if v.i("accepted")+v.i("rejected") != v.i("submissions") {
		t.Errorf("%s: %d accepted + %d rejected != %d submissions", name, v.i("accepted"), v.i("rejected"), v.i("submissions"))
	}
}

// TestBreakerHaltsOnCrash: a scripted crash halts transactions for
// halt_hours steps from the crash, during which nothing moves; a crash of
// exactly 40% in a still market halts, one of 39% does not.
func TestBreakerHaltsOnCrash(t *testing.T) {
	m := build(t)
	still := map[string]any{"sigma": 0.0, "mu": 0.0, "supply_elasticity": 0.0}
	for _, c := range []struct {
		name     string
		kv       map[string]any
		halt     bool
		duration int
	}{
		{"45% crash", map[string]any{"crash_step": 100}, true, 24},
		{"45% crash, 6-hour halt", map[string]any{"crash_step": 100, "halt_hours": 6.0}, true, 6},
		{"exactly 40%", merge(still, map[string]any{"crash_step": 100, "crash_drop": 0.4}), true, 24},
		{"39%", merge(still, map[string]any{"crash_step": 100, "crash_drop": 0.39}), false, 0},
		{"no crash", nil, false, 0},
	} {
		var halted []int
		subs := map[int]int64{}
		err := run(t, m, params(t, m, c.kv), 10*day, 3, func(v view) {
			switch v.row.Substep {
			case subBreakers:
				if v.b("halted") {
					halted = append(halted, v.row.Timestep)
				}
				if v.b("halted") != (v.i("halt_left") > 0) {
					t.Fatalf("%s: step %d: halted %v, halt_left %d", c.name, v.row.Timestep, v.b("halted"), v.i("halt_left"))
				}
			case subActivity:
				subs[v.row.Timestep] = v.i("submissions")
				if v.b("halted") && (v.f("volume") != 0 || subs[v.row.Timestep] != subs[v.row.Timestep-1]) {
					t.Fatalf("%s: step %d is halted but moved %v FTNS and took contributions", c.name, v.row.Timestep, v.f("volume"))
				}
			}
			if v.row.Timestep == 10*day && v.row.Substep == numPSUBs {
				want := int64(0)
				if c.halt {
					want = 1
				}
				if v.i("crash_triggers") != want {
					t.Errorf("%s: %d crash triggers, want %d", c.name, v.i("crash_triggers"), want)
				}
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(halted) != c.duration || (c.halt && (halted[0] != 100 || halted[len(halted)-1] != 100+c.duration-1)) {
			t.Errorf("%s: halted at steps %v, want %d steps from 100", c.name, halted, c.duration)
		}
	}
}

func merge(a, b map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

func TestReward(t *testing.T) {
	for _, c := range []struct {
		value float64
		tier  int64
		want  float64
	}{
		{50, prsm.TierNone, 0},
		{50, prsm.TierBasic, 50},
		{50, prsm.TierActive, 65},
		{50, prsm.TierPower, 80},
		{-5, prsm.TierPower, 0},
		{50, 7, 0},
	} {
		if got := prsm.Reward(c.value, c.tier); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("Reward(%v, %d) = %v, want %v", c.value, c.tier, got, c.want)
		}
	}
	if r := prsm.Reward(37.5, prsm.TierPower) / prsm.Reward(37.5, prsm.TierBasic); math.Abs(r-1.6) > 1e-12 {
		t.Errorf("power/basic = %v, want 1.6", r)
	}
}

// TestTierMultipliersInTheModel: in a run, every contribution accepted in a
// step earns exactly its value times the multiplier of the author's tier
// after it (1.0 basic, 1.3 active, 1.6 power, 0 none), and every tier
// occurs.
func TestTierMultipliersInTheModel(t *testing.T) {
	m := build(t)
	mult := map[int64]float64{prsm.TierNone: 0, prsm.TierBasic: 1.0, prsm.TierActive: 1.3, prsm.TierPower: 1.6}
	seen := map[int64]int{}
	prev := map[int64]int64{}
	err := run(t, m, nil, 30*day, 5, func(v view) {
		if v.row.Substep != subActivity {
			return
		}
		for _, a := range v.agents() {
			if a.Accepted > prev[a.ID] {
				if a.LastMultiplier != mult[a.Tier] || math.Abs(a.LastReward-a.LastValue*mult[a.Tier]) > 1e-9 {
					t.Fatalf("step %d: agent %d (tier %d) earned %v for a contribution of %v (multiplier %v)",
						v.row.Timestep, a.ID, a.Tier, a.LastReward, a.LastValue, a.LastMultiplier)
				}
				seen[a.Tier]++
			}
			prev[a.ID] = a.Accepted
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	for tier := range mult {
		if seen[tier] == 0 {
			t.Errorf("no contribution at tier %d (seen %v)", tier, seen)
		}
	}
}

// TestDemurrageRespectsGrace: agents in their grace period pay nothing;
// the others pay, and never more than they hold.
func TestDemurrageRespectsGrace(t *testing.T) {
	m := build(t)
	var final []prsm.Agent
	var start map[int64]prsm.Agent
	err := run(t, m, params(t, m, map[string]any{"n_agents": 200}), 30*day, 9, func(v view) {
		if v.row.Timestep == 1 && v.row.Substep == subPopulation {
			start = map[int64]prsm.Agent{}
			for _, a := range v.agents() {
				start[a.ID] = a
			}
		}
		if v.row.Timestep == 30*day && v.row.Substep == numPSUBs {
			final = append([]prsm.Agent(nil), v.agents()...)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	var graced, paying int
	for _, a := range final {
		switch age0 := start[a.ID].AgeDays; {
		case age0+30 <= 90: // in grace all month
			graced++
			if a.Fees != 0 {
				t.Errorf("agent %d, %v days old at the start, paid %v in its grace period", a.ID, age0, a.Fees)
			}
		case age0 >= 90:
			if a.Fees > 0 {
				paying++
			}
		}
		if a.AgeDays != start[a.ID].AgeDays+30 {
			t.Errorf("agent %d aged from %v to %v in 30 days", a.ID, start[a.ID].AgeDays, a.AgeDays)
		}
	}
	if graced == 0 || paying == 0 {
		t.Errorf("%d agents in grace, %d paying: the test tests nothing", graced, paying)
	}
}

// TestDeterminism: the same seed gives the same run, another seed another.
func TestDeterminism(t *testing.T) {
	m := build(t)
	p := params(t, m, map[string]any{"flood_window": []any{8.0, 22.0}})
	final := func(seed uint64) (fs []float64, agents []prsm.Agent) {
		err := run(t, m, p, 30*day, seed, func(v view) {
			if v.row.Timestep == 30*day && v.row.Substep == numPSUBs {
				fs = append([]float64(nil), v.row.Floats()...)
				agents = append([]prsm.Agent(nil), v.agents()...)
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		return fs, agents
	}
	a, aa := final(11)
	b, ba := final(11)
	c, _ := final(12)
	for i := range a {
		if a[i] != b[i] && !(math.IsNaN(a[i]) && math.IsNaN(b[i])) {
			t.Fatalf("same seed: variable %d differs: %v vs %v", i, a[i], b[i])
		}
	}
	for i := range aa {
		if aa[i] != ba[i] {
			t.Fatalf("same seed: agent %d differs:\n%+v\n%+v", i, aa[i], ba[i])
		}
	}
	same := true
	for i := range a {
		same = same && a[i] == c[i]
	}
	if same {
		t.Error("seeds 11 and 12 gave the same run")
	}
}

func TestCounts(t *testing.T) {
	shares := []float64{0.30, 0.20, 0.30, 0.15, 0.05}
	for _, c := range []struct {
		n    int
		want [prsm.NumKinds]int
	}{
		{40, [prsm.NumKinds]int{12, 8, 12, 6, 2}},
		{50, [prsm.NumKinds]int{15, 10, 15, 8, 2}},
		{7, [prsm.NumKinds]int{2, 2, 2, 1, 0}},
		{1, [prsm.NumKinds]int{1, 0, 0, 0, 0}},
		{0, [prsm.NumKinds]int{}},
		{10000, [prsm.NumKinds]int{3000, 2000, 3000, 1500, 500}},
	} {
		got := prsm.Counts(c.n, shares)
		sum := 0
		for _, x := range got {
			sum += x
		}
		if got != c.want || sum != c.n {
			t.Errorf("Counts(%d) = %v, want %v", c.n, got, c.want)
		}
	}
	if got := prsm.Counts(10, []float64{0, 0, 0, 0, 0}); got[prsm.DataContributor] != 10 {
		t.Errorf("zero shares: %v", got)
	}
}

// TestScale10000: the population is built from n_agents alone; a job of
// 10,000 agents builds and runs (two days here; the full 30 days are
// measured with the CLI, see docs/models/prsm.md).
func TestScale10000(t *testing.T) {
	if testing.Short() {
		t.Skip("10,000 agents")
	}
	m := build(t)
	kinds := map[int64]int{}
	var n int
	err := run(t, m, params(t, m, map[string]any{"n_agents": 10000}), 2*day, 1, func(v view) {
		if v.row.Timestep == 2*day && v.row.Substep == numPSUBs {
			agents := v.agents()
			n = len(agents)
			for _, a := range agents {
				kinds[a.Kind]++
			}
			if v.f("participation") < 0.5 || v.f("avg_quality") < 0.6 {
				t.Errorf("participation %v, quality %v", v.f("participation"), v.f("avg_quality"))
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[int64]int{prsm.DataContributor: 3000, prsm.ModelCreator: 2000, prsm.QueryUser: 3000, prsm.Validator: 1500, prsm.Freeloader: 500}
	if n != 10000 || len(kinds) != len(want) {
		t.Fatalf("%d agents, kinds %v", n, kinds)
	}
	for k, c := range want {
		if kinds[k] != c {
			t.Errorf("%s: %d agents, want %d", prsm.KindNames[k], kinds[k], c)
		}
	}
}

// TestDailySteps: with one step per day the daily cycle runs every step.
func TestDailySteps(t *testing.T) {
	m := build(t)
	var last view
	ok := false
	err := run(t, m, params(t, m, map[string]any{"steps_per_day": 1}), 30, 2, func(v view) {
		if v.row.Timestep == 30 && v.row.Substep == numPSUBs {
			last, ok = v, true
			checkFinal(t, "daily steps", v)
		}
	})
	if err != nil || !ok {
		t.Fatal(err, last.row)
	}
}

// TestGivenPopulation: agents given as initial state are used as they are,
// whatever n_agents says, and counted in the genesis supply.
func TestGivenPopulation(t *testing.T) {
	m := build(t)
	init := m.InitialState()
	given := []prsm.Agent{
		{ID: 1, Kind: prsm.DataContributor, Balance: 500, Skill: 0.9, Activity: 1, AgeDays: 400},
		{ID: 2, Kind: prsm.ModelCreator, Balance: 300, Skill: 0.9, Activity: 1, AgeDays: 400},
		{ID: 3, Kind: prsm.QueryUser, Balance: 10, Activity: 1, AgeDays: 400},
		{ID: 4, Kind: prsm.Validator, Balance: 0, Activity: 1, AgeDays: 400},
	}
	if err := init.Set("agents", given); err != nil {
		t.Fatal(err)
	}
	var n int
	var minted float64
	rec := rowFunc(func(r *gds.Row) error {
		v := view{m, r}
		if r.Timestep == 1 && r.Substep == subPopulation {
			n, minted = len(v.agents()), v.f("minted")
		}
		return nil
	})
	job := &gds.Job{Run: 1, Timesteps: 2 * day, Init: init, Seed: [2]uint64{1, 1}}
	if err := m.NewEngine().Run(context.Background(), job, rec); err != nil {
		t.Fatal(err)
	}
	if want := 810 + 4*(5000+25000.0); n != 4 || minted != want {
		t.Errorf("%d agents, genesis minted %v; want 4, %v", n, minted, want)
	}
}

// TestBadWindows: a window parameter that is not a list of day pairs fails
// the job with an error naming it.
func TestBadWindows(t *testing.T) {
	m := build(t)
	err := run(t, m, params(t, m, map[string]any{"bear_window": []any{3.0}}), 2, 1, func(view) {})
	var be *gds.BlockError
	if !errors.As(err, &be) || !strings.Contains(err.Error(), "bear_window") {
		t.Fatalf("err = %v, want a block error naming bear_window", err)
	}
}

// BenchmarkJob40 and BenchmarkJob10000 time one 30-day job.
func BenchmarkJob40(b *testing.B) { benchJob(b, 40) }

// BenchmarkJob10000 times one 30-day job of 10,000 agents.
func BenchmarkJob10000(b *testing.B) { benchJob(b, 10000) }

func benchJob(b *testing.B, n int) {
	m := build(b)
	p := params(b, m, map[string]any{"n_agents": n})
	e := m.NewEngine()
	rec := rowFunc(func(*gds.Row) error { return nil })
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		job := &gds.Job{Run: 1, Timesteps: 30 * day, Params: p, Seed: [2]uint64{uint64(i), 1}}
		if err := e.Run(context.Background(), job, rec); err != nil {
			b.Fatal(err)
		}
	}
}
