package report

import (
	"fmt"
	"html/template"
	"runtime"
	"slices"

	"golang.org/x/sync/errgroup"

	"github.com/statecraft/statecraft/runner"
)

// seriesVar is a variable charted over time.
type seriesVar struct {
	name string
	bool bool // charted as the share of runs in which it is true
	vec  bool // a vector, charted by the report's vector statistic
}

// chartedVars returns the variables charted over time: report.variables,
// or every recorded numeric variable, in the substep table's order.
func (s *source) chartedVars() []seriesVar {
	swept := map[string]bool{}
	if s.plan != nil {
		for _, p := range s.plan.ParamCols {
			swept[p.Name] = true
		}
		for _, v := range s.plan.InitCols {
			swept[runner.InitColumn(v.Name)] = true
		}
	}
	ids := runner.IDColumns()
	var all []seriesVar
	for _, c := range s.man.Columns {
		if slices.Contains(ids, c.Name) || swept[c.Name] {
			continue
		}
		switch c.Type {
		case "float64", "int64", "int32":
			all = append(all, seriesVar{name: c.Name})
		case "bool":
			all = append(all, seriesVar{name: c.Name, bool: true})
		case "list<float64>":
			all = append(all, seriesVar{name: c.Name, vec: true})
		}
	}
	if s.x == nil || len(s.x.Report.Variables) == 0 {
		return all
	}
	var out []seriesVar
	for _, v := range all {
		if slices.Contains(s.x.Report.Variables, v.name) {
			out = append(out, v)
		}
	}
	return out
}

// bandSections reads the substep table once and charts each variable over
// time: per scenario, the median across runs with the 50% and 90% bands,
// each sweep point a small multiple.
func (s *source) bandSections() ([]*section, error) {
	vars := s.chartedVars()
	if len(vars) == 0 || s.x == nil || len(s.man.Files) == 0 {
		return nil, nil
	}
	if s.x.Output.FinalOnly {
		s.note("The dataset records only the final row of each run (output.final_only): no charts over time; see the KPIs.")
		return nil, nil
	}
	pn := newPanels(s.subsets(), s.opt.MaxPanels)
	bins := newTimeBins(s.x.Timesteps, s.x.Output.Every, s.x.Report.Points)
	runs := s.runsPerPoint()
	keep := max(1, min(runs, s.opt.MaxRuns, s.opt.Budget/max(1, pn.groups*bins.n*len(vars))))
	if keep < runs {
		s.note("The charts over time show the first %d of the %d runs of each sweep point, to bound the report's memory; the KPIs and decisions use every run.", keep, runs)
	}
	for i, n := range s.subsets() {
		if n > pn.shown {
			s.note("%s has %d sweep points; the charts show the first %d (the KPI table and the decisions have all).", s.simName(i), n, pn.shown)
		}
	}
	set := newBandSet(pn, bins, names(vars), keep)
	cols := append(runner.IDColumns(), names(vars)...)
	if b, ok := s.opt.Rows.batch("", cols, bins, pn.shown, keep); ok {
		set.add(b) // the rows the run kept as it wrote them
	} else {
		for _, f := range s.files(s.man.Files) {
			if err := scanFile(f, cols, s.x.Report.VectorStat, func(b *scanBatch) error { set.add(b); return nil }); err != nil {
				return nil, err
			}
		}
	}
	logVars := map[string]bool{}
	for _, v := range s.x.Report.Log {
		logVars[v] = true
	}
	sec := &section{ID: "time", Title: "Over time", Legend: s.legend()}
	sec.Intro = fmt.Sprintf("The median across Monte Carlo runs (line), the 50%% band (25–75%%, darker) and the 90%% band (5–95%%, lighter) of each variable at the end of %s.", strideText(bins.stride))
	multi := pn.shown > 1
	var secs []*section
	if multi {
		sec.Intro += " Each sweep point is a panel."
	}
	secs = append(secs, sec)
	// The charts are drawn side by side (drawing is most of a report's
	// time), each into its own slot of its section.
	var draw []func() error
	for v, sv := range vars {
		ylabel, title := sv.name, sv.name
		if sv.bool {
			ylabel = "share of runs true"
		}
		if sv.vec {
			ylabel = s.x.Report.VectorStat.String() + " of " + sv.name
			title = sv.name + " (" + s.x.Report.VectorStat.String() + ")"
		}
		log := logVars[sv.name]
		if !multi {
			series := s.seriesOf(set, pn, 0, v, sv)
			draw = append(draw, drawInto(sec, len(sec.Charts), sv.name, func() (template.HTML, error) {
				return bandChart("", ylabel, series, log, chartW, chartH)
			}))
			sec.Charts = append(sec.Charts, chart{Title: title})
			continue
		}
		vs := &section{ID: "time-" + sv.name, Title: title + " over time", Small: true}
		for k := 0; k < pn.shown; k++ {
			series := s.seriesOf(set, pn, k, v, sv)
			if len(series) == 0 {
				continue
			}
			draw = append(draw, drawInto(vs, len(vs.Charts), sv.name, func() (template.HTML, error) {
				return bandChart("", ylabel, series, log, smallW, smallH)
			}))
			vs.Charts = append(vs.Charts, chart{Title: s.panelLabel(k)})
		}
		secs = append(secs, vs)
	}
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for _, d := range draw {
		g.Go(d)
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return secs, nil
}

// drawInto returns the drawing of chart i of sec, named name in its
// error, by fn: run once every chart of sec is listed.
func drawInto(sec *section, i int, name string, fn func() (template.HTML, error)) func() error {
	return func() error {
		svg, err := fn()
		if err != nil {
			return fmt.Errorf("chart %s: %w", name, err)
		}
		sec.Charts[i].SVG = svg
		return nil
	}
}

// seriesOf returns the series of variable v at sweep point k, one per
// simulation that has the point.
func (s *source) seriesOf(set *bandSet, pn panels, k, v int, sv seriesVar) []bandSeries {
	var out []bandSeries
	for sim := range pn.subsets {
		if k >= len(pn.subsets[sim]) || pn.subsets[sim][k] < 0 {
			continue
		}
		b := set.band(pn.subsets[sim][k], v)
		if len(b.t) == 0 {
			continue
		}
		out = append(out, bandSeries{colour: sim, band: b, line: sv.bool})
	}
	return out
}

// legend is one colour per simulation.
func (s *source) legend() []legendItem {
	var out []legendItem
	for _, sim := range s.man.Sims {
		out = append(out, legendItem{cssColour(sim.Index), s.simName(sim.Index)})
	}
	return out
}

func names(vars []seriesVar) []string {
	out := make([]string, len(vars))
	for i, v := range vars {
		out[i] = v.name
	}
	return out
}

func strideText(stride int) string {
	if stride == 1 {
		return "every timestep"
	}
	return fmt.Sprintf("every %d timesteps and the last (the time axis is downsampled)", stride)
}
