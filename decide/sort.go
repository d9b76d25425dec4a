package decide

import (
	"math"
	"slices"
)

// radixMin is the fewest values sortFloats sorts by radix; fewer go to
// slices.Sort, faster there than the radix sort's eight counting passes.
const radixMin = 512

// floatSorter sorts float64 values without NaN in ascending order, as
// slices.Sort does, by a least-significant-digit radix sort of their bits,
// a byte at a time: time linear in the values, ~4x faster than
// slices.Sort for a sweep point's 250,000 runs, which a summary of a
// million jobs sorts ten times a KPI. Equal values are equal bits, but for
// zeros: -0 comes before +0 (slices.Sort leaves them in any order). The
// zero value is ready to use; it keeps its buffers from sort to sort.
type floatSorter struct {
	keys, tmp []uint64
}

// sort sorts vals, which must hold no NaN.
func (s *floatSorter) sort(vals []float64) {
	n := len(vals)
	if n < radixMin {
		slices.Sort(vals)
		return
	}
	if cap(s.keys) < n {
		s.keys, s.tmp = make([]uint64, n), make([]uint64, n)
	}
	keys, tmp := s.keys[:n], s.tmp[:n]
	// The bits as keys in the floats' order: a negative float's bits
	// flipped (a larger magnitude is smaller), a positive's sign bit set.
	var counts [8][256]int
	for i, v := range vals {
		u := math.Float64bits(v)
		u ^= uint64(int64(u)>>63) | 1<<63
		keys[i] = u
		for d := range 8 {
			counts[d][byte(u>>(8*d))]++
		}
	}
	for d := range 8 {
		c := &counts[d]
		if c[byte(keys[0]>>(8*d))] == n {
			continue // every key has this byte: the pass would move nothing
		}
		var at [256]int
		sum := 0
		for b := range 256 {
			at[b], sum = sum, sum+c[b]
		}
		for _, u := range keys {
			b := byte(u >> (8 * d))
			tmp[at[b]] = u
			at[b]++
		}
		keys, tmp = tmp, keys
	}
	for i, u := range keys {
		u ^= ^uint64(int64(u)>>63) | 1<<63
		vals[i] = math.Float64frombits(u)
	}
}
