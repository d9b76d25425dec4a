package network_test

import (
	"context"
	"fmt"

	"github.com/statecraft/statecraft/blocks/network"
	"github.com/statecraft/statecraft/gds"
)

// A rumour floods a ring of 10 peers, each linked to its nearest
// neighbour on each side, from peer 0: one hop per timestep, so the ring
// is covered after 5 rounds, its eccentricity.
func Example() {
	b := gds.NewBuilder("rumour")
	net := gds.GraphOf(b, "net", gds.GraphData[network.Peer, network.Link]{})
	coverage := b.Float("coverage", 0)
	components := b.Int("components", 0)
	b.PSUB("topology", network.Generate(net, func(c *gds.Ctx, tx *gds.GraphTx[network.Peer, network.Link]) error {
		seed := func(id int) network.Peer { return network.Peer{Up: true, Informed: id == 0} }
		return network.Ring(tx, 10, 1, seed, network.PeerLink(1, 0))
	}))
	b.PSUB("gossip", network.PeerGossip(0, nil).Update(net)) // fanout 0: flooding
	b.PSUB("measure",
		network.CoverageUpdate(coverage, net, network.PeerFields),
		network.ComponentsUpdate(components, net))
	m, err := b.Build()
	if err != nil {
		fmt.Println(err)
		return
	}
	rec := recorderFunc(func(r *gds.Row) error {
		if r.Substep == 3 {
			fmt.Printf("t=%d coverage=%.1f components=%d\n", r.Timestep, r.Floats()[0], r.Ints()[0])
		}
		return nil
	})
	if err := m.NewEngine().Run(context.Background(), &gds.Job{Run: 1, Timesteps: 6, Seed: [2]uint64{1, 2}}, rec); err != nil {
		fmt.Println(err)
	}
	// Output:
	// t=1 coverage=0.3 components=1
	// t=2 coverage=0.5 components=1
	// t=3 coverage=0.7 components=1
	// t=4 coverage=0.9 components=1
	// t=5 coverage=1.0 components=1
	// t=6 coverage=1.0 components=1
}
