package configs_test

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/statecraft/statecraft/configs"
	"github.com/statecraft/statecraft/gds"
)

const good = `# a comment
model = "predator_prey"
timesteps = 10
runs = 2
seed = 3

[params]
alpha = [1.1, 1.2]

[output]
dir = "out/x"
`

func TestParseDefaults(t *testing.T) {
	x, err := configs.Parse("good.toml", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	if x.Model != "predator_prey" || x.Timesteps != 10 || x.Runs != 2 || x.Seed != 3 {
		t.Errorf("decoded %+v", x)
	}
	if x.OnNaN != gds.NaNFail || x.Sweep.Mode != configs.SweepZip || x.Output.Format != configs.Parquet || x.Output.Compression != configs.Snappy ||
		x.Output.Every != 1 || x.Output.RowGroupRows != configs.DefaultRowGroupRows || !x.CommonRandomNumbers || x.Output.Agents != configs.AgentsTable ||
		x.Workers != runtime.GOMAXPROCS(0) {
		t.Errorf("defaults not applied: %+v", x)
	}
	if x.Name() != "good" {
		t.Errorf("Name() = %q", x.Name())
	}
	y, err := configs.Parse("min.toml", []byte("model = \"m\"\ntimesteps = 1\n"))
	if err != nil {
		t.Fatal(err)
	}
	if y.Runs != 1 {
		t.Errorf("runs default = %d, want 1", y.Runs)
	}
}

// TestErrors: every kind of bad config gets a message naming the file,
// line and key.
func TestErrors(t *testing.T) {
	for _, c := range []struct {
		name, text string
		sets       []string
		want       string
	}{
		{"syntax", "model = \"m\"\ntimesteps = = 3\n", nil, "bad.toml:2:"},
		{"unterminated string", "model = \"m\ntimesteps = 3\n", nil, "bad.toml:1:"},
		{"unknown key", "model = \"m\"\ntimesteps = 3\ntimestep = 4\n", nil, `bad.toml:3: key "timestep": unknown key (did you mean "timesteps"?)`},
		{"unknown nested key", "model = \"m\"\ntimesteps = 3\n[output]\nformt = \"csv\"\n", nil, `bad.toml:4: key "output.formt": unknown key (did you mean "format"?)`},
		{"unknown table", "model = \"m\"\ntimesteps = 3\n[outptu]\ndir = \"x\"\n", nil, `bad.toml:3: key "outptu": unknown key (did you mean "output"?)`},
		{"wrong type", "model = \"m\"\ntimesteps = \"ten\"\n", nil, `bad.toml:2: key "timesteps": want an integer, got a string`},
		{"wrong type nested", "model = \"m\"\ntimesteps = 3\n[output]\ndrop_substeps = 1\n", nil, `key "output.drop_substeps": want true or false, got an integer`},
		{"missing model", "timesteps = 3\n", nil, `key "model": missing`},
		{"missing timesteps", "model = \"m\"\n", nil, `key "timesteps": missing`},
		{"zero timesteps", "model = \"m\"\ntimesteps = 0\n", nil, `bad.toml:2: key "timesteps": must be > 0, got 0`},
		{"negative runs", "model = \"m\"\ntimesteps = 3\nruns = -1\n", nil, `bad.toml:3: key "runs": must be > 0, got -1`},
		{"zero workers", "model = \"m\"\ntimesteps = 3\nworkers = 0\n", nil, `key "workers": must be > 0, got 0`},
		{"bad format", "model = \"m\"\ntimesteps = 3\n[output]\nformat = \"xlsx\"\n", nil, `bad.toml:4:11: key "output.format": must be one of parquet, arrow, csv, got "xlsx"`},
		{"bad agents", "model = \"m\"\ntimesteps = 3\n[output]\nagents = \"long\"\n", nil, `bad.toml:4:11: key "output.agents": must be one of table, list, got "long"`},
		{"agents wrong type", "model = \"m\"\ntimesteps = 3\n[output]\nagents = true\n", nil, `bad.toml:4:10: key "output.agents": want a string, got true or false`},
		{"misspelt agents", "model = \"m\"\ntimesteps = 3\n[output]\nagent = \"list\"\n", nil, `bad.toml:4: key "output.agent": unknown key (did you mean "agents"?)`},
		{"set bad agents", good, []string{"output.agents=struct"}, `key "output.agents": must be one of table, list, got "struct"`},
		{"misspelt agents", "model = \"m\"\ntimesteps = 3\n[output]\nagents = \"lists\"\n", nil, `bad.toml:4:11: key "output.agents": must be one of table, list, got "lists" (did you mean "list"?)`},
		{"misspelt compression", "model = \"m\"\ntimesteps = 3\n[output]\ncompression = \"snapy\"\n", nil, `key "output.compression": must be one of snappy, zstd, none, got "snapy" (did you mean "snappy"?)`},
		{"bad mode", "model = \"m\"\ntimesteps = 3\n[sweep]\nmode = \"cartesian\"\n", nil, `bad.toml:4:9: key "sweep.mode": must be one of zip, grid, points, lhs, sobol, got "cartesian"`},
		{"bad on_nan", "model = \"m\"\ntimesteps = 3\non_nan = \"panic\"\n", nil, `bad.toml:3:11: key "on_nan": must be one of fail, flag, ignore, got "panic"`},
		{"on_nan wrong type", "model = \"m\"\ntimesteps = 3\non_nan = 1\n", nil, `bad.toml:3:10: key "on_nan": must be one of fail, flag, ignore, got "1"`},
		{"format wrong type", "model = \"m\"\ntimesteps = 3\n[output]\nformat = [\"csv\"]\n", nil, `bad.toml:4:11: key "output.format": want a string, got a list`},
		{"set bad format", good, []string{"output.format=csvv"}, `key "output.format": must be one of parquet, arrow, csv, got "csvv" (did you mean "csv"?)`},
		{"every zero", "model = \"m\"\ntimesteps = 3\n[output]\nevery = 0\n", nil, `key "output.every": must be > 0`},
		{"final_only and every", "model = \"m\"\ntimesteps = 3\n[output]\nfinal_only = true\nevery = 2\n", nil, `key "output.final_only"`},
		{"agents_every negative", "model = \"m\"\ntimesteps = 3\n[output]\nagents_every = -1\n", nil, `bad.toml:4: key "output.agents_every": must be >= 0, got -1`},
		{"agents_every not a multiple of every", "model = \"m\"\ntimesteps = 30\n[output]\nevery = 2\nagents_every = 3\n", nil, `key "output.agents_every": agent tables are written at recorded timesteps: 3 is not a multiple of output.every (2)`},
		{"agents_every with the list layout", "model = \"m\"\ntimesteps = 30\n[output]\nagents = \"list\"\nagents_every = 3\n", nil, `key "output.agents_every": applies to agent tables; with output.agents = "list"`},
		{"scenario without name", "model = \"m\"\ntimesteps = 3\n[[scenarios]]\nmodel = \"x\"\n", nil, "scenario 0 has no name"},
		{"duplicate scenario", "model = \"m\"\ntimesteps = 3\n[[scenarios]]\nname = \"a\"\n[[scenarios]]\nname = \"a\"\n", nil, `two scenarios named "a"`},
		{"unknown scenario key", "model = \"m\"\ntimesteps = 3\n[[scenarios]]\nname = \"a\"\nparms = {x = 1}\n", nil, `bad.toml:5: key "scenarios.parms": unknown key (did you mean "params"?)`},
		{"points without mode", "model = \"m\"\ntimesteps = 3\n[sweep]\nmode = \"zip\"\npoints = [{a = 1}]\n", nil, `points are used only with mode = "points"`},
		{"set malformed", good, []string{"timesteps"}, `--set: "timesteps": want key=value`},
		{"set bad toml", good, []string{"params.alpha=[1.0,"}, `--set: key "params.alpha": value "[1.0," is not TOML`},
		{"set unknown key", good, []string{"timestepz=5"}, `key "timestepz": unknown key`},
		{"set wrong type", good, []string{"timesteps=abc"}, `key "timesteps": want an integer, got a string`},
		{"set zero", good, []string{"timesteps=0"}, `must be > 0, got 0`},
		{"set into scalar", good, []string{"model.x=1"}, `"model" is not a table`},
	} {
		_, err := configs.Parse("bad.toml", []byte(c.text), c.sets...)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v\n  want it to contain %q", c.name, err, c.want)
		}
	}
}

func TestSet(t *testing.T) {
	x, err := configs.Parse("good.toml", []byte(good),
		"timesteps=80", "params.alpha=[0.9,1.05]", "output.dir=elsewhere", "params.beta=0.5", "sweep.mode=grid")
	if err != nil {
		t.Fatal(err)
	}
	if x.Timesteps != 80 || x.Output.Dir != "elsewhere" || x.Sweep.Mode != configs.SweepGrid {
		t.Errorf("sets not applied: %+v", x)
	}
	if a, ok := x.Params["alpha"].([]any); !ok || len(a) != 2 || a[1] != 1.05 {
		t.Errorf("params.alpha = %#v", x.Params["alpha"])
	}
	if x.Params["beta"] != 0.5 {
		t.Errorf("params.beta = %#v", x.Params["beta"])
	}
	if !strings.Contains(x.Text, "timesteps = 80") {
		t.Errorf("the stored text does not carry the override:\n%s", x.Text)
	}
	// --set may supply a key the file lacks, and a bad value in the file
	// may be overridden
	z, err := configs.Parse("partial.toml", []byte("model = \"m\"\ntimesteps = 0\n"), "timesteps=12")
	if err != nil || z.Timesteps != 12 {
		t.Errorf("--set timesteps over a file with timesteps = 0: %v, %+v", err, z)
	}
	if _, err := configs.Parse("partial.toml", []byte("model = \"m\"\n"), "runs=2"); err == nil || !strings.Contains(err.Error(), `key "timesteps": missing`) {
		t.Errorf("still missing after --set: %v", err)
	}
	if _, err := configs.Parse("partial.toml", []byte("model = \"m\"\nbogus = 1\n"), "timesteps=3"); err == nil || !strings.Contains(err.Error(), `partial.toml:2: key "bogus": unknown key`) {
		t.Errorf("unknown key with --set: %v", err)
	}
	// scenarios are addressed by index
	y, err := configs.Parse("s.toml", []byte("model = \"m\"\ntimesteps = 3\n[[scenarios]]\nname = \"a\"\n[[scenarios]]\nname = \"b\"\n"), "scenarios.1.params.alpha=2.0")
	if err != nil {
		t.Fatal(err)
	}
	if y.Scenarios[1].Params["alpha"] != 2.0 {
		t.Errorf("scenario override: %#v", y.Scenarios[1].Params)
	}
}

// TestAgentInitialStates: an agent variable's initial state is a list of
// tables keyed by field name, in the file, in a scenario and by --set;
// the config keeps their keys for gds.State.Set to check, and unknown
// keys beside them are still errors.
func TestAgentInitialStates(t *testing.T) {
	text := "model = \"m\"\ntimesteps = 3\n[initial_state]\nmembers = [{ ddt = 1.0, type = \"degen\" }, { ddt = 2 }]\n" +
		"[[initial_state.more]]\nddt = 3.0\n[[scenarios]]\nname = \"a\"\ninitial_state = { members = [{ type = \"whale\" }] }\n"
	// a list of tables is a []any of tables, or a []map[string]any (which
	// --set's re-encoded text gives): gds.State.Set takes both
	tables := func(v any) []map[string]any {
		switch l := v.(type) {
		case []map[string]any:
			return l
		case []any:
			var out []map[string]any
			for _, e := range l {
				out = append(out, e.(map[string]any))
			}
			return out
		}
		return nil
	}
	for _, sets := range [][]string{nil, {"scenarios.0.initial_state.others=[{ddt = 4.0}]"}} {
		x, err := configs.Parse("agents.toml", []byte(text), sets...)
		if err != nil {
			t.Fatal(err)
		}
		if m := tables(x.InitialState["members"]); len(m) != 2 || m[0]["type"] != "degen" || m[1]["ddt"] != int64(2) {
			t.Errorf("initial_state.members = %#v", x.InitialState["members"])
		}
		if more := tables(x.InitialState["more"]); len(more) != 1 || more[0]["ddt"] != 3.0 {
			t.Errorf("initial_state.more = %#v", x.InitialState["more"])
		}
		sc := x.Scenarios[0].InitialState
		if a := tables(sc["members"]); len(a) != 1 || a[0]["type"] != "whale" {
			t.Errorf("scenario members = %#v", sc["members"])
		}
		if a := tables(sc["others"]); sets != nil && (len(a) != 1 || a[0]["ddt"] != 4.0) {
			t.Errorf("scenario others (--set) = %#v", sc["others"])
		}
	}
	if _, err := configs.Parse("agents.toml", []byte(text+"[output]\nformt = \"csv\"\n")); err == nil || !strings.Contains(err.Error(), `key "output.formt": unknown key`) {
		t.Errorf("unknown key beside agent tables: %v", err)
	}
}

func TestLoad(t *testing.T) {
	_, err := configs.Load(filepath.Join(t.TempDir(), "missing.toml"))
	if err == nil || !strings.Contains(err.Error(), "missing.toml: no such file") {
		t.Errorf("missing file: err = %v", err)
	}
	path := filepath.Join(t.TempDir(), "exp.toml")
	if err := os.WriteFile(path, []byte(good), 0o644); err != nil {
		t.Fatal(err)
	}
	x, err := configs.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if x.Source != path || x.Name() != "exp" {
		t.Errorf("source %q name %q", x.Source, x.Name())
	}
}

// TestEmbedded: every embedded config parses.
func TestEmbedded(t *testing.T) {
	names := configs.Embedded()
	if len(names) == 0 {
		t.Fatal("no embedded configs")
	}
	found := false
	for _, n := range names {
		if n == "predator_prey" {
			found = true
		}
		if _, err := configs.LoadEmbedded(n); err != nil {
			t.Errorf("%s: %v", n, err)
		}
	}
	if !found {
		t.Errorf("predator_prey not embedded: %v", names)
	}
	if _, err := configs.LoadEmbedded("nope"); err == nil || !strings.Contains(err.Error(), "predator_prey") {
		t.Errorf("unknown embedded config: err = %v, want the list of names", err)
	}
}

// FuzzParse: the loader never panics, and accepts or rejects with an error.
func FuzzParse(f *testing.F) {
	f.Add([]byte(good), "timesteps=5")
	f.Add([]byte("model = \"m\"\ntimesteps = 3\n[[scenarios]]\nname = \"a\"\n"), "scenarios.0.params.x=[1,2]")
	f.Add([]byte("[output]\nevery = -1\n"), "")
	f.Add([]byte("model = 1\ntimesteps = [1]\n[sweep]\npoints = [{}]\n"), "a.b.c=d")
	f.Add([]byte("model = \"m\"\ntimesteps = 3\n[kpis]\nk = { of = \"x\", stat = \"quantile\", q = 2 }\n"), "kpis.j.expr=k*2")
	f.Add([]byte("model = \"m\"\ntimesteps = 3\n[sweep]\nmode = \"lhs\"\nsamples = 4\nbounds = { a = { min = 1, max = 0, log = true } }\n"), "sweep.samples=0")
	f.Add([]byte("model = \"m\"\ntimesteps = 3\n[output]\nvariables = []\n"), "output.variables=[\"*\",\"x\"]")
	f.Add([]byte("model = \"m\"\ntimesteps = 3\nruns = 0\n"), "seed=1")
	for _, n := range configs.Embedded() { // the decision layer's sections among them
		if x, err := configs.LoadEmbedded(n); err == nil {
			f.Add([]byte(x.Text), "")
		}
	}
	f.Fuzz(func(t *testing.T, data []byte, set string) {
		var sets []string
		if set != "" {
			sets = []string{set}
		}
		x, err := configs.Parse("fuzz.toml", data, sets...)
		if err == nil && (x.Timesteps <= 0 || x.Runs <= 0 || x.Model == "") {
			t.Fatalf("accepted an invalid config: %+v", x)
		}
	})
}

// TestReportCriteriaInPSUU: report.criteria are criteria a PSUU objective
// can name, as [[criteria]] are.
func TestReportCriteriaInPSUU(t *testing.T) {
	x, err := configs.Parse("rc.toml", []byte("model = \"m\"\ntimesteps = 3\n[params]\na = [1, 2]\n[report]\ncriteria = [\"ok\"]\n[psuu]\ncontrollable = [\"a\"]\n[[psuu.objectives]]\ncriterion = \"ok\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(x.Criteria) != 1 || x.Criteria[0].Expr != "ok == 1" || x.KPIs["ok"].Stat != configs.StatFinal {
		t.Errorf("criteria %+v, KPIs %+v", x.Criteria, x.KPIs)
	}
	if _, err := configs.Parse("rc.toml", []byte("model = \"m\"\ntimesteps = 3\n[params]\na = [1, 2]\n[report]\ncriteria = [\"ok\"]\n[psuu]\ncontrollable = [\"a\"]\n[[psuu.objectives]]\ncriterion = \"nope\"\n")); err == nil || !strings.Contains(err.Error(), `no criterion "nope"`) {
		t.Errorf("unknown criterion: err = %v", err)
	}
}

// An error found after loading names the line of the config file even
// with --set overrides (whose re-encoded text has other lines), and names
// --set for a key an override gave.
func TestErrorAtLinesWithOverrides(t *testing.T) {
	text := "model = \"m\"\ntimesteps = 5\n\n# a comment\n[params]\nalpha = [1.0, 2.0]\n\n[sweep]\nmode = \"zip\"\n"
	for _, c := range []struct {
		sets []string
		key  string
		want string
	}{
		{nil, "sweep.mode", "exp.toml:9:"},
		{[]string{"runs=3"}, "sweep.mode", "exp.toml:9:"},
		{[]string{"runs=3"}, "params.alpha", "exp.toml:6:"},
		{[]string{"params.alpha=[1.0]"}, "params.alpha", "--set: key \"params.alpha\""},
		{[]string{"params={alpha=[1.0]}"}, "params.alpha", "--set: key \"params.alpha\""},
	} {
		x, err := configs.Parse("exp.toml", []byte(text), c.sets...)
		if err != nil {
			t.Fatal(err)
		}
		if err := x.ErrorAt(c.key, "bad"); !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("sets %v: ErrorAt(%s) = %q, want it to start %q", c.sets, c.key, err, c.want)
		}
	}
}

// TestErrorLineWithSet: with --set overrides a range error of a key the
// file gives is located at the file's line, and one of an overridden key
// at --set.
func TestErrorLineWithSet(t *testing.T) {
	text := []byte("model = \"m\"\n\ntimesteps = 3\nruns = 0\n")
	for _, c := range []struct {
		sets []string
		want string
	}{
		{[]string{"seed=4"}, `x.toml:4: key "runs": must be > 0, got 0`},
		{[]string{"runs=-2"}, `--set: key "runs": must be > 0, got -2`},
	} {
		_, err := configs.Parse("x.toml", text, c.sets...)
		if err == nil || err.Error() != c.want {
			t.Errorf("--set %v: err = %v, want %q", c.sets, err, c.want)
		}
	}
}
