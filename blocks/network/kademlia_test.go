package network_test

import (
	"fmt"
	"math/bits"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/statecraft/statecraft/blocks/network"
)

func rng(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x6b61646d)) }

// XOR distance is a metric: identity, symmetry and the triangle inequality,
// which holds because d(a,c) = d(a,b) XOR d(b,c) and XOR adds without
// carries.
func TestDistanceIsAMetric(t *testing.T) {
	for seed := range uint64(200) {
		r := rng(seed)
		width := 1 + r.IntN(64)
		for range 50 {
			a, b, c := network.NewNodeID(r, width), network.NewNodeID(r, width), network.NewNodeID(r, width)
			if network.Distance(a, a) != 0 {
				t.Fatalf("d(%#x, itself) = %d", a, network.Distance(a, a))
			}
			if (network.Distance(a, b) == 0) != (a == b) {
				t.Fatalf("d(%#x, %#x) = %d", a, b, network.Distance(a, b))
			}
			if network.Distance(a, b) != network.Distance(b, a) {
				t.Fatalf("d(%#x, %#x) is not symmetric", a, b)
			}
			ab, bc, ac := network.Distance(a, b), network.Distance(b, c), network.Distance(a, c)
			if ac != ab^bc {
				t.Fatalf("d(a,c) = %#x, d(a,b) XOR d(b,c) = %#x", ac, ab^bc)
			}
			sum, carry := bits.Add64(ab, bc, 0)
			if carry == 0 && ac > sum {
				t.Fatalf("triangle: d(a,c) = %d > d(a,b) + d(b,c) = %d", ac, sum)
			}
		}
	}
}

func TestProximityOrder(t *testing.T) {
	cases := []struct {
		a, b network.NodeID
		bits int
		want int
	}{
		{0b0000, 0b1000, 4, 0},
		{0b0000, 0b0100, 4, 1},
		{0b0110, 0b0101, 4, 2},
		{0b0101, 0b0100, 4, 3},
		{0b1111, 0b1111, 4, 4},
		{0x10, 0x00, 4, 4}, // bits above the width are ignored
		{0x80, 0x7f, 8, 0},
		{0xa5, 0xa4, 8, 7},
		{0, 1 << 63, 64, 0},
		{0, 1, 64, 63},
		{12345, 12345, 64, 64},
		{0, 1, 1, 0},
		{1, 1, 1, 1},
	}
	for _, c := range cases {
		if got := network.ProximityOrder(c.a, c.b, c.bits); got != c.want {
			t.Errorf("ProximityOrder(%#b, %#b, %d) = %d, want %d", c.a, c.b, c.bits, got, c.want)
		}
	}
}

// The Status storage model (status-im/storage-econ-model,
// src/model/utils.py, route_table and shared_prefix) writes each 4-bit id
// as Python's format(id, '#06b'), "0b" and four binary digits, and takes
// the common prefix of the two strings. Its length minus the "0b" is our
// proximity order, for every pair of its ids.
func TestProximityOrderMatchesStatusModel(t *testing.T) {
	str := func(id network.NodeID) string { return fmt.Sprintf("0b%04b", id) }
	for a := range network.NodeID(16) {
		for b := range network.NodeID(16) {
			sa, sb := str(a), str(b)
			n := 0
			for n < len(sa) && sa[n] == sb[n] {
				n++
			}
			if got := network.ProximityOrder(a, b, network.StatusBits); got != n-2 {
				t.Errorf("ids %d, %d: shared prefix %q (po %d), ProximityOrder %d", a, b, sa[:n], n-2, got)
			}
		}
	}
}

// po(a, b) is the width minus the bit length of the distance, so a node at
// proximity order i is at distance 2^(bits-1-i) .. 2^(bits-i)-1.
func TestProximityOrderAndDistance(t *testing.T) {
	for seed := range uint64(200) {
		r := rng(seed)
		width := 1 + r.IntN(64)
		for range 50 {
			a := network.NewNodeID(r, width)
			b := a ^ (network.NewNodeID(r, width) >> r.IntN(width)) // near ids too
			po, d := network.ProximityOrder(a, b, width), network.Distance(a, b)
			if po != width-bits.Len64(d) {
				t.Fatalf("width %d: po(%#x, %#x) = %d, distance %#x", width, a, b, po, d)
			}
			if po < width && (d>>(width-1-po) != 1) {
				t.Fatalf("width %d: po %d but distance %#x", width, po, d)
			}
		}
	}
}

func TestNodeIDs(t *testing.T) {
	// SHA-256("abc") = ba7816bf 8f01cfea ...
	for _, c := range []struct {
		bits int
		want network.NodeID
	}{{4, 0xb}, {16, 0xba78}, {32, 0xba7816bf}, {64, 0xba7816bf8f01cfea}} {
		if got := network.NodeIDFromKey([]byte("abc"), c.bits); got != c.want {
			t.Errorf("NodeIDFromKey(abc, %d) = %#x, want %#x", c.bits, got, c.want)
		}
	}
	for width := 1; width <= 64; width++ {
		r1, r2 := rng(uint64(width)), rng(uint64(width))
		var or network.NodeID
		for range 100 {
			id := network.NewNodeID(r1, width)
			if id != network.NewNodeID(r2, width) {
				t.Fatalf("width %d: the same seed drew different ids", width)
			}
			if width < 64 && id>>width != 0 {
				t.Fatalf("width %d: id %#x is wider", width, id)
			}
			or |= id
		}
		if width >= 8 && bits.Len64(uint64(or)) != width {
			t.Errorf("width %d: 100 ids never set the top bit", width)
		}
	}
}

func TestWidthPanics(t *testing.T) {
	for _, fn := range []func(){
		func() { network.ProximityOrder(1, 2, 0) },
		func() { network.ProximityOrder(1, 2, 65) },
		func() { network.NewNodeID(rng(1), 0) },
		func() { network.NodeIDFromKey(nil, 65) },
		func() { network.NewRoutingTable(0, 8, 0) },
		func() { network.NewRoutingTable(0x100, 8, 2) },
		func() { network.NewRoutingTable(0, 8, 2).Add(0x100, nil) },
	} {
		func() {
			defer func() {
				if msg, _ := recover().(string); !strings.HasPrefix(msg, "network: ") {
					t.Errorf("want a panic naming the package, got %q", msg)
				}
			}()
			fn()
		}()
	}
}

// checkTable verifies the routing table invariants.
func checkTable(t *testing.T, tb *network.RoutingTable) {
	t.Helper()
	n := 0
	seen := map[network.NodeID]bool{}
	for i := range tb.Bits() {
		b := tb.Bucket(i)
		if len(b) > tb.K() {
			t.Fatalf("bucket %d holds %d ids, capacity %d", i, len(b), tb.K())
		}
		for _, id := range b {
			if po := network.ProximityOrder(tb.Owner(), id, tb.Bits()); po != i {
				t.Fatalf("id %#x of po %d is in bucket %d", id, po, i)
			}
			if seen[id] {
				t.Fatalf("id %#x is in the table twice", id)
			}
			seen[id] = true
		}
		n += len(b)
	}
	if n != tb.Len() {
		t.Fatalf("Len() = %d, buckets hold %d", tb.Len(), n)
	}
}

// Random adds, removes and pings keep every bucket within its capacity and
// every id in the bucket of its proximity order.
func TestBucketCapacity(t *testing.T) {
	for seed := range uint64(50) {
		r := rng(seed)
		width, k := 6+r.IntN(10), 1+r.IntN(5)
		tb := network.NewRoutingTable(network.NewNodeID(r, width), width, k)
		up := func(network.NodeID) bool { return r.IntN(2) == 0 }
		for range 2000 {
			id := network.NewNodeID(r, width)
			switch r.IntN(5) {
			case 0:
				tb.Remove(id)
			case 1:
				tb.Seen(id)
			default:
				in := tb.Add(id, up)
				if in != tb.Contains(id) {
					t.Fatalf("Add(%#x) = %v, Contains = %v", id, in, tb.Contains(id))
				}
			}
			checkTable(t, tb)
		}
		if tb.Add(tb.Owner(), nil) || tb.Contains(tb.Owner()) {
			t.Fatal("the owner was added to its own table")
		}
	}
}

// Kademlia keeps a live old node: a full bucket pings its least recently
// seen id and drops the newcomer if it answers, evicts it if not.
func TestEviction(t *testing.T) {
	tb := network.NewRoutingTable(0, 8, 2) // bucket 0: ids 0x80..0xff
	alive := map[network.NodeID]bool{0x80: true}
	ping := func(id network.NodeID) bool { return alive[id] }
	want := func(ids ...network.NodeID) {
		t.Helper()
		if got := tb.Bucket(0); !slices.Equal(got, ids) {
			t.Fatalf("bucket 0 = %#x, want %#x", got, ids)
		}
	}
	tb.Add(0x80, ping)
	tb.Add(0x81, ping)
	want(0x80, 0x81)
	if tb.Add(0x82, ping) { // 0x80 answers: it stays, now most recent
		t.Fatal("a newcomer displaced a live node")
	}
	want(0x81, 0x80)
	if !tb.Add(0x83, ping) { // 0x81 is down: evicted
		t.Fatal("a newcomer did not replace a dead node")
	}
	want(0x80, 0x83)
	if tb.Add(0x84, nil) { // nil: everyone answers
		t.Fatal("with alive nil a newcomer displaced an old node")
	}
	want(0x83, 0x80)
	if !tb.Add(0x83, ping) { // known: most recent, no ping
		t.Fatal("Add of a known id reported it absent")
	}
	want(0x80, 0x83)
	if !tb.Seen(0x80) || tb.Seen(0x85) {
		t.Fatal("Seen misreports which ids are known")
	}
	want(0x83, 0x80)
	if !tb.Remove(0x83) || tb.Remove(0x83) {
		t.Fatal("Remove misreports which ids are known")
	}
	want(0x80)
	if !tb.Add(0x85, ping) || tb.Len() != 2 {
		t.Fatal("a bucket with room refused an id")
	}
	checkTable(t, tb)
}

func bruteClosest(ids []network.NodeID, target network.NodeID, n int) []network.NodeID {
	s := slices.Clone(ids)
	slices.SortFunc(s, func(a, b network.NodeID) int {
		return cmpU(network.Distance(a, target), network.Distance(b, target))
	})
	return s[:min(n, len(s))]
}

func cmpU(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func tableIDs(tb *network.RoutingTable) []network.NodeID {
	var ids []network.NodeID
	for i := range tb.Bits() {
		ids = append(ids, tb.Bucket(i)...)
	}
	return ids
}

// Closest returns what sorting every id of the table by distance returns,
// and appends to dst without touching what dst holds.
func TestClosestMatchesBruteForce(t *testing.T) {
	for seed := range uint64(100) {
		r := rng(seed)
		width := []int{8, 16, 64}[r.IntN(3)]
		tb := network.NewRoutingTable(network.NewNodeID(r, width), width, 1+r.IntN(8))
		for range 300 {
			tb.Add(network.NewNodeID(r, width), nil)
		}
		ids := tableIDs(tb)
		targets := []network.NodeID{tb.Owner(), ids[r.IntN(len(ids))]}
		for range 20 {
			targets = append(targets, network.NewNodeID(r, width))
		}
		for _, target := range targets {
			for _, n := range []int{0, 1, 3, 20, len(ids), len(ids) + 5} {
				dst := []network.NodeID{7}
				got := tb.Closest(target, n, dst)
				if got[0] != 7 {
					t.Fatal("Closest overwrote dst")
				}
				if want := bruteClosest(ids, target, n); !slices.Equal(got[1:], want) {
					t.Fatalf("seed %d: Closest(%#x, %d) = %#x, want %#x", seed, target, n, got[1:], want)
				}
			}
		}
	}
}

// network is n nodes with full routing tables: each heard of every other
// once, in random order.
type testNet struct {
	ids    []network.NodeID
	tables map[network.NodeID]*network.RoutingTable
	dead   map[network.NodeID]bool
}

func newTestNet(r *rand.Rand, n, width, k int) *testNet {
	net := &testNet{tables: map[network.NodeID]*network.RoutingTable{}, dead: map[network.NodeID]bool{}}
	for len(net.ids) < n {
		id := network.NewNodeID(r, width)
		if net.tables[id] == nil {
			net.ids = append(net.ids, id)
			net.tables[id] = network.NewRoutingTable(id, width, k)
		}
	}
	order := slices.Clone(net.ids)
	for _, id := range net.ids {
		r.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, o := range order {
			net.tables[id].Add(o, nil)
		}
	}
	return net
}

func (net *testNet) table(id network.NodeID) *network.RoutingTable {
	if net.dead[id] {
		return nil
	}
	return net.tables[id]
}

func (net *testNet) live() []network.NodeID {
	var ids []network.NodeID
	for _, id := range net.ids {
		if !net.dead[id] {
			ids = append(ids, id)
		}
	}
	return ids
}

// reachable returns the live nodes reachable from start through the
// tables of live nodes.
func (net *testNet) reachable(start network.NodeID) []network.NodeID {
	seen := map[network.NodeID]bool{start: true}
	queue, out := []network.NodeID{start}, []network.NodeID{start}
	for len(queue) > 0 {
		tb := net.table(queue[0])
		queue = queue[1:]
		for _, id := range tableIDs(tb) {
			if !seen[id] && !net.dead[id] {
				seen[id] = true
				queue = append(queue, id)
				out = append(out, id)
			}
		}
	}
	return out
}

func checkLookup(t *testing.T, net *testNet, start, target network.NodeID, got []network.NodeID, k int) {
	t.Helper()
	if len(got) == 0 || len(got) > k {
		t.Fatalf("lookup of %#x from %#x returned %d nodes", target, start, len(got))
	}
	for i, id := range got {
		if net.dead[id] || net.tables[id] == nil {
			t.Fatalf("lookup returned %#x, which is not a live node", id)
		}
		if i > 0 && network.Distance(got[i-1], target) >= network.Distance(id, target) {
			t.Fatalf("lookup result is not sorted by distance: %#x", got)
		}
	}
	want := bruteClosest(net.reachable(start), target, 1)[0]
	if got[0] != want {
		t.Fatalf("lookup of %#x from %#x found %#x at distance %#x; closest live reachable is %#x at %#x",
			target, start, got[0], network.Distance(got[0], target), want, network.Distance(want, target))
	}
}

// From random starts, the lookup finds the true XOR-closest node of 500,
// as brute force does, in few queries. It usually finds exactly the k
// closest too, though that is not guaranteed: a node near the target may
// hold only k of a crowded bucket.
func TestLookupConverges(t *testing.T) {
	const n, k, alpha = 500, 20, 3
	for seed := range uint64(4) {
		r := rng(seed)
		width := []int{32, 64}[seed%2]
		net := newTestNet(r, n, width, k)
		var s network.Searcher
		var buf []network.NodeID
		total, exact := 0, 0
		for range 100 {
			start := net.ids[r.IntN(n)]
			target := network.NewNodeID(r, width)
			if r.IntN(10) == 0 {
				target = net.ids[r.IntN(n)] // a node's own id
			}
			var rounds, queries int
			buf, rounds, queries = s.Lookup(start, target, alpha, k, net.table, buf[:0])
			checkLookup(t, net, start, target, buf, k)
			if len(buf) != k {
				t.Fatalf("found %d nodes, want k = %d", len(buf), k)
			}
			if slices.Equal(buf, bruteClosest(net.ids, target, k)) {
				exact++
			}
			if rounds < 1 || queries < rounds || queries > rounds*k {
				t.Fatalf("%d rounds, %d queries", rounds, queries)
			}
			total += queries
		}
		if exact < 95 {
			t.Errorf("seed %d: %d of 100 lookups found exactly the k closest", seed, exact)
		}
		// The lookup ends having queried the k closest, and gets there
		// from the start's table in a few rounds of alpha.
		if mean := float64(total) / 100; mean > 2*k {
			t.Errorf("seed %d: %.1f queries per lookup among %d nodes, want under 2k", seed, mean, n)
		}
	}
}

// With stale tables (nodes died after the tables were filled and nobody
// noticed), the lookup still finds the closest live node it can reach,
// having queried dead ones on the way.
func TestLookupStaleTables(t *testing.T) {
	const n, k, alpha = 500, 20, 3
	failedQueries := 0
	for seed := range uint64(4) {
		r := rng(100 + seed)
		net := newTestNet(r, n, 32, k)
		table := func(id network.NodeID) *network.RoutingTable {
			tb := net.table(id)
			if tb == nil {
				failedQueries++
			}
			return tb
		}
		for _, id := range net.ids {
			if r.Float64() < 0.25 {
				net.dead[id] = true
			}
		}
		live := net.live()
		for range 100 {
			start := live[r.IntN(len(live))]
			target := network.NewNodeID(r, 32)
			got, _, _ := network.Lookup(start, target, alpha, k, table)
			checkLookup(t, net, start, target, got, k)
		}
	}
	if failedQueries == 0 {
		t.Fatal("no lookup queried a dead node: the tables were not stale")
	}
}

func TestLookupPanics(t *testing.T) {
	net := newTestNet(rng(1), 10, 16, 4)
	for _, fn := range []func(){
		func() { network.Lookup(net.ids[0], 1, 0, 4, net.table) },
		func() { network.Lookup(net.ids[0], 1, 3, 0, net.table) },
		func() { network.Lookup(12345, 1, 3, 4, net.table) }, // no such node
	} {
		func() {
			defer func() {
				if msg, _ := recover().(string); !strings.HasPrefix(msg, "network: Lookup: ") {
					t.Errorf("want a Lookup panic, got %q", msg)
				}
			}()
			fn()
		}()
	}
}

// A Searcher reuses its memory: a repeated lookup into a buffer with room
// allocates nothing.
func TestLookupAllocations(t *testing.T) {
	net := newTestNet(rng(2), 200, 32, 20)
	var s network.Searcher
	buf := make([]network.NodeID, 0, 20)
	lookup := func() { buf, _, _ = s.Lookup(net.ids[0], 0xdeadbeef, 3, 20, net.table, buf[:0]) }
	lookup()
	if a := testing.AllocsPerRun(20, lookup); a != 0 {
		t.Errorf("a reused lookup allocates %v times", a)
	}
}

func ExampleLookup() {
	const width, k = 16, 4
	ids := []network.NodeID{0x0001, 0x00f0, 0x0f00, 0x1234, 0x8000, 0x8001, 0xff00}
	tables := map[network.NodeID]*network.RoutingTable{}
	for _, id := range ids {
		tables[id] = network.NewRoutingTable(id, width, k)
	}
	for _, a := range ids {
		for _, b := range ids {
			tables[a].Add(b, nil)
		}
	}
	closest, rounds, queries := network.Lookup(0x0001, 0x8003, 3, 2, func(id network.NodeID) *network.RoutingTable { return tables[id] })
	fmt.Printf("%#04x in %d rounds, %d queries\n", closest, rounds, queries)
	fmt.Println("po:", network.ProximityOrder(0x8003, closest[0], width))
	// Output:
	// [0x8001 0x8000] in 1 rounds, 2 queries
	// po: 14
}
