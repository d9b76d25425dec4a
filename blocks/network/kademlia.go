package network

import (
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math/bits"
	"math/rand/v2"
	"slices"
)

// Kademlia primitives: node ids, the XOR metric, proximity orders, k-bucket
// routing tables and the iterative closest-node lookup. The formulas are in
// docs/network-protocols.md.

// NodeID is a position in a Kademlia id space of Bits bits (1 to 64): the
// top Bits bits of a hash, as an unsigned integer below 2^Bits. Nodes and
// keys share the space. Functions that need the width take it as an
// argument, bits.
type NodeID uint64

// StatusBits is the id width of the Status storage model
// (status-im/storage-econ-model, src/model/state_variables.py), whose node
// ids are drawn uniformly from 0..15. Its depth parameter, 15
// (src/model/sys_params.py), is not a width: it is compared with XOR
// distances (src/model/parts/route.py), and 15 is the largest distance
// between 4-bit ids.
const StatusBits = 4

// checkBits panics unless an id width is 1..64.
func checkBits(fn string, b int) {
	if b < 1 || b > 64 {
		panic(fmt.Sprintf("network: %s: id width of %d bits; widths are 1..64", fn, b))
	}
}

// NewNodeID draws an id of the given width uniformly from r.
func NewNodeID(r *rand.Rand, bits int) NodeID {
	checkBits("NewNodeID", bits)
	return NodeID(r.Uint64() >> (64 - bits))
}

// NodeIDFromKey returns the id of a key: the top bits bits of its SHA-256
// digest, read big-endian.
func NodeIDFromKey(key []byte, bits int) NodeID {
	checkBits("NodeIDFromKey", bits)
	sum := sha256.Sum256(key)
	return NodeID(binary.BigEndian.Uint64(sum[:8]) >> (64 - bits))
}

// Distance returns the Kademlia distance between two ids, a XOR b: 0 only
// for equal ids, symmetric, and d(a, c) = d(a, b) XOR d(b, c) <= d(a, b) +
// d(b, c). For any id a and distance d exactly one id is at distance d from
// a, so distances from a target order distinct ids strictly.
func Distance(a, b NodeID) uint64 { return uint64(a ^ b) }

// ProximityOrder returns the number of leading bits that a and b share
// among their top bits bits (bits bits counted down from bit bits-1;
// higher bits are ignored): bits for equal ids, 0 when they differ in the
// top bit. It is bits minus the bit length of Distance(a, b), and the
// length of the common binary prefix that the Status storage model computes
// (shared_prefix in src/model/utils.py) for its 4-bit ids.
func ProximityOrder(a, b NodeID, bits int) int {
	checkBits("ProximityOrder", bits)
	return min(bits, leadingZeros(uint64(a^b)<<(64-bits)))
}

// leadingZeros is math/bits.LeadingZeros64 where a parameter named bits
// hides the package.
func leadingZeros(x uint64) int { return bits.LeadingZeros64(x) }

// ---------------------------------------------------------------- routing table

// RoutingTable is one node's Kademlia routing table: for each proximity
// order i of 0..bits-1 a k-bucket holds up to k known ids whose proximity
// order with the owner is i, that is ids at distance 2^(bits-1-i) to
// 2^(bits-i)-1 from it. A bucket lists its ids from least to most recently
// seen. The owner is never in its own table.
//
// A full bucket prefers the nodes it has: a newcomer replaces the least
// recently seen node only if that node does not answer a ping (Add). A
// RoutingTable is a plain value owned by one simulation state; it is not
// safe for concurrent use.
type RoutingTable struct {
	owner   NodeID
	bits, k int
	buckets [][]NodeID // buckets[i]: proximity order i, oldest first; capacity k once used
	n       int        // ids in all buckets
}

// NewRoutingTable returns the empty routing table of owner, an id of the
// given width, with buckets of capacity k. It panics if bits is not 1..64,
// if k < 1 or if owner has more than bits bits.
func NewRoutingTable(owner NodeID, bits, k int) *RoutingTable {
	checkBits("NewRoutingTable", bits)
	if k < 1 {
		panic(fmt.Sprintf("network: NewRoutingTable: bucket capacity k = %d; it must be >= 1", k))
	}
	t := &RoutingTable{owner: owner, bits: bits, k: k, buckets: make([][]NodeID, bits)}
	t.checkID("NewRoutingTable", owner)
	return t
}

// Owner returns the id whose table this is.
func (t *RoutingTable) Owner() NodeID { return t.owner }

// Bits returns the id width.
func (t *RoutingTable) Bits() int { return t.bits }

// K returns the bucket capacity.
func (t *RoutingTable) K() int { return t.k }

// Len returns the number of ids in the table.
func (t *RoutingTable) Len() int { return t.n }

// Bucket returns the ids of proximity order i with the owner, least
// recently seen first. The slice is the table's own: read it, do not keep
// it past the next change of the table.
func (t *RoutingTable) Bucket(i int) []NodeID {
	if i < 0 || i >= t.bits {
		panic(fmt.Sprintf("network: RoutingTable.Bucket(%d): buckets are 0..%d", i, t.bits-1))
	}
	return t.buckets[i]
}

func (t *RoutingTable) checkID(fn string, id NodeID) {
	if t.bits < 64 && id>>t.bits != 0 {
		panic(fmt.Sprintf("network: %s: id %#x has more than %d bits", fn, uint64(id), t.bits))
	}
}

// find returns id's bucket index and position in it (-1 if absent); the
// index is -1 for the owner.
func (t *RoutingTable) find(fn string, id NodeID) (b, pos int) {
	t.checkID(fn, id)
	b = ProximityOrder(t.owner, id, t.bits)
	if b == t.bits {
		return -1, -1
	}
	return b, slices.Index(t.buckets[b], id)
}

// toTail moves position pos of bucket b to the tail: most recently seen.
func (t *RoutingTable) toTail(b, pos int) {
	s := t.buckets[b]
	id := s[pos]
	copy(s[pos:], s[pos+1:])
	s[len(s)-1] = id
}

// Contains reports whether id is in the table.
func (t *RoutingTable) Contains(id NodeID) bool {
	_, pos := t.find("RoutingTable.Contains", id)
	return pos >= 0
}

// Add is Kademlia's update on hearing from id, and reports whether id is in
// the table afterwards:
//   - the owner is never added;
//   - a known id becomes the most recently seen of its bucket;
//   - a new id is appended to its bucket if the bucket has room;
//   - in a full bucket the least recently seen id is pinged, alive(oldest):
//     if it answers it becomes the most recently seen and the newcomer is
//     dropped; if not it is evicted and the newcomer appended.
//
// A nil alive means every ping is answered, so full buckets keep their ids.
// alive is called at most once, only for a full bucket.
func (t *RoutingTable) Add(id NodeID, alive func(NodeID) bool) bool {
	b, pos := t.find("RoutingTable.Add", id)
	switch {
	case b < 0:
		return false
	case pos >= 0:
		t.toTail(b, pos)
		return true
	}
	s := t.buckets[b]
	if s == nil {
		s = make([]NodeID, 0, t.k)
	}
	if len(s) < t.k {
		t.buckets[b] = append(s, id)
		t.n++
		return true
	}
	if alive == nil || alive(s[0]) {
		t.toTail(b, 0)
		return false
	}
	copy(s, s[1:])
	s[len(s)-1] = id
	return true
}

// Seen marks a known id as the most recently seen of its bucket, and
// reports whether it is known; an unknown id is not added.
func (t *RoutingTable) Seen(id NodeID) bool {
	b, pos := t.find("RoutingTable.Seen", id)
	if pos < 0 {
		return false
	}
	t.toTail(b, pos)
	return true
}

// Remove deletes id from the table and reports whether it was there.
func (t *RoutingTable) Remove(id NodeID) bool {
	b, pos := t.find("RoutingTable.Remove", id)
	if pos < 0 {
		return false
	}
	t.buckets[b] = slices.Delete(t.buckets[b], pos, pos+1)
	t.n--
	return true
}

// Closest appends to dst the n known ids closest to target by XOR
// distance, closest first (fewer if the table holds fewer), and returns the
// extended slice. It allocates only if dst lacks room for n more ids.
//
// It reads the buckets in order of distance, so it stops early: with p the
// proximity order of owner and target, bucket p holds the closest ids, then
// buckets p+1.. (all at proximity order p from target), then buckets p-1,
// p-2, ..., 0, each farther than the one before.
func (t *RoutingTable) Closest(target NodeID, n int, dst []NodeID) []NodeID {
	t.checkID("RoutingTable.Closest", target)
	if n <= 0 {
		return dst
	}
	base := len(dst)
	p := ProximityOrder(t.owner, target, t.bits)
	if p < t.bits {
		dst = keepClosest(dst, base, t.buckets[p], target, n)
	}
	if len(dst)-base < n { // buckets p+1.. are one group: read all of them
		for i := p + 1; i < t.bits; i++ {
			dst = keepClosest(dst, base, t.buckets[i], target, n)
		}
	}
	for i := p - 1; i >= 0 && len(dst)-base < n; i-- {
		dst = keepClosest(dst, base, t.buckets[i], target, n)
	}
	return dst
}

// keepClosest merges ids into dst[base:], which is sorted by distance to
// target and holds at most n ids.
func keepClosest(dst []NodeID, base int, ids []NodeID, target NodeID, n int) []NodeID {
	for _, id := range ids {
		d := id ^ target
		if len(dst)-base == n {
			if d >= dst[len(dst)-1]^target {
				continue
			}
			dst = dst[:len(dst)-1]
		}
		i := len(dst)
		for i > base && dst[i-1]^target > d {
			i--
		}
		dst = slices.Insert(dst, i, id)
	}
	return dst
}

// ---------------------------------------------------------------- lookup

// Lookup finds the k nodes closest to target by Kademlia's iterative
// FIND_NODE lookup from start, and returns them closest first with the
// number of rounds and of queries (FIND_NODE requests, answered or not) it
// took. tables gives a node's routing table, or nil for a node that does
// not answer (down, or cut off by a partition). It allocates its result and
// working memory; a Searcher reuses them.
func Lookup(start, target NodeID, alpha, k int, tables func(NodeID) *RoutingTable) (closest []NodeID, rounds, queries int) {
	var s Searcher
	return s.Lookup(start, target, alpha, k, tables, nil)
}

// Searcher holds the working memory of lookups, reused from one to the
// next. The zero value is ready to use; a Searcher is not safe for
// concurrent use.
type Searcher struct {
	cand  []candidate // every node learned, by distance to the target
	batch []NodeID
	reply []NodeID
}

type candidate struct {
	id    NodeID
	state uint8
}

const (
	unqueried uint8 = iota
	answered
	failed
)

// Lookup runs the lookup of the package function Lookup and appends the
// closest nodes found to dst.
//
// The start node is a candidate that answers without a message (its own
// table seeds the lookup). Each round queries, in parallel, the alpha
// closest candidates not yet queried among the k closest that have not
// failed; a queried node answers with the k closest ids of its table, which
// become candidates, or fails (tables returns nil) and is dropped. If a
// round finds no candidate closer than the closest before it, the next
// round queries every unqueried one of the k closest instead of alpha. The
// lookup ends when the k closest candidates that have not failed have all
// answered: those are the result. A node that failed once is not queried
// again.
//
// It panics if alpha or k is below 1 or if start has no table.
func (s *Searcher) Lookup(start, target NodeID, alpha, k int, tables func(NodeID) *RoutingTable, dst []NodeID) (closest []NodeID, rounds, queries int) {
	if alpha < 1 || k < 1 {
		panic(fmt.Sprintf("network: Lookup: alpha = %d and k = %d; both must be >= 1", alpha, k))
	}
	st := tables(start)
	if st == nil {
		panic(fmt.Sprintf("network: Lookup: the start node %#x has no routing table", uint64(start)))
	}
	s.cand = s.cand[:0]
	s.learn(start, target, answered)
	s.reply = st.Closest(target, k, s.reply[:0])
	for _, id := range s.reply {
		s.learn(id, target, unqueried)
	}
	width := alpha
	for {
		s.batch = s.batch[:0]
		live := 0
		for _, c := range s.cand {
			if live == k || len(s.batch) == width {
				break
			}
			if c.state == failed {
				continue
			}
			live++
			if c.state == unqueried {
				s.batch = append(s.batch, c.id)
			}
		}
		if len(s.batch) == 0 {
			break
		}
		best := s.best(target)
		rounds++
		for _, id := range s.batch {
			queries++
			c := &s.cand[s.index(id, target)]
			t := tables(id)
			if t == nil {
				c.state = failed
				continue
			}
			c.state = answered
			s.reply = t.Closest(target, k, s.reply[:0])
			for _, r := range s.reply {
				s.learn(r, target, unqueried)
			}
		}
		width = alpha
		if s.best(target) >= best {
			width = k
		}
	}
	n := 0
	for _, c := range s.cand {
		if n == k {
			break
		}
		if c.state != failed {
			dst = append(dst, c.id)
			n++
		}
	}
	return dst, rounds, queries
}

// index returns the position of id in the candidates, which holds it.
func (s *Searcher) index(id, target NodeID) int {
	i, _ := slices.BinarySearchFunc(s.cand, id^target, func(c candidate, d NodeID) int {
		return cmp.Compare(c.id^target, d)
	})
	return i
}

// learn adds id to the candidates unless it is one already.
func (s *Searcher) learn(id, target NodeID, state uint8) {
	i := s.index(id, target)
	if i < len(s.cand) && s.cand[i].id == id {
		return
	}
	s.cand = slices.Insert(s.cand, i, candidate{id, state})
}

// best returns the distance to target of the closest candidate that has not
// failed (the start never fails).
func (s *Searcher) best(target NodeID) NodeID {
	for _, c := range s.cand {
		if c.state != failed {
			return c.id ^ target
		}
	}
	return ^NodeID(0)
}
