package curve

import (
	"fmt"

	"github.com/statecraft/statecraft/blocks"
	"github.com/statecraft/statecraft/gds"
)

// spec is a curve of any shape chosen at run time, without boxing: the
// registered blocks build one per call from their arguments.
type spec struct {
	kind byte // 'l', 'p' or 'e'
	l    Linear
	p    Power
	e    Exponential
}

func newSpec(shape string, a, b, n float64) spec {
	var sp spec
	var err error
	switch shape {
	case "linear":
		sp.kind = 'l'
		sp.l, err = NewLinear(a, b)
	case "power":
		sp.kind = 'p'
		sp.p, err = NewPower(a, n)
	case "exponential":
		sp.kind = 'e'
		sp.e, err = NewExponential(a, b)
	default:
		err = fmt.Errorf("curve: unknown shape %q; want \"linear\", \"power\" or \"exponential\"", shape)
	}
	if err != nil {
		panic(err)
	}
	return sp
}

// Price is the price of the chosen shape.
func (c spec) Price(s float64) float64 {
	switch c.kind {
	case 'l':
		return c.l.Price(s)
	case 'p':
		return c.p.Price(s)
	}
	return c.e.Price(s)
}

// Reserve is the reserve of the chosen shape.
func (c spec) Reserve(s float64) float64 {
	switch c.kind {
	case 'l':
		return c.l.Reserve(s)
	case 'p':
		return c.p.Reserve(s)
	}
	return c.e.Reserve(s)
}

// BuyCost is the buy cost of the chosen shape.
func (c spec) BuyCost(s, d float64) float64 {
	switch c.kind {
	case 'l':
		return c.l.BuyCost(s, d)
	case 'p':
		return c.p.BuyCost(s, d)
	}
	return c.e.BuyCost(s, d)
}

// SellReturn is the sell return of the chosen shape.
func (c spec) SellReturn(s, d float64) float64 {
	switch c.kind {
	case 'l':
		return c.l.SellReturn(s, d)
	case 'p':
		return c.p.SellReturn(s, d)
	}
	return c.e.SellReturn(s, d)
}

// TokensFor is the inverse cost of the chosen shape.
func (c spec) TokensFor(s, r float64) float64 {
	switch c.kind {
	case 'l':
		return c.l.TokensFor(s, r)
	case 'p':
		return c.p.TokensFor(s, r)
	}
	return c.e.TokensFor(s, r)
}

// specInput reads the shape arguments of a registered block.
func specInput(b *blocks.Binding) func(*gds.Ctx) spec {
	shape, a, bb, n := b.String("shape"), b.Float("a"), b.Float("b"), b.Float("n")
	return func(c *gds.Ctx) spec {
		return newSpec(shape(c), a(c), bb(c), n(c)) // arguments left to right
	}
}

// shapeArgs are the arguments every registered curve block takes.
var shapeArgs = []blocks.Arg{
	{Name: "shape", Kind: gds.KindString, Default: `"linear"`, Doc: `"linear" (p = a + b·s), "power" (p = a·s^n) or "exponential" (p = a·e^(b·s))`},
	{Name: "a", Kind: gds.KindFloat, Doc: "price at supply 0 (linear, exponential) or coefficient (power)"},
	{Name: "b", Kind: gds.KindFloat, Default: "0.0", Doc: "slope (linear) or growth rate (exponential)"},
	{Name: "n", Kind: gds.KindFloat, Default: "1.0", Doc: "exponent (power)"},
}

func withArgs(extra ...blocks.Arg) []blocks.Arg {
	return append(append([]blocks.Arg(nil), shapeArgs...), extra...)
}

func init() {
	supply := blocks.Arg{Name: "supply", Kind: gds.KindFloat, Doc: "token supply (>= 0)"}
	fee := blocks.Arg{Name: "fee", Kind: gds.KindFloat, Default: "0.0", Doc: "fee rate in [0, 1), kept outside the reserve"}
	blocks.MustRegister(blocks.Def{
		Name:   "curve.price",
		Doc:    "bonding-curve price at the supply: x ← p(supply)",
		Target: gds.KindFloat,
		Args:   withArgs(supply),
		New: func(b *blocks.Binding) (gds.Block, error) {
			return PriceUpdate(b.TargetFloat, specInput(b), b.Float("supply")), nil
		},
	})
	blocks.MustRegister(blocks.Def{
		Name:   "curve.reserve",
		Doc:    "reserve backing the supply: x ← ∫₀^supply p",
		Target: gds.KindFloat,
		Args:   withArgs(supply),
		New: func(b *blocks.Binding) (gds.Block, error) {
			return ReserveUpdate(b.TargetFloat, specInput(b), b.Float("supply")), nil
		},
	})
	blocks.MustRegister(blocks.Def{
		Name:   "curve.buy",
		Doc:    "spend on the curve: emits the tokens minted and the reserve paid in (spend minus the fee)",
		Policy: true,
		Args: withArgs(supply,
			blocks.Arg{Name: "spend", Kind: gds.KindFloat, Doc: "reserve asset spent, fee included (<= 0: no trade)"},
			fee,
			blocks.Arg{Name: "minted", Kind: gds.KindFloat, Output: true, Doc: "signal: tokens minted"},
			blocks.Arg{Name: "reserve_in", Kind: gds.KindFloat, Output: true, Doc: "signal: reserve paid in, ∫ p over the tokens minted"},
		),
		New: func(b *blocks.Binding) (gds.Block, error) {
			return BuyPolicy(b.Name, specInput(b), b.Float("supply"), b.Float("spend"), b.Float("fee"),
				b.FloatSignal("minted"), b.FloatSignal("reserve_in")), nil
		},
	})
	blocks.MustRegister(blocks.Def{
		Name:   "curve.sell",
		Doc:    "sell tokens to the curve: emits the tokens burned and the reserve paid out (the seller gets it minus the fee)",
		Policy: true,
		Args: withArgs(supply,
			blocks.Arg{Name: "tokens", Kind: gds.KindFloat, Doc: "tokens sold, at most the supply (<= 0: no trade)"},
			fee,
			blocks.Arg{Name: "burned", Kind: gds.KindFloat, Output: true, Doc: "signal: tokens burned"},
			blocks.Arg{Name: "reserve_out", Kind: gds.KindFloat, Output: true, Doc: "signal: reserve paid out, ∫ p over the tokens burned"},
		),
		New: func(b *blocks.Binding) (gds.Block, error) {
			return SellPolicy(b.Name, specInput(b), b.Float("supply"), b.Float("tokens"), b.Float("fee"),
				b.FloatSignal("burned"), b.FloatSignal("reserve_out")), nil
		},
	})
}
