package process

import (
	"github.com/statecraft/statecraft/blocks"
	"github.com/statecraft/statecraft/gds"
)

// nonNegative checks volatilities, rates and time steps: a negative one
// would make a process draw from no distribution.
var nonNegative = blocks.AtLeast(0)

func init() {
	blocks.MustRegister(blocks.Def{
		Name:   "process.gbm",
		Doc:    "geometric Brownian motion: x ← x·exp((mu − sigma²/2)·dt + sigma·√dt·Z)",
		Target: gds.KindFloat,
		Args: []blocks.Arg{
			{Name: "mu", Kind: gds.KindFloat, Default: "0.0", Doc: "drift per unit time"},
			{Name: "sigma", Kind: gds.KindFloat, Doc: "volatility per √time", Check: nonNegative},
			{Name: "dt", Kind: gds.KindFloat, Default: "1.0", Doc: "time step", Check: nonNegative},
		},
		New: func(b *blocks.Binding) (gds.Block, error) {
			return GBM(b.TargetFloat, b.Float("mu"), b.Float("sigma"), b.Float("dt")), nil
		},
	})
	blocks.MustRegister(blocks.Def{
		Name:   "process.ou",
		Doc:    "Ornstein-Uhlenbeck: x ← x + theta·(mu − x)·dt + sigma·√dt·Z",
		Target: gds.KindFloat,
		Args: []blocks.Arg{
			{Name: "theta", Kind: gds.KindFloat, Doc: "rate of mean reversion", Check: nonNegative},
			{Name: "mu", Kind: gds.KindFloat, Doc: "long-run mean"},
			{Name: "sigma", Kind: gds.KindFloat, Doc: "volatility per √time", Check: nonNegative},
			{Name: "dt", Kind: gds.KindFloat, Default: "1.0", Doc: "time step", Check: nonNegative},
		},
		New: func(b *blocks.Binding) (gds.Block, error) {
			return OU(b.TargetFloat, b.Float("theta"), b.Float("mu"), b.Float("sigma"), b.Float("dt")), nil
		},
	})
	blocks.MustRegister(blocks.Def{
		Name:   "process.jump",
		Doc:    "Merton jump diffusion: x ← x·exp((mu − sigma²/2 − lambda·k)·dt + sigma·√dt·Z + J), J the log sizes of Poisson(lambda·dt) jumps, each N(jump_mu, jump_sigma²)",
		Target: gds.KindFloat,
		Args: []blocks.Arg{
			{Name: "mu", Kind: gds.KindFloat, Default: "0.0", Doc: "expected growth rate per unit time (jumps compensated)"},
			{Name: "sigma", Kind: gds.KindFloat, Doc: "diffusion volatility per √time", Check: nonNegative},
			{Name: "lambda", Kind: gds.KindFloat, Doc: "jumps per unit time (>= 0)", Check: nonNegative},
			{Name: "jump_mu", Kind: gds.KindFloat, Doc: "mean of a jump's log size"},
			{Name: "jump_sigma", Kind: gds.KindFloat, Doc: "standard deviation of a jump's log size", Check: nonNegative},
			{Name: "dt", Kind: gds.KindFloat, Default: "1.0", Doc: "time step", Check: nonNegative},
		},
		New: func(b *blocks.Binding) (gds.Block, error) {
			return Jump(b.TargetFloat, b.Float("mu"), b.Float("sigma"), b.Float("lambda"),
				b.Float("jump_mu"), b.Float("jump_sigma"), b.Float("dt")), nil
		},
	})
	blocks.MustRegister(blocks.Def{
		Name:   "process.regime",
		Doc:    "regime multiplier: x ← base·Π mult[i] over the windows from[i] <= t < to[i]",
		Target: gds.KindFloat,
		Args: []blocks.Arg{
			{Name: "base", Kind: gds.KindFloat, Default: "1.0", Doc: "value outside every window (e.g. the base drift)"},
			{Name: "from", Kind: gds.KindVec, Doc: "first timestep of each window"},
			{Name: "to", Kind: gds.KindVec, Doc: "timestep after the last of each window"},
			{Name: "mult", Kind: gds.KindVec, Doc: "multiplier of each window (empty: 1)"},
		},
		New: func(b *blocks.Binding) (gds.Block, error) {
			return RegimeMultiplier(b.TargetFloat, b.Float("base"), b.Vec("from"), b.Vec("to"), b.Vec("mult")), nil
		},
	})
	blocks.MustRegister(blocks.Def{
		Name:   "process.shock",
		Doc:    "one-off shocks: x ← x·(1 + size[i]) at timestep at[i], unchanged otherwise",
		Target: gds.KindFloat,
		Args: []blocks.Arg{
			{Name: "at", Kind: gds.KindVec, Doc: "timestep of each shock (whole numbers)"},
			{Name: "size", Kind: gds.KindVec, Doc: "relative size of each shock (>= -1; -0.3 is a 30% fall)"},
		},
		New: func(b *blocks.Binding) (gds.Block, error) {
			return ShockAt(b.TargetFloat, b.Vec("at"), b.Vec("size")), nil
		},
	})
	blocks.MustRegister(blocks.Def{
		Name:   "process.regime_gbm",
		Doc:    "GBM with regime windows: mu and sigma scaled by the active windows' drift and vol multipliers, shock[i] applied at from[i]",
		Target: gds.KindFloat,
		Args: []blocks.Arg{
			{Name: "mu", Kind: gds.KindFloat, Default: "0.0", Doc: "base drift per unit time"},
			{Name: "sigma", Kind: gds.KindFloat, Doc: "base volatility per √time", Check: nonNegative},
			{Name: "dt", Kind: gds.KindFloat, Default: "1.0", Doc: "time step", Check: nonNegative},
			{Name: "from", Kind: gds.KindVec, Doc: "first timestep of each window"},
			{Name: "to", Kind: gds.KindVec, Doc: "timestep after the last of each window"},
			{Name: "drift", Kind: gds.KindVec, Default: "zeros(0)", Doc: "drift multiplier of each window (empty: 1)"},
			{Name: "vol", Kind: gds.KindVec, Default: "zeros(0)", Doc: "volatility multiplier of each window (empty: 1)"},
			{Name: "shock", Kind: gds.KindVec, Default: "zeros(0)", Doc: "relative jump at each window's first timestep (empty: none)"},
		},
		New: func(b *blocks.Binding) (gds.Block, error) {
			return RegimeGBM(b.TargetFloat, b.Float("mu"), b.Float("sigma"), b.Float("dt"),
				b.Vec("from"), b.Vec("to"), b.Vec("drift"), b.Vec("vol"), b.Vec("shock")), nil
		},
	})
}
