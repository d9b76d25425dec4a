package conformance

import (
	"math"
	"strconv"

	"github.com/statecraft/statecraft/gds"
)

// PolicyMaxName is the name of the policy_max model and golden case.
const PolicyMaxName = "policy_max"

// NewPolicyMax builds policy_max: three bidders emit the signal bid, which is
// aggregated with max instead of sum, and the winning bid pulls the level
// halfway towards it. The winning bidder rotates over time, so a sum, or
// keeping the first or the last bid, would give different values.
//
// The signal uses the built-in gds.Max rule rather than gds.SignalOf with a
// reducer: Max keeps the running value unless a later one is strictly
// greater, which is exactly Python's max(a, b) as cadCAD folds it over the
// bids in policy order (ties and signed zeros keep the earlier bid), and it
// is a typed float slot with no allocation or indirect call, whose rule shows
// in the model's structure and hash.
func NewPolicyMax() (*gds.Model, error) {
	b := gds.NewBuilder(PolicyMaxName)
	level := b.Float("level", 1.0, gds.Doc("level that follows the winning bid"))
	best := b.Float("best_bid", 0.0, gds.Doc("the winning bid of the timestep"))

	bid := b.FloatSignal("bid", gds.Max)

	bidder := func(k int) gds.Block {
		phase := float64(k)
		return gds.Policy("b"+strconv.Itoa(k), func(c *gds.Ctx) {
			t := float64(c.T)
			bid.Emit(c, level.Get(c)+math.Sin(float64(0.9*t)+float64(2.1*phase)))
		})
	}

	b.PSUB("auction",
		bidder(0), bidder(1), bidder(2),
		level.Update(func(c *gds.Ctx) float64 { return float64(0.5*level.Get(c)) + float64(0.5*bid.Get(c)) }),
		best.Update(func(c *gds.Ctx) float64 { return bid.Get(c) }),
	)
	return b.Build()
}
