package models_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/statecraft/statecraft/blocks"
	_ "github.com/statecraft/statecraft/blocks/all" // the families, for walk.toml
	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/modelfile"
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
	// A model file is compiled once per resolver: the same file named
	// twice gives the same model, and another resolver compiles its own.
	a, err1 := r.Resolve(models.Ref{Name: "models/grow.toml", Dir: dir})
	b, err2 := r.Resolve(models.Ref{Name: "grow.toml", Dir: filepath.Join(dir, "models")})
	c, err3 := (&models.Resolver{}).Resolve(models.Ref{Name: "models/grow.toml", Dir: dir})
	if err1 != nil || err2 != nil || err3 != nil || a != b || a == c {
		t.Errorf("same file: %p, %p (%v, %v), another resolver: %p (%v); want one model per resolver", a, b, err1, err2, c, err3)
	}
	// Model files compile with the resolver's compiler and its blocks.
	if err := os.WriteFile(filepath.Join(dir, "walk.toml"), []byte(walkModel), 0o644); err != nil {
		t.Fatal(err)
	}
	if m, err := (&models.Resolver{}).Resolve(models.Ref{Name: "walk.toml", Dir: dir}); err != nil || m.Name() != "walk" {
		t.Errorf("with blocks.Default: %v, %v", m, err)
	}
	none := &models.Resolver{Compiler: modelfile.Compiler{Blocks: blocks.NewRegistry()}}
	if _, err := none.Resolve(models.Ref{Name: "walk.toml", Dir: dir}); err == nil || !strings.Contains(err.Error(), `unknown block "process.gbm"`) {
		t.Errorf("with an empty block registry: %v", err)
	}
}

const walkModel = `
name = "walk"
[variables]
price = { type = "float", initial = 1.0 }
[[psubs]]
name = "move"
  [psubs.updates]
  price = { use = "process.gbm", args = { mu = 0.0, sigma = 0.1 } }
`
