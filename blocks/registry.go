// Package blocks is the registry of reusable mechanisms that declarative
// model files use by name (use = "process.gbm"). Each family of blocks lives
// in a subpackage (process, metric, ...) that registers its blocks when
// imported; users register their own with Register before running the CLI.
//
// A block is either a policy, which emits signals, or an update, which
// writes one state variable (its target). It declares its arguments: inputs
// it reads, each bound in the model file to an expression (a variable, a
// parameter, a signal, a constant or a formula), and, for policies, outputs
// bound to the model's signals. New receives a Binding that hands out typed
// accessors for them, resolved once when the model is loaded.
package blocks

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/statecraft/statecraft/gds"
)

// Arg declares an argument of a block.
type Arg struct {
	Name string
	Kind gds.Kind // a value kind (gds.ValueKinds)
	// Output marks a policy's output: the argument is bound to a signal of
	// the model, of the same type, that the block emits.
	Output bool
	// Default is an expression used when the model file omits the
	// argument; "" makes the argument required.
	Default string
	Doc     string
}

// Def defines a block.
type Def struct {
	Name string // family.name, as model files write it
	Doc  string
	// Policy blocks emit their outputs; update blocks write their target.
	Policy bool
	// Target is the kind of variable an update block writes.
	Target gds.Kind
	Args   []Arg
	// New builds the block from its bound arguments. Read every argument
	// here, once; the returned block's functions must only call the
	// accessors.
	New func(b *Binding) (gds.Block, error)
}

// Binding gives a block its bound arguments as typed accessors. The model
// loader fills it; blocks only read it.
type Binding struct {
	// Name is the block's name in the model: the policy's name, or the
	// target variable's name for updates.
	Name    string
	Builder *gds.Builder

	Floats  map[string]func(*gds.Ctx) float64
	Ints    map[string]func(*gds.Ctx) int64
	Bools   map[string]func(*gds.Ctx) bool
	Strings map[string]func(*gds.Ctx) string
	Vecs    map[string]func(*gds.Ctx) []float64

	FloatSignals map[string]gds.FloatSignal
	IntSignals   map[string]gds.IntSignal
	VecSignals   map[string]gds.VecSignal

	TargetFloat gds.Float
	TargetInt   gds.Int
	TargetBool  gds.Bool
	TargetVec   gds.Vec
}

// Float returns the accessor of float input name (an int input is
// converted). It panics if the block did not declare it: a programming
// error in the block, caught by the registry's tests.
func (b *Binding) Float(name string) func(*gds.Ctx) float64 { return must(b.Floats, name, b.Name) }

// Int returns the accessor of int input name.
func (b *Binding) Int(name string) func(*gds.Ctx) int64 { return must(b.Ints, name, b.Name) }

// Bool returns the accessor of bool input name.
func (b *Binding) Bool(name string) func(*gds.Ctx) bool { return must(b.Bools, name, b.Name) }

// String returns the accessor of string input name.
func (b *Binding) String(name string) func(*gds.Ctx) string { return must(b.Strings, name, b.Name) }

// Vec returns the accessor of vector input name.
func (b *Binding) Vec(name string) func(*gds.Ctx) []float64 { return must(b.Vecs, name, b.Name) }

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

var (
	mu       sync.RWMutex
	registry = map[string]Def{}
)

// Register adds a block definition. The name must be family.name, unique,
// and the definition complete.
func Register(d Def) error {
	if err := d.check(); err != nil {
		return err
	}
	mu.Lock()
	defer mu.Unlock()
	if _, dup := registry[d.Name]; dup {
		return fmt.Errorf("blocks: %q is already registered", d.Name)
	}
	registry[d.Name] = d
	return nil
}

// MustRegister is Register for package init functions: it panics on error.
func MustRegister(d Def) {
	if err := Register(d); err != nil {
		panic(err)
	}
}

func (d Def) check() error {
	fam, name, ok := strings.Cut(d.Name, ".")
	if !ok || fam == "" || name == "" || strings.Contains(name, ".") {
		return fmt.Errorf("blocks: name %q: want family.name", d.Name)
	}
	if d.New == nil {
		return fmt.Errorf("blocks: %q has no New function", d.Name)
	}
	if !d.Policy && !slices.Contains(gds.ValueKinds(), d.Target) {
		return fmt.Errorf("blocks: update block %q needs a Target type", d.Name)
	}
	seen := map[string]bool{}
	for _, a := range d.Args {
		if a.Name == "" || seen[a.Name] {
			return fmt.Errorf("blocks: %q: argument %q is empty or declared twice", d.Name, a.Name)
		}
		seen[a.Name] = true
		if !slices.Contains(gds.ValueKinds(), a.Kind) {
			return fmt.Errorf("blocks: %q: argument %q has no type", d.Name, a.Name)
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

// Lookup returns the named block definition.
func Lookup(name string) (Def, bool) {
	mu.RLock()
	defer mu.RUnlock()
	d, ok := registry[name]
	return d, ok
}

// Names returns the registered block names, sorted.
func Names() []string {
	mu.RLock()
	defer mu.RUnlock()
	out := make([]string, 0, len(registry))
	for n := range registry {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
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
