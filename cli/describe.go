package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/gds/diagram"
)

// describeFormats are the --format values of describe, in the order the
// usage lists them.
var describeFormats = []struct {
	name  string
	write func(io.Writer, *gds.Model) error
}{
	{"text", diagram.Text},
	{"mermaid", diagram.Mermaid},
	{"dot", diagram.DOT},
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
	t, err := classify(pos[0])
	if err != nil {
		fmt.Fprintf(stderr, "statecraft describe: %v\n", err)
		return ExitUsage
	}
	ms, err := t.models()
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
