package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/statecraft/statecraft/cli"
)

// The bad-input catalogue: broken experiment configs, model files and
// command lines, each with the exit code it must give, what its message
// must say (the file, line and key where there is one, and what was
// expected), no panic or goroutine dump, and no dataset left behind that a
// reader could take as complete.
//
// Every case runs in a directory of its own holding the catalogue's model
// files (testdata/badinput: m.toml, other.toml) and the case's files.
// "{d}" in an argument is that directory; a run gets --out {d}/out.

// cfg is an experiment config over testdata/badinput/m.toml, with extra
// lines appended.
func cfg(extra string) string {
	return "model = \"m.toml\"\ntimesteps = 3\n" + extra
}

// model is a model file: its variables and params tables, then its PSUBs.
func model(vars, params, psubs string) string {
	return "name = \"bad\"\n[variables]\n" + vars + "\n[params]\n" + params + "\n" + psubs
}

// updates is one PSUB with the given update lines.
func updates(lines string) string {
	return "[[psubs]]\nname = \"p\"\n[psubs.updates]\n" + lines + "\n"
}

type badCase struct {
	name  string
	files map[string]string // written into the case's directory
	args  []string
	code  int      // the exit code
	want  []string // substrings of stderr
}

// exp is a case that runs the config c, written as bad.toml.
func exp(name, c string, want ...string) badCase {
	return badCase{name: name, files: map[string]string{"bad.toml": c}, args: []string{"run", "{d}/bad.toml"}, code: cli.ExitUsage, want: want}
}

// set is a case that runs the config c with --set overrides.
func set(name, c string, sets []string, want ...string) badCase {
	args := []string{"run", "{d}/bad.toml"}
	for _, s := range sets {
		args = append(args, "--set", s)
	}
	return badCase{name: name, files: map[string]string{"bad.toml": c}, args: args, code: cli.ExitUsage, want: want}
}

// mod is a case that validates the model file text, written as bad.toml.
func mod(name, text string, want ...string) badCase {
	return badCase{name: name, files: map[string]string{"bad.toml": text}, args: []string{"validate", "{d}/bad.toml"}, code: cli.ExitUsage, want: want}
}

// cmd is a case of the command line alone.
func cmd(name string, args []string, want ...string) badCase {
	return badCase{name: name, args: args, code: cli.ExitUsage, want: want}
}

// failing is a case whose config is valid but whose jobs fail as they
// run: exit 1, and the manifest says the dataset is incomplete.
func failing(name, c string, want ...string) badCase {
	return badCase{name: name, files: map[string]string{"bad.toml": c}, args: []string{"run", "{d}/bad.toml"}, code: cli.ExitFailure, want: want}
}

func badCases() []badCase {
	scen := func(s string) string { return cfg("[[scenarios]]\nname = \"a\"\n[[scenarios]]\nname = \"b\"\n" + s) }
	gbm := func(args string) string {
		return model("x = 1.0", "", updates(`x = { use = "process.gbm", args = { `+args+` } }`))
	}
	ledger := "[variables]\nx = 0.0\n[tokens]\nusd = \"dollars\"\n[agents.alice]\nwallet = { usd = 10.0 }\n[agents.bob]\nwallet = { usd = 0.0 }\n[[psubs]]\nname = \"p\"\n[[psubs.transfers]]\n"
	return []badCase{
		// experiment configs: syntax, keys, types, ranges
		exp("syntax error", "model = \"m.toml\"\ntimesteps = \n", "bad.toml:2", "expected value"),
		exp("unknown key", cfg("runz = 3\n"), `bad.toml:3: key "runz": unknown key (did you mean "runs"?)`),
		exp("missing model", "timesteps = 3\n", `key "model": missing: name the model to run`),
		exp("missing timesteps", "model = \"m.toml\"\n", `key "timesteps": missing`),
		exp("zero timesteps", "model = \"m.toml\"\ntimesteps = 0\n", `bad.toml:2: key "timesteps": must be > 0, got 0`),
		exp("negative timesteps", "model = \"m.toml\"\ntimesteps = -5\n", `bad.toml:2: key "timesteps": must be > 0, got -5`),
		exp("timesteps of wrong type", "model = \"m.toml\"\ntimesteps = \"ten\"\n", "bad.toml:2", "timesteps"),
		exp("timesteps beyond counting", "model = \"m.toml\"\ntimesteps = 9223372036854775807\n", `bad.toml:2: key "timesteps": 9223372036854775807 timesteps x 2 PSUBs is more rows per run than can be counted`),
		exp("zero runs", cfg("runs = 0\n"), `bad.toml:3: key "runs": must be > 0, got 0`),
		exp("runs beyond numbering", cfg("runs = 4611686018427387904\n[params]\nrate = [0.1, 0.2, 0.3]\n"), `key "runs": 3 sweep points x 4611686018427387904 runs: the run and subset columns are int32, so each may count at most 2147483647`),
		exp("zero workers", cfg("workers = 0\n"), `bad.toml:3: key "workers": must be > 0, got 0`),
		exp("unknown model", "model = \"nosuch_model\"\ntimesteps = 3\n", `"nosuch_model"`),
		exp("missing model file", "model = \"missing.toml\"\ntimesteps = 3\n", "missing.toml"),
		exp("unknown on_nan", cfg("on_nan = \"skip\"\n"), "bad.toml:3", "on_nan", `"skip"`),
		exp("unknown output format", cfg("[output]\nformat = \"parqet\"\n"), "bad.toml:4", `did you mean "parquet"?`),
		exp("unknown sweep mode", cfg("[sweep]\nmode = \"grdi\"\n"), "bad.toml:4", `did you mean "grid"?`),
		exp("output.every zero", cfg("[output]\nevery = 0\n"), `bad.toml:4: key "output.every": must be > 0, got 0`),
		// params
		exp("unknown parameter", cfg("[params]\nratee = 0.1\n"), `bad.toml:4: key "params.ratee"`, `(did you mean "rate"?)`),
		exp("parameter of wrong type", cfg("[params]\nrate = \"fast\"\n"), `bad.toml:4: key "params.rate"`, `want a number, got the string "fast"`),
		exp("NaN parameter", cfg("[params]\nrate = nan\n"), `bad.toml:4: key "params.rate": parameter "rate": NaN is not a finite number`),
		exp("+Inf parameter", cfg("[params]\ns2 = inf\n"), `bad.toml:4: key "params.s2": parameter "s2": +Inf is not a finite number`),
		exp("-Inf in a vector parameter", cfg("[params]\nw = [1.0, -inf]\n"), `bad.toml:4: key "params.w"`, "element 1 is -Inf, not a finite number"),
		exp("NaN in a sweep list", cfg("[params]\nrate = [0.1, nan]\n"), `bad.toml:4: key "params.rate"`, "NaN is not a finite number"),
		exp("NaN in a swept vector", cfg("[params]\nw = [[1.0, 2.0], [nan, 1.0]]\n"), `bad.toml:4: key "params.w"`, "NaN, not a finite number"),
		exp("parameter above its maximum", cfg("[params]\nrate = 2.0\n"), `bad.toml:4: key "params.rate": parameter "rate": 2 is above the maximum 1`),
		exp("grid point below the minimum", cfg("[params]\nrate = [0.5, -0.1]\nsigma = [0.1, 0.2]\n[sweep]\nmode = \"grid\"\n"), `bad.toml:4: key "params.rate"`, "-0.1 is below the minimum 0"),
		exp("zip lists of other lengths", cfg("[params]\nrate = [0.1, 0.2]\nsigma = [0.1, 0.2, 0.3]\n"), "every list must have length 1 or"),
		exp("sweep point out of bounds", cfg("[sweep]\nmode = \"points\"\npoints = [{ rate = 0.5 }, { rate = 1.5 }]\n"), `key "sweep.points": point 1: parameter "rate": 1.5 is above the maximum 1`),
		exp("NaN sweep point", cfg("[sweep]\nmode = \"points\"\npoints = [{ sigma = nan }]\n"), `key "sweep.points": point 0: parameter "sigma": NaN is not a finite number`),
		exp("sampled range beyond the bounds", cfg("[sweep]\nmode = \"lhs\"\nsamples = 4\nbounds.rate = [0.0, 2.0]\n"), `key "sweep.bounds.rate": the range [0, 2] reaches above the parameter's maximum 1`),
		exp("sensitivity range beyond the bounds", cfg("[kpis.fx]\nof = \"x\"\n[sensitivity]\nmethod = \"morris\"\nsamples = 4\nbounds.sigma = [-1.0, 1.0]\n"), `key "sensitivity.bounds.sigma": the range [-1, 1] reaches below the parameter's minimum 0`),
		exp("optimisation range beyond the bounds", cfg("[kpis.fx]\nof = \"x\"\n[optimize]\nmethod = \"nelder_mead\"\nkpi = \"fx\"\nsense = \"max\"\nbounds.rate = [0.5, 3.0]\n"), `key "optimize.bounds.rate": the range [0.5, 3] reaches above the parameter's maximum 1`),
		exp("kpi of an unknown name", cfg("[kpis.fx]\nof = \"xx\"\n"), `bad.toml:4: key "kpis.fx.of": model "m" has no state variable "xx" (did you mean "x"?)`),
		// initial state
		exp("NaN initial state", cfg("[initial_state]\nx = nan\n"), `bad.toml:4: key "initial_state.x": initial state "x": NaN is not a finite number`),
		exp("Inf in a swept initial state", cfg("[initial_state]\nx = [1.0, inf]\n"), `bad.toml:4: key "initial_state.x"`, "+Inf is not a finite number"),
		exp("unknown state variable", cfg("[initial_state]\nxx = 1.0\n"), `key "initial_state.xx"`, `has no state variable "xx" (did you mean "x"?)`),
		exp("initial state of wrong type", cfg("[initial_state]\nn = 1.5\n"), `key "initial_state.n"`, "want an integer, got 1.5"),
		// scenarios
		exp("NaN in a scenario's params", scen("params = { rate = nan }\n"), `bad.toml:7: key "scenarios.1.params.rate": parameter "rate": NaN is not a finite number`),
		exp("scenario parameter out of bounds", scen("params = { sigma = -1.0 }\n"), `bad.toml:7: key "scenarios.1.params.sigma": parameter "sigma": -1 is below the minimum 0`),
		exp("-Inf in a scenario's initial state", scen("initial_state = { x = -inf }\n"), `key "scenarios.1.initial_state.x": initial state "x": -Inf is not a finite number`),
		exp("scenario model with other variables", scen("model = \"other.toml\"\n"), `bad.toml:7: key "scenarios.1.model"`, `models "m" and "other" differ in their state variables: only "other" has "y"; of other types: "n" (int in "m", float in "other")`),
		exp("two scenarios of one name", cfg("[[scenarios]]\nname = \"a\"\n[[scenarios]]\nname = \"a\"\n"), `key "scenarios": two scenarios named "a"`),
		exp("scenario without a name", cfg("[[scenarios]]\nparams = { rate = 0.2 }\n"), "scenarios", "name"),
		// output
		exp("empty output.variables", cfg("[output]\nvariables = []\n"), `bad.toml:4: key "output.variables": an empty list writes no variable; to write every variable give ["*"] or leave the key out`),
		exp("unknown output variable", cfg("[output]\nvariables = [\"xx\"]\n"), `key "output.variables": model "m" has no state variable "xx" (did you mean "x"?)`),
		exp("* among other variables", cfg("[output]\nvariables = [\"*\", \"x\"]\n"), `key "output.variables": "*" means every variable and stands alone`),
		exp("output variable listed twice", cfg("[output]\nvariables = [\"x\", \"x\"]\n"), `key "output.variables": variable "x" listed twice`),
		// --set
		set("--set NaN parameter", cfg(""), []string{"params.rate=nan"}, `--set: key "params.rate": parameter "rate": NaN is not a finite number`),
		set("--set Inf initial state", cfg(""), []string{"initial_state.x=inf"}, `--set: key "initial_state.x": initial state "x": +Inf is not a finite number`),
		set("--set parameter out of bounds", cfg(""), []string{"params.rate=5"}, `--set: key "params.rate": parameter "rate": 5 is above the maximum 1`),
		set("--set sweep point out of bounds", cfg(""), []string{"params.rate=[0.5,1.5]"}, `key "params.rate": parameter "rate": 1.5 is above the maximum 1`),
		set("--set timesteps beyond counting", cfg(""), []string{"timesteps=9223372036854775807"}, `key "timesteps"`, "more rows per run than can be counted"),
		set("--set without =", cfg(""), []string{"timesteps"}, "want key=value"),
		set("--set unknown key", cfg(""), []string{"runz=3"}, `key "runz": unknown key (did you mean "runs"?)`),
		set("--set empty output.variables", cfg(""), []string{"output.variables=[]"}, `key "output.variables": an empty list writes no variable`),
		set("--set NaN in a scenario", scen(""), []string{"scenarios.1.params.rate=nan"}, `key "scenarios.1.params.rate": parameter "rate": NaN is not a finite number`),
		// model files
		mod("model: unknown top-level key", "name = \"m\"\nvariabels = {}\n[[psubs]]\nname = \"p\"\n", `bad.toml:2: key "variabels": unknown key (did you mean "variables"?)`),
		mod("model: unknown variable key", model(`x = { type = "float", inital = 1.0 }`, "", updates(`x = "x"`)), `key "variables.x.inital": unknown key (did you mean "initial"?)`),
		mod("model: unknown type", model(`x = { type = "decimal", initial = 1 }`, "", updates(`x = "x"`)), `key "variables.x.type": unknown type decimal; want one of float, int, bool, string, vector`),
		mod("model: initial of wrong type", model(`n = { type = "int", initial = 1.5 }`, "", updates(`n = "n"`)), `bad.toml:3: key "variables.n.initial": initial value: want an integer, got 1.5`),
		mod("model: NaN default", model("x = 1.0", `k = { default = nan }`, updates(`x = "x*k"`)), `bad.toml:5: key "params.k.default": default: NaN is not a finite number; a parameter may hold it with allow_nonfinite = true`),
		mod("model: Inf initial value", model("x = inf", "", updates(`x = "x"`)), `bad.toml:3: key "variables.x": initial value: +Inf is not a finite number`),
		mod("model: default above max", model("x = 1.0", `k = { default = 2.0, max = 1.0 }`, updates(`x = "x*k"`)), `bad.toml:5: key "params.k.default": default 2 is above the maximum 1`),
		mod("model: min above max", model("x = 1.0", `k = { default = 1.0, min = 2.0, max = 0.0 }`, updates(`x = "x*k"`)), `bad.toml:5: key "params.k.max": max 0 is below min 2`),
		mod("model: allow_nonfinite on an int", model("x = 1.0", `k = { default = 1, allow_nonfinite = true }`, updates(`x = "x*k"`)), `key "params.k.allow_nonfinite": only float and vector values can be NaN or ±Inf, not int`),
		mod("model: variable named t", model("t = 1.0", "", updates(`t = "t"`)), `state variable "t"`, "timestep"),
		mod("model: variable named timestep", model("timestep = 1.0", "", updates(`timestep = "timestep"`)), `state variable "timestep": the name is reserved for the dataset's id columns`),
		mod("model: parameter named run", model("x = 1.0", "run = 1.0", updates(`x = "x"`)), `parameter "run": the name is reserved for the dataset's id columns`),
		mod("model: a name used twice", model("x = 1.0", "x = 2.0", updates(`x = "x"`)), `key "params.x": "x" is already a variable`),
		mod("model: unknown name in an expression", model("x = 1.0", "rate = 0.1", updates(`x = "x*rtae"`)), `bad.toml:9: key "psubs.0.updates.x": "x*rtae": col 3: unknown name "rtae" (did you mean "rate"?)`),
		mod("model: type mismatch", model("x = 1.0", "", updates(`x = "x + true"`)), `key "psubs.0.updates.x": "x + true": col`),
		mod("model: float into an int", model("n = 0", "", updates(`n = "n + 0.5"`)), `variable "n" is int, the expression is float; convert with int(...) or round(...)`),
		mod("model: expression syntax", model("x = 1.0", "", updates(`x = "x * (1.0"`)), `key "psubs.0.updates.x": "x * (1.0": col`),
		mod("model: empty expression", model("x = 1.0", "", updates(`x = ""`)), `key "psubs.0.updates.x": empty expression`),
		mod("model: update of an unknown variable", model("x = 1.0", "", updates(`y = "x"`)), `update of "y", which is not a declared state variable (did you mean "x"?)`),
		mod("model: normal with negative sigma", model("x = 1.0", "", updates(`x = "x + normal(0.0, -1.0)"`)), `key "psubs.0.updates.x"`, "normal(mu, sigma) needs a finite sigma >= 0, got -1"),
		mod("model: lognormal with negative sigma", model("x = 1.0", "", updates(`x = "x * lognormal(0.0, -0.5)"`)), "lognormal(mu, sigma) needs a finite sigma >= 0, got -0.5"),
		mod("model: uniform with low above high", model("x = 1.0", "", updates(`x = "x + uniform(1.0, 0.0)"`)), "uniform(a, b) needs finite a <= b, got a = 1, b = 0"),
		mod("model: poisson with negative lambda", model("n = 0", "", updates(`n = "n + poisson(-2.0)"`)), "poisson: lambda must be a finite number >= 0, got -2"),
		mod("model: bernoulli beyond 1", model("b = false", "", updates(`b = "bernoulli(1.5)"`)), "bernoulli(p) needs p in [0, 1], got 1.5"),
		mod("model: constant int overflow", model("n = 0", "", updates(`n = "n + 9223372036854775807 + 1"`)), "integer overflow"),
		mod("model: gbm with negative sigma", gbm("sigma = -0.1"), `bad.toml:9: key "psubs.0.updates.x.args.sigma": block "process.gbm": argument "sigma": want a finite number >= 0, got -0.1`),
		mod("model: gbm with negative dt", gbm(`sigma = 0.1, dt = "-0.5"`), `key "psubs.0.updates.x.args.dt": block "process.gbm": argument "dt": want a finite number >= 0, got -0.5`),
		mod("model: unknown block", model("x = 1.0", "", updates(`x = { use = "process.gmb" }`)), `unknown block "process.gmb" (did you mean "process.gbm"?)`),
		mod("model: unknown block argument", gbm("sigma = 0.1, sgima = 0.2"), `block "process.gbm" has no argument "sgima" (did you mean "sigma"?)`),
		mod("model: missing block argument", model("x = 1.0", "", updates(`x = { use = "process.gbm" }`)), `block "process.gbm" needs argument "sigma"`),
		mod("model: transfer to an unknown agent", ledger+"token = \"usd\"\nfrom = \"alice\"\nto = \"bobb\"\namount = \"1.0\"\n", `key "psubs.0.transfers.0.to": transfer to unknown agent "bobb" (did you mean "bob"?)`),
		mod("model: transfer of an unknown token", ledger+"token = \"eur\"\nfrom = \"alice\"\nto = \"bob\"\namount = \"1.0\"\n", `key "psubs.0.transfers.0.token": unknown token "eur"`),
		mod("model: transfer without amount", ledger+"token = \"usd\"\nfrom = \"alice\"\nto = \"bob\"\n", `key "psubs.0.transfers.0": a transfer needs amount = "expression"`),
		mod("model: signal read but never emitted", "[variables]\nx = 1.0\n[signals]\ndx = \"sum\"\ndy = \"sum\"\n[[psubs]]\nname = \"p\"\n[[psubs.policies]]\nname = \"a\"\nemit.dx = \"1.0\"\n[psubs.updates]\nx = \"x + dy\"\n", `update "x" reads signal "dy", which no policy of the PSUB emits`),
		mod("model: a let reading itself", "[variables]\nx = 1.0\n[signals]\ndx = \"sum\"\n[[psubs]]\nname = \"p\"\n[[psubs.policies]]\nname = \"a\"\nlet.g = \"g + 1.0\"\nemit.dx = \"g\"\n[psubs.updates]\nx = \"x + dx\"\n", `"g + 1.0"`, `unknown name "g"`),
		mod("model: no PSUBs", "[variables]\nx = 1.0\n", `key "psubs": a model needs at least one [[psubs]] block`),
		// the command line
		cmd("unknown command", []string{"frobnicate"}, `unknown command "frobnicate"`),
		cmd("run: two configs", []string{"run", "predator_prey", "extra"}, "statecraft run: want one CONFIG or NAME, got 2 arguments"),
		cmd("validate: two configs", []string{"validate", "predator_prey", "extra"}, "statecraft validate: want one CONFIG or NAME, got 2 arguments"),
		cmd("describe: two models", []string{"describe", "predator_prey", "extra"}, "statecraft describe: want one MODEL, CONFIG or NAME, got 2 arguments"),
		cmd("merge: two directories", []string{"merge", "{d}/a", "{d}/b"}, "statecraft merge: want one dataset directory, got 2 arguments"),
		cmd("report: two directories", []string{"report", "{d}/a", "{d}/b"}, "statecraft report: want one dataset directory, got 2 arguments"),
		cmd("models: an argument", []string{"models", "extra"}, `statecraft models: takes no arguments, got "extra"`),
		cmd("configs: an argument", []string{"configs", "extra"}, `statecraft configs: takes no arguments, got "extra"`),
		cmd("version: an argument", []string{"version", "extra"}, `statecraft version: takes no arguments, got "extra"`),
		cmd("help: an argument", []string{"help", "extra"}, `statecraft help: takes no arguments, got "extra"`),
		cmd("blocks: unknown family", []string{"blocks", "prcess"}, `statecraft blocks: no block family "prcess" (did you mean "process"?)`),
		cmd("blocks: unknown family, nothing close", []string{"blocks", "nosuchfamily"}, `no block family "nosuchfamily"; families: agent,`),
		cmd("blocks: unknown block", []string{"blocks", "process.gmb"}, `statecraft blocks: no block "process.gmb" (did you mean "process.gbm"?)`),
		cmd("run: no config", []string{"run"}, "want one CONFIG or NAME, got 0"),
		cmd("run: unknown name", []string{"run", "no_such_config"}, `"no_such_config" is not a file, an embedded config or a registered model`),
		cmd("run: zero workers", []string{"run", "predator_prey", "--workers", "0"}, "--workers must be > 0"),
		cmd("run: shard out of range", []string{"run", "predator_prey", "--shard", "3/3"}, `--shard "3/3": want 0 <= i < n`),
		cmd("run: bad shard", []string{"run", "predator_prey", "--shard", "x"}, `--shard "x": want i/n`),
		cmd("run: unknown flag", []string{"run", "predator_prey", "--bogus"}, "flag provided but not defined: -bogus"),
		cmd("describe: unknown format", []string{"describe", "predator_prey", "--format", "svg"}, "svg"),
		// valid configs whose jobs fail as they run
		failing("int overflow at run time", "model = \"m.toml\"\ntimesteps = 70\n[params]\nk = 2\n", `timestep 63`, `update "n"`, "integer overflow: 4611686018427387904 * 2 is beyond the int range"),
		failing("normal's sigma negative at run time", cfg("[params]\ns2 = -1.0\n"), "timestep 1", "normal(mu, sigma) needs a finite sigma >= 0, got -1"),
		failing("gbm's sigma negative at run time", cfg("[params]\nvol = -0.2\n"), "timestep 1", `block "process.gbm": argument "sigma": want a finite number >= 0, got -0.2`),
	}
}

// TestBadInput runs the catalogue.
func TestBadInput(t *testing.T) {
	testdata, err := filepath.Abs("testdata/badinput")
	if err != nil {
		t.Fatal(err)
	}
	cases := badCases()
	if len(cases) < 60 {
		t.Fatalf("the catalogue has %d cases; it keeps at least 60", len(cases))
	}
	seen := map[string]bool{}
	for _, c := range cases {
		if seen[c.name] {
			t.Fatalf("two cases named %q", c.name)
		}
		seen[c.name] = true
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			for _, f := range []string{"m.toml", "other.toml"} {
				data, err := os.ReadFile(filepath.Join(testdata, f))
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(dir, f), data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			for name, text := range c.files {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			var args []string
			for _, a := range c.args {
				args = append(args, strings.ReplaceAll(a, "{d}", dir))
			}
			out := filepath.Join(dir, "out")
			if args[0] == "run" {
				args = append(args, "--quiet", "--out", out, "--set", "report.html=false")
			}
			code, stdout, stderr := run(args...)
			if code != c.code {
				t.Errorf("exit %d, want %d\nstderr: %s", code, c.code, stderr)
			}
			for _, w := range c.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr does not say %q:\n%s", w, stderr)
				}
			}
			for _, bad := range []string{"panic:", "goroutine "} {
				if strings.Contains(stdout+stderr, bad) {
					t.Errorf("the output has %q:\n%s%s", bad, stdout, stderr)
				}
			}
			checkNoDataset(t, out, c.code)
		})
	}
}

// checkNoDataset checks that a failed command left nothing a reader
// would take as a complete dataset in dir: after bad input (exit 2) no
// file at all but hidden temporaries; after failed jobs (exit 1) no part
// file under its final name, and a manifest, if any, that says the
// dataset is incomplete.
func checkNoDataset(t *testing.T, dir string, code int) {
	t.Helper()
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		name := d.Name()
		switch {
		case strings.HasPrefix(name, "."):
			t.Errorf("temporary %s left behind", path)
		case code == cli.ExitUsage:
			t.Errorf("bad input left %s", path)
		case strings.HasPrefix(name, "part-"):
			t.Errorf("a part file of a failed run has its final name: %s", path)
		case strings.HasPrefix(name, "_manifest"):
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			var m struct {
				Complete bool `json:"complete"`
			}
			if err := json.Unmarshal(data, &m); err != nil {
				t.Errorf("%s: %v", path, err)
			} else if m.Complete {
				t.Errorf("%s says complete after a failed run", path)
			}
		}
		return nil
	})
	if err != nil && !os.IsNotExist(err) {
		t.Error(err)
	}
}
