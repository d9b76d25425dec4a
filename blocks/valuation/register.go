package valuation

import (
	"github.com/statecraft/statecraft/blocks"
	"github.com/statecraft/statecraft/gds"
)

func init() {
	blocks.MustRegister(blocks.Def{
		Name:   "valuation.price_to_sales",
		Doc:    "valuation by a price-to-sales multiple: revenue·ratio, revenue the last year's (TokenSPICE fundamentalsValuation)",
		Target: gds.KindFloat,
		Args: []blocks.Arg{
			{Name: "revenue", Kind: gds.KindFloat, Doc: "the annual revenue: the sales of the last year (a metric.window_sum)"},
			{Name: "ratio", Kind: gds.KindFloat, Default: "30.0", Doc: "the price-to-sales multiple, >= 0 (wsloop: 30)"},
		},
		New: func(b *blocks.Binding) (gds.Block, error) {
			return PriceToSalesUpdate(b.TargetFloat, b.Float("revenue"), b.Float("ratio")), nil
		},
	})
	blocks.MustRegister(blocks.Def{
		Name:   "valuation.overall",
		Doc:    "overall valuation: max(fundamentals, speculation) (TokenSPICE overallValuation)",
		Target: gds.KindFloat,
		Args: []blocks.Arg{
			{Name: "fundamentals", Kind: gds.KindFloat, Doc: "the fundamental valuation (e.g. a valuation.price_to_sales)"},
			{Name: "speculation", Kind: gds.KindFloat, Default: "0.0", Doc: "the speculative valuation"},
		},
		New: func(b *blocks.Binding) (gds.Block, error) {
			return OverallUpdate(b.TargetFloat, b.Float("fundamentals"), b.Float("speculation")), nil
		},
	})
	blocks.MustRegister(blocks.Def{
		Name:   "valuation.token_price",
		Doc:    "token price: valuation/supply (TokenSPICE OCEANprice)",
		Target: gds.KindFloat,
		Args: []blocks.Arg{
			{Name: "valuation", Kind: gds.KindFloat, Doc: "the valuation of the network"},
			{Name: "supply", Kind: gds.KindFloat, Doc: "the token supply, > 0"},
		},
		New: func(b *blocks.Binding) (gds.Block, error) {
			return TokenPriceUpdate(b.TargetFloat, b.Float("valuation"), b.Float("supply")), nil
		},
	})
}
