package decide_test

import (
	"fmt"
	"os"

	"github.com/statecraft/statecraft/decide"
)

func ExampleWilson() {
	for _, k := range []int{0, 8, 10} {
		lo, hi := decide.Wilson(k, 10, 0.95)
		fmt.Printf("%2d of 10: [%.4f, %.4f]\n", k, lo, hi)
	}
	// Output:
	//  0 of 10: [0.0000, 0.2775]
	//  8 of 10: [0.4902, 0.9433]
	// 10 of 10: [0.7225, 1.0000]
}

// exampleTable is a token economy run in two scenarios at two fees, 10
// runs each: a run's gini grows with the fee, and more so in a crash.
func exampleTable() *decide.Table {
	t := &decide.Table{
		KPIs:   []string{"gini", "price_cv"},
		Params: []string{"fee"},
		Sims:   []string{"normal_growth", "crash"},
	}
	for sim, spread := range []float64{0.02, 0.05} {
		for subset, fee := range []float64{0.01, 0.03} {
			for run := 1; run <= 10; run++ {
				gini := 0.5 + 5*fee + spread*float64(run-5)
				cv := 0.1 + 0.01*float64(run%4) + float64(sim)*0.05
				t.Rows = append(t.Rows, decide.Row{
					Simulation: sim, Subset: subset, Run: run,
					Params: []any{fee},
					KPI:    []float64{gini, cv},
				})
			}
		}
	}
	return t
}

func ExampleSummarize() {
	t := exampleTable()
	crit, err := decide.CompileCriteria(t.KPIs, []decide.Criterion{
		{Name: "gini_ok", Expr: "gini <= 0.7"},
		{Name: "price_ok", Expr: "price_cv < 0.15"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	s, err := decide.Summarize(t, crit, 0.95)
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := s.WriteTable(os.Stdout); err != nil {
		fmt.Println(err)
	}
	// Output:
	// pass rates over each sweep point's runs, with 95% Wilson intervals
	// scenario        fee  runs  gini_ok        price_ok       all
	// normal_growth  0.01    10  100% [72-100]  100% [72-100]  100% [72-100]
	// normal_growth  0.03    10  70% [40-89]    100% [72-100]  70% [40-89]
	// crash          0.01    10  70% [40-89]    0% [0-28]      0% [0-28]
	// crash          0.03    10  50% [24-76]    0% [0-28]      0% [0-28]
	//
	// KPI means over each sweep point's runs (n: runs with a value, when some gave NaN)
	// scenario        fee  runs   gini  price_cv
	// normal_growth  0.01    10   0.56     0.115
	// normal_growth  0.03    10   0.66     0.115
	// crash          0.01    10  0.575     0.165
	// crash          0.03    10  0.675     0.165
}

func ExampleRank() {
	t := exampleTable()
	crit, err := decide.CompileCriteria(t.KPIs, []decide.Criterion{
		{Name: "gini_ok", Expr: "gini <= 0.7"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	r, err := decide.Rank(t, crit, decide.PSUU{
		Controllable: []string{"fee"},
		Objectives: []decide.Objective{
			{Criterion: "gini_ok"}, // worst case over the scenarios
			{KPI: "gini", Stat: "q95", Across: "mean"},
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := r.WriteTable(os.Stdout); err != nil {
		fmt.Println(err)
	}
	// Output:
	// 2 choices of fee over 2 uncertain cases (scenario), ranked by:
	//   1. gini_ok: pass rate of gini_ok, in the worst case, maximised
	//   2. q95 gini: percentile 95 of gini, averaged over the cases, minimised
	//
	// rank   fee  gini_ok  q95 gini  worst case (gini_ok)  pareto
	//    1  0.01      70%    0.7075  crash                 *
	//    2  0.03      50%    0.8075  crash
	// pareto: * marks the choices no other choice beats on every objective
	//
	// chosen: fee=0.01 (rank 1)
	//
	// paired differences, chosen minus runner-up, of per-run values (1 or 0 for a pass, a KPI's value)
	// over the runs with the same case and run number; 95% t intervals; pts: percentage points
	// vs  objective  pairs  mean diff  interval       verdict
	// #2  gini_ok       20  +25.0 pts  [+4.2, +45.8]  chosen better
	// #2  q95 gini      20       -0.1  [-0.1, -0.1]   chosen better
}
