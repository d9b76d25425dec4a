package runner_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/apache/arrow/go/v15/parquet/file"

	"github.com/statecraft/statecraft/configs"
	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/internal/readback"
	"github.com/statecraft/statecraft/models"
	"github.com/statecraft/statecraft/runner"
	"github.com/statecraft/statecraft/runner/dataset"
)

var registerOnce sync.Once

// registerTestModels adds models that misbehave on purpose.
func registerTestModels(t testing.TB) {
	registerOnce.Do(func() {
		err := models.Register(models.Entry{Name: "test_faulty", Doc: "panics at timestep fail_at in subset fail_subset", Build: func() (*gds.Model, error) {
			b := gds.NewBuilder("test_faulty")
			x := b.Float("x", 1)
			n := b.Int("n", 0)
			tag := b.String("tag", "a")
			v := b.Vec("v", []float64{1, 2})
			failSubset := b.ParamInt("fail_subset", -1)
			failAt := b.ParamInt("fail_at", 0)
			nanAt := b.ParamInt("nan_at", 0)
			rate := b.ParamFloat("rate", 0.01)
			b.PSUB("step",
				x.Update(func(c *gds.Ctx) float64 {
					if int64(c.Subset) == failSubset.Get(c) && int64(c.T) == failAt.Get(c) {
						panic("deliberate failure")
					}
					if int64(c.T) == nanAt.Get(c) {
						return math.NaN()
					}
					return x.Get(c)*(1+rate.Get(c)) + c.Rand.Float64()
				}),
				n.Update(func(c *gds.Ctx) int64 { return n.Get(c) + 1 }),
			)
			b.PSUB("label",
				tag.Update(func(c *gds.Ctx) string { return fmt.Sprintf("t%d", c.T%3) }),
				v.Update(func(c *gds.Ctx, dst []float64) []float64 {
					return append(dst, v.Get(c)[0]+1, float64(n.Get(c)))
				}),
			)
			return b.Build()
		}})
		if err != nil {
			t.Fatal(err)
		}
	})
}

func parse(t *testing.T, text string, sets ...string) *configs.Experiment {
	t.Helper()
	x, err := configs.Parse("test.toml", []byte(text), sets...)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

func plan(t *testing.T, x *configs.Experiment) *runner.Plan {
	t.Helper()
	p, err := runner.NewPlan(x, nil)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func readSorted(t *testing.T, dir string) *readback.Dataset {
	t.Helper()
	ds, err := readback.Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	ds.Sort(5)
	return ds
}

const ppConfig = `
model = "predator_prey"
timesteps = 300
runs = 4
seed = 7
[params]
alpha = [1.1, 1.2, 1.3]
noise = 0.05
[output]
row_group_rows = 500
`

// TestDeterminism runs one experiment with 1 worker, 3 workers and as 3
// shards: the datasets, sorted by the id columns, are identical value for
// value. Small row groups make long jobs spill into their own part files.
func TestDeterminism(t *testing.T) {
	x := parse(t, ppConfig)
	p := plan(t, x)
	base := t.TempDir()
	run := func(name string, workers, shard, shards int) {
		t.Helper()
		_, err := runner.Run(context.Background(), p, runner.Options{Dir: filepath.Join(base, name), Workers: workers, Shard: shard, Shards: shards})
		if err != nil {
			t.Fatal(err)
		}
	}
	run("w1", 1, 0, 1)
	run("w3", 3, 0, 1)
	for i := 0; i < 3; i++ {
		run("shards", 2, i, 3)
	}
	w1 := readSorted(t, filepath.Join(base, "w1"))
	want := 3 * 4 * 301
	if len(w1.Rows) != want {
		t.Fatalf("1 worker: %d rows, want %d", len(w1.Rows), want)
	}
	wantCols := []string{"simulation", "subset", "run", "timestep", "substep", "alpha", "prey", "predator"}
	if !reflect.DeepEqual(w1.Columns, wantCols) {
		t.Fatalf("columns %v, want %v", w1.Columns, wantCols)
	}
	for _, other := range []string{"w3", "shards"} {
		ds := readSorted(t, filepath.Join(base, other))
		if !reflect.DeepEqual(ds.Rows, w1.Rows) {
			t.Errorf("%s: rows differ from 1 worker", other)
		}
	}
	// distinct runs differ (the streams are independent) ...
	if w1.Rows[1][6] == w1.Rows[302][6] {
		t.Errorf("runs 1 and 2 of subset 0 have the same first step: %v", w1.Rows[1][6])
	}
	// ... and a different seed gives different rows
	x2 := parse(t, ppConfig, "seed=8")
	if _, err := runner.Run(context.Background(), plan(t, x2), runner.Options{Dir: filepath.Join(base, "seed8")}); err != nil {
		t.Fatal(err)
	}
	if reflect.DeepEqual(readSorted(t, filepath.Join(base, "seed8")).Rows, w1.Rows) {
		t.Error("seed 8 gave the same rows as seed 7")
	}
	// 3 shards wrote 3 manifests whose jobs add up
	jobs := 0
	for i := 0; i < 3; i++ {
		var m dataset.Manifest
		data, err := os.ReadFile(filepath.Join(base, "shards", fmt.Sprintf("_manifest-shard-%04d-of-0003.json", i)))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatal(err)
		}
		jobs += m.Jobs
	}
	if jobs != 12 {
		t.Errorf("shards ran %d jobs, want 12", jobs)
	}
}

// TestCommonRandomNumbers: scenarios share streams by (subset, run) unless
// the config says otherwise.
func TestCommonRandomNumbers(t *testing.T) {
	cfg := `
model = "predator_prey"
timesteps = 20
runs = 2
%s
[[scenarios]]
name = "a"
[[scenarios]]
name = "b"
`
	for _, c := range []struct {
		line string
		same bool
	}{{"", true}, {"common_random_numbers = false", false}} {
		dir := t.TempDir()
		if _, err := runner.Run(context.Background(), plan(t, parse(t, fmt.Sprintf(cfg, c.line))), runner.Options{Dir: dir}); err != nil {
			t.Fatal(err)
		}
		ds := readSorted(t, dir)
		half := len(ds.Rows) / 2
		if got := reflect.DeepEqual(ds.Rows[5][5:], ds.Rows[half+5][5:]); got != c.same {
			t.Errorf("%q: simulations 0 and 1 identical = %v, want %v", c.line, got, c.same)
		}
	}
}

// TestFailedJobDropsOnlyItsRows: a panic in one job fails that job with its
// ids and parameters in the error; every other job's rows are kept, the
// failed job's rows are not, and the manifest says the dataset is
// incomplete. Row groups of 7 rows force the failing job to spill first.
func TestFailedJobDropsOnlyItsRows(t *testing.T) {
	registerTestModels(t)
	x := parse(t, `
model = "test_faulty"
timesteps = 30
runs = 3
[params]
rate = [0.01, 0.02]
fail_subset = 1
fail_at = 25
[output]
row_group_rows = 7
`)
	p := plan(t, x)
	for _, workers := range []int{1, 2} {
		dir := t.TempDir()
		res, err := runner.Run(context.Background(), p, runner.Options{Dir: dir, Workers: workers})
		var jf *runner.JobsFailedError
		if !errors.As(err, &jf) {
			t.Fatalf("workers %d: err = %v, want *JobsFailedError", workers, err)
		}
		if len(jf.Failed) != 3 {
			t.Fatalf("workers %d: %d failed jobs, want 3 (subset 1, runs 1-3)", workers, len(jf.Failed))
		}
		for _, want := range []string{"subset 1", "timestep 25", `update "x"`, "deliberate failure", "rate=0.02"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not mention %q", err, want)
			}
		}
		ds := readSorted(t, dir)
		if len(ds.Rows) != 3*(30*2+1) {
			t.Errorf("workers %d: %d rows, want %d (subset 0 only)", workers, len(ds.Rows), 3*61)
		}
		for _, r := range ds.Rows {
			if r[1].(int64) != 0 {
				t.Fatalf("a row of the failed subset was kept: %v", r)
			}
		}
		data, err := os.ReadFile(res.Manifest)
		if err != nil {
			t.Fatal(err)
		}
		var m dataset.Manifest
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatal(err)
		}
		if m.Complete || len(m.Failed) != 3 || m.Rows != int64(len(ds.Rows)) {
			t.Errorf("manifest complete=%v failed=%d rows=%d; want false, 3, %d", m.Complete, len(m.Failed), m.Rows, len(ds.Rows))
		}
		assertNoTemps(t, dir)
	}
}

// TestNaN: on_nan = fail fails the job naming the variable; flag keeps the
// rows and reports the first occurrence.
func TestNaN(t *testing.T) {
	registerTestModels(t)
	cfg := `
model = "test_faulty"
timesteps = 10
on_nan = "%s"
[params]
nan_at = 4
`
	_, err := runner.Run(context.Background(), plan(t, parse(t, fmt.Sprintf(cfg, "fail"))), runner.Options{Dir: t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), `set variable "x" to NaN`) || !strings.Contains(err.Error(), "timestep 4") {
		t.Errorf("on_nan fail: err = %v", err)
	}
	res, err := runner.Run(context.Background(), plan(t, parse(t, fmt.Sprintf(cfg, "flag"))), runner.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Anomalies) != 1 || res.Anomalies[0].Var != "x" || res.Anomalies[0].Timestep != 4 || res.Rows != 21 {
		t.Errorf("on_nan flag: anomalies %+v, rows %d", res.Anomalies, res.Rows)
	}
}

// TestCancel: a cancelled run leaves nothing a reader sees (no part file
// under its own name, no manifest), and a rerun of it continues: it keeps
// the jobs the cancelled run checkpointed and ends with the rows of a run
// never interrupted.
func TestCancel(t *testing.T) {
	const cfg = `
model = "predator_prey"
timesteps = 20000
runs = 8
[output]
row_group_rows = 1000
checkpoint_seconds = 0.001
`
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	_, err := runner.Run(ctx, plan(t, parse(t, cfg)), runner.Options{Dir: dir, Workers: 2, Progress: func(pr runner.Progress) {
		if pr.JobsDone > 0 {
			cancel()
		}
	}, ProgressEvery: 1})
	var stopped *runner.StoppedError
	if !errors.Is(err, context.Canceled) || !errors.As(err, &stopped) || stopped.Kept == 0 {
		t.Fatalf("err = %v, want context.Canceled, with jobs kept", err)
	}
	assertNothingVisible(t, dir)
	res, err := runner.Run(context.Background(), plan(t, parse(t, cfg)), runner.Options{Dir: dir, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	if res.Resumed != stopped.Kept || res.Jobs != 8 {
		t.Errorf("rerun: resumed %d of %d jobs, want the %d kept of 8", res.Resumed, res.Jobs, stopped.Kept)
	}
	want, err := runner.Run(context.Background(), plan(t, parse(t, cfg)), runner.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	assertSameRows(t, readSorted(t, want.Dir), readSorted(t, dir))
	assertNoTempsAll(t, dir)
}

// assertNothingVisible fails if dir holds a file a reader would take as
// data or as a finished dataset: any file whose name does not start with
// a dot, in dir or its table directories.
func assertNothingVisible(t *testing.T, dir string) {
	t.Helper()
	filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && !strings.HasPrefix(d.Name(), ".") {
			t.Errorf("visible after the run stopped: %s", path)
		}
		return nil
	})
}

// assertSameRows fails unless two datasets hold the same rows, agent
// tables included.
func assertSameRows(t *testing.T, want, got *readback.Dataset) {
	t.Helper()
	if !reflect.DeepEqual(want.Columns, got.Columns) {
		t.Fatalf("columns %v, want %v", got.Columns, want.Columns)
	}
	if len(got.Rows) != len(want.Rows) {
		t.Fatalf("%d rows, want %d", len(got.Rows), len(want.Rows))
	}
	for i := range want.Rows {
		if !reflect.DeepEqual(want.Rows[i], got.Rows[i]) {
			t.Fatalf("row %d: %v, want %v", i, got.Rows[i], want.Rows[i])
		}
	}
}

func assertNoTemps(t *testing.T, dir string) {
	t.Helper()
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("temporary file left: %s", e.Name())
		}
	}
}

// TestFormats writes every kind of column in each format and reads the
// Parquet and Arrow datasets back identically; CSV rows match too.
func TestFormats(t *testing.T) {
	registerTestModels(t)
	cfg := `
model = "test_faulty"
timesteps = 5
runs = 2
[params]
rate = [0.01, 0.02]
[output]
format = "%s"
compression = "%s"
`
	var ref *readback.Dataset
	for _, f := range []struct{ format, comp string }{{"parquet", "snappy"}, {"parquet", "zstd"}, {"parquet", "none"}, {"arrow", "zstd"}, {"arrow", "snappy"}, {"arrow", "none"}} {
		dir := t.TempDir()
		if _, err := runner.Run(context.Background(), plan(t, parse(t, fmt.Sprintf(cfg, f.format, f.comp))), runner.Options{Dir: dir}); err != nil {
			t.Fatalf("%s/%s: %v", f.format, f.comp, err)
		}
		ds := readSorted(t, dir)
		if ref == nil {
			ref = ds
			want := []string{"simulation", "subset", "run", "timestep", "substep", "rate", "x", "n", "tag", "v"}
			if !reflect.DeepEqual(ds.Columns, want) {
				t.Fatalf("columns %v, want %v", ds.Columns, want)
			}
			if len(ds.Rows) != 2*2*11 {
				t.Fatalf("%d rows, want 44", len(ds.Rows))
			}
			for _, k := range []string{"statecraft.model", "statecraft.model_hash", "statecraft.seed", "statecraft.version", "statecraft.config"} {
				if ds.Meta[k] == "" {
					t.Errorf("metadata %s missing", k)
				}
			}
			continue
		}
		if !reflect.DeepEqual(ds.Rows, ref.Rows) {
			t.Errorf("%s/%s: rows differ from parquet/snappy", f.format, f.comp)
		}
	}
	dir := t.TempDir()
	if _, err := runner.Run(context.Background(), plan(t, parse(t, fmt.Sprintf(cfg, "csv", "none"))), runner.Options{Dir: dir, Workers: 1}); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "part-0000-000-0000.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if lines[0] != "simulation,subset,run,timestep,substep,rate,x,n,tag,v" || len(lines) != 45 {
		t.Fatalf("csv header %q, %d lines", lines[0], len(lines))
	}
	if want := `0,0,1,0,0,0.01,1.0,0,a,"[1.0, 2.0]"`; lines[1] != want {
		t.Errorf("csv first row %q, want %q", lines[1], want)
	}
}

func TestAppendFloat(t *testing.T) {
	for _, c := range []struct {
		v    float64
		want string
	}{
		{10, "10.0"}, {0, "0.0"}, {math.Copysign(0, -1), "-0.0"}, {9.426079600000001, "9.426079600000001"},
		{1e-05, "1e-05"}, {0.0001, "0.0001"}, {1e16, "1e+16"}, {123456789012345.0, "123456789012345.0"},
		{2.5e-7, "2.5e-07"}, {math.NaN(), "nan"}, {math.Inf(1), "inf"}, {math.Inf(-1), "-inf"}, {-3.75, "-3.75"},
	} {
		if got := string(runner.AppendFloat(nil, c.v)); got != c.want {
			t.Errorf("AppendFloat(%v) = %q, want %q", c.v, got, c.want)
		}
	}
}

// TestOutputDir: a rerun of a finished run finds its dataset done; a
// directory holding another run's dataset is refused unless --overwrite;
// a directory holding foreign files is refused even then; an unwritable
// one is reported.
func TestOutputDir(t *testing.T) {
	p := plan(t, parse(t, "model = \"predator_prey\"\ntimesteps = 3\n"))
	dir := t.TempDir()
	first, err := runner.Run(context.Background(), p, runner.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	again, err := runner.Run(context.Background(), p, runner.Options{Dir: dir})
	if err != nil || again.Resumed != again.Jobs || again.Rows != first.Rows || !reflect.DeepEqual(again.Files, first.Files) {
		t.Errorf("the same run again: err = %v, resumed %d of %d jobs, %d rows (want %d)", err, again.Resumed, again.Jobs, again.Rows, first.Rows)
	}
	other := plan(t, parse(t, "model = \"predator_prey\"\ntimesteps = 4\n"))
	_, err = runner.Run(context.Background(), other, runner.Options{Dir: dir})
	if err == nil || !strings.Contains(err.Error(), "not empty") || !strings.Contains(err.Error(), "--overwrite") {
		t.Errorf("another run into %s: err = %v", dir, err)
	}
	if _, err := runner.Run(context.Background(), p, runner.Options{Dir: dir, Overwrite: true}); err != nil {
		t.Errorf("--overwrite: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = runner.Run(context.Background(), p, runner.Options{Dir: dir, Overwrite: true})
	if err == nil || !strings.Contains(err.Error(), "notes.txt") {
		t.Errorf("foreign file: err = %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "notes.txt")); err != nil {
		t.Errorf("the user's file was touched: %v", err)
	}
	ro := filepath.Join(t.TempDir(), "ro")
	if err := os.Mkdir(ro, 0o555); err != nil {
		t.Fatal(err)
	}
	if os.Getuid() == 0 {
		// root writes anywhere; use a path under a regular file instead
		f := filepath.Join(t.TempDir(), "file")
		os.WriteFile(f, nil, 0o644)
		ro = filepath.Join(f, "sub")
	}
	_, err = runner.Run(context.Background(), p, runner.Options{Dir: ro})
	if err == nil || !strings.Contains(err.Error(), "output directory") {
		t.Errorf("unwritable dir: err = %v", err)
	}
}

// TestSweeps checks zip, grid and points expansion, scenario overrides and
// the varying-parameter columns.
func TestSweeps(t *testing.T) {
	get := func(p *runner.Plan, sim, subset int, name string) any {
		v, _ := p.Sims[sim].Points[subset].Get(name)
		return v
	}
	zip := plan(t, parse(t, "model = \"predator_prey\"\ntimesteps = 1\n[params]\nalpha = [1.0, 2.0, 3.0]\nbeta = [0.5]\ngamma = 0.1\n"))
	if len(zip.Sims[0].Points) != 3 || get(zip, 0, 2, "alpha") != 3.0 || get(zip, 0, 2, "beta") != 0.5 {
		t.Errorf("zip: %d points", len(zip.Sims[0].Points))
	}
	if cols := paramNames(zip); !reflect.DeepEqual(cols, []string{"alpha"}) {
		t.Errorf("zip param columns %v, want [alpha]", cols)
	}
	grid := plan(t, parse(t, "model = \"predator_prey\"\ntimesteps = 1\n[params]\nalpha = [1.0, 2.0]\nbeta = [0.1, 0.2, 0.3]\n[sweep]\nmode = \"grid\"\n"))
	if n := len(grid.Sims[0].Points); n != 6 {
		t.Fatalf("grid: %d points, want 6", n)
	}
	if get(grid, 0, 1, "alpha") != 1.0 || get(grid, 0, 1, "beta") != 0.2 || get(grid, 0, 3, "alpha") != 2.0 {
		t.Errorf("grid order: the last parameter should vary fastest")
	}
	pts := plan(t, parse(t, "model = \"predator_prey\"\ntimesteps = 1\n[params]\nbeta = 0.9\n[sweep]\nmode = \"points\"\npoints = [{alpha = 1.5}, {alpha = 2.5, beta = 0.1}]\n"))
	if get(pts, 0, 0, "beta") != 0.9 || get(pts, 0, 1, "beta") != 0.1 || get(pts, 0, 1, "alpha") != 2.5 {
		t.Errorf("points not applied over params")
	}
	ab := plan(t, parse(t, "model = \"predator_prey\"\ntimesteps = 2\nruns = 2\n[params]\nalpha = [1.1, 1.2, 1.3]\n[[scenarios]]\nname = \"a\"\n[[scenarios]]\nname = \"b\"\nparams = {alpha = 1.0, beta = 0.5}\ninitial_state = {prey = 20.0}\n"))
	if ab.Jobs() != (3+1)*2 {
		t.Errorf("A/B jobs %d, want 8", ab.Jobs())
	}
	if j := ab.Job(6); j.Simulation != 1 || j.Subset != 0 || j.Run != 1 {
		t.Errorf("job 6 = %+v, want simulation 1, subset 0, run 1", j)
	}
	if v, _ := ab.Sims[1].Inits[0].Get("prey"); v != 20.0 {
		t.Errorf("scenario initial state prey = %v", v)
	}
	if cols := paramNames(ab); !reflect.DeepEqual(cols, []string{"alpha", "beta"}) {
		t.Errorf("A/B param columns %v, want [alpha beta]", cols)
	}
}

func paramNames(p *runner.Plan) []string {
	var out []string
	for _, pc := range p.ParamCols {
		out = append(out, pc.Name)
	}
	return out
}

// TestPlanErrors: problems that need the model are reported against the
// config's keys.
func TestPlanErrors(t *testing.T) {
	for _, c := range []struct{ name, cfg, want string }{
		{"unknown model", "model = \"nope\"\ntimesteps = 1\n", `test.toml:1: key "model": unknown model "nope"`},
		{"zip lengths", "model = \"predator_prey\"\ntimesteps = 1\n[params]\nalpha = [1.0, 2.0, 3.0]\nbeta = [0.1, 0.2]\n", "every list must have length 1 or 3, but beta has 2"},
		{"unknown param", "model = \"predator_prey\"\ntimesteps = 1\n[params]\nalpah = 1.0\n", `test.toml:4: key "params.alpah": model "predator_prey" has no parameter "alpah" (did you mean "alpha"?)`},
		{"param type", "model = \"predator_prey\"\ntimesteps = 1\n[params]\nalpha = \"high\"\n", `key "params.alpha": parameter "alpha": want a number, got the string "high"`},
		{"empty sweep", "model = \"predator_prey\"\ntimesteps = 1\n[params]\nalpha = []\n", "an empty list sweeps nothing"},
		{"unknown state", "model = \"predator_prey\"\ntimesteps = 1\n[initial_state]\nprey2 = 1.0\n", `has no state variable "prey2" (did you mean "prey"?)`},
		{"unknown output var", "model = \"predator_prey\"\ntimesteps = 1\n[output]\nvariables = [\"wolf\"]\n", `has no state variable "wolf"`},
		{"list with points", "model = \"predator_prey\"\ntimesteps = 1\n[params]\nalpha = [1.0, 2.0]\n[sweep]\nmode = \"points\"\npoints = [{beta = 1.0}]\n", "a list in params with sweep mode points"},
	} {
		x, err := configs.Parse("test.toml", []byte(c.cfg))
		if err == nil {
			_, err = runner.NewPlan(x, nil)
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want it to contain %q", c.name, err, c.want)
		}
	}
}

func parseB(b *testing.B, text string) *configs.Experiment {
	b.Helper()
	x, err := configs.Parse("bench.toml", []byte(text))
	if err != nil {
		b.Fatal(err)
	}
	return x
}

// TestPartFilesRotate makes every flush a row group (row_group_rows = 2),
// so that part files reach the row-group limit (maxPartRowGroups = 256)
// many times over, both the parts of completed jobs and the parts of jobs
// in progress: no file has more than 256 row groups, every job's rows are kept once, and a job that
// fails after its rows filled several parts loses them all.
func TestPartFilesRotate(t *testing.T) {
	registerTestModels(t)
	const cfg = `
model = "test_faulty"
timesteps = 600
runs = 3
[params]
rate = [0.01, 0.02]
fail_subset = 1
fail_at = 590
[output]
row_group_rows = %d
`
	ref := t.TempDir()
	if _, err := runner.Run(context.Background(), plan(t, parse(t, fmt.Sprintf(cfg, 100000))), runner.Options{Dir: ref, Workers: 1}); err == nil {
		t.Fatal("the failing jobs did not fail")
	}
	want := readSorted(t, ref)
	if len(want.Rows) != 3*1201 {
		t.Fatalf("reference: %d rows, want %d", len(want.Rows), 3*1201)
	}
	p := plan(t, parse(t, fmt.Sprintf(cfg, 2)))
	for _, workers := range []int{1, 2} {
		dir := t.TempDir()
		res, err := runner.Run(context.Background(), p, runner.Options{Dir: dir, Workers: workers})
		var jf *runner.JobsFailedError
		if !errors.As(err, &jf) || len(jf.Failed) != 3 {
			t.Fatalf("workers %d: err = %v, want 3 failed jobs", workers, err)
		}
		if got := readSorted(t, dir); !reflect.DeepEqual(got.Rows, want.Rows) {
			t.Errorf("workers %d: %d rows differ from the run without rotation (%d rows)", workers, len(got.Rows), len(want.Rows))
		}
		if len(res.Files) < 3*1201/2/256 {
			t.Errorf("workers %d: %d part files; want at least %d", workers, len(res.Files), 3*1201/2/256)
		}
		for _, f := range res.Files {
			pf, err := file.OpenParquetFile(filepath.Join(dir, f.Name), false)
			if err != nil {
				t.Fatal(err)
			}
			if n := pf.NumRowGroups(); n > 256 {
				t.Errorf("%s has %d row groups; want at most 256", f.Name, n)
			}
			pf.Close()
		}
		assertNoTemps(t, dir)
	}
}

// TestSmallJobsShareParts runs jobs smaller than a batch (201 rows, batches
// of 250; 18,090 rows in all): a job that has not ended when the batch fills moves to the
// batch's front instead of going to a part file of its own, so each worker
// writes one part file, whose row groups (of several batches) have at
// least row_group_rows rows but the last; a failing job's rows are
// dropped all the same.
func TestSmallJobsShareParts(t *testing.T) {
	registerTestModels(t)
	const cfg = `
model = "test_faulty"
timesteps = %d
runs = 30
[params]
rate = [0.01, 0.02, 0.03]
fail_subset = %d
fail_at = %d
[output]
row_group_rows = %d
`
	for _, tc := range []struct {
		name      string
		timesteps int // jobs of 2 x timesteps + 1 rows; a failing job fails at timesteps - 10
		failing   int // the subset that fails, -1 for none
		groupRows int
		workers   int
	}{
		{"1 worker, batches of 250", 100, -1, 250, 1},
		{"2 workers, batches of 250", 100, -1, 250, 2},
		{"1 worker, row groups of 20000 from batches of 16384", 100, -1, 20000, 1},
		{"a failing subset, 1 worker", 100, 1, 250, 1},
		{"a failing subset, 2 workers", 100, 1, 250, 2},
		// jobs of 1201 rows, longer than a batch: their rows go to the
		// shared part too, which a failure rolls back to the job's start
		// (row groups then end where a long job starts)
		{"jobs longer than the batch", 600, -1, 1000, 2},
		{"jobs longer than the batch, a failing subset", 600, 1, 1000, 1},
		{"jobs longer than the batch, a failing subset, 2 workers", 600, 1, 1000, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ref := t.TempDir()
			runner.Run(context.Background(), plan(t, parse(t, fmt.Sprintf(cfg, tc.timesteps, tc.failing, tc.timesteps-10, 1000000))), runner.Options{Dir: ref, Workers: 1})
			want := readSorted(t, ref)
			dir := t.TempDir()
			res, err := runner.Run(context.Background(), plan(t, parse(t, fmt.Sprintf(cfg, tc.timesteps, tc.failing, tc.timesteps-10, tc.groupRows))), runner.Options{Dir: dir, Workers: tc.workers})
			if tc.failing < 0 && err != nil {
				t.Fatal(err)
			}
			if got := readSorted(t, dir); !reflect.DeepEqual(got.Rows, want.Rows) {
				t.Errorf("%d rows differ from the run in one batch (%d rows)", len(got.Rows), len(want.Rows))
			}
			if len(res.Files) == 0 || len(res.Files) > tc.workers {
				t.Errorf("%d part files; want one per worker at most (%d workers)", len(res.Files), tc.workers)
			}
			for _, f := range res.Files {
				pf, err := file.OpenParquetFile(filepath.Join(dir, f.Name), false)
				if err != nil {
					t.Fatal(err)
				}
				for g := 0; g < pf.NumRowGroups()-1 && tc.timesteps == 100; g++ {
					if n := pf.MetaData().RowGroup(g).NumRows(); n < int64(tc.groupRows) {
						t.Errorf("%s: row group %d has %d rows; want at least %d", f.Name, g, n, tc.groupRows)
					}
				}
				pf.Close()
			}
			assertNoTemps(t, dir)
		})
	}
}

// TestWideRowsRowGroupsByBytes: rows of a vector of 1000 noisy floats (8
// KB each) end their row groups at 64 MiB of pages, not at
// row_group_rows rows (65536 of them would hold 500 MB a worker until
// written), and every row is written.
func TestWideRowsRowGroupsByBytes(t *testing.T) {
	if testing.Short() {
		t.Skip("100 MB of output")
	}
	dir := t.TempDir()
	init := make([]string, 1000)
	for i := range init {
		init[i] = fmt.Sprint(float64(i)*0.37 + 0.001)
	}
	model := filepath.Join(dir, "vec.toml")
	if err := os.WriteFile(model, []byte("name = \"vec\"\n[variables]\nv = { type = \"vector\", initial = ["+strings.Join(init, ", ")+
		"] }\n[[psubs]]\nname = \"p\"\n[psubs.updates]\nv = \"v + normal(0, 1)\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	res, err := runner.Run(context.Background(), plan(t, parse(t, "model = \""+model+"\"\ntimesteps = 12000\n")), runner.Options{Dir: out, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	var groups []int64
	for _, f := range res.Files {
		pf, err := file.OpenParquetFile(filepath.Join(out, f.Name), false)
		if err != nil {
			t.Fatal(err)
		}
		for g := range pf.NumRowGroups() {
			rg := pf.MetaData().RowGroup(g)
			groups = append(groups, rg.NumRows())
			if size := rg.TotalCompressedSize(); size > 64<<20+10<<20 || g < pf.NumRowGroups()-1 && size < 64<<20 {
				t.Errorf("%s: row group %d of %d rows has %d bytes of pages; want 64 MiB and at most a batch more (but the last)", f.Name, g, rg.NumRows(), size)
			}
		}
		pf.Close()
	}
	var rows int64
	for _, n := range groups {
		rows += n
	}
	if rows != 12001 || len(groups) < 2 {
		t.Errorf("row groups of %v rows; want 12001 rows in 2 or more", groups)
	}
}
