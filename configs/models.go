package configs

import (
	"fmt"
	"path"
	"path/filepath"
	"strings"
)

// ModelRef is the model one simulation runs, as the config names it.
type ModelRef struct {
	// Key is where the config names it: "model" or "scenarios.N.model".
	Key string
	// Name is a registered model's name, or a model file's path (ending in
	// .toml), relative to ModelDir.
	Name string
}

// Models returns the model of each simulation, in simulation order: the
// experiment's model, or with scenarios each scenario's (the experiment's
// unless the scenario names another). It is the one answer to "which
// models does this experiment run".
func (x *Experiment) Models() []ModelRef {
	if len(x.Scenarios) == 0 {
		return []ModelRef{{Key: "model", Name: x.Model}}
	}
	out := make([]ModelRef, len(x.Scenarios))
	for i, sc := range x.Scenarios {
		out[i] = ModelRef{Key: "model", Name: x.Model}
		if sc.Model != "" {
			out[i] = ModelRef{Key: fmt.Sprintf("scenarios.%d.model", i), Name: sc.Model}
		}
	}
	return out
}

// ModelDir is the directory relative model file paths are relative to: the
// config file's directory, or for an embedded config its directory in the
// repository tree (configs/...), slash-separated.
func (x *Experiment) ModelDir() string {
	if name, ok := strings.CutPrefix(x.Source, embeddedPrefix); x.Embedded && ok {
		return path.Join(embeddedDir, path.Dir(name))
	}
	return filepath.Dir(x.Source)
}
