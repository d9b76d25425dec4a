// Package process provides stochastic processes for prices and demand as
// update blocks: geometric Brownian motion, Ornstein-Uhlenbeck and Merton's
// jump diffusion, and scenario schedules: regime windows of timesteps that
// scale a process's drift and volatility (bull and bear markets,
// volatility spikes) and one-off shocks. Each is a Go function returning a
// gds.Block and a registered block that model files use by name
// ("process.gbm", "process.ou", "process.jump", "process.regime",
// "process.shock", "process.regime_gbm"); see docs/blocks.md.
package process

import (
	"math"

	"github.com/statecraft/statecraft/blocks"
	"github.com/statecraft/statecraft/gds"
)

// Input is a value a block reads: a variable, a parameter, a signal or a
// formula, as an accessor.
type Input = func(*gds.Ctx) float64

// Const returns an input with a fixed value.
func Const(v float64) Input { return func(*gds.Ctx) float64 { return v } }

// GBM returns the update that moves x by geometric Brownian motion over a
// step dt: x ← x·exp((mu − sigma²/2)·dt + sigma·√dt·Z), Z ~ N(0, 1) from the
// job's stream. x stays positive if it starts positive.
func GBM(x gds.Float, mu, sigma, dt Input) gds.Block {
	return x.Update(func(c *gds.Ctx) float64 {
		s, h := sigma(c), dt(c)
		drift := float64(float64(mu(c)-float64(0.5*s*s)) * h)
		shock := float64(float64(s*math.Sqrt(h)) * c.Rand.NormFloat64())
		return x.Get(c) * math.Exp(drift+shock)
	})
}

// OU returns the update that moves x by an Ornstein-Uhlenbeck process,
// mean-reverting to mu at rate theta: x ← x + theta·(mu − x)·dt + sigma·√dt·Z.
func OU(x gds.Float, theta, mu, sigma, dt Input) gds.Block {
	return x.Update(func(c *gds.Ctx) float64 {
		v, h := x.Get(c), dt(c)
		pull := float64(float64(theta(c)*float64(mu(c)-v)) * h)
		shock := float64(float64(sigma(c)*math.Sqrt(h)) * c.Rand.NormFloat64())
		return v + pull + shock
	})
}

func init() {
	blocks.MustRegister(blocks.Def{
		Name:   "process.gbm",
		Doc:    "geometric Brownian motion: x ← x·exp((mu − sigma²/2)·dt + sigma·√dt·Z)",
		Target: gds.KindFloat,
		Args: []blocks.Arg{
			{Name: "mu", Kind: gds.KindFloat, Default: "0.0", Doc: "drift per unit time"},
			{Name: "sigma", Kind: gds.KindFloat, Doc: "volatility per √time"},
			{Name: "dt", Kind: gds.KindFloat, Default: "1.0", Doc: "time step"},
		},
		New: func(b *blocks.Binding) (gds.Block, error) {
			return GBM(b.TargetFloat, b.Float("mu"), b.Float("sigma"), b.Float("dt")), nil
		},
	})
	blocks.MustRegister(blocks.Def{
		Name:   "process.ou",
		Doc:    "Ornstein-Uhlenbeck: x ← x + theta·(mu − x)·dt + sigma·√dt·Z",
		Target: gds.KindFloat,
		Args: []blocks.Arg{
			{Name: "theta", Kind: gds.KindFloat, Doc: "rate of mean reversion"},
			{Name: "mu", Kind: gds.KindFloat, Doc: "long-run mean"},
			{Name: "sigma", Kind: gds.KindFloat, Doc: "volatility per √time"},
			{Name: "dt", Kind: gds.KindFloat, Default: "1.0", Doc: "time step"},
		},
		New: func(b *blocks.Binding) (gds.Block, error) {
			return OU(b.TargetFloat, b.Float("theta"), b.Float("mu"), b.Float("sigma"), b.Float("dt")), nil
		},
	})
}
