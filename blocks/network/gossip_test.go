package network_test

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"gonum.org/v1/gonum/graph"
	"gonum.org/v1/gonum/graph/simple"
	"gonum.org/v1/gonum/graph/traverse"

	"github.com/statecraft/statecraft/blocks/network"
	"github.com/statecraft/statecraft/gds"
)

// gossipModel generates a topology whose node src is informed, then runs
// a gossip round per timestep; the history holds the graph after each.
func gossipModel(topo func(c *gds.Ctx, tx *gds.GraphTx[peer, link], node func(int) peer) error, src int, gsp network.Gossip[peer, link]) (*gds.Builder, gds.Graph[peer, link], *history) {
	b := gds.NewBuilder("gossip")
	g := gds.GraphOf(b, "net", gds.GraphData[peer, link]{})
	b.PSUB("topology", network.Generate(g, func(c *gds.Ctx, tx *gds.GraphTx[peer, link]) error {
		return topo(c, tx, func(id int) peer { return peer{Up: true, Informed: id == src} })
	}))
	b.PSUB("gossip", gsp.Update(g))
	h := &history{}
	h.probe(b, g)
	return b, g, h
}

// bfs returns the hop distance from src to every node of v (-1 when
// unreachable) and the largest, by gonum's breadth-first walk.
func bfs(v gds.GraphView[peer, link], src int) ([]int, int) {
	dist := make([]int, v.Len())
	for i := range dist {
		dist[i] = -1
	}
	ecc := 0
	var w traverse.BreadthFirst
	w.Walk(v.Gonum(), simple.Node(src), func(n graph.Node, d int) bool {
		dist[n.ID()], ecc = d, max(ecc, d)
		return false
	})
	return dist, ecc
}

// TestFloodingEccentricity: without loss, flooding informs every node at
// the round equal to its distance from the source (gonum's breadth-first
// search), so coverage reaches 1 after exactly eccentricity rounds on a
// connected graph, and never reaches the nodes it cannot reach. Rounds,
// on the generated graph, says the same.
func TestFloodingEccentricity(t *testing.T) {
	type topoFn = func(c *gds.Ctx, tx *gds.GraphTx[peer, link], node func(int) peer) error
	cases := []struct {
		name string
		topo topoFn
		src  int
	}{
		{"ring 12, k=1", func(c *gds.Ctx, tx *gds.GraphTx[peer, link], node func(int) peer) error {
			return network.Ring(tx, 12, 1, node, network.PeerLink(1, 0))
		}, 0},
		{"ring 15, k=2", func(c *gds.Ctx, tx *gds.GraphTx[peer, link], node func(int) peer) error {
			return network.Ring(tx, 15, 2, node, network.PeerLink(1, 0))
		}, 3},
		{"regular 40, d=3", func(c *gds.Ctx, tx *gds.GraphTx[peer, link], node func(int) peer) error {
			return network.RandomRegular(tx, 40, 3, c.Src, node, network.PeerLink(1, 0))
		}, 7},
		{"barabasi-albert 50, m=1", func(c *gds.Ctx, tx *gds.GraphTx[peer, link], node func(int) peer) error {
			return network.BarabasiAlbert(tx, 50, 1, c.Src, node, network.PeerLink(1, 0))
		}, 20},
		{"gnp 40, p=0.05 (maybe not connected)", func(c *gds.Ctx, tx *gds.GraphTx[peer, link], node func(int) peer) error {
			return network.ErdosRenyi(tx, 40, 0.05, c.Src, node, network.PeerLink(1, 0))
		}, 0},
		{"a path, directed", func(c *gds.Ctx, tx *gds.GraphTx[peer, link], node func(int) peer) error {
			return network.FromEdges(tx, 5, [][2]int{{0, 1}, {1, 2}, {2, 3}, {4, 3}}, false, node, nil)
		}, 0},
	}
	for _, tc := range cases {
		for seed := uint64(1); seed <= 5; seed++ {
			where := fmt.Sprintf("%s, seed %d", tc.name, seed)
			var dist []int
			var ecc, rounds int
			var full bool
			b, g, h := gossipModel(tc.topo, tc.src, network.PeerGossip(0, nil))
			b.PSUB("distances", gds.Policy("bfs", func(c *gds.Ctx) {
				if c.T == 1 {
					v := g.Get(c)
					dist, ecc = bfs(v, tc.src)
					rounds, full = network.PeerGossip(0, nil).Rounds(v, []int{tc.src}, 1, 100, c.Rand)
				}
			}))
			run(t, build(t, b), 60, seed, nil)
			fullAt := -1
			for _, s := range h.s {
				if s.Coverage == 1 && fullAt < 0 {
					fullAt = s.T
				}
			}
			reachAll := !slices.Contains(dist, -1)
			last := h.last()
			for id, p := range last.Nodes {
				switch {
				case dist[id] < 0 && p.Informed:
					t.Fatalf("%s: node %d is unreachable but informed", where, id)
				case dist[id] >= 0 && (!p.Informed || p.InformedAt != int64(dist[id])):
					t.Fatalf("%s: node %d at distance %d: informed %v at %d", where, id, dist[id], p.Informed, p.InformedAt)
				}
			}
			if reachAll && (fullAt != ecc || rounds != ecc || !full) {
				t.Fatalf("%s: full coverage at timestep %d, Rounds %d (%v); eccentricity %d", where, fullAt, rounds, full, ecc)
			}
			if !reachAll && (fullAt >= 0 || full) {
				t.Fatalf("%s: covered, though some nodes cannot be reached", where)
			}
		}
	}
}

// TestGossipPartition: flooding on a ring split in two halves does not
// cross while the partition holds, and crosses at the first round after
// it heals, at both cuts of the ring.
func TestGossipPartition(t *testing.T) {
	parts := mustSplit(t, 1, 15, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9})
	b, _, h := gossipModel(func(c *gds.Ctx, tx *gds.GraphTx[peer, link], node func(int) peer) error {
		return network.Ring(tx, 20, 1, node, network.PeerLink(1, 0))
	}, 0, network.PeerGossip(0, network.Partitions{parts}.Connected))
	run(t, build(t, b), 30, 1, nil)
	for _, s := range h.s {
		for id, p := range s.Nodes {
			other := id >= 10
			if other && p.Informed && s.T < 15 {
				t.Fatalf("timestep %d: node %d across the partition is informed", s.T, id)
			}
			if !other && !p.Informed && s.T >= 9 {
				t.Fatalf("timestep %d: node %d on the source's side is not informed", s.T, id)
			}
		}
		if s.T == 15 && !(s.Nodes[10].Informed && s.Nodes[19].Informed && !s.Nodes[11].Informed) {
			t.Fatalf("timestep 15: informed across both cuts: %v, %v", s.Nodes[10].Informed, s.Nodes[19].Informed)
		}
	}
	if cov := h.last().Coverage; cov != 1 {
		t.Fatalf("coverage %v after the partition healed", cov)
	}
}

func mustSplit(t testing.TB, from, until int64, groups ...[]int) network.Partition {
	t.Helper()
	p, err := network.Split(from, until, groups...)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestGossipRound: one round's counts and choices. A node pushes over
// min(fanout, usable edges) distinct edges (all for fanout 0); down and
// cut-off neighbours are not usable; down nodes do not push; lost pushes
// inform nobody. The round reads who was informed before it.
func TestGossipRound(t *testing.T) {
	// A star: 0 linked to 1..6; 1 down; 2 cut off from 0.
	var edges [][2]int
	for i := 1; i <= 6; i++ {
		edges = append(edges, [2]int{0, i})
	}
	cut := func(u, v int, t int64) bool { return !(min(u, v) == 0 && max(u, v) == 2) }
	cases := []struct {
		name        string
		fanout      int
		loss        float64
		informed    []int // before the round
		wantPushes  int
		wantLost    int
		wantNew     int   // nodes the round informs
		wantNewFrom []int // the nodes it may inform
	}{
		{"flood from the hub", 0, 0, []int{0}, 4, 0, 4, []int{3, 4, 5, 6}},
		{"fanout 2 from the hub", 2, 0, []int{0}, 2, 0, 2, []int{3, 4, 5, 6}},
		{"fanout beyond the edges", 9, 0, []int{0}, 4, 0, 4, []int{3, 4, 5, 6}},
		{"all lost", 0, 1, []int{0}, 4, 4, 0, nil},
		{"from a leaf", 0, 0, []int{5}, 1, 0, 1, []int{0}},
		{"from the down leaf", 0, 0, []int{1}, 0, 0, 0, nil},
		{"from the cut-off leaf", 0, 0, []int{2}, 0, 0, 0, nil},
		{"leaves and hub: redundant pushes", 0, 0, []int{0, 3, 4}, 6, 0, 2, []int{5, 6}},
	}
	for _, tc := range cases {
		for seed := uint64(1); seed <= 20; seed++ {
			b := gds.NewBuilder("round")
			g := gds.GraphOf(b, "net", gds.GraphData[peer, link]{})
			var st network.GossipStats
			gsp := network.Gossip[peer, link]{Fields: network.PeerFields, Fanout: tc.fanout, Connected: cut,
				Loss: func(gds.Edge[link]) float64 { return tc.loss }}
			b.PSUB("topology", network.Generate(g, func(c *gds.Ctx, tx *gds.GraphTx[peer, link]) error {
				return network.FromEdges(tx, 7, edges, true, func(id int) peer {
					return peer{Up: id != 1, Informed: contains(tc.informed, id)}
				}, nil)
			}))
			b.PSUB("round", g.Update(func(c *gds.Ctx, tx *gds.GraphTx[peer, link]) {
				if c.T == 1 {
					st = gsp.Round(tx, g.Get(c), int64(c.T), c.Rand)
				}
			}))
			var h history
			h.probe(b, g)
			run(t, build(t, b), 1, seed, nil)
			newly := 0
			for id, p := range h.last().Nodes {
				if p.Informed && !contains(tc.informed, id) {
					newly++
					if !contains(tc.wantNewFrom, id) || p.InformedAt != 1 {
						t.Fatalf("%s, seed %d: node %d informed (at %d)", tc.name, seed, id, p.InformedAt)
					}
				}
			}
			if st.Pushes != tc.wantPushes || st.Lost != tc.wantLost || st.Informed != newly || newly != tc.wantNew {
				t.Fatalf("%s, seed %d: %+v, %d newly informed; want %d pushes, %d lost, %d informed", tc.name, seed, st, newly, tc.wantPushes, tc.wantLost, tc.wantNew)
			}
		}
	}
}

func contains(s []int, x int) bool {
	for _, v := range s {
		if v == x {
			return true
		}
	}
	return false
}

// TestGossipFanoutUniform: a push from the hub of a star with fanout k
// picks each of its 4 leaves with probability k/4.
func TestGossipFanoutUniform(t *testing.T) {
	var edges [][2]int
	for i := 1; i <= 4; i++ {
		edges = append(edges, [2]int{0, i})
	}
	const trials = 4000
	for _, fanout := range []int{1, 2, 3} {
		counts := make([]int, 5)
		b := gds.NewBuilder("fanout")
		g := gds.GraphOf(b, "net", gds.GraphData[peer, link]{})
		b.PSUB("topology", network.Generate(g, func(c *gds.Ctx, tx *gds.GraphTx[peer, link]) error {
			return network.FromEdges(tx, 5, edges, true, func(id int) peer { return peer{Up: true, Informed: id == 0} }, nil)
		}))
		b.PSUB("round", network.PeerGossip(fanout, nil).Update(g))
		probe(b, g, func(c *gds.Ctx, v gds.GraphView[peer, link]) {
			if c.T == 1 {
				for id := 1; id <= 4; id++ {
					if v.Node(id).Informed {
						counts[id]++
					}
				}
			}
		})
		m := build(t, b)
		clear(counts)
		for seed := uint64(1); seed <= trials; seed++ {
			run(t, m, 1, seed, nil)
		}
		p := float64(fanout) / 4
		sd := math.Sqrt(trials * p * (1 - p))
		for id := 1; id <= 4; id++ {
			if math.Abs(float64(counts[id])-trials*p) > 5*sd {
				t.Errorf("fanout %d: leaf %d chosen %d times of %d, want about %.0f", fanout, id, counts[id], trials, trials*p)
			}
		}
	}
}

// TestExpectedCoverage: the estimate's fixed points (nobody, one node,
// flooding, total loss), its monotonicity in rounds and fanout, and its
// agreement with simulated push gossip on a complete graph (within 0.05
// of the mean coverage over 200 runs of 60 nodes, at every round).
func TestExpectedCoverage(t *testing.T) {
	for _, tc := range []struct {
		n, fanout int
		loss      float64
		rounds    int
		want      float64
	}{
		{0, 1, 0, 5, 0}, {1, 1, 0, 5, 1}, {10, 0, 0, 1, 1}, {10, 1, 1, 20, 0.1}, {10, 1, 0, 0, 0.1}, {10, 40, 0, 1, 1},
	} {
		if got := network.ExpectedCoverage(tc.n, tc.fanout, tc.loss, tc.rounds); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("ExpectedCoverage(%d, %d, %v, %d) = %v, want %v", tc.n, tc.fanout, tc.loss, tc.rounds, got, tc.want)
		}
	}
	prev := 0.0
	for r := range 30 {
		c := network.ExpectedCoverage(100, 1, 0.1, r)
		if c < prev || c > 1 || c < network.ExpectedCoverage(100, 1, 0.5, r) || c > network.ExpectedCoverage(100, 2, 0.1, r) {
			t.Fatalf("round %d: coverage %v is not monotone", r, c)
		}
		prev = c
	}
	const n, runs, rounds = 60, 200, 12
	for _, tc := range []struct {
		fanout int
		loss   float64
	}{{1, 0}, {2, 0.3}} {
		sum := make([]float64, rounds+1)
		b := gds.NewBuilder("coverage")
		g := gds.GraphOf(b, "net", gds.GraphData[peer, link]{})
		b.PSUB("topology", network.Generate(g, func(c *gds.Ctx, tx *gds.GraphTx[peer, link]) error {
			return network.Complete(tx, n, func(id int) peer { return peer{Up: true, Informed: id == 0} }, network.PeerLink(1, tc.loss))
		}))
		b.PSUB("gossip", network.PeerGossip(tc.fanout, nil).Update(g))
		counting := false
		probe(b, g, func(c *gds.Ctx, v gds.GraphView[peer, link]) {
			if counting {
				sum[c.T] += network.Coverage(v, network.PeerFields) / runs
			}
		})
		m := build(t, b)
		counting = true
		for seed := uint64(1); seed <= runs; seed++ {
			run(t, m, rounds, seed, nil)
		}
		worst := 0.0
		for r := 1; r <= rounds; r++ {
			worst = max(worst, math.Abs(network.ExpectedCoverage(n, tc.fanout, tc.loss, r)-sum[r]))
		}
		t.Logf("fanout %d, loss %v: largest gap %.4f", tc.fanout, tc.loss, worst)
		for r := 1; r <= rounds; r++ {
			if est := network.ExpectedCoverage(n, tc.fanout, tc.loss, r); math.Abs(est-sum[r]) > 0.05 {
				t.Errorf("fanout %d, loss %v, round %d: estimate %.3f, simulated mean %.3f", tc.fanout, tc.loss, r, est, sum[r])
			}
		}
	}
}
