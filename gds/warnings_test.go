package gds_test

import (
	"reflect"
	"testing"

	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/gds/internal/fixture"
)

func TestWarnings(t *testing.T) {
	want := []string{
		`policy "idle" in PSUB "grow" emits no signal`,
		`signal "extra" is emitted in PSUB "grow" but no update of the PSUB reads it`,
		`parameter "unused" is not read by any block`,
		`state variable "z" is neither read nor written by any block`,
		`signal "orphan" is neither emitted nor read by any block`,
	}
	got := diagram(t).Warnings()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Warnings:\n got %q\nwant %q", got, want)
	}
	// deterministic across builds
	for range 5 {
		if again := diagram(t).Warnings(); !reflect.DeepEqual(again, got) {
			t.Fatalf("Warnings changed between builds: %q", again)
		}
	}
	if got := structureModel(t, 1.1).Warnings(); !reflect.DeepEqual(got, []string{`parameter "unused" is not read by any block`}) {
		t.Errorf("structure model: %q", got)
	}
}

// TestWarningsPerPSUB: a signal read in one PSUB but emitted without a
// reader in another is reported for the second PSUB only, in declaration
// order of the signals; variables that are only read or only written are
// not reported.
func TestWarningsPerPSUB(t *testing.T) {
	b := gds.NewBuilder("per_psub")
	x := b.Float("x", 0)
	c := b.Float("c", 1, gds.Doc("a constant: read, never written"))
	out := b.Float("out", 0, gds.Doc("an output: written, never read"))
	s2 := b.FloatSignal("s2", gds.Sum)
	s1 := b.FloatSignal("s1", gds.Sum)
	b.PSUB("first",
		gds.Policy("p", func(ctx *gds.Ctx) { s1.Emit(ctx, c.Get(ctx)); s2.Emit(ctx, 1) }),
		x.Update(func(ctx *gds.Ctx) float64 { return x.Get(ctx) + s1.Get(ctx) + s2.Get(ctx) }),
	)
	b.PSUB("second",
		gds.Policy("q", func(ctx *gds.Ctx) { s1.Emit(ctx, 1); s2.Emit(ctx, 2) }),
		out.Update(func(*gds.Ctx) float64 { return 1 }),
	)
	m := mustBuild(t, b)
	want := []string{
		`signal "s2" is emitted in PSUB "second" but no update of the PSUB reads it`,
		`signal "s1" is emitted in PSUB "second" but no update of the PSUB reads it`,
	}
	if got := m.Warnings(); !reflect.DeepEqual(got, want) {
		t.Errorf("Warnings:\n got %q\nwant %q", got, want)
	}
}

func TestNoWarnings(t *testing.T) {
	b := gds.NewBuilder("clean")
	x := b.Float("x", 1)
	k := b.ParamFloat("k", 2)
	d := b.FloatSignal("d", gds.Sum)
	b.PSUB("step",
		gds.Policy("p", func(c *gds.Ctx) { d.Emit(c, k.Get(c)*x.Get(c)) }),
		x.Update(func(c *gds.Ctx) float64 { return x.Get(c) + d.Get(c) }),
	)
	if w := mustBuild(t, b).Warnings(); w != nil {
		t.Errorf("Warnings = %q, want nil", w)
	}
}

// diagram is fixture.Diagram.
func diagram(t testing.TB) *gds.Model {
	t.Helper()
	m, err := fixture.Diagram()
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	return m
}
