package pqwrite

import (
	"bytes"
	"encoding/binary"
	"math"
	"math/bits"
	"slices"
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

// appendDelta appends vals (len > 0) DELTA_BINARY_PACKED, and returns
// the least and greatest of vals (the page's statistics). Differences
// wrap around at the type's width, as the format asks. One pass per block
// computes the differences, their minimum, each miniblock's maximum and
// the values' range; a second packs the differences less the minimum,
// unless they are all equal (a counter's blocks: 5 bytes per 128 values).
func appendDelta[T int32 | int64](b []byte, vals []T, scratch *[deltaBlock]uint64) ([]byte, T, T) {
	b = appendVarint(b, deltaBlock)
	b = appendVarint(b, deltaBlock/deltaMiniblock)
	b = appendVarint(b, uint64(len(vals)))
	b = appendVarint(b, zigzag64(int64(vals[0])))
	lo, hi := vals[0], vals[0]
	var d [deltaBlock]T
	for from := 1; from < len(vals); from += deltaBlock {
		n := min(deltaBlock, len(vals)-from)
		prev := vals[from-1 : from-1+n]
		cur := vals[from : from+n]
		minD, maxD := cur[0]-prev[0], cur[0]-prev[0] // T arithmetic: wraps at the type's width
		var miniMax [4]T
		miniblocks := (n + deltaMiniblock - 1) / deltaMiniblock
		for m := 0; m < miniblocks; m++ {
			mlo, mhi := m*deltaMiniblock, min((m+1)*deltaMiniblock, n)
			mx := cur[mlo] - prev[mlo]
			for i := mlo; i < mhi; i++ {
				v := cur[i]
				x := v - prev[i]
				d[i] = x
				minD, mx = min(minD, x), max(mx, x)
				lo, hi = min(lo, v), max(hi, v)
			}
			miniMax[m] = mx
			maxD = max(maxD, mx)
		}
		b = appendVarint(b, zigzag64(int64(minD)))
		if minD == maxD {
			b = append(b, 0, 0, 0, 0) // every miniblock of width 0
			continue
		}
		var widths [4]int
		for m := range widths {
			if m < miniblocks {
				widths[m] = bits.Len64(unsignedOf(miniMax[m] - minD))
			}
			b = append(b, byte(widths[m]))
		}
		for i := n; i < miniblocks*deltaMiniblock; i++ {
			d[i] = minD // the last miniblock is padded with zeros
		}
		for m := 0; m < miniblocks; m++ {
			u := scratch[:deltaMiniblock]
			dm := d[m*deltaMiniblock : (m+1)*deltaMiniblock]
			for i, x := range dm {
				u[i] = unsignedOf(x - minD)
			}
			b = appendPacked(b, u, widths[m])
		}
	}
	return b, lo, hi
}

// unsignedOf returns a difference as the unsigned number of its type's
// width: an int32's 32 bits, not sign-extended.
func unsignedOf[T int32 | int64](x T) uint64 {
	if unsafe.Sizeof(x) == 4 {
		return uint64(uint32(x))
	}
	return uint64(x)
}

// appendPacked appends the values bit-packed at width bits each, least
// significant bit first: len(vals)*width/8 bytes (len(vals) a multiple of
// 8, every value below 1<<width). The bits are gathered 64 at a time.
func appendPacked(b []byte, vals []uint64, width int) []byte {
	if width == 0 {
		return b
	}
	n := len(vals) * width / 8
	b = slices.Grow(b, n+8)
	dst := b[len(b) : len(b)+n+8]
	pos := 0
	if width <= 8 { // 8 values in width bytes, gathered in one word
		for g := 0; g+8 <= len(vals); g += 8 {
			v := vals[g : g+8 : g+8]
			acc := v[0] | v[1]<<width | v[2]<<(2*width) | v[3]<<(3*width) |
				v[4]<<(4*width) | v[5]<<(5*width) | v[6]<<(6*width) | v[7]<<(7*width)
			binary.LittleEndian.PutUint64(dst[pos:], acc) // width bytes are the group's; the next group overwrites the rest
			pos += width
		}
		return b[:len(b)+n]
	}
	var acc uint64
	nb := 0
	for _, v := range vals {
		acc |= v << nb // nb < 64
		nb += width
		if nb >= 64 {
			binary.LittleEndian.PutUint64(dst[pos:], acc)
			pos += 8
			nb -= 64
			acc = v >> (width - nb) // the bits that did not fit; 0 when none (a shift by 64)
		}
	}
	if nb > 0 {
		binary.LittleEndian.PutUint64(dst[pos:], acc)
	}
	return b[:len(b)+n]
}
