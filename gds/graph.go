package gds

import (
	"fmt"
	"slices"
	"unsafe"
)

// A graph variable holds a directed graph whose nodes carry a record of
// type N and whose edges carry a weight and a record of type E (struct{}
// for none). Nodes are numbered from 0 in the order they are added, and a
// number is never reused within a job: a removed node keeps its number,
// with no edges, and Alive reports it gone. Between two nodes there is at
// most one edge in each direction, and no node has an edge to itself.
//
// Like vectors and agent records, a graph is double-buffered: an update
// writes into a spare copy that becomes current after the PSUB, so every
// block of a PSUB reads the graph as it was before the block. The spare is
// not rebuilt: the engine remembers which nodes (attributes) and which
// adjacency lists the last commit changed and copies only those, so the
// cost of a substep follows what changes, not the size of the graph.

// Edge is an edge of a graph variable as its source node's out-list holds
// it: the node it leads to, its weight and its attributes.
type Edge[E any] struct {
	To     int     // the node the edge leads to
	Weight float64 // the edge's weight, gonum's Weight
	Attr   E       // the edge's attributes
}

// EdgeData is an edge of an initial graph (GraphData).
type EdgeData[E any] struct {
	From, To int
	Weight   float64
	Attr     E
}

// GraphData is a graph given whole: the initial value of a graph
// variable. Its nodes are numbered 0..len(Nodes)-1, all alive.
type GraphData[N, E any] struct {
	Nodes []N
	Edges []EdgeData[E]
}

// Graph is a handle to a graph state variable with node records of type
// N and edge records of type E.
type Graph[N, E any] struct{ ref }

// GraphOf declares a graph state variable with its initial value, which
// is copied (the zero GraphData is the empty graph). N and E are structs
// whose exported float64, int64, int, bool and string fields are the
// columns of the node and edge tables, as for AgentsOf; use struct{} for
// no attributes. Graphs keep no lags.
func GraphOf[N, E any](b *Builder, name string, init GraphData[N, E], opts ...VarOption) Graph[N, E] {
	nt, err := agentsTypeOf[N]()
	if err != nil {
		b.errorf("state variable %q: nodes: %v", name, err)
	}
	et, err := agentsTypeOf[E]()
	if err != nil {
		b.errorf("state variable %q: edges: %v", name, err)
	}
	if err := init.check(); err != nil {
		b.errorf("state variable %q: initial graph: %v", name, err)
		init = GraphData[N, E]{}
	}
	init = init.clone()
	v := b.addVar(name, KindGraph, init, opts)
	tmpl := init.side()
	v.graph = &graphType{nodes: nt, edges: et, newCell: func() graphCell { return &graphBuf[N, E]{name: name, init_: tmpl} }}
	return Graph[N, E]{b.ref(v)}
}

// graphType describes a graph variable's node and edge records.
type graphType struct {
	nodes, edges *agentsType
	newCell      func() graphCell
}

func (d GraphData[N, E]) clone() GraphData[N, E] {
	return GraphData[N, E]{Nodes: slices.Clone(d.Nodes), Edges: slices.Clone(d.Edges)}
}

// side returns the graph as a buffer: every job's initial value.
func (d GraphData[N, E]) side() *graphSide[N, E] {
	s := &graphSide[N, E]{nodes: d.Nodes, alive: make([]bool, len(d.Nodes)),
		out: make([][]Edge[E], len(d.Nodes)), in: make([][]int, len(d.Nodes)), order: len(d.Nodes), size: len(d.Edges)}
	for i := range s.alive {
		s.alive[i] = true
	}
	for _, e := range d.Edges {
		s.out[e.From] = append(s.out[e.From], Edge[E]{To: e.To, Weight: e.Weight, Attr: e.Attr})
		s.in[e.To] = append(s.in[e.To], e.From)
	}
	for i := range s.out {
		slices.SortFunc(s.out[i], func(a, b Edge[E]) int { return a.To - b.To })
		slices.Sort(s.in[i])
	}
	return s
}

// check reports an edge that names a missing node, a self-loop or a
// duplicate edge.
func (d GraphData[N, E]) check() error {
	seen := make(map[[2]int]bool, len(d.Edges))
	for i, e := range d.Edges {
		switch {
		case e.From < 0 || e.From >= len(d.Nodes) || e.To < 0 || e.To >= len(d.Nodes):
			return fmt.Errorf("edge %d (%d→%d): nodes are 0..%d", i, e.From, e.To, len(d.Nodes)-1)
		case e.From == e.To:
			return fmt.Errorf("edge %d: a self-loop on node %d", i, e.From)
		case seen[[2]int{e.From, e.To}]:
			return fmt.Errorf("edge %d: a second edge %d→%d", i, e.From, e.To)
		}
		seen[[2]int{e.From, e.To}] = true
	}
	return nil
}

// Get returns the graph before the current block. The view and the slices
// it returns are shared with every other block of the PSUB: read them,
// never write them, and do not keep them past the call.
func (h Graph[N, E]) Get(c *Ctx) GraphView[N, E] {
	if c.tr != nil {
		c.tr.readVar(h.ref, KindGraph)
	}
	g := c.e.graphs[h.slot].(*graphBuf[N, E])
	return GraphView[N, E]{g: g, s: &g.side[g.cur]}
}

// Update returns the block that changes the graph: fn receives a
// transaction on the next value, which starts equal to the current graph
// and whose reads see fn's own writes. Blocks that Get the graph in this
// PSUB see none of them.
func (h Graph[N, E]) Update(fn func(c *Ctx, g *GraphTx[N, E])) Block {
	slot := h.slot
	return Block{kind: blockUpdate, name: h.Name(), target: h.ref, vkind: KindGraph, fnA: func(c *Ctx) {
		fn(c, c.e.graphs[slot].(*graphBuf[N, E]).open())
	}}
}

// graphSide is one of a graph's two buffers.
type graphSide[N, E any] struct {
	nodes []N
	alive []bool
	out   [][]Edge[E] // by source node, sorted by To
	in    [][]int     // by target node, the sources, sorted
	order int         // alive nodes
	size  int         // edges
}

// GraphView is a graph as blocks read it.
type GraphView[N, E any] struct {
	g *graphBuf[N, E]
	s *graphSide[N, E]
}

// Len returns the number of node ids in use: nodes are 0..Len()-1, alive
// or removed.
func (v GraphView[N, E]) Len() int { return len(v.s.nodes) }

// Order returns the number of alive nodes.
func (v GraphView[N, E]) Order() int { return v.s.order }

// Size returns the number of edges.
func (v GraphView[N, E]) Size() int { return v.s.size }

// Alive reports whether node id exists and has not been removed.
func (v GraphView[N, E]) Alive(id int) bool { return id >= 0 && id < len(v.s.alive) && v.s.alive[id] }

// Node returns node id's record.
func (v GraphView[N, E]) Node(id int) N {
	return v.s.nodes[id]
}

// Nodes returns every node's record, by id, removed nodes included (see
// Alive). Read it, never write it.
func (v GraphView[N, E]) Nodes() []N { return v.s.nodes }

// Out returns node id's outgoing edges, sorted by target. Read it, never
// write it.
func (v GraphView[N, E]) Out(id int) []Edge[E] {
	return v.s.out[id]
}

// In returns the nodes with an edge to node id, sorted. Read it, never
// write it.
func (v GraphView[N, E]) In(id int) []int {
	return v.s.in[id]
}

// Edge returns the edge from u to v, if there is one.
func (v GraphView[N, E]) Edge(u, w int) (Edge[E], bool) {
	if !v.Alive(u) {
		return Edge[E]{}, false
	}
	out := v.s.out[u]
	if i, ok := findEdge(out, w); ok {
		return out[i], true
	}
	return Edge[E]{}, false
}

// HasEdge reports whether there is an edge from u to w.
func (v GraphView[N, E]) HasEdge(u, w int) bool {
	_, ok := v.Edge(u, w)
	return ok
}

func findEdge[E any](out []Edge[E], to int) (int, bool) {
	return slices.BinarySearchFunc(out, to, func(e Edge[E], to int) int { return e.To - to })
}

// noNode panics: id names none of graph name's n nodes.
func noNode(name string, id, n int) {
	panic(fmt.Errorf("graph %q: node %d does not exist (nodes are 0..%d)", name, id, n-1))
}

// GraphTx is a transaction on a graph's next value, what a graph update
// receives. Its reads (the embedded GraphView) see its own writes. Writes
// that name a missing or removed node, or make a self-loop, panic: the
// job fails with a BlockError naming the update.
type GraphTx[N, E any] struct {
	GraphView[N, E]
}

// SetNode sets node id's record.
func (t *GraphTx[N, E]) SetNode(id int, n N) { *t.NodeRef(id) = n }

// NodeRef returns node id's record in the next value, to change in
// place. The pointer is valid until the update returns.
func (t *GraphTx[N, E]) NodeRef(id int) *N {
	g := t.g
	if !t.s.alive[id] {
		g.alive(t.s, id)
	}
	if !g.dirtyNodes.all {
		g.dirtyNodes.add(id)
	}
	return &t.s.nodes[id]
}

// WriteNodes returns every node's record in the next value, by id, to
// change in place: the fastest way to change most of the nodes (it
// counts them all as changed). Records of removed nodes are not written
// to output. The slice is valid until the update returns or adds a node.
func (t *GraphTx[N, E]) WriteNodes() []N {
	t.g.dirtyNodes.setAll()
	return t.s.nodes
}

// AddNode adds a node with record n and returns its id, Len() before the
// call.
func (t *GraphTx[N, E]) AddNode(n N) int {
	s := t.s
	id := len(s.nodes)
	s.nodes = append(s.nodes, n)
	s.alive = append(s.alive, true)
	s.out = extend(s.out)
	s.in = extend(s.in)
	s.order++
	t.g.dirtyNodes.mark(id)
	t.g.dirtyAdj.mark(id)
	return id
}

// extend appends an empty list, reusing the capacity of one a shorter
// graph left behind.
func extend[T any](lists [][]T) [][]T {
	if len(lists) < cap(lists) {
		lists = lists[:len(lists)+1]
		lists[len(lists)-1] = lists[len(lists)-1][:0]
		return lists
	}
	return append(lists, nil)
}

// RemoveNode removes node id and its edges. The id is not reused.
func (t *GraphTx[N, E]) RemoveNode(id int) {
	g, s := t.g, t.s
	g.alive(s, id)
	for _, e := range s.out[id] {
		s.in[e.To] = removeSorted(s.in[e.To], id)
		g.dirtyAdj.mark(e.To)
	}
	for _, u := range s.in[id] {
		if i, ok := findEdge(s.out[u], id); ok {
			s.out[u] = slices.Delete(s.out[u], i, i+1)
		}
		g.dirtyAdj.mark(u)
	}
	s.size -= len(s.out[id]) + len(s.in[id])
	s.out[id], s.in[id] = s.out[id][:0], s.in[id][:0]
	s.alive[id] = false
	s.order--
	g.dirtyNodes.mark(id)
	g.dirtyAdj.mark(id)
}

// SetEdge adds the edge from u to w, or replaces its weight and record.
func (t *GraphTx[N, E]) SetEdge(u, w int, weight float64, attr E) {
	g, s := t.g, t.s
	g.alive(s, u)
	g.alive(s, w)
	if u == w {
		panic(fmt.Errorf("graph %q: an edge from node %d to itself", g.name, u))
	}
	e := Edge[E]{To: w, Weight: weight, Attr: attr}
	i, ok := findEdge(s.out[u], w)
	if ok {
		s.out[u][i] = e
		g.dirtyAdj.mark(u)
		return
	}
	s.out[u] = slices.Insert(s.out[u], i, e)
	s.in[w] = insertSorted(s.in[w], u)
	s.size++
	g.dirtyAdj.mark(u)
	g.dirtyAdj.mark(w)
}

// EdgeRef returns the edge from u to w in the next value, to change its
// weight or record in place (not its target), or nil if there is none.
// The pointer is valid until the update returns or the graph's edges
// change.
func (t *GraphTx[N, E]) EdgeRef(u, w int) *Edge[E] {
	if !t.Alive(u) {
		return nil
	}
	i, ok := findEdge(t.s.out[u], w)
	if !ok {
		return nil
	}
	t.g.dirtyAdj.mark(u)
	return &t.s.out[u][i]
}

// RemoveEdge removes the edge from u to w, reporting whether there was
// one.
func (t *GraphTx[N, E]) RemoveEdge(u, w int) bool {
	g, s := t.g, t.s
	if !t.Alive(u) {
		return false
	}
	i, ok := findEdge(s.out[u], w)
	if !ok {
		return false
	}
	s.out[u] = slices.Delete(s.out[u], i, i+1)
	s.in[w] = removeSorted(s.in[w], u)
	s.size--
	g.dirtyAdj.mark(u)
	g.dirtyAdj.mark(w)
	return true
}

// Clear removes every node and edge; the next AddNode returns 0.
func (t *GraphTx[N, E]) Clear() {
	s := t.s
	s.nodes, s.alive, s.out, s.in = s.nodes[:0], s.alive[:0], s.out[:0], s.in[:0]
	s.order, s.size = 0, 0
	t.g.dirtyNodes.setAll()
	t.g.dirtyAdj.setAll()
}

func insertSorted(s []int, v int) []int {
	i, ok := slices.BinarySearch(s, v)
	if ok {
		return s
	}
	return slices.Insert(s, i, v)
}

func removeSorted(s []int, v int) []int {
	if i, ok := slices.BinarySearch(s, v); ok {
		return slices.Delete(s, i, i+1)
	}
	return s
}

// alive panics unless node id exists and is alive in s. It is kept out
// of line: NodeRef, which calls it when the node is not alive, inlines.
//
//go:noinline
func (g *graphBuf[N, E]) alive(s *graphSide[N, E], id int) {
	if uint(id) >= uint(len(s.nodes)) {
		noNode(g.name, id, len(s.nodes))
	}
	if !s.alive[id] {
		panic(fmt.Errorf("graph %q: node %d was removed", g.name, id))
	}
}

// changes is a set of node ids: the nodes whose records, or whose
// adjacency lists (and out-edges' records), a transaction changed. Past a
// quarter of the nodes it gives up listing them and means all, which a
// bulk copy serves faster than a list.
type changes struct {
	seen  []bool  // by node id
	ids   []int32 // the ids in the set, in the order first marked
	limit int     // beyond this many ids, all
	all   bool    // every node (also after a Clear, or for a new job)
}

func (c *changes) mark(id int) {
	if !c.all {
		c.add(id)
	}
}

// add is kept out of line so that mark inlines.
//
//go:noinline
func (c *changes) add(id int) {
	if id >= len(c.seen) {
		c.seen = append(c.seen, make([]bool, id+1-len(c.seen))...)
	}
	if c.seen[id] {
		return
	}
	if len(c.ids) >= c.limit {
		c.setAll()
		return
	}
	c.seen[id] = true
	c.ids = append(c.ids, int32(id))
}

func (c *changes) setAll() {
	c.reset()
	c.all = true
}

func (c *changes) reset() {
	for _, id := range c.ids {
		c.seen[id] = false
	}
	c.ids = c.ids[:0]
	c.all = false
}

// graphBuf is the per-engine double buffer of a graph variable.
type graphBuf[N, E any] struct {
	name  string
	init_ *graphSide[N, E] // the declared initial value, shared by every engine: read only
	side  [2]graphSide[N, E]
	cur   int
	tx    GraphTx[N, E]
	open_ bool // the spare was synced in this PSUB (the update ran)
	// where the spare differs from the current value: the records and the
	// adjacency lists the last commit changed
	staleNodes, staleAdj changes
	// what the open transaction changed in the spare
	dirtyNodes, dirtyAdj changes
}

// graphCell is what the engine and the recorders see of a graph buffer.
type graphCell interface {
	init(declared any) // the declared GraphData; the buffer keeps it prepared
	flip()
	layout() graphLayout
	nodesRaw() (unsafe.Pointer, []bool)
	outRaw(u int) (unsafe.Pointer, int)
	counts() (order, size int)
}

func (g *graphBuf[N, E]) init(any) {
	s, t := &g.side[0], g.init_
	s.nodes = append(s.nodes[:0], t.nodes...)
	s.alive = append(s.alive[:0], t.alive...)
	s.out, s.in = resize(s.out, len(t.out)), resize(s.in, len(t.in))
	for i := range t.out {
		s.out[i] = append(s.out[i][:0], t.out[i]...)
		s.in[i] = append(s.in[i][:0], t.in[i]...)
	}
	s.order, s.size = t.order, t.size
	g.cur, g.open_ = 0, false
	g.dirtyNodes.reset()
	g.dirtyAdj.reset()
	g.staleNodes.setAll()
	g.staleAdj.setAll()
}

// open makes the spare equal to the current value, copying what the last
// commit changed, and returns the transaction on it.
func (g *graphBuf[N, E]) open() *GraphTx[N, E] {
	if g.open_ {
		return &g.tx // a second call in one PSUB (only tracing does this)
	}
	cur, sp := &g.side[g.cur], &g.side[1-g.cur]
	n := len(cur.nodes)
	// The spare lacks at most the nodes the last commit added, and those
	// are stale: a resize and the stale entries make it equal.
	if g.staleNodes.all {
		sp.nodes = append(sp.nodes[:0], cur.nodes...)
		sp.alive = append(sp.alive[:0], cur.alive...)
	} else {
		sp.nodes, sp.alive = resize(sp.nodes, n), resize(sp.alive, n)
		for _, id := range g.staleNodes.ids {
			sp.nodes[id], sp.alive[id] = cur.nodes[id], cur.alive[id]
		}
	}
	sp.out, sp.in = resize(sp.out, n), resize(sp.in, n)
	if g.staleAdj.all {
		for id := range n {
			sp.out[id] = append(sp.out[id][:0], cur.out[id]...)
			sp.in[id] = append(sp.in[id][:0], cur.in[id]...)
		}
	} else {
		for _, id := range g.staleAdj.ids {
			sp.out[id] = append(sp.out[id][:0], cur.out[id]...)
			sp.in[id] = append(sp.in[id][:0], cur.in[id]...)
		}
	}
	sp.order, sp.size = cur.order, cur.size
	g.staleNodes.reset()
	g.staleAdj.reset()
	limit := max(64, n/4)
	g.dirtyNodes.limit, g.dirtyAdj.limit = limit, limit
	g.open_ = true
	g.tx = GraphTx[N, E]{GraphView[N, E]{g: g, s: sp}}
	return &g.tx
}

// resize returns s with length n, reusing its capacity.
func resize[T any](s []T, n int) []T {
	if n <= cap(s) {
		return s[:n]
	}
	return append(s[:cap(s)], make([]T, n-cap(s))...)
}

// flip makes the transaction's value current; the old current value
// becomes the spare, stale where the transaction wrote.
func (g *graphBuf[N, E]) flip() {
	if !g.open_ {
		return
	}
	g.cur = 1 - g.cur
	g.open_ = false
	// stale was reset by open
	g.staleNodes, g.dirtyNodes = g.dirtyNodes, g.staleNodes
	g.staleAdj, g.dirtyAdj = g.dirtyAdj, g.staleAdj
	g.tx = GraphTx[N, E]{}
}

// layout is where a graph's records live, for recorders.
type graphLayout struct {
	nodeSize, edgeSize   uintptr
	toOff, wOff, attrOff uintptr // offsets in an edge record
}

func (g *graphBuf[N, E]) layout() graphLayout {
	var e Edge[E]
	return graphLayout{nodeSize: unsafe.Sizeof(*new(N)), edgeSize: unsafe.Sizeof(e),
		toOff: unsafe.Offsetof(e.To), wOff: unsafe.Offsetof(e.Weight), attrOff: unsafe.Offsetof(e.Attr)}
}

// nodesRaw returns the current node records and liveness.
func (g *graphBuf[N, E]) nodesRaw() (unsafe.Pointer, []bool) {
	s := &g.side[g.cur]
	return unsafe.Pointer(unsafe.SliceData(s.nodes)), s.alive
}

// outRaw returns node u's current out-list.
func (g *graphBuf[N, E]) outRaw(u int) (unsafe.Pointer, int) {
	out := g.side[g.cur].out[u]
	return unsafe.Pointer(unsafe.SliceData(out)), len(out)
}

func (g *graphBuf[N, E]) counts() (order, size int) {
	s := &g.side[g.cur]
	return s.order, s.size
}
