// Package golden loads the cadCAD 0.5.3 golden datasets of testdata/golden
// and compares rows that Statecraft produced against them, value for value.
//
// A golden CSV has the id columns simulation, subset, run, timestep and
// substep, then one column per state variable. Load infers each state
// column's kind from its cells: JSON arrays are vectors, cells that all parse
// as integers are integers (robot_marbles writes its int state without a
// decimal point; Python writes every float with one, or with an exponent),
// and anything else is a float, read with strconv.ParseFloat, which rounds
// correctly, so a cell written with Python's repr reads back as the very
// double cadCAD computed.
//
// Compare checks the row count, the columns and their order, the ids of every
// row (after mapping cadCAD's run numbers to Statecraft's, see RunMap) and
// every value, either bit for bit or within a relative tolerance, and
// reports the first mismatches with the case, row, column, wanted and got
// values.
package golden

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/statecraft/statecraft/gds"
)

// IDColumns are the id columns that start every golden CSV, in order.
var IDColumns = []string{"simulation", "subset", "run", "timestep", "substep"}

// Kind is the kind of a state column.
type Kind uint8

// The column kinds a golden CSV can hold.
const (
	Float Kind = iota + 1 // float64
	Int                   // int64
	Vec                   // []float64, written as a JSON array
)

// String returns the kind's name.
func (k Kind) String() string {
	switch k {
	case Float:
		return "float"
	case Int:
		return "int"
	case Vec:
		return "vector"
	}
	return "invalid"
}

// ID holds the five id columns of a row.
type ID struct {
	Simulation, Subset, Run, Timestep, Substep int
}

// Value is one cell of a state column; the field that Kind names is set.
type Value struct {
	Kind Kind      // which of F, I and V holds the value
	F    float64   // Float
	I    int64     // Int
	V    []float64 // Vec
}

// String formats the value as Python's repr would (the shortest decimal
// that reads back as the same double).
func (v Value) String() string {
	switch v.Kind {
	case Float:
		return formatFloat(v.F)
	case Int:
		return strconv.FormatInt(v.I, 10)
	case Vec:
		parts := make([]string, len(v.V))
		for i, x := range v.V {
			parts[i] = formatFloat(x)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	return "<invalid>"
}

func formatFloat(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

// Row is one row of a dataset: its ids and one value per column, in the
// order of its Table's Columns.
type Row struct {
	ID
	Values []Value // one per column of the table
}

// Table is a dataset: golden (from Load) or produced (from a Recorder).
type Table struct {
	Case    string   // the case name: the CSV's base name without .csv
	Columns []string // the state columns, after the id columns
	Kinds   []Kind   // the kind of each column
	Rows    []Row    // in cadCAD's order: simulation, subset, run, then time
}

// Load reads a golden CSV.
func Load(path string) (*Table, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	t, err := Read(f, strings.TrimSuffix(filepath.Base(path), ".csv"))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return t, nil
}

// Read parses a golden CSV from r; name is the case name.
func Read(r io.Reader, name string) (*Table, error) {
	recs, err := csv.NewReader(r).ReadAll()
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, errors.New("empty file")
	}
	head := recs[0]
	if len(head) < len(IDColumns) || !slices.Equal(head[:len(IDColumns)], IDColumns) {
		return nil, fmt.Errorf("header %v does not start with the id columns %v", head, IDColumns)
	}
	t := &Table{Case: name, Columns: slices.Clone(head[len(IDColumns):])}
	data := recs[1:]
	t.Kinds = make([]Kind, len(t.Columns))
	for j := range t.Columns {
		t.Kinds[j] = inferKind(data, len(IDColumns)+j)
	}
	t.Rows = make([]Row, len(data))
	for i, rec := range data {
		line := i + 2
		row := &t.Rows[i]
		ids := []*int{&row.Simulation, &row.Subset, &row.Run, &row.Timestep, &row.Substep}
		for k, p := range ids {
			if *p, err = strconv.Atoi(rec[k]); err != nil {
				return nil, fmt.Errorf("line %d, column %s: %w", line, IDColumns[k], err)
			}
		}
		row.Values = make([]Value, len(t.Columns))
		for j, kind := range t.Kinds {
			cell := rec[len(IDColumns)+j]
			v := Value{Kind: kind}
			switch kind {
			case Int:
				v.I, err = strconv.ParseInt(cell, 10, 64)
			case Float:
				v.F, err = strconv.ParseFloat(cell, 64)
			case Vec:
				err = json.Unmarshal([]byte(cell), &v.V)
				if err == nil && v.V == nil {
					err = fmt.Errorf("%q is not a JSON array of numbers", cell)
				}
			}
			if err != nil {
				return nil, fmt.Errorf("line %d, column %s: %w", line, t.Columns[j], err)
			}
			row.Values[j] = v
		}
	}
	return t, nil
}

// inferKind decides a column's kind from all its cells.
func inferKind(data [][]string, col int) Kind {
	allInt := len(data) > 0
	for _, rec := range data {
		cell := rec[col]
		if strings.HasPrefix(cell, "[") {
			return Vec
		}
		if _, err := strconv.ParseInt(cell, 10, 64); err != nil {
			allInt = false
		}
	}
	if allInt {
		return Int
	}
	return Float
}

// Recorder is a gds.Recorder that keeps every row it receives, as a Table
// whose columns are the model's variables in declaration order.
type Recorder struct {
	t    Table
	vars []gds.VarInfo
}

// NewRecorder returns a recorder for rows of model m, for the named case.
// The model's variables must be float, int or vector variables.
func NewRecorder(name string, m *gds.Model) (*Recorder, error) {
	r := &Recorder{t: Table{Case: name}, vars: m.Vars()}
	for _, v := range r.vars {
		var k Kind
		switch v.Kind {
		case gds.KindFloat:
			k = Float
		case gds.KindInt:
			k = Int
		case gds.KindVec:
			k = Vec
		default:
			return nil, fmt.Errorf("golden: variable %q of model %q is a %s variable; golden datasets hold float, int and vector columns", v.Name, m.Name(), v.Kind)
		}
		r.t.Columns = append(r.t.Columns, v.Name)
		r.t.Kinds = append(r.t.Kinds, k)
	}
	return r, nil
}

// Record keeps a copy of the row.
func (r *Recorder) Record(row *gds.Row) error {
	out := Row{ID: ID{row.Simulation, row.Subset, row.Run, row.Timestep, row.Substep}, Values: make([]Value, len(r.vars))}
	for j, v := range r.vars {
		val := Value{Kind: r.t.Kinds[j]}
		switch val.Kind {
		case Float:
			val.F = row.Floats()[v.Slot]
		case Int:
			val.I = row.Ints()[v.Slot]
		case Vec:
			val.V = slices.Clone(row.Vec(v.Slot))
			if val.V == nil {
				val.V = []float64{}
			}
		}
		out.Values[j] = val
	}
	r.t.Rows = append(r.t.Rows, out)
	return nil
}

// Table returns the rows recorded so far. The table is the recorder's own:
// it grows as rows are recorded.
func (r *Recorder) Table() *Table { return &r.t }

// RunMap translates the run number of a golden row into the run number
// Statecraft gives the same job. ok is false if the golden run number is not
// one the mapping expects.
type RunMap func(subset, goldenRun int) (run int, ok bool)

// CadCAD053Runs returns the run mapping for a case with n Monte Carlo runs
// per subset. Statecraft numbers runs 1..n within every subset (run = 1 when
// n = 1). cadCAD 0.5.3 does the same when n > 1, but when n = 1 it writes
// run = subset+1 (a quirk of Experiment.append_model), so for n = 1 a golden
// run must equal subset+1 and maps to run 1.
func CadCAD053Runs(n int) RunMap {
	return func(subset, goldenRun int) (int, bool) {
		if n == 1 {
			return 1, goldenRun == subset+1
		}
		return goldenRun, goldenRun >= 1 && goldenRun <= n
	}
}

// Mode is how Compare compares float values.
type Mode uint8

// The comparison modes.
const (
	// Exact requires the same IEEE-754 bits (math.Float64bits), so it tells
	// -0 from +0 and holds NaN equal to the same NaN.
	Exact Mode = iota
	// Relative accepts |got-want| <= Tol*max(|want|, |got|); infinities and
	// NaN must match exactly.
	Relative
)

// String returns the mode's name.
func (m Mode) String() string {
	if m == Exact {
		return "exact"
	}
	return "relative"
}

// Options configure Compare.
type Options struct {
	Mode   Mode    // how float values are compared
	Tol    float64 // the relative tolerance of mode Relative
	MapRun RunMap  // maps golden run numbers; nil: the identity
	Max    int     // mismatches kept in the result; 0: 10
}

// Mismatch is one value (or id) that differs.
type Mismatch struct {
	Case   string  // the golden case
	Row    int     // index among the data rows, from 0 (the CSV line is Row+2)
	ID     ID      // the golden row's ids, as written in the CSV
	Column string  // the column: an id column or a state variable
	Want   string  // the golden value
	Got    string  // the produced value
	RelErr float64 // for float values: |got-want|/max(|want|,|got|)
}

// String describes the mismatch on one line.
func (m Mismatch) String() string {
	s := fmt.Sprintf("%s: row %d (csv line %d; simulation %d, subset %d, run %d, timestep %d, substep %d), column %s: want %s, got %s",
		m.Case, m.Row, m.Row+2, m.ID.Simulation, m.ID.Subset, m.ID.Run, m.ID.Timestep, m.ID.Substep, m.Column, m.Want, m.Got)
	if m.RelErr != 0 {
		s += fmt.Sprintf(" (relative error %.3g)", m.RelErr)
	}
	return s
}

// Result is the outcome of Compare.
type Result struct {
	Case             string     // the golden case
	Mode             Mode       // the comparison mode
	Tol              float64    // the tolerance of mode Relative
	WantRows         int        // rows in the golden table
	GotRows          int        // rows produced
	Problems         []string   // structural differences: row count, columns
	Mismatches       []Mismatch // the first Options.Max mismatches, in row order
	Total            int        // every mismatch, including those not kept
	Values           int        // float values compared (vector elements count one each)
	MaxRelErr        float64    // the largest relative error over all float values
	MaxRelAt         string     // where MaxRelErr occurred
	ExactFloatValues int        // float values equal bit for bit
}

// Err returns nil if the datasets match, else an error listing the
// structural problems and the first mismatches.
func (r *Result) Err() error {
	if len(r.Problems) == 0 && r.Total == 0 {
		return nil
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "%s: the produced rows differ from the golden ones (mode %s", r.Case, r.Mode)
	if r.Mode == Relative {
		fmt.Fprintf(&sb, ", tolerance %g", r.Tol)
	}
	sb.WriteString(")")
	for _, p := range r.Problems {
		sb.WriteString("\n  ")
		sb.WriteString(p)
	}
	if r.Total > 0 {
		fmt.Fprintf(&sb, "\n  %d mismatching values; the first %d:", r.Total, len(r.Mismatches))
		for _, m := range r.Mismatches {
			sb.WriteString("\n    ")
			sb.WriteString(m.String())
		}
	}
	return errors.New(sb.String())
}

// Compare compares the produced rows got with the golden rows want, row by
// row in order. Rows must come in cadCAD's order: by simulation, subset,
// run, then time. Every id and every value of every row is compared; floats
// by opt.Mode, integers exactly.
func Compare(want, got *Table, opt Options) *Result {
	res := &Result{Case: want.Case, Mode: opt.Mode, Tol: opt.Tol, WantRows: len(want.Rows), GotRows: len(got.Rows)}
	keep := opt.Max
	if keep <= 0 {
		keep = 10
	}
	add := func(m Mismatch) {
		res.Total++
		if len(res.Mismatches) < keep {
			m.Case = want.Case
			res.Mismatches = append(res.Mismatches, m)
		}
	}
	if res.WantRows != res.GotRows {
		res.Problems = append(res.Problems, fmt.Sprintf("row count: want %d, got %d", res.WantRows, res.GotRows))
	}
	if !slices.Equal(want.Columns, got.Columns) {
		res.Problems = append(res.Problems, fmt.Sprintf("columns: want %v, got %v", want.Columns, got.Columns))
	}
	// Compare the columns both have, by name.
	gotCol := make([]int, len(want.Columns))
	for j, name := range want.Columns {
		gotCol[j] = slices.Index(got.Columns, name)
		if gotCol[j] >= 0 && got.Kinds[gotCol[j]] != want.Kinds[j] {
			res.Problems = append(res.Problems, fmt.Sprintf("column %s: want %s values, got %s", name, want.Kinds[j], got.Kinds[gotCol[j]]))
			gotCol[j] = -1
		}
	}
	mapRun := opt.MapRun
	if mapRun == nil {
		mapRun = func(_, run int) (int, bool) { return run, true }
	}
	for i := range min(len(want.Rows), len(got.Rows)) {
		w, g := &want.Rows[i], &got.Rows[i]
		at := Mismatch{Row: i, ID: w.ID}
		wid := w.ID
		run, ok := mapRun(wid.Subset, wid.Run)
		if !ok {
			m := at
			m.Column = "run"
			m.Want = "a golden run number that the run mapping accepts"
			m.Got = fmt.Sprintf("golden run %d in subset %d", wid.Run, wid.Subset)
			add(m)
		}
		wid.Run = run
		wids := [5]int{wid.Simulation, wid.Subset, wid.Run, wid.Timestep, wid.Substep}
		gids := [5]int{g.Simulation, g.Subset, g.Run, g.Timestep, g.Substep}
		for k := range wids {
			if wids[k] != gids[k] {
				m := at
				m.Column, m.Want, m.Got = IDColumns[k], strconv.Itoa(wids[k]), strconv.Itoa(gids[k])
				if k == 2 {
					m.Want += fmt.Sprintf(" (golden run %d, mapped)", w.Run)
				}
				add(m)
			}
		}
		for j, name := range want.Columns {
			if gotCol[j] < 0 {
				continue
			}
			wv, gv := w.Values[j], g.Values[gotCol[j]]
			m := at
			m.Column, m.Want, m.Got = name, wv.String(), gv.String()
			switch wv.Kind {
			case Int:
				if wv.I != gv.I {
					add(m)
				}
			case Float:
				if ok, rel := res.float(wv.F, gv.F, opt, name, i); !ok {
					m.RelErr = rel
					add(m)
				}
			case Vec:
				if len(wv.V) != len(gv.V) {
					add(m)
					continue
				}
				worst, bad := 0.0, false
				for k := range wv.V {
					ok, rel := res.float(wv.V[k], gv.V[k], opt, fmt.Sprintf("%s[%d]", name, k), i)
					bad = bad || !ok
					worst = max(worst, rel)
				}
				if bad {
					m.RelErr = worst
					add(m)
				}
			}
		}
	}
	return res
}

// float compares two floats and keeps the statistics.
func (r *Result) float(want, got float64, opt Options, col string, row int) (ok bool, rel float64) {
	r.Values++
	if math.Float64bits(want) == math.Float64bits(got) {
		r.ExactFloatValues++
		return true, 0
	}
	rel = RelErr(want, got)
	if rel > r.MaxRelErr || math.IsNaN(rel) && !math.IsNaN(r.MaxRelErr) {
		r.MaxRelErr = rel
		r.MaxRelAt = fmt.Sprintf("row %d, column %s: want %s, got %s", row, col, formatFloat(want), formatFloat(got))
	}
	if opt.Mode == Exact {
		return false, rel
	}
	return rel <= opt.Tol, rel
}

// RelErr returns |got-want|/max(|want|,|got|): 0 if both are zero (of any
// sign) or equal, +Inf if one is infinite and they differ, NaN if exactly
// one is NaN.
func RelErr(want, got float64) float64 {
	switch {
	case want == got:
		return 0
	case math.IsNaN(want) && math.IsNaN(got):
		return 0
	case math.IsNaN(want) || math.IsNaN(got):
		return math.NaN()
	case math.IsInf(want, 0) || math.IsInf(got, 0):
		return math.Inf(1)
	}
	return math.Abs(got-want) / max(math.Abs(want), math.Abs(got))
}
