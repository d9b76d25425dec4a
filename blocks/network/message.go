package network

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/statecraft/statecraft/gds"
)

// Message is a message in flight, a record of a population
// (gds.AgentsOf[Message]) that Send appends to and Deliver takes from.
// Kind, Payload and Sig are the protocol's; Send sets ID, SentAt and
// DeliverAt.
type Message struct {
	// ID is unique among the messages of a job that exist at the same
	// time: SentAt·2³² + the message's number among those sent at SentAt.
	ID int64
	// From and To are the sending and receiving nodes.
	From, To int
	// Kind is the protocol's message type (hello, ack, vote ...).
	Kind int
	// Payload is the protocol's content (a node id, a value, a height).
	Payload int64
	// SentAt is the timestep the message was sent.
	SentAt int64
	// DeliverAt is the timestep it is due: SentAt + the link's latency.
	DeliverAt int64
	// Hops counts the relays before this one, for protocols that forward.
	Hops int
	// Sig is the protocol's signature or tag (a signer, a round); this
	// package does not check it.
	Sig int64
	// Signature holds a protocol's signature bytes (an ed25519
	// signature), if it signs; this package does not check it. It is not
	// a column of the message table.
	Signature string `gds:"-"`
}

// seqBits is how many low bits of a Message ID number it within its
// timestep.
const seqBits = 32

// Traffic counts what happened to messages. Every message handed to Send
// is, at any time, exactly one of: lost, throttled, unroutable (all three
// at send), in flight, delivered or dropped (at delivery), so that
// Sent = Lost + Throttled + Unroutable + in flight + Delivered + Dropped.
type Traffic struct {
	Sent       int // handed to Send
	Lost       int // lost on their link (its Loss)
	Throttled  int // over their edge's bandwidth at the timestep
	Unroutable int // no route: no link, a sender down, a partition
	Delivered  int // due and delivered
	Dropped    int // due, but the receiver was down, removed or cut off
}

// Add adds b's counts to t's.
func (t *Traffic) Add(b Traffic) {
	t.Sent += b.Sent
	t.Lost += b.Lost
	t.Throttled += b.Throttled
	t.Unroutable += b.Unroutable
	t.Delivered += b.Delivered
	t.Dropped += b.Dropped
}

func addTraffic(a, b Traffic) Traffic {
	a.Add(b)
	return a
}

// A Router says whether a message from node from to node to can be sent
// at timestep t, and over which link. Route must not change anything.
type Router interface {
	Route(from, to int, t int64) (Link, bool)
}

// RouteFunc is a function that is a Router.
type RouteFunc func(from, to int, t int64) (Link, bool)

// Route calls f.
func (f RouteFunc) Route(from, to int, t int64) (Link, bool) { return f(from, to, t) }

// Mesh is the Router of a network in which every node reaches every
// other over the same link: the Internet under an overlay, where a node
// can send to any address it knows.
type Mesh struct{ Link Link }

// Route returns m.Link for any two distinct nodes.
func (m Mesh) Route(from, to int, t int64) (Link, bool) {
	return m.Link, from != to && from >= 0 && to >= 0
}

// GraphLinks is the Router of a graph's edges: a message goes from a node
// that is alive and up over an edge from it. Whether the receiver is up
// is decided at delivery.
type GraphLinks[N, E any] struct {
	View   gds.GraphView[N, E]
	Fields Fields[N]              // Up, optional
	LinkOf func(gds.Edge[E]) Link // the edge's link; nil: latency = the edge's weight, no loss
}

// Route returns the link of the edge from→to.
func (g GraphLinks[N, E]) Route(from, to int, t int64) (Link, bool) {
	if !upIn(g.Fields, g.View, from) {
		return Link{}, false
	}
	e, ok := g.View.Edge(from, to)
	if !ok {
		return Link{}, false
	}
	if g.LinkOf == nil {
		return Link{Latency: e.Weight}, true
	}
	return g.LinkOf(e), true
}

// PeerLinks is the Router of a Peer graph's edges, whose records are
// the links.
func PeerLinks(v gds.GraphView[Peer, Link]) GraphLinks[Peer, Link] {
	return GraphLinks[Peer, Link]{View: v, Fields: PeerFields, LinkOf: linkAttr}
}

func linkAttr(e gds.Edge[Link]) Link { return e.Attr }

// steps returns a latency in whole timesteps: rounded up, at least 1.
func steps(l Link, from, to int) int64 {
	if math.IsNaN(l.Latency) || l.Latency > 1<<40 {
		panic(fmt.Errorf("network: link %d→%d has latency %v; want a finite number of timesteps", from, to, l.Latency))
	}
	return max(int64(math.Ceil(l.Latency)), 1)
}

// lost draws whether a message on l is lost: never for Loss <= 0, always
// for Loss >= 1 (neither draws), else with probability Loss.
func lost(l Link, r *rand.Rand, from, to int) bool {
	switch {
	case math.IsNaN(l.Loss):
		panic(fmt.Errorf("network: link %d→%d has loss NaN; want a probability", from, to))
	case l.Loss <= 0:
		return false
	case l.Loss >= 1:
		return true
	}
	return r.Float64() < l.Loss
}

// NextSeq returns the number, within timestep t, of the next message
// sent at t to the population msgs: one more than the largest among
// those sent at t that are there, 0 if none is. (Messages sent at t are
// still in flight at t, as latencies are at least 1.)
func NextSeq(msgs []Message, t int64) int64 {
	next := int64(0)
	for i := range msgs {
		if m := &msgs[i]; m.SentAt == t && m.ID>>seqBits == t {
			next = max(next, m.ID&(1<<seqBits-1)+1)
		}
	}
	return next
}

// Outbox sends the messages of one timestep, one at a time: it stamps
// them, routes them, applies the bandwidth cap and the link's loss, and
// counts. Make one per timestep (or per block) on the stack; its fields
// are its configuration and its counts.
type Outbox[R Router] struct {
	T         int64      // the timestep messages are sent at
	Links     R          // routes messages
	Bandwidth int        // at most this many messages per directed edge (u→v) through this Outbox; 0: no cap
	Rand      *rand.Rand // loss draws
	Next      int64      // the next message's number within T (NextSeq)
	Traffic   Traffic    // what Send did so far (Sent, Lost, Throttled, Unroutable)
	used      edgeCounts // messages per edge, for Bandwidth
	wire      *Wire      // set by Open: where messages and counts go
	c         *gds.Ctx
}

// Send sends m from m.From to m.To and reports whether it is on its way:
// it returns m stamped with an ID, SentAt = T and DeliverAt = T + the
// link's latency, and false if it has no route, is over the bandwidth of
// its edge (a message beyond the cap is dropped, as by a full queue:
// tail drop, not queued), or is lost (a draw from Rand if 0 < Loss < 1).
// A throttled or lost message still takes a number. An Outbox made by
// Open also emits m, if it is on its way, to its Wire.
func (o *Outbox[R]) Send(m Message) (Message, bool) {
	o.Traffic.Sent++
	m.ID, m.SentAt = o.T<<seqBits|o.Next, o.T
	o.Next++
	l, ok := o.Links.Route(m.From, m.To, o.T)
	if !ok {
		o.Traffic.Unroutable++
		return m, false
	}
	m.DeliverAt = o.T + steps(l, m.From, m.To)
	if o.Bandwidth > 0 && o.used.inc(m.From, m.To) > o.Bandwidth {
		o.Traffic.Throttled++
		return m, false
	}
	if lost(l, o.Rand, m.From, m.To) {
		o.Traffic.Lost++
		return m, false
	}
	if o.wire != nil {
		o.wire.out.Emit(o.c, m)
	}
	return m, true
}

// Close emits the counts of an Outbox made by Open for its Wire's
// counters; it does nothing for other Outboxes.
func (o *Outbox[R]) Close() {
	if o.wire != nil {
		o.wire.traffic.Emit(o.c, o.Traffic)
	}
}

// Send sends the messages of batch at timestep t through an Outbox
// (links, bandwidth, loss drawn from r) and appends those on their way to
// dst, which holds the population they join (for their IDs, NextSeq(dst,
// t)). It returns dst and the counts. The bandwidth cap applies to this
// call's batch. It allocates only when dst grows, or for a cap.
func Send[R Router](dst, batch []Message, t int64, links R, bandwidth int, r *rand.Rand) ([]Message, Traffic) {
	o := Outbox[R]{T: t, Links: links, Bandwidth: bandwidth, Rand: r, Next: NextSeq(dst, t)}
	for _, m := range batch {
		if m, ok := o.Send(m); ok {
			dst = append(dst, m)
		}
	}
	return dst, o.Traffic
}

// Deliver takes from in the messages due by timestep t (DeliverAt <= t):
// each is delivered, passed to deliver (if not nil), if accept (nil: all)
// accepts it, and dropped otherwise; accept says whether the receiver can
// take it (alive, up, not cut off from the sender). The others, still in
// flight, are appended to keep in their order and returned. keep may be
// in[:0], to filter in place. A message leaves the population when it is
// due, so it is delivered at most once.
func Deliver(in []Message, t int64, keep []Message, accept func(Message) bool, deliver func(Message)) ([]Message, Traffic) {
	var tr Traffic
	for _, m := range in {
		switch {
		case m.DeliverAt > t:
			keep = append(keep, m)
		case accept == nil || accept(m):
			tr.Delivered++
			if deliver != nil {
				deliver(m)
			}
		default:
			tr.Dropped++
		}
	}
	return keep, tr
}

// edgeCounts counts messages per directed edge, in an open-addressing
// table of (key, count) pairs held in float64s (exact integers below
// 2⁵³): the key of u→v is u·2²⁶ + v + 1, 0 marks an empty slot.
type edgeCounts struct {
	tab  []float64  // 2 floats per slot, a power of two of slots; or empty
	keep *[]float64 // where the table is kept between calls (a gds.Scratch), or nil
	used int
}

const keyShift = 1 << 26

// inc adds one to the count of u→v and returns it.
func (c *edgeCounts) inc(u, v int) int {
	if u < 0 || v < 0 || u >= keyShift || v >= keyShift {
		panic(fmt.Errorf("network: the bandwidth cap counts nodes 0..%d, not %d→%d", keyShift-1, u, v))
	}
	if 2*(c.used+1) > len(c.tab)/2 {
		c.grow()
	}
	mask := len(c.tab)/2 - 1
	key := float64(u*keyShift + v + 1)
	for i := hashPair(u, v) & mask; ; i = (i + 1) & mask {
		switch c.tab[2*i] {
		case key:
			c.tab[2*i+1]++
			return int(c.tab[2*i+1])
		case 0:
			c.tab[2*i], c.tab[2*i+1] = key, 1
			c.used++
			return 1
		}
	}
}

// grow doubles the table (it allocates; a kept table is reused by the
// next call, so a steady run stops growing).
func (c *edgeCounts) grow() {
	old := c.tab
	c.tab = make([]float64, max(len(old), 32)*2)
	mask := len(c.tab)/2 - 1
	for i := 0; i < len(old); i += 2 {
		if k := old[i]; k != 0 {
			u, v := int(k-1)/keyShift, int(k-1)%keyShift
			j := hashPair(u, v) & mask
			for c.tab[2*j] != 0 {
				j = (j + 1) & mask
			}
			c.tab[2*j], c.tab[2*j+1] = k, old[i+1]
		}
	}
	if c.keep != nil {
		*c.keep = c.tab
	}
}

// reset empties the table kept in buf and counts in it.
func (c *edgeCounts) reset(buf *[]float64) {
	clear(*buf)
	c.tab, c.keep, c.used = *buf, buf, 0
}

func hashPair(u, v int) int {
	h := uint64(u)*0x9E3779B97F4A7C15 ^ uint64(v)*0xC2B2AE3D27D4EB4F
	return int(h >> 33)
}
