package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/statecraft/statecraft/cli"
)

// TestArguments: one classification of an argument serves every command:
// a file (model file or experiment by content), an embedded config, a
// registered model; each command accepts what it can use and says why it
// refuses the rest.
func TestArguments(t *testing.T) {
	dir := t.TempDir()
	model := filepath.Join("..", "models", "predator_prey.toml")
	exp := filepath.Join(dir, "exp.toml")
	if err := os.WriteFile(exp, []byte("model = \"lag\"\ntimesteps = 3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		code int
		want string // in stdout for success, stderr otherwise
	}{
		{[]string{"validate", exp}, cli.ExitOK, exp + ": ok"},
		{[]string{"validate", "conformance/lag"}, cli.ExitOK, "embedded:conformance/lag: ok"},
		{[]string{"validate", model}, cli.ExitOK, "ok: model predator_prey"},
		{[]string{"validate", "lag"}, cli.ExitOK, "lag: ok: model lag"},
		{[]string{"describe", "lag"}, cli.ExitOK, "model lag"},
		{[]string{"describe", exp}, cli.ExitOK, "model lag"},
		{[]string{"describe", "conformance/lag"}, cli.ExitOK, "model lag"},
		{[]string{"run", "lag"}, cli.ExitUsage, `"lag" is a registered model, not an experiment: name it in a config (model = "lag")`},
		{[]string{"run", dir}, cli.ExitUsage, "is a directory, not a TOML file"},
		{[]string{"run", "conformance/nope"}, cli.ExitUsage, "conformance/nope: no such file"},
		{[]string{"validate", "nope"}, cli.ExitUsage, `"nope" is not a file, an embedded config or a registered model`},
	} {
		code, out, errs := run(c.args...)
		got := out
		if c.code != cli.ExitOK {
			got = errs
		}
		if code != c.code || !strings.Contains(got, c.want) {
			t.Errorf("statecraft %v: exit %d, stdout %q, stderr %q; want exit %d and %q", c.args, code, out, errs, c.code, c.want)
		}
	}
}

// TestDirectoryNamedLikeAConfig: a directory is never a config, so one
// named like an embedded config or a registered model (a dataset written
// with --out prsm, say) leaves the name to mean what it means elsewhere.
func TestDirectoryNamedLikeAConfig(t *testing.T) {
	t.Chdir(t.TempDir())
	for _, d := range []string{"conformance/lag", "lag", "data"} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"validate", "conformance/lag"}, cli.ExitOK, "embedded:conformance/lag: ok"},
		{[]string{"describe", "lag"}, cli.ExitOK, "model lag"},
		{[]string{"run", "lag"}, cli.ExitUsage, `"lag" is a registered model, not an experiment`},
		{[]string{"run", "data"}, cli.ExitUsage, "data is a directory, not a TOML file"},
		{[]string{"run", "conformance"}, cli.ExitUsage, "conformance is a directory, not a TOML file"},
	} {
		code, out, errs := run(c.args...)
		got := out
		if c.code != cli.ExitOK {
			got = errs
		}
		if code != c.code || !strings.Contains(got, c.want) {
			t.Errorf("statecraft %v: exit %d, stdout %q, stderr %q; want exit %d and %q", c.args, code, out, errs, c.code, c.want)
		}
	}
}
