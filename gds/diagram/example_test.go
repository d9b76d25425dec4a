package diagram_test

import (
	"os"

	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/gds/diagram"
)

// Text describes a model's variables, parameters, signals and, per PSUB,
// what each block reads and writes.
func ExampleText() {
	b := gds.NewBuilder("growth")
	x := b.Float("x", 1, gds.Doc("the level"))
	rate := b.ParamFloat("rate", 0.1, "growth per step")
	dx := b.FloatSignal("dx", gds.Sum)
	b.PSUB("grow",
		gds.Policy("growth", func(c *gds.Ctx) { dx.Emit(c, rate.Get(c)*x.Get(c)) }),
		x.Update(func(c *gds.Ctx) float64 { return x.Get(c) + dx.Get(c) }),
	)
	m, err := b.Build()
	if err != nil {
		panic(err)
	}
	if err := diagram.Text(os.Stdout, m); err != nil {
		panic(err)
	}
	// Output:
	// model growth  hash 5e86e0741ad87b48
	// 1 PSUB, 2 blocks; 1 state variable, 1 parameter, 1 signal
	//
	// state variables
	//   x  float  1  the level
	//
	// parameters
	//   rate  float  0.1  growth per step
	//
	// signals
	//   dx  float  sum
	//
	// PSUB 1: grow
	//   policy growth
	//       reads    x
	//       params   rate
	//       emits    dx
	//   update x
	//       reads    x
	//       signals  dx
	//       writes   x
}
