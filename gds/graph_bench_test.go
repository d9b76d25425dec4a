package gds_test

import (
	"context"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/statecraft/statecraft/gds"
)

// The graph benchmarks compare one timestep of a 10,000-node network
// model held in a graph variable with the same model written with plain
// slices outside the engine, the least a hand-written simulation does:
// every node's load moves toward its out-neighbours' mean (all node
// attributes change), then 1% of the nodes rewire one out-edge (the
// topology changes by 1% a timestep). make bench reports the ratio.
const (
	benchNodes  = 10_000
	benchDegree = 4
)

type benchNode struct{ Load float64 }

// benchRing is the initial graph: each node linked to the next
// benchDegree nodes.
func benchRing() gds.GraphData[benchNode, struct{}] {
	d := gds.GraphData[benchNode, struct{}]{Nodes: make([]benchNode, benchNodes)}
	for i := range benchNodes {
		d.Nodes[i].Load = float64(i % 17)
		for k := 1; k <= benchDegree; k++ {
			d.Edges = append(d.Edges, gds.EdgeData[struct{}]{From: i, To: (i + k) % benchNodes, Weight: 1})
		}
	}
	return d
}

func BenchmarkGraphTimestep10k(b *testing.B) {
	bl := gds.NewBuilder("graph_bench")
	g := gds.GraphOf(bl, "net", benchRing())
	bl.PSUB("diffuse", g.Update(func(c *gds.Ctx, tx *gds.GraphTx[benchNode, struct{}]) {
		cur := g.Get(c)
		nodes, next := cur.Nodes(), tx.WriteNodes()
		for id := range nodes {
			out := cur.Out(id)
			s := 0.0
			for _, e := range out {
				s += nodes[e.To].Load
			}
			if len(out) > 0 {
				next[id].Load = 0.5*nodes[id].Load + 0.5*s/float64(len(out))
			}
		}
	}))
	bl.PSUB("rewire", g.Update(func(c *gds.Ctx, tx *gds.GraphTx[benchNode, struct{}]) {
		for range benchNodes / 100 {
			u := c.Rand.IntN(benchNodes)
			out := tx.Out(u)
			if len(out) == 0 {
				continue
			}
			old := out[c.Rand.IntN(len(out))].To
			w := c.Rand.IntN(benchNodes)
			if w == u || tx.HasEdge(u, w) {
				continue
			}
			tx.RemoveEdge(u, old)
			tx.SetEdge(u, w, 1, struct{}{})
		}
	}))
	m, err := bl.Build()
	if err != nil {
		b.Fatal(err)
	}
	e := m.NewEngine()
	rec := recorderFunc(func(*gds.Row) error { return nil })
	const steps = 50
	job := &gds.Job{Run: 1, Timesteps: steps, Seed: [2]uint64{1, 2}, Schedule: gds.Schedule{FinalOnly: true}}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if err := e.Run(context.Background(), job, rec); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*steps), "ns/timestep")
}

func BenchmarkSlicesTimestep10k(b *testing.B) {
	init := benchRing()
	const steps = 50
	var cur, next []float64
	var adj [][]int32
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		// a job: fresh state from the declaration
		cur, next = cur[:0], next[:0]
		for _, n := range init.Nodes {
			cur = append(cur, n.Load)
		}
		next = append(next, cur...)
		adj = adj[:0]
		for range benchNodes {
			adj = append(adj, nil)
		}
		for _, e := range init.Edges {
			adj[e.From] = append(adj[e.From], int32(e.To))
		}
		rng := rand.New(rand.NewPCG(1, 2))
		for range steps {
			for id, out := range adj {
				s := 0.0
				for _, to := range out {
					s += cur[to]
				}
				if len(out) > 0 {
					next[id] = 0.5*cur[id] + 0.5*s/float64(len(out))
				}
			}
			cur, next = next, cur
			for range benchNodes / 100 {
				u := rng.IntN(benchNodes)
				out := adj[u]
				if len(out) == 0 {
					continue
				}
				k := rng.IntN(len(out))
				w := int32(rng.IntN(benchNodes))
				if int(w) == u || slices.Contains(out, w) {
					continue
				}
				out[k] = w
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*steps), "ns/timestep")
}
