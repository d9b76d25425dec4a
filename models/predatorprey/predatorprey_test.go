package predatorprey_test

import (
	"context"
	"testing"

	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/models/predatorprey"
)

type countRec struct {
	rows int
	last float64
}

func (r *countRec) Record(row *gds.Row) error { r.rows++; r.last = row.Floats()[0]; return nil }

func TestRowsAndDeterminism(t *testing.T) {
	m, err := predatorprey.New()
	if err != nil {
		t.Fatal(err)
	}
	run := func() *countRec {
		rec := &countRec{}
		job := &gds.Job{Run: 1, Timesteps: 1000, Seed: [2]uint64{7, 9}}
		if err := m.NewEngine().Run(context.Background(), job, rec); err != nil {
			t.Fatal(err)
		}
		return rec
	}
	a, b := run(), run()
	if a.rows != 1001 {
		t.Fatalf("rows = %d, want 1001", a.rows)
	}
	if a.last != b.last {
		t.Fatalf("same seed, different result: %v vs %v", a.last, b.last)
	}
}

func TestNoAllocsPerSubstep(t *testing.T) {
	m, err := predatorprey.New()
	if err != nil {
		t.Fatal(err)
	}
	e := m.NewEngine()
	rec := &countRec{}
	job := &gds.Job{Run: 1, Timesteps: 10000, Seed: [2]uint64{1, 2}}
	allocs := testing.AllocsPerRun(5, func() {
		if err := e.Run(context.Background(), job, rec); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Fatalf("a 10000-step job allocated %v times; want 0", allocs)
	}
}

// BenchmarkSubstep reports the engine's cost per substep on jobs of 1000
// timesteps (one long job would drive the populations to subnormal floats
// and measure the FPU instead of the engine).
func BenchmarkSubstep(b *testing.B) {
	m, err := predatorprey.New()
	if err != nil {
		b.Fatal(err)
	}
	e := m.NewEngine()
	rec := &countRec{}
	const T = 1000
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i += T {
		job := &gds.Job{Run: 1 + i/T, Timesteps: min(T, b.N-i), Seed: [2]uint64{1, uint64(i)}}
		if err := e.Run(context.Background(), job, rec); err != nil {
			b.Fatal(err)
		}
	}
}
