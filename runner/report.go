package runner

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Report is the pass-rate summary of an experiment's criteria: for each
// simulation (A/B scenario), how many of its runs passed each criterion,
// judged on the run's final state, and how many passed them all.
type Report struct {
	Criteria    []string    `json:"criteria"`
	Simulations []SimReport `json:"simulations"`
}

// SimReport is one simulation's line of the report.
type SimReport struct {
	Simulation int    `json:"simulation"`
	Name       string `json:"name,omitempty"`
	Runs       int    `json:"runs"`   // jobs that finished
	Passed     []int  `json:"passed"` // per criterion
	AllPassed  int    `json:"all_passed"`
}

// Rate returns passed/runs, or 0 without runs.
func rate(passed, runs int) float64 {
	if runs == 0 {
		return 0
	}
	return float64(passed) / float64(runs)
}

func newReport(p *Plan) *Report {
	if len(p.Criteria) == 0 {
		return nil
	}
	r := &Report{}
	for _, c := range p.Criteria {
		r.Criteria = append(r.Criteria, c.Name)
	}
	for _, s := range p.Sims {
		r.Simulations = append(r.Simulations, SimReport{Simulation: s.Index, Name: s.Name, Passed: make([]int, len(p.Criteria))})
	}
	return r
}

// add counts one finished run.
func (r *Report) add(sim int, pass []bool) {
	s := &r.Simulations[sim]
	s.Runs++
	all := true
	for i, ok := range pass {
		if ok {
			s.Passed[i]++
		} else {
			all = false
		}
	}
	if all {
		s.AllPassed++
	}
}

// WriteTable writes the report as an aligned text table (markdown when md).
func (r *Report) WriteTable(w io.Writer, md bool) error {
	head := append([]string{"simulation", "runs"}, r.Criteria...)
	head = append(head, "all")
	rows := [][]string{}
	for _, s := range r.Simulations {
		name := fmt.Sprint(s.Simulation)
		if s.Name != "" {
			name += " " + s.Name
		}
		row := []string{name, fmt.Sprint(s.Runs)}
		for _, n := range s.Passed {
			row = append(row, fmt.Sprintf("%.0f%%", 100*rate(n, s.Runs)))
		}
		rows = append(rows, append(row, fmt.Sprintf("%.0f%%", 100*rate(s.AllPassed, s.Runs))))
	}
	width := make([]int, len(head))
	for i, h := range head {
		width[i] = len(h)
	}
	for _, row := range rows {
		for i, c := range row {
			width[i] = max(width[i], len(c))
		}
	}
	line := func(cells []string) string {
		parts := make([]string, len(cells))
		for i, c := range cells {
			if i == 0 {
				parts[i] = c + strings.Repeat(" ", width[i]-len(c))
			} else {
				parts[i] = strings.Repeat(" ", width[i]-len(c)) + c
			}
		}
		if md {
			return "| " + strings.Join(parts, " | ") + " |\n"
		}
		return strings.Join(parts, "  ") + "\n"
	}
	var b strings.Builder
	b.WriteString(line(head))
	if md {
		seps := make([]string, len(head))
		for i := range head {
			seps[i] = strings.Repeat("-", width[i])
			if i > 0 {
				seps[i] = seps[i][:len(seps[i])-1] + ":"
			}
		}
		b.WriteString("| " + strings.Join(seps, " | ") + " |\n")
	}
	for _, row := range rows {
		b.WriteString(line(row))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// write stores report.json and report.md in the dataset directory (with a
// shard suffix when sharded), under temporary names renamed when complete.
func (r *Report) write(ds *dataset) error {
	base := "report"
	if ds.shards > 1 {
		base = fmt.Sprintf("report-shard-%04d-of-%04d", ds.shard, ds.shards)
	}
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	var md strings.Builder
	md.WriteString("# Pass rates\n\nShare of runs whose final state meets each criterion, per simulation.\n\n")
	if err := r.WriteTable(&md, true); err != nil {
		return err
	}
	for name, content := range map[string][]byte{base + ".json": append(data, '\n'), base + ".md": []byte(md.String())} {
		tmp := filepath.Join(ds.dir, "."+name+".tmp")
		if err := os.WriteFile(tmp, content, 0o644); err != nil {
			return fmt.Errorf("report: %w", err)
		}
		if err := os.Rename(tmp, filepath.Join(ds.dir, name)); err != nil {
			return fmt.Errorf("report: %w", err)
		}
	}
	return nil
}
