package network_test

import (
	"fmt"
	"testing"

	"github.com/statecraft/statecraft/blocks/network"
	"github.com/statecraft/statecraft/gds"
)

// TestSummaries: the summaries of graphs with isolated nodes, several
// components, directed edges, down and removed nodes, as functions on the
// view and as the updates' values in the recorded row.
func TestSummaries(t *testing.T) {
	cases := []struct {
		name       string
		n          int
		edges      [][2]int
		undirected bool
		down       []int
		remove     []int
		alive, up  int
		links      int
		components int
		meanDegree float64
	}{
		{"empty", 0, nil, true, nil, nil, 0, 0, 0, 0, 0},
		{"isolated nodes", 4, nil, true, nil, nil, 4, 4, 0, 4, 0},
		{"a path and a pair", 6, [][2]int{{0, 1}, {1, 2}, {3, 4}}, true, nil, nil, 6, 6, 6, 3, 1},
		{"directed, weakly connected", 3, [][2]int{{0, 1}, {2, 1}}, false, nil, nil, 3, 3, 2, 1, 2.0 / 3},
		{"down nodes count as alive", 4, [][2]int{{0, 1}, {2, 3}}, true, []int{0, 3}, nil, 4, 2, 4, 2, 1},
		{"a removed node splits a path", 5, [][2]int{{0, 1}, {1, 2}, {2, 3}, {3, 4}}, true, nil, []int{2}, 4, 4, 4, 2, 1},
	}
	for _, tc := range cases {
		b := gds.NewBuilder("summary")
		g := gds.GraphOf(b, "net", gds.GraphData[peer, link]{})
		alive, up, links, comps := b.Int("alive", 0), b.Int("up", 0), b.Int("links", 0), b.Int("components", 0)
		deg := b.Float("mean_degree", 0)
		b.PSUB("topology", network.Generate(g, func(c *gds.Ctx, tx *gds.GraphTx[peer, link]) error {
			err := network.FromEdges(tx, tc.n, tc.edges, tc.undirected, func(id int) peer { return peer{Up: !contains(tc.down, id)} }, nil)
			for _, id := range tc.remove {
				tx.RemoveNode(id)
			}
			return err
		}))
		var fromViews []any
		b.PSUB("measure",
			network.AliveUpdate(alive, g), network.UpUpdate(up, g, network.PeerFields), network.EdgesUpdate(links, g),
			network.ComponentsUpdate(comps, g), network.MeanDegreeUpdate(deg, g),
			gds.Policy("views", func(c *gds.Ctx) {
				v := g.Get(c)
				fromViews = []any{network.Alive(v), network.Up(v, network.PeerFields), network.Edges(v), network.Components(v), network.MeanDegree(v)}
			}))
		m := build(t, b)
		var r rows
		run(t, m, 1, 1, &r)
		last, lastF := r.ints[len(r.ints)-1], r.floats[len(r.floats)-1]
		got := []any{int(last[slotOf(m, "alive")]), int(last[slotOf(m, "up")]), int(last[slotOf(m, "links")]), int(last[slotOf(m, "components")]), lastF[slotOf(m, "mean_degree")]}
		want := []any{tc.alive, tc.up, tc.links, tc.components, tc.meanDegree}
		if fmt.Sprint(got) != fmt.Sprint(want) || fmt.Sprint(fromViews) != fmt.Sprint(want) {
			t.Errorf("%s: alive, up, edges, components, mean degree = %v (updates), %v (functions); want %v", tc.name, got, fromViews, want)
		}
	}
}
