package network_test

import (
	"context"
	"strings"
	"testing"

	"github.com/statecraft/statecraft/blocks/network"
	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/modelfile"
)

// TestNoAllocs: after a warm-up job, a job of a model that fails and
// recovers nodes, gossips, pings over a Wire with a bandwidth cap and
// measures coverage allocates nothing per substep; nor does one that
// runs discovery.
func TestNoAllocs(t *testing.T) {
	b := gds.NewBuilder("steady")
	nodes := make([]peer, 200)
	var edges []gds.EdgeData[link]
	for i := range nodes {
		nodes[i] = peer{Up: true, Informed: i == 0}
		for _, j := range []int{(i + 1) % 200, (i + 199) % 200, (i + 17) % 200} {
			edges = append(edges, gds.EdgeData[link]{From: i, To: j, Weight: 1, Attr: link{Latency: 2, Loss: 0.1}})
		}
	}
	g := gds.GraphOf(b, "net", gds.GraphData[peer, link]{Nodes: nodes, Edges: edges})
	cov := b.Float("coverage", 0)
	w := network.NewWire(b, "msgs", 1, network.PeerReceiver(g, nil))
	b.PSUB("fail", network.PeerFailures(g, network.Failures{Rate: 0.01, Recovery: 5}))
	b.PSUB("gossip", network.PeerGossip(2, nil).Update(g))
	b.PSUB("ping", append([]gds.Block{w.Policy("ping", func(c *gds.Ctx) {
		v := g.Get(c)
		o := network.Open(w, c, network.PeerLinks(v))
		for u := range v.Len() {
			o.Send(network.Message{From: u, To: (u + 1) % 200})
			o.Send(network.Message{From: u, To: (u + 1) % 200})
		}
		o.Close()
	})}, w.Updates()...)...)
	b.PSUB("measure", network.CoverageUpdate(cov, g, network.PeerFields))
	noAllocs(t, build(t, b))

	b = gds.NewBuilder("discovery")
	known := gds.GraphOf(b, "known", gds.GraphData[peer, link]{Nodes: nodes[:40]})
	parts := network.Partitions{mustSplit(t, 20, 60, []int{1, 2, 3})}
	d := network.Discovery[peer, link]{Known: known, Wire: network.NewWire(b, "msgs", 2, network.PeerReceiver(known, parts.Connected)),
		Fields: network.PeerFields, Bootstrap: []int{0, 5}, Link: link{Latency: 2, Loss: 0.2}, Every: 3, Fanout: 4, Share: 5, Connected: parts.Connected}
	b.PSUB("fail", network.PeerFailures(known, network.Failures{Rate: 0.01, Recovery: 5}))
	b.PSUB("discover", d.Blocks("discovery")...)
	noAllocs(t, build(t, b))
}

func noAllocs(t *testing.T, m *gds.Model) {
	t.Helper()
	e := m.NewEngine()
	job := &gds.Job{Run: 1, Timesteps: 200, Seed: [2]uint64{1, 2}}
	allocs := testing.AllocsPerRun(3, func() {
		if err := e.Run(context.Background(), job, discard{}); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Fatalf("%s: a 200-step job allocated %v times after warm-up; want 0", m.Name(), allocs)
	}
}

// TestRegisteredNoAllocsPerStep: the registered blocks of a model file
// allocate nothing per substep after warm-up, the scheduled outage of
// network.failures included: a job of 200 timesteps allocates what one of
// 20 does (network.topology's generator, at timestep 1).
func TestRegisteredNoAllocsPerStep(t *testing.T) {
	src := strings.Replace(netFile(`shape = '"random_regular"', n = 100`, `rate = 0.05, recovery = 3, node = 2, down_at = 5, up_at = 9`, `fanout = 2`),
		`components = { use = "network.components", args = { graph = "net" } }`, "", 1) // gonum's components allocate
	c := modelfile.Compiler{Blocks: netRegistry(t, nil)}
	m, err := c.Parse("net.toml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	e := m.NewEngine()
	allocs := func(steps int) float64 {
		job := &gds.Job{Run: 1, Timesteps: steps, Seed: [2]uint64{1, 2}}
		return testing.AllocsPerRun(3, func() {
			if err := e.Run(context.Background(), job, discard{}); err != nil {
				t.Fatal(err)
			}
		})
	}
	if short, long := allocs(20), allocs(200); long != short {
		t.Fatalf("a 20-step job allocated %v times, a 200-step job %v; want the same", short, long)
	}
}
