package agent

import (
	"github.com/statecraft/statecraft/blocks"
	"github.com/statecraft/statecraft/gds"
)

func init() {
	args := []blocks.Arg{
		{Name: "shares", Kind: gds.KindVec, Doc: "relative shares of the types, in type order"},
		{Name: "index", Kind: gds.KindInt, Doc: "the type counted, 0-based"},
		{Name: "initial", Kind: gds.KindInt, Default: "0", Doc: "agents entering at timestep 1"},
		{Name: "every", Kind: gds.KindInt, Doc: "a wave enters every this many timesteps"},
		{Name: "count", Kind: gds.KindInt, Doc: "agents per wave"},
	}
	plan := func(b *blocks.Binding) Plan {
		return Plan{Initial: b.Int("initial"), Every: b.Int("every"), Count: b.Int("count")}
	}
	blocks.MustRegister(blocks.Def{
		Name:   "agent.count",
		Doc:    "agents of one type entered so far under an entry schedule that keeps the shares (quota method)",
		Target: gds.KindInt,
		Args:   args,
		New: func(b *blocks.Binding) (gds.Block, error) {
			return Count(b.Builder, b.TargetInt, b.Vec("shares"), b.Int("index"), plan(b)), nil
		},
	})
	blocks.MustRegister(blocks.Def{
		Name:   "agent.entering",
		Doc:    "agents of one type entering at this timestep under an entry schedule that keeps the shares",
		Target: gds.KindInt,
		Args:   args,
		New: func(b *blocks.Binding) (gds.Block, error) {
			return Entering(b.Builder, b.TargetInt, b.Vec("shares"), b.Int("index"), plan(b)), nil
		},
	})
}
