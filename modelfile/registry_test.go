package modelfile_test

import (
	"context"
	"errors"
	"testing"

	"github.com/statecraft/statecraft/blocks"
	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/modelfile"

	_ "github.com/statecraft/statecraft/blocks/all"
)

const rampModel = `
[variables]
x = 1.0
[params]
slope = 0.5
[[psubs]]
  [psubs.updates]
  x = { use = "process.ramp", args = { slope = "slope" } }
`

// TestCompilerBlocks: a Compiler uses the registry it is given. A block
// registered into a fresh registry compiles and runs there, and the same
// file fails with blocks.Default, which does not know the block.
func TestCompilerBlocks(t *testing.T) {
	reg := blocks.NewRegistry()
	reg.MustRegister(blocks.Def{
		Name:   "process.ramp",
		Doc:    "a linear trend: x ← x + slope",
		Target: gds.KindFloat,
		Args:   []blocks.Arg{{Name: "slope", Kind: gds.KindFloat, Doc: "change per timestep"}},
		New: func(b *blocks.Binding) (gds.Block, error) {
			x, slope := b.TargetFloat, b.Float("slope")
			return x.Update(func(c *gds.Ctx) float64 { return x.Get(c) + slope(c) }), nil
		},
	})
	m, err := modelfile.Compiler{Blocks: reg}.Parse("ramp.toml", []byte(rampModel))
	if err != nil {
		t.Fatal(err)
	}
	var xs []float64
	rec := recFunc(func(r *gds.Row) { xs = append(xs, r.Floats()[0]) })
	if err := m.NewEngine().Run(context.Background(), &gds.Job{Run: 1, Timesteps: 3}, rec); err != nil {
		t.Fatal(err)
	}
	if len(xs) != 4 || xs[3] != 2.5 {
		t.Errorf("x = %v, want 1, 1.5, 2, 2.5", xs)
	}

	const want = `ramp.toml:8: key "psubs.0.updates.x.use": unknown block "process.ramp" (did you mean "process.jump"?)`
	for name, c := range map[string]modelfile.Compiler{"zero Compiler": {}, "blocks.Default": {Blocks: blocks.Default}} {
		_, err := c.Parse("ramp.toml", []byte(rampModel))
		var e *modelfile.Error
		if !errors.As(err, &e) || err.Error() != want {
			t.Errorf("%s: err = %v, want %q", name, err, want)
		}
	}
	if _, err := modelfile.Parse("ramp.toml", []byte(rampModel)); err == nil {
		t.Error("modelfile.Parse found a block registered elsewhere")
	}
}
