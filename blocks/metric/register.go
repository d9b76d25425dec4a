package metric

import (
	"github.com/statecraft/statecraft/blocks"
	"github.com/statecraft/statecraft/gds"
)

func init() {
	blocks.MustRegister(blocks.Def{
		Name:   "metric.gini",
		Doc:    "Gini coefficient of a vector of holdings (0 equal, (n-1)/n concentrated)",
		Target: gds.KindFloat,
		Args:   []blocks.Arg{{Name: "of", Kind: gds.KindVec, Doc: "the holdings"}},
		New: func(b *blocks.Binding) (gds.Block, error) {
			return GiniUpdate(b.Builder, b.TargetFloat, b.Vec("of")), nil
		},
	})

	of := blocks.Arg{Name: "of", Kind: gds.KindVec, Doc: "the holdings"}
	ddof := blocks.Arg{Name: "ddof", Kind: gds.KindInt, Default: "0", Doc: "delta degrees of freedom: divide by n − ddof (0: numpy's default; 1: sample)"}
	blocks.MustRegister(blocks.Def{
		Name:   "metric.hhi",
		Doc:    "Herfindahl-Hirschman index: Σ (v[i]/Σv)², 1/n equal to 1 concentrated",
		Target: gds.KindFloat,
		Args:   []blocks.Arg{of},
		New: func(b *blocks.Binding) (gds.Block, error) {
			return HHIUpdate(b.TargetFloat, b.Vec("of")), nil
		},
	})
	blocks.MustRegister(blocks.Def{
		Name:   "metric.quantile",
		Doc:    "q-quantile of a vector, linear interpolation (numpy's default)",
		Target: gds.KindFloat,
		Args: []blocks.Arg{
			{Name: "of", Kind: gds.KindVec, Doc: "the values"},
			{Name: "q", Kind: gds.KindFloat, Doc: "quantile in [0, 1] (0.5: the median)"},
		},
		New: func(b *blocks.Binding) (gds.Block, error) {
			return QuantileUpdate(b.Builder, b.TargetFloat, b.Vec("of"), b.Float("q")), nil
		},
	})
	blocks.MustRegister(blocks.Def{
		Name:   "metric.participation",
		Doc:    "participation rate: the share of the entries above threshold (active / total)",
		Target: gds.KindFloat,
		Args: []blocks.Arg{
			{Name: "of", Kind: gds.KindVec, Doc: "activity per agent (e.g. volume traded)"},
			{Name: "threshold", Kind: gds.KindFloat, Default: "0.0", Doc: "an entry above it is active"},
		},
		New: func(b *blocks.Binding) (gds.Block, error) {
			return ParticipationUpdate(b.TargetFloat, b.Vec("of"), b.Float("threshold")), nil
		},
	})
	blocks.MustRegister(blocks.Def{
		Name:   "metric.variance",
		Doc:    "variance of a series, or of its log returns",
		Target: gds.KindFloat,
		Args: []blocks.Arg{
			{Name: "of", Kind: gds.KindVec, Doc: "the series (e.g. a metric.window)"},
			ddof,
			{Name: "returns", Kind: gds.KindBool, Default: "false", Doc: "of the log returns log(v[i]/v[i−1]) instead of the values"},
		},
		New: func(b *blocks.Binding) (gds.Block, error) {
			return VarianceUpdate(b.TargetFloat, b.Vec("of"), b.Int("ddof"), b.Bool("returns")), nil
		},
	})
	blocks.MustRegister(blocks.Def{
		Name:   "metric.volatility",
		Doc:    "volatility: standard deviation of the log returns of a series (or of the series)",
		Target: gds.KindFloat,
		Args: []blocks.Arg{
			{Name: "of", Kind: gds.KindVec, Doc: "the series of prices (e.g. a metric.window)"},
			ddof,
			{Name: "returns", Kind: gds.KindBool, Default: "true", Doc: "of the log returns (true) or of the values (false)"},
		},
		New: func(b *blocks.Binding) (gds.Block, error) {
			return VolatilityUpdate(b.TargetFloat, b.Vec("of"), b.Int("ddof"), b.Bool("returns")), nil
		},
	})
	blocks.MustRegister(blocks.Def{
		Name:   "metric.velocity",
		Doc:    "velocity: volume over a window / average holdings over it",
		Target: gds.KindFloat,
		Args: []blocks.Arg{
			{Name: "volume", Kind: gds.KindVec, Doc: "volume per step over the window"},
			{Name: "holdings", Kind: gds.KindVec, Doc: "holdings (e.g. supply) per step over the window"},
		},
		New: func(b *blocks.Binding) (gds.Block, error) {
			return VelocityUpdate(b.TargetFloat, b.Vec("volume"), b.Vec("holdings")), nil
		},
	})
	blocks.MustRegister(blocks.Def{
		Name:   "metric.window",
		Doc:    "rolling window: the vector of the last n values of a float (appends of, drops the oldest)",
		Target: gds.KindVec,
		Args: []blocks.Arg{
			{Name: "of", Kind: gds.KindFloat, Doc: "the value to append"},
			{Name: "n", Kind: gds.KindInt, Doc: "window length (>= 1)"},
		},
		New: func(b *blocks.Binding) (gds.Block, error) {
			return WindowUpdate(b.TargetVec, b.Float("of"), b.Int("n")), nil
		},
	})
	blocks.MustRegister(blocks.Def{
		Name:   "metric.window_sum",
		Doc:    "rolling sum: the sum of the last n values of a window vector, leaving out the last skip",
		Target: gds.KindFloat,
		Args: []blocks.Arg{
			{Name: "of", Kind: gds.KindVec, Doc: "the window (a metric.window at least n + skip long)"},
			{Name: "n", Kind: gds.KindInt, Doc: "values summed (>= 1): 30 of daily values, a month"},
			{Name: "skip", Kind: gds.KindInt, Default: "0", Doc: "most recent values left out (>= 0): n = skip = 30, the month before the last"},
		},
		New: func(b *blocks.Binding) (gds.Block, error) {
			return WindowSumUpdate(b.TargetFloat, b.Vec("of"), b.Int("n"), b.Int("skip")), nil
		},
	})
}
