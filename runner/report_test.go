package runner_test

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/statecraft/statecraft/configs"
	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/models"
	"github.com/statecraft/statecraft/runner"
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
	// report.criteria are criteria that a bool variable is true at the end
	sum := res.Decisions.Summary
	if len(sum.Points) != 2 {
		t.Fatalf("summary %+v", sum)
	}
	for i, want := range [][3]int{{4, 4, 4}, {1, 4, 1}} { // high, always, all
		pt := sum.Points[i]
		if pt.Runs != 4 || pt.Criteria[0].Passed != want[0] || pt.Criteria[1].Passed != want[1] || pt.All.Passed != want[2] {
			t.Errorf("simulation %d: %+v, want runs 4, passed %v", i, pt, want)
		}
	}
	if r := sum.Points[1].All; math.Abs(r.Lo-0.0456) > 1e-3 || math.Abs(r.Hi-0.6994) > 1e-3 {
		t.Errorf("Wilson interval of 1/4: [%v, %v], want [0.0456, 0.6994]", r.Lo, r.Hi)
	}
	var fromFile runner.Decisions
	data, err := os.ReadFile(filepath.Join(dir, "_decision.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &fromFile); err != nil || fromFile.Summary.Points[1].All.Passed != 1 {
		t.Errorf("_decision.json: %v %+v", err, fromFile)
	}
	text, _ := os.ReadFile(filepath.Join(dir, "_decision.txt"))
	for _, want := range []string{"high", "always", "strict", "25% [5-70]"} {
		if !strings.Contains(string(text), want) {
			t.Errorf("_decision.txt lacks %q:\n%s", want, text)
		}
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
