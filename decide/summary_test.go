package decide

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/gonum/stat"
)

// handTable is a small table whose pass counts and statistics are worked
// out by hand in TestSummarize.
func handTable() *Table {
	nan := math.NaN()
	t := &Table{KPIs: []string{"gini", "quality"}, Params: []string{"fee", "mode"}, Sims: []string{"base", "crash"}}
	add := func(sim, subset int, fee float64, mode string, gini, quality []float64) {
		for i := range gini {
			t.Rows = append(t.Rows, Row{sim, subset, i + 1, []any{fee, mode}, []float64{gini[i], quality[i]}})
		}
	}
	add(0, 0, 0.01, "a", []float64{0.1, 0.5, 0.9, 0.3, nan}, []float64{1, 2, 3, 4, 5})
	add(0, 1, 0.02, "a", []float64{0.8, 0.8, 0.6, 0.75}, []float64{nan, nan, nan, nan})
	add(1, 0, 0.01, "b", []float64{0.2, 0.2, 0.2}, []float64{10, 20, 30})
	return t
}

func handCriteria(t testing.TB) *CompiledCriteria {
	t.Helper()
	c, err := CompileCriteria([]string{"gini", "quality"}, []Criterion{{"gini_ok", "gini <= 0.7"}, {"q_ok", "quality >= 3"}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestSummarize(t *testing.T) {
	s, err := Summarize(handTable(), handCriteria(t), 0)
	if err != nil {
		t.Fatal(err)
	}
	if s.Confidence != 0.95 || !slices.Equal(s.Criteria, []string{"gini_ok", "q_ok"}) {
		t.Errorf("Confidence %v, Criteria %v", s.Confidence, s.Criteria)
	}
	type counts struct {
		sim, subset, runs int
		scenario          string
		passed            []int // gini_ok, q_ok, all
	}
	want := []counts{
		{0, 0, 5, "base", []int{3, 3, 1}}, // the NaN gini fails gini_ok
		{0, 1, 4, "base", []int{1, 0, 0}}, // NaN qualities fail q_ok
		{1, 0, 3, "crash", []int{3, 3, 3}},
	}
	if len(s.Points) != len(want) {
		t.Fatalf("%d points, want %d", len(s.Points), len(want))
	}
	for i, w := range want {
		p := s.Points[i]
		if p.Simulation != w.sim || p.Subset != w.subset || p.Runs != w.runs || p.Scenario != w.scenario {
			t.Errorf("point %d: sim %d subset %d runs %d %q, want %+v", i, p.Simulation, p.Subset, p.Runs, p.Scenario, w)
		}
		rates := append(slices.Clone(p.Criteria), p.All)
		for j, r := range rates {
			lo, hi := Wilson(w.passed[j], w.runs, 0.95)
			if r.Passed != w.passed[j] || r.Runs != w.runs || r.Rate != float64(w.passed[j])/float64(w.runs) || r.Lo != lo || r.Hi != hi {
				t.Errorf("point %d rate %s: %+v, want %d of %d", i, r.Name, r, w.passed[j], w.runs)
			}
		}
		if p.All.Name != "all" {
			t.Errorf("All.Name = %q", p.All.Name)
		}
	}
	if got := s.Points[2].Params; got["fee"] != 0.01 || got["mode"] != "b" {
		t.Errorf("params %v", got)
	}

	// gini at (0, 0): the values 0.1 0.3 0.5 0.9 and a NaN.
	g := s.Points[0].KPIs["gini"]
	sorted := []float64{0.1, 0.3, 0.5, 0.9}
	wantG := Stats{N: 4, NaN: 1, Mean: 0.45, Std: math.Sqrt(0.35 / 3), Min: 0.1, P5: 0.1, P50: 0.3, P95: 0.82, Max: 0.9}
	if !statsNear(g, wantG) {
		t.Errorf("gini stats %+v, want %+v", g, wantG)
	}
	for _, q := range []struct {
		p   float64
		got float64
	}{{0.05, g.P5}, {0.5, g.P50}, {0.95, g.P95}} {
		if w := stat.Quantile(q.p, stat.LinInterp, sorted, nil); q.got != w {
			t.Errorf("Q(%v) = %v, stat.Quantile gives %v", q.p, q.got, w)
		}
	}
	// quality at (0, 1) is all NaN: no statistic.
	qs := s.Points[1].KPIs["quality"]
	if qs.N != 0 || qs.NaN != 4 || !math.IsNaN(qs.Mean) || !math.IsNaN(qs.P50) || !math.IsNaN(qs.Max) {
		t.Errorf("all-NaN stats %+v", qs)
	}
	// Identical values: Std 0; one value would give NaN.
	if c := s.Points[2].KPIs["gini"]; c.Std != 0 || math.Abs(c.Mean-0.2) > 1e-15 || c.P95 != 0.2 {
		t.Errorf("constant stats %+v", c)
	}
	if one := describe([]float64{3}); one.N != 1 || one.Mean != 3 || !math.IsNaN(one.Std) || one.P5 != 3 {
		t.Errorf("one value: %+v", one)
	}
}

func statsNear(a, b Stats) bool {
	near := func(x, y float64) bool { return math.Abs(x-y) < 1e-12 || math.IsNaN(x) && math.IsNaN(y) }
	return a.N == b.N && a.NaN == b.NaN && near(a.Mean, b.Mean) && near(a.Std, b.Std) && near(a.Min, b.Min) &&
		near(a.P5, b.P5) && near(a.P50, b.P50) && near(a.P95, b.P95) && near(a.Max, b.Max)
}

// TestSummarizeOrder: the rows' order changes nothing (compared through
// JSON, which NaNs do not upset).
func TestSummarizeOrder(t *testing.T) {
	c := handCriteria(t)
	tb := handTable()
	// More values, so that sums depend on their order.
	for run := 1; run <= 40; run++ {
		tb.Rows = append(tb.Rows, Row{1, 1, run, []any{0.05, "b"}, []float64{1 / float64(run), math.Sqrt(float64(run)) * 0.1}})
	}
	ref, err := Summarize(tb, c, 0.9)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := json.Marshal(ref)
	rng := rand.New(rand.NewPCG(7, 7))
	for i := range 20 {
		rng.Shuffle(len(tb.Rows), func(a, b int) { tb.Rows[a], tb.Rows[b] = tb.Rows[b], tb.Rows[a] })
		s, err := Summarize(tb, c, 0.9)
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := json.Marshal(s); string(got) != string(want) {
			t.Fatalf("shuffle %d: the summary changed", i)
		}
	}
}

// TestSummarizeNoCriteria: without criteria there are no rates, and
// JSON leaves out "all".
func TestSummarizeNoCriteria(t *testing.T) {
	s, err := Summarize(handTable(), nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Criteria) != 0 || len(s.Points[0].Criteria) != 0 || s.Points[0].All != (Rate{}) {
		t.Errorf("rates without criteria: %+v", s.Points[0])
	}
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), `"all"`) {
		t.Errorf("JSON has all: %s", b)
	}
}

func TestSummarizeErrors(t *testing.T) {
	c := handCriteria(t)
	other, err := CompileCriteria([]string{"quality", "gini"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		edit func(*Table)
		c    *CompiledCriteria
		conf float64
		want string
	}{
		{"KPI count", func(t *Table) { t.Rows[1].KPI = t.Rows[1].KPI[:1] }, c, 0, "1 KPI values for 2 KPIs"},
		{"param count", func(t *Table) { t.Rows[0].Params = nil }, c, 0, "0 parameter values for 2 parameters"},
		{"twice", func(t *Table) { t.Rows[1].Run = 1 }, c, 0, "the job appears twice"},
		{"disagree", func(t *Table) { t.Rows[2].Params = []any{0.03, "a"} }, c, 0, "fee = 0.03, but run 1 of the same sweep point has 0.01"},
		{"simulation", func(t *Table) { t.Rows[0].Simulation = 2 }, c, 0, "the table names 2 simulations"},
		{"negative", func(t *Table) { t.Rows[0].Subset = -1 }, c, 0, "negative index"},
		{"KPI names", func(t *Table) { t.KPIs = []string{"gini", "gini"} }, c, 0, `KPI "gini" is named twice`},
		{"other KPIs", func(*Table) {}, other, 0, "the criteria were compiled for the KPIs [quality gini]"},
		{"confidence", func(*Table) {}, c, 95, "confidence 95: give a level in (0, 1)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tb := handTable()
			tc.edit(tb)
			_, err := Summarize(tb, tc.c, tc.conf)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want %q", err, tc.want)
			}
		})
	}
	// A criterion failing to evaluate names the row.
	bad, err := CompileCriteria([]string{"gini", "quality"}, []Criterion{{"b", "int(quality) > 0"}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = Summarize(handTable(), bad, 0)
	if err == nil || !strings.Contains(err.Error(), "simulation 0 (base), subset 1, run 1: criterion b: expression") {
		t.Errorf("got %v", err)
	}
}

// BenchmarkSummarize: a summary of 4 points of 250,000 runs with 10 KPIs
// and a criterion, as a million-job sweep draws it.
func BenchmarkSummarize(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	t := &Table{Params: []string{"a"}}
	for k := range 10 {
		t.KPIs = append(t.KPIs, fmt.Sprintf("k%d", k))
	}
	for pt := range 4 {
		params := []any{float64(pt)}
		for run := 1; run <= 250000; run++ {
			kpi := make([]float64, 10)
			for k := range kpi {
				kpi[k] = r.NormFloat64()
			}
			t.Rows = append(t.Rows, Row{Subset: pt, Run: run, Params: params, KPI: kpi})
		}
	}
	c, err := CompileCriteria(t.KPIs, []Criterion{{"ok", "k0 > 0"}})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Summarize(t, c, 0); err != nil {
			b.Fatal(err)
		}
	}
}
