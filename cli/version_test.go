package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/statecraft/statecraft/internal/readback"
	"github.com/statecraft/statecraft/internal/version"
)

// TestVersionEverywhere: the version make build stamps (version.Version)
// is what `statecraft version` prints and what a run writes into its
// manifest and its Parquet files' metadata.
func TestVersionEverywhere(t *testing.T) {
	old := version.Version
	defer func() { version.Version = old }()
	version.Version = "v9.9.9-test"

	if code, out, _ := run("version"); code != 0 || out != "statecraft v9.9.9-test\n" {
		t.Errorf("version: exit %d, %q", code, out)
	}
	dir := filepath.Join(t.TempDir(), "out")
	if code, _, errs := run("run", "predator_prey", "--quiet", "--out", dir, "--set", "timesteps=3", "--set", "runs=1", "--set", "report.html=false"); code != 0 {
		t.Fatalf("run: exit %d: %s", code, errs)
	}
	data, err := os.ReadFile(filepath.Join(dir, "_manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Version string `json:"version"`
	}
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	if m.Version != "v9.9.9-test" {
		t.Errorf("manifest version %q, want v9.9.9-test", m.Version)
	}
	ds, err := readback.Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	if v := ds.Meta["statecraft.version"]; v != "v9.9.9-test" {
		t.Errorf("Parquet metadata statecraft.version = %q, want v9.9.9-test", v)
	}
}
