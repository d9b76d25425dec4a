package supply

import (
	"math"

	"github.com/statecraft/statecraft/blocks"
	"github.com/statecraft/statecraft/gds"
)

// Controller is the FTNS phase-2 dynamic supply controller: once a day it
// compares the token's actual price appreciation with a target rate that
// decays from an initial to a final annual rate, and sets the day's supply
// adjustment factor (1 = no change, above 1 = mint, below 1 = burn) so as to
// remove the excess or shortfall, damped when the price is volatile and
// bounded per day.
//
// The numbers come from the FTNS tokenomics API (phase 2, "Economic
// Parameters" and the environment configuration): initial appreciation 50%
// a year (FTNS_INITIAL_APPRECIATION_RATE=0.5), final 2% a year
// (FTNS_TARGET_APPRECIATION_RATE=0.02), daily adjustments of at most 0.1%
// of supply (FTNS_MAX_DAILY_ADJUSTMENT=0.001), a volatility damping between
// 0.5 and 1.0, and a 5% governance threshold. The API gives no formulas;
// these follow PRSM's dynamic_supply_controller.py where it has one (the
// asymptotic target, the annualized velocity and volatility, a damping
// linear in volatility with slope 2 and a decay constant of 0.003 a day),
// with the API's bounds in place of that file's (it clamps the damping to
// 0.3-1.0 and the daily change to 10%). The update rule in Adjust is ours:
// the API says what the factor means, not how it is computed.
type Controller struct {
	// InitialRate is the target annual appreciation at day 0 (0.50).
	InitialRate float64
	// FinalRate is the long-run target annual appreciation (0.02).
	FinalRate float64
	// Decay is the rate per day at which the target approaches FinalRate
	// (0.003, PRSM's decay_constant; not in the API).
	Decay float64
	// MaxAdjustment bounds |factor − 1| per adjustment (0.001, the API's
	// "Max Daily Adjustment 0.1%").
	MaxAdjustment float64
	// DampingMin is the smallest volatility damping (0.5; the API's range
	// is 0.5-1.0).
	DampingMin float64
	// DampingSlope is how fast the damping falls with annualized volatility:
	// damping = 1 − DampingSlope·volatility, clamped to [DampingMin, 1]
	// (2, as PRSM's 1 − min(2σ, ·)).
	DampingSlope float64
	// Gain is the integral gain: how much the daily supply change moves per
	// unit of damped daily excess appreciation (0.2; ours).
	Gain float64
	// GovernanceThreshold is the adjustment above which governance approval
	// is required (0.05, the API's "Governance Threshold 5%").
	GovernanceThreshold float64
}

// FTNS returns the controller with the FTNS API's parameters.
func FTNS() Controller {
	return Controller{
		InitialRate:         0.50,
		FinalRate:           0.02,
		Decay:               0.003,
		MaxAdjustment:       0.001,
		DampingMin:          0.5,
		DampingSlope:        2,
		Gain:                0.2,
		GovernanceThreshold: 0.05,
	}
}

// TargetRate returns the target annual appreciation rate day days after
// launch: FinalRate + (InitialRate − FinalRate)·e^(−Decay·day), never below
// FinalRate when InitialRate is above it (days before launch count as 0).
func (k Controller) TargetRate(day float64) float64 {
	return k.FinalRate + float64((k.InitialRate-k.FinalRate)*math.Exp(-k.Decay*max(day, 0)))
}

// Damping returns the volatility damping for an annualized volatility:
// 1 − DampingSlope·volatility clamped to [DampingMin, 1]. Calm prices get
// full adjustments, volatile ones adjustments scaled down to DampingMin.
func (k Controller) Damping(volatility float64) float64 {
	d := 1 - float64(k.DampingSlope*max(volatility, 0))
	return min(max(d, k.DampingMin), 1)
}

// Adjustment is one decision of the controller.
type Adjustment struct {
	Factor     float64 // supply multiplier for the day: 1 + Change
	Change     float64 // relative supply change, within ±MaxAdjustment
	Step       float64 // Change − the previous change, before the bound
	Target     float64 // target annual appreciation
	Actual     float64 // measured annual appreciation
	Volatility float64 // measured annualized volatility
	Damping    float64 // volatility damping applied
	Clamped    bool    // the bound MaxAdjustment was hit
	// GovernanceRequired reports |Change| > GovernanceThreshold. With the
	// FTNS bounds (0.1% a day against 5%) it never happens in one step.
	GovernanceRequired bool
}

// Adjust returns the day's adjustment, given the previous day's relative
// change prev (Factor − 1; 0 at launch) and the measured annualized
// appreciation rate and volatility:
//
//	target = TargetRate(day)
//	step   = Gain·Damping(volatility)·(actual − target)/365
//	change = clamp(prev + step, −MaxAdjustment, +MaxAdjustment)
//	factor = 1 + change
//
// A price rising faster than the target raises the daily supply growth
// (factor > 1), one rising slower lowers it, and the factor never leaves
// [1 − MaxAdjustment, 1 + MaxAdjustment]. The change accumulates the damped
// daily excess (integral action), so a steady excess is removed rather than
// only reduced; PRSM's controller has the same effect, since each of its
// factors multiplies the reward rates the previous ones set. NaN inputs keep
// prev.
func (k Controller) Adjust(prev, day, actual, volatility float64) Adjustment {
	a := Adjustment{Target: k.TargetRate(day), Actual: actual, Volatility: volatility, Damping: k.Damping(volatility)}
	a.Step = float64(float64(k.Gain*a.Damping)*(actual-a.Target)) / 365
	if math.IsNaN(a.Step) {
		a.Step = 0
	}
	if math.IsNaN(prev) {
		prev = 0
	}
	ch := prev + a.Step
	bound := max(k.MaxAdjustment, 0)
	if ch > bound {
		ch, a.Clamped = bound, true
	} else if ch < -bound {
		ch, a.Clamped = -bound, true
	}
	a.Change = ch
	a.Factor = 1 + ch
	a.GovernanceRequired = math.Abs(ch) > k.GovernanceThreshold
	return a
}

// AnnualizedRate returns the simple appreciation from price p0 to p1 over
// days days, annualized: (p1 − p0)/p0 · 365/days (PRSM's price velocity).
// It is 0 when p0 or days is not positive.
func AnnualizedRate(p0, p1, days float64) float64 {
	if !(p0 > 0) || !(days > 0) {
		return 0
	}
	return float64((p1-p0)/p0) * float64(365/days)
}

// AnnualizedVolatility returns the population standard deviation of the
// simple daily returns of prices (oldest first), times √365. It is 0 with
// fewer than three prices (two returns), as in PRSM.
func AnnualizedVolatility(prices []float64) float64 {
	n := 0
	mean, m2 := 0.0, 0.0
	for i := 1; i < len(prices); i++ {
		if !(prices[i-1] > 0) {
			continue
		}
		r := (prices[i] - prices[i-1]) / prices[i-1]
		n++
		d := r - mean
		mean += d / float64(n)
		m2 += float64(d * (r - mean))
	}
	if n < 2 {
		return 0
	}
	return math.Sqrt(m2/float64(n)) * math.Sqrt(365)
}

// ControllerPolicy returns a policy that emits on factor the adjustment
// factor of k for the previous change, day, measured appreciation and
// volatility that the inputs give.
func ControllerPolicy(name string, factor gds.FloatSignal, k func(*gds.Ctx) Controller, prev, day, actual, volatility blocks.Input) gds.Block {
	return gds.Policy(name, func(c *gds.Ctx) {
		factor.Emit(c, k(c).Adjust(prev(c), day(c), actual(c), volatility(c)).Factor)
	})
}
