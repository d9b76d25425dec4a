package predatorprey_test

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/models/predatorprey"
)

// handWritten is the pp model as a plain Go loop, with no engine: the
// same arithmetic in the same order, the same draws from the job's
// stream. It is the floor the engine's cost per substep is measured
// against (docs/performance.md), and an independent check of the
// engine's semantics on this model.
func handWritten(seed [2]uint64, T int, alpha, beta, gamma, delta, dt, noise float64, out []float64) (prey, pred float64) {
	r := rand.New(rand.NewPCG(seed[0], seed[1]))
	x, y := 10.0, 10.0
	sq := math.Sqrt(dt)
	for t := 0; t < T; t++ {
		// both policies read the pre-block state; the prey's draw is first
		dx := float64((float64(alpha*x)-float64(beta*x*y))*dt) + float64(noise*x*r.NormFloat64()*sq)
		dy := float64((float64(delta*x*y)-float64(gamma*y))*dt) + float64(noise*y*r.NormFloat64()*sq)
		x, y = max(x+dx, 0), max(y+dy, 0)
		if out != nil {
			out[2*t], out[2*t+1] = x, y
		}
	}
	return x, y
}

type allRows struct{ v []float64 }

func (r *allRows) Record(row *gds.Row) error {
	if row.Timestep > 0 {
		r.v = append(r.v, row.Floats()[0], row.Floats()[1])
	}
	return nil
}

func TestHandWrittenLoopEqualsEngine(t *testing.T) {
	m, err := predatorprey.New()
	if err != nil {
		t.Fatal(err)
	}
	for _, seed := range [][2]uint64{{1, 2}, {7, 9}, {20240601, 3}} {
		const T = 5000
		rec := &allRows{}
		job := &gds.Job{Run: 1, Timesteps: T, Seed: seed}
		if err := m.NewEngine().Run(context.Background(), job, rec); err != nil {
			t.Fatal(err)
		}
		want := make([]float64, 2*T)
		handWritten(seed, T, 1.1, 0.4, 0.4, 0.1, 0.01, 0.05, want)
		if len(rec.v) != len(want) {
			t.Fatalf("seed %v: %d values, want %d", seed, len(rec.v), len(want))
		}
		for i := range want {
			if math.Float64bits(rec.v[i]) != math.Float64bits(want[i]) {
				t.Fatalf("seed %v, timestep %d: engine %v, hand-written %v", seed, i/2+1, rec.v[i], want[i])
			}
		}
	}
}

// BenchmarkHandWritten is BenchmarkSubstep's model with no engine: the
// floor of the cost per substep on this machine.
func BenchmarkHandWritten(b *testing.B) {
	const T = 1000
	var sink float64
	for i := 0; i < b.N; i += T {
		x, y := handWritten([2]uint64{1, uint64(i)}, min(T, b.N-i), 1.1, 0.4, 0.4, 0.1, 0.01, 0.05, nil)
		sink += x + y
	}
	if math.IsNaN(sink) {
		b.Fatal("NaN")
	}
}
