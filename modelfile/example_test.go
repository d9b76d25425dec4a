package modelfile_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/statecraft/statecraft/blocks"
	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/modelfile"
)

// printX is a Recorder that prints the float variable x of every row.
type printX struct{ m *gds.Model }

func (p printX) Record(r *gds.Row) error {
	for _, v := range p.m.Vars() {
		if v.Name == "x" {
			fmt.Printf("t=%d x=%.4g\n", r.Timestep, r.Floats()[v.Slot])
		}
	}
	return nil
}

// Compile a model file whose policy and update are expressions, and run
// it for three timesteps with a parameter set as a sweep would.
func Example() {
	const text = `
name = "growth"
[variables]
x = { type = "float", initial = 100.0, doc = "population" }
[params]
rate = { default = 0.1, min = 0.0 }
[signals]
births = "sum"
[[psubs]]
  [[psubs.policies]]
  name = "births"
  emit.births = "rate*x"
  [psubs.updates]
  x = "x + births"
`
	m, err := modelfile.Parse("growth.toml", []byte(text))
	if err != nil {
		fmt.Println(err)
		return
	}
	p := m.Defaults()
	if err := p.Set("rate", 0.5); err != nil {
		fmt.Println(err)
		return
	}
	job := &gds.Job{Run: 1, Timesteps: 3, Params: p}
	if err := m.NewEngine().Run(context.Background(), job, printX{m}); err != nil {
		fmt.Println(err)
	}
	// Output:
	// t=0 x=100
	// t=1 x=150
	// t=2 x=225
	// t=3 x=337.5
}

// A Compiler with a registry of its own compiles files that use its
// blocks; the package-level Parse and Load use blocks.Default.
func ExampleCompiler() {
	reg := blocks.NewRegistry()
	reg.MustRegister(blocks.Def{
		Name:   "example.decay",
		Doc:    "exponential decay: x ← x·(1 − rate)",
		Target: gds.KindFloat,
		Args:   []blocks.Arg{{Name: "rate", Kind: gds.KindFloat, Default: "0.1"}},
		New: func(b *blocks.Binding) (gds.Block, error) {
			x, rate := b.TargetFloat, b.Float("rate")
			return x.Update(func(c *gds.Ctx) float64 { return x.Get(c) * (1 - rate(c)) }), nil
		},
	})
	const text = `
[variables]
x = 8.0
[[psubs]]
  [psubs.updates]
  x = { use = "example.decay", args = { rate = 0.5 } }
`
	m, err := modelfile.Compiler{Blocks: reg}.Parse("decay.toml", []byte(text))
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := m.NewEngine().Run(context.Background(), &gds.Job{Run: 1, Timesteps: 2}, printX{m}); err != nil {
		fmt.Println(err)
	}
	// Output:
	// t=0 x=8
	// t=1 x=4
	// t=2 x=2
}

// Errors are located in the file: errors.As finds the *Error with its
// file, line and key.
func ExampleParse_error() {
	const text = `
[variables]
x = 1.0
[params]
rate = 0.1
[[psubs]]
  [psubs.updates]
  x = "x*(1.0 + rtae)"
`
	_, err := modelfile.Parse("typo.toml", []byte(text))
	var e *modelfile.Error
	if errors.As(err, &e) {
		fmt.Println(e.Line, e.Key)
		fmt.Println(err)
	}
	// Output:
	// 8 psubs.0.updates.x
	// typo.toml:8: key "psubs.0.updates.x": "x*(1.0 + rtae)": col 10: unknown name "rtae" (did you mean "rate"?)
}
