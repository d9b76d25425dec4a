// Package models holds the registry of models that configs name, the
// resolver that finds the model an experiment names (a registered name or
// a model file), the reference models in its subpackages and the
// embedded model files.
package models

import (
	"fmt"
	"sort"
	"sync"

	"github.com/statecraft/statecraft/gds"
)

// Entry is a registered model.
type Entry struct {
	Name  string                     // the name configs use
	Doc   string                     // one line: what the model is
	Build func() (*gds.Model, error) // builds the model
}

type registered struct {
	Entry
	once sync.Once
	m    *gds.Model
	err  error
}

// Registry is a set of named models, each built once, when first looked
// up. Programs use Default, which holds the reference models; tests and
// embedders can build their own with NewRegistry. A Registry is safe for
// concurrent use.
type Registry struct {
	mu      sync.RWMutex
	entries map[string]*registered
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry { return &Registry{entries: map[string]*registered{}} }

// Default is the registry that configs' model names resolve in unless a
// program says otherwise; the reference models register into it.
var Default = NewRegistry()

// Register adds a model to the registry. It returns an error if the name is
// taken or the entry is incomplete.
func (r *Registry) Register(e Entry) error {
	if e.Name == "" || e.Build == nil {
		return fmt.Errorf("models: register %q: an entry needs a name and a build function", e.Name)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, dup := r.entries[e.Name]; dup {
		return fmt.Errorf("models: register %q: the name is already registered", e.Name)
	}
	r.entries[e.Name] = &registered{Entry: e}
	return nil
}

// Lookup builds (once) and returns the named model.
func (r *Registry) Lookup(name string) (*gds.Model, error) {
	r.mu.RLock()
	e, ok := r.entries[name]
	r.mu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("unknown model %q (registered: %v)", name, r.Names())
	}
	e.once.Do(func() { e.m, e.err = e.Build() })
	if e.err != nil {
		return nil, fmt.Errorf("model %q: %w", name, e.err)
	}
	return e.m, nil
}

// Has reports whether a model of that name is registered.
func (r *Registry) Has(name string) bool {
	r.mu.RLock()
	defer r.mu.RUnlock()
	_, ok := r.entries[name]
	return ok
}

// Names returns the registered names in order.
func (r *Registry) Names() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]string, 0, len(r.entries))
	for n := range r.entries {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Entries returns the registered entries sorted by name.
func (r *Registry) Entries() []Entry {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]Entry, 0, len(r.entries))
	for _, e := range r.entries {
		out = append(out, e.Entry)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Register adds a model to Default. Users register their own models before
// running the CLI's main function.
func Register(e Entry) error { return Default.Register(e) }

// Lookup builds (once) and returns the named model of Default.
func Lookup(name string) (*gds.Model, error) { return Default.Lookup(name) }

// Names returns the names registered in Default, in order.
func Names() []string { return Default.Names() }

// Entries returns Default's entries sorted by name.
func Entries() []Entry { return Default.Entries() }

func mustRegister(e Entry) {
	if err := Default.Register(e); err != nil {
		panic(err)
	}
}
