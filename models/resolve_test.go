package models_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/models"
)

const growModel = `
name = "grow"
[variables]
x = { type = "float", initial = 1.0 }
[[psubs]]
name = "grow"
  [psubs.updates]
  x = "x * 2.0"
`

// TestResolver: a reference resolves to a registered model, a model file
// relative to its directory, or an embedded model file; model files are
// compiled once per resolver; registered names come from the resolver's
// own registry.
func TestResolver(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "models"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "models", "grow.toml"), []byte(growModel), 0o644); err != nil {
		t.Fatal(err)
	}
	compiled := 0
	reg := models.NewRegistry()
	if err := reg.Register(models.Entry{Name: "mine", Doc: "a test model", Build: func() (*gds.Model, error) {
		b := gds.NewBuilder("mine")
		x := b.Float("x", 1)
		b.PSUB("p", x.Update(func(c *gds.Ctx) float64 { return x.Get(c) + 1 }))
		return b.Build()
	}}); err != nil {
		t.Fatal(err)
	}
	r := &models.Resolver{Registry: reg}
	for _, c := range []struct {
		name string
		ref  models.Ref
		want string // model name, or an error's text
		err  bool
	}{
		{"registered", models.Ref{Name: "mine"}, "mine", false},
		{"not in this registry", models.Ref{Name: "predator_prey"}, `unknown model "predator_prey" (registered: [mine])`, true},
		{"file", models.Ref{Name: "models/grow.toml", Dir: dir}, "grow", false},
		{"file again", models.Ref{Name: "grow.toml", Dir: filepath.Join(dir, "models")}, "grow", false},
		{"missing file", models.Ref{Name: "models/missing.toml", Dir: dir}, "missing.toml: no such file", true},
		{"embedded", models.Ref{Name: "../../models/conformance/pp_det.toml", Dir: "configs/conformance", Embedded: true}, "pp_det", false},
		{"embedded, outside models/", models.Ref{Name: "../../elsewhere/x.toml", Dir: "configs/conformance", Embedded: true}, "embedded configs can only use embedded model files", true},
		{"embedded, missing", models.Ref{Name: "../models/nope.toml", Dir: "configs", Embedded: true}, "models/nope.toml: not embedded", true},
	} {
		m, err := r.Resolve(c.ref)
		switch {
		case c.err && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: err = %v, want it to contain %q", c.name, err, c.want)
		case !c.err && (err != nil || m.Name() != c.want):
			t.Errorf("%s: %v, %v; want model %q", c.name, m, err, c.want)
		}
	}
	// A model file is compiled once: the same path twice gives the same
	// model, through a counting compiler.
	counting := &models.Resolver{Compile: func(source string, data []byte) (*gds.Model, error) {
		compiled++
		b := gds.NewBuilder("counted")
		x := b.Float("x", 1)
		b.PSUB("p", x.Update(func(c *gds.Ctx) float64 { return x.Get(c) }))
		return b.Build()
	}}
	a, err1 := counting.Resolve(models.Ref{Name: "models/grow.toml", Dir: dir})
	b, err2 := counting.Resolve(models.Ref{Name: "grow.toml", Dir: filepath.Join(dir, "models")})
	if err1 != nil || err2 != nil || a != b || compiled != 1 {
		t.Errorf("compiled %d times (%v, %v); want once, one model", compiled, err1, err2)
	}
}
