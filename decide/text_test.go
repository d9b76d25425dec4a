package decide

import (
	"math"
	"strings"
	"testing"
)

func TestSummaryWriteTable(t *testing.T) {
	s, err := Summarize(handTable(), handCriteria(t), 0)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := s.WriteTable(&b); err != nil {
		t.Fatal(err)
	}
	want := `pass rates over each sweep point's runs, with 95% Wilson intervals
scenario   fee  mode  runs  gini_ok        q_ok           all
base      0.01  a        5  60% [23-88]    60% [23-88]    20% [4-62]
base      0.02  a        4  25% [5-70]     0% [0-49]      0% [0-49]
crash     0.01  b        3  100% [44-100]  100% [44-100]  100% [44-100]

KPI means over each sweep point's runs (n: runs with a value, when some gave NaN)
scenario   fee  mode  runs        gini  quality
base      0.01  a        5  0.45 (n=4)        3
base      0.02  a        4      0.7375        -
crash     0.01  b        3         0.2       20
`
	if got := b.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}

	// No criteria: only the KPI block. One unnamed simulation: no
	// scenario column; several: a sim column.
	for _, tc := range []struct {
		sims []string
		rows []Row
		want string
	}{
		{nil, []Row{{0, 0, 1, []any{1.5}, []float64{2}}}, `KPI means over each sweep point's runs (n: runs with a value, when some gave NaN)
fee  runs  k
1.5     1  2
`},
		{nil, []Row{{0, 0, 1, []any{1.5}, []float64{2}}, {1, 0, 1, []any{1.5}, []float64{3}}}, `KPI means over each sweep point's runs (n: runs with a value, when some gave NaN)
sim  fee  runs  k
0    1.5     1  2
1    1.5     1  3
`},
		{[]string{"up", ""}, []Row{{0, 0, 1, []any{1.5}, []float64{2}}, {1, 0, 1, []any{1.5}, []float64{3}}}, `KPI means over each sweep point's runs (n: runs with a value, when some gave NaN)
scenario  fee  runs  k
up        1.5     1  2
sim 1     1.5     1  3
`},
	} {
		s, err := Summarize(&Table{KPIs: []string{"k"}, Params: []string{"fee"}, Sims: tc.sims, Rows: tc.rows}, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		if err := s.WriteTable(&b); err != nil {
			t.Fatal(err)
		}
		if got := b.String(); got != tc.want {
			t.Errorf("got\n%s\nwant\n%s", got, tc.want)
		}
	}
}

func TestFormatRate(t *testing.T) {
	for _, tc := range []struct {
		passed, n int
		want      string
	}{
		{8, 10, "80% [49-94]"},
		{9, 10, "90% [60-98]"},
		{10, 10, "100% [72-100]"},
		{0, 10, "0% [0-28]"},
		{999, 1000, "99.9% [99-100]"},
		{1, 1000, "0.1% [0-1]"},
		{1, 3, "33% [6-79]"},
		{0, 0, "-"},
	} {
		if got := formatRate(newRate("r", tc.passed, tc.n, 0.95)); got != tc.want {
			t.Errorf("%d of %d: %q, want %q", tc.passed, tc.n, got, tc.want)
		}
	}
	o := Objective{Criterion: "all", Maximize: true}
	k := Objective{KPI: "x"}
	for _, tc := range []struct {
		got, want string
	}{
		{formatScore(o, 0.875), "87.5%"},
		{formatScore(o, 0.9), "90%"},
		{formatScore(o, math.NaN()), "-"},
		{formatScore(k, 1234.5678), "1235"},
		{formatDiff(o, 0.25, true), "+25.0 pts"},
		{formatDiff(k, -0.5, false), "-0.5"},
		{formatDiff(k, math.Inf(1), false), "+Inf"},
		{verdict(k, Paired{Lo: -2, Hi: -1}), "chosen better"},
		{verdict(o, Paired{Lo: -2, Hi: -1}), "chosen worse"},
		{verdict(o, Paired{Lo: -2, Hi: 1}), "no clear difference"},
		{verdict(o, Paired{Lo: math.NaN(), Hi: math.NaN()}), "too few pairs"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

// TestRankingWriteTable: the first 10 of 12 choices, a choice with a
// missing case, the paired differences.
func TestRankingWriteTable(t *testing.T) {
	var cells []cell
	for fee := int64(1); fee <= 12; fee++ {
		for u := int64(1); u <= 2; u++ {
			if fee == 12 && u == 2 {
				continue // its jobs failed
			}
			cells = append(cells, cell{0, []any{fee, u}, passing(int(20-fee-u), 20)})
		}
	}
	tb := cellTable([]string{"x"}, []string{"fee", "u"}, nil, cells)
	r, err := Rank(tb, xCriteria(t), PSUU{Controllable: []string{"fee"}})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := r.WriteTable(&b); err != nil {
		t.Fatal(err)
	}
	want := `12 choices of fee over 2 uncertain cases (u), ranked by:
  1. all: pass rate of all criteria together, in the worst case, maximised

rank  fee  all  worst case (all)
   1    1  85%  u=2
   2    2  80%  u=2
   3    3  75%  u=2
   4    4  70%  u=2
   5    5  65%  u=2
   6    6  60%  u=2
   7    7  55%  u=2
   8    8  50%  u=2
   9    9  45%  u=2
  10   10  40%  u=2
(2 more choices)

chosen: fee=1 (rank 1)

paired differences, chosen minus runner-up, of per-run values (1 or 0 for a pass, a KPI's value)
over the runs with the same case and run number; 95% t intervals; pts: percentage points
vs  objective  pairs  mean diff  interval       verdict
#2  all           40   +5.0 pts  [-2.1, +12.1]  no clear difference
#3  all           40  +10.0 pts  [+0.3, +19.7]  chosen better
#4  all           40  +15.0 pts  [+3.4, +26.6]  chosen better
`
	if got := b.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if c := r.Choices[11]; c.Params["fee"] != int64(12) || !strings.Contains(extremeCase(&c, func(*Case) string { return "u=2" }), "(no runs)") {
		t.Errorf("last choice %+v", c.Params)
	}
}
