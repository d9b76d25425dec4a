package report

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/statecraft/statecraft/configs"
	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/models"
	"github.com/statecraft/statecraft/runner"
)

var registerOnce sync.Once

// registerKnown registers report_known: x = run × t after timestep t, in
// two PSUBs (the first writes a decoy, -1, that the last substep
// overwrites), so the quantiles across runs are known exactly; the
// policy panics in run fail_run at timestep fail_at.
func registerKnown(t *testing.T) {
	t.Helper()
	registerOnce.Do(func() {
		err := models.Register(models.Entry{Name: "report_known", Doc: "known bands", Build: func() (*gds.Model, error) {
			b := gds.NewBuilder("report_known")
			x := b.Float("x", 0)
			flag := b.Bool("flag", false)
			failRun := b.ParamInt("fail_run", 0)
			failAt := b.ParamInt("fail_at", 3)
			b.PSUB("decoy", x.Update(func(c *gds.Ctx) float64 {
				if int64(c.Run) == failRun.Get(c) && int64(c.T) == failAt.Get(c) {
					panic("boom")
				}
				return -1
			}))
			b.PSUB("set",
				x.Update(func(c *gds.Ctx) float64 { return float64(c.Run * c.T) }),
				flag.Update(func(c *gds.Ctx) bool { return c.Run%2 == 0 }),
			)
			return b.Build()
		}})
		if err != nil {
			t.Fatal(err)
		}
	})
}

// runKnown runs report_known with the config's extra lines into a new
// directory and returns it.
func runKnown(t *testing.T, extra string, workers int) string {
	t.Helper()
	registerKnown(t)
	x, err := configs.Parse("known.toml", []byte("model = \"report_known\"\ntimesteps = 2000\nruns = 5\n"+extra))
	if err != nil {
		t.Fatal(err)
	}
	return runPlan(t, x, workers, strings.Contains(extra, "fail_run"))
}

// runPlan runs the experiment into a new directory and returns it; a
// failed job is an error unless failures are expected.
func runPlan(t *testing.T, x *configs.Experiment, workers int, failures bool) string {
	t.Helper()
	p, err := runner.NewPlan(x, nil)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if _, err := runner.Run(context.Background(), p, runner.Options{Dir: dir, Workers: workers}); err != nil && !failures {
		t.Fatal(err)
	}
	return dir
}

func TestBandsAreQuantilesAcrossRuns(t *testing.T) {
	for _, workers := range []int{1, 2} {
		dir := runKnown(t, "[report]\npoints = 100\n", workers)
		src, err := open(dir, Options{MaxPanels: defaultMaxPanels, Budget: defaultBudget, MaxRuns: defaultMaxRuns})
		if err != nil {
			t.Fatal(err)
		}
		bins := newTimeBins(2000, 1, 100)
		set := newBandSet(newPanels(src.subsets(), 12), bins, []string{"x", "flag"}, 5)
		for _, f := range src.files(src.man.Files) {
			if err := scanFile(f, []string{"simulation", "subset", "run", "timestep", "substep", "x", "flag"}, configs.VectorMean, func(b *scanBatch) error { set.add(b); return nil }); err != nil {
				t.Fatal(err)
			}
		}
		b := set.band(0, 0)
		if len(b.t) != 101 || b.runs != 5 {
			t.Fatalf("workers %d: %d positions of %d runs, want 101 of 5", workers, len(b.t), b.runs)
		}
		for i, ts := range b.t {
			if int(ts)%20 != 0 {
				t.Fatalf("position %d at timestep %v, not a multiple of the stride 20", i, ts)
			}
			// runs 1..5: x = r·t; stat.Empirical at p is the ceil(5p)-th value.
			want := map[string][2]float64{"p5": {b.p5[i], ts}, "p25": {b.p25[i], 2 * ts}, "p50": {b.p50[i], 3 * ts}, "p75": {b.p75[i], 4 * ts}, "p95": {b.p95[i], 5 * ts}, "mean": {b.mean[i], 3 * ts}}
			for name, gw := range want {
				if math.Abs(gw[0]-gw[1]) > 1e-9 {
					t.Fatalf("workers %d: %s at timestep %v = %v, want %v (the last substep's value)", workers, name, ts, gw[0], gw[1])
				}
			}
		}
		if f := set.band(0, 1); f.mean[len(f.mean)-1] != 0.4 { // runs 2 and 4 of 5
			t.Errorf("share of runs with flag true = %v, want 0.4", f.mean[len(f.mean)-1])
		}
	}
}

func TestTimeBins(t *testing.T) {
	for _, c := range []struct {
		T, every, points int
		stride, n, last  int
	}{
		{10, 1, 1000, 1, 11, 10},
		{2000, 1, 100, 20, 101, 2000},
		{100000, 1, 1000, 100, 1001, 100000},
		{1001, 1, 1000, 2, 502, 1001}, // T itself is shown though off the stride
		{720, 10, 1000, 10, 73, 720},
		{725, 10, 50, 20, 38, 725},
	} {
		b := newTimeBins(c.T, c.every, c.points)
		if b.stride != c.stride || b.n != c.n || b.timestep(b.n-1) != c.last {
			t.Errorf("newTimeBins(%d, %d, %d) = stride %d, %d positions, last %d; want %d, %d, %d", c.T, c.every, c.points, b.stride, b.n, b.timestep(b.n-1), c.stride, c.n, c.last)
		}
		if b.stride%c.every != 0 {
			t.Errorf("stride %d is not a multiple of every %d", b.stride, c.every)
		}
		for i := 0; i < b.n; i++ {
			if b.bin(b.timestep(i)) != i {
				t.Errorf("T=%d: bin(timestep(%d)) = %d", c.T, i, b.bin(b.timestep(i)))
			}
		}
	}
}

func TestBudgetKeepsFirstRunsAndSaysSo(t *testing.T) {
	dir := runKnown(t, "", 2)
	var buf strings.Builder
	if err := Render(&buf, dir, Options{Budget: 2 * 1001 * 2}); err != nil { // 2 runs of x and flag at 1001 positions
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "show the first 2 of the 5 runs") {
		t.Errorf("a report within a small budget does not say it shows 2 of 5 runs")
	}
}

func TestLorenzAndGini(t *testing.T) {
	equal := []*agentJob{{values: [][]float64{{5, 5, 5, 5}}}}
	curve, g := meanLorenz(equal, 0)
	for i, v := range curve {
		if want := float64(i) / float64(lorenzPoints-1); math.Abs(v-want) > 1e-12 {
			t.Fatalf("equal holdings: curve[%d] = %v, want %v", i, v, want)
		}
	}
	if g != 0 {
		t.Errorf("equal holdings: Gini %v, want 0", g)
	}
	one := []*agentJob{{values: [][]float64{{0, 0, 0, 8}}}}
	curve, g = meanLorenz(one, 0)
	if math.Abs(g-0.75) > 1e-12 || curve[75] != 0 || curve[lorenzPoints-1] != 1 {
		t.Errorf("one holder of 4: Gini %v (want 0.75), curve at 75%% %v (want 0), at 100%% %v (want 1)", g, curve[75], curve[lorenzPoints-1])
	}
	if c, g := meanLorenz([]*agentJob{{values: [][]float64{{-1, 2}}}}, 0); c != nil || !math.IsNaN(g) {
		t.Errorf("negative holdings: got a curve, want none")
	}
}

func TestFailedJobsShownFirst(t *testing.T) {
	dir := runKnown(t, "[params]\nfail_run = 2\n", 1)
	path, err := Write(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	page := string(data)
	i := strings.Index(page, `class="alert error"`)
	if i < 0 || !strings.Contains(page, "1 of 5 jobs failed") || !strings.Contains(page, "boom") {
		t.Fatalf("the report of a run with a failed job does not show it in an error alert")
	}
	if j := strings.Index(page, `id="glance"`); j < i {
		t.Errorf("the failure alert comes after the experiment at a glance")
	}
}

func TestShippedConfigs(t *testing.T) {
	if testing.Short() {
		t.Skip("runs shipped configs")
	}
	for _, c := range []struct {
		name     string
		sets     []string
		sections []string
	}{
		{"predator_prey", []string{"timesteps=300", "runs=4"}, []string{"glance", "time", "model", "config"}},
		{"prsm", []string{"runs=3", "timesteps=96"}, []string{"decisions", "kpis", "time", "agents-agents", "model"}},
		{"datadao", []string{"timesteps=200", "runs=2"}, []string{"time", "model"}},
		{"predator_prey_sensitivity", []string{"sensitivity.samples=4"}, []string{"sensitivity", "kpis"}},
		{"predator_prey_optimize", []string{"optimize.max_evals=6"}, []string{"optimize", "decisions"}},
		{"prsm_psuu", []string{"runs=2", "timesteps=48"}, []string{"psuu", "decisions"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			x, err := configs.LoadEmbedded(c.name, c.sets...)
			if err != nil {
				t.Fatal(err)
			}
			dir := runPlan(t, x, 0, false)
			path, err := Write(dir, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if filepath.Base(path) != "_report.html" {
				t.Errorf("report written to %s", path)
			}
			data, _ := os.ReadFile(path)
			page := string(data)
			for _, id := range c.sections {
				if !strings.Contains(page, `<section id="`+id+`">`) {
					t.Errorf("no section %q", id)
				}
			}
			// Self-contained and static: no script, no external reference.
			for _, bad := range []string{"<script", "http://", "https://"} {
				if strings.Contains(regexp.MustCompile(`"http://www\.w3\.org/[^"]*"`).ReplaceAllString(page, ""), bad) && !strings.Contains(x.Text, bad) {
					t.Errorf("the report contains %q", bad)
				}
			}
			figs := regexp.MustCompile(`<figure class="chart"><figcaption>[^<]*</figcaption><svg`).FindAllString(page, -1)
			if len(figs) < 2 {
				t.Errorf("%d charts with an SVG, want at least 2", len(figs))
			}
		})
	}
}

func TestErrors(t *testing.T) {
	empty := t.TempDir()
	sharded := t.TempDir()
	if err := os.WriteFile(filepath.Join(sharded, "_manifest-shard-0000-of-0002.json"), []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	bad := t.TempDir()
	if err := os.WriteFile(filepath.Join(bad, "_manifest.json"), []byte("{not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		dir  string
		want string
	}{
		{empty, "not a finished dataset: no _manifest.json"},
		{sharded, "run statecraft merge " + sharded + " first"},
		{bad, "_manifest.json"},
		{filepath.Join(empty, "nope"), "not a finished dataset"},
	} {
		_, err := Write(c.dir, Options{})
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), c.dir) {
			t.Errorf("Write(%s) = %v, want an error naming the directory and %q", c.dir, err, c.want)
		}
	}
}

func TestConfigKeysCheckedAgainstTheModel(t *testing.T) {
	for _, c := range []struct {
		report string
		want   string
	}{
		{`variables = ["nope"]`, `key "report.variables": model "prsm" has no state variable "nope"`},
		{`lorenz = ["agents.balanse"]`, `key "report.lorenz": agents.balanse: agent variable "agents" has no field "balanse" (did you mean "balance"?)`},
		{`lorenz = ["price.x"]`, `"price" is not a recorded agent variable`},
		{`histograms = ["agents"]`, `key "report.histograms": "agents" is not an agent-table field`},
		{`scatter = [{ x = "agents.skill" }]`, `key "report.scatter": scatter 1 needs both x and y`},
		{`points = 1`, `key "report.points": must be >= 2, got 1`},
		{`vector_stat = "median"`, `vector_stat`},
		{`colour = "red"`, `unknown key`},
	} {
		x, err := configs.LoadEmbedded("prsm", "report={"+c.report+"}")
		if err == nil {
			_, err = runner.NewPlan(x, nil)
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("report { %s }: %v, want an error with %q", c.report, err, c.want)
		}
	}
}

func TestVectorStat(t *testing.T) {
	v := []float64{3, -1, 4, 2}
	for _, c := range []struct {
		stat configs.VectorStat
		v    []float64
		want float64
	}{
		{configs.VectorMean, v, 2}, {configs.VectorSum, v, 8}, {configs.VectorMin, v, -1}, {configs.VectorMax, v, 4}, {configs.VectorLen, v, 4},
		{configs.VectorLen, nil, 0},
	} {
		if got := vectorStat(c.v, c.stat); got != c.want {
			t.Errorf("%s of %v = %v, want %v", c.stat, c.v, got, c.want)
		}
	}
	for _, s := range []configs.VectorStat{configs.VectorMean, configs.VectorSum, configs.VectorMin, configs.VectorMax} {
		if got := vectorStat(nil, s); !math.IsNaN(got) {
			t.Errorf("%s of an empty vector = %v, want NaN", s, got)
		}
	}
}
