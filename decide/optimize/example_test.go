package optimize_test

import (
	"context"
	"fmt"

	"github.com/statecraft/statecraft/decide/optimize"
)

// A policy with a rate on a log scale and a whole number of agents. In a
// model the objective would run a batch of Monte Carlo jobs at x (common
// random numbers) and return the mean of a KPI.
func ExampleRun() {
	params := []optimize.Param{
		{Name: "rate", Min: 1e-4, Max: 1, Log: true},
		{Name: "agents", Min: 1, Max: 50, Int: true},
	}
	cost := func(ctx context.Context, x []float64) (float64, error) {
		rate, agents := x[0], x[1]
		return (rate-0.02)*(rate-0.02)*1e4 + (agents-12)*(agents-12) + 3, nil
	}
	r, err := optimize.Run(context.Background(), params, cost, optimize.Settings{MaxEvals: 200})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("rate=%.4f agents=%v cost=%.4f\n", r.X[0], r.X[1], r.F)
	fmt.Printf("%d evaluations, %s\n", len(r.Evals), r.Status)
	// Output:
	// rate=0.0200 agents=12 cost=3.0000
	// 172 evaluations, converged: the best value did not improve in 40 iterations
}
