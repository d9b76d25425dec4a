package cli

import (
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/statecraft/statecraft/configs"
	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/modelfile"
	"github.com/statecraft/statecraft/models"
	"github.com/statecraft/statecraft/runner"
)

// targetKind is what a command-line argument names.
type targetKind uint8

const (
	experimentFile  targetKind = iota + 1 // a TOML experiment config on disk
	modelFile                             // a TOML model file on disk
	embeddedConfig                        // the name of an embedded experiment config
	registeredModel                       // the name of a registered model
)

// target is a classified command-line argument.
type target struct {
	kind targetKind
	arg  string
}

// classify decides what an argument names, trying in turn: a file on disk
// (a model file or an experiment config, told apart by their content), an
// embedded experiment config, a registered model. It is the one place that
// decides; the commands then ask the target for what they need.
func classify(arg string) (target, error) {
	// A directory is never a config: one named like an embedded config or
	// a model (the dataset of `run prsm --out prsm`, say) does not hide it.
	st, err := os.Stat(arg)
	dir := err == nil && st.IsDir()
	if err == nil && !dir {
		data, err := os.ReadFile(arg)
		if err != nil {
			return target{}, fmt.Errorf("config %s: %w", arg, err)
		}
		if modelfile.IsModelFile(data) {
			return target{modelFile, arg}, nil
		}
		return target{experimentFile, arg}, nil
	}
	if _, err := configs.EmbeddedText(arg); err == nil {
		return target{embeddedConfig, arg}, nil
	}
	if dir && !models.Default.Has(arg) {
		return target{}, fmt.Errorf("%s is a directory, not a TOML file", arg)
	}
	if !dir && (strings.HasSuffix(arg, ".toml") || strings.ContainsRune(arg, os.PathSeparator)) {
		return target{}, fmt.Errorf("%s: no such file", arg)
	}
	if models.Default.Has(arg) {
		return target{registeredModel, arg}, nil
	}
	return target{}, fmt.Errorf("%q is not a file, an embedded config or a registered model\n  embedded configs: %s\n  registered models: %s",
		arg, strings.Join(configs.Embedded(), ", "), strings.Join(models.Names(), ", "))
}

// experiment returns the experiment the target runs, with --set overrides:
// a config, or for a model file one run of its defaults.
func (t target) experiment(sets []string) (*configs.Experiment, error) {
	switch t.kind {
	case experimentFile:
		return configs.Load(t.arg, sets...)
	case embeddedConfig:
		return configs.LoadEmbedded(t.arg, sets...)
	case modelFile:
		return configs.ForModelFile(t.arg, sets...)
	}
	return nil, fmt.Errorf("%q is a registered model, not an experiment: name it in a config (model = %q), see 'statecraft configs' for examples", t.arg, t.arg)
}

// models returns the models the target names, each once, in order: the
// model, or an experiment's models as the runner resolves them.
func (t target) models() ([]*gds.Model, error) {
	switch t.kind {
	case registeredModel:
		m, err := models.Lookup(t.arg)
		if err != nil {
			return nil, err
		}
		return []*gds.Model{m}, nil
	case modelFile:
		m, err := modelfile.Load(t.arg)
		if err != nil {
			return nil, err
		}
		return []*gds.Model{m}, nil
	}
	x, err := t.experiment(nil)
	if err != nil {
		return nil, err
	}
	ms, err := runner.ResolveModels(x, nil)
	if err != nil {
		return nil, err
	}
	var out []*gds.Model
	for _, m := range ms {
		if !slices.Contains(out, m) {
			out = append(out, m)
		}
	}
	return out, nil
}
