package expr

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/statecraft/statecraft/gds"
)

// The random draws use the job's stream c.Rand with the distribution math
// of gonum's distuv (v0.17.0), so they give the same draws as
// distuv.Normal{Mu: mu, Sigma: sigma, Src: c.Src}.Rand() and its siblings.
// They do not call distuv because distuv's formulas, such as
// rnd*Sigma + Mu, may be compiled into fused multiply-adds on arm64 (and
// on amd64 with GOAMD64=v3), which would change the last bit of results
// from machine to machine; here every product is rounded with an explicit
// float64 conversion. A test checks that the draws equal distuv's on
// machines without FMA contraction.

// A random node is never constant, so it is never folded: every
// evaluation draws.

// uniformDraw is distuv.Uniform{Min: a, Max: b}.Rand().
func uniformDraw(r *rand.Rand, a, b float64) float64 {
	return float64(r.Float64()*float64(b-a)) + a
}

// normalDraw is distuv.Normal{Mu: mu, Sigma: sigma}.Rand() on the job's
// stream (Ctx.NormFloat64 is Rand.NormFloat64).
func normalDraw(c *gds.Ctx, mu, sigma float64) float64 {
	return float64(c.NormFloat64()*sigma) + mu
}

// lognormalDraw is distuv.LogNormal{Mu: mu, Sigma: sigma}.Rand() on the
// job's stream.
func lognormalDraw(c *gds.Ctx, mu, sigma float64) float64 {
	return math.Exp(float64(c.NormFloat64()*sigma) + mu)
}

// poissonDraw is distuv.Poisson{Lambda: lambda}.Rand(), as an int.
func poissonDraw(s *site, r *rand.Rand, lambda float64) int64 {
	if !(lambda >= 0) || math.IsInf(lambda, 1) {
		panic(s.fail("poisson: lambda must be a finite number >= 0, got %v", lambda))
	}
	if lambda < 10.0 {
		// The direct method.
		var em float64
		t := 0.0
		for {
			t += r.ExpFloat64()
			if t >= lambda {
				break
			}
			em++
		}
		return int64(em)
	}
	// W. Hörmann, "The transformed rejection method for generating Poisson
	// random variables", Insurance: Mathematics and Economics 12.1 (1993):
	// algorithm PTRS, as distuv writes it.
	b := 0.931 + float64(2.53*math.Sqrt(lambda))
	a := -0.059 + float64(0.02483*b)
	invalpha := 1.1239 + 1.1328/(b-3.4)
	vr := 0.9277 - 3.6224/(b-2)
	for {
		U := float64(r.Float64()) - 0.5 // float64: Float64 inlines to a product, which must not fuse
		V := r.Float64()
		us := 0.5 - math.Abs(U)
		k := math.Floor(float64(float64(float64(2*a)/us+b)*U) + lambda + 0.43)
		if us >= 0.07 && V <= vr {
			return floatToInt(s, "poisson", k)
		}
		if k <= 0 || (us < 0.013 && V > us) {
			continue
		}
		lg, _ := math.Lgamma(k + 1)
		if math.Log(float64(V*invalpha)/(a/float64(us*us)+b)) <= float64(k*math.Log(lambda))-lambda-lg {
			return floatToInt(s, "poisson", k)
		}
	}
}

func buildUniform(c *compiler, col int, name string, args []*node) (*node, error) {
	if err := c.wantNums(col, name, args); err != nil {
		return nil, err
	}
	n := &node{typ: gds.KindFloat, col: col}
	if allKonst(args...) {
		lo, hi := args[0].fconst(), args[1].fconst()
		if msg := uniformArgs(lo, hi); msg != "" {
			return nil, c.errAt(col, "%s", msg)
		}
		n.f = func(c *gds.Ctx) float64 { return uniformDraw(c.Rand, lo, hi) }
		return n, nil
	}
	a, b, s := args[0].flt(), args[1].flt(), c.site(col)
	n.f = func(c *gds.Ctx) float64 {
		lo := a(c)
		hi := b(c)
		if !(lo <= hi) || math.IsInf(lo, 0) || math.IsInf(hi, 0) {
			panic(s.fail("%s", uniformArgs(lo, hi)))
		}
		return uniformDraw(c.Rand, lo, hi)
	}
	return n, nil
}

// uniformArgs says what is wrong with uniform(lo, hi), or "".
func uniformArgs(lo, hi float64) string {
	if lo <= hi && !math.IsInf(lo, 0) && !math.IsInf(hi, 0) {
		return ""
	}
	return fmt.Sprintf("uniform(a, b) needs finite a <= b, got a = %v, b = %v", lo, hi)
}

// sigmaArg says what is wrong with the sigma of normal or lognormal, or "".
func sigmaArg(name string, sigma float64) string {
	if sigma >= 0 && !math.IsInf(sigma, 1) {
		return ""
	}
	return fmt.Sprintf("%s(mu, sigma) needs a finite sigma >= 0, got %v", name, sigma)
}

func buildNormal(c *compiler, col int, name string, args []*node) (*node, error) {
	if err := c.wantNums(col, name, args); err != nil {
		return nil, err
	}
	draw := normalDraw
	if name == "lognormal" {
		draw = lognormalDraw
	}
	n := &node{typ: gds.KindFloat, col: col}
	if allKonst(args...) {
		mu, sigma := args[0].fconst(), args[1].fconst()
		if msg := sigmaArg(name, sigma); msg != "" {
			return nil, c.errAt(col, "%s", msg)
		}
		switch {
		case name == "normal" && mu == 0 && sigma == 1:
			// z*1 + 0 is z: NormFloat64 never returns -0 (float64(j) *
			// wn[i] with j an int32) or NaN, so this is the same bits.
			n.f = func(c *gds.Ctx) float64 { return c.NormFloat64() }
		case name == "normal":
			n.f = func(c *gds.Ctx) float64 { return normalDraw(c, mu, sigma) }
		default:
			n.f = func(c *gds.Ctx) float64 { return lognormalDraw(c, mu, sigma) }
		}
		return n, nil
	}
	a, b, s := args[0].flt(), args[1].flt(), c.site(col)
	n.f = func(c *gds.Ctx) float64 {
		mu := a(c)
		sigma := b(c)
		if !(sigma >= 0) || math.IsInf(sigma, 1) {
			panic(s.fail("%s", sigmaArg(name, sigma)))
		}
		return draw(c, mu, sigma)
	}
	return n, nil
}

func buildExponential(c *compiler, col int, name string, args []*node) (*node, error) {
	if err := c.wantNums(col, name, args); err != nil {
		return nil, err
	}
	if allKonst(args...) {
		if rate := args[0].fconst(); !(rate > 0) || math.IsInf(rate, 1) {
			return nil, c.errAt(col, "exponential(rate) needs a finite rate > 0, got %v", rate)
		}
	}
	a, s := args[0].flt(), c.site(col)
	return &node{typ: gds.KindFloat, col: col, f: func(c *gds.Ctx) float64 {
		rate := a(c)
		if !(rate > 0) || math.IsInf(rate, 1) {
			panic(s.fail("exponential(rate) needs a finite rate > 0, got %v", rate))
		}
		return c.Rand.ExpFloat64() / rate
	}}, nil
}

func buildPoisson(c *compiler, col int, name string, args []*node) (*node, error) {
	if err := c.wantNums(col, name, args); err != nil {
		return nil, err
	}
	if allKonst(args...) {
		if l := args[0].fconst(); !(l >= 0) || math.IsInf(l, 1) {
			return nil, c.errAt(col, "poisson: lambda must be a finite number >= 0, got %v", l)
		}
	}
	a, s := args[0].flt(), c.site(col)
	return &node{typ: gds.KindInt, col: col, i: func(c *gds.Ctx) int64 { return poissonDraw(s, c.Rand, a(c)) }}, nil
}

func buildBernoulli(c *compiler, col int, name string, args []*node) (*node, error) {
	if err := c.wantNums(col, name, args); err != nil {
		return nil, err
	}
	if allKonst(args...) {
		if p := args[0].fconst(); !(p >= 0 && p <= 1) {
			return nil, c.errAt(col, "bernoulli(p) needs p in [0, 1], got %v", p)
		}
	}
	a, s := args[0].flt(), c.site(col)
	return &node{typ: gds.KindBool, col: col, b: func(c *gds.Ctx) bool {
		p := a(c)
		if !(p >= 0 && p <= 1) {
			panic(s.fail("bernoulli(p) needs p in [0, 1], got %v", p))
		}
		return c.Rand.Float64() < p
	}}, nil
}
