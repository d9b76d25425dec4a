package models_test

import (
	"fmt"

	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/models"
)

// A Registry of one's own, and a Resolver that finds models in it; model
// files resolve relative to a directory, embedded ones in the embedded
// tree.
func ExampleResolver() {
	reg := models.NewRegistry()
	err := reg.Register(models.Entry{Name: "counter", Doc: "counts timesteps", Build: func() (*gds.Model, error) {
		b := gds.NewBuilder("counter")
		n := b.Int("n", 0)
		b.PSUB("count", n.Update(func(c *gds.Ctx) int64 { return n.Get(c) + 1 }))
		return b.Build()
	}})
	if err != nil {
		fmt.Println(err)
		return
	}
	r := &models.Resolver{Registry: reg}
	for _, ref := range []models.Ref{
		{Name: "counter"},
		{Name: "../models/predator_prey.toml", Dir: "configs", Embedded: true},
		{Name: "predator_prey"}, // registered in models.Default, not in reg
	} {
		m, err := r.Resolve(ref)
		if err != nil {
			fmt.Println("error:", err)
			continue
		}
		fmt.Println(m.Name(), len(m.Vars()), "variables")
	}
	// Output:
	// counter 1 variables
	// predator_prey 2 variables
	// error: unknown model "predator_prey" (registered: [counter])
}
