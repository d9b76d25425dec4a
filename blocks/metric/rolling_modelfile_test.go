package metric_test

import (
	"context"
	"strings"
	"testing"

	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/modelfile"
)

// rollingModel keeps a year of daily revenue in a window and sums it as
// TokenSPICE's wsloop KPIs do: this month's, this year's, and last
// month's revenue.
const rollingModel = `
name = "rolling"

[variables]
revenue = 0.0
daily = { type = "vector", initial = [] }
monthly = 0.0
annual = 0.0
month_ago = 0.0
total = 0.0

[params]
month = 30

[[psubs]]
name = "sales"

  [psubs.updates]
  revenue = "100.0 + 10.0*sin(t) + t"

[[psubs]]
name = "history"

  [psubs.updates]
  daily = { use = "metric.window", args = { of = "revenue", n = 365 } }

[[psubs]]
name = "sums"

  [psubs.updates]
  monthly = { use = "metric.window_sum", args = { of = "daily", n = "month" } }
  annual = { use = "metric.window_sum", args = { of = "daily", n = 365 } }
  month_ago = { use = "metric.window_sum", args = { of = "daily", n = "month", skip = "month" } }
  total = "sum(daily)"
`

// TestRollingModelFile: over 800 days the sums equal, to the bit, sums of
// the recorded revenue over the last 30 and 365 days (fewer while the
// window fills) and over the 30 days before the last 30; the annual sum is
// sum(daily).
func TestRollingModelFile(t *testing.T) {
	m, err := modelfile.Parse("rolling.toml", []byte(rollingModel))
	if err != nil {
		t.Fatal(err)
	}
	slot := map[string]int{}
	for _, v := range m.Vars() {
		slot[v.Name] = v.Slot
	}
	var revenue []float64
	sum := func(n, skip int) float64 {
		hi := max(len(revenue)-skip, 0)
		s := 0.0
		for _, x := range revenue[max(hi-n, 0):hi] {
			s += x
		}
		return s
	}
	rec := recorder(func(r *gds.Row) {
		f := r.Floats()
		if r.Substep == 1 {
			revenue = append(revenue, f[slot["revenue"]])
		}
		if r.Substep != m.PSUBs() {
			return
		}
		for _, c := range []struct {
			name string
			want float64
		}{
			{"monthly", sum(30, 0)},
			{"annual", sum(365, 0)},
			{"month_ago", sum(30, 30)},
			{"total", f[slot["annual"]]},
		} {
			if got := f[slot[c.name]]; got != c.want {
				t.Fatalf("day %d: %s = %v, want %v", r.Timestep, c.name, got, c.want)
			}
		}
	})
	if err := m.NewEngine().Run(context.Background(), &gds.Job{Run: 1, Timesteps: 800}, rec); err != nil {
		t.Fatal(err)
	}
	if len(revenue) != 800 {
		t.Fatalf("%d days recorded", len(revenue))
	}
}

func TestRollingModelFileErrors(t *testing.T) {
	for _, tc := range []struct{ from, to, want string }{
		{`month = 30`, `month = 0`, "metric.window_sum: n must be in 1.."},
		{`skip = "month"`, `skip = -1`, "metric.window_sum: skip must be in 0.."},
	} {
		src := strings.Replace(rollingModel, tc.from, tc.to, 1)
		if src == rollingModel {
			t.Fatalf("%s not in the model", tc.from)
		}
		if _, err := modelfile.Parse("bad.toml", []byte(src)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", tc.to, err, tc.want)
		}
	}
}

// TestRollingNoAllocs: once warm, a run keeping a year's window and its
// sums allocates nothing.
func TestRollingNoAllocs(t *testing.T) {
	m, err := modelfile.Parse("rolling.toml", []byte(rollingModel))
	if err != nil {
		t.Fatal(err)
	}
	e := m.NewEngine()
	job := &gds.Job{Run: 1, Timesteps: 500}
	rec := recorder(func(*gds.Row) {})
	if allocs := testing.AllocsPerRun(3, func() {
		if err := e.Run(context.Background(), job, rec); err != nil {
			t.Fatal(err)
		}
	}); allocs != 0 {
		t.Errorf("a 500-step run allocated %v times; want 0", allocs)
	}
}
