package network

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/statecraft/statecraft/blocks"
	"github.com/statecraft/statecraft/gds"
)

// Forever is an Outage's UpAt, or a Partition's Until, that never comes.
const Forever int64 = math.MaxInt64

// Outage is a scheduled failure: node Node is down at the timesteps t
// with DownAt <= t < UpAt.
type Outage struct {
	Node         int
	DownAt, UpAt int64
}

// Outages is a failure schedule. A node is down when any of its outages
// holds; they may overlap.
type Outages []Outage

// Down reports whether node is down at timestep t.
func (s Outages) Down(node int, t int64) bool {
	for _, o := range s {
		if o.Node == node && o.DownAt <= t && t < o.UpAt {
			return true
		}
	}
	return false
}

// Validate reports an outage with a negative node or an empty interval
// (UpAt <= DownAt).
func (s Outages) Validate() error {
	for i, o := range s {
		if o.Node < 0 || o.UpAt <= o.DownAt {
			return fmt.Errorf("network: outage %d: node %d down from %d up at %d; want a node >= 0 and DownAt < UpAt", i, o.Node, o.DownAt, o.UpAt)
		}
	}
	return nil
}

// Failures is a failure model for the nodes of a graph: scheduled
// outages, and random failures. At each timestep t, a node that is not
// in a random failure (DownUntil <= t) fails with probability Rate: it
// is down at t..t+D−1 and DownUntil = t+D, with D = Recovery timesteps,
// or, if RecoveryMean > 0, D drawn from the geometric distribution on
// 1, 2, ... with that mean. A node is up when neither a scheduled outage
// nor a random failure holds. Under random failures alone the long-run
// share of time a node is up is Availability(Rate, D).
type Failures struct {
	Schedule     Outages // scheduled outages
	Rate         float64 // per-timestep probability that a node fails at random, in [0, 1]
	Recovery     int64   // timesteps a random failure lasts (at least 1)
	RecoveryMean float64 // if > 0, the mean of a geometric duration instead of Recovery
}

// Validate reports a schedule problem or a rate outside [0, 1].
func (f Failures) Validate() error {
	if err := f.Schedule.Validate(); err != nil {
		return err
	}
	if !(f.Rate >= 0 && f.Rate <= 1) || math.IsNaN(f.RecoveryMean) || math.IsInf(f.RecoveryMean, 0) {
		return fmt.Errorf("network: failure rate %v, mean recovery %v; want a rate in [0, 1] and a finite mean", f.Rate, f.RecoveryMean)
	}
	return nil
}

// duration draws the length of a random failure.
func (f Failures) duration(r *rand.Rand) int64 {
	if f.RecoveryMean > 1 {
		p := 1 / f.RecoveryMean
		return 1 + int64(math.Floor(math.Log(1-r.Float64())/math.Log1p(-p)))
	}
	if f.RecoveryMean > 0 {
		return 1
	}
	return max(f.Recovery, 1)
}

// FailureStats counts the changes of one step of Fail.
type FailureStats struct {
	Failed    int // nodes that went down
	Recovered int // nodes that came back up
}

// Fail applies f at timestep t to every alive node of tx: it sets the
// Up field (f.Up must not be nil) and, with random failures, the
// DownUntil field (which must then not be nil), drawing from r one
// number per alive node not already in a random failure (and one more
// per failure if the recovery is geometric). It writes only the nodes
// that change.
func Fail[N, E any](tx *gds.GraphTx[N, E], fields Fields[N], f Failures, t int64, r *rand.Rand) FailureStats {
	if fields.Up == nil || (f.Rate > 0 && fields.DownUntil == nil) {
		panic(fmt.Errorf("network.Fail: the node record needs the Up field, and DownUntil for random failures"))
	}
	var st FailureStats
	nodes := tx.Nodes()
	for id := range nodes {
		if !tx.Alive(id) {
			continue
		}
		until := int64(0)
		if fields.DownUntil != nil {
			until = *fields.DownUntil(&nodes[id])
		}
		newUntil := until
		if f.Rate > 0 && until <= t && r.Float64() < f.Rate {
			newUntil = t + f.duration(r)
		}
		was := *fields.Up(&nodes[id])
		up := newUntil <= t && !f.Schedule.Down(id, t)
		if up == was && newUntil == until {
			continue
		}
		p := tx.NodeRef(id)
		*fields.Up(p) = up
		if fields.DownUntil != nil {
			*fields.DownUntil(p) = newUntil
		}
		switch {
		case was && !up:
			st.Failed++
		case !was && up:
			st.Recovered++
		}
	}
	return st
}

// FailUpdate returns the update of g that applies f at every timestep,
// drawing from the job's random stream (see Fail). An invalid f fails
// the block when it runs, so Build reports it.
func FailUpdate[N, E any](g gds.Graph[N, E], fields Fields[N], f Failures) gds.Block {
	err := f.Validate()
	return g.Update(func(c *gds.Ctx, tx *gds.GraphTx[N, E]) {
		if err != nil {
			panic(err)
		}
		Fail(tx, fields, f, int64(c.T), c.Rand)
	})
}

// PeerFailures is FailUpdate for a Peer graph.
func PeerFailures(g gds.Graph[Peer, Link], f Failures) gds.Block { return FailUpdate(g, PeerFields, f) }

// Availability returns the long-run share of timesteps a node is up
// under Failures with failure probability rate and mean failure length
// d timesteps (d >= 1): a node is up for a geometric run of (1−rate)/rate
// timesteps on average, then down for d, so the share is
// (1−rate) / (1−rate + rate·d). It is 1 for rate 0, 0 for rate 1.
func Availability(rate, d float64) float64 {
	rate, d = min(max(rate, 0), 1), max(d, 1)
	if rate == 0 {
		return 1
	}
	return (1 - rate) / (1 - rate + float64(rate*d)) // no fused multiply-add: the same bits everywhere
}

// ---------------------------------------------------------------- partitions

// Partition splits the nodes into groups between two timesteps: while
// From <= t < Until, nodes of different groups cannot reach each other.
// Group[id] is node id's group; nodes beyond the slice are in group 0.
// Edges are not removed: a partition is a predicate (Connected) that
// routers, receivers and gossip consult.
type Partition struct {
	From, Until int64
	Group       []int
}

// Split returns the partition from timestep from until until into the
// listed groups, numbered 1, 2, ...; the nodes not listed form group 0,
// one more group. A node listed twice or a negative node is an error.
func Split(from, until int64, groups ...[]int) (Partition, error) {
	p := Partition{From: from, Until: until}
	for g, ids := range groups {
		for _, id := range ids {
			if id < 0 {
				return Partition{}, fmt.Errorf("network.Split: group %d lists node %d", g+1, id)
			}
			if id >= len(p.Group) {
				p.Group = append(p.Group, make([]int, id+1-len(p.Group))...)
			}
			if p.Group[id] != 0 {
				return Partition{}, fmt.Errorf("network.Split: node %d is in groups %d and %d", id, p.Group[id], g+1)
			}
			p.Group[id] = g + 1
		}
	}
	if until <= from {
		return Partition{}, fmt.Errorf("network.Split: from %d until %d is empty", from, until)
	}
	return p, nil
}

func (p *Partition) group(id int) int {
	if id >= 0 && id < len(p.Group) {
		return p.Group[id]
	}
	return 0
}

// Partitions is a partition schedule; partitions may overlap, and two
// nodes are connected when every partition holding at t puts them in the
// same group.
type Partitions []Partition

// Connected reports whether nodes u and v can reach each other at
// timestep t.
func (ps Partitions) Connected(u, v int, t int64) bool {
	for i := range ps {
		p := &ps[i]
		if p.From <= t && t < p.Until && p.group(u) != p.group(v) {
			return false
		}
	}
	return true
}

// Cut is the Router R without the routes across a partition: a message
// from u to v has no route at t unless Connected(u, v, t).
type Cut[R Router] struct {
	Links     R
	Connected func(u, v int, t int64) bool // nil: no partition
}

// Route returns c.Links' route if u and v are connected at t.
func (c Cut[R]) Route(from, to int, t int64) (Link, bool) {
	if c.Connected != nil && !c.Connected(from, to, t) {
		return Link{}, false
	}
	return c.Links.Route(from, to, t)
}

// AvailabilityUpdate returns the update that sets x to Availability(rate,
// d); a rate outside [0, 1] or NaN fails the block.
func AvailabilityUpdate(x gds.Float, rate, d blocks.Input) gds.Block {
	return x.Update(func(c *gds.Ctx) float64 {
		p, dd := rate(c), d(c)
		if !(p >= 0 && p <= 1) || math.IsNaN(dd) {
			panic(fmt.Errorf("network.availability: rate %v, recovery %v; want a rate in [0, 1] and a number of timesteps", p, dd))
		}
		return Availability(p, dd)
	})
}
