package growth_test

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/statecraft/statecraft/blocks"
	"github.com/statecraft/statecraft/blocks/growth"
	"github.com/statecraft/statecraft/gds"
)

// TestSaturating: TokenSPICE's testAnnualMktsGrowthRate
// (netlists/wsloop/test/test_SimStrategy.py) asserts these to the bit,
// and so does this test; then wsloop's own parameters by hand.
func TestSaturating(t *testing.T) {
	ts := growth.Saturating{Min: -0.25, Max: 0.5, Tau: 0.075}
	ws := growth.WSLoop()
	for _, c := range []struct {
		s        growth.Saturating
		x, want  float64
		exactly  bool
		question string
	}{
		{ts, 0, -0.25, true, "no R&D"},
		{ts, 0.075, -0.25 + 0.75/2.0, true, "x = tau: half of the 0.75 increase"},
		{ts, 2 * 0.075, -0.25 + 0.75/2.0 + 0.75/4.0, true, "x = 2·tau: three quarters"},
		{ts, 1e6, 0.5, true, "saturated"},
		{ws, 0, -0.118, true, "wsloop, no R&D"},
		{ws, 0.6, 0.14849999999999997, false, "−0.118 + 0.533·(1 − 0.5) = 0.1485"},
		{ws, 1.2, 0.28174999999999994, false, "−0.118 + 0.533·(1 − 0.25) = 0.28175"},
		{growth.Saturating{Min: 0.3, Max: 0.1, Tau: 1}, 1, 0.2, false, "max below min: falls, 0.3 − 0.2·0.5"},
	} {
		got := c.s.Rate(c.x)
		if c.exactly && got != c.want || math.Abs(got-c.want) > 1e-15 {
			t.Errorf("%s: %+v.Rate(%v) = %v, want %v", c.question, c.s, c.x, got, c.want)
		}
	}
	for _, bad := range []growth.Saturating{{Tau: 0}, {Tau: -1}, {Tau: math.Inf(1)}, {Min: math.NaN(), Tau: 1}, {Max: math.Inf(-1), Tau: 1}} {
		if bad.Check() == nil {
			t.Errorf("%+v passes the check", bad)
		}
	}
	if err := ws.Check(); err != nil {
		t.Error(err)
	}
}

// TestStepRate: TokenSPICE's test_MarketplacesAgent.py asserts
// _growthRatePerTick(0) == 0 and, with yearly ticks, (0.25) == 0.25, and
// with daily ticks that it equals (1 + 0.25)^(1/365) − 1; compounding the
// daily rate 365 times gives the annual rate back. Nominal: 10% over 365
// steps is 0.1/365 a day and 10.5156% a year.
func TestStepRate(t *testing.T) {
	for _, c := range []struct {
		annual, perYear float64
		comp            growth.Compounding
		want            float64
	}{
		{0, 365, growth.Effective, 0},
		{0.25, 1, growth.Effective, 0.25},                    // 1.25^1 − 1
		{0.25, 365, growth.Effective, 0.0006115391092229583}, // 1.25^(1/365) − 1 = e^(0.2231435513/365) − 1
		{-1, 365, growth.Effective, -1},                      // 0^(1/365) − 1
		{0.1, 365, growth.Nominal, 0.00027397260273972606},   // 0.1/365
		{-0.5, 2, growth.Nominal, -0.25},                     // −0.5/2
	} {
		if got := growth.StepRate(c.annual, c.perYear, c.comp); got != c.want {
			t.Errorf("StepRate(%v, %v, %v) = %v, want %v", c.annual, c.perYear, c.comp, got, c.want)
		}
	}
	for _, c := range []struct {
		annual float64
		comp   growth.Compounding
		want   float64 // the year compounded
	}{
		{0.25, growth.Effective, 1.25},
		{-0.118, growth.Effective, 0.882},
		{0.1, growth.Nominal, 1.1051557816162325}, // (1 + 0.1/365)^365
	} {
		r, y := growth.StepRate(c.annual, 365, c.comp), 1.0
		for range 365 {
			y *= 1 + r
		}
		if math.Abs(y-c.want) > 1e-12 {
			t.Errorf("%v %v compounded over 365 steps: %v, want %v", c.annual, c.comp, y, c.want)
		}
	}
}

func TestParseCompounding(t *testing.T) {
	for _, c := range []growth.Compounding{growth.Effective, growth.Nominal} {
		if got, err := growth.ParseCompounding(c.String()); got != c || err != nil {
			t.Errorf("ParseCompounding(%q) = %v, %v", c.String(), got, err)
		}
	}
	if _, err := growth.ParseCompounding("daily"); err == nil || !strings.Contains(err.Error(), `unknown compounding "daily"`) {
		t.Errorf("err = %v", err)
	}
}

type recorder func(*gds.Row)

func (f recorder) Record(r *gds.Row) error { f(r); return nil }

// TestCompoundUpdate reproduces TokenSPICE's test4_takeStep
// (agents/test/test_MarketplacesAgent.py): 100 marketplaces with 2.0 of
// sales each, growing 25% a year with daily ticks, are 100·(1+g) and
// 2·(1+g) after one tick and 100·(1+g)·(1+g) after two, to the bit (g the
// daily rate), and 100·(1+g)^12 after twelve.
func TestCompoundUpdate(t *testing.T) {
	b := gds.NewBuilder("mkts")
	n := b.Float("n", 100)
	sales := b.Float("sales", 2)
	b.PSUB("grow", growth.CompoundUpdate(n, blocks.Const(0.25), blocks.Const(365), growth.Effective),
		growth.CompoundUpdate(sales, blocks.Const(0.25), blocks.Const(365), growth.Effective))
	m, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	g := math.Pow(1.25, 1/365.0) - 1
	var ns, ss []float64
	rec := recorder(func(r *gds.Row) { ns, ss = append(ns, r.Floats()[0]), append(ss, r.Floats()[1]) })
	if err := m.NewEngine().Run(context.Background(), &gds.Job{Run: 1, Timesteps: 12}, rec); err != nil {
		t.Fatal(err)
	}
	if ns[1] != 100*(1+g) || ss[1] != 2*(1+g) || ns[2] != 100*(1+g)*(1+g) || ss[2] != 2*(1+g)*(1+g) {
		t.Errorf("after one and two ticks: %v, %v; %v, %v", ns[1], ss[1], ns[2], ss[2])
	}
	if want := 100 * math.Pow(1+g, 12); math.Abs(ns[12]-want) > 1e-12*want {
		t.Errorf("after twelve ticks: %v, want %v", ns[12], want)
	}
}

// TestUpdatesPanic: invalid arguments fail the job with the check's
// message.
func TestUpdatesPanic(t *testing.T) {
	for _, c := range []struct {
		name string
		blk  func(x gds.Float) gds.Block
		want string
	}{
		{"tau 0", func(x gds.Float) gds.Block {
			return growth.SaturatingUpdate(x, blocks.Const(1), blocks.Const(0), blocks.Const(1), blocks.Const(0))
		}, "growth: tau must be a finite number > 0, got 0"},
		{"per_year 0", func(x gds.Float) gds.Block {
			return growth.CompoundUpdate(x, blocks.Const(0.1), blocks.Const(0), growth.Nominal)
		}, "growth: per_year must be a finite number > 0, got 0"},
		{"rate below -1", func(x gds.Float) gds.Block {
			return growth.StepRateUpdate(x, blocks.Const(-1.5), blocks.Const(365), growth.Effective)
		}, "growth: an effective annual rate must be >= -1, got -1.5"},
	} {
		b := gds.NewBuilder("g")
		x := b.Float("x", 1)
		b.PSUB("p", c.blk(x))
		m, err := b.Build()
		if err == nil {
			err = m.NewEngine().Run(context.Background(), &gds.Job{Run: 1, Timesteps: 2}, recorder(func(*gds.Row) {}))
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want %q", c.name, err, c.want)
		}
	}
}

// TokenSPICE's wsloop grows its marketplaces at a rate set by the ratio
// of the month's R&D spending to the month's network revenue.
func ExampleSaturating() {
	s := growth.WSLoop()
	for _, ratio := range []float64{0, 0.3, 0.6, 1.2, 5} {
		fmt.Printf("R&D/revenue %.1f: %+.1f%% a year\n", ratio, 100*s.Rate(ratio))
	}
	// Output:
	// R&D/revenue 0.0: -11.8% a year
	// R&D/revenue 0.3: +3.8% a year
	// R&D/revenue 0.6: +14.8% a year
	// R&D/revenue 1.2: +28.2% a year
	// R&D/revenue 5.0: +41.3% a year
}

// An annual rate of 10% as a daily rate, both ways.
func ExampleStepRate() {
	for _, c := range []growth.Compounding{growth.Effective, growth.Nominal} {
		r := growth.StepRate(0.10, 365, c)
		fmt.Printf("%s: %.6f%% a day, %.4f%% a year\n", c, 100*r, 100*(math.Pow(1+r, 365)-1))
	}
	// Output:
	// effective: 0.026116% a day, 10.0000% a year
	// nominal: 0.027397% a day, 10.5156% a year
}
