// Package metric provides measures of a model's state as update blocks:
// concentration (the Gini coefficient, the Herfindahl-Hirschman index),
// quantiles, the participation rate, variance and volatility of a series
// or of its log returns, token velocity, a rolling window that keeps a
// series in a vector variable for them, and rolling sums over such a
// window. Each is a Go function and a registered block ("metric.gini",
// "metric.hhi", "metric.quantile", "metric.participation",
// "metric.variance", "metric.volatility", "metric.velocity",
// "metric.window", "metric.window_sum"); see docs/blocks.md.
package metric

import (
	"github.com/statecraft/statecraft/blocks"
	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/internal/floatsort"
)

// Gini returns the Gini coefficient of v: 0 for perfect equality, (n−1)/n
// when one holder has everything. It sorts a copy into buf (grown as
// needed, returned for reuse) and computes, left to right,
// G = 2·Σ i·v₍ᵢ₎ / (n·Σ v) − (n+1)/n, and 0 when the total is 0.
func Gini(v, buf []float64) (float64, []float64) {
	buf = floatsort.Sort(append(buf[:0], v...))
	n := len(buf)
	total := 0.0
	for _, x := range buf {
		total += x
	}
	if n == 0 || total == 0 {
		return 0, buf
	}
	cum := 0.0
	for i, x := range buf {
		cum += float64(float64(i+1) * x)
	}
	fn := float64(n)
	return float64(2.0*cum)/float64(fn*total) - (fn+1.0)/fn, buf
}

// GiniUpdate returns the update that sets g to the Gini coefficient of the
// vector of returns of of; it sorts in a per-engine scratch buffer.
func GiniUpdate(b *gds.Builder, g gds.Float, of blocks.VecInput) gds.Block {
	tmp := b.Scratch()
	return g.Update(func(c *gds.Ctx) float64 {
		buf := tmp.Buf(c)
		var v float64
		v, *buf = Gini(of(c), *buf)
		return v
	})
}
