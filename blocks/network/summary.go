package network

import (
	"gonum.org/v1/gonum/graph"
	"gonum.org/v1/gonum/graph/topo"

	"github.com/statecraft/statecraft/gds"
)

// Alive returns the number of alive nodes of v (up or down).
func Alive[N, E any](v gds.GraphView[N, E]) int { return v.Order() }

// Up returns the number of alive nodes of v that are up (f.Up; nil: all).
func Up[N, E any](v gds.GraphView[N, E], f Fields[N]) int {
	n := 0
	for id := range v.Len() {
		if upIn(f, v, id) {
			n++
		}
	}
	return n
}

// Edges returns the number of directed edges of v (an undirected link
// counts twice).
func Edges[N, E any](v gds.GraphView[N, E]) int { return v.Size() }

// Components returns the number of weakly connected components of v's
// alive nodes, up or down (gonum's topo.ConnectedComponents on the
// undirected view); 0 for a graph without nodes. It allocates.
func Components[N, E any](v gds.GraphView[N, E]) int {
	return len(topo.ConnectedComponents(graph.Undirect{G: v.Gonum()}))
}

// MeanDegree returns the mean out-degree of v's alive nodes, edges per
// node (for a graph of undirected links, the mean number of
// neighbours); 0 for a graph without nodes.
func MeanDegree[N, E any](v gds.GraphView[N, E]) float64 {
	if v.Order() == 0 {
		return 0
	}
	return float64(v.Size()) / float64(v.Order())
}

// IntSummary returns the update that sets x to fn of g's graph before
// the block.
func IntSummary[N, E any](x gds.Int, g gds.Graph[N, E], fn func(gds.GraphView[N, E]) int) gds.Block {
	return x.Update(func(c *gds.Ctx) int64 { return int64(fn(g.Get(c))) })
}

// FloatSummary returns the update that sets x to fn of g's graph before
// the block.
func FloatSummary[N, E any](x gds.Float, g gds.Graph[N, E], fn func(gds.GraphView[N, E]) float64) gds.Block {
	return x.Update(func(c *gds.Ctx) float64 { return fn(g.Get(c)) })
}

// AliveUpdate returns the update that sets x to Alive of g.
func AliveUpdate[N, E any](x gds.Int, g gds.Graph[N, E]) gds.Block {
	return IntSummary(x, g, Alive[N, E])
}

// UpUpdate returns the update that sets x to Up of g.
func UpUpdate[N, E any](x gds.Int, g gds.Graph[N, E], f Fields[N]) gds.Block {
	return x.Update(func(c *gds.Ctx) int64 { return int64(Up(g.Get(c), f)) })
}

// EdgesUpdate returns the update that sets x to Edges of g.
func EdgesUpdate[N, E any](x gds.Int, g gds.Graph[N, E]) gds.Block {
	return IntSummary(x, g, Edges[N, E])
}

// ComponentsUpdate returns the update that sets x to Components of g.
func ComponentsUpdate[N, E any](x gds.Int, g gds.Graph[N, E]) gds.Block {
	return IntSummary(x, g, Components[N, E])
}

// MeanDegreeUpdate returns the update that sets x to MeanDegree of g.
func MeanDegreeUpdate[N, E any](x gds.Float, g gds.Graph[N, E]) gds.Block {
	return FloatSummary(x, g, MeanDegree[N, E])
}
