package supply

import (
	"fmt"
	"math"

	"github.com/statecraft/statecraft/blocks"
	"github.com/statecraft/statecraft/gds"
)

// ---------------------------------------------------------------- minting toward a cap

// A CapCurve is a schedule of minting toward a cap: Fraction(t) is the
// share of the cap minted by time t, in years from the start (0 at t = 0,
// rising towards 1); Check reports parameters it cannot use. HalfLife and
// RampedHalfLife are CapCurves.
type CapCurve interface {
	Fraction(t float64) float64
	Check() error
}

// HalfLife mints toward a cap so that what is left to mint halves every H
// years: the share minted by year t is
//
//	F(t) = 1 − 0.5^(t/H)
//
// a half by t = H, three quarters by t = 2H: Bitcoin's schedule (H = 4) in
// continuous time. It is TokenSPICE's ExpFunc (agents/MinterAgents.py),
// computed the same way. F is 0 for t <= 0.
type HalfLife struct {
	H float64 // half-life in years, > 0
}

// Fraction returns 1 − 0.5^(t/H), 0 for t <= 0.
func (h HalfLife) Fraction(t float64) float64 { return halfLife(h.H, t) }

// Check reports a half-life that is not a finite number > 0.
func (h HalfLife) Check() error { return checkHalfLife(h.H) }

func halfLife(h, t float64) float64 {
	if !(t > 0) {
		return 0
	}
	return 1 - math.Pow(0.5, t/h)
}

func checkHalfLife(h float64) error {
	if !(h > 0) || math.IsInf(h, 1) {
		return fmt.Errorf("half_life must be a finite number > 0, got %v", h)
	}
	return nil
}

// RampedHalfLife is a half-life schedule that starts slowly: nothing is
// minted before T0, then the half-life curve f(x) = 1 − 0.5^(x/H) is
// followed at a fraction of its pace that steps up at T1, T2 and T3. It is
// TokenSPICE's RampedExpFunc (agents/MinterAgents.py) as its code computes
// it, with a = f(t − T0):
//
//	F(t) = 0                                        t < T0
//	     = M1·a                                     T0 <= t < T1
//	     = (M1 + M2)·a − M2·f(T1 − T0)              T1 <= t < T2
//	     = (M1 + M2 + M3)·a − M2·f(T1 − T0)
//	                        − M3·f(T2 − T0)         T2 <= t < T3
//	     = G + (1 − G)·f(t − T3)                    t >= T3
//
// where G is the T2..T3 line evaluated at t (not at T3). F is continuous
// and tends to 1, and never falls when M1 + M2 + M3 <= 1 (CapMint clamps
// it to [0, 1] in any case); between the breakpoints the pace is M1,
// M1+M2 and M1+M2+M3 times the half-life curve's. (TokenSPICE's docstring
// describes another function: pieces of slope M1, M2, M3, with G1, G2, G3
// the values at the breakpoints; its code evaluates them at t, which is
// what is reproduced here. So with T0 = T1 = T2 = T3 = 0 this is not the
// plain HalfLife curve: F(t) = G + (1 − G)·f(t) with G = (M1+M2+M3)·f(t).)
type RampedHalfLife struct {
	H              float64 // half-life in years, > 0
	T0, T1, T2, T3 float64 // breakpoints in years: 0 <= T0 <= T1 <= T2 <= T3
	M1, M2, M3     float64 // multipliers: 0 <= M1 <= M2 <= M3
	// AtBreakpoints computes the function TokenSPICE's docstring
	// describes: G1, G2, G3 the pieces' values at T1, T2, T3, so the pace
	// steps to M2 at T1 and M3 at T2 (a ratchet of 10%, 25%, 50%, 100%
	// with wsloop's multipliers) and the last piece starts from G3:
	//
	//	F(t) = M1·a                                t < T1
	//	     = M2·a − M2·f(T1 − T0) + G1           t < T2
	//	     = M3·a − M3·f(T2 − T0) + G2           t < T3
	//	     = (1 − G3)·f(t − T3) + G3              t >= T3
	//
	// with G1 = M1·f(T1 − T0), G2 = M2·f(T2 − T0) − M2·f(T1 − T0) + G1,
	// G3 = M3·f(T3 − T0) − M3·f(T2 − T0) + G2.
	AtBreakpoints bool
}

// Fraction returns F(t) above.
func (r RampedHalfLife) Fraction(t float64) float64 {
	if t < r.T0 {
		return 0
	}
	if r.AtBreakpoints {
		return r.docstring(t)
	}
	a := halfLife(r.H, t-r.T0)
	g := float64(r.M1 * a) // TokenSPICE's G1 = g1(t)
	if t < r.T1 {
		return g
	}
	g = float64(r.M2*a) - float64(r.M2*halfLife(r.H, r.T1-r.T0)) + g // G2 = g2(t)
	if t < r.T2 {
		return g
	}
	g = float64(r.M3*a) - float64(r.M3*halfLife(r.H, r.T2-r.T0)) + g // G3 = g3(t)
	if t < r.T3 {
		return g
	}
	return float64((1-g)*halfLife(r.H, t-r.T3)) + g
}

// docstring is Fraction for AtBreakpoints, t >= T0.
func (r RampedHalfLife) docstring(t float64) float64 {
	f := func(x float64) float64 { return halfLife(r.H, x) }
	g1 := float64(r.M1 * f(r.T1-r.T0))
	g2 := float64(r.M2*f(r.T2-r.T0)) - float64(r.M2*f(r.T1-r.T0)) + g1
	g3 := float64(r.M3*f(r.T3-r.T0)) - float64(r.M3*f(r.T2-r.T0)) + g2
	switch {
	case t < r.T1:
		return float64(r.M1 * f(t-r.T0))
	case t < r.T2:
		return float64(r.M2*f(t-r.T0)) - float64(r.M2*f(r.T1-r.T0)) + g1
	case t < r.T3:
		return float64(r.M3*f(t-r.T0)) - float64(r.M3*f(r.T2-r.T0)) + g2
	}
	return float64((1-g3)*f(t-r.T3)) + g3
}

// Check reports parameters outside the ranges above (TokenSPICE asserts
// H > 0, the breakpoints' and the multipliers' order; T0 >= 0 and M1 >= 0
// are this package's: earlier or negative minting has no meaning here).
func (r RampedHalfLife) Check() error {
	if err := checkHalfLife(r.H); err != nil {
		return err
	}
	if !(0 <= r.T0 && r.T0 <= r.T1 && r.T1 <= r.T2 && r.T2 <= r.T3) || math.IsInf(r.T3, 1) {
		return fmt.Errorf("breakpoints must be finite with 0 <= t0 <= t1 <= t2 <= t3, got %v, %v, %v, %v", r.T0, r.T1, r.T2, r.T3)
	}
	if !(0 <= r.M1 && r.M1 <= r.M2 && r.M2 <= r.M3) || math.IsInf(r.M3, 1) {
		return fmt.Errorf("multipliers must be finite with 0 <= m1 <= m2 <= m3, got %v, %v, %v", r.M1, r.M2, r.M3)
	}
	return nil
}

// BitcoinHalfLives is the number of half-lives after which TokenSPICE's
// minters mint everything left at once (util/constants.py,
// BITCOIN_NUM_HALF_LIVES: Bitcoin's subsidy ends after about 34 halvings).
const BitcoinHalfLives = 34

// CapMint mints Cap tokens in all along a CapCurve, as TokenSPICE's
// OCEANFuncMinterAgent does. Timestep t is at year t/PerYear. A mint
// happens at timesteps 1, 1+Every, 1+2·Every, ...; the mint at t is the
// share of the cap the curve adds since the previous mint,
//
//	Cap·(F(t/PerYear) − F(p/PerYear)),  p = max(t − Every, 0)
//
// and at the first mint after year Stop it is everything left,
// Cap·(1 − F(p/PerYear)); nothing after that. F is clamped to [0, 1] and
// no mint is negative, so the mints add up to Cap at most, up to the
// rounding of their sum; Left (and CapMintPolicy) clamp to the cap
// exactly, given the amount minted so far.
//
// TokenSPICE's tick t is timestep t here: its tick 0 mints nothing.
// CapMint is generic over the curve so that a policy building one per
// step boxes nothing.
type CapMint[C CapCurve] struct {
	Cap     float64 // tokens to mint in all, >= 0
	Curve   C       // the share of Cap minted by year t
	PerYear float64 // timesteps per year, > 0 (365: daily, as TokenSPICE's netlists)
	Every   int     // timesteps between mints, >= 1 (TokenSPICE: s_between_mints / time_step)
	Stop    float64 // the year after which everything left is minted at once; <= 0: never
	// Delay is how many timesteps the schedule starts late: at timestep t
	// it mints what Left(t − Delay, ...) gives. 1 reproduces TokenSPICE,
	// whose tick k is the step from row k to row k+1 (timestep k+1).
	Delay int
}

// Check reports parameters outside their ranges, and the curve's.
func (m CapMint[C]) Check() error {
	if !(m.Cap >= 0) || math.IsInf(m.Cap, 1) {
		return fmt.Errorf("cap must be a finite number >= 0, got %v", m.Cap)
	}
	if !(m.PerYear > 0) || math.IsInf(m.PerYear, 1) {
		return fmt.Errorf("per_year must be a finite number > 0, got %v", m.PerYear)
	}
	if m.Every < 1 {
		return fmt.Errorf("every must be >= 1, got %d", m.Every)
	}
	if m.Delay < 0 {
		return fmt.Errorf("delay must be >= 0, got %d", m.Delay)
	}
	if math.IsNaN(m.Stop) {
		return fmt.Errorf("stop must be a number, got NaN")
	}
	return m.Curve.Check()
}

// fraction is the curve clamped to [0, 1] at timestep s.
func (m CapMint[C]) fraction(s int) float64 {
	if s <= 0 {
		return 0
	}
	return min(max(m.Curve.Fraction(float64(s)/m.PerYear), 0), 1)
}

// stopped reports whether timestep s is after year Stop.
func (m CapMint[C]) stopped(s int) bool {
	return m.Stop > 0 && float64(s)/m.PerYear > m.Stop
}

// Amount returns the amount minted at timestep t (0 between mints and
// before t = 1).
func (m CapMint[C]) Amount(t int) float64 {
	p, mint, last := m.mint(t)
	switch {
	case !mint:
		return 0
	case last:
		return max(float64((1-m.fraction(p))*m.Cap), 0)
	}
	return max(float64((m.fraction(t)-m.fraction(p))*m.Cap), 0)
}

// mint reports whether timestep t mints, the timestep p of the previous
// mint (0 for the first), and whether t is the mint after year Stop that
// mints everything left.
func (m CapMint[C]) mint(t int) (p int, mint, last bool) {
	every := max(m.Every, 1)
	if t < 1 || (t-1)%every != 0 {
		return 0, false, false
	}
	p = max(t-every, 0)
	if p > 0 && m.stopped(p) {
		return p, false, false // everything was minted at p or before
	}
	return p, true, m.stopped(t)
}

// Minted returns the amount minted by the end of timestep t, the sum of
// Amount over 1..t without its rounding: Cap·F at the last mint, or Cap
// once stopped.
func (m CapMint[C]) Minted(t int) float64 {
	if t < 1 {
		return 0
	}
	every := max(m.Every, 1)
	s := 1 + (t-1)/every*every
	if m.stopped(s) {
		return m.Cap
	}
	return float64(m.fraction(s) * m.Cap)
}

// Emission returns the schedule of m's amounts, for EmissionPolicy and
// Total.
func (m CapMint[C]) Emission() Emission { return m.Amount }

// Left returns what the mint at timestep t is when minted tokens have
// been minted so far, as TokenSPICE's minter has it: m.Amount(t), but
// never more than Cap − minted, and at the first mint after year Stop
// exactly Cap − minted, everything left. Adding each mint to minted, the
// total never exceeds Cap (rounding included) and is Cap once stopped.
func (m CapMint[C]) Left(t int, minted float64) float64 {
	left := max(m.Cap-minted, 0)
	if _, mint, last := m.mint(t); mint && last {
		return left
	}
	return min(m.Amount(t), left)
}

// CapMintPolicy returns a policy that emits on out m.Left(t − m.Delay,
// minted) at timestep t (Ctx.T), where minted is the amount minted so far: bind it
// to the variable that adds up the emitted amounts. It panics (a
// *gds.BlockError in a run) if m's parameters are invalid.
func CapMintPolicy[C CapCurve](name string, out gds.FloatSignal, m func(c *gds.Ctx) CapMint[C], minted blocks.Input) gds.Block {
	return gds.Policy(name, func(c *gds.Ctx) {
		s := m(c)
		done := minted(c)
		if err := s.Check(); err != nil {
			panic(fmt.Errorf("supply: %w", err))
		}
		out.Emit(c, s.Left(c.T-s.Delay, done))
	})
}
