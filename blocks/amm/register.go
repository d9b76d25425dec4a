package amm

import (
	"github.com/statecraft/statecraft/blocks"
	"github.com/statecraft/statecraft/gds"
)

func init() {
	registerTrades()
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
