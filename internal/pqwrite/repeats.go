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
// kind of match only: a run of values each equal to the one stride
// values before it (stride 1: a variable that a PSUB does not update
// keeps its value over the substeps; stride n: an agent table's field,
// agent after agent, when the agent did not change), written as a copy at
// offset 8*stride that also takes the high bytes of the value before the
// run and the low bytes of the value after it where they are the same at
// that offset. Everything else is written as literals. Such pages' other
// values are noisy floats, in which a general snappy encoder finds few
// matches, at one hash-table probe a byte; this is a comparison a value.
//
// A reader decompresses it as any snappy block: a copy may overlap what
// it copies (offset 8, length 8k repeats a value k times).
//
// len(src) must be a multiple of 8, and stride at least 1 and at most
// maxStride.
func appendSnappyRepeats(dst, src []byte, stride int) []byte {
	// Every copy saves more than the literal header it adds, so the block
	// is at most src, one literal header and the length.
	dst = slices.Grow(dst, len(src)+16)
	out := dst[len(dst):cap(dst)]
	o := binary.PutUvarint(out, uint64(len(src)))
	n := len(src) / 8
	if n == 0 {
		return dst[:len(dst)+o]
	}
	k, off := stride, 8*stride
	if k >= n {
		return dst[:len(dst)+putLiteral(out, o, src, 0, len(src))]
	}
	// The scan goes by byte position b over the whole values, [0, limit),
	// each compared with the value off bytes before it, through unsafe
	// loads: every position it loads is in [0, limit), so there are no
	// bounds to check.
	base, limit := unsafe.Pointer(unsafe.SliceData(src)), n*8
	at := func(b int) uint64 { return *(*uint64)(unsafe.Add(base, b)) }
	lit := 0                                     // the pending literal's first byte
	short, tag1 := off < 2048, byte(off>>8)<<5|1 // a copy's 2-byte element
	for b := off; b < limit; b += 8 {
		if at(b) != at(b-off) {
			continue
		}
		e := b + 8 // the first value after the run
		for e < limit && at(e) == at(e-off) {
			e += 8
		}
		end := e
		if e < limit {
			// The copy goes on into the next value as far as its low bytes
			// are the same at the offset (values of one precision often
			// share them).
			end += bits.TrailingZeros64(at(e)^at(e-off)) / 8
		}
		start := b
		if b > off {
			// and it begins in the value before the run as far as its
			// high bytes (sign, exponent) are, within the pending literal
			start -= min(bits.LeadingZeros64(at(b-8)^at(b-8-off))/8, start-lit)
		}
		// the common elements inline: a literal of up to 16 bytes, a
		// copy of up to 11
		if n := start - lit; unaligned && n > 0 && n <= 16 && lit+16 <= len(src) && o+17 <= len(out) {
			d := unsafe.Add(unsafe.Pointer(unsafe.SliceData(out)), o)
			s := unsafe.Add(base, lit)
			*(*byte)(d) = byte(n-1) << 2
			*(*uint64)(unsafe.Add(d, 1)) = *(*uint64)(s)
			*(*uint64)(unsafe.Add(d, 9)) = *(*uint64)(unsafe.Add(s, 8))
			o += 1 + n
		} else {
			o = putLiteral(out, o, src, lit, start)
		}
		if n := end - start; n <= 11 && short && o+2 <= len(out) {
			d := unsafe.Add(unsafe.Pointer(unsafe.SliceData(out)), o)
			*(*byte)(d), *(*byte)(unsafe.Add(d, 1)) = byte(n-4)<<2|tag1, byte(off)
			o += 2
		} else {
			o = putCopy(out, o, n, off)
		}
		lit, b = end, e
	}
	o = putLiteral(out, o, src, lit, len(src))
	return dst[:len(dst)+o]
}

// maxStride is the largest stride appendSnappyRepeats takes: its copies'
// offsets fit snappy's 2-byte offset.
const maxStride = (1<<16 - 1) / 8

// snappyStride reads a snappy block and returns the stride, in 8-byte
// values, of the offset its copies take the most bytes from, if that is a
// whole number of values up to maxStride, and 1 otherwise: what a general
// encoder found repeating in a page, for appendSnappyRepeats to look for.
// counts is scratch of maxStride+1 (cleared here).
func snappyStride(enc []byte, counts []int32) int {
	clear(counts)
	other := 0 // bytes copied at offsets that are not a stride
	add := func(off, n int) {
		if off%8 == 0 && off/8 <= maxStride {
			counts[off/8] += int32(n)
		} else {
			other += n
		}
	}
	_, k := binary.Uvarint(enc)
	if k <= 0 {
		return 1
	}
	for k < len(enc) {
		tag := enc[k]
		switch tag & 3 {
		case 0: // literal
			m := int(tag >> 2)
			k++
			if m >= 60 {
				nb := m - 59
				if k+nb > len(enc) {
					return 1
				}
				m = 0
				for b := range nb {
					m |= int(enc[k+b]) << (8 * b)
				}
				k += nb
			}
			k += m + 1
		case 1:
			if k+1 >= len(enc) {
				return 1
			}
			add(int(tag>>5)<<8|int(enc[k+1]), int(tag>>2&7)+4)
			k += 2
		case 2:
			if k+2 >= len(enc) {
				return 1
			}
			add(int(enc[k+1])|int(enc[k+2])<<8, int(tag>>2)+1)
			k += 3
		default:
			if k+4 >= len(enc) {
				return 1
			}
			add(int(binary.LittleEndian.Uint32(enc[k+1:])), int(tag>>2)+1)
			k += 5
		}
	}
	best := 1
	for s := 1; s < len(counts); s++ {
		if counts[s] > counts[best] {
			best = s
		}
	}
	if int(counts[best]) < other {
		return 1
	}
	return best
}

// unaligned: the machine loads and stores 8-byte words at any address.
const unaligned = runtime.GOARCH == "amd64" || runtime.GOARCH == "arm64"

// putLiteral writes a snappy literal element of src[lo:hi] at out[o:],
// and returns the position after it. (appendSnappyRepeats writes the
// short literals between runs itself, without a call to memmove.)
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
	return o + copy(out[o:], src[lo:hi])
}

// putCopy writes snappy copy elements of n >= 4 bytes at offset off (a
// multiple of 8 below 65536) at out[o:], and returns the position after
// them: a 2-byte element for up to 11 bytes at an offset below 2048,
// 3-byte ones of up to 64.
func putCopy(out []byte, o, n, off int) int {
	if n <= 11 && off < 2048 {
		out[o], out[o+1] = byte(n-4)<<2|byte(off>>8)<<5|1, byte(off)
		return o + 2
	}
	for n > 64 {
		out[o], out[o+1], out[o+2] = (64-1)<<2|2, byte(off), byte(off>>8)
		o += 3
		n -= 64
	}
	out[o], out[o+1], out[o+2] = byte(n-1)<<2|2, byte(off), byte(off>>8)
	return o + 3
}
