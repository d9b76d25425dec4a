package sample

import (
	"fmt"
	"math/bits"
	"math/rand/v2"
)

// shiftStream is the PCG stream that digital shifts draw from; the caller's
// seed is the other half of the PCG state.
const shiftStream = 0x536f_626f_6c5f_7368 // "Sobol_sh"

// Sobol returns the first n points of the Sobol low-discrepancy sequence in
// len(dims) dimensions, with the Joe-Kuo direction numbers
// (new-joe-kuo-6.21201, see joeKuo), scaled to dims by Dim.Scale. The
// sequence's point 0 (the origin) is skipped: point i of the result is
// point i+1 of the sequence in Gray-code order, the order of Joe and Kuo's
// own generator and of scipy's qmc.Sobol(scramble=False). The package doc
// states the balance properties this leaves.
//
// seed != 0 applies a random digital shift: each coordinate's 64-bit
// integer representation is XORed with a 64-bit word drawn, one per
// dimension, from a PCG generator seeded with seed. The same seed always
// gives the same shift. seed == 0 gives the plain sequence.
//
// It returns an error for n <= 0, for no dims, for more than MaxSobolDims
// dims, and for an invalid dim, wrapping the dim's Validate error with its
// name.
func Sobol(n int, dims []Dim, seed uint64) ([][]float64, error) {
	if err := checkSobolSize(n, len(dims)); err != nil {
		return nil, err
	}
	if err := checkDims(dims); err != nil {
		return nil, err
	}
	pts := unitSobol(n, len(dims), seed)
	scaleRows(pts, dims)
	return pts, nil
}

// UnitSobol returns the points of Sobol in [0, 1)^d, unscaled. It is Sobol
// for d linear dims on [0, 1] with the same seed.
func UnitSobol(n, d int, seed uint64) ([][]float64, error) {
	if err := checkSobolSize(n, d); err != nil {
		return nil, err
	}
	return unitSobol(n, d, seed), nil
}

func checkSobolSize(n, d int) error {
	if err := checkSize(n, d); err != nil {
		return err
	}
	if d > MaxSobolDims {
		return fmt.Errorf("sobol supports at most %d dims, got %d", MaxSobolDims, d)
	}
	return nil
}

// unitSobol generates points 1..n of the (shifted) sequence. The size has
// been checked.
func unitSobol(n, d int, seed uint64) [][]float64 {
	v := directions(d)
	x := make([]uint64, d)
	if seed != 0 {
		src := rand.NewPCG(seed, shiftStream)
		for j := range x {
			x[j] = src.Uint64()
		}
	}
	pts, _ := newPoints(n, d)
	for i, p := range pts {
		// Gray-code step from point i to point i+1: flip the direction
		// number of the lowest zero bit of i.
		c := bits.TrailingZeros64(^uint64(i))
		for j := range x {
			x[j] ^= v[j][c]
			p[j] = toUnit(x[j])
		}
	}
	return pts
}

// toUnit maps a 64-bit binary fraction to [0, 1), keeping its top 53 bits
// (truncating, so that it never rounds up to 1).
func toUnit(x uint64) float64 {
	return float64(x>>11) * 0x1p-53
}

// directions returns the 64 direction numbers of each of the first d
// dimensions, as binary fractions scaled by 2^64: v[j][k] = m_(k+1) / 2^(k+1).
func directions(d int) [][64]uint64 {
	v := make([][64]uint64, d)
	for k := range v[0] {
		v[0][k] = 1 << (63 - k) // m_k = 1: van der Corput
	}
	for j := 1; j < d; j++ {
		r := joeKuo[j-1]
		s := int(r.s)
		for k := 0; k < s; k++ {
			v[j][k] = uint64(r.m[k]) << (63 - k)
		}
		// Bratley and Fox's recurrence for the polynomial
		// x^s + a_1 x^(s-1) + ... + a_(s-1) x + 1:
		// v_k = a_1 v_(k-1) ^ ... ^ a_(s-1) v_(k-s+1) ^ v_(k-s) ^ v_(k-s)/2^s.
		for k := s; k < 64; k++ {
			w := v[j][k-s] ^ v[j][k-s]>>s
			for i := 1; i < s; i++ {
				if r.a>>(s-1-i)&1 == 1 {
					w ^= v[j][k-i]
				}
			}
			v[j][k] = w
		}
	}
	return v
}
