// Package network provides mechanisms of peer-to-peer networks over
// graph state variables (gds.Graph): topologies, a message layer with
// latency, loss and bandwidth, gossip, node failures and partitions,
// peer discovery, and summaries of a graph. Each mechanism is a plain
// function over gds views and transactions, generic over the node record
// N and the edge record E, and an update or policy constructor.
//
// # State and randomness
//
// Everything that changes lives in state variables: the graph (whether a
// node is up, whether it is informed; the links, or who knows whom), the
// messages in flight (a gds.AgentsOf[Message] population) and traffic
// counters. Blocks keep nothing in their closures, so that a model is
// shared by concurrent engines, and read the graph as it was before
// their PSUB. Randomness comes only from the job's stream (Ctx.Rand,
// Ctx.Src), so a seed reproduces a run, and each random decision is
// drawn once: by the update that applies it (topologies, failures,
// gossip) or by the policy that sends (the message layer), whose results
// reach the updates as signals.
//
// # Records
//
// A Fields[N] locates the fields the mechanisms read and write in a node
// record: Up (nil: every alive node is up), DownUntil (failures),
// Informed and InformedAt (gossip). Peer and Link are the standard node
// and edge records; PeerFields, PeerNode, PeerLink, PeerLinks,
// PeerGossip, PeerFailures and PeerReceiver make a gds.Graph[Peer, Link]
// work with everything here.
//
// # Topologies
//
// Complete, Ring, RandomRegular, ErdosRenyi (gonum's gen.Gnp) and
// BarabasiAlbert (gonum's gen.PreferentialAttachment) replace the graph
// of a transaction with n nodes, 0..n−1, made by a func(id int) N, and
// FromEdges with a given edge list (checked by CheckEdges). Undirected
// topologies are two directed edges per link; their EdgeFunc is called
// once per link, u < v, in increasing order, so that random edge
// attributes drawn in it are reproducible too. Random topologies draw
// from the rand.Source they are given; Generate runs a generator at
// timestep 1 of every job, with the job's stream.
//
// # Messages
//
// A message sent at timestep t over a link of latency L is due at t +
// ⌈L⌉ (at least t+1). Deliver at timestep t′ takes every due message
// (DeliverAt <= t′) out of the population: it is delivered if the
// receiver accepts it (alive, up, not cut off by a partition) and
// dropped otherwise; a message is therefore delivered at most once, and
// exactly once if it survives its link and its receiver can take it
// when it is due. At send a message may have no route (Router: no link,
// the sender down, a partition), exceed its edge's bandwidth (at most B
// messages per directed edge through one Outbox, normally one timestep:
// the excess is dropped, tail drop, not queued) or be lost (the link's
// Loss). Traffic counts every fate, and Sent = Lost + Throttled +
// Unroutable + in flight + Delivered + Dropped. IDs are the timestep
// and a number within it, unique among the messages that exist together.
//
// Send and Deliver are the plain functions; an Outbox sends one message
// at a time. A Wire is the layer in a model: the population and its
// counters as state variables, a protocol's policy that reads the
// deliveries (Wire.Deliveries) and sends (Open, then Outbox.Send and
// Close), and the updates that move the messages (Wire.Updates).
// Routers: Mesh (every node reaches every other), GraphLinks and
// PeerLinks (a graph's edges), Cut (without the routes across a
// partition), RouteFunc.
//
// # Gossip
//
// Gossip pushes a rumour in synchronous rounds, one per timestep: every
// informed, up node pushes over Fanout of its usable out-edges (all:
// flooding), each push lost with the edge's loss; the pushed node is
// informed from the next round. Without loss, flooding informs each node
// at the round equal to its hop distance from the source, and so covers
// a connected graph in eccentricity rounds. Coverage is the share of up
// nodes informed; Rounds simulates rounds to full coverage without
// changing the graph; ExpectedCoverage is the mean-field estimate of push
// gossip on a complete graph.
//
// # Failures and partitions
//
// Failures combines scheduled Outages (a node is down for DownAt <= t <
// UpAt) and random failures (per-timestep probability Rate, lasting
// Recovery timesteps, or a geometric number with mean RecoveryMean); Fail
// applies them to a graph's Up and DownUntil fields, and Availability is
// the long-run share of time a node is up. A Partition splits the nodes
// into groups between two timesteps; edges are not removed: routers (Cut),
// receivers (Receiver) and gossip consult Partitions.Connected, so
// nothing crosses while it holds and everything may after it heals.
//
// # Discovery
//
// Discovery is peer discovery over a Wire: hellos to bootstrap nodes,
// hello → ack handshakes, and peer exchange. Who knows whom is a graph,
// an edge u→v meaning that u knows v, and edges are added, both ways,
// only when an ack is delivered.
//
// # Summaries
//
// Alive, Up, Edges, Components (weakly connected, gonum's
// topo.ConnectedComponents) and MeanDegree summarise any graph, as
// functions and as updates of int and float variables (IntSummary,
// FloatSummary and the named ones).
//
// # Registered blocks
//
// Model files declare a graph of Peer nodes and Link edges as net = {
// type = "graph", records = "network.peers" } (PeersType) and use the
// registered blocks on it: "network.topology" (Generate with a named
// shape), "network.failures" (Fail with a rate, a recovery and one
// scheduled outage), "network.gossip" (a PeerGossip Round per timestep,
// from a source), the summaries "network.alive", "network.up",
// "network.edges", "network.components", "network.mean_degree" and
// "network.coverage", and the estimates "network.availability"
// (Availability) and "network.expected_coverage" (ExpectedCoverage); see
// docs/blocks.md and models/gossip.toml.
//
// # Simplifications
//
// Time is discrete: latencies are whole timesteps, a gossip round is a
// timestep, and a message sent at t is never delivered at t. Loss is
// independent per message. Bandwidth drops what exceeds it instead of
// queueing. A down node keeps its state (no crash-recovery of memory).
// Discovery's handshake completes for both ends at the ack's delivery.
package network
