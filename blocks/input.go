package blocks

import "github.com/statecraft/statecraft/gds"

// The inputs of blocks: a value a block reads (a variable, a parameter, a
// signal, a constant or a formula) as an accessor, usually a handle's Get
// method or what Binding returns. They are aliases, so any function of the
// same signature is one; the families' Go functions take them.
type (
	// Input is a float value a block reads.
	Input = func(*gds.Ctx) float64
	// IntInput is an integer value a block reads.
	IntInput = func(*gds.Ctx) int64
	// BoolInput is a boolean value a block reads.
	BoolInput = func(*gds.Ctx) bool
	// StringInput is a string value a block reads.
	StringInput = func(*gds.Ctx) string
	// VecInput is a vector value a block reads; blocks do not write the
	// slice it returns.
	VecInput = func(*gds.Ctx) []float64
)

// Const returns an input with a fixed value.
func Const(v float64) Input { return func(*gds.Ctx) float64 { return v } }

// VecConst returns a vector input with a fixed value; it returns v itself,
// which the caller must not change afterwards.
func VecConst(v []float64) VecInput { return func(*gds.Ctx) []float64 { return v } }
