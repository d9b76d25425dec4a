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
