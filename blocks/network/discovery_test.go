package network_test

import (
	"maps"
	"testing"

	"github.com/statecraft/statecraft/blocks/network"
	"github.com/statecraft/statecraft/gds"
)

// discoveryRun is what a discovery model did in a job.
type discoveryRun struct {
	h         *history
	converged int   // the first timestep the known graph was the target, -1 if never
	lost      int64 // messages lost, and throttled, in all
	throttled int64
}

// runDiscovery runs d on n nodes (those in down are down throughout)
// for steps timesteps and checks, at every timestep, that the known
// graph only grows, and only by the two directions of handshakes whose
// ack was delivered at that timestep; and that every edge joins nodes of
// one class of target (never a peer a node could not have learnt of).
func runDiscovery(t *testing.T, d network.Discovery[peer, link], n int, down []int, bandwidth int, steps int, seed uint64, target map[[2]int]bool) discoveryRun {
	t.Helper()
	b := gds.NewBuilder("discovery")
	nodes := make([]peer, n)
	for id := range nodes {
		nodes[id].Up = !contains(down, id)
	}
	known := gds.GraphOf(b, "known", gds.GraphData[peer, link]{Nodes: nodes})
	w := network.NewWire(b, "msgs", bandwidth, network.PeerReceiver(known, d.Connected))
	d.Known, d.Wire, d.Fields = known, w, network.PeerFields
	acks := map[int][][2]int{} // by timestep, the handshakes completed
	audit := gds.Policy("audit", func(c *gds.Ctx) {
		if c.T == 1 {
			clear(acks)
		}
		w.Deliveries(c, func(m network.Message) {
			if m.Kind == network.DiscoveryAck {
				acks[c.T] = append(acks[c.T], [2]int{m.To, m.From}, [2]int{m.From, m.To})
			}
		})
	})
	b.PSUB("discover", append(d.Blocks("discovery"), audit)...)
	h := &history{}
	h.probe(b, known)
	m := build(t, b)
	res := discoveryRun{h: h, converged: -1}
	rec := recorderFunc(func(x *gds.Row) error {
		res.lost, res.throttled = x.Ints()[slotOf(m, "msgs_lost")], x.Ints()[slotOf(m, "msgs_throttled")]
		return nil
	})
	run(t, m, steps, seed, rec)
	prev := map[[2]int]bool{}
	for _, s := range h.s {
		now := map[[2]int]bool{}
		for k := range s.Edges {
			now[k] = true
			if !target[k] {
				t.Fatalf("seed %d, timestep %d: %d knows %d, which it cannot have learnt of", seed, s.T, k[0], k[1])
			}
		}
		for k := range prev {
			if !now[k] {
				t.Fatalf("seed %d, timestep %d: %d forgot %d", seed, s.T, k[0], k[1])
			}
		}
		completed := map[[2]int]bool{}
		for _, k := range acks[s.T] {
			completed[k] = true
		}
		for k := range now {
			if !prev[k] && !completed[k] {
				t.Fatalf("seed %d, timestep %d: %d came to know %d without a handshake", seed, s.T, k[0], k[1])
			}
		}
		if res.converged < 0 && maps.Equal(now, target) {
			res.converged = s.T
		}
		prev = now
	}
	return res
}

// cliques returns the ordered pairs of distinct nodes within each group.
func cliques(groups ...[]int) map[[2]int]bool {
	out := map[[2]int]bool{}
	for _, g := range groups {
		for _, u := range g {
			for _, v := range g {
				if u != v {
					out[[2]int{u, v}] = true
				}
			}
		}
	}
	return out
}

func span(from, to int, skip ...int) []int {
	var s []int
	for i := from; i < to; i++ {
		if !contains(skip, i) {
			s = append(s, i)
		}
	}
	return s
}

// TestDiscoveryConverges: without loss, every node comes to know every
// node it can reach through bootstrap nodes and peers, and no other: a
// down node is never known, and a partition that lasts splits the
// network into two cliques.
func TestDiscoveryConverges(t *testing.T) {
	parts := network.Partitions{mustSplit(t, 1, network.Forever, span(0, 10))}
	cases := []struct {
		name      string
		d         network.Discovery[peer, link]
		n         int
		down      []int
		bandwidth int
		steps     int
		target    map[[2]int]bool
	}{
		{"one bootstrap", network.Discovery[peer, link]{Bootstrap: []int{0}, Link: network.Link{Latency: 1}, Every: 3},
			20, []int{7}, 0, 40, cliques(span(0, 20, 7))},
		{"sampled exchanges, slow links", network.Discovery[peer, link]{Bootstrap: []int{3, 11}, Link: network.Link{Latency: 2.5}, Every: 4, Fanout: 2, Share: 3},
			25, nil, 0, 300, cliques(span(0, 25))},
		{"a lasting partition", network.Discovery[peer, link]{Bootstrap: []int{0, 10}, Link: network.Link{Latency: 1}, Every: 2, Connected: parts.Connected},
			20, nil, 0, 60, cliques(span(0, 10), span(10, 20))},
		// Each peer of an exchange is a message: under a cap of 1 per edge
		// only one a timestep gets through, so share one at a time.
		{"a bandwidth cap", network.Discovery[peer, link]{Bootstrap: []int{0}, Link: network.Link{Latency: 1}, Every: 2, Share: 1},
			15, []int{2, 3}, 1, 200, cliques(span(0, 15, 2, 3))},
		{"a down bootstrap node", network.Discovery[peer, link]{Bootstrap: []int{0}, Link: network.Link{Latency: 1}, Every: 2},
			10, []int{0}, 0, 30, map[[2]int]bool{}},
	}
	for _, tc := range cases {
		for seed := uint64(1); seed <= 3; seed++ {
			res := runDiscovery(t, tc.d, tc.n, tc.down, tc.bandwidth, tc.steps, seed, tc.target)
			if res.converged < 0 {
				last := res.h.last()
				t.Fatalf("%s, seed %d: not converged after %d timesteps: %d of %d edges", tc.name, seed, tc.steps, len(last.Edges), len(tc.target))
			}
			if (tc.bandwidth > 0) != (res.throttled > 0) {
				t.Fatalf("%s, seed %d: %d messages throttled", tc.name, seed, res.throttled)
			}
			t.Logf("%s, seed %d: converged at timestep %d", tc.name, seed, res.converged)
		}
	}
}

// TestDiscoveryLossy: loss slows discovery down (the mean time to
// converge over seeds is longer) but it still converges, and it never
// makes a node know a peer without a handshake (runDiscovery's checks).
func TestDiscoveryLossy(t *testing.T) {
	target := cliques(span(0, 16))
	mean := func(loss float64) float64 {
		d := network.Discovery[peer, link]{Bootstrap: []int{0}, Link: network.Link{Latency: 1, Loss: loss}, Every: 3, Fanout: 3, Share: 4}
		total := 0
		for seed := uint64(1); seed <= 8; seed++ {
			res := runDiscovery(t, d, 16, nil, 0, 400, seed, target)
			if res.converged < 0 {
				t.Fatalf("loss %v, seed %d: not converged", loss, seed)
			}
			if (loss > 0) != (res.lost > 0) {
				t.Fatalf("loss %v, seed %d: %d messages lost", loss, seed, res.lost)
			}
			total += res.converged
		}
		return float64(total) / 8
	}
	clean, lossy := mean(0), mean(0.4)
	if !(lossy > clean) {
		t.Fatalf("mean time to converge: %.1f without loss, %.1f with 40%% loss", clean, lossy)
	}
	t.Logf("mean time to converge: %.1f without loss, %.1f with 40%% loss", clean, lossy)
}
