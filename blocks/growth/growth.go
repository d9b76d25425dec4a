// Package growth provides the deterministic growth of token-economy
// netlists: a growth rate that rises with a ratio and saturates
// (TokenSPICE's wsloop grows its marketplaces faster the more R&D is
// funded per unit of revenue, with diminishing returns), and the
// conversion of an annual rate to a rate per timestep and its
// compounding. Each is a Go function or type and a registered block
// ("growth.saturating", "growth.step_rate", "growth.compound"); see
// docs/blocks.md.
//
// Rates are fractions: 0.05 is 5%. Arithmetic rounds every product before
// it is added (no fused multiply-add), as model-file expressions do.
package growth

import (
	"fmt"
	"math"

	"github.com/statecraft/statecraft/blocks"
	"github.com/statecraft/statecraft/gds"
)

// Saturating is a growth rate that rises with a ratio x from Min at x = 0
// towards Max, with diminishing returns:
//
//	rate(x) = Min + (Max − Min)·(1 − 0.5^(x/Tau))
//
// half the possible increase at x = Tau, three quarters at 2·Tau, and Max
// in the limit. It is TokenSPICE's SimStrategy.annualMktsGrowthRate
// (netlists/wsloop/SimStrategy.py), computed the same way, where x is the
// ratio of the month's R&D spending to the month's network revenue and
// the rate is the marketplaces' annual growth; WSLoop has its parameters.
// A Max below Min makes the rate fall with x; a negative x extrapolates
// below Min.
type Saturating struct {
	Min float64 // the rate at x = 0 (TokenSPICE: growth_rate_if_0_sales)
	Max float64 // the rate approached as x grows (max_growth_rate)
	Tau float64 // the x at which half of Max − Min is reached, > 0 (tau)
}

// WSLoop returns the parameters of TokenSPICE's wsloop netlist: from
// −11.8% a year without R&D to 41.5%, half-way at a ratio of 0.6.
func WSLoop() Saturating { return Saturating{Min: -0.118, Max: 0.415, Tau: 0.6} }

// Rate returns the rate at ratio x.
func (s Saturating) Rate(x float64) float64 {
	return s.Min + float64((s.Max-s.Min)*(1-math.Pow(0.5, x/s.Tau)))
}

// Check reports a Tau that is not a finite number > 0, or a Min or Max
// that is not finite.
func (s Saturating) Check() error {
	if !(s.Tau > 0) || math.IsInf(s.Tau, 1) {
		return fmt.Errorf("growth: tau must be a finite number > 0, got %v", s.Tau)
	}
	if math.IsNaN(s.Min) || math.IsInf(s.Min, 0) || math.IsNaN(s.Max) || math.IsInf(s.Max, 0) {
		return fmt.Errorf("growth: min and max must be finite, got %v and %v", s.Min, s.Max)
	}
	return nil
}

// Compounding says how an annual rate becomes a rate per timestep.
type Compounding uint8

const (
	// Effective: the annual rate is what a year of timesteps compounds to,
	// so the rate per step is (1 + annual)^(1/n) − 1 for n steps a year, as
	// TokenSPICE's MarketplacesAgent._growthRatePerTick converts the
	// marketplaces' growth.
	Effective Compounding = iota
	// Nominal: the rate per step is annual/n, so a year compounds to
	// (1 + annual/n)^n − 1 (10.52% for 10% over 365 steps), as TokenSPICE's
	// SimState._updateSpeculationValuation grows the speculative valuation.
	Nominal
)

// String returns "effective" or "nominal".
func (c Compounding) String() string {
	switch c {
	case Effective:
		return "effective"
	case Nominal:
		return "nominal"
	}
	return fmt.Sprintf("Compounding(%d)", c)
}

// ParseCompounding returns the Compounding named "effective" or
// "nominal".
func ParseCompounding(s string) (Compounding, error) {
	switch s {
	case "effective":
		return Effective, nil
	case "nominal":
		return Nominal, nil
	}
	return 0, fmt.Errorf("growth: unknown compounding %q; want \"effective\" or \"nominal\"", s)
}

// StepRate returns the rate per timestep of an annual rate with perYear
// timesteps a year: (1 + annual)^(1/perYear) − 1 (Effective) or
// annual/perYear (Nominal). With Effective, an annual rate of −1 gives −1
// (everything is lost in the first step).
func StepRate(annual, perYear float64, c Compounding) float64 {
	if c == Nominal {
		return annual / perYear
	}
	return math.Pow(annual+1, 1/perYear) - 1
}

// checkStep reports an unusable timestep count or annual rate.
func checkStep(annual, perYear float64, c Compounding) error {
	if !(perYear > 0) || math.IsInf(perYear, 1) {
		return fmt.Errorf("growth: per_year must be a finite number > 0, got %v", perYear)
	}
	if c == Effective && !(annual >= -1) {
		return fmt.Errorf("growth: an effective annual rate must be >= -1, got %v", annual)
	}
	if c > Nominal {
		return fmt.Errorf("growth: unknown compounding %d", c)
	}
	return nil
}

// SaturatingUpdate returns the update that sets x to the rate of
// Saturating{minRate, maxRate, tau} at ratio. It panics (a
// *gds.BlockError in a run) if tau is not > 0 or a rate is not finite.
func SaturatingUpdate(x gds.Float, ratio, minRate, maxRate, tau blocks.Input) gds.Block {
	return x.Update(func(c *gds.Ctx) float64 {
		r, s := ratio(c), Saturating{Min: minRate(c), Max: maxRate(c), Tau: tau(c)}
		if err := s.Check(); err != nil {
			panic(err)
		}
		return s.Rate(r)
	})
}

// StepRateUpdate returns the update that sets x to the rate per timestep
// of the annual rate, with perYear timesteps a year and compounding c. It
// panics if perYear is not > 0 or, compounding Effective, the annual rate
// is below −1.
func StepRateUpdate(x gds.Float, annual, perYear blocks.Input, c Compounding) gds.Block {
	return x.Update(func(ctx *gds.Ctx) float64 { return stepRate(ctx, annual, perYear, c) })
}

// CompoundUpdate returns the update that grows x by the annual rate over
// one timestep: x ← x·(1 + StepRate(annual, perYear, c)), as TokenSPICE
// grows its number of marketplaces and their sales (Effective) and its
// speculative valuation (Nominal). It panics as StepRateUpdate does.
func CompoundUpdate(x gds.Float, annual, perYear blocks.Input, c Compounding) gds.Block {
	return x.Update(func(ctx *gds.Ctx) float64 {
		r := stepRate(ctx, annual, perYear, c)
		return float64(x.Get(ctx) * (1 + r))
	})
}

func stepRate(ctx *gds.Ctx, annual, perYear blocks.Input, c Compounding) float64 {
	a, n := annual(ctx), perYear(ctx)
	if err := checkStep(a, n, c); err != nil {
		panic(err)
	}
	return StepRate(a, n, c)
}
