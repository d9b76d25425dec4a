package network

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/graph"
	"gonum.org/v1/gonum/graph/graphs/gen"
	"gonum.org/v1/gonum/graph/simple"

	"github.com/statecraft/statecraft/gds"
)

// EdgeFunc gives the weight and record of the edge from u to v of a
// generated topology. Undirected topologies call it once per pair, with
// u < v, and give both directed edges what it returns. Nil means weight
// 1 and the zero record.
type EdgeFunc[E any] func(u, v int) (weight float64, attr E)

// Complete replaces the graph of tx with the complete graph on n nodes:
// every node linked to every other, n(n−1) directed edges.
func Complete[N, E any](tx *gds.GraphTx[N, E], n int, node func(id int) N, edge EdgeFunc[E]) error {
	if n < 0 {
		return fmt.Errorf("network.Complete: n = %d; want n >= 0", n)
	}
	var pairs [][2]int
	for u := range n {
		for v := u + 1; v < n; v++ {
			pairs = append(pairs, [2]int{u, v})
		}
	}
	write(tx, n, pairs, true, node, edge)
	return nil
}

// Ring replaces the graph of tx with a ring lattice of n nodes, each
// linked to its k nearest nodes on each side (i ± 1, ..., i ± k, modulo
// n): every node has degree 2k. It needs 0 <= 2k < n.
func Ring[N, E any](tx *gds.GraphTx[N, E], n, k int, node func(id int) N, edge EdgeFunc[E]) error {
	if n < 0 || k < 0 || (k > 0 && 2*k >= n) {
		return fmt.Errorf("network.Ring: n = %d, k = %d; want 0 <= 2k < n (a ring of n nodes has at most (n−1)/2 neighbours on each side)", n, k)
	}
	var pairs [][2]int
	for u := range n {
		for j := 1; j <= k; j++ {
			v := (u + j) % n
			pairs = append(pairs, [2]int{min(u, v), max(u, v)})
		}
	}
	slices.SortFunc(pairs, comparePairs)
	write(tx, n, pairs, true, node, edge)
	return nil
}

// RandomRegular replaces the graph of tx with a random d-regular
// undirected graph on n nodes: every node has exactly d neighbours, no
// self-loops, no parallel edges. It pairs the n·d edge ends at random
// (the configuration model) and repairs self-loops and parallel edges by
// random edge switches; for d > (n−1)/2 it takes the complement of a
// random (n−1−d)-regular graph. The draws come from src. It needs n·d
// even and 0 <= d < n.
func RandomRegular[N, E any](tx *gds.GraphTx[N, E], n, d int, src rand.Source, node func(id int) N, edge EdgeFunc[E]) error {
	switch {
	case n < 0 || d < 0:
		return fmt.Errorf("network.RandomRegular: n = %d, d = %d; want n, d >= 0", n, d)
	case d > 0 && d >= n:
		return fmt.Errorf("network.RandomRegular: d = %d with n = %d nodes: a node has at most n−1 = %d neighbours", d, n, n-1)
	case n*d%2 != 0:
		return fmt.Errorf("network.RandomRegular: n·d = %d·%d is odd: the degrees of a graph sum to an even number", n, d)
	}
	pairs, err := regularPairs(n, d, rand.New(src))
	if err != nil {
		return err
	}
	write(tx, n, pairs, true, node, edge)
	return nil
}

// regularPairs returns the sorted pairs u < v of a random d-regular graph.
func regularPairs(n, d int, r *rand.Rand) ([][2]int, error) {
	if d > (n-1)/2 {
		sparse, err := regularPairs(n, n-1-d, r)
		if err != nil {
			return nil, err
		}
		return complementPairs(n, sparse), nil
	}
	// The configuration model: d ends per node, paired at random.
	ends := make([]int, 0, n*d)
	for u := range n {
		for range d {
			ends = append(ends, u)
		}
	}
	r.Shuffle(len(ends), func(i, j int) { ends[i], ends[j] = ends[j], ends[i] })
	edges := make([][2]int, len(ends)/2)
	count := make(map[[2]int]int, len(edges))
	for i := range edges {
		edges[i] = pairOf(ends[2*i], ends[2*i+1])
		count[edges[i]]++
	}
	bad := func(e [2]int) bool { return e[0] == e[1] || count[e] > 1 }
	// Switch each bad edge {a, b} with a random edge {c, e} to {a, c} and
	// {b, e} when both are new simple edges. At density at most 1/2 a
	// switch succeeds with probability about 1/4, so this ends quickly.
	for tries := 0; ; tries++ {
		if tries > 1000*len(edges)+1000 {
			return nil, fmt.Errorf("network.RandomRegular: n = %d, d = %d: could not repair the random pairing", n, d)
		}
		i := slices.IndexFunc(edges, bad)
		if i < 0 {
			break
		}
		j := r.IntN(len(edges))
		if j == i {
			continue
		}
		a, b := edges[i][0], edges[i][1]
		c, e := edges[j][0], edges[j][1]
		if r.IntN(2) == 0 {
			c, e = e, c
		}
		x, y := pairOf(a, c), pairOf(b, e)
		if a == c || b == e || x == y || count[x] > 0 || count[y] > 0 {
			continue
		}
		count[edges[i]]--
		count[edges[j]]--
		edges[i], edges[j] = x, y
		count[x]++
		count[y]++
	}
	slices.SortFunc(edges, comparePairs)
	return edges, nil
}

// complementPairs returns the sorted pairs u < v on n nodes that are not
// in the sorted list have.
func complementPairs(n int, have [][2]int) [][2]int {
	var out [][2]int
	k := 0
	for u := range n {
		for v := u + 1; v < n; v++ {
			if k < len(have) && have[k] == [2]int{u, v} {
				k++
				continue
			}
			out = append(out, [2]int{u, v})
		}
	}
	return out
}

// ErdosRenyi replaces the graph of tx with a Gilbert G(n, p) random
// undirected graph: each of the n(n−1)/2 pairs is linked with probability
// p, independently (gonum's gen.Gnp, drawing from src).
func ErdosRenyi[N, E any](tx *gds.GraphTx[N, E], n int, p float64, src rand.Source, node func(id int) N, edge EdgeFunc[E]) error {
	if n < 0 || !(p >= 0 && p <= 1) {
		return fmt.Errorf("network.ErdosRenyi: n = %d, p = %v; want n >= 0 and 0 <= p <= 1", n, p)
	}
	g := simple.NewUndirectedGraph()
	if err := gen.Gnp(g, n, p, src); err != nil {
		return fmt.Errorf("network.ErdosRenyi: %w", err)
	}
	write(tx, n, gonumPairs(g), true, node, edge)
	return nil
}

// BarabasiAlbert replaces the graph of tx with a Barabási–Albert
// scale-free graph (gonum's gen.PreferentialAttachment, drawing from
// src): nodes 0..m−1 start unlinked, and each later node links to m
// distinct earlier nodes chosen with probability proportional to their
// degree, m(n−m) undirected edges in all. It needs 1 <= m < n.
func BarabasiAlbert[N, E any](tx *gds.GraphTx[N, E], n, m int, src rand.Source, node func(id int) N, edge EdgeFunc[E]) error {
	if m < 1 || n <= m {
		return fmt.Errorf("network.BarabasiAlbert: n = %d, m = %d; want 1 <= m < n", n, m)
	}
	g := simple.NewUndirectedGraph()
	if err := gen.PreferentialAttachment(g, n, m, src); err != nil {
		return fmt.Errorf("network.BarabasiAlbert: %w", err)
	}
	write(tx, n, gonumPairs(g), true, node, edge)
	return nil
}

// gonumPairs returns the edges of g as sorted pairs u < v of node
// indexes: g's node ids in increasing order are numbered 0, 1, ...
func gonumPairs(g *simple.UndirectedGraph) [][2]int {
	ids := make([]int64, 0, g.Nodes().Len())
	for _, nd := range graph.NodesOf(g.Nodes()) {
		ids = append(ids, nd.ID())
	}
	slices.Sort(ids)
	index := func(id int64) int { i, _ := slices.BinarySearch(ids, id); return i }
	var pairs [][2]int
	for it := g.Edges(); it.Next(); {
		e := it.Edge()
		pairs = append(pairs, pairOf(index(e.From().ID()), index(e.To().ID())))
	}
	slices.SortFunc(pairs, comparePairs) // gonum iterates maps: sort, for the edge func's sake
	return pairs
}

// FromEdges replaces the graph of tx with n nodes and the given edges:
// directed as listed, or, if undirected, each pair linked both ways (the
// edge func is called once per pair, in list order, with u < v as for
// every undirected topology). Every endpoint must be in
// 0..n−1, and the list may hold no self-loop and no edge twice (for
// undirected lists, {u, v} and {v, u} are the same edge). CheckEdges
// reports the first problem; FromEdges writes nothing then.
func FromEdges[N, E any](tx *gds.GraphTx[N, E], n int, edges [][2]int, undirected bool, node func(id int) N, edge EdgeFunc[E]) error {
	if err := CheckEdges(n, edges, undirected); err != nil {
		return err
	}
	if undirected {
		pairs := make([][2]int, len(edges))
		for i, e := range edges {
			pairs[i] = pairOf(e[0], e[1])
		}
		edges = pairs
	}
	write(tx, n, edges, undirected, node, edge)
	return nil
}

// CheckEdges reports the first problem FromEdges would refuse in an edge
// list: n < 0, an endpoint outside 0..n−1, a self-loop, an edge listed
// twice. The error names the edge by its index in the list.
func CheckEdges(n int, edges [][2]int, undirected bool) error {
	if n < 0 {
		return fmt.Errorf("network.FromEdges: n = %d; want n >= 0", n)
	}
	seen := make(map[[2]int]int, len(edges))
	for i, e := range edges {
		u, v := e[0], e[1]
		switch {
		case u < 0 || u >= n || v < 0 || v >= n:
			return fmt.Errorf("network.FromEdges: edge %d (%d→%d): nodes are 0..%d", i, u, v, n-1)
		case u == v:
			return fmt.Errorf("network.FromEdges: edge %d: a self-loop on node %d", i, u)
		}
		key := e
		if undirected {
			key = pairOf(u, v)
		}
		if j, dup := seen[key]; dup {
			return fmt.Errorf("network.FromEdges: edge %d (%d→%d) repeats edge %d", i, u, v, j)
		}
		seen[key] = i
	}
	return nil
}

// Generate returns the update of g that, at timestep 1 of every job,
// replaces the graph with what gen writes (gen receives the job's Ctx:
// draw from c.Src, so that a job always gets the same graph), and leaves
// it unchanged at later timesteps. Put it in one PSUB; blocks before it
// at timestep 1 read the declared initial graph. An error from gen fails
// the job with the graph's name.
func Generate[N, E any](g gds.Graph[N, E], gen func(c *gds.Ctx, tx *gds.GraphTx[N, E]) error) gds.Block {
	name := g.Name()
	return g.Update(func(c *gds.Ctx, tx *gds.GraphTx[N, E]) {
		if c.T != 1 {
			return
		}
		if err := gen(c, tx); err != nil {
			panic(fmt.Errorf("graph %q: %w", name, err))
		}
	})
}

// write clears tx and adds n nodes and the edges of pairs, both ways if
// undirected; the funcs are called in node order, then edge order.
func write[N, E any](tx *gds.GraphTx[N, E], n int, pairs [][2]int, undirected bool, node func(int) N, edge EdgeFunc[E]) {
	tx.Clear()
	for id := range n {
		var rec N
		if node != nil {
			rec = node(id)
		}
		tx.AddNode(rec)
	}
	for _, p := range pairs {
		w, attr := 1.0, *new(E)
		if edge != nil {
			w, attr = edge(p[0], p[1])
		}
		tx.SetEdge(p[0], p[1], w, attr)
		if undirected {
			tx.SetEdge(p[1], p[0], w, attr)
		}
	}
}

func pairOf(u, v int) [2]int { return [2]int{min(u, v), max(u, v)} }

func comparePairs(a, b [2]int) int {
	if c := cmp.Compare(a[0], b[0]); c != 0 {
		return c
	}
	return cmp.Compare(a[1], b[1])
}
