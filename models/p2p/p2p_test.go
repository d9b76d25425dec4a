package p2p_test

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/statecraft/statecraft/blocks/network"
	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/models/p2p"
)

// sim is the model with the slots of its variables, looked up once.
type sim struct {
	m          *gds.Model
	net, msgs  int                 // slots of the graph and of the messages in flight
	node, edge map[string]int      // field indexes of net's node and edge records
	kind       map[string]gds.Kind // the scalar variables
	slot       map[string]int
}

func newSim(t testing.TB) *sim {
	t.Helper()
	m, err := p2p.New()
	if err != nil {
		t.Fatal(err)
	}
	s := &sim{m: m, net: -1, msgs: -1, node: map[string]int{}, edge: map[string]int{}, kind: map[string]gds.Kind{}, slot: map[string]int{}}
	for _, v := range m.Vars() {
		switch {
		case v.Name == "net" && v.Kind == gds.KindGraph:
			s.net = v.Slot
			for i, f := range v.Fields {
				s.node[f.Name] = i
			}
			for i, f := range v.EdgeFields {
				s.edge[f.Name] = i
			}
		case v.Name == "msgs" && v.Kind == gds.KindAgents:
			s.msgs = v.Slot
		case v.Kind == gds.KindInt || v.Kind == gds.KindFloat || v.Kind == gds.KindBool:
			s.kind[v.Name], s.slot[v.Name] = v.Kind, v.Slot
		}
	}
	if s.net < 0 || s.msgs < 0 {
		t.Fatal("no graph net or population msgs")
	}
	return s
}

// setup is a job's parameters: the defaults with kv set.
type setup map[string]any

func (s *sim) params(t testing.TB, kv setup) *gds.Params {
	t.Helper()
	p := s.m.Defaults()
	for k, v := range kv {
		if err := p.Set(k, v); err != nil {
			t.Fatal(err)
		}
	}
	return p
}

// num returns parameter name of kv (or its default) as a float64.
func (s *sim) num(kv setup, name string) float64 {
	v, ok := kv[name]
	if !ok {
		info, found := s.m.Param(name)
		if !found {
			panic("no parameter " + name)
		}
		v = info.Default
	}
	switch x := v.(type) {
	case int:
		return float64(x)
	case int64:
		return float64(x)
	case float64:
		return x
	}
	panic(fmt.Sprintf("parameter %s: %T", name, v))
}

// ticks converts parameter name (seconds) of kv to ticks, as the model
// does: rounded.
func (s *sim) ticks(kv setup, name string) int64 {
	return int64(math.Round(s.num(kv, name) / s.num(kv, "tick")))
}

// run runs a job of steps ticks, one row per tick, on engine e (nil: a
// new one), and calls fn with every row.
func (s *sim) run(t testing.TB, e *gds.Engine, kv setup, steps int, seed uint64, fn func(v view)) {
	t.Helper()
	if e == nil {
		e = s.m.NewEngine()
	}
	job := &gds.Job{Run: 1, Timesteps: steps, Params: s.params(t, kv), Seed: [2]uint64{seed, 0x9e3779b9}, Schedule: gds.Schedule{DropSubsteps: true}}
	if err := e.Run(context.Background(), job, rowFunc(func(r *gds.Row) error { fn(view{s, r}); return nil })); err != nil {
		t.Fatal(err)
	}
}

type rowFunc func(*gds.Row) error

func (f rowFunc) Record(r *gds.Row) error { return f(r) }

// view reads a row by name. Nodes are never removed in this model, so
// the i-th value of a node field is node i's.
type view struct {
	s *sim
	r *gds.Row
}

func (v view) t() int64 { return int64(v.r.Timestep) }

func (v view) scalar(name string, kind gds.Kind) int {
	if v.s.kind[name] != kind {
		panic(fmt.Sprintf("no %v variable %s", kind, name))
	}
	return v.s.slot[name]
}
func (v view) i(name string) int64   { return v.r.Ints()[v.scalar(name, gds.KindInt)] }
func (v view) f(name string) float64 { return v.r.Floats()[v.scalar(name, gds.KindFloat)] }
func (v view) b(name string) bool    { return v.r.Bools()[v.scalar(name, gds.KindBool)] }

func (v view) field(name string) int {
	f, ok := v.s.node[name]
	if !ok {
		panic("no node field " + name)
	}
	return f
}
func (v view) ints(field string) []int64 {
	return v.r.AppendGraphInts(nil, v.s.net, false, v.field(field))
}
func (v view) floats(field string) []float64 {
	return v.r.AppendGraphFloats(nil, v.s.net, false, v.field(field))
}
func (v view) bools(field string) []bool {
	return v.r.AppendGraphBools(nil, v.s.net, false, v.field(field))
}

// edge is an edge of net: from knows to.
type edge struct {
	from, to    int
	established bool
	lastSeen    int64
}

func (v view) edges() []edge {
	from, to, _ := v.r.AppendGraphEdges(nil, nil, nil, v.s.net)
	est := v.r.AppendGraphBools(nil, v.s.net, true, v.s.edge["established"])
	seen := v.r.AppendGraphInts(nil, v.s.net, true, v.s.edge["last_seen"])
	out := make([]edge, len(from))
	for k := range from {
		out[k] = edge{int(from[k]), int(to[k]), est[k], seen[k]}
	}
	return out
}

// msgs returns the messages in flight (valid during the row's call).
func (v view) msgs() []network.Message { return v.r.Agents(v.s.msgs).([]network.Message) }

// series copies the named scalar variables of every row, as float64s.
type series struct {
	names []string
	rows  [][]float64 // by timestep
}

func newSeries(names ...string) *series { return &series{names: names} }

func (s *series) add(v view) {
	row := make([]float64, len(s.names))
	for k, name := range s.names {
		switch v.s.kind[name] {
		case gds.KindInt:
			row[k] = float64(v.i(name))
		case gds.KindFloat:
			row[k] = v.f(name)
		case gds.KindBool:
			if v.b(name) {
				row[k] = 1
			}
		default:
			panic("no scalar variable " + name)
		}
	}
	if int(v.t()) != len(s.rows) {
		panic(fmt.Sprintf("row %d after %d rows", v.t(), len(s.rows)))
	}
	s.rows = append(s.rows, row)
}

func (s *series) at(t int64, name string) float64 { return s.rows[t][slices.Index(s.names, name)] }

// wire follows the messages in flight from row to row and works out, by
// the model's documented rule, which are delivered at each tick: those
// due (DeliverAt <= t) in the population at the end of tick t-1 whose
// receiver was up then and is not cut off from the sender at t. The
// others due are dropped.
type wire struct {
	prev []network.Message
	up   []bool
	cut  func(u, w int, t int64) bool // nil: no partition
}

// step returns the messages delivered and dropped at row v's tick, and
// keeps v's population for the next.
func (w *wire) step(v view) (delivered, dropped []network.Message) {
	t := v.t()
	for _, m := range w.prev {
		if m.DeliverAt > t {
			continue
		}
		if m.To < len(w.up) && w.up[m.To] && (w.cut == nil || !w.cut(m.From, m.To, t)) {
			delivered = append(delivered, m)
		} else {
			dropped = append(dropped, m)
		}
	}
	w.prev = append(w.prev[:0], v.msgs()...)
	w.up = v.bools("up")
	return delivered, dropped
}

// partition is the cut of kv's partition: from partition_at for
// partition_for, the highest round(partition_share·n) ids cannot reach
// the others.
type partition struct {
	from, until int64 // ticks [from, until)
	cut         int   // the first id cut off
}

func (s *sim) partition(kv setup) partition {
	if s.num(kv, "partition_at") < 0 {
		return partition{from: -1, until: -1}
	}
	n := s.num(kv, "n_nodes")
	from := s.ticks(kv, "partition_at")
	return partition{from: from, until: from + s.ticks(kv, "partition_for"), cut: int(n) - int(math.Round(s.num(kv, "partition_share")*n))}
}

func (p partition) active(t int64) bool         { return t >= p.from && t < p.until }
func (p partition) across(u, w int) bool        { return (u >= p.cut) != (w >= p.cut) }
func (p partition) cuts(u, w int, t int64) bool { return p.active(t) && p.across(u, w) }

// signed reports whether messages of kind are signed (the model's doc:
// hellos, acks, proposals, votes and files).
func signed(kind int) bool {
	switch kind {
	case p2p.KindHello, p2p.KindAck, p2p.KindPropose, p2p.KindPrepare, p2p.KindCommit, p2p.KindFile:
		return true
	}
	return false
}

func sum[T int64 | float64](xs []T) T {
	var s T
	for _, x := range xs {
		s += x
	}
	return s
}

// shares returns the number of file shares sent by tick t: every
// file_every seconds from first_file.
func (s *sim) shares(kv setup, t int64) int64 {
	first, every := s.ticks(kv, "first_file"), s.ticks(kv, "file_every")
	if t < first {
		return 0
	}
	return (t-first)/every + 1
}

// closing returns the height whose voting time ends at tick t (the tick
// before the next proposal), or 0.
func (s *sim) closing(kv setup, t int64) int64 {
	first, every := s.ticks(kv, "first_proposal"), s.ticks(kv, "proposal_every")
	if t+1 <= first || (t+1-first)%every != 0 {
		return 0
	}
	return (t + 1 - first) / every
}

// invariants checks what holds at every row of every run: the message
// layer's conservation and the model's delivery rule, the measures as
// sums of the node records, the reputation the verified files earned,
// every node's peer count, safety with at most f Byzantine replicas, and
// whose messages are rejected.
type invariants struct {
	w           wire
	n, byz      int
	forge       float64
	first, each int64 // first_file, file_every, in ticks
	safe        bool  // at most f Byzantine replicas
	// at the previous row
	delivered, dropped   int64
	files, bad, rejected []int64
}

func (s *sim) invariants(kv setup) *invariants {
	p := s.partition(kv)
	n := int(s.num(kv, "n_nodes"))
	size := min(n, int(s.num(kv, "committee")))
	inv := &invariants{n: n, byz: int(s.num(kv, "byzantine")), forge: s.num(kv, "forge_rate"),
		first: s.ticks(kv, "first_file"), each: s.ticks(kv, "file_every"),
		files: make([]int64, n), bad: make([]int64, n), rejected: make([]int64, n)}
	inv.safe = max(0, size-(n-inv.byz)) <= (size-1)/3 // the Byzantine nodes are the last ids
	if p.from >= 0 {
		inv.w.cut = p.cuts
	}
	return inv
}

func (inv *invariants) check(t *testing.T, v view) {
	t.Helper()
	at := v.t()
	fail := func(format string, args ...any) {
		t.Helper()
		t.Fatalf("tick %d: %s", at, fmt.Sprintf(format, args...))
	}
	// conservation: every message sent is lost, throttled, unroutable,
	// delivered, dropped or in flight
	inFlight := int64(len(v.msgs()))
	if sent, acc := v.i("msgs_sent"), v.i("msgs_delivered")+v.i("msgs_lost")+v.i("msgs_dropped")+v.i("msgs_unroutable")+v.i("msgs_throttled")+inFlight; sent != acc {
		fail("%d sent, %d delivered + lost + dropped + unroutable + throttled + in flight", sent, acc)
	}
	if v.i("msgs_throttled") != 0 {
		fail("%d throttled without a bandwidth cap", v.i("msgs_throttled"))
	}
	delivered, dropped := inv.w.step(v)
	if got := v.i("msgs_delivered") - inv.delivered; got != int64(len(delivered)) {
		fail("%d messages delivered, want %d by the delivery rule", got, len(delivered))
	}
	if got := v.i("msgs_dropped") - inv.dropped; got != int64(len(dropped)) {
		fail("%d messages dropped, want %d by the delivery rule", got, len(dropped))
	}
	inv.delivered, inv.dropped = v.i("msgs_delivered"), v.i("msgs_dropped")
	if inv.safe && v.i("violations") != 0 {
		fail("%d violations with %d Byzantine replicas", v.i("violations"), inv.byz)
	}
	if at == 0 {
		return // the network is built at tick 1
	}
	// the measures are sums over the nodes
	up, byz, peers := v.bools("up"), v.bools("byzantine"), v.ints("peers")
	rejected, bad, files := v.ints("rejected"), v.ints("bad_hashes"), v.ints("files")
	rep := v.floats("reputation")
	if len(up) != inv.n {
		fail("%d nodes, want %d", len(up), inv.n)
	}
	var nUp int64
	for u := range up {
		if up[u] {
			nUp++
		}
		if byz[u] != (u >= inv.n-inv.byz) {
			fail("node %d byzantine %v", u, byz[u])
		}
	}
	if v.i("up_nodes") != nUp {
		fail("up_nodes %d, %d nodes up", v.i("up_nodes"), nUp)
	}
	if sum(rejected) != v.i("signature_rejections") || sum(bad) != v.i("hash_rejections") || sum(files) != v.i("files_verified") {
		fail("rejected %v, bad hashes %v, files %v; measures %d, %d, %d", rejected, bad, files,
			v.i("signature_rejections"), v.i("hash_rejections"), v.i("files_verified"))
	}
	// each verified file adds 0.5 to its sharer's 50
	if got, want := sum(rep)-50*float64(inv.n), 0.5*float64(v.i("files_verified")); math.Abs(got-want) > 1e-9 {
		fail("reputation above 50 sums to %v, want 0.5 × %d files verified", got, v.i("files_verified"))
	}
	if mean := sum(rep) / float64(inv.n); math.Abs(mean-v.f("reputation")) > 1e-9 {
		fail("reputation %v, mean of the nodes %v", v.f("reputation"), mean)
	}
	// a node's peers are its established edges
	est := make([]int64, inv.n)
	for _, e := range v.edges() {
		if e.established {
			est[e.from]++
		}
	}
	if !slices.Equal(est, peers) {
		fail("peers %v, established edges %v", peers, est)
	}
	// what each node received at the tick: files from honest nodes
	// verify; a Byzantine node's file, unless forged, fails its hash;
	// only a Byzantine node's messages fail their signature: all its
	// signed ones at forge_rate 1, none at 0, and at least those visibly
	// altered (a hello or ack with a payload, a file that is not the one
	// of its tick)
	sigB, forged, wantFiles, wantBad := make([]int64, inv.n), make([]int64, inv.n), make([]int64, inv.n), make([]int64, inv.n)
	for _, m := range delivered {
		honest := !byz[m.From]
		if honest {
			if m.Kind == p2p.KindFile {
				wantFiles[m.To]++
			}
			continue
		}
		if !signed(m.Kind) {
			continue
		}
		sigB[m.To]++
		switch {
		case m.Kind == p2p.KindFile && m.Payload == (m.SentAt-inv.first)/inv.each:
			wantBad[m.To]++
		case m.Kind == p2p.KindFile, (m.Kind == p2p.KindHello || m.Kind == p2p.KindAck) && m.Payload != 0:
			forged[m.To]++
		}
	}
	for u := range inv.n {
		if d := files[u] - inv.files[u]; d != wantFiles[u] {
			fail("node %d verified %d files; %d from honest nodes were delivered", u, d, wantFiles[u])
		}
		if d := bad[u] - inv.bad[u]; d != wantBad[u] {
			fail("node %d rejected %d hashes; %d genuine files from Byzantine nodes were delivered", u, d, wantBad[u])
		}
		lo, hi := forged[u], sigB[u]
		switch inv.forge {
		case 0:
			hi = 0
		case 1:
			lo = hi
		}
		if d := rejected[u] - inv.rejected[u]; d < lo || d > hi {
			fail("node %d rejected %d signatures; %d signed messages from Byzantine nodes delivered, %d visibly forged", u, d, sigB[u], forged[u])
		}
	}
	inv.files, inv.bad, inv.rejected = files, bad, rejected
}

// scenario is a [[scenarios]] entry of configs/p2p.toml, the top-level
// params applied first as the runner does.
type scenario struct {
	name string
	kv   setup
}

func scenarios(t testing.TB) (out []scenario, timesteps int) {
	t.Helper()
	var cfg struct {
		Timesteps int
		Params    map[string]any
		Scenarios []struct {
			Name   string
			Params map[string]any
		}
	}
	data, err := os.ReadFile(filepath.Join("..", "..", "configs", "p2p.toml"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := toml.Decode(string(data), &cfg); err != nil {
		t.Fatal(err)
	}
	for _, sc := range cfg.Scenarios {
		kv := setup{}
		for k, v := range cfg.Params {
			kv[k] = v
		}
		for k, v := range sc.Params {
			kv[k] = v
		}
		out = append(out, scenario{sc.Name, kv})
	}
	if len(out) == 0 || cfg.Timesteps == 0 {
		t.Fatal("configs/p2p.toml: no scenarios or timesteps")
	}
	return out, cfg.Timesteps
}

func with(kv setup, more setup) setup {
	out := setup{}
	for k, v := range kv {
		out[k] = v
	}
	for k, v := range more {
		out[k] = v
	}
	return out
}

// TestDemo: the seed's 3-node demo with the defaults. Discovery makes the
// full mesh (each node peers with the 2 others: 6 connections) well
// before 10 s; every proposal commits; every file share reaches the 2
// peers and verifies, and earns its sharer 0.5 per copy.
func TestDemo(t *testing.T) {
	s := newSim(t)
	const T, settled = 600, 100
	kv := setup{}
	n := int(s.num(kv, "n_nodes"))
	if n != 3 {
		t.Fatalf("the default n_nodes is %d, want the demo's 3", n)
	}
	for _, seed := range []uint64{1, 2, 3, 4, 5} {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			inv := s.invariants(kv)
			var final bool
			var rep []float64
			s.run(t, nil, kv, T, seed, func(v view) {
				inv.check(t, v)
				if v.t() >= 1 {
					nodes := v.r.AppendGraphNodes(nil, s.net)
					roles := v.ints("role")
					for u := range n {
						if nodes[u] != int32(u) || roles[u] != int64(u%3) {
							t.Fatalf("tick %d: nodes %v, roles %v; want 0..%d with role i%%3", v.t(), nodes, roles, n-1)
						}
					}
				}
				if v.t() == s.ticks(kv, "first_file")-1 && v.i("connections") != int64(n*(n-1)) {
					t.Fatalf("tick %d: %d connections before the first file share", v.t(), v.i("connections"))
				}
				if v.t() >= settled {
					if v.i("connections") != int64(n*(n-1)) || v.f("discovered") != 1 || v.i("up_nodes") != int64(n) {
						t.Fatalf("tick %d: connections %d, discovered %v, up %d; want %d, 1, %d", v.t(),
							v.i("connections"), v.f("discovered"), v.i("up_nodes"), n*(n-1), n)
					}
					for u, p := range v.ints("peers") {
						if p != int64(n-1) {
							t.Fatalf("tick %d: node %d has %d peers, want %d", v.t(), u, p, n-1)
						}
					}
				}
				if v.i("signature_rejections") != 0 || v.i("hash_rejections") != 0 || v.i("violations") != 0 {
					t.Fatalf("tick %d: %d signatures, %d hashes rejected, %d violations", v.t(),
						v.i("signature_rejections"), v.i("hash_rejections"), v.i("violations"))
				}
				if v.t() == T {
					final, rep = true, v.floats("reputation")
					// the run's proposals: those whose voting time ended by T
					var props int64
					for tt := int64(1); tt <= T; tt++ {
						if s.closing(kv, tt) > 0 {
							props++
						}
					}
					if v.i("proposals") != props || props == 0 || v.i("committed") != props || v.f("consensus_rate") != 1 {
						t.Errorf("proposals %d, committed %d, consensus rate %v; want %d proposals, all committed",
							v.i("proposals"), v.i("committed"), v.f("consensus_rate"), props)
					}
					// shares by T-10 ticks have arrived (a delay is under 1 s)
					shares := s.shares(kv, T-10)
					if shares != s.shares(kv, T) {
						t.Fatal("a file share in the last second: choose another T")
					}
					if v.i("files_verified") != int64(n-1)*shares || shares == 0 {
						t.Errorf("%d files verified, want %d shares × %d peers", v.i("files_verified"), shares, n-1)
					}
				}
			})
			if !final {
				t.Fatal("no final row")
			}
			// share id goes out from node id mod n to the n-1 others
			for u := range n {
				var mine int64
				for id := range s.shares(kv, T) {
					if int(id)%n == u {
						mine++
					}
				}
				if want := 50 + 0.5*float64(n-1)*float64(mine); rep[u] != want {
					t.Errorf("node %d: reputation %v, want %v for its %d shares", u, rep[u], want, mine)
				}
			}
		})
	}
}

// TestSignatures: a Byzantine node of four forges forge_rate of its
// signed messages. The invariants check every tick's rejections at each
// receiver against the messages it was delivered: only the Byzantine
// node's are ever rejected, all its signed ones at forge_rate 1, none at
// 0, and at 0.5 at least the visibly forged ones; its files fail their
// hash unless forged (then they fail the signature). Without Byzantine
// nodes nothing is ever rejected, in every scenario of configs/p2p.toml.
func TestSignatures(t *testing.T) {
	s := newSim(t)
	const T = 600
	byzShare := s.ticks(setup{}, "first_file") + 3*s.ticks(setup{}, "file_every") // file 3, node 3's
	for _, c := range []struct {
		forge             float64
		rejected, badHash outcome // signatures, hashes rejected in a run
	}{
		{0, none, some},
		{0.5, some, either}, // its one file may be forged on every copy
		{1, some, none},     // its files are all forged: rejected for the signature
	} {
		for _, seed := range []uint64{1, 2, 3} {
			t.Run(fmt.Sprintf("forge %v seed %d", c.forge, seed), func(t *testing.T) {
				kv := setup{"n_nodes": 4, "byzantine": 1, "forge_rate": c.forge}
				inv := s.invariants(kv)
				var rej, bad int64
				s.run(t, nil, kv, T, seed, func(v view) {
					inv.check(t, v)
					if v.t() < byzShare && v.i("hash_rejections") != 0 {
						t.Fatalf("tick %d: a hash rejected before the Byzantine node shared a file", v.t())
					}
					if v.i("violations") != 0 {
						t.Fatalf("tick %d: %d violations with f = 1 of 4", v.t(), v.i("violations"))
					}
					rej, bad = v.i("signature_rejections"), v.i("hash_rejections")
				})
				if !c.rejected.holds(rej) || !c.badHash.holds(bad) {
					t.Errorf("%d signatures, %d hashes rejected; want %s, %s", rej, bad, c.rejected, c.badHash)
				}
			})
		}
	}
	scs, T2 := scenarios(t)
	for _, sc := range scs {
		t.Run(sc.name+" honest", func(t *testing.T) {
			kv := with(sc.kv, setup{"byzantine": 0})
			inv := s.invariants(kv)
			s.run(t, nil, kv, T2, 1, func(v view) {
				inv.check(t, v)
				if v.i("signature_rejections") != 0 || v.i("hash_rejections") != 0 {
					t.Fatalf("tick %d: %d signatures, %d hashes rejected without a Byzantine node", v.t(),
						v.i("signature_rejections"), v.i("hash_rejections"))
				}
			})
		})
	}
}

// outcome is whether a count is expected to be positive.
type outcome string

const (
	none   outcome = "none"
	some   outcome = "some"
	either outcome = "either"
)

func (o outcome) holds(n int64) bool { return o == either || (n > 0) == (o == some) }

// TestSafety is a property test: with f = (n-1)/3 Byzantine replicas of
// n, honest replicas never commit different values, whatever the seed
// and the loss. At the end of each proposal's voting time it commits
// exactly when q honest replicas decided it (the node records say which
// did). Without loss every proposal commits (an honest leader and a
// synchronous network: PBFT is live), so the check is not vacuous; with
// loss (and no retransmission) fewer do, but most runs commit and most
// proposals are decided by two honest replicas or more.
func TestSafety(t *testing.T) {
	s := newSim(t)
	seeds := 100 // per n, half of them with loss
	if testing.Short() {
		seeds = 10
	}
	// two proposals judged, at ticks 129 and 229, and no third sent
	T := int(s.ticks(setup{}, "first_proposal") + 2*s.ticks(setup{}, "proposal_every") - 1)
	var mu sync.Mutex
	var allRuns, allCommitting int
	t.Run("runs", func(t *testing.T) {
		safetyRuns(t, s, seeds, T, func(runs, committing int) {
			mu.Lock()
			defer mu.Unlock()
			allRuns, allCommitting = allRuns+runs, allCommitting+committing
		})
	})
	t.Logf("%d of %d runs commit", allCommitting, allRuns)
	if !t.Failed() && 2*allCommitting <= allRuns {
		t.Errorf("%d of %d runs commit: the property is barely tested", allCommitting, allRuns)
	}
}

// safetyRuns runs TestSafety's configurations in parallel and reports
// each one's runs and the runs that committed.
func safetyRuns(t *testing.T, s *sim, seeds, T int, report func(runs, committing int)) {
	for _, n := range []int{4, 7, 10} {
		for li, loss := range []float64{0, 0.1} {
			t.Run(fmt.Sprintf("n %d loss %v", n, loss), func(t *testing.T) {
				t.Parallel()
				f := (n - 1) / 3
				kv := setup{"n_nodes": n, "byzantine": f, "loss": loss}
				size := min(n, int(s.num(kv, "committee")))
				if size != n {
					t.Fatalf("committee %d < n %d", size, n)
				}
				_, q := network.Quorum(size)
				e := s.m.NewEngine()
				var runs, heights, pairs, committing int
				for seed := li; seed < seeds; seed += 2 {
					runs++
					lastT := int64(-1)
					var comm int64
					s.run(t, e, kv, T, uint64(seed), func(v view) {
						if v.i("violations") != 0 {
							t.Fatalf("seed %d tick %d: %d violations", seed, v.t(), v.i("violations"))
						}
						got := v.i("committed") - comm
						if h := s.closing(kv, v.t()); h > 0 {
							decided := 0
							hs, dec, byz := v.ints("height"), v.bools("decided"), v.bools("byzantine")
							for u := range size {
								if !byz[u] && hs[u] == h && dec[u] {
									decided++
								}
							}
							heights++
							if decided >= 2 {
								pairs++
							}
							if got != 0 && got != 1 || (got == 1) != (decided >= q) {
								t.Fatalf("seed %d height %d: committed went up by %d; %d honest replicas decided, quorum %d", seed, h, got, decided, q)
							}
						} else if got != 0 {
							t.Fatalf("seed %d tick %d: committed went up by %d outside a proposal's end", seed, v.t(), got)
						}
						comm, lastT = v.i("committed"), v.t()
						if v.t() == int64(T) {
							if v.f("consensus_rate") > 0 {
								committing++
							}
							if v.i("proposals") != 2 || loss == 0 && v.f("consensus_rate") != 1 {
								t.Errorf("seed %d: %d proposals, consensus rate %v", seed, v.i("proposals"), v.f("consensus_rate"))
							}
						}
					})
					if lastT != int64(T) {
						t.Fatal("no final row")
					}
				}
				t.Logf("n %d, loss %v: %d runs, %d commit; %d of %d proposals decided by two honest replicas or more", n, loss, runs, committing, pairs, heights)
				if heights != 2*runs || 2*pairs < heights {
					t.Errorf("%d proposals judged, %d decided by two honest replicas: the property is barely tested", heights, pairs)
				}
				report(runs, committing)
			})
		}
	}
}

// TestNoCommitWithoutQuorum: with more than f Byzantine replicas the
// honest ones are fewer than the quorum, and no proposal ever counts as
// committed.
func TestNoCommitWithoutQuorum(t *testing.T) {
	s := newSim(t)
	for _, c := range []struct{ n, byz int }{{4, 2}, {7, 3}, {10, 4}} {
		if _, q := network.Quorum(c.n); c.n-c.byz >= q {
			t.Fatalf("n %d, %d Byzantine: %d honest reach the quorum %d", c.n, c.byz, c.n-c.byz, q)
		}
		for _, seed := range []uint64{1, 2, 3} {
			t.Run(fmt.Sprintf("n %d byzantine %d seed %d", c.n, c.byz, seed), func(t *testing.T) {
				var props int64
				var rate float64
				s.run(t, nil, setup{"n_nodes": c.n, "byzantine": c.byz}, 300, seed, func(v view) {
					if v.i("committed") != 0 {
						t.Fatalf("tick %d: %d committed", v.t(), v.i("committed"))
					}
					props, rate = v.i("proposals"), v.f("consensus_rate")
				})
				if props == 0 || rate != 0 {
					t.Errorf("%d proposals, consensus rate %v; want some, 0", props, rate)
				}
			})
		}
	}
}

// TestFailureAndRecovery: node 2 crashes at 20 s for 5 s. The crash is
// applied at the end of tick fail_at/tick - 1 so that the node does
// nothing during ticks [200, 250): the rows (the state at the end of a
// tick) show it down at ticks [199, 249), and the restart at the end of
// tick 249 lets it say hello at tick 250. It loses its peers; the others
// keep theirs, and it finds them again; the recovery is measured from
// tick 250 to the first row at which the connections are back to what
// they were before the crash and every node has its peers.
func TestFailureAndRecovery(t *testing.T) {
	s := newSim(t)
	const T = 600
	kv := setup{"fail_node": 2, "fail_at": 20.0, "fail_for": 5.0}
	down := s.ticks(kv, "fail_at")
	back := down + s.ticks(kv, "fail_for")
	for _, seed := range []uint64{1, 2, 3, 4, 5} {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			inv := s.invariants(kv)
			ser := newSeries("connections", "discovered", "recovered", "recovery_time", "connections_before", "up_nodes")
			hello := false
			s.run(t, nil, kv, T, seed, func(v view) {
				inv.check(t, v)
				ser.add(v)
				at := v.t()
				if at == 0 {
					return
				}
				crashed := at >= down-1 && at < back-1
				if up := v.bools("up"); up[2] == crashed || !up[0] || !up[1] {
					t.Fatalf("tick %d: up %v", at, up)
				}
				want := int64(3)
				if crashed {
					want = 2
				}
				if v.i("up_nodes") != want {
					t.Fatalf("tick %d: %d up, want %d", at, v.i("up_nodes"), want)
				}
				if crashed {
					// the outage is shorter than peer_timeout: the others
					// keep it as a peer
					if p := v.ints("peers"); p[2] != 0 || p[0] != 2 || p[1] != 2 {
						t.Fatalf("tick %d: peers %v during the outage", at, p)
					}
					for _, e := range v.edges() {
						if e.from == 2 {
							t.Fatalf("tick %d: the crashed node knows %d", at, e.to)
						}
					}
				}
				for _, m := range v.msgs() {
					if m.From == 2 && m.SentAt >= down && m.SentAt < back {
						t.Fatalf("tick %d: the crashed node sent %+v", at, m)
					}
					if m.From == 2 && m.SentAt == back && m.To == 0 && m.Kind == p2p.KindHello {
						hello = true
					}
				}
			})
			if !hello {
				t.Errorf("no hello from the restarted node at tick %d", back)
			}
			if got := ser.at(down-1, "connections_before"); got != ser.at(down-2, "connections") || got != 6 {
				t.Errorf("connections before the crash %v, the last row before it had %v", got, ser.at(down-2, "connections"))
			}
			// recovery: the first row from the restart with the connections
			// back and every node discovered
			rec := int64(-1)
			for tt := back; tt <= T; tt++ {
				if ser.at(tt, "connections") >= ser.at(down-1, "connections_before") && ser.at(tt, "discovered") == 1 {
					rec = tt
					break
				}
			}
			if rec < 0 {
				t.Fatal("never recovered")
			}
			for tt := down - 1; tt <= T; tt++ {
				if got := ser.at(tt, "recovered") == 1; got != (tt >= rec) {
					t.Fatalf("tick %d: recovered %v, the network recovered at tick %d", tt, got, rec)
				}
			}
			want := float64(rec-back) * s.num(kv, "tick")
			if got := ser.at(T, "recovery_time"); math.Abs(got-want) > 1e-9 || got < 0 || got > 30 {
				t.Errorf("recovery time %v s, want %v s, within 30 s", got, want)
			}
			if ser.at(T, "connections") != 6 || ser.at(T, "discovered") != 1 {
				t.Errorf("at the end: %v connections, discovered %v", ser.at(T, "connections"), ser.at(T, "discovered"))
			}
		})
	}
}

// TestPartition: from 20 s for 15 s node 2 is cut off from nodes 0 and 1.
// No message crosses the cut while it lasts: those sent are unroutable,
// those in flight are dropped (the invariants count both), and no node
// hears from the other side. As the partition lasts peer_timeout, the
// edges across time out before it heals; then the network rebuilds the
// full mesh.
func TestPartition(t *testing.T) {
	s := newSim(t)
	const T = 600
	kv := setup{"partition_at": 20.0, "partition_for": 15.0}
	p := s.partition(kv)
	timeout := s.ticks(kv, "peer_timeout")
	if p.cut != 2 || p.from != 200 || p.until != 350 {
		t.Fatalf("partition %+v", p)
	}
	for _, seed := range []uint64{1, 2, 3, 4, 5} {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			inv := s.invariants(kv)
			ser := newSeries("connections", "discovered", "recovered", "recovery_time", "connections_before", "msgs_unroutable")
			lastAcross := int64(-1) // the last tick one side heard from the other
			s.run(t, nil, kv, T, seed, func(v view) {
				inv.check(t, v)
				ser.add(v)
				at := v.t()
				for _, m := range v.msgs() {
					if p.active(m.SentAt) && p.across(m.From, m.To) {
						t.Fatalf("tick %d: %+v sent across the partition", at, m)
					}
				}
				// an edge's last_seen is the last tick its source heard
				// from its target
				for _, e := range v.edges() {
					if !e.established || !p.across(e.from, e.to) {
						continue
					}
					switch {
					case at == p.from-1:
						lastAcross = max(lastAcross, e.lastSeen)
					case p.active(at) && e.lastSeen >= p.from:
						t.Fatalf("tick %d: %d heard from %d at tick %d, during the partition", at, e.from, e.to, e.lastSeen)
					case at >= p.from && at <= p.until && at > lastAcross+timeout:
						t.Fatalf("tick %d: %d→%d still established, %d ticks after the last word across at %d", at, e.from, e.to, at-lastAcross, lastAcross)
					}
				}
			})
			// nobody hears across from lastAcross on, so the edges across
			// time out at lastAcross + peer_timeout + 1 at the latest
			dropped := lastAcross + timeout + 1
			if lastAcross < 0 || dropped >= p.until {
				t.Fatalf("last word across the cut at tick %d: the edges across do not time out during the partition", lastAcross)
			}
			if c := ser.at(dropped, "connections"); c != 2 {
				t.Errorf("tick %d: %v connections during the partition, want 2 (0↔1)", dropped, c)
			}
			if ser.at(p.from-1, "msgs_unroutable") != 0 || ser.at(p.until-1, "msgs_unroutable") == 0 {
				t.Errorf("unroutable before %v, at the end of the partition %v", ser.at(p.from-1, "msgs_unroutable"), ser.at(p.until-1, "msgs_unroutable"))
			}
			if got := ser.at(p.from-1, "connections_before"); got != ser.at(p.from-2, "connections") || got != 6 {
				t.Errorf("connections before the partition %v", got)
			}
			rec := int64(-1)
			for tt := p.until; tt <= T; tt++ {
				if ser.at(tt, "connections") >= ser.at(p.from-1, "connections_before") && ser.at(tt, "discovered") == 1 {
					rec = tt
					break
				}
			}
			want := float64(rec-p.until) * s.num(kv, "tick")
			if rec < 0 || ser.at(T, "recovered") != 1 || math.Abs(ser.at(T, "recovery_time")-want) > 1e-9 || want > 30 {
				t.Errorf("recovered %v after %v s; the mesh was back at tick %d", ser.at(T, "recovered"), ser.at(T, "recovery_time"), rec)
			}
			if ser.at(T, "connections") != 6 {
				t.Errorf("%v connections at the end", ser.at(T, "connections"))
			}
		})
	}
}

// TestConservation checks the invariants at every row of every scenario
// of configs/p2p.toml and of one with everything at once: every message
// sent is lost, unroutable, delivered, dropped or in flight; deliveries
// and drops follow the delivery rule; messages are lost only on a lossy
// network.
func TestConservation(t *testing.T) {
	s := newSim(t)
	scs, T := scenarios(t)
	scs = append(scs, scenario{"everything", setup{"n_nodes": 7, "byzantine": 2, "loss": 0.1, "fail_node": 3, "partition_at": 30.0}})
	for _, sc := range scs {
		t.Run(sc.name, func(t *testing.T) {
			inv := s.invariants(sc.kv)
			var lost int64
			s.run(t, nil, sc.kv, T, 1, func(v view) {
				inv.check(t, v)
				lost = v.i("msgs_lost")
				if s.num(sc.kv, "loss") == 0 && lost != 0 {
					t.Fatalf("tick %d: %d lost without loss", v.t(), lost)
				}
			})
			if s.num(sc.kv, "loss") > 0 && lost == 0 {
				t.Errorf("no message lost at loss %v", s.num(sc.kv, "loss"))
			}
		})
	}
}

// snapshot is a copy of a row: every scalar, the graph and the messages.
type snapshot struct {
	f           []float64
	i           []int64
	b           []bool
	order, size int
	nodes       [][]int64 // every int field, then float (as bits), then bool
	edges       []edge
	msgs        []network.Message
}

func (s *sim) snapshot(v view) snapshot {
	sn := snapshot{f: slices.Clone(v.r.Floats()), i: slices.Clone(v.r.Ints()), b: slices.Clone(v.r.Bools()), edges: v.edges(), msgs: slices.Clone(v.msgs())}
	sn.order, sn.size = v.r.GraphCounts(s.net)
	info, _ := s.m.Var("net")
	for k, f := range info.Fields {
		var col []int64
		switch f.Kind {
		case gds.KindInt:
			col = v.r.AppendGraphInts(nil, s.net, false, k)
		case gds.KindFloat:
			for _, x := range v.r.AppendGraphFloats(nil, s.net, false, k) {
				col = append(col, int64(math.Float64bits(x)))
			}
		case gds.KindBool:
			for _, x := range v.r.AppendGraphBools(nil, s.net, false, k) {
				var one int64
				if x {
					one = 1
				}
				col = append(col, one)
			}
		}
		sn.nodes = append(sn.nodes, col)
	}
	return sn
}

func (a snapshot) diff(b snapshot) string {
	eqF := slices.EqualFunc(a.f, b.f, func(x, y float64) bool { return math.Float64bits(x) == math.Float64bits(y) })
	switch {
	case !eqF:
		return fmt.Sprintf("floats %v vs %v", a.f, b.f)
	case !slices.Equal(a.i, b.i):
		return fmt.Sprintf("ints %v vs %v", a.i, b.i)
	case !slices.Equal(a.b, b.b):
		return fmt.Sprintf("bools %v vs %v", a.b, b.b)
	case a.order != b.order || a.size != b.size:
		return fmt.Sprintf("graph %d nodes %d edges vs %d, %d", a.order, a.size, b.order, b.size)
	case !slices.EqualFunc(a.nodes, b.nodes, slices.Equal):
		return fmt.Sprintf("nodes %v vs %v", a.nodes, b.nodes)
	case !slices.Equal(a.edges, b.edges):
		return fmt.Sprintf("edges %v vs %v", a.edges, b.edges)
	case !slices.Equal(a.msgs, b.msgs):
		return "messages in flight differ"
	}
	return ""
}

// TestDeterminism: a job gives the same rows on two engines, and on an
// engine that ran another job before; another seed gives another run.
func TestDeterminism(t *testing.T) {
	s := newSim(t)
	const T = 450
	kv := setup{"n_nodes": 7, "byzantine": 2, "loss": 0.1, "fail_node": 3, "partition_at": 26.0}
	record := func(e *gds.Engine, seed uint64) []snapshot {
		var out []snapshot
		s.run(t, e, kv, T, seed, func(v view) { out = append(out, s.snapshot(v)) })
		if len(out) != T+1 {
			t.Fatalf("%d rows, want %d", len(out), T+1)
		}
		return out
	}
	e1, e2 := s.m.NewEngine(), s.m.NewEngine()
	a := record(e1, 7)
	b := record(e2, 7)
	c := record(e2, 8)
	d := record(e2, 7) // after another job on the same engine
	for k := range a {
		if msg := a[k].diff(b[k]); msg != "" {
			t.Fatalf("tick %d, two engines: %s", k, msg)
		}
		if msg := a[k].diff(d[k]); msg != "" {
			t.Fatalf("tick %d, a reused engine: %s", k, msg)
		}
	}
	if a[T].diff(c[T]) == "" {
		t.Error("seeds 7 and 8 end alike")
	}
}

// TestScale: 2,000 nodes find their peers through the bootstrap node and
// peer exchange within 15 s. When every honest running node has at least
// min(min_peers, n-1) established peers (discovered = 1), the connections,
// which count them, are at least that many per node.
func TestScale(t *testing.T) {
	if testing.Short() {
		t.Skip("2,000 nodes")
	}
	s := newSim(t)
	const n, T = 2000, 150
	kv := setup{"n_nodes": n}
	start := time.Now()
	var done bool
	e := s.m.NewEngine()
	job := &gds.Job{Run: 1, Timesteps: T, Params: s.params(t, kv), Seed: [2]uint64{1, 1}, Schedule: gds.Schedule{FinalOnly: true}}
	err := e.Run(context.Background(), job, rowFunc(func(r *gds.Row) error {
		v := view{s, r}
		done = true
		minPeers := min(int64(s.num(kv, "min_peers")), n-1)
		peers := v.ints("peers")
		if v.f("discovered") != 1 || v.i("up_nodes") != n || len(peers) != n {
			t.Errorf("tick %d: discovered %v, %d up, %d nodes", v.t(), v.f("discovered"), v.i("up_nodes"), len(peers))
		}
		if c := v.i("connections"); c < n*minPeers || c != sum(peers) {
			t.Errorf("%d connections, want at least %d and the sum of the peers, %d", c, n*minPeers, sum(peers))
		}
		for u, p := range peers {
			if p < minPeers {
				t.Fatalf("node %d has %d peers", u, p)
			}
		}
		return nil
	}))
	if err != nil || !done {
		t.Fatal(err, done)
	}
	t.Logf("%d nodes, %d ticks: %v", n, T, time.Since(start))
}

// TestBootstrapNodeRestart: the bootstrap node, which nobody else says
// hello to first, finds the network again from its address book after a
// crash that emptied its peer table.
func TestBootstrapNodeRestart(t *testing.T) {
	s := newSim(t)
	kv := setup{"fail_node": 0, "fail_at": 20.0, "fail_for": 5.0}
	for seed := uint64(1); seed <= 5; seed++ {
		var conn int64
		recovered, sawDown := false, false
		s.run(t, s.m.NewEngine(), kv, 600, seed, func(v view) {
			if up := v.bools("up"); len(up) > 0 && !up[0] {
				sawDown = true
			}
			conn, recovered = v.i("connections"), v.b("recovered")
		})
		if !sawDown || !recovered || conn != 6 {
			t.Errorf("seed %d: node 0 down at some row %v, recovered %v, %d connections at the end; want true, true, 6", seed, sawDown, recovered, conn)
		}
	}
}
