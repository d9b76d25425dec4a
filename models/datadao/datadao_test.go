package datadao_test

import (
	"context"
	"errors"
	"hash/fnv"
	"math"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/statecraft/statecraft/blocks/agent"
	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/models"
	"github.com/statecraft/statecraft/models/datadao"
)

// The seed's mix, in datadao's type order.
var seedShares = []float64{0.40, 0.05, 0.05, 0.30, 0.20}

func build(t testing.TB) *gds.Model {
	t.Helper()
	m, err := datadao.New()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// view reads a row's variables by name.
type view struct {
	f      map[string]int // float slots
	i      map[string]int // int slots
	agents int
}

func newView(m *gds.Model) view {
	v := view{f: map[string]int{}, i: map[string]int{}}
	for _, x := range m.Vars() {
		switch x.Kind {
		case gds.KindFloat:
			v.f[x.Name] = x.Slot
		case gds.KindInt:
			v.i[x.Name] = x.Slot
		case gds.KindAgents:
			v.agents = x.Slot
		}
	}
	return v
}

// row is a recorded row's aggregate values (the agent records are checked
// while recording: a Row is valid only during Record).
type row struct {
	t, sub int
	f      []float64
	i      []int64
}

func (v view) get(r row, name string) float64 {
	if s, ok := v.f[name]; ok {
		return r.f[s]
	}
	return float64(r.i[v.i[name]])
}

// recorder keeps every row's aggregates and hands the agents to check.
type recorder struct {
	v     view
	rows  []row
	check func(r row, ws []datadao.Wallet)
}

func (rec *recorder) Record(r *gds.Row) error {
	x := row{t: r.Timestep, sub: r.Substep, f: slices.Clone(r.Floats()), i: slices.Clone(r.Ints())}
	rec.rows = append(rec.rows, x)
	if rec.check != nil {
		rec.check(x, r.Agents(rec.v.agents).([]datadao.Wallet))
	}
	return nil
}

func runJob(t testing.TB, m *gds.Model, T int, seed uint64, set map[string]any, check func(row, []datadao.Wallet)) *recorder {
	t.Helper()
	p := m.Defaults()
	for k, val := range set {
		if err := p.Set(k, val); err != nil {
			t.Fatal(err)
		}
	}
	rec := &recorder{v: newView(m), check: check}
	job := &gds.Job{Run: 1, Timesteps: T, Params: p, Seed: [2]uint64{seed, 7}}
	if err := m.NewEngine().Run(context.Background(), job, rec); err != nil {
		t.Fatal(err)
	}
	return rec
}

func rel(a, b float64) float64 {
	if a == b {
		return 0
	}
	return math.Abs(a-b) / math.Max(math.Abs(a), math.Abs(b))
}

// TestConservation: at every row, for the defaults and for variants that
// change the order of actions, the mix and the pool's genesis:
//
//   - every dDT minted is held by a member, pooled or in The Pie:
//     Σ ddt + reserve_ddt + pie = supply (1e-9 relative);
//   - every xDAI brought by members is held or pooled;
//   - the members' LP shares (plus the genesis shares) are lp_supply;
//   - the counts per type match the records, and price = reserve_xdai/reserve_ddt.
func TestConservation(t *testing.T) {
	for _, c := range []struct {
		name string
		set  map[string]any
	}{
		{"defaults", nil},
		{"in order of entry", map[string]any{"shuffle": false}},
		{"genesis liquidity", map[string]any{"genesis_ddt": 5000.0, "genesis_xdai": 2000.0}},
		{"no power users, a fast pie", map[string]any{"share_power": 0.0, "pie_out": 1.0, "entry_every": 2}},
		{"keep half the credits", map[string]any{"power_use": 0.5, "fee": 0.05}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			m := build(t)
			p := m.Defaults()
			for k, val := range c.set {
				if err := p.Set(k, val); err != nil {
					t.Fatal(err)
				}
			}
			param := func(n string) float64 {
				v, _ := p.Get(n)
				if f, ok := v.(float64); ok {
					return f
				}
				return float64(v.(int64))
			}
			var xdaiOf [datadao.NumTypes]float64
			for k := range datadao.NumTypes {
				xdaiOf[k] = param("xdai_" + datadao.TypeName(k))
			}
			genLP := math.Sqrt(param("genesis_ddt")) * math.Sqrt(param("genesis_xdai")) // the pool's own shares
			rows := 0
			v := newView(m)
			runJob(t, m, 1000, 3, c.set, func(r row, ws []datadao.Wallet) {
				rows++
				var ddt, xdai, lp, xdaiIn float64
				var n [datadao.NumTypes]int64
				for _, w := range ws {
					ddt += w.DDT
					xdai += w.XDAI
					lp += w.LP
					k := typeIndex(w.Type)
					n[k]++
					xdaiIn += xdaiOf[k]
					if w.DDT < -1e-9 || w.XDAI < -1e-9 || w.Credits < -1e-9 {
						t.Fatalf("t = %d.%d: member %d holds %v dDT, %v xDAI, %v credits", r.t, r.sub, w.ID, w.DDT, w.XDAI, w.Credits)
					}
				}
				poolLP := 0.0
				if r.t > 1 || r.t == 1 && r.sub >= 2 { // the genesis enters in substep 2
					xdaiIn += param("genesis_xdai")
					poolLP = genLP
				}
				supply, resD, resX, pie := v.get(r, "supply"), v.get(r, "reserve_ddt"), v.get(r, "reserve_xdai"), v.get(r, "pie")
				if e := rel(ddt+resD+pie, supply); e > 1e-9 {
					t.Fatalf("t = %d.%d: held %v + pooled %v + pie %v = %v, supply %v (error %v)", r.t, r.sub, ddt, resD, pie, ddt+resD+pie, supply, e)
				}
				if e := rel(xdai+resX, xdaiIn); e > 1e-9 {
					t.Fatalf("t = %d.%d: xDAI held %v + pooled %v, brought %v", r.t, r.sub, xdai, resX, xdaiIn)
				}
				if lps := v.get(r, "lp_supply"); rel(lp+poolLP, lps) > 1e-9 {
					t.Fatalf("t = %d.%d: LP shares held %v + genesis %v, supply %v", r.t, r.sub, lp, poolLP, lps)
				}
				for k := range datadao.NumTypes {
					if got := v.get(r, "n_"+datadao.TypeName(k)); got != float64(n[k]) {
						t.Fatalf("t = %d.%d: n_%s = %v, records %d", r.t, r.sub, datadao.TypeName(k), got, n[k])
					}
				}
				if v.get(r, "n_agents") != float64(len(ws)) {
					t.Fatalf("t = %d.%d: n_agents %v, %d records", r.t, r.sub, v.get(r, "n_agents"), len(ws))
				}
				if pr, want := v.get(r, "price"), datadaoPrice(resD, resX); r.sub != 1 && pr != want {
					t.Fatalf("t = %d.%d: price %v, reserves give %v", r.t, r.sub, pr, want)
				}
			})
			if rows != 4*1000+1 {
				t.Errorf("%d rows", rows)
			}
		})
	}
}

// datadaoPrice is the spot price as the model defines it.
func datadaoPrice(resD, resX float64) float64 {
	if !(resD > 0) {
		return 0
	}
	return resX / resD
}

// TestPool: from the first deposit on, the reserves stay positive and the
// product k = reserve_ddt·reserve_xdai never decreases: trades keep it or
// raise it by the fee, and the model's only liquidity events are deposits
// (substep 2), which raise it too. The value of an LP share, sqrt(k)/lp_supply,
// grows with every trade's fee and is unchanged by a proportional deposit.
func TestPool(t *testing.T) {
	m := build(t)
	rec := runJob(t, m, 2000, 1, nil, nil)
	v := rec.v
	var k0, share0 float64
	deposits, trades := 0, 0
	for _, r := range rec.rows[1:] {
		x, y := v.get(r, "reserve_ddt"), v.get(r, "reserve_xdai")
		if r.t == 1 && r.sub == 1 {
			if x != 0 || y != 0 {
				t.Fatalf("the pool is open before the first deposit: %v, %v", x, y)
			}
			continue
		}
		if !(x > 0 && y > 0) {
			t.Fatalf("t = %d.%d: reserves %v, %v", r.t, r.sub, x, y)
		}
		k, share := x*y, math.Sqrt(x*y)/v.get(r, "lp_supply")
		if k < k0 {
			t.Fatalf("t = %d.%d: k fell from %v to %v", r.t, r.sub, k0, k)
		}
		switch {
		case r.sub == 2 && k > k0 && k0 > 0:
			deposits++
			if rel(share, share0) > 1e-9 {
				t.Fatalf("t = %d: a deposit changed the value per share from %v to %v", r.t, share0, share)
			}
		case r.sub >= 3 && k > k0:
			trades++
			if share < share0*(1-1e-12) {
				t.Fatalf("t = %d.%d: value per share fell from %v to %v", r.t, r.sub, share0, share)
			}
		}
		k0, share0 = k, share
	}
	if deposits != 400 || trades < 3000 {
		t.Errorf("%d deposit rows (want a wave every 5 steps after t = 1), %d trade rows", deposits, trades)
	}
}

// TestEntryWaves: 20 members at t = 1, then 10 every 5 steps, keeping the
// seed's shares: after each wave the counts are the quota method's counts
// for the population, every type within one member of its share.
func TestEntryWaves(t *testing.T) {
	m := build(t)
	rec := runJob(t, m, 2000, 1, nil, nil)
	v := rec.v
	s := agent.Schedule{Initial: 20, Every: 5, Count: 10}
	waves := 0
	prev := 0.0
	for _, r := range rec.rows {
		if r.sub != 1 {
			continue
		}
		total := v.get(r, "n_agents")
		if int(total) != s.Total(r.t) {
			t.Fatalf("t = %d: %v members, schedule %d", r.t, total, s.Total(r.t))
		}
		if total == prev {
			continue
		}
		waves++
		prev = total
		want := agent.Cumulative(seedShares, s.Total(r.t), nil)
		for k := range datadao.NumTypes {
			got := v.get(r, "n_"+datadao.TypeName(k))
			if got != float64(want[k]) || math.Abs(got-seedShares[k]*total) >= 1 {
				t.Fatalf("t = %d: n_%s = %v, want %d (share %v of %v)", r.t, datadao.TypeName(k), got, want[k], seedShares[k], total)
			}
		}
	}
	if waves != 401 || prev != 4020 {
		t.Errorf("%d waves, %v members", waves, prev)
	}
}

// TestPieSplit: in the distribute substep of a step, The Pie pays out 70%
// of what it holds, 40/40/20 to power, active and casual users, equally
// within each type, and keeps 30%. Without power users their 40% stays in
// The Pie.
func TestPieSplit(t *testing.T) {
	for _, c := range []struct {
		name string
		set  map[string]any
		kept float64    // share of The Pie kept
		out  [3]float64 // shares paid to power, active, casual
	}{
		{"the seed's split", nil, 0.3, [3]float64{0.28, 0.28, 0.14}},
		{"no power users", map[string]any{"share_power": 0.0}, 1 - 0.7*0.6, [3]float64{0, 0.28, 0.14}},
		{"pay out everything, 1:1:2", map[string]any{"pie_out": 1.0, "pie_power": 1.0, "pie_active": 1.0, "pie_casual": 2.0}, 0, [3]float64{0.25, 0.25, 0.5}},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := build(t)
			const step = 137
			var before []datadao.Wallet
			var pieBefore float64
			v := newView(m)
			checked := false
			runJob(t, m, step, 2, c.set, func(r row, ws []datadao.Wallet) {
				if r.t != step {
					return
				}
				if r.sub == 3 {
					before = slices.Clone(ws)
					pieBefore = v.get(r, "pie")
					return
				}
				if r.sub != 4 {
					return
				}
				checked = true
				if pieBefore <= 0 {
					t.Fatalf("The Pie is empty before the payout")
				}
				if got := v.get(r, "pie"); rel(got, c.kept*pieBefore) > 1e-12 && math.Abs(got-c.kept*pieBefore) > 1e-12 {
					t.Errorf("The Pie keeps %v of %v, want %v", got, pieBefore, c.kept*pieBefore)
				}
				var paid [datadao.NumTypes]float64
				per := map[string]float64{}
				for i, w := range ws {
					d := w.Received - before[i].Received
					paid[typeIndex(w.Type)] += d
					if p, ok := per[w.Type]; ok && rel(p, d) > 1e-12 {
						t.Errorf("%s members receive different amounts: %v and %v", w.Type, p, d)
					}
					per[w.Type] = d
				}
				want := [datadao.NumTypes]float64{datadao.Power: c.out[0], datadao.Active: c.out[1], datadao.Casual: c.out[2]}
				for k := range datadao.NumTypes {
					if math.Abs(paid[k]-want[k]*pieBefore) > 1e-12*pieBefore {
						t.Errorf("%s members received %v, want %v of %v", datadao.TypeName(k), paid[k], want[k], pieBefore)
					}
				}
			})
			if !checked {
				t.Fatal("step not recorded")
			}
		})
	}
}

func typeIndex(s string) int {
	for k := range datadao.NumTypes {
		if datadao.TypeName(k) == s {
			return k
		}
	}
	return -1
}

// TestBehaviours follows members of each type through 300 steps: degens
// pool lp_ddt and sell the rest on joining and then hold LP shares and
// xDAI; organizations buy and spend 2 dDT a step; casual users spend 0.1
// and sell 0.9 a day until their 100 dDT are gone, and sell their Pie
// share; active users keep their 100 dDT and sell their Pie share; power
// users spend, each step, what The Pie paid them the step before.
func TestBehaviours(t *testing.T) {
	m := build(t)
	const T = 300
	var last []datadao.Wallet
	runJob(t, m, T, 4, nil, func(r row, ws []datadao.Wallet) {
		if r.t == T && r.sub == 4 {
			last = slices.Clone(ws)
		}
	})
	for _, w := range last {
		age := float64(T - w.Joined + 1) // steps it has acted in
		switch w.Type {
		case "degen":
			if w.DDT != 0 || !(w.LP > 0) || !(w.XDAI > 0) || w.Spent != 0 || w.Received != 0 {
				t.Fatalf("degen %+v", w)
			}
		case "organization":
			if rel(w.Spent, 2*age) > 1e-12 || !(w.XDAI < 1000) || w.DDT != 0 {
				t.Fatalf("organization after %v steps: %+v", age, w)
			}
		case "casual":
			used := math.Min(age, 100)
			if rel(w.Spent, 0.1*used) > 1e-9 || math.Abs(w.DDT-(100-used)) > 1e-9 || !(w.Received > 0) || !(w.XDAI > 0) {
				t.Fatalf("casual after %v steps: %+v", age, w)
			}
		case "active":
			if w.DDT != 100 || !(w.Received > 0) || !(w.XDAI > 0) || w.Spent != 0 {
				t.Fatalf("active %+v", w)
			}
		case "power":
			if w.XDAI != 100 || !(w.Credits > 0) || rel(w.DDT, 100+w.Credits) > 1e-9 || rel(w.Received, w.Spent+w.Credits) > 1e-9 {
				t.Fatalf("power %+v", w)
			}
		default:
			t.Fatalf("unknown type %q", w.Type)
		}
	}
}

// digest hashes every aggregate value of every row.
func digest(rows []row) uint64 {
	h := fnv.New64a()
	var b [8]byte
	for _, r := range rows {
		for _, f := range r.f {
			u := math.Float64bits(f)
			for i := range b {
				b[i] = byte(u >> (8 * i))
			}
			h.Write(b[:])
		}
		for _, n := range r.i {
			for i := range b {
				b[i] = byte(uint64(n) >> (8 * i))
			}
			h.Write(b[:])
		}
	}
	return h.Sum64()
}

// TestRowsAndDeterminism: a run of T steps records 4T + 1 rows; the same
// seed gives the same rows; another seed changes the order in which
// members act and so the rows, unless shuffle is off.
func TestRowsAndDeterminism(t *testing.T) {
	m := build(t)
	const T = 400
	for _, c := range []struct {
		name    string
		set     map[string]any
		seedA   uint64
		seedB   uint64
		samePts bool
	}{
		{"same seed", nil, 1, 1, true},
		{"other seed", nil, 1, 2, false},
		{"other seed, no shuffle", map[string]any{"shuffle": false}, 1, 2, true},
	} {
		a := runJob(t, m, T, c.seedA, c.set, nil)
		b := runJob(t, m, T, c.seedB, c.set, nil)
		if len(a.rows) != 4*T+1 || len(b.rows) != 4*T+1 {
			t.Fatalf("%s: %d and %d rows, want %d", c.name, len(a.rows), len(b.rows), 4*T+1)
		}
		if same := digest(a.rows) == digest(b.rows); same != c.samePts {
			t.Errorf("%s: identical = %v, want %v", c.name, same, c.samePts)
		}
	}
	// A reused engine gives the same rows as a fresh one.
	e := m.NewEngine()
	var d [2]uint64
	for i := range d {
		rec := &recorder{v: newView(m)}
		if err := e.Run(context.Background(), &gds.Job{Run: 1, Timesteps: T, Seed: [2]uint64{1, 7}}, rec); err != nil {
			t.Fatal(err)
		}
		d[i] = digest(rec.rows)
	}
	if fresh := digest(runJob(t, m, T, 1, nil, nil).rows); d[0] != fresh || d[1] != fresh {
		t.Errorf("reused engine %x %x, fresh %x", d[0], d[1], fresh)
	}
}

type nop struct{}

func (nop) Record(*gds.Row) error { return nil }

// TestAllocations: on an engine that has run the job once (its agent,
// signal and scratch buffers at full size), a whole run allocates nothing,
// waves of new members included, since the buffers keep their capacity
// from job to job. The first run allocates only while the buffers grow.
func TestAllocations(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("runs 2000-step jobs; the race detector's instrumentation allocates")
	}
	m := build(t)
	for _, c := range []struct {
		name string
		set  map[string]any
	}{
		{"defaults (a wave every 5 steps)", nil},
		{"no waves after the first step", map[string]any{"agents_per_entry": 0, "initial_agents": 2000}},
	} {
		p := m.Defaults()
		for k, v := range c.set {
			if err := p.Set(k, v); err != nil {
				t.Fatal(err)
			}
		}
		job := &gds.Job{Run: 1, Timesteps: 2000, Params: p, Seed: [2]uint64{1, 2}}
		// testing.AllocsPerRun warms up first: count the cold run by hand.
		e := m.NewEngine()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		if err := e.Run(context.Background(), job, nop{}); err != nil {
			t.Fatal(err)
		}
		runtime.ReadMemStats(&after)
		cold := after.Mallocs - before.Mallocs
		warm := testing.AllocsPerRun(3, func() {
			if err := e.Run(context.Background(), job, nop{}); err != nil {
				t.Fatal(err)
			}
		})
		t.Logf("%s: %v allocations on a fresh engine, %v per 2000-step run once warm", c.name, cold, warm)
		if warm != 0 {
			t.Errorf("%s: a warm 2000-step run allocated %v times", c.name, warm)
		}
	}
}

func TestRegisteredAndClean(t *testing.T) {
	m, err := models.Lookup(datadao.Name)
	if err != nil {
		t.Fatal(err)
	}
	if w := m.Warnings(); len(w) != 0 {
		t.Errorf("warnings: %v", w)
	}
	if m.PSUBs() != 4 {
		t.Errorf("%d PSUBs", m.PSUBs())
	}
	for _, p := range m.Params() {
		if p.Doc == "" || !strings.Contains(p.Doc, "seed") {
			t.Errorf("parameter %s: doc %q does not say what the seed says", p.Name, p.Doc)
		}
	}
	for _, want := range []string{"price", "reserve_ddt", "reserve_xdai", "pie", "supply", "n_degen", "n_organization", "n_power", "n_active", "n_casual", "n_agents", "agents"} {
		if _, ok := m.Var(want); !ok {
			t.Errorf("no state variable %s", want)
		}
	}
}

// TestBadShares: shares that are all zero fail the job at the first
// entry with an error naming the parameters.
func TestBadShares(t *testing.T) {
	m := build(t)
	p := m.Defaults()
	for k := range datadao.NumTypes {
		if err := p.Set("share_"+datadao.TypeName(k), 0.0); err != nil {
			t.Fatal(err)
		}
	}
	err := m.NewEngine().Run(context.Background(), &gds.Job{Run: 1, Timesteps: 3, Params: p}, nop{})
	var be *gds.BlockError
	if !errors.As(err, &be) || be.Timestep != 1 || !strings.Contains(err.Error(), "share_") {
		t.Fatalf("err = %v", err)
	}
}

// BenchmarkRun2000 reports the cost of a default 2000-step run (8000
// substeps, up to 4020 members) on a warm engine.
func BenchmarkRun2000(b *testing.B) {
	m := build(b)
	e := m.NewEngine()
	job := &gds.Job{Run: 1, Timesteps: 2000, Seed: [2]uint64{1, 2}}
	b.ReportAllocs()
	for b.Loop() {
		if err := e.Run(context.Background(), job, nop{}); err != nil {
			b.Fatal(err)
		}
	}
}
