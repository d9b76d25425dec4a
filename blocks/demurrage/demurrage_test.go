package demurrage_test

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/statecraft/statecraft/blocks"
	"github.com/statecraft/statecraft/blocks/demurrage"
	"github.com/statecraft/statecraft/gds"
)

func TestCategory(t *testing.T) {
	unit := demurrage.FTNS()
	unit.TargetVelocity = 1 // thresholds exactly representable
	ftns := demurrage.FTNS()
	for _, c := range []struct {
		s        demurrage.Schedule
		velocity float64
		want     demurrage.Category
	}{
		{unit, 5, demurrage.High},
		{unit, 1, demurrage.High},
		{unit, math.Nextafter(1, 0), demurrage.Moderate},
		{unit, 0.7, demurrage.Moderate},
		{unit, math.Nextafter(0.7, 0), demurrage.Low},
		{unit, 0.3, demurrage.Low},
		{unit, math.Nextafter(0.3, 0), demurrage.Inactive},
		{unit, 0, demurrage.Inactive},
		{unit, math.NaN(), demurrage.Inactive},
		{ftns, 1.2, demurrage.High},
		{ftns, 1.0, demurrage.Moderate},
		{ftns, 0.5, demurrage.Low},
		{ftns, 0.3, demurrage.Inactive},
		{demurrage.Schedule{}, 0, demurrage.High},
	} {
		if got := c.s.Category(c.velocity); got != c.want {
			t.Errorf("target %v, velocity %v: %v, want %v", c.s.TargetVelocity, c.velocity, got, c.want)
		}
	}
}

// TestMonthlyRates: the documented rate of each category times the
// documented modifier of each status.
func TestMonthlyRates(t *testing.T) {
	s := demurrage.FTNS()
	velocity := map[demurrage.Category]float64{demurrage.High: 2, demurrage.Moderate: 1.0, demurrage.Low: 0.5, demurrage.Inactive: 0}
	rate := map[demurrage.Category]float64{demurrage.High: 0.001, demurrage.Moderate: 0.002, demurrage.Low: 0.004, demurrage.Inactive: 0.01}
	modifier := map[demurrage.Status]float64{demurrage.None: 1.5, demurrage.Basic: 1.0, demurrage.Active: 0.7, demurrage.Power: 0.5}
	for cat, v := range velocity {
		for st, m := range modifier {
			want := rate[cat] * m
			if got := s.MonthlyRate(v, st); math.Abs(got-want) > 1e-15 {
				t.Errorf("%v, %v: monthly rate %v, want %v", cat, st, got, want)
			}
		}
	}
	if got := s.MonthlyRate(0, demurrage.Status(9)); got != 0.015 {
		t.Errorf("unknown status: rate %v, want that of none, 0.015", got)
	}
	capped := s
	capped.MaxMonthlyRate = 0.01
	if got := capped.MonthlyRate(0, demurrage.None); got != 0.01 {
		t.Errorf("capped inactive non-contributor: %v, want 0.01", got)
	}
}

func TestFee(t *testing.T) {
	s := demurrage.FTNS()
	for _, c := range []struct {
		name                         string
		balance, velocity, age, days float64
		status                       demurrage.Status
		want                         float64
	}{
		{name: "inactive basic, one day", balance: 3000, velocity: 0, status: demurrage.Basic, age: 400, days: 1, want: 3000 * 0.01 / 30},
		{name: "high power, 30 days", balance: 1000, velocity: 1.5, status: demurrage.Power, age: 400, days: 30, want: 1000 * 0.001 * 0.5},
		{name: "in grace", balance: 1000, velocity: 0, status: demurrage.None, age: 89.99, days: 1, want: 0},
		{name: "grace just over", balance: 1000, velocity: 0, status: demurrage.None, age: 90, days: 30, want: 15},
		{name: "zero balance", balance: 0, velocity: 0, status: demurrage.None, age: 400, days: 1, want: 0},
		{name: "negative balance", balance: -5, velocity: 0, status: demurrage.None, age: 400, days: 1, want: 0},
		{name: "no time", balance: 100, velocity: 0, status: demurrage.None, age: 400, days: 0, want: 0},
		{name: "centuries: capped at the balance", balance: 100, velocity: 0, status: demurrage.None, age: 400, days: 1e6, want: 100},
	} {
		if got := s.Fee(c.balance, c.velocity, c.status, c.age, c.days); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("%s: fee %v, want %v", c.name, got, c.want)
		}
	}
}

// TestFeeProperties checks, on random holders: fees are never negative nor
// above the balance; nothing is charged in the grace period; a higher
// velocity never costs more; a better status never costs more, and the
// modifiers scale the fee exactly.
func TestFeeProperties(t *testing.T) {
	s := demurrage.FTNS()
	r := rand.New(rand.NewPCG(5, 6))
	for i := 0; i < 50000; i++ {
		bal := r.ExpFloat64() * 1000
		v1, v2 := r.ExpFloat64(), r.ExpFloat64()
		if v1 > v2 {
			v1, v2 = v2, v1
		}
		age := r.Float64() * 200
		days := r.ExpFloat64() * 100
		st := demurrage.Status(r.IntN(4))
		f1, f2 := s.Fee(bal, v1, st, age, days), s.Fee(bal, v2, st, age, days)
		if f1 < 0 || f1 > bal || f2 < 0 || f2 > bal {
			t.Fatalf("balance %v: fees %v, %v", bal, f1, f2)
		}
		if age < 90 && (f1 != 0 || f2 != 0) {
			t.Fatalf("age %v (grace): fees %v, %v", age, f1, f2)
		}
		if f2 > f1 {
			t.Fatalf("velocity %v pays %v, more than velocity %v pays %v", v2, f2, v1, f1)
		}
		if age >= 90 && days < 30 { // below the balance cap
			basic := s.Fee(bal, v1, demurrage.Basic, age, days)
			for st, m := range []float64{1.5, 1.0, 0.7, 0.5} {
				got := s.Fee(bal, v1, demurrage.Status(st), age, days)
				if math.Abs(got-basic*m) > 1e-12*max(basic, 1) {
					t.Fatalf("status %v: fee %v, want %v × basic %v", demurrage.Status(st), got, m, basic)
				}
			}
		}
	}
}

func TestVelocity(t *testing.T) {
	for _, c := range []struct {
		volume, balance, days, want float64
	}{
		{120, 100, 30, 1.2},
		{60, 100, 15, 1.2},
		{0, 100, 30, 0},
		{50, 0, 30, 0},
		{50, 10, 0, 0},
	} {
		if got := demurrage.Velocity(c.volume, c.balance, c.days); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("Velocity(%v, %v, %v) = %v, want %v", c.volume, c.balance, c.days, got, c.want)
		}
	}
}

func TestNames(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{demurrage.High.String(), "high"},
		{demurrage.Inactive.String(), "inactive"},
		{demurrage.Category(7).String(), "Category(7)"},
		{demurrage.Power.String(), "power"},
		{demurrage.Status(-1).String(), "Status(-1)"},
	} {
		if c.got != c.want {
			t.Errorf("%q, want %q", c.got, c.want)
		}
	}
}

type recorder func(*gds.Row)

func (f recorder) Record(r *gds.Row) error { f(r); return nil }

// TestRegisteredFees runs "demurrage.fees" on four holders and applies the
// fees to their balances.
func TestRegisteredFees(t *testing.T) {
	def, ok := blocks.Lookup("demurrage.fees")
	if !ok || !def.Policy {
		t.Fatalf("demurrage.fees: %+v, %v", def, ok)
	}
	b := gds.NewBuilder("d")
	bal := b.Vec("balances", []float64{3000, 3000, 3000, 3000})
	collected := b.Float("collected", 0)
	fees := b.VecSignal("fees", gds.Last)
	total := b.FloatSignal("total", gds.Sum)
	vec := func(v ...float64) func(*gds.Ctx) []float64 { return func(*gds.Ctx) []float64 { return v } }
	num := func(v float64) func(*gds.Ctx) float64 { return func(*gds.Ctx) float64 { return v } }
	bind := &blocks.Binding{Name: "demurrage", Builder: b,
		Floats: map[string]func(*gds.Ctx) float64{"days": num(1), "target_velocity": num(1.2), "grace_days": num(90)},
		Vecs: map[string]func(*gds.Ctx) []float64{
			"balances": bal.Get,
			"velocity": vec(0, 2, 0.5, 0),
			"status":   vec(1, 3, 2), // the fourth reads as 0: none
			"age_days": vec(400, 400, 400, 10),
		},
		VecSignals:   map[string]gds.VecSignal{"fees": fees},
		FloatSignals: map[string]gds.FloatSignal{"total": total},
	}
	blk, err := def.New(bind)
	if err != nil {
		t.Fatal(err)
	}
	b.PSUB("charge", blk,
		bal.Update(func(c *gds.Ctx, dst []float64) []float64 {
			for i, x := range bal.Get(c) {
				dst = append(dst, x-fees.Get(c)[i])
			}
			return dst
		}),
		collected.Update(func(c *gds.Ctx) float64 { return collected.Get(c) + total.Get(c) }),
	)
	m, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	var got []float64
	var sum float64
	rec := recorder(func(r *gds.Row) { got = append(got[:0], r.Vec(0)...); sum = r.Floats()[0] })
	if err := m.NewEngine().Run(context.Background(), &gds.Job{Run: 1, Timesteps: 1}, rec); err != nil {
		t.Fatal(err)
	}
	want := []float64{3000 - 1, 3000 - 0.05, 3000 - 0.28, 3000}
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-9 {
			t.Fatalf("balances %v, want %v", got, want)
		}
	}
	if math.Abs(sum-1.33) > 1e-9 {
		t.Errorf("collected %v, want 1.33", sum)
	}
}
