// Package cpmm holds the constant-product pool formulas that the AMM
// reference models (models/bench's bench_amm, models/conformance's
// amm_det) share, written in the order of operations of their Python
// sources, so that both reproduce them bit for bit. blocks/amm is the
// library's pool for new models: it also keeps k from decreasing by a
// rounding, which these transcriptions must not do.
package cpmm

import "math"

// Sell returns the change of reserve rout when in is sold into reserve rin
// at fee rate fee: -rout·g/(rin+g) with g = in·(1-fee), the fee-reduced
// input (rounded on its own: no fused multiply-add).
func Sell(in, rin, rout, fee float64) float64 {
	g := float64(in * (1 - fee))
	return -rout * g / (rin + g)
}

// Rebalance returns the reserve changes that move a pool (x, y) to the
// price m (y per x) at constant k = x·y.
func Rebalance(x, y, m float64) (dx, dy float64) {
	k := x * y
	return math.Sqrt(k/m) - x, math.Sqrt(k*m) - y
}
