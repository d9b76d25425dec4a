package report

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/statecraft/statecraft/configs"
	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/runner"
	"github.com/statecraft/statecraft/runner/dataset"
)

// Options tune a report. The zero value is the default.
type Options struct {
	// Resolver finds the experiment's models, for the diagram and the
	// sweep points' labels (nil: models.DefaultResolver). Without its
	// models a report still shows the data, and says what it left out.
	Resolver runner.ModelResolver
	// MaxPanels is the most sweep points of a simulation charted as
	// small multiples (default 12).
	MaxPanels int
	// Budget is the most values the bands and agent charts keep in memory
	// (default 4 Mi, 32 MiB): with more runs than fit, the charts show
	// the first runs of each sweep point, and say so.
	Budget int
	// MaxRuns is the most runs of a sweep point the charts over time and
	// of agents draw (default 200): bands of 200 runs are as good as any.
	MaxRuns int
	// Rows are the rows of the substep table that a Collector kept while
	// the run wrote them (nil: the report reads the dataset). They must
	// be the whole run's: a resumed run's are not.
	Rows *Collector
	// Decisions are the decisions the run drew, as it wrote them to the
	// dataset's _decision.json (nil: the report reads that file). A
	// sensitivity analysis of 4096 samples writes 24,576 points' worth,
	// which take 0.4 s to parse again.
	Decisions *runner.Decisions
}

// withDefaults returns the options with the defaults in place of zeros.
func (opt Options) withDefaults() Options {
	if opt.MaxPanels <= 0 {
		opt.MaxPanels = defaultMaxPanels
	}
	if opt.Budget <= 0 {
		opt.Budget = defaultBudget
	}
	if opt.MaxRuns <= 0 {
		opt.MaxRuns = defaultMaxRuns
	}
	return opt
}

const (
	defaultMaxPanels = 12
	defaultBudget    = 4 << 20
	defaultMaxRuns   = 200
)

// Write writes the HTML report of the finished dataset in dir to
// dir/_report.html (under a temporary name, renamed when complete) and
// returns its path.
func Write(dir string, opt Options) (string, error) {
	var buf bytes.Buffer
	if err := Render(&buf, dir, opt); err != nil {
		return "", err
	}
	return dataset.WriteReport(dir, buf.Bytes())
}

// Render writes the HTML report of the finished dataset in dir to w: one
// self-contained page, with its charts inline as SVG and no script.
func Render(w io.Writer, dir string, opt Options) error {
	opt = opt.withDefaults()
	ds, err := open(dir, opt)
	if err != nil {
		return err
	}
	pg, err := ds.page()
	if err != nil {
		return fmt.Errorf("report %s: %w", dir, err)
	}
	if err := pageTemplate().Execute(w, pg); err != nil {
		return fmt.Errorf("report %s: %w", dir, err)
	}
	return nil
}

// source is a finished dataset, as the report reads it.
type source struct {
	dir  string
	opt  Options
	man  *dataset.Manifest
	x    *configs.Experiment // nil if the manifest's config does not load
	plan *runner.Plan        // nil if the models are not found
	dec  *runner.Decisions   // nil without the decision layer
	// alerts are problems of the dataset itself (failed jobs, NaN) or of
	// the report (what it could not show), shown first.
	alerts []alert
}

func open(dir string, opt Options) (*source, error) {
	man, err := dataset.ReadManifest(dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			if shards, _ := filepath.Glob(filepath.Join(dir, "_manifest-shard-*.json")); len(shards) > 0 {
				return nil, fmt.Errorf("report %s: the dataset has shard manifests but no %s: run statecraft merge %s first", dir, dataset.ManifestName, dir)
			}
			return nil, fmt.Errorf("report %s: not a finished dataset: no %s", dir, dataset.ManifestName)
		}
		return nil, fmt.Errorf("report %s: %w", dir, err)
	}
	s := &source{dir: dir, opt: opt, man: man}
	if opt.Rows != nil {
		opt.Rows.drop(man.Failed) // their rows the run wrote and dropped
	}
	s.plan, err = runner.ManifestPlan(man, opt.Resolver)
	if err != nil {
		x, xerr := configs.Parse(man.Config.Source, []byte(man.Config.Text))
		if xerr != nil {
			s.warn("The manifest's config does not load (%v): the report shows only what the manifest records.", xerr)
		} else {
			s.x = x
			s.warn("The experiment's models are not available here (%v): the report leaves out the model diagram and the sweep points' values.", err)
		}
	} else {
		s.x = s.plan.Config
	}
	jsonPath, _ := (&dataset.Shard{Dir: dir}).DecisionPaths()
	if opt.Decisions != nil {
		s.dec = opt.Decisions
	} else if data, err := os.ReadFile(jsonPath); err == nil {
		var d runner.Decisions
		if err := json.Unmarshal(data, &d); err != nil {
			return nil, fmt.Errorf("report %s: %s: %w", dir, filepath.Base(jsonPath), err)
		}
		s.dec = &d
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("report %s: %w", dir, err)
	}
	return s, nil
}

// alert is a message shown at the top of the report.
type alert struct {
	Level   string // "error", "warn" or "note"
	Text    string
	Details []string
}

func (s *source) warn(format string, args ...any) {
	s.alerts = append(s.alerts, alert{Level: "warn", Text: fmt.Sprintf(format, args...)})
}

func (s *source) note(format string, args ...any) {
	s.alerts = append(s.alerts, alert{Level: "note", Text: fmt.Sprintf(format, args...)})
}

// page is what the template shows.
type page struct {
	Title       string
	Description string
	Generated   string
	Glance      [][2]string
	Scenarios   []legendItem
	Alerts      []alert
	Sections    []*section
	Diagrams    []diagramModel
	Config      string
	ConfigName  string
}

// section is one part of the page: charts with a legend, and tables.
type section struct {
	ID, Title string
	Intro     string
	Legend    []legendItem
	Tables    []*table
	Charts    []chart
	Small     bool // small multiples: more charts to a row
}

// legendItem is a colour and what it stands for.
type legendItem struct {
	Colour template.CSS
	Label  string
}

// chart is one SVG chart with its title and caption.
type chart struct {
	Title   string
	Caption string
	SVG     template.HTML
}

// table is an HTML table.
type table struct {
	Caption string
	Head    []string
	Rows    [][]cell
	Note    string
}

// cell is one table cell; Class styles it ("num", "pass", "fail", "best").
type cell struct {
	Text  string
	Class string
}

func (s *source) page() (*page, error) {
	m := s.man
	pg := &page{Title: m.Model.Name, Generated: time.Now().UTC().Format(time.RFC3339), Config: m.Config.Text, ConfigName: m.Config.Source}
	if s.x != nil && s.x.Description != "" {
		pg.Description = s.x.Description
	}
	pg.Glance = s.glance()
	for _, sim := range m.Sims {
		pg.Scenarios = append(pg.Scenarios, legendItem{cssColour(sim.Index), s.simName(sim.Index)})
	}
	s.datasetAlerts()
	var sections []*section
	add := func(sec *section, err error) error {
		if err != nil {
			return err
		}
		if sec != nil && (len(sec.Charts) > 0 || len(sec.Tables) > 0 || sec.Intro != "") {
			sections = append(sections, sec)
		}
		return nil
	}
	if err := add(s.decisionSection()); err != nil {
		return nil, err
	}
	if err := add(s.kpiSection()); err != nil {
		return nil, err
	}
	if err := add(s.psuuSection()); err != nil {
		return nil, err
	}
	if err := add(s.sensitivitySection()); err != nil {
		return nil, err
	}
	if err := add(s.optimizeSection()); err != nil {
		return nil, err
	}
	bands, err := s.bandSections()
	if err != nil {
		return nil, err
	}
	sections = append(sections, bands...)
	agents, err := s.agentSections()
	if err != nil {
		return nil, err
	}
	sections = append(sections, agents...)
	pg.Sections = sections
	if s.plan != nil {
		pg.Diagrams = diagrams(s.plan)
		for _, d := range uniqueModels(s.plan) {
			for _, w := range d.Warnings() {
				s.alerts = append(s.alerts, alert{Level: "warn", Text: "Model " + d.Name() + ": " + w})
			}
		}
	}
	pg.Alerts = s.alerts
	return pg, nil
}

// simName is the name of simulation i: its scenario's, or "simulation i".
func (s *source) simName(i int) string {
	if i < len(s.man.Sims) && s.man.Sims[i].Name != "" {
		return s.man.Sims[i].Name
	}
	if len(s.man.Sims) == 1 {
		return s.man.Model.Name
	}
	return fmt.Sprintf("simulation %d", i)
}

// glance is the experiment at a glance.
func (s *source) glance() [][2]string {
	m := s.man
	rows := [][2]string{{"model", m.Model.Name + "  (hash " + short(m.Model.Hash) + ")"}}
	var sims []string
	for _, sim := range m.Sims {
		name := s.simName(sim.Index)
		if sim.Model != m.Model.Name {
			name += " (model " + sim.Model + ")"
		}
		sims = append(sims, fmt.Sprintf("%s: %d sweep point%s", name, sim.Subsets, plural(sim.Subsets)))
	}
	rows = append(rows, [2]string{"simulations", strings.Join(sims, "; ")})
	if s.x != nil {
		rows = append(rows, [2]string{"timesteps", fmt.Sprint(s.x.Timesteps)}, [2]string{"Monte Carlo runs", fmt.Sprintf("%d per sweep point", s.x.Runs)})
		if s.plan != nil && len(s.plan.ParamCols) > 0 {
			var names []string
			for _, p := range s.plan.ParamCols {
				names = append(names, p.Name)
			}
			rows = append(rows, [2]string{"swept", strings.Join(names, ", ") + " (" + s.x.Sweep.Mode.String() + ")"})
		}
	}
	rows = append(rows,
		[2]string{"jobs", fmt.Sprintf("%d of %d finished", m.Jobs-len(m.Failed), m.TotalJobs)},
		[2]string{"rows", fmt.Sprintf("%d (%d per run), %d part file%s, %s", m.Rows, m.RowsPerRun, len(m.Files), plural(len(m.Files)), m.Format)},
	)
	for _, name := range sortedTables(m) {
		t := m.Tables[name]
		rows = append(rows, [2]string{t.What() + " " + name, fmt.Sprintf("%d rows", t.Rows)})
	}
	if m.KPIs != nil {
		rows = append(rows, [2]string{"KPI table", fmt.Sprintf("%d rows", m.KPIs.Rows)})
	}
	rows = append(rows,
		[2]string{"seed", fmt.Sprint(m.Seed)},
		[2]string{"written", m.Created + " by " + m.Program + " " + m.Version},
		[2]string{"time taken", fmt.Sprintf("%.2f s", m.ElapsedSec)},
		[2]string{"config", m.Config.Source},
	)
	if m.Shards > 1 {
		rows = append(rows, [2]string{"shards", fmt.Sprintf("%d, merged", m.Shards)})
	}
	return rows
}

// datasetAlerts reports failed jobs, flagged NaN and an incomplete run.
func (s *source) datasetAlerts() {
	m := s.man
	if n := len(m.Failed); n > 0 {
		a := alert{Level: "error", Text: fmt.Sprintf("%d of %d jobs failed: their rows are not in the dataset, and the charts and decisions leave them out.", n, m.TotalJobs)}
		for i, f := range m.Failed {
			if i == 20 {
				a.Details = append(a.Details, fmt.Sprintf("… and %d more (see _manifest.json)", n-20))
				break
			}
			a.Details = append(a.Details, fmt.Sprintf("%s, subset %d, run %d%s: %s", s.simName(f.Simulation), f.Subset, f.Run, paramText(f.Params), f.Error))
		}
		s.alerts = append(s.alerts, a)
	} else if !m.Complete {
		s.alerts = append(s.alerts, alert{Level: "error", Text: "The dataset is marked incomplete."})
	}
	if n := len(m.Anomalies); n > 0 {
		a := alert{Level: "warn", Text: fmt.Sprintf("%d NaN or infinite value%s flagged (on_nan = \"flag\"): the charts leave them out.", n, plural(n))}
		for i, an := range m.Anomalies {
			if i == 20 {
				a.Details = append(a.Details, fmt.Sprintf("… and %d more (see _manifest.json)", n-20))
				break
			}
			a.Details = append(a.Details, fmt.Sprintf("%s, subset %d, run %d, timestep %d, substep %d: %s = %s (PSUB %s, block %s)",
				s.simName(an.Simulation), an.Subset, an.Run, an.Timestep, an.Substep, an.Var, an.ValueText, an.PSUB, an.Block))
		}
		s.alerts = append(s.alerts, a)
	}
}

// subsetLabel names sweep point k of simulation sim by its swept values.
func (s *source) subsetLabel(sim, k int) string {
	if s.plan == nil || len(s.plan.ParamCols) == 0 || sim >= len(s.plan.Sims) || k >= len(s.plan.Sims[sim].Points) {
		return fmt.Sprintf("point %d", k)
	}
	var parts []string
	for _, p := range s.plan.ParamCols {
		if v, ok := s.plan.Sims[sim].Points[k].Get(p.Name); ok {
			parts = append(parts, p.Name+" = "+formatAny(v))
		}
	}
	return strings.Join(parts, ", ")
}

// panelLabel names the panel of sweep point k, which shows every
// simulation's point k: by the swept values they share (a value that
// differs between the simulations, a scenario's, is their legend).
func (s *source) panelLabel(k int) string {
	if s.plan == nil || len(s.plan.ParamCols) == 0 {
		return fmt.Sprintf("point %d", k)
	}
	var parts []string
	for _, p := range s.plan.ParamCols {
		var first any
		same, seen := true, false
		for _, sim := range s.plan.Sims {
			if k >= len(sim.Points) {
				continue
			}
			v, _ := sim.Points[k].Get(p.Name)
			if seen && formatAny(v) != formatAny(first) {
				same = false
			}
			first, seen = v, true
		}
		if same && seen {
			parts = append(parts, p.Name+" = "+formatAny(first))
		}
	}
	if len(parts) == 0 {
		return fmt.Sprintf("point %d", k)
	}
	return strings.Join(parts, ", ")
}

// subsets returns each simulation's number of sweep points.
func (s *source) subsets() []int {
	out := make([]int, len(s.man.Sims))
	for i, sim := range s.man.Sims {
		out[i] = sim.Subsets
	}
	return out
}

// runsPerPoint is the number of Monte Carlo runs of each sweep point.
func (s *source) runsPerPoint() int {
	if s.x != nil {
		return s.x.Runs
	}
	points := 0
	for _, n := range s.subsets() {
		points += n
	}
	if points == 0 {
		return 0
	}
	return s.man.TotalJobs / points
}

// files returns the paths of a table's part files.
func (s *source) files(list []dataset.FileInfo) []string {
	out := make([]string, len(list))
	for i, f := range list {
		out[i] = filepath.Join(s.dir, filepath.FromSlash(f.Name))
	}
	return out
}

func sortedTables(m *dataset.Manifest) []string {
	var names []string
	for name := range m.Tables {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

func short(hash string) string {
	if len(hash) > 12 {
		return hash[:12]
	}
	return hash
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func paramText(p map[string]any) string {
	if len(p) == 0 {
		return ""
	}
	var keys []string
	for k := range p {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, k+" = "+formatAny(p[k]))
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

// formatAny writes a parameter value briefly.
func formatAny(v any) string {
	switch x := v.(type) {
	case float64:
		return formatNum(x)
	case []float64:
		parts := make([]string, len(x))
		for i, f := range x {
			parts[i] = formatNum(f)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	return fmt.Sprint(v)
}

// formatNum writes a number with four significant digits.
func formatNum(x float64) string {
	if !finite(x) {
		return fmt.Sprint(x)
	}
	return strings.TrimSuffix(strings.TrimSuffix(fmt.Sprintf("%.4g", x), ".0"), ".")
}

//go:embed page.html
var pageHTML string

// pageTemplate is parsed when the first report is written, not at every
// start of the binary (0.4 ms of every command's start).
var pageTemplate = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("report").Parse(pageHTML))
})

// uniqueModels returns the plan's models, each once, in simulation order.
func uniqueModels(p *runner.Plan) []*gds.Model {
	var out []*gds.Model
	for _, sim := range p.Sims {
		if !slices.Contains(out, sim.Model) {
			out = append(out, sim.Model)
		}
	}
	return out
}
