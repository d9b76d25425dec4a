package gds_test

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/gonum/graph"
	"gonum.org/v1/gonum/graph/path"
	"gonum.org/v1/gonum/graph/simple"
	"gonum.org/v1/gonum/graph/topo"

	"github.com/statecraft/statecraft/gds"
)

type peer struct {
	Load float64
	Hops int
	Up   bool
}

type link struct{ Cost float64 }

// refGraph is the test's own model of a graph: a deep copy is cheap to
// reason about, which is what the engine avoids.
type refGraph struct {
	nodes []peer
	alive []bool
	edges map[[2]int]gds.Edge[link]
}

func newRef(d gds.GraphData[peer, link]) *refGraph {
	r := &refGraph{edges: map[[2]int]gds.Edge[link]{}}
	for _, n := range d.Nodes {
		r.nodes, r.alive = append(r.nodes, n), append(r.alive, true)
	}
	for _, e := range d.Edges {
		r.edges[[2]int{e.From, e.To}] = gds.Edge[link]{To: e.To, Weight: e.Weight, Attr: e.Attr}
	}
	return r
}

func (r *refGraph) clone() *refGraph {
	c := &refGraph{nodes: slices.Clone(r.nodes), alive: slices.Clone(r.alive), edges: map[[2]int]gds.Edge[link]{}}
	for k, v := range r.edges {
		c.edges[k] = v
	}
	return c
}

func (r *refGraph) aliveIDs() []int {
	var ids []int
	for id, ok := range r.alive {
		if ok {
			ids = append(ids, id)
		}
	}
	return ids
}

// diff reports how the view differs from the reference, or "".
func (r *refGraph) diff(v gds.GraphView[peer, link]) string {
	if v.Len() != len(r.nodes) {
		return fmt.Sprintf("Len %d, want %d", v.Len(), len(r.nodes))
	}
	if v.Order() != len(r.aliveIDs()) || v.Size() != len(r.edges) {
		return fmt.Sprintf("Order, Size = %d, %d; want %d, %d", v.Order(), v.Size(), len(r.aliveIDs()), len(r.edges))
	}
	for id := range r.nodes {
		if v.Alive(id) != r.alive[id] {
			return fmt.Sprintf("node %d: Alive %v, want %v", id, v.Alive(id), r.alive[id])
		}
		if !r.alive[id] {
			if len(v.Out(id))+len(v.In(id)) > 0 {
				return fmt.Sprintf("removed node %d has edges", id)
			}
			continue
		}
		if v.Node(id) != r.nodes[id] {
			return fmt.Sprintf("node %d: %+v, want %+v", id, v.Node(id), r.nodes[id])
		}
		var out []gds.Edge[link]
		var in []int
		for k, e := range r.edges {
			if k[0] == id {
				out = append(out, e)
			}
			if k[1] == id {
				in = append(in, k[0])
			}
		}
		slices.SortFunc(out, func(a, b gds.Edge[link]) int { return a.To - b.To })
		slices.Sort(in)
		if !slices.Equal(v.Out(id), out) {
			return fmt.Sprintf("node %d: out %v, want %v", id, v.Out(id), out)
		}
		if !slices.Equal(v.In(id), in) && len(v.In(id))+len(in) > 0 {
			return fmt.Sprintf("node %d: in %v, want %v", id, v.In(id), in)
		}
	}
	return ""
}

// TestGraphSemantics runs random changes to a graph through the engine
// and checks, at every block, that the graph read is the reference
// graph as it was before the PSUB: an update's writes are seen by no
// block of its PSUB (a second graph's update, run after it, included) and
// by every block after it. A PSUB without a graph update in between
// checks that the spare catches up on changes it skipped.
func TestGraphSemantics(t *testing.T) {
	init := gds.GraphData[peer, link]{
		Nodes: []peer{{Load: 1, Up: true}, {Load: 2}, {Load: 3, Hops: 1}, {Load: 4}},
		Edges: []gds.EdgeData[link]{{From: 0, To: 1, Weight: 1}, {From: 1, To: 2, Weight: 2, Attr: link{Cost: 5}}, {From: 3, To: 0, Weight: 0.5}},
	}
	b := gds.NewBuilder("graphs")
	g := gds.GraphOf(b, "net", init)
	shadow := gds.GraphOf(b, "shadow", gds.GraphData[peer, link]{})
	var ref, pending *refGraph
	checks, changes := 0, 0
	fail := func(c *gds.Ctx, who, msg string) {
		panic(fmt.Sprintf("timestep %d, substep %d, %s: %s", c.T, c.Substep, who, msg))
	}
	check := func(who string) gds.Block {
		return gds.Policy(who, func(c *gds.Ctx) {
			if c.T == 1 && c.Substep == 1 {
				ref, pending = newRef(init), nil // a new job (Build traces one)
			}
			if pending != nil {
				ref, pending = pending, nil
			}
			if d := ref.diff(g.Get(c)); d != "" {
				fail(c, who, d)
			}
			checks++
		})
	}
	mutate := func(c *gds.Ctx, tx *gds.GraphTx[peer, link]) {
		next := ref.clone()
		if c.T == 40 && c.Substep == 1 {
			tx.Clear()
			next = newRef(gds.GraphData[peer, link]{})
		}
		for range 1 + c.Rand.IntN(6) {
			ids := next.aliveIDs()
			op := c.Rand.IntN(10)
			if len(ids) < 2 {
				op = 0
			}
			switch {
			case op <= 1: // add a node
				n := peer{Load: float64(c.Rand.IntN(100)), Up: c.Rand.IntN(2) == 0}
				if id := tx.AddNode(n); id != len(next.nodes) {
					fail(c, "mutate", fmt.Sprintf("AddNode = %d, want %d", id, len(next.nodes)))
				}
				next.nodes, next.alive = append(next.nodes, n), append(next.alive, true)
			case op == 2 && len(ids) > 3: // remove a node
				id := ids[c.Rand.IntN(len(ids))]
				tx.RemoveNode(id)
				next.alive[id] = false
				for k := range next.edges {
					if k[0] == id || k[1] == id {
						delete(next.edges, k)
					}
				}
			case op <= 4: // change a node in place
				id := ids[c.Rand.IntN(len(ids))]
				p := tx.NodeRef(id)
				p.Load += 1
				p.Hops++
				next.nodes[id] = *p
			case op <= 7: // add or replace an edge
				u, w := ids[c.Rand.IntN(len(ids))], ids[c.Rand.IntN(len(ids))]
				if u == w {
					continue
				}
				e := gds.Edge[link]{To: w, Weight: float64(c.Rand.IntN(9)), Attr: link{Cost: float64(c.T)}}
				tx.SetEdge(u, w, e.Weight, e.Attr)
				next.edges[[2]int{u, w}] = e
			case op == 8: // change an edge in place
				for _, k := range sortedKeys(next.edges) {
					if e := tx.EdgeRef(k[0], k[1]); e != nil {
						e.Weight += 0.25
						next.edges[k] = *e
					}
					break
				}
			default: // remove an edge
				for _, k := range sortedKeys(next.edges) {
					if !tx.RemoveEdge(k[0], k[1]) {
						fail(c, "mutate", fmt.Sprintf("RemoveEdge(%v) = false", k))
					}
					delete(next.edges, k)
					break
				}
			}
		}
		if d := next.diff(tx.GraphView); d != "" { // the transaction reads its own writes
			fail(c, "mutate", "transaction: "+d)
		}
		pending = next
		changes++
	}
	// shadow's update runs after net's (declaration order): it must still
	// read net as it was before the PSUB.
	copyPre := shadow.Update(func(c *gds.Ctx, tx *gds.GraphTx[peer, link]) {
		if d := ref.diff(g.Get(c)); d != "" {
			fail(c, "shadow", d)
		}
	})
	b.PSUB("change", check("check1"), g.Update(mutate), copyPre)
	b.PSUB("idle", check("check2"))
	b.PSUB("idle2", check("check3"))
	b.PSUB("change2", check("check4"), g.Update(mutate))
	b.PSUB("last", check("check5"))
	m := mustBuild(t, b)
	e := m.NewEngine()
	rec := recorderFunc(func(r *gds.Row) error {
		slot := m.Vars()[0].Slot
		cur := ref
		if r.Timestep == 0 {
			cur = newRef(init)
		} else if pending != nil {
			cur = pending // the last PSUB's change, committed before the row
		}
		nodes := r.AppendGraphNodes(nil, slot)
		if want := cur.aliveIDs(); !slices.Equal(intsOf(nodes), want) {
			return fmt.Errorf("row %d/%d: nodes %v, want %v", r.Timestep, r.Substep, nodes, want)
		}
		if n, ed := r.GraphCounts(slot); n != len(nodes) || ed != len(cur.edges) {
			return fmt.Errorf("row %d/%d: counts %d, %d", r.Timestep, r.Substep, n, ed)
		}
		from, to, w := r.AppendGraphEdges(nil, nil, nil, slot)
		costs := r.AppendGraphFloats(nil, slot, true, 0)
		hops := r.AppendGraphInts(nil, slot, false, 1)
		for k := range from {
			e, ok := cur.edges[[2]int{int(from[k]), int(to[k])}]
			if !ok || e.Weight != w[k] || e.Attr.Cost != costs[k] {
				return fmt.Errorf("row %d/%d: edge %d→%d w %v cost %v, want %+v", r.Timestep, r.Substep, from[k], to[k], w[k], costs[k], e)
			}
		}
		for k, id := range nodes {
			if int64(cur.nodes[id].Hops) != hops[k] {
				return fmt.Errorf("row %d/%d: node %d hops %d, want %d", r.Timestep, r.Substep, id, hops[k], cur.nodes[id].Hops)
			}
		}
		return nil
	})
	for seed := uint64(1); seed <= 4; seed++ {
		if err := e.Run(context.Background(), &gds.Job{Run: 1, Timesteps: 80, Seed: [2]uint64{seed, 7}}, rec); err != nil {
			t.Fatal(err)
		}
	}
	if checks < 4*80*5 || changes < 4*80*2 {
		t.Fatalf("%d checks, %d changes: the blocks did not run", checks, changes)
	}
}

func sortedKeys(m map[[2]int]gds.Edge[link]) [][2]int {
	keys := make([][2]int, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b [2]int) int {
		if a[0] != b[0] {
			return a[0] - b[0]
		}
		return a[1] - b[1]
	})
	return keys
}

func intsOf(s []int32) []int {
	out := make([]int, len(s))
	for i, v := range s {
		out[i] = int(v)
	}
	return out
}

// TestGraphJobsIndependent: each job starts from the declared graph, and
// two engines give the same rows.
func TestGraphJobsIndependent(t *testing.T) {
	b := gds.NewBuilder("grow")
	g := gds.GraphOf(b, "g", gds.GraphData[peer, struct{}]{Nodes: []peer{{}}})
	size := b.Int("size", 0)
	b.PSUB("grow", g.Update(func(c *gds.Ctx, tx *gds.GraphTx[peer, struct{}]) {
		id := tx.AddNode(peer{Load: c.Rand.Float64()})
		tx.SetEdge(id, id-1, 1, struct{}{})
	}), size.Update(func(c *gds.Ctx) int64 { return int64(g.Get(c).Size()) }))
	m := mustBuild(t, b)
	var got [2][]int64
	for k, e := range []*gds.Engine{m.NewEngine(), m.NewEngine()} {
		for run := 1; run <= 2; run++ {
			rec := recorderFunc(func(r *gds.Row) error {
				n, ed := r.GraphCounts(0)
				got[k] = append(got[k], int64(n), int64(ed), r.Ints()[0])
				return nil
			})
			if err := e.Run(context.Background(), &gds.Job{Run: run, Timesteps: 5, Seed: [2]uint64{9, uint64(run)}}, rec); err != nil {
				t.Fatal(err)
			}
		}
	}
	if !slices.Equal(got[0], got[1]) {
		t.Fatalf("engines differ: %v vs %v", got[0], got[1])
	}
	// run 1: nodes 1..6, edges 0..5, size lags one PSUB behind the graph
	want := []int64{1, 0, 0, 2, 1, 0, 3, 2, 1, 4, 3, 2, 5, 4, 3, 6, 5, 4}
	if !slices.Equal(got[0][:18], want) || !slices.Equal(got[0][18:], want) {
		t.Fatalf("rows %v, want %v twice", got[0], want)
	}
}

// TestGraphBuildChecks: graph mistakes are build errors, reported with
// the variable's name.
func TestGraphBuildChecks(t *testing.T) {
	cases := []struct {
		name  string
		build func(b *gds.Builder)
		want  string
	}{
		{"bad edge", func(b *gds.Builder) {
			gds.GraphOf(b, "g", gds.GraphData[peer, link]{Nodes: []peer{{}}, Edges: []gds.EdgeData[link]{{From: 0, To: 3}}})
		}, `state variable "g": initial graph: edge 0 (0→3): nodes are 0..0`},
		{"self-loop", func(b *gds.Builder) {
			gds.GraphOf(b, "g", gds.GraphData[peer, link]{Nodes: []peer{{}}, Edges: []gds.EdgeData[link]{{From: 0, To: 0}}})
		}, "a self-loop on node 0"},
		{"duplicate", func(b *gds.Builder) {
			gds.GraphOf(b, "g", gds.GraphData[peer, link]{Nodes: []peer{{}, {}}, Edges: []gds.EdgeData[link]{{From: 0, To: 1}, {From: 0, To: 1}}})
		}, "edge 1: a second edge 0→1"},
		{"node type", func(b *gds.Builder) {
			gds.GraphOf(b, "g", gds.GraphData[int, link]{})
		}, `state variable "g": nodes: agent records must be structs, got int`},
		{"edge field", func(b *gds.Builder) {
			gds.GraphOf(b, "g", gds.GraphData[peer, struct{ C []int }]{})
		}, `state variable "g": edges: agent field .C has type []int`},
		{"lags", func(b *gds.Builder) {
			gds.GraphOf(b, "g", gds.GraphData[peer, link]{}, gds.Lags(2))
		}, `state variable "g": lags are not supported for graph variables`},
		{"two writers", func(b *gds.Builder) {
			g := gds.GraphOf(b, "g", gds.GraphData[peer, link]{})
			nop := func(*gds.Ctx, *gds.GraphTx[peer, link]) {}
			b.PSUB("p", g.Update(nop), g.Update(nop).Named("again"))
		}, `PSUB "p": variable "g" is written by two updates, "g" and "again"`},
		{"missing node", func(b *gds.Builder) {
			g := gds.GraphOf(b, "g", gds.GraphData[peer, link]{Nodes: []peer{{}}})
			b.PSUB("p", g.Update(func(c *gds.Ctx, tx *gds.GraphTx[peer, link]) { tx.SetEdge(0, 4, 1, link{}) }))
		}, `graph "g": node 4 does not exist (nodes are 0..0)`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := gds.NewBuilder("m")
			tc.build(b)
			if !hasPSUB(tc.name) {
				x := b.Float("x", 0)
				b.PSUB("q", x.Update(func(c *gds.Ctx) float64 { return 0 }))
			}
			_, err := b.Build()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Build error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func hasPSUB(name string) bool { return name == "two writers" || name == "missing node" }

// TestGraphInitialStateFromConfig: configs cannot set a graph.
func TestGraphInitialStateFromConfig(t *testing.T) {
	b := gds.NewBuilder("m")
	g := gds.GraphOf(b, "g", gds.GraphData[peer, link]{})
	b.PSUB("p", g.Update(func(*gds.Ctx, *gds.GraphTx[peer, link]) {}))
	m := mustBuild(t, b)
	err := m.InitialState().Set("g", []any{})
	if err == nil || !strings.Contains(err.Error(), `initial state "g": a graph variable's initial value is the model's`) {
		t.Fatalf("Set = %v", err)
	}
	vi, _ := m.Var("g")
	if vi.Kind != gds.KindGraph || len(vi.Fields) != 3 || len(vi.EdgeFields) != 1 || vi.EdgeFields[0].Name != "cost" {
		t.Fatalf("VarInfo %+v", vi)
	}
}

// TestGraphGonum: gonum's algorithms run on a graph variable's value.
func TestGraphGonum(t *testing.T) {
	// 0 → 1 → 2 (weights 1, 2) and 0 → 2 (weight 5); 3 ↔ 4; 5 removed.
	init := gds.GraphData[peer, link]{
		Nodes: make([]peer, 6),
		Edges: []gds.EdgeData[link]{{From: 0, To: 1, Weight: 1}, {From: 1, To: 2, Weight: 2}, {From: 0, To: 2, Weight: 5},
			{From: 3, To: 4, Weight: 1}, {From: 4, To: 3, Weight: 1}, {From: 5, To: 0, Weight: 1}},
	}
	b := gds.NewBuilder("gn")
	g := gds.GraphOf(b, "g", init)
	dist := b.Float("dist", 0)
	comps := b.Int("components", 0)
	b.PSUB("remove", g.Update(func(c *gds.Ctx, tx *gds.GraphTx[peer, link]) {
		if tx.Alive(5) {
			tx.RemoveNode(5)
		}
	}))
	b.PSUB("measure",
		dist.Update(func(c *gds.Ctx) float64 {
			sp := path.DijkstraFrom(simple.Node(0), g.Get(c).Gonum())
			return sp.WeightTo(2)
		}),
		comps.Update(func(c *gds.Ctx) int64 {
			return int64(len(topo.ConnectedComponents(graph.Undirect{G: g.Get(c).Gonum()})))
		}),
	)
	m := mustBuild(t, b)
	var d float64
	var k int64
	rec := recorderFunc(func(r *gds.Row) error { d, k = r.Floats()[0], r.Ints()[0]; return nil })
	if err := m.NewEngine().Run(context.Background(), &gds.Job{Run: 1, Timesteps: 1}, rec); err != nil {
		t.Fatal(err)
	}
	if d != 3 || k != 2 {
		t.Fatalf("shortest 0→2 = %v, components = %d; want 3 and 2", d, k)
	}
	// The view's gonum graph answers as gonum's own simple graph would.
	bb := gds.NewBuilder("gn2")
	g2 := gds.GraphOf(bb, "g", init)
	x := bb.Float("x", 0)
	bb.PSUB("p", x.Update(func(c *gds.Ctx) float64 {
		gg := g2.Get(c).Gonum()
		if w, ok := gg.Weight(1, 1); w != 0 || !ok {
			panic("self weight")
		}
		if w, ok := gg.Weight(2, 1); !math.IsInf(w, 1) || ok {
			panic("absent weight")
		}
		if gg.Edge(2, 1) != nil || gg.Edge(1, 2) == nil || !gg.HasEdgeBetween(2, 1) || gg.HasEdgeFromTo(2, 1) {
			panic("edges")
		}
		if n := gg.Nodes().Len(); n != 6 {
			panic(fmt.Sprint("nodes ", n))
		}
		if n := gg.To(2).Len(); n != 2 {
			panic(fmt.Sprint("to ", n))
		}
		return 1
	}))
	m2 := mustBuild(t, bb)
	if err := m2.NewEngine().Run(context.Background(), &gds.Job{Run: 1, Timesteps: 1}, recorderFunc(func(*gds.Row) error { return nil })); err != nil {
		t.Fatal(err)
	}
}

// TestGraphNoAllocs: a fixed-size graph whose node attributes change at
// every substep runs without allocating.
func TestGraphNoAllocs(t *testing.T) {
	const n = 500
	init := gds.GraphData[peer, link]{Nodes: make([]peer, n)}
	for i := range n {
		init.Edges = append(init.Edges, gds.EdgeData[link]{From: i, To: (i + 1) % n, Weight: 1}, gds.EdgeData[link]{From: i, To: (i + 7) % n, Weight: 2})
	}
	b := gds.NewBuilder("ring")
	g := gds.GraphOf(b, "g", init)
	total := b.Float("total", 0)
	b.PSUB("spread", g.Update(func(c *gds.Ctx, tx *gds.GraphTx[peer, link]) {
		cur := g.Get(c)
		for id := range cur.Len() {
			s := 0.0
			for _, e := range cur.Out(id) {
				s += cur.Node(e.To).Load * e.Weight
			}
			tx.NodeRef(id).Load = 0.5*cur.Node(id).Load + 0.1*s + c.Rand.Float64()
		}
		if e := tx.EdgeRef(c.T%n, (c.T+1)%n); e != nil {
			e.Weight = 1 + c.Rand.Float64()
		}
	}))
	b.PSUB("sum", total.Update(func(c *gds.Ctx) float64 {
		s := 0.0
		for _, p := range g.Get(c).Nodes() {
			s += p.Load
		}
		return s
	}))
	m := mustBuild(t, b)
	e := m.NewEngine()
	rec := recorderFunc(func(*gds.Row) error { return nil })
	job := &gds.Job{Run: 1, Timesteps: 300, Seed: [2]uint64{3, 4}}
	allocs := testing.AllocsPerRun(3, func() {
		if err := e.Run(context.Background(), job, rec); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Fatalf("a 300-step job on a 500-node graph allocated %v times after warm-up; want 0", allocs)
	}
}
