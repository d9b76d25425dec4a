package runner_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/statecraft/statecraft/configs"
	"github.com/statecraft/statecraft/runner"
	"github.com/statecraft/statecraft/runner/dataset"
)

// TestMerge: 3 shards of an experiment with a report merge into one
// manifest whose counts, files and pass rates equal a single-machine run's.
func TestMerge(t *testing.T) {
	registerCriteriaModel(t)
	text := "model = \"test_criteria\"\ntimesteps = 4\nruns = 5\n[[scenarios]]\nname = \"a\"\nparams = { min_run = 2 }\n[[scenarios]]\nname = \"b\"\nparams = { min_run = 5 }\n[report]\ncriteria = [\"high\"]\n"
	x, err := configs.Parse("m.toml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	p, err := runner.NewPlan(x, nil)
	if err != nil {
		t.Fatal(err)
	}
	single := t.TempDir()
	want, err := runner.Run(context.Background(), p, runner.Options{Dir: single})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for i := 0; i < 3; i++ {
		if i == 2 {
			if _, err := dataset.Merge(dir); err == nil || !strings.Contains(err.Error(), "1 of 3 shards have not finished (missing: shard [2])") {
				t.Errorf("merge with a shard missing: %v", err)
			}
		}
		if _, err := runner.Run(context.Background(), p, runner.Options{Dir: dir, Shard: i, Shards: 3}); err != nil {
			t.Fatal(err)
		}
	}
	m, d, err := runner.Merge(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if m.Rows != want.Rows || m.Jobs != want.Jobs || len(m.Files) < 3 || !m.Complete || m.Shards != 1 {
		t.Errorf("merged: rows %d jobs %d files %d complete %v shards %d; single run: rows %d jobs %d", m.Rows, m.Jobs, len(m.Files), m.Complete, m.Shards, want.Rows, want.Jobs)
	}
	// the decisions drawn from the shards' KPI tables are the single run's
	got, _ := json.Marshal(d)
	wantJSON, _ := json.Marshal(want.Decisions)
	if d == nil || string(got) != string(wantJSON) {
		t.Errorf("merged decisions\n%s\nsingle run\n%s", got, wantJSON)
	}
	if m.KPIs == nil || m.KPIs.Rows != int64(want.Jobs) || len(m.KPIs.Files) != 3 {
		t.Errorf("merged KPI table: %+v", m.KPIs)
	}
	var onDisk dataset.Manifest
	data, _ := os.ReadFile(filepath.Join(dir, dataset.ManifestName))
	if err := json.Unmarshal(data, &onDisk); err != nil || onDisk.Rows != want.Rows {
		t.Errorf("_manifest.json: %v, rows %d", err, onDisk.Rows)
	}
	if _, err := os.Stat(filepath.Join(dir, "_decision.txt")); err != nil {
		t.Error(err)
	}
	// a shard's file gone: refused
	os.Remove(filepath.Join(dir, m.Files[0].Name))
	if _, err := dataset.Merge(dir); err == nil || !strings.Contains(err.Error(), "which is missing") {
		t.Errorf("missing part file: %v", err)
	}
	if _, err := dataset.Merge(t.TempDir()); err == nil || !strings.Contains(err.Error(), "no shard manifests") {
		t.Errorf("empty dir: %v", err)
	}
}

// twoShards runs the criteria model as two shards into a new directory
// and returns it with the shards' files of the KPI table.
func twoShards(t *testing.T) (dir string, kpis []string) {
	t.Helper()
	registerCriteriaModel(t)
	x, err := configs.Parse("m.toml", []byte("model = \"test_criteria\"\ntimesteps = 4\nruns = 4\n[report]\ncriteria = [\"high\"]\n"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := runner.NewPlan(x, nil)
	if err != nil {
		t.Fatal(err)
	}
	dir = t.TempDir()
	for i := range 2 {
		if _, err := runner.Run(context.Background(), p, runner.Options{Dir: dir, Shard: i, Shards: 2}); err != nil {
			t.Fatal(err)
		}
	}
	kpis, _ = filepath.Glob(filepath.Join(dir, filepath.FromSlash(dataset.TableDir(dataset.KPITable)), "*.parquet"))
	if len(kpis) != 2 {
		t.Fatalf("KPI files %v", kpis)
	}
	return dir, kpis
}

// TestMergeRefusesAForeignKPIFile: a shard's KPI file with other columns
// (here a part file of the substep table put in its place) is an error
// naming both column lists, not a misread.
func TestMergeRefusesAForeignKPIFile(t *testing.T) {
	dir, kpis := twoShards(t)
	parts, _ := filepath.Glob(filepath.Join(dir, "part-*.parquet"))
	if len(parts) == 0 {
		t.Fatalf("no part files in %s", dir)
	}
	data, err := os.ReadFile(parts[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(kpis[1], data, 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err = runner.Merge(dir, nil)
	for _, want := range []string{"columns [simulation: int32, subset: int32, run: int32, timestep: int64", "want [simulation: int32, subset: int32, run: int32, ", "another config's table?"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("merge with a foreign KPI file: %v; want %q in it", err, want)
		}
	}
}

// TestMergeRefusesAJobTwice: shard files of the KPI table that hold a job
// twice (here one shard's file copied over the other's) are an error
// naming the file, the row and the job, not a decision drawn from it.
func TestMergeRefusesAJobTwice(t *testing.T) {
	dir, kpis := twoShards(t)
	if _, _, err := runner.Merge(dir, nil); err != nil {
		t.Fatalf("merge of the shards as written: %v", err)
	}
	data, err := os.ReadFile(kpis[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(kpis[1], data, 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err = runner.Merge(dir, nil)
	want := "KPI table _tables/_kpis/" + filepath.Base(kpis[1]) + ": row 0 (simulation 0, subset 0, run 1): job 0 appears twice"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("merge with a job twice: %v; want %q in it", err, want)
	}
}
