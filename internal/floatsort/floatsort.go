// Package floatsort sorts float64 values as slices.Sort does, by radix
// where that is faster: the decision layer's summaries (a sweep point's
// runs, a KPI at a time) and the blocks' metrics (Gini) sort hundreds of
// thousands of values.
package floatsort

import (
	"slices"
	"unsafe"
)

// RadixMin is the length from which Sort sorts by radix: below it,
// slices.Sort is as fast.
const RadixMin = 512

// Sort sorts buf in increasing order and returns it, as slices.Sort does
// (NaNs first; −0 and +0 compare equal and come in either order). From
// RadixMin values without NaNs it sorts by radix (8 passes of 8 bits over
// the floats' order-preserving bit patterns, skipping the passes whose
// byte is the same in every value; ~4x faster than comparing for 250,000
// values, whose NaN handling makes each comparison costly) in buf's
// capacity beyond its length, grown to twice its length once: the caller
// keeps the returned slice to sort in place the next time.
func Sort(buf []float64) []float64 {
	n := len(buf)
	if n < RadixMin {
		slices.Sort(buf)
		return buf
	}
	for _, x := range buf {
		if x != x {
			slices.Sort(buf)
			return buf
		}
	}
	buf = slices.Grow(buf, n)
	keys := unsafe.Slice((*uint64)(unsafe.Pointer(unsafe.SliceData(buf))), 2*n)
	src, dst := keys[:n], keys[n:2*n]
	// An order-preserving key: negative numbers' bits flipped, positive
	// numbers' sign bit set.
	var counts [8][256]int
	for i, k := range src {
		k ^= uint64(int64(k)>>63) | 1<<63
		src[i] = k
		for d := range 8 {
			counts[d][byte(k>>(8*d))]++
		}
	}
	for d := range 8 {
		c := &counts[d]
		if c[byte(src[0]>>(8*d))] == n {
			continue // every key has this byte
		}
		sum := 0
		for b := range c {
			sum, c[b] = sum+c[b], sum
		}
		shift := 8 * uint(d)
		for _, k := range src {
			b := byte(k >> shift)
			dst[c[b]] = k
			c[b]++
		}
		src, dst = dst, src
	}
	out := keys[:n]
	for i, k := range src {
		k ^= ^uint64(int64(k)>>63) | 1<<63 // undo the key: sign set → clear it; clear → flip all
		out[i] = k
	}
	return buf
}
