package runner_test

import (
	"context"
	"fmt"
	"os"

	"github.com/statecraft/statecraft/configs"
	"github.com/statecraft/statecraft/runner"
)

// A config becomes a plan (models resolved, sweep expanded, one job per
// simulation × subset × run), and Run writes the plan's dataset.
func ExampleRun() {
	x, err := configs.Parse("pp.toml", []byte(`
model = "predator_prey"
timesteps = 10
runs = 3
[params]
alpha = [1.0, 1.1]
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	plan, err := runner.NewPlan(x, nil) // nil: models.DefaultResolver
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("jobs:", plan.Jobs(), "rows per job:", plan.RowsPerRun)
	for _, pc := range plan.ParamCols {
		fmt.Println("swept:", pc.Name)
	}

	dir, err := os.MkdirTemp("", "statecraft-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	res, err := runner.Run(context.Background(), plan, runner.Options{Dir: dir, Workers: 2})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("rows written:", res.Rows, "failed jobs:", len(res.Failed))
	// Output:
	// jobs: 6 rows per job: 11
	// swept: alpha
	// rows written: 66 failed jobs: 0
}

// KPIs are computed while the runs happen; criteria over them give pass
// rates with 95% Wilson intervals for every sweep point, in
// Result.Decisions (and _decision.json).
func ExampleDecisions() {
	x, err := configs.Parse("pp.toml", []byte(`
model = "predator_prey"
timesteps = 200
runs = 10
seed = 1
[params]
alpha = [0.9, 1.3]
[output]
final_only = true
[kpis]
mean_prey = { of = "prey", stat = "mean" }
[[criteria]]
name = "prey_survive"
expr = "mean_prey >= 1.7"
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	plan, err := runner.NewPlan(x, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	dir, err := os.MkdirTemp("", "statecraft-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	res, err := runner.Run(context.Background(), plan, runner.Options{Dir: dir})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, pt := range res.Decisions.Summary.Points {
		r := pt.Criteria[0]
		fmt.Printf("alpha %v: %s passed in %d of %d runs, 95%% interval [%.2f, %.2f]\n", pt.Params["alpha"], r.Name, r.Passed, r.Runs, r.Lo, r.Hi)
	}
	fmt.Println("KPI table rows:", res.KPIs.Rows)
	// Output:
	// alpha 0.9: prey_survive passed in 0 of 10 runs, 95% interval [0.00, 0.28]
	// alpha 1.3: prey_survive passed in 8 of 10 runs, 95% interval [0.49, 0.94]
	// KPI table rows: 20
}
