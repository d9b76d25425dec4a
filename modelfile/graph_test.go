package modelfile_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/statecraft/statecraft/blocks"
	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/modelfile"
)

type testNode struct{ Level float64 }
type testEdge struct{}

// graphRegistry has a graph type, test.nodes, a block that builds a path
// of n nodes, one that raises every level, and one that counts edges.
func graphRegistry(t *testing.T) *blocks.Registry {
	reg := blocks.NewRegistry()
	reg.MustRegisterGraphType(blocks.GraphType{Name: "test.nodes", Doc: "nodes with a level", Declare: func(b *gds.Builder, name string, opts ...gds.VarOption) any {
		return gds.GraphOf(b, name, gds.GraphData[testNode, testEdge]{}, opts...)
	}})
	reg.MustRegister(blocks.Def{Name: "test.path", Doc: "a path of n nodes at timestep 1, levels raised by step after", Target: gds.KindGraph,
		Args: []blocks.Arg{{Name: "n", Kind: gds.KindInt, Doc: "nodes"}, {Name: "step", Kind: gds.KindFloat, Default: "1.0", Doc: "raise"}},
		New: func(b *blocks.Binding) (gds.Block, error) {
			g, err := blocks.TargetGraph[testNode, testEdge](b)
			if err != nil {
				return gds.Block{}, err
			}
			n, step := b.Int("n"), b.Float("step")
			return g.Update(func(c *gds.Ctx, tx *gds.GraphTx[testNode, testEdge]) {
				if c.T == 1 {
					tx.Clear()
					for i := range n(c) {
						tx.AddNode(testNode{})
						if i > 0 {
							tx.SetEdge(int(i-1), int(i), 1, testEdge{})
						}
					}
					return
				}
				for id := range tx.Len() {
					tx.NodeRef(id).Level += step(c)
				}
			}), nil
		}})
	reg.MustRegister(blocks.Def{Name: "test.edges", Doc: "the graph's edge count", Target: gds.KindInt,
		Args: []blocks.Arg{{Name: "graph", Kind: gds.KindGraph, Doc: "the graph"}},
		New: func(b *blocks.Binding) (gds.Block, error) {
			g, err := blocks.GraphArg[testNode, testEdge](b, "graph")
			if err != nil {
				return gds.Block{}, err
			}
			return b.TargetInt.Update(func(c *gds.Ctx) int64 { return int64(g.Get(c).Size()) }), nil
		}})
	return reg
}

const graphModel = `
[variables]
net = { type = "graph", records = "test.nodes", doc = "the network" }
edges = 0
[params]
n = 5
[[psubs]]
  [psubs.updates]
  net = { use = "test.path", args = { n = "n" } }
[[psubs]]
  [psubs.updates]
  edges = { use = "test.edges", args = { graph = "net" } }
`

// TestModelFileGraph: a model file declares a graph variable of a
// registered graph type, builds it with one block and reads it with
// another.
func TestModelFileGraph(t *testing.T) {
	m, err := modelfile.Compiler{Blocks: graphRegistry(t)}.Parse("graph.toml", []byte(graphModel))
	if err != nil {
		t.Fatal(err)
	}
	v, ok := m.Var("net")
	if !ok || v.Kind != gds.KindGraph || len(v.Fields) != 1 || v.Fields[0].Name != "level" || v.Doc != "the network" {
		t.Fatalf("net = %+v", v)
	}
	var edges []int64
	var nodes int
	rec := recFunc(func(r *gds.Row) { edges = append(edges, r.Ints()[0]); nodes, _ = r.GraphCounts(0) })
	if err := m.NewEngine().Run(context.Background(), &gds.Job{Run: 1, Timesteps: 3}, rec); err != nil {
		t.Fatal(err)
	}
	if want := "[0 0 4 4 4 4 4]"; nodes != 5 || fmt.Sprint(edges) != want {
		t.Fatalf("edges %v, nodes %d; want %s and 5", edges, nodes, want)
	}
}

// TestModelFileGraphErrors: mistakes in graph declarations and graph
// arguments name the key and what is wrong.
func TestModelFileGraphErrors(t *testing.T) {
	cases := []struct{ name, from, to, want string }{
		{"no records", `records = "test.nodes", `, ``, `key "variables.net": a graph variable needs records = "family.name", its node and edge records (one of test.nodes)`},
		{"unknown records", `records = "test.nodes"`, `records = "test.node"`, `key "variables.net.records": unknown graph records "test.node"; want one of test.nodes (did you mean "test.nodes"?)`},
		{"initial", `doc = "the network"`, `initial = 3`, `key "variables.net.initial": unknown key (a graph starts empty; a block such as network.topology builds it)`},
		{"argument not a graph", `graph = "net"`, `graph = "edges"`, `key "psubs.1.updates.edges.args.graph": block "test.edges": argument "graph" must name a graph variable of the model`},
		{"expression on a graph", `net = { use = "test.path", args = { n = "n" } }`, `net = "n"`, `variable "net" is graph, the expression is int`},
		{"graph block on a float", `edges = { use = "test.edges", args = { graph = "net" } }`, `edges = { use = "test.path", args = { n = 2 } }`, `block "test.path" writes a graph variable; "edges" is int`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			src := strings.Replace(graphModel, tc.from, tc.to, 1)
			if src == graphModel {
				t.Fatalf("the case changes nothing")
			}
			_, err := modelfile.Compiler{Blocks: graphRegistry(t)}.Parse("graph.toml", []byte(src))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}
