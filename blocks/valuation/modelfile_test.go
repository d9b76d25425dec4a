package valuation_test

import (
	"context"
	"strings"
	"testing"

	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/modelfile"
)

// valuationModel prices a token from an annual revenue that grows by 1e6
// a day, a speculative valuation of 150e6 and a supply growing by 1e6 a
// day, one block per PSUB so each reads the one before.
const valuationModel = `
name = "valuation"

[variables]
revenue = 0.0
supply = 1e9
speculation = 150e6
fundamentals = 0.0
overall = 0.0
price = 0.0

[params]
ps = 30.0

[[psubs]]
name = "market"

  [psubs.updates]
  revenue = "1e6*t"
  supply = "supply + 1e6"

[[psubs]]
name = "fundamentals"

  [psubs.updates]
  fundamentals = { use = "valuation.price_to_sales", args = { revenue = "revenue", ratio = "ps" } }

[[psubs]]
name = "overall"

  [psubs.updates]
  overall = { use = "valuation.overall", args = { fundamentals = "fundamentals", speculation = "speculation" } }

[[psubs]]
name = "price"

  [psubs.updates]
  price = { use = "valuation.token_price", args = { valuation = "overall", supply = "supply" } }
`

// TestModelFile checks the values by hand: on day t the revenue is
// t·1e6, the fundamentals 30 times that, the overall valuation
// max(30e6·t, 150e6) and the supply 1e9 + t·1e6.
func TestModelFile(t *testing.T) {
	m, err := modelfile.Parse("valuation.toml", []byte(valuationModel))
	if err != nil {
		t.Fatal(err)
	}
	slot := map[string]int{}
	for _, v := range m.Vars() {
		slot[v.Name] = v.Slot
	}
	var rows [][]float64
	rec := recorder(func(r *gds.Row) {
		if r.Substep == m.PSUBs() {
			rows = append(rows, append([]float64(nil), r.Floats()...))
		}
	})
	if err := m.NewEngine().Run(context.Background(), &gds.Job{Run: 1, Timesteps: 8}, rec); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		day                          int
		fundamentals, overall, price float64
	}{
		{1, 30e6, 150e6, 150e6 / 1.001e9},  // speculation above: 0.14985
		{5, 150e6, 150e6, 150e6 / 1.005e9}, // a tie
		{6, 180e6, 180e6, 180e6 / 1.006e9}, // fundamentals above: 0.17893
		{8, 240e6, 240e6, 240e6 / 1.008e9}, // 0.23810
	} {
		r := rows[c.day-1]
		if r[slot["fundamentals"]] != c.fundamentals || r[slot["overall"]] != c.overall || r[slot["price"]] != c.price {
			t.Errorf("day %d: fundamentals %v, overall %v, price %v; want %v, %v, %v", c.day,
				r[slot["fundamentals"]], r[slot["overall"]], r[slot["price"]], c.fundamentals, c.overall, c.price)
		}
	}
}

func TestModelFileErrors(t *testing.T) {
	for _, tc := range []struct{ from, to, want string }{
		{`ps = 30.0`, `ps = -1.0`, "valuation: ratio must be a finite number >= 0, got -1"},
		{`supply = 1e9`, `supply = -2e6`, "valuation: supply must be > 0, got -1e+06"},
	} {
		src := strings.Replace(valuationModel, tc.from, tc.to, 1)
		if src == valuationModel {
			t.Fatalf("%s not in the model", tc.from)
		}
		if _, err := modelfile.Parse("bad.toml", []byte(src)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", tc.to, err, tc.want)
		}
	}
}

// TestModelFileNoAllocs: once warm, a run allocates nothing.
func TestModelFileNoAllocs(t *testing.T) {
	m, err := modelfile.Parse("valuation.toml", []byte(valuationModel))
	if err != nil {
		t.Fatal(err)
	}
	e := m.NewEngine()
	job := &gds.Job{Run: 1, Timesteps: 300}
	rec := recorder(func(*gds.Row) {})
	if allocs := testing.AllocsPerRun(3, func() {
		if err := e.Run(context.Background(), job, rec); err != nil {
			t.Fatal(err)
		}
	}); allocs != 0 {
		t.Errorf("a 300-step run allocated %v times; want 0", allocs)
	}
}
