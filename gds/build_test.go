package gds_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/gds/internal/fixture"
)

func TestBuildErrors(t *testing.T) {
	one := func(c *gds.Ctx) float64 { return 1 }
	tests := []struct {
		name  string
		model string
		build func(b *gds.Builder)
		want  []string
	}{
		{"no PSUBs", "m", func(b *gds.Builder) { b.Float("x", 0) }, []string{"the model has no PSUBs"}},
		{"duplicate variable", "m", func(b *gds.Builder) {
			x := b.Float("x", 0)
			b.Int("x", 0)
			b.PSUB("p", x.Update(one))
		}, []string{`state variable "x" declared twice`}},
		{"duplicate parameter", "m", func(b *gds.Builder) {
			b.ParamFloat("alpha", 1)
			b.ParamInt("alpha", 1)
			x := b.Float("x", 0)
			b.PSUB("p", x.Update(one))
		}, []string{`parameter "alpha" declared twice`}},
		{"duplicate signal", "m", func(b *gds.Builder) {
			b.FloatSignal("flow", gds.Sum)
			gds.ListOf[int](b, "flow")
			x := b.Float("x", 0)
			b.PSUB("p", x.Update(one))
		}, []string{`signal "flow" declared twice`}},
		{"duplicate PSUB", "m", func(b *gds.Builder) {
			x := b.Float("x", 0)
			b.PSUB("step", x.Update(one))
			b.PSUB("step", x.Update(one))
		}, []string{`PSUB "step" declared twice`}},
		{"duplicate policy in a PSUB", "m", func(b *gds.Builder) {
			x := b.Float("x", 0)
			b.PSUB("p", gds.Policy("a", func(*gds.Ctx) {}), gds.Policy("a", func(*gds.Ctx) {}), x.Update(one))
		}, []string{`PSUB "p": two policies named "a"`}},
		{"invalid identifiers", "my model", func(b *gds.Builder) {
			b.Float("1x", 0)
			b.ParamFloat("a-b", 0)
			b.FloatSignal("", gds.Sum)
			x := b.Float("x", 0)
			b.PSUB("two words", x.Update(one))
		}, []string{`model name "my model"`, `state variable: "1x" is not an identifier`, `parameter: "a-b" is not an identifier`,
			"signal: empty name", `PSUB 1: "two words" is not an identifier`}},
		{"reserved names", "m", func(b *gds.Builder) {
			for _, n := range []string{"timestep", "substep", "run"} {
				b.Float(n, 0)
			}
			b.ParamFloat("simulation", 0)
			b.ParamInt("subset", 0)
			x := b.Float("x", 0)
			b.PSUB("p", x.Update(one))
		}, []string{`state variable "timestep": the name is reserved`, `state variable "substep"`, `state variable "run"`,
			`parameter "simulation": the name is reserved`, `parameter "subset"`}},
		{"two updates of one variable", "m", func(b *gds.Builder) {
			x := b.Float("price", 0)
			b.PSUB("market", x.Update(one).Named("oracle"), x.Update(one).Named("amm"))
		}, []string{`PSUB "market": variable "price" is written by two updates, "oracle" and "amm"`}},
		{"two default-named updates of one variable", "m", func(b *gds.Builder) {
			x := b.Int("n", 0)
			inc := x.Update(func(c *gds.Ctx) int64 { return 1 })
			b.PSUB("p", inc, inc)
		}, []string{`PSUB "p": variable "n" is written by two updates, "n" and "n"`}},
		{"update reads a signal no policy emits", "m", func(b *gds.Builder) {
			x := b.Float("x", 0)
			s := b.FloatSignal("demand", gds.Sum)
			b.PSUB("emit", gds.Policy("buyers", func(c *gds.Ctx) { s.Emit(c, 1) }), x.Update(one))
			b.PSUB("market", x.Update(func(c *gds.Ctx) float64 { return s.Get(c) }).Named("clear"))
		}, []string{`PSUB "market": update "clear" reads signal "demand", which no policy of the PSUB emits`, "Emits"}},
		{"conditional emitter without Emits", "m", func(b *gds.Builder) {
			x := b.Float("x", 0)
			s := b.IntSignal("orders", gds.Sum)
			b.PSUB("market",
				gds.Policy("sometimes", func(c *gds.Ctx) {
					if c.T > 50 { // beyond the traced timesteps
						s.Emit(c, 1)
					}
				}),
				x.Update(func(c *gds.Ctx) float64 { return float64(s.Get(c)) }))
		}, []string{`update "x" reads signal "orders", which no policy of the PSUB emits`}},
		{"update target of another builder", "m", func(b *gds.Builder) {
			other := gds.NewBuilder("other")
			y := other.Float("y", 0)
			x := b.Float("x", 0)
			b.PSUB("p", x.Update(one), y.Update(one))
		}, []string{`PSUB "p", update "y": updates variable "y" of another model`}},
		// Tracing stops at the first panic, which a foreign handle may
		// cause after reporting itself: one foreign handle per case.
		{"reads a variable of another builder", "m", func(b *gds.Builder) {
			other := gds.NewBuilder("other")
			other.Float("pad", 0)
			y := other.Float("y", 0)
			x := b.Float("x", 0)
			b.PSUB("p", x.Update(func(c *gds.Ctx) float64 { return y.Get(c) }))
		}, []string{`PSUB "p", update "x": reads variable "y" through a handle of another model`}},
		{"reads a parameter of another builder", "m", func(b *gds.Builder) {
			other := gds.NewBuilder("other")
			q := other.ParamFloat("q", 0)
			x := b.Float("x", 0)
			b.PSUB("p", gds.Policy("pol", func(c *gds.Ctx) { _ = q.Get(c) }), x.Update(one))
		}, []string{`PSUB "p", policy "pol": reads parameter "q" through a handle of another model`}},
		{"emits a signal of another builder", "m", func(b *gds.Builder) {
			other := gds.NewBuilder("other")
			s := other.FloatSignal("s", gds.Sum)
			x := b.Float("x", 0)
			b.PSUB("p", gds.Policy("pol", func(c *gds.Ctx) { s.Emit(c, 1) }), x.Update(one))
		}, []string{`PSUB "p", policy "pol": uses signal "s" of another model`}},
		{"reads a signal of another builder", "m", func(b *gds.Builder) {
			other := gds.NewBuilder("other")
			s := other.IntSignal("s", gds.Sum)
			x := b.Int("x", 0)
			b.PSUB("p", x.Update(func(c *gds.Ctx) int64 { return s.Get(c) }))
		}, []string{`PSUB "p", update "x": uses signal "s" of another model`}},
		{"reads a lag of another builder", "m", func(b *gds.Builder) {
			other := gds.NewBuilder("other")
			other.Float("a", 0)
			other.Float("b", 0, gds.Lags(1))
			y := other.Float("y", 0, gds.Lags(1))
			x := b.Float("x", 0, gds.Lags(1))
			b.PSUB("p", x.Update(func(c *gds.Ctx) float64 { return y.Lag(c, 1) }))
		}, []string{`PSUB "p", update "x": reads variable "y" through a handle of another model`,
			`lag of variable "y" read through a handle of another model`}},
		{"Emits a signal of another builder", "m", func(b *gds.Builder) {
			other := gds.NewBuilder("other")
			s := other.FloatSignal("s", gds.Sum)
			x := b.Float("x", 0)
			b.PSUB("p", gds.Policy("pol", func(*gds.Ctx) {}).Emits(s), x.Update(one))
		}, []string{`PSUB "p", policy "pol": declares signal "s" of another model`}},
		{"zero handles", "m", func(b *gds.Builder) {
			var zero gds.Float
			x := b.Float("x", 0)
			b.PSUB("p", x.Update(one), zero.Update(one))
		}, []string{`PSUB "p", update "<zero handle>": updates variable "<zero handle>" of another model`}},
		{"parameter named like a variable", "m", func(b *gds.Builder) {
			x := b.Float("supply", 0)
			b.ParamFloat("supply", 1)
			b.PSUB("p", x.Update(one))
		}, []string{`parameter "supply" has the name of a state variable`}},
		{"policy reads a signal", "m", func(b *gds.Builder) {
			x := b.Float("x", 0)
			s := b.FloatSignal("s", gds.Sum)
			b.PSUB("p",
				gds.Policy("first", func(c *gds.Ctx) { s.Emit(c, 1) }),
				gds.Policy("peek", func(c *gds.Ctx) { _ = s.Get(c) }),
				x.Update(func(c *gds.Ctx) float64 { return s.Get(c) }))
		}, []string{`PSUB "p", policy "peek": a policy reads signal "s"; signals are read by updates of the same PSUB`}},
		{"update emits", "m", func(b *gds.Builder) {
			x := b.Float("x", 0)
			s := gds.ListOf[string](b, "log")
			b.PSUB("p", x.Update(func(c *gds.Ctx) float64 { s.Emit(c, "hi"); return 1 }).Named("chatty"))
		}, []string{`PSUB "p", update "chatty": an update emits signal "log"; only policies emit signals`}},
		{"bad signal rules", "m", func(b *gds.Builder) {
			b.FloatSignal("f", gds.Concat)
			b.VecSignal("v", gds.Max)
			b.IntSignal("i", gds.Rule(42))
			gds.SignalOf[int](b, "c", nil)
			x := b.Float("x", 0)
			b.PSUB("p", x.Update(one))
		}, []string{`signal "f": rule concat applies to vector signals only`, `signal "v": rule max is not defined for vector signals`,
			`signal "i": unknown aggregation rule 42`, `signal "c": nil reducer`}},
		{"nil functions and zero blocks", "m", func(b *gds.Builder) {
			x := b.Float("x", 0)
			v := b.Vec("v", nil)
			a := gds.AgentsOf[struct{ N int }](b, "a", nil)
			b.PSUB("p", gds.Policy("nothing", nil), x.Update(nil), v.Update(nil), a.Edit(nil), gds.Block{})
		}, []string{`PSUB "p", policy "nothing": nil policy function`, `PSUB "p", update "x": nil update function`,
			`PSUB "p", update "v": nil update function`, `PSUB "p", update "a": nil update function`, `PSUB "p": a zero Block`}},
		{"panic while tracing", "m", func(b *gds.Builder) {
			x := b.Float("x", 0)
			b.PSUB("p", gds.Policy("boom", func(*gds.Ctx) { panic("no config") }), x.Update(one))
		}, []string{`PSUB "p", policy "boom": panicked while tracing the defaults (timestep 1): no config`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := gds.NewBuilder(tc.model)
			tc.build(b)
			be := buildErr(t, b)
			if be.Model != tc.model {
				t.Errorf("BuildError.Model = %q, want %q", be.Model, tc.model)
			}
			msg := be.Error()
			wantContains(t, msg, tc.want...)
			if n := len(be.Problems); n > 1 {
				wantContains(t, msg, "problems:")
			}
			for _, p := range be.Problems {
				if !errors.Is(be, p) {
					t.Errorf("errors.Is(BuildError, problem %v) = false", p)
				}
			}
		})
	}
}

// TestEmitsSatisfiesTheSignalCheck: a policy that emits only on some
// branches passes the check once it declares the signal with Emits, and
// the declaration shows in the structure.
func TestEmitsSatisfiesTheSignalCheck(t *testing.T) {
	b := gds.NewBuilder("cond")
	x := b.Int("x", 0)
	s := b.IntSignal("orders", gds.Sum)
	v := b.VecSignal("bundle", gds.Concat)
	b.PSUB("market",
		gds.Policy("sometimes", func(c *gds.Ctx) {
			if c.T%3 == 0 {
				s.Emit(c, 2)
				v.Emit(c, []float64{1})
			}
		}).Emits(s, v),
		x.Update(func(c *gds.Ctx) int64 { return x.Get(c) + s.Get(c) + int64(len(v.Get(c))) }))
	m := mustBuild(t, b)
	if out := m.Structure()[0].Blocks[0].SignalsOut; !reflect.DeepEqual(out, []string{"bundle", "orders"}) {
		t.Errorf("SignalsOut = %v; want [bundle orders]", out)
	}
	rec := runT(t, m, 6)
	if got := rec.at(t, 6, 1).i("x"); got != 6 {
		t.Errorf("x after 6 steps = %d; want 6", got)
	}
}

func TestBlockNames(t *testing.T) {
	b := gds.NewBuilder("names")
	x := b.Float("supply", 0)
	if n := x.Update(func(*gds.Ctx) float64 { return 0 }).Name(); n != "supply" {
		t.Errorf("an update is named after its variable; got %q", n)
	}
	if n := x.Update(func(*gds.Ctx) float64 { return 0 }).Named("mint").Name(); n != "mint" {
		t.Errorf("Named: got %q", n)
	}
	if n := gds.Policy("p", func(*gds.Ctx) {}).Name(); n != "p" {
		t.Errorf("Policy name %q", n)
	}
	if x.Name() != "supply" || b.FloatSignal("s", gds.Sum).Name() != "s" || b.ParamInt("k", 1).Name() != "k" {
		t.Errorf("handle names")
	}
	var zero gds.IntSignal
	var zp gds.FloatParam
	if zero.Name() != "<zero handle>" || zp.Name() != "<zero handle>" {
		t.Errorf("zero handle names %q %q", zero.Name(), zp.Name())
	}
}

func TestBuildTwice(t *testing.T) {
	b := gds.NewBuilder("twice")
	x := b.Float("x", 0)
	b.PSUB("p", x.Update(func(c *gds.Ctx) float64 { return 1 }))
	mustBuild(t, b)
	wantContains(t, buildErr(t, b).Error(), "Build called twice on one builder")
}

func TestBuildReportsEveryProblem(t *testing.T) {
	b := gds.NewBuilder("many")
	b.Float("timestep", 0)
	b.Float("a", 0)
	b.Float("a", 0)
	be := buildErr(t, b)
	if len(be.Problems) != 3 {
		t.Fatalf("%d problems; want 3 (reserved name, duplicate, no PSUBs): %v", len(be.Problems), be)
	}
	wantContains(t, be.Error(), `model "many": 3 problems:`, "\n  - ")
}

// structureModel is fixture.Structure: it reads and writes a bit of
// everything.
func structureModel(t testing.TB, alphaDefault float64) *gds.Model {
	t.Helper()
	m, err := fixture.Structure(alphaDefault)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	return m
}

func TestStructure(t *testing.T) {
	m := structureModel(t, 1.1)
	want := []gds.PSUBInfo{
		{Name: "grow", Blocks: []gds.BlockInfo{
			{Name: "growth", Policy: true, Reads: []string{"x"}, Lags: []string{"x[2]"}, Params: []string{"alpha"}, SignalsOut: []string{"dx", "log"}},
			{Name: "counter", Policy: true, Reads: []string{"n"}, Params: []string{"k"}, SignalsOut: []string{"cnt", "log"}},
			{Name: "x", Reads: []string{"x"}, SignalsIn: []string{"dx"}, Writes: "x"},
			{Name: "count", SignalsIn: []string{"cnt", "log"}, Writes: "n"},
		}},
		{Name: "follow", Blocks: []gds.BlockInfo{
			{Name: "y", Reads: []string{"x", "y"}, Lags: []string{"x[1]"}, Writes: "y"},
		}},
	}
	if got := m.Structure(); !reflect.DeepEqual(got, want) {
		t.Errorf("Structure:\n got %+v\nwant %+v", got, want)
	}
	var params []string
	for _, p := range m.Params() {
		params = append(params, p.Name)
	}
	if strings.Join(params, " ") != "alpha k unused" {
		t.Errorf("Params = %v", params)
	}
	if _, ok := m.Param("zz"); ok {
		t.Errorf("Param(zz) found")
	}
	if m.Name() != "structure" || m.PSUBs() != 2 {
		t.Errorf("Name %q PSUBs %d", m.Name(), m.PSUBs())
	}
	var vars []string
	for _, v := range m.Vars() {
		vars = append(vars, v.Name+":"+v.Kind.String())
	}
	if strings.Join(vars, " ") != "x:float y:float n:int" {
		t.Errorf("Vars = %v", vars)
	}
	if v, ok := m.Var("x"); !ok || v.Lags != 2 || v.Doc != "the x" || v.Slot != 0 {
		t.Errorf("Var(x) = %+v", v)
	}
	if v, ok := m.Var("n"); !ok || v.Slot != 0 || v.Kind != gds.KindInt {
		t.Errorf("Var(n) = %+v", v)
	}
	if v, ok := m.Var("y"); !ok || v.Slot != 1 {
		t.Errorf("Var(y) = %+v (slots number the variables of each kind)", v)
	}
	if _, ok := m.Var("zz"); ok {
		t.Errorf("Var(zz) found")
	}
	if p, ok := m.Param("alpha"); !ok || p.Default != 1.1 || p.Doc != "growth" || p.Kind != gds.KindFloat {
		t.Errorf("Param(alpha) = %+v", p)
	}
	if p, ok := m.Param("k"); !ok || p.Default != int64(4) {
		t.Errorf("Param(k) = %+v", p)
	}
	var sigs []string
	for _, s := range m.Signals() {
		sigs = append(sigs, s.Name+":"+s.Kind.String()+":"+s.Rule.String())
	}
	if strings.Join(sigs, " ") != "dx:float:sum cnt:int:max log:list:append" {
		t.Errorf("Signals = %v", sigs)
	}
}

func TestHash(t *testing.T) {
	a, b := structureModel(t, 1.1), structureModel(t, 1.1)
	if a.Hash() != b.Hash() {
		t.Errorf("same model, different hashes %s %s", a.Hash(), b.Hash())
	}
	if len(a.Hash()) != 16 || strings.Trim(a.Hash(), "0123456789abcdef") != "" {
		t.Errorf("hash %q: want 16 hex digits", a.Hash())
	}
	if c := structureModel(t, 1.2); c.Hash() == a.Hash() {
		t.Errorf("a changed default kept the hash %s", a.Hash())
	}
	// A changed initial value, a changed structure and a changed name
	// change the hash too.
	variant := func(name string, init float64, readY bool) string {
		b := gds.NewBuilder(name)
		x := b.Float("x", init)
		y := b.Float("y", 0)
		b.PSUB("p", x.Update(func(c *gds.Ctx) float64 {
			if readY {
				return y.Get(c)
			}
			return 1
		}))
		return mustBuild(t, b).Hash()
	}
	base := variant("v", 1, false)
	if base != variant("v", 1, false) {
		t.Errorf("hash not stable")
	}
	for _, h := range []string{variant("v", 2, false), variant("v", 1, true), variant("w", 1, false)} {
		if h == base {
			t.Errorf("a different model has the same hash %s", h)
		}
	}
	// The hash covers declarations and traced reads and writes, not the
	// code: another formula with the same reads keeps it, and so do docs.
	formula := func(k float64, doc string) string {
		b := gds.NewBuilder("v")
		x := b.Float("x", 1, gds.Doc(doc))
		b.Float("y", 0)
		b.PSUB("p", x.Update(func(c *gds.Ctx) float64 { return k }))
		return mustBuild(t, b).Hash()
	}
	if formula(1, "") != base || formula(7, "the x") != base {
		t.Errorf("a change of formula or doc changed the hash; the hash is documented as structural")
	}
}

// TestTimestepNameReserved: a variable or parameter named t would hide
// the timestep in expressions.
func TestTimestepNameReserved(t *testing.T) {
	b := gds.NewBuilder("m")
	x := b.Float("t", 0)
	b.ParamFloat("t", 1)
	b.PSUB("p", x.Update(func(c *gds.Ctx) float64 { return 0 }))
	_, err := b.Build()
	for _, want := range []string{`state variable "t": the name is the timestep's in expressions`, `parameter "t": the name is the timestep's in expressions`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("err = %v, want %q", err, want)
		}
	}
}
