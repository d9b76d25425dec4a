package blocks_test

import (
	"strings"
	"testing"

	"github.com/statecraft/statecraft/blocks"
	"github.com/statecraft/statecraft/gds"

	_ "github.com/statecraft/statecraft/blocks/metric"
	_ "github.com/statecraft/statecraft/blocks/process"
)

func noop(*blocks.Binding) (gds.Block, error) { return gds.Block{}, nil }

func TestRegisterChecks(t *testing.T) {
	for _, c := range []struct {
		def  blocks.Def
		want string
	}{
		{blocks.Def{Name: "nofamily", New: noop, Target: gds.KindFloat}, "want family.name"},
		{blocks.Def{Name: "a.b.c", New: noop, Target: gds.KindFloat}, "want family.name"},
		{blocks.Def{Name: "t.nonew", Target: gds.KindFloat}, "has no New function"},
		{blocks.Def{Name: "t.notarget", New: noop}, "needs a Target type"},
		{blocks.Def{Name: "t.dup", New: noop, Target: gds.KindFloat, Args: []blocks.Arg{{Name: "x", Kind: gds.KindFloat}, {Name: "x", Kind: gds.KindFloat}}}, `argument "x" is empty or declared twice`},
		{blocks.Def{Name: "t.untyped", New: noop, Target: gds.KindFloat, Args: []blocks.Arg{{Name: "x"}}}, `argument "x" has no type`},
		{blocks.Def{Name: "t.updout", New: noop, Target: gds.KindFloat, Args: []blocks.Arg{{Name: "x", Kind: gds.KindFloat, Output: true}}}, "update blocks have no outputs"},
		{blocks.Def{Name: "t.boolout", New: noop, Policy: true, Args: []blocks.Arg{{Name: "x", Kind: gds.KindBool, Output: true}}}, "signals are float, int or vector"},
		{blocks.Def{Name: "process.gbm", New: noop, Target: gds.KindFloat}, "already registered"},
	} {
		if err := blocks.Register(c.def); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want %q", c.def.Name, err, c.want)
		}
	}
}

func TestBuiltinsRegistered(t *testing.T) {
	names := strings.Join(blocks.Names(), " ")
	for _, want := range []string{"process.gbm", "process.ou", "metric.gini"} {
		if !strings.Contains(names, want) {
			t.Errorf("%s not registered (have %s)", want, names)
		}
	}
	d, ok := blocks.Lookup("process.gbm")
	if !ok || d.Policy || d.Target != gds.KindFloat {
		t.Fatalf("process.gbm = %+v", d)
	}
	if a, ok := d.Arg("sigma"); !ok || a.Default != "" || a.Kind != gds.KindFloat {
		t.Errorf("sigma = %+v (required float)", a)
	}
	if _, ok := d.Arg("nope"); ok {
		t.Error("Arg(nope) found")
	}
}

func TestBindingPanicsOnUndeclared(t *testing.T) {
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(string), `block "b" reads argument "x"`) {
			t.Errorf("recover() = %v", r)
		}
	}()
	(&blocks.Binding{Name: "b"}).Float("x")
}

// TestRegistryIsAValue: a registry of one's own knows only what was
// registered into it, and Default does not see it.
func TestRegistryIsAValue(t *testing.T) {
	reg := blocks.NewRegistry()
	def := blocks.Def{Name: "mine.hold", Target: gds.KindFloat, New: noop}
	if err := reg.Register(def); err != nil {
		t.Fatal(err)
	}
	if err := reg.Register(def); err == nil || !strings.Contains(err.Error(), `"mine.hold" is already registered`) {
		t.Errorf("second Register: %v", err)
	}
	if got := reg.Names(); len(got) != 1 || got[0] != "mine.hold" {
		t.Errorf("Names = %v", got)
	}
	if _, ok := reg.Lookup("process.gbm"); ok {
		t.Error("a new registry holds the library's blocks")
	}
	if _, ok := blocks.Lookup("mine.hold"); ok {
		t.Error("Default holds a block registered elsewhere")
	}
	var zero blocks.Registry
	zero.MustRegister(def)
	if _, ok := zero.Lookup("mine.hold"); !ok {
		t.Error("the zero Registry lost a block")
	}
}
