package gds

import "math/rand/v2"

// NormFloat64 returns a normally distributed number (mean 0, standard
// deviation 1) from the job's stream: the number c.Rand.NormFloat64 would
// return, leaving the stream where it would, at about half the cost. It
// draws from the generator directly rather than through the Source
// interface, and takes the ziggurat's common case (over 99% of draws)
// itself; the other draws go to math/rand/v2, which starts again from
// the same 64 bits. A Ctx that no engine made (a test's) draws from
// c.Rand.
func (c *Ctx) NormFloat64() float64 {
	if c.e == nil {
		return c.Rand.NormFloat64()
	}
	u := c.PCG.Uint64()
	if x, ok := zigFast(u); ok {
		return x
	}
	return c.e.normSlow(u)
}

// zigFast is the ziggurat's common case for the draw u: the number, and
// true, if math/rand/v2 would return it at once.
func zigFast(u uint64) (float64, bool) {
	j := int32(u)
	i := u >> 32 & 0x7f
	a := uint32(j)
	if j < 0 {
		a = uint32(-j)
	}
	return float64(j) * zig.wn[i], a < zig.kn[i]
}

// normSlow finishes a normal draw whose first 64 bits u are not the
// ziggurat's common case, as math/rand/v2 does.
func (e *Engine) normSlow(u uint64) float64 {
	e.replay.u, e.replay.has = u, true
	return e.replayRand.NormFloat64()
}

// replaySource is the job's stream with one value put back: math/rand/v2
// draws u again, then goes on with the generator.
type replaySource struct {
	pcg *rand.PCG
	u   uint64
	has bool
}

func (r *replaySource) Uint64() uint64 {
	if r.has {
		r.has = false
		return r.u
	}
	return r.pcg.Uint64()
}

// zig holds what Ctx.NormFloat64's common case needs of math/rand/v2's
// ziggurat: for each of its 128 strips i, the bound kn[i] under which
// |j| (the draw's low 32 bits, signed) is accepted at once, and the
// width wn[i] that turns j into the number. They are read from
// math/rand/v2 itself (probeZiggurat), so the draws are its own.
var zig = probeZiggurat()

type ziggurat struct {
	kn [128]uint32
	wn [128]float64
}

// probeSource hands math/rand/v2's NormFloat64 one chosen value, and
// counts the draws it asks for beyond it (then zeros, which end any of
// its loops).
type probeSource struct {
	u     uint64
	draws int
}

func (p *probeSource) Uint64() uint64 {
	p.draws++
	if p.draws == 1 {
		return p.u
	}
	return 0
}

// probeZiggurat reads the ziggurat's tables from math/rand/v2: a value
// with strip i and j = 1 returns wn[i] at once, and the smallest |j| for
// which NormFloat64 asks for a second draw is kn[i] (binary search). A
// strip whose bound is 0 or 1 (math/rand/v2 has one: strip 1) is left
// with bound 0, so that every draw in it goes to math/rand/v2.
func probeZiggurat() *ziggurat {
	z := &ziggurat{}
	p := &probeSource{}
	r := rand.New(p)
	draw := func(i, a uint64) (x float64, more bool) {
		p.u, p.draws = i<<32|a, 0
		x = r.NormFloat64()
		return x, p.draws > 1
	}
	for i := range uint64(128) {
		x, more := draw(i, 1)
		if more {
			continue // kn[i] <= 1
		}
		lo, hi := uint64(1), uint64(1)<<31 // draw(i, lo) is accepted at once, draw(i, hi) is not (|j| <= 2^31-1 < kn would be)
		if _, more := draw(i, hi-1); !more {
			lo = hi - 1 // accepted up to the largest j: kn[i] > 2^31-1
			hi = 1 << 31
		}
		for hi-lo > 1 {
			mid := lo + (hi-lo)/2
			if _, more := draw(i, mid); more {
				hi = mid
			} else {
				lo = mid
			}
		}
		z.kn[i], z.wn[i] = uint32(hi), x
	}
	return z
}
