package conformance_test

import (
	"maps"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/BurntSushi/toml"

	"github.com/statecraft/statecraft/models"
)

// configDir holds the experiment configs of the golden cases, one per case.
var configDir = filepath.Join("..", "..", "configs", "conformance")

// caseConfig is the part of the experiment config schema (see
// configs.Experiment) that defines which jobs a case runs.
type caseConfig struct {
	Model        string         `toml:"model"`
	Timesteps    int            `toml:"timesteps"`
	Runs         int            `toml:"runs"`
	Params       map[string]any `toml:"params"`
	InitialState map[string]any `toml:"initial_state"`
	Sweep        struct {
		Mode string `toml:"mode"`
	} `toml:"sweep"`
	Scenarios []struct {
		Name         string         `toml:"name"`
		Params       map[string]any `toml:"params"`
		InitialState map[string]any `toml:"initial_state"`
	} `toml:"scenarios"`
	Output struct {
		Dir string `toml:"dir"`
	} `toml:"output"`
}

// merged returns base with over's keys replaced, as a scenario overrides
// the top-level params and initial state key by key.
func merged(base, over map[string]any) map[string]any {
	out := maps.Clone(base)
	if out == nil {
		out = map[string]any{}
	}
	maps.Copy(out, over)
	return out
}

// canonical turns []float64 into []any so that the values of the case table
// and those decoded from TOML compare equal; a nil map becomes empty.
func canonical(m map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		if f, ok := v.([]float64); ok {
			l := make([]any, len(f))
			for i, x := range f {
				l[i] = x
			}
			v = l
		}
		out[k] = v
	}
	return out
}

// TestConfigsMatchCases checks that configs/conformance/<case>.toml
// describes exactly the jobs TestGolden runs, and sets every parameter and
// every state variable of the model explicitly, so that the configs document
// the cases and running them reproduces the golden data.
func TestConfigsMatchCases(t *testing.T) {
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var cfg caseConfig
			if _, err := toml.DecodeFile(filepath.Join(configDir, c.name+".toml"), &cfg); err != nil {
				t.Fatal(err)
			}
			if cfg.Timesteps != c.timesteps || cfg.Runs != c.runs || cfg.Sweep.Mode != "zip" {
				t.Errorf("timesteps %d, runs %d, sweep %q; want %d, %d, zip", cfg.Timesteps, cfg.Runs, cfg.Sweep.Mode, c.timesteps, c.runs)
			}
			if want := "out/conformance/" + c.name; cfg.Output.Dir != want {
				t.Errorf("output.dir %q, want %q", cfg.Output.Dir, want)
			}
			var sims []simulation
			if len(cfg.Scenarios) == 0 {
				sims = []simulation{{cfg.Model, cfg.Params, cfg.InitialState}}
			}
			for _, sc := range cfg.Scenarios {
				sims = append(sims, simulation{cfg.Model, merged(cfg.Params, sc.Params), merged(cfg.InitialState, sc.InitialState)})
			}
			if len(sims) != len(c.sims) {
				t.Fatalf("%d simulations, want %d", len(sims), len(c.sims))
			}
			for i, sim := range sims {
				want := c.sims[i]
				if sim.model != want.model {
					t.Errorf("simulation %d: model %q, want %q", i, sim.model, want.model)
				}
				if got, w := canonical(sim.params), canonical(want.params); !reflect.DeepEqual(got, w) {
					t.Errorf("simulation %d: params %v, want %v", i, got, w)
				}
				if got, w := canonical(sim.init), canonical(want.init); !reflect.DeepEqual(got, w) {
					t.Errorf("simulation %d: initial_state %v, want %v", i, got, w)
				}
				m, err := models.Lookup(sim.model)
				if err != nil {
					t.Fatal(err)
				}
				for _, p := range m.Params() {
					if _, ok := sim.params[p.Name]; !ok {
						t.Errorf("simulation %d: parameter %q is not set explicitly", i, p.Name)
					}
				}
				for _, v := range m.Vars() {
					if _, ok := sim.init[v.Name]; !ok {
						t.Errorf("simulation %d: initial value of %q is not set explicitly", i, v.Name)
					}
				}
			}
		})
	}
	files, err := filepath.Glob(filepath.Join(configDir, "*.toml"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range files {
		names = append(names, filepath.Base(f[:len(f)-len(".toml")]))
	}
	var want []string
	for _, c := range cases {
		// the Go model's config, and the declarative model file's
		want = append(want, c.name, c.name+"-declarative")
	}
	slices.Sort(names)
	slices.Sort(want)
	if !slices.Equal(names, want) {
		t.Errorf("configs %v, want two per golden case %v", names, want)
	}
}
