package blocks

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/statecraft/statecraft/gds"
)

// Arg declares an argument of a block.
type Arg struct {
	// Name is the key the model file binds in args = { ... }.
	Name string
	// Kind is a value kind (gds.ValueKinds), or gds.KindGraph for an
	// argument bound to a graph variable of the model (by its name).
	Kind gds.Kind
	// Output marks a policy's output: the argument is bound to a signal of
	// the model, of the same kind, that the block emits.
	Output bool
	// Default is an expression used when the model file omits the
	// argument; "" makes the argument required.
	Default string
	// Doc says what the argument is, in a line.
	Doc string
	// Check, if set, validates a float argument's value (a volatility's
	// sign, a rate's range). The model-file compiler calls it once when
	// the bound expression is a constant, an error at the argument's key,
	// and at every evaluation otherwise, failing the job with an
	// *ArgError. AtLeast makes the common one.
	Check func(v float64) error
}

// AtLeast returns a Check that wants a finite number >= lo.
func AtLeast(lo float64) func(float64) error {
	return func(v float64) error {
		if v >= lo && !math.IsInf(v, 1) {
			return nil
		}
		return fmt.Errorf("want a finite number >= %v, got %v", lo, v)
	}
}

// ArgError is the value an argument's Check fails a run with: the job
// fails with a *gds.BlockError that unwraps to it.
type ArgError struct {
	Block string  // the block's registered name
	Arg   string  // the argument
	Value float64 // the value Check refused
	Err   error   // what Check said
}

// Error returns `block "family.name": argument "arg": message`.
func (e *ArgError) Error() string {
	return fmt.Sprintf("block %q: argument %q: %v", e.Block, e.Arg, e.Err)
}

// Unwrap returns what Check said.
func (e *ArgError) Unwrap() error { return e.Err }

// Def defines a block.
type Def struct {
	// Name is family.name, as model files write it.
	Name string
	// Doc says what the block does, in a line.
	Doc string
	// Policy blocks emit their outputs; update blocks write their target.
	Policy bool
	// Target is the kind of variable an update block writes: a value
	// kind, or gds.KindGraph.
	Target gds.Kind
	// Args are the block's inputs and, for policies, outputs.
	Args []Arg
	// New builds the block from its bound arguments. Read every argument
	// here, once; the returned block's functions must only call the
	// accessors.
	New func(b *Binding) (gds.Block, error)
}

// Arg returns the named argument of the definition.
func (d Def) Arg(name string) (Arg, bool) {
	for _, a := range d.Args {
		if a.Name == name {
			return a, true
		}
	}
	return Arg{}, false
}

// check reports what makes a definition unusable.
func (d Def) check() error {
	fam, name, ok := strings.Cut(d.Name, ".")
	if !ok || fam == "" || name == "" || strings.Contains(name, ".") {
		return fmt.Errorf("blocks: name %q: want family.name", d.Name)
	}
	if d.New == nil {
		return fmt.Errorf("blocks: %q has no New function", d.Name)
	}
	if !d.Policy && !slices.Contains(gds.ValueKinds(), d.Target) && d.Target != gds.KindGraph {
		return fmt.Errorf("blocks: update block %q needs a Target type", d.Name)
	}
	seen := map[string]bool{}
	for _, a := range d.Args {
		if a.Name == "" || seen[a.Name] {
			return fmt.Errorf("blocks: %q: argument %q is empty or declared twice", d.Name, a.Name)
		}
		seen[a.Name] = true
		if !slices.Contains(gds.ValueKinds(), a.Kind) && a.Kind != gds.KindGraph {
			return fmt.Errorf("blocks: %q: argument %q has no type", d.Name, a.Name)
		}
		if a.Check != nil && (a.Kind != gds.KindFloat || a.Output) {
			return fmt.Errorf("blocks: %q: argument %q: Check applies to float inputs only", d.Name, a.Name)
		}
		if a.Kind == gds.KindGraph && (a.Output || a.Default != "") {
			return fmt.Errorf("blocks: %q: graph argument %q names a graph variable: it is no output and has no default", d.Name, a.Name)
		}
		if a.Output && !d.Policy {
			return fmt.Errorf("blocks: %q: update blocks have no outputs (argument %q)", d.Name, a.Name)
		}
		if a.Output && (a.Kind == gds.KindBool || a.Kind == gds.KindString) {
			return fmt.Errorf("blocks: %q: output %q: signals are float, int or vector", d.Name, a.Name)
		}
	}
	return nil
}
