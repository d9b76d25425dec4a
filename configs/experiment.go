// Package configs holds the experiment configs of the reference models,
// embedded in the binary, and the loader that parses and validates
// experiment configs strictly: unknown keys, wrong types and bad values are
// errors that name the file, line and key.
package configs

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/internal/names"
	"github.com/statecraft/statecraft/internal/tomlerr"
)

// Experiment is a decoded experiment config. See docs/config.md.
type Experiment struct {
	// Description says what the experiment is for (optional).
	Description string `toml:"description"`
	// Model is a registered model name.
	Model string `toml:"model"`
	// Timesteps is the number of timesteps per run (> 0).
	Timesteps int `toml:"timesteps"`
	// Runs is the number of Monte Carlo runs per sweep point (> 0, default 1).
	Runs int `toml:"runs"`
	// Seed is the master seed; every job's stream derives from it.
	Seed int64 `toml:"seed"`
	// Workers is the size of the worker pool (> 0; default GOMAXPROCS).
	Workers int `toml:"workers"`
	// CommonRandomNumbers makes every scenario see the same random streams
	// for the same (subset, run) (default true).
	CommonRandomNumbers bool `toml:"common_random_numbers"`
	// OnNaN is what a NaN or ±Inf in an update does: fail (default), flag
	// or ignore.
	OnNaN gds.NaNMode `toml:"on_nan"`
	// Params sets parameters: a scalar for a fixed value, a list to sweep.
	Params map[string]any `toml:"params"`
	// Sweep says how list-valued parameters combine.
	Sweep Sweep `toml:"sweep"`
	// InitialState overrides initial values of state variables.
	InitialState map[string]any `toml:"initial_state"`
	// Scenarios are A/B variants, one simulation each.
	Scenarios []Scenario `toml:"scenarios"`
	// Output says where and how rows are written.
	Output Output `toml:"output"`
	// Limits bound how large a job's vectors and populations may grow.
	Limits Limits `toml:"limits"`
	// Report lists pass/fail criteria summarised after the run.
	Report Report `toml:"report"`
	// KPIs are per-run aggregates by name, computed while the runs happen
	// and written as the KPI table.
	KPIs map[string]KPI `toml:"kpis"`
	// KPIOrder lists the KPIs' names in the order of the config's text.
	KPIOrder []string `toml:"-"`
	// Criteria are success criteria over the KPIs, judged on every run.
	Criteria []Criterion `toml:"criteria"`
	// PSUU ranks the controllable parameters' choices (optional).
	PSUU *PSUU `toml:"psuu"`
	// Sensitivity is a global sensitivity analysis (optional).
	Sensitivity *Sensitivity `toml:"sensitivity"`
	// Optimize is an optimisation of a KPI (optional).
	Optimize *Optimize `toml:"optimize"`

	// Source is the file the config came from ("embedded:NAME" for
	// embedded configs); errors are reported against it.
	Source string `toml:"-"`
	// Embedded reports whether the config is one of the embedded ones
	// (LoadEmbedded); its model files are then the embedded ones.
	Embedded bool `toml:"-"`
	// Text is the config's text after --set overrides, stored in the
	// dataset's metadata.
	Text string `toml:"-"`

	// fileText is the config file's own text and setKeys the keys --set
	// gave, when there were overrides: an error found after loading names
	// the file's line, or --set for a key the overrides gave.
	fileText string
	setKeys  []string
}

// Sweep configures the parameter sweep.
type Sweep struct {
	// Mode is zip (lists of length 1 or n, paired by position; the
	// default), grid (the cartesian product) or points (the explicit
	// Points table; the default when Points are given).
	Mode SweepMode `toml:"mode"`
	// Points are explicit sweep points (mode points), each a table of
	// parameter values over the Params defaults.
	Points []map[string]any `toml:"points"`
	// Samples is the number of points of mode lhs or sobol.
	Samples int `toml:"samples"`
	// Bounds are the ranges sampled by mode lhs or sobol, by parameter.
	Bounds map[string]Bound `toml:"bounds"`
}

// Scenario is an A/B variant.
type Scenario struct {
	// Name labels the variant.
	Name string `toml:"name"`
	// Model replaces the experiment's model (same state variables).
	Model string `toml:"model"`
	// Params override the experiment's params, key by key.
	Params map[string]any `toml:"params"`
	// InitialState overrides the experiment's initial state, key by key.
	InitialState map[string]any `toml:"initial_state"`
}

// Limits bound how large a job's values may grow while it runs: a job
// whose vector or population passes them fails with an error naming the
// key, instead of exhausting the machine's memory.
type Limits struct {
	// MaxVectorLen is the most elements of a vector variable or of a
	// vector an expression computes (default gds.DefaultMaxVecLen, 2^24).
	MaxVectorLen int `toml:"max_vector_len"`
	// MaxAgents is the most agents of a population (default
	// gds.DefaultMaxAgents, 50,000,000).
	MaxAgents int `toml:"max_agents"`
}

// Output configures the dataset.
type Output struct {
	// Dir is the dataset directory (default out/<config name>).
	Dir string `toml:"dir"`
	// Format is parquet (default), arrow or csv.
	Format Format `toml:"format"`
	// Compression is snappy (default), zstd or none (parquet and arrow).
	Compression Compression `toml:"compression"`
	// DropSubsteps records only the last substep of each timestep.
	DropSubsteps bool `toml:"drop_substeps"`
	// Every records only every k-th timestep (default 1).
	Every int `toml:"every"`
	// FinalOnly records only the final state of each run.
	FinalOnly bool `toml:"final_only"`
	// Variables lists the state variables to write; nil (the key left
	// out, or ["*"], AllVariables alone) writes all. An empty list is an
	// error.
	Variables []string `toml:"variables"`
	// RowGroupRows is the least number of rows per Parquet row group
	// (default 65536), unless the part file ends first; a worker's batch
	// holds at most 16384 rows, and a row group is built from several.
	RowGroupRows int `toml:"row_group_rows"`
	// Agents is the layout of agent-record variables: table (default), a
	// table of its own per variable with one row per agent per recorded
	// substep, in the subdirectory named after the variable; or list, a
	// list<struct> column of the substep table.
	Agents AgentLayout `toml:"agents"`
	// GraphEvery writes graph variables' node and edge tables at timestep
	// 0, at every GraphEvery-th timestep and at the last (0, the default:
	// at timestep 0 and the last only). It must be a multiple of Every.
	GraphEvery int `toml:"graph_every"`
	// AgentsEvery writes the agent tables' records at timestep 0, at every
	// AgentsEvery-th timestep and at the last (each at the last substep),
	// instead of at every recorded row (0, the default). The substep table
	// keeps every recorded row. It must be a multiple of Every, and needs
	// the table layout (Agents).
	AgentsEvery int `toml:"agents_every"`
	// CheckpointSeconds is how often, at most, a worker seals its part
	// file and records its finished jobs in the run's journal, so that a
	// run killed and rerun keeps them (default 60). Smaller values lose
	// less work to a crash and write more, smaller files.
	CheckpointSeconds float64 `toml:"checkpoint_seconds"`
}

// Report configures what the run reports besides the dataset: the
// pass-rate criteria of boolean variables, and the HTML report
// (_report.html) with its charts.
type Report struct {
	// Criteria are boolean state variables judged on the final state of
	// each run: the run passes a criterion if the variable is true at the
	// end. They become criteria of the decision layer (_decision.json).
	Criteria []string `toml:"criteria"`
	// HTML writes the dataset's HTML report, _report.html, at the end of
	// the run (default true; a sharded run writes it at merge).
	HTML bool `toml:"html"`
	// Variables are the recorded variables charted over time (default:
	// every recorded numeric variable, in the model's order).
	Variables []string `toml:"variables"`
	// Log lists variables charted on a logarithmic axis.
	Log []string `toml:"log"`
	// VectorStat is the statistic that charts a vector variable over time
	// (default mean).
	VectorStat VectorStat `toml:"vector_stat"`
	// Points is the most time points a chart shows (default 1000): longer
	// runs are shown every k-th timestep.
	Points int `toml:"points"`
	// Histograms are the agent-table fields, as "variable.field", whose
	// distribution at the end of the runs is shown (default: every
	// numeric field of every agent table).
	Histograms []string `toml:"histograms"`
	// Lorenz are agent-table fields ("variable.field") shown as Lorenz
	// curves at the end of the runs, beside their Gini coefficient.
	Lorenz []string `toml:"lorenz"`
	// Scatter are pairs of fields of one agent table shown against each
	// other at the end of the runs.
	Scatter []Scatter `toml:"scatter"`
}

// Scatter is a scatter chart of two fields of one agent table, each
// written "variable.field".
type Scatter struct {
	X string `toml:"x"`
	Y string `toml:"y"`
}

// DefaultReportPoints is the most time points a report chart shows.
const DefaultReportPoints = 1000

// Error is a config problem at a place in a file: File is the config
// file, "embedded:NAME" or "--set". Model files report the same type
// (modelfile.Error), so errors.As with *Error finds both.
type Error = tomlerr.Error

// Load reads and validates the config file at path, applying --set
// overrides ("key=value", value in TOML syntax; a bare word is a string).
func Load(path string, sets ...string) (*Experiment, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("config %s: no such file", path)
		}
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	return Parse(path, data, sets...)
}

// Parse decodes and validates config text; source names it in errors.
func Parse(source string, data []byte, sets ...string) (*Experiment, error) {
	// The file alone must be well-formed (syntax, known keys, types), so
	// its errors carry its own line numbers; required keys and value
	// ranges are checked after the overrides, which may supply them.
	x, md, err := decode(source, data, len(sets) == 0)
	if err != nil {
		return nil, err
	}
	text := string(data)
	if len(sets) > 0 {
		tree := map[string]any{}
		if _, err := toml.Decode(string(data), &tree); err != nil {
			return nil, fmt.Errorf("%s: %w", source, err)
		}
		var setKeys []string
		for _, s := range sets {
			k, _, _ := strings.Cut(s, "=")
			setKeys = append(setKeys, strings.TrimSpace(k))
		}
		if x, md, text, err = overlay(source, tree, sets); err != nil {
			return nil, atFile(err, source, data, setKeys)
		}
		x.fileText = string(data)
		x.setKeys = setKeys
	}
	return finish(x, md, source, text)
}

// ForModelFile returns the experiment that runs the model file at path on
// its own: one run of its defaults into out/<file name>, with sets giving
// timesteps (required) and any other key (runs=, params.x= ...). The
// experiment sits beside the model file, so the model resolves.
func ForModelFile(path string, sets ...string) (*Experiment, error) {
	name := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	hasT := false
	for _, s := range sets {
		if k, _, _ := strings.Cut(s, "="); strings.TrimSpace(k) == "timesteps" {
			hasT = true
		}
	}
	if !hasT {
		return nil, fmt.Errorf("%s is a model file: run it with --set timesteps=N (one run of its defaults; --set runs=, params.x= ... work too), or name it in an experiment config (model = %q)", path, path)
	}
	tree := map[string]any{
		"model":  filepath.Base(path),
		"output": map[string]any{"dir": filepath.ToSlash(filepath.Join("out", name))},
	}
	source := filepath.Join(filepath.Dir(path), name+".experiment")
	x, md, text, err := overlay(source, tree, sets)
	if err != nil {
		return nil, err
	}
	return finish(x, md, source, text)
}

// overlay applies --set overrides to a decoded config tree and decodes the
// result; text is the tree written as TOML.
func overlay(source string, tree map[string]any, sets []string) (*Experiment, toml.MetaData, string, error) {
	for _, s := range sets {
		if err := applySet(tree, s); err != nil {
			return nil, toml.MetaData{}, "", err
		}
	}
	var buf bytes.Buffer
	if err := toml.NewEncoder(&buf).Encode(tree); err != nil {
		return nil, toml.MetaData{}, "", &Error{File: "--set", Msg: err.Error()}
	}
	x, md, err := decode(source+" (with --set)", buf.Bytes(), true)
	return x, md, buf.String(), err
}

// finish completes a decoded config: its source and text, the defaults,
// and the checks across keys.
func finish(x *Experiment, md toml.MetaData, source, text string) (*Experiment, error) {
	x.Source = source
	x.Text = text
	x.fillDefaults(source, md)
	for _, k := range md.Keys() {
		if len(k) == 2 && k[0] == "kpis" {
			x.KPIOrder = append(x.KPIOrder, k[1])
		}
	}
	for name, k := range x.KPIs {
		k.Name = name
		x.KPIs[name] = k
	}
	if err := x.validate(); err != nil {
		return nil, err
	}
	if err := x.validateDecisions(); err != nil {
		return nil, err
	}
	x.reportCriteria()
	return x, nil
}

// decode decodes config text strictly: syntax, unknown keys and types;
// with values, also required keys, ranges and choices, and the defaults.
func decode(source string, data []byte, values bool) (*Experiment, toml.MetaData, error) {
	var x Experiment
	md, err := toml.NewDecoder(bytes.NewReader(data)).Decode(&x)
	if err != nil {
		return nil, md, tomlerr.FromDecode(source, err)
	}
	for _, k := range md.Undecoded() {
		if inStateValue(k) {
			continue
		}
		return nil, md, &Error{File: source, Line: tomlerr.KeyLine(data, k), Key: k.String(), Msg: "unknown key" + knownKeys(k)}
	}
	if !values {
		return &x, md, nil
	}
	if md.IsDefined("runs") && x.Runs <= 0 {
		return nil, md, &Error{File: source, Line: tomlerr.KeyLine(data, toml.Key{"runs"}), Key: "runs", Msg: fmt.Sprintf("must be > 0, got %d", x.Runs)}
	}
	if !md.IsDefined("model") {
		return nil, md, &Error{File: source, Key: "model", Msg: "missing: name the model to run"}
	}
	if !md.IsDefined("timesteps") {
		return nil, md, &Error{File: source, Key: "timesteps", Msg: "missing: the number of timesteps per run"}
	}
	if x.Timesteps <= 0 {
		return nil, md, &Error{File: source, Line: tomlerr.KeyLine(data, toml.Key{"timesteps"}), Key: "timesteps", Msg: fmt.Sprintf("must be > 0, got %d", x.Timesteps)}
	}
	if md.IsDefined("workers") && x.Workers <= 0 {
		return nil, md, &Error{File: source, Line: tomlerr.KeyLine(data, toml.Key{"workers"}), Key: "workers", Msg: fmt.Sprintf("must be > 0, got %d", x.Workers)}
	}
	if md.IsDefined("output", "every") && x.Output.Every <= 0 {
		return nil, md, &Error{File: source, Line: tomlerr.KeyLine(data, toml.Key{"output", "every"}), Key: "output.every", Msg: fmt.Sprintf("must be > 0, got %d", x.Output.Every)}
	}
	if x.Output.AgentsEvery < 0 {
		return nil, md, &Error{File: source, Line: tomlerr.KeyLine(data, toml.Key{"output", "agents_every"}), Key: "output.agents_every", Msg: fmt.Sprintf("must be >= 0, got %d", x.Output.AgentsEvery)}
	}
	if x.Output.GraphEvery < 0 {
		return nil, md, &Error{File: source, Line: tomlerr.KeyLine(data, toml.Key{"output", "graph_every"}), Key: "output.graph_every", Msg: fmt.Sprintf("must be >= 0, got %d", x.Output.GraphEvery)}
	}
	for _, k := range []struct {
		key string
		v   int
	}{{"max_vector_len", x.Limits.MaxVectorLen}, {"max_agents", x.Limits.MaxAgents}} {
		if md.IsDefined("limits", k.key) && k.v <= 0 {
			return nil, md, &Error{File: source, Line: tomlerr.KeyLine(data, toml.Key{"limits", k.key}), Key: "limits." + k.key, Msg: fmt.Sprintf("must be > 0, got %d", k.v)}
		}
	}
	if md.IsDefined("output", "row_group_rows") && x.Output.RowGroupRows <= 0 {
		return nil, md, &Error{File: source, Line: tomlerr.KeyLine(data, toml.Key{"output", "row_group_rows"}), Key: "output.row_group_rows", Msg: fmt.Sprintf("must be > 0, got %d", x.Output.RowGroupRows)}
	}
	if c := x.Output.CheckpointSeconds; md.IsDefined("output", "checkpoint_seconds") && !(c > 0 && c <= math.MaxInt64/1e9) {
		return nil, md, &Error{File: source, Line: tomlerr.KeyLine(data, toml.Key{"output", "checkpoint_seconds"}), Key: "output.checkpoint_seconds", Msg: fmt.Sprintf("must be a number of seconds > 0, got %v", c)}
	}
	if md.IsDefined("report", "points") && x.Report.Points < 2 {
		return nil, md, &Error{File: source, Line: tomlerr.KeyLine(data, toml.Key{"report", "points"}), Key: "report.points", Msg: fmt.Sprintf("must be >= 2, got %d", x.Report.Points)}
	}
	if md.IsDefined("output", "variables") {
		vs := x.Output.Variables
		line := tomlerr.KeyLine(data, toml.Key{"output", "variables"})
		switch {
		case len(vs) == 0:
			return nil, md, &Error{File: source, Line: line, Key: "output.variables", Msg: `an empty list writes no variable; to write every variable give ["*"] or leave the key out`}
		case slices.Contains(vs, AllVariables) && len(vs) > 1:
			return nil, md, &Error{File: source, Line: line, Key: "output.variables", Msg: fmt.Sprintf(`%q means every variable and stands alone; got %q`, AllVariables, vs)}
		case vs[0] == AllVariables:
			x.Output.Variables = nil
		}
	}
	return &x, md, nil
}

// validate checks what decoding cannot: relations between keys.
func (x *Experiment) validate() error {
	e := func(key, format string, args ...any) error {
		return x.ErrorAt(key, format, args...)
	}
	if x.Model == "" {
		return e("model", "must name a model")
	}
	if x.Sweep.Mode == SweepPoints && len(x.Sweep.Points) == 0 {
		return e("sweep.points", "mode points needs at least one point")
	}
	if x.Sweep.Mode != SweepPoints && len(x.Sweep.Points) > 0 {
		return e("sweep.points", "points are used only with mode = \"points\" (mode is %q)", x.Sweep.Mode)
	}
	if x.Output.FinalOnly && (x.Output.DropSubsteps || x.Output.Every > 1) {
		return e("output.final_only", "final_only records one row per run; drop it or drop_substeps/every")
	}
	if g, k := x.Output.GraphEvery, x.Output.Every; g > 0 && k > 1 && g%k != 0 {
		return e("output.graph_every", "graphs are written at recorded timesteps: %d is not a multiple of output.every (%d)", g, k)
	}
	if a, k := x.Output.AgentsEvery, x.Output.Every; a > 0 && k > 1 && a%k != 0 {
		return e("output.agents_every", "agent tables are written at recorded timesteps: %d is not a multiple of output.every (%d)", a, k)
	}
	if x.Output.AgentsEvery > 0 && x.Output.Agents == AgentsList {
		return e("output.agents_every", `applies to agent tables; with output.agents = "list" the agents are a column of every recorded row`)
	}
	if err := x.validateReport(); err != nil {
		return err
	}
	names := map[string]bool{}
	for i, s := range x.Scenarios {
		if s.Name == "" {
			return e("scenarios", "scenario %d has no name", i)
		}
		if names[s.Name] {
			return e("scenarios", "two scenarios named %q", s.Name)
		}
		names[s.Name] = true
	}
	crit := map[string]bool{}
	for _, c := range x.Report.Criteria {
		if crit[c] {
			return e("report.criteria", "criterion %q listed twice", c)
		}
		crit[c] = true
	}
	seen := map[string]bool{}
	for _, v := range x.Output.Variables {
		if seen[v] {
			return e("output.variables", "variable %q listed twice", v)
		}
		seen[v] = true
	}
	return nil
}

// AllVariables, alone in output.variables, writes every state variable:
// the way --set overrides a config's list with all of them.
const AllVariables = "*"

// Name is the config's name: the file's base name without extension.
func (x *Experiment) Name() string { return nameOf(x.Source) }

// nameOf is the name of the config at source: the file's base name
// without extension.
func nameOf(source string) string {
	n := filepath.Base(strings.TrimPrefix(source, embeddedPrefix))
	return strings.TrimSuffix(n, filepath.Ext(n))
}

// ErrorAt returns an *Error located at key in the config's text, for
// problems found after loading (unknown parameters, type mismatches).
func (x *Experiment) ErrorAt(key, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	k := toml.Key(strings.Split(key, "."))
	if x.fileText == "" {
		return &Error{File: x.Source, Line: tomlerr.KeyLine([]byte(x.Text), k), Key: key, Msg: msg}
	}
	// With overrides, Text is re-encoded: its lines are not the file's.
	for _, s := range x.setKeys {
		if s == key || strings.HasPrefix(s, key+".") || strings.HasPrefix(key, s+".") {
			return &Error{File: "--set", Key: key, Msg: msg}
		}
	}
	return &Error{File: x.Source, Line: tomlerr.KeyLine([]byte(x.fileText), k), Key: key, Msg: msg}
}

// atFile locates an error of the overridden config (whose text is
// re-encoded, its lines not the file's) as ErrorAt does: at --set when
// an override gave the key, else at the key's line in the file.
func atFile(err error, source string, data []byte, setKeys []string) error {
	var e *Error
	if !errors.As(err, &e) || e.Key == "" || e.File == "--set" {
		return err
	}
	for _, s := range setKeys {
		if s == e.Key || strings.HasPrefix(s, e.Key+".") || strings.HasPrefix(e.Key, s+".") {
			return &Error{File: "--set", Key: e.Key, Msg: e.Msg}
		}
	}
	return &Error{File: source, Line: tomlerr.KeyLine(data, toml.Key(strings.Split(e.Key, "."))), Key: e.Key, Msg: e.Msg}
}

// inStateValue reports whether k lies inside the value of one initial
// state variable (initial_state.NAME.KEY, or the same in a scenario): the
// fields of agent records, a list of tables decoded as any, which the
// TOML decoder reports as undecoded. gds.State.Set checks them, naming
// an unknown field.
func inStateValue(k toml.Key) bool {
	return len(k) > 2 && k[0] == "initial_state" || len(k) > 3 && k[0] == "scenarios" && k[1] == "initial_state"
}

// schema lists the keys of each table, for unknown-key hints.
var schema = map[string][]string{
	"":                   {"description", "model", "timesteps", "runs", "seed", "workers", "common_random_numbers", "on_nan", "params", "sweep", "initial_state", "scenarios", "output", "limits", "report", "kpis", "criteria", "psuu", "sensitivity", "optimize"},
	"report":             {"criteria", "html", "variables", "log", "vector_stat", "points", "histograms", "lorenz", "scatter"},
	"report.scatter":     {"x", "y"},
	"sweep":              {"mode", "points", "samples", "bounds"},
	"kpis":               nil,
	"criteria":           {"name", "expr"},
	"psuu":               {"controllable", "objectives"},
	"psuu.objectives":    {"name", "criterion", "kpi", "stat", "q", "across", "sense", "weights"},
	"sensitivity":        {"method", "samples", "levels", "bootstrap", "kpis", "bounds"},
	"optimize":           {"kpi", "sense", "method", "max_evals", "bounds"},
	"sweep.bounds":       nil,
	"sensitivity.bounds": nil,
	"optimize.bounds":    nil,
	"limits":             {"max_vector_len", "max_agents"},
	"output":             {"dir", "format", "compression", "drop_substeps", "every", "final_only", "variables", "row_group_rows", "agents", "agents_every", "graph_every", "checkpoint_seconds"},
	"scenarios":          {"name", "model", "params", "initial_state"},
	"sweep.points":       nil,
	"initial_state":      nil,
}

func knownKeys(k toml.Key) string {
	parent := ""
	if len(k) > 1 {
		parts := []string{}
		for _, p := range k[:len(k)-1] {
			if _, err := strconv.Atoi(p); err == nil {
				continue
			}
			parts = append(parts, p)
		}
		parent = strings.Join(parts, ".")
	}
	keys, ok := schema[parent]
	if p := strings.Split(parent, "."); len(p) == 2 && p[0] == "kpis" {
		keys, ok = []string{"of", "stat", "q", "threshold", "expr"}, true
	}
	if !ok {
		return ""
	}
	last := k[len(k)-1]
	best, bestD := "", 1<<30
	for _, c := range keys {
		if d := names.Distance(last, c); d < bestD {
			best, bestD = c, d
		}
	}
	if best != "" && bestD <= 2 {
		return fmt.Sprintf(" (did you mean %q?)", best)
	}
	sorted := append([]string(nil), keys...)
	sort.Strings(sorted)
	where := "at the top level"
	if parent != "" {
		where = "in [" + parent + "]"
	}
	return fmt.Sprintf("; known keys %s: %s", where, strings.Join(sorted, ", "))
}

// applySet applies one --set override to the decoded tree.
func applySet(tree map[string]any, set string) error {
	eq := strings.Index(set, "=")
	if eq <= 0 {
		return &Error{File: "--set", Msg: fmt.Sprintf("%q: want key=value (for example timesteps=80 or params.alpha=[0.9,1.05])", set)}
	}
	key, raw := strings.TrimSpace(set[:eq]), strings.TrimSpace(set[eq+1:])
	path := strings.Split(key, ".")
	for _, p := range path {
		if p == "" {
			return &Error{File: "--set", Key: key, Msg: "empty key segment"}
		}
	}
	var v struct{ V any }
	if _, err := toml.Decode("V = "+raw, &v); err != nil {
		if raw == "" || strings.ContainsAny(raw, "[]{}\"'=") {
			return &Error{File: "--set", Key: key, Msg: fmt.Sprintf("value %q is not TOML: %v", raw, strings.TrimPrefix(err.Error(), "toml: "))}
		}
		v.V = raw // a bare word is a string
	}
	node := tree
	for i, p := range path[:len(path)-1] {
		switch next := node[p].(type) {
		case map[string]any:
			node = next
		case []map[string]any:
			if i+1 >= len(path)-1 {
				return &Error{File: "--set", Key: key, Msg: fmt.Sprintf("%q is a list of tables; address an entry as %s.N.key", p, p)}
			}
			idx, err := strconv.Atoi(path[i+1])
			if err != nil || idx < 0 || idx >= len(next) {
				return &Error{File: "--set", Key: key, Msg: fmt.Sprintf("%q has %d entries; %q is not an index", p, len(next), path[i+1])}
			}
			return setIn(next[idx], path[i+2:], v.V, key)
		case nil:
			m := map[string]any{}
			node[p] = m
			node = m
		default:
			return &Error{File: "--set", Key: key, Msg: fmt.Sprintf("%q is not a table", strings.Join(path[:i+1], "."))}
		}
	}
	node[path[len(path)-1]] = v.V
	return nil
}

func setIn(node map[string]any, path []string, v any, key string) error {
	for _, p := range path[:len(path)-1] {
		next, ok := node[p].(map[string]any)
		if !ok {
			if node[p] != nil {
				return &Error{File: "--set", Key: key, Msg: fmt.Sprintf("%q is not a table", p)}
			}
			next = map[string]any{}
			node[p] = next
		}
		node = next
	}
	node[path[len(path)-1]] = v
	return nil
}

// validateReport checks the form of the report's field names
// ("variable.field"); whether they exist is checked against the model
// when the run is planned.
func (x *Experiment) validateReport() error {
	e := func(key, format string, args ...any) error {
		return x.ErrorAt(key, format, args...)
	}
	check := func(key, f string) error {
		v, field, ok := strings.Cut(f, ".")
		if !ok || v == "" || field == "" || strings.Contains(field, ".") {
			return e(key, "%q is not an agent-table field: write it variable.field, like agents.balance", f)
		}
		return nil
	}
	for _, f := range x.Report.Histograms {
		if err := check("report.histograms", f); err != nil {
			return err
		}
	}
	for _, f := range x.Report.Lorenz {
		if err := check("report.lorenz", f); err != nil {
			return err
		}
	}
	for i, sc := range x.Report.Scatter {
		if sc.X == "" || sc.Y == "" {
			return e("report.scatter", "scatter %d needs both x and y", i+1)
		}
		for _, f := range []string{sc.X, sc.Y} {
			if err := check("report.scatter", f); err != nil {
				return err
			}
		}
		if a, b := strings.SplitN(sc.X, ".", 2)[0], strings.SplitN(sc.Y, ".", 2)[0]; a != b {
			return e("report.scatter", "scatter %d: x (%s) and y (%s) must be fields of the same agent variable", i+1, sc.X, sc.Y)
		}
	}
	return nil
}
