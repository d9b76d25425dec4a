package process

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/statecraft/statecraft/blocks"
	"github.com/statecraft/statecraft/gds"
)

// Jump returns the update that moves x by Merton's jump diffusion over a
// step dt: geometric Brownian motion plus a compound Poisson process of
// lognormal jumps,
//
//	x ← x·exp((mu − sigma²/2 − lambda·k)·dt + sigma·√dt·Z + J)
//
// with Z ~ N(0, 1), J the sum of the log sizes of N ~ Poisson(lambda·dt)
// jumps, each N(jumpMu, jumpSigma²) (see Jumps), and k = e^(jumpMu +
// jumpSigma²/2) − 1 the mean relative jump. The compensator −lambda·k keeps
// mu the expected growth rate, E[x(t+dt)] = x(t)·e^(mu·dt), as in Merton
// (1976); to model uncompensated jumps, pass mu + lambda·k as mu. The
// inputs are read in argument order, then Z, N and J are drawn from the
// job's stream (J only when N > 0). It panics (a *gds.BlockError in a run)
// if lambda·dt is negative or not finite.
func Jump(x gds.Float, mu, sigma, lambda, jumpMu, jumpSigma, dt blocks.Input) gds.Block {
	return x.Update(func(c *gds.Ctx) float64 {
		m, s, l := mu(c), sigma(c), lambda(c)
		jm, js, h := jumpMu(c), jumpSigma(c), dt(c)
		k := math.Expm1(jm + float64(float64(0.5*js)*js))
		drift := float64(float64(float64(m-float64(float64(0.5*s)*s))-float64(l*k)) * h)
		shock := float64(float64(s*math.Sqrt(h)) * c.NormFloat64())
		_, logJump := Jumps(c.Rand, l, jm, js, h)
		return x.Get(c) * math.Exp(drift+shock+logJump)
	})
}

// Jumps draws the jumps of one step dt of a compound Poisson process with
// intensity lambda and lognormal jump sizes: the number of jumps
// n ~ Poisson(lambda·dt), and the sum of their log sizes, each
// N(jumpMu, jumpSigma²). The sum is drawn as one normal,
// n·jumpMu + jumpSigma·√n·Z, which has the same distribution as n draws
// added; nothing is drawn for it when n = 0. It panics if lambda·dt is
// negative or not finite.
func Jumps(r *rand.Rand, lambda, jumpMu, jumpSigma, dt float64) (n int, logSum float64) {
	n = poisson(r, float64(lambda*dt))
	if n == 0 {
		return 0, 0
	}
	fn := float64(n)
	return n, float64(fn*jumpMu) + float64(float64(jumpSigma*math.Sqrt(fn))*r.NormFloat64())
}

// poisson draws from Poisson(mean) with the algorithm of gonum's
// distuv.Poisson (as gds/expr's poisson(lambda) does, so a model file's
// draws and a block's follow the same method): the direct method below
// mean 10, Hörmann's PTRS above; every product that feeds a sum is
// rounded explicitly.
func poisson(r *rand.Rand, mean float64) int {
	if !(mean >= 0) || math.IsInf(mean, 1) {
		panic(fmt.Errorf("process: jump intensity lambda·dt must be a finite number >= 0, got %v", mean))
	}
	if mean < 10.0 {
		n := 0
		t := 0.0
		for {
			t += r.ExpFloat64()
			if t >= mean {
				return n
			}
			n++
		}
	}
	// W. Hörmann, "The transformed rejection method for generating Poisson
	// random variables", Insurance: Mathematics and Economics 12.1 (1993):
	// algorithm PTRS.
	b := 0.931 + float64(2.53*math.Sqrt(mean))
	a := -0.059 + float64(0.02483*b)
	invalpha := 1.1239 + 1.1328/(b-3.4)
	vr := 0.9277 - 3.6224/(b-2)
	for {
		U := float64(r.Float64()) - 0.5
		V := r.Float64()
		us := 0.5 - math.Abs(U)
		k := math.Floor(float64(float64(float64(2*a)/us+b)*U) + mean + 0.43)
		if us >= 0.07 && V <= vr {
			return int(k)
		}
		if k <= 0 || (us < 0.013 && V > us) {
			continue
		}
		lg, _ := math.Lgamma(k + 1)
		if math.Log(float64(V*invalpha)/(a/float64(us*us)+b)) <= float64(k*math.Log(mean))-mean-lg {
			return int(k)
		}
	}
}
