package amm

import (
	"fmt"

	"github.com/statecraft/statecraft/blocks"
	"github.com/statecraft/statecraft/gds"
)

// Input is a value a block reads: a variable, a parameter, a signal or a
// formula, as an accessor.
type Input = func(*gds.Ctx) float64

// Const returns an input with a fixed value.
func Const(v float64) Input { return func(*gds.Ctx) float64 { return v } }

// Price returns the update that sets price to the pool's spot price y/x
// (0 while x is not positive).
func Price(price gds.Float, x, y Input) gds.Block {
	return price.Update(func(c *gds.Ctx) float64 { return SpotPrice(x(c), y(c)) })
}

// Flows are the signals a trading policy emits: the changes of the two
// reserves and the fee paid, valued in Y. The model's updates add dx and
// dy to the reserves (reserve_x = reserve_x + dx).
type Flows struct {
	DX, DY  gds.FloatSignal // changes of the reserves X and Y
	FeePaid gds.FloatSignal // the fee of the trade, in units of Y
}

func (f Flows) emit(c *gds.Ctx, dx, dy, fee float64) {
	f.DX.Emit(c, dx)
	f.DY.Emit(c, dy)
	f.FeePaid.Emit(c, fee)
}

// feeValue is the fee of selling in (of X if sellX, else of Y) valued in Y
// at the spot price before the trade.
func feeValue(p Pool, in float64, sellX bool) float64 {
	if sellX {
		return float64(in*p.Fee) * (p.Y / p.X)
	}
	return float64(in * p.Fee)
}

// Swap returns a policy that trades amount against the pool with reserves
// x and y and the given fee: amount > 0 sells amount of X for Y, amount < 0
// sells −amount of Y for X, and 0 emits zero flows. It emits the reserve
// changes (the whole input, fee included, goes into the pool) and the fee
// valued in Y. A pool without liquidity or an amount that is not finite
// fails the job with the error.
func Swap(name string, x, y, fee, amount Input, out Flows) gds.Block {
	return gds.Policy(name, func(c *gds.Ctx) {
		p := Pool{X: x(c), Y: y(c), Fee: fee(c)}
		a := amount(c)
		switch {
		case a > 0:
			_, got, err := p.SwapXForY(a)
			if err != nil {
				panic(err)
			}
			out.emit(c, a, -got, feeValue(p, a, true))
		case a < 0:
			_, got, err := p.SwapYForX(-a)
			if err != nil {
				panic(err)
			}
			out.emit(c, -got, -a, feeValue(p, -a, false))
		case a == 0:
			out.emit(c, 0, 0, 0)
		default:
			panic(fmt.Errorf("%w: amount = %v", ErrAmount, a))
		}
	}).Emits(out.DX, out.DY, out.FeePaid)
}

// Arbitrage returns a policy that trades the pool with reserves x and y
// towards the external price of X in units of Y, as Pool.Arbitrage does,
// and emits the reserve changes and the fee valued in Y.
func Arbitrage(name string, x, y, fee, price Input, out Flows) gds.Block {
	return gds.Policy(name, func(c *gds.Ctx) {
		p := Pool{X: x(c), Y: y(c), Fee: fee(c)}
		_, dx, dy, err := p.Arbitrage(price(c))
		if err != nil {
			panic(err)
		}
		var fv float64
		switch {
		case dx > 0:
			fv = feeValue(p, dx, true)
		case dy > 0:
			fv = feeValue(p, dy, false)
		}
		out.emit(c, dx, dy, fv)
	}).Emits(out.DX, out.DY, out.FeePaid)
}

func init() {
	reserves := []blocks.Arg{
		{Name: "x", Kind: gds.KindFloat, Doc: "reserve of the token being priced"},
		{Name: "y", Kind: gds.KindFloat, Doc: "reserve of the token it is priced in"},
	}
	trade := func(extra ...blocks.Arg) []blocks.Arg {
		args := append(append([]blocks.Arg(nil), reserves...),
			blocks.Arg{Name: "fee", Kind: gds.KindFloat, Default: "0.003", Doc: "fraction of the input kept by the pool"})
		args = append(args, extra...)
		return append(args,
			blocks.Arg{Name: "dx", Kind: gds.KindFloat, Output: true, Doc: "change of reserve x"},
			blocks.Arg{Name: "dy", Kind: gds.KindFloat, Output: true, Doc: "change of reserve y"},
			blocks.Arg{Name: "fee_paid", Kind: gds.KindFloat, Output: true, Doc: "fee of the trade in units of y"},
		)
	}
	flows := func(b *blocks.Binding) Flows {
		return Flows{DX: b.FloatSignal("dx"), DY: b.FloatSignal("dy"), FeePaid: b.FloatSignal("fee_paid")}
	}
	blocks.MustRegister(blocks.Def{
		Name:   "amm.price",
		Doc:    "spot price of a constant-product pool: y/x (0 while x <= 0)",
		Target: gds.KindFloat,
		Args:   reserves,
		New: func(b *blocks.Binding) (gds.Block, error) {
			return Price(b.TargetFloat, b.Float("x"), b.Float("y")), nil
		},
	})
	blocks.MustRegister(blocks.Def{
		Name:   "amm.swap",
		Doc:    "a trade against a constant-product pool: amount > 0 sells x, < 0 sells y; emits the reserve changes and the fee",
		Policy: true,
		Args:   trade(blocks.Arg{Name: "amount", Kind: gds.KindFloat, Doc: "x sold (> 0), or minus the y sold (< 0)"}),
		New: func(b *blocks.Binding) (gds.Block, error) {
			return Swap(b.Name, b.Float("x"), b.Float("y"), b.Float("fee"), b.Float("amount"), flows(b)), nil
		},
	})
	blocks.MustRegister(blocks.Def{
		Name:   "amm.arbitrage",
		Doc:    "an arbitrageur trading a constant-product pool to an external price, net of the fee",
		Policy: true,
		Args:   trade(blocks.Arg{Name: "price", Kind: gds.KindFloat, Doc: "external price of x in units of y"}),
		New: func(b *blocks.Binding) (gds.Block, error) {
			return Arbitrage(b.Name, b.Float("x"), b.Float("y"), b.Float("fee"), b.Float("price"), flows(b)), nil
		},
	})
}
