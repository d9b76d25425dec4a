package dataset_test

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/statecraft/statecraft/runner/dataset"
)

// writeShards writes the shard manifests of a made-up run of n shards
// into dir, with their part files (empty): shard i ran 2 jobs into one
// part, of 10 substep rows and 30 agent rows. edit, if set, changes shard
// i's manifest before it is written.
func writeShards(t *testing.T, dir string, n int, edit func(i int, m *dataset.Manifest)) {
	t.Helper()
	for i := 0; i < n; i++ {
		s := &dataset.Shard{Dir: dir, Index: i, Count: n, Ext: ".parquet", Tables: []string{"agents"}, KPIs: true}
		if err := s.Prepare(false); err != nil {
			t.Fatal(err)
		}
		part := s.PartName(0, 0)
		cols := []dataset.Column{{Name: "simulation", Type: "int32"}}
		m := &dataset.Manifest{
			Program: "statecraft", Complete: true, Config: dataset.ManifestConfig{Text: "timesteps = 4"},
			Model: dataset.ManifestModel{Name: "m", Hash: "h"}, Seed: 1, Shard: i, Shards: n,
			Jobs: 2, TotalJobs: 2 * n, Rows: 10, Columns: cols,
			Files: []dataset.FileInfo{{Name: dataset.FileName("", part), Rows: 10}},
			Tables: map[string]*dataset.TableInfo{"agents": {Dir: dataset.TableDir("agents"), Rows: 30, Columns: cols,
				Files: []dataset.FileInfo{{Name: dataset.FileName("agents", part), Rows: 30}}}},
			KPIs: &dataset.TableInfo{Dir: dataset.TableDir(dataset.KPITable), Rows: 2, Columns: cols, Files: []dataset.FileInfo{{Name: s.KPIFile(), Rows: 2}}},
		}
		if edit != nil {
			edit(i, m)
		}
		for _, f := range []string{m.Files[0].Name, m.Tables["agents"].Files[0].Name, s.KPIFile()} {
			if err := os.WriteFile(s.Path(f), nil, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.WriteManifest(m); err != nil {
			t.Fatal(err)
		}
	}
}

// TestMerge: shard manifests merge into _manifest.json, which sums rows,
// jobs and pass rates and lists every shard's files, or Merge says why
// not.
func TestMerge(t *testing.T) {
	for _, c := range []struct {
		name string
		n    int
		edit func(i int, m *dataset.Manifest)
		then func(t *testing.T, dir string) // changes the directory after the shards are written
		want string                         // in the error; "" merges
	}{
		{name: "three shards", n: 3},
		{name: "old shard manifest names", n: 2, then: func(t *testing.T, dir string) {
			for _, i := range []string{"0000", "0001"} {
				name := "manifest-shard-" + i + "-of-0002.json"
				if err := os.Rename(filepath.Join(dir, "_"+name), filepath.Join(dir, name)); err != nil {
					t.Fatal(err)
				}
			}
		}},
		{name: "a shard missing", n: 3, then: func(t *testing.T, dir string) {
			os.Remove(filepath.Join(dir, "_manifest-shard-0001-of-0003.json"))
		}, want: "1 of 3 shards have not finished (missing: shard [1])"},
		{name: "shard counts mixed", n: 2, then: func(t *testing.T, dir string) {
			data, _ := os.ReadFile(filepath.Join(dir, "_manifest-shard-0000-of-0002.json"))
			os.WriteFile(filepath.Join(dir, "_manifest-shard-0000-of-0005.json"), data, 0o644)
		}, want: "shard manifests of runs with 2 and 5 shards are mixed"},
		{name: "a shard twice", n: 2, then: func(t *testing.T, dir string) {
			data, _ := os.ReadFile(filepath.Join(dir, "_manifest-shard-0001-of-0002.json"))
			os.WriteFile(filepath.Join(dir, "manifest-shard-0001-of-0002.json"), data, 0o644)
		}, want: "two manifests of shard 1"},
		{name: "another config", n: 2, edit: func(i int, m *dataset.Manifest) {
			if i == 1 {
				m.Config.Text = "timesteps = 5"
			}
		}, want: "_manifest-shard-0001-of-0002.json ran another config than _manifest-shard-0000-of-0002.json"},
		{name: "other tables", n: 2, edit: func(i int, m *dataset.Manifest) {
			if i == 1 {
				m.Tables["agents"].Dir = "agents" // the old layout's
			}
		}, want: "other agent tables"},
		{name: "an agent file missing", n: 2, then: func(t *testing.T, dir string) {
			os.Remove(filepath.Join(dir, "_tables", "agents", "part-0001-000-0000.parquet"))
		}, want: "lists _tables/agents/part-0001-000-0000.parquet, which is missing"},
		{name: "jobs failed", n: 2, edit: func(i int, m *dataset.Manifest) {
			m.Complete = i == 0
		}, want: "merged, but some jobs failed"},
		{name: "not sharded", want: "no shard manifests (_manifest-shard-*-of-*.json)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			writeShards(t, dir, c.n, c.edit)
			if c.then != nil {
				c.then(t, dir)
			}
			m, err := dataset.Merge(dir)
			if c.want != "" {
				if err == nil || !strings.Contains(err.Error(), c.want) {
					t.Fatalf("err = %v, want %q", err, c.want)
				}
				if m == nil {
					return
				}
			} else if err != nil {
				t.Fatal(err)
			}
			onDisk, err := dataset.ReadManifest(dir)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(onDisk, m) {
				t.Errorf("_manifest.json %+v, Merge returned %+v", onDisk, m)
			}
			agents := m.Tables["agents"]
			if m.Rows != int64(10*c.n) || m.Jobs != 2*c.n || len(m.Files) != c.n || m.Shards != 1 ||
				agents.Rows != int64(30*c.n) || len(agents.Files) != c.n || agents.Dir != "_tables/agents" {
				t.Errorf("merged %d shards: %+v, agents %+v", c.n, m, agents)
			}
			if k := m.KPIs; k == nil || k.Rows != int64(2*c.n) || len(k.Files) != c.n || k.Dir != "_tables/_kpis" {
				t.Errorf("merged KPI table: %+v", k)
			}
		})
	}
}

// TestMergeOldLayout: a sharded dataset written before the metadata files
// started with "_" (testdata/old-layout-sharded: shard manifests
// manifest-shard-*-of-*.json, report-shard-*, the agent table in agents/)
// still merges, into _manifest.json, to the manifest that version's own
// merge wrote (manifest.json), but for the time it was written.
//
// The fixture was written by statecraft at commit be6afd8:
//
//	for i in 0 1; do statecraft run prsm --set timesteps=3 --set runs=1 --set params.n_agents=3 \
//	    --set 'output.variables=["day","price","agents","gini_ok","price_ok"]' \
//	    --set output.format=csv --workers 1 --shard $i/2 --out old-layout-sharded; done
//	statecraft merge old-layout-sharded
func TestMergeOldLayout(t *testing.T) {
	src := filepath.Join("testdata", "old-layout-sharded")
	old, err := dataset.ReadManifest(src) // manifest.json: the old layout's name
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	m, err := dataset.Merge(dir)
	if err != nil {
		t.Fatal(err)
	}
	onDisk, err := dataset.ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "_manifest.json")); err != nil {
		t.Errorf("Merge wrote no _manifest.json: %v", err)
	}
	for _, got := range []*dataset.Manifest{m, onDisk} {
		got.Created = old.Created
		if !reflect.DeepEqual(got, old) {
			t.Errorf("merged:\n%+v\nthe old version merged:\n%+v", got, old)
		}
	}
	if m.Tables["agents"].Dir != "agents" || m.Rows != 16 || m.Tables["agents"].Rows != 36 || len(m.Files) != 2 {
		t.Errorf("merged %d rows in %v, agents %+v", m.Rows, m.Files, m.Tables["agents"])
	}
	// The old layout's pass-rate reports (report.json) are not merged: the
	// decision layer draws decisions from KPI tables, which it did not write.
}
