package network_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/statecraft/statecraft/blocks/network"
	"github.com/statecraft/statecraft/gds"
)

// TestSendCases: what Send does to a batch, message by message: the
// stamps, the latency (rounded up, at least 1), routes, loss, the
// bandwidth cap per directed edge, and the counts.
func TestSendCases(t *testing.T) {
	msg := func(from, to int) network.Message { return network.Message{From: from, To: to, Kind: 7, Payload: 42} }
	route := func(l network.Link) network.RouteFunc {
		return func(from, to int, t int64) (network.Link, bool) { return l, to != 9 }
	}
	cases := []struct {
		name      string
		batch     []network.Message
		link      network.Link
		bandwidth int
		due       []int64 // DeliverAt of the messages on their way
		want      network.Traffic
	}{
		{"one", []network.Message{msg(0, 1)}, network.Link{Latency: 1}, 0, []int64{11}, network.Traffic{Sent: 1}},
		{"latency rounded up", []network.Message{msg(0, 1)}, network.Link{Latency: 2.3}, 0, []int64{13}, network.Traffic{Sent: 1}},
		{"latency 0 is 1", []network.Message{msg(0, 1)}, network.Link{Latency: 0}, 0, []int64{11}, network.Traffic{Sent: 1}},
		{"no route", []network.Message{msg(0, 9), msg(0, 1)}, network.Link{Latency: 1}, 0, []int64{11}, network.Traffic{Sent: 2, Unroutable: 1}},
		{"all lost", []network.Message{msg(0, 1), msg(1, 0)}, network.Link{Latency: 1, Loss: 1}, 0, nil, network.Traffic{Sent: 2, Lost: 2}},
		{"cap per edge", []network.Message{msg(0, 1), msg(0, 1), msg(1, 0), msg(0, 1), msg(0, 2)}, network.Link{Latency: 1}, 1, []int64{11, 11, 11},
			network.Traffic{Sent: 5, Throttled: 2}},
		{"cap 2", []network.Message{msg(0, 1), msg(0, 1), msg(0, 1)}, network.Link{Latency: 4}, 2, []int64{14, 14}, network.Traffic{Sent: 3, Throttled: 1}},
	}
	for _, tc := range cases {
		inflight := []network.Message{{ID: 10<<32 | 4, SentAt: 10, DeliverAt: 12}} // number 4 is taken at t = 10
		out, tr := network.Send(inflight, tc.batch, 10, route(tc.link), tc.bandwidth, rand.New(rand.NewPCG(1, 2)))
		if tr != tc.want {
			t.Errorf("%s: traffic %+v, want %+v", tc.name, tr, tc.want)
		}
		var due []int64
		for i, m := range out[1:] {
			due = append(due, m.DeliverAt)
			if m.SentAt != 10 || m.ID>>32 != 10 || m.Kind != 7 || m.Payload != 42 {
				t.Errorf("%s: message %d is %+v", tc.name, i, m)
			}
			if i > 0 && m.ID <= out[i].ID {
				t.Errorf("%s: IDs %d then %d", tc.name, out[i].ID, m.ID)
			}
			if m.ID&(1<<32-1) < 5 {
				t.Errorf("%s: message %d reuses number %d", tc.name, i, m.ID&(1<<32-1))
			}
		}
		if !slices.Equal(due, tc.due) {
			t.Errorf("%s: due at %v, want %v", tc.name, due, tc.due)
		}
	}
	// A latency that is not a number of timesteps is refused, naming the link.
	for _, l := range []float64{math.NaN(), math.Inf(1)} {
		func() {
			defer func() {
				if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "network: link 0→1 has latency") {
					t.Errorf("latency %v: panic %v", l, r)
				}
			}()
			network.Send(nil, []network.Message{msg(0, 1)}, 1, network.Mesh{Link: network.Link{Latency: l}}, 0, nil)
		}()
	}
}

// TestDeliverCases: Deliver takes the due messages, delivers the accepted
// ones and drops the others, and keeps the rest in order, also in place.
func TestDeliverCases(t *testing.T) {
	in := []network.Message{
		{ID: 1, To: 1, DeliverAt: 5}, {ID: 2, To: 2, DeliverAt: 6}, {ID: 3, To: 3, DeliverAt: 4},
		{ID: 4, To: 1, DeliverAt: 7}, {ID: 5, To: 3, DeliverAt: 5},
	}
	accept := func(m network.Message) bool { return m.To != 3 }
	for _, inPlace := range []bool{false, true} {
		src := slices.Clone(in)
		var keep []network.Message
		if inPlace {
			keep = src[:0]
		}
		var got []int64
		kept, tr := network.Deliver(src, 5, keep, accept, func(m network.Message) { got = append(got, m.ID) })
		var ids []int64
		for _, m := range kept {
			ids = append(ids, m.ID)
		}
		if !slices.Equal(got, []int64{1}) || !slices.Equal(ids, []int64{2, 4}) || tr != (network.Traffic{Delivered: 1, Dropped: 2}) {
			t.Errorf("in place %v: delivered %v, kept %v, traffic %+v", inPlace, got, ids, tr)
		}
	}
	if kept, tr := network.Deliver(in, 100, nil, nil, nil); len(kept) != 0 || tr.Delivered != 5 {
		t.Errorf("nil accept: kept %v, %+v", kept, tr)
	}
}

// TestMessageProperties runs random traffic through Send and Deliver for
// many seeds, with routes that come and go, lossy links of different
// latencies, a bandwidth cap and receivers that are down, and checks at
// every timestep: no message is delivered twice; every delivered message
// arrives exactly its link's latency after it was sent; IDs are unique in
// the population; no edge carries more than the cap in a timestep; and
// Sent = Lost + Throttled + Unroutable + in flight + Delivered + Dropped.
func TestMessageProperties(t *testing.T) {
	const nodes, cap = 5, 2
	latency := func(from, to int) float64 { return float64(1+(from*to)%4) - 0.5 }
	route := network.RouteFunc(func(from, to int, t int64) (network.Link, bool) {
		return network.Link{Latency: latency(from, to), Loss: 0.2}, (from+to+int(t))%7 != 0
	})
	down := func(node int, t int64) bool { return node == nodes || (node+int(t))%5 == 0 }
	var seen int
	for seed := uint64(1); seed <= 200; seed++ {
		r := rand.New(rand.NewPCG(seed, 3))
		var total network.Traffic
		var inflight, batch []network.Message
		delivered := map[int64]bool{}
		for ts := int64(1); ts <= 40; ts++ {
			var tr network.Traffic
			inflight, tr = network.Deliver(inflight, ts, inflight[:0], func(m network.Message) bool { return !down(m.To, ts) },
				func(m network.Message) {
					if delivered[m.ID] {
						t.Fatalf("seed %d, t %d: message %d delivered twice", seed, ts, m.ID)
					}
					delivered[m.ID] = true
					if want := m.SentAt + int64(math.Ceil(latency(m.From, m.To))); m.DeliverAt != ts || ts != want {
						t.Fatalf("seed %d: message %+v delivered at %d, want %d", seed, m, ts, want)
					}
				})
			total.Add(tr)
			batch = batch[:0]
			for range r.IntN(20) {
				batch = append(batch, network.Message{From: r.IntN(nodes), To: r.IntN(nodes + 1), Kind: 1})
			}
			before := len(inflight)
			inflight, tr = network.Send(inflight, batch, ts, route, cap, r)
			total.Add(tr)
			perEdge := map[[2]int]int{}
			for _, m := range inflight[before:] {
				if perEdge[[2]int{m.From, m.To}]++; perEdge[[2]int{m.From, m.To}] > cap {
					t.Fatalf("seed %d, t %d: edge %d→%d carries more than %d", seed, ts, m.From, m.To, cap)
				}
			}
			ids := map[int64]bool{}
			for _, m := range inflight {
				if ids[m.ID] {
					t.Fatalf("seed %d, t %d: two messages with ID %d", seed, ts, m.ID)
				}
				ids[m.ID] = true
			}
			if in := total.Sent - total.Lost - total.Throttled - total.Unroutable - total.Delivered - total.Dropped; in != len(inflight) {
				t.Fatalf("seed %d, t %d: %+v leaves %d in flight, but %d are", seed, ts, total, in, len(inflight))
			}
		}
		if total.Lost > 0 && total.Throttled > 0 && total.Unroutable > 0 && total.Dropped > 0 && total.Delivered > 0 {
			seen++
		}
	}
	if seen < 150 {
		t.Fatalf("only %d of 200 seeds saw every fate of a message: the test does not exercise them", seen)
	}
}

// TestWire: a model whose nodes ping their ring neighbour through a Wire
// at every timestep. At every row the counters add up (sent = lost +
// throttled + unroutable + in flight + delivered + dropped), IDs are
// unique, pings to the down node are dropped, and each delivery shows up
// once, at its due timestep.
func TestWire(t *testing.T) {
	const n = 6
	b := gds.NewBuilder("ping")
	g := gds.GraphOf(b, "net", gds.GraphData[peer, link]{})
	w := network.NewWire(b, "msgs", 1, network.PeerReceiver(g, nil))
	got := map[int64]int{} // deliveries seen by the protocol, by ID
	var lateness []int64
	b.PSUB("topology", network.Generate(g, func(c *gds.Ctx, tx *gds.GraphTx[peer, link]) error {
		return network.Ring(tx, n, 1, func(id int) peer { return peer{Up: id != 3} }, network.PeerLink(1.5, 0.3))
	}))
	b.PSUB("ping", append([]gds.Block{w.Policy("ping", func(c *gds.Ctx) {
		if c.T == 1 {
			clear(got)
			lateness = lateness[:0]
		}
		w.Deliveries(c, func(m network.Message) {
			got[m.ID]++
			lateness = append(lateness, int64(c.T)-m.DeliverAt)
		})
		v := g.Get(c)
		o := network.Open(w, c, network.PeerLinks(v))
		for u := range v.Len() {
			for range 2 { // two pings on a link of bandwidth 1: one is throttled (node 3, down, has no route)
				o.Send(network.Message{From: u, To: (u + 1) % n, Kind: 1})
			}
		}
		o.Close()
	})}, w.Updates()...)...)
	m := build(t, b)
	var r recorderFunc = func(x *gds.Row) error {
		ints := x.Ints()
		val := func(h gds.Int) int64 { return ints[slotOf(m, h.Name())] }
		msgs := x.Agents(slotOf(m, "msgs")).([]network.Message)
		ids := map[int64]bool{}
		for _, msg := range msgs {
			if ids[msg.ID] {
				return fmt.Errorf("t %d: ID %d twice", x.Timestep, msg.ID)
			}
			ids[msg.ID] = true
		}
		if in := val(w.Sent) - val(w.Lost) - val(w.Throttled) - val(w.Unroutable) - val(w.Delivered) - val(w.Dropped); in != int64(len(msgs)) {
			return fmt.Errorf("t %d: counters leave %d in flight, %d are", x.Timestep, in, len(msgs))
		}
		if x.Timestep == 30 && x.Substep == 2 && (val(w.Dropped) == 0 || val(w.Throttled) != 5*30 || val(w.Unroutable) != 2*30 || val(w.Lost) == 0) {
			return fmt.Errorf("t 30: dropped %d, throttled %d, unroutable %d, lost %d", val(w.Dropped), val(w.Throttled), val(w.Unroutable), val(w.Lost))
		}
		if x.Timestep == 30 && x.Substep == 2 && int64(len(got)) != val(w.Delivered) {
			return fmt.Errorf("the protocol saw %d deliveries, the counter %d", len(got), val(w.Delivered))
		}
		return nil
	}
	run(t, m, 30, 4, r)
	for id, k := range got {
		if k != 1 {
			t.Errorf("message %d delivered %d times", id, k)
		}
	}
	if slices.ContainsFunc(lateness, func(d int64) bool { return d != 0 }) {
		t.Errorf("deliveries after their due timestep: %v", lateness)
	}
}

type recorderFunc func(*gds.Row) error

func (f recorderFunc) Record(r *gds.Row) error { return f(r) }

func slotOf(m *gds.Model, name string) int {
	v, ok := m.Var(name)
	if !ok {
		panic("no variable " + name)
	}
	return v.Slot
}
