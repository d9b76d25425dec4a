package gds

import (
	"math"

	"gonum.org/v1/gonum/graph"
	"gonum.org/v1/gonum/graph/simple"
)

// Gonum returns the graph as a gonum.org/v1/gonum/graph weighted directed
// graph, so that blocks use gonum's algorithms (graph/path, graph/topo,
// graph/network, graph/flow ...) on it; graph.Undirect or
// graph.UndirectWeighted turn it into an undirected one. Node ids are the
// graph's; removed nodes are absent. Weight(x, x) is (0, true) and a
// missing edge's is (+Inf, false), as simple.NewWeightedDirectedGraph(0,
// math.Inf(1)) has them. The result reads the view: use it during the
// block's call only.
func (v GraphView[N, E]) Gonum() graph.WeightedDirected { return gonumGraph[N, E]{v} }

type gonumGraph[N, E any] struct{ v GraphView[N, E] }

func (g gonumGraph[N, E]) Node(id int64) graph.Node {
	if !g.v.Alive(int(id)) {
		return nil
	}
	return simple.Node(id)
}

func (g gonumGraph[N, E]) Nodes() graph.Nodes {
	return &aliveNodes{alive: g.v.s.alive, left: g.v.s.order, total: g.v.s.order, pos: -1}
}

func (g gonumGraph[N, E]) From(id int64) graph.Nodes {
	if !g.v.Alive(int(id)) {
		return graph.Empty
	}
	out := g.v.s.out[id]
	return &listNodes{n: len(out), id: func(k int) int { return out[k].To }, pos: -1}
}

func (g gonumGraph[N, E]) To(id int64) graph.Nodes {
	if !g.v.Alive(int(id)) {
		return graph.Empty
	}
	in := g.v.s.in[id]
	return &listNodes{n: len(in), id: func(k int) int { return in[k] }, pos: -1}
}

func (g gonumGraph[N, E]) HasEdgeBetween(x, y int64) bool {
	return g.v.HasEdge(int(x), int(y)) || g.v.HasEdge(int(y), int(x))
}

func (g gonumGraph[N, E]) HasEdgeFromTo(u, v int64) bool { return g.v.HasEdge(int(u), int(v)) }

func (g gonumGraph[N, E]) Edge(u, v int64) graph.Edge {
	if e := g.WeightedEdge(u, v); e != nil {
		return e
	}
	return nil
}

func (g gonumGraph[N, E]) WeightedEdge(u, v int64) graph.WeightedEdge {
	e, ok := g.v.Edge(int(u), int(v))
	if !ok {
		return nil
	}
	return simple.WeightedEdge{F: simple.Node(u), T: simple.Node(v), W: e.Weight}
}

func (g gonumGraph[N, E]) Weight(x, y int64) (float64, bool) {
	if x == y && g.v.Alive(int(x)) {
		return 0, true
	}
	if e, ok := g.v.Edge(int(x), int(y)); ok {
		return e.Weight, true
	}
	return math.Inf(1), false
}

// aliveNodes iterates over the alive nodes of a graph, by id.
type aliveNodes struct {
	alive       []bool
	left, total int
	pos         int
}

func (it *aliveNodes) Next() bool {
	for it.pos+1 < len(it.alive) {
		it.pos++
		if it.alive[it.pos] {
			it.left--
			return true
		}
	}
	it.pos = len(it.alive)
	return false
}

func (it *aliveNodes) Len() int { return it.left }

func (it *aliveNodes) Node() graph.Node {
	if it.pos < 0 || it.pos >= len(it.alive) {
		return nil
	}
	return simple.Node(it.pos)
}

func (it *aliveNodes) Reset() { it.pos, it.left = -1, it.total }

// listNodes iterates over an adjacency list.
type listNodes struct {
	n, pos int
	id     func(k int) int
}

func (it *listNodes) Next() bool {
	if it.pos+1 < it.n {
		it.pos++
		return true
	}
	it.pos = it.n
	return false
}

func (it *listNodes) Len() int { return max(it.n-it.pos-1, 0) }

func (it *listNodes) Node() graph.Node {
	if it.pos < 0 || it.pos >= it.n {
		return nil
	}
	return simple.Node(it.id(it.pos))
}

func (it *listNodes) Reset() { it.pos = -1 }
