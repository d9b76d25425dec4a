package ledger

import (
	"math"
	"testing"
)

// TestWithinMatchesPay: wherever Within reports the plain case, Pay's
// every-case path (pay) pays amount and leaves what Within computed, bit
// for bit; and Within reports it for the payments models make most
// (a part of a positive balance, nothing from an empty wallet).
func TestWithinMatchesPay(t *testing.T) {
	negz := math.Copysign(0, -1)
	vals := []float64{0, negz, 1e-300, 1e-12, 0.1, 1, 1 - 1e-13, 1 + 1e-13, 2, 100, 1e300,
		-1, math.Inf(1), math.Inf(-1), math.NaN(), math.MaxFloat64, math.SmallestNonzeroFloat64}
	for _, b := range vals {
		for _, a := range vals {
			left, ok := Within(b, a)
			for _, clamp := range []bool{false, true} {
				paid, pleft, err := pay(b, a, clamp)
				if !ok {
					continue
				}
				if err != nil {
					t.Errorf("Within(%v, %v) is plain, pay fails: %v", b, a, err)
					continue
				}
				if math.Float64bits(paid) != math.Float64bits(a) || math.Float64bits(pleft) != math.Float64bits(left) {
					t.Errorf("Within(%v, %v): pays %v leaving %v; pay pays %v leaving %v", b, a, a, left, paid, pleft)
				}
				// and Pay, which takes Within's path, agrees
				if p2, l2, _ := Pay(b, a, clamp); math.Float64bits(p2) != math.Float64bits(paid) || math.Float64bits(l2) != math.Float64bits(pleft) {
					t.Errorf("Pay(%v, %v) = %v, %v; pay %v, %v", b, a, p2, l2, paid, pleft)
				}
			}
		}
	}
	for _, c := range [][2]float64{{1, 0.5}, {100, 0}, {0, 0}, {2, 1}} {
		if _, ok := Within(c[0], c[1]); !ok {
			t.Errorf("Within(%v, %v) is not the plain case", c[0], c[1])
		}
	}
	for _, c := range [][2]float64{{1, 1}, {1, 1 - 1e-13}, {0, 1}, {negz, 0}, {0, negz}, {1, math.NaN()}, {math.Inf(1), 1}, {-1, 0}} {
		if _, ok := Within(c[0], c[1]); ok {
			t.Errorf("Within(%v, %v) is the plain case; Pay rounds, fails or keeps a sign there", c[0], c[1])
		}
	}
}
