package configs_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/statecraft/statecraft/configs"
)

const growModel = `
name = "grow"
[variables]
x = 1.0
[params]
rate = 0.1
[[psubs]]
name = "grow"
  [psubs.updates]
  x = "x*(1.0 + rate)"
`

// TestModelFileInConfig: a config names a model file relative to itself;
// embedded configs use the embedded model files.
func TestModelFileInConfig(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "models"), 0o755)
	os.WriteFile(filepath.Join(dir, "models", "grow.toml"), []byte(growModel), 0o644)
	cfg := filepath.Join(dir, "exp.toml")
	os.WriteFile(cfg, []byte("model = \"models/grow.toml\"\ntimesteps = 3\n"), 0o644)
	x, err := configs.Load(cfg)
	if err != nil {
		t.Fatal(err)
	}
	m, err := x.ResolveModel(x.Model)
	if err != nil || m.Name() != "grow" {
		t.Fatalf("ResolveModel: %v, %v", m, err)
	}
	if _, err := x.ResolveModel("models/missing.toml"); err == nil || !strings.Contains(err.Error(), "missing.toml: no such file") {
		t.Errorf("missing model file: %v", err)
	}
	e, err := configs.LoadEmbedded("conformance/pp_det-declarative")
	if err != nil {
		t.Fatal(err)
	}
	if m, err := e.ResolveModel(e.Model); err != nil || m.Name() != "pp_det" {
		t.Errorf("embedded model file: %v, %v", m, err)
	}
	if _, err := e.ResolveModel("../../elsewhere/x.toml"); err == nil || !strings.Contains(err.Error(), "embedded configs can only use embedded model files") {
		t.Errorf("embedded config, model outside models/: %v", err)
	}
}
