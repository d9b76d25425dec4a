package blocks

import (
	"fmt"
	"sort"
	"strings"

	"github.com/statecraft/statecraft/gds"
)

// GraphType is a kind of graph variable that model files can declare,
// [state.net] type = "graph", records = "network.peers": a Go node and
// edge record type that a family defines, with the blocks that read or
// write such graphs. A model-file graph starts empty; a block builds it.
type GraphType struct {
	// Name is family.name, as model files write it in records = "...".
	Name string
	// Doc says what the nodes and edges are, in a line.
	Doc string
	// Declare declares a graph variable of this type in b and returns
	// its handle, a gds.Graph[N, E] of the type's records.
	Declare func(b *gds.Builder, name string, opts ...gds.VarOption) any
}

// RegisterGraphType adds a graph type. The name must be family.name and
// unique among r's graph types.
func (r *Registry) RegisterGraphType(t GraphType) error {
	if fam, name, ok := strings.Cut(t.Name, "."); !ok || fam == "" || name == "" || t.Declare == nil {
		return fmt.Errorf("blocks: graph type %q: want a family.name and a Declare function", t.Name)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, dup := r.graphs[t.Name]; dup {
		return fmt.Errorf("blocks: graph type %q is already registered", t.Name)
	}
	if r.graphs == nil {
		r.graphs = map[string]GraphType{}
	}
	r.graphs[t.Name] = t
	return nil
}

// MustRegisterGraphType is RegisterGraphType for package init functions:
// it panics on error.
func (r *Registry) MustRegisterGraphType(t GraphType) {
	if err := r.RegisterGraphType(t); err != nil {
		panic(err)
	}
}

// LookupGraphType returns the named graph type.
func (r *Registry) LookupGraphType(name string) (GraphType, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	t, ok := r.graphs[name]
	return t, ok
}

// GraphTypeNames returns the registered graph types' names, sorted.
func (r *Registry) GraphTypeNames() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]string, 0, len(r.graphs))
	for n := range r.graphs {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// MustRegisterGraphType adds a graph type to Default and panics on error.
func MustRegisterGraphType(t GraphType) { Default.MustRegisterGraphType(t) }

// GraphArg returns the graph variable bound to graph argument name, as a
// handle of the records N and E, or an error if the model bound a graph
// of another type.
func GraphArg[N, E any](b *Binding, name string) (gds.Graph[N, E], error) {
	h, ok := b.Graphs[name].(gds.Graph[N, E])
	if !ok {
		return h, fmt.Errorf("argument %q: %s", name, graphMismatch[N, E](b.Graphs[name]))
	}
	return h, nil
}

// TargetGraph returns the graph variable an update block writes, as a
// handle of the records N and E, or an error if it is a graph of another
// type.
func TargetGraph[N, E any](b *Binding) (gds.Graph[N, E], error) {
	h, ok := b.TargetGraph.(gds.Graph[N, E])
	if !ok {
		return h, fmt.Errorf("target %q: %s", b.Name, graphMismatch[N, E](b.TargetGraph))
	}
	return h, nil
}

func graphMismatch[N, E any](got any) string {
	var want gds.Graph[N, E]
	if got == nil {
		return fmt.Sprintf("want a graph variable of %T", want)
	}
	return fmt.Sprintf("the graph's records are those of %T; the block works on %T", got, want)
}
