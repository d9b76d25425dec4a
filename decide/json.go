package decide

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
)

// JSON: encoding/json refuses NaN and infinities, which statistics of
// no values, pass rates of no runs and missing cases produce. The types
// holding floats encode them through Float, which writes null for a value
// that is not finite and reads null back as NaN.

// Float is a float64 that JSON encodes as a number, or as null when it
// is NaN or ±Inf (which encoding/json refuses); null decodes as NaN.
type Float float64

// MarshalJSON writes the number, or null.
func (f Float) MarshalJSON() ([]byte, error) {
	v := float64(f)
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return []byte("null"), nil
	}
	return json.Marshal(v)
}

// UnmarshalJSON reads a number, or null as NaN.
func (f *Float) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		*f = Float(math.NaN())
		return nil
	}
	v, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return fmt.Errorf("decide: %s is not a number or null", b)
	}
	*f = Float(v)
	return nil
}

func toFloats(v []float64) []Float {
	if v == nil {
		return nil
	}
	out := make([]Float, len(v))
	for i, x := range v {
		out[i] = Float(x)
	}
	return out
}

func fromFloats(v []Float) []float64 {
	if v == nil {
		return nil
	}
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}

// jsonParams returns the parameter values with floats that are not
// finite made null (decoding gives JSON's types: float64 numbers, bool,
// string, []any).
func jsonParams(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		switch x := v.(type) {
		case float64:
			out[k] = Float(x)
		case []float64:
			out[k] = toFloats(x)
		default:
			out[k] = v
		}
	}
	return out
}

type rateJSON struct {
	Name   string `json:"name"`
	Passed int    `json:"passed"`
	Runs   int    `json:"runs"`
	Rate   Float  `json:"rate"`
	Lo     Float  `json:"lo"`
	Hi     Float  `json:"hi"`
}

// MarshalJSON encodes the rate as {"name", "passed", "runs", "rate",
// "lo", "hi"}, with null for a rate of no runs.
func (r Rate) MarshalJSON() ([]byte, error) {
	return json.Marshal(rateJSON{r.Name, r.Passed, r.Runs, Float(r.Rate), Float(r.Lo), Float(r.Hi)})
}

// UnmarshalJSON decodes what MarshalJSON encodes (null as NaN).
func (r *Rate) UnmarshalJSON(b []byte) error {
	var x rateJSON
	if err := json.Unmarshal(b, &x); err != nil {
		return err
	}
	*r = Rate{x.Name, x.Passed, x.Runs, float64(x.Rate), float64(x.Lo), float64(x.Hi)}
	return nil
}

type statsJSON struct {
	N    int   `json:"n"`
	NaN  int   `json:"nan"`
	Mean Float `json:"mean"`
	Std  Float `json:"std"`
	Min  Float `json:"min"`
	P5   Float `json:"p5"`
	P50  Float `json:"p50"`
	P95  Float `json:"p95"`
	Max  Float `json:"max"`
}

// MarshalJSON encodes the statistics as {"n", "nan", "mean", "std",
// "min", "p5", "p50", "p95", "max"}, with null for those that are NaN or
// infinite.
func (s Stats) MarshalJSON() ([]byte, error) {
	return json.Marshal(statsJSON{s.N, s.NaN, Float(s.Mean), Float(s.Std), Float(s.Min), Float(s.P5), Float(s.P50), Float(s.P95), Float(s.Max)})
}

// UnmarshalJSON decodes what MarshalJSON encodes (null as NaN).
func (s *Stats) UnmarshalJSON(b []byte) error {
	var x statsJSON
	if err := json.Unmarshal(b, &x); err != nil {
		return err
	}
	*s = Stats{x.N, x.NaN, float64(x.Mean), float64(x.Std), float64(x.Min), float64(x.P5), float64(x.P50), float64(x.P95), float64(x.Max)}
	return nil
}

type pointJSON struct {
	Simulation int              `json:"simulation"`
	Scenario   string           `json:"scenario"`
	Subset     int              `json:"subset"`
	Params     map[string]any   `json:"params"`
	Runs       int              `json:"runs"`
	Criteria   []Rate           `json:"criteria"`
	All        Rate             `json:"all,omitzero"`
	KPIs       map[string]Stats `json:"kpis"`
}

// MarshalJSON encodes the point as {"simulation", "scenario", "subset",
// "params", "runs", "criteria", "all", "kpis"}, "all" left out when there
// are no criteria; a float parameter value that is not finite is null.
func (p Point) MarshalJSON() ([]byte, error) {
	return json.Marshal(pointJSON{p.Simulation, p.Scenario, p.Subset, jsonParams(p.Params), p.Runs, p.Criteria, p.All, p.KPIs})
}

type caseJSON struct {
	Simulation int            `json:"simulation"`
	Scenario   string         `json:"scenario"`
	Subset     int            `json:"subset"`
	Uncertain  map[string]any `json:"uncertain"`
	Runs       int            `json:"runs"`
	Values     []Float        `json:"values"`
}

// MarshalJSON encodes the case as {"simulation", "scenario", "subset",
// "uncertain", "runs", "values"}, with null for undefined values.
func (c Case) MarshalJSON() ([]byte, error) {
	return json.Marshal(caseJSON{c.Simulation, c.Scenario, c.Subset, jsonParams(c.Uncertain), c.Runs, toFloats(c.Values)})
}

// UnmarshalJSON decodes what MarshalJSON encodes (null as NaN).
func (c *Case) UnmarshalJSON(b []byte) error {
	var x caseJSON
	if err := json.Unmarshal(b, &x); err != nil {
		return err
	}
	*c = Case{x.Simulation, x.Scenario, x.Subset, x.Uncertain, x.Runs, fromFloats(x.Values)}
	return nil
}

type choiceJSON struct {
	Params map[string]any `json:"params"`
	Cases  []Case         `json:"cases"`
	Scores []Float        `json:"scores"`
}

// MarshalJSON encodes the choice as {"params", "cases", "scores"}, with
// null for undefined scores.
func (c Choice) MarshalJSON() ([]byte, error) {
	return json.Marshal(choiceJSON{jsonParams(c.Params), c.Cases, toFloats(c.Scores)})
}

// UnmarshalJSON decodes what MarshalJSON encodes (null as NaN).
func (c *Choice) UnmarshalJSON(b []byte) error {
	var x choiceJSON
	if err := json.Unmarshal(b, &x); err != nil {
		return err
	}
	*c = Choice{x.Params, x.Cases, fromFloats(x.Scores)}
	return nil
}

type pairedJSON struct {
	Objective string `json:"objective"`
	Best      int    `json:"best"`
	Other     int    `json:"other"`
	Pairs     int    `json:"pairs"`
	MeanDiff  Float  `json:"mean_diff"`
	Lo        Float  `json:"lo"`
	Hi        Float  `json:"hi"`
}

// MarshalJSON encodes the difference as {"objective", "best", "other",
// "pairs", "mean_diff", "lo", "hi"}, with null for undefined values.
func (p Paired) MarshalJSON() ([]byte, error) {
	return json.Marshal(pairedJSON{p.Objective, p.Best, p.Other, p.Pairs, Float(p.MeanDiff), Float(p.Lo), Float(p.Hi)})
}

// UnmarshalJSON decodes what MarshalJSON encodes (null as NaN).
func (p *Paired) UnmarshalJSON(b []byte) error {
	var x pairedJSON
	if err := json.Unmarshal(b, &x); err != nil {
		return err
	}
	*p = Paired{x.Objective, x.Best, x.Other, x.Pairs, float64(x.MeanDiff), float64(x.Lo), float64(x.Hi)}
	return nil
}
