package demurrage

import (
	"github.com/statecraft/statecraft/blocks"
	"github.com/statecraft/statecraft/gds"
)

// VecInput is a vector value a block reads.
type VecInput = func(*gds.Ctx) []float64

// Input is a float value a block reads.
type Input = func(*gds.Ctx) float64

// Holders are the vectors describing a population of holders, one entry per
// holder: balances, monthly velocities, statuses (0 none, 1 basic, 2
// active, 3 power) and account ages in days. A vector shorter than Balances
// reads as 0 past its end (velocity 0 is Inactive, status 0 is None, age 0
// is in the grace period).
type Holders struct {
	Balances, Velocity, Status, AgeDays VecInput
}

// FeesPolicy returns a policy that emits, for the holders h and a period of
// days days under schedule s, each holder's fee on fees (a vector as long as
// the balances) and their sum on total. It computes in a per-engine scratch
// buffer of b.
func FeesPolicy(b *gds.Builder, name string, s func(*gds.Ctx) Schedule, h Holders, days Input, fees gds.VecSignal, total gds.FloatSignal) gds.Block {
	tmp := b.Scratch()
	return gds.Policy(name, func(c *gds.Ctx) {
		sc := s(c)
		bal, vel, st, age := h.Balances(c), h.Velocity(c), h.Status(c), h.AgeDays(c)
		d := days(c)
		buf := tmp.Buf(c)
		out := (*buf)[:0]
		sum := 0.0
		for i, x := range bal {
			f := sc.Fee(x, at(vel, i), Status(at(st, i)), at(age, i), d)
			out = append(out, f)
			sum += f
		}
		*buf = out
		fees.Emit(c, out)
		total.Emit(c, sum)
	})
}

func at(v []float64, i int) float64 {
	if i < len(v) {
		return v[i]
	}
	return 0
}

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
