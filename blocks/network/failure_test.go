package network_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/statecraft/statecraft/blocks/network"
	"github.com/statecraft/statecraft/gds"
)

// failModel is n unlinked Peers under f; the history holds them after
// each timestep.
func failModel(t testing.TB, n int, f network.Failures) (*gds.Model, *history) {
	b := gds.NewBuilder("fail")
	g := gds.GraphOf(b, "net", gds.GraphData[peer, link]{Nodes: slices.Repeat([]peer{{Up: true}}, n)})
	b.PSUB("fail", network.PeerFailures(g, f))
	h := &history{}
	h.probe(b, g)
	return build(t, b), h
}

// TestOutagesDown: a node is down exactly at the timesteps of its
// intervals [DownAt, UpAt), overlapping or not.
func TestOutagesDown(t *testing.T) {
	s := network.Outages{{Node: 1, DownAt: 3, UpAt: 5}, {Node: 1, DownAt: 4, UpAt: 8}, {Node: 2, DownAt: 10, UpAt: network.Forever}, {Node: 0, DownAt: 1, UpAt: 2}}
	for _, tc := range []struct {
		node int
		down []int64 // within 0..20
	}{
		{0, []int64{1}},
		{1, []int64{3, 4, 5, 6, 7}},
		{2, []int64{10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20}},
		{3, nil},
	} {
		var got []int64
		for ts := int64(0); ts <= 20; ts++ {
			if s.Down(tc.node, ts) {
				got = append(got, ts)
			}
		}
		if !slices.Equal(got, tc.down) {
			t.Errorf("node %d down at %v, want %v", tc.node, got, tc.down)
		}
	}
	for _, bad := range []network.Outages{{{Node: -1, DownAt: 1, UpAt: 2}}, {{Node: 0, DownAt: 3, UpAt: 3}}} {
		if err := bad.Validate(); err == nil || !strings.Contains(err.Error(), "outage 0") {
			t.Errorf("Validate(%v) = %v", bad, err)
		}
	}
}

// TestFailScheduled: under a schedule alone, a node is up in the graph
// exactly when it is not in one of its outages.
func TestFailScheduled(t *testing.T) {
	s := network.Outages{{Node: 1, DownAt: 3, UpAt: 5}, {Node: 1, DownAt: 4, UpAt: 8}, {Node: 4, DownAt: 1, UpAt: 30}, {Node: 0, DownAt: 20, UpAt: network.Forever}}
	m, h := failModel(t, 6, network.Failures{Schedule: s})
	run(t, m, 40, 1, nil)
	for _, snap := range h.s {
		for id, p := range snap.Nodes {
			if p.Up == s.Down(id, int64(snap.T)) || p.DownUntil != 0 {
				t.Fatalf("timestep %d: node %d is %+v, scheduled down %v", snap.T, id, p, s.Down(id, int64(snap.T)))
			}
		}
	}
}

// downRuns returns the lengths of the runs of timesteps node id is down,
// with the timestep each starts, from a history.
func downRuns(h *history, id int) (starts []int, lengths []int) {
	for k, s := range h.s {
		if s.Nodes[id].Up {
			continue
		}
		if k == 0 || h.s[k-1].Nodes[id].Up {
			starts, lengths = append(starts, s.T), append(lengths, 0)
		}
		lengths[len(lengths)-1]++
	}
	return starts, lengths
}

// TestFailRandom: random failures are a function of the seed, last
// exactly Recovery timesteps (DownUntil says when they end), or a
// geometric number with mean RecoveryMean, and combine with a schedule:
// a node is up when neither holds.
func TestFailRandom(t *testing.T) {
	f := network.Failures{Rate: 0.1, Recovery: 3, Schedule: network.Outages{{Node: 0, DownAt: 50, UpAt: 60}}}
	m, h := failModel(t, 40, f)
	ups := func(seed uint64) []bool {
		run(t, m, 150, seed, nil)
		var u []bool
		for _, s := range h.s {
			for _, p := range s.Nodes {
				u = append(u, p.Up)
			}
		}
		return u
	}
	first := ups(7)
	if !slices.Equal(first, ups(7)) {
		t.Fatal("seed 7 gave two failure histories")
	}
	if slices.Equal(first, ups(8)) {
		t.Fatal("seeds 7 and 8 gave the same failure history")
	}
	run(t, m, 150, 7, nil)
	for id := 1; id < 40; id++ { // no schedule: every run but a truncated last is 3, or back to back
		starts, lengths := downRuns(h, id)
		for k, l := range lengths {
			if l%3 != 0 && !(k == len(lengths)-1 && starts[k]+l-1 == 150) {
				t.Fatalf("node %d: down for %d timesteps from %d", id, l, starts[k])
			}
		}
		for _, s := range h.s {
			if p := s.Nodes[id]; p.Up != (p.DownUntil <= int64(s.T)) || p.DownUntil > int64(s.T)+3 {
				t.Fatalf("timestep %d: node %d is %+v", s.T, id, p)
			}
		}
	}
	for _, s := range h.s {
		if p := s.Nodes[0]; p.Up != (p.DownUntil <= int64(s.T) && !f.Schedule.Down(0, int64(s.T))) {
			t.Fatalf("timestep %d: node 0 (scheduled down 50..59) is %+v", s.T, p)
		}
	}
	// Geometric durations: at least 1, mean RecoveryMean.
	m, h = failModel(t, 100, network.Failures{Rate: 0.05, RecoveryMean: 4})
	run(t, m, 400, 3, nil)
	total, runs := 0, 0
	for id := range 100 {
		starts, lengths := downRuns(h, id)
		for k, l := range lengths {
			if starts[k]+l-1 < 400 { // not truncated
				total, runs = total+l, runs+1
			}
		}
	}
	// Runs of back-to-back failures merge, so the mean run is a little
	// longer than 4: 4/(1−0.05) ≈ 4.2 on average.
	if mean := float64(total) / float64(runs); runs < 500 || math.Abs(mean-4/(1-0.05)) > 0.35 {
		t.Fatalf("%d down runs, mean length %.2f; want about 4.2", runs, mean)
	}
}

// TestAvailability: the long-run share of nodes up under random failures
// is Availability(rate, mean duration), fixed or geometric.
func TestAvailability(t *testing.T) {
	for _, tc := range []struct {
		f network.Failures
		d float64
	}{
		{network.Failures{Rate: 0.05, Recovery: 4}, 4},
		{network.Failures{Rate: 0.2, Recovery: 1}, 1},
		{network.Failures{Rate: 0.02, RecoveryMean: 10}, 10},
	} {
		b := gds.NewBuilder("avail")
		g := gds.GraphOf(b, "net", gds.GraphData[peer, link]{Nodes: slices.Repeat([]peer{{Up: true}}, 200)})
		b.PSUB("fail", network.PeerFailures(g, tc.f))
		up, steps := 0, 0
		counting := false
		probe(b, g, func(c *gds.Ctx, v gds.GraphView[peer, link]) {
			if counting && c.T > 100 { // past the start, when all are up
				up += network.Up(v, network.PeerFields)
				steps++
			}
		})
		m := build(t, b)
		counting = true
		run(t, m, 2100, 1, nil)
		got, want := float64(up)/float64(200*steps), network.Availability(tc.f.Rate, tc.d)
		t.Logf("%+v: up %.4f of the time, Availability %.4f", tc.f, got, want)
		if math.Abs(got-want) > 0.01 {
			t.Errorf("%+v: up %.4f of the time, want %.4f", tc.f, got, want)
		}
	}
	for _, tc := range []struct{ rate, d, want float64 }{{0, 5, 1}, {1, 5, 0}, {0.5, 1, 0.5}, {-1, 3, 1}, {0.1, 0, 0.9}} {
		if got := network.Availability(tc.rate, tc.d); math.Abs(got-tc.want) > 1e-15 {
			t.Errorf("Availability(%v, %v) = %v, want %v", tc.rate, tc.d, got, tc.want)
		}
	}
}

// TestFailuresInvalid: a bad failure model fails the block, which Build
// reports with the update's name.
func TestFailuresInvalid(t *testing.T) {
	for _, tc := range []struct {
		f    network.Failures
		want string
	}{
		{network.Failures{Rate: 1.5}, "failure rate 1.5"},
		{network.Failures{Rate: math.NaN()}, "failure rate NaN"},
		{network.Failures{Schedule: network.Outages{{Node: 2, DownAt: 5, UpAt: 1}}}, "outage 0: node 2 down from 5 up at 1"},
	} {
		b := gds.NewBuilder("bad")
		g := gds.GraphOf(b, "net", gds.GraphData[peer, link]{Nodes: make([]peer, 3)})
		b.PSUB("fail", network.PeerFailures(g, tc.f))
		_, err := b.Build()
		if err == nil || !strings.Contains(err.Error(), `update "net"`) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: Build error %v, want %q", tc.f, err, tc.want)
		}
	}
}

// TestPartitions: Split's groups, its errors, and Connected over
// overlapping partitions.
func TestPartitions(t *testing.T) {
	for _, tc := range []struct {
		groups   [][]int
		from, to int64
		want     string
	}{
		{[][]int{{0, 1}, {1, 2}}, 1, 5, "node 1 is in groups 1 and 2"},
		{[][]int{{-1}}, 1, 5, "group 1 lists node -1"},
		{[][]int{{0}}, 5, 5, "from 5 until 5 is empty"},
	} {
		if _, err := network.Split(tc.from, tc.to, tc.groups...); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Split(%d, %d, %v) = %v, want %q", tc.from, tc.to, tc.groups, err, tc.want)
		}
	}
	ps := network.Partitions{
		mustSplit(t, 10, 20, []int{0, 1}, []int{2, 3}), // 4.. are the rest
		mustSplit(t, 15, 25, []int{1}),
	}
	for _, tc := range []struct {
		u, v int
		t    int64
		want bool
	}{
		{0, 2, 9, true}, {0, 2, 10, false}, {0, 2, 19, false}, {0, 2, 20, true},
		{0, 1, 12, true}, {0, 1, 15, false}, {0, 1, 25, true},
		{2, 3, 15, true}, {4, 9, 15, true}, {0, 4, 12, false}, {4, 100, 12, true}, {1, 100, 22, false},
	} {
		if got := ps.Connected(tc.u, tc.v, tc.t); got != tc.want {
			t.Errorf("Connected(%d, %d, %d) = %v, want %v", tc.u, tc.v, tc.t, got, tc.want)
		}
	}
}

// TestPartitionMessages: while a partition holds, no message is
// delivered across it (no route at send; a message in flight when it
// starts is dropped on arrival); after it heals, messages cross again.
func TestPartitionMessages(t *testing.T) {
	part := network.Partitions{mustSplit(t, 5, 12, []int{0, 1, 2, 3, 4})}
	side := func(id int) bool { return id < 5 }
	router := network.Cut[network.Mesh]{Links: network.Mesh{Link: network.Link{Latency: 3}}, Connected: part.Connected}
	var crossedAfter, droppedCross, unroutable int
	for seed := uint64(1); seed <= 20; seed++ {
		r := rand.New(rand.NewPCG(seed, 1))
		var inflight, batch []network.Message
		for ts := int64(1); ts <= 20; ts++ {
			var tr network.Traffic
			inflight, tr = network.Deliver(inflight, ts, inflight[:0],
				func(m network.Message) bool { return part.Connected(m.From, m.To, ts) },
				func(m network.Message) {
					if cross := side(m.From) != side(m.To); cross && ts >= 5 && ts < 12 {
						t.Fatalf("seed %d: message %+v crossed the partition at %d", seed, m, ts)
					} else if cross && ts >= 12 {
						crossedAfter++
					}
				})
			droppedCross += tr.Dropped
			batch = batch[:0]
			for range 10 {
				batch = append(batch, network.Message{From: r.IntN(10), To: r.IntN(10)})
			}
			inflight, tr = network.Send(inflight, batch, ts, router, 0, r)
			if ts >= 5 && ts < 12 {
				unroutable += tr.Unroutable
			}
		}
	}
	if crossedAfter == 0 || droppedCross == 0 || unroutable == 0 {
		t.Fatalf("crossed after healing %d, dropped in flight %d, unroutable during %d: want all > 0", crossedAfter, droppedCross, unroutable)
	}
}
