package process_test

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/statecraft/statecraft/blocks"
	"github.com/statecraft/statecraft/blocks/process"
	"github.com/statecraft/statecraft/gds"
)

// series runs a one-variable model once for T steps and returns x at
// timesteps 0..T.
func series(t *testing.T, init float64, mk func(b *gds.Builder, x gds.Float) []gds.Block, T int, seed uint64) []float64 {
	t.Helper()
	b := gds.NewBuilder("p")
	x := b.Float("x", init)
	for i, bl := range mk(b, x) {
		b.PSUB("step"+string(rune('a'+i)), bl)
	}
	m, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	var out []float64
	rec := recorder(func(row *gds.Row) {
		if row.Substep == 0 || row.Substep == m.PSUBs() {
			out = append(out, row.Floats()[0])
		}
	})
	if err := m.NewEngine().Run(context.Background(), &gds.Job{Run: 1, Timesteps: T, Seed: [2]uint64{seed, 5}}, rec); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestJumps: over many steps the number of jumps averages lambda·dt, with
// the Poisson variance, for small intensities (direct method) and large
// ones (PTRS); the log jump sizes have mean jumpMu and variance
// jumpSigma². Tolerances are 4 standard errors (a false failure about once
// in 16,000 runs; the seeds are fixed, so the test is deterministic).
func TestJumps(t *testing.T) {
	for _, tc := range []struct {
		lambda, dt, jm, js float64
		steps              int
	}{
		{0.5, 0.1, -0.05, 0.1, 200_000}, // 0.05 jumps per step
		{3, 1, 0.02, 0.3, 50_000},       // 3 per step
		{25, 1, -0.01, 0.05, 20_000},    // 25 per step: PTRS
		{0, 1, 0.1, 0.1, 1000},          // no jumps
	} {
		r := rand.New(rand.NewPCG(11, uint64(tc.lambda*100)))
		mean := tc.lambda * tc.dt
		var sumN, sumN2, sumLog, sumDev2 float64
		withJump := 0
		for range tc.steps {
			n, logSum := process.Jumps(r, tc.lambda, tc.jm, tc.js, tc.dt)
			if n < 0 || n == 0 && logSum != 0 {
				t.Fatalf("Jumps = %d, %v", n, logSum)
			}
			fn := float64(n)
			sumN += fn
			sumN2 += fn * fn
			sumLog += logSum
			d := logSum - fn*tc.jm
			sumDev2 += d * d
			if n > 0 {
				withJump++
			}
		}
		steps := float64(tc.steps)
		if mean == 0 {
			if sumN != 0 {
				t.Errorf("lambda 0: %v jumps", sumN)
			}
			continue
		}
		gotMean := sumN / steps
		if se := math.Sqrt(mean / steps); math.Abs(gotMean-mean) > 4*se {
			t.Errorf("lambda·dt %v: %v jumps per step, want %v ± %v", mean, gotMean, mean, 4*se)
		}
		// The variance of a Poisson count is its mean; the standard error
		// of the sample variance is about √((mean + 2·mean²)/steps).
		gotVar := sumN2/steps - gotMean*gotMean
		if se := math.Sqrt((mean + 2*mean*mean) / steps); math.Abs(gotVar-mean) > 4*se {
			t.Errorf("lambda·dt %v: variance of the count %v, want %v ± %v", mean, gotVar, mean, 4*se)
		}
		if want, se := -math.Expm1(-mean), math.Sqrt(-math.Expm1(-mean)*math.Exp(-mean)/steps); math.Abs(float64(withJump)/steps-want) > 4*se {
			t.Errorf("lambda·dt %v: %v of steps jump, want %v ± %v", mean, float64(withJump)/steps, want, 4*se)
		}
		// Log sizes: mean jm (standard error js/√N), variance js² (standard
		// error js²·√(2/N) for a normal).
		if se := tc.js / math.Sqrt(sumN); math.Abs(sumLog/sumN-tc.jm) > 4*se {
			t.Errorf("lambda·dt %v: mean log jump %v, want %v ± %v", mean, sumLog/sumN, tc.jm, 4*se)
		}
		if want, se := tc.js*tc.js, tc.js*tc.js*math.Sqrt(2/sumN); math.Abs(sumDev2/sumN-want) > 4*se {
			t.Errorf("lambda·dt %v: variance of log jumps %v, want %v ± %v", mean, sumDev2/sumN, want, 4*se)
		}
	}
}

// TestJumpsPanics: a negative or infinite intensity is an error.
func TestJumpsPanics(t *testing.T) {
	for _, lambda := range []float64{-1, math.Inf(1), math.NaN()} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Jumps(lambda %v) did not panic", lambda)
				}
			}()
			process.Jumps(rand.New(rand.NewPCG(1, 2)), lambda, 0, 0.1, 1)
		}()
	}
}

// TestJumpBlockCounts: with no diffusion and fixed jump sizes, each step's
// log return is the compensated drift plus n·jump_mu, so the model's path
// reveals every jump: their count per step averages lambda·dt.
func TestJumpBlockCounts(t *testing.T) {
	mu, lambda, jm, dt, T := 0.01, 2.0, -0.1, 0.05, 100_000
	xs := series(t, 1, func(_ *gds.Builder, x gds.Float) []gds.Block {
		return []gds.Block{process.Jump(x, blocks.Const(mu), blocks.Const(0), blocks.Const(lambda),
			blocks.Const(jm), blocks.Const(0), blocks.Const(dt))}
	}, T, 1)
	k := math.Expm1(jm)
	drift := (mu - lambda*k) * dt
	total := 0
	for i := 1; i < len(xs); i++ {
		jump := math.Log(xs[i]/xs[i-1]) - drift
		n := math.Round(jump / jm)
		if n < 0 || math.Abs(jump-n*jm) > 1e-9 {
			t.Fatalf("step %d: log return minus drift %v is not a whole number of jumps of %v", i, jump, jm)
		}
		total += int(n)
	}
	mean := lambda * dt
	if got, se := float64(total)/float64(T), math.Sqrt(mean/float64(T)); math.Abs(got-mean) > 4*se {
		t.Errorf("%v jumps per step, want %v ± %v", got, mean, 4*se)
	}
}

// TestJumpBlockCompensated: the expected growth is e^(mu·T·dt) whatever
// the jumps (Merton's compensator), and the mean log return is
// (mu − sigma²/2 − lambda·k + lambda·jump_mu)·T·dt.
func TestJumpBlockCompensated(t *testing.T) {
	mu, sigma, lambda, jm, js, dt, T := 0.1, 0.2, 1.0, -0.1, 0.1, 0.02, 50
	xs := final(t, 100, func(x gds.Float) gds.Block {
		return process.Jump(x, blocks.Const(mu), blocks.Const(sigma), blocks.Const(lambda),
			blocks.Const(jm), blocks.Const(js), blocks.Const(dt))
	}, T, 8000)
	growth := make([]float64, len(xs))
	logs := make([]float64, len(xs))
	for i, x := range xs {
		growth[i] = x / 100
		logs[i] = math.Log(x / 100)
	}
	h := float64(T) * dt
	m, s := meanStd(growth)
	if want, se := math.Exp(mu*h), s/math.Sqrt(float64(len(xs))); math.Abs(m-want) > 4*se {
		t.Errorf("mean growth %v, want e^(mu·T·dt) = %v ± %v", m, want, 4*se)
	}
	k := math.Exp(jm+js*js/2) - 1
	m, s = meanStd(logs)
	if want, se := (mu-sigma*sigma/2-lambda*k+lambda*jm)*h, s/math.Sqrt(float64(len(xs))); math.Abs(m-want) > 4*se {
		t.Errorf("mean log return %v, want %v ± %v", m, want, 4*se)
	}
}
