package breaker

import (
	"github.com/statecraft/statecraft/blocks"
	"github.com/statecraft/statecraft/gds"
)

func init() {
	blocks.MustRegister(blocks.Def{
		Name:   "breaker.price_crash",
		Doc:    "steps left of a halt: duration when price ≤ (1 − threshold)·max(window), else one less (FTNS: 40%)",
		Target: gds.KindInt,
		Args: []blocks.Arg{
			{Name: "price", Kind: gds.KindFloat, Doc: "the current price"},
			{Name: "window", Kind: gds.KindVec, Doc: "earlier prices, oldest first (metric.window)"},
			{Name: "threshold", Kind: gds.KindFloat, Default: "0.4", Doc: "drop that triggers (FTNS: 0.4)"},
			{Name: "duration", Kind: gds.KindInt, Doc: "steps the halt lasts"},
		},
		New: func(b *blocks.Binding) (gds.Block, error) {
			return CrashUpdate(b.TargetInt, b.Float("price"), b.Vec("window"), b.Float("threshold"), b.Int("duration")), nil
		},
	})
	blocks.MustRegister(blocks.Def{
		Name:   "breaker.volume_spike",
		Doc:    "steps left of a limit reduction: duration when volume ≥ factor·mean(window), else one less (FTNS: 5×)",
		Target: gds.KindInt,
		Args: []blocks.Arg{
			{Name: "volume", Kind: gds.KindFloat, Doc: "the current volume"},
			{Name: "window", Kind: gds.KindVec, Doc: "earlier volumes, oldest first (metric.window)"},
			{Name: "factor", Kind: gds.KindFloat, Default: "5.0", Doc: "multiple of the moving average that triggers (FTNS: 5)"},
			{Name: "min_history", Kind: gds.KindInt, Default: "1", Doc: "values the window must hold before the detector is armed"},
			{Name: "duration", Kind: gds.KindInt, Doc: "steps the limit reduction lasts"},
		},
		New: func(b *blocks.Binding) (gds.Block, error) {
			return SpikeUpdate(b.TargetInt, b.Float("volume"), b.Vec("window"), b.Float("factor"), b.Int("min_history"), b.Int("duration")), nil
		},
	})
}
