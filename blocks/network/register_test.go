package network_test

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/statecraft/statecraft/blocks"
	"github.com/statecraft/statecraft/blocks/network"
	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/modelfile"
)

// registered are the blocks the family registers, sorted.
var registered = []string{
	"network.alive", "network.availability", "network.components", "network.coverage",
	"network.edges", "network.expected_coverage", "network.failures", "network.gossip",
	"network.mean_degree", "network.topology", "network.up",
}

const estimatesFile = `
name = "estimates"

[variables]
availability = 0.0
coverage = 0.0

[params]
rate = 0.05

[[psubs]]
name = "estimate"

  [psubs.updates]
  availability = { use = "network.availability", args = { rate = "rate", recovery = 4.0 } }
  coverage = { use = "network.expected_coverage", args = { n = 100, fanout = 2, loss = 0.1, rounds = "t" } }
`

// TestRegisteredBlocks: the family registers exactly its blocks and the
// graph type network.peers; the estimates compute Availability and
// ExpectedCoverage from a model file, and bad arguments fail the model
// when it is loaded, naming the block.
func TestRegisteredBlocks(t *testing.T) {
	var got []string
	for _, n := range blocks.Names() {
		if strings.HasPrefix(n, "network.") {
			got = append(got, n)
		}
	}
	if !slices.Equal(got, registered) {
		t.Errorf("registered %v, want %v", got, registered)
	}
	if gt, ok := blocks.Default.LookupGraphType(network.PeersType); !ok || gt.Doc == "" {
		t.Errorf("graph type %s: %+v, %v", network.PeersType, gt, ok)
	}
	m, err := modelfile.Parse("estimates.toml", []byte(estimatesFile))
	if err != nil {
		t.Fatal(err)
	}
	var r rows
	if err := m.NewEngine().Run(context.Background(), &gds.Job{Run: 1, Timesteps: 10}, &r); err != nil {
		t.Fatal(err)
	}
	for step := 1; step <= 10; step++ {
		row := r.floats[step]
		if a := row[slotOf(m, "availability")]; a != network.Availability(0.05, 4) {
			t.Errorf("t %d: availability %v, want %v", step, a, network.Availability(0.05, 4))
		}
		if c, want := row[slotOf(m, "coverage")], network.ExpectedCoverage(100, 2, 0.1, step); c != want {
			t.Errorf("t %d: coverage %v, want %v", step, c, want)
		}
	}
	if c := r.floats[10][slotOf(m, "coverage")]; !(c > 0.99 && c <= 1) || math.IsNaN(c) {
		t.Errorf("coverage after 10 rounds of fanout 2: %v", c)
	}
	for _, tc := range []struct{ from, to, want string }{
		{`rate = "rate"`, `rate = 1.5`, "network.availability: rate 1.5"},
		{`loss = 0.1`, `loss = -0.1`, "network.expected_coverage: n 100, loss -0.1"},
		{`n = 100`, `n = -3`, "network.expected_coverage: n -3"},
	} {
		_, err := modelfile.Parse("bad.toml", []byte(strings.Replace(estimatesFile, tc.from, tc.to, 1)))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.to, err, tc.want)
		}
	}
}

// netFile is a model file of a network.peers graph: a topology, failures
// and gossip with the given arguments, then every summary and test.probe
// in a last PSUB.
func netFile(topology, failures, gossip string) string {
	return fmt.Sprintf(`
[variables]
net = { type = "graph", records = "network.peers" }
alive = 0
up = 0
edges = 0
components = 0
mean_degree = 0.0
coverage = 0.0
probe = 0

[[psubs]]
name = "topology"
  [psubs.updates]
  net = { use = "network.topology", args = { %s } }

[[psubs]]
name = "failures"
  [psubs.updates]
  net = { use = "network.failures", args = { %s } }

[[psubs]]
name = "gossip"
  [psubs.updates]
  net = { use = "network.gossip", args = { %s } }

[[psubs]]
name = "measure"
  [psubs.updates]
  alive = { use = "network.alive", args = { graph = "net" } }
  up = { use = "network.up", args = { graph = "net" } }
  edges = { use = "network.edges", args = { graph = "net" } }
  components = { use = "network.components", args = { graph = "net" } }
  mean_degree = { use = "network.mean_degree", args = { graph = "net" } }
  coverage = { use = "network.coverage", args = { graph = "net" } }
  probe = { use = "test.probe", args = { graph = "net" } }
`, topology, failures, gossip)
}

// goStats are the family's Go summaries of a view.
type goStats struct {
	alive, up, edges, components int
	meanDegree, coverage         float64
}

// probed is what test.probe saw: per timestep t (index t−1), the graph
// before the measure PSUB and the Go summaries of that view.
type probed struct {
	snaps []snapshot
	stats []goStats
}

// netRegistry returns a registry with the network family's graph type
// and blocks, a second graph type test.other, and test.probe: an update
// of an int variable that hands the graph before its PSUB to p.
func netRegistry(t testing.TB, p *probed) *blocks.Registry {
	t.Helper()
	reg := blocks.NewRegistry()
	for _, n := range registered {
		d, _ := blocks.Lookup(n)
		reg.MustRegister(d)
	}
	peers, _ := blocks.Default.LookupGraphType(network.PeersType)
	reg.MustRegisterGraphType(peers)
	reg.MustRegisterGraphType(blocks.GraphType{Name: "test.other", Doc: "nodes with a level", Declare: func(b *gds.Builder, name string, opts ...gds.VarOption) any {
		return gds.GraphOf(b, name, gds.GraphData[struct{ Level float64 }, struct{}]{}, opts...)
	}})
	reg.MustRegister(blocks.Def{Name: "test.probe", Doc: "records the graph", Target: gds.KindInt,
		Args: []blocks.Arg{{Name: "graph", Kind: gds.KindGraph, Doc: "the graph"}},
		New: func(b *blocks.Binding) (gds.Block, error) {
			g, err := blocks.GraphArg[peer, link](b, "graph")
			if err != nil {
				return gds.Block{}, err
			}
			return b.TargetInt.Update(func(c *gds.Ctx) int64 {
				if p == nil {
					return 0
				}
				if c.T == 1 { // a new job (Build traces one)
					p.snaps, p.stats = p.snaps[:0], p.stats[:0]
				}
				v := g.Get(c)
				p.snaps = append(p.snaps, snap(c.T, v))
				p.stats = append(p.stats, goStats{network.Alive(v), network.Up(v, network.PeerFields), network.Edges(v),
					network.Components(v), network.MeanDegree(v), network.Coverage(v, network.PeerFields)})
				return 0
			}), nil
		}})
	return reg
}

// netRun compiles src, runs it for steps timesteps with the seed and
// returns the rows at the end of each timestep (index t; 0: the initial
// row) and what the probe saw.
func netRun(t testing.TB, src string, steps int, seed uint64) (*gds.Model, rows, *probed) {
	t.Helper()
	p := &probed{}
	c := modelfile.Compiler{Blocks: netRegistry(t, p)}
	m, err := c.Parse("net.toml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var all rows
	run(t, m, steps, seed, &all)
	var r rows
	for i := 0; i < len(all.ints); i += m.PSUBs() {
		r.ints, r.floats = append(r.ints, all.ints[i]), append(r.floats, all.floats[i])
	}
	if len(r.ints) != steps+1 || len(p.snaps) != steps {
		t.Fatalf("%d rows, %d probes for %d timesteps", len(r.ints), len(p.snaps), steps)
	}
	return m, r, p
}

const noFailures, flooding = `rate = 0.0`, `fanout = 0`

// TestTopologyBlock: network.topology builds at timestep 1 the graph its
// shape promises (the node count, the edge count, the degree sequence,
// both directions of every link, the links' latency and loss), the same
// graph as the Go generator on the job's stream, the same for the same
// seed and another for another seed, and leaves it unchanged after.
func TestTopologyBlock(t *testing.T) {
	all := func(d int) func([]int) bool {
		return func(deg []int) bool { return !slices.ContainsFunc(deg, func(x int) bool { return x != d }) }
	}
	atLeast := func(d int) func([]int) bool {
		return func(deg []int) bool { return !slices.ContainsFunc(deg, func(x int) bool { return x < d }) }
	}
	cases := []struct {
		args     string
		n, edges int
		degrees  func([]int) bool
		gen      func(c *gds.Ctx, tx *gds.GraphTx[peer, link]) error // the Go generator, for random shapes
	}{
		{`shape = '"complete"', n = 6`, 6, 30, all(5), nil},
		{`shape = '"ring"', n = 10, k = 2`, 10, 40, all(4), nil},
		{`shape = '"random_regular"', n = 50`, 50, 200, all(4), func(c *gds.Ctx, tx *gds.GraphTx[peer, link]) error {
			return network.RandomRegular(tx, 50, 4, c.Src, network.PeerNode, network.PeerLink(1, 0))
		}},
		{`shape = '"random_regular"', n = 20, k = 3, latency = 2.5, loss = 0.25`, 20, 60, all(3), func(c *gds.Ctx, tx *gds.GraphTx[peer, link]) error {
			return network.RandomRegular(tx, 20, 3, c.Src, network.PeerNode, network.PeerLink(2.5, 0.25))
		}},
		{`shape = '"erdos_renyi"', n = 12, p = 1.0`, 12, 132, all(11), nil},
		{`shape = '"erdos_renyi"', n = 12, p = 0.0`, 12, 0, all(0), nil},
		{`shape = '"erdos_renyi"', n = 40, p = 0.2`, 40, -1, atLeast(0), func(c *gds.Ctx, tx *gds.GraphTx[peer, link]) error {
			return network.ErdosRenyi(tx, 40, 0.2, c.Src, network.PeerNode, network.PeerLink(1, 0))
		}},
		{`shape = '"barabasi_albert"', n = 40, k = 3`, 40, 2 * 3 * 37, atLeast(1), func(c *gds.Ctx, tx *gds.GraphTx[peer, link]) error {
			return network.BarabasiAlbert(tx, 40, 3, c.Src, network.PeerNode, network.PeerLink(1, 0))
		}},
	}
	for _, tc := range cases {
		t.Run(tc.args, func(t *testing.T) {
			src := netFile(tc.args, noFailures, flooding)
			_, r, p := netRun(t, src, 4, 7)
			g := p.snaps[0]
			if len(g.Nodes) != tc.n || slices.Contains(g.Alive, false) || slices.ContainsFunc(g.Nodes, func(n peer) bool { return !n.Up }) {
				t.Fatalf("%d nodes, alive %v, want %d alive and up", len(g.Nodes), g.Alive, tc.n)
			}
			if tc.edges >= 0 && len(g.Edges) != tc.edges {
				t.Errorf("%d edges, want %d", len(g.Edges), tc.edges)
			}
			if !tc.degrees(g.degrees()) {
				t.Errorf("degrees %v", g.degrees())
			}
			lat, loss := 1.0, 0.0
			if strings.Contains(tc.args, "latency") {
				lat, loss = 2.5, 0.25
			}
			for k, e := range g.Edges {
				back, ok := g.Edges[[2]int{k[1], k[0]}]
				if k[0] == k[1] || !ok || back != (gds.Edge[link]{To: k[0], Weight: e.Weight, Attr: e.Attr}) {
					t.Fatalf("edge %v: no reverse twin, or a self-loop", k)
				}
				if e.Weight != lat || e.Attr != (link{Latency: lat, Loss: loss}) {
					t.Fatalf("edge %v: %+v, want latency %v and loss %v", k, e, lat, loss)
				}
			}
			for _, s := range p.snaps[1:] {
				if !slices.Equal(s.pairs(), g.pairs()) {
					t.Fatalf("the graph changed at timestep %d", s.T)
				}
			}
			if r.ints[1][0] != int64(tc.n) || r.ints[1][2] != int64(len(g.Edges)) {
				t.Errorf("alive %d, edges %d at timestep 1", r.ints[1][0], r.ints[1][2])
			}
			if tc.gen == nil {
				return
			}
			if want := generated(t, 7, tc.gen); !slices.Equal(g.pairs(), want.pairs()) {
				t.Errorf("the block's graph is not the Go generator's on the same stream")
			}
			if _, _, again := netRun(t, src, 1, 7); !slices.Equal(again.snaps[0].pairs(), g.pairs()) {
				t.Errorf("seed 7 made two graphs")
			}
			if _, _, other := netRun(t, src, 1, 8); slices.Equal(other.snaps[0].pairs(), g.pairs()) {
				t.Errorf("seeds 7 and 8 made the same graph")
			}
		})
	}
}

// TestGossipBlock: on a connected graph without failures or loss,
// network.gossip informs the source at timestep start and then floods a
// ring one hop per round, each peer at start + its hop distance;
// coverage rises to 1 with fanout 1 and 2 on a random regular graph.
func TestGossipBlock(t *testing.T) {
	for _, start := range []int{1, 3} {
		_, r, p := netRun(t, netFile(`shape = '"ring"', n = 10, k = 1`, noFailures, fmt.Sprintf(`fanout = 0, source = 4, start = %d`, start)), 10, 1)
		cov := slotOfFloat(r, 1)
		for step := 1; step <= 10; step++ {
			want := 0.0
			if step >= start {
				want = min(float64(2*(step-start)+1)/10, 1)
			}
			if c := cov(step); math.Abs(c-want) > 1e-12 {
				t.Errorf("start %d: coverage %v at timestep %d, want %v", start, c, step, want)
			}
		}
		for id, n := range p.snaps[9].Nodes {
			hops := min((id-4+10)%10, (4-id+10)%10)
			if !n.Informed || n.InformedAt != int64(start+hops) {
				t.Errorf("start %d: peer %d %+v, want informed at %d", start, id, n, start+hops)
			}
		}
	}
	for _, fanout := range []int{1, 2} {
		_, r, _ := netRun(t, netFile(`shape = '"random_regular"', n = 100`, noFailures, fmt.Sprintf("fanout = %d", fanout)), 60, 3)
		cov := slotOfFloat(r, 1)
		for step := 2; step <= 60; step++ {
			if cov(step) < cov(step-1) {
				t.Fatalf("fanout %d: coverage fell from %v to %v at timestep %d", fanout, cov(step-1), cov(step), step)
			}
		}
		if cov(1) != 0.01 || cov(60) != 1 {
			t.Errorf("fanout %d: coverage %v at timestep 1, %v at 60; want 0.01 and 1", fanout, cov(1), cov(60))
		}
	}
}

// slotOfFloat returns the float variable of the given slot at the end of
// a timestep.
func slotOfFloat(r rows, slot int) func(step int) float64 {
	return func(step int) float64 { return r.floats[step][slot] }
}

// TestFailuresBlock: random failures take about the share of peers down
// that Availability predicts, a down peer stays down until its
// DownUntil, and a scheduled outage takes exactly its peer down for
// DownAt <= t < UpAt (up_at = 0: for good).
func TestFailuresBlock(t *testing.T) {
	m, r, p := netRun(t, netFile(`shape = '"complete"', n = 40`, `rate = 0.2, recovery = 3`, flooding), 400, 5)
	up, sum := slotOf(m, "up"), 0.0
	for step := 1; step <= 400; step++ {
		sum += float64(r.ints[step][up])
		for id, n := range p.snaps[step-1].Nodes {
			if !n.Up && n.DownUntil <= int64(step) {
				t.Fatalf("timestep %d: peer %d is down with DownUntil %d", step, id, n.DownUntil)
			}
		}
	}
	if share, want := sum/400/40, network.Availability(0.2, 3); math.Abs(share-want) > 0.03 {
		t.Errorf("share of peers up %v, want %v ± 0.03", share, want)
	}
	for _, tc := range []struct {
		upAt, until int // until: the first timestep up again (0: never)
	}{{8, 8}, {0, 0}} {
		m, r, p := netRun(t, netFile(`shape = '"ring"', n = 10, k = 1`, fmt.Sprintf(`rate = 0.0, node = 3, down_at = 5, up_at = %d`, tc.upAt), flooding), 12, 5)
		for step := 1; step <= 12; step++ {
			down := step >= 5 && (tc.until == 0 || step < tc.until)
			want := int64(10)
			if down {
				want = 9
			}
			if got := r.ints[step][slotOf(m, "up")]; got != want || p.snaps[step-1].Nodes[3].Up == down {
				t.Errorf("up_at %d: timestep %d: %d up, peer 3 up %v; want %d", tc.upAt, step, got, p.snaps[step-1].Nodes[3].Up, want)
			}
		}
	}
}

// TestSummaryBlocks: on a graph that fails and gossips, every summary
// block equals the family's Go function on the same view at every
// timestep, and the run moves each of them.
func TestSummaryBlocks(t *testing.T) {
	m, r, p := netRun(t, netFile(`shape = '"erdos_renyi"', n = 60, p = 0.04`, `rate = 0.1, recovery = 2`, `fanout = 1`), 30, 11)
	slot := func(n string) int { return slotOf(m, n) }
	var ups []int
	partial, split := false, false
	for step := 1; step <= 30; step++ {
		ints, floats, want := r.ints[step], r.floats[step], p.stats[step-1]
		got := goStats{int(ints[slot("alive")]), int(ints[slot("up")]), int(ints[slot("edges")]), int(ints[slot("components")]),
			floats[slot("mean_degree")], floats[slot("coverage")]}
		if got != want {
			t.Errorf("timestep %d: blocks %+v, Go %+v", step, got, want)
		}
		ups = append(ups, got.up)
		partial = partial || (got.coverage > 0 && got.coverage < 1)
		split = split || got.components > 1
	}
	if slices.Min(ups) == slices.Max(ups) || !partial || !split {
		t.Errorf("the run does not exercise the summaries: up %v, partial coverage %v, several components %v", ups, partial, split)
	}
}

// TestRegisteredGraphErrors: bad arguments of the graph blocks, graph
// arguments bound to a variable that is not a graph, and graphs of
// another type fail the model when it is loaded, naming the block, the
// argument and the problem.
func TestRegisteredGraphErrors(t *testing.T) {
	base := netFile(`shape = '"ring"', n = 10, k = 1`, noFailures, flooding)
	other := "probe = 0\nother = { type = \"graph\", records = \"test.other\" }\n"
	cases := []struct{ name, from, to, psub, want string }{ // psub: a PSUB to add at the end
		{"bad shape", `'"ring"'`, `'"rnig"'`, "", `PSUB "topology", update "net": panicked while tracing the defaults (timestep 1): graph "net": network.topology: argument shape must be one of complete, ring, random_regular, erdos_renyi, barabasi_albert, got "rnig" (did you mean "ring"?)`},
		{"shape needs", `n = 10, k = 1`, `n = 4, k = 2`, "", `network.topology: shape "ring", n = 4, k = 2, p = 0.1: network.Ring: n = 4, k = 2; want 0 <= 2k < n`},
		{"odd regular", `'"ring"', n = 10, k = 1`, `'"random_regular"', n = 5, k = 3`, "", `network.topology: shape "random_regular", n = 5, k = 3, p = 0.1: network.RandomRegular: n·d = 5·3 is odd`},
		{"loss", `k = 1`, `k = 1, loss = 1.5`, "", `network.topology: argument loss = 1.5; want a probability in [0, 1]`},
		{"rate", noFailures, `rate = 1.5`, "", `network.failures: argument rate = 1.5; want a probability in [0, 1]`},
		{"recovery", noFailures, `rate = 0.1, recovery = 0`, "", `network.failures: argument recovery = 0; want at least 1 timestep`},
		{"outage interval", noFailures, `rate = 0.0, node = 2, down_at = 5, up_at = 3`, "", `network.failures: arguments down_at = 5, up_at = 3: the outage is empty`},
		{"outage node", noFailures, `rate = 0.0, node = 10`, "", `network.failures: argument node = 10: the graph's peers are 0..9`},
		{"outage none", noFailures, `rate = 0.0, node = -2`, "", `network.failures: argument node = -2; want a peer (>= 0), or -1 for no outage`},
		{"fanout", flooding, `fanout = -1`, "", `network.gossip: argument fanout = -1; want >= 0`},
		{"source", flooding, `source = 10`, "", `network.gossip: argument source = 10: no such peer at timestep 1 (the graph has 10;`},
		{"start", flooding, `start = 0`, "", `network.gossip: argument start = 0; want a timestep >= 1`},
		{"graph argument not a graph", `alive = { use = "network.alive", args = { graph = "net" } }`, `alive = { use = "network.alive", args = { graph = "up" } }`, "",
			`key "psubs.3.updates.alive.args.graph": block "network.alive": argument "graph" must name a graph variable of the model (known: [net])`},
		{"graph argument of another type", "probe = 0\n", other, `alive = { use = "network.alive", args = { graph = "other" } }`,
			`block "network.alive": argument "graph": the graph's records are those of gds.Graph[struct { Level float64 },struct {}]; the block works on gds.Graph[github.com/statecraft/statecraft/blocks/network.Peer,github.com/statecraft/statecraft/blocks/network.Link]`},
		{"target of another type", "probe = 0\n", other, `other = { use = "network.gossip" }`,
			`block "network.gossip": target "other": the graph's records are those of gds.Graph[struct { Level float64 },struct {}]`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			src := strings.Replace(base, tc.from, tc.to, 1)
			if src == base {
				t.Fatal("the case changes nothing")
			}
			if tc.psub != "" {
				src += "\n[[psubs]]\n  [psubs.updates]\n  " + tc.psub + "\n"
			}
			c := modelfile.Compiler{Blocks: netRegistry(t, nil)}
			_, err := c.Parse("net.toml", []byte(src))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v\nwant one containing %q", err, tc.want)
			}
		})
	}
	c := modelfile.Compiler{Blocks: netRegistry(t, nil)}
	if _, err := c.Parse("net.toml", []byte(base)); err != nil {
		t.Fatalf("the base model: %v", err)
	}
}

// TestGossipModel: the shipped model file models/gossip.toml loads with
// the default registry and runs: 200 peers of degree 4, one component,
// and coverage that reaches 1 within 100 rounds.
func TestGossipModel(t *testing.T) {
	m, err := modelfile.Load(filepath.Join("..", "..", "models", "gossip.toml"))
	if err != nil {
		t.Fatal(err)
	}
	var r rows
	run(t, m, 100, 1, &r)
	last := len(r.ints) - 1
	if a, e, c, cov := r.ints[last][slotOf(m, "alive")], r.ints[last][slotOf(m, "edges")], r.ints[last][slotOf(m, "components")], r.floats[last][slotOf(m, "coverage")]; a != 200 || e != 800 || c != 1 || cov != 1 {
		t.Errorf("after 100 timesteps: alive %d, edges %d, components %d, coverage %v", a, e, c, cov)
	}
}

// TestBlocksDocumented: docs/blocks.md has a summary row and a section
// for every registered block of the family, naming each argument, and
// documents the graph type.
func TestBlocksDocumented(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "docs", "blocks.md"))
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	if !strings.Contains(doc, "`"+network.PeersType+"`") {
		t.Errorf("docs/blocks.md does not name the graph type %s", network.PeersType)
	}
	for _, n := range registered {
		anchor := strings.ReplaceAll(n, ".", "")
		if !strings.Contains(doc, fmt.Sprintf("| [`%s`](#%s) |", n, anchor)) {
			t.Errorf("docs/blocks.md: no summary row for %s", n)
		}
		_, sec, ok := strings.Cut(doc, "\n### "+n+"\n")
		if !ok {
			t.Errorf("docs/blocks.md: no section ### %s", n)
			continue
		}
		if i := strings.Index(sec, "\n#"); i >= 0 {
			sec = sec[:i]
		}
		d, _ := blocks.Lookup(n)
		for _, a := range d.Args {
			if !strings.Contains(sec, "| `"+a.Name+"` |") {
				t.Errorf("docs/blocks.md: section %s does not document argument %s", n, a.Name)
			}
		}
		if !strings.Contains(sec, `use = "`+n+`"`) {
			t.Errorf("docs/blocks.md: section %s has no usage snippet", n)
		}
	}
}
