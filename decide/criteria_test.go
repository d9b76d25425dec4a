package decide

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/statecraft/statecraft/gds/expr"
)

var testKPIs = []string{"gini", "quality", "price_cv"}

// TestCompileCriteriaErrors: every bad criterion is a *CriterionError
// naming it, and an expression error keeps its column.
func TestCompileCriteriaErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		cs    []Criterion
		index int
		want  string
		col   int // the *expr.Error's column, 0 when there is none
	}{
		{"unknown KPI", []Criterion{{"ok", "gini <= 0.7"}, {"q", "qualty >= 60"}}, 1,
			`criterion q: col 1: unknown name "qualty" (did you mean "quality"?)`, 1},
		{"not a condition", []Criterion{{"g", "gini * 2"}}, 0,
			`criterion g: "gini * 2" is a float, not a condition (compare it, as in gini <= 0.7)`, 0},
		{"an int", []Criterion{{"g", "int(gini)"}}, 0, `"int(gini)" is an int, not a condition`, 0},
		{"duplicate", []Criterion{{"g", "gini < 1"}, {"g", "quality > 1"}}, 1, "criterion g: the name is used twice", 0},
		{"no name", []Criterion{{"", "gini < 1"}}, 0, "criterion #1: it has no name", 0},
		{"reserved", []Criterion{{"all", "gini < 1"}}, 0, `criterion all: the name "all" stands for all criteria`, 0},
		{"random draw", []Criterion{{"r", "gini < uniform(0, 1)"}}, 0, "uniform reads a run's state or random stream", 8},
		{"built-in", []Criterion{{"r", "run > 3"}}, 0, `"run" is a run's built-in name`, 1},
		{"syntax", []Criterion{{"s", "gini <= "}}, 0, "criterion s: col", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := CompileCriteria(testKPIs, tc.cs)
			var ce *CriterionError
			if !errors.As(err, &ce) {
				t.Fatalf("got %v (%T), want a *CriterionError", err, err)
			}
			if ce.Index != tc.index || ce.Name != tc.cs[tc.index].Name {
				t.Errorf("Index, Name = %d, %q; want %d, %q", ce.Index, ce.Name, tc.index, tc.cs[tc.index].Name)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %q, want it to contain %q", err, tc.want)
			}
			var xe *expr.Error
			if tc.col > 0 && (!errors.As(err, &xe) || xe.Col != tc.col) {
				t.Errorf("want an *expr.Error at col %d, got %#v", tc.col, xe)
			}
		})
	}
	if _, err := CompileCriteria([]string{"a", "a"}, nil); err == nil {
		t.Error("duplicate KPI names: want an error")
	}
}

// TestEvalCriteria: criteria on KPI values, NaN comparing false.
func TestEvalCriteria(t *testing.T) {
	c, err := CompileCriteria(testKPIs, []Criterion{
		{"gini_ok", "gini <= 0.7"},
		{"quality_ok", "quality >= 60 && price_cv < 0.2"},
		{"not_unequal", "!(gini > 0.7)"},
		{"has_gini", "!isnan(gini)"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Names(); !slices.Equal(got, []string{"gini_ok", "quality_ok", "not_unequal", "has_gini"}) {
		t.Errorf("Names = %v", got)
	}
	nan := math.NaN()
	var pass []bool
	for _, tc := range []struct {
		kpi  []float64
		want []bool
	}{
		{[]float64{0.5, 70, 0.1}, []bool{true, true, true, true}},
		{[]float64{0.7, 60, 0.2}, []bool{true, false, true, true}},
		{[]float64{0.71, 59, 0.1}, []bool{false, false, false, true}},
		{[]float64{nan, nan, 0.1}, []bool{false, false, true, false}},
	} {
		pass, err = c.Eval(tc.kpi, pass)
		if err != nil || !slices.Equal(pass, tc.want) {
			t.Errorf("Eval(%v) = %v, %v; want %v", tc.kpi, pass, err, tc.want)
		}
	}
	if _, err := c.Eval([]float64{1}, nil); err == nil {
		t.Error("Eval with 1 value for 3 KPIs: want an error")
	}

	// A failing evaluation is an error naming the criterion, not a panic.
	c, err = CompileCriteria(testKPIs, []Criterion{{"a", "gini < 1"}, {"b", "int(quality) > 3"}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Eval([]float64{0.5, nan, 0}, nil)
	var ce *CriterionError
	var ee *expr.EvalError
	if !errors.As(err, &ce) || ce.Index != 1 || !errors.As(err, &ee) {
		t.Errorf("got %v, want a *CriterionError for b wrapping an *expr.EvalError", err)
	}
	if pass, err := c.Eval([]float64{0.5, 10, 0}, nil); err != nil || !slices.Equal(pass, []bool{true, true}) {
		t.Errorf("after a failure: %v, %v", pass, err)
	}
}
