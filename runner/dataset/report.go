package dataset

import (
	"encoding/json"
	"fmt"
	"io"
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

// rate returns passed/runs, or 0 without runs.
func rate(passed, runs int) float64 {
	if runs == 0 {
		return 0
	}
	return float64(passed) / float64(runs)
}

// Add counts one finished run of simulation sim (its index in
// Simulations): pass says which criteria it passed.
func (r *Report) Add(sim int, pass []bool) {
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

// WriteReport stores the report in the dataset directory as JSON and as
// a Markdown table (ReportPaths), each under a temporary name renamed when
// complete.
func (s *Shard) WriteReport(r *Report) error {
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	var md strings.Builder
	md.WriteString("# Pass rates\n\nShare of runs whose final state meets each criterion, per simulation.\n\n")
	if err := r.WriteTable(&md, true); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	jsonPath, mdPath := s.ReportPaths()
	for _, f := range []struct {
		path    string
		content []byte
	}{{jsonPath, append(data, '\n')}, {mdPath, []byte(md.String())}} {
		if err := writeAtomic(s.Dir, filepath.Base(f.path), f.content); err != nil {
			return fmt.Errorf("report: %w", err)
		}
	}
	return nil
}
