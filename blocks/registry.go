package blocks

import (
	"fmt"
	"sort"
	"sync"
)

// Registry maps block names to definitions. Its methods are safe for
// concurrent use; the zero Registry is empty and ready to use.
type Registry struct {
	mu     sync.RWMutex
	defs   map[string]Def
	graphs map[string]GraphType
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry { return &Registry{} }

// Default is the registry the block families register into when they are
// imported, and that model files use unless told otherwise.
var Default = NewRegistry()

// Register adds a block definition. The name must be family.name, unique
// in r, and the definition complete.
func (r *Registry) Register(d Def) error {
	if err := d.check(); err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, dup := r.defs[d.Name]; dup {
		return fmt.Errorf("blocks: %q is already registered", d.Name)
	}
	if r.defs == nil {
		r.defs = map[string]Def{}
	}
	r.defs[d.Name] = d
	return nil
}

// MustRegister is Register for package init functions: it panics on error.
func (r *Registry) MustRegister(d Def) {
	if err := r.Register(d); err != nil {
		panic(err)
	}
}

// Lookup returns the named block definition.
func (r *Registry) Lookup(name string) (Def, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	d, ok := r.defs[name]
	return d, ok
}

// Names returns the registered block names, sorted.
func (r *Registry) Names() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]string, 0, len(r.defs))
	for n := range r.defs {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Register adds a block definition to Default.
func Register(d Def) error { return Default.Register(d) }

// MustRegister adds a block definition to Default and panics on error.
func MustRegister(d Def) { Default.MustRegister(d) }

// Lookup returns the named block definition of Default.
func Lookup(name string) (Def, bool) { return Default.Lookup(name) }

// Names returns the block names registered in Default, sorted.
func Names() []string { return Default.Names() }
