package report

import (
	"fmt"
	"slices"
	"strings"

	"github.com/statecraft/statecraft/decide"
	"github.com/statecraft/statecraft/runner"
)

// maxTableRows is the most rows a decision table shows; the full tables
// are in _decision.json and _decision.txt.
const maxTableRows = 40

// pointLabel names a decision point: its scenario, then its swept values.
func (s *source) pointLabel(p decide.Point) string {
	label := s.simName(p.Simulation)
	if len(p.Params) > 0 {
		label += " · " + strings.TrimSuffix(strings.TrimPrefix(paramText(p.Params), " ("), ")")
	}
	return label
}

// decisionSection is the scenario table (pass rates with their intervals
// and KPI means, per sweep point) and the chart of the pass rates.
func (s *source) decisionSection() (*section, error) {
	if s.dec == nil || s.dec.Summary == nil || len(s.dec.Summary.Points) == 0 {
		return nil, nil
	}
	sum := s.dec.Summary
	if len(s.dec.Sensitivity) > 0 && len(sum.Points) > maxTableRows && len(sum.Criteria) == 0 {
		// A sensitivity design's points are samples, not choices: their
		// indices below are the answer.
		return nil, nil
	}
	sec := &section{ID: "decisions", Title: "Decisions"}
	conf := fmt.Sprintf("%.0f%%", 100*sum.Confidence)
	if len(sum.Criteria) > 0 {
		sec.Intro = "Each criterion's pass rate across the Monte Carlo runs of every scenario and sweep point, with its " + conf + " Wilson interval, and the KPIs' means."
	} else {
		sec.Intro = "The KPIs' means across the Monte Carlo runs of every scenario and sweep point."
	}
	t := &table{Caption: "Scenario table", Head: append([]string{"scenario / point", "runs"}, sum.Criteria...)}
	if len(sum.Criteria) > 0 {
		t.Head = append(t.Head, "all")
	}
	t.Head = append(t.Head, sum.KPIs...)
	for i, p := range sum.Points {
		if i == maxTableRows {
			t.Note = fmt.Sprintf("The first %d of %d points; _decision.txt has them all.", maxTableRows, len(sum.Points))
			break
		}
		row := []cell{{Text: s.pointLabel(p)}, {Text: fmt.Sprint(p.Runs), Class: "num"}}
		rates := p.Criteria
		if len(sum.Criteria) > 0 {
			rates = append(slices.Clone(rates), p.All)
		}
		for _, r := range rates {
			row = append(row, rateCell(r))
		}
		for _, k := range sum.KPIs {
			st := p.KPIs[k]
			text := formatNum(st.Mean)
			if st.NaN > 0 {
				text += fmt.Sprintf(" (n %d)", st.N)
			}
			row = append(row, cell{Text: text, Class: "num"})
		}
		t.Rows = append(t.Rows, row)
	}
	sec.Tables = append(sec.Tables, t)
	if len(sum.Criteria) == 0 {
		return sec, nil
	}
	// The pass rates as dots with whiskers: a colour per point (up to the
	// palette's size), the criteria along the axis.
	points := sum.Points
	if len(points) > len(palette) {
		points = points[:len(palette)]
		sec.Intro += fmt.Sprintf(" The chart shows the first %d points.", len(palette))
	}
	cats := append(slices.Clone(sum.Criteria), "all")
	var ivs []interval
	n := float64(len(points))
	for j, p := range points {
		off := 0.0
		if n > 1 {
			off = (float64(j) - (n-1)/2) * 0.7 / n
		}
		rates := append(slices.Clone(p.Criteria), p.All)
		for c, r := range rates {
			ivs = append(ivs, interval{colour: j, x: float64(c) + off, v: r.Rate, lo: r.Lo, hi: r.Hi})
		}
		sec.Legend = append(sec.Legend, legendItem{cssColour(j), s.pointLabel(p)})
	}
	svg, err := intervalChart("", "pass rate", cats, ivs, false, chartW, chartH)
	if err != nil {
		return nil, fmt.Errorf("pass-rate chart: %w", err)
	}
	sec.Charts = append(sec.Charts, chart{Title: "Pass rates with " + conf + " Wilson intervals", SVG: svg})
	return sec, nil
}

func rateCell(r decide.Rate) cell {
	if r.Runs == 0 {
		return cell{Text: "–", Class: "num"}
	}
	class := "num pass"
	if r.Passed < r.Runs {
		class = "num fail"
	}
	return cell{Text: fmt.Sprintf("%.0f%% [%.0f–%.0f]", 100*r.Rate, 100*r.Lo, 100*r.Hi), Class: class}
}

// kpiSection shows each KPI's distribution across runs per scenario (and
// sweep point, when there are few), from the KPI table.
func (s *source) kpiSection() (*section, error) {
	m := s.man
	if m.KPIs == nil || len(m.KPIs.Files) == 0 {
		return nil, nil
	}
	kpis := s.kpiNames()
	if len(kpis) == 0 {
		return nil, nil
	}
	pn := newPanels(s.subsets(), s.opt.MaxPanels)
	// Few points: one box per point; many: one per scenario, pooling its points.
	perPoint := pn.groups <= len(palette)
	groups := pn.sims
	if perPoint {
		groups = pn.groups
	}
	const maxPerGroup = 20000
	vals := make([][][]float64, len(kpis))
	for k := range vals {
		vals[k] = make([][]float64, groups)
	}
	cols := append(runner.IDColumns()[:2], kpis...) // simulation, subset
	for _, f := range s.files(m.KPIs.Files) {
		err := scanFile(f, cols, 0, func(b *scanBatch) error {
			for i := 0; i < b.rows; i++ {
				g := int(b.cols[0](i))
				if perPoint {
					g = pn.group(b.cols[0](i), b.cols[1](i))
				}
				if g < 0 || g >= groups {
					continue
				}
				for k := range kpis {
					if len(vals[k][g]) < maxPerGroup {
						vals[k][g] = append(vals[k][g], b.cols[2+k](i))
					}
				}
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("KPI table: %w", err)
		}
	}
	var cats []string
	var legend []legendItem
	if perPoint {
		for sim, row := range pn.subsets {
			for k, g := range row {
				if g < 0 {
					continue
				}
				label := s.simName(sim)
				if len(row) > 1 {
					label += " · " + s.subsetLabel(sim, k)
				}
				cats = append(cats, fmt.Sprint(len(cats)+1))
				legend = append(legend, legendItem{cssColour(g), fmt.Sprintf("%d: %s", len(cats), label)})
			}
		}
		if len(cats) == len(m.Sims) { // one point each: name them on the axis
			cats = cats[:0]
			legend = nil
			for i := range m.Sims {
				cats = append(cats, s.simName(i))
			}
		}
	} else {
		for i := range m.Sims {
			cats = append(cats, s.simName(i))
		}
	}
	sec := &section{ID: "kpis", Title: "KPI distributions", Small: true, Legend: legend,
		Intro: "Each KPI across the Monte Carlo runs: the box spans the quartiles, the line is the median, the whiskers reach the furthest values within 1.5 times the interquartile range, and dots are the runs beyond."}
	if !perPoint {
		sec.Intro += " Each scenario's box pools its sweep points."
	}
	for k, name := range kpis {
		var boxes []boxSeries
		for g := range groups {
			boxes = append(boxes, boxSeries{colour: g, values: vals[k][g]})
		}
		svg, err := boxChart("", name, cats, boxes, smallW, smallH)
		if err != nil {
			return nil, fmt.Errorf("KPI chart %s: %w", name, err)
		}
		sec.Charts = append(sec.Charts, chart{Title: name, SVG: svg})
	}
	return sec, nil
}

// kpiNames returns the KPI table's KPI columns: the decisions' list, or
// the config's.
func (s *source) kpiNames() []string {
	if s.dec != nil && s.dec.Summary != nil && len(s.dec.Summary.KPIs) > 0 {
		return s.dec.Summary.KPIs
	}
	if s.x != nil {
		return s.x.KPIOrder
	}
	return nil
}

// psuuSection is the PSUU ranking, its Pareto front and the paired
// differences between the chosen choice and the next.
func (s *source) psuuSection() (*section, error) {
	if s.dec == nil || s.dec.Ranking == nil || len(s.dec.Ranking.Choices) == 0 {
		return nil, nil
	}
	r := s.dec.Ranking
	sec := &section{ID: "psuu", Title: "Parameter selection under uncertainty"}
	var objs []string
	for _, o := range r.Objectives {
		objs = append(objs, objectiveText(o))
	}
	sec.Intro = fmt.Sprintf("The choices of %s ranked across the uncertain cases (%s) by %s.",
		strings.Join(r.Controllable, ", "), orNone(strings.Join(r.Uncertain, ", ")), strings.Join(objs, ", then "))
	front := map[int]bool{}
	for _, i := range r.Pareto {
		front[i] = true
	}
	t := &table{Caption: "Ranking", Head: append([]string{"rank"}, r.Controllable...)}
	for _, o := range r.Objectives {
		t.Head = append(t.Head, o.Name)
	}
	if len(r.Objectives) > 1 {
		t.Head = append(t.Head, "Pareto")
	}
	for i, c := range r.Choices {
		if i == maxTableRows {
			t.Note = fmt.Sprintf("The first %d of %d choices; _decision.txt has them all.", maxTableRows, len(r.Choices))
			break
		}
		class := ""
		if i == r.Chosen {
			class = "best"
		}
		row := []cell{{Text: fmt.Sprint(i + 1), Class: "num " + class}}
		for _, p := range r.Controllable {
			row = append(row, cell{Text: formatAny(c.Params[p]), Class: "num " + class})
		}
		for _, sc := range c.Scores {
			row = append(row, cell{Text: formatNum(sc), Class: "num " + class})
		}
		if len(r.Objectives) > 1 {
			mark := ""
			if front[i] {
				mark = "●"
			}
			row = append(row, cell{Text: mark, Class: class})
		}
		t.Rows = append(t.Rows, row)
	}
	sec.Tables = append(sec.Tables, t)
	if len(r.Paired) > 0 {
		pt := &table{Caption: fmt.Sprintf("The chosen choice against the next, paired by random stream (%.0f%% t intervals)", 100*r.Confidence), Head: []string{"objective", "against rank", "pairs", "mean difference", "interval"}}
		for _, p := range r.Paired {
			pt.Rows = append(pt.Rows, []cell{{Text: p.Objective}, {Text: fmt.Sprint(p.Other + 1), Class: "num"}, {Text: fmt.Sprint(p.Pairs), Class: "num"},
				{Text: formatNum(p.MeanDiff), Class: "num"}, {Text: "[" + formatNum(p.Lo) + ", " + formatNum(p.Hi) + "]", Class: "num"}})
		}
		sec.Tables = append(sec.Tables, pt)
	}
	if len(r.Objectives) > 1 {
		x := make([]float64, len(r.Choices))
		y := make([]float64, len(r.Choices))
		for i, c := range r.Choices {
			x[i], y[i] = c.Scores[0], c.Scores[1]
		}
		svg, err := paretoChart("", r.Objectives[0].Name, r.Objectives[1].Name, x, y, front, r.Chosen, chartW, chartH)
		if err != nil {
			return nil, fmt.Errorf("the Pareto chart: %w", err)
		}
		sec.Charts = append(sec.Charts, chart{Title: "Pareto front", Caption: "Every choice's scores on the first two objectives; the Pareto front in red, the chosen choice ringed.", SVG: svg})
	}
	return sec, nil
}

func objectiveText(o decide.Objective) string {
	if o.KPI == "" {
		return fmt.Sprintf("the %s pass rate of %s (maximised)", o.Across, o.Criterion)
	}
	sense := "minimised"
	if o.Maximize {
		sense = "maximised"
	}
	return fmt.Sprintf("the %s of %s %s (%s)", o.Across, o.Stat, o.KPI, sense)
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// sensitivitySection charts each KPI's sensitivity indices with their
// bootstrap intervals.
func (s *source) sensitivitySection() (*section, error) {
	if s.dec == nil || len(s.dec.Sensitivity) == 0 {
		return nil, nil
	}
	sec := &section{ID: "sensitivity", Title: "Sensitivity"}
	for _, r := range s.dec.Sensitivity {
		title := r.KPI
		if r.Scenario != "" {
			title += " · " + r.Scenario
		}
		switch {
		case len(r.Morris) > 0:
			sec.Intro = "Morris elementary effects: μ* (the mean absolute effect) with its 95% bootstrap interval; σ in the table."
			var cats []string
			var ivs []interval
			t := &table{Caption: "Morris indices of " + title, Head: []string{"parameter", "μ", "μ*", "interval", "σ"}}
			for i, m := range r.Morris {
				cats = append(cats, m.Param)
				ivs = append(ivs, interval{colour: 0, x: float64(i), v: float64(m.MuStar), lo: float64(m.MuStarLo), hi: float64(m.MuStarHi)})
				t.Rows = append(t.Rows, []cell{{Text: m.Param}, {Text: formatNum(float64(m.Mu)), Class: "num"}, {Text: formatNum(float64(m.MuStar)), Class: "num"},
					{Text: "[" + formatNum(float64(m.MuStarLo)) + ", " + formatNum(float64(m.MuStarHi)) + "]", Class: "num"}, {Text: formatNum(float64(m.Sigma)), Class: "num"}})
			}
			svg, err := intervalChart("", "μ* of "+r.KPI, cats, ivs, true, chartW, chartH)
			if err != nil {
				return nil, fmt.Errorf("the Morris chart: %w", err)
			}
			sec.Charts = append(sec.Charts, chart{Title: "Morris μ* · " + title, SVG: svg})
			sec.Tables = append(sec.Tables, t)
		case len(r.Sobol) > 0:
			sec.Intro = "Sobol indices: first-order S1 and total ST, each with its 95% bootstrap interval."
			sec.Legend = []legendItem{{cssColour(0), "S1 (first order)"}, {cssColour(1), "ST (total)"}}
			var cats []string
			var ivs []interval
			for i, x := range r.Sobol {
				cats = append(cats, x.Param)
				ivs = append(ivs, interval{colour: 0, x: float64(i) - 0.15, v: float64(x.S1), lo: float64(x.S1Lo), hi: float64(x.S1Hi)},
					interval{colour: 1, x: float64(i) + 0.15, v: float64(x.ST), lo: float64(x.STLo), hi: float64(x.STHi)})
			}
			svg, err := intervalChart("", "index of "+r.KPI, cats, ivs, true, chartW, chartH)
			if err != nil {
				return nil, fmt.Errorf("the Sobol chart: %w", err)
			}
			sec.Charts = append(sec.Charts, chart{Title: "Sobol indices · " + title, SVG: svg})
		}
	}
	return sec, nil
}

// optimizeSection shows the optimum and the objective per evaluation.
func (s *source) optimizeSection() (*section, error) {
	if s.dec == nil || s.dec.Optimum == nil {
		return nil, nil
	}
	o := s.dec.Optimum
	sec := &section{ID: "optimize", Title: "Optimisation"}
	var params []string
	for k, v := range o.Params {
		params = append(params, k+" = "+formatNum(v))
	}
	slices.Sort(params)
	sec.Intro = fmt.Sprintf("%s of %s (%s, %d evaluations, %s): best %s at %s.", o.Sense, o.KPI, o.Method, o.Evals, o.Status, formatNum(float64(o.Value)), strings.Join(params, ", "))
	if s.man.Optimize == nil || len(s.man.Optimize.Files) == 0 {
		return sec, nil
	}
	var evals, obj []float64
	for _, f := range s.files(s.man.Optimize.Files) {
		err := scanFile(f, []string{"eval", "objective"}, 0, func(b *scanBatch) error {
			for i := 0; i < b.rows; i++ {
				evals = append(evals, b.cols[0](i))
				obj = append(obj, b.cols[1](i))
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("optimisation trace: %w", err)
		}
	}
	svg, err := traceChart("", o.KPI, evals, obj, o.Sense == "max" || o.Sense == "maximize", chartW, chartH)
	if err != nil {
		return nil, fmt.Errorf("optimisation chart: %w", err)
	}
	sec.Legend = []legendItem{{cssColour(0), "each evaluation"}, {cssColour(1), "best so far"}}
	sec.Charts = append(sec.Charts, chart{Title: "Objective per evaluation", SVG: svg})
	return sec, nil
}
