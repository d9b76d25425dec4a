// Package cli is the statecraft command: run, validate, models, version.
// It is a package so that users can build their own binary that registers
// their models (models.Register) and then calls Main.
package cli

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/term"

	"github.com/statecraft/statecraft/configs"
	"github.com/statecraft/statecraft/internal/version"
	"github.com/statecraft/statecraft/models"
	"github.com/statecraft/statecraft/report"
	"github.com/statecraft/statecraft/runner"
	"github.com/statecraft/statecraft/runner/dataset"

	// Every block family, for model files and the blocks command.
	_ "github.com/statecraft/statecraft/blocks/all"
)

// Exit codes.
const (
	ExitOK          = 0
	ExitFailure     = 1   // the run failed (a job, the disk)
	ExitUsage       = 2   // bad flags, bad config
	ExitInterrupted = 130 // Ctrl-C
)

const usage = `statecraft runs cadCAD-style simulations described by TOML experiment configs.

Usage:
  statecraft run CONFIG|NAME [flags]   run an experiment, write its dataset
  statecraft validate CONFIG|NAME|MODEL.toml
                                       load, expand and build; report jobs, rows
                                       and structural warnings
  statecraft merge DIR                 after all shards of a sharded run finished:
                                       check them, write the combined _manifest.json
  statecraft report DIR                write DIR/_report.html, the dataset's HTML report
                                       (run and merge write it too, unless report.html = false)
  statecraft describe MODEL|CONFIG     print a model's structure [--format text|mermaid|dot]
  statecraft models                    list the registered models
  statecraft blocks [FAMILY|BLOCK ...] list the library blocks model files can use
  statecraft configs                   list the embedded experiment configs
  statecraft version                   print the version

CONFIG is a TOML file; NAME is an embedded config (see 'statecraft configs'),
for example: statecraft run predator_prey

Run 'statecraft COMMAND --help' for a command's flags.
`

// Main runs the command line args (without the program name) and returns
// the exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return MainContext(ctx, args, stdout, stderr)
}

// MainContext is Main with a context whose cancellation interrupts a run.
func MainContext(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return ExitUsage
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "run":
		return cmdRun(ctx, rest, stdout, stderr)
	case "validate":
		return cmdValidate(rest, stdout, stderr)
	case "describe":
		return cmdDescribe(rest, stdout, stderr)
	case "merge":
		return cmdMerge(rest, stdout, stderr)
	case "report":
		return cmdReport(rest, stdout, stderr)
	case "models":
		return cmdModels(rest, stdout, stderr)
	case "blocks":
		return cmdBlocks(rest, stdout, stderr)
	case "configs":
		return cmdConfigs(rest, stdout, stderr)
	case "version", "--version", "-version":
		if len(args) > 1 {
			fmt.Fprintf(stderr, "statecraft version: takes no arguments, got %q\n", strings.Join(args[1:], " "))
			return ExitUsage
		}
		fmt.Fprintf(stdout, "statecraft %s\n", version.String())
		return ExitOK
	case "help", "-h", "--help", "-help":
		if len(rest) > 0 {
			fmt.Fprintf(stderr, "statecraft help: takes no arguments, got %q; for a command's flags run 'statecraft COMMAND --help'\n", strings.Join(rest, " "))
			return ExitUsage
		}
		fmt.Fprint(stdout, usage)
		return ExitOK
	}
	fmt.Fprintf(stderr, "statecraft: unknown command %q\n\n%s", cmd, usage)
	return ExitUsage
}

// setFlags collects repeated --set key=value flags.
type setFlags []string

func (s *setFlags) String() string     { return strings.Join(*s, " ") }
func (s *setFlags) Set(v string) error { *s = append(*s, v); return nil }

// parse parses flags that may come before or after positional arguments.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// parseArgs parses a command's flags; when ok is false the command ends
// with code (0 after --help, 2 after a bad flag; the flag package has
// printed the message).
func parseArgs(fs *flag.FlagSet, args []string) (pos []string, code int, ok bool) {
	pos, err := parse(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		return nil, ExitOK, false
	}
	if err != nil {
		return nil, ExitUsage, false
	}
	return pos, ExitOK, true
}

func newFlagSet(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: statecraft %s\n\nFlags:\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// loadExperiment classifies a command-line argument and loads the
// experiment it names, with --set overrides.
func loadExperiment(arg string, sets []string) (*configs.Experiment, error) {
	t, err := classify(arg)
	if err != nil {
		return nil, err
	}
	return t.experiment(sets)
}

// parseShard parses "i/n".
func parseShard(s string) (int, int, error) {
	a, b, ok := strings.Cut(s, "/")
	i, err1 := strconv.Atoi(strings.TrimSpace(a))
	n, err2 := strconv.Atoi(strings.TrimSpace(b))
	if !ok || err1 != nil || err2 != nil {
		return 0, 0, fmt.Errorf("--shard %q: want i/n, for example 0/4", s)
	}
	if n < 1 || i < 0 || i >= n {
		return 0, 0, fmt.Errorf("--shard %q: want 0 <= i < n and n >= 1", s)
	}
	return i, n, nil
}

func cmdRun(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("run", "run CONFIG|NAME [--out DIR] [--workers N] [--shard i/n] [--set key=value ...] [--overwrite] [--quiet] [--max-memory SIZE] [--max-output SIZE]", stderr)
	out := fs.String("out", "", "dataset directory (default: the config's output.dir)")
	workers := fs.Int("workers", 0, "worker goroutines (default: the config's workers, or all cores)")
	shard := fs.String("shard", "", "run shard i of n of the jobs, as i/n")
	var sets setFlags
	fs.Var(&sets, "set", "override a config key with a TOML value, e.g. --set timesteps=80 --set params.alpha=[0.9,1.05] (repeatable)")
	overwrite := fs.Bool("overwrite", false, "replace the dataset in a non-empty output directory")
	quiet := fs.Bool("quiet", false, "print nothing but errors")
	var lim resourceFlags
	lim.register(fs)
	pos, code, ok := parseArgs(fs, args)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		fmt.Fprintf(stderr, "statecraft run: want one CONFIG or NAME, got %d arguments\n", len(pos))
		fs.Usage()
		return ExitUsage
	}
	opt := runner.Options{Dir: *out, Overwrite: *overwrite}
	if fs.Lookup("workers") != nil && flagSet(fs, "workers") {
		if *workers <= 0 {
			fmt.Fprintf(stderr, "statecraft run: --workers must be > 0, got %d\n", *workers)
			return ExitUsage
		}
		opt.Workers = *workers
	}
	if *shard != "" {
		var err error
		if opt.Shard, opt.Shards, err = parseShard(*shard); err != nil {
			fmt.Fprintf(stderr, "statecraft run: %v\n", err)
			return ExitUsage
		}
	}
	x, err := loadExperiment(pos[0], sets)
	if err != nil {
		fmt.Fprintf(stderr, "statecraft run: %v\n", err)
		return ExitUsage
	}
	plan, err := runner.NewPlan(x, nil)
	if err != nil {
		fmt.Fprintf(stderr, "statecraft run: %v\n", err)
		return ExitUsage
	}
	dir := opt.Dir
	if dir == "" {
		dir = x.Output.Dir
	}
	if err := plan.Estimate(opt.Workers, opt.Shard, opt.Shards).Check(plan, lim.limits(dir)); err != nil {
		fmt.Fprintf(stderr, "statecraft run: %s: %v\n", x.Source, err)
		return ExitUsage
	}
	var bar *progressLine
	if !*quiet && isTerminal(stderr) {
		bar = &progressLine{w: stderr}
		opt.Progress = bar.update
	}
	// A whole dataset gets its report, complete or not (the failed jobs
	// lead it); a shard's waits for statecraft merge.
	// The run keeps the rows its report's charts read as it writes them
	// (report.Collector), unless it optimizes first (the run at the
	// optimum has a plan of its own, made inside runner.Run) or resumes
	// (the rows of the jobs finished before are only in the files): then
	// the report reads the dataset.
	// A shard commits what it kept with its manifest, for the report that
	// statecraft merge writes (report.LoadShardRows).
	var rows *report.Collector
	if x.Report.HTML && x.Optimize == nil {
		rows = report.NewCollector(plan, report.Options{})
		opt.Rows = rows.Add
		if opt.Shards > 1 {
			opt.ShardRows = rows.Encode
		}
	}
	writeReport := func(res *runner.Result) (string, error) {
		if !x.Report.HTML || opt.Shards > 1 {
			return "", nil
		}
		ropt := report.Options{Decisions: res.Decisions}
		if res.Resumed == 0 {
			ropt.Rows = rows
		}
		return report.Write(res.Dir, ropt)
	}
	res, err := runner.Run(ctx, plan, opt)
	bar.clear()
	if err != nil {
		if ctx.Err() != nil {
			var st *runner.StoppedError
			if errors.As(err, &st) {
				fmt.Fprintf(stderr, "statecraft run: interrupted; nothing is visible in %s yet, and %d of %d jobs are kept: rerun the same command to continue\n", st.Dir, st.Kept, st.Jobs)
			} else {
				fmt.Fprintln(stderr, "statecraft run: interrupted; no dataset was written")
			}
			return ExitInterrupted
		}
		fmt.Fprintf(stderr, "statecraft run: %v\n", err)
		var od *runner.OutputDirError
		if errors.As(err, &od) {
			return ExitUsage
		}
		if res != nil {
			fmt.Fprintf(stderr, "statecraft run: the dataset in %s is incomplete: see %s\n", res.Dir, res.Manifest)
			if path, err := writeReport(res); err != nil {
				fmt.Fprintf(stderr, "statecraft run: %v\n", err)
			} else if path != "" {
				fmt.Fprintf(stderr, "statecraft run: the report, with the failed jobs: %s\n", path)
			}
		}
		return ExitFailure
	}
	reportPath, err := writeReport(res)
	if err != nil {
		fmt.Fprintf(stderr, "statecraft run: the dataset is complete, but its report failed: %v\n", err)
		return ExitFailure
	}
	if !*quiet {
		rate := float64(res.Rows) / res.Elapsed.Seconds()
		if res.AlreadyCommitted {
			fmt.Fprintf(stdout, "the dataset in %s is already complete: an earlier run of this command wrote its %d rows of %d jobs; nothing to run (--overwrite runs it again)\n", res.Dir, res.Rows, res.Jobs)
			return ExitOK
		}
		if res.Resumed > 0 {
			fmt.Fprintf(stdout, "continued an interrupted run: %d of %d jobs were finished already\n", res.Resumed, res.Jobs)
		}
		fmt.Fprintf(stdout, "wrote %d rows of %d jobs to %s in %s (%s rows/s); manifest %s\n",
			res.Rows, res.Jobs, res.Dir, elapsed(res.Elapsed), human(rate), res.Manifest)
		if reportPath != "" {
			fmt.Fprintf(stdout, "report: %s\n", reportPath)
		}
		printTables(stdout, res.Dir, res.Tables)
		if res.Decisions != nil {
			fmt.Fprintf(stdout, "\ndecisions (%s):\n", res.DecisionText)
			printDecisions(stdout, res.Decisions)
		}
		if n := len(res.Anomalies); n > 0 {
			a := res.Anomalies[0]
			fmt.Fprintf(stdout, "flagged %d NaN/Inf values; first: job (simulation %d, subset %d, run %d) timestep %d substep %d: %q = %v\n",
				n, a.Simulation, a.Subset, a.Run, a.Timestep, a.Substep, a.Var, a.Value)
		}
	}
	return ExitOK
}

func flagSet(fs *flag.FlagSet, name string) bool {
	found := false
	fs.Visit(func(f *flag.Flag) {
		if f.Name == name {
			found = true
		}
	})
	return found
}

func cmdValidate(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("validate", "validate CONFIG|NAME [--set key=value ...] [--workers N] [--out DIR] [--max-memory SIZE] [--max-output SIZE]", stderr)
	var sets setFlags
	fs.Var(&sets, "set", "override a config key with a TOML value (repeatable)")
	workers := fs.Int("workers", 0, "estimate for this many workers (default: the config's workers)")
	out := fs.String("out", "", "estimate the free space of this dataset directory (default: the config's output.dir)")
	var lim resourceFlags
	lim.register(fs)
	pos, code, ok := parseArgs(fs, args)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		fmt.Fprintf(stderr, "statecraft validate: want one CONFIG or NAME, got %d arguments\n", len(pos))
		return ExitUsage
	}
	t, err := classify(pos[0])
	if err != nil {
		fmt.Fprintf(stderr, "statecraft validate: %v\n", err)
		return ExitUsage
	}
	if t.kind == modelFile || t.kind == registeredModel {
		return validateModel(t, stdout, stderr)
	}
	x, err := t.experiment(sets)
	if err != nil {
		fmt.Fprintf(stderr, "statecraft validate: %v\n", err)
		return ExitUsage
	}
	plan, err := runner.NewPlan(x, nil)
	if err != nil {
		fmt.Fprintf(stderr, "statecraft validate: %v\n", err)
		return ExitUsage
	}
	fmt.Fprintf(stdout, "%s: ok\n", x.Source)
	for _, s := range plan.Sims {
		name := s.Name
		if name == "" {
			name = "-"
		}
		fmt.Fprintf(stdout, "  simulation %d (%s): model %s (hash %s), %d subsets × %d runs\n", s.Index, name, s.Model.Name(), s.Model.Hash(), len(s.Points), x.Runs)
	}
	rows := strconv.FormatInt(plan.Rows(), 10)
	if plan.Rows() < 0 {
		rows = "more than an int64 counts"
	}
	fmt.Fprintf(stdout, "  jobs: %d, rows per job: %d, rows: %s\n", plan.Jobs(), plan.RowsPerRun, rows)
	est := plan.Estimate(*workers, 0, 1)
	kpis := ""
	if est.KPIs > 0 {
		kpis = " + KPIs " + runner.Bytes(est.KPIs)
	}
	fmt.Fprintf(stdout, "  estimate: peak memory %s (%s × (batch %s + row group %s + state %s + writer %s)%s + %s), output at most %s (%s rows × %s, uncompressed)",
		runner.Bytes(est.Memory), plural(est.Workers, "worker"), runner.Bytes(est.Batch), runner.Bytes(est.RowGroup), runner.Bytes(est.State), runner.Bytes(runner.WriterMemory), kpis, runner.Bytes(runner.BaseMemory),
		runner.Bytes(est.Output), runner.Count(est.Rows), runner.Bytes(est.RowBytes))
	if est.AgentRows > 0 {
		fmt.Fprintf(stdout, ", agent rows %s", runner.Count(est.AgentRows))
	}
	fmt.Fprintln(stdout)
	dir := *out
	if dir == "" {
		dir = x.Output.Dir
	}
	if err := est.Check(plan, lim.limits(dir)); err != nil {
		fmt.Fprintf(stdout, "  warning: statecraft run would refuse it: %v\n", err)
	}
	var cols []string
	for _, f := range plan.Schema(nil).Fields() {
		cols = append(cols, f.Name+" "+runner.TypeName(f.Type))
	}
	fmt.Fprintf(stdout, "  columns: %s\n", strings.Join(cols, ", "))
	if len(plan.KPIs) > 0 {
		fmt.Fprintf(stdout, "  kpis: %s (the KPI table, one row per job)\n", strings.Join(plan.KPIs, ", "))
	}
	if len(x.Criteria) > 0 {
		var cs []string
		for _, c := range x.Criteria {
			cs = append(cs, c.Name+": "+c.Expr)
		}
		fmt.Fprintf(stdout, "  criteria: %s\n", strings.Join(cs, "; "))
	}
	if x.PSUU != nil {
		fmt.Fprintf(stdout, "  psuu: choices of %s, ranked across the other swept values and the scenarios\n", strings.Join(x.PSUU.Controllable, ", "))
	}
	if s := x.Sensitivity; s != nil {
		fmt.Fprintf(stdout, "  sensitivity: %s, %d samples over %d parameters\n", s.Method, s.Samples, len(s.Bounds))
	}
	if o := x.Optimize; o != nil {
		fmt.Fprintf(stdout, "  optimize: %s mean %s by %s, at most %d evaluations of %d jobs each\n", o.Sense, o.KPI, o.Method, o.MaxEvals, plan.Jobs())
	}
	for _, s := range plan.Sims {
		for _, w := range s.Model.Warnings() {
			fmt.Fprintf(stderr, "warning: model %s: %s\n", s.Model.Name(), w)
		}
	}
	return ExitOK
}

// validateModel builds a model file or a registered model, which runs
// every structural check, and reports its shape and warnings.
func validateModel(t target, stdout, stderr io.Writer) int {
	ms, err := t.models()
	if err != nil {
		fmt.Fprintf(stderr, "statecraft validate: %v\n", err)
		return ExitUsage
	}
	m := ms[0]
	fmt.Fprintf(stdout, "%s: ok: model %s (hash %s): %d state variables, %d parameters, %d signals, %d PSUBs\n",
		t.arg, m.Name(), m.Hash(), len(m.Vars()), len(m.Params()), len(m.Signals()), m.PSUBs())
	for _, w := range m.Warnings() {
		fmt.Fprintf(stderr, "warning: %s\n", w)
	}
	return ExitOK
}

func cmdModels(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("models", "models", stderr)
	pos, code, ok := parseArgs(fs, args)
	if !ok {
		return code
	}
	if len(pos) > 0 {
		fmt.Fprintf(stderr, "statecraft models: takes no arguments, got %q\n", strings.Join(pos, " "))
		return ExitUsage
	}
	for _, e := range models.Entries() {
		fmt.Fprintf(stdout, "%-16s %s\n", e.Name, e.Doc)
	}
	return ExitOK
}

// printTables prints a line per agent table: its rows and directory.
func printTables(w io.Writer, dir string, tables map[string]*dataset.TableInfo) {
	names := make([]string, 0, len(tables))
	for n := range tables {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		t := tables[n]
		fmt.Fprintf(w, "%s %s: %d rows (%s) in %s\n", t.What(), n, t.Rows, t.RowsAre(), filepath.Join(dir, filepath.FromSlash(t.Dir)))
	}
}

func cmdMerge(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("merge", "merge DIR", stderr)
	pos, code, ok := parseArgs(fs, args)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		fmt.Fprintf(stderr, "statecraft merge: want one dataset directory, got %d arguments\n", len(pos))
		return ExitUsage
	}
	m, d, err := runner.Merge(pos[0], nil)
	if err != nil && m == nil {
		fmt.Fprintf(stderr, "statecraft merge: %v\n", err)
		return ExitUsage
	}
	fmt.Fprintf(stdout, "merged the shards: %d rows of %d jobs in %d files; manifest %s\n",
		m.Rows, m.Jobs, len(m.Files), filepath.Join(pos[0], dataset.ManifestName))
	printTables(stdout, pos[0], m.Tables)
	if d != nil {
		_, text := (&dataset.Shard{Dir: pos[0]}).DecisionPaths()
		fmt.Fprintf(stdout, "\ndecisions (%s):\n", text)
		printDecisions(stdout, d)
	}
	if x, xerr := configs.Parse(m.Config.Source, []byte(m.Config.Text)); xerr == nil && x.Report.HTML {
		path, rerr := report.Write(pos[0], keptRows(pos[0], m))
		if rerr != nil {
			fmt.Fprintf(stderr, "statecraft merge: %v\n", rerr)
			return ExitFailure
		}
		fmt.Fprintf(stdout, "report: %s\n", path)
	}
	if err != nil {
		fmt.Fprintf(stderr, "statecraft merge: %v\n", err)
		return ExitFailure
	}
	return ExitOK
}

func cmdReport(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("report", "report DIR [--quiet]", stderr)
	quiet := fs.Bool("quiet", false, "print nothing but errors")
	pos, code, ok := parseArgs(fs, args)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		fmt.Fprintf(stderr, "statecraft report: want one dataset directory, got %d arguments\n", len(pos))
		return ExitUsage
	}
	ropt := report.Options{}
	if m, err := dataset.ReadManifest(pos[0]); err == nil {
		ropt = keptRows(pos[0], m)
	}
	path, err := report.Write(pos[0], ropt)
	if err != nil {
		fmt.Fprintf(stderr, "statecraft report: %v\n", err)
		return ExitFailure
	}
	if !*quiet {
		fmt.Fprintf(stdout, "report: %s\n", path)
	}
	return ExitOK
}

// keptRows returns the report options for the dataset of manifest m in
// dir: with the rows its shards kept for the report if every shard did
// (a merged dataset's manifest lists them), so that the report need not
// read the dataset back; else the report reads it.
func keptRows(dir string, m *dataset.Manifest) report.Options {
	ropt := report.Options{}
	if len(m.ReportRows) == 0 {
		return ropt
	}
	if p, err := runner.ManifestPlan(m, nil); err == nil {
		if rows, ok := report.LoadShardRows(dir, m, p, ropt); ok {
			ropt.Rows = rows
		}
	}
	return ropt
}

func cmdConfigs(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("configs", "configs", stderr)
	pos, code, ok := parseArgs(fs, args)
	if !ok {
		return code
	}
	if len(pos) > 0 {
		fmt.Fprintf(stderr, "statecraft configs: takes no arguments, got %q\n", strings.Join(pos, " "))
		return ExitUsage
	}
	for _, n := range configs.Embedded() {
		fmt.Fprintln(stdout, n)
	}
	return ExitOK
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// progressLine draws one self-rewriting status line on a terminal.
type progressLine struct {
	w    io.Writer
	last int
}

func (p *progressLine) update(pr runner.Progress) {
	rate := float64(pr.Rows) / max(pr.Elapsed.Seconds(), 1e-9)
	eta := "?"
	if pr.JobsDone > 0 {
		left := time.Duration(float64(pr.Elapsed) * float64(pr.Jobs-pr.JobsDone) / float64(pr.JobsDone))
		eta = left.Round(100 * time.Millisecond).String()
	}
	line := fmt.Sprintf("jobs %d/%d  rows %s  %s rows/s  ETA %s", pr.JobsDone, pr.Jobs, human(float64(pr.Rows)), human(rate), eta)
	pad := ""
	if n := p.last - len(line); n > 0 {
		pad = strings.Repeat(" ", n)
	}
	fmt.Fprintf(p.w, "\r%s%s", line, pad)
	p.last = len(line)
}

func (p *progressLine) clear() {
	if p == nil || p.last == 0 {
		return
	}
	fmt.Fprintf(p.w, "\r%s\r", strings.Repeat(" ", p.last))
}

// human formats a count with a k/M/G suffix.
func human(v float64) string {
	switch {
	case v >= 1e9:
		return fmt.Sprintf("%.2fG", v/1e9)
	case v >= 1e6:
		return fmt.Sprintf("%.2fM", v/1e6)
	case v >= 1e3:
		return fmt.Sprintf("%.1fk", v/1e3)
	}
	return fmt.Sprintf("%.0f", v)
}

// elapsed formats a run's duration with 3 significant digits: "2.41s",
// "38.2ms", "950µs".
func elapsed(d time.Duration) string {
	switch {
	case d >= 100*time.Second:
		return d.Round(time.Second).String()
	case d >= 10*time.Second:
		return d.Round(100 * time.Millisecond).String()
	case d >= time.Second:
		return d.Round(10 * time.Millisecond).String()
	case d >= 100*time.Millisecond:
		return d.Round(time.Millisecond).String()
	case d >= 10*time.Millisecond:
		return d.Round(100 * time.Microsecond).String()
	case d >= time.Millisecond:
		return d.Round(10 * time.Microsecond).String()
	}
	return d.Round(time.Microsecond).String()
}

// printDecisions prints the decision layer's tables.
func printDecisions(w io.Writer, d *runner.Decisions) {
	var b bytes.Buffer
	if err := d.WriteText(&b); err != nil {
		fmt.Fprintf(w, "(decisions: %v)\n", err)
		return
	}
	w.Write(b.Bytes())
}
