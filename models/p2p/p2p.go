// Package p2p is PRSM's minimal P2P network demo as a Go model: nodes
// with roles that discover each other through a bootstrap node and peer
// exchange with signed handshakes, keep their peers with heartbeats,
// share files checked against their SHA-256 hash, agree on the
// coordinator's proposals with a Byzantine fault tolerant quorum, and
// live through a node failure, a partition, Byzantine nodes and a lossy
// network. Messages are signed with ed25519 (crypto/ed25519), each node's
// key derived from the job's random stream; receivers verify every
// signed message and reject forgeries.
//
// A timestep is a tick of `tick` seconds (0.1 by default); durations are
// parameters in seconds. The network is a graph variable, net: a node
// per peer (its role, liveness, consensus state and counters) and an
// edge u→v when u knows v (its handshake state and when u last heard
// from v). Messages in flight are a population of network.Message
// records (blocks/network's Wire). docs/models/p2p.md describes the
// model, its parameters and their sources.
package p2p

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/binary"
	"math"

	"github.com/statecraft/statecraft/blocks/network"
	"github.com/statecraft/statecraft/gds"
)

// Name is the model's registered name.
const Name = "p2p"

// The roles of nodes: node i has role i mod 3, as in the demo.
const (
	RoleCoordinator = iota
	RoleWorker
	RoleValidator
)

// The message kinds. Hellos, acks, proposals, votes and files are signed.
const (
	KindHello     = 1 + iota // a node asks another to be peers
	KindAck                  // the answer: the handshake is complete
	KindPexReq               // a node asks a peer for its peers
	KindPeers                // Payload is a peer of the sender
	KindHeartbeat            // liveness
	KindPropose              // the coordinator's proposal: Payload = height<<32 | value
	KindPrepare              // a vote, Payload as KindPropose
	KindCommit               // a vote, Payload as KindPropose
	KindFile                 // Payload is the file, Sig the first 8 bytes of its SHA-256 as announced
)

// Node is a peer: a node record of the net graph.
type Node struct {
	Role       int64   // RoleCoordinator, RoleWorker or RoleValidator
	Up         bool    // running: it sends, receives and keeps time
	Byzantine  bool    // forges signatures, announces wrong hashes, equivocates
	Peers      int64   // peers it has completed a handshake with
	Reputation float64 // 50 at start, +0.5 for each verified file it shared
	Height     int64   // the proposal it votes on
	Decided    bool    // it committed a value at Height
	Rejected   int64   // messages it rejected for a bad signature
	BadHashes  int64   // files it rejected for a hash that did not match
	Files      int64   // files it received and verified
	Restarted  bool    `gds:"-"` // came up at this tick: it rediscovers its peers

	bft  replica // its consensus state at Height
	pub  ed25519.PublicKey
	priv ed25519.PrivateKey
}

// replica is a node's PBFT state for one proposal: the value it saw
// first and the votes for it and for the only other value an
// equivocator sends, value^1, its own included.
type replica struct {
	value               int64 // -1 before any message of the height
	prepA, prepB        int64
	comA, comB          int64
	prepared, decided   bool
	prepValue, decided_ int64
	voted, committed    bool // it sent its prepare, its commit
}

// tally marks the replica prepared and decided when its votes reach the
// quorum q.
func (r *replica) tally(q int64) {
	if !r.prepared && (r.prepA >= q || r.prepB >= q) {
		r.prepared, r.prepValue = true, r.value
		if r.prepB >= q {
			r.prepValue = r.value ^ 1
		}
	}
	if !r.decided && r.prepared && (r.comA >= q || r.comB >= q) {
		r.decided, r.decided_ = true, r.value
		if r.comB >= q {
			r.decided_ = r.value ^ 1
		}
	}
}

// count adds a vote for val of kind (KindPrepare or KindCommit).
func (r *replica) count(kind int, val int64) {
	a := val == r.value
	switch {
	case kind == KindPrepare && a:
		r.prepA++
	case kind == KindPrepare:
		r.prepB++
	case a:
		r.comA++
	default:
		r.comB++
	}
}

// proposalValue is the value the coordinator proposes at height h (even:
// an equivocator's other value is value^1).
func proposalValue(h int64) int64 { return fileHash(-h) & 0x7ffffffe }

// Peering is an edge u→v of the net graph: u knows of v.
type Peering struct {
	Established bool  // the handshake completed
	LastSeen    int64 // the tick u last heard from v
	NeedAck     bool  `gds:"-"` // u owes v an ack
	NeedPeers   bool  `gds:"-"` // u owes v its peers (a peer exchange)
	NeedHello   bool  `gds:"-"` // u says hello to v
}

// model holds the handles shared by the blocks.
type model struct {
	net  gds.Graph[Node, Peering]
	wire *network.Wire

	connections, upNodes                 gds.Int
	discovered, deliveryRate, reputation gds.Float
	proposals, committed, violations     gds.Int
	consensusRate                        gds.Float
	rejections, badHashes, files         gds.Int
	recoveryTime                         gds.Float
	recovering, recovered                gds.Bool
	connBefore, disruptEnd               gds.Int

	// the census of the measure PSUB
	sConn, sUp, sFull, sHonest gds.IntSignal

	p params
}

// params are the model's parameters; seconds become ticks in ticks().
type params struct {
	nNodes, minPeers, maxPeers, bootstrap, committee, pexShare, byzantine, failNode gds.IntParam
	tick, start, baseLatency, latencyPerPeer, loss                                  gds.FloatParam
	pexEvery, heartbeat, peerTimeout, proposalEvery, firstProposal                  gds.FloatParam
	fileEvery, firstFile, failAt, failFor, partitionAt, partitionFor                gds.FloatParam
	partitionShare, forgeRate, helloTimeout                                         gds.FloatParam
}

func f64(x float64) *float64 { return &x }

// New builds the model.
func New() (*gds.Model, error) {
	b := gds.NewBuilder(Name)
	m := &model{}
	p := &m.p
	doc := gds.Doc
	m.net = gds.GraphOf(b, "net", gds.GraphData[Node, Peering]{}, doc("the peers and who knows whom, built at tick 1 from n_nodes"))
	p.nNodes = b.ParamInt("n_nodes", 3, "nodes (seed: the 3-node demo)")
	b.ParamBounds("n_nodes", f64(1), f64(1_000_000))
	p.tick = b.ParamFloat("tick", 0.1, "seconds per timestep")
	b.ParamBounds("tick", f64(1e-6), nil)
	p.start = b.ParamFloat("start", 1, "seconds before discovery starts (seed: start_network waits 1 s)")
	p.minPeers = b.ParamInt("min_peers", 4, "peers a node looks for (all the others in a smaller network: the demo's full mesh)")
	b.ParamBounds("min_peers", f64(1), nil)
	p.maxPeers = b.ParamInt("max_peers", 8, "peers a node accepts at most")
	b.ParamBounds("max_peers", f64(1), nil)
	p.helloTimeout = b.ParamFloat("hello_timeout", 2, "seconds a node waits for the ack of its hello")
	p.bootstrap = b.ParamInt("bootstrap", 1, "bootstrap nodes, ids 0..bootstrap-1, that every node says hello to")
	b.ParamBounds("bootstrap", f64(1), nil)
	p.pexEvery = b.ParamFloat("pex_every", 2, "seconds between a short-of-peers node's peer exchanges")
	p.pexShare = b.ParamInt("pex_share", 4, "peers a node tells in an exchange")
	b.ParamBounds("pex_share", f64(1), nil)
	p.baseLatency = b.ParamFloat("base_latency", 0.1, "seconds of delay of every message (seed: 0.1 s)")
	p.latencyPerPeer = b.ParamFloat("latency_per_peer", 0.05, "seconds of delay per peer of the sender (seed: 0.05 s)")
	p.loss = b.ParamFloat("loss", 0, "probability that a message is lost (the seed's lossy network: 5%)")
	b.ParamBounds("loss", f64(0), f64(1))
	p.heartbeat = b.ParamFloat("heartbeat", 5, "seconds between a node's heartbeats to its peers")
	p.peerTimeout = b.ParamFloat("peer_timeout", 15, "seconds without hearing from a peer before dropping it")
	p.proposalEvery = b.ParamFloat("proposal_every", 10, "seconds between the coordinator's proposals")
	p.firstProposal = b.ParamFloat("first_proposal", 3, "second of the first proposal (seed: consensus after a 3 s wait)")
	p.committee = b.ParamInt("committee", 16, "consensus replicas: nodes 0..committee-1 (all nodes if fewer)")
	b.ParamBounds("committee", f64(1), nil)
	p.fileEvery = b.ParamFloat("file_every", 10, "seconds between file shares")
	p.firstFile = b.ParamFloat("first_file", 8, "second of the first file share (seed: after the consensus demo)")
	p.failNode = b.ParamInt("fail_node", -1, "the node that fails (seed: the last, a validator); -1: none")
	p.failAt = b.ParamFloat("fail_at", 20, "second the node fails")
	p.failFor = b.ParamFloat("fail_for", 5, "seconds it stays down (seed: 5 s)")
	p.partitionAt = b.ParamFloat("partition_at", -1, "second a partition starts; -1: none")
	p.partitionFor = b.ParamFloat("partition_for", 15, "seconds it lasts")
	p.partitionShare = b.ParamFloat("partition_share", 1.0/3, "share of the nodes (the highest ids) cut off")
	b.ParamBounds("partition_share", f64(0), f64(1))
	p.byzantine = b.ParamInt("byzantine", 0, "Byzantine nodes: the highest ids")
	b.ParamBounds("byzantine", f64(0), nil)
	p.forgeRate = b.ParamFloat("forge_rate", 0.5, "share of a Byzantine node's signed messages it forges")
	b.ParamBounds("forge_rate", f64(0), f64(1))

	accept := func(c *gds.Ctx, msg network.Message) bool {
		v := m.net.Get(c)
		return v.Alive(msg.To) && v.Node(msg.To).Up && m.connected(c, msg.From, msg.To)
	}
	m.wire = network.NewWire(b, "msgs", 0, accept)

	m.connections = b.Int("connections", 0, doc("handshakes completed: edges u→v with u and v peers, both up"))
	m.upNodes = b.Int("up_nodes", 0, doc("nodes running"))
	m.discovered = b.Float("discovered", 0, doc("share of honest running nodes with min(min_peers, running nodes − 1) peers"))
	m.deliveryRate = b.Float("delivery_rate", 1, doc("of the messages sent so far and no longer in flight, the share delivered"))
	m.reputation = b.Float("reputation", 0, doc("mean reputation of the nodes"))
	m.proposals = b.Int("proposals", 0, doc("proposals whose voting time is over"))
	m.committed = b.Int("committed", 0, doc("of those, proposals a quorum of honest replicas committed"))
	m.consensusRate = b.Float("consensus_rate", 1, doc("committed / proposals"))
	m.violations = b.Int("violations", 0, doc("proposals at which two honest replicas committed different values (never, if the quorum holds)"))
	m.rejections = b.Int("signature_rejections", 0, doc("messages rejected for a bad signature, so far"))
	m.badHashes = b.Int("hash_rejections", 0, doc("files rejected for a hash that did not match, so far"))
	m.files = b.Int("files_verified", 0, doc("files received and verified, so far"))
	m.recovering = b.Bool("recovering", false, doc("a failure or partition happened and the network has not recovered"))
	m.recovered = b.Bool("recovered", true, doc("the network recovered from the last disruption (true without one)"))
	m.recoveryTime = b.Float("recovery_time", 0, doc("seconds from the end of the last disruption to recovery (or to the run's end)"))
	m.connBefore = b.Int("connections_before", 0, doc("connections just before the last disruption"))
	m.disruptEnd = b.Int("disruption_end", 0, doc("tick the last disruption ended"))

	m.sConn, m.sUp = b.IntSignal("census_connections", gds.Sum), b.IntSignal("census_up", gds.Sum)
	m.sFull, m.sHonest = b.IntSignal("census_full", gds.Sum), b.IntSignal("census_honest", gds.Sum)

	b.PSUB("receive", m.net.Update(m.receive))
	send := append([]gds.Block{m.wire.Policy("send", m.send), m.net.Update(m.sent).Named("net_after_send")}, m.wire.Updates()...)
	b.PSUB("send", send...)
	b.PSUB("measure", m.measures()...)
	return b.Build()
}

// ticks converts seconds to whole ticks (at least 1).
func (m *model) ticks(c *gds.Ctx, sec float64) int64 {
	return max(1, int64(math.Round(sec/m.p.tick.Get(c))))
}

// at reports whether seconds sec (>= 0) falls on tick t.
func (m *model) at(c *gds.Ctx, sec float64) int64 {
	if sec < 0 {
		return -1
	}
	return int64(math.Round(sec / m.p.tick.Get(c)))
}

// committee returns the number of consensus replicas and the quorum.
func (m *model) committee(c *gds.Ctx, n int) (size, q int) {
	size = min(n, int(m.p.committee.Get(c)))
	_, q = network.Quorum(size)
	return size, q
}

// connected reports whether u and v can reach each other at the tick: a
// partition cuts the highest partition_share of the ids off the rest.
func (m *model) connected(c *gds.Ctx, u, v int) bool {
	p := &m.p
	// every parameter read on every call, so that Build's trace sees them
	from, length, share := m.at(c, p.partitionAt.Get(c)), m.ticks(c, p.partitionFor.Get(c)), p.partitionShare.Get(c)
	t := int64(c.T)
	if from < 0 || t < from || t >= from+length {
		return true
	}
	n := int(p.nNodes.Get(c))
	cut := n - int(math.Round(share*float64(n)))
	return (u >= cut) == (v >= cut)
}

// build makes the network at tick 1: n nodes with roles, keys from the
// job's stream, the last `byzantine` of them Byzantine.
func (m *model) build(c *gds.Ctx, tx *gds.GraphTx[Node, Peering]) {
	tx.Clear()
	n := int(m.p.nNodes.Get(c))
	byz := int(m.p.byzantine.Get(c))
	var seed [ed25519.SeedSize]byte
	for i := range n {
		for k := 0; k < len(seed); k += 8 {
			binary.LittleEndian.PutUint64(seed[k:], c.Rand.Uint64())
		}
		priv := ed25519.NewKeyFromSeed(seed[:])
		tx.AddNode(Node{Role: int64(i % 3), Up: true, Byzantine: i >= n-byz, Reputation: 50,
			priv: priv, pub: priv.Public().(ed25519.PublicKey)})
	}
}

// signedBytes is what a signature covers: the kind, the ends, the
// payload and the announced hash.
func signedBytes(buf *[40]byte, msg network.Message) []byte {
	binary.LittleEndian.PutUint64(buf[0:], uint64(msg.Kind))
	binary.LittleEndian.PutUint64(buf[8:], uint64(msg.From))
	binary.LittleEndian.PutUint64(buf[16:], uint64(msg.To))
	binary.LittleEndian.PutUint64(buf[24:], uint64(msg.Payload))
	binary.LittleEndian.PutUint64(buf[32:], uint64(msg.Sig))
	return buf[:]
}

func signed(kind int) bool {
	switch kind {
	case KindHello, KindAck, KindPropose, KindPrepare, KindCommit, KindFile:
		return true
	}
	return false
}

// fileHash is the first 8 bytes of the SHA-256 of file id's content.
func fileHash(id int64) int64 {
	var data [64]byte
	copy(data[:], "statecraft p2p demo file, a model for sharing: ")
	binary.LittleEndian.PutUint64(data[56:], uint64(id))
	sum := sha256.Sum256(data[:])
	return int64(binary.LittleEndian.Uint64(sum[:8]))
}

// receive applies the messages delivered at the tick to the network, and
// drops the peers not heard from for peer_timeout. It builds the network
// at tick 1.
func (m *model) receive(c *gds.Ctx, tx *gds.GraphTx[Node, Peering]) {
	if c.T == 1 {
		m.build(c, tx)
		return
	}
	t := int64(c.T)
	cur := m.net.Get(c)
	maxPeers := m.p.maxPeers.Get(c)
	size, q := m.committee(c, cur.Len())
	var buf [40]byte
	m.wire.Deliveries(c, func(msg network.Message) {
		r, s := msg.To, msg.From
		if signed(msg.Kind) && !ed25519.Verify(cur.Nodes()[s].pub, signedBytes(&buf, msg), []byte(msg.Signature)) {
			tx.NodeRef(r).Rejected++
			return
		}
		if e := tx.EdgeRef(r, s); e != nil && e.Attr.Established {
			e.Attr.LastSeen = t
		}
		switch msg.Kind {
		case KindHello:
			if e := tx.EdgeRef(r, s); e != nil {
				if !e.Attr.Established {
					tx.NodeRef(r).Peers++ // it was saying hello to s too
				}
				e.Attr.NeedAck, e.Attr.Established, e.Attr.LastSeen = true, true, t
			} else if int64(len(tx.Out(r))) < maxPeers {
				tx.SetEdge(r, s, 1, Peering{Established: true, LastSeen: t, NeedAck: true})
				tx.NodeRef(r).Peers++
			} else {
				tx.SetEdge(r, s, 1, Peering{NeedPeers: true}) // full: point it to others
			}
		case KindAck:
			if e := tx.EdgeRef(r, s); e != nil {
				if !e.Attr.Established {
					e.Attr.Established, e.Attr.LastSeen = true, t
					tx.NodeRef(r).Peers++
				}
			} else if int64(len(tx.Out(r))) < maxPeers {
				tx.SetEdge(r, s, 1, Peering{Established: true, LastSeen: t})
				tx.NodeRef(r).Peers++
			}
		case KindPexReq:
			if e := tx.EdgeRef(r, s); e != nil {
				e.Attr.NeedPeers = true
			}
		case KindPeers:
			if w := int(msg.Payload); w != r && tx.Alive(w) && !tx.HasEdge(r, w) && int64(len(tx.Out(r))) < maxPeers && tx.Node(r).Peers < m.target(c, cur.Len()) {
				tx.SetEdge(r, w, 1, Peering{NeedHello: true})
			}
		case KindPropose, KindPrepare, KindCommit:
			if r < size && s < size {
				m.vote(tx, r, msg, q)
			}
		case KindFile:
			if msg.Sig == fileHash(msg.Payload) {
				tx.NodeRef(r).Files++
				tx.NodeRef(s).Reputation += 0.5
			} else {
				tx.NodeRef(r).BadHashes++
			}
		}
	})
	// peers not heard from for peer_timeout are dropped, and hellos
	// not answered in hello_timeout forgotten
	timeout, helloTimeout := m.ticks(c, m.p.peerTimeout.Get(c)), m.ticks(c, m.p.helloTimeout.Get(c))
	for u := range cur.Len() {
		if !cur.Node(u).Up {
			continue // a node that is down keeps its peers, and its clock stops
		}
		for _, e := range cur.Out(u) {
			if a := e.Attr; !a.Established && !a.NeedHello && !a.NeedPeers && t-a.LastSeen > helloTimeout {
				if ed := tx.EdgeRef(u, e.To); ed != nil && !ed.Attr.Established {
					tx.RemoveEdge(u, e.To)
				}
				continue
			}
			if e.Attr.Established && t-e.Attr.LastSeen > timeout {
				if ed := tx.EdgeRef(u, e.To); ed != nil && t-ed.Attr.LastSeen > timeout {
					tx.RemoveEdge(u, e.To)
					tx.NodeRef(u).Peers--
				}
			}
		}
	}
}

// vote applies a proposal or vote to replica r: PBFT's counting. A
// message for a later height starts that height.
func (m *model) vote(tx *gds.GraphTx[Node, Peering], r int, msg network.Message, q int) {
	h, v := msg.Payload>>32, msg.Payload&0xffffffff
	n := tx.NodeRef(r)
	if h < n.Height {
		return
	}
	if h > n.Height {
		n.Height, n.Decided, n.bft = h, false, replica{value: v}
	}
	if v != n.bft.value && v != n.bft.value^1 {
		return // a third value: only equivocators send two, and two is all they send
	}
	if msg.Kind != KindPropose {
		n.bft.count(msg.Kind, v)
	}
	n.bft.tally(int64(q))
	n.Decided = n.bft.decided
}

// send is the Wire's policy: what every running node sends at the tick.
func (m *model) send(c *gds.Ctx) {
	t := int64(c.T)
	v := m.net.Get(c)
	nodes := v.Nodes()
	p := &m.p
	startT := m.at(c, p.start.Get(c))
	lat, perPeer, loss := p.baseLatency.Get(c), p.latencyPerPeer.Get(c), p.loss.Get(c)
	tick := p.tick.Get(c)
	m.connected(c, 0, 0)                                     // reads the partition's parameters (for Build's trace)
	_, _ = p.pexShare.Get(c), m.ticks(c, p.fileEvery.Get(c)) // read when a node shares peers or a file
	links := network.RouteFunc(func(from, to int, _ int64) (network.Link, bool) {
		if !m.connected(c, from, to) || !nodes[from].Up {
			return network.Link{}, false
		}
		// the demo's delay: 0.1 s + 0.05 s per peer of the sender
		return network.Link{Latency: (lat + perPeer*float64(nodes[from].Peers)) / tick, Loss: loss}, true
	})
	o := network.Open(m.wire, c, links)
	defer o.Close()
	if t < startT || len(nodes) == 0 {
		return
	}
	forge := p.forgeRate.Get(c)
	var buf [40]byte
	out := func(msg network.Message) {
		if signed(msg.Kind) {
			sender := &nodes[msg.From]
			sig := ed25519.Sign(sender.priv, signedBytes(&buf, msg))
			if sender.Byzantine && c.Rand.Float64() < forge {
				msg.Payload ^= 1 << 20 // altered after signing
			}
			msg.Signature = string(sig)
		}
		o.Send(msg)
	}
	n := len(nodes)
	pexEvery, hb := m.ticks(c, p.pexEvery.Get(c)), m.ticks(c, p.heartbeat.Get(c))
	target := m.target(c, n)
	size, _ := m.committee(c, n)
	for u := range n {
		nu := &nodes[u]
		if !nu.Up {
			continue
		}
		// handshakes, exchanges, heartbeats along u's edges
		short := nu.Peers < target
		for _, e := range v.Out(u) {
			a := e.Attr
			switch {
			case a.NeedAck:
				out(network.Message{From: u, To: e.To, Kind: KindAck})
			case a.NeedHello:
				out(network.Message{From: u, To: e.To, Kind: KindHello})
			}
			if a.NeedPeers {
				m.sharePeers(c, v, u, e.To, out)
			}
			if a.Established && (t+int64(u))%hb == 0 {
				out(network.Message{From: u, To: e.To, Kind: KindHeartbeat})
			}
		}
		// discovery: hello to the bootstrap nodes (at the start, after a
		// restart, and when a node has no peers); a node short of peers
		// asks one of them for more every pex_every
		if m.bootstrapping(c, nu, t, startT, u) {
			m.contacts(c, u, n, t, func(w int) {
				if !v.HasEdge(u, w) {
					out(network.Message{From: u, To: w, Kind: KindHello})
				}
			})
		}
		if short && t > startT && (t-startT+int64(u))%pexEvery == 0 {
			if peers := v.Out(u); len(peers) > 0 {
				if e := peers[c.Rand.IntN(len(peers))]; e.Attr.Established {
					out(network.Message{From: u, To: e.To, Kind: KindPexReq})
				}
			}
		}
		// consensus
		if u < size {
			m.consensus(c, nodes, u, size, t, out)
		}
	}
	// a file share: the sharer sends to its peers, an honest one with the
	// content's hash
	if fileT := m.at(c, p.firstFile.Get(c)); t >= fileT && (t-fileT)%m.ticks(c, p.fileEvery.Get(c)) == 0 {
		id := (t - fileT) / m.ticks(c, p.fileEvery.Get(c))
		u := int(id % int64(n))
		if nodes[u].Up {
			hash := fileHash(id)
			if nodes[u].Byzantine {
				hash ^= 0x5a5a // announces the hash of other data
			}
			for _, e := range v.Out(u) {
				if e.Attr.Established {
					out(network.Message{From: u, To: e.To, Kind: KindFile, Payload: id, Sig: hash})
				}
			}
		}
	}
}

// sharePeers sends to node `to` up to pex_share of u's established
// peers; a bootstrap node, whose address book holds every node that
// said hello to it, shares random nodes of the network.
func (m *model) sharePeers(c *gds.Ctx, v gds.GraphView[Node, Peering], u, to int, out func(network.Message)) {
	k := int(m.p.pexShare.Get(c))
	if u < int(m.p.bootstrap.Get(c)) {
		for range k {
			if w := c.Rand.IntN(v.Len()); w != to && w != u {
				out(network.Message{From: u, To: to, Kind: KindPeers, Payload: int64(w)})
			}
		}
		return
	}
	peers := v.Out(u)
	if len(peers) == 0 {
		return
	}
	startAt := c.Rand.IntN(len(peers))
	for i := range peers {
		e := peers[(startAt+i)%len(peers)]
		if k == 0 {
			break
		}
		if e.To != to && e.Attr.Established {
			out(network.Message{From: u, To: to, Kind: KindPeers, Payload: int64(e.To)})
			k--
		}
	}
}

// proposing returns the height the coordinator proposes at tick t, or 0.
func (m *model) proposing(c *gds.Ctx, t int64) int64 {
	first, every := m.at(c, m.p.firstProposal.Get(c)), m.ticks(c, m.p.proposalEvery.Get(c))
	if t < first || (t-first)%every != 0 {
		return 0
	}
	return (t-first)/every + 1
}

// consensus sends replica u's part of the protocol: the coordinator
// proposes at proposal ticks (its proposal is its prepare); a replica
// prepares the value it saw first and commits once prepared; an
// equivocator prepares and commits both values at once.
func (m *model) consensus(c *gds.Ctx, nodes []Node, u, size int, t int64, out func(network.Message)) {
	nu := &nodes[u]
	broadcast := func(kind int, h, val int64) {
		for w := range size {
			if w != u {
				out(network.Message{From: u, To: w, Kind: kind, Payload: h<<32 | val})
			}
		}
	}
	if h := m.proposing(c, t); u == 0 && h > 0 {
		val := proposalValue(h)
		for w := 1; w < size; w++ {
			x := val
			if nu.Byzantine && w%2 == 1 {
				x ^= 1 // an equivocating leader proposes two values
			}
			out(network.Message{From: u, To: w, Kind: KindPropose, Payload: h<<32 | x})
		}
		broadcast(KindPrepare, h, val)
		return
	}
	r := &nu.bft
	if nu.Height == 0 {
		return
	}
	if !r.voted {
		broadcast(KindPrepare, nu.Height, r.value)
		if nu.Byzantine {
			broadcast(KindPrepare, nu.Height, r.value^1)
			broadcast(KindCommit, nu.Height, r.value)
			broadcast(KindCommit, nu.Height, r.value^1)
		}
	}
	if r.prepared && !r.committed && !nu.Byzantine {
		broadcast(KindCommit, nu.Height, r.prepValue)
	}
}

// sent clears what the send policy acted on, and applies failures and
// recoveries.
func (m *model) sent(c *gds.Ctx, tx *gds.GraphTx[Node, Peering]) {
	cur := m.net.Get(c)
	t := int64(c.T)
	size, q := m.committee(c, cur.Len())
	for u := range cur.Len() {
		nu := cur.Node(u)
		if nu.Up {
			if u < size {
				m.ownVotes(c, tx, u, t, int64(q))
			}
			for _, e := range cur.Out(u) {
				a := e.Attr
				if !a.NeedAck && !a.NeedPeers && !a.NeedHello {
					continue
				}
				if !a.Established {
					if a.NeedHello { // a hello sent: wait for the ack
						ed := tx.EdgeRef(u, e.To)
						ed.Attr.NeedHello, ed.Attr.LastSeen = false, t
					} else {
						tx.RemoveEdge(u, e.To) // a referral answered
					}
					continue
				}
				ed := tx.EdgeRef(u, e.To)
				ed.Attr.NeedAck, ed.Attr.NeedPeers, ed.Attr.NeedHello = false, false, false
			}
		}
		if nu.Up && m.bootstrapping(c, &nu, t, m.at(c, m.p.start.Get(c)), u) {
			m.contacts(c, u, cur.Len(), t, func(w int) {
				if !cur.HasEdge(u, w) && !tx.HasEdge(u, w) {
					tx.SetEdge(u, w, 1, Peering{LastSeen: t}) // the hello sent: wait for the ack
				}
			})
		}
		if nu.Restarted {
			tx.NodeRef(u).Restarted = false
		}
	}
	// the failing node goes down at fail_at and comes back fail_for later
	down := m.at(c, m.p.failAt.Get(c))
	up := down + m.ticks(c, m.p.failFor.Get(c))
	if f := int(m.p.failNode.Get(c)); f >= 0 && f < cur.Len() {
		switch t + 1 {
		case down:
			// a crash: the process and what it knew of its peers are gone
			for _, e := range cur.Out(f) {
				tx.RemoveEdge(f, e.To)
			}
			n := tx.NodeRef(f)
			n.Up, n.Peers = false, 0
		case up:
			n := tx.NodeRef(f)
			n.Up, n.Restarted = true, true
		}
	}
}

// target is the number of peers a node looks for in a network of n.
func (m *model) target(c *gds.Ctx, n int) int64 { return min(m.p.minPeers.Get(c), int64(n-1)) }

// bootstrapping reports whether node u says hello to the bootstrap nodes
// at tick t: at the start, after a restart, and every pex_every while it
// has no peers.
func (m *model) bootstrapping(c *gds.Ctx, n *Node, t, start int64, u int) bool {
	if t < start {
		return false
	}
	return t == start || n.Restarted || n.Peers == 0 && (t-start+int64(u))%m.ticks(c, m.p.pexEvery.Get(c)) == 0
}

// contacts calls fn with the nodes u says hello to when it bootstraps at
// tick t: the bootstrap nodes; a bootstrap node also calls on pex_share
// addresses from its book (every node), chosen by (u, t), so that one that
// restarts finds the network again.
func (m *model) contacts(c *gds.Ctx, u, n int, t int64, fn func(w int)) {
	boot := min(int(m.p.bootstrap.Get(c)), n)
	for b := range boot {
		if b != u {
			fn(b)
		}
	}
	if u >= boot || n < 2 {
		return
	}
	for k := range int64(m.p.pexShare.Get(c)) {
		if w := int((int64(u)*7919 + t*31 + k*104729) % int64(n)); w != u && w >= boot {
			fn(w)
		}
	}
}

// ownVotes counts replica u's own votes of the tick: the coordinator's
// proposal (its prepare) starts its height; a prepare or commit it sent
// counts for it.
func (m *model) ownVotes(c *gds.Ctx, tx *gds.GraphTx[Node, Peering], u int, t, q int64) {
	cur := m.net.Get(c).Node(u)
	if h := m.proposing(c, t); u == 0 && h > 0 {
		n := tx.NodeRef(u)
		n.Height, n.Decided = h, false
		n.bft = replica{value: proposalValue(h), prepA: 1, voted: true}
		n.bft.tally(q)
		return
	}
	r := cur.bft
	if cur.Height == 0 || r.voted && (!r.prepared || r.committed) {
		return
	}
	n := tx.NodeRef(u)
	if !r.voted {
		n.bft.voted = true
		n.bft.count(KindPrepare, r.value)
	}
	if r.prepared && !r.committed {
		n.bft.committed = true
		if !cur.Byzantine {
			n.bft.count(KindCommit, r.prepValue)
		}
	}
	n.bft.tally(q)
	n.Decided = n.bft.decided
}

// measures are the updates of the measure PSUB.
func (m *model) measures() []gds.Block {
	census := gds.Policy("census", func(c *gds.Ctx) {
		v := m.net.Get(c)
		nodes := v.Nodes()
		minPeers := m.p.minPeers.Get(c)
		var conn, up, full, honest int64
		for u := range nodes {
			if nodes[u].Up {
				up++
			}
		}
		for u := range nodes {
			nu := &nodes[u]
			if !nu.Up {
				continue
			}
			var peers int64
			for _, e := range v.Out(u) {
				if e.Attr.Established && nodes[e.To].Up {
					conn++
					peers++
				}
			}
			if !nu.Byzantine {
				honest++
				if peers >= min(minPeers, up-1) {
					full++
				}
			}
		}
		m.sConn.Emit(c, conn)
		m.sUp.Emit(c, up)
		m.sFull.Emit(c, full)
		m.sHonest.Emit(c, honest)
	})
	healthy := func(c *gds.Ctx) bool {
		return m.sConn.Get(c) >= m.connBefore.Get(c) && m.sFull.Get(c) == m.sHonest.Get(c)
	}
	sum := func(f func(*Node) int64) func(c *gds.Ctx) int64 {
		return func(c *gds.Ctx) int64 {
			var s int64
			nodes := m.net.Get(c).Nodes()
			for i := range nodes {
				s += f(&nodes[i])
			}
			return s
		}
	}
	// the proposal whose voting time ends at tick t: height h's ends
	// at the tick before h+1 is proposed (the run's last proposal is not
	// judged if the run ends before its time is over)
	closing := func(c *gds.Ctx) int64 {
		return max(m.proposing(c, int64(c.T)+1)-1, 0)
	}
	outcome := func(c *gds.Ctx, h int64) (committed, violation bool) {
		nodes := m.net.Get(c).Nodes()
		size, q := m.committee(c, len(nodes))
		var val int64 = -1
		agree := 0
		for w := range size {
			n := &nodes[w]
			if n.Byzantine || n.Height != h || !n.bft.decided {
				continue
			}
			if val >= 0 && n.bft.decided_ != val {
				violation = true
			}
			if val < 0 || n.bft.decided_ == val {
				val = n.bft.decided_
				agree++
			}
		}
		return agree >= q, violation
	}
	disruption := func(c *gds.Ctx) (from, until int64) {
		p := &m.p
		from, until = -1, -1
		if p.failNode.Get(c) >= 0 {
			from = m.at(c, p.failAt.Get(c))
			until = from + m.ticks(c, p.failFor.Get(c))
		}
		if pa := m.at(c, p.partitionAt.Get(c)); pa >= 0 {
			pu := pa + m.ticks(c, p.partitionFor.Get(c))
			if from < 0 || pa < from {
				from = pa
			}
			until = max(until, pu)
		}
		return from, until
	}
	return []gds.Block{
		census,
		m.connections.Update(func(c *gds.Ctx) int64 { return m.sConn.Get(c) }),
		m.upNodes.Update(func(c *gds.Ctx) int64 { return m.sUp.Get(c) }),
		m.discovered.Update(func(c *gds.Ctx) float64 {
			if m.sHonest.Get(c) == 0 {
				return 0
			}
			return float64(m.sFull.Get(c)) / float64(m.sHonest.Get(c))
		}),
		m.deliveryRate.Update(func(c *gds.Ctx) float64 {
			w := m.wire
			ok := w.Delivered.Get(c)
			done := ok + w.Lost.Get(c) + w.Dropped.Get(c) + w.Unroutable.Get(c) + w.Throttled.Get(c)
			if done == 0 {
				return 1
			}
			return float64(ok) / float64(done)
		}),
		m.reputation.Update(func(c *gds.Ctx) float64 {
			nodes := m.net.Get(c).Nodes()
			if len(nodes) == 0 {
				return 0
			}
			s := 0.0
			for i := range nodes {
				s += nodes[i].Reputation
			}
			return s / float64(len(nodes))
		}),
		m.proposals.Update(func(c *gds.Ctx) int64 {
			if closing(c) > 0 {
				return m.proposals.Get(c) + 1
			}
			return m.proposals.Get(c)
		}),
		m.committed.Update(func(c *gds.Ctx) int64 {
			if h := closing(c); h > 0 {
				if ok, _ := outcome(c, h); ok {
					return m.committed.Get(c) + 1
				}
			}
			return m.committed.Get(c)
		}),
		m.violations.Update(func(c *gds.Ctx) int64 {
			if h := closing(c); h > 0 {
				if _, bad := outcome(c, h); bad {
					return m.violations.Get(c) + 1
				}
			}
			return m.violations.Get(c)
		}),
		m.consensusRate.Update(func(c *gds.Ctx) float64 {
			props, comm := m.proposals.Get(c), m.committed.Get(c)
			if h := closing(c); h > 0 {
				props++
				if ok, _ := outcome(c, h); ok {
					comm++
				}
			}
			if props == 0 {
				return 1
			}
			return float64(comm) / float64(props)
		}),
		m.rejections.Update(sum(func(n *Node) int64 { return n.Rejected })),
		m.badHashes.Update(sum(func(n *Node) int64 { return n.BadHashes })),
		m.files.Update(sum(func(n *Node) int64 { return n.Files })),
		// recovery: from the end of the disruption until the connections
		// are back to what they were before it and every honest node has
		// its peers
		m.connBefore.Update(func(c *gds.Ctx) int64 {
			// the disruption starts at the end of tick from-1 (a crash
			// is applied then), so this tick's census may already see
			// it: take the connections of the tick before
			if from, _ := disruption(c); int64(c.T)+1 == from {
				return m.connections.Get(c)
			}
			return m.connBefore.Get(c)
		}),
		m.disruptEnd.Update(func(c *gds.Ctx) int64 { _, until := disruption(c); return max(until, 0) }),
		m.recovering.Update(func(c *gds.Ctx) bool {
			t := int64(c.T)
			from, until := disruption(c)
			if t+1 == from {
				return true
			}
			if !m.recovering.Get(c) || t < until {
				return m.recovering.Get(c)
			}
			return !healthy(c)
		}),
		m.recovered.Update(func(c *gds.Ctx) bool {
			t := int64(c.T)
			from, until := disruption(c)
			if t+1 == from {
				return false
			}
			if m.recovering.Get(c) && t >= until && healthy(c) {
				return true
			}
			return m.recovered.Get(c)
		}),
		m.recoveryTime.Update(func(c *gds.Ctx) float64 {
			t := int64(c.T)
			_, until := disruption(c)
			if m.recovering.Get(c) && t >= until {
				return float64(t-until) * m.p.tick.Get(c)
			}
			return m.recoveryTime.Get(c)
		}),
	}
}
