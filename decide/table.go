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
	where := func(i int) string {
		r := &t.Rows[i]
		return fmt.Sprintf("row %d (simulation %d, subset %d, run %d)", i, r.Simulation, r.Subset, r.Run)
	}
	// The rows are checked in order up to the first that is wrong (end);
	// a job seen twice is found after, among the rows before end, by
	// sorting each point's rows by run: the error is the first row's in
	// order, whichever kind it is. (A map of the jobs seen cost a
	// million-job table a second.)
	if len(t.Rows) > math.MaxInt32 {
		return nil, nil, fmt.Errorf("decide: %d rows, more than %d", len(t.Rows), math.MaxInt32)
	}
	var err error
	end := len(t.Rows)
	idx := map[pointKey][]int32{}
	for i := range t.Rows {
		r := &t.Rows[i]
		switch {
		case r.Simulation < 0 || r.Subset < 0:
			err = fmt.Errorf("decide: %s: negative index", where(i))
		case len(t.Sims) > 0 && r.Simulation >= len(t.Sims):
			err = fmt.Errorf("decide: %s: the table names %d simulations", where(i), len(t.Sims))
		case len(r.KPI) != len(t.KPIs):
			err = fmt.Errorf("decide: %s: %d KPI values for %d KPIs", where(i), len(r.KPI), len(t.KPIs))
		case len(r.Params) != len(t.Params):
			err = fmt.Errorf("decide: %s: %d parameter values for %d parameters", where(i), len(r.Params), len(t.Params))
		}
		k := pointKey{r.Simulation, r.Subset}
		g := idx[k]
		if err == nil && len(g) > 0 {
			first := &t.Rows[g[0]]
			for j, v := range r.Params {
				if !sameValue(v, first.Params[j]) {
					err = fmt.Errorf("decide: %s: %s = %s, but run %d of the same sweep point has %s",
						where(i), t.Params[j], formatValue(v), first.Run, formatValue(first.Params[j]))
					break
				}
			}
			if err != nil && slices.ContainsFunc(g, func(o int32) bool { return t.Rows[o].Run == r.Run }) {
				err = fmt.Errorf("decide: %s: the job appears twice", where(i)) // what the row is first
			}
		}
		if err != nil {
			end = i
			break
		}
		idx[k] = append(g, int32(i))
	}
	keys := make([]pointKey, 0, len(idx))
	twice := end // the first row of a job seen before it
	for k, g := range idx {
		keys = append(keys, k)
		slices.SortStableFunc(g, func(a, b int32) int { return cmp.Compare(t.Rows[a].Run, t.Rows[b].Run) })
		for j := 1; j < len(g); j++ {
			if t.Rows[g[j]].Run == t.Rows[g[j-1]].Run {
				twice = min(twice, int(g[j])) // the later of the two: sorting kept their order
			}
		}
	}
	if twice < end {
		return nil, nil, fmt.Errorf("decide: %s: the job appears twice", where(twice))
	}
	if err != nil {
		return nil, nil, err
	}
	groups := make(map[pointKey][]*Row, len(idx))
	for k, g := range idx {
		rows := make([]*Row, len(g))
		for j, i := range g {
			rows[j] = &t.Rows[i]
		}
		groups[k] = rows
	}
	slices.SortFunc(keys, func(a, b pointKey) int {
		return cmp.Or(cmp.Compare(a.sim, b.sim), cmp.Compare(a.subset, b.subset))
	})
	return keys, groups, nil
}

// sameValue reports whether a and b are the same parameter value, as
// valueKey tells values apart (a float by its shortest decimal form: NaN
// is NaN, -0 is not 0), without formatting them.
func sameValue(a, b any) bool {
	switch x := a.(type) {
	case float64:
		if y, ok := b.(float64); ok {
			return sameFloat(x, y)
		}
	case int64:
		if y, ok := b.(int64); ok {
			return x == y
		}
	case bool:
		if y, ok := b.(bool); ok {
			return x == y
		}
	case string:
		if y, ok := b.(string); ok {
			return x == y
		}
	case []float64:
		if y, ok := b.([]float64); ok {
			return slices.EqualFunc(x, y, sameFloat)
		}
	}
	return valueKey(a) == valueKey(b)
}

func sameFloat(x, y float64) bool {
	return math.Float64bits(x) == math.Float64bits(y) || x != x && y != y
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
