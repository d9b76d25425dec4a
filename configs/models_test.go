package configs_test

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/statecraft/statecraft/configs"
)

// TestModels: the model of each simulation, with the key that names it.
func TestModels(t *testing.T) {
	for _, c := range []struct {
		name, text string
		want       []configs.ModelRef
	}{
		{"no scenarios", "model = \"a\"\ntimesteps = 1\n", []configs.ModelRef{{Key: "model", Name: "a"}}},
		{"scenarios", "model = \"a\"\ntimesteps = 1\n[[scenarios]]\nname = \"x\"\n[[scenarios]]\nname = \"y\"\nmodel = \"b.toml\"\n[[scenarios]]\nname = \"z\"\n",
			[]configs.ModelRef{{Key: "model", Name: "a"}, {Key: "scenarios.1.model", Name: "b.toml"}, {Key: "model", Name: "a"}}},
	} {
		x, err := configs.Parse(filepath.Join("dir", "exp.toml"), []byte(c.text))
		if err != nil {
			t.Fatal(err)
		}
		if got := x.Models(); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: Models() = %+v, want %+v", c.name, got, c.want)
		}
		if x.ModelDir() != "dir" || x.Embedded {
			t.Errorf("%s: ModelDir() = %q, embedded %v", c.name, x.ModelDir(), x.Embedded)
		}
	}
	e, err := configs.LoadEmbedded("conformance/pp_det-declarative")
	if err != nil {
		t.Fatal(err)
	}
	if !e.Embedded || e.ModelDir() != "configs/conformance" {
		t.Errorf("embedded: ModelDir() = %q, embedded %v", e.ModelDir(), e.Embedded)
	}
}

// TestForModelFile: a model file runs on its own with --set timesteps;
// without it the error says how.
func TestForModelFile(t *testing.T) {
	path := filepath.Join("some", "where", "grow.toml")
	x, err := configs.ForModelFile(path, "timesteps=7", "runs=3")
	if err != nil {
		t.Fatal(err)
	}
	if x.Model != "grow.toml" || x.Timesteps != 7 || x.Runs != 3 || x.Output.Dir != "out/grow" ||
		x.ModelDir() != filepath.Join("some", "where") || x.Name() != "grow" {
		t.Errorf("experiment %+v (model dir %q, name %q)", x, x.ModelDir(), x.Name())
	}
	if !strings.Contains(x.Text, "timesteps = 7") || !strings.Contains(x.Text, `model = "grow.toml"`) {
		t.Errorf("text:\n%s", x.Text)
	}
	if _, err := configs.ForModelFile(path, "runs=3"); err == nil || !strings.Contains(err.Error(), "run it with --set timesteps=N") {
		t.Errorf("without timesteps: %v", err)
	}
	if _, err := configs.ForModelFile(path, "timesteps=3", "output.format=xlsx"); err == nil || !strings.Contains(err.Error(), `key "output.format": must be one of parquet, arrow, csv, got "xlsx"`) {
		t.Errorf("bad --set: %v", err)
	}
}
