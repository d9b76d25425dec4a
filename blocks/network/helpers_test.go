package network_test

import (
	"context"
	"maps"
	"slices"
	"testing"

	"github.com/statecraft/statecraft/blocks/network"
	"github.com/statecraft/statecraft/gds"
)

type peer = network.Peer
type link = network.Link

// snapshot is a copy of a Peer graph, taken by a probe.
type snapshot struct {
	T     int
	Nodes []peer
	Alive []bool
	Edges map[[2]int]gds.Edge[link] // by (from, to)
	// Coverage is network.Coverage of the graph.
	Coverage float64
}

func snap(t int, v gds.GraphView[peer, link]) snapshot {
	s := snapshot{T: t, Nodes: slices.Clone(v.Nodes()), Edges: map[[2]int]gds.Edge[link]{}, Coverage: network.Coverage(v, network.PeerFields)}
	for id := range v.Len() {
		s.Alive = append(s.Alive, v.Alive(id))
		if !v.Alive(id) {
			continue
		}
		for _, e := range v.Out(id) {
			s.Edges[[2]int{id, e.To}] = e
		}
	}
	return s
}

// degrees returns the out-degree of every node.
func (s snapshot) degrees() []int {
	d := make([]int, len(s.Nodes))
	for k := range s.Edges {
		d[k[0]]++
	}
	return d
}

// pairs returns the edges, sorted.
func (s snapshot) pairs() [][2]int {
	return slices.SortedFunc(maps.Keys(s.Edges), func(a, b [2]int) int {
		if a[0] != b[0] {
			return a[0] - b[0]
		}
		return a[1] - b[1]
	})
}

// probe adds a last PSUB whose policy calls fn with the graph as the
// PSUBs before it left it, at every timestep.
func probe[N, E any](b *gds.Builder, g gds.Graph[N, E], fn func(c *gds.Ctx, v gds.GraphView[N, E])) {
	b.PSUB("probe", gds.Policy("probe", func(c *gds.Ctx) { fn(c, g.Get(c)) }))
}

// history records a snapshot of a Peer graph per timestep (index t-1)
// of the last job run.
type history struct{ s []snapshot }

func (h *history) probe(b *gds.Builder, g gds.Graph[peer, link]) {
	probe(b, g, func(c *gds.Ctx, v gds.GraphView[peer, link]) {
		if c.T == 1 {
			h.s = h.s[:0] // a new job (Build traces one)
		}
		h.s = append(h.s, snap(c.T, v))
	})
}

func (h *history) last() snapshot { return h.s[len(h.s)-1] }

func build(t testing.TB, b *gds.Builder) *gds.Model {
	t.Helper()
	m, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

type discard struct{}

func (discard) Record(*gds.Row) error { return nil }

// rows records every row's ints and floats.
type rows struct {
	ints   [][]int64
	floats [][]float64
}

func (r *rows) Record(x *gds.Row) error {
	r.ints = append(r.ints, slices.Clone(x.Ints()))
	r.floats = append(r.floats, slices.Clone(x.Floats()))
	return nil
}

func run(t testing.TB, m *gds.Model, steps int, seed uint64, rec gds.Recorder) {
	t.Helper()
	if rec == nil {
		rec = discard{}
	}
	if err := m.NewEngine().Run(context.Background(), &gds.Job{Run: 1, Timesteps: steps, Seed: [2]uint64{seed, 99}}, rec); err != nil {
		t.Fatal(err)
	}
}

// generated runs gen at timestep 1 and returns the graph it made.
func generated(t testing.TB, seed uint64, gen func(c *gds.Ctx, tx *gds.GraphTx[peer, link]) error) snapshot {
	t.Helper()
	b := gds.NewBuilder("gen")
	g := gds.GraphOf(b, "net", gds.GraphData[peer, link]{})
	b.PSUB("generate", network.Generate(g, gen))
	var h history
	h.probe(b, g)
	run(t, build(t, b), 1, seed, nil)
	return h.last()
}

// weighted is the EdgeFunc of the tests: weight u·1000 + v, so that a
// test sees which call made an edge.
func weighted(u, v int) (float64, link) { return float64(u*1000 + v), link{Latency: 1} }
