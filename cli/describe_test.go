package cli_test

import (
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/statecraft/statecraft/cli"
	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/models"
)

// registerDescribeModels registers, once per process, a model with
// structural warnings, a second model for scenarios and a model whose build
// fails.
var registerDescribeModels = sync.OnceValue(func() error {
	warn := func() (*gds.Model, error) {
		b := gds.NewBuilder("cli_test_warn")
		x := b.Float("x", 1, gds.Doc("the level"))
		b.ParamFloat("unused", 2, "read by nothing")
		d := b.FloatSignal("d", gds.Sum)
		b.PSUB("step",
			gds.Policy("p", func(c *gds.Ctx) { d.Emit(c, x.Get(c)) }),
			x.Update(func(c *gds.Ctx) float64 { return x.Get(c) + 1 }),
		)
		return b.Build()
	}
	other := func() (*gds.Model, error) {
		b := gds.NewBuilder("cli_test_other")
		x := b.Float("x", 1)
		b.PSUB("double", x.Update(func(c *gds.Ctx) float64 { return 2 * x.Get(c) }))
		return b.Build()
	}
	broken := func() (*gds.Model, error) { return gds.NewBuilder("cli_test_broken").Build() }
	for _, e := range []models.Entry{
		{Name: "cli_test_warn", Doc: "has structural warnings", Build: warn},
		{Name: "cli_test_other", Doc: "a second model for scenarios", Build: other},
		{Name: "cli_test_broken", Doc: "does not build", Build: broken},
	} {
		if err := models.Register(e); err != nil {
			return err
		}
	}
	return nil
})

func TestDescribeFormats(t *testing.T) {
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"describe", "predator_prey"}, []string{
			"model predator_prey  hash ", "1 PSUB, 4 blocks; 2 state variables, 6 parameters, 2 signals",
			"  prey      float  10  prey population", "  alpha  float  1.1   prey birth rate",
			"  d_prey      float  sum", "PSUB 1: populations", "  policy prey\n      reads    predator, prey\n      params   alpha, beta, dt, noise\n      emits    d_prey\n",
			"  update predator\n      reads    predator\n      signals  d_predator\n      writes   predator\n"}},
		{[]string{"describe", "predator_prey", "--format", "text"}, []string{"model predator_prey  hash "}},
		{[]string{"describe", "--format", "mermaid", "predator_prey"}, []string{
			"flowchart LR\n", `subgraph s_1 ["PSUB 1: populations"]`, `b_1_1(["prey"])`, `b_1_3["prey"]`,
			`p_alpha{{"alpha = 1.1<br/>prey birth rate"}}`, `v_prey[("prey<br/>prey population")]`,
			"v_prey --> b_1_1", "p_alpha -.-> b_1_1", `b_1_1 -->|"d_prey"| b_1_3`, "b_1_3 ==> v_prey"}},
		{[]string{"describe", "predator_prey", "--format=dot"}, []string{
			`digraph "predator_prey" {`, "subgraph cluster_1 {", `label="PSUB 1: populations";`,
			"v_prey -> b_1_1;", "p_alpha -> b_1_1 [style=dotted];", `b_1_1 -> b_1_3 [label="d_prey"];`, "b_1_3 -> v_prey [penwidth=2];"}},
	} {
		code, out, errs := run(c.args...)
		if code != cli.ExitOK || errs != "" {
			t.Errorf("statecraft %v: exit %d, stderr %q", c.args, code, errs)
		}
		for _, w := range c.want {
			if !strings.Contains(out, w) {
				t.Errorf("statecraft %v: stdout lacks %q:\n%s", c.args, w, out)
			}
		}
	}
}

// TestDescribeConfigs: a config (embedded or a file) describes its models,
// each once, in the order of its simulations.
func TestDescribeConfigs(t *testing.T) {
	if err := registerDescribeModels(); err != nil {
		t.Fatal(err)
	}
	code, out, errs := run("describe", "conformance/robot_marbles")
	if code != cli.ExitOK || !strings.HasPrefix(out, "model robot_marbles  hash ") {
		t.Errorf("embedded config: exit %d, stderr %q\n%s", code, errs, out)
	}
	// ab_pp has two scenarios of the same model: one description
	code, out, _ = run("describe", "conformance/ab_pp")
	if code != cli.ExitOK || strings.Count(out, "model predator_prey  hash ") != 1 {
		t.Errorf("ab_pp: exit %d\n%s", code, out)
	}

	dir := t.TempDir()
	cfg := filepath.Join(dir, "ab.toml")
	os.WriteFile(cfg, []byte(`model = "cli_test_warn"
timesteps = 3
[[scenarios]]
name = "a"
[[scenarios]]
name = "b"
model = "cli_test_other"
[[scenarios]]
name = "c"
`), 0o644)
	for _, f := range []struct{ format, head string }{{"text", "model "}, {"mermaid", "flowchart LR\n"}, {"dot", "digraph "}} {
		code, out, errs := run("describe", cfg, "--format", f.format)
		if code != cli.ExitOK {
			t.Fatalf("%s: exit %d: %s", f.format, code, errs)
		}
		if n := strings.Count(out, f.head); n != 2 {
			t.Errorf("%s: %d descriptions, want 2:\n%s", f.format, n, out)
		}
		warn, other := strings.Index(out, "cli_test_warn"), strings.Index(out, "cli_test_other")
		if warn < 0 || other < warn {
			t.Errorf("%s: want cli_test_warn then cli_test_other:\n%s", f.format, out)
		}
		if !strings.Contains(out, "\n\n"+f.head) {
			t.Errorf("%s: descriptions not separated by a blank line:\n%s", f.format, out)
		}
	}
}

// TestDescribeWarnings: text output is followed by the model's warnings on
// stderr; the graph formats keep stderr quiet.
func TestDescribeWarnings(t *testing.T) {
	if err := registerDescribeModels(); err != nil {
		t.Fatal(err)
	}
	code, out, errs := run("describe", "cli_test_warn")
	if code != cli.ExitOK || !strings.Contains(out, "model cli_test_warn") {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	want := `statecraft describe: warning: model cli_test_warn: signal "d" is emitted in PSUB "step" but no update of the PSUB reads it
statecraft describe: warning: model cli_test_warn: parameter "unused" is not read by any block
`
	if errs != want {
		t.Errorf("stderr:\n%s\nwant:\n%s", errs, want)
	}
	for _, f := range []string{"mermaid", "dot"} {
		if code, _, errs := run("describe", "cli_test_warn", "--format", f); code != cli.ExitOK || errs != "" {
			t.Errorf("%s: exit %d, stderr %q", f, code, errs)
		}
	}
}

func TestDescribeErrors(t *testing.T) {
	if err := registerDescribeModels(); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	unknownModel := filepath.Join(dir, "unknown.toml")
	os.WriteFile(unknownModel, []byte("timesteps = 3\nmodel = \"no_such_model\"\n"), 0o644)
	bad := filepath.Join(dir, "bad.toml")
	os.WriteFile(bad, []byte("model = \"predator_prey\"\ntimesteps = 5\nfoo = 1\n"), 0o644)
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"describe"}, []string{"want one MODEL, CONFIG or NAME, got 0 arguments", "Usage: statecraft describe"}},
		{[]string{"describe", "predator_prey", "robot_marbles"}, []string{"got 2 arguments"}},
		{[]string{"describe", "predator_prey", "--format", "svg"}, []string{`unknown --format "svg" (want text, mermaid, dot)`}},
		{[]string{"describe", "no_such_thing"}, []string{`"no_such_thing" is not a file, an embedded config or a registered model`, "registered models: ", "predator_prey", "robot_marbles", "embedded configs: ", "conformance/pp_det"}},
		{[]string{"describe", filepath.Join(dir, "missing.toml")}, []string{"missing.toml: no such file"}},
		{[]string{"describe", unknownModel}, []string{"unknown.toml:2: key \"model\": ", `unknown model "no_such_model"`, "predator_prey"}},
		{[]string{"describe", bad}, []string{`bad.toml:3: key "foo": unknown key`}},
		{[]string{"describe", dir}, []string{"is a directory"}},
		{[]string{"describe", "cli_test_broken"}, []string{`model "cli_test_broken"`, "the model has no PSUBs"}},
		{[]string{"describe", "predator_prey", "--bogus"}, []string{"flag provided but not defined: -bogus"}},
	} {
		code, out, errs := run(c.args...)
		if code != cli.ExitUsage || out != "" {
			t.Errorf("statecraft %v: exit %d, stdout %q; want exit %d and no output", c.args, code, out, cli.ExitUsage)
		}
		for _, w := range c.want {
			if !strings.Contains(errs, w) {
				t.Errorf("statecraft %v: stderr lacks %q:\n%s", c.args, w, errs)
			}
		}
	}
	if code, _, errs := run("describe", "--help"); code != cli.ExitOK || !strings.Contains(errs, "-format") {
		t.Errorf("describe --help: exit %d, %q", code, errs)
	}
	if code, out, _ := run("help"); code != cli.ExitOK || !strings.Contains(out, "statecraft describe MODEL|CONFIG") {
		t.Errorf("usage does not mention describe:\n%s", out)
	}
}

// TestDescribeDOTRenders: dot accepts the DOT of every registered model
// (skipped without Graphviz).
func TestDescribeDOTRenders(t *testing.T) {
	dot, err := exec.LookPath("dot")
	if err != nil {
		t.Skip("Graphviz dot is not installed")
	}
	for _, name := range models.Names() {
		if strings.HasPrefix(name, "cli_test_") {
			continue
		}
		code, out, errs := run("describe", name, "--format", "dot")
		if code != cli.ExitOK {
			t.Errorf("%s: exit %d: %s", name, code, errs)
			continue
		}
		cmd := exec.Command(dot, "-Tsvg", "-o", os.DevNull)
		cmd.Stdin = strings.NewReader(out)
		if msg, err := cmd.CombinedOutput(); err != nil || len(msg) > 0 {
			t.Errorf("%s: dot: %v %s", name, err, msg)
		}
	}
}

var updateDocs = flag.Bool("update-docs", false, "rewrite the Mermaid diagrams in docs/models/*.md")

// TestDocsDiagrams: the Mermaid diagrams in docs/models are what describe
// prints today (go test ./cli -run TestDocsDiagrams -update-docs
// rewrites them).
func TestDocsDiagrams(t *testing.T) {
	block := regexp.MustCompile("(?s)```mermaid\n(.*?)```\n")
	for _, name := range []string{"predator_prey", "robot_marbles", "prsm", "datadao", "p2p", "status_storage"} {
		path := filepath.Join("..", "docs", "models", name+".md")
		doc, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		code, out, errs := run("describe", name, "--format", "mermaid")
		if code != cli.ExitOK {
			t.Fatalf("%s: exit %d: %s", name, code, errs)
		}
		m := block.FindSubmatchIndex(doc)
		if m == nil {
			t.Errorf("%s has no mermaid block", path)
			continue
		}
		if string(doc[m[2]:m[3]]) == out {
			continue
		}
		if *updateDocs {
			doc = append(append(append([]byte{}, doc[:m[2]]...), out...), doc[m[3]:]...)
			if err := os.WriteFile(path, doc, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		t.Errorf("the diagram in %s is out of date (go test ./cli -run TestDocsDiagrams -update-docs rewrites it); describe prints:\n%s", path, out)
	}
}
