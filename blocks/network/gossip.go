package network

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/statecraft/statecraft/blocks"
	"github.com/statecraft/statecraft/gds"
)

// Gossip spreads a rumour over a graph's edges in synchronous rounds,
// one per timestep: in a round, every node that is alive, up and
// informed before the round pushes the rumour over Fanout of its usable
// out-edges (all of them when Fanout <= 0: flooding), chosen uniformly at
// random; an edge u→v is usable when v is alive and up and, if Connected
// is set, Connected(u, v, t). A push is lost with the edge's Loss; the
// others inform their target, which forwards from the next round on.
// Informed nodes stay informed, down or not; down nodes do not push.
//
// Without loss, flooding informs a node at the round equal to its
// distance from the nearest informed node over usable edges, and never
// crosses a partition.
type Gossip[N, E any] struct {
	Fields    Fields[N]                    // Informed (required), Up and InformedAt (optional)
	Fanout    int                          // pushes per informed node per round; <= 0: all usable edges
	Loss      func(gds.Edge[E]) float64    // probability a push over the edge is lost; nil: none
	Connected func(u, v int, t int64) bool // partitions; nil: none
}

// GossipStats counts what one round did.
type GossipStats struct {
	Pushes   int // pushes made, lost or not
	Lost     int // pushes lost
	Informed int // nodes informed by the round
}

// PeerGossip returns the Gossip of a Peer graph, with its links' loss.
func PeerGossip(fanout int, connected func(u, v int, t int64) bool) Gossip[Peer, Link] {
	return Gossip[Peer, Link]{Fields: PeerFields, Fanout: fanout, Loss: LinkLoss, Connected: connected}
}

// round runs one round at timestep t on v: was says who was informed
// before it, and inform informs a node, reporting whether it was not
// yet.
func (g Gossip[N, E]) round(v gds.GraphView[N, E], t int64, r *rand.Rand, was func(id int) bool, inform func(id int) bool) GossipStats {
	var st GossipStats
	nodes := v.Nodes()
	for u := range nodes {
		if !upIn(g.Fields, v, u) || !was(u) {
			continue
		}
		out := v.Out(u)
		usable := 0
		for _, e := range out {
			if g.usable(v, u, e.To, t) {
				usable++
			}
		}
		need := usable
		if g.Fanout > 0 {
			need = min(g.Fanout, usable)
		}
		// Selection sampling (Knuth's algorithm S): a uniform choice of
		// need of the usable edges, in one pass, without a buffer, and
		// without draws when all are chosen.
		left := usable
		for _, e := range out {
			if need == 0 {
				break
			}
			if !g.usable(v, u, e.To, t) {
				continue
			}
			pick := need == left || r.IntN(left) < need
			left--
			if !pick {
				continue
			}
			need--
			st.Pushes++
			if g.Loss != nil && lost(Link{Loss: g.Loss(e)}, r, u, e.To) {
				st.Lost++
				continue
			}
			if inform(e.To) {
				st.Informed++
			}
		}
	}
	return st
}

func (g Gossip[N, E]) usable(v gds.GraphView[N, E], u, w int, t int64) bool {
	return upIn(g.Fields, v, w) && (g.Connected == nil || g.Connected(u, w, t))
}

func (g Gossip[N, E]) check() {
	if g.Fields.Informed == nil {
		panic(fmt.Errorf("network.Gossip: the node record needs the Informed field"))
	}
}

// Round runs the round of timestep t: it reads who is informed in cur
// (the graph before the block) and informs nodes in tx, setting Informed
// and, if there is the field, InformedAt = t. Its draws come from r.
func (g Gossip[N, E]) Round(tx *gds.GraphTx[N, E], cur gds.GraphView[N, E], t int64, r *rand.Rand) GossipStats {
	g.check()
	f := g.Fields
	curNodes := cur.Nodes()
	return g.round(cur, t, r,
		func(id int) bool { return *f.Informed(&curNodes[id]) },
		func(id int) bool {
			if *f.Informed(&tx.Nodes()[id]) {
				return false
			}
			p := tx.NodeRef(id)
			*f.Informed(p) = true
			if f.InformedAt != nil {
				*f.InformedAt(p) = t
			}
			return true
		})
}

// Update returns the update of h that runs a round at every timestep,
// drawing from the job's random stream.
func (g Gossip[N, E]) Update(h gds.Graph[N, E]) gds.Block {
	return h.Update(func(c *gds.Ctx, tx *gds.GraphTx[N, E]) { g.Round(tx, h.Get(c), int64(c.T), c.Rand) })
}

// Rounds simulates rounds on v, without changing it, from the rumour at
// the seeds alone (the nodes' Informed fields are not read), the first
// round at timestep t: it returns the number of rounds after which every
// alive, up node is informed, and true, or maxRounds and false if that
// does not happen by then. It allocates two slices of v.Len() booleans.
func (g Gossip[N, E]) Rounds(v gds.GraphView[N, E], seeds []int, t int64, maxRounds int, r *rand.Rand) (int, bool) {
	cur, next := make([]bool, v.Len()), make([]bool, v.Len())
	for _, s := range seeds {
		if v.Alive(s) {
			cur[s] = true
		}
	}
	full := func() bool {
		for id := range cur {
			if !cur[id] && upIn(g.Fields, v, id) {
				return false
			}
		}
		return true
	}
	for k := 0; ; k++ {
		if full() {
			return k, true
		}
		if k == maxRounds {
			return maxRounds, false
		}
		copy(next, cur)
		g.round(v, t+int64(k), r,
			func(id int) bool { return cur[id] },
			func(id int) bool { was := next[id]; next[id] = true; return !was })
		cur, next = next, cur
	}
}

// Coverage returns the share of the alive, up nodes of v that are
// informed (f.Informed; f.Up, if set, says who is up), 0 if no node is
// up.
func Coverage[N, E any](v gds.GraphView[N, E], f Fields[N]) float64 {
	up, informed := 0, 0
	nodes := v.Nodes()
	for id := range nodes {
		if upIn(f, v, id) {
			up++
			if *f.Informed(&nodes[id]) {
				informed++
			}
		}
	}
	if up == 0 {
		return 0
	}
	return float64(informed) / float64(up)
}

// CoverageUpdate returns the update that sets x to Coverage of g.
func CoverageUpdate[N, E any](x gds.Float, g gds.Graph[N, E], f Fields[N]) gds.Block {
	return x.Update(func(c *gds.Ctx) float64 { return Coverage(g.Get(c), f) })
}

// ExpectedCoverage is the mean-field estimate of push gossip's coverage
// after the given rounds among n nodes that all reach each other, from
// one informed node, each informed node pushing to fanout distinct
// random others per round (<= 0, or n−1 or more: to all), each push lost
// with probability loss. A given informed node misses a given uninformed
// one with probability 1 − q, q = min(fanout, n−1)·(1−loss)/(n−1), so
// the informed count moves as I ← I + (n − I)·(1 − (1−q)^I), from I = 1;
// the result is I/n. It treats the pushes as independent, so it is an
// estimate of the mean, not the mean itself (which it is close to for
// large n).
func ExpectedCoverage(n, fanout int, loss float64, rounds int) float64 {
	if n <= 0 {
		return 0
	}
	if n == 1 {
		return 1
	}
	loss = min(max(loss, 0), 1)
	k := n - 1
	if fanout > 0 {
		k = min(fanout, n-1)
	}
	// Products are rounded before they are added (no fused multiply-add),
	// so that every machine computes the same bits.
	q := float64(float64(k)*(1-loss)) / float64(n-1)
	informed, fn := 1.0, float64(n)
	for range rounds {
		informed += float64((fn - informed) * (1 - math.Pow(1-q, informed)))
	}
	return informed / fn
}

// ExpectedCoverageUpdate returns the update that sets x to
// ExpectedCoverage(n, fanout, loss, rounds); a negative n or rounds, or
// a loss outside [0, 1], fails the block.
func ExpectedCoverageUpdate(x gds.Float, n, fanout blocks.IntInput, loss blocks.Input, rounds blocks.IntInput) gds.Block {
	return x.Update(func(c *gds.Ctx) float64 {
		nn, l, k := n(c), loss(c), rounds(c)
		if nn < 0 || k < 0 || !(l >= 0 && l <= 1) {
			panic(fmt.Errorf("network.expected_coverage: n %d, loss %v, rounds %d; want n, rounds >= 0 and a loss in [0, 1]", nn, l, k))
		}
		return ExpectedCoverage(int(nn), int(fanout(c)), l, int(k))
	})
}
