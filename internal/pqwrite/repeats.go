package pqwrite

import (
	"encoding/binary"
	"math/bits"
	"runtime"
	"slices"
	"unsafe"
)

// appendSnappyRepeats appends the snappy block (the raw format Parquet's
// SNAPPY codec is) of src, a page of 8-byte values, to dst. It finds one
// kind of match only: a run of values equal to the one before (a
// variable that a PSUB does not update keeps its value over the
// substeps), written as a copy at offset 8 that also takes the high
// bytes of the value before the run and the low bytes of the value after
// it where they are the same at offset 8. Everything else is written as
// literals. Such pages' other values are noisy floats, in which a
// general snappy encoder finds few matches, at one hash-table probe a
// byte; this is a comparison a value. (On the amm benchmark's columns
// snappy writes 66-69% of the raw size and this 75%.)
//
// A reader decompresses it as any snappy block: a copy may overlap what
// it copies (offset 8, length 8k repeats a value k times).
//
// len(src) must be a multiple of 8.
func appendSnappyRepeats(dst, src []byte) []byte {
	// Every copy saves more than the literal header it adds, so the block
	// is at most src, one literal header and the length.
	dst = slices.Grow(dst, len(src)+16)
	out := dst[len(dst):cap(dst)]
	o := binary.PutUvarint(out, uint64(len(src)))
	n := len(src) / 8
	if n == 0 {
		return dst[:len(dst)+o]
	}
	w := unsafe.Slice((*uint64)(unsafe.Pointer(unsafe.SliceData(src))), n)
	lit := 0 // the pending literal's first byte
	prev := w[0]
	for i := 1; i < n; i++ {
		if w[i] != prev {
			prev = w[i]
			continue
		}
		j := i + 1
		for j < n && w[j] == prev {
			j++
		}
		end := j * 8
		if j < n {
			// The copy goes on into the next value as far as its low bytes
			// are the run's (values of one precision often share them).
			end += bits.TrailingZeros64(w[j]^prev) / 8
			prev = w[j]
		}
		start := i * 8
		if i >= 2 {
			// and it begins in the value before the run as far as its
			// high bytes (sign, exponent) are those of the value before
			// that, within the pending literal
			start -= min(bits.LeadingZeros64(w[i-1]^w[i-2])/8, start-lit)
		}
		// the common elements inline: a literal of up to 16 bytes, a
		// copy of up to 11
		if n := start - lit; unaligned && n > 0 && n <= 16 && lit+16 <= len(src) && o+17 <= len(out) {
			out[o] = byte(n-1) << 2
			d, s := unsafe.Pointer(&out[o+1]), unsafe.Pointer(&src[lit])
			*(*uint64)(d) = *(*uint64)(s)
			*(*uint64)(unsafe.Add(d, 8)) = *(*uint64)(unsafe.Add(s, 8))
			o += 1 + n
		} else {
			o = putLiteral(out, o, src, lit, start)
		}
		if n := end - start; n <= 11 && o+2 <= len(out) {
			out[o], out[o+1] = byte(n-4)<<2|1, 8
			o += 2
		} else {
			o = putCopy(out, o, n)
		}
		lit, i = end, j
	}
	o = putLiteral(out, o, src, lit, len(src))
	return dst[:len(dst)+o]
}

// unaligned: the machine loads and stores 8-byte words at any address.
const unaligned = runtime.GOARCH == "amd64" || runtime.GOARCH == "arm64"

// putLiteral writes a snappy literal element of src[lo:hi] at out[o:],
// and returns the position after it. A literal of up to 16 bytes is
// copied as two 8-byte words, without a call to memmove, where out has
// room for them (it does but at its end: appendSnappyRepeats' bound).
func putLiteral(out []byte, o int, src []byte, lo, hi int) int {
	n := hi - lo
	if n == 0 {
		return o
	}
	switch m := uint32(n - 1); {
	case m < 60:
		out[o] = byte(m) << 2
		o++
	case m < 1<<8:
		out[o], out[o+1] = 60<<2, byte(m)
		o += 2
	case m < 1<<16:
		out[o], out[o+1], out[o+2] = 61<<2, byte(m), byte(m>>8)
		o += 3
	case m < 1<<24:
		out[o], out[o+1], out[o+2], out[o+3] = 62<<2, byte(m), byte(m>>8), byte(m>>16)
		o += 4
	default:
		out[o], out[o+1], out[o+2], out[o+3], out[o+4] = 63<<2, byte(m), byte(m>>8), byte(m>>16), byte(m>>24)
		o += 5
	}
	if unaligned && n <= 16 && lo+16 <= len(src) && o+16 <= len(out) {
		d, s := unsafe.Pointer(&out[o]), unsafe.Pointer(&src[lo])
		*(*uint64)(d) = *(*uint64)(s)
		*(*uint64)(unsafe.Add(d, 8)) = *(*uint64)(unsafe.Add(s, 8))
		return o + n
	}
	return o + copy(out[o:], src[lo:hi])
}

// putCopy writes snappy copy elements of n >= 8 bytes at offset 8 at
// out[o:], and returns the position after them: a 2-byte element for up
// to 11 bytes, 3-byte ones of up to 64.
func putCopy(out []byte, o, n int) int {
	if n <= 11 {
		out[o], out[o+1] = byte(n-4)<<2|1, 8
		return o + 2
	}
	for n > 64 {
		out[o], out[o+1], out[o+2] = (64-1)<<2|2, 8, 0
		o += 3
		n -= 64
	}
	out[o], out[o+1], out[o+2] = byte(n-1)<<2|2, 8, 0
	return o + 3
}
