package breaker_test

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/statecraft/statecraft/blocks"
	"github.com/statecraft/statecraft/blocks/breaker"
	"github.com/statecraft/statecraft/blocks/metric"
	"github.com/statecraft/statecraft/gds"
)

// window builds the window of the last n of xs (oldest first) as
// metric.window keeps it.
func window(n int, xs ...float64) []float64 {
	var w []float64
	for _, x := range xs {
		w = metric.Window(nil, w, x, n)
	}
	return w
}

// TestCrashThreshold: a 40% drop from the window's peak triggers, exactly
// at 40% included; anything less does not.
func TestCrashThreshold(t *testing.T) {
	k := breaker.Crash{Threshold: 0.4}
	for _, c := range []struct {
		name   string
		window []float64
		price  float64
		want   bool
	}{
		{"exactly 40%", window(1, 100), 60, true},
		{"just under 40%", window(1, 100), 60.000001, false},
		{"more than 40%", window(1, 100), 10, true},
		{"exactly 40% of an inexact peak", window(1, 1.1), 0.66, true},
		{"exactly 40% of another", window(1, 0.7), 0.42, true},
		{"peak earlier in the window", window(3, 50, 100, 80), 60, true},
		{"peak left the window", window(2, 100, 80, 70), 60, false},
		{"rising", window(2, 1, 2), 3, false},
		{"empty window", nil, 0, false},
		{"zero peak", window(2, 0, 0), 0, false},
	} {
		if got := k.Triggered(c.window, c.price); got != c.want {
			t.Errorf("%s: triggered %v (drop %v), want %v", c.name, got, breaker.Drop(c.window, c.price), c.want)
		}
	}
	if d := breaker.Drop(window(1, 100), 60); math.Abs(d-0.4) > 1e-15 {
		t.Errorf("drop = %v, want 0.4", d)
	}
	if d := breaker.Drop(window(1, 100), 120); d != 0 {
		t.Errorf("drop at a new peak = %v, want 0", d)
	}
}

// TestSpikeThreshold: a volume of 5× the window's mean triggers, exactly at
// 5× included, once the window holds MinHistory values.
func TestSpikeThreshold(t *testing.T) {
	k := breaker.Spike{Factor: 5, MinHistory: 3}
	for _, c := range []struct {
		name   string
		window []float64
		volume float64
		want   bool
	}{
		{"exactly 5x", window(4, 8, 12, 10, 10), 50, true},
		{"just under 5x", window(4, 8, 12, 10, 10), 49.9999, false},
		{"above", window(4, 8, 12, 10, 10), 500, true},
		{"inexact mean", window(3, 0.1, 0.2, 0.3), 1.0, true},
		{"not armed", window(4, 10, 10), 500, false},
		{"armed", window(4, 10, 10, 10), 500, true},
		{"no volume so far", window(4, 0, 0, 0), 1, false},
	} {
		if got := k.Triggered(c.window, c.volume); got != c.want {
			t.Errorf("%s: triggered %v, want %v", c.name, got, c.want)
		}
	}
}

func TestCountdown(t *testing.T) {
	for _, c := range []struct {
		remaining, duration int64
		trigger             bool
		want                int64
	}{
		{0, 24, true, 24},
		{5, 24, true, 24}, // a new trigger restarts the count
		{5, 24, false, 4},
		{1, 24, false, 0},
		{0, 24, false, 0},
		{0, -3, true, 0},
	} {
		if got := breaker.Countdown(c.remaining, c.trigger, c.duration); got != c.want {
			t.Errorf("Countdown(%d, %v, %d) = %d, want %d", c.remaining, c.trigger, c.duration, got, c.want)
		}
	}
}

type recorder func(*gds.Row)

func (f recorder) Record(r *gds.Row) error { f(r); return nil }

// breakerModel runs a price and a volume series through the registered
// blocks: PSUB "detect" updates the halt and limit counts from the series'
// values at t and the windows of earlier values; PSUB "record" appends the
// values to the windows (metric.window). It returns, per timestep, the halt and limit
// counts.
func breakerModel(t *testing.T, prices, volumes []float64, crashWindow, volWindow, halt, limit int64) (halts, limits []int64) {
	t.Helper()
	b := gds.NewBuilder("brk")
	pw := b.Vec("price_window", nil)
	vw := b.Vec("volume_window", nil)
	haltLeft := b.Int("halt_left", 0)
	limitLeft := b.Int("limit_left", 0)
	price := func(c *gds.Ctx) float64 { return prices[min(c.T-1, len(prices)-1)] }
	volume := func(c *gds.Ctx) float64 { return volumes[min(c.T-1, len(volumes)-1)] }
	num := func(v float64) func(*gds.Ctx) float64 { return func(*gds.Ctx) float64 { return v } }
	integer := func(v int64) func(*gds.Ctx) int64 { return func(*gds.Ctx) int64 { return v } }
	mk := func(name string, bind *blocks.Binding) gds.Block {
		def, ok := blocks.Lookup(name)
		if !ok {
			t.Fatalf("%s not registered", name)
		}
		bind.Builder = b
		blk, err := def.New(bind)
		if err != nil {
			t.Fatal(err)
		}
		return blk
	}
	b.PSUB("detect",
		mk("breaker.price_crash", &blocks.Binding{Name: "halt_left", TargetInt: haltLeft,
			Floats: map[string]func(*gds.Ctx) float64{"price": price, "threshold": num(0.4)},
			Vecs:   map[string]func(*gds.Ctx) []float64{"window": pw.Get},
			Ints:   map[string]func(*gds.Ctx) int64{"duration": integer(halt)}}),
		mk("breaker.volume_spike", &blocks.Binding{Name: "limit_left", TargetInt: limitLeft,
			Floats: map[string]func(*gds.Ctx) float64{"volume": volume, "factor": num(5)},
			Vecs:   map[string]func(*gds.Ctx) []float64{"window": vw.Get},
			Ints:   map[string]func(*gds.Ctx) int64{"duration": integer(limit), "min_history": integer(3)}}),
	)
	b.PSUB("record",
		mk("metric.window", &blocks.Binding{Name: "price_window", TargetVec: pw,
			Floats: map[string]func(*gds.Ctx) float64{"of": price}, Ints: map[string]func(*gds.Ctx) int64{"n": integer(crashWindow)}}),
		mk("metric.window", &blocks.Binding{Name: "volume_window", TargetVec: vw,
			Floats: map[string]func(*gds.Ctx) float64{"of": volume}, Ints: map[string]func(*gds.Ctx) int64{"n": integer(volWindow)}}),
	)
	m, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	rec := recorder(func(r *gds.Row) {
		if r.Substep == 1 {
			halts = append(halts, r.Ints()[0])
			limits = append(limits, r.Ints()[1])
		}
	})
	if err := m.NewEngine().Run(context.Background(), &gds.Job{Run: 1, Timesteps: len(prices)}, rec); err != nil {
		t.Fatal(err)
	}
	return halts, limits
}

// TestHaltsLastTheirDuration: a 45% crash at step 10 halts steps 10..33 (24
// steps), a 6× volume spike at step 50 limits steps 50..50 (1 step), and
// nothing else is halted or limited.
func TestHaltsLastTheirDuration(t *testing.T) {
	const T = 120
	prices := make([]float64, T)
	volumes := make([]float64, T)
	for i := range prices {
		prices[i] = 100
		volumes[i] = 10
		if i >= 9 { // timestep 10 on
			prices[i] = 55
		}
	}
	volumes[49] = 60 // timestep 50
	for _, c := range []struct{ halt, limit int64 }{{24, 1}, {1, 6}, {7, 7}} {
		halts, limits := breakerModel(t, prices, volumes, 1, 24, c.halt, c.limit)
		for i := range halts {
			step := int64(i + 1)
			wantHalt := step >= 10 && step < 10+c.halt
			wantLimit := step >= 50 && step < 50+c.limit
			if (halts[i] > 0) != wantHalt || (limits[i] > 0) != wantLimit {
				t.Fatalf("durations %+v: step %d: halt_left %d, limit_left %d; want halted %v, limited %v", c, step, halts[i], limits[i], wantHalt, wantLimit)
			}
		}
	}
}

// TestNoTriggerInCalmSeries: a random walk with 1% steps and volumes within
// ±30% of their level never trip the breakers in 20,000 steps.
func TestNoTriggerInCalmSeries(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	const T = 20000
	prices := make([]float64, T)
	volumes := make([]float64, T)
	p := 100.0
	for i := range prices {
		p *= math.Exp(0.01 * r.NormFloat64())
		prices[i] = p
		volumes[i] = 1000 * (1 + 0.3*(2*r.Float64()-1))
	}
	halts, limits := breakerModel(t, prices, volumes, 24, 168, 24, 1)
	for i := range halts {
		if halts[i] != 0 || limits[i] != 0 {
			t.Fatalf("step %d: halt_left %d, limit_left %d in a calm series", i+1, halts[i], limits[i])
		}
	}
}
