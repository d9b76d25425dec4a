// Package models holds the registry of models that configs name, and the
// reference models in its subpackages.
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

var (
	mu       sync.RWMutex
	registry = map[string]*registered{}
)

// Register adds a model to the registry. It returns an error if the name is
// taken or the entry is incomplete. Users register their own models before
// running the CLI's main function.
func Register(e Entry) error {
	if e.Name == "" || e.Build == nil {
		return fmt.Errorf("models: register %q: an entry needs a name and a build function", e.Name)
	}
	mu.Lock()
	defer mu.Unlock()
	if _, dup := registry[e.Name]; dup {
		return fmt.Errorf("models: register %q: the name is already registered", e.Name)
	}
	registry[e.Name] = &registered{Entry: e}
	return nil
}

func mustRegister(e Entry) {
	if err := Register(e); err != nil {
		panic(err)
	}
}

// Lookup builds (once) and returns the named model.
func Lookup(name string) (*gds.Model, error) {
	mu.RLock()
	r, ok := registry[name]
	mu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("unknown model %q (registered: %v)", name, Names())
	}
	r.once.Do(func() { r.m, r.err = r.Build() })
	if r.err != nil {
		return nil, fmt.Errorf("model %q: %w", name, r.err)
	}
	return r.m, nil
}

// Names returns the registered names in order.
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

// Entries returns the registered entries sorted by name.
func Entries() []Entry {
	mu.RLock()
	defer mu.RUnlock()
	out := make([]Entry, 0, len(registry))
	for _, r := range registry {
		out = append(out, r.Entry)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
