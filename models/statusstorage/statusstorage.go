// Package statusstorage is the Status peer-to-peer storage network of
// status-im/storage-econ-model as a Go model, generalised from the
// original's four named nodes to networks of any size: a Kademlia overlay
// whose routing tables (k-buckets by proximity order) are kept by pings,
// messages routed hop by hop to the node closest to their key under
// bandwidth limits and stored under capacity limits, and the economics
// of each message: a commitment locked in escrow (or, relaxed, paid only
// at the end), split among routing, storing and proving, taxed into a
// treasury or subsidised out of it by an online-learning incentive that
// rewards fast routing and penalises outliers.
//
// A timestep is a block. The network is a graph variable, net: a node
// per storage node (capacity, bandwidth, availability, wallet, counters)
// and an edge u→v when v is in u's routing table. Messages waiting for
// their proof of storage are a population of records. docs/models/
// status_storage.md describes the model, each parameter and its source.
package statusstorage

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/statecraft/statecraft/blocks/metric"
	"github.com/statecraft/statecraft/blocks/network"
	"github.com/statecraft/statecraft/gds"
)

// Name is the model's registered name.
const Name = "status_storage"

// Node is a storage node: a node record of the net graph.
type Node struct {
	ID           int64   // Kademlia id (id_bits bits)
	Storage      float64 // capacity (storage units)
	Stored       float64 // used
	Inbound      float64 // inbound bandwidth per block
	Outbound     float64 // outbound bandwidth per block
	Availability float64 // probability of being online in a block
	Online       bool    // online in this block
	Wallet       float64 // tokens
	Earned       float64 // tokens earned routing, storing and proving, so far
	Routed       int64   // messages it forwarded, so far
	StoredMsgs   int64   // messages it stores
	InTraffic    float64 // inbound traffic in this block
	OutTraffic   float64 // outbound traffic in this block
	Defaulted    bool    // a relaxed-escrow sender that did not pay: nodes refuse its messages
}

// Entry is an edge u→v of the net graph: v in u's routing table.
type Entry struct {
	PO       int64 // proximity order of u and v: the k-bucket
	Failures int64 // pings in a row v did not answer
}

// Pending is a stored message waiting for its proof of storage.
type Pending struct {
	Sender, Storer int
	File           int64
	Size           float64
	Escrow         float64 // the store and prove shares: locked (strict escrow) or owed (relaxed)
	Hops           int64
	Distance       float64 // XOR distance of the storer's id from the key
	DueAt          int64   // the block of the proof
}

type model struct {
	net     gds.Graph[Node, Entry]
	pending gds.Agents[Pending]

	treasury, escrow, owed                           gds.Float
	sent, delivered, failedBandwidth, failedCapacity gds.Int
	refused, proved, unproved, unpaid                gds.Int
	deliveryRate, utilisation, giniEarnings          gds.Float
	grossDemand, leastDemand, meanPO, meanHops       gds.Float
	taxes, subsidies, penalties                      gds.Float
	learner                                          gds.Vec // the real set's count, mean, M2 (Welford)
	fileSizes                                        gds.Vec // by file: its size once stored somewhere, else 0
	alive                                            gds.Int

	// signals of the traffic and settle PSUBs
	hops    gds.List[hop]
	stores  gds.List[Pending]
	pays    gds.List[payment]
	fails   gds.Signal[failCounts]
	settled gds.Signal[settlement]
	tally   gds.Scratch // per node: inbound, outbound, storage and wallet used so far in the PSUB
	p       params
}

// the tally's values per node
const (
	tIn = iota
	tOut
	tStored
	tSpent
	tWidth
)

// hop is one forwarding of a message, or its storage (To = -1).
type hop struct {
	From, To int
	Size     float64
}

// payment moves tokens between the holders: node wallets, the escrow
// and the treasury. Every kind moves an amount from one holder to
// another, so the tokens are conserved by construction.
type payment struct {
	From, To int // nodes, where the kind has them
	Amount   float64
	Kind     int8
}

// The kinds of payments.
const (
	payLock     = iota // wallet From → escrow (strict escrow: at send; relaxed: at the proof)
	payRoute           // escrow → wallet To, a router
	payStore           // escrow → wallet To, the storer
	payProve           // escrow → wallet To, the prover
	payRefund          // escrow → wallet To, the sender
	payTreasury        // escrow → treasury (negative: a subsidy, treasury → escrow)
	payDirect          // wallet From → wallet To (relaxed escrow: the route share at delivery)
	payDefault         // no tokens: sender From could not pay, and is refused from now on
)

// escrowDelta is what a payment does to the escrow.
func escrowDelta(py payment) float64 {
	switch py.Kind {
	case payLock:
		return py.Amount
	case payRoute, payStore, payProve, payRefund, payTreasury:
		return -py.Amount
	}
	return 0
}

type failCounts struct{ sent, bandwidth, capacity, refused int64 }

func addFails(a, b failCounts) failCounts {
	return failCounts{a.sent + b.sent, a.bandwidth + b.bandwidth, a.capacity + b.capacity, a.refused + b.refused}
}

type settlement struct {
	proved, unproved, unpaid int64
	tax, subsidy, penalty    float64
	learned                  bool       // angles joined the real set
	real                     [3]float64 // the real set after the block: count, mean, M2
}

type params struct {
	nodes, idBits, k, pings, maxFailures, refresh, files, proveDelay gds.IntParam
	storage, inbound, outbound, availability                         gds.VecParam
	genStorage, genInbound, genOutbound, genAvailability             gds.FloatParam
	messagesPerNode, maxSize, messageCost, storageCost, volatility   gds.FloatParam
	routeShare, storeShare, proveLikelihood                          gds.FloatParam
	tax, subsidyTreasury, subsidyEscrow, penaltyExponent, threshold  gds.FloatParam
	initialWallet, startingTreasury                                  gds.FloatParam
	relaxed                                                          gds.BoolParam
}

func f64(x float64) *float64 { return &x }

// New builds the model.
func New() (*gds.Model, error) {
	b := gds.NewBuilder(Name)
	m := &model{}
	p := &m.p
	doc := gds.Doc
	m.net = gds.GraphOf(b, "net", gds.GraphData[Node, Entry]{}, doc("the storage nodes and their routing tables, built at block 1"))
	m.pending = gds.AgentsOf[Pending](b, "pending", nil, doc("stored messages waiting for their proof of storage"))

	p.nodes = b.ParamInt("nodes", 4, "nodes: the original's i, j, k, p; more are generated")
	b.ParamBounds("nodes", f64(1), f64(10_000_000))
	p.storage = b.ParamVec("storage", []float64{500, 500, 8000, 4000}, "storage of nodes i, j, k, p (src/model/state_variables.py)")
	p.inbound = b.ParamVec("inbound", []float64{500, 400, 400, 400}, "inbound bandwidth per block of i, j, k, p")
	p.outbound = b.ParamVec("outbound", []float64{140, 100, 80, 600}, "outbound bandwidth per block of i, j, k, p")
	p.availability = b.ParamVec("availability", []float64{0.9, 0.8, 0.7, 0.6}, "availability of i, j, k, p (the original's initial neighbour estimates)")
	p.genStorage = b.ParamFloat("gen_storage", 3250, "mean storage of generated nodes (the four's mean), uniform ±50%")
	p.genInbound = b.ParamFloat("gen_inbound", 425, "mean inbound bandwidth of generated nodes, uniform ±50%")
	p.genOutbound = b.ParamFloat("gen_outbound", 230, "mean outbound bandwidth of generated nodes, uniform ±50%")
	p.genAvailability = b.ParamFloat("gen_availability", 0.75, "mean availability of generated nodes, uniform ±0.15")
	p.idBits = b.ParamInt("id_bits", 4, "bits of a node id (the original: 4); raised to fit the nodes")
	b.ParamBounds("id_bits", f64(1), f64(62))
	p.k = b.ParamInt("k", 20, "entries per k-bucket (Kademlia's k)")
	b.ParamBounds("k", f64(1), nil)
	p.pings = b.ParamInt("pings", 1, "routing-table entries a node pings per block")
	p.maxFailures = b.ParamInt("max_failures", 3, "unanswered pings in a row before an entry is evicted")
	p.refresh = b.ParamInt("refresh", 1, "new nodes a node learns of per block (bucket refresh)")
	p.messagesPerNode = b.ParamFloat("messages_per_node", 0.25, "messages per node per block (the original: one a block for four nodes)")
	p.maxSize = b.ParamFloat("max_size", 99, "message sizes are uniform on 1..max_size (src/model/parts/route.py: randint(1, 100))")
	p.files = b.ParamInt("files", 1000, "distinct files messages carry (a file stored twice uses its space once)")
	b.ParamBounds("files", f64(1), nil)
	p.messageCost = b.ParamFloat("message_base_cost", 0.034, "commitment per size unit for sending (src/sim/model/sys_params.py)")
	p.storageCost = b.ParamFloat("storage_base_cost", 0.51, "commitment per size unit for storing")
	p.volatility = b.ParamFloat("utility_cost_volatility", 1, "sd of the message cost's factor |N(1, sd)|")
	p.routeShare = b.ParamFloat("route_share", 0.35, "share of a commitment for routing, split among the hops")
	b.ParamBounds("route_share", f64(0), f64(1))
	p.storeShare = b.ParamFloat("store_share", 0.40, "share for storing; proving gets the rest (0.25)")
	b.ParamBounds("store_share", f64(0), f64(1))
	p.proveLikelihood = b.ParamFloat("prove_likelihood", 0.95, "probability a storer proves storage (j_prove_likelihood)")
	b.ParamBounds("prove_likelihood", f64(0), f64(1))
	p.proveDelay = b.ParamInt("prove_delay", 5, "blocks from storage to proof (find 2 + route 2 + prove 1)")
	b.ParamBounds("prove_delay", f64(1), nil)
	p.tax = b.ParamFloat("tax", 0.05, "tax rate on a slow message's escrow, into the treasury")
	p.subsidyTreasury = b.ParamFloat("subsidy_treasury", 0.2, "share of the treasury a fast message's subsidy may take")
	p.subsidyEscrow = b.ParamFloat("subsidy_escrow", 0.2, "share of the escrow a fast message's subsidy may take")
	p.penaltyExponent = b.ParamFloat("penalty_exponent", 9, "penalty = p̂ⁿ × escrow, p̂ the learner's outlier probability (gradient.py: p̂**9)")
	p.threshold = b.ParamFloat("threshold", 0.8, "outlier probability above which a message does not teach the learner")
	p.initialWallet = b.ParamFloat("initial_wallet", 1000, "tokens each node starts with")
	p.startingTreasury = b.ParamFloat("starting_treasury", 0, "tokens in the treasury at the start (swept 0, 1000, 2000)")
	p.relaxed = b.ParamBool("relaxed_escrow", false, "escrow relaxation: the sender pays at the proof, not at send")

	m.alive = b.Int("online", 0, doc("nodes online in the block"))
	m.treasury = b.Float("treasury", 0, doc("tokens in the treasury"))
	m.escrow = b.Float("escrow", 0, doc("tokens locked for messages on their way (the original's transit tokens)"))
	m.owed = b.Float("owed", 0, doc("relaxed escrow: tokens senders owe for stored messages not yet proved"))
	m.sent = b.Int("sent", 0, doc("messages sent, so far"))
	m.delivered = b.Int("delivered", 0, doc("messages stored at the closest reachable node, so far"))
	m.failedBandwidth = b.Int("failed_bandwidth", 0, doc("messages dropped for bandwidth, so far"))
	m.failedCapacity = b.Int("failed_capacity", 0, doc("messages the closest node had no room for, so far"))
	m.refused = b.Int("refused", 0, doc("messages refused from senders that defaulted, so far"))
	m.proved = b.Int("proved", 0, doc("messages proved and paid, so far"))
	m.unproved = b.Int("unproved", 0, doc("messages whose proof failed (the prove share refunded), so far"))
	m.unpaid = b.Int("unpaid", 0, doc("relaxed escrow: messages whose sender could not pay, so far"))
	m.deliveryRate = b.Float("delivery_rate", 1, doc("delivered / sent"))
	m.utilisation = b.Float("utilisation", 0, doc("stored / storage over all nodes"))
	m.giniEarnings = b.Float("gini_earnings", 0, doc("Gini coefficient of the nodes' earnings"))
	m.grossDemand = b.Float("gross_storage_demand", 0, doc("Σ size of every stored message (src/model/parts/metrics.py)"))
	m.leastDemand = b.Float("least_storage_demand", 0, doc("Σ size of the distinct files stored"))
	m.meanPO = b.Float("proximity_order", 0, doc("mean proximity order of the routing-table entries"))
	m.meanHops = b.Float("mean_hops", 0, doc("mean hops of the messages delivered in the block"))
	m.taxes = b.Float("taxes", 0, doc("tokens taxed into the treasury, so far"))
	m.subsidies = b.Float("subsidies", 0, doc("tokens paid out of the treasury as subsidies, so far"))
	m.penalties = b.Float("penalties", 0, doc("tokens taken as penalties into the treasury, so far"))
	m.learner = b.Vec("learner", []float64{0, 0, 0}, doc("the learner's real set of routing angles: count, mean, M2"))
	m.fileSizes = b.Vec("file_sizes", nil, doc("by file: its size once stored, else 0"))

	m.hops = gds.ListOf[hop](b, "hops")
	m.stores = gds.ListOf[Pending](b, "stores")
	m.pays = gds.ListOf[payment](b, "payments")
	m.fails = gds.SignalOf(b, "fails", addFails)
	m.settled = gds.SignalOf(b, "settled", func(a, x settlement) settlement { return x })
	m.tally = b.Scratch()

	b.PSUB("overlay", m.net.Update(m.overlay), m.treasury.Update(m.openTreasury).Named("treasury_open"))
	b.PSUB("traffic", m.trafficBlocks()...)
	b.PSUB("settle", m.settleBlocks()...)
	b.PSUB("measure", m.measures()...)
	return b.Build()
}

// openTreasury gives the treasury its starting tokens at block 1, in the
// PSUB that builds the network and its wallets: from then on Σ wallets +
// escrow + treasury is the same at every row.
func (m *model) openTreasury(c *gds.Ctx) float64 {
	if c.T == 1 {
		return m.p.startingTreasury.Get(c)
	}
	return m.treasury.Get(c)
}

// bitsFor returns the id width: id_bits, raised until 2^bits >= 4·nodes.
func (m *model) bitsFor(c *gds.Ctx, n int) int {
	b := int(m.p.idBits.Get(c))
	for b < 62 && 1<<b < 4*n {
		b++
	}
	return b
}

// po is the proximity order of two ids of width w.
func po(a, b int64, w int) int64 {
	return int64(network.ProximityOrder(network.NodeID(a), network.NodeID(b), w))
}

// build makes the network at block 1: the four nodes of the original
// (their values from the params' vectors), then generated ones; ids at
// random; every node's routing table filled from the others.
func (m *model) build(c *gds.Ctx, tx *gds.GraphTx[Node, Entry]) {
	tx.Clear()
	p := &m.p
	n := int(p.nodes.Get(c))
	w := m.bitsFor(c, n)
	st, in, out, av := p.storage.Get(c), p.inbound.Get(c), p.outbound.Get(c), p.availability.Get(c)
	wallet := p.initialWallet.Get(c)
	used := map[int64]bool{}
	for i := range n {
		nd := Node{Wallet: wallet, Online: true}
		spread := func(mean float64) float64 { return mean * (0.5 + c.Rand.Float64()) }
		if i < len(st) && i < len(in) && i < len(out) && i < len(av) {
			nd.Storage, nd.Inbound, nd.Outbound, nd.Availability = st[i], in[i], out[i], av[i]
		} else {
			nd.Storage, nd.Inbound, nd.Outbound = spread(p.genStorage.Get(c)), spread(p.genInbound.Get(c)), spread(p.genOutbound.Get(c))
			nd.Availability = min(1, max(0, p.genAvailability.Get(c)+0.3*(c.Rand.Float64()-0.5)))
		}
		for {
			nd.ID = int64(network.NewNodeID(c.Rand, w))
			if !used[nd.ID] || len(used) >= 1<<w {
				break
			}
		}
		used[nd.ID] = true
		tx.AddNode(nd)
	}
	// routing tables: each node hears of up to 8·k others at random, all
	// of them in a small network, and keeps k per bucket
	k := int(p.k.Get(c))
	for u := range n {
		if n-1 <= 8*k {
			for v := range n {
				m.learn(tx, u, v, w, k)
			}
			continue
		}
		for range 8 * k {
			m.learn(tx, u, c.Rand.IntN(n), w, k)
		}
	}
}

// learn adds v to u's routing table if its bucket has room.
func (m *model) learn(tx *gds.GraphTx[Node, Entry], u, v, w, k int) {
	if u == v || tx.HasEdge(u, v) {
		return
	}
	b := po(tx.Node(u).ID, tx.Node(v).ID, w)
	full := 0
	for _, e := range tx.Out(u) {
		if e.Attr.PO == b {
			full++
		}
	}
	if full < k {
		tx.SetEdge(u, v, 1, Entry{PO: b})
	}
}

// overlay is the block's first update: who is online, the pings that
// keep the routing tables, bucket refresh, and the block's traffic
// counters reset. It builds the network at block 1.
func (m *model) overlay(c *gds.Ctx, tx *gds.GraphTx[Node, Entry]) {
	if c.T == 1 {
		m.build(c, tx)
		return
	}
	p := &m.p
	cur := m.net.Get(c)
	n := cur.Len()
	nodes := tx.WriteNodes()
	for u := range nodes {
		nodes[u].Online = c.Rand.Float64() < nodes[u].Availability
		nodes[u].InTraffic, nodes[u].OutTraffic = 0, 0
	}
	w, k := m.bitsFor(c, n), int(p.k.Get(c))
	maxFail := p.maxFailures.Get(c)
	for u := range n {
		if !nodes[u].Online {
			continue
		}
		// ping: entries answer when online; an entry that misses
		// max_failures pings in a row is evicted
		out := cur.Out(u)
		for range p.pings.Get(c) {
			if len(out) == 0 {
				break
			}
			e := out[c.Rand.IntN(len(out))]
			ref := tx.EdgeRef(u, e.To)
			if ref == nil {
				continue
			}
			if nodes[e.To].Online {
				ref.Attr.Failures = 0
			} else if ref.Attr.Failures++; ref.Attr.Failures >= maxFail {
				tx.RemoveEdge(u, e.To)
			}
		}
		for range p.refresh.Get(c) {
			if v := c.Rand.IntN(n); nodes[v].Online {
				m.learn(tx, u, v, w, k)
			}
		}
	}
}

// trafficBlocks route the block's messages: the policy routes them one by
// one against the bandwidth and storage left, and the updates apply it.
func (m *model) trafficBlocks() []gds.Block {
	route := gds.Policy("route", m.route).Emits(m.hops, m.stores, m.pays, m.fails)
	apply := m.net.Update(func(c *gds.Ctx, tx *gds.GraphTx[Node, Entry]) {
		nodes := tx.WriteNodes()
		for _, h := range m.hops.Get(c) {
			nodes[h.From].OutTraffic += h.Size
			nodes[h.To].InTraffic += h.Size
			nodes[h.From].Routed++
		}
		for _, x := range m.stores.Get(c) {
			nodes[x.Storer].StoredMsgs++
			nodes[x.Storer].Stored += x.Size
		}
		applyPayments(nodes, m.pays.Get(c))
	}).Named("net_traffic")
	pend := m.pending.Update(func(c *gds.Ctx, dst []Pending) []Pending {
		return append(append(dst, m.pending.Get(c)...), m.stores.Get(c)...)
	}).Named("pending_traffic")
	count := func(h gds.Int, f func(failCounts) int64) gds.Block {
		return h.Update(func(c *gds.Ctx) int64 { return h.Get(c) + f(m.fails.Get(c)) })
	}
	return []gds.Block{route, apply, pend,
		count(m.sent, func(f failCounts) int64 { return f.sent }),
		count(m.failedBandwidth, func(f failCounts) int64 { return f.bandwidth }),
		count(m.failedCapacity, func(f failCounts) int64 { return f.capacity }),
		count(m.refused, func(f failCounts) int64 { return f.refused }),
		m.delivered.Update(func(c *gds.Ctx) int64 { return m.delivered.Get(c) + int64(len(m.stores.Get(c))) }),
		m.escrowUpdate().Named("escrow_traffic"),
		m.owed.Update(func(c *gds.Ctx) float64 {
			o := m.owed.Get(c)
			if m.p.relaxed.Get(c) {
				for _, x := range m.stores.Get(c) {
					o += x.Escrow
				}
			}
			return o
		}).Named("owed_traffic"),
		m.fileSizes.Update(func(c *gds.Ctx, dst []float64) []float64 {
			dst = append(dst, m.fileSizes.Get(c)...)
			for len(dst) < int(m.p.files.Get(c)) {
				dst = append(dst, 0)
			}
			for _, x := range m.stores.Get(c) {
				if dst[x.File] == 0 {
					dst[x.File] = x.Size
				}
			}
			return dst
		}),
	}
}

// escrowUpdate adds the PSUB's payments to the escrow.
func (m *model) escrowUpdate() gds.Block {
	return m.escrow.Update(func(c *gds.Ctx) float64 {
		e := m.escrow.Get(c)
		for _, py := range m.pays.Get(c) {
			e += escrowDelta(py)
		}
		return e
	})
}

// applyPayments moves the payments' tokens in and out of the wallets.
func applyPayments(nodes []Node, pays []payment) {
	for _, py := range pays {
		switch py.Kind {
		case payLock:
			nodes[py.From].Wallet -= py.Amount
		case payRoute, payStore, payProve:
			nodes[py.To].Wallet += py.Amount
			nodes[py.To].Earned += py.Amount
		case payRefund:
			nodes[py.To].Wallet += py.Amount
		case payDirect:
			nodes[py.From].Wallet -= py.Amount
			nodes[py.To].Wallet += py.Amount
			nodes[py.To].Earned += py.Amount
		case payDefault:
			nodes[py.From].Defaulted = true
		}
	}
}

// resetTally fills the per-node tally from the records before the block.
func (m *model) resetTally(c *gds.Ctx, nodes []Node) []float64 {
	buf := m.tally.Buf(c)
	t := (*buf)[:0]
	for u := range nodes {
		t = append(t, nodes[u].InTraffic, nodes[u].OutTraffic, nodes[u].Stored, 0)
	}
	*buf = t
	return t
}

// route generates the block's messages and routes each from a random
// sender toward its key: each hop goes to the routing-table entry
// closest to the key by XOR distance (the highest proximity order first)
// that is online, closer than the current node and has the bandwidth
// (the sender's outbound and the receiver's inbound, per block); a
// message that cannot get closer is stored where it is if there is room
// (src/model/parts/route.py, store.py, generalised from i, j, k, p). The
// commitment is size × (message cost × |N(1, volatility)| + storage
// cost) (src/sim/model/parts/request.py); under strict escrow it is
// locked at send, and the route share is paid to the hops at delivery.
func (m *model) route(c *gds.Ctx) {
	v := m.net.Get(c)
	nodes := v.Nodes()
	n := len(nodes)
	p := &m.p
	t := m.resetTally(c, nodes)
	var f failCounts
	defer func() { m.fails.Emit(c, f) }()
	if n == 0 {
		return
	}
	w := m.bitsFor(c, n)
	relaxed := p.relaxed.Get(c)
	routeShare := p.routeShare.Get(c)
	msgCost, storeCost := p.messageCost.Get(c), p.storageCost.Get(c)
	costDist := distuv.Normal{Mu: 1, Sigma: p.volatility.Get(c), Src: c.Src}
	arrivals := distuv.Poisson{Lambda: p.messagesPerNode.Get(c) * float64(n), Src: c.Src}
	maxSize, files := max(int(p.maxSize.Get(c)), 1), p.files.Get(c)
	due := int64(c.T) + p.proveDelay.Get(c)
	var hopsBuf [64]int
	for range int(arrivals.Rand()) {
		s := c.Rand.IntN(n)
		size := float64(1 + c.Rand.IntN(maxSize))
		file := c.Rand.Int64N(files)
		key := uint64(network.NewNodeID(c.Rand, w))
		cost := size * (msgCost*math.Abs(costDist.Rand()) + storeCost)
		if !nodes[s].Online {
			continue // an offline node sends nothing
		}
		f.sent++
		routePay := routeShare * cost
		if nodes[s].Defaulted || !relaxed && nodes[s].Wallet-t[tWidth*s+tSpent] < cost {
			f.refused++ // a sender that defaulted, or cannot lock its commitment
			continue
		}
		hops, cur, blocked := hopsBuf[:0], s, false
		for len(hops) < len(hopsBuf) {
			next := -1
			best := uint64(nodes[cur].ID) ^ key
			for _, e := range v.Out(cur) {
				d := uint64(nodes[e.To].ID) ^ key
				if d >= best || !nodes[e.To].Online {
					continue
				}
				if t[tWidth*cur+tOut]+size > nodes[cur].Outbound || t[tWidth*e.To+tIn]+size > nodes[e.To].Inbound {
					blocked = true
					continue
				}
				next, best = e.To, d
			}
			if next < 0 {
				break
			}
			t[tWidth*cur+tOut] += size
			t[tWidth*next+tIn] += size
			m.hops.Emit(c, hop{From: cur, To: next, Size: size})
			hops, cur = append(hops, cur), next
		}
		if blocked && !m.closest(v, cur, key) {
			f.bandwidth++ // a closer node exists, but not the bandwidth to it
			continue
		}
		if t[tWidth*cur+tStored]+size > nodes[cur].Storage {
			f.capacity++
			continue
		}
		routers := hops
		if len(routers) == 0 {
			routers = append(hopsBuf[:0], cur) // stored where it was sent: the storer routed it
		}
		share := routePay / float64(len(routers))
		if relaxed {
			// the sender pays the hops as the route is posted, if it can
			if nodes[s].Wallet-t[tWidth*s+tSpent] < routePay {
				m.pays.Emit(c, payment{From: s, Kind: payDefault})
				f.refused++
				continue
			}
			for _, r := range routers {
				m.pays.Emit(c, payment{From: s, To: r, Amount: share, Kind: payDirect})
			}
			t[tWidth*s+tSpent] += routePay // the rest is paid at the proof
		} else {
			m.pays.Emit(c, payment{From: s, Amount: cost, Kind: payLock})
			for _, r := range routers {
				m.pays.Emit(c, payment{To: r, Amount: share, Kind: payRoute})
			}
			t[tWidth*s+tSpent] += cost
		}
		t[tWidth*cur+tStored] += size // stored: a sender that defaulted takes no room
		m.stores.Emit(c, Pending{Sender: s, Storer: cur, File: file, Size: size, Escrow: cost - routePay,
			Hops: int64(len(hops)), Distance: float64(uint64(nodes[cur].ID)^key) / float64(uint64(1)<<w), DueAt: due})
	}
}

// closest reports whether node u is the closest to key among itself and
// its routing table's online entries (the message is where it belongs).
func (m *model) closest(v gds.GraphView[Node, Entry], u int, key uint64) bool {
	nodes := v.Nodes()
	d := uint64(nodes[u].ID) ^ key
	for _, e := range v.Out(u) {
		if nodes[e.To].Online && uint64(nodes[e.To].ID)^key < d {
			return false
		}
	}
	return true
}

// settleBlocks prove and pay the messages whose proof is due.
func (m *model) settleBlocks() []gds.Block {
	settle := gds.Policy("settle", m.settle).Emits(m.pays, m.settled)
	return []gds.Block{settle,
		m.net.Update(func(c *gds.Ctx, tx *gds.GraphTx[Node, Entry]) {
			applyPayments(tx.WriteNodes(), m.pays.Get(c))
		}).Named("net_settle"),
		m.pending.Update(func(c *gds.Ctx, dst []Pending) []Pending {
			for _, x := range m.pending.Get(c) {
				if x.DueAt > int64(c.T) {
					dst = append(dst, x)
				}
			}
			return dst
		}).Named("pending_settle"),
		m.escrowUpdate().Named("escrow_settle"),
		m.owed.Update(func(c *gds.Ctx) float64 {
			o := m.owed.Get(c)
			if m.p.relaxed.Get(c) {
				for _, x := range m.pending.Get(c) {
					if x.DueAt <= int64(c.T) {
						o -= x.Escrow
					}
				}
			}
			return o
		}).Named("owed_settle"),
		m.treasury.Update(func(c *gds.Ctx) float64 {
			tr := m.treasury.Get(c)
			for _, py := range m.pays.Get(c) {
				if py.Kind == payTreasury {
					tr += py.Amount
				}
			}
			return tr
		}),
		m.taxes.Update(func(c *gds.Ctx) float64 { return m.taxes.Get(c) + m.settled.Get(c).tax }),
		m.subsidies.Update(func(c *gds.Ctx) float64 { return m.subsidies.Get(c) + m.settled.Get(c).subsidy }),
		m.penalties.Update(func(c *gds.Ctx) float64 { return m.penalties.Get(c) + m.settled.Get(c).penalty }),
		m.proved.Update(func(c *gds.Ctx) int64 { return m.proved.Get(c) + m.settled.Get(c).proved }),
		m.unproved.Update(func(c *gds.Ctx) int64 { return m.unproved.Get(c) + m.settled.Get(c).unproved }),
		m.unpaid.Update(func(c *gds.Ctx) int64 { return m.unpaid.Get(c) + m.settled.Get(c).unpaid }),
		m.learner.Update(func(c *gds.Ctx, dst []float64) []float64 {
			if s := m.settled.Get(c); s.learned {
				return append(dst, s.real[:]...)
			}
			return m.learner.Get(c)
		}),
	}
}

// settle proves each due message (with prove_likelihood) and pays it.
// The online-learning incentive (src/sim/model/parts/gradient.py,
// Tax_Subsidy_First) judges the message's routing by its angle θ =
// atan2(time, distance), time the hops + 1 with N(1, 0.2) noise and
// distance the storer's XOR distance from the key: z, θ's z-score
// against the angles the learner holds as real, taxes a slow message (z
// > 0: tax × z × escrow) and subsidises a fast one (z < 0: |z| × min(
// subsidy_treasury × treasury, subsidy_escrow × escrow)); an outlier
// (p̂ = 1 − exp(−z²/2)) pays a penalty p̂^penalty_exponent × the escrow
// left; θ joins the real set if p̂ + U(0, 0.5) < threshold. What is left
// goes to the storer, in the store and prove shares' proportion (the
// storer proves). A failed proof refunds the prove share to the sender.
// Under relaxed escrow the sender pays the store and prove shares now,
// or defaults.
func (m *model) settle(c *gds.Ctx) {
	p := &m.p
	nodes := m.net.Get(c).Nodes()
	t := m.resetTally(c, nodes)
	relaxed := p.relaxed.Get(c)
	routeShare, storeShare := p.routeShare.Get(c), p.storeShare.Get(c)
	storePart := storeShare / max(1-routeShare, 1e-12) // of what is left after routing
	taxRate, subT, subE := p.tax.Get(c), p.subsidyTreasury.Get(c), p.subsidyEscrow.Get(c)
	expo, threshold, likely := p.penaltyExponent.Get(c), p.threshold.Get(c), p.proveLikelihood.Get(c)
	treasury := m.treasury.Get(c)
	lv := m.learner.Get(c)
	s := settlement{real: [3]float64{lv[0], lv[1], lv[2]}}
	real := &s.real
	noise := distuv.Normal{Mu: 1, Sigma: 0.2, Src: c.Src}
	defer func() { m.settled.Emit(c, s) }()
	for _, x := range m.pending.Get(c) {
		if x.DueAt > int64(c.T) {
			continue
		}
		escrow := x.Escrow
		if relaxed {
			if nodes[x.Sender].Wallet-t[tWidth*x.Sender+tSpent] < escrow {
				s.unpaid++ // the storer's work goes unpaid; nodes refuse the sender from now on
				m.pays.Emit(c, payment{From: x.Sender, Kind: payDefault})
				continue
			}
			t[tWidth*x.Sender+tSpent] += escrow
			m.pays.Emit(c, payment{From: x.Sender, Amount: escrow, Kind: payLock})
		}
		if c.Rand.Float64() >= likely {
			s.unproved++
			store := escrow * storePart
			m.pays.Emit(c, payment{To: x.Storer, Amount: store, Kind: payStore})
			m.pays.Emit(c, payment{To: x.Sender, Amount: escrow - store, Kind: payRefund})
			continue
		}
		s.proved++
		theta := math.Atan2(float64(x.Hops+1)*noise.Rand(), x.Distance)
		z := 0.0
		if real[0] >= 2 {
			if sd := math.Sqrt(real[2] / (real[0] - 1)); sd > 0 {
				z = (theta - real[1]) / sd
			}
		}
		tax, subsidy := 0.0, 0.0
		if z > 0 {
			tax = min(taxRate*z*escrow, escrow)
		} else if z < 0 {
			subsidy = min(-z*min(subT*max(treasury, 0), subE*escrow), max(treasury, 0))
		}
		outlier := 1 - math.Exp(-z*z/2)
		penalty := math.Pow(outlier, expo) * (escrow - tax)
		treasury += tax + penalty - subsidy
		s.tax, s.penalty, s.subsidy = s.tax+tax, s.penalty+penalty, s.subsidy+subsidy
		if outlier+0.5*c.Rand.Float64() < threshold { // the classifier holds it as real
			real[0]++
			d := theta - real[1]
			real[1] += d / real[0]
			real[2] += d * (theta - real[1])
			s.learned = true
		}
		if d := tax + penalty - subsidy; d != 0 {
			m.pays.Emit(c, payment{Amount: d, Kind: payTreasury})
		}
		pay := escrow - tax - penalty + subsidy
		store := pay * storePart
		m.pays.Emit(c, payment{To: x.Storer, Amount: store, Kind: payStore})
		m.pays.Emit(c, payment{To: x.Storer, Amount: pay - store, Kind: payProve})
	}
}

// measures are the updates of the measure PSUB.
func (m *model) measures() []gds.Block {
	return []gds.Block{
		m.alive.Update(func(c *gds.Ctx) int64 {
			var k int64
			for _, nd := range m.net.Get(c).Nodes() {
				if nd.Online {
					k++
				}
			}
			return k
		}),
		m.deliveryRate.Update(func(c *gds.Ctx) float64 {
			if s := m.sent.Get(c); s > 0 {
				return float64(m.delivered.Get(c)) / float64(s)
			}
			return 1
		}),
		m.utilisation.Update(func(c *gds.Ctx) float64 {
			var used, total float64
			for _, nd := range m.net.Get(c).Nodes() {
				used, total = used+nd.Stored, total+nd.Storage
			}
			if total == 0 {
				return 0
			}
			return used / total
		}),
		m.giniEarnings.Update(func(c *gds.Ctx) float64 {
			nodes := m.net.Get(c).Nodes()
			buf := m.tally.Buf(c)
			*buf = (*buf)[:0]
			for _, nd := range nodes {
				*buf = append(*buf, nd.Earned)
			}
			g, _ := metric.Gini(*buf, nil)
			return g
		}),
		m.grossDemand.Update(func(c *gds.Ctx) float64 {
			var s float64
			for _, nd := range m.net.Get(c).Nodes() {
				s += nd.Stored
			}
			return s
		}),
		m.leastDemand.Update(func(c *gds.Ctx) float64 {
			var s float64
			for _, x := range m.fileSizes.Get(c) {
				s += x
			}
			return s
		}),
		m.meanHops.Update(func(c *gds.Ctx) float64 {
			var h, k float64
			for _, x := range m.pending.Get(c) {
				if x.DueAt == int64(c.T)+m.p.proveDelay.Get(c) { // stored in this block
					h, k = h+float64(x.Hops), k+1
				}
			}
			if k == 0 {
				return 0
			}
			return h / k
		}),
		m.meanPO.Update(func(c *gds.Ctx) float64 {
			v := m.net.Get(c)
			var s float64
			var k int
			for u := range v.Len() {
				for _, e := range v.Out(u) {
					s += float64(e.Attr.PO)
					k++
				}
			}
			if k == 0 {
				return 0
			}
			return s / float64(k)
		}),
	}
}
