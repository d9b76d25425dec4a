package configs

import (
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strings"
)

// embeddedPrefix starts the Source of an embedded config: "embedded:NAME".
const embeddedPrefix = "embedded:"

// embeddedDir is where the embedded configs sit in the repository tree,
// which is what their relative model paths are relative to.
const embeddedDir = "configs"

// files holds the experiment configs shipped with Statecraft.
//
//go:embed *.toml conformance/*.toml bench/*.toml
var files embed.FS

// Embedded returns the names of the embedded configs, such as
// "predator_prey" and "conformance/pp_det".
func Embedded() []string {
	var out []string
	_ = fs.WalkDir(files, ".", func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".toml") {
			out = append(out, strings.TrimSuffix(path, ".toml"))
		}
		return nil
	})
	sort.Strings(out)
	return out
}

// EmbeddedText returns the text of the named embedded config.
func EmbeddedText(name string) ([]byte, error) {
	data, err := files.ReadFile(strings.TrimSuffix(name, ".toml") + ".toml")
	if err != nil {
		return nil, fmt.Errorf("no embedded config %q (embedded: %s)", name, strings.Join(Embedded(), ", "))
	}
	return data, nil
}

// LoadEmbedded parses the named embedded config with --set overrides.
func LoadEmbedded(name string, sets ...string) (*Experiment, error) {
	data, err := EmbeddedText(name)
	if err != nil {
		return nil, err
	}
	x, err := Parse(embeddedPrefix+strings.TrimSuffix(name, ".toml"), data, sets...)
	if err != nil {
		return nil, err
	}
	x.Embedded = true
	return x, nil
}
