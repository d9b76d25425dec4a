package demurrage

import (
	"github.com/statecraft/statecraft/blocks"
	"github.com/statecraft/statecraft/gds"
)

func init() {
	blocks.MustRegister(blocks.Def{
		Name:   "demurrage.fees",
		Doc:    "FTNS velocity demurrage: fee_i = balance_i·rate(category(velocity_i))·modifier(status_i)·days/30, 0 in the grace period, at most the balance",
		Policy: true,
		Args: []blocks.Arg{
			{Name: "balances", Kind: gds.KindVec, Doc: "holders' balances"},
			{Name: "velocity", Kind: gds.KindVec, Doc: "holders' monthly velocities (volume/balance per 30 days)"},
			{Name: "status", Kind: gds.KindVec, Doc: "holders' contributor status: 0 none, 1 basic, 2 active, 3 power"},
			{Name: "age_days", Kind: gds.KindVec, Doc: "holders' account ages in days"},
			{Name: "days", Kind: gds.KindFloat, Default: "1.0", Doc: "length of the period charged, in days"},
			{Name: "target_velocity", Kind: gds.KindFloat, Default: "1.2", Doc: "monthly velocity target of the categories"},
			{Name: "grace_days", Kind: gds.KindFloat, Default: "90.0", Doc: "grace period of new accounts (FTNS: 90 days)"},
			{Name: "fees", Kind: gds.KindVec, Output: true, Doc: "each holder's fee"},
			{Name: "total", Kind: gds.KindFloat, Output: true, Doc: "the fees' sum"},
		},
		New: func(b *blocks.Binding) (gds.Block, error) {
			tv, gd := b.Float("target_velocity"), b.Float("grace_days")
			s := func(c *gds.Ctx) Schedule {
				sc := FTNS()
				sc.TargetVelocity, sc.GraceDays = tv(c), gd(c)
				return sc
			}
			h := Holders{Balances: b.Vec("balances"), Velocity: b.Vec("velocity"), Status: b.Vec("status"), AgeDays: b.Vec("age_days")}
			return FeesPolicy(b.Builder, b.Name, s, h, b.Float("days"), b.VecSignal("fees"), b.FloatSignal("total")), nil
		},
	})
}
