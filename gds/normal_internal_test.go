package gds

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestZigguratBounds checks Ctx.NormFloat64's common case against
// math/rand/v2 at the edges of every strip, where random draws almost
// never land: for a first draw with |j| just below, at and above the
// strip's bound, of either sign, and the extremes, the common case
// accepts exactly the draws math/rand/v2 returns at once, with the same
// number.
func TestZigguratBounds(t *testing.T) {
	p := &probeSource{}
	r := rand.New(p)
	for i := range uint64(128) {
		kn := int64(zig.kn[i])
		for _, a := range []int64{0, 1, 2, kn - 2, kn - 1, kn, kn + 1, math.MaxInt32 - 1, math.MaxInt32} {
			for _, sign := range []int64{1, -1} {
				j := sign * a
				if a < 0 || j < math.MinInt32 || j > math.MaxInt32 {
					continue
				}
				u := i<<32 | uint64(uint32(int32(j)))
				p.u, p.draws = u, 0
				want := r.NormFloat64()
				once := p.draws == 1
				x, fast := zigFast(u)
				if fast != once {
					t.Fatalf("strip %d, j = %d: common case %v, math/rand/v2 returned after one draw %v", i, j, fast, once)
				}
				if fast && math.Float64bits(x) != math.Float64bits(want) {
					t.Fatalf("strip %d, j = %d: %v, want %v", i, j, x, want)
				}
			}
		}
		// j = MinInt32: |j| is 2^31
		p.u, p.draws = i<<32|1<<31, 0
		r.NormFloat64()
		if _, fast := zigFast(i<<32 | 1<<31); fast != (p.draws == 1) {
			t.Fatalf("strip %d, j = MinInt32: common case %v, math/rand/v2 disagrees", i, fast)
		}
	}
}
