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

// GBM returns the update that moves x by geometric Brownian motion over a
// step dt: x ← x·exp((mu − sigma²/2)·dt + sigma·√dt·Z), Z ~ N(0, 1) from the
// job's stream. x stays positive if it starts positive.
func GBM(x gds.Float, mu, sigma, dt blocks.Input) gds.Block {
	return x.Update(func(c *gds.Ctx) float64 {
		s, h := sigma(c), dt(c)
		drift := float64(float64(mu(c)-float64(0.5*s*s)) * h)
		shock := float64(float64(s*math.Sqrt(h)) * c.NormFloat64())
		return x.Get(c) * math.Exp(drift+shock)
	})
}

// OU returns the update that moves x by an Ornstein-Uhlenbeck process,
// mean-reverting to mu at rate theta: x ← x + theta·(mu − x)·dt + sigma·√dt·Z.
func OU(x gds.Float, theta, mu, sigma, dt blocks.Input) gds.Block {
	return x.Update(func(c *gds.Ctx) float64 {
		v, h := x.Get(c), dt(c)
		pull := float64(float64(theta(c)*float64(mu(c)-v)) * h)
		shock := float64(float64(sigma(c)*math.Sqrt(h)) * c.NormFloat64())
		return v + pull + shock
	})
}
