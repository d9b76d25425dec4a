package amm

import (
	"fmt"
	"math/rand/v2"

	"github.com/statecraft/statecraft/blocks"
	"github.com/statecraft/statecraft/gds"
)

// Trades by many agents, one after another.
//
// An agent population trades with one pool in turn, each trade moving the
// price the next one sees: what an agent gets depends on who traded
// before it. Trades takes every agent's order as vectors (one entry per
// agent, as a model file's over(members, ...) gives them) and fills them
// in a given order, typically shuffled from the job's random stream.

// Orders holds one order per agent, by agent: sell SellX of X; buy
// exactly BuyX of X, paying at most BudgetY of Y (when the budget cannot
// pay for it all, the whole budget buys what it can). A nil vector is all
// zeros; an agent sells first, then buys.
type Orders struct {
	SellX, BuyX, BudgetY []float64
}

// Fills holds what the orders did, by agent: X paid into the pool and Y
// received for it, Y paid in and X received.
type Fills struct {
	XIn, YOut, YIn, XOut []float64
}

// Trades fills the orders of n agents against p in the order given (a
// permutation of 0..n−1), appending to the fills' vectors (reset to n
// zeros first), and returns the pool after the last trade. A trade the
// pool refuses (an empty pool, an amount too large or not finite) fills
// nothing for that order and leaves the pool as it was.
func Trades(p Pool, o Orders, order []int, f *Fills) Pool { return trades(p, o, order, f) }

// index is an agent's index as an order holds it: an int, or a float64 in
// an engine's scratch buffer.
type index interface{ ~int | ~float64 }

func trades[I index](p Pool, o Orders, order []I, f *Fills) Pool {
	n := len(order)
	f.XIn, f.YOut, f.YIn, f.XOut = zeros(f.XIn, n), zeros(f.YOut, n), zeros(f.YIn, n), zeros(f.XOut, n)
	for _, i := range order {
		p = fill(p, o, int(i), f)
	}
	return p
}

// fill fills agent i's order against p and returns the pool after.
func fill(p Pool, o Orders, i int, f *Fills) Pool {
	at := func(v []float64) float64 {
		if i < len(v) {
			return v[i]
		}
		return 0
	}
	if sell := at(o.SellX); sell > 0 {
		if q, out, err := p.SwapXForY(sell); err == nil {
			p, f.XIn[i], f.YOut[i] = q, sell, out
		}
	}
	buy, budget := at(o.BuyX), at(o.BudgetY)
	if !(buy > 0 && budget > 0) {
		return p
	}
	if q, in, err := p.SwapYForExactX(buy); err == nil && in <= budget {
		p, f.YIn[i], f.XOut[i] = q, in, buy
	} else if err == nil { // the budget does not cover it: spend it all
		if q, out, err := p.SwapYForX(budget); err == nil {
			p, f.YIn[i], f.XOut[i] = q, budget, out
		}
	}
	return p
}

func zeros(v []float64, n int) []float64 {
	if cap(v) < n {
		return make([]float64, n, max(n, 2*cap(v)))
	}
	v = v[:n]
	clear(v)
	return v
}

// Shuffle writes into order the permutation of 0..n−1 that a Fisher-Yates
// shuffle draws from r (i from n−1 down to 1, swapped with r.IntN(i+1)),
// and returns it.
func Shuffle(r *rand.Rand, n int, order []int) []int { return shuffle(r, n, order, true) }

// shuffle writes 0..n−1 into order, shuffled from r if mix.
func shuffle[I index](r *rand.Rand, n int, order []I, mix bool) []I {
	order = order[:0]
	for i := range n {
		order = append(order, I(i))
	}
	for i := n - 1; mix && i > 0; i-- {
		j := r.IntN(i + 1)
		order[i], order[j] = order[j], order[i]
	}
	return order
}

// Deposits adds the liquidity of n agents to p in order (agent 0 first):
// agent i offers up to MaxX[i] of X and MaxY[i] of Y (0: none), the pool
// takes what fits its ratio (AddLiquidity; the first deposit into an
// empty pool opens it at its own ratio). It appends the amounts taken and
// the shares minted to dx, dy and shares (reset to n zeros first) and
// returns the pool after. A deposit the pool refuses takes nothing.
func Deposits(p Pool, maxX, maxY []float64, n int, dx, dy, shares []float64) (Pool, []float64, []float64, []float64) {
	dx, dy, shares = zeros(dx, n), zeros(dy, n), zeros(shares, n)
	for i := range n {
		if i >= len(maxX) || i >= len(maxY) || !(maxX[i] > 0 && maxY[i] > 0) {
			continue
		}
		if q, d, err := p.AddLiquidity(maxX[i], maxY[i]); err == nil {
			p, dx[i], dy[i], shares[i] = q, d.X, d.Y, d.Shares
		}
	}
	return p, dx, dy, shares
}

func registerTrades() {
	blocks.MustRegister(blocks.Def{
		Name:   "amm.trades",
		Doc:    "agents trade with a pool one after another (in order, or shuffled from the job's stream): per-agent sells of x and exact buys of x within a budget of y",
		Policy: true,
		Args: []blocks.Arg{
			{Name: "x", Kind: gds.KindFloat, Doc: "reserve of x before the trades"},
			{Name: "y", Kind: gds.KindFloat, Doc: "reserve of y before the trades"},
			{Name: "fee", Kind: gds.KindFloat, Default: "0.003", Doc: "fraction of each trade's input kept by the pool"},
			{Name: "sell_x", Kind: gds.KindVec, Default: "zeros(0)", Doc: "by agent: x to sell"},
			{Name: "buy_x", Kind: gds.KindVec, Default: "zeros(0)", Doc: "by agent: x to buy exactly"},
			{Name: "budget_y", Kind: gds.KindVec, Default: "zeros(0)", Doc: "by agent: the most y to pay for it (less than enough: the whole budget buys what it can)"},
			{Name: "agents", Kind: gds.KindInt, Doc: "the number of agents (the vectors' length; missing entries are 0)"},
			{Name: "shuffle", Kind: gds.KindBool, Default: "false", Doc: "trade in an order shuffled from the job's stream (Fisher-Yates); false: agent 0 first"},
			{Name: "x_in", Kind: gds.KindVec, Output: true, Doc: "by agent: x paid into the pool"},
			{Name: "y_out", Kind: gds.KindVec, Output: true, Doc: "by agent: y received for it"},
			{Name: "y_in", Kind: gds.KindVec, Output: true, Doc: "by agent: y paid into the pool"},
			{Name: "x_out", Kind: gds.KindVec, Output: true, Doc: "by agent: x received for it"},
			{Name: "pool_x", Kind: gds.KindFloat, Output: true, Doc: "reserve of x after the trades"},
			{Name: "pool_y", Kind: gds.KindFloat, Output: true, Doc: "reserve of y after the trades"},
		},
		New: func(b *blocks.Binding) (gds.Block, error) {
			x, y, fee := b.Float("x"), b.Float("y"), b.Float("fee")
			sell, buy, budget := b.Vec("sell_x"), b.Vec("buy_x"), b.Vec("budget_y")
			agents, mix := b.Int("agents"), b.Bool("shuffle")
			outs := [4]gds.VecSignal{b.VecSignal("x_in"), b.VecSignal("y_out"), b.VecSignal("y_in"), b.VecSignal("x_out")}
			px, py := b.FloatSignal("pool_x"), b.FloatSignal("pool_y")
			var bufs [5]gds.Scratch // the four fills, the order (as floats)
			for k := range bufs {
				bufs[k] = b.Builder.Scratch()
			}
			name := b.Name
			return gds.Policy(name, func(c *gds.Ctx) {
				n := int(agents(c))
				if n < 0 {
					panic(fmt.Errorf("amm.trades %q at timestep %d: %d agents", name, c.T, n))
				}
				ob := bufs[4].Buf(c)
				order := shuffle(c.Rand, n, *ob, mix(c)) // as Shuffle, on the engine's buffer
				*ob = order
				f := Fills{XIn: *bufs[0].Buf(c), YOut: *bufs[1].Buf(c), YIn: *bufs[2].Buf(c), XOut: *bufs[3].Buf(c)}
				p := trades(Pool{X: x(c), Y: y(c), Fee: fee(c)}, Orders{SellX: sell(c), BuyX: buy(c), BudgetY: budget(c)}, order, &f)
				*bufs[0].Buf(c), *bufs[1].Buf(c), *bufs[2].Buf(c), *bufs[3].Buf(c) = f.XIn, f.YOut, f.YIn, f.XOut
				for k, v := range [4][]float64{f.XIn, f.YOut, f.YIn, f.XOut} {
					outs[k].Emit(c, v)
				}
				px.Emit(c, p.X)
				py.Emit(c, p.Y)
			}).Emits(outs[0], outs[1], outs[2], outs[3], px, py), nil
		},
	})
	blocks.MustRegister(blocks.Def{
		Name:   "amm.deposits",
		Doc:    "agents add liquidity to a pool one after another (agent 0 first), each up to its offer of x and y at the pool's ratio",
		Policy: true,
		Args: []blocks.Arg{
			{Name: "x", Kind: gds.KindFloat, Doc: "reserve of x before the deposits"},
			{Name: "y", Kind: gds.KindFloat, Doc: "reserve of y before the deposits"},
			{Name: "shares", Kind: gds.KindFloat, Doc: "LP shares outstanding before the deposits"},
			{Name: "fee", Kind: gds.KindFloat, Default: "0.003", Doc: "the pool's fee"},
			{Name: "max_x", Kind: gds.KindVec, Doc: "by agent: the most x it offers (0: none)"},
			{Name: "max_y", Kind: gds.KindVec, Doc: "by agent: the most y it offers (0: none)"},
			{Name: "dx", Kind: gds.KindVec, Output: true, Doc: "by agent: x taken"},
			{Name: "dy", Kind: gds.KindVec, Output: true, Doc: "by agent: y taken"},
			{Name: "minted", Kind: gds.KindVec, Output: true, Doc: "by agent: LP shares minted"},
			{Name: "pool_x", Kind: gds.KindFloat, Output: true, Doc: "reserve of x after"},
			{Name: "pool_y", Kind: gds.KindFloat, Output: true, Doc: "reserve of y after"},
			{Name: "pool_shares", Kind: gds.KindFloat, Output: true, Doc: "LP shares outstanding after"},
		},
		New: func(b *blocks.Binding) (gds.Block, error) {
			x, y, s, fee := b.Float("x"), b.Float("y"), b.Float("shares"), b.Float("fee")
			mx, my := b.Vec("max_x"), b.Vec("max_y")
			odx, ody, omint := b.VecSignal("dx"), b.VecSignal("dy"), b.VecSignal("minted")
			px, py, ps := b.FloatSignal("pool_x"), b.FloatSignal("pool_y"), b.FloatSignal("pool_shares")
			var bufs [3]gds.Scratch
			for k := range bufs {
				bufs[k] = b.Builder.Scratch()
			}
			return gds.Policy(b.Name, func(c *gds.Ctx) {
				maxX, maxY := mx(c), my(c)
				p, dx, dy, sh := Deposits(Pool{X: x(c), Y: y(c), Shares: s(c), Fee: fee(c)}, maxX, maxY, max(len(maxX), len(maxY)),
					*bufs[0].Buf(c), *bufs[1].Buf(c), *bufs[2].Buf(c))
				*bufs[0].Buf(c), *bufs[1].Buf(c), *bufs[2].Buf(c) = dx, dy, sh
				odx.Emit(c, dx)
				ody.Emit(c, dy)
				omint.Emit(c, sh)
				px.Emit(c, p.X)
				py.Emit(c, p.Y)
				ps.Emit(c, p.Shares)
			}).Emits(odx, ody, omint, px, py, ps), nil
		},
	})
}
