package curve_test

import (
	"context"
	"strings"
	"testing"

	"github.com/statecraft/statecraft/blocks"
	"github.com/statecraft/statecraft/blocks/curve"
	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/modelfile"
)

// bondingModel uses every curve block: a buyer spends a random amount, a
// seller sells a random part of the supply (in the next PSUB, so that
// each trade sees the supply the previous one left), then the price and
// the reserve the supply should have are marked. The shape and its
// parameters are model parameters, so jobs can sweep them.
const bondingModel = `
name = "bonding"

[variables]
supply = 0.0
reserve = 0.0
treasury = 0.0
price = 0.0
backing = 0.0

[params]
shape = "linear"
a = 1.0
b = 0.01
n = 1.0
fee = 0.01

[signals]
minted = "sum"
reserve_in = "sum"
burned = "sum"
reserve_out = "sum"

[[psubs]]
name = "buy"

  [[psubs.policies]]
  name = "buyer"
  use = "curve.buy"
  args = { shape = "shape", a = "a", b = "b", n = "n", supply = "supply", spend = "uniform(0, 100)", fee = "fee", minted = "minted", reserve_in = "reserve_in" }

  [psubs.updates]
  supply = "supply + minted"
  reserve = "reserve + reserve_in"
  treasury = "treasury + reserve_in/(1 - fee)*fee"

[[psubs]]
name = "sell"

  [[psubs.policies]]
  name = "seller"
  use = "curve.sell"
  args = { shape = "shape", a = "a", b = "b", n = "n", supply = "supply", tokens = "supply*uniform(0, 0.3)", fee = "fee", burned = "burned", reserve_out = "reserve_out" }

  [psubs.updates]
  supply = "supply - burned"
  reserve = "reserve - reserve_out"
  treasury = "treasury + reserve_out*fee"

[[psubs]]
name = "mark"

  [psubs.updates]
  price = { use = "curve.price", args = { shape = "shape", a = "a", b = "b", n = "n", supply = "supply" } }
  backing = { use = "curve.reserve", args = { shape = "shape", a = "a", b = "b", n = "n", supply = "supply" } }
`

// finalRow runs a job and returns the float variables of its last row.
func finalRow(t *testing.T, m *gds.Model, p *gds.Params, steps int) map[string]float64 {
	t.Helper()
	var last []float64
	rec := recorder(func(r *gds.Row) { last = append(last[:0], r.Floats()...) })
	if err := m.NewEngine().Run(context.Background(), &gds.Job{Run: 1, Timesteps: steps, Params: p, Seed: [2]uint64{3, 4}}, rec); err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, v := range m.Vars() {
		if v.Kind == gds.KindFloat {
			out[v.Name] = last[v.Slot]
		}
	}
	return out
}

type recorder func(*gds.Row)

func (f recorder) Record(r *gds.Row) error { f(r); return nil }

// TestModelFile loads a model file using curve.buy, curve.sell,
// curve.price and curve.reserve, and runs it for each shape: the reserve
// accumulated from the trades equals ∫ price to the supply (1e-9
// relative), the price is the curve's, and the fees are outside the
// reserve.
func TestModelFile(t *testing.T) {
	m, err := modelfile.Parse("bonding.toml", []byte(bondingModel))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		shape   string
		a, b, n float64
		c       curve.Curve
	}{
		{"linear", 1, 0.01, 1, curve.Linear{A: 1, B: 0.01}},
		{"power", 0.002, 0, 2, curve.Power{A: 0.002, N: 2}},
		{"exponential", 1, 0.002, 1, curve.Exponential{A: 1, B: 0.002}},
	} {
		p := m.Defaults()
		for name, v := range map[string]any{"shape": tc.shape, "a": tc.a, "b": tc.b, "n": tc.n} {
			if err := p.Set(name, v); err != nil {
				t.Fatal(err)
			}
		}
		got := finalRow(t, m, p, 300)
		if got["supply"] <= 0 || got["treasury"] <= 0 {
			t.Fatalf("%s: no trading happened: %v", tc.shape, got)
		}
		if !near(got["reserve"], got["backing"], 1e-9) || !near(got["backing"], tc.c.Reserve(got["supply"]), 1e-15) {
			t.Errorf("%s: reserve %v, ∫ price to supply %v = %v (Go: %v)", tc.shape, got["reserve"], got["supply"], got["backing"], tc.c.Reserve(got["supply"]))
		}
		if want := tc.c.Price(got["supply"]); got["price"] != want {
			t.Errorf("%s: price %v, want %v", tc.shape, got["price"], want)
		}
	}
}

// TestModelFileErrors: bad curve arguments fail when the model is built
// (Build runs the blocks on the defaults) with the block's message.
func TestModelFileErrors(t *testing.T) {
	for _, tc := range []struct{ from, to, want string }{
		{`shape = "linear"`, `shape = "cubic"`, `unknown shape "cubic"`},
		{`fee = 0.01`, `fee = 1.0`, "fee must be in [0, 1)"},
		{`a = 1.0`, `a = -1.0`, "linear curve needs a >= 0"},
		{`supply = 0.0`, `supply = -5.0`, "supply must be >= 0"},
	} {
		src := strings.Replace(bondingModel, tc.from, tc.to, 1)
		if _, err := modelfile.Parse("bad.toml", []byte(src)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", tc.to, err, tc.want)
		}
	}
}

// TestNoAllocs: a run of the model file allocates nothing once its engine
// has warmed up (the blocks build their curves by value, without boxing).
func TestNoAllocs(t *testing.T) {
	m, err := modelfile.Parse("bonding.toml", []byte(bondingModel))
	if err != nil {
		t.Fatal(err)
	}
	p := m.Defaults()
	if err := p.Set("shape", "power"); err != nil {
		t.Fatal(err)
	}
	e := m.NewEngine()
	job := &gds.Job{Run: 1, Timesteps: 500, Params: p, Seed: [2]uint64{1, 1}}
	rec := recorder(func(*gds.Row) {})
	if allocs := testing.AllocsPerRun(3, func() {
		if err := e.Run(context.Background(), job, rec); err != nil {
			t.Fatal(err)
		}
	}); allocs != 0 {
		t.Errorf("a 500-step run allocated %v times; want 0", allocs)
	}
}

// TestGoAPI builds the same mechanism in Go with a fixed curve.
func TestGoAPI(t *testing.T) {
	c := curve.Exponential{A: 2, B: 0.01}
	b := gds.NewBuilder("go_bonding")
	supply, reserve, price := b.Float("supply", 0), b.Float("reserve", 0), b.Float("price", 0)
	minted, in := b.FloatSignal("minted", gds.Sum), b.FloatSignal("reserve_in", gds.Sum)
	burned, out := b.FloatSignal("burned", gds.Sum), b.FloatSignal("reserve_out", gds.Sum)
	cv := curve.Fixed(c)
	spend := func(c *gds.Ctx) float64 { return 10 * c.Rand.Float64() }
	sell := func(c *gds.Ctx) float64 { return 0.2 * c.Rand.Float64() * supply.Get(c) }
	fee := func(*gds.Ctx) float64 { return 0.003 }
	b.PSUB("buy", curve.BuyPolicy("buyer", cv, supply.Get, spend, fee, minted, in),
		supply.Update(func(c *gds.Ctx) float64 { return supply.Get(c) + minted.Get(c) }),
		reserve.Update(func(c *gds.Ctx) float64 { return reserve.Get(c) + in.Get(c) }))
	b.PSUB("sell", curve.SellPolicy("seller", cv, supply.Get, sell, fee, burned, out),
		supply.Update(func(c *gds.Ctx) float64 { return supply.Get(c) - burned.Get(c) }),
		reserve.Update(func(c *gds.Ctx) float64 { return reserve.Get(c) - out.Get(c) }))
	b.PSUB("mark", curve.PriceUpdate(price, cv, supply.Get))
	m, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	got := finalRow(t, m, nil, 200)
	if !near(got["reserve"], c.Reserve(got["supply"]), 1e-9) || got["price"] != c.Price(got["supply"]) {
		t.Errorf("final %v; ∫ price = %v, price = %v", got, c.Reserve(got["supply"]), c.Price(got["supply"]))
	}
}

// TestRegistered: the registry lists the curve blocks with their kinds.
func TestRegistered(t *testing.T) {
	for _, tc := range []struct {
		name    string
		policy  bool
		outputs []string
	}{
		{"curve.price", false, nil},
		{"curve.reserve", false, nil},
		{"curve.buy", true, []string{"minted", "reserve_in"}},
		{"curve.sell", true, []string{"burned", "reserve_out"}},
	} {
		d, ok := blocks.Lookup(tc.name)
		if !ok || d.Policy != tc.policy || !tc.policy && d.Target != gds.KindFloat {
			t.Errorf("%s: %+v, %v", tc.name, d, ok)
			continue
		}
		for _, o := range tc.outputs {
			if a, ok := d.Arg(o); !ok || !a.Output {
				t.Errorf("%s: output %s = %+v", tc.name, o, a)
			}
		}
		if a, ok := d.Arg("shape"); !ok || a.Default != `"linear"` {
			t.Errorf("%s: shape = %+v", tc.name, a)
		}
	}
}
