package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/statecraft/statecraft/cli"
)

// The report: written by run (unless report.html = false), by merge for a
// sharded run (and not by its shards), and by the report command.
func TestReportWrittenByRunMergeAndReport(t *testing.T) {
	exists := func(dir string) bool {
		_, err := os.Stat(filepath.Join(dir, "_report.html"))
		return err == nil
	}
	one := filepath.Join(t.TempDir(), "one")
	code, out, errs := run("run", "predator_prey", "--out", one, "--set", "timesteps=20")
	if code != cli.ExitOK || !exists(one) || !strings.Contains(out, "report: "+filepath.Join(one, "_report.html")) {
		t.Fatalf("run: exit %d, report %v, out %q, errs %q", code, exists(one), out, errs)
	}
	off := filepath.Join(t.TempDir(), "off")
	if code, _, errs := run("run", "predator_prey", "--out", off, "--set", "timesteps=20", "--set", "report.html=false"); code != cli.ExitOK || exists(off) {
		t.Fatalf("run with report.html = false: exit %d, report %v: %s", code, exists(off), errs)
	}
	if code, out, errs := run("report", off); code != cli.ExitOK || !exists(off) || !strings.Contains(out, "report: ") {
		t.Fatalf("report: exit %d, report %v: %s %s", code, exists(off), out, errs)
	}
	sharded := filepath.Join(t.TempDir(), "sharded")
	for _, s := range []string{"0/2", "1/2"} {
		if code, _, errs := run("run", "predator_prey", "--out", sharded, "--set", "timesteps=20", "--shard", s, "--quiet"); code != cli.ExitOK {
			t.Fatalf("shard %s: exit %d: %s", s, code, errs)
		}
	}
	if exists(sharded) {
		t.Fatal("a shard wrote the report; only merge has the whole dataset")
	}
	if code, out, errs := run("report", sharded); code != cli.ExitFailure || !strings.Contains(errs, "run statecraft merge") {
		t.Fatalf("report before merge: exit %d, %q %q, want a failure pointing at merge", code, out, errs)
	}
	if code, out, errs := run("merge", sharded); code != cli.ExitOK || !exists(sharded) || !strings.Contains(out, "report: ") {
		t.Fatalf("merge: exit %d, report %v: %s %s", code, exists(sharded), out, errs)
	}
	if code, _, errs := run("report"); code != cli.ExitUsage || !strings.Contains(errs, "want one dataset directory") {
		t.Fatalf("report without a directory: exit %d: %s", code, errs)
	}
}
