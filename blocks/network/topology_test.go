package network_test

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/statecraft/statecraft/blocks/network"
	"github.com/statecraft/statecraft/gds"
)

type gen = func(c *gds.Ctx, tx *gds.GraphTx[peer, link]) error

func node(id int) peer { return peer{Up: true, Role: int64(id)} }

// TestTopologies: each generator makes the graph it promises: n nodes
// whose records come from the node func in order, the edge count, the
// degree sequence, no self-loops, and, for undirected topologies, both
// directions of a link with the weight of the one edge func call (u < v).
func TestTopologies(t *testing.T) {
	all := func(d int) func([]int) bool {
		return func(deg []int) bool { return !slices.ContainsFunc(deg, func(x int) bool { return x != d }) }
	}
	atLeast := func(d int) func([]int) bool {
		return func(deg []int) bool { return !slices.ContainsFunc(deg, func(x int) bool { return x < d }) }
	}
	cases := []struct {
		name     string
		gen      gen
		n, edges int // edges: directed, -1: not fixed
		degrees  func([]int) bool
		directed bool
	}{
		{"complete 6", func(c *gds.Ctx, tx *gds.GraphTx[peer, link]) error { return network.Complete(tx, 6, node, weighted) }, 6, 30, all(5), false},
		{"complete 1", func(c *gds.Ctx, tx *gds.GraphTx[peer, link]) error { return network.Complete(tx, 1, node, weighted) }, 1, 0, all(0), false},
		{"ring 10, k=2", func(c *gds.Ctx, tx *gds.GraphTx[peer, link]) error { return network.Ring(tx, 10, 2, node, weighted) }, 10, 40, all(4), false},
		{"ring 7, k=3 (complete)", func(c *gds.Ctx, tx *gds.GraphTx[peer, link]) error { return network.Ring(tx, 7, 3, node, weighted) }, 7, 42, all(6), false},
		{"ring 3, k=1", func(c *gds.Ctx, tx *gds.GraphTx[peer, link]) error { return network.Ring(tx, 3, 1, node, weighted) }, 3, 6, all(2), false},
		{"ring 5, k=0", func(c *gds.Ctx, tx *gds.GraphTx[peer, link]) error { return network.Ring(tx, 5, 0, node, nil) }, 5, 0, all(0), false},
		{"regular 10, d=3", func(c *gds.Ctx, tx *gds.GraphTx[peer, link]) error {
			return network.RandomRegular(tx, 10, 3, c.Src, node, weighted)
		}, 10, 30, all(3), false},
		{"regular 5, d=2", func(c *gds.Ctx, tx *gds.GraphTx[peer, link]) error {
			return network.RandomRegular(tx, 5, 2, c.Src, node, weighted)
		}, 5, 10, all(2), false},
		{"regular 50, d=4", func(c *gds.Ctx, tx *gds.GraphTx[peer, link]) error {
			return network.RandomRegular(tx, 50, 4, c.Src, node, weighted)
		}, 50, 200, all(4), false},
		{"regular 20, d=15 (complement)", func(c *gds.Ctx, tx *gds.GraphTx[peer, link]) error {
			return network.RandomRegular(tx, 20, 15, c.Src, node, weighted)
		}, 20, 300, all(15), false},
		{"regular 9, d=8 (complete)", func(c *gds.Ctx, tx *gds.GraphTx[peer, link]) error {
			return network.RandomRegular(tx, 9, 8, c.Src, node, weighted)
		}, 9, 72, all(8), false},
		{"regular 8, d=0", func(c *gds.Ctx, tx *gds.GraphTx[peer, link]) error {
			return network.RandomRegular(tx, 8, 0, c.Src, node, weighted)
		}, 8, 0, all(0), false},
		{"gnp p=0", func(c *gds.Ctx, tx *gds.GraphTx[peer, link]) error {
			return network.ErdosRenyi(tx, 12, 0, c.Src, node, weighted)
		}, 12, 0, all(0), false},
		{"gnp p=1", func(c *gds.Ctx, tx *gds.GraphTx[peer, link]) error {
			return network.ErdosRenyi(tx, 12, 1, c.Src, node, weighted)
		}, 12, 132, all(11), false},
		{"gnp p=0.3", func(c *gds.Ctx, tx *gds.GraphTx[peer, link]) error {
			return network.ErdosRenyi(tx, 30, 0.3, c.Src, node, weighted)
		}, 30, -1, atLeast(0), false},
		{"barabasi-albert 40, m=3", func(c *gds.Ctx, tx *gds.GraphTx[peer, link]) error {
			return network.BarabasiAlbert(tx, 40, 3, c.Src, node, weighted)
		}, 40, 2 * 3 * 37, atLeast(1), false},
		{"barabasi-albert 5, m=1 (a tree)", func(c *gds.Ctx, tx *gds.GraphTx[peer, link]) error {
			return network.BarabasiAlbert(tx, 5, 1, c.Src, node, weighted)
		}, 5, 8, atLeast(1), false},
		{"edges, undirected", func(c *gds.Ctx, tx *gds.GraphTx[peer, link]) error {
			return network.FromEdges(tx, 4, [][2]int{{0, 1}, {2, 1}, {3, 0}}, true, node, weighted)
		}, 4, 6, func(d []int) bool { return slices.Equal(d, []int{2, 2, 1, 1}) }, false},
		{"edges, directed", func(c *gds.Ctx, tx *gds.GraphTx[peer, link]) error {
			return network.FromEdges(tx, 4, [][2]int{{0, 1}, {1, 0}, {2, 1}, {3, 0}}, false, node, weighted)
		}, 4, 4, func(d []int) bool { return slices.Equal(d, []int{1, 1, 1, 1}) }, true},
	}
	for _, tc := range cases {
		for seed := uint64(1); seed <= 8; seed++ {
			g := generated(t, seed, tc.gen)
			where := fmt.Sprintf("%s, seed %d", tc.name, seed)
			if len(g.Nodes) != tc.n {
				t.Fatalf("%s: %d nodes, want %d", where, len(g.Nodes), tc.n)
			}
			for id, p := range g.Nodes {
				if p != node(id) || !g.Alive[id] {
					t.Fatalf("%s: node %d is %+v, want %+v", where, id, p, node(id))
				}
			}
			if tc.edges >= 0 && len(g.Edges) != tc.edges {
				t.Fatalf("%s: %d edges, want %d", where, len(g.Edges), tc.edges)
			}
			if deg := g.degrees(); !tc.degrees(deg) {
				t.Fatalf("%s: degrees %v", where, deg)
			}
			for k, e := range g.Edges {
				u, v := k[0], k[1]
				if u == v {
					t.Fatalf("%s: a self-loop on %d", where, u)
				}
				if tc.directed {
					continue
				}
				back, ok := g.Edges[[2]int{v, u}]
				if want := float64(min(u, v)*1000 + max(u, v)); !ok || e.Weight != want || back.Weight != want {
					t.Fatalf("%s: link %d–%d has weights %v and %v (present: %v); want %v both ways", where, u, v, e.Weight, back.Weight, ok, want)
				}
			}
		}
	}
}

// TestTopologyErrors: impossible topologies are errors that name the
// generator and the problem; Generate fails the job with the graph's
// name, so that Build reports it.
func TestTopologyErrors(t *testing.T) {
	cases := []struct {
		name string
		gen  gen
		want string
	}{
		{"ring too dense", func(c *gds.Ctx, tx *gds.GraphTx[peer, link]) error { return network.Ring(tx, 4, 2, node, nil) }, "network.Ring: n = 4, k = 2; want 0 <= 2k < n"},
		{"ring negative", func(c *gds.Ctx, tx *gds.GraphTx[peer, link]) error { return network.Ring(tx, 4, -1, node, nil) }, "network.Ring: n = 4, k = -1"},
		{"complete negative", func(c *gds.Ctx, tx *gds.GraphTx[peer, link]) error { return network.Complete(tx, -1, node, nil) }, "network.Complete: n = -1"},
		{"regular odd", func(c *gds.Ctx, tx *gds.GraphTx[peer, link]) error {
			return network.RandomRegular(tx, 5, 3, c.Src, node, nil)
		}, "network.RandomRegular: n·d = 5·3 is odd"},
		{"regular d >= n", func(c *gds.Ctx, tx *gds.GraphTx[peer, link]) error {
			return network.RandomRegular(tx, 4, 4, c.Src, node, nil)
		}, "network.RandomRegular: d = 4 with n = 4 nodes"},
		{"gnp p > 1", func(c *gds.Ctx, tx *gds.GraphTx[peer, link]) error {
			return network.ErdosRenyi(tx, 4, 1.5, c.Src, node, nil)
		}, "network.ErdosRenyi: n = 4, p = 1.5"},
		{"gnp p NaN", func(c *gds.Ctx, tx *gds.GraphTx[peer, link]) error {
			return network.ErdosRenyi(tx, 4, math.NaN(), c.Src, node, nil)
		}, "p = NaN"},
		{"ba m >= n", func(c *gds.Ctx, tx *gds.GraphTx[peer, link]) error {
			return network.BarabasiAlbert(tx, 3, 3, c.Src, node, nil)
		}, "network.BarabasiAlbert: n = 3, m = 3; want 1 <= m < n"},
		{"ba m = 0", func(c *gds.Ctx, tx *gds.GraphTx[peer, link]) error {
			return network.BarabasiAlbert(tx, 3, 0, c.Src, node, nil)
		}, "want 1 <= m < n"},
		{"edge out of range", func(c *gds.Ctx, tx *gds.GraphTx[peer, link]) error {
			return network.FromEdges(tx, 3, [][2]int{{0, 1}, {1, 3}}, true, node, nil)
		}, "network.FromEdges: edge 1 (1→3): nodes are 0..2"},
		{"edge self-loop", func(c *gds.Ctx, tx *gds.GraphTx[peer, link]) error {
			return network.FromEdges(tx, 3, [][2]int{{2, 2}}, false, node, nil)
		}, "edge 0: a self-loop on node 2"},
		{"undirected edge twice", func(c *gds.Ctx, tx *gds.GraphTx[peer, link]) error {
			return network.FromEdges(tx, 3, [][2]int{{0, 1}, {1, 2}, {1, 0}}, true, node, nil)
		}, "edge 2 (1→0) repeats edge 0"},
	}
	for _, tc := range cases {
		b := gds.NewBuilder("m")
		g := gds.GraphOf(b, "net", gds.GraphData[peer, link]{})
		b.PSUB("generate", network.Generate(g, tc.gen))
		_, err := b.Build()
		if err == nil || !strings.Contains(err.Error(), `graph "net": network.`) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: Build error %v, want one containing %q", tc.name, err, tc.want)
		}
	}
	// Both directions of a pair are distinct edges of a directed list.
	if err := network.CheckEdges(2, [][2]int{{0, 1}, {1, 0}}, false); err != nil {
		t.Errorf("directed 0→1 and 1→0: %v", err)
	}
}

// TestRandomTopologiesSeeded: a random topology is a function of the
// job's stream: the same seed gives the same graph, other seeds other
// graphs; Generate builds it once, at timestep 1, and later timesteps keep
// it.
func TestRandomTopologiesSeeded(t *testing.T) {
	gens := map[string]gen{
		"regular": func(c *gds.Ctx, tx *gds.GraphTx[peer, link]) error {
			return network.RandomRegular(tx, 30, 4, c.Src, node, nil)
		},
		"gnp": func(c *gds.Ctx, tx *gds.GraphTx[peer, link]) error {
			return network.ErdosRenyi(tx, 30, 0.2, c.Src, node, nil)
		},
		"barabasi": func(c *gds.Ctx, tx *gds.GraphTx[peer, link]) error {
			return network.BarabasiAlbert(tx, 30, 2, c.Src, node, nil)
		},
	}
	for name, g := range gens {
		first := generated(t, 5, g).pairs()
		if again := generated(t, 5, g).pairs(); !slices.Equal(first, again) {
			t.Errorf("%s: seed 5 gave two graphs", name)
		}
		distinct := 0
		for seed := uint64(6); seed < 10; seed++ {
			if !slices.Equal(first, generated(t, seed, g).pairs()) {
				distinct++
			}
		}
		if distinct != 4 {
			t.Errorf("%s: %d of 4 other seeds gave another graph", name, distinct)
		}
	}
	// Later timesteps keep the graph.
	b := gds.NewBuilder("keep")
	g := gds.GraphOf(b, "net", gds.GraphData[peer, link]{})
	b.PSUB("generate", network.Generate(g, gens["gnp"]))
	var h history
	h.probe(b, g)
	run(t, build(t, b), 5, 1, nil)
	for _, s := range h.s[1:] {
		if !slices.Equal(s.pairs(), h.s[0].pairs()) {
			t.Fatalf("timestep %d: the graph changed", s.T)
		}
	}
}

// TestErdosRenyiEdgeCount: G(n, p) has about p·n(n−1)/2 links: within
// 4.5 standard deviations of the binomial for each seed, and the mean
// over the seeds within 4.5 of its own.
func TestErdosRenyiEdgeCount(t *testing.T) {
	for _, tc := range []struct {
		n int
		p float64
	}{{200, 0.05}, {100, 0.5}, {60, 0.01}} {
		pairs := float64(tc.n * (tc.n - 1) / 2)
		mean, sd := tc.p*pairs, math.Sqrt(pairs*tc.p*(1-tc.p))
		total, seeds := 0.0, 10
		for seed := range seeds {
			g := generated(t, uint64(seed+1), func(c *gds.Ctx, tx *gds.GraphTx[peer, link]) error {
				return network.ErdosRenyi(tx, tc.n, tc.p, c.Src, node, nil)
			})
			links := float64(len(g.Edges) / 2)
			if math.Abs(links-mean) > 4.5*sd {
				t.Errorf("G(%d, %v), seed %d: %v links, want %v ± %.1f", tc.n, tc.p, seed+1, links, mean, 4.5*sd)
			}
			total += links
		}
		if m := total / float64(seeds); math.Abs(m-mean) > 4.5*sd/math.Sqrt(float64(seeds)) {
			t.Errorf("G(%d, %v): mean %v links over %d seeds, want %v", tc.n, tc.p, m, seeds, mean)
		}
	}
}

// FuzzFromEdges: FromEdges accepts exactly the lists without an endpoint
// out of range, a self-loop or a repeated edge, and then makes exactly
// the listed edges.
func FuzzFromEdges(f *testing.F) {
	f.Add([]byte{4, 0, 1, 1, 2, 2, 3}, true)
	f.Add([]byte{3, 0, 1, 1, 0}, false)
	f.Add([]byte{3, 0, 1, 1, 0}, true)
	f.Add([]byte{2, 0, 0}, false)
	f.Add([]byte{2, 0, 5}, false)
	f.Add([]byte{0}, true)
	// One model runs every input: its update reads the case from here.
	var edges [][2]int
	var n int
	var undirected bool
	var err error
	b := gds.NewBuilder("fuzz")
	g := gds.GraphOf(b, "net", gds.GraphData[peer, link]{})
	b.PSUB("generate", network.Generate(g, func(c *gds.Ctx, tx *gds.GraphTx[peer, link]) error {
		err = network.FromEdges(tx, n, edges, undirected, node, weighted)
		return nil
	}))
	var h history
	h.probe(b, g)
	m := build(f, b)
	f.Fuzz(func(t *testing.T, data []byte, und bool) {
		if len(data) == 0 {
			return
		}
		n, undirected, edges = int(data[0]%16)-1, und, nil
		for i := 1; i+1 < len(data); i += 2 {
			edges = append(edges, [2]int{int(data[i]%18) - 1, int(data[i+1]%18) - 1})
		}
		// The reference: a set of edges, refusing what FromEdges must.
		want := map[[2]int]bool{}
		valid := n >= 0
		for _, e := range edges {
			u, v := e[0], e[1]
			key := e
			if undirected {
				key = [2]int{min(u, v), max(u, v)}
			}
			if u < 0 || v < 0 || u >= n || v >= n || u == v || want[key] {
				valid = false
				break
			}
			want[key] = true
		}
		run(t, m, 1, 1, nil)
		if (err == nil) != valid {
			t.Fatalf("n %d, edges %v, undirected %v: err %v, valid %v", n, edges, undirected, err, valid)
		}
		if cerr := network.CheckEdges(n, edges, undirected); (cerr == nil) != (err == nil) {
			t.Fatalf("CheckEdges %v, FromEdges %v", cerr, err)
		}
		if !valid {
			if len(h.last().Nodes) != 0 {
				t.Fatalf("a refused list wrote %d nodes", len(h.last().Nodes))
			}
			return
		}
		got := h.last()
		if len(got.Nodes) != n {
			t.Fatalf("%d nodes, want %d", len(got.Nodes), n)
		}
		for k := range got.Edges {
			key := k
			if undirected {
				key = [2]int{min(k[0], k[1]), max(k[0], k[1])}
			}
			if !want[key] {
				t.Fatalf("edge %v not listed in %v", k, edges)
			}
		}
		if wantN := len(want) * map[bool]int{true: 2, false: 1}[undirected]; len(got.Edges) != wantN {
			t.Fatalf("%d edges, want %d", len(got.Edges), wantN)
		}
	})
}
