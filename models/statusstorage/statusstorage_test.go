package statusstorage

// The tests run the model through gds jobs and check, at every recorded
// row, what the model's rules imply: the tokens conserved, the limits of
// storage and bandwidth, where a message is stored, the k-buckets and
// their upkeep, the escrow regimes and the payment split. Expectations
// come from the rules (the package doc, docs/models/status_storage.md),
// never from a run's output. The test is in package statusstorage to
// read the net graph's rows into Node and Entry and the pending
// population as []Pending; it calls nothing unexported of the model.

import (
	"context"
	"fmt"
	"math"
	"math/bits"
	"reflect"
	"slices"
	"sync"
	"testing"

	"github.com/statecraft/statecraft/gds"
)

// The PSUBs, as Row.Substep numbers them.
const (
	subOverlay = 1
	subTraffic = 2
	subSettle  = 3
	subMeasure = 4 // the last: the row DropSubsteps keeps
)

// ----------------------------------------------------------------- harness

// harness is the model with the slots of its variables, looked up once.
type harness struct {
	m          *gds.Model
	net, pend  int
	nodeFields []gds.FieldInfo
	edgeFields []gds.FieldInfo
	scalars    []gds.VarInfo // int, float and bool variables
	vecs       []gds.VarInfo
}

// nodeFieldNames and entryFieldNames are the columns of net's node and
// edge tables in the order of Node's and Entry's fields: the harness
// fills the structs field by field.
var (
	nodeFieldNames  = []string{"id", "storage", "stored", "inbound", "outbound", "availability", "online", "wallet", "earned", "routed", "stored_msgs", "in_traffic", "out_traffic", "defaulted"}
	entryFieldNames = []string{"po", "failures"}
)

func newHarness(t testing.TB) *harness {
	t.Helper()
	m, err := New()
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{m: m, net: -1, pend: -1}
	names := func(fs []gds.FieldInfo) []string {
		var out []string
		for _, f := range fs {
			out = append(out, f.Name)
		}
		return out
	}
	for _, v := range m.Vars() {
		switch {
		case v.Name == "net" && v.Kind == gds.KindGraph:
			h.net, h.nodeFields, h.edgeFields = v.Slot, v.Fields, v.EdgeFields
		case v.Name == "pending" && v.Kind == gds.KindAgents:
			h.pend = v.Slot
		case v.Kind == gds.KindInt || v.Kind == gds.KindFloat || v.Kind == gds.KindBool:
			h.scalars = append(h.scalars, v)
		case v.Kind == gds.KindVec:
			h.vecs = append(h.vecs, v)
		}
	}
	if h.net < 0 || h.pend < 0 {
		t.Fatal("no graph net or population pending")
	}
	if got := names(h.nodeFields); !slices.Equal(got, nodeFieldNames) || reflect.TypeFor[Node]().NumField() != len(got) {
		t.Fatalf("net's node fields are %v, want %v (Node's fields)", got, nodeFieldNames)
	}
	if got := names(h.edgeFields); !slices.Equal(got, entryFieldNames) || reflect.TypeFor[Entry]().NumField() != len(got) {
		t.Fatalf("net's edge fields are %v, want %v (Entry's fields)", got, entryFieldNames)
	}
	return h
}

// setup is a job's parameters: the defaults with these set.
type setup map[string]any

// with returns a copy of s with kv set as well.
func (s setup) with(kv setup) setup {
	out := setup{}
	for k, v := range s {
		out[k] = v
	}
	for k, v := range kv {
		out[k] = v
	}
	return out
}

func (h *harness) params(t testing.TB, kv setup) *gds.Params {
	t.Helper()
	p := h.m.Defaults()
	for k, v := range kv {
		if err := p.Set(k, v); err != nil {
			t.Fatal(err)
		}
	}
	return p
}

// cfg is what the checks need of a job's parameters.
type cfg struct {
	n, w, k                  int // nodes, id width (id_bits raised to fit), bucket size
	wallet, treasury0        float64
	routeShare, storeShare   float64
	delay                    int
	relaxed                  bool
	maxFailures, pings, refr int64
	maxSize                  float64
}

func (h *harness) config(t testing.TB, kv setup) cfg {
	t.Helper()
	p := h.params(t, kv)
	get := func(name string) any {
		v, ok := p.Get(name)
		if !ok {
			t.Fatalf("no parameter %s", name)
		}
		return v
	}
	c := cfg{
		n: int(get("nodes").(int64)), k: int(get("k").(int64)),
		wallet: get("initial_wallet").(float64), treasury0: get("starting_treasury").(float64),
		routeShare: get("route_share").(float64), storeShare: get("store_share").(float64),
		delay: int(get("prove_delay").(int64)), relaxed: get("relaxed_escrow").(bool),
		maxFailures: get("max_failures").(int64), pings: get("pings").(int64), refr: get("refresh").(int64),
		maxSize: get("max_size").(float64),
	}
	// ids have id_bits bits, raised until the id space holds four times
	// the nodes (the parameter's doc)
	c.w = int(get("id_bits").(int64))
	for c.w < 62 && 1<<c.w < 4*c.n {
		c.w++
	}
	return c
}

// routePay is a stored message's route share: its record holds the rest
// of the commitment, (1 − route_share) × commitment.
func (c cfg) routePay(x Pending) float64 { return x.Escrow * c.routeShare / (1 - c.routeShare) }

// storePart is the storer's part of what a proof pays: the store share
// of the commitment's part left after routing.
func (c cfg) storePart() float64 { return c.storeShare / (1 - c.routeShare) }

// tol is the rounding allowed in token sums.
func (c cfg) tol() float64 { return 1e-9 * (float64(c.n)*c.wallet + c.treasury0 + 1) }

// edgeRec is an edge of net: to is in from's routing table.
type edgeRec struct {
	from, to int
	Entry
}

// snap is one row, copied.
type snap struct {
	t, sub  int
	nodes   []Node
	edges   []edgeRec
	pending []Pending
	ints    map[string]int64
	floats  map[string]float64
	print   string // every value of the row, exactly: for determinism
}

func (s *snap) last() bool { return s.sub == subMeasure }

func (s *snap) where() string { return fmt.Sprintf("block %d substep %d", s.t, s.sub) }

// fill sets field f of every record of dst from the row's column f (the
// harness checked that the columns are the struct's fields in order).
func fill[T any](dst []T, fields []gds.FieldInfo, fl func(int) []float64, in func(int) []int64, bo func(int) []bool) {
	v := reflect.ValueOf(dst)
	for f, fi := range fields {
		switch fi.Kind {
		case gds.KindFloat:
			for k, x := range fl(f) {
				v.Index(k).Field(f).SetFloat(x)
			}
		case gds.KindInt:
			for k, x := range in(f) {
				v.Index(k).Field(f).SetInt(x)
			}
		case gds.KindBool:
			for k, x := range bo(f) {
				v.Index(k).Field(f).SetBool(x)
			}
		default:
			panic("field " + fi.Name + ": not a float, int or bool")
		}
	}
}

func (h *harness) snap(r *gds.Row, print bool) (*snap, error) {
	s := &snap{t: r.Timestep, sub: r.Substep, ints: map[string]int64{}, floats: map[string]float64{}}
	ids := r.AppendGraphNodes(nil, h.net)
	for k, id := range ids {
		if int(id) != k {
			return nil, fmt.Errorf("%s: alive nodes %v: the model never removes one", s.where(), ids)
		}
	}
	s.nodes = make([]Node, len(ids))
	fill(s.nodes, h.nodeFields,
		func(f int) []float64 { return r.AppendGraphFloats(nil, h.net, false, f) },
		func(f int) []int64 { return r.AppendGraphInts(nil, h.net, false, f) },
		func(f int) []bool { return r.AppendGraphBools(nil, h.net, false, f) })
	from, to, wt := r.AppendGraphEdges(nil, nil, nil, h.net)
	attrs := make([]Entry, len(from))
	fill(attrs, h.edgeFields,
		func(f int) []float64 { return r.AppendGraphFloats(nil, h.net, true, f) },
		func(f int) []int64 { return r.AppendGraphInts(nil, h.net, true, f) },
		func(f int) []bool { return r.AppendGraphBools(nil, h.net, true, f) })
	s.edges = make([]edgeRec, len(from))
	for k := range from {
		s.edges[k] = edgeRec{int(from[k]), int(to[k]), attrs[k]}
	}
	if nn, ne := r.GraphCounts(h.net); nn != len(ids) || ne != len(from) {
		return nil, fmt.Errorf("%s: GraphCounts %d nodes, %d edges; the rows hold %d, %d", s.where(), nn, ne, len(ids), len(from))
	}
	s.pending = slices.Clone(r.Agents(h.pend).([]Pending))
	for _, v := range h.scalars {
		switch v.Kind {
		case gds.KindInt:
			s.ints[v.Name] = r.Ints()[v.Slot]
		case gds.KindFloat:
			s.floats[v.Name] = r.Floats()[v.Slot]
		}
	}
	if print {
		vecs := make([][]float64, len(h.vecs))
		for k, v := range h.vecs {
			vecs[k] = slices.Clone(r.Vec(v.Slot))
		}
		// %v prints a float64 in the shortest form that reads back as
		// the same number: equal prints are equal values
		s.print = fmt.Sprint(r.Timestep, r.Substep, r.Floats(), r.Ints(), r.Bools(), vecs, s.nodes, s.edges, wt, s.pending)
	}
	return s, nil
}

// run runs a job of blocks timesteps on engine e (nil: a new one), every
// substep recorded unless lastOnly, and calls fn with every row; an error
// from fn stops the run and is returned.
func (h *harness) run(t testing.TB, e *gds.Engine, kv setup, blocks int, seed uint64, lastOnly, print bool, fn func(*snap) error) error {
	t.Helper()
	if e == nil {
		e = h.m.NewEngine()
	}
	job := &gds.Job{Run: 1, Timesteps: blocks, Params: h.params(t, kv), Seed: [2]uint64{seed, 0x5eed}, Schedule: gds.Schedule{DropSubsteps: lastOnly}}
	return e.Run(context.Background(), job, rowFunc(func(r *gds.Row) error {
		s, err := h.snap(r, print)
		if err != nil {
			return err
		}
		return fn(s)
	}))
}

type rowFunc func(*gds.Row) error

func (f rowFunc) Record(r *gds.Row) error { return f(r) }

// check runs a job and fails the test with the first broken rule.
func (h *harness) check(t *testing.T, kv setup, blocks int, seed uint64, lastOnly bool, fn func(*snap) error) {
	t.Helper()
	if err := h.run(t, nil, kv, blocks, seed, lastOnly, false, fn); err != nil {
		t.Fatalf("seed %d: %v", seed, err)
	}
}

// all runs every check on the row, in order, and returns the first error.
func all(checks ...func(*snap) error) func(*snap) error {
	return func(s *snap) error {
		for _, c := range checks {
			if err := c(s); err != nil {
				return fmt.Errorf("%s: %w", s.where(), err)
			}
		}
		return nil
	}
}

// seeds returns the seeds 1..n, only the first under the race detector.
func seeds(n int) []uint64 {
	if raceEnabled {
		n = 1
	}
	out := make([]uint64, n)
	for k := range out {
		out[k] = uint64(k + 1)
	}
	return out
}

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

// ones is a vector of four xs: a value for each of the original's nodes.
func ones(x float64) []float64 { return []float64{x, x, x, x} }

// ample makes storage and bandwidth unlimited in practice, and wallets
// that never run out.
var ample = setup{
	"storage": ones(1e12), "inbound": ones(1e12), "outbound": ones(1e12),
	"gen_storage": 1e12, "gen_inbound": 1e12, "gen_outbound": 1e12, "initial_wallet": 1e9,
}

// alwaysOn makes every node's availability 1: the four's vector, and the
// generated ones' mean 2 so that mean ± 0.15 clamps to 1.
var alwaysOn = setup{"availability": ones(1), "gen_availability": 2.0}

// -------------------------------------------------------------- the ledger

// ledger follows the stored messages through the rows at the end of each
// block: the messages stored in block T are the pending records that
// were not pending before, and each is settled in its due block. It
// checks the counters against the records.
type ledger struct {
	c           cfg
	byDue       map[int][]Pending // stored, not yet due
	prev, fresh []Pending         // pending at the previous block; stored in the last one
	stored, due int64
	routePaid   float64   // Σ route shares of the stored messages
	dueEscrow   float64   // Σ what is left of the commitments due so far
	dueAt       []float64 // by storer, Σ the escrow of its messages due so far
	sizeAt      []float64 // by storer, Σ the sizes of the messages it stores
	countAt     []int64   // by storer, the messages it stores
	delivered   int64     // the counter at the previous block
}

func newLedger(c cfg) *ledger {
	return &ledger{c: c, byDue: map[int][]Pending{}, dueAt: make([]float64, c.n), sizeAt: make([]float64, c.n), countAt: make([]int64, c.n)}
}

// block takes the row at the end of a block T >= 1: the pending records
// are those of the block before not yet due, unchanged and in order,
// then the messages stored in the block, due prove_delay blocks later.
func (l *ledger) block(s *snap) error {
	T, d := s.t, l.c.delay
	kept := 0
	for _, x := range l.prev {
		if x.DueAt <= int64(T) {
			continue
		}
		if kept >= len(s.pending) || s.pending[kept] != x {
			return fmt.Errorf("pending record %d is not %+v, pending since before and not yet due", kept, x)
		}
		kept++
	}
	l.fresh = append(l.fresh[:0], s.pending[kept:]...)
	for _, x := range l.fresh {
		if x.DueAt != int64(T+d) {
			return fmt.Errorf("message %+v stored in block %d, due at %d (prove_delay %d)", x, T, x.DueAt, d)
		}
	}
	l.prev = append(l.prev[:0], s.pending...)
	for _, x := range l.byDue[T] {
		l.due++
		l.dueEscrow += x.Escrow
		l.dueAt[x.Storer] += x.Escrow
	}
	delete(l.byDue, T)
	for _, x := range l.fresh {
		if x.Sender < 0 || x.Sender >= l.c.n || x.Storer < 0 || x.Storer >= l.c.n {
			return fmt.Errorf("message %+v: sender or storer not a node", x)
		}
		if x.Size < 1 || x.Size > max(1, math.Floor(l.c.maxSize)) || x.Size != math.Trunc(x.Size) {
			return fmt.Errorf("message %+v: size not in 1..max_size", x)
		}
		if !(x.Escrow > 0) || x.Hops < 0 || x.Distance < 0 || x.Distance >= 1 {
			return fmt.Errorf("message %+v: escrow, hops or distance out of range", x)
		}
		l.stored++
		l.routePaid += l.c.routePay(x)
		l.sizeAt[x.Storer] += x.Size
		l.countAt[x.Storer]++
	}
	l.byDue[T+d] = slices.Clone(l.fresh)
	if got := s.ints["delivered"] - l.delivered; got != int64(len(l.fresh)) {
		return fmt.Errorf("delivered rose by %d, %d messages were stored", got, len(l.fresh))
	}
	l.delivered = s.ints["delivered"]
	if got := s.ints["proved"] + s.ints["unproved"] + s.ints["unpaid"]; got != l.due {
		return fmt.Errorf("proved + unproved + unpaid = %d, %d messages were due", got, l.due)
	}
	if got := s.ints["delivered"] - l.due; got != int64(len(s.pending)) {
		return fmt.Errorf("%d pending, delivered - due = %d", len(s.pending), got)
	}
	return nil
}

// every returns a check of the ledger at the rows that end a block.
func (l *ledger) every() func(*snap) error {
	return func(s *snap) error {
		if s.t == 0 || !s.last() {
			return nil
		}
		return l.block(s)
	}
}

// ------------------------------------------------------------- the checks

// tokens checks the token accounting at every row: Σ wallets + escrow +
// treasury is the nodes' initial wallets and the starting treasury; no
// holder is negative; the treasury is the starting treasury and the
// taxes and penalties in less the subsidies out; earnings only grow and,
// at the end of a block, are at most what the stored messages paid out
// (route shares at delivery, the escrow of those due less taxes and
// penalties plus subsidies; less when a proof fails or a sender
// defaults). l must be checked first (all(l.every(), tokens(...))).
func tokens(c cfg, l *ledger) func(*snap) error {
	var prev []float64
	return func(s *snap) error {
		if s.t == 0 {
			// the network is built at block 1: the initial row is empty
			if len(s.nodes) != 0 || s.floats["treasury"] != 0 || s.floats["escrow"] != 0 || len(s.pending) != 0 {
				return fmt.Errorf("initial row: %d nodes, treasury %v, escrow %v, %d pending", len(s.nodes), s.floats["treasury"], s.floats["escrow"], len(s.pending))
			}
			return nil
		}
		if len(s.nodes) != c.n {
			return fmt.Errorf("%d nodes, want %d", len(s.nodes), c.n)
		}
		tol := c.tol()
		var wallets, earned float64
		for i, nd := range s.nodes {
			if nd.Wallet < -tol {
				return fmt.Errorf("node %d's wallet %v < 0", i, nd.Wallet)
			}
			if prev != nil && nd.Earned < prev[i]-tol {
				return fmt.Errorf("node %d's earnings fell from %v to %v", i, prev[i], nd.Earned)
			}
			wallets += nd.Wallet
			earned += nd.Earned
		}
		prev = prev[:0]
		for _, nd := range s.nodes {
			prev = append(prev, nd.Earned)
		}
		tr, esc := s.floats["treasury"], s.floats["escrow"]
		t0 := c.treasury0
		want := float64(c.n)*c.wallet + t0
		if got := wallets + esc + tr; !near(got, want, tol) {
			return fmt.Errorf("Σ wallets %v + escrow %v + treasury %v = %v, want %d × %v + %v = %v (off by %g)",
				wallets, esc, tr, got, c.n, c.wallet, t0, want, got-want)
		}
		if esc < -tol || tr < -tol {
			return fmt.Errorf("escrow %v, treasury %v: negative", esc, tr)
		}
		taxes, pens, subs := s.floats["taxes"], s.floats["penalties"], s.floats["subsidies"]
		if taxes < -tol || pens < -tol || subs < -tol {
			return fmt.Errorf("taxes %v, penalties %v, subsidies %v: negative", taxes, pens, subs)
		}
		if want := t0 + taxes + pens - subs; !near(tr, want, tol) {
			return fmt.Errorf("treasury %v, want starting %v + taxes %v + penalties %v - subsidies %v = %v", tr, t0, taxes, pens, subs, want)
		}
		if s.last() {
			if out := l.routePaid + l.dueEscrow - taxes - pens + subs; earned > out+tol {
				return fmt.Errorf("Σ earned %v > paid out %v (route %v + escrow due %v - taxes - penalties + subsidies)", earned, out, l.routePaid, l.dueEscrow)
			}
		}
		return nil
	}
}

// limits checks storage and bandwidth at every row: no node stores more
// than its storage or moves more than its inbound and outbound bandwidth
// in a block; every hop is out of one node and into another (Σ in = Σ
// out); the counters restart each block; and at the end of a block a
// node's stored space and message count are those of the messages it
// stores. l must be checked first.
func limits(c cfg, l *ledger) func(*snap) error {
	return func(s *snap) error {
		if s.t == 0 {
			return nil
		}
		var in, out float64
		for i, nd := range s.nodes {
			eps := 1e-9 * (1 + nd.Storage + nd.Inbound + nd.Outbound)
			if nd.Stored > nd.Storage+eps || nd.InTraffic > nd.Inbound+eps || nd.OutTraffic > nd.Outbound+eps {
				return fmt.Errorf("node %d: stored %v of %v, in %v of %v, out %v of %v", i, nd.Stored, nd.Storage, nd.InTraffic, nd.Inbound, nd.OutTraffic, nd.Outbound)
			}
			if nd.Stored < 0 || nd.InTraffic < 0 || nd.OutTraffic < 0 {
				return fmt.Errorf("node %d: stored %v, in %v, out %v: negative", i, nd.Stored, nd.InTraffic, nd.OutTraffic)
			}
			if s.sub == subOverlay && s.t >= 2 && (nd.InTraffic != 0 || nd.OutTraffic != 0) {
				return fmt.Errorf("node %d: traffic in %v, out %v before the block's messages", i, nd.InTraffic, nd.OutTraffic)
			}
			in, out = in+nd.InTraffic, out+nd.OutTraffic
			if s.last() {
				if !near(nd.Stored, l.sizeAt[i], 1e-9*(1+nd.Stored)) || nd.StoredMsgs != l.countAt[i] {
					return fmt.Errorf("node %d: stored %v in %d messages; it was sent %v in %d", i, nd.Stored, nd.StoredMsgs, l.sizeAt[i], l.countAt[i])
				}
			}
		}
		if !near(in, out, 1e-9*(1+in)) {
			return fmt.Errorf("Σ in_traffic %v != Σ out_traffic %v", in, out)
		}
		return nil
	}
}

// key returns the key of a stored message: its record's distance is
// XOR(storer id, key) / 2^bits, exact in a float64 for ids of up to 53
// bits.
func key(c cfg, storer Node, x Pending) (uint64, error) {
	d := x.Distance * math.Ldexp(1, c.w)
	if d != math.Trunc(d) || d < 0 || d >= math.Ldexp(1, c.w) {
		return 0, fmt.Errorf("message %+v: distance × 2^%d = %v, not an XOR distance", x, c.w, d)
	}
	return uint64(storer.ID) ^ uint64(d), nil
}

// routing checks where the messages stored in each block went, from the
// row at its end (the routing tables and who is online change only in
// the overlay PSUB, so that row is the network the messages saw): the
// sender and the storer are online, and the storer is closer to the key
// than every online node in its routing table (a message goes to the
// closest node it can reach, and one a closer node exists for but not
// the bandwidth is dropped). With global, every node is in every routing
// table, online and with bandwidth: the storer is the closest node of
// the whole network, reached in one hop. l must be checked first.
func routing(c cfg, l *ledger, global bool) func(*snap) error {
	return func(s *snap) error {
		if s.t == 0 || !s.last() {
			return nil
		}
		out := make([][]int, len(s.nodes))
		for _, e := range s.edges {
			out[e.from] = append(out[e.from], e.to)
		}
		for _, x := range l.fresh {
			st := s.nodes[x.Storer]
			k, err := key(c, st, x)
			if err != nil {
				return err
			}
			if !s.nodes[x.Sender].Online || !st.Online {
				return fmt.Errorf("message %+v: sender online %v, storer online %v", x, s.nodes[x.Sender].Online, st.Online)
			}
			d := uint64(st.ID) ^ k
			if x.Hops < 64 { // the route's length limit
				for _, v := range out[x.Storer] {
					if s.nodes[v].Online && uint64(s.nodes[v].ID)^k < d {
						return fmt.Errorf("message %+v (key %d) stored at node %d (id %d, distance %d), but its entry %d (id %d, distance %d) is online and closer",
							x, k, x.Storer, st.ID, d, v, s.nodes[v].ID, uint64(s.nodes[v].ID)^k)
					}
				}
			}
			if !global {
				continue
			}
			best := 0
			for i, nd := range s.nodes {
				if uint64(nd.ID)^k < uint64(s.nodes[best].ID)^k {
					best = i
				}
			}
			if x.Storer != best {
				return fmt.Errorf("message %+v (key %d) stored at node %d (id %d), the closest is node %d (id %d)", x, k, x.Storer, st.ID, best, s.nodes[best].ID)
			}
			if want := min(int64(1), int64(abs(x.Sender-x.Storer))); x.Hops != want {
				return fmt.Errorf("message %+v: %d hops with every node in every table, want %d", x, x.Hops, want)
			}
		}
		return nil
	}
}

func abs(x int) int { return max(x, -x) }

// testPO is the proximity order of two distinct ids of width w, computed
// here: the bits their binary forms share from the top.
func testPO(a, b int64, w int) int64 { return int64(w - bits.Len64(uint64(a^b))) }

// buckets checks the routing tables at every row: ids distinct and of w
// bits; no self-edges; every entry's po the proximity order of its ids;
// at most k entries per bucket; no entry with max_failures failures. At
// block 1 every node has heard of every other (a network of at most 8k +
// 1 nodes): each bucket holds min(k, the nodes of its proximity order).
// From block to block only the overlay's rules change a table: an online
// node pings at most pings entries (an answer resets the entry's
// failures, a miss adds one, and max_failures in a row evict it) and
// learns of at most refresh online nodes, which join with no failures.
func buckets(c cfg) func(*snap) error {
	var prev *snap
	return func(s *snap) error {
		if s.t == 0 {
			return nil
		}
		seen := map[int64]bool{}
		for i, nd := range s.nodes {
			if nd.ID < 0 || nd.ID >= 1<<c.w || seen[nd.ID] {
				return fmt.Errorf("node %d: id %d repeated or not of %d bits", i, nd.ID, c.w)
			}
			seen[nd.ID] = true
		}
		type bucket struct {
			u  int
			po int64
		}
		fill := map[bucket]int{}
		tables := make([]map[int]Entry, len(s.nodes))
		for u := range tables {
			tables[u] = map[int]Entry{}
		}
		for _, e := range s.edges {
			if e.from == e.to || e.to < 0 || e.to >= len(s.nodes) {
				return fmt.Errorf("edge %d→%d", e.from, e.to)
			}
			if want := testPO(s.nodes[e.from].ID, s.nodes[e.to].ID, c.w); e.PO != want {
				return fmt.Errorf("edge %d→%d (ids %d, %d): po %d, want %d", e.from, e.to, s.nodes[e.from].ID, s.nodes[e.to].ID, e.PO, want)
			}
			if e.Failures < 0 || e.Failures >= c.maxFailures {
				return fmt.Errorf("edge %d→%d: %d failures, evicted at %d", e.from, e.to, e.Failures, c.maxFailures)
			}
			b := bucket{e.from, e.PO}
			if fill[b]++; fill[b] > c.k {
				return fmt.Errorf("node %d's bucket %d holds %d > k = %d entries", e.from, e.PO, fill[b], c.k)
			}
			tables[e.from][e.to] = e.Entry
		}
		if s.t == 1 && c.n-1 <= 8*c.k {
			for u := range s.nodes {
				of := map[int64]int{}
				for v := range s.nodes {
					if v != u {
						of[testPO(s.nodes[u].ID, s.nodes[v].ID, c.w)]++
					}
				}
				for b, m := range of {
					if got := fill[bucket{u, b}]; got != min(c.k, m) {
						return fmt.Errorf("block 1: node %d's bucket %d holds %d entries of %d nodes, k = %d", u, b, got, m, c.k)
					}
				}
			}
		}
		if s.t == 1 {
			for u, nd := range s.nodes {
				if !nd.Online {
					return fmt.Errorf("block 1: node %d offline", u)
				}
			}
		}
		if !s.last() {
			return nil
		}
		defer func() { prev = s }()
		if prev == nil || prev.t != s.t-1 || s.t < 2 {
			return nil
		}
		before := make([]map[int]Entry, len(s.nodes))
		for u := range before {
			before[u] = map[int]Entry{}
		}
		for _, e := range prev.edges {
			before[e.from][e.to] = e.Entry
		}
		for u, nd := range s.nodes {
			// pings: each answered one resets an entry, each missed one
			// adds a failure (an entry may be pinged twice in a block)
			pinged, added := int64(0), int64(0)
			for v, was := range before[u] {
				now, kept := tables[u][v]
				on := s.nodes[v].Online
				switch {
				case !nd.Online && (!kept || now != was):
					return fmt.Errorf("offline node %d's entry %d went from %+v to %+v (kept %v)", u, v, was, now, kept)
				case !kept:
					if on || was.Failures+c.pings < c.maxFailures {
						return fmt.Errorf("node %d evicted entry %d (online %v, %d failures before, max %d, pings %d)", u, v, on, was.Failures, c.maxFailures, c.pings)
					}
					pinged += c.maxFailures - was.Failures
				case now != was:
					if on && now.Failures != 0 || !on && now.Failures <= was.Failures || now.PO != was.PO {
						return fmt.Errorf("node %d's entry %d (online %v) went from %+v to %+v", u, v, on, was, now)
					}
					pinged += max(1, now.Failures-was.Failures)
				}
				// a table of one entry: every ping is of it
				if nd.Online && len(before[u]) == 1 && c.pings > 0 {
					want := Entry{PO: was.PO}
					if !on {
						want.Failures = was.Failures + c.pings
					}
					if evict := want.Failures >= c.maxFailures; evict == kept || kept && now != want {
						return fmt.Errorf("node %d's only entry %d (online %v) went from %+v to %+v (kept %v) after %d pings", u, v, on, was, now, kept, c.pings)
					}
				}
			}
			for v, now := range tables[u] {
				if _, ok := before[u][v]; ok {
					continue
				}
				if !nd.Online || !s.nodes[v].Online || now.Failures != 0 {
					return fmt.Errorf("node %d (online %v) learnt entry %d (online %v) with %d failures", u, nd.Online, v, s.nodes[v].Online, now.Failures)
				}
				added++
			}
			if pinged > c.pings || added > c.refr {
				return fmt.Errorf("node %d: changes needing %d pings (pings %d), %d entries learnt (refresh %d)", u, pinged, c.pings, added, c.refr)
			}
		}
		return nil
	}
}

// escrow checks the escrow regimes at every row. Strict: the escrow
// holds what is left of every pending message's commitment, nothing is
// owed, no sender defaults. Relaxed: the store and prove shares are
// locked at the proof and paid out in the same PSUB, so the escrow is
// empty at every row; what the pending messages will cost their senders
// is owed, and is positive while any message is pending.
func escrow(c cfg) func(*snap) error {
	return func(s *snap) error {
		if s.t == 0 {
			return nil
		}
		var pend float64
		for _, x := range s.pending {
			pend += x.Escrow
		}
		tol := c.tol()
		esc, owed := s.floats["escrow"], s.floats["owed"]
		if !c.relaxed {
			if !near(esc, pend, tol) || owed != 0 {
				return fmt.Errorf("strict escrow: escrow %v, owed %v, pending escrow %v", esc, owed, pend)
			}
			if s.ints["unpaid"] != 0 {
				return fmt.Errorf("strict escrow: %d unpaid", s.ints["unpaid"])
			}
			for i, nd := range s.nodes {
				if nd.Defaulted {
					return fmt.Errorf("strict escrow: node %d defaulted", i)
				}
			}
			return nil
		}
		if !near(esc, 0, tol) || !near(owed, pend, tol) {
			return fmt.Errorf("relaxed escrow: escrow %v, owed %v, pending escrow %v", esc, owed, pend)
		}
		if len(s.pending) > 0 && !(owed > 0) {
			return fmt.Errorf("relaxed escrow: %d pending, owed %v", len(s.pending), owed)
		}
		return nil
	}
}

// defaults checks, under relaxed escrow and from every substep's row,
// who pays and who defaults when the route is posted. In the traffic
// PSUB a sender's wallet pays only the route shares of its messages:
// what it paid is its earnings' rise less its wallet's (it earns its own
// share as the first hop). A sender that had defaulted before sends
// nothing; one that defaults now could not pay the route share with what
// its wallet had left, so (with every commitment the same, cost) its
// wallet before less what it paid is below a route share. And, messages
// all of size 1, a message the closest node had no room for means some
// node is full at the end of the block.
func defaults(c cfg, cost float64) func(*snap) error {
	var before *snap
	var failed int64
	return func(s *snap) error {
		if s.t == 0 {
			return nil
		}
		switch s.sub {
		case subOverlay:
			before = s
		case subTraffic:
			tol := 1e-9 * (1 + c.wallet)
			for i, nd := range s.nodes {
				was := before.nodes[i]
				paid := (nd.Earned - was.Earned) - (nd.Wallet - was.Wallet)
				switch {
				case was.Defaulted && !near(paid, 0, tol):
					return fmt.Errorf("node %d defaulted before, and paid %v for routes", i, paid)
				case !was.Defaulted && nd.Defaulted && was.Wallet-paid >= c.routeShare*cost+tol:
					return fmt.Errorf("node %d defaulted with %v tokens left (wallet %v, paid %v), a route share is %v",
						i, was.Wallet-paid, was.Wallet, paid, c.routeShare*cost)
				}
			}
		case subMeasure:
			if c.maxSize == 1 && s.ints["failed_capacity"] > failed {
				full := false
				for _, nd := range s.nodes {
					full = full || nd.Stored+1 > nd.Storage
				}
				if !full {
					return fmt.Errorf("failed_capacity rose from %d to %d, every node has room for a message", failed, s.ints["failed_capacity"])
				}
			}
			failed = s.ints["failed_capacity"]
		}
		return nil
	}
}

// ------------------------------------------------------------------ tests

// TestTokensConserved: every payment moves tokens between wallets, the
// escrow and the treasury, so their sum is the initial wallets and the
// starting treasury at every row, substeps included, from block 1 (the
// network and the treasury open then); no holder goes negative and the earnings
// never exceed what the messages paid out.
func TestTokensConserved(t *testing.T) {
	h := newHarness(t)
	type tc struct {
		name   string
		kv     setup
		blocks int
	}
	var cases []tc
	for _, relaxed := range []bool{false, true} {
		for _, t0 := range []float64{0, 1000} {
			for _, size := range []struct {
				n, blocks int
			}{{4, 150}, {200, 30}} {
				cases = append(cases, tc{fmt.Sprintf("relaxed=%v/treasury=%v/nodes=%d", relaxed, t0, size.n),
					setup{"relaxed_escrow": relaxed, "starting_treasury": t0, "nodes": size.n}, size.blocks})
			}
		}
		// wallets that run out: refusals, defaults
		cases = append(cases, tc{fmt.Sprintf("relaxed=%v/treasury=1000/wallet=5", relaxed),
			setup{"relaxed_escrow": relaxed, "starting_treasury": 1000.0, "initial_wallet": 5.0, "messages_per_node": 1.0}, 150})
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := h.config(t, tc.kv)
			for _, seed := range seeds(3) {
				l := newLedger(c)
				h.check(t, tc.kv, tc.blocks, seed, false, all(l.every(), tokens(c, l)))
			}
		})
	}
}

// TestCapacityAndBandwidth: under load that makes both limits bind, no
// node ever stores more than its storage or moves more than its
// bandwidth in a block.
func TestCapacityAndBandwidth(t *testing.T) {
	h := newHarness(t)
	cases := []struct {
		name   string
		kv     setup
		blocks int
	}{
		{"4 nodes", setup{"messages_per_node": 2.0}, 200},
		{"4 nodes relaxed", setup{"messages_per_node": 2.0, "relaxed_escrow": true}, 200},
		{"200 nodes", setup{"nodes": 200, "messages_per_node": 2.0, "gen_storage": 300.0, "gen_inbound": 100.0, "gen_outbound": 60.0}, 60},
		{"200 nodes relaxed", setup{"nodes": 200, "messages_per_node": 2.0, "gen_storage": 300.0, "relaxed_escrow": true}, 60},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := h.config(t, tc.kv)
			for _, seed := range seeds(2) {
				l := newLedger(c)
				var fb, fc int64
				h.check(t, tc.kv, tc.blocks, seed, false, all(l.every(), limits(c, l), func(s *snap) error {
					fb, fc = s.ints["failed_bandwidth"], s.ints["failed_capacity"]
					return nil
				}))
				if fb == 0 || fc == 0 {
					t.Fatalf("seed %d: failed_bandwidth %d, failed_capacity %d: the limits never bound", seed, fb, fc)
				}
			}
		})
	}
}

// TestRouting: a message is stored at the closest node its sender's
// route can reach; with every node in every table, all online and
// bandwidth and storage ample, that is the closest node of the network,
// every message is delivered and none fails.
func TestRouting(t *testing.T) {
	h := newHarness(t)
	// 30 nodes, k = 29: at most 29 others share a bucket, so every table
	// holds every node (n − 1 <= 8k: all are heard of at block 1)
	full := ample.with(alwaysOn).with(setup{"nodes": 30, "k": 29, "messages_per_node": 1.0})
	cases := []struct {
		name   string
		kv     setup
		global bool // every table full, everyone online, bandwidth ample
		blocks int
	}{
		{"30 full tables", full, true, 40},
		{"30 full tables relaxed", full.with(setup{"relaxed_escrow": true}), true, 40},
		{"30 full tables 20 id bits", full.with(setup{"id_bits": 20}), true, 40},
		{"4 nodes", setup{"messages_per_node": 2.0}, false, 200},
		{"200 nodes", setup{"nodes": 200, "messages_per_node": 1.0}, false, 40},
		{"200 nodes ample", ample.with(setup{"nodes": 200, "messages_per_node": 1.0, "k": 4}), false, 40},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := h.config(t, tc.kv)
			for _, seed := range seeds(3) {
				l := newLedger(c)
				var last *snap
				h.check(t, tc.kv, tc.blocks, seed, true, all(l.every(), routing(c, l, tc.global), func(s *snap) error {
					if tc.global && s.t > 0 && len(s.edges) != c.n*(c.n-1) {
						return fmt.Errorf("%d routing-table entries, want every node in every table: %d", len(s.edges), c.n*(c.n-1))
					}
					last = s
					return nil
				}))
				if l.stored == 0 {
					t.Fatalf("seed %d: no message stored", seed)
				}
				fb, fc := last.ints["failed_bandwidth"], last.ints["failed_capacity"]
				if tc.global {
					if fb != 0 || fc != 0 || last.ints["refused"] != 0 || last.floats["delivery_rate"] != 1 || last.ints["sent"] != l.stored {
						t.Fatalf("seed %d: sent %d, delivered %d, delivery_rate %v, failed bandwidth %d, capacity %d, refused %d",
							seed, last.ints["sent"], last.ints["delivered"], last.floats["delivery_rate"], fb, fc, last.ints["refused"])
					}
				}
				if _, ok := tc.kv["gen_inbound"]; ok && fb != 0 {
					t.Fatalf("seed %d: %d messages failed for bandwidth with bandwidth ample", seed, fb)
				}
			}
		})
	}
}

// TestKBuckets: the routing tables keep Kademlia's rules at every row,
// and their upkeep follows the overlay's: with nodes offline half the
// time and eviction at the first missed ping, entries are evicted and
// refresh adds entries back.
func TestKBuckets(t *testing.T) {
	h := newHarness(t)
	flaky := setup{"nodes": 30, "k": 29, "availability": ones(0.5), "gen_availability": 0.5, "max_failures": 1}
	const (
		maybe = iota
		yes
		no
	)
	cases := []struct {
		name   string
		kv     setup
		blocks int
		// what the run must show: an entry evicted, an entry of block 1
		// evicted and learnt again, an entry learnt
		evicts, refills, grows int
	}{
		{"4 nodes", setup{}, 150, maybe, maybe, maybe},
		// one entry per table: each ping is of it
		{"2 nodes", setup{"nodes": 2, "availability": ones(0.5)}, 150, yes, yes, yes},
		{"2 nodes pings 2", setup{"nodes": 2, "availability": ones(0.5), "pings": 2, "max_failures": 5}, 150, yes, yes, yes},
		{"30 nodes k=4", setup{"nodes": 30, "k": 4}, 60, maybe, maybe, maybe},
		{"200 nodes", setup{"nodes": 200}, 30, maybe, maybe, yes}, // tables not full: refresh adds
		{"200 nodes k=2 pings 3", setup{"nodes": 200, "k": 2, "pings": 3, "refresh": 3}, 40, maybe, maybe, maybe},
		{"flaky evicts and refreshes", flaky, 60, yes, yes, yes},
		{"flaky pings 3", flaky.with(setup{"pings": 3}), 60, yes, yes, yes},
		{"flaky no refresh", flaky.with(setup{"refresh": 0}), 60, yes, no, no},
		{"flaky never evicts", flaky.with(setup{"max_failures": 1_000_000, "refresh": 0}), 60, no, no, no},
	}
	is := func(want int, got bool) bool { return want == maybe || (want == yes) == got }
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := h.config(t, tc.kv)
			for _, seed := range seeds(3) {
				var first int
				var initial, prev map[[2]int]bool // the entries at block 1, at the block before
				var dropped, refilled, grew, atK bool
				h.check(t, tc.kv, tc.blocks, seed, false, all(buckets(c), func(s *snap) error {
					if s.t == 0 || !s.last() {
						return nil
					}
					now := map[[2]int]bool{}
					for _, e := range s.edges {
						now[[2]int{e.from, e.to}] = true
					}
					if s.t == 1 {
						first, initial = len(s.edges), now
					}
					for e := range prev {
						dropped = dropped || !now[e]
					}
					for e := range now {
						if prev != nil && !prev[e] {
							grew = true
							refilled = refilled || initial[e] // evicted since block 1, and back
						}
					}
					prev = now
					count := len(s.edges)
					if c.refr == 0 && count > first {
						return fmt.Errorf("%d entries, %d at block 1, with no refresh", count, first)
					}
					if c.maxFailures > int64(tc.blocks)*c.pings && count < first {
						return fmt.Errorf("%d entries, %d at block 1: an entry evicted before max_failures pings", count, first)
					}
					per := map[[2]int64]int{}
					for _, e := range s.edges {
						per[[2]int64{int64(e.from), e.PO}]++
						atK = atK || per[[2]int64{int64(e.from), e.PO}] == c.k
					}
					return nil
				}))
				if !is(tc.evicts, dropped) || !is(tc.refills, refilled) || !is(tc.grows, grew) {
					t.Fatalf("seed %d: evicted %v, refilled %v, grew %v; want (1 yes, 2 no) %d, %d, %d", seed, dropped, refilled, grew, tc.evicts, tc.refills, tc.grows)
				}
				if c.k <= 4 && !atK {
					t.Fatalf("seed %d: no bucket ever full with k = %d: the bound was not tested", seed, c.k)
				}
			}
		})
	}
}

// TestEscrow: strict against relaxed escrow. Strict keeps the pending
// commitments in the escrow and owes nothing; relaxed keeps the escrow
// empty and owes the pending ones. With wallets too small, relaxed
// senders default (unpaid messages, and their later messages refused)
// while strict ones are refused at send and nothing goes unpaid.
func TestEscrow(t *testing.T) {
	h := newHarness(t)
	// every commitment the same: messages of size 1, cost factor 1
	c1 := 0.034 + 0.51
	unit := setup{"max_size": 1.0, "utility_cost_volatility": 0.0}
	rich := setup{"initial_wallet": 1e6}
	cases := []struct {
		name   string
		kv     setup
		blocks int
		cost   float64 // each message's commitment, if the same for all (0: not)
		poor   bool    // wallets run out
	}{
		{"strict 4 nodes", rich, 150, 0, false},
		{"relaxed 4 nodes", rich.with(setup{"relaxed_escrow": true}), 150, 0, false},
		{"strict 200 nodes", rich.with(setup{"nodes": 200}), 40, 0, false},
		{"relaxed 200 nodes", rich.with(setup{"nodes": 200, "relaxed_escrow": true}), 40, 0, false},
		{"strict poor", setup{"initial_wallet": 20.0, "messages_per_node": 1.0}, 150, 0, true},
		// wallets of 20 pay a couple of route shares (the commitment's
		// 0.35 of about 29 on average), not what is due at the proofs
		{"relaxed poor", setup{"initial_wallet": 20.0, "messages_per_node": 1.0, "relaxed_escrow": true}, 150, 0, true},
		{"strict poor unit", unit.with(setup{"initial_wallet": 1.0, "messages_per_node": 3.0}), 100, c1, true},
		{"relaxed poor unit", unit.with(setup{"initial_wallet": 1.0, "messages_per_node": 3.0, "relaxed_escrow": true}), 100, c1, true},
		{"relaxed poor unit 1 node", unit.with(setup{"nodes": 1, "storage": []float64{6}, "availability": []float64{1},
			"initial_wallet": 1.0, "messages_per_node": 10.0, "relaxed_escrow": true}), 30, c1, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := h.config(t, tc.kv)
			for _, seed := range seeds(4) {
				var last *snap
				var refusedAtDefault int64 = -1
				var pending bool
				checks := []func(*snap) error{escrow(c), func(s *snap) error {
					if s.last() {
						last = s
						pending = pending || len(s.pending) > 0
						for _, nd := range s.nodes {
							if nd.Defaulted && refusedAtDefault < 0 {
								refusedAtDefault = s.ints["refused"]
							}
						}
					}
					return nil
				}}
				if c.relaxed && tc.cost > 0 {
					checks = append(checks, defaults(c, tc.cost))
				}
				h.check(t, tc.kv, tc.blocks, seed, false, all(checks...))
				if !pending {
					t.Fatalf("seed %d: no message ever pending", seed)
				}
				unpaid, refused := last.ints["unpaid"], last.ints["refused"]
				switch {
				case !tc.poor && (unpaid != 0 || refused != 0):
					t.Fatalf("seed %d: wallets of %v: %d unpaid, %d refused", seed, c.wallet, unpaid, refused)
				case tc.poor && !c.relaxed && (unpaid != 0 || refused == 0):
					t.Fatalf("seed %d: strict, poor: %d unpaid (want 0), %d refused (want > 0)", seed, unpaid, refused)
				case tc.poor && c.relaxed && c.n > 1 && unpaid == 0:
					t.Fatalf("seed %d: relaxed, poor: nobody defaulted at the proof", seed)
				case tc.poor && c.relaxed && (refusedAtDefault < 0 || refused <= refusedAtDefault):
					t.Fatalf("seed %d: relaxed, poor: refused %d at the first default, %d at the end", seed, refusedAtDefault, refused)
				}
			}
		})
	}
}

// TestPaymentSplit: a commitment is split into the route share, paid to
// the hops at delivery, and the rest, paid to the storer at the proof:
// all of it when the proof succeeds (less taxes and penalties, plus
// subsidies), the store share of it when it fails (the prove share goes
// back to the sender). With the learner off (threshold 0: it holds no
// angles, so z = 0: no tax, subsidy or penalty) the nodes' earnings are
// exactly those shares of the stored messages.
func TestPaymentSplit(t *testing.T) {
	h := newHarness(t)
	off := setup{"threshold": 0.0, "tax": 0.0, "subsidy_treasury": 0.0, "subsidy_escrow": 0.0, "penalty_exponent": 1e9,
		"initial_wallet": 1e6, "starting_treasury": 1000.0}
	type alloc struct{ route, store float64 }
	allocs := []alloc{{0.10, 0.45}, {0.20, 0.40}, {0.35, 0.40}} // configs/status_storage.toml
	type tc struct {
		name    string
		kv      setup
		learner bool    // the incentive on
		prove   float64 // prove_likelihood
	}
	var cases []tc
	for _, a := range allocs {
		for _, relaxed := range []bool{false, true} {
			base := setup{"route_share": a.route, "store_share": a.store, "relaxed_escrow": relaxed}
			name := fmt.Sprintf("%v/%v relaxed=%v", a.route, a.store, relaxed)
			cases = append(cases,
				tc{name + " off proved", base.with(off).with(setup{"prove_likelihood": 1.0}), false, 1},
				tc{name + " off unproved", base.with(off).with(setup{"prove_likelihood": 0.0}), false, 0},
				tc{name + " learner proved", base.with(setup{"prove_likelihood": 1.0, "initial_wallet": 1e6, "starting_treasury": 1000.0}), true, 1},
				tc{name + " learner half", base.with(setup{"prove_likelihood": 0.5, "initial_wallet": 1e6, "starting_treasury": 1000.0}), true, 0.5})
		}
	}
	cases = append(cases, tc{"200 nodes off proved", setup{"nodes": 200}.with(off).with(setup{"prove_likelihood": 1.0}), false, 1})
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := h.config(t, tc.kv)
			blocks := 120
			if c.n > 4 {
				blocks = 30
			}
			for _, seed := range seeds(2) {
				l := newLedger(c)
				var last *snap
				split := func(s *snap) error {
					if s.t == 0 || !s.last() {
						return nil
					}
					last = s
					tol := c.tol()
					var earned float64
					for i, nd := range s.nodes {
						earned += nd.Earned
						// with the learner off a storer earns the store share
						// (failed proof) or all that is left (proved) of its
						// messages due, and route shares on top
						if part := map[float64]float64{0: c.storePart(), 1: 1}[tc.prove]; !tc.learner && nd.Earned < part*l.dueAt[i]-tol {
							return fmt.Errorf("node %d earned %v; its messages due pay it %v", i, nd.Earned, part*l.dueAt[i])
						}
					}
					inc := -s.floats["taxes"] - s.floats["penalties"] + s.floats["subsidies"]
					if !tc.learner && (inc != 0 || s.floats["treasury"] != c.treasury0) {
						return fmt.Errorf("learner off: taxes %v, penalties %v, subsidies %v, treasury %v", s.floats["taxes"], s.floats["penalties"], s.floats["subsidies"], s.floats["treasury"])
					}
					if s.ints["unpaid"] != 0 {
						return fmt.Errorf("%d unpaid with ample wallets", s.ints["unpaid"])
					}
					if got := s.ints["unproved"]; tc.prove == 1 && got != 0 || tc.prove == 0 && s.ints["proved"] != 0 {
						return fmt.Errorf("prove_likelihood %v: %d proved, %d unproved", tc.prove, s.ints["proved"], got)
					}
					var lo, hi float64
					switch tc.prove {
					case 1: // every proof succeeds: the storer gets what is left
						lo = l.routePaid + l.dueEscrow + inc
						hi = lo
					case 0: // every proof fails: the store share, and no incentive
						if inc != 0 {
							return fmt.Errorf("no proof succeeded, and the incentive moved %v", inc)
						}
						lo = l.routePaid + c.storePart()*l.dueEscrow
						hi = lo
					default:
						lo = l.routePaid + c.storePart()*l.dueEscrow + inc
						hi = l.routePaid + l.dueEscrow + inc
					}
					if earned < lo-tol || earned > hi+tol {
						return fmt.Errorf("Σ earned %v, want %v..%v (route %v, escrow due %v, incentive %+v)", earned, lo, hi, l.routePaid, l.dueEscrow, inc)
					}
					return nil
				}
				h.check(t, tc.kv, blocks, seed, true, all(l.every(), tokens(c, l), split))
				if l.due == 0 {
					t.Fatalf("seed %d: no message due", seed)
				}
				if tc.learner && tc.prove > 0 && (last.floats["taxes"] == 0 || last.floats["subsidies"] == 0) {
					t.Fatalf("seed %d: the learner on, taxes %v, subsidies %v: the incentive was not tested", seed, last.floats["taxes"], last.floats["subsidies"])
				}
			}
		})
	}
}

// TestDeterminism: a job's rows depend only on its parameters and seed:
// the same on a fresh engine, on an engine that ran other jobs before,
// and on two engines running at once; another seed gives other rows.
func TestDeterminism(t *testing.T) {
	h := newHarness(t)
	cases := []struct {
		name   string
		kv     setup
		blocks int
	}{
		{"4 nodes", setup{}, 60},
		{"4 nodes relaxed poor", setup{"relaxed_escrow": true, "initial_wallet": 5.0, "messages_per_node": 1.0}, 60},
		{"200 nodes", setup{"nodes": 200, "availability": ones(0.5), "gen_availability": 0.5, "max_failures": 1}, 12},
	}
	rows := func(t *testing.T, e *gds.Engine, kv setup, blocks int, seed uint64) []string {
		var out []string
		if err := h.run(t, e, kv, blocks, seed, false, true, func(s *snap) error { out = append(out, s.print); return nil }); err != nil {
			t.Error(err)
		}
		return out
	}
	same := func(t *testing.T, what string, a, b []string) {
		t.Helper()
		if len(a) != len(b) {
			t.Fatalf("%s: %d rows against %d", what, len(a), len(b))
		}
		for k := range a {
			if a[k] != b[k] {
				t.Fatalf("%s: row %d differs:\n%.300s\n%.300s", what, k, a[k], b[k])
			}
		}
	}
	for _, tc := range cases {
		if raceEnabled {
			tc.blocks = max(4, tc.blocks/4) // printing every row is slow under the race detector
		}
		t.Run(tc.name, func(t *testing.T) {
			e1 := h.m.NewEngine()
			a := rows(t, e1, tc.kv, tc.blocks, 7)
			b := rows(t, e1, tc.kv, tc.blocks, 8)
			again := rows(t, e1, tc.kv, tc.blocks, 7)
			var x, y []string
			var wg sync.WaitGroup
			wg.Add(2)
			go func() { defer wg.Done(); x = rows(t, nil, tc.kv, tc.blocks, 7) }()
			go func() { defer wg.Done(); y = rows(t, nil, tc.kv, tc.blocks, 7) }()
			wg.Wait()
			if t.Failed() {
				t.FailNow()
			}
			same(t, "the same engine, again", a, again)
			same(t, "a fresh engine", a, x)
			same(t, "two engines at once", x, y)
			if len(a) != len(b) {
				t.Fatalf("seeds 7 and 8: %d and %d rows", len(a), len(b))
			}
			if slices.Equal(a, b) {
				t.Fatal("seeds 7 and 8 give the same rows")
			}
		})
	}
}

// TestScale: 2000 nodes for 20 blocks, every substep: tokens conserved,
// buckets within k, storage and bandwidth within limits, messages stored
// where they belong.
func TestScale(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("2000 nodes: skipped with -short and under the race detector")
	}
	h := newHarness(t)
	for _, kv := range []setup{{"nodes": 2000}, {"nodes": 2000, "relaxed_escrow": true, "starting_treasury": 1000.0, "k": 8}} {
		c := h.config(t, kv)
		l := newLedger(c)
		var last *snap
		h.check(t, kv, 20, 1, false, all(l.every(), tokens(c, l), buckets(c), limits(c, l), routing(c, l, false), escrow(c), func(s *snap) error { last = s; return nil }))
		if l.stored == 0 || len(last.edges) == 0 || l.due == 0 {
			t.Fatalf("%v: %d stored, %d due, %d routing-table entries", kv, l.stored, l.due, len(last.edges))
		}
	}
}
