// Package valuation prices a token from the valuation of the network
// behind it, as TokenSPICE's netlists do: a fundamental valuation, a
// price-to-sales multiple of the last year's revenue; an overall
// valuation, the larger of the fundamental and a speculative one; and the
// token's price, the valuation over the supply. Each is a Go function and
// a registered block ("valuation.price_to_sales", "valuation.overall",
// "valuation.token_price"); see docs/blocks.md.
//
// The annual revenue is a rolling sum (metric.window and
// metric.window_sum over a year of timesteps), and a speculative
// valuation growing at a fixed rate is growth.compound's.
package valuation

import (
	"fmt"
	"math"

	"github.com/statecraft/statecraft/blocks"
	"github.com/statecraft/statecraft/gds"
)

// WSLoopPriceToSales is the price-to-sales ratio of TokenSPICE's wsloop
// netlist (SimStrategy._p_s_ratio): "most blockchain companies have P/S
// of 30x-50x".
const WSLoopPriceToSales = 30.0

// PriceToSales returns the valuation revenue·ratio, revenue being the
// annual revenue (the sales of the last year, not a run rate) and ratio
// the price-to-sales multiple: TokenSPICE's
// SimStrategy.fundamentalsValuation (netlists/wsloop/SimStrategy.py) and
// firmValuationPS (util/valuation.py). A price-to-earnings valuation is
// the same product with earnings and a P/E multiple.
func PriceToSales(revenue, ratio float64) float64 { return revenue * ratio }

// Overall returns the overall valuation, max(fundamentals, speculation):
// the fundamental valuation acts as a floor under the speculative one (a
// sum would count the same value twice), as TokenSPICE's
// SimState.overallValuation has it. NaN if either is NaN.
func Overall(fundamentals, speculation float64) float64 {
	return max(fundamentals, speculation)
}

// TokenPrice returns the price of one token, valuation/supply:
// TokenSPICE's OCEANprice (util/valuation.py). The supply must be > 0
// (TokenSPICE asserts it); TokenPriceUpdate panics otherwise.
func TokenPrice(valuation, supply float64) float64 { return valuation / supply }

// PriceToSalesUpdate returns the update that sets x to
// PriceToSales(revenue, ratio). It panics (a *gds.BlockError in a run) if
// ratio is negative or not finite.
func PriceToSalesUpdate(x gds.Float, revenue, ratio blocks.Input) gds.Block {
	return x.Update(func(c *gds.Ctx) float64 {
		r, k := revenue(c), ratio(c)
		if !(k >= 0) || math.IsInf(k, 1) {
			panic(fmt.Errorf("valuation: ratio must be a finite number >= 0, got %v", k))
		}
		return PriceToSales(r, k)
	})
}

// OverallUpdate returns the update that sets x to Overall(fundamentals,
// speculation).
func OverallUpdate(x gds.Float, fundamentals, speculation blocks.Input) gds.Block {
	return x.Update(func(c *gds.Ctx) float64 {
		f := fundamentals(c)
		return Overall(f, speculation(c))
	})
}

// TokenPriceUpdate returns the update that sets x to
// TokenPrice(valuation, supply). It panics if the supply is not > 0.
func TokenPriceUpdate(x gds.Float, valuation, supply blocks.Input) gds.Block {
	return x.Update(func(c *gds.Ctx) float64 {
		v, s := valuation(c), supply(c)
		if !(s > 0) {
			panic(fmt.Errorf("valuation: supply must be > 0, got %v", s))
		}
		return TokenPrice(v, s)
	})
}
