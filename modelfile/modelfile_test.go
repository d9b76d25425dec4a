package modelfile_test

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/modelfile"

	_ "github.com/statecraft/statecraft/blocks/all"
)

const okModel = `
name = "grow"
[variables]
x = { type = "float", initial = 1.0, lags = 1 }
n = { type = "int", initial = 0 }
v = { type = "vector", initial = [1.0, 2.0] }
[params]
rate = { default = 0.1, min = 0.0, max = 1.0, doc = "growth" }
[signals]
dx = { type = "float", rule = "sum" }
[[psubs]]
name = "grow"
  [[psubs.policies]]
  name = "growth"
  let.g = "rate*x"
  emit.dx = "g"
  [psubs.updates]
  x = "x + dx"
  n = "n + 1"
  v = "v*2.0"
`

func TestParseModel(t *testing.T) {
	m, err := modelfile.Parse("grow.toml", []byte(okModel))
	if err != nil {
		t.Fatal(err)
	}
	if m.Name() != "grow" || m.PSUBs() != 1 || len(m.Vars()) != 3 || m.Vars()[0].Lags != 1 {
		t.Fatalf("model %s: %d PSUBs, vars %+v", m.Name(), m.PSUBs(), m.Vars())
	}
	if p, _ := m.Param("rate"); p.Min == nil || *p.Max != 1 || p.Doc != "growth" {
		t.Errorf("param rate = %+v", p)
	}
	var xs []float64
	rec := recFunc(func(r *gds.Row) { xs = append(xs, r.Floats()[0]) })
	if err := m.NewEngine().Run(context.Background(), &gds.Job{Run: 1, Timesteps: 3}, rec); err != nil {
		t.Fatal(err)
	}
	if len(xs) != 4 || xs[3] != 1.1*1.1*1.1 && xs[3]-1.331 > 1e-12 {
		t.Errorf("x = %v, want 1, 1.1, 1.21, 1.331", xs)
	}
}

// TestIntegralFloats: a model file converts its initial values, defaults
// and bounds as an experiment converts initial_state and params, so an
// integral float is an int (initial = 3.0), as in initial_state.n = 3.0.
func TestIntegralFloats(t *testing.T) {
	const text = `
[variables]
n = { type = "int", initial = 3.0 }
[params]
k = { type = "int", default = 2.0, min = 1, max = 10.0 }
[[psubs]]
[psubs.updates]
n = "n + k"
`
	m, err := modelfile.Parse("ints.toml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := m.InitialState().Get("n"); v != int64(3) {
		t.Errorf("initial n = %#v, want int64(3)", v)
	}
	if v, _ := m.Defaults().Get("k"); v != int64(2) {
		t.Errorf("default k = %#v, want int64(2)", v)
	}
	if p, _ := m.Param("k"); p.Min == nil || *p.Min != 1 || p.Max == nil || *p.Max != 10 {
		t.Errorf("bounds of k = %+v", p)
	}
	if _, err := modelfile.Parse("ints.toml", []byte(strings.Replace(text, "initial = 3.0", "initial = 3.5", 1))); err == nil ||
		!strings.Contains(err.Error(), `ints.toml:3: key "variables.n.initial": initial value: want an integer, got 3.5`) {
		t.Errorf("initial = 3.5 for an int: %v", err)
	}
}

type recFunc func(*gds.Row)

func (f recFunc) Record(r *gds.Row) error { f(r); return nil }

// TestModelFileErrors: each kind of bad model file gets a message naming
// the file, the line and what is wrong.
func TestModelFileErrors(t *testing.T) {
	base := func(vars, params, signals, psubs string) string {
		return "[variables]\n" + vars + "\n[params]\n" + params + "\n[signals]\n" + signals + "\n" + psubs
	}
	psub := func(body string) string { return "[[psubs]]\nname = \"p\"\n" + body }
	for _, c := range []struct{ name, text, want string }{
		{"syntax error", "[variables\nx = 1.0\n", "expected '.' or ']' to end table name"},
		{"unknown top-level key", "name = \"m\"\nvariabels = {}\n", `bad.toml:2: key "variabels": unknown key (did you mean "variables"?)`},
		{"unknown variable key", base(`x = { type = "float", inital = 1.0 }`, "", "", psub("[psubs.updates]\nx = \"x\"\n")), `key "variables.x.inital": unknown key (did you mean "initial"?)`},
		{"missing initial value", base(`x = { type = "float" }`, "", "", psub("[psubs.updates]\nx = \"x\"\n")), `bad.toml:2: key "variables.x": missing initial value`},
		{"unknown type", base(`x = { type = "decimal", initial = 1 }`, "", "", psub("[psubs.updates]\nx = \"x\"\n")), `key "variables.x.type": unknown type decimal; want one of float, int, bool, string, vector`},
		{"initial of wrong type", base(`x = { type = "int", initial = 1.5 }`, "", "", psub("[psubs.updates]\nx = \"x\"\n")), `key "variables.x.initial": initial value: want an integer, got 1.5`},
		{"no variables", "name = \"m\"\n[[psubs]]\nname = \"p\"\n", `key "variables": a model needs at least one state variable`},
		{"no psubs", "[variables]\nx = 1.0\n", `key "psubs": a model needs at least one [[psubs]] block`},
		{"duplicate name across kinds", base("x = 1.0", "x = 2.0", "", psub("[psubs.updates]\nx = \"x\"\n")), `key "params.x": "x" is already a variable`},
		{"unknown name in expression", base("x = 1.0", "rate = 0.1", "", psub("[psubs.updates]\nx = \"x*rtae\"\n")), `bad.toml:10: key "psubs.0.updates.x": "x*rtae": col 3: unknown name "rtae" (did you mean "rate"?)`},
		{"type mismatch in expression", base("x = 1.0", "", "", psub("[psubs.updates]\nx = \"x + true\"\n")), `"x + true": col`},
		{"float into int variable", base("n = 0", "", "", psub("[psubs.updates]\nn = \"n + 0.5\"\n")), `variable "n" is int, the expression is float; convert with int(...) or round(...)`},
		{"update of unknown variable", base("x = 1.0", "", "", psub("[psubs.updates]\ny = \"x\"\n")), `update of "y", which is not a declared state variable (did you mean "x"?)`},
		{"update of a parameter", base("x = 1.0", "k = 1.0", "", psub("[psubs.updates]\nk = \"x\"\n")), `updates write state variables; "k" is a parameter`},
		{"emit of undeclared signal", base("x = 1.0", "", "dx = \"sum\"", psub("[[psubs.policies]]\nname = \"a\"\nemit.dy = \"1.0\"\n[psubs.updates]\nx = \"x + dx\"\n")), `policy "a" emits "dy", which is not a declared signal (did you mean "dx"?)`},
		{"signal read but never emitted", base("x = 1.0", "", "dx = \"sum\"\ndy = \"sum\"", psub("[[psubs.policies]]\nname = \"a\"\nemit.dx = \"1.0\"\n[psubs.updates]\nx = \"x + dy\"\n")), `update "x" reads signal "dy", which no policy of the PSUB emits`},
		{"two writers in one PSUB", base("x = 1.0", "", "", psub("[psubs.updates]\nx = \"x\"\nx = \"2.0*x\"\n")), `bad.toml:11:9: key "psubs.updates.x": Key 'psubs.updates.x' has already been defined`},
		{"bad rule", base("x = 1.0", "", `dx = { type = "float", rule = "average" }`, psub("[psubs.updates]\nx = \"x\"\n")), `key "signals.dx.rule": unknown rule average`},
		{"policy without emit", base("x = 1.0", "", "", psub("[[psubs.policies]]\nname = \"a\"\n[psubs.updates]\nx = \"x\"\n")), `policy "a" emits nothing`},
		{"unknown block", base("x = 1.0", "", "", psub("[psubs.updates]\nx = { use = \"process.gmb\" }\n")), `unknown block "process.gmb" (did you mean "process.gbm"?)`},
		{"unknown block argument", base("x = 1.0", "", "", psub("[psubs.updates]\nx = { use = \"process.gbm\", args = { sigma = 0.1, sgima = 0.2 } }\n")), `block "process.gbm" has no argument "sgima" (did you mean "sigma"?)`},
		{"missing block argument", base("x = 1.0", "", "", psub("[psubs.updates]\nx = { use = \"process.gbm\" }\n")), `block "process.gbm" needs argument "sigma"`},
		{"block argument of wrong type", base("x = 1.0", "", "", psub("[psubs.updates]\nx = { use = \"process.gbm\", args = { sigma = \"x > 1.0\" } }\n")), `block "process.gbm": argument "sigma" is float, "x > 1.0" is bool`},
		{"block on wrong variable type", base("n = 0", "", "", psub("[psubs.updates]\nn = { use = \"process.gbm\", args = { sigma = 0.1 } }\n")), `block "process.gbm" writes a float variable; "n" is int`},
		{"update block used as policy", base("x = 1.0", "", "", psub("[[psubs.policies]]\nname = \"a\"\nuse = \"process.gbm\"\n[psubs.updates]\nx = \"x\"\n")), `block "process.gbm" is an update; use it under [psubs.updates]`},
		{"lag beyond depth", base(`x = { type = "float", initial = 0.0, lags = 1 }`, "", "", psub("[psubs.updates]\nx = \"lag(x, 2)\"\n")), `"lag(x, 2)"`},
		{"default out of bounds", base("x = 1.0", `k = { default = 2.0, max = 1.0 }`, "", psub("[psubs.updates]\nx = \"x*k\"\n")), `bad.toml:4: key "params.k.default": default 2 is above the maximum 1`},
		{"let hiding a variable", base("x = 1.0", "", "dx = \"sum\"", psub("[[psubs.policies]]\nname = \"a\"\nlet.x = \"2.0\"\nemit.dx = \"x\"\n[psubs.updates]\nx = \"x + dx\"\n")), `let "x" hides the variable of that name`},
		{"empty expression", base("x = 1.0", "", "", psub("[psubs.updates]\nx = \"\"\n")), `key "psubs.0.updates.x": empty expression`},
		{"NaN default", base("x = 1.0", `k = { default = nan }`, "", psub("[psubs.updates]\nx = \"x*k\"\n")), `bad.toml:4: key "params.k.default": default: NaN is not a finite number; a parameter may hold it with allow_nonfinite = true`},
		{"Inf default in a vector", base("x = 1.0", `w = { default = [1.0, -inf] }`, "", psub("[psubs.updates]\nx = \"x\"\n")), `key "params.w.default": default: element 1 is -Inf, not a finite number`},
		{"Inf initial value", base("x = inf", "", "", psub("[psubs.updates]\nx = \"x\"\n")), `bad.toml:2: key "variables.x": initial value: +Inf is not a finite number; a variable may hold it with allow_nonfinite = true`},
		{"NaN bound", base("x = 1.0", `k = { default = 1.0, min = nan }`, "", psub("[psubs.updates]\nx = \"x*k\"\n")), `key "params.k.min": want a number, got NaN`},
		{"min above max", base("x = 1.0", `k = { default = 1.0, min = 2.0, max = 0.0 }`, "", psub("[psubs.updates]\nx = \"x*k\"\n")), `key "params.k.max": max 0 is below min 2`},
		{"default below min, positioned", base("x = 1.0", `k = { default = -1, min = 0 }`, "", psub("[psubs.updates]\nx = \"x*k\"\n")), `bad.toml:4: key "params.k.default": default -1 is below the minimum 0`},
		{"allow_nonfinite not a bool", base("x = 1.0", `k = { default = 1.0, allow_nonfinite = "yes" }`, "", psub("[psubs.updates]\nx = \"x*k\"\n")), `key "params.k.allow_nonfinite": want true or false`},
		{"allow_nonfinite on an int", base("n = 0", `k = { default = 1, allow_nonfinite = true }`, "", psub("[psubs.updates]\nn = \"n*k\"\n")), `key "params.k.allow_nonfinite": only float and vector values can be NaN or ±Inf, not int`},
		{"variable named t", base("t = 1.0", "", "", psub("[psubs.updates]\nt = \"t\"\n")), `"t"`},
		{"variable named timestep", base("timestep = 1.0", "", "", psub("[psubs.updates]\ntimestep = \"timestep\"\n")), `reserved`},
		{"parameter named run", base("x = 1.0", "run = 1.0", "", psub("[psubs.updates]\nx = \"x\"\n")), `reserved`},
	} {
		_, err := modelfile.Parse("bad.toml", []byte(c.text))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v\n  want it to contain %q", c.name, err, c.want)
		}
	}
}

// TestAllowNonFinite: a declaration with allow_nonfinite = true takes NaN
// and ±Inf, in the model file and from a config (Params.Set, State.Set).
func TestAllowNonFinite(t *testing.T) {
	m, err := modelfile.Parse("nf.toml", []byte(`
[variables]
x = { initial = inf, allow_nonfinite = true }
[params]
k = { default = nan, min = 0.0, allow_nonfinite = true }
[[psubs]]
name = "p"
[psubs.updates]
x = "x"
`))
	if err != nil {
		t.Fatal(err)
	}
	if p, _ := m.Param("k"); !p.AllowNonFinite {
		t.Errorf("param k: %+v, want AllowNonFinite", p)
	}
	if v, _ := m.Var("x"); !v.AllowNonFinite {
		t.Errorf("var x: %+v, want AllowNonFinite", v)
	}
	ps := m.Defaults()
	if err := ps.Set("k", math.Inf(1)); err != nil {
		t.Errorf("Set(k, +Inf): %v", err)
	}
	if err := ps.Set("k", -1.0); err == nil || !strings.Contains(err.Error(), "below the minimum 0") {
		t.Errorf("Set(k, -1) = %v, want the bound still applied", err)
	}
	if err := m.InitialState().Set("x", math.NaN()); err != nil {
		t.Errorf("State.Set(x, NaN): %v", err)
	}
}

// TestIsModelFile: a model file is told from an experiment config.
func TestIsModelFile(t *testing.T) {
	if !modelfile.IsModelFile([]byte(okModel)) || modelfile.IsModelFile([]byte("model = \"x\"\ntimesteps = 3\n")) {
		t.Error("IsModelFile cannot tell a model file from a config")
	}
}

// TestShippedModelFiles: every model file in models/ builds.
func TestShippedModelFiles(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "models", "*.toml"))
	more, _ := filepath.Glob(filepath.Join("..", "models", "conformance", "*.toml"))
	files = append(files, more...)
	if len(files) < 8 {
		t.Fatalf("found %d model files", len(files))
	}
	for _, f := range files {
		if _, err := modelfile.Load(f); err != nil {
			t.Errorf("%v", err)
		}
	}
}

// FuzzParseModel: the model-file loader never panics.
func FuzzParseModel(f *testing.F) {
	f.Add([]byte(okModel))
	f.Add([]byte(ledgerModel))
	f.Add([]byte(daoModel))
	f.Add([]byte("[tokens]\nusd = \"d\"\n[agents.a]\nwallet = { usd = 1.0 }\n[agents.b]\nwallet = { usd = 0.0 }\n[[psubs]]\n[[psubs.transfers]]\ntoken = \"usd\"\nfrom = \"a\"\nto = { b = 1, a = \"x\" }\namount = \"a.usd\"\n"))
	for _, name := range []string{"predator_prey.toml", "robot_marbles.toml", "conformance/amm_det.toml", "conformance/vector.toml"} {
		if data, err := os.ReadFile(filepath.Join("..", "models", name)); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("[variables]\nx = { initial = inf, allow_nonfinite = true }\n[params]\nk = { default = nan, min = 0, max = -1, allow_nonfinite = 1 }\n[[psubs]]\n[psubs.updates]\nx = { use = \"process.gbm\", args = { sigma = -0.1, dt = \"k\" } }\n"))
	f.Add([]byte("[variables]\nx = [1.0, \"a\"]\n[[psubs]]\n[psubs.updates]\nx = { use = \"metric.gini\", args = { of = 3 } }\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := modelfile.Parse("fuzz.toml", data)
		if err == nil && m == nil {
			t.Fatal("no model and no error")
		}
	})
}

// TestExpressionLimits: an expression past the size or nesting limit is
// an error naming the file, line and key, quoting a short part of it.
func TestExpressionLimits(t *testing.T) {
	model := func(update string) []byte {
		return []byte("name = \"m\"\n[variables]\nx = 1.0\n[[psubs]]\nname = \"p\"\n[psubs.updates]\nx = \"" + update + "\"\n")
	}
	deep := strings.Repeat("(", 1001) + "x" + strings.Repeat(")", 1001)
	for _, c := range []struct{ name, update, want string }{
		{"10 MiB", strings.Repeat("x + ", 10<<18) + "x", `bad.toml:7: key "psubs.0.updates.x": "x + x + x + `},
		{"10 MiB says why", strings.Repeat("x + ", 10<<18) + "x", `...": col 1: the expression is 10.0 MiB, more than the 4.0 MiB an expression may have`},
		{"nested too deep", deep, `bad.toml:7: key "psubs.0.updates.x": "...((((`},
		{"nested too deep says why", deep, `col 1001: brackets nested more than 1000 deep`},
	} {
		_, err := modelfile.Parse("bad.toml", model(c.update))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %.400v\n  want it to contain %q", c.name, err, c.want)
		}
		if err != nil && len(err.Error()) > 400 {
			t.Errorf("%s: the error is %d bytes, want a short one", c.name, len(err.Error()))
		}
	}
}

// TestVectorGrowthLimit: a model-file vector that doubles every timestep
// (fill(2*len(v), ...)) fails its job at the limit, before it takes the
// memory, naming the update, the timestep, the size and the key to raise.
func TestVectorGrowthLimit(t *testing.T) {
	m, err := modelfile.Parse("grow.toml", []byte("name = \"grow\"\n[variables]\nv = { type = \"vector\", initial = [1.0] }\n[[psubs]]\nname = \"p\"\n[psubs.updates]\nv = \"fill(2*len(v), 1.0)\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	err = m.NewEngine().Run(context.Background(), &gds.Job{Run: 1, Timesteps: 100, Limits: gds.Limits{MaxVecLen: 1000}}, nopRec{})
	want := `timestep 10, substep 1 (PSUB "p"): update "v": a vector of 1024 elements, more than the limit of 1000 (raise it with limits.max_vector_len`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("err = %v\n  want %q", err, want)
	}
}
