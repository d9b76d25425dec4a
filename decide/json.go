package decide

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"reflect"
	"slices"
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
	return appendFloat(nil, float64(f)), nil
}

// The summary of a sensitivity analysis or a large sweep has tens of
// thousands of points, each with a Stats a KPI and a Rate a criterion:
// encoded through encoding/json's reflection, each a json.Marshal of its
// own whose bytes the outer encoder validates again, they were a sixth of
// such a run. Rate, Stats and Point append their bytes directly, the
// bytes encoding/json gives (TestJSONAppendersAreEncodingJSONs).

// appendFloat appends v as encoding/json writes a float64, or null when
// it is NaN or ±Inf.
func appendFloat(b []byte, v float64) []byte {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return append(b, "null"...)
	}
	format := byte('f')
	if a := math.Abs(v); a != 0 && (a < 1e-6 || a >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, v, format, -1, 64)
	if format == 'e' { // e-07 as e-7, as encoding/json writes it
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

// appendString appends s as encoding/json writes a string.
func appendString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s) // escapes, HTML characters and UTF-8 as encoding/json does
			return append(b, q...)
		}
	}
	return append(append(append(b, '"'), s...), '"')
}

// appendRate appends r as Rate.MarshalJSON encodes it.
func appendRate(b []byte, r *Rate) []byte {
	b = appendString(append(b, `{"name":`...), r.Name)
	b = strconv.AppendInt(append(b, `,"passed":`...), int64(r.Passed), 10)
	b = strconv.AppendInt(append(b, `,"runs":`...), int64(r.Runs), 10)
	b = appendFloat(append(b, `,"rate":`...), r.Rate)
	b = appendFloat(append(b, `,"lo":`...), r.Lo)
	b = appendFloat(append(b, `,"hi":`...), r.Hi)
	return append(b, '}')
}

// appendStats appends s as Stats.MarshalJSON encodes it.
func appendStats(b []byte, s *Stats) []byte {
	b = strconv.AppendInt(append(b, `{"n":`...), int64(s.N), 10)
	b = strconv.AppendInt(append(b, `,"nan":`...), int64(s.NaN), 10)
	for _, f := range [...]struct {
		key string
		v   float64
	}{{`,"mean":`, s.Mean}, {`,"std":`, s.Std}, {`,"min":`, s.Min}, {`,"p5":`, s.P5}, {`,"p50":`, s.P50}, {`,"p95":`, s.P95}, {`,"max":`, s.Max}} {
		b = appendFloat(append(b, f.key...), f.v)
	}
	return append(b, '}')
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
	return appendRate(nil, &r), nil
}

// UnmarshalJSON decodes what MarshalJSON encodes (null as NaN).
func (r *Rate) UnmarshalJSON(b []byte) error {
	if parseRate(b, r) {
		return nil
	}
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
	return appendStats(nil, &s), nil
}

// UnmarshalJSON decodes what MarshalJSON encodes (null as NaN).
func (s *Stats) UnmarshalJSON(b []byte) error {
	if parseStats(b, s) {
		return nil
	}
	var x statsJSON
	if err := json.Unmarshal(b, &x); err != nil {
		return err
	}
	*s = Stats{x.N, x.NaN, float64(x.Mean), float64(x.Std), float64(x.Min), float64(x.P5), float64(x.P50), float64(x.P95), float64(x.Max)}
	return nil
}

// MarshalJSON encodes the point as {"simulation", "scenario", "subset",
// "params", "runs", "criteria", "all", "kpis"}, "all" left out when there
// are no criteria; a float parameter value that is not finite is null.
func (p Point) MarshalJSON() ([]byte, error) {
	b := strconv.AppendInt(append(make([]byte, 0, 256+200*len(p.KPIs)), `{"simulation":`...), int64(p.Simulation), 10)
	b = appendString(append(b, `,"scenario":`...), p.Scenario)
	b = strconv.AppendInt(append(b, `,"subset":`...), int64(p.Subset), 10)
	params, err := json.Marshal(jsonParams(p.Params)) // values of any kind: a few a point
	if err != nil {
		return nil, err
	}
	b = append(append(b, `,"params":`...), params...)
	b = strconv.AppendInt(append(b, `,"runs":`...), int64(p.Runs), 10)
	b = append(b, `,"criteria":`...)
	if p.Criteria == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i := range p.Criteria {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendRate(b, &p.Criteria[i])
		}
		b = append(b, ']')
	}
	if !reflect.ValueOf(p.All).IsZero() { // omitzero's test
		b = appendRate(append(b, `,"all":`...), &p.All)
	}
	b = append(b, `,"kpis":`...)
	if p.KPIs == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '{')
		for i, k := range slices.Sorted(maps.Keys(p.KPIs)) {
			if i > 0 {
				b = append(b, ',')
			}
			st := p.KPIs[k]
			b = appendStats(append(appendString(b, k), ':'), &st)
		}
		b = append(b, '}')
	}
	return append(b, '}'), nil
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

// Reading the decisions of a sweep of 10,000 points back (the report of a
// merged or resumed run) decoded each rate and statistic through a
// json.Unmarshal of its own, which validated its bytes again: a third of
// `statecraft report`'s time. parseRate and parseStats read what
// MarshalJSON and json.MarshalIndent write, and anything else (keys in
// another order, another spelling, a value JSON does not allow) goes to
// encoding/json as before (TestJSONParsersAreEncodingJSONs,
// FuzzStatsJSON).

// jsonScan reads the tokens of one JSON object of a known shape.
type jsonScan struct {
	b  []byte
	ok bool
}

func (p *jsonScan) space() {
	for len(p.b) > 0 && (p.b[0] == ' ' || p.b[0] == '\n' || p.b[0] == '\t' || p.b[0] == '\r') {
		p.b = p.b[1:]
	}
}

// tok reads the token t (a delimiter, or a key with its quotes).
func (p *jsonScan) tok(t string) {
	p.space()
	if p.ok = p.ok && len(p.b) >= len(t) && string(p.b[:len(t)]) == t; p.ok {
		p.b = p.b[len(t):]
	}
}

// key reads "name":.
func (p *jsonScan) key(name string) {
	p.tok(`"` + name + `"`)
	p.tok(":")
}

// number returns the bytes of a JSON number, and whether it has no
// fraction or exponent.
func (p *jsonScan) number() (num []byte, integer bool) {
	p.space()
	b, i := p.b, 0
	if i < len(b) && b[i] == '-' {
		i++
	}
	digits := func() int {
		n := 0
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
			n++
		}
		return n
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case digits() == 0:
		p.ok = false
		return nil, false
	}
	integer = true
	if i < len(b) && b[i] == '.' {
		i++
		if digits() == 0 {
			p.ok = false
			return nil, false
		}
		integer = false
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if digits() == 0 {
			p.ok = false
			return nil, false
		}
		integer = false
	}
	num, p.b = b[:i], b[i:]
	return num, integer
}

func (p *jsonScan) int(v *int) {
	if !p.ok {
		return
	}
	num, integer := p.number()
	if !p.ok || !integer {
		p.ok = false
		return
	}
	n, err := strconv.ParseInt(string(num), 10, 0)
	*v, p.ok = int(n), err == nil
}

// float reads a number, or null as NaN.
func (p *jsonScan) float(v *float64) {
	if !p.ok {
		return
	}
	p.space()
	if len(p.b) >= 4 && string(p.b[:4]) == "null" {
		*v, p.b = math.NaN(), p.b[4:]
		return
	}
	num, _ := p.number()
	if !p.ok {
		return
	}
	f, err := strconv.ParseFloat(string(num), 64)
	*v, p.ok = f, err == nil
}

// string reads a string without escapes (anything else: the slow path).
func (p *jsonScan) string(v *string) {
	p.tok(`"`)
	if !p.ok {
		return
	}
	for i, c := range p.b {
		if c == '"' {
			*v, p.b = string(p.b[:i]), p.b[i+1:]
			return
		}
		if c == '\\' || c < 0x20 || c >= 0x80 {
			break
		}
	}
	p.ok = false
}

// floatField is a key and where its number goes.
type floatField struct {
	key string
	v   *float64
}

// floats reads ,"key":number for each field in turn.
func (p *jsonScan) floats(fs []floatField) {
	for _, f := range fs {
		p.tok(",")
		p.key(f.key)
		p.float(f.v)
	}
}

// end reports whether the object was read whole, and nothing follows.
func (p *jsonScan) end() bool {
	p.tok("}")
	p.space()
	return p.ok && len(p.b) == 0
}

// parseRate reads a Rate as MarshalJSON writes it, reporting whether it
// could.
func parseRate(b []byte, r *Rate) bool {
	var x Rate
	p := jsonScan{b: b, ok: true}
	p.tok("{")
	p.key("name")
	p.string(&x.Name)
	p.tok(",")
	p.key("passed")
	p.int(&x.Passed)
	p.tok(",")
	p.key("runs")
	p.int(&x.Runs)
	p.floats([]floatField{{"rate", &x.Rate}, {"lo", &x.Lo}, {"hi", &x.Hi}})
	if !p.end() {
		return false
	}
	*r = x
	return true
}

// parseStats reads a Stats as MarshalJSON writes it, reporting whether it
// could.
func parseStats(b []byte, s *Stats) bool {
	var x Stats
	p := jsonScan{b: b, ok: true}
	p.tok("{")
	p.key("n")
	p.int(&x.N)
	p.tok(",")
	p.key("nan")
	p.int(&x.NaN)
	p.floats([]floatField{{"mean", &x.Mean}, {"std", &x.Std}, {"min", &x.Min}, {"p5", &x.P5}, {"p50", &x.P50}, {"p95", &x.P95}, {"max", &x.Max}})
	if !p.end() {
		return false
	}
	*s = x
	return true
}
