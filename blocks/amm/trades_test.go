package amm_test

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/statecraft/statecraft/blocks/amm"
	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/modelfile"
)

// TestTrades: orders filled in turn, each against the pool the one before
// left: the fills equal the same swaps made one by one, the reserves move
// by exactly what the agents paid in and got out, no fill exceeds its
// order, and the order changes what the agents get.
func TestTrades(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for trial := range 200 {
		n := 1 + r.IntN(12)
		o := amm.Orders{SellX: make([]float64, n), BuyX: make([]float64, n), BudgetY: make([]float64, n)}
		for i := range n {
			switch r.IntN(3) {
			case 0:
				o.SellX[i] = r.Float64() * 50
			case 1:
				o.BuyX[i], o.BudgetY[i] = r.Float64()*20, r.Float64()*30
			}
		}
		p0 := amm.Pool{X: 100 + r.Float64()*1000, Y: 100 + r.Float64()*1000, Fee: 0.003}
		order := amm.Shuffle(r, n, nil)
		var f amm.Fills
		p := amm.Trades(p0, o, order, &f)
		// the same trades, one by one
		q := p0
		x, y := p0.X, p0.Y
		for _, i := range order {
			if o.SellX[i] > 0 {
				if q2, out, err := q.SwapXForY(o.SellX[i]); err == nil {
					q = q2
					if f.XIn[i] != o.SellX[i] || f.YOut[i] != out {
						t.Fatalf("trial %d agent %d: sold %v for %v, want %v for %v", trial, i, f.XIn[i], f.YOut[i], o.SellX[i], out)
					}
				}
			}
			if o.BuyX[i] > 0 && o.BudgetY[i] > 0 {
				if q2, in, err := q.SwapYForExactX(o.BuyX[i]); err == nil && in <= o.BudgetY[i] {
					q = q2
				} else if err == nil {
					q, _, _ = q.SwapYForX(o.BudgetY[i])
				}
			}
			if f.XOut[i] > o.BuyX[i] || f.YIn[i] > o.BudgetY[i] || f.XIn[i] > o.SellX[i] {
				t.Fatalf("trial %d agent %d: fill %v %v %v %v beyond its order", trial, i, f.XIn[i], f.YOut[i], f.YIn[i], f.XOut[i])
			}
			x += f.XIn[i] - f.XOut[i]
			y += f.YIn[i] - f.YOut[i]
		}
		if p != q {
			t.Fatalf("trial %d: pool %+v, one by one %+v", trial, p, q)
		}
		if math.Abs(p.X-x) > 1e-9*x || math.Abs(p.Y-y) > 1e-9*y || p.X*p.Y < p0.X*p0.Y*(1-1e-12) {
			t.Fatalf("trial %d: pool %+v; reserves by the fills %v, %v; k fell from %v", trial, p, x, y, p0.X*p0.Y)
		}
	}
	// two sellers: the first gets the better price
	o := amm.Orders{SellX: []float64{10, 10}}
	var a, b amm.Fills
	amm.Trades(amm.Pool{X: 100, Y: 100}, o, []int{0, 1}, &a)
	amm.Trades(amm.Pool{X: 100, Y: 100}, o, []int{1, 0}, &b)
	if !(a.YOut[0] > a.YOut[1]) || a.YOut[0] != b.YOut[1] {
		t.Errorf("in order: %v; reversed: %v", a.YOut, b.YOut)
	}
}

// TestShuffle: Shuffle is the Fisher-Yates shuffle drawn from r.
func TestShuffle(t *testing.T) {
	got := amm.Shuffle(rand.New(rand.NewPCG(9, 9)), 20, nil)
	r := rand.New(rand.NewPCG(9, 9))
	want := make([]int, 20)
	for i := range want {
		want[i] = i
	}
	for i := 19; i > 0; i-- {
		j := r.IntN(i + 1)
		want[i], want[j] = want[j], want[i]
	}
	sorted := slices.Sorted(slices.Values(got))
	if !slices.Equal(got, want) || sorted[0] != 0 || sorted[19] != 19 || slices.Compact(sorted) == nil || len(slices.Compact(slices.Clone(sorted))) != 20 {
		t.Errorf("Shuffle = %v, want %v (a permutation of 0..19)", got, want)
	}
}

// TestDeposits: the first deposit opens the pool at its ratio, later ones
// are taken at the pool's ratio and minted shares in proportion.
func TestDeposits(t *testing.T) {
	p, dx, dy, sh := amm.Deposits(amm.Pool{Fee: 0.003}, []float64{10, 10, 0, 4}, []float64{40, 10, 5, 100}, 4, nil, nil, nil)
	// agent 0 opens at price 4 with sqrt(400) = 20 shares; agent 1 offers
	// (10, 10): y binds, 2.5 x; agent 2 offers no x; agent 3 (4, 100): x
	// binds, 16 y
	want := [][]float64{{10, 2.5, 0, 4}, {40, 10, 0, 16}, {20, 5, 0, 8}}
	for k, got := range [][]float64{dx, dy, sh} {
		for i := range got {
			if math.Abs(got[i]-want[k][i]) > 1e-12*want[k][i] {
				t.Errorf("column %d: %v, want %v", k, got, want[k])
			}
		}
	}
	if p.X != 16.5 || p.Y != 66 || math.Abs(p.Shares-33) > 1e-12 {
		t.Errorf("pool %+v, want 16.5, 66, 33 shares", p)
	}
}

type rowRec func(*gds.Row)

func (f rowRec) Record(r *gds.Row) error { f(r); return nil }

// TestTradesModelFile: members of a population sell in a shuffled order
// through amm.trades by name, and transfers apply the fills: the pool's
// wallet is the block's pool, and no token is created or lost.
func TestTradesModelFile(t *testing.T) {
	m, err := modelfile.Parse("trades.toml", []byte(`
[variables]
price = 1.0
[tokens]
x = "token x"
y = "token y"
[agents.pool]
wallet = { x = 1000.0, y = 1000.0 }
[populations.traders]
fields = { size = 0.0 }
wallet = { x = 0.0, y = 0.0 }
[signals]
x_in = { type = "vector", rule = "last" }
y_out = { type = "vector", rule = "last" }
y_in = { type = "vector", rule = "last" }
x_out = { type = "vector", rule = "last" }
px = "last"
py = "last"
[[psubs]]
name = "join"
  [psubs.join.traders]
  count = "ifelse(t == 1, 8, 0)"
  set = { size = "uniform(1.0, 20.0)", x = "50.0", y = "50.0" }
[[psubs]]
name = "trade"
  [[psubs.policies]]
  name = "market"
  use = "amm.trades"
  args = { x = "pool.x", y = "pool.y", sell_x = "over(traders, ifelse(agent % 2 == 0, min(size, x), 0.0))", buy_x = "over(traders, ifelse(agent % 2 == 1, size, 0.0))", budget_y = "traders.y", agents = "len(traders.id)", shuffle = true, x_in = "x_in", y_out = "y_out", y_in = "y_in", x_out = "x_out", pool_x = "px", pool_y = "py" }
  [[psubs.transfers]]
  token = "x"
  from = "traders"
  to = "pool"
  amount = "x_in[agent]"
  [[psubs.transfers]]
  token = "y"
  from = "pool"
  to = "traders"
  amount = "y_out[agent]"
  [[psubs.transfers]]
  token = "y"
  from = "traders"
  to = "pool"
  amount = "y_in[agent]"
  [[psubs.transfers]]
  token = "x"
  from = "pool"
  to = "traders"
  amount = "x_out[agent]"
  [psubs.updates]
  price = "py / px"
`))
	if err != nil {
		t.Fatal(err)
	}
	var rows []map[string]float64
	vars := m.Vars()
	if err := m.NewEngine().Run(context.Background(), &gds.Job{Run: 1, Timesteps: 30}, rowRec(func(r *gds.Row) {
		row := map[string]float64{}
		for _, v := range vars {
			if v.Kind == gds.KindFloat {
				row[v.Name] = r.Floats()[v.Slot]
			}
		}
		rows = append(rows, row)
	})); err != nil {
		t.Fatal(err)
	}
	moved := false
	for k, r := range rows {
		if math.Abs(r["x_supply"]-(1000+r["x_minted"])) > 1e-9 || math.Abs(r["y_supply"]-(1000+r["y_minted"])) > 1e-9 {
			t.Fatalf("row %d: supplies %v, %v; minted %v, %v", k, r["x_supply"], r["y_supply"], r["x_minted"], r["y_minted"])
		}
		if k > 0 && k%2 == 0 { // after a trade
			if p := r["pool_y"] / r["pool_x"]; math.Abs(r["price"]-p) > 1e-12 {
				t.Fatalf("row %d: price %v", k, r["price"])
			}
			if got := r["pool_y"] / r["pool_x"]; math.Abs(got-r["price"]) > 1e-9*got {
				t.Fatalf("row %d: the pool's wallet %v/%v, the block's price %v", k, r["pool_y"], r["pool_x"], r["price"])
			}
			moved = moved || r["price"] != 1
		}
	}
	if !moved || rows[len(rows)-1]["x_minted"] != 8*50 {
		t.Errorf("price never moved (%v), or minted %v", moved, rows[len(rows)-1]["x_minted"])
	}
	if _, err := modelfile.Parse("bad.toml", []byte(strings.Replace(`
[variables]
a = 0.0
[signals]
o = { type = "vector", rule = "last" }
[[psubs]]
  [[psubs.policies]]
  name = "m"
  use = "amm.trades"
  args = { x = "1.0", y = "1.0", agents = "1.5", x_in = "o", y_out = "o", y_in = "o", x_out = "o", pool_x = "a", pool_y = "a" }
  [psubs.updates]
  a = "sum(o)"
`, "", "", 1))); err == nil {
		t.Error("a float agents count: no error")
	}
}
