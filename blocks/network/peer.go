package network

import "github.com/statecraft/statecraft/gds"

// Peer is the standard node record of this package, for model files and
// simple Go models: a gds.Graph[Peer, Link] works with every mechanism
// here through PeerFields, PeerLinks, PeerGossip and PeerReceiver.
type Peer struct {
	// Up says the node is running: it sends, receives and forwards. A
	// node that is down does none of these but keeps its record.
	Up bool
	// Byzantine marks a node that may deviate from its protocol. This
	// family's gossip, failures and discovery treat it as honest;
	// consensus models read it.
	Byzantine bool
	// Role is a model-defined role (a validator, a bootstrap node, a
	// light client ...); no mechanism here reads it.
	Role int64
	// DownUntil is, while a random failure lasts, the timestep at which
	// the node comes back up (see Failures); 0 otherwise.
	DownUntil int64
	// Informed says the node has the rumour that Gossip spreads.
	Informed bool
	// InformedAt is the timestep Gossip informed the node, 0 if it was
	// informed from the start.
	InformedAt int64
	// Value is a model-defined quantity (a stake, a balance, a load).
	Value float64
}

// Link is the standard edge record of this package, and what a Router
// says of the path from one node to another.
type Link struct {
	// Latency is the time from send to delivery, in timesteps: rounded
	// up, and at least 1.
	Latency float64
	// Loss is the probability that a message on the link is lost: 0
	// never, 1 always.
	Loss float64
}

// Fields locates, in a node record N, the fields this package's
// mechanisms use. Each returns a pointer to the field in the record it
// is given: mechanisms read through it on views and write through it on
// transactions. A mechanism says which it needs; the others may be nil.
type Fields[N any] struct {
	// Up says the node is running. Nil: every alive node is up.
	Up func(*N) *bool
	// DownUntil is the timestep a random failure ends (Failures).
	DownUntil func(*N) *int64
	// Informed says the node has the rumour (Gossip).
	Informed func(*N) *bool
	// InformedAt is the timestep the node was informed (Gossip; optional).
	InformedAt func(*N) *int64
}

// PeerFields are the Fields of Peer.
var PeerFields = Fields[Peer]{
	Up:         func(p *Peer) *bool { return &p.Up },
	DownUntil:  func(p *Peer) *int64 { return &p.DownUntil },
	Informed:   func(p *Peer) *bool { return &p.Informed },
	InformedAt: func(p *Peer) *int64 { return &p.InformedAt },
}

// isUp reports whether node id, of the records nodes, is up.
func (f Fields[N]) isUp(nodes []N, id int) bool {
	return f.Up == nil || *f.Up(&nodes[id])
}

// upIn reports whether node id is alive and up in v.
func upIn[N, E any](f Fields[N], v gds.GraphView[N, E], id int) bool {
	return v.Alive(id) && f.isUp(v.Nodes(), id)
}

// PeerNode returns a Peer that is up, the usual node record of a
// generated topology (func(id int) Peer).
func PeerNode(id int) Peer { return Peer{Up: true} }

// PeerLink returns the EdgeFunc of a topology whose links all have the
// given latency (also the edge's weight, so that gonum's shortest paths
// are the fastest) and loss.
func PeerLink(latency, loss float64) EdgeFunc[Link] {
	return func(u, v int) (float64, Link) { return latency, Link{Latency: latency, Loss: loss} }
}

// LinkLoss returns the loss of a Link edge, for Gossip.Loss.
func LinkLoss(e gds.Edge[Link]) float64 { return e.Attr.Loss }
