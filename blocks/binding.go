package blocks

import (
	"fmt"

	"github.com/statecraft/statecraft/gds"
)

// Binding gives a block its bound arguments as typed accessors. The model
// compiler (package modelfile) fills it; blocks only read it.
type Binding struct {
	// Name is the block's name in the model: the policy's name, or the
	// target variable's name for updates.
	Name string
	// Builder is the model's builder, for per-engine scratch buffers
	// (Builder.Scratch).
	Builder *gds.Builder

	// Floats, Ints, Bools, Strings and Vecs hold the inputs by argument
	// name (an int expression bound to a float input is converted).
	Floats  map[string]Input
	Ints    map[string]IntInput
	Bools   map[string]BoolInput
	Strings map[string]StringInput
	Vecs    map[string]VecInput

	// FloatSignals, IntSignals and VecSignals hold a policy's outputs by
	// argument name.
	FloatSignals map[string]gds.FloatSignal
	IntSignals   map[string]gds.IntSignal
	VecSignals   map[string]gds.VecSignal

	// TargetFloat, TargetInt, TargetBool and TargetVec: the variable an
	// update block writes, in the field of its kind.
	TargetFloat gds.Float
	TargetInt   gds.Int
	TargetBool  gds.Bool
	TargetVec   gds.Vec

	// Graphs holds the graph variables bound to graph arguments, and
	// TargetGraph the graph an update block writes: gds.Graph[N, E]
	// handles of a registered GraphType, read with GraphArg and
	// TargetGraph.
	Graphs      map[string]any
	TargetGraph any
}

// Float returns the accessor of float input name (an int input is
// converted). It panics if the block did not declare it: a programming
// error in the block, caught by the registry's tests.
func (b *Binding) Float(name string) Input { return must(b.Floats, name, b.Name) }

// Int returns the accessor of int input name.
func (b *Binding) Int(name string) IntInput { return must(b.Ints, name, b.Name) }

// Bool returns the accessor of bool input name.
func (b *Binding) Bool(name string) BoolInput { return must(b.Bools, name, b.Name) }

// String returns the accessor of string input name.
func (b *Binding) String(name string) StringInput { return must(b.Strings, name, b.Name) }

// Vec returns the accessor of vector input name.
func (b *Binding) Vec(name string) VecInput { return must(b.Vecs, name, b.Name) }

// FloatSignal returns the signal bound to float output name.
func (b *Binding) FloatSignal(name string) gds.FloatSignal { return must(b.FloatSignals, name, b.Name) }

// IntSignal returns the signal bound to int output name.
func (b *Binding) IntSignal(name string) gds.IntSignal { return must(b.IntSignals, name, b.Name) }

// VecSignal returns the signal bound to vector output name.
func (b *Binding) VecSignal(name string) gds.VecSignal { return must(b.VecSignals, name, b.Name) }

func must[V any](m map[string]V, name, block string) V {
	v, ok := m[name]
	if !ok {
		panic(fmt.Sprintf("blocks: block %q reads argument %q that its definition does not declare with that type", block, name))
	}
	return v
}
