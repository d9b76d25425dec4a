package conformance

import (
	"math"

	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/models/internal/cpmm"
)

// AMMDetName is the name of the amm_det model and golden case.
const AMMDetName = "amm_det"

// NewAMMDet builds amm_det: a constant-product pool traded on a deterministic
// schedule, with three PSUBs. PSUB 1 has two policies, a trader that sells x
// for y at even timesteps and y for x at odd ones, and a rebate that pays
// back a share of the collected fees; both emit fee_value, which is summed.
// PSUB 2 is an arbitrageur that moves the pool price to a drifting market
// price unless the gap is within the fee. PSUB 3 records the pool price, so
// price still shows the previous value in substeps 1 and 2.
func NewAMMDet() (*gds.Model, error) {
	b := gds.NewBuilder(AMMDetName)
	rx := b.Float("reserve_x", 1000.0, gds.Doc("pool reserve of token x"))
	ry := b.Float("reserve_y", 2000.0, gds.Doc("pool reserve of token y"))
	price := b.Float("price", 2.0, gds.Doc("pool price y/x, set in PSUB 3"))
	fees := b.Float("fees", 0.0, gds.Doc("fees collected, net of rebates, in units of y"))
	volume := b.Float("volume", 0.0, gds.Doc("cumulative traded volume of y"))

	fee := b.ParamFloat("fee", 0.003, "pool fee rate")
	tradeFrac := b.ParamFloat("trade_frac", 0.01, "mean trade size as a share of the reserve sold into")
	marketP0 := b.ParamFloat("market_p0", 2.0, "centre of the external market price")
	rebate := b.ParamFloat("rebate", 0.001, "share of the collected fees paid back each timestep")

	dx := b.FloatSignal("dx", gds.Sum)
	dy := b.FloatSignal("dy", gds.Sum)
	feeValue := b.FloatSignal("fee_value", gds.Sum)
	tradeVolume := b.FloatSignal("trade_volume", gds.Sum)

	// The same four flows apply the trades of PSUBs 1 and 2.
	flows := []gds.Block{
		rx.Update(func(c *gds.Ctx) float64 { return rx.Get(c) + dx.Get(c) }),
		ry.Update(func(c *gds.Ctx) float64 { return ry.Get(c) + dy.Get(c) }),
		fees.Update(func(c *gds.Ctx) float64 { return fees.Get(c) + feeValue.Get(c) }),
		volume.Update(func(c *gds.Ctx) float64 { return volume.Get(c) + tradeVolume.Get(c) }),
	}

	trader := gds.Policy("trader", func(c *gds.Ctx) {
		t := float64(c.T)
		x, y, f := rx.Get(c), ry.Get(c), fee.Get(c)
		size := tradeFrac.Get(c) * (1.0 + math.Sin(0.7*t))
		var ddx, ddy, fv float64
		if c.T%2 == 0 { // sell x for y
			ddx = size * x
			ddy = cpmm.Sell(ddx, x, y, f)
			fv = float64(ddx * f * (y / x))
		} else { // sell y for x
			ddy = size * y
			ddx = cpmm.Sell(ddy, y, x, f)
			fv = float64(ddy * f)
		}
		dx.Emit(c, ddx)
		dy.Emit(c, ddy)
		feeValue.Emit(c, fv)
		tradeVolume.Emit(c, math.Abs(ddy))
	})
	rebatePolicy := gds.Policy("rebate", func(c *gds.Ctx) {
		feeValue.Emit(c, float64(-rebate.Get(c)*fees.Get(c)))
	})
	arbitrageur := gds.Policy("arbitrageur", func(c *gds.Ctx) {
		t := float64(c.T)
		x, y, f := rx.Get(c), ry.Get(c), fee.Get(c)
		m := marketP0.Get(c) * math.Exp(0.05*math.Sin(0.1*t))
		if math.Abs(m/(y/x)-1.0) <= f {
			dx.Emit(c, 0.0)
			dy.Emit(c, 0.0)
			feeValue.Emit(c, 0.0)
			tradeVolume.Emit(c, 0.0)
			return
		}
		ddx, ddy := cpmm.Rebalance(x, y, m)
		dx.Emit(c, ddx)
		dy.Emit(c, ddy)
		feeValue.Emit(c, float64(math.Abs(ddy)*f))
		tradeVolume.Emit(c, math.Abs(ddy))
	})

	b.PSUB("trade", append([]gds.Block{trader, rebatePolicy}, flows...)...)
	b.PSUB("arbitrage", append([]gds.Block{arbitrageur}, flows...)...)
	b.PSUB("observe",
		price.Update(func(c *gds.Ctx) float64 { return ry.Get(c) / rx.Get(c) }),
	)
	return b.Build()
}
