package supply_test

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/statecraft/statecraft/blocks"
	"github.com/statecraft/statecraft/blocks/supply"
	"github.com/statecraft/statecraft/gds"
)

func TestMintBurn(t *testing.T) {
	for _, c := range []struct {
		name               string
		supply, mint, burn float64
		want, wantBurned   float64
	}{
		{name: "mint", supply: 100, mint: 5, want: 105},
		{name: "negative mint mints nothing", supply: 100, mint: -5, want: 100},
		{name: "NaN mint mints nothing", supply: 100, mint: math.NaN(), want: 100},
		{name: "burn", supply: 100, burn: 30, want: 70, wantBurned: 30},
		{name: "burn more than supply stops at zero", supply: 100, burn: 130, want: 0, wantBurned: 100},
		{name: "negative burn burns nothing", supply: 100, burn: -3, want: 100},
		{name: "burn from zero", supply: 0, burn: 3, want: 0},
		{name: "mint then burn", supply: 10, mint: 5, burn: 12, want: 3, wantBurned: 12},
	} {
		got, burned := supply.Burn(supply.Mint(c.supply, c.mint), c.burn)
		if got != c.want || burned != c.wantBurned {
			t.Errorf("%s: Burn(Mint(%v, %v), %v) = %v, %v; want %v, %v", c.name, c.supply, c.mint, c.burn, got, burned, c.want, c.wantBurned)
		}
	}
}

type recorder func(*gds.Row)

func (f recorder) Record(r *gds.Row) error { f(r); return nil }

// TestMintBurnNeverNegative: random mints and burns, burns often larger than
// the supply, never take the supply below zero.
func TestMintBurnNeverNegative(t *testing.T) {
	b := gds.NewBuilder("s")
	s := b.Float("supply", 10)
	mint := b.FloatSignal("mint", gds.Sum)
	burn := b.FloatSignal("burn", gds.Sum)
	b.PSUB("flows",
		gds.Policy("flows", func(c *gds.Ctx) {
			mint.Emit(c, c.Rand.Float64()*10-2)
			burn.Emit(c, c.Rand.Float64()*25)
		}),
		supply.MintBurn(s, mint.Get, burn.Get),
	)
	m, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	zeros := 0
	rec := recorder(func(r *gds.Row) {
		v := r.Floats()[0]
		if v < 0 || math.IsNaN(v) {
			t.Fatalf("timestep %d: supply %v", r.Timestep, v)
		}
		if v == 0 {
			zeros++
		}
	})
	if err := m.NewEngine().Run(context.Background(), &gds.Job{Run: 1, Timesteps: 5000, Seed: [2]uint64{3, 4}}, rec); err != nil {
		t.Fatal(err)
	}
	if zeros == 0 {
		t.Error("the burns never reached the floor: the test does not test it")
	}
}

func TestEmissions(t *testing.T) {
	for _, c := range []struct {
		name string
		e    supply.Emission
		want map[int]float64 // step -> amount
	}{
		{"constant", supply.Constant(5), map[int]float64{0: 0, 1: 5, 2: 5, 1000: 5}},
		{"negative constant", supply.Constant(-5), map[int]float64{1: 0, 7: 0}},
		{"halving", supply.Halving(8, 10), map[int]float64{0: 0, 1: 8, 10: 8, 11: 4, 20: 4, 21: 2, 31: 1, 41: 0.5}},
		{"halving without period", supply.Halving(8, 0), map[int]float64{1: 8, 100: 8}},
		{"linear decay", supply.LinearDecay(10, 2, 4), map[int]float64{0: 0, 1: 10, 2: 8, 3: 6, 4: 4, 5: 2, 6: 2, 100: 2}},
		{"linear growth", supply.LinearDecay(0, 4, 2), map[int]float64{1: 0, 2: 2, 3: 4, 9: 4}},
		{"linear to negative clamps", supply.LinearDecay(2, -2, 2), map[int]float64{1: 2, 2: 0, 3: 0}},
		{"linear without duration", supply.LinearDecay(10, 3, 0), map[int]float64{1: 3}},
		{"asymptotic", supply.Asymptotic(50, 2, 0), map[int]float64{1: 50, 30: 50}},
		{"asymptotic decays", supply.Asymptotic(50, 2, math.Log(2)), map[int]float64{1: 50, 2: 26, 3: 14}},
	} {
		for step, want := range c.want {
			if got := c.e(step); math.Abs(got-want) > 1e-12 {
				t.Errorf("%s: amount at step %d = %v, want %v", c.name, step, got, want)
			}
		}
		for step := -2; step < 500; step++ {
			if v := c.e(step); v < 0 || math.IsNaN(v) {
				t.Fatalf("%s: amount at step %d = %v", c.name, step, v)
			}
		}
	}
}

// TestHalvingTotal: a halving schedule never emits more than
// 2·initial·period in all.
func TestHalvingTotal(t *testing.T) {
	e := supply.Halving(50, 210)
	total := supply.Total(e, 1, 210*64)
	if cap := 2.0 * 50 * 210; total > cap || total < cap*0.999999 {
		t.Fatalf("total = %v, want just below %v", total, cap)
	}
}

func TestVesting(t *testing.T) {
	for _, c := range []struct {
		name string
		v    supply.Vesting
		// vested at some steps
		want map[int]float64
	}{
		{"cliff and linear", supply.Vesting{Total: 1200, Start: 10, Cliff: 3, Duration: 12},
			map[int]float64{0: 0, 10: 0, 12: 0, 13: 300, 14: 400, 21: 1100, 22: 1200, 100: 1200}},
		{"no cliff", supply.Vesting{Total: 100, Start: 0, Duration: 4},
			map[int]float64{0: 0, 1: 25, 2: 50, 4: 100}},
		{"cliff equals duration", supply.Vesting{Total: 100, Start: 5, Cliff: 4, Duration: 4},
			map[int]float64{8: 0, 9: 100}},
		{"cliff beyond duration", supply.Vesting{Total: 100, Start: 5, Cliff: 6, Duration: 4},
			map[int]float64{9: 0, 10: 0, 11: 100}},
		{"no duration", supply.Vesting{Total: 100, Start: 5}, map[int]float64{4: 0, 5: 100}},
		{"odd total", supply.Vesting{Total: 1000.0 / 3, Start: 1, Cliff: 1, Duration: 7}, nil},
		{"negative total", supply.Vesting{Total: -5, Start: 1, Duration: 3}, map[int]float64{2: 0, 9: 0}},
	} {
		for step, want := range c.want {
			if got := c.v.Vested(step); math.Abs(got-want) > 1e-9 {
				t.Errorf("%s: vested at %d = %v, want %v", c.name, step, got, want)
			}
		}
		sum, prev := 0.0, 0.0
		for step := c.v.Start - 5; step <= c.v.End()+5; step++ {
			r := c.v.Released(step)
			if r < 0 {
				t.Fatalf("%s: released %v at step %d", c.name, r, step)
			}
			if v := c.v.Vested(step); v < prev {
				t.Fatalf("%s: vested fell from %v to %v at step %d", c.name, prev, v, step)
			} else {
				prev = v
			}
			if step-c.v.Start < c.v.Cliff && r != 0 {
				t.Errorf("%s: released %v at step %d, before the cliff", c.name, r, step)
			}
			sum += r
		}
		want := max(c.v.Total, 0)
		if math.Abs(sum-want) > 1e-9*max(want, 1) || c.v.Vested(c.v.End()) != want {
			t.Errorf("%s: released %v in all, vested %v at the end; want the grant %v", c.name, sum, c.v.Vested(c.v.End()), want)
		}
	}
}

func TestTargetRate(t *testing.T) {
	k := supply.FTNS()
	for _, c := range []struct {
		day, want float64
	}{
		{0, 0.5},
		{-10, 0.5},
		{1 / 0.003, 0.02 + 0.48/math.E},
		{1e6, 0.02},
	} {
		if got := k.TargetRate(c.day); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("TargetRate(%v) = %v, want %v", c.day, got, c.want)
		}
	}
	prev := math.Inf(1)
	for d := 0.0; d < 5000; d++ {
		r := k.TargetRate(d)
		if r > prev || r < k.FinalRate {
			t.Fatalf("day %v: target %v after %v", d, r, prev)
		}
		prev = r
	}
}

func TestDamping(t *testing.T) {
	k := supply.FTNS()
	for _, c := range []struct{ vol, want float64 }{
		{0, 1}, {-1, 1}, {0.1, 0.8}, {0.25, 0.5}, {0.5, 0.5}, {3, 0.5},
	} {
		if got := k.Damping(c.vol); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("Damping(%v) = %v, want %v", c.vol, got, c.want)
		}
	}
}

// TestAdjustBounded: whatever the inputs, the factor stays within
// 1 ± MaxAdjustment, and the direction follows the sign of actual − target.
func TestAdjustBounded(t *testing.T) {
	k := supply.FTNS()
	for _, c := range []struct {
		name                     string
		prev, day, actual, vol   float64
		wantChange               float64
		wantClamped, approximate bool
	}{
		{name: "on target", day: 0, actual: 0.5, wantChange: 0},
		{name: "too fast: mint", day: 0, actual: 0.5 + 365*0.0001/0.2, wantChange: 0.0001, approximate: true},
		{name: "too slow: burn", day: 0, actual: 0.5 - 365*0.0001/0.2, wantChange: -0.0001, approximate: true},
		{name: "volatile halves", day: 0, actual: 0.5 + 365*0.0001/0.2, vol: 2, wantChange: 0.00005, approximate: true},
		{name: "accumulates", prev: 0.0004, day: 0, actual: 0.5 + 365*0.0001/0.2, wantChange: 0.0005, approximate: true},
		{name: "crash clamps", day: 10, actual: -50, wantChange: -0.001, wantClamped: true},
		{name: "boom clamps", day: 10, actual: 80, wantChange: 0.001, wantClamped: true},
		{name: "previous clamped", prev: 0.5, day: 10, actual: k.TargetRate(10), wantChange: 0.001, wantClamped: true},
		{name: "NaN actual keeps previous", prev: 0.0003, actual: math.NaN(), wantChange: 0.0003},
	} {
		a := k.Adjust(c.prev, c.day, c.actual, c.vol)
		ok := a.Change == c.wantChange
		if c.approximate {
			ok = math.Abs(a.Change-c.wantChange) < 1e-15
		}
		if !ok || a.Clamped != c.wantClamped || a.Factor != 1+a.Change || a.GovernanceRequired {
			t.Errorf("%s: %+v; want change %v, clamped %v", c.name, a, c.wantChange, c.wantClamped)
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	prev := 0.0
	for i := 0; i < 100000; i++ {
		a := k.Adjust(prev, r.Float64()*1000, r.NormFloat64()*5, r.ExpFloat64())
		if math.Abs(a.Factor-1) > k.MaxAdjustment+1e-15 || math.Abs(a.Change-prev) > math.Abs(a.Step)+1e-15 {
			t.Fatalf("step %d: %+v after %v", i, a, prev)
		}
		prev = a.Change
	}
}

// TestControllerConvergesInACalmMarket: the price is demand over supply,
// demand grows 0.18% a day without noise (about 66% a year, above the
// target); the controller measures the appreciation over 7 days and from
// day 7 adjusts the supply once a day. The gap between actual and target
// appreciation shrinks to under 1 percentage point and stays under 2 once
// converged, against about 33 points uncontrolled at the end, while each
// day's supply change stays within 0.1%.
func TestControllerConvergesInACalmMarket(t *testing.T) {
	run := func(control bool) (gaps []float64) {
		k := supply.FTNS()
		const growth, window = 0.0018, 7
		s, d, change := 1.0, 1.0, 0.0
		closes := []float64{1}
		for day := 1; day <= 150; day++ {
			d *= 1 + growth
			p := d / s
			closes = append(closes, p)
			if day < window {
				continue
			}
			actual := supply.AnnualizedRate(closes[len(closes)-1-window], p, window)
			vol := supply.AnnualizedVolatility(closes[len(closes)-1-window:])
			a := k.Adjust(change, float64(day), actual, vol)
			if math.Abs(a.Factor-1) > k.MaxAdjustment {
				t.Fatalf("day %d: factor %v", day, a.Factor)
			}
			if control {
				s *= a.Factor
				change = a.Change
			}
			gaps = append(gaps, actual-a.Target)
		}
		return gaps
	}
	ctl, free := run(true), run(false)
	last := len(ctl) - 1
	if g := math.Abs(ctl[last]); g > 0.01 {
		t.Errorf("controlled gap at the end = %.4f, want below 0.01", g)
	}
	if g := math.Abs(free[last]); g < 0.15 {
		t.Errorf("uncontrolled gap at the end = %.4f: the test market is not off target", g)
	}
	for i := 60; i < len(ctl); i++ {
		if math.Abs(ctl[i]) > 0.02 {
			t.Errorf("controlled gap %d days in = %.4f, want it to stay below 0.02 once converged", i+7, ctl[i])
		}
	}
}

func TestAnnualizedRateAndVolatility(t *testing.T) {
	for _, c := range []struct {
		p0, p1, days, want float64
	}{
		{100, 110, 365, 0.1},
		{100, 101, 1, 3.65},
		{100, 90, 36.5, -1},
		{0, 10, 5, 0},
		{10, 12, 0, 0},
	} {
		if got := supply.AnnualizedRate(c.p0, c.p1, c.days); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("AnnualizedRate(%v, %v, %v) = %v, want %v", c.p0, c.p1, c.days, got, c.want)
		}
	}
	for _, c := range []struct {
		prices []float64
		want   float64
	}{
		{nil, 0},
		{[]float64{1, 2}, 0},                // one return
		{[]float64{1, 1.1, 1.21, 1.331}, 0}, // constant returns
		{[]float64{100, 110, 99}, math.Sqrt(365) * 0.1}, // returns +10%, −10%
	} {
		if got := supply.AnnualizedVolatility(c.prices); math.Abs(got-c.want) > 1e-9 {
			t.Errorf("AnnualizedVolatility(%v) = %v, want %v", c.prices, got, c.want)
		}
	}
}

// TestRegisteredBlocks builds every registered supply block on constant
// inputs and checks what it emits or writes over a few timesteps.
func TestRegisteredBlocks(t *testing.T) {
	for _, c := range []struct {
		name   string
		floats map[string]float64
		ints   map[string]int64
		want   []float64 // emitted (policies) or written (updates) at t = 1, 2, ...
	}{
		{"supply.constant_emission", map[string]float64{"rate": 3}, nil, []float64{3, 3, 3}},
		{"supply.halving_emission", map[string]float64{"initial": 8}, map[string]int64{"period": 2}, []float64{8, 8, 4, 4, 2}},
		{"supply.linear_emission", map[string]float64{"initial": 6, "final": 0}, map[string]int64{"duration": 3}, []float64{6, 4, 2, 0, 0}},
		{"supply.vesting", map[string]float64{"total": 40}, map[string]int64{"start": 0, "cliff": 2, "duration": 4}, []float64{0, 20, 10, 10, 0}},
		{"supply.controller", map[string]float64{"previous": 0, "day": 0, "actual_rate": 100, "volatility": 0,
			"initial_rate": 0.5, "final_rate": 0.02, "decay": 0.003, "max_adjustment": 0.001, "damping_min": 0.5, "damping_slope": 2, "gain": 0.2},
			nil, []float64{1.001, 1.001}},
		{"supply.mint_burn", map[string]float64{"mint": 2, "burn": 5}, nil, []float64{7, 4, 1, 0, 0}},
		// 100·(F(t) − F(t−1)), F(t) = 1 − 0.5^t
		{"supply.halflife_emission", map[string]float64{"cap": 100, "half_life": 1, "per_year": 1, "stop": 34, "minted": 0},
			map[string]int64{"every": 1}, []float64{50, 25, 12.5}},
		// 1000·(F(t) − F(t−1)), F = 0, 0.05, 0.125, 0.2125, 0.628125 (TestRampedHalfLifeFraction)
		{"supply.ramped_halflife_emission", map[string]float64{"cap": 1000, "half_life": 1, "per_year": 1, "stop": 34, "minted": 0,
			"t0": 1, "t1": 2, "t2": 3, "t3": 4, "m1": 0.1, "m2": 0.2, "m3": 0.4}, map[string]int64{"every": 1}, []float64{0, 50, 75, 87.5, 415.625}},
	} {
		def, ok := blocks.Lookup(c.name)
		if !ok {
			t.Fatalf("%s is not registered", c.name)
		}
		b := gds.NewBuilder("t")
		target := b.Float("x", 10)
		out := b.FloatSignal("out", gds.Last)
		bind := &blocks.Binding{Name: "blk", Builder: b, Floats: map[string]func(*gds.Ctx) float64{},
			Ints: map[string]func(*gds.Ctx) int64{}, Bools: map[string]blocks.BoolInput{}, FloatSignals: map[string]gds.FloatSignal{}, TargetFloat: target}
		for _, a := range def.Args {
			switch {
			case a.Output:
				bind.FloatSignals[a.Name] = out
			case a.Kind == gds.KindFloat:
				v, ok := c.floats[a.Name]
				if !ok {
					t.Fatalf("%s: test gives no %s", c.name, a.Name)
				}
				bind.Floats[a.Name] = blocks.Const(v)
			case a.Kind == gds.KindInt:
				v := c.ints[a.Name]
				bind.Ints[a.Name] = func(*gds.Ctx) int64 { return v }
			case a.Kind == gds.KindBool:
				bind.Bools[a.Name] = func(*gds.Ctx) bool { return false }
			}
		}
		blk, err := def.New(bind)
		if err != nil {
			t.Fatal(err)
		}
		if def.Policy {
			b.PSUB("p", blk, target.Update(out.Get))
		} else {
			b.PSUB("p", blk)
		}
		m, err := b.Build()
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		var got []float64
		rec := recorder(func(r *gds.Row) {
			if r.Timestep > 0 {
				got = append(got, r.Floats()[0])
			}
		})
		if err := m.NewEngine().Run(context.Background(), &gds.Job{Run: 1, Timesteps: len(c.want)}, rec); err != nil {
			t.Fatal(err)
		}
		for i := range c.want {
			if math.Abs(got[i]-c.want[i]) > 1e-12 {
				t.Errorf("%s: got %v, want %v", c.name, got, c.want)
				break
			}
		}
	}
}
