package modelfile_test

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/statecraft/statecraft/modelfile"
)

var updateStructure = flag.Bool("update-structure", false, "rewrite testdata/structure.json from the shipped model files")

// TestStructure: what Build finds each block of the shipped model files
// reading, emitting and writing (the model's Structure, behind describe,
// the diagrams and the unused-name warnings) stays as recorded in
// testdata/structure.json. Compiled expressions read some names without
// the tracer and report them themselves; this keeps that report whole.
func TestStructure(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "models", "*.toml"))
	if err != nil {
		t.Fatal(err)
	}
	more, _ := filepath.Glob(filepath.Join("..", "models", "conformance", "*.toml"))
	files = append(files, more...)
	got := map[string]any{}
	for _, f := range files {
		m, err := modelfile.Load(f)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		got[filepath.ToSlash(f)] = m.Structure()
	}
	data, err := json.MarshalIndent(got, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	data = append(data, '\n')
	golden := filepath.Join("testdata", "structure.json")
	if *updateStructure {
		if err := os.WriteFile(golden, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./modelfile -run TestStructure -update-structure)", err)
	}
	w, g := strings.Split(string(want), "\n"), strings.Split(string(data), "\n")
	for i := range max(len(w), len(g)) {
		if i >= len(w) || i >= len(g) || w[i] != g[i] {
			t.Fatalf("the shipped model files' structure differs from %s at line %d:\nwant %q\ngot  %q\n(-update-structure rewrites it; review the diff)", golden, i+1, at(w, i), at(g, i))
		}
	}
}

func at(lines []string, i int) string {
	if i < len(lines) {
		return lines[i]
	}
	return "(end)"
}
