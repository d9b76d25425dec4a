// Command allkinds is the statecraft CLI with one more model, all_kinds,
// whose state holds every kind of column (float, int, bool, string, vector,
// agent records). The interop check runs it to make a dataset that covers
// every column type; it also shows how a program registers its own models
// before handing over to the CLI.
package main

import (
	"os"

	"github.com/statecraft/statecraft/cli"
	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/models"
)

// Wallet is an agent record.
type Wallet struct {
	Cash   float64
	Tokens float64
	Trades int64
	Active bool
	Kind   string
}

// Site is a graph node record; Road an edge record.
type Site struct {
	Stock float64
	Open  bool
	Name  string
}

// Road is a graph edge record.
type Road struct {
	Trips int64
}

func build() (*gds.Model, error) {
	b := gds.NewBuilder("all_kinds")
	price := b.Float("price", 1)
	step := b.Int("step", 0)
	up := b.Bool("up", false)
	regime := b.String("regime", "calm")
	hist := b.Vec("hist", []float64{1, 1, 1})
	wallets := gds.AgentsOf(b, "wallets", []Wallet{{Cash: 100, Kind: "a"}, {Cash: 50, Kind: "b"}, {Cash: 10, Kind: "c"}})
	sites := gds.GraphOf(b, "sites", gds.GraphData[Site, Road]{
		Nodes: []Site{{Stock: 5, Open: true, Name: "a"}, {Stock: 3, Name: "b"}, {Stock: 1, Name: "c"}},
		Edges: []gds.EdgeData[Road]{{From: 0, To: 1, Weight: 1}, {From: 1, To: 2, Weight: 2}},
	})
	vol := b.ParamFloat("vol", 0.02)
	move := b.FloatSignal("move", gds.Sum)
	b.PSUB("market",
		gds.Policy("noise", func(c *gds.Ctx) { move.Emit(c, vol.Get(c)*c.Rand.NormFloat64()) }),
		price.Update(func(c *gds.Ctx) float64 { return price.Get(c) * (1 + move.Get(c)) }),
		up.Update(func(c *gds.Ctx) bool { return move.Get(c) > 0 }),
		step.Update(func(c *gds.Ctx) int64 { return step.Get(c) + 1 }),
	)
	b.PSUB("books",
		regime.Update(func(c *gds.Ctx) string {
			if price.Get(c) > 1 {
				return "bull"
			}
			return "bear"
		}),
		hist.Update(func(c *gds.Ctx, dst []float64) []float64 {
			return append(append(dst, hist.Get(c)[1:]...), price.Get(c))
		}),
		wallets.Update(func(c *gds.Ctx, dst []Wallet) []Wallet {
			dst = append(dst, wallets.Get(c)...)
			w := &dst[c.T%len(dst)]
			w.Cash -= price.Get(c)
			w.Tokens++
			w.Trades++
			w.Active = true
			return dst
		}),
		sites.Update(func(c *gds.Ctx, tx *gds.GraphTx[Site, Road]) {
			// a new site every 10 timesteps, linked both ways to a random
			// one; the oldest alive site closes at timestep 25
			if c.T%10 == 0 {
				to := c.Rand.IntN(tx.Len())
				id := tx.AddNode(Site{Stock: price.Get(c), Open: true, Name: "new"})
				if tx.Alive(to) {
					tx.SetEdge(id, to, c.Rand.Float64(), Road{})
					tx.SetEdge(to, id, c.Rand.Float64(), Road{})
				}
			}
			if c.T == 25 {
				tx.RemoveNode(0)
			}
			for id := range tx.Len() {
				if tx.Alive(id) {
					tx.NodeRef(id).Stock += price.Get(c) - 1
				}
			}
			for _, e := range tx.Out(c.T % tx.Len()) {
				tx.EdgeRef(c.T%tx.Len(), e.To).Attr.Trips++
			}
		}),
	)
	return b.Build()
}

func main() {
	if err := models.Register(models.Entry{Name: "all_kinds", Doc: "every kind of state column, for interop checks", Build: build}); err != nil {
		panic(err)
	}
	os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr))
}
