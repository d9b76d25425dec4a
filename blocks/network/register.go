package network

import (
	"fmt"
	"math"

	"github.com/statecraft/statecraft/blocks"
	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/internal/names"
)

// PeersType is the name of the graph type of Peer nodes and Link edges
// that model files declare: net = { type = "graph", records =
// "network.peers" }. The registered blocks work on graphs of this type.
const PeersType = "network.peers"

// The registered blocks: the graph type network.peers, the mechanisms
// that build and change such a graph (topology, failures, gossip), the
// summaries that turn it into numbers, and the estimates that need no
// graph. Each is a thin binding of the Go functions of this package.
func init() {
	blocks.MustRegisterGraphType(blocks.GraphType{
		Name: PeersType,
		Doc:  "peers (network.Peer: up, byzantine, role, down_until, informed, informed_at, value) linked by directed links (network.Link: latency, loss)",
		Declare: func(b *gds.Builder, name string, opts ...gds.VarOption) any {
			return gds.GraphOf(b, name, gds.GraphData[Peer, Link]{}, opts...)
		},
	})
	blocks.MustRegister(blocks.Def{
		Name:   "network.topology",
		Doc:    "builds the graph at timestep 1, with n up peers and links of one latency and loss, and leaves it unchanged after",
		Target: gds.KindGraph,
		Args: []blocks.Arg{
			{Name: "shape", Kind: gds.KindString, Doc: `"complete", "ring", "random_regular", "erdos_renyi" or "barabasi_albert" (quoted, or a string parameter)`},
			{Name: "n", Kind: gds.KindInt, Doc: "peers"},
			{Name: "k", Kind: gds.KindInt, Default: "4", Doc: "ring: neighbours on each side; random_regular: the degree; barabasi_albert: links per new peer"},
			{Name: "p", Kind: gds.KindFloat, Default: "0.1", Doc: "erdos_renyi: the probability of each link"},
			{Name: "latency", Kind: gds.KindFloat, Default: "1.0", Doc: "every link's latency in timesteps, also its weight"},
			{Name: "loss", Kind: gds.KindFloat, Default: "0.0", Doc: "every link's loss probability, in [0, 1]"},
		},
		New: func(b *blocks.Binding) (gds.Block, error) {
			g, err := blocks.TargetGraph[Peer, Link](b)
			if err != nil {
				return gds.Block{}, err
			}
			return topologyBlock(g, b.String("shape"), b.Int("n"), b.Int("k"), b.Float("p"), b.Float("latency"), b.Float("loss")), nil
		},
	})
	blocks.MustRegister(blocks.Def{
		Name:   "network.failures",
		Doc:    "random failures of rate per peer per timestep, each lasting recovery timesteps, and one scheduled outage of node",
		Target: gds.KindGraph,
		Args: []blocks.Arg{
			{Name: "rate", Kind: gds.KindFloat, Doc: "per-timestep probability that a peer not in a failure fails, in [0, 1]"},
			{Name: "recovery", Kind: gds.KindInt, Default: "1", Doc: "timesteps a random failure lasts (at least 1)"},
			{Name: "node", Kind: gds.KindInt, Default: "-1", Doc: "the peer of the scheduled outage (-1: none)"},
			{Name: "down_at", Kind: gds.KindInt, Default: "1", Doc: "the first timestep of the outage"},
			{Name: "up_at", Kind: gds.KindInt, Default: "0", Doc: "the timestep the outage ends (0: never)"},
		},
		New: func(b *blocks.Binding) (gds.Block, error) {
			g, err := blocks.TargetGraph[Peer, Link](b)
			if err != nil {
				return gds.Block{}, err
			}
			return failuresBlock(g, b.Float("rate"), b.Int("recovery"), b.Int("node"), b.Int("down_at"), b.Int("up_at")), nil
		},
	})
	blocks.MustRegister(blocks.Def{
		Name:   "network.gossip",
		Doc:    "one push-gossip round per timestep over the links, each push lost with the link's loss; the rumour starts at source at timestep start",
		Target: gds.KindGraph,
		Args: []blocks.Arg{
			{Name: "fanout", Kind: gds.KindInt, Default: "1", Doc: "pushes per informed, up peer per round (0: to every usable neighbour)"},
			{Name: "source", Kind: gds.KindInt, Default: "0", Doc: "the peer that has the rumour first"},
			{Name: "start", Kind: gds.KindInt, Default: "1", Doc: "the timestep the source gets the rumour"},
		},
		New: func(b *blocks.Binding) (gds.Block, error) {
			g, err := blocks.TargetGraph[Peer, Link](b)
			if err != nil {
				return gds.Block{}, err
			}
			return gossipBlock(g, b.Int("fanout"), b.Int("source"), b.Int("start")), nil
		},
	})
	for _, s := range summaries {
		blocks.MustRegister(blocks.Def{
			Name: s.name, Doc: s.doc, Target: s.target,
			Args: []blocks.Arg{{Name: "graph", Kind: gds.KindGraph, Doc: "a graph variable of records network.peers"}},
			New: func(b *blocks.Binding) (gds.Block, error) {
				g, err := blocks.GraphArg[Peer, Link](b, "graph")
				if err != nil {
					return gds.Block{}, err
				}
				return s.update(b, g), nil
			},
		})
	}
	blocks.MustRegister(blocks.Def{
		Name:   "network.availability",
		Doc:    "long-run share of nodes up under random failures: (1−rate)/(1−rate+rate·recovery)",
		Target: gds.KindFloat,
		Args: []blocks.Arg{
			{Name: "rate", Kind: gds.KindFloat, Doc: "per-timestep probability that an up node fails, in [0, 1]"},
			{Name: "recovery", Kind: gds.KindFloat, Default: "1.0", Doc: "mean timesteps a failure lasts (at least 1)"},
		},
		New: func(b *blocks.Binding) (gds.Block, error) {
			return AvailabilityUpdate(b.TargetFloat, b.Float("rate"), b.Float("recovery")), nil
		},
	})
	blocks.MustRegister(blocks.Def{
		Name:   "network.expected_coverage",
		Doc:    "mean-field share of n nodes a push gossip has informed after rounds rounds, from one node",
		Target: gds.KindFloat,
		Args: []blocks.Arg{
			{Name: "n", Kind: gds.KindInt, Doc: "nodes, all reaching each other"},
			{Name: "fanout", Kind: gds.KindInt, Default: "1", Doc: "pushes per informed node per round (0: to all)"},
			{Name: "loss", Kind: gds.KindFloat, Default: "0.0", Doc: "probability a push is lost"},
			{Name: "rounds", Kind: gds.KindInt, Doc: "rounds so far (t, for one round per timestep)"},
		},
		New: func(b *blocks.Binding) (gds.Block, error) {
			return ExpectedCoverageUpdate(b.TargetFloat, b.Int("n"), b.Int("fanout"), b.Float("loss"), b.Int("rounds")), nil
		},
	})
}

// peerGraph is the graph of the registered blocks, of type network.peers.
type peerGraph = gds.Graph[Peer, Link]

// summaries are the registered summary blocks of a Peer graph.
var summaries = []struct {
	name, doc string
	target    gds.Kind
	update    func(b *blocks.Binding, g peerGraph) gds.Block
}{
	{"network.alive", "the graph's alive peers, up or down", gds.KindInt,
		func(b *blocks.Binding, g peerGraph) gds.Block { return AliveUpdate(b.TargetInt, g) }},
	{"network.up", "the graph's alive peers that are up", gds.KindInt,
		func(b *blocks.Binding, g peerGraph) gds.Block { return UpUpdate(b.TargetInt, g, PeerFields) }},
	{"network.edges", "the graph's directed links (an undirected link counts twice)", gds.KindInt,
		func(b *blocks.Binding, g peerGraph) gds.Block { return EdgesUpdate(b.TargetInt, g) }},
	{"network.components", "the graph's weakly connected components of alive peers, up or down", gds.KindInt,
		func(b *blocks.Binding, g peerGraph) gds.Block { return ComponentsUpdate(b.TargetInt, g) }},
	{"network.mean_degree", "the graph's links per alive peer", gds.KindFloat,
		func(b *blocks.Binding, g peerGraph) gds.Block { return MeanDegreeUpdate(b.TargetFloat, g) }},
	{"network.coverage", "the share of the graph's up peers that are informed (0 with none up)", gds.KindFloat,
		func(b *blocks.Binding, g peerGraph) gds.Block { return CoverageUpdate(b.TargetFloat, g, PeerFields) }},
}

// shape is a topology of network.topology.
type shape uint8

const (
	shapeComplete shape = iota + 1
	shapeRing
	shapeRandomRegular
	shapeErdosRenyi
	shapeBarabasiAlbert
)

// shapeNames are the shapes' names in model files, by value.
var shapeNames = []string{
	shapeComplete:       "complete",
	shapeRing:           "ring",
	shapeRandomRegular:  "random_regular",
	shapeErdosRenyi:     "erdos_renyi",
	shapeBarabasiAlbert: "barabasi_albert",
}

// topologyBlock is network.topology: Generate with the shape's generator,
// Peer nodes that are up and links of one latency and loss.
func topologyBlock(g peerGraph, shapeIn blocks.StringInput, nIn, kIn blocks.IntInput, pIn, latencyIn, lossIn blocks.Input) gds.Block {
	return Generate(g, func(c *gds.Ctx, tx *gds.GraphTx[Peer, Link]) error {
		name, n, k, p, latency, loss := shapeIn(c), int(nIn(c)), int(kIn(c)), pIn(c), latencyIn(c), lossIn(c) // arguments in order
		s, err := names.Choice(shapeNames, name)
		if err != nil {
			return fmt.Errorf("network.topology: argument shape %v", err)
		}
		if !(latency >= 0) || math.IsInf(latency, 0) {
			return fmt.Errorf("network.topology: argument latency = %v; want a finite number of timesteps >= 0", latency)
		}
		if !(loss >= 0 && loss <= 1) {
			return fmt.Errorf("network.topology: argument loss = %v; want a probability in [0, 1]", loss)
		}
		edge := PeerLink(latency, loss)
		switch shape(s) {
		case shapeComplete:
			err = Complete(tx, n, PeerNode, edge)
		case shapeRing:
			err = Ring(tx, n, k, PeerNode, edge)
		case shapeRandomRegular:
			err = RandomRegular(tx, n, k, c.Src, PeerNode, edge)
		case shapeErdosRenyi:
			err = ErdosRenyi(tx, n, p, c.Src, PeerNode, edge)
		case shapeBarabasiAlbert:
			err = BarabasiAlbert(tx, n, k, c.Src, PeerNode, edge)
		}
		if err != nil {
			return fmt.Errorf("network.topology: shape %q, n = %d, k = %d, p = %v: %w", name, n, k, p, err)
		}
		return nil
	})
}

// failuresBlock is network.failures: Fail with the Failures the
// arguments give at each timestep.
func failuresBlock(g peerGraph, rateIn blocks.Input, recoveryIn, nodeIn, downIn, upIn blocks.IntInput) gds.Block {
	return g.Update(func(c *gds.Ctx, tx *gds.GraphTx[Peer, Link]) {
		rate, recovery, node, down, up := rateIn(c), recoveryIn(c), nodeIn(c), downIn(c), upIn(c)
		if !(rate >= 0 && rate <= 1) {
			panic(fmt.Errorf("network.failures: argument rate = %v; want a probability in [0, 1]", rate))
		}
		if recovery < 1 {
			panic(fmt.Errorf("network.failures: argument recovery = %d; want at least 1 timestep", recovery))
		}
		var outage [1]Outage // on the stack: no allocation per timestep
		f := Failures{Rate: rate, Recovery: recovery}
		if node >= 0 {
			if up == 0 {
				up = Forever
			}
			if up <= down {
				panic(fmt.Errorf("network.failures: arguments down_at = %d, up_at = %d: the outage is empty; want down_at < up_at (up_at = 0: never)", down, up))
			}
			if n := tx.Len(); int64(n) <= node && n > 0 {
				panic(fmt.Errorf("network.failures: argument node = %d: the graph's peers are 0..%d", node, n-1))
			}
			outage[0] = Outage{Node: int(node), DownAt: down, UpAt: up}
			f.Schedule = outage[:]
		} else if node != -1 {
			panic(fmt.Errorf("network.failures: argument node = %d; want a peer (>= 0), or -1 for no outage", node))
		}
		Fail(tx, PeerFields, f, int64(c.T), c.Rand)
	})
}

// gossipBlock is network.gossip: at timestep start the source is
// informed, and at every timestep PeerGossip runs a round (which reads
// who was informed before the block, so the source pushes from start+1).
func gossipBlock(g peerGraph, fanoutIn, sourceIn, startIn blocks.IntInput) gds.Block {
	return g.Update(func(c *gds.Ctx, tx *gds.GraphTx[Peer, Link]) {
		fanout, source, start, t := fanoutIn(c), sourceIn(c), startIn(c), int64(c.T)
		if fanout < 0 {
			panic(fmt.Errorf("network.gossip: argument fanout = %d; want >= 0 (0: every usable neighbour)", fanout))
		}
		if start < 1 {
			panic(fmt.Errorf("network.gossip: argument start = %d; want a timestep >= 1", start))
		}
		if t == start {
			if source < 0 || source >= int64(tx.Len()) || !tx.Alive(int(source)) {
				panic(fmt.Errorf("network.gossip: argument source = %d: no such peer at timestep %d (the graph has %d; is network.topology in an earlier PSUB?)", source, t, tx.Len()))
			}
			p := tx.NodeRef(int(source))
			*PeerFields.Informed(p), *PeerFields.InformedAt(p) = true, t
		}
		PeerGossip(int(fanout), nil).Round(tx, g.Get(c), t, c.Rand)
	})
}
