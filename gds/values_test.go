package gds_test

import (
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/statecraft/statecraft/gds"
)

type member struct {
	Name   string
	Stake  float64
	Votes  int
	Active bool
}

func valuesModel(t testing.TB) *gds.Model {
	b := gds.NewBuilder("values")
	x := b.Float("x", 1.5)
	n := b.Int("n", 2)
	ok := b.Bool("ok", true)
	s := b.String("s", "hi")
	v := b.Vec("v", []float64{1, 2})
	crew := gds.AgentsOf(b, "crew", []member{{Name: "ann", Stake: 1, Votes: 2, Active: true}})
	alpha := b.ParamFloat("alpha", 0.5)
	steps := b.ParamInt("steps", 3)
	on := b.ParamBool("on", false)
	label := b.ParamString("label", "base")
	w := b.ParamVec("weights", []float64{0.25, 0.75})
	b.PSUB("p",
		x.Update(func(c *gds.Ctx) float64 { return x.Get(c) + alpha.Get(c) + w.Get(c)[0] }),
		n.Update(func(c *gds.Ctx) int64 { return n.Get(c) + steps.Get(c) }),
		ok.Update(func(c *gds.Ctx) bool { return on.Get(c) }),
		s.Update(func(c *gds.Ctx) string { return label.Get(c) }),
		v.Update(func(c *gds.Ctx, dst []float64) []float64 { return append(dst, v.Get(c)...) }),
		crew.Update(func(c *gds.Ctx, dst []member) []member { return append(dst, crew.Get(c)...) }),
	)
	return mustBuild(t, b)
}

func TestParamsSet(t *testing.T) {
	m := valuesModel(t)
	tests := []struct {
		name string
		val  any
		want any    // the stored value, if no error
		err  string // parts of the error, separated by |
	}{
		{"alpha", 2.5, 2.5, ""},
		{"alpha", 3, 3.0, ""},
		{"alpha", int64(-4), -4.0, ""},
		{"alpha", "fast", nil, `parameter "alpha": want a number, got the string "fast"`},
		{"alpha", true, nil, `parameter "alpha": want a number, got true (bool)`},
		{"alpha", nil, nil, "want a number, got nothing"},
		{"steps", int64(9), int64(9), ""},
		{"steps", 7, int64(7), ""},
		{"steps", 12.0, int64(12), ""},
		{"steps", -3.0, int64(-3), ""},
		{"steps", 3.5, nil, `parameter "steps": want an integer, got 3.5`},
		{"steps", 1e300, nil, "want an integer"},
		{"steps", "3", nil, `want an integer, got the string "3"`},
		{"on", true, true, ""},
		{"on", 1, nil, `parameter "on": want true or false, got 1 (int)`},
		{"label", "other", "other", ""},
		{"label", 5, nil, `parameter "label": want a string`},
		{"weights", []float64{1, 2, 3}, []float64{1, 2, 3}, ""},
		{"weights", []any{1, 2.5, int64(3)}, []float64{1, 2.5, 3}, ""},
		{"weights", []any{1, "x"}, nil, `parameter "weights": element 1: want a number, got the string "x"`},
		{"weights", 1.0, nil, "want a list of numbers"},
		{"weights", map[string]any{}, nil, "got a table"},
		{"alpah", 1.0, nil, `model "values" has no parameter "alpah" (did you mean "alpha"?)`},
		{"zzzzzzzzzzzz", 1.0, nil, `has no parameter "zzzzzzzzzzzz"|alpha steps on label weights`},
	}
	for _, tc := range tests {
		p := m.Defaults()
		err := p.Set(tc.name, tc.val)
		if tc.err != "" {
			if err == nil {
				t.Errorf("Set(%q, %#v) succeeded; want an error containing %q", tc.name, tc.val, tc.err)
				continue
			}
			wantContains(t, err.Error(), strings.Split(tc.err, "|")...)
			continue
		}
		if err != nil {
			t.Errorf("Set(%q, %#v): %v", tc.name, tc.val, err)
			continue
		}
		if got, ok := p.Get(tc.name); !ok || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("after Set(%q, %#v): Get = %#v, %v; want %#v", tc.name, tc.val, got, ok, tc.want)
		}
	}
}

func TestParamsCopiesAndClone(t *testing.T) {
	m := valuesModel(t)
	src := []float64{1, 2}
	p := m.Defaults()
	if err := p.Set("weights", src); err != nil {
		t.Fatal(err)
	}
	src[0] = 99 // Set copied the slice
	if got, _ := p.Get("weights"); got.([]float64)[0] != 1 {
		t.Errorf("Set kept the caller's slice: %v", got)
	}
	q := p.Clone()
	if err := q.Set("alpha", 9.0); err != nil {
		t.Fatal(err)
	}
	if err := q.Set("label", "clone"); err != nil {
		t.Fatal(err)
	}
	qv, _ := q.Get("weights")
	qv.([]float64)[1] = -1 // write through the clone's own storage
	if a, _ := p.Get("alpha"); a != 0.5 {
		t.Errorf("original alpha = %v after setting the clone's", a)
	}
	if l, _ := p.Get("label"); l != "base" {
		t.Errorf("original label = %v", l)
	}
	if w, _ := p.Get("weights"); !vecEq(w.([]float64), []float64{1, 2}) {
		t.Errorf("original weights = %v after writing the clone's", w)
	}
	// Defaults are independent of each other
	d1, d2 := m.Defaults(), m.Defaults()
	d1v, _ := d1.Get("weights")
	d1v.([]float64)[0] = 42
	if w, _ := d2.Get("weights"); w.([]float64)[0] != 0.25 {
		t.Errorf("Defaults share vector storage")
	}
	if _, ok := p.Get("nope"); ok {
		t.Errorf("Get(nope) found")
	}
}

func TestStateSet(t *testing.T) {
	m := valuesModel(t)
	tests := []struct {
		name string
		val  any
		want any
		err  string
	}{
		{"x", 4, 4.0, ""},
		{"x", "4", nil, `initial state "x": want a number, got the string "4"`},
		{"n", 5.0, int64(5), ""},
		{"n", 5.5, nil, `initial state "n": want an integer, got 5.5`},
		{"ok", false, false, ""},
		{"s", "yo", "yo", ""},
		{"v", []any{3, 4.5}, []float64{3, 4.5}, ""},
		{"crew", []member{{Name: "bo"}}, []member{{Name: "bo"}}, ""},
		{"crew", []any{map[string]any{"name": "cy", "stake": 2, "votes": 3.0, "active": true}},
			[]member{{Name: "cy", Stake: 2, Votes: 3, Active: true}}, ""},
		{"crew", []map[string]any{{"name": "di"}}, []member{{Name: "di"}}, ""},
		{"crew", []any{map[string]any{"wealth": 1}}, nil, `initial state "crew": agent 0: no field "wealth"`},
		{"crew", []any{map[string]any{"votes": 1.5}}, nil, `agent 0, field "votes": want an integer, got 1.5`},
		{"crew", []any{"ann"}, nil, `agent 0: want a table, got the string "ann"`},
		{"crew", 3, nil, "want a list of agent tables"},
		{"y", 1.0, nil, `model "values" has no state variable "y" (did you mean "x"?)`},
	}
	for _, tc := range tests {
		st := m.InitialState()
		err := st.Set(tc.name, tc.val)
		if tc.err != "" {
			if err == nil {
				t.Errorf("Set(%q, %#v) succeeded; want %q", tc.name, tc.val, tc.err)
			} else {
				wantContains(t, err.Error(), tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("Set(%q, %#v): %v", tc.name, tc.val, err)
			continue
		}
		if got, ok := st.Get(tc.name); !ok || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("after Set(%q): Get = %#v; want %#v", tc.name, got, tc.want)
		}
	}
	if _, ok := m.InitialState().Get("nope"); ok {
		t.Errorf("Get(nope) found")
	}
}

// TestJobParamsAndInit: a job's Params and Init replace the defaults, for
// that job only, and do not change the model's declared values.
func TestJobParamsAndInit(t *testing.T) {
	m := valuesModel(t)
	p := m.Defaults()
	for k, v := range map[string]any{"alpha": 1, "steps": 10, "on": true, "label": "set", "weights": []any{2, 0}} {
		if err := p.Set(k, v); err != nil {
			t.Fatal(err)
		}
	}
	st := m.InitialState()
	for k, v := range map[string]any{"x": 100, "n": -1, "s": "start", "v": []float64{9}, "crew": []member{{Name: "zed"}, {Name: "yan"}}} {
		if err := st.Set(k, v); err != nil {
			t.Fatal(err)
		}
	}
	e := m.NewEngine()
	rec := &recorder{m: m}
	if err := e.Run(t.Context(), &gds.Job{Run: 1, Timesteps: 2, Params: p, Init: st}, rec); err != nil {
		t.Fatal(err)
	}
	r0, r2 := rec.rows[0], rec.rows[2]
	if r0.f("x") != 100 || r0.i("n") != -1 || r0.s("s") != "start" || !vecEq(r0.v("v"), []float64{9}) || len(r0.V["crew"].([]member)) != 2 {
		t.Errorf("initial row %v", r0.V)
	}
	if r2.f("x") != 100+2*(1+2) || r2.i("n") != 19 || !r2.b("ok") || r2.s("s") != "set" {
		t.Errorf("row (2,1) %v", r2.V)
	}
	// the defaults again, on the same engine
	rec = &recorder{m: m}
	if err := e.Run(t.Context(), &gds.Job{Run: 1, Timesteps: 1}, rec); err != nil {
		t.Fatal(err)
	}
	r0, r1 := rec.rows[0], rec.rows[1]
	if r0.f("x") != 1.5 || r0.i("n") != 2 || !vecEq(r0.v("v"), []float64{1, 2}) || r0.V["crew"].([]member)[0].Name != "ann" {
		t.Errorf("defaults' initial row %v", r0.V)
	}
	if r1.f("x") != 1.5+0.5+0.25 || r1.i("n") != 5 || r1.s("s") != "base" {
		t.Errorf("defaults' row (1,1) %v", r1.V)
	}
}

func TestJobOfAnotherModel(t *testing.T) {
	m1, m2 := valuesModel(t), valuesModel(t)
	for _, job := range []*gds.Job{{Subset: 1, Run: 2, Timesteps: 1, Params: m2.Defaults()}, {Subset: 1, Run: 2, Timesteps: 1, Init: m2.InitialState()}} {
		err := m1.NewEngine().Run(t.Context(), job, &recorder{m: m1})
		if err == nil {
			t.Errorf("a job with another model's values ran")
			continue
		}
		wantContains(t, err.Error(), "belong", `to model "values"`, "subset 1, run 2")
	}
	// Both parts again: a parameter set of one model, and an empty vector.
	p := m1.Defaults()
	if err := p.Set("weights", []any{}); err != nil {
		t.Fatal(err)
	}
	if w, _ := p.Get("weights"); len(w.([]float64)) != 0 {
		t.Errorf("weights = %v; want empty", w)
	}
}

func TestParamBounds(t *testing.T) {
	lo, hi := 0.0, 1.0
	b := gds.NewBuilder("bounded")
	x := b.Float("x", 0)
	p := b.ParamFloat("p", 0.5)
	b.ParamBounds("p", &lo, &hi)
	b.PSUB("s", x.Update(func(c *gds.Ctx) float64 { return p.Get(c) }))
	m, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	ps := m.Defaults()
	if err := ps.Set("p", 1.5); err == nil || !strings.Contains(err.Error(), `parameter "p": 1.5 is above the maximum 1`) {
		t.Errorf("above max: %v", err)
	}
	if err := ps.Set("p", -1); err == nil || !strings.Contains(err.Error(), "below the minimum 0") {
		t.Errorf("below min: %v", err)
	}
	if err := ps.Set("p", 1.0); err != nil {
		t.Errorf("at max: %v", err)
	}
	if pi, _ := m.Param("p"); pi.Min == nil || *pi.Max != 1 {
		t.Errorf("ParamInfo bounds %+v", pi)
	}
	b2 := gds.NewBuilder("bad_default")
	y := b2.Float("y", 0)
	b2.ParamFloat("q", 2)
	b2.ParamBounds("q", &lo, &hi)
	b2.ParamBounds("nope", &lo, nil)
	b2.PSUB("s", y.Update(func(c *gds.Ctx) float64 { return 0 }))
	_, err = b2.Build()
	for _, want := range []string{`parameter "q": default 2 is above the maximum 1`, `bounds for parameter "nope", which is not declared`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("err = %v, want %q", err, want)
		}
	}
}

// TestConvert: the one conversion of config values, for every value kind.
func TestConvert(t *testing.T) {
	vec := []float64{1, 2}
	tests := []struct {
		val  any
		kind gds.Kind
		want any    // the converted value, if no error
		err  string // the whole error, if any
	}{
		{2.5, gds.KindFloat, 2.5, ""},
		{int64(-4), gds.KindFloat, -4.0, ""},
		{3, gds.KindFloat, 3.0, ""},
		{"2.5", gds.KindFloat, nil, `want a number, got the string "2.5"`},
		{true, gds.KindFloat, nil, `want a number, got true (bool)`},
		{nil, gds.KindFloat, nil, `want a number, got nothing`},

		{int64(9), gds.KindInt, int64(9), ""},
		{7, gds.KindInt, int64(7), ""},
		{3.0, gds.KindInt, int64(3), ""}, // an integral float, as TOML writes 3.0
		{math.Copysign(0, -1), gds.KindInt, int64(0), ""},
		{float64(1<<53 - 1), gds.KindInt, int64(1<<53 - 1), ""},
		{3.5, gds.KindInt, nil, `want an integer, got 3.5`},
		{math.NaN(), gds.KindInt, nil, `want an integer, got NaN`},
		{float64(1 << 53), gds.KindInt, nil, `want an integer, got 9.007199254740992e+15 (beyond ±2^53 a float is not an exact integer)`},
		{1e300, gds.KindInt, nil, `want an integer, got 1e+300 (beyond ±2^53 a float is not an exact integer)`},
		{math.Inf(-1), gds.KindInt, nil, `want an integer, got -Inf (beyond ±2^53 a float is not an exact integer)`},
		{"3", gds.KindInt, nil, `want an integer, got the string "3"`},

		{true, gds.KindBool, true, ""},
		{int64(1), gds.KindBool, nil, `want true or false, got 1 (int64)`},
		{"true", gds.KindBool, nil, `want true or false, got the string "true"`},

		{"hi", gds.KindString, "hi", ""},
		{5, gds.KindString, nil, `want a string, got 5 (int)`},

		{vec, gds.KindVec, vec, ""},
		{[]any{1, 2.5, int64(3)}, gds.KindVec, []float64{1, 2.5, 3}, ""},
		{[]any{}, gds.KindVec, []float64{}, ""},
		{[]any{1.0, "x"}, gds.KindVec, nil, `element 1: want a number, got the string "x"`},
		{[]any{1.0, []any{2.0}}, gds.KindVec, nil, `element 1: want a number, got a list [2]`},
		{1.0, gds.KindVec, nil, `want a list of numbers, got 1 (float64)`},
		{map[string]any{"a": 1}, gds.KindVec, nil, `want a list of numbers, got a table`},

		{[]any{}, gds.KindAgents, nil, `gds: cannot convert to agents, which is not a value kind`},
		{1.0, 0, nil, `gds: cannot convert to invalid, which is not a value kind`},
	}
	for _, tc := range tests {
		got, err := gds.Convert(tc.val, tc.kind)
		if tc.err != "" {
			if err == nil || err.Error() != tc.err {
				t.Errorf("Convert(%#v, %s) = %#v, %v; want the error %q", tc.val, tc.kind, got, err, tc.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Convert(%#v, %s) = %#v, %v; want %#v", tc.val, tc.kind, got, err, tc.want)
		}
	}
	out, _ := gds.Convert(vec, gds.KindVec)
	out.([]float64)[0] = 99
	if vec[0] != 1 {
		t.Error("Convert returned the caller's slice, not a copy")
	}
}

// TestNonFinite: NaN and ±Inf are refused as defaults, initial values and
// config values unless the declaration allows them.
func TestNonFinite(t *testing.T) {
	for _, c := range []struct {
		name  string
		build func(b *gds.Builder)
		want  string
	}{
		{"NaN default", func(b *gds.Builder) { b.ParamFloat("k", math.NaN()) }, `parameter "k": default NaN is not a finite number`},
		{"Inf vector default", func(b *gds.Builder) { b.ParamVec("w", []float64{1, math.Inf(-1)}) }, `parameter "w": default element 1 is -Inf, not a finite number`},
		{"Inf initial value", func(b *gds.Builder) { b.Float("y", math.Inf(1)) }, `state variable "y": initial value +Inf is not a finite number`},
		{"allowed on an int", func(b *gds.Builder) { b.ParamInt("n", 1); b.ParamAllowNonFinite("n") }, `parameter "n": only float and vector parameters can hold NaN`},
		{"allowed, undeclared", func(b *gds.Builder) { b.ParamAllowNonFinite("nope") }, `parameter "nope", allowed non-finite values, is not declared`},
	} {
		b := gds.NewBuilder("nf")
		x := b.Float("x", 1)
		c.build(b)
		b.PSUB("p", x.Update(func(c *gds.Ctx) float64 { return x.Get(c) }))
		_, err := b.Build()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: Build error %v, want %q", c.name, err, c.want)
		}
	}

	b := gds.NewBuilder("nf")
	x := b.Float("x", math.Inf(1), gds.AllowNonFinite())
	b.ParamFloat("k", math.NaN())
	b.ParamAllowNonFinite("k")
	y := b.Float("y", 0)
	b.PSUB("p", x.Update(func(c *gds.Ctx) float64 { return x.Get(c) }), y.Update(func(c *gds.Ctx) float64 { return y.Get(c) }))
	m := mustBuild(t, b)
	if err := m.Defaults().Set("k", math.Inf(-1)); err != nil {
		t.Errorf("allowed param: Set(-Inf) = %v", err)
	}
	if err := m.InitialState().Set("x", math.NaN()); err != nil {
		t.Errorf("allowed variable: Set(NaN) = %v", err)
	}
	if err := m.InitialState().Set("y", math.NaN()); err == nil || !strings.Contains(err.Error(), `initial state "y": NaN is not a finite number`) {
		t.Errorf("variable y: Set(NaN) = %v, want refused", err)
	}
	if p, _ := m.Param("k"); !p.AllowNonFinite {
		t.Errorf("ParamInfo %+v: want AllowNonFinite", p)
	}
}
