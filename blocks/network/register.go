package network

import (
	"github.com/statecraft/statecraft/blocks"
	"github.com/statecraft/statecraft/gds"
)

// The family's mechanisms work on graph variables, which model files do
// not declare yet; what is registered here are the estimates that need
// none.
func init() {
	blocks.MustRegister(blocks.Def{
		Name:   "network.availability",
		Doc:    "long-run share of nodes up under random failures: (1−rate)/(1−rate+rate·recovery)",
		Target: gds.KindFloat,
		Args: []blocks.Arg{
			{Name: "rate", Kind: gds.KindFloat, Doc: "per-timestep probability that an up node fails, in [0, 1]"},
			{Name: "recovery", Kind: gds.KindFloat, Default: "1.0", Doc: "mean timesteps a failure lasts (at least 1)"},
		},
		New: func(b *blocks.Binding) (gds.Block, error) {
			return AvailabilityUpdate(b.TargetFloat, b.Float("rate"), b.Float("recovery")), nil
		},
	})
	blocks.MustRegister(blocks.Def{
		Name:   "network.expected_coverage",
		Doc:    "mean-field share of n nodes a push gossip has informed after rounds rounds, from one node",
		Target: gds.KindFloat,
		Args: []blocks.Arg{
			{Name: "n", Kind: gds.KindInt, Doc: "nodes, all reaching each other"},
			{Name: "fanout", Kind: gds.KindInt, Default: "1", Doc: "pushes per informed node per round (0: to all)"},
			{Name: "loss", Kind: gds.KindFloat, Default: "0.0", Doc: "probability a push is lost"},
			{Name: "rounds", Kind: gds.KindInt, Doc: "rounds so far (t, for one round per timestep)"},
		},
		New: func(b *blocks.Binding) (gds.Block, error) {
			return ExpectedCoverageUpdate(b.TargetFloat, b.Int("n"), b.Int("fanout"), b.Float("loss"), b.Int("rounds")), nil
		},
	})
}
