package decide

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Table is an experiment's KPI table: one row per job that finished.
// The order of Rows does not matter: every result of this package is the
// same for any permutation of them.
type Table struct {
	KPIs   []string // KPI names, in config order
	Params []string // swept parameter names (the varying params), in order
	Sims   []string // simulation (scenario) names by simulation index; "" when the experiment has no scenarios
	Rows   []Row
}

// Row is one finished job's KPI values, with the job's place in the
// experiment.
type Row struct {
	// Simulation (from 0), Subset (the sweep point within the
	// simulation, from 0) and Run (the Monte Carlo run, from 1) locate
	// the job.
	Simulation, Subset, Run int
	// Params holds the values of Table.Params at this row's sweep point:
	// float64, int64, bool, string or []float64.
	Params []any
	// KPI holds the values of Table.KPIs; NaN is allowed (a threshold
	// never crossed, say).
	KPI []float64
}

// pointKey identifies a sweep point: a simulation and a subset.
type pointKey struct{ sim, subset int }

// check validates the table's shape: every row has one value per
// parameter and per KPI, indices are in range, no job appears twice, and
// the rows of one sweep point agree on its parameter values. It returns
// the rows grouped by point, in (simulation, subset) order, each group in
// run order.
func (t *Table) check() ([]pointKey, map[pointKey][]*Row, error) {
	if t == nil {
		return nil, nil, fmt.Errorf("decide: nil table")
	}
	if err := uniqueNames("KPI", t.KPIs); err != nil {
		return nil, nil, err
	}
	if err := uniqueNames("parameter", t.Params); err != nil {
		return nil, nil, err
	}
	groups := map[pointKey][]*Row{}
	seen := map[[3]int]bool{}
	for i := range t.Rows {
		r := &t.Rows[i]
		where := fmt.Sprintf("row %d (simulation %d, subset %d, run %d)", i, r.Simulation, r.Subset, r.Run)
		switch {
		case r.Simulation < 0 || r.Subset < 0:
			return nil, nil, fmt.Errorf("decide: %s: negative index", where)
		case len(t.Sims) > 0 && r.Simulation >= len(t.Sims):
			return nil, nil, fmt.Errorf("decide: %s: the table names %d simulations", where, len(t.Sims))
		case len(r.KPI) != len(t.KPIs):
			return nil, nil, fmt.Errorf("decide: %s: %d KPI values for %d KPIs", where, len(r.KPI), len(t.KPIs))
		case len(r.Params) != len(t.Params):
			return nil, nil, fmt.Errorf("decide: %s: %d parameter values for %d parameters", where, len(r.Params), len(t.Params))
		}
		job := [3]int{r.Simulation, r.Subset, r.Run}
		if seen[job] {
			return nil, nil, fmt.Errorf("decide: %s: the job appears twice", where)
		}
		seen[job] = true
		k := pointKey{r.Simulation, r.Subset}
		if g := groups[k]; len(g) > 0 {
			for j, v := range r.Params {
				if valueKey(v) != valueKey(g[0].Params[j]) {
					return nil, nil, fmt.Errorf("decide: %s: %s = %s, but run %d of the same sweep point has %s",
						where, t.Params[j], formatValue(v), g[0].Run, formatValue(g[0].Params[j]))
				}
			}
		}
		groups[k] = append(groups[k], r)
	}
	keys := make([]pointKey, 0, len(groups))
	for k, g := range groups {
		keys = append(keys, k)
		slices.SortFunc(g, func(a, b *Row) int { return cmp.Compare(a.Run, b.Run) })
	}
	slices.SortFunc(keys, func(a, b pointKey) int {
		return cmp.Or(cmp.Compare(a.sim, b.sim), cmp.Compare(a.subset, b.subset))
	})
	return keys, groups, nil
}

// scenario returns the name of simulation i, "" when it has none.
func (t *Table) scenario(i int) string {
	if i < len(t.Sims) {
		return t.Sims[i]
	}
	return ""
}

func uniqueNames(what string, names []string) error {
	seen := map[string]bool{}
	for _, n := range names {
		if n == "" {
			return fmt.Errorf("decide: a %s with an empty name", what)
		}
		if seen[n] {
			return fmt.Errorf("decide: %s %q is named twice", what, n)
		}
		seen[n] = true
	}
	return nil
}

// paramMap returns the named values as a map.
func paramMap(names []string, vals []any) map[string]any {
	m := make(map[string]any, len(names))
	for i, n := range names {
		m[n] = vals[i]
	}
	return m
}

// valueKey is a parameter value's identity: values with the same key
// are the same value. Values of different types differ (int64 1 is not
// float64 1).
func valueKey(v any) string {
	switch x := v.(type) {
	case float64:
		return "f" + strconv.FormatFloat(x, 'g', -1, 64)
	case int64:
		return "i" + strconv.FormatInt(x, 10)
	case int:
		return "i" + strconv.Itoa(x)
	case bool:
		return "b" + strconv.FormatBool(x)
	case string:
		return "s" + strconv.Quote(x)
	case []float64:
		var b strings.Builder
		b.WriteString("v")
		for _, e := range x {
			b.WriteString(strconv.FormatFloat(e, 'g', -1, 64))
			b.WriteByte(',')
		}
		return b.String()
	case nil:
		return "n"
	}
	return fmt.Sprintf("%T:%v", v, v)
}

// compareValues orders parameter values: numbers by value (NaN first),
// then bools (false first), strings, vectors (element by element, then by
// length) and anything else by its printed form.
func compareValues(a, b any) int {
	ra, rb := valueRank(a), valueRank(b)
	if ra != rb {
		return cmp.Compare(ra, rb)
	}
	switch ra {
	case 0:
		return cmp.Compare(toFloat(a), toFloat(b))
	case 1:
		x, y := a.(bool), b.(bool)
		switch {
		case x == y:
			return 0
		case !x:
			return -1
		}
		return 1
	case 2:
		return strings.Compare(a.(string), b.(string))
	case 3:
		return slices.Compare(a.([]float64), b.([]float64))
	}
	return strings.Compare(valueKey(a), valueKey(b))
}

func valueRank(v any) int {
	switch v.(type) {
	case float64, int64, int:
		return 0
	case bool:
		return 1
	case string:
		return 2
	case []float64:
		return 3
	}
	return 4
}

func toFloat(v any) float64 {
	switch x := v.(type) {
	case float64:
		return x
	case int64:
		return float64(x)
	case int:
		return float64(x)
	}
	return math.NaN()
}

// compareTuples orders lists of values element by element.
func compareTuples(a, b []any) int {
	for i := range min(len(a), len(b)) {
		if c := compareValues(a[i], b[i]); c != 0 {
			return c
		}
	}
	return cmp.Compare(len(a), len(b))
}

// formatValue prints a parameter value for tables and messages.
func formatValue(v any) string {
	switch x := v.(type) {
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case string:
		return x
	case []float64:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = strconv.FormatFloat(e, 'g', -1, 64)
		}
		return "[" + strings.Join(parts, " ") + "]"
	case nil:
		return "-"
	}
	return fmt.Sprint(v)
}

// rowError places an error at a row.
func rowError(t *Table, r *Row, err error) error {
	name := ""
	if s := t.scenario(r.Simulation); s != "" {
		name = " (" + s + ")"
	}
	return fmt.Errorf("decide: simulation %d%s, subset %d, run %d: %w", r.Simulation, name, r.Subset, r.Run, err)
}
