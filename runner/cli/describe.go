package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/statecraft/statecraft/configs"
	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/modelfile"
	"github.com/statecraft/statecraft/models"
)

// describeFormats are the --format values of describe, in the order the
// usage lists them.
var describeFormats = []struct {
	name  string
	write func(io.Writer, *gds.Model) error
}{
	{"text", gds.WriteText},
	{"mermaid", gds.WriteMermaid},
	{"dot", gds.WriteDOT},
}

func describeFormatNames() string {
	var names []string
	for _, f := range describeFormats {
		names = append(names, f.name)
	}
	return strings.Join(names, ", ")
}

// cmdDescribe prints the structure of a model, or of the models of a
// config: as text (with the model's warnings on stderr), as a Mermaid
// flowchart or as a Graphviz DOT graph. Several models are separated by a
// blank line.
func cmdDescribe(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("describe", "describe MODEL|CONFIG|NAME [--format text|mermaid|dot]", stderr)
	format := fs.String("format", "text", "output format: "+describeFormatNames())
	pos, code, ok := parseArgs(fs, args)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		fmt.Fprintf(stderr, "statecraft describe: want one MODEL, CONFIG or NAME, got %d arguments\n", len(pos))
		fs.Usage()
		return ExitUsage
	}
	var write func(io.Writer, *gds.Model) error
	for _, f := range describeFormats {
		if f.name == *format {
			write = f.write
		}
	}
	if write == nil {
		fmt.Fprintf(stderr, "statecraft describe: unknown --format %q (want %s)\n", *format, describeFormatNames())
		return ExitUsage
	}
	ms, err := resolveDescribeTarget(pos[0])
	if err != nil {
		fmt.Fprintf(stderr, "statecraft describe: %v\n", err)
		return ExitUsage
	}
	for i, m := range ms {
		if i > 0 {
			fmt.Fprintln(stdout)
		}
		if err := write(stdout, m); err != nil {
			fmt.Fprintf(stderr, "statecraft describe: %v\n", err)
			return ExitFailure
		}
		if *format == "text" {
			for _, w := range m.Warnings() {
				fmt.Fprintf(stderr, "statecraft describe: warning: model %s: %s\n", m.Name(), w)
			}
		}
	}
	return ExitOK
}

// resolveDescribeTarget returns the models that describe's argument names,
// trying in turn:
//
//  1. a registered model (models.Lookup);
//  2. a declarative model file (modelfile.IsModelFile, modelfile.Load);
//  3. an experiment config, as a file or an embedded config name
//     (loadConfig): the models of its simulations, the experiment's model
//     and those of its scenarios, each once, in order, resolved as the
//     runner resolves them (Experiment.ResolveModel).
//
// It is the one place to extend with other sources of models.
func resolveDescribeTarget(arg string) ([]*gds.Model, error) {
	if slices.Contains(models.Names(), arg) {
		m, err := models.Lookup(arg)
		if err != nil {
			return nil, err
		}
		return []*gds.Model{m}, nil
	}
	st, statErr := os.Stat(arg)
	if statErr == nil && !st.IsDir() {
		data, err := os.ReadFile(arg)
		if err != nil {
			return nil, err
		}
		if modelfile.IsModelFile(data) {
			m, err := modelfile.Load(arg)
			if err != nil {
				return nil, err
			}
			return []*gds.Model{m}, nil
		}
	}
	_, embErr := configs.EmbeddedText(arg)
	looksLikeFile := strings.HasSuffix(arg, ".toml") || strings.ContainsRune(arg, os.PathSeparator)
	if statErr == nil || embErr == nil || looksLikeFile {
		x, err := loadConfig(arg, nil)
		if err != nil {
			return nil, err
		}
		return configModels(x)
	}
	return nil, fmt.Errorf("%q is neither a registered model nor a model file, a config file or an embedded config\n  registered models: %s\n  embedded configs: %s",
		arg, strings.Join(models.Names(), ", "), strings.Join(configs.Embedded(), ", "))
}

// configModels returns the models an experiment runs: the experiment's
// model, or with scenarios each scenario's model (the experiment's unless
// it names another), each once, in order.
func configModels(x *configs.Experiment) ([]*gds.Model, error) {
	type use struct{ key, name string }
	uses := []use{{"model", x.Model}}
	if len(x.Scenarios) > 0 {
		uses = uses[:0]
		for i, sc := range x.Scenarios {
			if sc.Model != "" {
				uses = append(uses, use{fmt.Sprintf("scenarios.%d.model", i), sc.Model})
			} else {
				uses = append(uses, use{"model", x.Model})
			}
		}
	}
	var out []*gds.Model
	seen := map[string]bool{}
	for _, u := range uses {
		if seen[u.name] {
			continue
		}
		seen[u.name] = true
		m, err := x.ResolveModel(u.name)
		if err != nil {
			var ce *configs.Error
			if errors.As(err, &ce) {
				return nil, err // already located in the model file
			}
			return nil, x.ErrorAt(u.key, "%v", err)
		}
		out = append(out, m)
	}
	return out, nil
}
