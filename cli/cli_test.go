package cli_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/statecraft/statecraft/cli"
	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/models"
	"github.com/statecraft/statecraft/runner/dataset"
)

func run(args ...string) (code int, stdout, stderr string) {
	var o, e bytes.Buffer
	code = cli.MainContext(context.Background(), args, &o, &e)
	return code, o.String(), e.String()
}

func TestRunEmbedded(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "pp")
	code, out, errs := run("run", "predator_prey", "--out", dir, "--set", "timesteps=20", "--workers", "2")
	if code != cli.ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(out, "wrote 504 rows of 24 jobs to "+dir) {
		t.Errorf("summary line: %q", out)
	}
	if _, err := os.Stat(filepath.Join(dir, "_manifest.json")); err != nil {
		t.Error(err)
	}
	// flags may come before the config too; --quiet prints nothing
	code, out, _ = run("run", "--quiet", "--overwrite", "--out", dir, "--set", "timesteps=5", "predator_prey")
	if code != cli.ExitOK || out != "" {
		t.Errorf("--quiet: exit %d, stdout %q", code, out)
	}
}

func TestExitCodesAndMessages(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.toml")
	os.WriteFile(bad, []byte("model = \"predator_prey\"\ntimesteps = 5\nfoo = 1\n"), 0o644)
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{nil, cli.ExitUsage, "Usage:"},
		{[]string{"frobnicate"}, cli.ExitUsage, `unknown command "frobnicate"`},
		{[]string{"blocks", "amn"}, cli.ExitUsage, `no block family "amn" (did you mean "amm"?)`},
		{[]string{"models", "extra"}, cli.ExitUsage, `statecraft models: takes no arguments, got "extra"`},
		{[]string{"configs", "extra"}, cli.ExitUsage, `statecraft configs: takes no arguments, got "extra"`},
		{[]string{"version", "extra"}, cli.ExitUsage, `statecraft version: takes no arguments, got "extra"`},
		{[]string{"validate", "predator_prey", "--set", "runs=4611686018427387904"}, cli.ExitUsage, `key "runs": 3 sweep points x 4611686018427387904 runs: the run and subset columns are int32, so each may count at most 2147483647`},
		{[]string{"validate", "predator_prey", "--set", "runs=2147483648"}, cli.ExitUsage, `key "runs": 3 sweep points x 2147483648 runs: the run and subset columns are int32`},
		{[]string{"run", "predator_prey", "--set", "runs=1000000000", "--max-output", "1GB", "--out", filepath.Join(dir, "out")}, cli.ExitUsage,
			`statecraft run: embedded:predator_prey: key "runs": the run needs an estimated output of 131.1 TiB, more than 953.7 MiB (--max-output); 3003000000000 rows × 48 B (an upper bound: the values uncompressed) from 3000000000 jobs (runs = 1000000000) of 1001 rows (timesteps = 1000)`},
		{[]string{"run", "predator_prey", "--workers", "2", "--max-memory", "10MB", "--out", filepath.Join(dir, "out")}, cli.ExitUsage,
			`statecraft run: embedded:predator_prey: the run needs an estimated memory of 44.2 MiB, more than 9.5 MiB (--max-memory); a run takes about 32 MiB whatever its size, and 12.2 MiB here for its 2 workers; or raise --max-memory (off: no check)`},
		{[]string{"run", "predator_prey", "--max-memory", "lots"}, cli.ExitUsage, `invalid value "lots" for flag -max-memory: "lots" is not a size`},
		{[]string{"run"}, cli.ExitUsage, "want one CONFIG or NAME, got 0"},
		{[]string{"run", filepath.Join(dir, "missing.toml")}, cli.ExitUsage, "missing.toml: no such file"},
		{[]string{"run", "no_such_config"}, cli.ExitUsage, `"no_such_config" is not a file, an embedded config or a registered model`},
		{[]string{"run", bad}, cli.ExitUsage, `bad.toml:3: key "foo": unknown key`},
		{[]string{"run", "predator_prey", "--shard", "3/3"}, cli.ExitUsage, `--shard "3/3": want 0 <= i < n`},
		{[]string{"run", "predator_prey", "--shard", "x"}, cli.ExitUsage, `--shard "x": want i/n`},
		{[]string{"run", "predator_prey", "--workers", "0"}, cli.ExitUsage, "--workers must be > 0"},
		{[]string{"run", "predator_prey", "--set", "timesteps"}, cli.ExitUsage, "want key=value"},
		{[]string{"run", "predator_prey", "--set", "params.alpha=[1,2]", "--set", "params.beta=[1,2,3]"}, cli.ExitUsage, "every list must have length 1 or 3, but alpha has 2"},
		{[]string{"run", "predator_prey", "--bogus"}, cli.ExitUsage, "flag provided but not defined: -bogus"},
		{[]string{"validate", bad}, cli.ExitUsage, "unknown key"},
	} {
		code, _, errs := run(c.args...)
		if code != c.code || !strings.Contains(errs, c.want) {
			t.Errorf("statecraft %v: exit %d, stderr %q; want exit %d and %q", c.args, code, errs, c.code, c.want)
		}
	}
}

func TestOutputDirRefused(t *testing.T) {
	dir := t.TempDir()
	if code, _, errs := run("run", "predator_prey", "--quiet", "--out", dir, "--set", "timesteps=2"); code != 0 {
		t.Fatal(errs)
	}
	code, out, errs := run("run", "predator_prey", "--out", dir, "--set", "timesteps=2")
	if code != 0 || !strings.Contains(out, "already complete") {
		t.Errorf("the same command again: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	code, _, errs = run("run", "predator_prey", "--out", dir, "--set", "timesteps=3")
	if code != cli.ExitUsage || !strings.Contains(errs, "pass --overwrite") {
		t.Errorf("another run: exit %d, stderr %q", code, errs)
	}
}

func TestValidateModelsVersion(t *testing.T) {
	code, out, errs := run("validate", "predator_prey")
	if code != 0 {
		t.Fatal(errs)
	}
	for _, want := range []string{"embedded:predator_prey: ok", "jobs: 24, rows per job: 1001, rows: 24024", "alpha float64", "prey float64"} {
		if !strings.Contains(out, want) {
			t.Errorf("validate output lacks %q:\n%s", want, out)
		}
	}
	code, out, errs = run("validate", "prsm_psuu")
	for _, want := range []string{"kpis: gini, quality, price_cv", "criteria: gini_ok: gini <= 0.7;", "psuu: choices of min_quality, controller_gain"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("validate prsm_psuu: exit %d, output lacks %q:\n%s%s", code, want, out, errs)
		}
	}
	code, out, _ = run("models")
	if code != 0 || !strings.Contains(out, "predator_prey") {
		t.Errorf("models: exit %d\n%s", code, out)
	}
	code, out, _ = run("configs")
	if code != 0 || !strings.Contains(out, "predator_prey") {
		t.Errorf("configs: exit %d\n%s", code, out)
	}
	code, out, _ = run("version")
	if code != 0 || !strings.HasPrefix(out, "statecraft ") {
		t.Errorf("version: exit %d %q", code, out)
	}
	code, _, errs = run("run", "--help")
	if code != 0 || !strings.Contains(errs, "--overwrite") {
		t.Errorf("run --help: exit %d %q", code, errs)
	}
}

// TestInterrupted: a cancelled context exits 130 and leaves nothing a
// reader sees (the journal, hidden, stays for a rerun).
func TestInterrupted(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var o, e bytes.Buffer
	code := cli.MainContext(ctx, []string{"run", "predator_prey", "--out", dir}, &o, &e)
	if code != cli.ExitInterrupted || !strings.Contains(e.String(), "interrupted") {
		t.Errorf("exit %d, stderr %q", code, e.String())
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), ".") {
			t.Errorf("left %s", e.Name())
		}
	}
	if !strings.Contains(e.String(), "rerun the same command") {
		t.Errorf("stderr %q does not say how to continue", e.String())
	}
}

// TestRunFailureExit1: a job that panics makes the run exit 1 with the
// job's ids and parameters, and the manifest marks the dataset incomplete.
func TestRunFailureExit1(t *testing.T) {
	err := models.Register(models.Entry{Name: "cli_test_faulty", Doc: "panics in subset 1", Build: func() (*gds.Model, error) {
		b := gds.NewBuilder("cli_test_faulty")
		x := b.Float("x", 0)
		k := b.ParamFloat("k", 1)
		b.PSUB("step", x.Update(func(c *gds.Ctx) float64 {
			if c.Subset == 1 && c.T == 3 {
				panic("boom")
			}
			return x.Get(c) + k.Get(c)
		}))
		return b.Build()
	}})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cfg := filepath.Join(dir, "faulty.toml")
	os.WriteFile(cfg, []byte("model = \"cli_test_faulty\"\ntimesteps = 5\n[params]\nk = [1.0, 2.0]\n"), 0o644)
	code, _, errs := run("run", cfg, "--out", filepath.Join(dir, "out"))
	for _, want := range []string{"1 of 2 jobs failed", "subset 1", "boom", "k=2", "incomplete"} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errs)
		}
	}
	if code != cli.ExitFailure {
		t.Errorf("exit %d, want %d", code, cli.ExitFailure)
	}
	data, _ := os.ReadFile(filepath.Join(dir, "out", "_manifest.json"))
	if !strings.Contains(string(data), `"complete": false`) {
		t.Errorf("manifest does not say incomplete:\n%s", data)
	}
}

// TestValidateModelFile: validate on a model file runs the structural
// checks and prints warnings for signals never read and parameters never
// used; a broken model file exits 2 with its location.
func TestValidateModelFile(t *testing.T) {
	dir := t.TempDir()
	ok := filepath.Join(dir, "m.toml")
	os.WriteFile(ok, []byte("[variables]\nx = 1.0\n[params]\nunused = 2.0\n[signals]\ns = \"sum\"\n[[psubs]]\nname = \"p\"\n[[psubs.policies]]\nname = \"a\"\nemit.s = \"1.0\"\n[psubs.updates]\nx = \"x*2.0\"\n"), 0o644)
	code, out, errs := run("validate", ok)
	if code != 0 || !strings.Contains(out, "ok: model m") {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	for _, want := range []string{`warning: signal "s" is emitted in PSUB "p" but no update of the PSUB reads it`, `warning: parameter "unused" is not read by any block`} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errs)
		}
	}
	bad := filepath.Join(dir, "bad.toml")
	os.WriteFile(bad, []byte("[variables]\nx = 1.0\n[[psubs]]\nname = \"p\"\n[psubs.updates]\nx = \"x + y\"\n"), 0o644)
	code, _, errs = run("validate", bad)
	if code != cli.ExitUsage || !strings.Contains(errs, `bad.toml:6: key "psubs.0.updates.x": "x + y": col 5: unknown name "y"`) {
		t.Errorf("exit %d, stderr %q", code, errs)
	}
}

// TestBlocksCommand: the command lists every registered family, and the
// generated part of docs/blocks.md matches what it prints.
func TestBlocksCommand(t *testing.T) {
	code, out, _ := run("blocks")
	for _, want := range []string{"process.gbm", "metric.gini", "curve.buy", "amm.swap", "supply.controller", "demurrage.fees", "breaker.price_crash", "agent.count"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("blocks: exit %d, output lacks %s", code, want)
		}
	}
	_, md, _ := run("blocks", "amm", "agent", "supply", "demurrage", "breaker", "--markdown")
	doc, err := os.ReadFile(filepath.Join("..", "docs", "blocks.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(string(doc), md) {
		t.Error("docs/blocks.md's generated section is out of date: regenerate it with 'statecraft blocks amm agent supply demurrage breaker --markdown'")
	}
}

// TestRunModelFileDirectly: a model file runs on its defaults with --set
// timesteps=N; without it the message says how.
func TestRunModelFileDirectly(t *testing.T) {
	model := filepath.Join("..", "models", "predator_prey.toml")
	code, _, errs := run("run", model)
	if code != cli.ExitUsage || !strings.Contains(errs, "is a model file: run it with --set timesteps=N") {
		t.Errorf("exit %d, stderr %q", code, errs)
	}
	dir := filepath.Join(t.TempDir(), "out")
	code, out, errs := run("run", model, "--set", "timesteps=10", "--set", "runs=2", "--set", "params.alpha=[1.0,1.2]", "--out", dir)
	if code != 0 || !strings.Contains(out, "wrote 44 rows of 4 jobs") {
		t.Errorf("exit %d\n%s%s", code, out, errs)
	}
}

// TestMergeCommand: shards run with the CLI merge into one manifest; a
// shard rerun into the merged directory is refused with a clear message.
func TestMergeCommand(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ds")
	for i := 0; i < 2; i++ {
		if code, _, errs := run("run", "predator_prey", "--quiet", "--set", "timesteps=5", "--shard", strconv.Itoa(i)+"/2", "--out", dir); code != 0 {
			t.Fatal(errs)
		}
	}
	code, out, errs := run("merge", dir)
	if code != 0 || !strings.Contains(out, "merged the shards: 144 rows of 24 jobs") {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	code, _, errs = run("run", "predator_prey", "--quiet", "--set", "timesteps=5", "--shard", "0/2", "--out", dir, "--overwrite")
	if code != cli.ExitUsage || !strings.Contains(errs, "holds a finished dataset") {
		t.Errorf("rerun into a merged dataset: exit %d %q", code, errs)
	}
	if code, _, errs = run("merge", t.TempDir()); code != cli.ExitUsage || !strings.Contains(errs, "no shard manifests") {
		t.Errorf("merge of an empty dir: exit %d %q", code, errs)
	}
}

// TestAgentTableCommands: run and merge name each agent table with its
// rows (bench/abm: 100 agents per row) and directory.
func TestAgentTableCommands(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "abm")
	code, out, errs := run("run", "bench/abm", "--set", "timesteps=5", "--set", "runs=1", "--out", dir)
	// 4 subsets x 1 run x 6 rows x 100 agents
	if code != 0 || !strings.Contains(out, "wrote 24 rows of 4 jobs") || !strings.Contains(out, "agent table agents: 2400 rows (one per agent per recorded substep) in "+filepath.Join(dir, "_tables", "agents")) {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	code, out, _ = run("run", "bench/abm", "--set", "timesteps=5", "--set", "runs=1", "--set", "output.agents=list", "--out", dir, "--overwrite")
	if code != 0 || strings.Contains(out, "agent table") {
		t.Errorf("list layout: exit %d\n%s", code, out)
	}
	sh := filepath.Join(t.TempDir(), "sh")
	for i := 0; i < 2; i++ {
		if code, _, errs := run("run", "bench/abm", "--quiet", "--set", "timesteps=5", "--set", "runs=1", "--shard", strconv.Itoa(i)+"/2", "--out", sh); code != 0 {
			t.Fatal(errs)
		}
	}
	code, out, errs = run("merge", sh)
	if code != 0 || !strings.Contains(out, "merged the shards: 24 rows of 4 jobs") || !strings.Contains(out, "agent table agents: 2400 rows") {
		t.Fatalf("merge: exit %d\n%s%s", code, out, errs)
	}
}

// TestGossipGraphTables: the embedded gossip experiment, whose model
// file uses the network family's graph blocks, writes its graph as node
// and edge tables every output.graph_every (25) timesteps: 6 sweep
// points × 2 non-empty snapshots × 200 peers (800 directed links).
func TestGossipGraphTables(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "gossip")
	code, out, errs := run("run", "gossip", "--set", "timesteps=50", "--set", "runs=1", "--out", dir)
	for _, want := range []string{"wrote 306 rows of 6 jobs",
		"graph node table net.nodes: 2400 rows (one per alive node per graph snapshot) in " + filepath.Join(dir, "_tables", "net.nodes"),
		"graph edge table net.edges: 9600 rows (one per edge per graph snapshot) in " + filepath.Join(dir, "_tables", "net.edges")} {
		if code != 0 || !strings.Contains(out, want) {
			t.Fatalf("exit %d, output lacks %q\n%s%s", code, want, out, errs)
		}
	}
}

// TestConcurrentRunRefused: a run into a directory another run holds
// exits 2 at once, naming the directory, and touches nothing of it.
func TestConcurrentRunRefused(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	release, err := (&dataset.Shard{Dir: dir}).Lock()
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	code, _, errs := run("run", "conformance/lag", "--out", dir, "--overwrite")
	if code != cli.ExitUsage || !strings.Contains(errs, "output directory "+dir+" is in use by another statecraft run or merge") {
		t.Errorf("exit %d, stderr %q", code, errs)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.Name() != ".statecraft.lock" {
			t.Errorf("the refused run wrote %s", e.Name())
		}
	}
}

// TestReportFromTheShardsRows: the report of a merged dataset, written by
// merge and again by report, draws from the rows the shards kept: with the
// part files gone it is the same page; with a shard's rows gone too, the
// report must read the files, and says they are missing.
func TestReportFromTheShardsRows(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ds")
	for i := 0; i < 3; i++ {
		if code, _, errs := run("run", "predator_prey", "--quiet", "--set", "timesteps=50", "--shard", strconv.Itoa(i)+"/3", "--out", dir); code != 0 {
			t.Fatal(errs)
		}
	}
	if code, out, errs := run("merge", dir); code != 0 || !strings.Contains(out, "report: ") {
		t.Fatalf("merge: exit %d\n%s%s", code, out, errs)
	}
	page := func() []byte {
		data, err := os.ReadFile(filepath.Join(dir, dataset.ReportName))
		if err != nil {
			t.Fatal(err)
		}
		return regexp.MustCompile(`Written by Statecraft at [0-9TZ:-]+\.`).ReplaceAll(data, nil)
	}
	merged := page()
	parts, _ := filepath.Glob(filepath.Join(dir, "part-*.parquet"))
	if len(parts) == 0 {
		t.Fatal("no part files")
	}
	for _, p := range parts {
		os.Remove(p)
	}
	if code, _, errs := run("report", dir, "--quiet"); code != 0 {
		t.Fatalf("report without the part files: exit %d %s", code, errs)
	}
	if !bytes.Equal(page(), merged) {
		t.Error("statecraft report's page differs from merge's")
	}
	rows, _ := filepath.Glob(filepath.Join(dir, "_report-rows-*.bin"))
	if len(rows) != 3 {
		t.Fatalf("kept rows: %v", rows)
	}
	os.Remove(rows[1])
	if code, _, errs := run("report", dir, "--quiet"); code != cli.ExitFailure || !strings.Contains(errs, "part-") {
		t.Errorf("report with a shard's rows gone and no part files: exit %d %q", code, errs)
	}
}
