package expr

import (
	"go/token"
	"math"
	"slices"

	"github.com/statecraft/statecraft/gds"
)

// scratch reserves the per-engine buffer of a vector-valued node.
func (c *compiler) scratch(col int) (gds.Scratch, error) {
	if c.env.b == nil {
		return gds.Scratch{}, c.errAt(col, "vector operations need scratch space: make the Env with NewEnv(b) for a gds.Builder b")
	}
	return c.env.b.Scratch(), nil
}

// grow returns the scratch buffer resliced to length n, growing it once.
func grow(h gds.Scratch, c *gds.Ctx, n int) []float64 {
	p := h.Buf(c)
	buf := *p
	if cap(buf) < n {
		limit := c.Limits().MaxVecLen
		if n > limit {
			panic(gds.VecLimitError(n, limit)) // before the memory is taken
		}
		// at least double, as append does: a population that grows by a
		// few agents a step reallocates its columns a few times, not
		// every step
		buf = make([]float64, n, min(max(n, 2*cap(buf)), limit))
	} else {
		buf = buf[:n]
	}
	*p = buf
	return buf
}

func (c *compiler) vecNeg(col int, x *node) (*node, error) {
	h, err := c.scratch(col)
	if err != nil {
		return nil, err
	}
	a := x.v
	return &node{typ: gds.KindVec, col: col, v: func(c *gds.Ctx) []float64 {
		p := a(c)
		out := grow(h, c, len(p))
		for i, v := range p[:len(out)] {
			out[i] = -v
		}
		return out
	}}, nil
}

var opVerb = map[token.Token]string{token.ADD: "add", token.SUB: "subtract", token.MUL: "multiply", token.QUO: "divide"}

// vecArith compiles an element-wise operation between two vectors or a
// vector and a number (on either side). Operands are evaluated left to
// right as written.
func (c *compiler) vecArith(op token.Token, col int, x, y *node) (*node, error) {
	h, err := c.scratch(col)
	if err != nil {
		return nil, err
	}
	n := &node{typ: gds.KindVec, col: col}
	switch {
	case x.typ == gds.KindVec && y.typ == gds.KindVec:
		n.v = vecVec(op, h, c.site(col), x.v, y.v)
	case x.typ == gds.KindVec:
		n.v = vecScalar(op, h, x.v, y.flt())
	default:
		n.v = scalarVec(op, h, x.flt(), y.v)
	}
	return n, nil
}

func vecVec(op token.Token, h gds.Scratch, s *site, a, b func(*gds.Ctx) []float64) func(*gds.Ctx) []float64 {
	verb := opVerb[op]
	check := func(p, q []float64) {
		if len(p) != len(q) {
			panic(s.fail("cannot %s vectors of lengths %d and %d", verb, len(p), len(q)))
		}
	}
	switch op {
	case token.ADD:
		return func(c *gds.Ctx) []float64 {
			p, q := a(c), b(c)
			check(p, q)
			out := grow(h, c, len(p))
			q = q[:len(out)]
			for i, v := range p[:len(out)] {
				out[i] = float64(v + q[i])
			}
			return out
		}
	case token.SUB:
		return func(c *gds.Ctx) []float64 {
			p, q := a(c), b(c)
			check(p, q)
			out := grow(h, c, len(p))
			q = q[:len(out)]
			for i, v := range p[:len(out)] {
				out[i] = float64(v - q[i])
			}
			return out
		}
	case token.MUL:
		return func(c *gds.Ctx) []float64 {
			p, q := a(c), b(c)
			check(p, q)
			out := grow(h, c, len(p))
			q = q[:len(out)]
			for i, v := range p[:len(out)] {
				out[i] = float64(v * q[i])
			}
			return out
		}
	}
	return func(c *gds.Ctx) []float64 {
		p, q := a(c), b(c)
		check(p, q)
		out := grow(h, c, len(p))
		q = q[:len(out)]
		for i, v := range p[:len(out)] {
			out[i] = float64(v / q[i])
		}
		return out
	}
}

func vecScalar(op token.Token, h gds.Scratch, a func(*gds.Ctx) []float64, b func(*gds.Ctx) float64) func(*gds.Ctx) []float64 {
	switch op {
	case token.ADD:
		return func(c *gds.Ctx) []float64 {
			p := a(c)
			k := b(c)
			out := grow(h, c, len(p))
			for i, v := range p[:len(out)] {
				out[i] = float64(v + k)
			}
			return out
		}
	case token.SUB:
		return func(c *gds.Ctx) []float64 {
			p := a(c)
			k := b(c)
			out := grow(h, c, len(p))
			for i, v := range p[:len(out)] {
				out[i] = float64(v - k)
			}
			return out
		}
	case token.MUL:
		return func(c *gds.Ctx) []float64 {
			p := a(c)
			k := b(c)
			out := grow(h, c, len(p))
			for i, v := range p[:len(out)] {
				out[i] = float64(v * k)
			}
			return out
		}
	}
	return func(c *gds.Ctx) []float64 {
		p := a(c)
		k := b(c)
		out := grow(h, c, len(p))
		for i, v := range p[:len(out)] {
			out[i] = float64(v / k)
		}
		return out
	}
}

func scalarVec(op token.Token, h gds.Scratch, a func(*gds.Ctx) float64, b func(*gds.Ctx) []float64) func(*gds.Ctx) []float64 {
	switch op {
	case token.ADD:
		return func(c *gds.Ctx) []float64 {
			k := a(c)
			q := b(c)
			out := grow(h, c, len(q))
			for i, v := range q[:len(out)] {
				out[i] = float64(k + v)
			}
			return out
		}
	case token.SUB:
		return func(c *gds.Ctx) []float64 {
			k := a(c)
			q := b(c)
			out := grow(h, c, len(q))
			for i, v := range q[:len(out)] {
				out[i] = float64(k - v)
			}
			return out
		}
	case token.MUL:
		return func(c *gds.Ctx) []float64 {
			k := a(c)
			q := b(c)
			out := grow(h, c, len(q))
			for i, v := range q[:len(out)] {
				out[i] = float64(k * v)
			}
			return out
		}
	}
	return func(c *gds.Ctx) []float64 {
		k := a(c)
		q := b(c)
		out := grow(h, c, len(q))
		for i, v := range q[:len(out)] {
			out[i] = float64(k / v)
		}
		return out
	}
}

// sumOf adds left to right from 0.0.
func sumOf(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s
}

// prodOf multiplies left to right from 1.0.
func prodOf(v []float64) float64 {
	p := 1.0
	for _, x := range v {
		p *= x
	}
	return p
}

// meanOf is sumOf(v) / len(v), NaN for an empty vector.
func meanOf(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	return sumOf(v) / float64(len(v))
}

// dotOf is the sum of the products left to right from 0.0; each product
// is rounded before it is added (no FMA).
func dotOf(s *site, a, b []float64) float64 {
	if len(a) != len(b) {
		panic(s.fail("dot of vectors of lengths %d and %d", len(a), len(b)))
	}
	d := 0.0
	b = b[:len(a)]
	for i, x := range a {
		d += float64(x * b[i])
	}
	return d
}

// minOf and maxOf follow Go's min and max: NaN if any element is NaN.
func minOf(s *site, v []float64) float64 {
	if len(v) == 0 {
		panic(s.fail("min of an empty vector"))
	}
	m := v[0]
	for _, x := range v[1:] {
		m = min(m, x)
	}
	return m
}

func maxOf(s *site, v []float64) float64 {
	if len(v) == 0 {
		panic(s.fail("max of an empty vector"))
	}
	m := v[0]
	for _, x := range v[1:] {
		m = max(m, x)
	}
	return m
}

// giniSorted is the Gini coefficient of v, sorted ascending: 0 if the
// total is 0, else (2*cum)/(n*total) - (n+1)/n with cum = sum of i*v_i
// (i from 1) accumulated left to right.
func giniSorted(v []float64) float64 {
	total := 0.0
	for _, x := range v {
		total += x
	}
	if total == 0 {
		return 0.0
	}
	cum := 0.0
	for i, x := range v {
		cum += float64(float64(i+1) * x)
	}
	n := float64(len(v))
	return float64(float64(2.0*cum)/float64(n*total)) - float64((n+1.0)/n)
}

// sortInto copies v into the scratch buffer h and sorts it ascending
// (NaNs first, as slices.Sort orders them).
func sortInto(h gds.Scratch, c *gds.Ctx, v []float64) []float64 {
	out := grow(h, c, len(v))
	copy(out, v)
	slices.Sort(out)
	return out
}
