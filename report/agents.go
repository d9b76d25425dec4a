package report

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/statecraft/statecraft/blocks/metric"
	"github.com/statecraft/statecraft/configs"
	"github.com/statecraft/statecraft/runner"
	"github.com/statecraft/statecraft/runner/dataset"
)

// idField is the agent field that, by convention, names an agent: like
// the id columns, it is left out of the default histograms.
const idField = "id"

// agentFields are the fields of one agent table the report charts.
type agentFields struct {
	table      string
	info       *dataset.TableInfo
	fields     []string // every field read, in table order
	histograms []string
	lorenz     []string
	scatter    [][2]string
}

// chartedAgentFields decides, per agent table, which fields are charted:
// the report's keys, or by default every numeric field's histogram.
func (s *source) chartedAgentFields() []agentFields {
	var out []agentFields
	for _, name := range sortedTables(s.man) {
		t := s.man.Tables[name]
		if t.Kind != "" && t.Kind != dataset.TableAgents {
			continue // a graph's node or edge table
		}
		if af := chartedFields(name, t.Columns, s.x); len(af.fields) > 0 {
			af.info = t
			out = append(out, af)
		}
	}
	return out
}

// chartedFields decides which fields of the agent table name, of columns
// cols, are charted: those x's report keys name (x may be nil), or by
// default every numeric field's histogram. The report and its Collector
// both ask it.
func chartedFields(name string, cols []dataset.Column, x *configs.Experiment) agentFields {
	numeric := map[string]bool{}
	var order []string
	for _, c := range cols {
		switch c.Type {
		case "float64", "int64", "int32":
			numeric[c.Name] = true
			order = append(order, c.Name)
		}
	}
	af := agentFields{table: name}
	own := func(f string) (string, bool) {
		v, field, _ := strings.Cut(f, ".")
		return field, v == name && numeric[field]
	}
	configured := x != nil && (len(x.Report.Histograms) > 0 || len(x.Report.Lorenz) > 0 || len(x.Report.Scatter) > 0)
	if x != nil {
		for _, f := range x.Report.Histograms {
			if field, ok := own(f); ok {
				af.histograms = append(af.histograms, field)
			}
		}
		for _, f := range x.Report.Lorenz {
			if field, ok := own(f); ok {
				af.lorenz = append(af.lorenz, field)
			}
		}
		for _, sc := range x.Report.Scatter {
			fx, okx := own(sc.X)
			fy, oky := own(sc.Y)
			if okx && oky {
				af.scatter = append(af.scatter, [2]string{fx, fy})
			}
		}
	}
	if !configured || (x != nil && len(x.Report.Histograms) == 0) {
		for _, f := range order {
			if f != idField && !slices.Contains(runner.AgentIDColumns(), f) {
				af.histograms = append(af.histograms, f)
			}
		}
	}
	for _, f := range order {
		used := slices.Contains(af.histograms, f) || slices.Contains(af.lorenz, f)
		for _, sc := range af.scatter {
			used = used || sc[0] == f || sc[1] == f
		}
		if used {
			af.fields = append(af.fields, f)
		}
	}
	return af
}

// agentJob holds one job's agents at the latest (timestep, substep) read.
type agentJob struct {
	sim    int
	t, sub int
	values [][]float64 // by field
}

// agentSections charts each agent table at the end of the runs: the
// distribution of its fields, Lorenz curves and scatters, per scenario.
func (s *source) agentSections() ([]*section, error) {
	var out []*section
	for _, af := range s.chartedAgentFields() {
		sec, err := s.agentSection(af)
		if err != nil {
			return nil, fmt.Errorf("agent table %s: %w", af.table, err)
		}
		out = append(out, sec)
	}
	return out, nil
}

func (s *source) agentSection(af agentFields) (*section, error) {
	pn := newPanels(s.subsets(), s.opt.MaxPanels)
	runs := s.runsPerPoint()
	// Agents per recorded row, on average: the table's rows over the
	// substep table's. The runs kept bound the values held.
	perRow := 1.0
	if s.man.Rows > 0 {
		perRow = math.Max(1, float64(af.info.Rows)/float64(s.man.Rows))
	}
	keep := max(1, min(runs, s.opt.MaxRuns, int(float64(s.opt.Budget)/(perRow*float64(len(af.fields))*float64(max(1, pn.groups))))))
	if keep < runs {
		s.note("The charts of agent table %s show the agents of the first %d of the %d runs of each sweep point, to bound the report's memory.", af.table, keep, runs)
	}
	set := &agentSet{pn: pn, keep: keep, fields: len(af.fields), jobs: map[int]*agentJob{}}
	cols := append(runner.IDColumns(), af.fields...)
	if b, ok := s.opt.Rows.batch(af.table, cols, timeBins{}, pn.shown, keep); ok {
		set.add(b) // the agents the run kept as it wrote them
	} else {
		// every run's last agents are at timestep least or after: the
		// row groups that end before it need not be read
		least := int64(0)
		if s.x != nil {
			least = lastAgentsFrom(s.x)
		}
		for _, f := range s.files(af.info.Files) {
			if err := scanFileFrom(f, cols, 0, least, func(b *scanBatch) error { set.add(b); return nil }); err != nil {
				return nil, err
			}
		}
	}
	jobs := set.jobs
	// Per simulation, the jobs in a stable order.
	keys := make([]int, 0, len(jobs))
	for k := range jobs {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	bySim := make([][]*agentJob, len(s.man.Sims))
	for _, k := range keys {
		j := jobs[k]
		if j.sim >= 0 && j.sim < len(bySim) {
			bySim[j.sim] = append(bySim[j.sim], j)
		}
	}
	field := func(name string) int { return slices.Index(af.fields, name) }
	sec := &section{ID: "agents-" + af.table, Title: "Agents: " + af.table, Legend: s.legend(), Small: true,
		Intro: "The agents at the end of the runs (the last recorded substep of each run), every run of a scenario pooled."}
	for _, name := range af.lorenz {
		k := field(name)
		var series []lorenzSeries
		var ginis []string
		for sim, js := range bySim {
			curve, gini := meanLorenz(js, k)
			if curve == nil {
				continue
			}
			series = append(series, lorenzSeries{colour: sim, share: curve})
			ginis = append(ginis, fmt.Sprintf("%s %.3f", s.simName(sim), gini))
		}
		svg, err := lorenzChart("", series, smallW, smallH)
		if err != nil {
			return nil, err
		}
		sec.Charts = append(sec.Charts, chart{Title: "Lorenz curve of " + name, Caption: "Mean Gini coefficient across runs: " + strings.Join(ginis, "; ") + ". The curve is the mean of the runs' curves.", SVG: svg})
	}
	for _, sc := range af.scatter {
		kx, ky := field(sc[0]), field(sc[1])
		var series []scatterSeries
		for sim, js := range bySim {
			var x, y []float64
			for _, j := range js {
				if len(x) >= 5000 {
					break
				}
				x = append(x, j.values[kx]...)
				y = append(y, j.values[ky]...)
			}
			series = append(series, scatterSeries{colour: sim, x: x, y: y})
		}
		svg, err := scatterChart("", sc[0], sc[1], series, smallW, smallH)
		if err != nil {
			return nil, err
		}
		sec.Charts = append(sec.Charts, chart{Title: sc[1] + " against " + sc[0], SVG: svg})
	}
	for _, name := range af.histograms {
		k := field(name)
		var series []histSeries
		for sim, js := range bySim {
			var v []float64
			for _, j := range js {
				v = append(v, j.values[k]...)
			}
			series = append(series, histSeries{colour: sim, values: v})
		}
		svg, err := histogram("", name, series, 30, smallW, smallH)
		if err != nil {
			return nil, err
		}
		if svg == "" {
			continue
		}
		sec.Charts = append(sec.Charts, chart{Title: "Distribution of " + name, SVG: svg})
	}
	return sec, nil
}

// agentSet keeps, of the jobs of the sweep points pn shows and their
// first keep runs, the agents of each job's last recorded substep, by
// group and run.
type agentSet struct {
	pn           panels
	keep, fields int
	jobs         map[int]*agentJob
}

// add reads a batch of agent rows: the five ids, then the fields.
func (a *agentSet) add(b *scanBatch) {
	// a job's rows come one after another: its entry is looked up once
	last, j := -1, (*agentJob)(nil)
	for i := 0; i < b.rows; i++ {
		r := int(b.cols[2](i)) - 1
		g := a.pn.group(b.cols[0](i), b.cols[1](i))
		if g < 0 || r < 0 || r >= a.keep {
			continue
		}
		key := g*a.keep + r
		t, sub := int(b.cols[3](i)), int(b.cols[4](i))
		if key != last {
			last, j = key, a.jobs[key]
			if j == nil {
				j = &agentJob{sim: int(b.cols[0](i)), t: -1, values: make([][]float64, a.fields)}
				a.jobs[key] = j
			}
		}
		if t < j.t || (t == j.t && sub < j.sub) {
			continue
		}
		if t > j.t || sub > j.sub {
			j.t, j.sub = t, sub
			for k := range j.values {
				j.values[k] = j.values[k][:0]
			}
		}
		for k := range j.values {
			j.values[k] = append(j.values[k], b.cols[5+k](i))
		}
	}
}

// lorenzPoints is the number of population shares a Lorenz curve is
// evaluated at.
const lorenzPoints = 101

// meanLorenz returns the mean of the jobs' Lorenz curves of field k, at
// lorenzPoints population shares, and the mean of their Gini
// coefficients. Negative or non-finite values leave a job out: a Lorenz
// curve is of non-negative amounts.
func meanLorenz(jobs []*agentJob, k int) ([]float64, float64) {
	curve := make([]float64, lorenzPoints)
	gini, n := 0.0, 0
	for _, j := range jobs {
		v := slices.Clone(j.values[k])
		ok := len(v) > 0
		total := 0.0
		for _, x := range v {
			if !finite(x) || x < 0 {
				ok = false
				break
			}
			total += x
		}
		if !ok || total == 0 {
			continue
		}
		slices.Sort(v)
		// Cumulative shares at each agent, then sampled at the grid by
		// linear interpolation.
		cum := make([]float64, len(v)+1)
		for i, x := range v {
			cum[i+1] = cum[i] + x/total
		}
		m := float64(len(v))
		g, _ := metric.Gini(v, nil)
		gini += g
		for p := range curve {
			pos := float64(p) / float64(lorenzPoints-1) * m
			lo := int(pos)
			if lo >= len(v) {
				curve[p] += 1
				continue
			}
			frac := pos - float64(lo)
			curve[p] += cum[lo] + frac*(cum[lo+1]-cum[lo])
		}
		n++
	}
	if n == 0 {
		return nil, math.NaN()
	}
	for p := range curve {
		curve[p] /= float64(n)
	}
	return curve, gini / float64(n)
}
