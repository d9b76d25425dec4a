// Command customblock shows how to extend Statecraft without forking it:
// a small main package registers its own block, "example.logistic", and
// hands over to the statecraft command line. Model files can then use the
// block by name, like the built-in ones:
//
//	go run ./examples/customblock run examples/customblock/experiment.toml
//	go run ./examples/customblock describe examples/customblock/experiment.toml
package main

import (
	"os"

	"github.com/statecraft/statecraft/blocks"
	"github.com/statecraft/statecraft/cli"
	"github.com/statecraft/statecraft/gds"
)

// Logistic returns the update that grows x logistically towards capacity
// k at rate r: x ← x + r·x·(1 − x/k)·dt.
func Logistic(x gds.Float, r, k, dt blocks.Input) gds.Block {
	return x.Update(func(c *gds.Ctx) float64 {
		v := x.Get(c)
		growth := float64(r(c)*v) * float64(1-v/k(c))
		return v + float64(growth*dt(c))
	})
}

func register() error {
	return blocks.Register(blocks.Def{
		Name:   "example.logistic",
		Doc:    "logistic growth: x ← x + r·x·(1 − x/k)·dt",
		Target: gds.KindFloat,
		Args: []blocks.Arg{
			{Name: "r", Kind: gds.KindFloat, Doc: "growth rate"},
			{Name: "k", Kind: gds.KindFloat, Doc: "carrying capacity"},
			{Name: "dt", Kind: gds.KindFloat, Default: "1.0", Doc: "time step"},
		},
		New: func(b *blocks.Binding) (gds.Block, error) {
			return Logistic(b.TargetFloat, b.Float("r"), b.Float("k"), b.Float("dt")), nil
		},
	})
}

// run registers the block and runs the CLI with args.
func run(args []string) int {
	if err := register(); err != nil {
		os.Stderr.WriteString(err.Error() + "\n")
		return cli.ExitFailure
	}
	return cli.Main(args, os.Stdout, os.Stderr)
}

func main() { os.Exit(run(os.Args[1:])) }
