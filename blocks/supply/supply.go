// Package supply provides token-supply mechanisms: minting and burning,
// emission schedules (constant, halving, linear decay, asymptotic decay),
// minting toward a cap along a half-life curve, plain or ramped up (see
// CapMint; TokenSPICE's minters), vesting schedules (cliff then linear),
// and the FTNS phase-2 dynamic supply controller (see Controller). Each is
// a plain Go function or type, usable from Go models, and the ones that
// fit a model file are registered blocks: "supply.mint_burn",
// "supply.constant_emission", "supply.halving_emission",
// "supply.linear_emission", "supply.halflife_emission",
// "supply.ramped_halflife_emission", "supply.vesting" and
// "supply.controller"; see docs/blocks.md.
//
// Amounts are float64 token units. Every function here keeps supplies and
// amounts non-negative: a mint of a negative amount mints nothing, a burn
// never takes a supply below zero, and emission and vesting amounts are
// never negative.
package supply

import (
	"math"

	"github.com/statecraft/statecraft/blocks"
	"github.com/statecraft/statecraft/gds"
)

// Mint returns supply increased by amount; a negative or NaN amount mints
// nothing.
func Mint(supply, amount float64) float64 {
	if !(amount > 0) {
		return supply
	}
	return supply + amount
}

// Burn removes up to amount from supply and returns the new supply and the
// amount actually burned: never more than the supply, so the supply never
// goes below zero. A negative or NaN amount burns nothing.
func Burn(supply, amount float64) (newSupply, burned float64) {
	if !(amount > 0) || !(supply > 0) {
		return supply, 0
	}
	if amount >= supply {
		return 0, supply
	}
	return supply - amount, amount
}

// MintBurn returns the update that sets s ← Burn(Mint(s, mint), burn): the
// supply grows by the minted amount and shrinks by the burned amount, never
// below zero.
func MintBurn(s gds.Float, mint, burn blocks.Input) gds.Block {
	return s.Update(func(c *gds.Ctx) float64 {
		v, _ := Burn(Mint(s.Get(c), mint(c)), burn(c))
		return v
	})
}

// ---------------------------------------------------------------- emission

// Emission is a schedule of amounts: Emission(t) is the amount emitted at
// step t = 1, 2, ... (0 for t < 1). Every constructor returns a schedule
// whose amounts are never negative.
type Emission func(t int) float64

// Constant emits rate at every step (0 if rate is negative).
func Constant(rate float64) Emission {
	rate = max(rate, 0)
	return func(t int) float64 {
		if t < 1 {
			return 0
		}
		return rate
	}
}

// Halving emits initial per step during the first period steps, then half
// of it during the next period, and so on: initial·2^−⌊(t−1)/period⌋, as
// Bitcoin's block subsidy. The total over all time is initial·period·2. A
// period below 1 makes it constant.
func Halving(initial float64, period int) Emission {
	initial = max(initial, 0)
	return func(t int) float64 {
		if t < 1 {
			return 0
		}
		if period < 1 {
			return initial
		}
		return math.Ldexp(initial, -((t - 1) / period))
	}
}

// LinearDecay emits initial at step 1 and moves linearly to final, reached
// at step duration+1, then emits final:
// initial + (final − initial)·min(t−1, duration)/duration. A duration below
// 1 emits final from the start. Negative amounts are clamped to 0.
func LinearDecay(initial, final float64, duration int) Emission {
	return func(t int) float64 {
		if t < 1 {
			return 0
		}
		if duration < 1 {
			return max(final, 0)
		}
		k := float64(min(t-1, duration)) / float64(duration)
		return max(initial+float64((final-initial)*k), 0)
	}
}

// Asymptotic emits final + (initial − final)·e^(−rate·(t−1)): it starts at
// initial and approaches final, the shape of the FTNS target appreciation
// rate (see Controller.TargetRate). Negative amounts are clamped to 0.
func Asymptotic(initial, final, rate float64) Emission {
	return func(t int) float64 {
		if t < 1 {
			return 0
		}
		return max(final+float64((initial-final)*math.Exp(-rate*float64(t-1))), 0)
	}
}

// Total returns the amount e emits over steps from..to, inclusive.
func Total(e Emission, from, to int) float64 {
	s := 0.0
	for t := from; t <= to; t++ {
		s += e(t)
	}
	return s
}

// EmissionPolicy returns a policy that emits e(t) on out at every timestep
// t (Ctx.T).
func EmissionPolicy(name string, out gds.FloatSignal, e func(c *gds.Ctx) Emission) gds.Block {
	return gds.Policy(name, func(c *gds.Ctx) { out.Emit(c, e(c)(c.T)) })
}

// ---------------------------------------------------------------- vesting

// Vesting is a grant of Total tokens that vests linearly over Duration
// steps from Start, with nothing vested before a cliff of Cliff steps:
//
//	vested(t) = 0                              if t − Start < Cliff
//	          = Total·(t − Start)/Duration     if Cliff ≤ t − Start < Duration
//	          = Total                          if t − Start ≥ Duration
//
// At the cliff the share accrued so far is released at once (the usual
// cliff-and-linear grant, as OpenZeppelin's VestingWallet with a cliff). A
// Duration below 1 vests everything at the cliff.
type Vesting struct {
	Total    float64
	Start    int // the step vesting starts from
	Cliff    int // steps after Start before anything vests
	Duration int // steps after Start until everything has vested
}

// Vested returns the amount vested by the end of step t, between 0 and
// Total (0 if Total is negative).
func (v Vesting) Vested(t int) float64 {
	total := max(v.Total, 0)
	e := t - v.Start
	switch {
	case e < max(v.Cliff, 0):
		return 0
	case e >= v.Duration:
		return total
	}
	return float64(total*float64(e)) / float64(v.Duration)
}

// Released returns the amount that vests during step t: Vested(t) −
// Vested(t−1), never negative. The releases over steps Start..End() add up
// to Total.
func (v Vesting) Released(t int) float64 {
	return max(v.Vested(t)-v.Vested(t-1), 0)
}

// End returns the first step at which everything has vested.
func (v Vesting) End() int { return v.Start + max(v.Cliff, v.Duration, 0) }

// VestingPolicy returns a policy that emits on out the amount of the grant
// released at timestep t (Ctx.T).
func VestingPolicy(name string, out gds.FloatSignal, v func(c *gds.Ctx) Vesting) gds.Block {
	return gds.Policy(name, func(c *gds.Ctx) { out.Emit(c, v(c).Released(c.T)) })
}
