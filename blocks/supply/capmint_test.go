package supply_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/statecraft/statecraft/blocks"
	"github.com/statecraft/statecraft/blocks/supply"
	"github.com/statecraft/statecraft/gds"
)

func TestHalfLifeFraction(t *testing.T) {
	for _, c := range []struct {
		h, t, want float64
	}{
		{4, 0, 0},
		{4, -1, 0},                             // nothing before the start
		{4, 4, 0.5},                            // 1 − 0.5^1: half by one half-life
		{4, 8, 0.75},                           // 1 − 0.5^2: TokenSPICE's "by 2H, 75%"
		{4, 2, 0.2928932188134524},             // 1 − 0.5^0.5 = 1 − 0.7071067811865476
		{4, 1, 0.1591035847462855},             // 1 − 0.5^0.25 = 1 − 0.8408964152537145
		{1, 34, 1 - math.Ldexp(1, -34)},        // 34 half-lives: all but 2^−34
		{4, 1.0 / 365, 0.00047464566293986543}, // day 1: 1 − 0.5^(1/1460)
	} {
		if got := (supply.HalfLife{H: c.h}).Fraction(c.t); math.Abs(got-c.want) > 1e-15 {
			t.Errorf("HalfLife{%v}.Fraction(%v) = %v, want %v", c.h, c.t, got, c.want)
		}
	}
}

// TestRampedHalfLifeFraction checks the ramp as TokenSPICE's code computes
// it, on the parameters of its test (H = 4, T = 0, 0.5, 1, 2, M = 0.10,
// 0.25, 0.50) and on a small case with whole numbers. f(x) = 1 − 0.5^(x/4):
// f(0.25) = 0.0423967193014263, f(0.5) = 0.08299595679532878,
// f(0.75) = 0.12187391981335027, f(1) = 0.1591035847462855,
// f(1.5) = 0.22889458729602963, f(2) = 0.2928932188134524,
// f(3) = 0.4053964424986395.
func TestRampedHalfLifeFraction(t *testing.T) {
	test := supply.RampedHalfLife{H: 4, T0: 0, T1: 0.5, T2: 1, T3: 2, M1: 0.10, M2: 0.25, M3: 0.50}
	small := supply.RampedHalfLife{H: 1, T0: 1, T1: 2, T2: 3, T3: 4, M1: 0.1, M2: 0.2, M3: 0.4}
	for _, c := range []struct {
		name string
		r    supply.RampedHalfLife
		t    float64
		want float64
	}{
		{"start", test, 0, 0},
		{"first piece", test, 0.25, 0.00423967193014263},   // 0.1·f(0.25)
		{"at t1", test, 0.5, 0.00829959567953288},          // 0.35·f(0.5) − 0.25·f(0.5) = 0.1·f(0.5): continuous
		{"second piece", test, 0.75, 0.021906882735840398}, // 0.35·0.1218739198 − 0.25·0.0829959568 = 0.0426558719 − 0.0207489892
		{"at t2", test, 1, 0.03493726546236773},            // 0.85·f(1) − 0.25·f(0.5) − 0.5·f(1) = 0.1352380470 − 0.0207489892 − 0.0795517924
		{"third piece", test, 1.5, 0.09425961762965024},    // 0.85·0.2288945873 − 0.0207489892 − 0.0795517924
		{"at t3", test, 2, 0.14865845441945963},            // G = 0.85·f(2) − 0.1003007816 = 0.2489592360 − 0.1003007816; + (1−G)·f(0)
		{"last piece", test, 3, 0.36452297004092327},       // G = 0.85·f(3) − 0.1003007816 = 0.2442861945; G + (1−G)·f(1) = 0.2442861945 + 0.7557138055·0.1591035847
		{"long run", test, 100, 0.9999999894506097},        // tends to 1
		{"small: before t0", small, 0.5, 0},                //
		{"small: t0", small, 1, 0},                         // 0.1·f(0)
		{"small: t1", small, 2, 0.05},                      // 0.3·f(1) − 0.2·f(1) = 0.15 − 0.1
		{"small: t2", small, 3, 0.125},                     // 0.7·f(2) − 0.2·f(1) − 0.4·f(2) = 0.525 − 0.1 − 0.3
		{"small: t3", small, 4, 0.2125},                    // G = 0.7·f(3) − 0.4 = 0.6125 − 0.4; + (1−G)·f(0)
		{"small: after t3", small, 5, 0.628125},            // G = 0.7·f(4) − 0.4 = 0.25625; G + 0.74375·f(1)
	} {
		if got := c.r.Fraction(c.t); math.Abs(got-c.want) > 1e-15 {
			t.Errorf("%s: Fraction(%v) = %v, want %v", c.name, c.t, got, c.want)
		}
	}
	// The docstring's g2 (slope M2 after t1, G1 = g1(t1)) would give
	// 0.25·(f(0.75) − f(0.5)) + 0.1·f(0.5) = 0.0180190865 at 0.75; the code,
	// reproduced here, gives 0.0219068827.
	if doc := 0.25*(0.12187391981335027-0.08299595679532878) + 0.1*0.08299595679532878; math.Abs(test.Fraction(0.75)-doc) < 1e-3 {
		t.Errorf("the ramp follows TokenSPICE's docstring, not its code")
	}
}

// TestRampedHalfLifeShape: for random valid parameters the curve starts
// at 0, never falls, stays within [0, 1], is continuous at the
// breakpoints and tends to 1.
func TestRampedHalfLifeShape(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for i := 0; i < 300; i++ {
		ts := []float64{r.Float64() * 2, r.Float64() * 2, r.Float64() * 2, r.Float64() * 2}
		slices.Sort(ts)
		ms := []float64{r.Float64() * 0.3, r.Float64() * 0.3, r.Float64() * 0.3}
		slices.Sort(ms)
		c := supply.RampedHalfLife{H: 0.5 + r.Float64()*6, T0: ts[0], T1: ts[1], T2: ts[2], T3: ts[3], M1: ms[0], M2: ms[1], M3: ms[2]}
		if err := c.Check(); err != nil {
			t.Fatal(err)
		}
		prev := 0.0
		for y := 0.0; y < 60; y += 1.0 / 64 {
			f := c.Fraction(y)
			if f < prev-1e-15 || f < 0 || f > 1 {
				t.Fatalf("%+v: F(%v) = %v after %v", c, y, f, prev)
			}
			prev = f
		}
		for _, b := range ts {
			if d := math.Abs(c.Fraction(b) - c.Fraction(b-1e-9)); d > 1e-8 {
				t.Errorf("%+v: jump of %v at breakpoint %v", c, d, b)
			}
		}
		if f := c.Fraction(60 * c.H); f < 1-1e-15 {
			t.Errorf("%+v: F(60H) = %v, want 1", c, f)
		}
	}
}

func TestCapMintChecks(t *testing.T) {
	ok := supply.RampedHalfLife{H: 4, T0: 0.5, T1: 1, T2: 1.4, T3: 3, M1: 0.1, M2: 0.25, M3: 0.5}
	for _, c := range []struct {
		name string
		m    supply.CapMint[supply.RampedHalfLife]
		want string // "" for valid
	}{
		{"wsloop", supply.CapMint[supply.RampedHalfLife]{Cap: 719.1e6, Curve: ok, PerYear: 365, Every: 1, Stop: 136}, ""},
		{"negative cap", supply.CapMint[supply.RampedHalfLife]{Cap: -1, Curve: ok, PerYear: 365, Every: 1}, "cap must be"},
		{"no per year", supply.CapMint[supply.RampedHalfLife]{Cap: 1, Curve: ok, Every: 1}, "per_year must be"},
		{"every 0", supply.CapMint[supply.RampedHalfLife]{Cap: 1, Curve: ok, PerYear: 1}, "every must be >= 1"},
		{"NaN stop", supply.CapMint[supply.RampedHalfLife]{Cap: 1, Curve: ok, PerYear: 1, Every: 1, Stop: math.NaN()}, "stop must be"},
		{"zero half-life", supply.CapMint[supply.RampedHalfLife]{Cap: 1, Curve: supply.RampedHalfLife{}, PerYear: 1, Every: 1}, "half_life must be"},
		{"unordered breakpoints", supply.CapMint[supply.RampedHalfLife]{Cap: 1, Curve: supply.RampedHalfLife{H: 1, T0: 2, T1: 1, T2: 3, T3: 4}, PerYear: 1, Every: 1}, "0 <= t0 <= t1"},
		{"negative t0", supply.CapMint[supply.RampedHalfLife]{Cap: 1, Curve: supply.RampedHalfLife{H: 1, T0: -1}, PerYear: 1, Every: 1}, "0 <= t0 <= t1"},
		{"unordered multipliers", supply.CapMint[supply.RampedHalfLife]{Cap: 1, Curve: supply.RampedHalfLife{H: 1, M1: 0.5, M2: 0.25, M3: 1}, PerYear: 1, Every: 1}, "0 <= m1 <= m2 <= m3"},
	} {
		err := c.m.Check()
		if c.want == "" && err != nil || c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)) {
			t.Errorf("%s: Check() = %v, want %q", c.name, err, c.want)
		}
	}
	if err := (supply.HalfLife{H: math.Inf(1)}).Check(); err == nil {
		t.Error("an infinite half-life passes the check")
	}
}

// TestCapMintAmounts: the amounts by hand, per_year 1 and a half-life of
// one year, so F(t) = 1 − 0.5^t: F(1) = 0.5, F(3) = 0.875, F(5) = 0.96875.
func TestCapMintAmounts(t *testing.T) {
	h := supply.HalfLife{H: 1}
	small := supply.RampedHalfLife{H: 1, T0: 1, T1: 2, T2: 3, T3: 4, M1: 0.1, M2: 0.2, M3: 0.4}
	for _, c := range []struct {
		name   string
		amount func(int) float64
		minted func(int) float64
		want   []float64 // amounts at t = 1, 2, ...
	}{
		// 100·(F(t) − F(t−1)): 50, 25, 12.5, 6.25
		{"every step", supply.CapMint[supply.HalfLife]{Cap: 100, Curve: h, PerYear: 1, Every: 1}.Amount,
			supply.CapMint[supply.HalfLife]{Cap: 100, Curve: h, PerYear: 1, Every: 1}.Minted, []float64{50, 25, 12.5, 6.25}},
		// mints at 1, 3, 5: 100·F(1), 100·(F(3) − F(1)) = 37.5, 100·(F(5) − F(3)) = 9.375
		{"every 2", supply.CapMint[supply.HalfLife]{Cap: 100, Curve: h, PerYear: 1, Every: 2}.Amount,
			supply.CapMint[supply.HalfLife]{Cap: 100, Curve: h, PerYear: 1, Every: 2}.Minted, []float64{50, 0, 37.5, 0, 9.375, 0}},
		// stop after year 4: the mint at 5 is all that is left, 100·(1 − F(3)) = 12.5
		{"stop", supply.CapMint[supply.HalfLife]{Cap: 100, Curve: h, PerYear: 1, Every: 2, Stop: 4}.Amount,
			supply.CapMint[supply.HalfLife]{Cap: 100, Curve: h, PerYear: 1, Every: 2, Stop: 4}.Minted, []float64{50, 0, 37.5, 0, 12.5, 0, 0, 0}},
		// two steps a year: F(0.5) = 1 − 0.5^0.5 = 0.2928932188, F(1) = 0.5
		{"two steps a year", supply.CapMint[supply.HalfLife]{Cap: 100, Curve: h, PerYear: 2, Every: 1}.Amount,
			supply.CapMint[supply.HalfLife]{Cap: 100, Curve: h, PerYear: 2, Every: 1}.Minted, []float64{29.289321881345245, 20.710678118654755}},
		// the ramp: 1000·(F(t) − F(t−1)) with F = 0, 0.05, 0.125, 0.2125, 0.628125 (TestRampedHalfLifeFraction)
		{"ramped", supply.CapMint[supply.RampedHalfLife]{Cap: 1000, Curve: small, PerYear: 1, Every: 1}.Amount,
			supply.CapMint[supply.RampedHalfLife]{Cap: 1000, Curve: small, PerYear: 1, Every: 1}.Minted, []float64{0, 50, 75, 87.5, 415.625}},
		{"no cap", supply.CapMint[supply.HalfLife]{Cap: 0, Curve: h, PerYear: 1, Every: 1}.Amount,
			supply.CapMint[supply.HalfLife]{Cap: 0, Curve: h, PerYear: 1, Every: 1}.Minted, []float64{0, 0}},
	} {
		if c.amount(0) != 0 || c.amount(-3) != 0 || c.minted(0) != 0 {
			t.Errorf("%s: mints before timestep 1", c.name)
		}
		sum := 0.0
		for i, want := range c.want {
			got := c.amount(i + 1)
			if math.Abs(got-want) > 1e-12 {
				t.Errorf("%s: amount at %d = %v, want %v", c.name, i+1, got, want)
			}
			sum += got
			if m := c.minted(i + 1); math.Abs(m-sum) > 1e-12 {
				t.Errorf("%s: minted by %d = %v, the amounts add up to %v", c.name, i+1, m, sum)
			}
		}
	}
}

// TestCapMintEquivalences: the half-life schedule minted at every step is
// the asymptotic emission with initial cap·(1 − 0.5^(1/(H·per_year))),
// final 0 and rate ln 2/(H·per_year); the halving emission (discrete
// halvings) meets it at the end of every period, with cap 2·initial·period
// and H = period.
func TestCapMintEquivalences(t *testing.T) {
	const capv, h, perYear = 719.1e6, 4.0, 365.0
	m := supply.CapMint[supply.HalfLife]{Cap: capv, Curve: supply.HalfLife{H: h}, PerYear: perYear, Every: 1}
	a := supply.Asymptotic(capv*(1-math.Pow(0.5, 1/(h*perYear))), 0, math.Ln2/(h*perYear))
	for _, step := range []int{1, 2, 365, 1000, 3650, 20000} {
		if got, want := m.Amount(step), a(step); math.Abs(got-want) > 1e-8*want {
			t.Errorf("step %d: half-life amount %v, asymptotic %v", step, got, want)
		}
	}
	const initial, period = 50.0, 210
	halving := supply.Halving(initial, period)
	hl := supply.CapMint[supply.HalfLife]{Cap: 2 * initial * period, Curve: supply.HalfLife{H: period}, PerYear: 1, Every: 1}
	for k := 1; k <= 10; k++ {
		got, want := supply.Total(halving, 1, k*period), hl.Minted(k*period) // 2·50·210·(1 − 2^−k)
		if math.Abs(got-want) > 1e-9*want {
			t.Errorf("after %d halvings: halving emission %v, half-life schedule %v", k, got, want)
		}
	}
}

// TestTokenSPICEFuncMinter reproduces TokenSPICE's _test_funcMinter
// (agents/test/test_MinterAgents.py): 700e6 tokens, H = 4 years, ticks of
// 100 days, a mint every 100 years (every 365 ticks), for ExpFunc and for
// the test's RampedExpFunc, through the policy with the running total as
// minted. Minting stops after 34 half-lives (136 years), so the third
// mint, at tick 731 (year 200.3), mints everything left: nothing is left
// to mint (TokenSPICE's assertion), well before the test's 1000-year
// guard.
func TestTokenSPICEFuncMinter(t *testing.T) {
	const capv = 700e6
	perYear := 365.0 / 100 // ticks of 100 days
	stop := 4.0 * supply.BitcoinHalfLives
	for _, c := range []struct {
		name string
		pol  func(out gds.FloatSignal, minted blocks.Input) gds.Block
	}{
		{"ExpFunc", func(out gds.FloatSignal, minted blocks.Input) gds.Block {
			m := supply.CapMint[supply.HalfLife]{Cap: capv, Curve: supply.HalfLife{H: 4}, PerYear: perYear, Every: 365, Stop: stop}
			return supply.CapMintPolicy("minter", out, func(*gds.Ctx) supply.CapMint[supply.HalfLife] { return m }, minted)
		}},
		{"RampedExpFunc", func(out gds.FloatSignal, minted blocks.Input) gds.Block {
			m := supply.CapMint[supply.RampedHalfLife]{Cap: capv, PerYear: perYear, Every: 365, Stop: stop,
				Curve: supply.RampedHalfLife{H: 4, T0: 0, T1: 0.5, T2: 1, T3: 2, M1: 0.10, M2: 0.25, M3: 0.50}}
			return supply.CapMintPolicy("minter", out, func(*gds.Ctx) supply.CapMint[supply.RampedHalfLife] { return m }, minted)
		}},
	} {
		b := gds.NewBuilder("mint")
		minted := b.Float("minted", 0)
		amount := b.FloatSignal("amount", gds.Sum)
		b.PSUB("mint", c.pol(amount, minted.Get), minted.Update(func(c *gds.Ctx) float64 { return minted.Get(c) + amount.Get(c) }))
		m, err := b.Build()
		if err != nil {
			t.Fatal(err)
		}
		var mints []int
		last := 0.0
		rec := recorder(func(r *gds.Row) {
			if v := r.Floats()[0]; v != last {
				mints = append(mints, r.Timestep)
				last = v
			}
		})
		if err := m.NewEngine().Run(context.Background(), &gds.Job{Run: 1, Timesteps: int(1000 * perYear)}, rec); err != nil {
			t.Fatal(err)
		}
		if last != capv || !slices.Equal(mints, []int{1, 366, 731}) {
			t.Errorf("%s: %v minted at ticks %v; want all %v, at 1, 366, 731", c.name, last, mints, capv)
		}
	}
}

// TestCapNeverExceeded runs random schedules through the policy, with
// minted bound to the running total: the total never exceeds the cap, and
// once the schedule has stopped it is the cap.
func TestCapNeverExceeded(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for i := 0; i < 200; i++ {
		capv := math.Ldexp(1+r.Float64(), r.IntN(80)-10)
		h := 0.05 + r.Float64()*3
		perYear := float64(1 + r.IntN(400))
		every := 1 + r.IntN(5)
		stop := 3 + r.Float64()*5 // half-lives
		ramp := r.IntN(2) == 0
		ts := []float64{r.Float64(), r.Float64(), r.Float64(), r.Float64()}
		slices.Sort(ts)
		ms := []float64{r.Float64() * 0.3, r.Float64() * 0.3, r.Float64() * 0.3}
		slices.Sort(ms)

		b := gds.NewBuilder("mint")
		minted := b.Float("minted", 0)
		amount := b.FloatSignal("amount", gds.Sum)
		var pol gds.Block
		if ramp {
			m := supply.CapMint[supply.RampedHalfLife]{Cap: capv, PerYear: perYear, Every: every, Stop: stop * h,
				Curve: supply.RampedHalfLife{H: h, T0: ts[0], T1: ts[1], T2: ts[2], T3: ts[3], M1: ms[0], M2: ms[1], M3: ms[2]}}
			pol = supply.CapMintPolicy("minter", amount, func(*gds.Ctx) supply.CapMint[supply.RampedHalfLife] { return m }, minted.Get)
		} else {
			m := supply.CapMint[supply.HalfLife]{Cap: capv, PerYear: perYear, Every: every, Stop: stop * h, Curve: supply.HalfLife{H: h}}
			pol = supply.CapMintPolicy("minter", amount, func(*gds.Ctx) supply.CapMint[supply.HalfLife] { return m }, minted.Get)
		}
		b.PSUB("mint", pol, minted.Update(func(c *gds.Ctx) float64 { return minted.Get(c) + amount.Get(c) }))
		mod, err := b.Build()
		if err != nil {
			t.Fatal(err)
		}
		steps := int(math.Ceil((stop*h+1)*perYear)) + 2*every
		last := 0.0
		rec := recorder(func(row *gds.Row) {
			v := row.Floats()[0]
			if v > capv || v < last {
				t.Fatalf("schedule %d, timestep %d: minted %v after %v, cap %v", i, row.Timestep, v, last, capv)
			}
			last = v
		})
		if err := mod.NewEngine().Run(context.Background(), &gds.Job{Run: 1, Timesteps: steps}, rec); err != nil {
			t.Fatal(err)
		}
		if last != capv {
			t.Errorf("schedule %d: minted %v in all, cap %v", i, last, capv)
		}
	}
}

// TestCapMintPolicyPanics: invalid parameters fail the job with the
// check's message.
func TestCapMintPolicyPanics(t *testing.T) {
	b := gds.NewBuilder("mint")
	x := b.Float("x", 0)
	amount := b.FloatSignal("amount", gds.Sum)
	b.PSUB("mint", supply.CapMintPolicy("minter", amount, func(*gds.Ctx) supply.CapMint[supply.HalfLife] {
		return supply.CapMint[supply.HalfLife]{Cap: 1, PerYear: 1, Every: 1}
	}, blocks.Const(0)), x.Update(amount.Get))
	m, err := b.Build()
	if err == nil {
		err = m.NewEngine().Run(context.Background(), &gds.Job{Run: 1, Timesteps: 3}, recorder(func(*gds.Row) {}))
	}
	if err == nil || !strings.Contains(err.Error(), "supply: half_life must be a finite number > 0, got 0") {
		t.Errorf("err = %v", err)
	}
}

// A daily schedule of 719.1 million tokens (TokenSPICE's unminted OCEAN)
// with a half-life of four years: half is minted by the end of year 4,
// three quarters by the end of year 8.
func ExampleCapMint() {
	m := supply.CapMint[supply.HalfLife]{Cap: 719.1e6, Curve: supply.HalfLife{H: 4}, PerYear: 365, Every: 1, Stop: 4 * supply.BitcoinHalfLives}
	fmt.Printf("day 1: %.0f\n", m.Amount(1))
	for _, year := range []int{1, 4, 8} {
		fmt.Printf("year %d: %.4g minted (%.1f%%)\n", year, m.Minted(365*year), 100*m.Minted(365*year)/m.Cap)
	}
	// Output:
	// day 1: 341318
	// year 1: 1.144e+08 minted (15.9%)
	// year 4: 3.596e+08 minted (50.0%)
	// year 8: 5.393e+08 minted (75.0%)
}

// TokenSPICE's wsloop ramp: nothing for half a year, then a tenth of the
// half-life curve's pace, stepping up at years 1, 1.4 and 3.
func ExampleRampedHalfLife() {
	r := supply.RampedHalfLife{H: 4, T0: 0.5, T1: 1, T2: 1.4, T3: 3, M1: 0.10, M2: 0.25, M3: 0.50}
	for _, y := range []float64{0.5, 1, 1.4, 3, 10, 50} {
		fmt.Printf("year %4.1f: %.4f\n", y, r.Fraction(y))
	}
	// Output:
	// year  0.5: 0.0000
	// year  1.0: 0.0083
	// year  1.4: 0.0298
	// year  3.0: 0.2059
	// year 10.0: 0.8791
	// year 50.0: 0.9999
}

// TestCapMintDelay: a schedule delayed by d timesteps mints at timestep t
// what the undelayed one mints at t − d, and nothing before timestep d+1.
func TestCapMintDelay(t *testing.T) {
	run := func(delay, steps int) []float64 {
		b := gds.NewBuilder("mint")
		minted := b.Float("minted", 0)
		amount := b.FloatSignal("amount", gds.Sum)
		m := supply.CapMint[supply.RampedHalfLife]{Cap: 719.1e6, PerYear: 365, Every: 1, Stop: 34 * 4, Delay: delay,
			Curve: supply.RampedHalfLife{H: 4, T0: 0.5, T1: 1, T2: 1.4, T3: 3, M1: 0.1, M2: 0.25, M3: 0.5}}
		b.PSUB("mint", supply.CapMintPolicy("minter", amount, func(*gds.Ctx) supply.CapMint[supply.RampedHalfLife] { return m }, minted.Get),
			minted.Update(func(c *gds.Ctx) float64 { return minted.Get(c) + amount.Get(c) }))
		mod, err := b.Build()
		if err != nil {
			t.Fatal(err)
		}
		var out []float64
		if err := mod.NewEngine().Run(context.Background(), &gds.Job{Run: 1, Timesteps: steps}, recorder(func(r *gds.Row) { out = append(out, r.Floats()[0]) })); err != nil {
			t.Fatal(err)
		}
		return out
	}
	for _, d := range []int{1, 3} {
		base, late := run(0, 800), run(d, 800+d)
		for k := 0; k <= d; k++ {
			if late[k] != 0 {
				t.Fatalf("delay %d: minted %v by timestep %d", d, late[k], k)
			}
		}
		for k := range base {
			if late[k+d] != base[k] {
				t.Fatalf("delay %d: minted %v by timestep %d, the undelayed schedule %v by %d", d, late[k+d], k+d, base[k], k)
			}
		}
	}
	if err := (supply.CapMint[supply.HalfLife]{Cap: 1, PerYear: 1, Every: 1, Delay: -1, Curve: supply.HalfLife{H: 1}}).Check(); err == nil || !strings.Contains(err.Error(), "delay must be >= 0") {
		t.Errorf("negative delay: err = %v", err)
	}
}

// TestRampedAtBreakpoints: the docstring's ramp is continuous at its
// breakpoints, steps its pace to m2 and m3, and with wsloop's parameters
// has minted 12.7% of the cap by year 3 and 38.3% by year 5 (against
// 20.6% and 55.3% for TokenSPICE's code).
func TestRampedAtBreakpoints(t *testing.T) {
	code := supply.RampedHalfLife{H: 4, T0: 0.5, T1: 1, T2: 1.4, T3: 3, M1: 0.1, M2: 0.25, M3: 0.5}
	doc := code
	doc.AtBreakpoints = true
	for _, c := range []struct {
		r      supply.RampedHalfLife
		y3, y5 float64
	}{{code, 0.206, 0.553}, {doc, 0.127, 0.383}} {
		if got := c.r.Fraction(3); math.Abs(got-c.y3) > 5e-4 {
			t.Errorf("at breakpoints %v: F(3) = %v, want %v", c.r.AtBreakpoints, got, c.y3)
		}
		if got := c.r.Fraction(5); math.Abs(got-c.y5) > 5e-4 {
			t.Errorf("at breakpoints %v: F(5) = %v, want %v", c.r.AtBreakpoints, got, c.y5)
		}
	}
	for _, b := range []float64{doc.T1, doc.T2, doc.T3} {
		if l, r := doc.Fraction(b-1e-9), doc.Fraction(b); math.Abs(l-r) > 1e-8 {
			t.Errorf("F jumps at %v: %v to %v", b, l, r)
		}
	}
	// the pace between T1 and T2 is m2 times the half-life curve's
	f := func(x float64) float64 { return 1 - math.Pow(0.5, x/doc.H) }
	if got, want := doc.Fraction(1.3)-doc.Fraction(1.1), doc.M2*(f(1.3-doc.T0)-f(1.1-doc.T0)); math.Abs(got-want) > 1e-12 {
		t.Errorf("pace between t1 and t2: %v, want m2 × the curve's %v", got, want)
	}
}
