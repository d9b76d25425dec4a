package predatorprey_test

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/statecraft/statecraft/models/predatorprey"

	"github.com/statecraft/statecraft/gds"
)

// lanes is the state of the jobs an engine of batched blocks would run in
// lockstep, a lane a job: the blocks read and write columns of it, one
// call a block a substep for all the lanes. It is a measurement for
// docs/batched-engine.md, not an engine: what such a design costs a
// substep on this machine, with the engine's block calls, signals,
// staging, NaN check and recording kept, and its rows the engine's.
type lanes struct {
	prey, pred     []float64 // the state, by lane
	dPrey, dPred   []float64 // the signals
	stPrey, stPred []float64 // the updates' staged values
	rngs           []*rand.Rand
	// a sweep point's parameters, which its runs share
	alpha, beta, gamma, delta, dt, noise float64
}

// batchBlock is a block of the batched design: a policy or an update over
// every lane.
type batchBlock func(s *lanes)

// ppBlocks are pp's two policies and two updates as batched blocks, the
// arithmetic of predatorprey.New lane by lane.
var ppBlocks = struct{ policies, updates []batchBlock }{
	policies: []batchBlock{
		func(s *lanes) {
			sq := math.Sqrt(s.dt)
			for i, x := range s.prey {
				y := s.pred[i]
				d := float64((float64(s.alpha*x) - float64(s.beta*x*y)) * s.dt)
				s.dPrey[i] = d + float64(s.noise*x*s.rngs[i].NormFloat64()*sq)
			}
		},
		func(s *lanes) {
			sq := math.Sqrt(s.dt)
			for i, x := range s.prey {
				y := s.pred[i]
				d := float64((float64(s.delta*x*y) - float64(s.gamma*y)) * s.dt)
				s.dPred[i] = d + float64(s.noise*y*s.rngs[i].NormFloat64()*sq)
			}
		},
	},
	updates: []batchBlock{
		func(s *lanes) {
			for i, x := range s.prey {
				s.stPrey[i] = max(x+s.dPrey[i], 0)
			}
		},
		func(s *lanes) {
			for i, y := range s.pred {
				s.stPred[i] = max(y+s.dPred[i], 0)
			}
		},
	},
}

// runBatched runs one job a seed for T timesteps in lockstep and returns
// each lane's recorded prey and predator, timestep after timestep (out's
// buffers, reused).
func runBatched(s *lanes, seeds [][2]uint64, T int, out [][]float64) [][]float64 {
	B := len(seeds)
	for _, f := range []*[]float64{&s.prey, &s.pred, &s.dPrey, &s.dPred, &s.stPrey, &s.stPred} {
		if cap(*f) < B {
			*f = make([]float64, B)
		}
		*f = (*f)[:B]
	}
	for len(s.rngs) < B {
		s.rngs = append(s.rngs, rand.New(rand.NewPCG(0, 0)))
	}
	for len(out) < B {
		out = append(out, nil)
	}
	for i, seed := range seeds {
		s.rngs[i] = rand.New(rand.NewPCG(seed[0], seed[1]))
		s.prey[i], s.pred[i] = 10, 10
		out[i] = out[i][:0]
	}
	for range T {
		clear(s.dPrey)
		clear(s.dPred)
		for _, p := range ppBlocks.policies {
			p(s)
		}
		for _, u := range ppBlocks.updates {
			u(s)
		}
		bad := 0.0
		for i := range B {
			bad += s.stPrey[i] - s.stPrey[i] + s.stPred[i] - s.stPred[i]
		}
		if bad != 0 {
			panic("NaN")
		}
		copy(s.prey, s.stPrey)
		copy(s.pred, s.stPred)
		for i := range B {
			out[i] = append(out[i], s.prey[i], s.pred[i])
		}
	}
	return out
}

// TestBatchedLanesEqualEngine: the batched design's rows are the engine's,
// bit for bit, for each of ten jobs run in lockstep.
func TestBatchedLanesEqualEngine(t *testing.T) {
	m, err := predatorprey.New()
	if err != nil {
		t.Fatal(err)
	}
	const T = 3000
	var seeds [][2]uint64
	for i := range 10 {
		seeds = append(seeds, [2]uint64{uint64(7 + i), uint64(1000 * i)})
	}
	s := &lanes{alpha: 1.1, beta: 0.4, gamma: 0.4, delta: 0.1, dt: 0.01, noise: 0.05}
	out := runBatched(s, seeds, T, nil)
	for i, seed := range seeds {
		rec := &allRows{}
		if err := m.NewEngine().Run(context.Background(), &gds.Job{Run: 1, Timesteps: T, Seed: seed}, rec); err != nil {
			t.Fatal(err)
		}
		if len(rec.v) != len(out[i]) {
			t.Fatalf("lane %d: %d values, the engine %d", i, len(out[i]), len(rec.v))
		}
		for k := range rec.v {
			if math.Float64bits(rec.v[k]) != math.Float64bits(out[i][k]) {
				t.Fatalf("lane %d, timestep %d: batched %v, engine %v", i, k/2+1, out[i][k], rec.v[k])
			}
		}
	}
}

// BenchmarkBatched is BenchmarkSubstep's work in the batched design, ten
// jobs a batch: ns/op is a substep of one job.
func BenchmarkBatched(b *testing.B) {
	const T, B = 1000, 10
	s := &lanes{alpha: 1.1, beta: 0.4, gamma: 0.4, delta: 0.1, dt: 0.01, noise: 0.05}
	seeds := make([][2]uint64, B)
	var out [][]float64
	b.ReportAllocs()
	for i := 0; i < b.N; i += T * B {
		for k := range seeds {
			seeds[k] = [2]uint64{1, uint64(i + k)}
		}
		out = runBatched(s, seeds, min(T, (b.N-i+B-1)/B), out)
	}
}
