package growth

import (
	"github.com/statecraft/statecraft/blocks"
	"github.com/statecraft/statecraft/gds"
)

func init() {
	blocks.MustRegister(blocks.Def{
		Name:   "growth.saturating",
		Doc:    "growth rate rising with a ratio, with diminishing returns: min + (max − min)·(1 − 0.5^(ratio/tau)) (TokenSPICE annualMktsGrowthRate)",
		Target: gds.KindFloat,
		Args: []blocks.Arg{
			{Name: "ratio", Kind: gds.KindFloat, Doc: "the ratio the rate rises with (wsloop: the month's R&D spending / network revenue)"},
			{Name: "min", Kind: gds.KindFloat, Default: "-0.118", Doc: "the rate at ratio 0 (wsloop: −11.8%)"},
			{Name: "max", Kind: gds.KindFloat, Default: "0.415", Doc: "the rate approached as the ratio grows (wsloop: 41.5%)"},
			{Name: "tau", Kind: gds.KindFloat, Default: "0.6", Doc: "the ratio at which half of max − min is reached, > 0 (wsloop: 0.6)"},
		},
		New: func(b *blocks.Binding) (gds.Block, error) {
			return SaturatingUpdate(b.TargetFloat, b.Float("ratio"), b.Float("min"), b.Float("max"), b.Float("tau")), nil
		},
	})
	stepArgs := []blocks.Arg{
		{Name: "rate", Kind: gds.KindFloat, Doc: "the annual rate (0.05: 5% a year)"},
		{Name: "per_year", Kind: gds.KindFloat, Default: "365.0", Doc: "timesteps per year (365: daily)"},
		{Name: "compounding", Kind: gds.KindString, Default: `"effective"`, Doc: `"effective": (1 + rate)^(1/per_year) − 1 per step; "nominal": rate/per_year per step`},
	}
	blocks.MustRegister(blocks.Def{
		Name:   "growth.step_rate",
		Doc:    "the rate per timestep of an annual rate: (1 + rate)^(1/per_year) − 1, or rate/per_year (nominal)",
		Target: gds.KindFloat,
		Args:   stepArgs,
		New: func(b *blocks.Binding) (gds.Block, error) {
			rate, perYear, comp := b.Float("rate"), b.Float("per_year"), b.String("compounding")
			x := b.TargetFloat
			return x.Update(func(c *gds.Ctx) float64 { return stepRate(c, rate, perYear, compounding(c, comp)) }), nil
		},
	})
	blocks.MustRegister(blocks.Def{
		Name:   "growth.compound",
		Doc:    "grows by an annual rate over one timestep: x ← x·(1 + step rate)",
		Target: gds.KindFloat,
		Args:   stepArgs,
		New: func(b *blocks.Binding) (gds.Block, error) {
			rate, perYear, comp := b.Float("rate"), b.Float("per_year"), b.String("compounding")
			x := b.TargetFloat
			return x.Update(func(c *gds.Ctx) float64 {
				r := stepRate(c, rate, perYear, compounding(c, comp))
				return float64(x.Get(c) * (1 + r))
			}), nil
		},
	})
}

// compounding reads a compounding argument; it panics on an unknown name.
func compounding(c *gds.Ctx, s blocks.StringInput) Compounding {
	k, err := ParseCompounding(s(c))
	if err != nil {
		panic(err)
	}
	return k
}
