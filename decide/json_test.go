package decide

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
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

// The encodings of Rate, Stats and Point as encoding/json made them
// through reflection before they appended their bytes: the oracle.
type (
	oracleFloat float64
	oracleRate  struct {
		Name   string      `json:"name"`
		Passed int         `json:"passed"`
		Runs   int         `json:"runs"`
		Rate   oracleFloat `json:"rate"`
		Lo     oracleFloat `json:"lo"`
		Hi     oracleFloat `json:"hi"`
	}
	oracleStats struct {
		N    int         `json:"n"`
		NaN  int         `json:"nan"`
		Mean oracleFloat `json:"mean"`
		Std  oracleFloat `json:"std"`
		Min  oracleFloat `json:"min"`
		P5   oracleFloat `json:"p5"`
		P50  oracleFloat `json:"p50"`
		P95  oracleFloat `json:"p95"`
		Max  oracleFloat `json:"max"`
	}
	oraclePoint struct {
		Simulation int                    `json:"simulation"`
		Scenario   string                 `json:"scenario"`
		Subset     int                    `json:"subset"`
		Params     map[string]any         `json:"params"`
		Runs       int                    `json:"runs"`
		Criteria   []oracleRate           `json:"criteria"`
		All        oracleRate             `json:"all,omitzero"`
		KPIs       map[string]oracleStats `json:"kpis"`
	}
)

func (f oracleFloat) MarshalJSON() ([]byte, error) {
	if v := float64(f); math.IsNaN(v) || math.IsInf(v, 0) {
		return []byte("null"), nil
	}
	return json.Marshal(float64(f))
}

func oracleRateOf(r Rate) oracleRate {
	return oracleRate{r.Name, r.Passed, r.Runs, oracleFloat(r.Rate), oracleFloat(r.Lo), oracleFloat(r.Hi)}
}

func oracleStatsOf(s Stats) oracleStats {
	return oracleStats{s.N, s.NaN, oracleFloat(s.Mean), oracleFloat(s.Std), oracleFloat(s.Min), oracleFloat(s.P5), oracleFloat(s.P50), oracleFloat(s.P95), oracleFloat(s.Max)}
}

// TestJSONAppendersAreEncodingJSONs: Rate, Stats and Point append the
// bytes encoding/json wrote for them, on random values of every shape:
// floats of every magnitude and sign, NaN and ±Inf, names that JSON
// escapes, no criteria, no KPIs, a zero "all".
func TestJSONAppendersAreEncodingJSONs(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	floats := []float64{0, math.Copysign(0, -1), 1, -1, 0.1, 1e-6, 9.99e-7, 1e-7, 1e20, 1e21, -1e21, 123456789.125, 5e-324, math.MaxFloat64, math.NaN(), math.Inf(1), math.Inf(-1)}
	float := func() float64 {
		if r.IntN(3) == 0 {
			return math.Float64frombits(r.Uint64())
		}
		return floats[r.IntN(len(floats))] * math.Pow(10, float64(r.IntN(9)-4))
	}
	names := []string{"gini", "", "a<b", "x&y", `q"uote`, "back\\slash", "tab\tand\nline", "ünï", "\u2028", "bad\xffutf8", "k0"}
	name := func() string { return names[r.IntN(len(names))] }
	rate := func() Rate { return Rate{name(), r.IntN(100), r.IntN(100), float(), float(), float()} }
	stats := func() Stats {
		return Stats{r.IntN(1000), r.IntN(3), float(), float(), float(), float(), float(), float(), float()}
	}
	for i := range 2000 {
		p := Point{Simulation: r.IntN(3), Scenario: name(), Subset: r.IntN(100000), Runs: r.IntN(1000),
			Params: map[string]any{"fee": float(), "mode": name(), "n": int64(r.IntN(50)), "on": r.IntN(2) == 0, "v": []float64{float(), float()}}}
		if i%5 != 0 {
			p.Criteria = []Rate{}
			for range r.IntN(3) {
				p.Criteria = append(p.Criteria, rate())
			}
			p.All = rate()
		}
		if i%7 != 0 {
			p.KPIs = map[string]Stats{}
			for range r.IntN(4) {
				p.KPIs[name()] = stats()
			}
		}
		o := oraclePoint{p.Simulation, p.Scenario, p.Subset, jsonParams(p.Params), p.Runs, nil, oracleRateOf(p.All), nil}
		if p.Criteria != nil {
			o.Criteria = []oracleRate{}
			for _, c := range p.Criteria {
				o.Criteria = append(o.Criteria, oracleRateOf(c))
			}
		}
		if p.KPIs != nil {
			o.KPIs = map[string]oracleStats{}
			for k, s := range p.KPIs {
				o.KPIs[k] = oracleStatsOf(s)
			}
		}
		want, err := json.Marshal(o)
		if err != nil {
			t.Fatal(err)
		}
		got, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("point %d:\n got %s\nwant %s", i, got, want)
		}
		for _, v := range []float64{float(), float()} {
			got, _ := json.Marshal(Float(v))
			want, _ := json.Marshal(oracleFloat(v))
			if !bytes.Equal(got, want) {
				t.Fatalf("Float(%v) is %s, want %s", v, got, want)
			}
		}
	}
}
