// Package curve provides bonding curves: a token whose price is a function
// of its supply, minted against and burned for a reserve of another asset.
// Minting Δ tokens at supply s costs the integral of the price from s to
// s+Δ, which goes into the reserve; burning Δ returns the integral from
// s−Δ to s. The reserve therefore always equals the integral of the price
// from 0 to the supply: no trade creates or destroys value.
//
// Three shapes have closed forms for every operation: Linear
// (p = a + b·s), Power (p = a·s^n) and Exponential (p = a·e^(b·s)). Other
// curves implement the Curve interface and can use Solve to invert their
// cost. Buy, BuyTokens and Sell apply a fee, kept outside the reserve.
//
// For model files the package registers "curve.price" and "curve.reserve"
// (updates) and "curve.buy" and "curve.sell" (policies); see
// docs/blocks.md. Importing the package registers them (blocks/all
// imports every family).
//
// Numerics. The integrals are computed in forms that do not cancel:
// Δ·(a + b·(s + Δ/2)) for the linear curve, F(s)·expm1(m·log1p(Δ/s)) for
// the power curve (m = n+1), and p(s)/b·expm1(b·Δ) for the exponential
// one, so a small trade's cost is accurate to a few units in the last
// place relative to the cost itself, not to the reserve. Every product that
// feeds a sum is rounded explicitly (float64(...)), so no fused
// multiply-add changes results between machines.
package curve

import (
	"fmt"
	"math"

	"github.com/statecraft/statecraft/blocks"
	"github.com/statecraft/statecraft/gds"
)

// Curve is a bonding curve. s is the supply (s ≥ 0), Δ an amount of tokens
// (Δ ≥ 0; for SellReturn also Δ ≤ s) and reserveIn an amount of the
// reserve asset (≥ 0). Outside these domains results are unspecified (NaN
// for the curves of this package). The price must be non-negative and
// non-decreasing in s, so that BuyCost is increasing in Δ.
type Curve interface {
	// Price is the marginal price of a token at supply s.
	Price(s float64) float64
	// Reserve is ∫₀ˢ Price: the reserve that backs supply s.
	Reserve(s float64) float64
	// BuyCost is ∫ₛ^(s+Δ) Price: the reserve paid in to mint Δ tokens.
	BuyCost(s, delta float64) float64
	// SellReturn is ∫_(s−Δ)^s Price: the reserve paid out to burn Δ tokens.
	SellReturn(s, delta float64) float64
	// TokensFor is the Δ ≥ 0 with BuyCost(s, Δ) = reserveIn.
	TokensFor(s, reserveIn float64) float64
}

// Linear is the curve p = A + B·s, with A ≥ 0, B ≥ 0 and A + B > 0.
type Linear struct{ A, B float64 }

// NewLinear returns the linear curve p = a + b·s, or an error if a or b is
// negative or not finite, or both are 0.
func NewLinear(a, b float64) (Linear, error) {
	if err := finite("linear", a, b); err != nil {
		return Linear{}, err
	}
	if a < 0 || b < 0 || a == 0 && b == 0 {
		return Linear{}, fmt.Errorf("curve: linear curve needs a >= 0, b >= 0, not both 0; got a = %v, b = %v", a, b)
	}
	return Linear{a, b}, nil
}

// Price returns A + B·s.
func (c Linear) Price(s float64) float64 { return c.A + float64(c.B*s) }

// Reserve returns s·(A + B·s/2).
func (c Linear) Reserve(s float64) float64 { return float64(s * (c.A + float64(c.B*float64(0.5*s)))) }

// BuyCost returns Δ·(A + B·(s + Δ/2)).
func (c Linear) BuyCost(s, delta float64) float64 {
	return float64(delta * (c.A + float64(c.B*(s+float64(0.5*delta)))))
}

// SellReturn returns Δ·(A + B·(s − Δ/2)).
func (c Linear) SellReturn(s, delta float64) float64 {
	return float64(delta * (c.A + float64(c.B*(s-float64(0.5*delta)))))
}

// TokensFor solves B/2·Δ² + p·Δ = r with p = Price(s), in the form
// Δ = 2r / (p + √(p² + 2·B·r)), which does not cancel; √(p² + x) is
// computed as hypot(p, √x), which does not overflow.
func (c Linear) TokensFor(s, reserveIn float64) float64 {
	if reserveIn == 0 {
		return 0
	}
	p := c.Price(s)
	if c.B == 0 {
		return reserveIn / p
	}
	return float64(2*reserveIn) / (p + math.Hypot(p, math.Sqrt(float64(2*c.B)*reserveIn)))
}

// Power is the curve p = A·s^N, with A > 0 and N ≥ 0.
type Power struct{ A, N float64 }

// NewPower returns the power curve p = a·s^n, or an error unless a > 0 and
// n ≥ 0 are finite.
func NewPower(a, n float64) (Power, error) {
	if err := finite("power", a, n); err != nil {
		return Power{}, err
	}
	if a <= 0 || n < 0 {
		return Power{}, fmt.Errorf("curve: power curve needs a > 0 and n >= 0; got a = %v, n = %v", a, n)
	}
	return Power{a, n}, nil
}

// Price returns A·s^N (A at s = 0 when N = 0).
func (c Power) Price(s float64) float64 { return float64(c.A * math.Pow(s, c.N)) }

// Reserve returns A·s^m/m with m = N+1.
func (c Power) Reserve(s float64) float64 {
	m := c.N + 1
	return c.A * math.Pow(s, m) / m
}

// BuyCost returns Reserve(s)·expm1(m·log1p(Δ/s)), which is
// Reserve(s+Δ) − Reserve(s) without the cancellation (A·Δ when N = 0).
func (c Power) BuyCost(s, delta float64) float64 {
	if delta == 0 || c.N == 0 {
		return float64(c.A * delta)
	}
	if s == 0 {
		return c.Reserve(delta)
	}
	m := c.N + 1
	return float64(c.Reserve(s) * math.Expm1(float64(m*math.Log1p(delta/s))))
}

// SellReturn returns −Reserve(s)·expm1(m·log1p(−Δ/s)), which is
// Reserve(s) − Reserve(s−Δ); burning the whole supply (Δ = s) returns
// exactly Reserve(s) (A·Δ when N = 0).
func (c Power) SellReturn(s, delta float64) float64 {
	if delta == 0 || c.N == 0 {
		return float64(c.A * delta)
	}
	m := c.N + 1
	return float64(c.Reserve(s) * -math.Expm1(float64(m*math.Log1p(-delta/s))))
}

// TokensFor returns s·expm1(log1p(r/Reserve(s))/m), or (m·r/A)^(1/m) at
// s = 0 (r/A when N = 0).
func (c Power) TokensFor(s, reserveIn float64) float64 {
	if reserveIn == 0 || c.N == 0 {
		return reserveIn / c.A
	}
	m := c.N + 1
	f := c.Reserve(s)
	if s == 0 || f == 0 {
		// From zero; also when s^m underflows, where s is below the
		// precision of the result.
		return math.Pow(float64(m*reserveIn)/c.A, 1/m)
	}
	return float64(s * math.Expm1(math.Log1p(reserveIn/f)/m))
}

// Exponential is the curve p = A·e^(B·s), with A > 0 and B ≥ 0.
type Exponential struct{ A, B float64 }

// NewExponential returns the exponential curve p = a·e^(b·s), or an error
// unless a > 0 and b ≥ 0 are finite.
func NewExponential(a, b float64) (Exponential, error) {
	if err := finite("exponential", a, b); err != nil {
		return Exponential{}, err
	}
	if a <= 0 || b < 0 {
		return Exponential{}, fmt.Errorf("curve: exponential curve needs a > 0 and b >= 0; got a = %v, b = %v", a, b)
	}
	return Exponential{a, b}, nil
}

// Price returns A·e^(B·s).
func (c Exponential) Price(s float64) float64 { return float64(c.A * math.Exp(c.B*s)) }

// Reserve returns A/B·expm1(B·s), or A·s when B = 0.
func (c Exponential) Reserve(s float64) float64 {
	if c.B == 0 {
		return float64(c.A * s)
	}
	return float64(c.A / c.B * math.Expm1(c.B*s))
}

// BuyCost returns Price(s)/B·expm1(B·Δ), or A·Δ when B = 0.
func (c Exponential) BuyCost(s, delta float64) float64 {
	if c.B == 0 {
		return float64(c.A * delta)
	}
	return float64(c.Price(s) / c.B * math.Expm1(c.B*delta))
}

// SellReturn returns −Price(s)/B·expm1(−B·Δ), or A·Δ when B = 0.
func (c Exponential) SellReturn(s, delta float64) float64 {
	if c.B == 0 {
		return float64(c.A * delta)
	}
	return float64(c.Price(s) / c.B * -math.Expm1(-c.B*delta))
}

// TokensFor returns log1p(B·r/Price(s))/B, or r/A when B = 0.
func (c Exponential) TokensFor(s, reserveIn float64) float64 {
	if c.B == 0 {
		return reserveIn / c.A
	}
	return math.Log1p(c.B*reserveIn/c.Price(s)) / c.B
}

// New returns the curve of the named shape: "linear" (p = a + b·s, n
// unused), "power" (p = a·s^n, b unused) or "exponential" (p = a·e^(b·s),
// n unused).
func New(shape string, a, b, n float64) (Curve, error) {
	switch shape {
	case "linear":
		return NewLinear(a, b)
	case "power":
		return NewPower(a, n)
	case "exponential":
		return NewExponential(a, b)
	}
	return nil, fmt.Errorf("curve: unknown shape %q; want linear, power or exponential", shape)
}

// finite checks a curve's two parameters (it takes them apart, not as a
// variadic slice, so that the check does not allocate).
func finite(shape string, x, y float64) error {
	if math.IsNaN(x) || math.IsInf(x, 0) || math.IsNaN(y) || math.IsInf(y, 0) {
		return fmt.Errorf("curve: %s curve parameters must be finite, got %v and %v", shape, x, y)
	}
	return nil
}

// Solve returns the Δ ≥ 0 with c.BuyCost(s, Δ) = reserveIn for any curve
// with a non-negative price, by a safeguarded Newton iteration (rtsafe):
// it brackets the root (BuyCost(s, Δ) ≥ Price(s)·Δ when the price does not
// decrease, so r/Price(s) is an upper bound; otherwise it doubles a guess
// until the cost exceeds r), then takes Newton steps (the derivative of
// the cost is the price at s+Δ) and bisects whenever a step would leave
// the bracket, would not halve the error of two steps before, or meets an
// infinite cost or price. It stops when the step is below a few units in
// the last place of Δ, and returns +Inf if no finite Δ costs reserveIn.
// The curves of this package have closed forms (their TokensFor); Solve
// is for others.
func Solve(c Curve, s, reserveIn float64) float64 {
	r := reserveIn
	if math.IsNaN(r) {
		return math.NaN()
	}
	if r <= 0 {
		return 0
	}
	f := func(d float64) float64 { return c.BuyCost(s, d) - r }
	lo, hi := 0.0, 1.0
	if p := c.Price(s); p > 0 && !math.IsInf(r/p, 0) {
		hi = r / p
	}
	fhi := f(hi)
	for fhi < 0 {
		lo, hi = hi, 2*hi
		if math.IsInf(hi, 1) {
			return hi
		}
		fhi = f(hi)
	}
	if fhi == 0 || math.IsNaN(fhi) {
		return fhi + hi // hi, or NaN for a curve whose cost is NaN
	}
	// Invariant: f(lo) < 0 < f(hi) (f(0) = −r). Start from hi: for a
	// convex cost (non-decreasing price) Newton's iterates then decrease to
	// the root without leaving the bracket.
	x, fx := hi, fhi
	step, prev := hi-lo, hi-lo
	for range 300 {
		df := c.Price(s + x)
		newton := fx / df
		next := x - newton
		if math.IsInf(fx, 0) || math.IsInf(df, 0) || !(df > 0) ||
			!(next > lo && next < hi) || math.Abs(newton) > 0.5*math.Abs(prev) {
			next = lo + float64(0.5*(hi-lo)) // bisect
		}
		prev, step = step, math.Abs(next-x)
		if step <= 2*ulp(x) || next == lo || next == hi {
			return next
		}
		x, fx = next, f(next)
		switch {
		case fx == 0:
			return x
		case fx < 0:
			lo = x
		default:
			hi = x
		}
	}
	return x
}

// ulp is the spacing of floats at x.
func ulp(x float64) float64 { return math.Nextafter(x, math.Inf(1)) - x }

// Trade is the outcome of a buy or a sell.
type Trade struct {
	// Tokens minted (buy) or burned (sell), ≥ 0.
	Tokens float64
	// Reserve paid into the reserve (buy) or out of it (sell), ≥ 0. It is
	// the curve's integral over the tokens traded.
	Reserve float64
	// Fee charged on top: the buyer pays Reserve + Fee, the seller
	// receives Reserve − Fee. The fee never enters the reserve.
	Fee float64
}

// Buy spends an amount of the reserve asset at supply s: a fraction fee
// (0 ≤ fee < 1) of it is charged as the fee, the rest enters the reserve
// and mints the tokens it pays for (TokensFor). A spend ≤ 0 trades
// nothing.
func Buy[C Curve](c C, s, spend, fee float64) Trade {
	if spend <= 0 {
		return Trade{}
	}
	f := float64(spend * fee)
	net := spend - f
	return Trade{Tokens: c.TokensFor(s, net), Reserve: net, Fee: f}
}

// BuyTokens mints exactly tokens at supply s: the reserve receives
// BuyCost(s, tokens) and the fee is the fraction fee of the total paid, so
// the buyer pays BuyCost/(1 − fee), as if Buy were given that spend.
// tokens ≤ 0 trades nothing.
func BuyTokens[C Curve](c C, s, tokens, fee float64) Trade {
	if tokens <= 0 {
		return Trade{}
	}
	cost := c.BuyCost(s, tokens)
	return Trade{Tokens: tokens, Reserve: cost, Fee: float64(cost / (1 - fee) * fee)}
}

// Sell burns tokens at supply s, at most the whole supply: the reserve
// pays out SellReturn(s, tokens), of which the fraction fee is charged as
// the fee. tokens ≤ 0 trades nothing.
func Sell[C Curve](c C, s, tokens, fee float64) Trade {
	tokens = min(tokens, s)
	if tokens <= 0 {
		return Trade{}
	}
	gross := c.SellReturn(s, tokens)
	return Trade{Tokens: tokens, Reserve: gross, Fee: float64(gross * fee)}
}

// Fixed returns a curve input that is always c.
func Fixed[C Curve](c C) func(*gds.Ctx) C { return func(*gds.Ctx) C { return c } }

// PriceUpdate returns the update that sets x to the curve's price at the
// supply: x ← Price(supply). It panics (a *gds.BlockError in a run) if the
// supply is negative or NaN.
func PriceUpdate[C Curve](x gds.Float, curve func(*gds.Ctx) C, supply blocks.Input) gds.Block {
	return x.Update(func(c *gds.Ctx) float64 {
		cv := curve(c)
		return cv.Price(checkSupply(supply(c)))
	})
}

// ReserveUpdate returns the update that sets x to the reserve backing the
// supply: x ← Reserve(supply) = ∫₀^supply Price.
func ReserveUpdate[C Curve](x gds.Float, curve func(*gds.Ctx) C, supply blocks.Input) gds.Block {
	return x.Update(func(c *gds.Ctx) float64 {
		cv := curve(c)
		return cv.Reserve(checkSupply(supply(c)))
	})
}

// BuyPolicy returns the policy that spends spend (reserve asset) on the
// curve at supply with a fee rate (see Buy) and emits the tokens minted
// and the reserve paid in. The model adds them to its supply and reserve;
// the buyer pays spend, of which spend·fee is the fee.
func BuyPolicy[C Curve](name string, curve func(*gds.Ctx) C, supply, spend, fee blocks.Input, minted, reserveIn gds.FloatSignal) gds.Block {
	return gds.Policy(name, func(c *gds.Ctx) {
		cv := curve(c)
		s := checkSupply(supply(c))
		amount, f := spend(c), checkFee(fee(c))
		t := Buy(cv, s, amount, f)
		minted.Emit(c, t.Tokens)
		reserveIn.Emit(c, t.Reserve)
	}).Emits(minted, reserveIn)
}

// SellPolicy returns the policy that burns tokens (at most the supply) on
// the curve with a fee rate (see Sell) and emits the tokens burned and the
// reserve paid out. The model subtracts them from its supply and reserve;
// the seller receives reserve_out·(1 − fee).
func SellPolicy[C Curve](name string, curve func(*gds.Ctx) C, supply, tokens, fee blocks.Input, burned, reserveOut gds.FloatSignal) gds.Block {
	return gds.Policy(name, func(c *gds.Ctx) {
		cv := curve(c)
		s := checkSupply(supply(c))
		amount, f := tokens(c), checkFee(fee(c))
		t := Sell(cv, s, amount, f)
		burned.Emit(c, t.Tokens)
		reserveOut.Emit(c, t.Reserve)
	}).Emits(burned, reserveOut)
}

func checkSupply(s float64) float64 {
	if !(s >= 0) {
		panic(fmt.Errorf("curve: supply must be >= 0, got %v", s))
	}
	return s
}

func checkFee(f float64) float64 {
	if !(f >= 0 && f < 1) {
		panic(fmt.Errorf("curve: fee must be in [0, 1), got %v", f))
	}
	return f
}
