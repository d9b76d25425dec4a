package cli_test

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
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

// TestRunsReportIsTheDatasets: the report run writes, from the rows and
// decisions it kept in memory, is the page the report command draws from
// the dataset's files, for experiments with every part of the decision
// layer (criteria and KPIs, PSUU, a sensitivity analysis).
func TestRunsReportIsTheDatasets(t *testing.T) {
	for _, c := range []struct {
		config  string
		sets    []string
		section string // a section drawn from the decisions
	}{
		{"predator_prey_sensitivity", []string{"sensitivity.samples=16"}, "<h2>Sensitivity</h2>"},
		{"prsm_psuu", []string{"timesteps=48", "runs=2"}, "<h2>Parameter selection under uncertainty</h2>"},
	} {
		t.Run(c.config, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "ds")
			args := []string{"run", c.config, "--quiet", "--out", dir}
			for _, s := range c.sets {
				args = append(args, "--set", s)
			}
			if code, _, errs := run(args...); code != cli.ExitOK {
				t.Fatalf("run: exit %d: %s", code, errs)
			}
			stamp := regexp.MustCompile(`Written by Statecraft at [0-9TZ:-]+\.`)
			page := func() []byte {
				data, err := os.ReadFile(filepath.Join(dir, "_report.html"))
				if err != nil {
					t.Fatal(err)
				}
				return stamp.ReplaceAll(data, nil)
			}
			ran := page()
			if !bytes.Contains(ran, []byte(c.section)) {
				t.Fatalf("the run's report has no %s", c.section)
			}
			if code, _, errs := run("report", dir, "--quiet"); code != cli.ExitOK {
				t.Fatalf("report: exit %d: %s", code, errs)
			}
			if !bytes.Equal(page(), ran) {
				t.Error("the report command's page differs from the run's")
			}
		})
	}
}
