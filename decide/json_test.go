package decide

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

// TestSummaryJSON: a summary with NaN statistics encodes (NaN as null)
// and decodes back with NaN.
func TestSummaryJSON(t *testing.T) {
	tb := handTable()
	for i := range tb.Rows {
		if tb.Rows[i].Simulation == 0 && tb.Rows[i].Subset == 0 {
			tb.Rows[i].Params[0] = math.Inf(1) // a parameter value JSON cannot hold
		}
	}
	s, err := Summarize(tb, handCriteria(t), 0)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatalf("Marshal: %v", err)
	}
	for _, want := range []string{
		`"quality":{"n":0,"nan":4,"mean":null,"std":null,"min":null,"p5":null,"p50":null,"p95":null,"max":null}`,
		`"params":{"fee":null,"mode":"a"}`,
		`"all":{"name":"all","passed":1,"runs":5,"rate":0.2,`,
		`{"confidence":0.95,"kpis":["gini","quality"],"criteria":["gini_ok","q_ok"],"params":["fee","mode"],"sims":["base","crash"],"points":[{"simulation":0,"scenario":"base","subset":0,`,
	} {
		if !strings.Contains(string(b), want) {
			t.Errorf("JSON lacks %s:\n%s", want, b)
		}
	}
	var back Summary
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	q := back.Points[1].KPIs["quality"]
	if q.NaN != 4 || !math.IsNaN(q.Mean) || !math.IsNaN(q.P95) {
		t.Errorf("decoded %+v", q)
	}
	if g := back.Points[0].KPIs["gini"]; !statsNear(g, s.Points[0].KPIs["gini"]) || back.Points[0].All != s.Points[0].All {
		t.Errorf("decoded %+v, %+v", g, back.Points[0].All)
	}
	if err := json.Unmarshal([]byte(`{"n":1,"mean":"x"}`), new(Stats)); err == nil {
		t.Error("a string mean: want an error")
	}
}

// TestRankingJSON: a ranking with a missing case (NaN measures and
// score) encodes and decodes.
func TestRankingJSON(t *testing.T) {
	tb := &Table{KPIs: []string{"x"}, Params: []string{"a", "u"}}
	for _, r := range []struct {
		subset int
		a, u   float64
		x      float64
	}{{0, 1, 1, 1}, {1, 1, 2, 2}, {2, 2, 1, 3}} {
		for run := 1; run <= 2; run++ {
			tb.Rows = append(tb.Rows, Row{0, r.subset, run, []any{r.a, r.u}, []float64{r.x + float64(run)}})
		}
	}
	r, err := Rank(tb, nil, PSUU{Controllable: []string{"a"}, Objectives: []Objective{{KPI: "x", Maximize: true}}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`"scores":[null]`,
		`{"simulation":0,"scenario":"","subset":-1,"uncertain":{"u":2},"runs":0,"values":[null]}`,
		`"objectives":[{"name":"mean x","kpi":"x","stat":"mean","across":"worst","maximize":true}]`,
		`"paired":[{"objective":"mean x","best":0,"other":1,"pairs":2,"mean_diff":-2,"lo":-2,"hi":-2}]`,
	} {
		if !strings.Contains(string(b), want) {
			t.Errorf("JSON lacks %s:\n%s", want, b)
		}
	}
	var back Ranking
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if c := back.Choices[1]; !math.IsNaN(c.Scores[0]) || !math.IsNaN(c.Cases[1].Values[0]) || c.Cases[1].Subset != -1 {
		t.Errorf("decoded %+v", c)
	}
	if back.Paired[0] != r.Paired[0] {
		t.Errorf("decoded %+v, want %+v", back.Paired[0], r.Paired[0])
	}
}

func mustJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
