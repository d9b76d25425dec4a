package growth_test

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/statecraft/statecraft/blocks/growth"
	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/modelfile"
)

// growthModel grows marketplaces as TokenSPICE's wsloop does: the ratio
// of R&D spending to revenue (0 without R&D, as KPIs.mktsRNDToSalesRatio
// has it) sets the annual growth rate, compounded daily; the speculative
// valuation grows 10% a year, nominal.
const growthModel = `
name = "growth"

[variables]
rnd = 0.0
sales = 100.0
ratio = 0.0
rate = 0.0
daily = 0.0
mkts = 1.0
speculation = 150e6

[params]
tau = 0.6

[[psubs]]
name = "spend"

  [psubs.updates]
  rnd = "10.0*(t - 1)"
  sales = "sales*1.001"

[[psubs]]
name = "ratio"

  [psubs.updates]
  ratio = "ifelse(rnd == 0.0, 0.0, rnd/sales)"

[[psubs]]
name = "rate"

  [psubs.updates]
  rate = { use = "growth.saturating", args = { ratio = "ratio", tau = "tau" } }

[[psubs]]
name = "grow"

  [psubs.updates]
  daily = { use = "growth.step_rate", args = { rate = "rate" } }
  mkts = { use = "growth.compound", args = { rate = "rate" } }
  speculation = { use = "growth.compound", args = { rate = 0.10, compounding = '"nominal"' } }
`

// TestModelFile checks each block against the Go functions on the
// recorded state, to the bit, and the first steps by hand.
func TestModelFile(t *testing.T) {
	m, err := modelfile.Parse("growth.toml", []byte(growthModel))
	if err != nil {
		t.Fatal(err)
	}
	slot := map[string]int{}
	for _, v := range m.Vars() {
		slot[v.Name] = v.Slot
	}
	var rows [][]float64
	rec := recorder(func(r *gds.Row) {
		if r.Substep == 0 || r.Substep == m.PSUBs() {
			rows = append(rows, append([]float64(nil), r.Floats()...))
		}
	})
	if err := m.NewEngine().Run(context.Background(), &gds.Job{Run: 1, Timesteps: 400}, rec); err != nil {
		t.Fatal(err)
	}
	f := func(ts int, name string) float64 { return rows[ts][slot[name]] }
	// Day 1: no R&D, so the ratio is 0 and the rate −11.8%; the
	// marketplaces shrink by 1 − 0.882^(1/365) = 0.0343%.
	if f(1, "ratio") != 0 || f(1, "rate") != -0.118 || f(1, "mkts") != 1+(math.Pow(0.882, 1/365.0)-1) {
		t.Errorf("day 1: ratio %v, rate %v, mkts %v", f(1, "ratio"), f(1, "rate"), f(1, "mkts"))
	}
	// Day 1: 150e6·(1 + 0.1/365) = 150,041,095.89.
	if got := f(1, "speculation"); math.Abs(got-150041095.89041096) > 1e-6 {
		t.Errorf("day 1: speculation %v", got)
	}
	ws := growth.WSLoop()
	for ts := 1; ts < len(rows); ts++ {
		rate := ws.Rate(f(ts, "ratio"))
		r := growth.StepRate(rate, 365, growth.Effective)
		for _, c := range []struct {
			name string
			want float64
		}{
			{"rate", rate},
			{"daily", r},
			{"mkts", f(ts-1, "mkts") * (1 + r)},
			{"speculation", f(ts-1, "speculation") * (1 + 0.1/365)},
		} {
			if got := f(ts, c.name); got != c.want {
				t.Fatalf("day %d: %s = %v, want %v", ts, c.name, got, c.want)
			}
		}
	}
	// A year of nominal growth: (1 + 0.1/365)^365 = 1.1051557816.
	if got := f(365, "speculation") / 150e6; math.Abs(got-1.1051557816162325) > 1e-12 {
		t.Errorf("a year of speculation growth: %v", got)
	}
}

func TestModelFileErrors(t *testing.T) {
	for _, tc := range []struct{ from, to, want string }{
		{`tau = 0.6`, `tau = 0.0`, "growth: tau must be a finite number > 0, got 0"},
		{`'"nominal"'`, `'"monthly"'`, `growth: unknown compounding "monthly"`},
		{`rate = 0.10,`, `rate = 0.10, per_year = 0.0,`, "growth: per_year must be a finite number > 0, got 0"},
		{`mkts = { use = "growth.compound", args = { rate = "rate" } }`, `mkts = { use = "growth.compound", args = { rate = -2.0 } }`, "growth: an effective annual rate must be >= -1, got -2"},
	} {
		src := strings.Replace(growthModel, tc.from, tc.to, 1)
		if src == growthModel {
			t.Fatalf("%s not in the model", tc.from)
		}
		if _, err := modelfile.Parse("bad.toml", []byte(src)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", tc.to, err, tc.want)
		}
	}
}

// TestModelFileNoAllocs: once warm, a run allocates nothing.
func TestModelFileNoAllocs(t *testing.T) {
	m, err := modelfile.Parse("growth.toml", []byte(growthModel))
	if err != nil {
		t.Fatal(err)
	}
	e := m.NewEngine()
	job := &gds.Job{Run: 1, Timesteps: 400}
	rec := recorder(func(*gds.Row) {})
	if allocs := testing.AllocsPerRun(3, func() {
		if err := e.Run(context.Background(), job, rec); err != nil {
			t.Fatal(err)
		}
	}); allocs != 0 {
		t.Errorf("a 400-step run allocated %v times; want 0", allocs)
	}
}
