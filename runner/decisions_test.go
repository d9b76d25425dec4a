package runner_test

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"gonum.org/v1/gonum/stat"

	_ "github.com/statecraft/statecraft/blocks/all" // the families, for the embedded models that use blocks (gossip)
	"github.com/statecraft/statecraft/configs"
	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/internal/readback"
	"github.com/statecraft/statecraft/models"
	"github.com/statecraft/statecraft/runner"
)

var decideOnce sync.Once

// registerDecideModel: y = ctrl*(1-shock) + 0.1*N(0,1) each timestep, so
// a choice of ctrl passes "y >= 0.5" more often the larger it is and the
// smaller the shock; z = -(a-0.3)^2 - (b+1.2)^2 + 0.01*N(0,1) has its
// mean's maximum at (0.3, -1.2).
func registerDecideModel(t *testing.T) {
	decideOnce.Do(func() {
		err := models.Register(models.Entry{Name: "test_decide", Doc: "known decisions", Build: func() (*gds.Model, error) {
			b := gds.NewBuilder("test_decide")
			y := b.Float("y", 0)
			z := b.Float("z", 0)
			n := b.Int("n", 0)
			ctrl := b.ParamFloat("ctrl", 0.5)
			shock := b.ParamFloat("shock", 0)
			pa := b.ParamFloat("a", 0)
			pb := b.ParamFloat("b", 0)
			b.PSUB("step",
				y.Update(func(c *gds.Ctx) float64 { return ctrl.Get(c)*(1-shock.Get(c)) + 0.1*c.Rand.NormFloat64() }),
				z.Update(func(c *gds.Ctx) float64 {
					a, bb := pa.Get(c), pb.Get(c)
					return -(a-0.3)*(a-0.3) - (bb+1.2)*(bb+1.2) + 0.01*c.Rand.NormFloat64()
				}),
				n.Update(func(c *gds.Ctx) int64 { return n.Get(c) + 1 }),
			)
			return b.Build()
		}})
		if err != nil {
			t.Fatal(err)
		}
	})
}

func runConfig(t *testing.T, text string, opt runner.Options) (*runner.Plan, *runner.Result) {
	t.Helper()
	x, err := configs.Parse("decide.toml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	p, err := runner.NewPlan(x, nil)
	if err != nil {
		t.Fatal(err)
	}
	if opt.Dir == "" {
		opt.Dir = t.TempDir()
	}
	res, err := runner.Run(context.Background(), p, opt)
	if err != nil {
		t.Fatal(err)
	}
	return p, res
}

// runEmbedded runs an embedded config, with sets, into a temporary
// directory.
func runEmbedded(t *testing.T, name string, sets ...string) *runner.Result {
	t.Helper()
	x, err := configs.LoadEmbedded(name, sets...)
	if err != nil {
		t.Fatal(err)
	}
	p, err := runner.NewPlan(x, nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := runner.Run(context.Background(), p, runner.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// kpiTable reads a dataset's KPI table, sorted by job.
func kpiTable(t *testing.T, dir string) *readback.Dataset {
	t.Helper()
	ds, err := readback.Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	k := ds.Tables["_kpis"]
	if k == nil {
		t.Fatalf("%s has no KPI table (tables %v)", dir, ds.Tables)
	}
	k.Sort(3)
	return k
}

// TestKPITableOfManyJobs: a KPI table of more jobs than one of its
// records holds (65536) has every job once, in the plan's order across
// the records, each with the KPI of its own rows.
func TestKPITableOfManyJobs(t *testing.T) {
	if testing.Short() {
		t.Skip("70,000 jobs")
	}
	_, res := runConfig(t, `
model = "predator_prey"
timesteps = 2
runs = 35000
workers = 2
[params]
alpha = [1.0, 1.1]
[output]
final_only = true
[kpis]
last = { of = "prey" }
`, runner.Options{})
	ds, err := readback.Read(res.Dir)
	if err != nil {
		t.Fatal(err)
	}
	col := func(d *readback.Dataset, name string) int {
		i := slices.Index(d.Columns, name)
		if i < 0 {
			t.Fatalf("no column %q in %v", name, d.Columns)
		}
		return i
	}
	sub, run, prey := col(ds, "subset"), col(ds, "run"), col(ds, "prey")
	final := map[[2]int64]float64{}
	for _, r := range ds.Rows {
		final[[2]int64{r[sub].(int64), r[run].(int64)}] = r[prey].(float64)
	}
	k := ds.Tables["_kpis"]
	if k == nil || len(k.Rows) != 70000 || len(final) != 70000 {
		t.Fatalf("KPI table %v, %d jobs' final rows; want 70000 of both", k != nil, len(final))
	}
	ksub, krun, last := col(k, "subset"), col(k, "run"), col(k, "last")
	for i, r := range k.Rows {
		at := [2]int64{r[ksub].(int64), r[krun].(int64)}
		if want := [2]int64{int64(i / 35000), int64(i%35000 + 1)}; at != want {
			t.Fatalf("KPI row %d is job (subset %d, run %d), want (%d, %d)", i, at[0], at[1], want[0], want[1])
		}
		if v := r[last].(float64); math.Float64bits(v) != math.Float64bits(final[at]) {
			t.Fatalf("KPI row %d: last = %v, the job's final prey %v", i, v, final[at])
		}
	}
}

const kpiConfig = `
model = "predator_prey"
timesteps = 150
runs = 3
seed = 11
[params]
alpha = [1.1, 1.3]
[initial_state]
prey = [80.0, 120.0]
[sweep]
mode = "grid"
[output]
drop_substeps = true
[kpis]
final_prey = { of = "prey" }
mean_prey = { of = "prey", stat = "mean" }
min_prey = { of = "prey", stat = "min" }
max_pred = { of = "predator", stat = "max" }
sum_prey = { of = "prey", stat = "sum" }
std_prey = { of = "prey", stat = "std" }
q90_prey = { of = "prey", stat = "quantile", q = 0.9 }
above = { of = "prey", stat = "time_above", threshold = 30.0 }
below = { of = "predator", stat = "time_below", threshold = 10.0 }
first_up = { of = "predator", stat = "first_above", threshold = 25.0 }
first_down = { of = "prey", stat = "first_below", threshold = -1.0 }
dd = { of = "prey", stat = "max_drawdown" }
ratio = { of = "prey / predator", stat = "mean" }
spread = { expr = "max_pred - min_prey" }
twice = { expr = "spread * 2" }
`

// TestKPIsMatchRows: every statistic equals the same aggregate taken of
// the recorded rows (drop_substeps records exactly the observed states),
// and the swept initial value is a column.
func TestKPIsMatchRows(t *testing.T) {
	p, res := runConfig(t, kpiConfig, runner.Options{Workers: 2})
	if res.KPIs == nil || res.KPIs.Rows != 12 {
		t.Fatalf("KPI table %+v", res.KPIs)
	}
	ds, err := readback.Read(res.Dir)
	if err != nil {
		t.Fatal(err)
	}
	ds.Sort(5)
	k := kpiTable(t, res.Dir)
	if len(k.Rows) != p.Jobs() {
		t.Fatalf("%d KPI rows, want %d", len(k.Rows), p.Jobs())
	}
	type series struct{ prey, pred []float64 }
	byJob := map[[3]int64]*series{}
	var order [][3]int64
	for _, r := range ds.Rows {
		id := [3]int64{r[0].(int64), r[1].(int64), r[2].(int64)}
		s := byJob[id]
		if s == nil {
			s = &series{}
			byJob[id] = s
			order = append(order, id)
		}
		s.prey = append(s.prey, r[ds.Col("prey")].(float64))
		s.pred = append(s.pred, r[ds.Col("predator")].(float64))
	}
	for i, id := range order {
		s := byJob[id]
		row := k.Rows[i]
		got := func(name string) float64 { return row[k.Col(name)].(float64) }
		sorted := append([]float64(nil), s.prey...)
		stat.SortWeighted(sorted, nil)
		firstUp := math.NaN()
		for t, v := range s.pred {
			if v >= 25 && math.IsNaN(firstUp) {
				firstUp = float64(t)
			}
		}
		var above, below, ratio, peak, dd float64
		for j, v := range s.prey {
			if v > 30 {
				above++
			}
			if s.pred[j] < 10 {
				below++
			}
			ratio += v / s.pred[j] / float64(len(s.prey))
			peak = max(peak, v)
			dd = max(dd, (peak-v)/peak)
		}
		maxPred := sorted[0]
		for _, v := range s.pred {
			maxPred = max(maxPred, v)
		}
		want := map[string]float64{
			"final_prey": s.prey[len(s.prey)-1], "mean_prey": stat.Mean(s.prey, nil), "min_prey": sorted[0], "max_pred": maxPred,
			"sum_prey": stat.Mean(s.prey, nil) * float64(len(s.prey)), "std_prey": stat.StdDev(s.prey, nil),
			"q90_prey": stat.Quantile(0.9, stat.LinInterp, sorted, nil), "above": above, "below": below,
			"first_up": firstUp, "first_down": math.NaN(), "dd": dd, "ratio": ratio,
			"spread": maxPred - sorted[0], "twice": 2 * (maxPred - sorted[0]),
		}
		for name, w := range want {
			g := got(name)
			if !(math.Abs(g-w) <= 1e-9*math.Max(1, math.Abs(w))) && !(math.IsNaN(g) && math.IsNaN(w)) {
				t.Errorf("job %v: %s = %v, want %v", id, name, g, w)
			}
		}
		if row[k.Col("init_prey")].(float64) != s.prey[0] {
			t.Errorf("job %v: init_prey %v, prey at timestep 0 %v", id, row[k.Col("init_prey")], s.prey[0])
		}
	}
	if !strings.Contains(strings.Join(k.Columns, ","), "simulation,subset,run,alpha,init_prey,final_prey,mean_prey") {
		t.Errorf("KPI table columns %v", k.Columns)
	}
}

// TestKPIsWhateverIsRecorded: final_only, every-k recording and no
// recorded variables give the same KPIs; so do 1 and 2 workers and 3
// shards.
func TestKPIsWhateverIsRecorded(t *testing.T) {
	_, ref := runConfig(t, kpiConfig, runner.Options{Workers: 1})
	want := kpiTable(t, ref.Dir).Rows
	for _, c := range []struct {
		name, edit string
		opt        runner.Options
	}{
		{"final_only", "final_only = true", runner.Options{Workers: 2}},
		{"every 7", "every = 7", runner.Options{Workers: 2}},
		{"one variable", `variables = ["predator"]`, runner.Options{Workers: 2}},
	} {
		text := strings.Replace(kpiConfig, "drop_substeps = true", c.edit, 1)
		_, res := runConfig(t, text, c.opt)
		if got := kpiTable(t, res.Dir).Rows; !sameRows(got, want) {
			t.Errorf("%s: KPIs differ from the full run's", c.name)
		}
	}
	dir := t.TempDir()
	for i := 0; i < 3; i++ {
		runConfig(t, kpiConfig, runner.Options{Dir: dir, Shard: i, Shards: 3})
	}
	if _, _, err := runner.Merge(dir, nil); err != nil {
		t.Fatal(err)
	}
	if got := kpiTable(t, dir).Rows; !sameRows(got, want) {
		t.Errorf("3 shards merged: KPIs differ from one machine's")
	}
	for _, f := range []string{"_decision.json", "_decision.txt"} {
		a, _ := os.ReadFile(filepath.Join(ref.Dir, f))
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil || string(a) != string(b) {
			t.Errorf("%s of the merged shards differs from one machine's: %v", f, err)
		}
	}
}

func TestKPIErrors(t *testing.T) {
	registerDecideModel(t)
	base := "model = \"test_decide\"\ntimesteps = 3\n"
	for _, c := range []struct{ name, text, want string }{
		{"unknown var", "[kpis]\nk = { of = \"w\" }\n", `decide.toml:4: key "kpis.k.of": model "test_decide" has no state variable "w"`},
		{"unknown stat", "[kpis]\nk = { of = \"y\", stat = \"average\" }\n", `must be one of final, mean`},
		{"unknown key", "[kpis]\nk = { of = \"y\", stats = \"mean\" }\n", `key "kpis.k.stats": unknown key (did you mean "stat"?)`},
		{"no q", "[kpis]\nk = { of = \"y\", stat = \"quantile\" }\n", `key "kpis.k.q": stat = "quantile" needs q`},
		{"q out of range", "[kpis]\nk = { of = \"y\", stat = \"quantile\", q = 1.5 }\n", `q must be in [0, 1], got 1.5`},
		{"q without quantile", "[kpis]\nk = { of = \"y\", q = 0.5 }\n", `q goes with stat = "quantile" (stat is "final")`},
		{"no threshold", "[kpis]\nk = { of = \"y\", stat = \"time_above\" }\n", `stat = "time_above" needs a threshold`},
		{"of and expr", "[kpis]\nk = { of = \"y\", expr = \"1\" }\n", `give of or expr, not both`},
		{"neither", "[kpis]\nk = { stat = \"mean\" }\n", `give of (an expression over the state, with stat) or expr`},
		{"id name", "[kpis]\nrun = { of = \"y\" }\n", `"run" is an id column's name`},
		{"param name", "[kpis]\nctrl = { of = \"y\" }\n", `"ctrl" is a parameter of model "test_decide"`},
		{"string of", "[kpis]\nk = { of = \"y > 1 && n > 0\" }\n", ``},
		{"random", "[kpis]\nk = { of = \"y + normal(0, 1)\" }\n", `normal reads a run's state or random stream`},
		{"timestep", "[kpis]\nk = { of = \"y * t\" }\n", `"t" is a run's built-in name`},
		{"unknown KPI", "[kpis]\nk = { of = \"y\" }\nj = { expr = \"kk * 2\" }\n", `key "kpis.j.expr": col 1: unknown name "kk" (did you mean "k"?)`},
		{"cycle", "[kpis]\na1 = { expr = \"b1 + 1\" }\nb1 = { expr = \"a1 * 2\" }\n", `KPIs defined in a cycle: a1 -> b1 -> a1`},
		{"not boolean", "[kpis]\nk = { of = \"y\" }\n[[criteria]]\nname = \"ok\"\nexpr = \"k * 2\"\n", `key "criteria.0.expr": criterion ok: "k * 2" is a float, not a condition`},
		{"criterion unknown", "[kpis]\nk = { of = \"y\" }\n[[criteria]]\nname = \"ok\"\nexpr = \"kk > 2\"\n", `unknown name "kk"`},
		{"criterion no expr", "[kpis]\nk = { of = \"y\" }\n[[criteria]]\nname = \"ok\"\n", `criterion "ok" has no expr`},
		{"lhs no samples", "[sweep]\nmode = \"lhs\"\nbounds = { a = [0, 1] }\n", `key "sweep.samples": mode "lhs" needs samples > 0, got 0`},
		{"lhs bad bound", "[sweep]\nmode = \"sobol\"\nsamples = 4\nbounds = { a = [2, 1] }\n", `min 2 > max 1`},
		{"lhs log", "[sweep]\nmode = \"lhs\"\nsamples = 4\nbounds = { a = { min = 0, max = 1, log = true } }\n", `log scale needs min > 0`},
		{"lhs unknown param", "[sweep]\nmode = \"lhs\"\nsamples = 4\nbounds = { aa = [0, 1] }\n", `key "sweep.bounds.aa": model "test_decide" has no parameter "aa"`},
		{"psuu not swept", "[params]\nctrl = [0.1, 0.2]\n[kpis]\nk = { of = \"y\" }\n[[criteria]]\nname = \"ok\"\nexpr = \"k > 0\"\n[psuu]\ncontrollable = [\"shock\"]\n", `"shock" is not a swept parameter (swept: [ctrl])`},
		{"psuu kpi sense", "[params]\nctrl = [0.1, 0.2]\n[kpis]\nk = { of = \"y\" }\n[psuu]\ncontrollable = [\"ctrl\"]\n[[psuu.objectives]]\nkpi = \"k\"\n", `say whether "k" is better high`},
		{"optimize unknown kpi", "[kpis]\nk = { of = \"y\" }\n[optimize]\nkpi = \"kk\"\nsense = \"max\"\nbounds = { a = [0, 1] }\n", `key "optimize.kpi": no KPI "kk" in [kpis]`},
		{"optimize with sweep", "[params]\nctrl = [0.1, 0.2]\n[kpis]\nk = { of = \"y\" }\n[optimize]\nkpi = \"k\"\nsense = \"max\"\nbounds = { a = [0, 1] }\n", `the sweep has 2 points`},
		{"weights unknown scenario", "[params]\nctrl = [0.1, 0.2]\n[kpis]\nk = { of = \"y\" }\n[[scenarios]]\nname = \"calm\"\n[psuu]\ncontrollable = [\"ctrl\"]\n[[psuu.objectives]]\nkpi = \"k\"\nsense = \"max\"\nacross = \"weighted\"\nweights = { clam = 1.0 }\n", `no scenario "clam" (did you mean "calm"?)`},
		{"weights without weighted", "[params]\nctrl = [0.1, 0.2]\n[kpis]\nk = { of = \"y\" }\n[psuu]\ncontrollable = [\"ctrl\"]\n[[psuu.objectives]]\nkpi = \"k\"\nsense = \"max\"\nweights = { a = 1.0 }\n", `weights go with across = "weighted"`},
		{"init list empty", "[initial_state]\ny = []\n", `key "initial_state.y": an empty list sweeps nothing`},
	} {
		t.Run(c.name, func(t *testing.T) {
			x, err := configs.Parse("decide.toml", []byte(base+c.text))
			if err == nil {
				_, err = runner.NewPlan(x, nil)
			}
			if c.want == "" {
				if err != nil {
					t.Errorf("err = %v, want none", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %v\nwant it to contain %q", err, c.want)
			}
		})
	}
}

// TestPSUU: the controllable ctrl is ranked across the uncertain shock by
// the worst-case pass rate; common random numbers make the choices'
// paired differences exact (the same noise run by run).
func TestPSUU(t *testing.T) {
	registerDecideModel(t)
	_, res := runConfig(t, `
model = "test_decide"
timesteps = 5
runs = 40
seed = 5
[params]
ctrl = [0.55, 0.7, 0.9]
shock = [0.0, 0.2]
[sweep]
mode = "grid"
[output]
final_only = true
[kpis]
y = { of = "y" }
[[criteria]]
name = "high"
expr = "y >= 0.5"
[psuu]
controllable = ["ctrl"]
[[psuu.objectives]]
criterion = "high"
[[psuu.objectives]]
kpi = "y"
sense = "max"
`, runner.Options{Workers: 2})
	r := res.Decisions.Ranking
	if r == nil || len(r.Choices) != 3 {
		t.Fatalf("ranking %+v", r)
	}
	if got := r.Choices[r.Chosen].Params["ctrl"]; got != 0.9 {
		t.Errorf("chosen ctrl = %v, want 0.9", got)
	}
	// y's noise is the same for every choice in a case and run, so the
	// paired difference of y between ctrl 0.9 and 0.7 is exactly
	// 0.2*(1-shock): 0.2 or 0.16, 0.18 on average, and the interval is as
	// narrow as those two values make it (independent noise, sd 0.14 per
	// pair, would make it about 0.06 wide).
	found := false
	for _, pd := range r.Paired {
		if pd.Objective == r.Objectives[1].Name && r.Choices[pd.Other].Params["ctrl"] == 0.7 {
			found = true
			if math.Abs(pd.MeanDiff-0.18) > 1e-12 || pd.Hi-pd.Lo > 0.01 || pd.Pairs != 80 {
				t.Errorf("paired difference of y, 0.9 vs 0.7: %+v, want 0.18 exactly over 80 pairs", pd)
			}
		}
	}
	if !found {
		t.Errorf("no paired difference of y between 0.9 and 0.7: %+v", r.Paired)
	}
}

// TestSampledSweeps: LHS and Sobol points lie within the bounds, one per
// stratum, int parameters are integers, and the same seed gives the same
// points.
func TestSampledSweeps(t *testing.T) {
	registerDecideModel(t)
	for _, mode := range []string{"lhs", "sobol"} {
		text := `
model = "test_decide"
timesteps = 2
seed = 9
[sweep]
mode = "` + mode + `"
samples = 8
bounds = { a = [0.0, 4.0], b = { min = 0.01, max = 100.0, log = true } }
[output]
final_only = true
`
		p1, _ := runConfig(t, text, runner.Options{})
		p2, _ := runConfig(t, text, runner.Options{})
		if len(p1.Sims[0].Points) != 8 {
			t.Fatalf("%s: %d points", mode, len(p1.Sims[0].Points))
		}
		strata := map[int]bool{}
		for i, pt := range p1.Sims[0].Points {
			a, _ := pt.Get("a")
			b, _ := pt.Get("b")
			a2, _ := p2.Sims[0].Points[i].Get("a")
			if a != a2 {
				t.Errorf("%s: point %d differs between two plans of one config", mode, i)
			}
			af, bf := a.(float64), b.(float64)
			if af < 0 || af > 4 || bf < 0.01 || bf > 100 {
				t.Errorf("%s: point %d (%v, %v) out of bounds", mode, i, af, bf)
			}
			strata[int(af/0.5)] = true
		}
		if mode == "lhs" && len(strata) != 8 {
			t.Errorf("lhs: a's 8 strata hold %d points", len(strata))
		}
	}
}

// TestOptimize: the mean of z over runs peaks at (0.3, -1.2); with
// common random numbers the noise is the same at every point, and
// Nelder-Mead finds it.
func TestOptimize(t *testing.T) {
	registerDecideModel(t)
	_, res := runConfig(t, `
model = "test_decide"
timesteps = 3
runs = 4
seed = 2
[output]
final_only = true
[kpis]
z = { of = "z" }
[optimize]
kpi = "z"
sense = "max"
max_evals = 150
bounds = { a = [-2.0, 2.0], b = [-2.0, 2.0] }
`, runner.Options{Workers: 2})
	o := res.Decisions.Optimum
	if o == nil || math.Abs(o.Params["a"]-0.3) > 1e-3 || math.Abs(o.Params["b"]+1.2) > 1e-3 {
		t.Fatalf("optimum %+v, want a = 0.3, b = -1.2", o)
	}
	if res.Trace == nil || res.Trace.Rows != int64(o.Evals) || o.Evals > 150 {
		t.Errorf("trace %+v, %d evaluations", res.Trace, o.Evals)
	}
	// the dataset is the experiment at the optimum: its KPI is the objective
	k := kpiTable(t, res.Dir)
	var sum float64
	for _, r := range k.Rows {
		sum += r[k.Col("z")].(float64)
	}
	if got := sum / float64(len(k.Rows)); math.Abs(got-float64(o.Value)) > 1e-12 {
		t.Errorf("mean z at the optimum %v, optimum %v", got, o.Value)
	}
}

// sameRows compares rows value by value, NaN equal to NaN.
func sameRows(a, b [][]any) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if len(a[i]) != len(b[i]) {
			return false
		}
		for j := range a[i] {
			x, xf := a[i][j].(float64)
			y, yf := b[i][j].(float64)
			if xf && yf && math.IsNaN(x) && math.IsNaN(y) {
				continue
			}
			if !reflect.DeepEqual(a[i][j], b[i][j]) {
				return false
			}
		}
	}
	return true
}

// TestEmbeddedConfigsPlan: every embedded config, the decision layer's
// examples among them, resolves its models and expands into jobs.
func TestEmbeddedConfigsPlan(t *testing.T) {
	for _, n := range configs.Embedded() {
		x, err := configs.LoadEmbedded(n)
		if err != nil {
			t.Errorf("%s: %v", n, err)
			continue
		}
		if _, err := runner.NewPlan(x, nil); err != nil {
			t.Errorf("%s: %v", n, err)
		}
	}
}

// TestPRSMPSUU: the embedded PSUU example ranks its 9 controllable
// choices over the 4 stress scenarios, and chooses a point on its Pareto
// front.
func TestPRSMPSUU(t *testing.T) {
	res := runEmbedded(t, "prsm_psuu", "runs=3", "timesteps=240")
	r := res.Decisions.Ranking
	if len(r.Choices) != 9 || len(r.Choices[0].Cases) != 4 || r.Chosen != 0 {
		t.Fatalf("ranking: %d choices, %d cases, chosen %d", len(r.Choices), len(r.Choices[0].Cases), r.Chosen)
	}
	if !slices.Contains(r.Pareto, r.Chosen) {
		t.Errorf("the chosen choice %d is not on the Pareto front %v", r.Chosen, r.Pareto)
	}
	for i := 1; i < len(r.Choices); i++ { // ranked by the first objective, best first
		if r.Choices[i].Scores[0] > r.Choices[i-1].Scores[0] {
			t.Errorf("choice %d scores %v above choice %d's %v", i, r.Choices[i].Scores, i-1, r.Choices[i-1].Scores)
		}
	}
}

// TestStatusStorageStudies: the Status storage network's three embedded
// studies rank their choices over their two uncertain cases, and the
// treasury is, in every sweep point, its starting tokens plus what the
// incentive took in (taxes and penalties) less what it paid out
// (subsidies).
func TestStatusStorageStudies(t *testing.T) {
	cases := []struct {
		name    string
		choices int
		start   map[string]float64 // by scenario, the starting treasury (0 if absent)
	}{
		{"status_storage", 3, nil},
		{"status_storage_incentives", 12, map[string]float64{"funded_treasury": 1000}},
		{"status_storage_learner", 12, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := runEmbedded(t, c.name, "runs=2", "timesteps=60", "report.html=false")
			r := res.Decisions.Ranking
			if len(r.Choices) != c.choices || len(r.Choices[0].Cases) != 2 || !slices.Contains(r.Pareto, r.Chosen) {
				t.Fatalf("ranking: %d choices (want %d), %d cases (want 2), chosen %d, Pareto front %v",
					len(r.Choices), c.choices, len(r.Choices[0].Cases), r.Chosen, r.Pareto)
			}
			for _, pt := range res.Decisions.Summary.Points {
				k := pt.KPIs
				if _, ok := k["taxes"]; !ok {
					continue // the allocation study has no tax KPIs
				}
				want := c.start[pt.Scenario] + k["taxes"].Mean + k["penalties"].Mean - k["subsidies"].Mean
				if got := k["treasury"].Mean; math.Abs(got-want) > 1e-9*(1+math.Abs(want)) {
					t.Errorf("%s %v: treasury %v, want starting %v + taxes %v + penalties %v - subsidies %v = %v",
						pt.Scenario, pt.Params, got, c.start[pt.Scenario], k["taxes"].Mean, k["penalties"].Mean, k["subsidies"].Mean, want)
				}
				if k["taxes"].Max <= 0 || k["subsidies"].Max <= 0 {
					t.Errorf("%s %v: taxes %v, subsidies %v: the incentive never acted", pt.Scenario, pt.Params, k["taxes"], k["subsidies"])
				}
			}
		})
	}
}

// TestPSUUWeighted: a KPI objective weighted over the scenarios scores
// each choice by the weighted mean of its scenarios' means.
func TestPSUUWeighted(t *testing.T) {
	registerDecideModel(t)
	_, res := runConfig(t, `
model = "test_decide"
timesteps = 2
runs = 200
seed = 8
[params]
ctrl = [0.5, 0.9]
[output]
final_only = true
[kpis]
y = { of = "y" }
[[scenarios]]
name = "calm"
[[scenarios]]
name = "storm"
params = { shock = 0.5 }
[psuu]
controllable = ["ctrl"]
[[psuu.objectives]]
kpi = "y"
sense = "max"
across = "weighted"
weights = { calm = 0.9, storm = 0.1 }
`, runner.Options{})
	r := res.Decisions.Ranking
	best := r.Choices[r.Chosen]
	// E[y] = ctrl*(1-shock): 0.9*ctrl + 0.1*0.5*ctrl = 0.95*ctrl
	if best.Params["ctrl"] != 0.9 || math.Abs(best.Scores[0]-0.95*0.9) > 0.02 {
		t.Errorf("chosen %v with score %v, want ctrl 0.9 scoring about %v", best.Params, best.Scores, 0.95*0.9)
	}
}

// TestPlanCounts: jobs are numbered lazily, and counts that cannot be
// numbered are errors at the key, not out-of-memory crashes.
func TestPlanCounts(t *testing.T) {
	for _, c := range []struct {
		set  string
		jobs int   // when it plans
		rows int64 // when it plans
		want string
	}{
		{"runs=1000000000", 3_000_000_000, 3_003_000_000_000, ""},
		{"runs=2147483647", 3 * 2147483647, 3 * 2147483647 * 1001, ""},
		{"runs=2147483648", 0, 0, `key "runs": 3 sweep points x 2147483648 runs: the run and subset columns are int32, so each may count at most 2147483647`},
		{"runs=4611686018427387904", 0, 0, `the run and subset columns are int32`},
		{"timesteps=9223372036854775807", 0, 0, `key "timesteps": 9223372036854775807 timesteps x 1 PSUBs is more rows per run than can be counted`},
	} {
		x, err := configs.LoadEmbedded("predator_prey", c.set)
		var p *runner.Plan
		if err == nil {
			p, err = runner.NewPlan(x, nil)
		}
		if c.want == "" {
			if err != nil || p.Jobs() != c.jobs || p.Rows() != c.rows {
				t.Errorf("%s: err = %v, want %d jobs and %d rows", c.set, err, c.jobs, c.rows)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want %q", c.set, err, c.want)
		}
	}
	x, err := configs.LoadEmbedded("predator_prey", "runs=700000000")
	if err != nil {
		t.Fatal(err)
	}
	p, err := runner.NewPlan(x, nil)
	if err != nil {
		t.Fatal(err)
	}
	jobs := p.ShardJobs(2, 7)
	if p.Jobs() != 2100000000 || jobs.Len() != 300000000 || jobs.At(1) != 9 || jobs.At(jobs.Len()-1) != 2099999995 {
		t.Errorf("jobs %d, shard 2 of 7: %d jobs, second %d, last %d", p.Jobs(), jobs.Len(), jobs.At(1), jobs.At(jobs.Len()-1))
	}
	if spec := p.Job(jobs.At(jobs.Len() - 1)); spec.Simulation != 0 || spec.Subset != 2 || spec.Run != 699999996 {
		t.Errorf("last job of shard 2: %+v", spec)
	}
}

// TestNonFiniteValuesRefused: NaN and ±Inf parameters and initial values
// are config errors at their key (they used to run, and with on_nan =
// "ignore" write NaN rows with exit 0).
func TestNonFiniteValuesRefused(t *testing.T) {
	for _, c := range []struct{ text, want string }{
		{"[[scenarios]]\nname = \"a\"\n[[scenarios]]\nname = \"b\"\nparams = { beta = nan }\n", `key "scenarios.1.params.beta": parameter "beta": NaN is not a finite number`},
		{"[params]\nalpha = [1.0, inf]\n", `key "params.alpha": parameter "alpha": +Inf is not a finite number`},
		{"on_nan = \"ignore\"\n[initial_state]\nprey = -inf\n", `key "initial_state.prey": initial state "prey": -Inf is not a finite number`},
	} {
		x, err := configs.Parse("nan.toml", []byte("model = \"predator_prey\"\ntimesteps = 10\n"+c.text))
		if err == nil {
			_, err = runner.NewPlan(x, nil)
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("err = %v, want %q", err, c.want)
		}
	}
}

// walkModel is a model file of two float variables over three PSUBs, for
// KPIs that read the recorded rows: every timestep has three rows.
const walkModel = `
name = "walk3"
[variables]
x = { type = "float", initial = 5.0 }
y = { type = "float", initial = 1.0 }
[params]
s = { default = 1.0 }
[[psubs]]
name = "step"
  [psubs.updates]
  x = "x + s * normal(0, 1)"
[[psubs]]
name = "follow"
  [psubs.updates]
  y = "y * 0.99 + 0.01 * x"
[[psubs]]
name = "pull"
  [psubs.updates]
  x = "x - 0.001 * y"
`

// TestKPIsFromRecordedRows: KPIs read from the recorded rows (every
// timestep recorded, every source a recorded float variable; one row or
// three per timestep, jobs longer than a batch) equal, bit for bit, those
// of the engine's copies (final_only), for 1 and 2 workers.
func TestKPIsFromRecordedRows(t *testing.T) {
	model := filepath.Join(t.TempDir(), "walk3.toml")
	if err := os.WriteFile(model, []byte(walkModel), 0o644); err != nil {
		t.Fatal(err)
	}
	config := fmt.Sprintf(`
model = %q
timesteps = 2300
runs = 3
seed = 5
[params]
s = [0.5, 2.0]
[output]
row_group_rows = 1000
OUTPUT
[kpis]
final_x = { of = "x" }
mean_x = { of = "x", stat = "mean" }
min_x = { of = "x", stat = "min" }
max_y = { of = "y", stat = "max" }
sum_y = { of = "y", stat = "sum" }
std_x = { of = "x", stat = "std" }
q90_x = { of = "x", stat = "quantile", q = 0.9 }
q10_y = { of = "y", stat = "quantile", q = 0.1 }
above = { of = "x", stat = "time_above", threshold = 5.0 }
below = { of = "y", stat = "time_below", threshold = 4.0 }
first_up = { of = "y", stat = "first_above", threshold = 6.0 }
first_down = { of = "x", stat = "first_below", threshold = 0.0 }
dd = { of = "y", stat = "max_drawdown" }
`, model)
	_, ref := runConfig(t, strings.Replace(config, "OUTPUT", "final_only = true", 1), runner.Options{Workers: 1})
	want := kpiTable(t, ref.Dir).Rows
	if len(want) != 6 {
		t.Fatalf("%d KPI rows, want 6", len(want))
	}
	for _, c := range []struct {
		name, output string
		workers      int
	}{
		{"every substep, 1 worker", "", 1},
		{"every substep, 2 workers", "", 2},
		{"drop_substeps", "drop_substeps = true", 2},
		{"every = 1", "every = 1\ndrop_substeps = true", 1},
	} {
		_, res := runConfig(t, strings.Replace(config, "OUTPUT", c.output, 1), runner.Options{Workers: c.workers})
		if got := kpiTable(t, res.Dir).Rows; !sameRows(got, want) {
			t.Errorf("%s: KPIs differ from the engine's copies:\n got %v\nwant %v", c.name, got, want)
		}
	}
}
