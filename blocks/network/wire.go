package network

import "github.com/statecraft/statecraft/gds"

// Wire is a message layer in a model: a population of messages in flight
// and cumulative traffic counters, all state variables, with the blocks
// that move messages in a PSUB. A protocol's policy (made with Policy)
// reads the messages delivered at the timestep (Deliveries) and sends
// (Open, then the Outbox's Send and Close); the Wire's updates (Updates, in the same PSUB)
// then take the due messages out of the population, add the sent ones,
// and count. A Wire carries one protocol: its Deliver takes every due
// message, whatever its Kind.
//
// Randomness (loss, the protocol's choices) is drawn once, in the
// policy, and reaches the updates as signals; the due messages are a
// function of the pre-block state, so the policy and the updates agree
// on them without sharing anything.
type Wire struct {
	// Msgs holds the messages in flight.
	Msgs gds.Agents[Message]
	// The cumulative counts of Traffic, as int variables (columns):
	// NAME_sent, NAME_lost, NAME_throttled, NAME_unroutable,
	// NAME_delivered and NAME_dropped.
	Sent, Lost, Throttled, Unroutable, Delivered, Dropped gds.Int
	// Bandwidth caps the messages per directed edge that one Outbox of
	// the Wire sends (0: no cap). Open reads it: do not change it while
	// jobs run.
	Bandwidth int

	accept  func(c *gds.Ctx, m Message) bool
	out     gds.List[Message]
	traffic gds.Signal[Traffic]
	counts  gds.Scratch
}

// NewWire declares a Wire's state variables (NAME, an empty population of
// messages, and its counters) and signals (NAME_out, NAME_traffic).
// accept says whether a due message can be delivered (nil: all are):
// typically its receiver is alive and up and not cut off from its sender,
// as Receiver checks.
func NewWire(b *gds.Builder, name string, bandwidth int, accept func(c *gds.Ctx, m Message) bool) *Wire {
	return &Wire{
		Msgs:       gds.AgentsOf[Message](b, name, nil, gds.Doc("messages in flight")),
		Sent:       b.Int(name+"_sent", 0, gds.Doc("messages sent, cumulative")),
		Lost:       b.Int(name+"_lost", 0, gds.Doc("messages lost on their link, cumulative")),
		Throttled:  b.Int(name+"_throttled", 0, gds.Doc("messages over the bandwidth cap, cumulative")),
		Unroutable: b.Int(name+"_unroutable", 0, gds.Doc("messages without a route, cumulative")),
		Delivered:  b.Int(name+"_delivered", 0, gds.Doc("messages delivered, cumulative")),
		Dropped:    b.Int(name+"_dropped", 0, gds.Doc("due messages the receiver could not take, cumulative")),
		Bandwidth:  bandwidth,
		accept:     accept,
		out:        gds.ListOf[Message](b, name+"_out"),
		traffic:    gds.SignalOf(b, name+"_traffic", addTraffic),
		counts:     b.Scratch(),
	}
}

// Receiver returns the accept func of a Wire whose receivers are the
// nodes of graph g: a due message is delivered if its receiver is alive
// and up there (f.Up), and, if connected is not nil, connected(From, To,
// t) holds (Partitions.Connected).
func Receiver[N, E any](g gds.Graph[N, E], f Fields[N], connected func(u, v int, t int64) bool) func(c *gds.Ctx, m Message) bool {
	return func(c *gds.Ctx, m Message) bool {
		return upIn(f, g.Get(c), m.To) && (connected == nil || connected(m.From, m.To, int64(c.T)))
	}
}

// PeerReceiver is Receiver for a Peer graph.
func PeerReceiver(g gds.Graph[Peer, Link], connected func(u, v int, t int64) bool) func(c *gds.Ctx, m Message) bool {
	return Receiver(g, PeerFields, connected)
}

func (w *Wire) accepts(c *gds.Ctx, m Message) bool { return w.accept == nil || w.accept(c, m) }

// Deliveries calls fn with each message delivered at the current
// timestep: due (DeliverAt <= t) in the population before the block,
// and accepted. The Wire's updates remove exactly these (and the due
// ones not accepted) from the population.
func (w *Wire) Deliveries(c *gds.Ctx, fn func(Message)) {
	t := int64(c.T)
	for _, m := range w.Msgs.Get(c) {
		if m.DeliverAt <= t && w.accepts(c, m) {
			fn(m)
		}
	}
}

// Open returns the Outbox of a policy of w at the current timestep:
// routed by links, with w's Bandwidth and the job's random stream, its
// message numbers following those already sent at the timestep. Its Send
// emits each message on its way for the Wire's update to add to the
// population; finish with its Close, which emits the counts. Give w one
// such policy per PSUB, or two policies would number messages alike.
func Open[R Router](w *Wire, c *gds.Ctx, links R) Outbox[R] {
	t := int64(c.T)
	o := Outbox[R]{T: t, Links: links, Bandwidth: w.Bandwidth, Rand: c.Rand, Next: NextSeq(w.Msgs.Get(c), t), wire: w, c: c}
	if w.Bandwidth > 0 {
		o.used.reset(w.counts.Buf(c))
	}
	return o
}

// Policy returns a policy of the Wire's protocol: fn delivers and sends
// through w. It declares the Wire's signals, which the Wire's updates
// read.
func (w *Wire) Policy(name string, fn func(c *gds.Ctx)) gds.Block {
	return gds.Policy(name, fn).Emits(w.out, w.traffic)
}

// Updates returns the Wire's updates, for the PSUB of its policy: the
// population loses the messages due at the timestep and gains the ones
// sent; the counters add the policy's counts and the deliveries.
func (w *Wire) Updates() []gds.Block {
	due := func(c *gds.Ctx, accepted bool) int64 {
		n, t := int64(0), int64(c.T)
		for _, m := range w.Msgs.Get(c) {
			if m.DeliverAt <= t && w.accepts(c, m) == accepted {
				n++
			}
		}
		return n
	}
	add := func(h gds.Int, f func(Traffic) int) gds.Block {
		return h.Update(func(c *gds.Ctx) int64 { return h.Get(c) + int64(f(w.traffic.Get(c))) })
	}
	return []gds.Block{
		w.Msgs.Update(func(c *gds.Ctx, dst []Message) []Message {
			dst, _ = Deliver(w.Msgs.Get(c), int64(c.T), dst, func(m Message) bool { return w.accepts(c, m) }, nil)
			return append(dst, w.out.Get(c)...)
		}),
		add(w.Sent, func(t Traffic) int { return t.Sent }),
		add(w.Lost, func(t Traffic) int { return t.Lost }),
		add(w.Throttled, func(t Traffic) int { return t.Throttled }),
		add(w.Unroutable, func(t Traffic) int { return t.Unroutable }),
		w.Delivered.Update(func(c *gds.Ctx) int64 { return w.Delivered.Get(c) + due(c, true) }),
		w.Dropped.Update(func(c *gds.Ctx) int64 { return w.Dropped.Get(c) + due(c, false) }),
	}
}
