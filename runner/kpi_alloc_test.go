package runner

import (
	"context"
	"testing"

	"github.com/statecraft/statecraft/configs"
	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/models"

	_ "github.com/statecraft/statecraft/models/predatorprey"
)

// TestKPIsAllocateNothingPerTimestep: a job observed by every kind of
// KPI allocates the same whether it runs 1,000 or 20,000 timesteps (once
// the quantile's buffer has grown).
func TestKPIsAllocateNothingPerTimestep(t *testing.T) {
	x, err := configs.Parse("alloc.toml", []byte(`
model = "predator_prey"
timesteps = 20000
[output]
final_only = true
[kpis]
a = { of = "prey" }
b = { of = "prey", stat = "mean" }
c = { of = "prey", stat = "std" }
d = { of = "prey", stat = "quantile", q = 0.9 }
e = { of = "predator", stat = "max_drawdown" }
f = { of = "predator", stat = "first_above", threshold = 5.0 }
g = { of = "prey / predator", stat = "min" }
h = { expr = "a + b" }
`))
	if err != nil {
		t.Fatal(err)
	}
	p, err := NewPlan(x, models.DefaultResolver)
	if err != nil {
		t.Fatal(err)
	}
	m := p.Sims[0].Model
	kr, err := newKPIRun(p.kpis[m], m)
	if err != nil {
		t.Fatal(err)
	}
	e := m.NewEngine()
	rec := &kpiOnly{kr}
	run := func(T int) {
		job := p.GDSJob(p.Job(0))
		job.Timesteps = T
		kr.reset(T)
		if err := e.Run(context.Background(), job, rec); err != nil {
			t.Fatal(err)
		}
		kr.finish()
	}
	run(20000) // grow the buffers
	short := testing.AllocsPerRun(5, func() { run(1000) })
	long := testing.AllocsPerRun(5, func() { run(20000) })
	if long != short {
		t.Errorf("allocations: %v for 1,000 timesteps, %v for 20,000", short, long)
	}
}

var _ gds.Observer = (*kpiOnly)(nil)
