package runner_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/statecraft/statecraft/configs"
	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/models"
	"github.com/statecraft/statecraft/runner"
	"github.com/statecraft/statecraft/runner/dataset"
)

var criteriaOnce sync.Once

// registerCriteriaModel: "high" is true at the end of a run whose run
// number is at least min_run, so the pass rate is known exactly; "always"
// is always true.
func registerCriteriaModel(t *testing.T) {
	criteriaOnce.Do(func() {
		err := models.Register(models.Entry{Name: "test_criteria", Doc: "known pass rates", Build: func() (*gds.Model, error) {
			b := gds.NewBuilder("test_criteria")
			high := b.Bool("high", false)
			always := b.Bool("always", true)
			x := b.Float("x", 0)
			minRun := b.ParamInt("min_run", 1)
			b.PSUB("judge",
				high.Update(func(c *gds.Ctx) bool { return int64(c.Run) >= minRun.Get(c) }),
				x.Update(func(c *gds.Ctx) float64 { return x.Get(c) + 1 }),
			)
			_ = always
			return b.Build()
		}})
		if err != nil {
			t.Fatal(err)
		}
	})
}

func TestReport(t *testing.T) {
	registerCriteriaModel(t)
	x, err := configs.Parse("crit.toml", []byte(`
model = "test_criteria"
timesteps = 3
runs = 4
[[scenarios]]
name = "lenient"
params = { min_run = 1 }
[[scenarios]]
name = "strict"
params = { min_run = 4 }
[report]
criteria = ["high", "always"]
`))
	if err != nil {
		t.Fatal(err)
	}
	p, err := runner.NewPlan(x, nil)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	res, err := runner.Run(context.Background(), p, runner.Options{Dir: dir, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	r := res.Report
	if r == nil || len(r.Simulations) != 2 {
		t.Fatalf("report %+v", r)
	}
	for i, want := range [][3]int{{4, 4, 4}, {1, 4, 1}} { // high, always, all
		s := r.Simulations[i]
		if s.Runs != 4 || s.Passed[0] != want[0] || s.Passed[1] != want[1] || s.AllPassed != want[2] {
			t.Errorf("simulation %d: %+v, want runs 4, passed %v", i, s, want)
		}
	}
	var table strings.Builder
	r.WriteTable(&table, false)
	for _, want := range []string{"simulation  runs  high  always   all", "0 lenient      4  100%    100%  100%", "1 strict       4   25%    100%   25%"} {
		if !strings.Contains(table.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, table.String())
		}
	}
	var fromFile dataset.Report
	data, err := os.ReadFile(filepath.Join(dir, "_report.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &fromFile); err != nil || fromFile.Simulations[1].AllPassed != 1 {
		t.Errorf("_report.json: %v %+v", err, fromFile)
	}
	md, _ := os.ReadFile(filepath.Join(dir, "_report.md"))
	if !strings.Contains(string(md), "| 1 strict   |    4 |  25% |") {
		t.Errorf("_report.md:\n%s", md)
	}
	// a rerun with --overwrite replaces the report too
	if _, err := runner.Run(context.Background(), p, runner.Options{Dir: dir, Overwrite: true}); err != nil {
		t.Errorf("overwrite with a report present: %v", err)
	}
}

func TestReportErrors(t *testing.T) {
	registerCriteriaModel(t)
	for _, c := range []struct{ crit, want string }{
		{`["nope"]`, `key "report.criteria": model "test_criteria" has no state variable "nope"`},
		{`["x"]`, `criterion "x" is a float variable; criteria are bool variables`},
		{`["high", "high"]`, `criterion "high" listed twice`},
	} {
		x, err := configs.Parse("crit.toml", []byte("model = \"test_criteria\"\ntimesteps = 1\n[report]\ncriteria = "+c.crit+"\n"))
		if err == nil {
			_, err = runner.NewPlan(x, nil)
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want %q", c.crit, err, c.want)
		}
	}
}
