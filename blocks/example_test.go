package blocks_test

import (
	"fmt"

	"github.com/statecraft/statecraft/blocks"
	"github.com/statecraft/statecraft/gds"
)

// A program registers its own block, here into a registry of its own
// (blocks.Register would add it to blocks.Default), and lists it.
func Example() {
	reg := blocks.NewRegistry()
	reg.MustRegister(blocks.Def{
		Name:   "example.decay",
		Doc:    "exponential decay: x ← x·(1 − rate)",
		Target: gds.KindFloat,
		Args:   []blocks.Arg{{Name: "rate", Kind: gds.KindFloat, Default: "0.1", Doc: "share lost per step"}},
		New: func(b *blocks.Binding) (gds.Block, error) {
			x, rate := b.TargetFloat, b.Float("rate")
			return x.Update(func(c *gds.Ctx) float64 { return x.Get(c) * (1 - rate(c)) }), nil
		},
	})
	for _, name := range reg.Names() {
		d, _ := reg.Lookup(name)
		a := d.Args[0]
		fmt.Printf("%s (update, %s): %s\n  %s %s = %s: %s\n", d.Name, d.Target, d.Doc, a.Name, a.Kind, a.Default, a.Doc)
	}
	// Output:
	// example.decay (update, float): exponential decay: x ← x·(1 − rate)
	//   rate float = 0.1: share lost per step
}
