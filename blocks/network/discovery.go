package network

import (
	"math/rand/v2"

	"github.com/statecraft/statecraft/gds"
)

// The message kinds of Discovery.
const (
	DiscoveryHello = 1 // a node asks another to be peers
	DiscoveryAck   = 2 // the answer; its delivery completes the handshake
	DiscoveryPeer  = 3 // Payload is a peer the sender knows
)

// Discovery is peer discovery over a Wire: bootstrap nodes, a handshake,
// and peer exchange. Who knows whom is the Known graph: an edge u→v means
// u knows v, and edges are added both ways when, and only when, a
// handshake completes. The protocol, at timestep t:
//
//   - Every Every timesteps (t = 1, 1+Every, ...), every node that is up
//     says hello to each bootstrap node it does not know, and exchanges
//     peers with Fanout of the peers it knows (all if Fanout <= 0): it
//     sends each a DiscoveryPeer message per peer, for Share of its other
//     peers (all if Share <= 0).
//   - A node that receives a hello answers with an ack.
//   - When an ack from p reaches u, u and p know each other (the Known
//     update adds u→p and p→u), and each sends the other its peers as in
//     an exchange (p only if it is up).
//   - A node told of a peer it does not know says hello to it.
//
// Messages go over a mesh (any node reaches any address it has) with
// Link's latency and loss, not across Connected's partitions; a message
// is delivered if the Wire accepts it (Receiver(Known, Fields,
// Connected)). With no loss, every node comes to know every node it can
// reach through bootstrap nodes and peers; loss slows this but no node
// learns a peer without a handshake. Simplified: both ends learn at the
// ack's delivery (no third message), a crashed node keeps what it knew,
// a node says hello again each time it is told of a peer it does not
// yet know (no memory of pending handshakes), and each peer of an
// exchange is a message of its own (under a Wire's bandwidth cap of B,
// only the first B of them, in id order, reach a peer in a timestep: a
// cap calls for a small Share).
type Discovery[N, E any] struct {
	Known     gds.Graph[N, E]              // who knows whom; its nodes' records say who is up
	Wire      *Wire                        // carries the protocol's messages, and only these
	Fields    Fields[N]                    // Up, optional
	Bootstrap []int                        // the bootstrap nodes
	Link      Link                         // latency and loss between any two nodes
	Connected func(u, v int, t int64) bool // partitions; nil: none
	Every     int64                        // timesteps between hellos to bootstrap nodes and exchanges; < 1: 1
	Fanout    int                          // peers a node exchanges with per exchange; <= 0: all
	Share     int                          // peers it tells each; <= 0: all
	Edge      EdgeFunc[E]                  // weight and record of a Known edge u→v; nil: 1 and the zero record
}

// Respond sends, through send, the answers to m, delivered to m.To at
// timestep t, given who knew whom before the block (v).
func (d Discovery[N, E]) Respond(v gds.GraphView[N, E], m Message, r *rand.Rand, send func(Message)) {
	switch m.Kind {
	case DiscoveryHello:
		send(Message{From: m.To, To: m.From, Kind: DiscoveryAck})
	case DiscoveryAck:
		d.share(v, m.To, m.From, r, send)
		if upIn(d.Fields, v, m.From) {
			d.share(v, m.From, m.To, r, send)
		}
	case DiscoveryPeer:
		if w := int(m.Payload); w >= 0 && w != m.To && !v.HasEdge(m.To, w) {
			send(Message{From: m.To, To: w, Kind: DiscoveryHello})
		}
	}
}

// Tick sends, through send, what the nodes send on their own at
// timestep t: hellos to bootstrap nodes and exchanges, every Every
// timesteps.
func (d Discovery[N, E]) Tick(v gds.GraphView[N, E], t int64, r *rand.Rand, send func(Message)) {
	if (t-1)%max(d.Every, 1) != 0 {
		return
	}
	for u := range v.Len() {
		if !upIn(d.Fields, v, u) {
			continue
		}
		for _, b := range d.Bootstrap {
			if b != u && !v.HasEdge(u, b) {
				send(Message{From: u, To: b, Kind: DiscoveryHello})
			}
		}
		out := v.Out(u)
		sample(len(out), d.Fanout, r, func(i int) { d.share(v, u, out[i].To, r, send) })
	}
}

// share sends to peer to Share of the peers from knows, other than to.
func (d Discovery[N, E]) share(v gds.GraphView[N, E], from, to int, r *rand.Rand, send func(Message)) {
	if !v.Alive(from) {
		return
	}
	out := v.Out(from)
	skip, ok := findOut(out, to)
	n := len(out)
	if ok {
		n--
	}
	sample(n, d.Share, r, func(i int) {
		if ok && i >= skip {
			i++
		}
		send(Message{From: from, To: to, Kind: DiscoveryPeer, Payload: int64(out[i].To)})
	})
}

// Learn applies m, delivered at the timestep, to the Known graph tx: an
// ack makes its two ends know each other.
func (d Discovery[N, E]) Learn(tx *gds.GraphTx[N, E], m Message) {
	if m.Kind != DiscoveryAck || !tx.Alive(m.From) || !tx.Alive(m.To) || m.From == m.To {
		return
	}
	for _, e := range [2][2]int{{m.To, m.From}, {m.From, m.To}} {
		if !tx.HasEdge(e[0], e[1]) {
			w, attr := 1.0, *new(E)
			if d.Edge != nil {
				w, attr = d.Edge(e[0], e[1])
			}
			tx.SetEdge(e[0], e[1], w, attr)
		}
	}
}

// Blocks returns the blocks of a PSUB that runs the protocol once per
// timestep: the policy (named name) that answers the deliveries and
// ticks, the update of Known that applies the acks, and the Wire's
// updates.
func (d Discovery[N, E]) Blocks(name string) []gds.Block {
	w := d.Wire
	policy := w.Policy(name, func(c *gds.Ctx) {
		v := d.Known.Get(c)
		o := Open(w, c, Cut[Mesh]{Links: Mesh{Link: d.Link}, Connected: d.Connected})
		send := func(m Message) { o.Send(m) }
		w.Deliveries(c, func(m Message) { d.Respond(v, m, c.Rand, send) })
		d.Tick(v, int64(c.T), c.Rand, send)
		o.Close()
	})
	learn := d.Known.Update(func(c *gds.Ctx, tx *gds.GraphTx[N, E]) {
		w.Deliveries(c, func(m Message) { d.Learn(tx, m) })
	})
	return append([]gds.Block{policy, learn}, w.Updates()...)
}

// findOut returns the position of the edge to node to in a sorted
// out-list.
func findOut[E any](out []gds.Edge[E], to int) (int, bool) {
	lo, hi := 0, len(out)
	for lo < hi {
		mid := (lo + hi) / 2
		if out[mid].To < to {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo, lo < len(out) && out[lo].To == to
}

// sample calls fn with k of 0..n−1 (all if k <= 0 or k >= n), in
// increasing order, chosen uniformly by selection sampling; it draws
// from r only when it must choose.
func sample(n, k int, r *rand.Rand, fn func(i int)) {
	if k <= 0 || k > n {
		k = n
	}
	for i := 0; i < n && k > 0; i++ {
		if k == n-i || r.IntN(n-i) < k {
			k--
			fn(i)
		}
	}
}
