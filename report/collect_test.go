package report

import (
	"bytes"
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/statecraft/statecraft/configs"
	"github.com/statecraft/statecraft/runner"
	"github.com/statecraft/statecraft/runner/dataset"
)

// TestCollectorSameReport: the report of a run from the rows a Collector
// kept as the run wrote them is the report read from the files, byte for
// byte: A/B simulations, more sweep points than the charts show, more
// runs than they draw, every k-th timestep, the last substep only,
// vectors, booleans and ints, a failed job (its rows dropped), several
// workers. A budget the rows exceed makes the report read the files; a
// run that records only its final rows has no charts over time and keeps
// nothing.
func TestCollectorSameReport(t *testing.T) {
	if testing.Short() {
		t.Skip("runs experiments")
	}
	registerKnown(t)
	known := func(extra string) func() (*configs.Experiment, error) {
		return func() (*configs.Experiment, error) {
			head := "model = \"report_known\"\nruns = 5\n"
			if !strings.Contains(extra, "timesteps") {
				head += "timesteps = 300\n"
			}
			return configs.Parse("known.toml", []byte(head+extra))
		}
	}
	embedded := func(name string, sets ...string) func() (*configs.Experiment, error) {
		return func() (*configs.Experiment, error) { return configs.LoadEmbedded(name, sets...) }
	}
	for _, c := range []struct {
		name      string
		x         func() (*configs.Experiment, error)
		opt       Options
		workers   int
		collected bool   // the charts over time read the Collector's rows (the test removes the files)
		agents    string // an agent table whose charts read them (its files removed too)
	}{
		{"predator_prey, the last timestep off the stride", embedded("predator_prey", "timesteps=3001", "runs=6"), Options{}, 2, true, ""},
		{"A/B", embedded("conformance/ab_pp"), Options{}, 2, true, ""},
		{"report.variables", embedded("predator_prey", "timesteps=500", "report.variables=[\"prey\"]"), Options{}, 2, true, ""},
		{"vectors", embedded("conformance/vector"), Options{}, 1, true, ""},
		{"prsm, ints and agents", embedded("prsm", "runs=3", "timesteps=96"), Options{}, 2, true, "agents"},
		{"abm, 100 agents a run", embedded("bench/abm", "runs=3", "timesteps=200"), Options{}, 2, true, "agents"},
		{"agents every 24th timestep, the last not recorded", embedded("prsm", "runs=2", "timesteps=51", "output.every=2", "output.agents_every=24"), Options{}, 1, true, "agents"},
		{"agents every 7th timestep", embedded("prsm", "runs=2", "timesteps=50", "output.every=7", "output.agents_every=0"), Options{}, 1, true, "agents"},
		{"status storage", embedded("status_storage", "runs=2", "timesteps=100"), Options{}, 2, true, ""},
		{"sensitivity, final rows only", embedded("predator_prey_sensitivity", "sensitivity.samples=4"), Options{}, 2, false, ""},
		{"parameter selection, final rows only", embedded("prsm_psuu", "runs=2", "timesteps=48"), Options{}, 2, false, "agents"},
		{"a failed job", known("[params]\nfail_run = 2\n"), Options{}, 2, true, ""},
		{"a job failed after its rows were written", known("timesteps = 20000\n[params]\nfail_run = 2\nfail_at = 15000\n"), Options{}, 1, true, ""},
		{"every 7th timestep", known("[output]\nevery = 7\n"), Options{}, 1, true, ""},
		{"last substeps only", known("[output]\ndrop_substeps = true\n"), Options{}, 2, true, ""},
		{"more points than panels, more runs than drawn", known("[params]\nfail_run = [0, 1, 2, 3, 4]\n"), Options{MaxPanels: 2, MaxRuns: 2}, 2, true, ""},
		{"over the budget", embedded("predator_prey", "timesteps=3000", "runs=6"), Options{Budget: 1000}, 2, false, ""},
		{"agents over the budget", embedded("bench/abm", "runs=3", "timesteps=200"), Options{Budget: 3000}, 2, false, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			x, err := c.x()
			if err != nil {
				t.Fatal(err)
			}
			p, err := runner.NewPlan(x, nil)
			if err != nil {
				t.Fatal(err)
			}
			col := NewCollector(p, c.opt)
			dir := t.TempDir()
			res, err := runner.Run(context.Background(), p, runner.Options{Dir: dir, Workers: c.workers, Rows: col.Add})
			if err != nil && (res == nil || len(res.Failed) == 0) {
				t.Fatal(err)
			}
			var fromFiles, fromRows bytes.Buffer
			if err := Render(&fromFiles, dir, c.opt); err != nil {
				t.Fatal(err)
			}
			// The tables the report should draw from the kept rows are
			// gone: reading them would fail.
			man, err := dataset.ReadManifest(dir)
			if err != nil {
				t.Fatal(err)
			}
			var gone []dataset.FileInfo
			if c.collected {
				gone = man.Files
			}
			if c.agents != "" {
				gone = append(gone, man.Tables[c.agents].Files...)
			}
			for _, f := range gone {
				if err := os.Remove(filepath.Join(dir, filepath.FromSlash(f.Name))); err != nil {
					t.Fatal(err)
				}
			}
			withRows := c.opt
			withRows.Rows = col
			if err := Render(&fromRows, dir, withRows); err != nil {
				t.Fatalf("the report from the kept rows, without the files they came from: %v", err)
			}
			// the footer says when each page was written
			stamp := regexp.MustCompile(`Written by Statecraft at [0-9TZ:-]+\.`)
			a := stamp.ReplaceAll(fromRows.Bytes(), nil)
			b := stamp.ReplaceAll(fromFiles.Bytes(), nil)
			if !bytes.Equal(a, b) {
				i := 0
				for i < min(len(a), len(b)) && a[i] == b[i] {
					i++
				}
				lo := max(0, i-200)
				t.Errorf("the report from the kept rows differs from the report from the files (%d and %d bytes) at byte %d:\n%s\n---\n%s", len(a), len(b), i, a[lo:min(len(a), i+100)], b[lo:min(len(b), i+100)])
			}
			if charts := bytes.Contains(fromFiles.Bytes(), []byte(`<section id="time">`)); charts != (c.collected || c.opt.Budget > 0) {
				t.Errorf("charts over time: %v", charts)
			}
			if off := col.tables[""].off; off == c.collected {
				t.Errorf("the Collector gave up the substep table: %v, want %v", off, !c.collected)
			}
		})
	}
}

// TestShardRowsSameReport: the shards of a run each keep their report's
// rows and commit them (runner.Options.ShardRows); the report of the
// merged dataset drawn from them (LoadShardRows) is the report drawn from
// the files, byte for byte, with the files the kept rows stand for gone.
func TestShardRowsSameReport(t *testing.T) {
	if testing.Short() {
		t.Skip("runs experiments")
	}
	registerKnown(t)
	embedded := func(name string, sets ...string) func() (*configs.Experiment, error) {
		return func() (*configs.Experiment, error) { return configs.LoadEmbedded(name, sets...) }
	}
	for _, c := range []struct {
		name   string
		x      func() (*configs.Experiment, error)
		opt    Options
		shards int
		agents string
	}{
		{"A/B, 3 shards", embedded("conformance/ab_pp"), Options{}, 3, ""},
		{"prsm, agents, 2 shards", embedded("prsm", "runs=3", "timesteps=96"), Options{}, 2, "agents"},
		{"a failed job, more points than panels", func() (*configs.Experiment, error) {
			return configs.Parse("known.toml", []byte("model = \"report_known\"\nruns = 5\ntimesteps = 300\n[params]\nfail_run = [0, 1, 2, 3, 4]\n"))
		}, Options{MaxPanels: 2, MaxRuns: 2}, 4, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			x, err := c.x()
			if err != nil {
				t.Fatal(err)
			}
			p, err := runner.NewPlan(x, nil)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			for i := range c.shards {
				col := NewCollector(p, c.opt)
				res, err := runner.Run(context.Background(), p, runner.Options{Dir: dir, Workers: 2, Shard: i, Shards: c.shards, Rows: col.Add, ShardRows: col.Encode})
				if err != nil && (res == nil || len(res.Failed) == 0) {
					t.Fatal(err)
				}
			}
			man, err := dataset.Merge(dir)
			if man == nil {
				t.Fatal(err)
			}
			if len(man.ReportRows) != c.shards {
				t.Fatalf("the merged manifest lists %v", man.ReportRows)
			}
			var fromFiles, fromRows bytes.Buffer
			if err := Render(&fromFiles, dir, c.opt); err != nil {
				t.Fatal(err)
			}
			gone := man.Files
			if c.agents != "" {
				gone = append(gone, man.Tables[c.agents].Files...)
			}
			for _, f := range gone {
				if err := os.Remove(filepath.Join(dir, filepath.FromSlash(f.Name))); err != nil {
					t.Fatal(err)
				}
			}
			col, ok := LoadShardRows(dir, man, p, c.opt)
			if !ok {
				t.Fatal("LoadShardRows: not loaded")
			}
			withRows := c.opt
			withRows.Rows = col
			if err := Render(&fromRows, dir, withRows); err != nil {
				t.Fatalf("the report from the shards' kept rows, without the files: %v", err)
			}
			stamp := regexp.MustCompile(`Written by Statecraft at [0-9TZ:-]+\.`)
			if a, b := stamp.ReplaceAll(fromRows.Bytes(), nil), stamp.ReplaceAll(fromFiles.Bytes(), nil); !bytes.Equal(a, b) {
				t.Errorf("the report from the shards' kept rows differs from the report from the files (%d and %d bytes)", len(a), len(b))
			}
			// kept for other options, or one shard's file gone: not loaded
			if _, ok := LoadShardRows(dir, man, p, Options{MaxRuns: 1}); ok {
				t.Error("rows kept for a report of other options were loaded")
			}
			if err := os.Remove(filepath.Join(dir, man.ReportRows[0])); err != nil {
				t.Fatal(err)
			}
			if _, ok := LoadShardRows(dir, man, p, c.opt); ok {
				t.Error("loaded with a shard's file missing")
			}
		})
	}
}

// TestBinRows: the rows binRows finds, skipping ahead between time
// points, are those at a time point (timeBins.bin) of the points and runs
// the charts show, in records of jobs of every shape: several substeps a
// timestep, every k-th timestep, jobs cut short by a failure, a job's rows
// split between records.
func TestBinRows(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 300 {
		T, every := 1+rng.IntN(400), 1+rng.IntN(4)
		points := 1 + rng.IntN(60)
		c := &Collector{bins: newTimeBins(T, every, points), panels: 1 + rng.IntN(3), runs: 1 + rng.IntN(3), every: every}
		var ts []int64
		var sims, subs, runs []int32
		for range 1 + rng.IntN(6) {
			sim, sub, run := int32(rng.IntN(2)), int32(rng.IntN(4)), int32(1+rng.IntN(4))
			end := T
			if rng.IntN(3) == 0 {
				end = rng.IntN(T + 1) // failed there
			}
			S := 1 + rng.IntN(3)
			for step := 0; step <= end; step += every {
				n := S
				if step == 0 {
					n = 1
				}
				for range n {
					ts, sims, subs, runs = append(ts, int64(step)), append(sims, sim), append(subs, sub), append(runs, run)
				}
			}
		}
		lo := rng.IntN(len(ts) + 1) // a record starting mid-job
		ts, sims, subs, runs = ts[lo:], sims[lo:], subs[lo:], runs[lo:]
		var want []int
		for i, t := range ts {
			if c.bins.bin(int(t)) >= 0 && int(subs[i]) < c.panels && int(runs[i]) <= c.runs {
				want = append(want, i)
			}
		}
		if got := c.binRows(nil, ts, sims, subs, runs); !slices.Equal(got, want) {
			t.Fatalf("trial %d (T %d, every %d, stride %d): rows %v, want %v", trial, T, every, c.bins.stride, got, want)
		}
	}
}
