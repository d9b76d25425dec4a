package decide

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// topChoices is how many choices Ranking.WriteTable lists.
const topChoices = 10

// WriteTable writes the summary as aligned plain text: a block of pass
// rates, one line per sweep point (scenario, swept values, runs, each
// criterion's pass rate with its Wilson interval as "80% [49-94]", then
// all criteria together), and a block of each KPI's mean ("0.41 (n=7)"
// when only 7 runs gave a value that is not NaN). A block without
// columns (no criteria) is left out.
func (s *Summary) WriteTable(w io.Writer) error {
	sc := newScenarioLabels(s.Sims, pointSims(s.Points))
	params := s.Params
	head := func() ([]string, []bool) {
		h, right := []string{}, []bool{}
		if sc.show {
			h, right = append(h, sc.header), append(right, false)
		}
		for _, p := range params {
			h, right = append(h, p), append(right, numericColumn(len(s.Points), func(i int) any { return s.Points[i].Params[p] }))
		}
		return append(h, "runs"), append(right, true)
	}
	lead := func(p *Point) []string {
		row := []string{}
		if sc.show {
			row = append(row, sc.label(p.Simulation))
		}
		for _, name := range params {
			row = append(row, formatCell(p.Params[name]))
		}
		return append(row, strconv.Itoa(p.Runs))
	}
	var b strings.Builder
	if len(s.Criteria) > 0 {
		fmt.Fprintf(&b, "pass rates over each sweep point's runs, with %s Wilson intervals\n", percent(s.Confidence))
		h, right := head()
		for _, c := range s.Criteria {
			h, right = append(h, c), append(right, false)
		}
		h, right = append(h, AllCriteria), append(right, false)
		rows := [][]string{h}
		for i := range s.Points {
			p := &s.Points[i]
			row := lead(p)
			for _, r := range p.Criteria {
				row = append(row, formatRate(r))
			}
			rows = append(rows, append(row, formatRate(p.All)))
		}
		writeAligned(&b, rows, right)
	}
	if len(s.KPIs) > 0 || len(s.Criteria) == 0 {
		if b.Len() > 0 {
			b.WriteString("\n")
		}
		b.WriteString("KPI means over each sweep point's runs (n: runs with a value, when some gave NaN)\n")
		h, right := head()
		for _, k := range s.KPIs {
			h, right = append(h, k), append(right, true)
		}
		rows := [][]string{h}
		for i := range s.Points {
			p := &s.Points[i]
			row := lead(p)
			for _, k := range s.KPIs {
				st := p.KPIs[k]
				cell := formatNum(st.Mean)
				if st.NaN > 0 && st.N > 0 {
					cell += fmt.Sprintf(" (n=%d)", st.N)
				}
				row = append(row, cell)
			}
			rows = append(rows, row)
		}
		writeAligned(&b, rows, right)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteTable writes the ranking as aligned plain text: the objectives,
// the first 10 choices (and the chosen one, were it not among them) with
// their scores, the Pareto front and, for the first objective when it
// takes the worst or best case, which case that is; then the chosen
// choice and the paired differences with the runners-up.
func (r *Ranking) WriteTable(w io.Writer) error {
	var b strings.Builder
	sims := map[int]bool{}
	ncases := 0
	if len(r.Choices) > 0 {
		ncases = len(r.Choices[0].Cases)
		for _, c := range r.Choices[0].Cases {
			sims[c.Simulation] = true
		}
	}
	var sc scenarioLabels
	if len(r.Choices) > 0 {
		names := map[int]string{}
		for _, c := range r.Choices[0].Cases {
			names[c.Simulation] = c.Scenario
		}
		sc = newScenarioLabelsMap(names)
	}
	caseLabel := func(c *Case) string {
		parts := []string{}
		if sc.show {
			parts = append(parts, sc.label(c.Simulation))
		}
		for _, u := range r.Uncertain {
			if v, ok := c.Uncertain[u]; ok {
				parts = append(parts, u+"="+formatValue(v))
			}
		}
		if len(parts) == 0 {
			return "the only case"
		}
		return strings.Join(parts, " ")
	}

	over := "1 uncertain case"
	if ncases != 1 {
		over = fmt.Sprintf("%d uncertain cases", ncases)
	}
	if len(r.Uncertain) > 0 {
		over += " (" + strings.Join(r.Uncertain, ", ") + ")"
	}
	fmt.Fprintf(&b, "%d choices of %s over %s, ranked by:\n", len(r.Choices), strings.Join(r.Controllable, ", "), over)
	for j, o := range r.Objectives {
		fmt.Fprintf(&b, "  %d. %s: %s\n", j+1, o.Name, describeObjective(o))
	}
	b.WriteString("\n")

	h, right := []string{"rank"}, []bool{true}
	for _, p := range r.Controllable {
		h, right = append(h, p), append(right, numericColumn(len(r.Choices), func(i int) any { return r.Choices[i].Params[p] }))
	}
	for _, o := range r.Objectives {
		h, right = append(h, o.Name), append(right, true)
	}
	extreme := ""
	if len(r.Objectives) > 0 && ncases > 1 {
		switch r.Objectives[0].Across {
		case AcrossWorst, AcrossBest:
			extreme = r.Objectives[0].Across
			h, right = append(h, extreme+" case ("+r.Objectives[0].Name+")"), append(right, false)
		}
	}
	if r.Pareto != nil {
		h, right = append(h, "pareto"), append(right, false)
	}
	onFront := map[int]bool{}
	for _, i := range r.Pareto {
		onFront[i] = true
	}
	rows := [][]string{h}
	for i := range r.Choices {
		if i >= topChoices && i != r.Chosen {
			continue
		}
		c := &r.Choices[i]
		row := []string{strconv.Itoa(i + 1)}
		for _, p := range r.Controllable {
			row = append(row, formatCell(c.Params[p]))
		}
		for j, o := range r.Objectives {
			row = append(row, formatScore(o, c.Scores[j]))
		}
		if extreme != "" {
			row = append(row, extremeCase(c, caseLabel))
		}
		if r.Pareto != nil {
			mark := ""
			if onFront[i] {
				mark = "*"
			}
			row = append(row, mark)
		}
		rows = append(rows, row)
	}
	writeAligned(&b, rows, right)
	if n := len(r.Choices) - topChoices; n > 0 {
		fmt.Fprintf(&b, "(%d more choices)\n", n)
	}
	if r.Pareto != nil {
		b.WriteString("pareto: * marks the choices no other choice beats on every objective\n")
	}

	if r.Chosen >= 0 && r.Chosen < len(r.Choices) {
		c := &r.Choices[r.Chosen]
		parts := []string{}
		for _, p := range r.Controllable {
			parts = append(parts, p+"="+formatCell(c.Params[p]))
		}
		fmt.Fprintf(&b, "\nchosen: %s (rank %d)\n", strings.Join(parts, " "), r.Chosen+1)
	}

	if len(r.Paired) > 0 {
		fmt.Fprintf(&b, "\npaired differences, chosen minus runner-up, of per-run values (1 or 0 for a pass, a KPI's value)\nover the runs with the same case and run number; %s t intervals; pts: percentage points\n", percent(r.Confidence))
		rows := [][]string{{"vs", "objective", "pairs", "mean diff", "interval", "verdict"}}
		for _, p := range r.Paired {
			o := r.objective(p.Objective)
			rows = append(rows, []string{
				"#" + strconv.Itoa(p.Other+1), p.Objective, strconv.Itoa(p.Pairs),
				formatDiff(o, p.MeanDiff, true), "[" + formatDiff(o, p.Lo, false) + ", " + formatDiff(o, p.Hi, false) + "]",
				verdict(o, p),
			})
		}
		writeAligned(&b, rows, []bool{false, false, true, true, false, false})
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func (r *Ranking) objective(name string) Objective {
	for _, o := range r.Objectives {
		if o.Name == name {
			return o
		}
	}
	return Objective{Name: name, Maximize: true}
}

// describeObjective says in words what an objective measures.
func describeObjective(o Objective) string {
	var what string
	if o.KPI == "" {
		if o.Criterion == AllCriteria {
			what = "pass rate of all criteria together"
		} else {
			what = "pass rate of " + o.Criterion
		}
	} else {
		stat := o.Stat
		switch {
		case stat == "quantile":
			stat = "quantile " + strconv.FormatFloat(o.Quantile, 'g', -1, 64)
		case strings.HasPrefix(stat, "q"):
			stat = "percentile " + strings.TrimPrefix(stat, "q")
		}
		what = stat + " of " + o.KPI
	}
	var across string
	switch o.Across {
	case AcrossWorst:
		across = "in the worst case"
	case AcrossBest:
		across = "in the best case"
	case AcrossMean:
		across = "averaged over the cases"
	case AcrossWeighted:
		across = "averaged over the scenarios by weight"
	}
	dir := "maximised"
	if !o.Maximize {
		dir = "minimised"
	}
	return what + ", " + across + ", " + dir
}

// extremeCase names the case whose measure is the choice's first score.
func extremeCase(c *Choice, label func(*Case) string) string {
	if len(c.Scores) == 0 {
		return ""
	}
	s := c.Scores[0]
	for i := range c.Cases {
		cs := &c.Cases[i]
		switch {
		case math.IsNaN(s) && cs.Runs == 0:
			return label(cs) + " (no runs)"
		case math.IsNaN(s) && math.IsNaN(cs.Values[0]):
			return label(cs) + " (no value)"
		case cs.Values[0] == s:
			return label(cs)
		}
	}
	return ""
}

func verdict(o Objective, p Paired) string {
	if math.IsNaN(p.Lo) || math.IsNaN(p.Hi) {
		return "too few pairs"
	}
	lo, hi := p.Lo, p.Hi
	if !o.Maximize {
		lo, hi = -hi, -lo
	}
	switch {
	case lo > 0:
		return "chosen better"
	case hi < 0:
		return "chosen worse"
	}
	return "no clear difference"
}

// numericColumn reports whether the n values are all numbers, which are
// aligned on the right.
func numericColumn(n int, value func(i int) any) bool {
	for i := range n {
		if valueRank(value(i)) != 0 {
			return false
		}
	}
	return n > 0
}

// scenarioLabels names simulations in tables.
type scenarioLabels struct {
	show   bool
	header string
	names  map[int]string
}

func pointSims(ps []Point) map[int]bool {
	m := map[int]bool{}
	for _, p := range ps {
		m[p.Simulation] = true
	}
	return m
}

func newScenarioLabels(sims []string, used map[int]bool) scenarioLabels {
	names := map[int]string{}
	for s := range used {
		name := ""
		if s < len(sims) {
			name = sims[s]
		}
		names[s] = name
	}
	return newScenarioLabelsMap(names)
}

// newScenarioLabelsMap shows a scenario column unless there is one
// simulation without a name.
func newScenarioLabelsMap(names map[int]string) scenarioLabels {
	l := scenarioLabels{names: names, header: "sim"}
	for _, n := range names {
		if n != "" {
			l.header = "scenario"
			l.show = true
		}
	}
	if len(names) > 1 {
		l.show = true
	}
	return l
}

func (l scenarioLabels) label(sim int) string {
	if n := l.names[sim]; n != "" {
		return n
	}
	if l.header == "sim" {
		return strconv.Itoa(sim)
	}
	return "sim " + strconv.Itoa(sim)
}

// writeAligned writes rows as columns separated by two spaces, each
// padded to its widest cell (on the left when right[i]).
func writeAligned(b *strings.Builder, rows [][]string, right []bool) {
	var width []int
	for _, row := range rows {
		for i, c := range row {
			if i >= len(width) {
				width = append(width, 0)
			}
			width[i] = max(width[i], len([]rune(c)))
		}
	}
	for _, row := range rows {
		var line strings.Builder
		for i, c := range row {
			if i > 0 {
				line.WriteString("  ")
			}
			pad := strings.Repeat(" ", width[i]-len([]rune(c)))
			if i < len(right) && right[i] {
				line.WriteString(pad + c)
			} else {
				line.WriteString(c + pad)
			}
		}
		b.WriteString(strings.TrimRight(line.String(), " "))
		b.WriteString("\n")
	}
}

// formatRate writes a pass rate as "80% [49-94]": the rate and the
// interval's bounds in whole percent ("-" for no runs). A rate that
// rounds to 0% or 100% without being so shows one decimal (99.9%).
func formatRate(r Rate) string {
	if r.Runs == 0 {
		return "-"
	}
	return fmt.Sprintf("%s [%d-%d]", ratePercent(r.Rate), int(math.Round(100*r.Lo)), int(math.Round(100*r.Hi)))
}

// ratePercent writes a rate in whole percent, or with one decimal when
// the whole percent would read as 0% or 100% without the rate being so.
func ratePercent(rate float64) string {
	if math.IsNaN(rate) {
		return "-"
	}
	p := 100 * rate
	r := math.Round(p)
	if (r == 0 && p > 0) || (r == 100 && p < 100) {
		s := strconv.FormatFloat(p, 'f', 1, 64)
		if s == "0.0" {
			s = "0.1"
		} else if s == "100.0" {
			s = "99.9"
		}
		return s + "%"
	}
	return strconv.FormatFloat(r, 'f', 0, 64) + "%"
}

// formatScore writes an objective's score: pass rates in percent (one
// decimal when not whole), KPI statistics with 4 significant digits.
func formatScore(o Objective, v float64) string {
	if math.IsNaN(v) {
		return "-"
	}
	if o.KPI == "" {
		p := 100 * v
		if r := math.Round(p); math.Abs(p-r) < 1e-9 {
			return ratePercent(v)
		}
		return strconv.FormatFloat(p, 'f', 1, 64) + "%"
	}
	return formatNum(v)
}

// formatDiff writes a paired difference with its sign: percentage points
// for pass rates (followed by " pts" when unit), 4 significant digits for
// KPIs.
func formatDiff(o Objective, v float64, unit bool) string {
	if math.IsNaN(v) {
		return "-"
	}
	var s string
	if o.KPI == "" {
		s = strconv.FormatFloat(100*v, 'f', 1, 64)
		if unit {
			s += " pts"
		}
	} else {
		s = formatNum(v)
	}
	if !strings.HasPrefix(s, "-") && !strings.HasPrefix(s, "+") {
		s = "+" + s
	}
	return s
}

func formatNum(v float64) string {
	if math.IsNaN(v) {
		return "-"
	}
	return strconv.FormatFloat(v, 'g', 4, 64)
}

func percent(c float64) string { return strconv.FormatFloat(100*c, 'g', -1, 64) + "%" }

// formatCell writes a swept value in a text table: numbers with 6
// significant digits.
func formatCell(v any) string {
	switch x := v.(type) {
	case float64:
		return strconv.FormatFloat(x, 'g', 6, 64)
	case []float64:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = strconv.FormatFloat(e, 'g', 6, 64)
		}
		return "[" + strings.Join(parts, " ") + "]"
	}
	return formatValue(v)
}
