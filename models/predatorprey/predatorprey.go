// Package predatorprey is the Lotka-Volterra predator-prey model with seeded
// noise, as the pp model of the peer benchmarks: two populations, one PSUB,
// two policies and two updates.
package predatorprey

import (
	"math"

	"github.com/statecraft/statecraft/gds"
)

// Name is the model's registered name.
const Name = "predator_prey"

// New builds the model.
func New() (*gds.Model, error) {
	b := gds.NewBuilder(Name)
	prey := b.Float("prey", 10, gds.Doc("prey population"))
	pred := b.Float("predator", 10, gds.Doc("predator population"))

	alpha := b.ParamFloat("alpha", 1.1, "prey birth rate")
	beta := b.ParamFloat("beta", 0.4, "predation rate")
	gamma := b.ParamFloat("gamma", 0.4, "predator death rate")
	delta := b.ParamFloat("delta", 0.1, "predator growth per prey eaten")
	dt := b.ParamFloat("dt", 0.01, "time step of the Euler scheme")
	noise := b.ParamFloat("noise", 0.05, "scale of the multiplicative noise")

	dPrey := b.FloatSignal("d_prey", gds.Sum)
	dPred := b.FloatSignal("d_predator", gds.Sum)

	// The explicit float64 conversions round each product before it is
	// added or subtracted. Without them the compiler may fuse a product and
	// a sum into one fused multiply-add (it does on arm64, and on amd64 with
	// GOAMD64=v3), which rounds once and changes the last bit, so results
	// would differ between machines and from cadCAD's pp_det golden data.
	b.PSUB("populations",
		gds.Policy("prey", func(c *gds.Ctx) {
			x, y, h := prey.Get(c), pred.Get(c), dt.Get(c)
			d := float64((float64(alpha.Get(c)*x) - float64(beta.Get(c)*x*y)) * h)
			dPrey.Emit(c, d+float64(noise.Get(c)*x*c.NormFloat64()*math.Sqrt(h)))
		}),
		gds.Policy("predator", func(c *gds.Ctx) {
			x, y, h := prey.Get(c), pred.Get(c), dt.Get(c)
			d := float64((float64(delta.Get(c)*x*y) - float64(gamma.Get(c)*y)) * h)
			dPred.Emit(c, d+float64(noise.Get(c)*y*c.NormFloat64()*math.Sqrt(h)))
		}),
		prey.Update(func(c *gds.Ctx) float64 { return max(prey.Get(c)+dPrey.Get(c), 0) }),
		pred.Update(func(c *gds.Ctx) float64 { return max(pred.Get(c)+dPred.Get(c), 0) }),
	)
	return b.Build()
}
