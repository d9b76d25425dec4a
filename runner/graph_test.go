package runner_test

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/statecraft/statecraft/configs"
	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/models"
	"github.com/statecraft/statecraft/runner"
	"github.com/statecraft/statecraft/runner/dataset"
)

// Host is a graph node record; Wire an edge record.
type Host struct {
	Load float64
	Up   bool
}

// Wire is a graph edge record.
type Wire struct {
	Hops int64
}

var registerGraphOnce sync.Once

// registerGraphModel registers test_graph: a graph that grows by grow
// nodes a timestep, each linked to a random earlier node, loses a node
// every third timestep, and whose loads change at every substep; it
// panics at timestep fail_at of subset fail_subset.
func registerGraphModel(t testing.TB) {
	registerGraphOnce.Do(func() {
		err := models.Register(models.Entry{Name: "test_graph", Doc: "a graph that grows, loses nodes and changes", Build: func() (*gds.Model, error) {
			b := gds.NewBuilder("test_graph")
			g := gds.GraphOf(b, "net", gds.GraphData[Host, Wire]{Nodes: []Host{{Load: 1, Up: true}, {Load: 2}},
				Edges: []gds.EdgeData[Wire]{{From: 0, To: 1, Weight: 1}}})
			edges := b.Int("edges", 1)
			// an agent table declared after the graph: the secondary
			// tables' order (agents, then graphs) is not declaration order
			log := gds.AgentsOf(b, "log", []Wire{{Hops: 1}})
			grow := b.ParamInt("grow", 2)
			failSubset := b.ParamInt("fail_subset", -1)
			failAt := b.ParamInt("fail_at", 0)
			b.PSUB("grow", g.Update(func(c *gds.Ctx, tx *gds.GraphTx[Host, Wire]) {
				if int64(c.Subset) == failSubset.Get(c) && int64(c.T) == failAt.Get(c) {
					panic("deliberate failure")
				}
				for range grow.Get(c) {
					to := c.Rand.IntN(tx.Len())
					id := tx.AddNode(Host{Load: c.Rand.Float64(), Up: true})
					if tx.Alive(to) {
						tx.SetEdge(id, to, c.Rand.Float64(), Wire{Hops: int64(c.T)})
					}
				}
				if c.T%3 == 0 {
					if id := c.Rand.IntN(tx.Len()); tx.Alive(id) {
						tx.RemoveNode(id)
					}
				}
			}))
			b.PSUB("load",
				g.Update(func(c *gds.Ctx, tx *gds.GraphTx[Host, Wire]) {
					for id := range tx.Len() {
						if tx.Alive(id) {
							tx.NodeRef(id).Load += c.Rand.NormFloat64()
						}
					}
				}),
				edges.Update(func(c *gds.Ctx) int64 { return int64(g.Get(c).Size()) }),
				log.Update(func(c *gds.Ctx, dst []Wire) []Wire {
					return append(append(dst, log.Get(c)...), Wire{Hops: int64(g.Get(c).Order())})
				}),
			)
			return b.Build()
		}})
		if err != nil {
			t.Fatal(err)
		}
	})
}

const graphConfig = `
model = "test_graph"
timesteps = 12
runs = 3
seed = 5
[params]
grow = [1, 3]
[output]
graph_every = 4
`

// expectGraph runs every job of the plan on its own engine and returns
// the rows the graph tables must hold: nodes (ids, node, load, up) and
// edges (ids, from, to, weight, hops), at timestep 0 and the last substep
// of timesteps 4, 8 and 12, for the jobs that do not fail.
func expectGraph(t *testing.T, p *runner.Plan) (nodes, edges [][]any) {
	jobs := p.ShardJobs(0, 1)
	for k := range jobs.Len() {
		spec := p.Job(jobs.At(k))
		m := p.Sims[spec.Simulation].Model
		var jn, je [][]any
		rec := recorderFunc(func(r *gds.Row) error {
			if r.Timestep != 0 && (r.Substep != 2 || r.Timestep%4 != 0) {
				return nil
			}
			ids := []any{int64(r.Simulation), int64(r.Subset), int64(r.Run), int64(r.Timestep), int64(r.Substep)}
			loads, ups := r.AppendGraphFloats(nil, 0, false, 0), r.AppendGraphBools(nil, 0, false, 1)
			for i, id := range r.AppendGraphNodes(nil, 0) {
				jn = append(jn, append(slices.Clone(ids), int64(id), loads[i], ups[i]))
			}
			from, to, w := r.AppendGraphEdges(nil, nil, nil, 0)
			hops := r.AppendGraphInts(nil, 0, true, 0)
			for i := range from {
				je = append(je, append(slices.Clone(ids), int64(from[i]), int64(to[i]), w[i], hops[i]))
			}
			return nil
		})
		if err := m.NewEngine().Run(context.Background(), p.GDSJob(spec), rec); err != nil {
			continue // a failed job writes nothing
		}
		nodes, edges = append(nodes, jn...), append(edges, je...)
	}
	return nodes, edges
}

type recorderFunc func(*gds.Row) error

func (f recorderFunc) Record(r *gds.Row) error { return f(r) }

// TestGraphTables: a graph variable is written as a node table and an
// edge table of the graph at timestep 0 and every graph_every timesteps,
// whatever the worker count, without the rows of a failed job, with the
// substep table unaffected and the manifest listing both tables.
func TestGraphTables(t *testing.T) {
	registerGraphModel(t)
	for _, tc := range []struct {
		name string
		sets []string
		opt  runner.Options
	}{
		{"1 worker", nil, runner.Options{Workers: 1}},
		{"3 workers, small row groups", []string{"output.row_group_rows=7"}, runner.Options{Workers: 3}},
		{"batches of several jobs", []string{"output.row_group_rows=40"}, runner.Options{Workers: 2}},
		{"a failing job", []string{"params.fail_subset=1", "params.fail_at=6"}, runner.Options{Workers: 2}},
		{"drop_substeps", []string{"output.drop_substeps=true"}, runner.Options{Workers: 2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x, err := configs.Parse("graph.toml", []byte(graphConfig), tc.sets...)
			if err != nil {
				t.Fatal(err)
			}
			p := plan(t, x)
			tc.opt.Dir = t.TempDir()
			res, err := runner.Run(context.Background(), p, tc.opt)
			var jf *runner.JobsFailedError
			if errors.As(err, &jf) && len(jf.Failed) == 3 && slices.Contains(tc.sets, "params.fail_subset=1") {
				err = nil
			}
			if err != nil {
				t.Fatal(err)
			}
			wantNodes, wantEdges := expectGraph(t, p)
			ds := readSorted(t, tc.opt.Dir)
			if tab := ds.Tables["log"]; tab == nil || len(tab.Rows) == 0 {
				t.Fatalf("no agent table log (tables %v)", ds.Tables)
			}
			if slices.Contains(ds.Columns, "net") || !slices.Contains(ds.Columns, "edges") {
				t.Fatalf("substep columns %v: want edges and no graph column", ds.Columns)
			}
			if len(wantNodes) == 0 || len(wantEdges) == 0 {
				t.Fatal("the reference run produced no graph rows")
			}
			for _, c := range []struct {
				name string
				cols []string
				want [][]any
				kind string
			}{
				{"net.nodes", []string{"simulation", "subset", "run", "timestep", "substep", "node", "load", "up"}, wantNodes, dataset.TableGraphNodes},
				{"net.edges", []string{"simulation", "subset", "run", "timestep", "substep", "from", "to", "weight", "hops"}, wantEdges, dataset.TableGraphEdges},
			} {
				tab := ds.Tables[c.name]
				if tab == nil {
					t.Fatalf("no table %s (tables %v)", c.name, ds.Tables)
				}
				if !reflect.DeepEqual(tab.Columns, c.cols) {
					t.Fatalf("%s: columns %v, want %v", c.name, tab.Columns, c.cols)
				}
				tab.Sort(len(c.cols) - 2)
				want := slices.Clone(c.want)
				sortRows(want, len(c.cols)-2)
				if len(tab.Rows) != len(want) {
					t.Fatalf("%s: %d rows, want %d", c.name, len(tab.Rows), len(want))
				}
				for i := range want {
					if !reflect.DeepEqual(tab.Rows[i], want[i]) {
						t.Fatalf("%s: row %d = %v, want %v", c.name, i, tab.Rows[i], want[i])
					}
				}
				mt := readManifest(t, filepath.Join(tc.opt.Dir, dataset.ManifestName)).Tables[c.name]
				if res != nil {
					mt = res.Tables[c.name]
				}
				if mt == nil || mt.Kind != c.kind || mt.Rows != int64(len(want)) || mt.Dir != dataset.TableDir(c.name) {
					t.Fatalf("%s: result table %+v", c.name, mt)
				}
			}
			man := readManifest(t, filepath.Join(tc.opt.Dir, dataset.ManifestName))
			if man.Tables["net.nodes"] == nil || man.Tables["net.edges"].Kind != dataset.TableGraphEdges {
				t.Fatalf("manifest tables %v", man.Tables)
			}
		})
	}
}

// sortRows sorts rows by their first n values (int64 ids).
func sortRows(rows [][]any, n int) {
	slices.SortFunc(rows, func(a, b []any) int {
		for i := range n {
			x, y := a[i].(int64), b[i].(int64)
			if x != y {
				return int(x - y)
			}
		}
		return 0
	})
}

// TestGraphEveryChecks: graph_every must be a multiple of output.every.
func TestGraphEveryChecks(t *testing.T) {
	for _, tc := range []struct {
		sets []string
		want string
	}{
		{[]string{"output.every=3", "output.graph_every=4"}, `key "output.graph_every": graphs are written at recorded timesteps: 4 is not a multiple of output.every (3)`},
		{[]string{"output.graph_every=-1"}, `key "output.graph_every": must be >= 0, got -1`},
	} {
		_, err := configs.Parse("graph.toml", []byte(graphConfig), tc.sets...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: error %v, want %q", tc.sets, err, tc.want)
		}
	}
}

// TestGraphTablesDeterminism: the graph tables hold the same rows with 1
// worker, 2 workers, and 2 shards merged.
func TestGraphTablesDeterminism(t *testing.T) {
	registerGraphModel(t)
	runGraph := func(opt runner.Options) string {
		x, err := configs.Parse("graph.toml", []byte(graphConfig), "output.row_group_rows=5")
		if err != nil {
			t.Fatal(err)
		}
		if opt.Dir == "" {
			opt.Dir = t.TempDir()
		}
		if _, err := runner.Run(context.Background(), plan(t, x), opt); err != nil {
			t.Fatal(err)
		}
		return opt.Dir
	}
	w1, w2 := runGraph(runner.Options{Workers: 1}), runGraph(runner.Options{Workers: 2})
	sh := t.TempDir()
	for i := range 2 {
		runGraph(runner.Options{Dir: sh, Workers: 2, Shard: i, Shards: 2})
	}
	if _, err := dataset.Merge(sh); err != nil {
		t.Fatal(err)
	}
	want := readSorted(t, w1)
	keys := map[string]int{"net.nodes": 6, "net.edges": 7, "log": 6}
	for name, k := range keys {
		want.Tables[name].Sort(k)
	}
	for _, dir := range []string{w2, sh} {
		got := readSorted(t, dir)
		for name, k := range keys {
			g := got.Tables[name]
			if g == nil {
				t.Fatalf("%s: no table %s", dir, name)
			}
			g.Sort(k)
			if !reflect.DeepEqual(g.Rows, want.Tables[name].Rows) {
				t.Errorf("%s: table %s differs from 1 worker's (%d vs %d rows)", dir, name, len(g.Rows), len(want.Tables[name].Rows))
			}
		}
	}
	man := readManifest(t, filepath.Join(sh, dataset.ManifestName))
	if man.Tables["net.edges"] == nil || man.Tables["net.edges"].Kind != dataset.TableGraphEdges {
		t.Fatalf("merged manifest tables %v", man.Tables)
	}
}
