package metric_test

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/statecraft/statecraft/blocks/metric"
	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/modelfile"
)

// metricsModel uses every metric block: windows of the price, the volume
// and the supply, kept in vector variables by metric.window in a PSUB
// before the measures that read them.
const metricsModel = `
name = "metrics"

[variables]
holdings = { type = "vector", initial = [50.0, 30.0, 20.0, 0.0] }
price = 100.0
volume = 0.0
supply = 1000.0
prices = { type = "vector", initial = [] }
volumes = { type = "vector", initial = [] }
supplies = { type = "vector", initial = [] }
hhi = 0.0
median = 0.0
active = 0.0
variance = 0.0
vol = 0.0
velocity = 0.0
gini = 0.0

[params]
window = 5

[[psubs]]
name = "market"

  [psubs.updates]
  price = "price*(1.0 + 0.05*sin(t))"
  volume = "100.0 + 10.0*t"
  supply = "supply + 20.0"

[[psubs]]
name = "history"

  [psubs.updates]
  prices = { use = "metric.window", args = { of = "price", n = "window" } }
  volumes = { use = "metric.window", args = { of = "volume", n = "window" } }
  supplies = { use = "metric.window", args = { of = "supply", n = "window" } }

[[psubs]]
name = "measure"

  [psubs.updates]
  hhi = { use = "metric.hhi", args = { of = "holdings" } }
  median = { use = "metric.quantile", args = { of = "holdings", q = 0.5 } }
  active = { use = "metric.participation", args = { of = "holdings" } }
  variance = { use = "metric.variance", args = { of = "prices", ddof = 1, returns = "true" } }
  vol = { use = "metric.volatility", args = { of = "prices", ddof = 1 } }
  velocity = { use = "metric.velocity", args = { volume = "volumes", holdings = "supplies" } }
  gini = { use = "metric.gini", args = { of = "holdings" } }
`

// TestModelFile runs the model and checks each block's value against the
// Go functions on the recorded state, and the windows against the
// recorded series.
func TestModelFile(t *testing.T) {
	m, err := modelfile.Parse("metrics.toml", []byte(metricsModel))
	if err != nil {
		t.Fatal(err)
	}
	slot := map[string]int{}
	for _, v := range m.Vars() {
		slot[v.Name] = v.Slot
	}
	type row struct {
		f                         []float64
		prices, volumes, supplies []float64
	}
	var rows []row
	rec := recorder(func(r *gds.Row) {
		if r.Substep == 0 || r.Substep == m.PSUBs() {
			rows = append(rows, row{append([]float64(nil), r.Floats()...),
				append([]float64(nil), r.Vec(slot["prices"])...),
				append([]float64(nil), r.Vec(slot["volumes"])...),
				append([]float64(nil), r.Vec(slot["supplies"])...)})
		}
	})
	if err := m.NewEngine().Run(context.Background(), &gds.Job{Run: 1, Timesteps: 12, Seed: [2]uint64{1, 2}}, rec); err != nil {
		t.Fatal(err)
	}
	for ts := 1; ts < len(rows); ts++ {
		r := rows[ts]
		f := func(name string) float64 { return r.f[slot[name]] }
		// The window holds the last min(ts, 5) prices, ending with this
		// timestep's.
		if n := min(ts, 5); len(r.prices) != n || len(r.volumes) != n || len(r.supplies) != n {
			t.Fatalf("timestep %d: windows of %d, %d, %d values, want %d", ts, len(r.prices), len(r.volumes), len(r.supplies), n)
		}
		for k, p := range r.prices {
			if want := rows[ts-len(r.prices)+1+k].f[slot["price"]]; p != want {
				t.Errorf("timestep %d: prices[%d] = %v, want %v", ts, k, p, want)
			}
		}
		for _, c := range []struct {
			name string
			want float64
		}{
			{"hhi", 0.38},
			{"median", 25},
			{"active", 0.75},
			{"gini", 0.4}, // 2·(2·20 + 3·30 + 4·50)/(4·100) − 5/4
			{"variance", metric.LogReturnVariance(r.prices, 1)},
			{"vol", metric.Volatility(r.prices, 1)},
			{"velocity", metric.Velocity(r.volumes, r.supplies)},
		} {
			if got := f(c.name); !close(got, c.want) {
				t.Errorf("timestep %d: %s = %v, want %v", ts, c.name, got, c.want)
			}
		}
		if ts >= 3 && f("vol") <= 0 {
			t.Errorf("timestep %d: volatility %v of a moving price", ts, f("vol"))
		}
	}
	if v := rows[len(rows)-1].f[slot["velocity"]]; math.Abs(v-5*(100+10*10.0)/(1000+20*10.0)) > 1e-12 {
		t.Errorf("final velocity %v", v)
	}
}

// TestModelFileErrors: invalid arguments fail when the model is built
// (Build runs the blocks on the defaults), with the block's message.
func TestModelFileErrors(t *testing.T) {
	for _, tc := range []struct{ from, to, want string }{
		{`q = 0.5`, `q = 1.5`, "q must be in [0, 1], got 1.5"},
		{`window = 5`, `window = 0`, "n must be in 1.."},
		{`ddof = 1 }`, `ddof = -1 }`, "ddof must be >= 0"},
	} {
		src := strings.Replace(metricsModel, tc.from, tc.to, 1)
		if src == metricsModel {
			t.Fatalf("%s not in the model", tc.from)
		}
		if _, err := modelfile.Parse("bad.toml", []byte(src)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", tc.to, err, tc.want)
		}
	}
}

// TestNoAllocs: once warm, a run of the model allocates nothing (windows
// reuse the spare buffers, quantiles sort in scratch).
func TestNoAllocs(t *testing.T) {
	m, err := modelfile.Parse("metrics.toml", []byte(metricsModel))
	if err != nil {
		t.Fatal(err)
	}
	e := m.NewEngine()
	job := &gds.Job{Run: 1, Timesteps: 300, Seed: [2]uint64{1, 1}}
	rec := recorder(func(*gds.Row) {})
	if allocs := testing.AllocsPerRun(3, func() {
		if err := e.Run(context.Background(), job, rec); err != nil {
			t.Fatal(err)
		}
	}); allocs != 0 {
		t.Errorf("a 300-step run allocated %v times; want 0", allocs)
	}
}

type recorder func(*gds.Row)

func (f recorder) Record(r *gds.Row) error { f(r); return nil }
