package decide

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// checkByRows is check as it was first written, row by row with a map of
// the jobs seen and the parameters compared by valueKey: the reference
// the faster check must agree with, errors included.
func checkByRows(t *Table) (map[pointKey][]*Row, error) {
	groups := map[pointKey][]*Row{}
	seen := map[[3]int]bool{}
	for i := range t.Rows {
		r := &t.Rows[i]
		where := fmt.Sprintf("row %d (simulation %d, subset %d, run %d)", i, r.Simulation, r.Subset, r.Run)
		switch {
		case r.Simulation < 0 || r.Subset < 0:
			return nil, fmt.Errorf("decide: %s: negative index", where)
		case len(t.Sims) > 0 && r.Simulation >= len(t.Sims):
			return nil, fmt.Errorf("decide: %s: the table names %d simulations", where, len(t.Sims))
		case len(r.KPI) != len(t.KPIs):
			return nil, fmt.Errorf("decide: %s: %d KPI values for %d KPIs", where, len(r.KPI), len(t.KPIs))
		case len(r.Params) != len(t.Params):
			return nil, fmt.Errorf("decide: %s: %d parameter values for %d parameters", where, len(r.Params), len(t.Params))
		}
		job := [3]int{r.Simulation, r.Subset, r.Run}
		if seen[job] {
			return nil, fmt.Errorf("decide: %s: the job appears twice", where)
		}
		seen[job] = true
		k := pointKey{r.Simulation, r.Subset}
		if g := groups[k]; len(g) > 0 {
			for j, v := range r.Params {
				if valueKey(v) != valueKey(g[0].Params[j]) {
					return nil, fmt.Errorf("decide: %s: %s = %s, but run %d of the same sweep point has %s",
						where, t.Params[j], formatValue(v), g[0].Run, formatValue(g[0].Params[j]))
				}
			}
		}
		groups[k] = append(groups[k], r)
	}
	return groups, nil
}

// TestCheckAgreesWithRowByRow: on random tables with random defects (a
// job twice, a point's parameters disagreeing, a row of the wrong shape,
// several at once, in any order), check gives the reference's groups, in
// run order, or its error.
func TestCheckAgreesWithRowByRow(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	values := []any{0.1, math.NaN(), 0.0, math.Copysign(0, -1), int64(3), true, "a", []float64{1, math.NaN()}, []float64{1, 2}}
	for n := range 3000 {
		tb := &Table{KPIs: []string{"k"}, Params: []string{"p", "q"}, Sims: []string{"a", "b"}}
		points := 1 + r.IntN(4)
		pv := make([][]any, 2*points)
		for i := range pv {
			pv[i] = []any{values[r.IntN(len(values))], values[r.IntN(len(values))]}
		}
		for s := range 2 {
			for p := range points {
				for run := 1; run <= 1+r.IntN(5); run++ {
					tb.Rows = append(tb.Rows, Row{Simulation: s, Subset: p, Run: run, Params: pv[s*points+p], KPI: []float64{float64(run)}})
				}
			}
		}
		r.Shuffle(len(tb.Rows), func(i, j int) { tb.Rows[i], tb.Rows[j] = tb.Rows[j], tb.Rows[i] })
		for range r.IntN(3) {
			i := r.IntN(len(tb.Rows))
			row := &tb.Rows[i]
			switch r.IntN(5) {
			case 0: // a job twice
				o := tb.Rows[r.IntN(len(tb.Rows))]
				row.Simulation, row.Subset, row.Run = o.Simulation, o.Subset, o.Run
			case 1: // a parameter that disagrees
				row.Params = []any{values[r.IntN(len(values))], row.Params[1]}
			case 2:
				row.KPI = nil
			case 3:
				row.Simulation = 2 + r.IntN(2)
			case 4:
				row.Subset = -1
			}
		}
		want, werr := checkByRows(tb)
		keys, got, err := tb.check()
		if fmt.Sprint(err) != fmt.Sprint(werr) {
			t.Fatalf("table %d: error %v, want %v", n, err, werr)
		}
		if err != nil {
			continue
		}
		if len(keys) != len(want) || len(got) != len(want) {
			t.Fatalf("table %d: %d keys, %d groups, want %d", n, len(keys), len(got), len(want))
		}
		for i := 1; i < len(keys); i++ {
			if a, b := keys[i-1], keys[i]; a.sim > b.sim || a.sim == b.sim && a.subset >= b.subset {
				t.Fatalf("table %d: keys out of order: %v", n, keys)
			}
		}
		for k, g := range want {
			slices.SortFunc(g, func(a, b *Row) int { return a.Run - b.Run })
			if !slices.Equal(got[k], g) {
				t.Fatalf("table %d: point %v: rows %v, want %v", n, k, got[k], g)
			}
		}
	}
}

func TestSameValueIsValueKey(t *testing.T) {
	values := []any{0.1, 0.1 + 1e-17, math.NaN(), math.Float64frombits(0x7ff8000000000001), 0.0, math.Copysign(0, -1), math.Inf(1),
		int64(3), int64(-3), 3, true, false, "a", "b", "", nil, []float64{}, []float64{1, math.NaN()}, []float64{1, 2}, []float64{1, 2, 3}, float32(1)}
	for _, a := range values {
		for _, b := range values {
			if got, want := sameValue(a, b), valueKey(a) == valueKey(b); got != want {
				t.Errorf("sameValue(%#v, %#v) = %v, valueKey says %v", a, b, got, want)
			}
		}
	}
}
