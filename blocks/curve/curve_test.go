package curve_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/statecraft/statecraft/blocks/curve"
)

// Tolerances. The closed forms are accurate to a few units in the last
// place (about 1e-16 relative) of the quantity itself; comparisons between
// two different closed forms of the same integral, or a closed form and its
// inverse, allow 1e-12 relative, which leaves room for the condition of
// exp, log and pow at large arguments. Quadrature checks allow 1e-10. The
// reserve invariant over a long sequence of trades is checked to 1e-9 of
// the largest reserve reached (the error is absolute: a few ulps of the
// reserve per trade, which stays far below 1e-9 over the 2000 trades).
const (
	tolForm  = 1e-12
	tolQuad  = 1e-10
	tolTrade = 1e-9
)

func near(got, want, rel float64) bool {
	if got == want {
		return true
	}
	return math.Abs(got-want) <= rel*math.Max(math.Abs(want), math.Abs(got))
}

// curves are the test cases: every shape, including the degenerate
// constant-price ones.
var curves = []struct {
	name string
	c    curve.Curve
}{
	{"linear", curve.Linear{A: 1, B: 0.01}},
	{"linear_from_zero", curve.Linear{A: 0, B: 2}},
	{"linear_constant", curve.Linear{A: 3, B: 0}},
	{"power_quadratic", curve.Power{A: 0.001, N: 2}},
	{"power_sqrt", curve.Power{A: 5, N: 0.5}},
	{"power_constant", curve.Power{A: 2, N: 0}},
	{"exponential", curve.Exponential{A: 1, B: 0.001}},
	{"exponential_steep", curve.Exponential{A: 0.5, B: 0.05}},
	{"exponential_constant", curve.Exponential{A: 4, B: 0}},
	{"sigmoid_custom", sigmoid{A: 10, K: 0.05, M: 100}},
}

// sigmoid is a curve outside the package, p = A/(1 + e^(−K(s−M))), whose
// reserve has a closed form but whose inverse cost has none: it uses
// curve.Solve.
type sigmoid struct{ A, K, M float64 }

func (c sigmoid) Price(s float64) float64 { return c.A / (1 + math.Exp(-c.K*(s-c.M))) }

// softplus(x) = log(1 + e^x), computed without overflow.
func softplus(x float64) float64 {
	if x > 0 {
		return x + math.Log1p(math.Exp(-x))
	}
	return math.Log1p(math.Exp(x))
}

func (c sigmoid) Reserve(s float64) float64 {
	return c.A / c.K * (softplus(c.K*(s-c.M)) - softplus(-c.K*c.M))
}

// BuyCost is A/K·(softplus(y+δ) − softplus(y)) with y = K(s−M), δ = K·d;
// for δ < 1 it is written log1p(σ(y)·expm1(δ)), σ the logistic function,
// so that it does not cancel. SellReturn is BuyCost from s−d.
func (c sigmoid) BuyCost(s, d float64) float64 {
	y, delta := c.K*(s-c.M), c.K*d
	if delta < 1 {
		return c.A / c.K * math.Log1p(c.Price(s)/c.A*math.Expm1(delta))
	}
	return c.A / c.K * (softplus(y+delta) - softplus(y))
}
func (c sigmoid) SellReturn(s, d float64) float64 { return c.BuyCost(s-d, d) }
func (c sigmoid) TokensFor(s, r float64) float64  { return curve.Solve(c, s, r) }

// quad integrates f over [a, a+d] with composite 16-point Gauss-Legendre
// on 64 panels after the substitution x = a + d·u², which removes the
// square-root singularity of Power{N: 0.5} at 0 and keeps the interval
// exactly [a, a+d] even when a+d is not representable.
func quad(f func(float64) float64, a, d float64) float64 {
	// Nodes and weights of 16 points on [−1, 1] (symmetric: ± each node).
	xs := []float64{0.0950125098376374, 0.2816035507792589, 0.4580167776572274, 0.6178762444026438,
		0.7554044083550030, 0.8656312023878318, 0.9445750230732326, 0.9894009349916499}
	ws := []float64{0.1894506104550685, 0.1826034150449236, 0.1691565193950025, 0.1495959888165767,
		0.1246289712555339, 0.0951585116824928, 0.0622535239386479, 0.0271524594117541}
	g := func(u float64) float64 { return f(a+d*u*u) * 2 * d * u }
	const panels = 64
	h := 1.0 / panels
	sum := 0.0
	for p := range panels {
		mid := (float64(p) + 0.5) * h
		for i, x := range xs {
			sum += ws[i] * (g(mid-x*h/2) + g(mid+x*h/2)) * h / 2
		}
	}
	return sum
}

var points = []struct{ s, d float64 }{
	{0, 1}, {0, 1e-6}, {1, 1}, {10, 0.001}, {100, 50}, {1000, 1e-9}, {250, 250}, {5000, 3000},
}

// TestIntegrals: Reserve, BuyCost and SellReturn are the integrals of
// Price (checked by quadrature), and agree with differences of Reserve.
func TestIntegrals(t *testing.T) {
	for _, tc := range curves {
		c := tc.c
		for _, pt := range points {
			s, d := pt.s, pt.d
			if q := quad(c.Price, 0, s); !near(c.Reserve(s), q, tolQuad) {
				t.Errorf("%s: Reserve(%v) = %v, quadrature %v", tc.name, s, c.Reserve(s), q)
			}
			if q := quad(c.Price, s, d); !near(c.BuyCost(s, d), q, tolQuad) {
				t.Errorf("%s: BuyCost(%v, %v) = %v, quadrature %v", tc.name, s, d, c.BuyCost(s, d), q)
			}
			if d <= s {
				if q := quad(c.Price, s-d, d); !near(c.SellReturn(s, d), q, tolQuad) {
					t.Errorf("%s: SellReturn(%v, %v) = %v, quadrature %v", tc.name, s, d, c.SellReturn(s, d), q)
				}
			}
			// Differences of Reserve cancel for small d; compare only where
			// the difference keeps 1e-12 relative accuracy.
			if diff := c.Reserve(s+d) - c.Reserve(s); d >= 1e-3*math.Max(s, 1) && !near(c.BuyCost(s, d), diff, tolForm) {
				t.Errorf("%s: BuyCost(%v, %v) = %v, Reserve difference %v", tc.name, s, d, c.BuyCost(s, d), diff)
			}
		}
		if r := c.Reserve(0); r != 0 {
			t.Errorf("%s: Reserve(0) = %v", tc.name, r)
		}
	}
}

// TestTokensForInvertsBuyCost: TokensFor(s, BuyCost(s, Δ)) = Δ and
// BuyCost(s, TokensFor(s, r)) = r; the closed forms agree with Solve.
func TestTokensForInvertsBuyCost(t *testing.T) {
	for _, tc := range curves {
		c := tc.c
		for _, pt := range points {
			s, d := pt.s, pt.d
			cost := c.BuyCost(s, d)
			if got := c.TokensFor(s, cost); !near(got, d, tolForm) {
				t.Errorf("%s: TokensFor(%v, BuyCost(%v, %v) = %v) = %v", tc.name, s, s, d, cost, got)
			}
			for _, r := range []float64{1e-9, 0.5, 1, 1000, 1e6} {
				dd := c.TokensFor(s, r)
				if got := c.BuyCost(s, dd); !near(got, r, tolForm) {
					t.Errorf("%s: BuyCost(%v, TokensFor(%v, %v) = %v) = %v", tc.name, s, s, r, dd, got)
				}
				if got := curve.Solve(c, s, r); !near(got, dd, tolForm) {
					t.Errorf("%s: Solve(%v, %v) = %v, TokensFor %v", tc.name, s, r, got, dd)
				}
			}
		}
		if got := c.TokensFor(7, 0); got != 0 {
			t.Errorf("%s: TokensFor(7, 0) = %v", tc.name, got)
		}
	}
	if got := curve.Solve(curve.Linear{A: 1}, 0, math.NaN()); !math.IsNaN(got) {
		t.Errorf("Solve(NaN) = %v", got)
	}
	if got := curve.Solve(curve.Linear{A: 1}, 0, -3); got != 0 {
		t.Errorf("Solve(-3) = %v", got)
	}
}

// TestMonotone: the price does not decrease with supply; the cost of Δ
// tokens increases with Δ and with s; TokensFor increases with the spend
// and decreases with s.
func TestMonotone(t *testing.T) {
	for _, tc := range curves {
		c := tc.c
		prevP, prevCost := -1.0, -1.0
		for i := range 400 {
			s := float64(i) * 7.5
			if p := c.Price(s); p < prevP {
				t.Errorf("%s: Price(%v) = %v < Price before %v", tc.name, s, p, prevP)
			} else {
				prevP = p
			}
			if cost := c.BuyCost(s, 1); cost < prevCost {
				t.Errorf("%s: BuyCost(%v, 1) = %v < %v", tc.name, s, cost, prevCost)
			} else {
				prevCost = cost
			}
		}
		prevCost, prevTok := 0.0, 0.0
		for i := 1; i <= 400; i++ {
			d := float64(i) * 0.25
			if cost := c.BuyCost(50, d); !(cost > prevCost) {
				t.Errorf("%s: BuyCost(50, %v) = %v, not above %v", tc.name, d, cost, prevCost)
			} else {
				prevCost = cost
			}
			if tok := c.TokensFor(50, d); !(tok > prevTok) {
				t.Errorf("%s: TokensFor(50, %v) = %v, not above %v", tc.name, d, tok, prevTok)
			} else {
				prevTok = tok
			}
		}
	}
}

// TestRoundTrip: buying Δ tokens and selling them back returns what went
// into the reserve; the seller receives it minus the fee.
func TestRoundTrip(t *testing.T) {
	for _, tc := range curves {
		for _, fee := range []float64{0, 0.003, 0.1} {
			for _, pt := range points {
				s, d := pt.s, pt.d
				buy := curve.BuyTokens(tc.c, s, d, fee)
				sell := curve.Sell(tc.c, s+d, d, fee)
				if !near(sell.Reserve, buy.Reserve, tolForm) || !near(sell.Tokens, d, tolForm) {
					t.Errorf("%s fee %v: buy %v at %v put %v in, selling returns %v", tc.name, fee, d, s, buy.Reserve, sell.Reserve)
				}
				paid, got := buy.Reserve+buy.Fee, sell.Reserve-sell.Fee
				if want := buy.Reserve * (1 - fee); !near(got, want, tolForm) {
					t.Errorf("%s fee %v: seller receives %v, want cost·(1−fee) = %v", tc.name, fee, got, want)
				}
				if want := buy.Reserve / (1 - fee); !near(paid, want, tolForm) {
					t.Errorf("%s fee %v: buyer paid %v, want cost/(1−fee) = %v", tc.name, fee, paid, want)
				}
				// Buy with that spend mints the same tokens.
				if b2 := curve.Buy(tc.c, s, paid, fee); !near(b2.Tokens, d, tolForm) || !near(b2.Reserve, buy.Reserve, tolForm) {
					t.Errorf("%s fee %v: Buy(%v) = %+v, BuyTokens(%v) = %+v", tc.name, fee, paid, b2, d, buy)
				}
			}
		}
	}
}

// TestReserveInvariant runs 2000 random buys and sells, with fees, and
// checks after each that the reserve, accumulated trade by trade, equals
// Reserve(supply) (to tolTrade of the largest reserve reached, and of the
// current reserve while it is at least 1e-4 of that peak), and that
// every unit paid is in the reserve or the fees: no value is created or
// destroyed.
func TestReserveInvariant(t *testing.T) {
	for _, tc := range curves {
		for _, fee := range []float64{0, 0.01} {
			r := rand.New(rand.NewPCG(7, uint64(len(tc.name))))
			s, reserve, fees, paidIn, paidOut, peak, worst := 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0
			for i := range 2000 {
				var tr curve.Trade
				op := r.IntN(10)
				switch {
				case op < 6 || s == 0: // buy, spends over 8 orders of magnitude
					spend := math.Pow(10, r.Float64()*8-3)
					tr = curve.Buy(tc.c, s, spend, fee)
					if tr.Reserve+tr.Fee != spend {
						t.Fatalf("%s: spend %v split into reserve %v + fee %v", tc.name, spend, tr.Reserve, tr.Fee)
					}
					s += tr.Tokens
					reserve += tr.Reserve
					paidIn += spend
				case op < 9: // sell a fraction
					tr = curve.Sell(tc.c, s, s*r.Float64(), fee)
					s -= tr.Tokens
					reserve -= tr.Reserve
					paidOut += tr.Reserve - tr.Fee
				default: // sell everything
					tr = curve.Sell(tc.c, s, s, fee)
					s -= tr.Tokens
					reserve -= tr.Reserve
					paidOut += tr.Reserve - tr.Fee
					if s != 0 {
						t.Fatalf("%s: selling all left supply %v", tc.name, s)
					}
				}
				fees += tr.Fee
				peak = math.Max(peak, reserve)
				want := tc.c.Reserve(s)
				worst = math.Max(worst, math.Abs(reserve-want)/peak)
				// Relative to the current reserve too, unless most of the
				// supply was just sold (then the absolute error of the
				// larger reserve it came from dominates).
				if math.Abs(reserve-want) > tolTrade*peak || want > 1e-4*peak && !near(reserve, want, tolTrade) {
					t.Fatalf("%s fee %v: after trade %d: reserve %v, ∫ price to supply %v = %v (diff %.3g of peak %v)",
						tc.name, fee, i, reserve, s, want, (reserve-want)/peak, peak)
				}
			}
			t.Logf("%s fee %v: largest |reserve − ∫ price| / peak reserve: %.2g", tc.name, fee, worst)
			if bal := paidIn - paidOut - fees - reserve; math.Abs(bal) > tolTrade*paidIn {
				t.Errorf("%s fee %v: paid in %v, out %v, fees %v, reserve %v: %v unaccounted", tc.name, fee, paidIn, paidOut, fees, reserve, bal)
			}
		}
	}
}

// TestSellClamps: selling more than the supply burns the supply; selling
// or buying nothing trades nothing.
func TestSellClamps(t *testing.T) {
	c := curve.Power{A: 1, N: 2}
	if tr := curve.Sell(c, 10, 25, 0); tr.Tokens != 10 || tr.Reserve != c.Reserve(10) {
		t.Errorf("Sell(10, 25) = %+v, want all 10 tokens for %v", tr, c.Reserve(10))
	}
	for _, tr := range []curve.Trade{curve.Sell(c, 10, -1, 0.1), curve.Buy(c, 10, 0, 0.1), curve.Buy(c, 10, -5, 0), curve.BuyTokens(c, 3, 0, 0)} {
		if tr != (curve.Trade{}) {
			t.Errorf("empty trade = %+v", tr)
		}
	}
	if tr := curve.Buy(c, 10, math.NaN(), 0); !math.IsNaN(tr.Tokens) {
		t.Errorf("Buy(NaN) = %+v: a NaN spend must not vanish", tr)
	}
}

func TestConstructors(t *testing.T) {
	for _, tc := range []struct {
		shape   string
		a, b, n float64
		want    string // error substring, "" for valid
	}{
		{"linear", 1, 0.5, 0, ""},
		{"linear", 0, 0.5, 0, ""},
		{"linear", 0, 0, 0, "not both 0"},
		{"linear", -1, 1, 0, "a >= 0"},
		{"linear", 1, -1, 0, "b >= 0"},
		{"linear", math.Inf(1), 1, 0, "finite"},
		{"power", 1, 0, 2, ""},
		{"power", 0, 0, 2, "a > 0"},
		{"power", 1, 0, -0.5, "n >= 0"},
		{"power", 1, 0, math.NaN(), "finite"},
		{"exponential", 1, 0.1, 0, ""},
		{"exponential", 1, -0.1, 0, "b >= 0"},
		{"exponential", 0, 0.1, 0, "a > 0"},
		{"sigmoid", 1, 1, 1, "unknown shape"},
	} {
		c, err := curve.New(tc.shape, tc.a, tc.b, tc.n)
		name := fmt.Sprintf("New(%q, %v, %v, %v)", tc.shape, tc.a, tc.b, tc.n)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: %v", name, err)
		case tc.want == "" && c == nil:
			t.Errorf("%s: nil curve", name)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s: err = %v, want %q", name, err, tc.want)
		}
	}
	if c, _ := curve.New("power", 2, 9, 3); c != (curve.Power{A: 2, N: 3}) {
		t.Errorf("New(power) = %#v", c)
	}
}
