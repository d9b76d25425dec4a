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

// genericStats and genericRate decode as UnmarshalJSON did before it read
// its own shape: through encoding/json, for the oracle.
func genericStats(b []byte) (Stats, error) {
	var x statsJSON
	err := json.Unmarshal(b, &x)
	return Stats{x.N, x.NaN, float64(x.Mean), float64(x.Std), float64(x.Min), float64(x.P5), float64(x.P50), float64(x.P95), float64(x.Max)}, err
}

func genericRate(b []byte) (Rate, error) {
	var x rateJSON
	err := json.Unmarshal(b, &x)
	return Rate{x.Name, x.Passed, x.Runs, float64(x.Rate), float64(x.Lo), float64(x.Hi)}, err
}

func sameBits(a, b []float64) bool {
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) && !(math.IsNaN(a[i]) && math.IsNaN(b[i])) {
			return false
		}
	}
	return true
}

func statsFloats(s Stats) []float64 {
	return []float64{s.Mean, s.Std, s.Min, s.P5, s.P50, s.P95, s.Max}
}

// TestJSONParsersAreEncodingJSONs: Stats and Rate read back what they
// write, compact or indented, exactly (NaN as NaN); and on inputs of
// another shape (keys reordered, missing or misspelt, integers with a
// fraction, escapes) they decode as encoding/json does, errors included.
func TestJSONParsersAreEncodingJSONs(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	floats := []float64{0, math.Copysign(0, -1), 1, -2.5, 1e-7, 1e21, 5e-324, math.MaxFloat64, math.NaN(), math.Inf(1)}
	float := func() float64 {
		if r.IntN(2) == 0 {
			return math.Float64frombits(r.Uint64())
		}
		return floats[r.IntN(len(floats))]
	}
	for i := range 2000 {
		s := Stats{r.IntN(1 << 30), r.IntN(5), float(), float(), float(), float(), float(), float(), float()}
		rt := Rate{[]string{"all", "gini < 1", "a<b", `q"`, "ünï", ""}[r.IntN(6)], r.IntN(1000), r.IntN(1000), float(), float(), float()}
		var doc struct {
			S Stats `json:"s"`
			R Rate  `json:"r"`
		}
		doc.S, doc.R = s, rt
		data, err := json.Marshal(doc)
		if i%2 == 0 {
			data, err = json.MarshalIndent(doc, "", "  ")
		}
		if err != nil {
			t.Fatal(err)
		}
		var back struct {
			S Stats `json:"s"`
			R Rate  `json:"r"`
		}
		if err := json.Unmarshal(data, &back); err != nil {
			t.Fatalf("%s: %v", data, err)
		}
		want := s
		for k, v := range statsFloats(want) { // what JSON keeps: ±Inf is null, read as NaN
			if math.IsInf(v, 0) {
				*[]*float64{&want.Mean, &want.Std, &want.Min, &want.P5, &want.P50, &want.P95, &want.Max}[k] = math.NaN()
			}
		}
		if back.S.N != want.N || back.S.NaN != want.NaN || !sameBits(statsFloats(back.S), statsFloats(want)) {
			t.Fatalf("%s read back as %+v, want %+v", data, back.S, want)
		}
		wantR := rt
		for _, f := range []*float64{&wantR.Rate, &wantR.Lo, &wantR.Hi} {
			if math.IsInf(*f, 0) {
				*f = math.NaN()
			}
		}
		if back.R.Name != wantR.Name || back.R.Passed != wantR.Passed || back.R.Runs != wantR.Runs ||
			!sameBits([]float64{back.R.Rate, back.R.Lo, back.R.Hi}, []float64{wantR.Rate, wantR.Lo, wantR.Hi}) {
			t.Fatalf("%s read back as %+v, want %+v", data, back.R, wantR)
		}
	}
	for _, in := range []string{
		`{"nan":1,"n":2,"mean":1,"std":2,"min":3,"p5":4,"p50":5,"p95":6,"max":7}`, // another order
		`{"n":2,"mean":1}`, // keys missing
		`{"N":2,"NaN":0,"mean":1,"std":2,"min":3,"p5":4,"p50":5,"p95":6,"max":7}`,           // another spelling
		`{"n":2.5,"nan":0,"mean":1,"std":2,"min":3,"p5":4,"p50":5,"p95":6,"max":7}`,         // a fraction
		`{"n":2,"nan":0,"mean":"x","std":2,"min":3,"p5":4,"p50":5,"p95":6,"max":7}`,         // a string
		`{"n":2,"nan":0,"mean":1e999,"std":2,"min":3,"p5":4,"p50":5,"p95":6,"max":7}`,       // out of range
		`{"n":2,"nan":0,"mean":1,"std":2,"min":3,"p5":4,"p50":5,"p95":6,"max":7,"extra":1}`, // a key more
	} {
		var got Stats
		gotErr := json.Unmarshal([]byte(in), &got)
		want, wantErr := genericStats([]byte(in))
		if (gotErr == nil) != (wantErr == nil) || gotErr == nil && (got.N != want.N || got.NaN != want.NaN || !sameBits(statsFloats(got), statsFloats(want))) {
			t.Errorf("%s: %+v, %v; encoding/json %+v, %v", in, got, gotErr, want, wantErr)
		}
	}
	for _, in := range []string{
		`{"name":"a\u003cb","passed":1,"runs":2,"rate":0.5,"lo":0.1,"hi":0.9}`, // an escape
		`{"passed":1,"name":"a","runs":2,"rate":0.5,"lo":0.1,"hi":0.9}`,
		`{"name":"a","passed":1,"runs":2,"rate":null,"lo":null,"hi":null}`,
	} {
		var got Rate
		gotErr := json.Unmarshal([]byte(in), &got)
		want, wantErr := genericRate([]byte(in))
		if (gotErr == nil) != (wantErr == nil) || got.Name != want.Name || got.Passed != want.Passed || got.Runs != want.Runs ||
			!sameBits([]float64{got.Rate, got.Lo, got.Hi}, []float64{want.Rate, want.Lo, want.Hi}) {
			t.Errorf("%s: %+v, %v; encoding/json %+v, %v", in, got, gotErr, want, wantErr)
		}
	}
}

// FuzzStatsJSON: what the fast readers accept, encoding/json reads the
// same, to the bit.
func FuzzStatsJSON(f *testing.F) {
	f.Add([]byte(`{"n":250000,"nan":0,"mean":10.5,"std":null,"min":-1e-7,"p5":1,"p50":2,"p95":3,"max":4}`))
	f.Add([]byte("{\n  \"name\": \"all\",\n  \"passed\": 3,\n  \"runs\": 4,\n  \"rate\": 0.75,\n  \"lo\": 0.3,\n  \"hi\": 0.95\n}"))
	f.Fuzz(func(t *testing.T, b []byte) {
		var s Stats
		if parseStats(b, &s) {
			want, err := genericStats(b)
			if err != nil || s.N != want.N || s.NaN != want.NaN || !sameBits(statsFloats(s), statsFloats(want)) {
				t.Fatalf("%q: %+v; encoding/json %+v, %v", b, s, want, err)
			}
		}
		var r Rate
		if parseRate(b, &r) {
			want, err := genericRate(b)
			if err != nil || r != want && !sameBits([]float64{r.Rate, r.Lo, r.Hi}, []float64{want.Rate, want.Lo, want.Hi}) || r.Name != want.Name || r.Passed != want.Passed || r.Runs != want.Runs {
				t.Fatalf("%q: %+v; encoding/json %+v, %v", b, r, want, err)
			}
		}
	})
}
