package runner_test

import (
	"context"
	"testing"

	"github.com/statecraft/statecraft/runner"
)

// BenchmarkPredatorPreyParquet runs predator-prey end to end (every
// substep written to Parquet) with 1 and 2 workers; it reports rows/s.
func BenchmarkPredatorPreyParquet(b *testing.B) {
	for _, w := range []int{1, 2} {
		b.Run(map[int]string{1: "workers=1", 2: "workers=2"}[w], func(b *testing.B) {
			x := parseB(b, "model = \"predator_prey\"\ntimesteps = 25000\nruns = 4\n[params]\nalpha = [1.1, 1.3]\n")
			p, err := runner.NewPlan(x, nil)
			if err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := runner.Run(context.Background(), p, runner.Options{Dir: b.TempDir(), Workers: w}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(p.Rows())*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
