package pqread

import (
	"encoding/binary"
	"fmt"
	"slices"

	"github.com/apache/arrow/go/v15/parquet"
	"github.com/apache/arrow/go/v15/parquet/file"
	"github.com/apache/arrow/go/v15/parquet/metadata"
	"github.com/apache/arrow/go/v15/parquet/schema"
)

// Flat required INT32 and INT64 column chunks (Statecraft writes its
// timestep and substep columns so, DELTA_BINARY_PACKED) are decoded here,
// a page at a time, instead of by the Parquet package's column reader:
// its delta decoder reads each miniblock's values through a bit reader
// of its own, value by value, also when their bit width is 0 (a counter's
// constant step), and took 40% of a report read back from pp's dataset.

// ownedEncodings are the encodings a column chunk read here may list:
// its data pages', and the levels' (which a required flat column has
// none of, but writers list).
var ownedEncodings = []parquet.Encoding{
	parquet.Encodings.DeltaBinaryPacked, parquet.Encodings.Plain,
	parquet.Encodings.RLE, parquet.Encodings.BitPacked,
}

// ownsInts reports whether the column chunk cc of col is read here: a
// flat required INT32 or INT64 column without a dictionary, whose pages
// are DELTA_BINARY_PACKED or PLAIN.
func ownsInts(col *schema.Column, cc *metadata.ColumnChunkMetaData) bool {
	if col.MaxDefinitionLevel() != 0 || col.MaxRepetitionLevel() != 0 || cc.HasDictionaryPage() {
		return false
	}
	if t := col.PhysicalType(); t != parquet.Types.Int32 && t != parquet.Types.Int64 {
		return false
	}
	for _, e := range cc.Encodings() {
		if !slices.Contains(ownedEncodings, e) {
			return false
		}
	}
	return true
}

// intPages reads such a column chunk: the values of its current page,
// decoded whole, are handed out in order.
type intPages[T int32 | int64] struct {
	pr   file.PageReader
	vals []T // the current page's values, vals[pos:] not yet read
	pos  int
}

// read appends n values to dst[:0] and returns it.
func (p *intPages[T]) read(dst []T, n int) ([]T, error) {
	dst = dst[:0]
	for len(dst) < n {
		if p.pos == len(p.vals) {
			if err := p.next(); err != nil {
				return dst, err
			}
			continue
		}
		k := min(n-len(dst), len(p.vals)-p.pos)
		dst = append(dst, p.vals[p.pos:p.pos+k]...)
		p.pos += k
	}
	return dst, nil
}

// next decodes the next data page.
func (p *intPages[T]) next() error {
	for {
		if !p.pr.Next() {
			if err := p.pr.Err(); err != nil {
				return err
			}
			return fmt.Errorf("the column chunk ends early")
		}
		pg, ok := p.pr.Page().(file.DataPage)
		if !ok {
			return fmt.Errorf("a dictionary page, which the column chunk's metadata does not list")
		}
		data := pg.Data()
		if v2, ok := pg.(*file.DataPageV2); ok {
			lv := int(v2.DefinitionLevelByteLen()) + int(v2.RepetitionLevelByteLen())
			if lv < 0 || lv > len(data) {
				return fmt.Errorf("a data page's levels of %d bytes, of %d", lv, len(data))
			}
			data = data[lv:]
		}
		n := int(pg.NumValues())
		if n < 0 {
			return fmt.Errorf("a data page of %d values", n)
		}
		if cap(p.vals) < n {
			p.vals = make([]T, n)
		}
		p.vals, p.pos = p.vals[:n], 0
		var err error
		switch e := parquet.Encoding(pg.Encoding()); e {
		case parquet.Encodings.DeltaBinaryPacked:
			err = decodeDelta(data, p.vals)
		case parquet.Encodings.Plain:
			err = decodePlain(data, p.vals)
		default:
			err = fmt.Errorf("encoding %s, which the column chunk's metadata does not list", e)
		}
		if err != nil {
			return fmt.Errorf("a data page: %w", err)
		}
		if n > 0 {
			return nil
		}
	}
}

// decodePlain decodes len(dst) little-endian values.
func decodePlain[T int32 | int64](data []byte, dst []T) error {
	var zero T
	size := int(binary.Size(zero))
	if len(data)/size < len(dst) {
		return fmt.Errorf("%d bytes of PLAIN values, %d needed", len(data), len(dst)*size)
	}
	for i := range dst {
		if size == 8 {
			dst[i] = T(binary.LittleEndian.Uint64(data[8*i:]))
		} else {
			dst[i] = T(int32(binary.LittleEndian.Uint32(data[4*i:])))
		}
	}
	return nil
}

// decodeDelta decodes a DELTA_BINARY_PACKED page of len(dst) values. The
// encoding (Parquet's Encodings.md): a header of the block size in
// values, the miniblocks per block, the value count and the first value;
// then blocks, each of its minimum delta, a byte per miniblock of its bit
// width, and the miniblocks, each of the values' deltas less the minimum,
// bit-packed from the lowest bit up. The sums wrap in T, as writers
// compute the deltas.
func decodeDelta[T int32 | int64](data []byte, dst []T) error {
	d := deltaBytes{b: data}
	blockSize := d.uvarint()
	miniblocks := d.uvarint()
	count := d.uvarint()
	first := d.varint()
	switch {
	case d.err != nil:
		return fmt.Errorf("DELTA_BINARY_PACKED header: %w", d.err)
	case blockSize == 0 || blockSize%128 != 0 || blockSize > 1<<20:
		return fmt.Errorf("DELTA_BINARY_PACKED block of %d values: not a multiple of 128 up to 2^20", blockSize)
	case miniblocks == 0 || blockSize%miniblocks != 0 || (blockSize/miniblocks)%32 != 0:
		return fmt.Errorf("DELTA_BINARY_PACKED: %d miniblocks in a block of %d values", miniblocks, blockSize)
	case count != uint64(len(dst)):
		return fmt.Errorf("DELTA_BINARY_PACKED header of %d values in a page of %d", count, len(dst))
	}
	if len(dst) == 0 {
		return nil
	}
	per := int(blockSize / miniblocks)
	v := T(first)
	dst[0] = v
	for i := 1; i < len(dst); {
		minDelta := T(d.varint())
		widths := d.take(int(miniblocks))
		if d.err != nil {
			return fmt.Errorf("DELTA_BINARY_PACKED block at value %d: %w", i, d.err)
		}
		for _, w := range widths {
			if i == len(dst) {
				break // the block's remaining miniblocks hold no values
			}
			if w > 64 {
				return fmt.Errorf("DELTA_BINARY_PACKED miniblock at value %d: bit width %d", i, w)
			}
			n := min(per, len(dst)-i)
			// A miniblock is padded to its full length; the last one of
			// a page may be cut after its last value's bits.
			size := per * int(w) / 8
			if n < per && d.left() < size {
				size = (n*int(w) + 7) / 8
			}
			body := d.take(size)
			if d.err != nil {
				return fmt.Errorf("DELTA_BINARY_PACKED miniblock at value %d: %w", i, d.err)
			}
			v = unpackSum(dst[i:i+n], v, minDelta, body, uint(w))
			i += n
		}
	}
	return nil
}

// unpackSum sets dst[k] to v plus k+1 deltas, each minDelta plus the
// next w-bit value of src, and returns the last. src holds
// len(dst)*w bits at least.
func unpackSum[T int32 | int64](dst []T, v, minDelta T, src []byte, w uint) T {
	if w == 0 { // a constant step: a counter's
		for k := range dst {
			v += minDelta
			dst[k] = v
		}
		return v
	}
	mask := ^uint64(0) >> (64 - w)
	bit := uint(0)
	for k := range dst {
		at, shift := bit>>3, bit&7
		var x uint64
		if int(at)+8 <= len(src) {
			x = binary.LittleEndian.Uint64(src[at:]) >> shift
		} else {
			var b [8]byte
			copy(b[:], src[at:])
			x = binary.LittleEndian.Uint64(b[:]) >> shift
		}
		if shift+w > 64 { // the value's top bits are in a ninth byte
			x |= uint64(src[at+8]) << (64 - shift)
		}
		v += minDelta + T(x&mask)
		dst[k] = v
		bit += w
	}
	return v
}

// deltaBytes reads a page's bytes; the first error sticks.
type deltaBytes struct {
	b   []byte
	err error
}

func (d *deltaBytes) left() int { return len(d.b) }

func (d *deltaBytes) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	x, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.err = fmt.Errorf("a varint cut short or too long")
		return 0
	}
	d.b = d.b[n:]
	return x
}

// varint reads a zigzag varint.
func (d *deltaBytes) varint() int64 {
	u := d.uvarint()
	return int64(u>>1) ^ -int64(u&1)
}

func (d *deltaBytes) take(n int) []byte {
	if d.err != nil {
		return nil
	}
	if n > len(d.b) {
		d.err = fmt.Errorf("%d bytes needed, %d left", n, len(d.b))
		return nil
	}
	b := d.b[:n]
	d.b = d.b[n:]
	return b
}
