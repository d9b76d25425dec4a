package bench

import (
	"math"

	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/models/internal/cpmm"
)

// AMMName is the registered name of the amm benchmark model.
const AMMName = "bench_amm"

// NewAMM builds the amm peer benchmark: a constant-product pool (5 float
// state variables), three PSUBs: a random trader, an arbitrageur facing a
// noisy external price, and the pool price. The fee is the swept parameter.
func NewAMM() (*gds.Model, error) {
	b := gds.NewBuilder(AMMName)
	rx := b.Float("reserve_x", 1000.0, gds.Doc("pool reserve of token x"))
	ry := b.Float("reserve_y", 2000.0, gds.Doc("pool reserve of token y"))
	price := b.Float("price", 2.0, gds.Doc("pool price y/x, set in PSUB 3"))
	fees := b.Float("fees", 0.0, gds.Doc("fees collected, in units of y"))
	volume := b.Float("volume", 0.0, gds.Doc("cumulative traded volume, in units of y"))

	fee := b.ParamFloat("fee", 0.001, "swap fee (swept)")
	tradeSigma := b.ParamFloat("trade_sigma", 0.01, "trade size, fraction of the reserve sold into")
	marketP0 := b.ParamFloat("market_p0", 2.0, "external reference price")
	marketSigma := b.ParamFloat("market_sigma", 0.02, "external price noise")

	dx := b.FloatSignal("dx", gds.Sum)
	dy := b.FloatSignal("dy", gds.Sum)
	feeValue := b.FloatSignal("fee_value", gds.Sum)
	tradeVolume := b.FloatSignal("trade_volume", gds.Sum)

	// The explicit float64 conversions keep the compiler from fusing a
	// product and a sum into an FMA (see models/predatorprey).
	trader := gds.Policy("trader", func(c *gds.Ctx) {
		x, y, f := rx.Get(c), ry.Get(c), fee.Get(c)
		size := math.Abs(c.NormFloat64()) * tradeSigma.Get(c)
		var ddx, ddy, fv, vol float64
		if c.Rand.Float64() < 0.5 { // sell x for y
			ddx = size * x
			ddy = cpmm.Sell(ddx, x, y, f)
			fv = float64(ddx * f * (y / x))
			vol = float64(ddx * (y / x))
		} else { // sell y for x
			ddy = size * y
			ddx = cpmm.Sell(ddy, y, x, f)
			fv = float64(ddy * f)
			vol = ddy
		}
		dx.Emit(c, ddx)
		dy.Emit(c, ddy)
		feeValue.Emit(c, fv)
		tradeVolume.Emit(c, vol)
	})
	arbitrageur := gds.Policy("arbitrageur", func(c *gds.Ctx) {
		x, y, f := rx.Get(c), ry.Get(c), fee.Get(c)
		m := marketP0.Get(c) * math.Exp(marketSigma.Get(c)*c.NormFloat64())
		p := y / x
		if math.Abs(m/p-1.0) <= f {
			dx.Emit(c, 0)
			dy.Emit(c, 0)
			feeValue.Emit(c, 0)
			tradeVolume.Emit(c, 0)
			return
		}
		ddx, ddy := cpmm.Rebalance(x, y, m)
		vol := math.Abs(ddy)
		dx.Emit(c, ddx)
		dy.Emit(c, ddy)
		feeValue.Emit(c, vol*f)
		tradeVolume.Emit(c, vol)
	})
	flows := func() []gds.Block {
		return []gds.Block{
			rx.Update(func(c *gds.Ctx) float64 { return rx.Get(c) + dx.Get(c) }),
			ry.Update(func(c *gds.Ctx) float64 { return ry.Get(c) + dy.Get(c) }),
			fees.Update(func(c *gds.Ctx) float64 { return fees.Get(c) + feeValue.Get(c) }),
			volume.Update(func(c *gds.Ctx) float64 { return volume.Get(c) + tradeVolume.Get(c) }),
		}
	}
	b.PSUB("trade", append([]gds.Block{trader}, flows()...)...)
	b.PSUB("arbitrage", append([]gds.Block{arbitrageur}, flows()...)...)
	b.PSUB("price", price.Update(func(c *gds.Ctx) float64 { return ry.Get(c) / rx.Get(c) }))
	return b.Build()
}
