package process_test

import (
	"math"
	"strings"
	"testing"

	"github.com/statecraft/statecraft/blocks"
	"github.com/statecraft/statecraft/blocks/process"
	"github.com/statecraft/statecraft/gds"
)

// schedule is the fixture: a bull market, then a bear market overlapping
// a volatility spike, and a crash at the spike's start.
func schedule(t *testing.T) *process.Schedule {
	t.Helper()
	s, err := process.NewSchedule(
		process.Bull(10, 20, 2),
		process.Bear(20, 30, -1),
		process.VolatilitySpike(25, 35, 3),
		process.Shock(25, -0.3),
	)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestScheduleAt: windows are [From, To): active at From, inactive at To;
// overlapping windows multiply; a shock is reported at its timestep only.
func TestScheduleAt(t *testing.T) {
	s := schedule(t)
	for _, tc := range []struct {
		t    int
		want process.Regime
	}{
		{0, process.Regime{Drift: 1, Vol: 1}},
		{9, process.Regime{Drift: 1, Vol: 1}},
		{10, process.Regime{Name: "bull", Drift: 2, Vol: 1}},
		{19, process.Regime{Name: "bull", Drift: 2, Vol: 1}},
		{20, process.Regime{Name: "bear", Drift: -1, Vol: 1}},
		{24, process.Regime{Name: "bear", Drift: -1, Vol: 1}},
		{25, process.Regime{Name: "bear+volatility spike+shock", Drift: -1, Vol: 3, Shock: -0.3}},
		{26, process.Regime{Name: "bear+volatility spike", Drift: -1, Vol: 3}},
		{29, process.Regime{Name: "bear+volatility spike", Drift: -1, Vol: 3}},
		{30, process.Regime{Name: "volatility spike", Drift: 1, Vol: 3}},
		{34, process.Regime{Name: "volatility spike", Drift: 1, Vol: 3}},
		{35, process.Regime{Drift: 1, Vol: 1}},
	} {
		if got := s.At(tc.t); got != tc.want {
			t.Errorf("At(%d) = %+v, want %+v", tc.t, got, tc.want)
		}
	}
	var none *process.Schedule
	if got := none.At(5); got != (process.Regime{Drift: 1, Vol: 1}) {
		t.Errorf("nil schedule: At(5) = %+v", got)
	}
	if n := len(s.Windows()); n != 4 {
		t.Errorf("Windows() has %d windows", n)
	}
	// Two shocks at the same timestep compound.
	s2, _ := process.NewSchedule(process.Shock(3, 0.1), process.Shock(3, -0.5))
	if got := s2.At(3).Shock; math.Abs(got-(1.1*0.5-1)) > 1e-15 {
		t.Errorf("compound shock %v", got)
	}
}

func TestNewScheduleErrors(t *testing.T) {
	for _, tc := range []struct {
		w    process.Window
		want string
	}{
		{process.Window{Name: "empty", From: 5, To: 5, Drift: 1, Vol: 1}, "not before To"},
		{process.VolatilitySpike(1, 4, -2), "Vol multiplier"},
		{process.Bull(1, 4, math.NaN()), "Drift multiplier"},
		{process.Shock(3, -1.5), "Shock must be"},
	} {
		if _, err := process.NewSchedule(tc.w); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: err = %v, want %q", tc.w, err, tc.want)
		}
	}
}

// TestShockOnce: a shock update changes x at its timestep only, once,
// even with other PSUBs in the timestep.
func TestShockOnce(t *testing.T) {
	s := schedule(t)
	xs := series(t, 100, func(b *gds.Builder, x gds.Float) []gds.Block {
		other := b.Float("other", 0)
		return []gds.Block{
			other.Update(func(c *gds.Ctx) float64 { return other.Get(c) + 1 }),
			s.ShockUpdate(x),
			other.Update(func(c *gds.Ctx) float64 { return other.Get(c) + 1 }).Named("other2"),
		}
	}, 40, 1)
	for ts, x := range xs {
		want := 100.0
		if ts >= 25 {
			want = 70
		}
		if math.Abs(x-want) > 1e-12 {
			t.Errorf("timestep %d: x = %v, want %v", ts, x, want)
		}
	}
}

// TestScheduledGBM: with sigma = 0 the path is deterministic: each step
// grows by exp(mu·drift multiplier·dt), times 1 + shock at the shock.
func TestScheduledGBM(t *testing.T) {
	s := schedule(t)
	mu, dt := 0.01, 1.0
	xs := series(t, 50, func(_ *gds.Builder, x gds.Float) []gds.Block {
		return []gds.Block{process.ScheduledGBM(x, blocks.Const(mu), blocks.Const(0), blocks.Const(dt), s)}
	}, 40, 1)
	want := 50.0
	for ts := 1; ts < len(xs); ts++ {
		r := s.At(ts)
		want *= math.Exp(mu*r.Drift*dt) * (1 + r.Shock)
		if !near(xs[ts], want, 1e-12) {
			t.Fatalf("timestep %d (%s): x = %v, want %v", ts, r.Name, xs[ts], want)
		}
	}
	// With volatility, the spike scales the standard deviation of the log
	// returns by 3 (and the drift and vol inputs agree with At).
	xs = series(t, 50, func(_ *gds.Builder, x gds.Float) []gds.Block {
		return []gds.Block{process.GBM(x, s.Drift(blocks.Const(0)), s.Vol(blocks.Const(0.01)), blocks.Const(1))}
	}, 40, 2)
	var calm, spike []float64
	for ts := 1; ts < len(xs); ts++ {
		lr := math.Log(xs[ts] / xs[ts-1])
		if ts >= 25 && ts < 35 {
			spike = append(spike, lr)
		} else {
			calm = append(calm, lr)
		}
	}
	_, sc := meanStd(calm)
	_, ss := meanStd(spike)
	if ss < 1.5*sc {
		t.Errorf("log-return std in the spike %v, outside %v: want about 3×", ss, sc)
	}
}

// TestRegimeMultiplier: base times the product of the active windows'
// multipliers.
func TestRegimeMultiplier(t *testing.T) {
	from, to, mult := []float64{2, 4}, []float64{6, 5}, []float64{10, -0.5}
	vec := blocks.VecConst
	xs := series(t, 0, func(_ *gds.Builder, x gds.Float) []gds.Block {
		return []gds.Block{process.RegimeMultiplier(x, blocks.Const(3), vec(from), vec(to), vec(mult))}
	}, 8, 1)
	want := []float64{0, 3, 30, 30, -15, 30, 3, 3, 3}
	for ts, x := range xs {
		if x != want[ts] {
			t.Errorf("timestep %d: %v, want %v", ts, x, want[ts])
		}
	}
}

func near(got, want, rel float64) bool {
	return got == want || math.Abs(got-want) <= rel*math.Max(math.Abs(got), math.Abs(want))
}
