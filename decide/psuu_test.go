package decide

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/gonum/stat"
)

// cell is one sweep point's runs, for building tables.
type cell struct {
	sim    int
	params []any
	kpis   [][]float64 // per run, from run 1
}

// cellTable builds a table, numbering each simulation's subsets in the
// order given.
func cellTable(kpis, params, sims []string, cells []cell) *Table {
	t := &Table{KPIs: kpis, Params: params, Sims: sims}
	next := map[int]int{}
	for _, c := range cells {
		sub := next[c.sim]
		next[c.sim]++
		for i, k := range c.kpis {
			t.Rows = append(t.Rows, Row{c.sim, sub, i + 1, c.params, k})
		}
	}
	return t
}

// passing returns n runs of x, the first k with x = 1 and the rest -1.
func passing(k, n int) [][]float64 {
	out := make([][]float64, n)
	for i := range out {
		out[i] = []float64{-1}
		if i < k {
			out[i][0] = 1
		}
	}
	return out
}

func xCriteria(t testing.TB) *CompiledCriteria {
	t.Helper()
	c, err := CompileCriteria([]string{"x"}, []Criterion{{"ok", "x > 0"}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func choiceParams(r *Ranking, name string) []any {
	var out []any
	for _, c := range r.Choices {
		out = append(out, c.Params[name])
	}
	return out
}

// TestRankAcross: A passes 90% in every case, B 60% in one and 100% in
// the others: A is better in the worst case, B on average and at best.
func TestRankAcross(t *testing.T) {
	var cells []cell
	for shock := int64(1); shock <= 5; shock++ {
		cells = append(cells, cell{0, []any{"A", shock}, passing(9, 10)})
		b := 10
		if shock == 3 {
			b = 6
		}
		cells = append(cells, cell{0, []any{"B", shock}, passing(b, 10)})
	}
	tb := cellTable([]string{"x"}, []string{"policy", "shock"}, nil, cells)
	c := xCriteria(t)
	for _, tc := range []struct {
		across string
		order  []any
		scores []float64
	}{
		{"", []any{"A", "B"}, []float64{0.9, 0.6}},
		{"worst", []any{"A", "B"}, []float64{0.9, 0.6}},
		{"mean", []any{"B", "A"}, []float64{0.92, 0.9}},
		{"best", []any{"B", "A"}, []float64{1, 0.9}},
	} {
		r, err := Rank(tb, c, PSUU{Controllable: []string{"policy"}, Objectives: []Objective{{Criterion: "ok", Across: tc.across}}})
		if err != nil {
			t.Fatal(err)
		}
		if got := choiceParams(r, "policy"); !slices.Equal(got, tc.order) {
			t.Errorf("across %q: order %v, want %v", tc.across, got, tc.order)
		}
		for i, s := range tc.scores {
			if math.Abs(r.Choices[i].Scores[0]-s) > 1e-12 {
				t.Errorf("across %q: choice %d scores %v, want %v", tc.across, i, r.Choices[i].Scores[0], s)
			}
		}
		if !slices.Equal(r.Uncertain, []string{"shock"}) || r.Chosen != 0 || r.Pareto != nil {
			t.Errorf("Uncertain %v, Chosen %d, Pareto %v", r.Uncertain, r.Chosen, r.Pareto)
		}
		if o := r.Objectives[0]; o.Name != "ok" || !o.Maximize || o.Across == "" {
			t.Errorf("objective %+v", o)
		}
	}
	// The cases of a choice, in order, with their measures.
	r, err := Rank(tb, c, PSUU{Controllable: []string{"policy"}})
	if err != nil {
		t.Fatal(err)
	}
	b := r.Choices[1]
	if len(b.Cases) != 5 || b.Cases[2].Uncertain["shock"] != int64(3) || b.Cases[2].Values[0] != 0.6 || b.Cases[2].Runs != 10 || b.Cases[2].Subset != 5 {
		t.Errorf("B's cases %+v", b.Cases)
	}
	if r.Objectives[0].Criterion != "all" || r.Objectives[0].Name != "all" {
		t.Errorf("default objective %+v", r.Objectives[0])
	}
}

// TestRankWeighted: scenarios weigh as given, a scenario's weight
// shared by its cases.
func TestRankWeighted(t *testing.T) {
	cells := []cell{
		{0, []any{"A", 0.0}, passing(9, 10)}, {0, []any{"B", 0.0}, passing(10, 10)},
		{1, []any{"A", 1.0}, passing(8, 10)}, {1, []any{"B", 1.0}, passing(4, 10)},
		{1, []any{"A", 2.0}, passing(8, 10)}, {1, []any{"B", 2.0}, passing(2, 10)},
	}
	tb := cellTable([]string{"x"}, []string{"policy", "shock"}, []string{"calm", "storm"}, cells)
	c := xCriteria(t)
	for _, tc := range []struct {
		weights map[string]float64
		order   []any
		scores  []float64
	}{
		// A: 3/4·0.9 + 1/4·(0.8+0.8)/2 = 0.875; B: 3/4·1 + 1/4·(0.4+0.2)/2 = 0.825.
		{map[string]float64{"calm": 3, "storm": 1}, []any{"A", "B"}, []float64{0.875, 0.825}},
		// A: 0.9·0.9 + 0.1·0.8 = 0.89; B: 0.9 + 0.1·0.3 = 0.93.
		{map[string]float64{"calm": 9, "storm": 1}, []any{"B", "A"}, []float64{0.93, 0.89}},
	} {
		r, err := Rank(tb, c, PSUU{Controllable: []string{"policy"}, Objectives: []Objective{{Across: "weighted", Weights: tc.weights}}})
		if err != nil {
			t.Fatal(err)
		}
		if got := choiceParams(r, "policy"); !slices.Equal(got, tc.order) {
			t.Errorf("%v: order %v, want %v", tc.weights, got, tc.order)
		}
		for i, s := range tc.scores {
			if math.Abs(r.Choices[i].Scores[0]-s) > 1e-12 {
				t.Errorf("%v: choice %d scores %v, want %v", tc.weights, i, r.Choices[i].Scores[0], s)
			}
		}
		if !slices.Equal(r.Uncertain, []string{"scenario", "shock"}) {
			t.Errorf("Uncertain %v", r.Uncertain)
		}
	}
}

// TestRankKPI: a KPI statistic minimised or maximised; ties broken by the
// next objective, then by the controllable values.
func TestRankKPI(t *testing.T) {
	cells := []cell{
		{0, []any{0.3}, [][]float64{{8, 1}, {2, 1}, {11, 1}}},
		{0, []any{0.1}, [][]float64{{5, 1}, {7, 1}}},
		{0, []any{0.2}, [][]float64{{3, 1}, {5, 1}}},
	}
	tb := cellTable([]string{"cost", "one"}, []string{"fee"}, nil, cells)
	// stat.LinInterp: Q(0.95) of 2 8 11 is 0.15·8 + 0.85·11, of 5 7 is
	// 0.1·5 + 0.9·7; Q(0.5) of 2 8 11 is (2+8)/2 and of 5 7 is 5.
	q := func(p float64, x ...float64) float64 { return stat.Quantile(p, stat.LinInterp, x, nil) }
	q95 := q(0.95, 2, 8, 11)
	if math.Abs(q95-10.55) > 1e-12 || math.Abs(q(0.95, 5, 7)-6.8) > 1e-12 || q(0.5, 2, 8, 11) != 5 || q(0.5, 5, 7) != 5 {
		t.Fatalf("stat.Quantile is not as worked out")
	}
	for _, tc := range []struct {
		name  string
		objs  []Objective
		order []any
		first []float64 // the first objective's scores, in rank order
	}{
		{"minimise mean", []Objective{{KPI: "cost"}}, []any{0.2, 0.1, 0.3}, []float64{4, 6, 7}},
		{"maximise mean", []Objective{{KPI: "cost", Maximize: true}}, []any{0.3, 0.1, 0.2}, []float64{7, 6, 4}},
		{"median", []Objective{{KPI: "cost", Stat: "median"}}, []any{0.2, 0.1, 0.3}, []float64{3, 5, 5}},
		{"q95", []Objective{{KPI: "cost", Stat: "q95", Maximize: true}}, []any{0.3, 0.1, 0.2}, []float64{q95, q(0.95, 5, 7), q(0.95, 3, 5)}},
		{"quantile", []Objective{{KPI: "cost", Stat: "quantile", Quantile: 0.95, Maximize: true}}, []any{0.3, 0.1, 0.2}, []float64{q95, q(0.95, 5, 7), q(0.95, 3, 5)}},
		{"q00 is the min", []Objective{{KPI: "cost", Stat: "q00"}}, []any{0.3, 0.2, 0.1}, []float64{2, 3, 5}},
		{"full tie: by fee", []Objective{{KPI: "one"}}, []any{0.1, 0.2, 0.3}, []float64{1, 1, 1}},
		{"tie broken by the next", []Objective{{KPI: "one"}, {KPI: "cost", Maximize: true}}, []any{0.3, 0.1, 0.2}, []float64{1, 1, 1}},
	} {
		r, err := Rank(tb, nil, PSUU{Controllable: []string{"fee"}, Objectives: tc.objs})
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got := choiceParams(r, "fee"); !slices.Equal(got, tc.order) {
			t.Errorf("%s: order %v, want %v", tc.name, got, tc.order)
		}
		for i, s := range tc.first {
			if math.Abs(r.Choices[i].Scores[0]-s) > 1e-12 {
				t.Errorf("%s: choice %d scores %v, want %v", tc.name, i, r.Choices[i].Scores[0], s)
			}
		}
	}
}

// TestRankMissingCase: a choice without runs in a case scores NaN and
// ranks last, however well it does elsewhere.
func TestRankMissingCase(t *testing.T) {
	cells := []cell{
		{0, []any{"A", 1.0}, passing(10, 10)},
		{0, []any{"B", 1.0}, passing(5, 10)}, {0, []any{"B", 2.0}, passing(5, 10)},
		{0, []any{"C", 1.0}, passing(4, 10)}, {0, []any{"C", 2.0}, [][]float64{{math.NaN()}}},
	}
	tb := cellTable([]string{"x"}, []string{"policy", "u"}, nil, cells)
	for _, across := range []string{"worst", "best", "mean"} {
		r, err := Rank(tb, xCriteria(t), PSUU{Controllable: []string{"policy"}, Objectives: []Objective{{Across: across}}})
		if err != nil {
			t.Fatal(err)
		}
		if got := choiceParams(r, "policy"); !slices.Equal(got, []any{"B", "C", "A"}) {
			t.Errorf("%s: order %v", across, got)
		}
		a := r.Choices[2]
		if m := a.Cases[1]; m.Runs != 0 || m.Subset != -1 || !math.IsNaN(m.Values[0]) || m.Uncertain["u"] != 2.0 || !math.IsNaN(a.Scores[0]) {
			t.Errorf("%s: A's missing case %+v, score %v", across, m, a.Scores)
		}
	}
	// A KPI whose values in a case are all NaN has no measure there.
	r, err := Rank(tb, nil, PSUU{Controllable: []string{"policy"}, Objectives: []Objective{{KPI: "x", Maximize: true}}})
	if err != nil {
		t.Fatal(err)
	}
	if got := choiceParams(r, "policy"); !slices.Equal(got, []any{"B", "A", "C"}) {
		t.Errorf("KPI: order %v", got)
	}
}

// TestPareto: a front worked out by hand, a maximised and a minimised
// objective; a NaN score is the worst, but a choice best on the other
// objective stays on the front.
func TestPareto(t *testing.T) {
	nan := math.NaN()
	ab := map[int64][2]float64{1: {1, 1}, 2: {2, 3}, 3: {3, 2}, 4: {0.5, 0.5}, 5: {2, 4}, 6: {nan, 0.1}}
	var cells []cell
	for p := int64(1); p <= 6; p++ {
		cells = append(cells, cell{0, []any{p}, [][]float64{{ab[p][0], ab[p][1]}}})
	}
	tb := cellTable([]string{"a", "b"}, []string{"p"}, nil, cells)
	r, err := Rank(tb, nil, PSUU{Controllable: []string{"p"}, Objectives: []Objective{{KPI: "a", Maximize: true}, {KPI: "b"}}})
	if err != nil {
		t.Fatal(err)
	}
	if got := choiceParams(r, "p"); !slices.Equal(got, []any{int64(3), int64(2), int64(5), int64(1), int64(4), int64(6)}) {
		t.Errorf("order %v", got)
	}
	if !slices.Equal(r.Pareto, []int{0, 3, 4, 5}) {
		t.Errorf("Pareto %v, want [0 3 4 5] (p = 3, 1, 4, 6)", r.Pareto)
	}
	if len(r.Paired) != 6 || r.Paired[5].Other != 3 || r.Paired[5].Objective != "mean b" {
		t.Errorf("Paired: %+v", r.Paired)
	}
	// Equal scores dominate neither way.
	o := []objective{{Objective: Objective{Maximize: true}}, {}}
	if dominates([]float64{1, 1}, []float64{1, 1}, o) || !dominates([]float64{1, 1}, []float64{1, 2}, o) || dominates([]float64{2, 2}, []float64{1, 1}, o) {
		t.Error("dominates")
	}
}

// TestPaired: differences worked out by hand, with a NaN pair and an
// unpaired run left out.
func TestPaired(t *testing.T) {
	nan := math.NaN()
	runs := func(xs ...float64) [][]float64 {
		out := make([][]float64, len(xs))
		for i, x := range xs {
			out[i] = []float64{x}
		}
		return out
	}
	cells := []cell{
		{0, []any{"A", 1.0}, runs(5, 6, 7)}, {0, []any{"A", 2.0}, runs(4, 8, nan)},
		{0, []any{"B", 1.0}, runs(4, 6, 5)}, {0, []any{"B", 2.0}, runs(4, 7, 1, 9)},
	}
	tb := cellTable([]string{"x"}, []string{"c", "u"}, nil, cells)
	crit, err := CompileCriteria([]string{"x"}, []Criterion{{"ok", "x >= 5"}})
	if err != nil {
		t.Fatal(err)
	}
	r, err := Rank(tb, crit, PSUU{Controllable: []string{"c"}, Objectives: []Objective{{KPI: "x", Maximize: true, Across: "mean"}, {Criterion: "ok"}}})
	if err != nil {
		t.Fatal(err)
	}
	if got := choiceParams(r, "c"); !slices.Equal(got, []any{"A", "B"}) {
		t.Fatalf("order %v", got)
	}
	// x: A - B over (u, run): 1 0 2 | 0 1 (run 3 of u=2 is NaN for A; run 4 only B's).
	t4 := 2.7764451051977987 // t quantile at 0.975, 4 degrees of freedom
	half := t4 * math.Sqrt(0.7) / math.Sqrt(5)
	// ok: A passes 1 1 1 | 0 1 0, B 0 1 1 | 0 1 0: differences 1 0 0 0 0 0.
	t5 := 2.570581835636314
	halfOK := t5 * math.Sqrt(1.0/6) / math.Sqrt(6)
	want := []Paired{
		{"mean x", 0, 1, 5, 0.8, 0.8 - half, 0.8 + half},
		{"ok", 0, 1, 6, 1.0 / 6, 1.0/6 - halfOK, 1.0/6 + halfOK},
	}
	if len(r.Paired) != len(want) {
		t.Fatalf("Paired %+v", r.Paired)
	}
	for i, w := range want {
		p := r.Paired[i]
		if p.Objective != w.Objective || p.Best != w.Best || p.Other != w.Other || p.Pairs != w.Pairs ||
			math.Abs(p.MeanDiff-w.MeanDiff) > 1e-12 || math.Abs(p.Lo-w.Lo) > 1e-9 || math.Abs(p.Hi-w.Hi) > 1e-9 {
			t.Errorf("Paired[%d] = %+v, want %+v", i, p, w)
		}
	}
	// Fewer than 2 pairs: no interval.
	if p := pairedDiff([]float64{3}, 0.95); p.MeanDiff != 3 || !math.IsNaN(p.Lo) || !math.IsNaN(p.Hi) {
		t.Errorf("one pair: %+v", p)
	}
	if p := pairedDiff(nil, 0.95); p.Pairs != 0 || !math.IsNaN(p.MeanDiff) {
		t.Errorf("no pairs: %+v", p)
	}
}

// TestRankOrder: the rows' order changes nothing.
func TestRankOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var cells []cell
	for sim := range 2 {
		for _, fee := range []float64{0.3, 0.1, 0.2} {
			for _, u := range []int64{2, 1} {
				var rs [][]float64
				for range 8 {
					rs = append(rs, []float64{rng.Float64()*2 - 0.5, rng.NormFloat64()})
				}
				cells = append(cells, cell{sim, []any{fee, u}, rs})
			}
		}
	}
	tb := cellTable([]string{"x", "y"}, []string{"fee", "u"}, []string{"s0", "s1"}, cells)
	c, err := CompileCriteria([]string{"x", "y"}, []Criterion{{"ok", "x > 0"}, {"y_ok", "y < 1"}})
	if err != nil {
		t.Fatal(err)
	}
	p := PSUU{Controllable: []string{"fee"}, Objectives: []Objective{{}, {KPI: "y", Across: "mean"}, {KPI: "x", Stat: "q05", Maximize: true}}}
	ref, err := Rank(tb, c, p)
	if err != nil {
		t.Fatal(err)
	}
	want := mustJSON(t, ref)
	for i := range 20 {
		rng.Shuffle(len(tb.Rows), func(a, b int) { tb.Rows[a], tb.Rows[b] = tb.Rows[b], tb.Rows[a] })
		r, err := Rank(tb, c, p)
		if err != nil {
			t.Fatal(err)
		}
		if got := mustJSON(t, r); got != want {
			t.Fatalf("shuffle %d: the ranking changed", i)
		}
	}
}

func TestRankErrors(t *testing.T) {
	cells := []cell{
		{0, []any{1.0, 1.0}, passing(1, 2)}, {0, []any{2.0, 1.0}, passing(2, 2)},
		{1, []any{1.0, 1.0}, passing(1, 2)}, {1, []any{2.0, 1.0}, passing(2, 2)},
	}
	named := []string{"calm", "storm"}
	tb := cellTable([]string{"x"}, []string{"fee", "cap"}, named, cells)
	c := xCriteria(t)
	obj := func(o ...Objective) PSUU { return PSUU{Controllable: []string{"fee"}, Objectives: o} }
	for _, tc := range []struct {
		name string
		tb   *Table
		c    *CompiledCriteria
		p    PSUU
		want string
	}{
		{"no controllable", tb, c, PSUU{}, "psuu.controllable: name at least one swept parameter"},
		{"unknown controllable", tb, c, PSUU{Controllable: []string{"fees"}},
			`psuu.controllable: "fees" is not a swept parameter (did you mean "fee"?); the swept parameters are fee, cap`},
		{"nothing swept", cellTable([]string{"x"}, nil, nil, []cell{{0, nil, passing(1, 1)}}), c, PSUU{Controllable: []string{"fee"}},
			"the experiment sweeps none"},
		{"controllable twice", tb, c, PSUU{Controllable: []string{"fee", "fee"}}, `"fee" is named twice`},
		{"no criteria, no objective", tb, nil, obj(), "psuu.objectives: there are no criteria to pass, so name an objective with a KPI"},
		{"no criteria for all", tb, nil, obj(Objective{}), `psuu.objectives[0]: criterion "all": there are no criteria`},
		{"unknown criterion", tb, c, obj(Objective{Criterion: "okk"}), `psuu.objectives[0]: unknown criterion "okk" (did you mean "ok"?)`},
		{"unknown KPI", tb, c, obj(Objective{Name: "cost", KPI: "y"}), `psuu.objectives[0] (cost): unknown KPI "y"`},
		{"both", tb, c, obj(Objective{Criterion: "ok", KPI: "x"}), "give a criterion or a KPI, not both"},
		{"stat of a criterion", tb, c, obj(Objective{Stat: "median"}), "stat and quantile are for a KPI"},
		{"bad stat", tb, c, obj(Objective{KPI: "x", Stat: "q5x"}), `stat: must be mean, median, qNN`},
		{"q101", tb, c, obj(Objective{KPI: "x", Stat: "q101"}), `stat: must be`},
		{"stray quantile", tb, c, obj(Objective{KPI: "x", Quantile: 0.5}), `quantile 0.5 is for stat = "quantile"`},
		{"bad quantile", tb, c, obj(Objective{KPI: "x", Stat: "quantile", Quantile: 1.5}), "quantile 1.5: must be in [0, 1]"},
		{"bad across", tb, c, obj(Objective{Across: "average"}), `across: must be one of worst, best, mean, weighted, got "average"`},
		{"stray weights", tb, c, obj(Objective{Weights: map[string]float64{"calm": 1}}), `weights are for across = "weighted", not "worst"`},
		{"missing weight", tb, c, obj(Objective{Across: "weighted", Weights: map[string]float64{"calm": 1}}), `scenario "storm" has no weight (the scenarios are calm, storm)`},
		{"unknown weight", tb, c, obj(Objective{Across: "weighted", Weights: map[string]float64{"calm": 1, "storm": 1, "strom": 1}}), `"strom" is not a scenario (did you mean "storm"?)`},
		{"negative weight", tb, c, obj(Objective{Across: "weighted", Weights: map[string]float64{"calm": 1, "storm": -1}}), `weight -1 must be finite and >= 0`},
		{"zero weights", tb, c, obj(Objective{Across: "weighted", Weights: map[string]float64{"calm": 0, "storm": 0}}), "weights: all are 0"},
		{"unnamed scenarios", cellTable([]string{"x"}, []string{"fee", "cap"}, nil, cells), c, obj(Objective{Across: "weighted"}), `across = "weighted" weighs named scenarios, and simulation 0 has no name`},
		{"same names", tb, c, obj(Objective{}, Objective{Across: "mean"}), `psuu.objectives[0] and [1] are both named "all"`},
		{"confidence", tb, c, PSUU{Controllable: []string{"fee"}, Confidence: 1}, "confidence 1"},
		{"no rows", &Table{KPIs: []string{"x"}}, c, PSUU{Controllable: []string{"fee"}}, "no finished runs to rank"},
		{"same sweep values", cellTable([]string{"x"}, []string{"fee", "cap"}, named, append(slices.Clone(cells), cell{1, []any{2.0, 1.0}, passing(1, 1)})), c,
			PSUU{Controllable: []string{"fee"}}, "simulation 1: subsets 1 and 2 have the same parameter values"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Rank(tc.tb, tc.c, tc.p)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want %q", err, tc.want)
			}
		})
	}
}
