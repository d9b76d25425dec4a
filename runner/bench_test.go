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

// BenchmarkKPIs: pp with 10 KPIs (configs/bench/pp_kpis.toml's) against
// the same run without; make bench measures the end-to-end cost.
func BenchmarkKPIs(b *testing.B) {
	const kpis = `
[kpis]
prey_final = { of = "prey" }
prey_mean = { of = "prey", stat = "mean" }
prey_min = { of = "prey", stat = "min" }
prey_max = { of = "prey", stat = "max" }
prey_std = { of = "prey", stat = "std" }
prey_q95 = { of = "prey", stat = "quantile", q = 0.95 }
prey_time_above = { of = "prey", stat = "time_above", threshold = 1.0 }
predator_mean = { of = "predator", stat = "mean" }
predator_max = { of = "predator", stat = "max" }
predator_drawdown = { of = "predator", stat = "max_drawdown" }
`
	for _, c := range []struct{ name, extra string }{{"none", ""}, {"1", "[kpis]\nprey_final = { of = \"prey\" }\n"}, {"10", kpis}} {
		b.Run("kpis="+c.name, func(b *testing.B) {
			x := parseB(b, "model = \"predator_prey\"\ntimesteps = 25000\nruns = 4\n[params]\nalpha = [1.1, 1.3]\n"+c.extra)
			p, err := runner.NewPlan(x, nil)
			if err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := runner.Run(context.Background(), p, runner.Options{Dir: b.TempDir(), Workers: 1}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(x.Timesteps*p.Jobs())*float64(b.N)/b.Elapsed().Seconds(), "timesteps/s")
		})
	}
}
