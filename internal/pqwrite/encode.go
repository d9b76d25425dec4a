package pqwrite

import (
	"bytes"
	"encoding/binary"
	"math"
	"math/bits"
	"strings"
	"unsafe"
)

// Encoding is how the direct path encodes a flat required column's values.
type Encoding uint8

const (
	// Plain writes the values' PLAIN bytes, compressed with the file's
	// codec (or not, with Options.Adaptive, when that does not pay).
	Plain Encoding = iota
	// Dictionary writes RLE_DICTIONARY pages: a dictionary page of the
	// chunk's distinct values, then pages of their indices as runs
	// (RLE/bit-packed hybrid), uncompressed. For columns with long runs
	// of one value: ids and parameters that are constant over a job.
	// int32, int64, float64 and string columns.
	Dictionary
	// Delta writes DELTA_BINARY_PACKED pages, uncompressed: for counters
	// (timestep, substep), whose differences are small and regular.
	// int32 and int64 columns.
	Delta
)

// String returns the encoding's Parquet name.
func (e Encoding) String() string {
	switch e {
	case Dictionary:
		return "RLE_DICTIONARY"
	case Delta:
		return "DELTA_BINARY_PACKED"
	}
	return "PLAIN"
}

// maxEncodedPage is the most values the direct path puts in a dictionary
// or delta page: such pages are small (a few bytes per run or per 128
// regular values), so they hold a whole batch of a column up to this.
const maxEncodedPage = 1 << 16

// dictionary is a column chunk's dictionary being built: its values in
// order of first appearance, PLAIN-encoded, and their indices.
type dictionary struct {
	plain   []byte           // the values, PLAIN-encoded
	n       int              // values
	fixed   map[uint64]int32 // int32, int64 and float64 values, by bits
	strs    map[string]int32
	lastKey uint64 // the last value looked up (fixed types), lastIdx its index
	lastStr string
	lastIdx int32
}

func (d *dictionary) reset() {
	d.plain, d.n, d.lastIdx = d.plain[:0], 0, -1
	clear(d.fixed)
	clear(d.strs)
	d.lastStr = ""
}

// index returns the index of a fixed-width value (its bits, width bytes
// of them), adding it.
func (d *dictionary) index(key uint64, width int) int32 {
	if d.lastIdx >= 0 && key == d.lastKey {
		return d.lastIdx
	}
	if d.fixed == nil {
		d.fixed = map[uint64]int32{}
	}
	i, ok := d.fixed[key]
	if !ok {
		i = int32(d.n)
		d.fixed[key] = i
		d.n++
		if width == 4 {
			d.plain = binary.LittleEndian.AppendUint32(d.plain, uint32(key))
		} else {
			d.plain = binary.LittleEndian.AppendUint64(d.plain, key)
		}
	}
	d.lastKey, d.lastIdx = key, i
	return i
}

// indexString returns the index of a string, adding a copy of it.
func (d *dictionary) indexString(s string) int32 {
	if d.lastIdx >= 0 && s == d.lastStr {
		return d.lastIdx
	}
	if d.strs == nil {
		d.strs = map[string]int32{}
	}
	i, ok := d.strs[s]
	if !ok {
		s = strings.Clone(s) // the array's memory is reused after the write
		i = int32(d.n)
		d.strs[s] = i
		d.n++
		d.plain = binary.LittleEndian.AppendUint32(d.plain, uint32(len(s)))
		d.plain = append(d.plain, s...)
	}
	d.lastStr, d.lastIdx = s, i
	return i
}

// bitWidth returns the bit width of the indices of a dictionary of n
// values: at least 1 (some readers take 0 badly).
func bitWidth(n int) int { return max(1, bits.Len(uint(max(n-1, 0)))) }

// appendRLERun appends a run of n copies of index v, of width bits, as an
// RLE run of the RLE/bit-packed hybrid encoding.
func appendRLERun(b []byte, n int, v int32, width int) []byte {
	b = appendVarint(b, uint64(n)<<1)
	for k := 0; k < (width+7)/8; k++ {
		b = append(b, byte(v>>(8*k)))
	}
	return b
}

// runEnd returns the end of the run of equal values that starts at i:
// the first j > i with vals[j] != vals[i], or len(vals). Long runs are
// compared 64 values at a time with bytes.Equal (vectorized).
func runEnd[T comparable](vals []T, i int, pattern *[]T) int {
	v, j, n := vals[i], i+1, len(vals)
	for ; j < n && j < i+16; j++ {
		if vals[j] != v {
			return j
		}
	}
	if j == n {
		return n
	}
	const block = 64
	p := *pattern
	if len(p) != block || p[0] != v {
		if cap(p) < block {
			p = make([]T, block)
		}
		p = p[:block]
		for k := range p {
			p[k] = v
		}
		*pattern = p
	}
	width := int(unsafe.Sizeof(v))
	pb := unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(p))), block*width)
	for j+block <= n {
		if !bytes.Equal(unsafe.Slice((*byte)(unsafe.Pointer(&vals[j])), block*width), pb) {
			break
		}
		j += block
	}
	for ; j < n && vals[j] == v; j++ {
	}
	return j
}

// keyOf returns a fixed-width value's bits, the dictionary's key.
func keyOf[T int32 | int64 | float64](v T) uint64 {
	switch x := any(v).(type) {
	case int32:
		return uint64(uint32(x))
	case int64:
		return uint64(x)
	case float64:
		return math.Float64bits(x)
	}
	return 0
}

// deltaBlock is DELTA_BINARY_PACKED's block: 128 values in 4 miniblocks.
const (
	deltaBlock     = 128
	deltaMiniblock = 32
)

// appendDelta appends vals (len > 0) DELTA_BINARY_PACKED. Differences
// wrap around at the type's width, as the format asks; width is 32 or 64.
func appendDelta[T int32 | int64](b []byte, vals []T, scratch *[deltaBlock]uint64) []byte {
	b = appendVarint(b, deltaBlock)
	b = appendVarint(b, deltaBlock/deltaMiniblock)
	b = appendVarint(b, uint64(len(vals)))
	b = appendVarint(b, zigzag64(int64(vals[0])))
	d := scratch
	for lo := 1; lo < len(vals); lo += deltaBlock {
		hi := min(lo+deltaBlock, len(vals))
		n := hi - lo
		minD := vals[lo] - vals[lo-1] // T arithmetic: wraps at the type's width
		allSame := true
		for i := lo; i < hi; i++ {
			x := vals[i] - vals[i-1]
			allSame = allSame && x == minD
			minD = min(minD, x)
		}
		b = appendVarint(b, zigzag64(int64(minD)))
		if allSame {
			b = append(b, 0, 0, 0, 0) // every miniblock of width 0
			continue
		}
		for i := lo; i < hi; i++ {
			x := vals[i] - vals[i-1] - minD
			if unsafe.Sizeof(x) == 4 {
				d[i-lo] = uint64(uint32(x))
			} else {
				d[i-lo] = uint64(x)
			}
		}
		clear(d[n:]) // the last miniblock is padded
		miniblocks := (n + deltaMiniblock - 1) / deltaMiniblock
		var widths [4]int
		for m := range widths {
			if m < miniblocks {
				var or uint64
				for _, x := range d[m*deltaMiniblock : (m+1)*deltaMiniblock] {
					or |= x
				}
				widths[m] = bits.Len64(or)
			}
			b = append(b, byte(widths[m]))
		}
		for m := 0; m < miniblocks; m++ {
			b = appendPacked(b, d[m*deltaMiniblock:(m+1)*deltaMiniblock], widths[m])
		}
	}
	return b
}

// appendPacked appends the values bit-packed at width bits each, least
// significant bit first (len(vals) a multiple of 8).
func appendPacked(b []byte, vals []uint64, width int) []byte {
	if width == 0 {
		return b
	}
	var acc uint64
	var nb int
	if width <= 56 {
		for _, v := range vals {
			acc |= v << nb
			nb += width
			for nb >= 8 {
				b = append(b, byte(acc))
				acc >>= 8
				nb -= 8
			}
		}
		return b
	}
	for _, v := range vals { // bit by bit: widths of 57-64 bits
		for k := 0; k < width; k++ {
			acc |= (v >> k & 1) << nb
			if nb++; nb == 8 {
				b = append(b, byte(acc))
				acc, nb = 0, 0
			}
		}
	}
	return b
}
