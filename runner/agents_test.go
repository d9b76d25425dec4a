package runner_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/statecraft/statecraft/configs"
	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/internal/readback"
	"github.com/statecraft/statecraft/models"
	"github.com/statecraft/statecraft/runner"
	"github.com/statecraft/statecraft/runner/dataset"
)

// Acct is an agent record with a field of every kind.
type Acct struct {
	Cash   float64
	Trades int64
	Active bool
	Tag    string
}

// Bot is the record of a second agent variable.
type Bot struct {
	Level float64
}

var registerAgentsOnce sync.Once

// registerAgentModel registers test_agents: two agent variables, accts
// (empty at timestep 0, growing by grow records at most timesteps, emptied
// every 5th timestep) and bots (one record, then up to 4), across 2 PSUBs; it panics at
// timestep fail_at of subset fail_subset.
func registerAgentModel(t testing.TB) {
	registerAgentsOnce.Do(func() {
		err := models.Register(models.Entry{Name: "test_agents", Doc: "agent populations that grow, shrink and empty", Build: func() (*gds.Model, error) {
			b := gds.NewBuilder("test_agents")
			x := b.Float("x", 0)
			accts := gds.AgentsOf(b, "accts", []Acct{})
			bots := gds.AgentsOf(b, "bots", []Bot{{Level: 1}})
			grow := b.ParamInt("grow", 2)
			failSubset := b.ParamInt("fail_subset", -1)
			failAt := b.ParamInt("fail_at", 0)
			b.PSUB("grow",
				accts.Update(func(c *gds.Ctx, dst []Acct) []Acct {
					if c.T%5 == 0 {
						return dst // no records in this row
					}
					dst = append(dst, accts.Get(c)...)
					for k := int64(0); k < grow.Get(c); k++ {
						dst = append(dst, Acct{Cash: float64(c.T) + c.Rand.Float64(), Tag: fmt.Sprintf("s%d-t%d-%d", c.Subset, c.T, k)})
					}
					return dst
				}),
				x.Update(func(c *gds.Ctx) float64 {
					if int64(c.Subset) == failSubset.Get(c) && int64(c.T) == failAt.Get(c) {
						panic("deliberate failure")
					}
					return x.Get(c) + c.Rand.NormFloat64()
				}),
			)
			b.PSUB("trade",
				accts.Update(func(c *gds.Ctx, dst []Acct) []Acct {
					dst = append(dst, accts.Get(c)...)
					for i := range dst {
						if c.Rand.Float64() < 0.5 {
							dst[i].Cash -= c.Rand.Float64()
							dst[i].Trades++
							dst[i].Active = true
						}
					}
					return dst
				}),
				bots.Update(func(c *gds.Ctx, dst []Bot) []Bot {
					dst = append(dst, bots.Get(c)...)
					dst[0].Level *= 1.01
					if c.T%4 == 0 && len(dst) < 4 {
						dst = append(dst, Bot{Level: float64(c.T)})
					}
					return dst
				}),
			)
			return b.Build()
		}})
		if err != nil {
			t.Fatal(err)
		}
	})
}

const agentsConfig = `
model = "test_agents"
timesteps = 12
runs = 3
seed = 5
[params]
grow = [1, 3]
`

// runAgents runs the agents config with the given --set overrides into a
// new directory and returns the directory and the result.
func runAgents(t *testing.T, opt runner.Options, sets ...string) (string, *runner.Result) {
	t.Helper()
	x, err := configs.Parse("test.toml", []byte(agentsConfig), sets...)
	if err != nil {
		t.Fatal(err)
	}
	if opt.Dir == "" {
		opt.Dir = t.TempDir()
	}
	res, err := runner.Run(context.Background(), plan(t, x), opt)
	if err != nil {
		t.Fatal(err)
	}
	return opt.Dir, res
}

// flatten turns the list<struct> column col of a list-layout dataset into
// the rows of its agent table: the five ids, agent, then the fields.
func flatten(ds *readback.Dataset, col string, fields []string) [][]any {
	c := ds.Col(col)
	var out [][]any
	for _, r := range ds.Rows {
		for k, a := range r[c].([]any) {
			rec := a.(map[string]any)
			row := append(slices.Clone(r[:5]), int64(k))
			for _, f := range fields {
				row = append(row, rec[f])
			}
			out = append(out, row)
		}
	}
	return out
}

// without returns the dataset's rows without the named columns.
func without(ds *readback.Dataset, cols ...string) (names []string, rows [][]any) {
	var keep []int
	for i, c := range ds.Columns {
		if !slices.Contains(cols, c) {
			keep = append(keep, i)
			names = append(names, c)
		}
	}
	for _, r := range ds.Rows {
		row := make([]any, len(keep))
		for j, i := range keep {
			row[j] = r[i]
		}
		rows = append(rows, row)
	}
	return names, rows
}

func readManifest(t *testing.T, path string) *dataset.Manifest {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m dataset.Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	return &m
}

var (
	acctCols = []string{"simulation", "subset", "run", "timestep", "substep", "agent", "cash", "trades", "active", "tag"}
	botCols  = []string{"simulation", "subset", "run", "timestep", "substep", "agent", "level"}
)

// checkAgentTables checks a table-layout dataset against the list-layout
// dataset of the same config: the substep table is the list layout's
// without the agent columns, and each agent table holds, record by record,
// the list columns' records, with ids that join the substep table. It
// checks the manifest's tables too.
func checkAgentTables(t *testing.T, dir string, list *readback.Dataset) {
	t.Helper()
	ds := readSorted(t, dir)
	wantCols, wantRows := without(list, "accts", "bots")
	if !reflect.DeepEqual(ds.Columns, wantCols) {
		t.Fatalf("substep columns %v, want %v", ds.Columns, wantCols)
	}
	if !reflect.DeepEqual(ds.Rows, wantRows) {
		t.Fatalf("substep rows differ from the list layout's (%d vs %d rows)", len(ds.Rows), len(wantRows))
	}
	ids := map[string]bool{}
	for _, r := range ds.Rows {
		ids[fmt.Sprint(r[:5])] = true
	}
	man := readManifest(t, filepath.Join(dir, dataset.ManifestName))
	if len(man.Tables) != 2 {
		t.Fatalf("manifest tables %v, want accts and bots", man.Tables)
	}
	for _, c := range []struct {
		name   string
		cols   []string
		fields []string
	}{{"accts", acctCols, []string{"cash", "trades", "active", "tag"}}, {"bots", botCols, []string{"level"}}} {
		tab := ds.Tables[c.name]
		if tab == nil {
			t.Fatalf("no table %s (tables %v)", c.name, ds.Tables)
		}
		if !reflect.DeepEqual(tab.Columns, c.cols) {
			t.Fatalf("%s: columns %v, want %v", c.name, tab.Columns, c.cols)
		}
		tab.Sort(6)
		want := flatten(list, c.name, c.fields)
		if len(tab.Rows) != len(want) {
			t.Fatalf("%s: %d rows, want %d (the records of every substep row)", c.name, len(tab.Rows), len(want))
		}
		for i := range want {
			if !reflect.DeepEqual(tab.Rows[i], want[i]) {
				t.Fatalf("%s: row %d = %v, want %v (list layout)", c.name, i, tab.Rows[i], want[i])
			}
			if !ids[fmt.Sprint(tab.Rows[i][:5])] {
				t.Fatalf("%s: row %d has ids %v, which are not a substep row's", c.name, i, tab.Rows[i][:5])
			}
		}
		mt := man.Tables[c.name]
		var files []string
		var rows int64
		for _, f := range mt.Files {
			files = append(files, filepath.Base(f.Name))
			rows += f.Rows
			if !strings.HasPrefix(f.Name, dataset.TableDir(c.name)+"/") {
				t.Errorf("%s: manifest file %s is not in the table's directory", c.name, f.Name)
			}
		}
		var mainFiles []string
		for _, f := range man.Files {
			mainFiles = append(mainFiles, f.Name)
		}
		if mt.Dir != dataset.TableDir(c.name) || mt.Rows != int64(len(want)) || rows != mt.Rows || !reflect.DeepEqual(files, tab.Files) || !reflect.DeepEqual(files, mainFiles) {
			t.Errorf("%s: manifest dir %q rows %d (files %d), files %v; want %q, %d, files %v (the substep table's %v)", c.name, mt.Dir, mt.Rows, rows, files, dataset.TableDir(c.name), len(want), tab.Files, mainFiles)
		}
		var mcols []string
		for _, col := range mt.Columns {
			mcols = append(mcols, col.Name)
		}
		if !reflect.DeepEqual(mcols, c.cols) || mt.Columns[5].Type != "int32" {
			t.Errorf("%s: manifest columns %v", c.name, mt.Columns)
		}
	}
	for _, col := range man.Columns {
		if col.Name == "accts" || col.Name == "bots" {
			t.Errorf("manifest lists agent column %s in the substep table", col.Name)
		}
	}
	assertNoTempsAll(t, dir)
}

// assertNoTempsAll checks that no temporary file is left in the dataset
// directory or its subdirectories.
func assertNoTempsAll(t *testing.T, dir string) {
	t.Helper()
	filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(path, ".tmp") {
			t.Errorf("temporary file left: %s", path)
		}
		return nil
	})
}

// TestAgentTables: with output.agents = "table" (the default) every agent
// variable gets a table of its own whose records and ids are exactly the
// list layout's, for every schedule and batch size (row groups of 7 rows
// spill every job and split records of a row across flushes; of 40 rows,
// a batch holds a job and part of the next, which moves to the batch's
// front), in Parquet and Arrow.
func TestAgentTables(t *testing.T) {
	registerAgentModel(t)
	for _, format := range []string{"parquet", "arrow"} {
		for _, sched := range []string{"", "output.final_only=true", "output.every=2", "output.drop_substeps=true"} {
			for _, rg := range []int{7, 40, 100000} {
				name := fmt.Sprintf("%s/%s/rows=%d", format, sched, rg)
				t.Run(name, func(t *testing.T) {
					sets := []string{"output.format=" + format, fmt.Sprintf("output.row_group_rows=%d", rg)}
					if sched != "" {
						sets = append(sets, sched)
					}
					listDir, _ := runAgents(t, runner.Options{Workers: 2}, append(sets, "output.agents=list")...)
					list := readSorted(t, listDir)
					if list.Tables != nil {
						t.Fatalf("list layout wrote tables %v", list.Tables)
					}
					if c := list.Col("accts"); c < 0 {
						t.Fatalf("list layout: no accts column in %v", list.Columns)
					}
					dir, res := runAgents(t, runner.Options{Workers: 2}, sets...)
					checkAgentTables(t, dir, list)
					if res.Tables["accts"].Rows == 0 || res.Tables["bots"].Rows == 0 {
						t.Errorf("no agent rows: %+v", res.Tables)
					}
				})
			}
		}
	}
}

// TestAgentTablesZeroRecords: rows without records contribute no agent
// rows; a run whose agent variable is always empty writes an empty table.
func TestAgentTablesZeroRecords(t *testing.T) {
	registerAgentModel(t)
	dir, res := runAgents(t, runner.Options{}, "params.grow=0")
	ds := readSorted(t, dir)
	if res.Tables["accts"].Rows != 0 || len(ds.Tables["accts"].Rows) != 0 {
		t.Errorf("accts: %d rows in the manifest, %d read, want 0", res.Tables["accts"].Rows, len(ds.Tables["accts"].Rows))
	}
	if res.Tables["bots"].Rows == 0 || len(ds.Tables["bots"].Rows) != int(res.Tables["bots"].Rows) {
		t.Errorf("bots: %d rows in the manifest, %d read", res.Tables["bots"].Rows, len(ds.Tables["bots"].Rows))
	}
	// every 5th timestep has no accts records: none of their rows appear
	dir, _ = runAgents(t, runner.Options{})
	for _, r := range readSorted(t, dir).Tables["accts"].Rows {
		if r[3].(int64)%5 == 0 && r[3].(int64) > 0 && r[4].(int64) == 1 {
			t.Fatalf("an accts row for a substep without records: %v", r)
		}
	}
}

// TestAgentTablesDeterminism: 1 worker, 2 workers and 2 shards (merged)
// write the same agent tables.
func TestAgentTablesDeterminism(t *testing.T) {
	registerAgentModel(t)
	w1, _ := runAgents(t, runner.Options{Workers: 1}, "output.row_group_rows=5")
	w2, _ := runAgents(t, runner.Options{Workers: 2}, "output.row_group_rows=5")
	sh := t.TempDir()
	for i := 0; i < 2; i++ {
		runAgents(t, runner.Options{Dir: sh, Workers: 2, Shard: i, Shards: 2}, "output.row_group_rows=5")
	}
	if _, err := dataset.Merge(sh); err != nil {
		t.Fatal(err)
	}
	want := readSorted(t, w1)
	for _, tab := range want.Tables {
		tab.Sort(6)
	}
	for _, dir := range []string{w2, sh} {
		got := readSorted(t, dir)
		if !reflect.DeepEqual(got.Rows, want.Rows) {
			t.Errorf("%s: substep rows differ from 1 worker's", dir)
		}
		for name, tab := range want.Tables {
			g := got.Tables[name]
			g.Sort(6)
			if !reflect.DeepEqual(g.Rows, tab.Rows) {
				t.Errorf("%s: table %s differs from 1 worker's (%d vs %d rows)", dir, name, len(g.Rows), len(tab.Rows))
			}
		}
	}
}

// TestAgentTablesFailedJob: a failed job loses its agent rows with its
// substep rows, and nothing else; small row groups make it spill first.
func TestAgentTablesFailedJob(t *testing.T) {
	registerAgentModel(t)
	good, _ := runAgents(t, runner.Options{Workers: 1}, "output.row_group_rows=7")
	want := readSorted(t, good)
	for _, workers := range []int{1, 2} {
		x, err := configs.Parse("test.toml", []byte(agentsConfig), "output.row_group_rows=7", "params.fail_subset=1", "params.fail_at=9")
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		res, err := runner.Run(context.Background(), plan(t, x), runner.Options{Dir: dir, Workers: workers})
		var jf *runner.JobsFailedError
		if !errors.As(err, &jf) || len(jf.Failed) != 3 {
			t.Fatalf("workers %d: err = %v, want the 3 jobs of subset 1 failed", workers, err)
		}
		got := readSorted(t, dir)
		for name, tab := range want.Tables {
			var keep [][]any
			for _, r := range tab.Rows {
				if r[1].(int64) == 0 {
					keep = append(keep, r)
				}
			}
			g := got.Tables[name]
			g.Sort(6)
			wt := &readback.Dataset{Rows: keep}
			wt.Sort(6)
			if !reflect.DeepEqual(g.Rows, wt.Rows) {
				t.Errorf("workers %d: table %s: %d rows, want the %d rows of subset 0", workers, name, len(g.Rows), len(keep))
			}
			if res.Tables[name].Rows != int64(len(keep)) {
				t.Errorf("workers %d: table %s: manifest rows %d, want %d", workers, name, res.Tables[name].Rows, len(keep))
			}
		}
		assertNoTempsAll(t, dir)
	}
}

// TestAgentTablesCancel: a cancelled run leaves nothing visible, agent
// tables' directories included, and its rerun continues to the agent
// tables of an uninterrupted run.
func TestAgentTablesCancel(t *testing.T) {
	registerAgentModel(t)
	sets := []string{"timesteps=2000", "params.grow=0", "output.row_group_rows=500", "output.checkpoint_seconds=0.001", "runs=6"}
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	_, err := runner.Run(ctx, plan(t, parse(t, agentsConfig, sets...)), runner.Options{Dir: dir, Workers: 2, Progress: func(pr runner.Progress) {
		if pr.JobsDone > 0 {
			cancel()
		}
	}, ProgressEvery: 1})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	assertNothingVisible(t, dir)
	if _, err := runner.Run(context.Background(), plan(t, parse(t, agentsConfig, sets...)), runner.Options{Dir: dir, Workers: 2}); err != nil {
		t.Fatal(err)
	}
	want, err := runner.Run(context.Background(), plan(t, parse(t, agentsConfig, sets...)), runner.Options{Dir: t.TempDir(), Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	w, g := mustRead(t, want.Dir), mustRead(t, dir)
	w.Sort(5)
	g.Sort(5)
	assertSameRows(t, w, g)
	for name, wt := range w.Tables {
		gt := g.Tables[name]
		if gt == nil {
			t.Fatalf("table %s missing", name)
		}
		wt.Sort(5)
		gt.Sort(5)
		assertSameRows(t, wt, gt)
	}
	assertNoTempsAll(t, dir)
}

// TestAgentTablesOverwrite: a second run of another experiment needs
// --overwrite, which replaces the agent tables' files too; switching to
// the list layout removes the tables' directories; a foreign file in a
// table's directory is refused.
func TestAgentTablesOverwrite(t *testing.T) {
	registerAgentModel(t)
	dir, _ := runAgents(t, runner.Options{})
	x := parse(t, agentsConfig)
	_, err := runner.Run(context.Background(), plan(t, parse(t, agentsConfig, "seed=99")), runner.Options{Dir: dir})
	if err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Fatalf("second run: err = %v", err)
	}
	if _, err := runner.Run(context.Background(), plan(t, x), runner.Options{Dir: dir, Workers: 1, Overwrite: true}); err != nil {
		t.Fatal(err)
	}
	ds := readSorted(t, dir)
	if len(ds.Files) != 1 || len(ds.Tables["accts"].Files) != 1 {
		t.Errorf("after --overwrite with 1 worker: files %v, accts files %v; want one each", ds.Files, ds.Tables["accts"].Files)
	}
	if _, err := runner.Run(context.Background(), plan(t, parse(t, agentsConfig, "output.agents=list")), runner.Options{Dir: dir, Overwrite: true}); err != nil {
		t.Fatal(err)
	}
	for _, sub := range []string{"accts", "bots"} {
		if _, err := os.Stat(filepath.Join(dir, dataset.TablesDir, sub)); !os.IsNotExist(err) {
			t.Errorf("list layout over a table layout: %s still there (%v)", sub, err)
		}
	}
	if _, err := runner.Run(context.Background(), plan(t, x), runner.Options{Dir: dir, Overwrite: true}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, dataset.TablesDir, "accts", "notes.txt"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = runner.Run(context.Background(), plan(t, x), runner.Options{Dir: dir, Overwrite: true})
	if err == nil || !strings.Contains(err.Error(), "accts/") {
		t.Errorf("foreign file in a table directory: err = %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, dataset.TablesDir, "accts", "notes.txt")); err != nil {
		t.Errorf("the user's file was touched: %v", err)
	}
}

// TestAgentTablesMerge: shards' agent tables merge into the manifest with
// the rows and files of a single run; a missing agent file is refused.
func TestAgentTablesMerge(t *testing.T) {
	registerAgentModel(t)
	_, single := runAgents(t, runner.Options{})
	dir := t.TempDir()
	for i := 0; i < 3; i++ {
		runAgents(t, runner.Options{Dir: dir, Shard: i, Shards: 3})
	}
	m, err := dataset.Merge(dir)
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range single.Tables {
		got := m.Tables[name]
		if got == nil || got.Rows != want.Rows || len(got.Files) != len(m.Files) || !reflect.DeepEqual(got.Columns, want.Columns) {
			t.Fatalf("merged table %s: %+v; single run %+v", name, got, want)
		}
		for i, f := range got.Files {
			if f.Name != dataset.FileName(name, m.Files[i].Name) {
				t.Errorf("merged table %s: file %s beside substep file %s", name, f.Name, m.Files[i].Name)
			}
		}
	}
	onDisk := readManifest(t, filepath.Join(dir, dataset.ManifestName))
	if !reflect.DeepEqual(onDisk.Tables, m.Tables) {
		t.Errorf("_manifest.json tables %+v, want %+v", onDisk.Tables, m.Tables)
	}
	os.Remove(filepath.Join(dir, filepath.FromSlash(m.Tables["bots"].Files[0].Name)))
	if _, err := dataset.Merge(dir); err == nil || !strings.Contains(err.Error(), "bots/part-") || !strings.Contains(err.Error(), "missing") {
		t.Errorf("missing agent file: %v", err)
	}
	// shards of different layouts do not merge (their configs differ)
	mixed := t.TempDir()
	runAgents(t, runner.Options{Dir: mixed, Shard: 0, Shards: 2})
	runAgents(t, runner.Options{Dir: mixed, Shard: 1, Shards: 2}, "output.agents=list")
	if _, err := dataset.Merge(mixed); err == nil || !strings.Contains(err.Error(), "another config") {
		t.Errorf("mixed layouts: %v", err)
	}
}

// TestAgentTablesCSV: the CSV agent tables hold the Parquet tables' rows,
// written the CSV way (Python-style floats, True/False), file by file.
func TestAgentTablesCSV(t *testing.T) {
	registerAgentModel(t)
	pq, _ := runAgents(t, runner.Options{Workers: 1}, "output.row_group_rows=7")
	want := mustRead(t, pq)
	dir, res := runAgents(t, runner.Options{Workers: 1}, "output.row_group_rows=7", "output.format=csv")
	for name, tab := range want.Tables {
		var got [][]string
		for _, f := range res.Tables[name].Files {
			data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(f.Name)))
			if err != nil {
				t.Fatal(err)
			}
			recs, err := csv.NewReader(strings.NewReader(string(data))).ReadAll()
			if err != nil {
				t.Fatalf("%s: %v", f.Name, err)
			}
			if strings.Join(recs[0], ",") != strings.Join(tab.Columns, ",") {
				t.Fatalf("%s: header %v, want %v", f.Name, recs[0], tab.Columns)
			}
			if int64(len(recs)-1) != f.Rows {
				t.Errorf("%s: %d rows, manifest says %d", f.Name, len(recs)-1, f.Rows)
			}
			got = append(got, recs[1:]...)
		}
		if len(got) != len(tab.Rows) {
			t.Fatalf("%s: %d csv rows, want %d", name, len(got), len(tab.Rows))
		}
		for i, r := range tab.Rows {
			for c, v := range r {
				var s string
				switch v := v.(type) {
				case float64:
					s = string(runner.AppendFloat(nil, v))
				case bool:
					s = map[bool]string{true: "True", false: "False"}[v]
				case int64:
					s = strconv.FormatInt(v, 10)
				default:
					s = fmt.Sprint(v)
				}
				if got[i][c] != s {
					t.Fatalf("%s: row %d column %s = %q, want %q", name, i, tab.Columns[c], got[i][c], s)
				}
			}
		}
	}
}

func mustRead(t *testing.T, dir string) *readback.Dataset {
	t.Helper()
	ds, err := readback.Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

// TestAgentFieldNamedLikeAnID: a record field named like an id column of
// the agent table is refused in the table layout, naming the key and the
// way out; the list layout takes it.
func TestAgentFieldNamedLikeAnID(t *testing.T) {
	type rec struct {
		Agent int64
		Cash  float64
	}
	name := "test_agents_idfield"
	if _, err := models.Lookup(name); err != nil {
		if err := models.Register(models.Entry{Name: name, Doc: "a record field named agent", Build: func() (*gds.Model, error) {
			b := gds.NewBuilder(name)
			a := gds.AgentsOf(b, "pop", []rec{{Agent: 7}})
			b.PSUB("p", a.Update(func(c *gds.Ctx, dst []rec) []rec { return append(dst, a.Get(c)...) }))
			return b.Build()
		}}); err != nil {
			t.Fatal(err)
		}
	}
	text := "model = \"" + name + "\"\ntimesteps = 2\n"
	x, err := configs.Parse("test.toml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	_, err = runner.NewPlan(x, nil)
	if err == nil || !strings.Contains(err.Error(), `key "output.agents"`) || !strings.Contains(err.Error(), `field named "agent"`) || !strings.Contains(err.Error(), `output.agents = "list"`) {
		t.Errorf("err = %v", err)
	}
	if _, err := runner.NewPlan(parse(t, text, "output.agents=list"), nil); err != nil {
		t.Errorf("list layout: %v", err)
	}
}

// TestAgentsEvery: with output.agents_every = k the agent tables hold the
// records of timestep 0, of the last substep of every k-th timestep and
// of the last timestep, exactly those rows of the table written at every
// row; the substep table is unchanged.
func TestAgentsEvery(t *testing.T) {
	registerAgentModel(t)
	for _, sets := range [][]string{nil, {"output.every=2"}, {"output.drop_substeps=true"}} {
		full := readSorted(t, must(runAgents(t, runner.Options{Workers: 2}, sets...)))
		some := readSorted(t, must(runAgents(t, runner.Options{Workers: 2}, append(sets, "output.agents_every=4")...)))
		if !reflect.DeepEqual(full.Rows, some.Rows) {
			t.Errorf("%v: the substep table changed with agents_every", sets)
		}
		for _, table := range []string{"accts", "bots"} {
			var want [][]any
			for _, r := range full.Tables[table].Rows {
				ts, sub := r[3].(int64), r[4].(int64)
				if ts == 0 || sub == 2 && (ts == 12 || ts%4 == 0) {
					want = append(want, r)
				}
			}
			got := some.Tables[table].Rows
			byText := func(rows [][]any) {
				sort.SliceStable(rows, func(i, j int) bool { return fmt.Sprint(rows[i]) < fmt.Sprint(rows[j]) })
			}
			byText(got)
			byText(want)
			if len(want) == 0 || len(want) == len(full.Tables[table].Rows) || !reflect.DeepEqual(got, want) {
				t.Errorf("%v: %s has %d rows with agents_every = 4, want %d of %d", sets, table, len(got), len(want), len(full.Tables[table].Rows))
				for i := range min(len(got), len(want)) {
					if !reflect.DeepEqual(got[i], want[i]) {
						t.Logf("row %d: got %v, want %v", i, got[i], want[i])
						break
					}
				}
			}
		}
	}
}

func must(dir string, _ *runner.Result) string { return dir }
