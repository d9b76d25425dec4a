package conformance

import (
	"math"

	"github.com/statecraft/statecraft/gds"
)

// LagName is the name of the lag model and golden case.
const LagName = "lag"

// NewLag builds lag: x accumulates cos(0.3*t) in PSUB 1; in PSUB 2, x_lag2
// reads x as it was at the end of timestep t-2 (the initial x while t-2 <= 0)
// through the variable's lag buffer, and y smooths the updated x.
func NewLag() (*gds.Model, error) {
	b := gds.NewBuilder(LagName)
	x := b.Float("x", 0.0, gds.Lags(2), gds.Doc("running sum of cos(0.3*t)"))
	xLag2 := b.Float("x_lag2", 0.0, gds.Doc("x at the end of timestep t-2"))
	y := b.Float("y", 1.0, gds.Doc("exponential smoothing of x"))

	drive := b.FloatSignal("drive", gds.Sum)

	b.PSUB("move",
		gds.Policy("drive", func(c *gds.Ctx) { drive.Emit(c, math.Cos(0.3*float64(c.T))) }),
		x.Update(func(c *gds.Ctx) float64 { return x.Get(c) + drive.Get(c) }),
	)
	b.PSUB("observe",
		xLag2.Update(func(c *gds.Ctx) float64 { return x.Lag(c, 2) }),
		y.Update(func(c *gds.Ctx) float64 { return float64(y.Get(c)*0.9) + float64(x.Get(c)*0.1) }),
	)
	return b.Build()
}
