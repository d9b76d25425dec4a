package amm_test

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/statecraft/statecraft/blocks"
	"github.com/statecraft/statecraft/blocks/amm"
	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/modelfile"
)

// poolFile is a model file that expresses a pool with the registered
// blocks: a trader alternating sales of x and y, an arbitrageur towards a
// drifting market price, and the spot price.
const poolFile = `
name = "pool_file"

[variables]
reserve_x = 1000.0
reserve_y = 2000.0
price = 2.0
fees = 0.0

[params]
fee = 0.003
market = 2.5

[signals]
dx = "sum"
dy = "sum"
fee_paid = "sum"

[[psubs]]
name = "trade"

  [[psubs.policies]]
  name = "trader"
  use = "amm.swap"
  args = { x = "reserve_x", y = "reserve_y", fee = "fee", amount = "ifelse(t % 3 == 0, 0.0, ifelse(t % 2 == 0, 10.0, -15.0))", dx = "dx", dy = "dy", fee_paid = "fee_paid" }

  [psubs.updates]
  reserve_x = "reserve_x + dx"
  reserve_y = "reserve_y + dy"
  fees = "fees + fee_paid"

[[psubs]]
name = "arbitrage"

  [[psubs.policies]]
  name = "arbitrageur"
  use = "amm.arbitrage"
  args = { x = "reserve_x", y = "reserve_y", price = "market*exp(0.05*sin(0.1*t))", dx = "dx", dy = "dy", fee_paid = "fee_paid" }

  [psubs.updates]
  reserve_x = "reserve_x + dx"
  reserve_y = "reserve_y + dy"
  fees = "fees + fee_paid"

[[psubs]]
name = "observe"

  [psubs.updates]
  price = { use = "amm.price", args = { x = "reserve_x", y = "reserve_y" } }
`

// goPool is poolFile written in Go with the same blocks.
func goPool() (*gds.Model, error) {
	b := gds.NewBuilder("pool_file")
	rx := b.Float("reserve_x", 1000)
	ry := b.Float("reserve_y", 2000)
	price := b.Float("price", 2)
	fees := b.Float("fees", 0)
	fee := b.ParamFloat("fee", 0.003)
	market := b.ParamFloat("market", 2.5)
	out := amm.Flows{DX: b.FloatSignal("dx", gds.Sum), DY: b.FloatSignal("dy", gds.Sum), FeePaid: b.FloatSignal("fee_paid", gds.Sum)}
	flows := func() []gds.Block {
		return []gds.Block{
			rx.Update(func(c *gds.Ctx) float64 { return rx.Get(c) + out.DX.Get(c) }),
			ry.Update(func(c *gds.Ctx) float64 { return ry.Get(c) + out.DY.Get(c) }),
			fees.Update(func(c *gds.Ctx) float64 { return fees.Get(c) + out.FeePaid.Get(c) }),
		}
	}
	amount := func(c *gds.Ctx) float64 {
		switch {
		case c.T%3 == 0:
			return 0
		case c.T%2 == 0:
			return 10
		}
		return -15
	}
	b.PSUB("trade", append([]gds.Block{amm.Swap("trader", rx.Get, ry.Get, fee.Get, amount, out)}, flows()...)...)
	mp := func(c *gds.Ctx) float64 { return market.Get(c) * math.Exp(0.05*math.Sin(0.1*float64(c.T))) }
	b.PSUB("arbitrage", append([]gds.Block{amm.Arbitrage("arbitrageur", rx.Get, ry.Get, fee.Get, mp, out)}, flows()...)...)
	b.PSUB("observe", amm.Price(price, rx.Get, ry.Get))
	return b.Build()
}

type rows struct {
	m    *gds.Model
	vals [][]float64 // per row: the float variables
	sub  []int
}

func (r *rows) Record(row *gds.Row) error {
	r.vals = append(r.vals, append([]float64(nil), row.Floats()...))
	r.sub = append(r.sub, row.Substep)
	return nil
}

func run(t *testing.T, m *gds.Model, T int) *rows {
	t.Helper()
	r := &rows{m: m}
	if err := m.NewEngine().Run(context.Background(), &gds.Job{Run: 1, Timesteps: T}, r); err != nil {
		t.Fatal(err)
	}
	return r
}

func slot(t *testing.T, m *gds.Model, name string) int {
	t.Helper()
	v, ok := m.Var(name)
	if !ok {
		t.Fatalf("no variable %q", name)
	}
	return v.Slot
}

// TestBlocksInAModelFile: a model file expresses a pool with amm.swap,
// amm.arbitrage and amm.price; it gives the same rows as the Go model built
// from the same functions, k never decreases and the price is y/x.
func TestBlocksInAModelFile(t *testing.T) {
	mf, err := modelfile.Parse("pool_file.toml", []byte(poolFile))
	if err != nil {
		t.Fatal(err)
	}
	mg, err := goPool()
	if err != nil {
		t.Fatal(err)
	}
	const T = 300
	a, b := run(t, mf, T), run(t, mg, T)
	if len(a.vals) != 3*T+1 || len(b.vals) != len(a.vals) {
		t.Fatalf("rows %d and %d, want %d", len(a.vals), len(b.vals), 3*T+1)
	}
	x, y, p, f := slot(t, mf, "reserve_x"), slot(t, mf, "reserve_y"), slot(t, mf, "price"), slot(t, mf, "fees")
	trades := 0
	for i := range a.vals {
		for j := range a.vals[i] {
			if a.vals[i][j] != b.vals[i][j] {
				t.Fatalf("row %d, column %d: model file %v, Go %v", i, j, a.vals[i][j], b.vals[i][j])
			}
		}
		if i == 0 {
			continue
		}
		prev, cur := a.vals[i-1], a.vals[i]
		if cur[x]*cur[y] < prev[x]*prev[y]*(1-1e-15) {
			t.Fatalf("row %d: k fell from %v to %v", i, prev[x]*prev[y], cur[x]*cur[y])
		}
		if cur[x] != prev[x] {
			trades++
		}
		if a.sub[i] == 3 && cur[p] != cur[y]/cur[x] {
			t.Errorf("row %d: price %v, y/x %v", i, cur[p], cur[y]/cur[x])
		}
	}
	last := a.vals[len(a.vals)-1]
	if trades < T || !(last[f] > 0) {
		t.Errorf("%d trades, fees %v", trades, last[f])
	}
}

func TestRegistered(t *testing.T) {
	for _, c := range []struct {
		name    string
		policy  bool
		outputs []string
	}{
		{"amm.price", false, nil},
		{"amm.swap", true, []string{"dx", "dy", "fee_paid"}},
		{"amm.arbitrage", true, []string{"dx", "dy", "fee_paid"}},
	} {
		d, ok := blocks.Lookup(c.name)
		if !ok {
			t.Fatalf("%s is not registered", c.name)
		}
		if d.Policy != c.policy || d.Doc == "" {
			t.Errorf("%s: policy %v, doc %q", c.name, d.Policy, d.Doc)
		}
		var outs []string
		for _, a := range d.Args {
			if a.Doc == "" {
				t.Errorf("%s: argument %s has no doc", c.name, a.Name)
			}
			if a.Output {
				outs = append(outs, a.Name)
			}
		}
		if strings.Join(outs, ",") != strings.Join(c.outputs, ",") {
			t.Errorf("%s: outputs %v, want %v", c.name, outs, c.outputs)
		}
	}
}

// TestSwapBlockFailsOnAnEmptyPool: a trade against a pool without
// liquidity fails the job with amm's error.
func TestSwapBlockFailsOnAnEmptyPool(t *testing.T) {
	b := gds.NewBuilder("empty")
	rx := b.Float("reserve_x", 0)
	out := amm.Flows{DX: b.FloatSignal("dx", gds.Sum), DY: b.FloatSignal("dy", gds.Sum), FeePaid: b.FloatSignal("fee", gds.Sum)}
	b.PSUB("trade",
		amm.Swap("trader", blocks.Const(0), blocks.Const(0), blocks.Const(0.003), func(c *gds.Ctx) float64 {
			if c.T > 12 { // past the build's trace
				return 1
			}
			return 0
		}, out),
		rx.Update(func(c *gds.Ctx) float64 { return rx.Get(c) + out.DX.Get(c) + out.DY.Get(c) + out.FeePaid.Get(c) }),
	)
	m, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	err = m.NewEngine().Run(context.Background(), &gds.Job{Run: 1, Timesteps: 20}, &rows{})
	var be *gds.BlockError
	if !errors.As(err, &be) || !errors.Is(err, amm.ErrEmpty) || be.Timestep != 13 {
		t.Fatalf("err = %v, want a block error wrapping ErrEmpty at timestep 13", err)
	}
}
