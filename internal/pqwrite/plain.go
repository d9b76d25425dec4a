package pqwrite

import (
	"encoding/binary"
	"fmt"
	"github.com/apache/arrow/go/v15/parquet/compress"
	"math"
	"slices"
	"unsafe"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/bitutil"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/parquet"
	"github.com/apache/arrow/go/v15/parquet/file"
	"github.com/apache/arrow/go/v15/parquet/metadata"
	"github.com/apache/arrow/go/v15/parquet/schema"

	"github.com/statecraft/statecraft/internal/floatfold"
)

// maxPageHeader bounds the page header of a fixed-width column's data
// page, version 1 or 2, with the largest counts and sizes and statistics
// of 8-byte values (TestFixedWidthPageHeaderBound): what a buffered
// chunk's pages are reserved per page besides their values.
const maxPageHeader = 128

// The direct path writes the pages of a flat, required column itself and
// hands them to Arrow's page writer, which writes the page headers and the
// column chunk's metadata. Arrow's column writer, which the other columns
// use, allocates per page (each page's values go to a pooled buffer that
// the next page finds too small, and regrows) and per column chunk (its
// encoders, level and page buffers, statistics); a PLAIN page of a
// required column is the values' bytes, so the direct path compresses
// them from the Arrow array's memory without a copy (on little-endian
// machines) and computes min/max in one loop.
//
// The files are the same: PLAIN encoding, version 1 pages of the
// configured size, page and column chunk statistics (min, max, null
// count) as Arrow writes them.

// littleEndian: Parquet's PLAIN encoding is the values' little-endian
// bytes, which is their memory on little-endian machines.
var littleEndian = func() bool { x := uint16(1); return *(*byte)(unsafe.Pointer(&x)) == 1 }()

// direct reports whether a leaf is written by the direct path: a flat
// column that is required (no levels), in a file of version 1 pages, or
// of version 2 pages with an encoding other than PLAIN or with adaptive
// compression (a flat PLAIN column of a version 2 file without it goes
// through Arrow's column writer, as pqarrow writes it).
func (w *Writer) direct(lf *leaf) bool {
	return !lf.list && lf.descr.MaxDefinitionLevel() == 0 && lf.descr.MaxRepetitionLevel() == 0 &&
		(w.props.DataPageVersion() == parquet.DataPageV1 || lf.enc != Plain || w.opts.Adaptive)
}

// writeDirect appends a flat required column's pages to its chunk.
func (w *Writer) writeDirect(ch *chunk, lf *leaf, col arrow.Array) error {
	if col.NullN() > 0 {
		return fmt.Errorf("null values are not supported")
	}
	pg := ch.pg
	st := &ch.st
	enc := parquet.Encodings.Plain
	switch lf.enc {
	case Dictionary:
		enc = parquet.Encodings.RLEDict
	case Delta:
		enc = parquet.Encodings.DeltaBinaryPacked
	}
	// 8-byte PLAIN values in snappy: runs of repeats are most of what
	// snappy finds, at a stride of one value (a variable over substeps)
	// or more (an agent table's field, agent after agent). The leaf's
	// first page decides: snappy compresses it, the offset its copies use
	// most is the stride, and the repeats encoder is kept unless snappy's
	// page is more than 1/8 smaller (an agent column's first page can be 7%
	// larger and its file smaller).
	words := lf.enc == Plain && pg.kind == compress.Codecs.Snappy && fixedWidth(lf.typ) == 8 && lf.stride >= 0
	compressPage := func(raw []byte) []byte {
		if !words {
			return pg.Compress(nil, raw)
		}
		if lf.stride == 0 {
			s := pg.Compress(nil, raw)
			sn, k := len(s), snappyStride(s, w.strideCounts())
			best, bestN := 1, len(pg.compressRepeats(raw, 1))
			if k > 1 {
				if n := len(pg.compressRepeats(raw, k)); n < bestN {
					best, bestN = k, n
				}
			}
			if bestN > sn+sn/8 {
				lf.stride, words = -1, false
				return pg.Compress(nil, raw)
			}
			lf.stride = int32(best)
		}
		return pg.compressRepeats(raw, int(lf.stride))
	}
	page := func(raw []byte, values int, min, max []byte) error {
		data := raw
		if !ch.started {
			ch.started = true
			if w.opts.Adaptive && pg.HasCompressor() && lf.enc == Plain {
				// compressing the first page tells whether it pays
				if data = compressPage(raw); len(data)*16 > len(raw)*15 {
					pg.setRaw()
					data = raw
				}
			} else if pg.HasCompressor() {
				data = compressPage(raw)
			}
		} else if pg.HasCompressor() {
			data = compressPage(raw)
		}
		var ps metadata.EncodedStatistics
		if st.stats {
			ps = st.page(lf.descr, min, max, int(w.props.MaxStatsSizeFor(lf.descr.Path())))
		}
		if w.pageBuf == nil {
			w.pageBuf = memory.NewBufferBytes(nil)
		}
		w.pageBuf.Reset(data) // a Buffer without an allocator: Release frees nothing
		var dp file.DataPage
		if w.props.DataPageVersion() == parquet.DataPageV1 {
			dp = file.NewDataPageV1WithStats(w.pageBuf, int32(values), enc,
				parquet.Encodings.RLE, parquet.Encodings.RLE, int32(len(raw)), ps)
		} else {
			dp = file.NewDataPageV2WithStats(w.pageBuf, int32(values), 0, int32(values), enc,
				0, 0, int32(len(raw)), pg.HasCompressor(), ps)
		}
		k, err := pg.WriteDataPage(dp)
		dp.Release()
		w.pageBuf.Reset(nil) // the data may be the caller's memory (uncompressed pages)
		ch.written += k
		return err
	}
	size := int(w.props.DataPageSize())
	if !ch.started && lf.enc == Plain && w.opts.RowGroupRows > 0 {
		if width := fixedWidth(lf.typ); width > 0 {
			// A row group's values and their page headers. The group
			// ends with the record that brings it to RowGroupRows rows,
			// so it holds up to RowGroupRows-1 rows and one more record;
			// every record ends a page, and so does every size bytes.
			// Records shorter than this one or RecordRows (rare: a
			// worker's records are its batches) may outgrow the room,
			// and take another block.
			rec := max(w.opts.RecordRows, int64(col.Len()), 1)
			n := int(w.opts.RowGroupRows-1+rec) * width
			pages := n/size + int(w.opts.RowGroupRows/rec) + 2
			pg.reserve(n + pages*maxPageHeader)
		}
	}
	switch lf.enc {
	case Dictionary:
		return w.dictPages(ch, col, st.stats, page)
	case Delta:
		return w.deltaPages(col, st.stats, page)
	}
	switch lf.typ {
	case arrow.FLOAT64:
		return fixedPages(w, col.(*array.Float64).Float64Values(), size, st.stats, page, minMaxFloat64)
	case arrow.INT64:
		return fixedPages(w, col.(*array.Int64).Int64Values(), size, st.stats, page, minMaxInt[int64])
	case arrow.INT32:
		return fixedPages(w, col.(*array.Int32).Int32Values(), size, st.stats, page, minMaxInt[int32])
	case arrow.BOOL:
		return w.boolPages(col.(*array.Boolean), size, st.stats, page)
	case arrow.STRING:
		return w.stringPages(col.(*array.String), size, st.stats, page)
	}
	return fmt.Errorf("type %s is not supported", col.DataType())
}

// closeDirect finishes a direct leaf's chunk: its statistics, its
// dictionary page, its metadata.
func (w *Writer) closeDirect(ch *chunk, lf *leaf) error {
	if st := &ch.st; st.stats && ch.started {
		if cs := st.chunk(lf.descr, int(w.props.MaxStatsSizeFor(lf.descr.Path()))); cs.IsSet() {
			ch.cm.SetStats(cs)
		}
	}
	if lf.enc == Dictionary {
		ch.pg.setDict(ch.dict.plain, ch.dict.n)
	}
	if err := ch.pg.Close(false, false); err != nil {
		return err
	}
	ch.written += int64(len(ch.pg.dict))
	return nil
}

// dictPages writes a column as pages of dictionary indices (a bit width,
// then RLE runs), adding its values to the chunk's dictionary.
func (w *Writer) dictPages(ch *chunk, col arrow.Array, stats bool, page pageFunc) error {
	switch a := col.(type) {
	case *array.Int32:
		return dictFixed(w, ch, a.Int32Values(), stats, page, minMaxInt[int32])
	case *array.Int64:
		return dictFixed(w, ch, a.Int64Values(), stats, page, minMaxInt[int64])
	case *array.Float64:
		return dictFixed(w, ch, a.Float64Values(), stats, page, minMaxFloat64)
	case *array.String:
		return w.dictStrings(ch, a, stats, page)
	}
	return fmt.Errorf("type %s cannot be dictionary-encoded", col.DataType())
}

// dictFixed writes the dictionary pages of a fixed-width column. Runs are
// found on the values' bits, so -0 and +0, and NaNs, are told apart as
// the dictionary tells them.
func dictFixed[T int32 | int64 | float64](w *Writer, ch *chunk, vals []T, stats bool, page pageFunc, minMax func([]T, *[16]byte) (lo, hi []byte)) error {
	width := int(unsafe.Sizeof(vals[:1][0]))
	var mm [16]byte
	for lo := 0; lo < len(vals); lo += maxEncodedPage {
		p := vals[lo:min(lo+maxEncodedPage, len(vals))]
		rp := runsOf[T](w)
		runs := (*rp)[:0]
		idx := w.runIdx[:0]
		lens := w.runLens[:0]
		for i := 0; i < len(p); {
			var j int
			if width == 4 {
				j = runEnd(unsafe.Slice((*uint32)(unsafe.Pointer(unsafe.SliceData(p))), len(p)), i, &w.pat32)
			} else {
				j = runEnd(unsafe.Slice((*uint64)(unsafe.Pointer(unsafe.SliceData(p))), len(p)), i, &w.pat64)
			}
			runs = append(runs, p[i])
			idx = append(idx, ch.dict.index(keyOf(p[i]), width))
			lens = append(lens, int32(j-i))
			i = j
		}
		*rp, w.runIdx, w.runLens = runs, idx, lens
		bw := bitWidth(ch.dict.n)
		raw := append(w.scratch[:0], byte(bw))
		for k := range idx {
			raw = appendRLERun(raw, int(lens[k]), idx[k], bw)
		}
		w.scratch = raw
		var min, max []byte
		if stats {
			min, max = minMax(runs, &mm)
		}
		if err := page(raw, len(p), min, max); err != nil {
			return err
		}
	}
	return nil
}

// runsOf returns the Writer's buffer of run values of type T.
func runsOf[T int32 | int64 | float64](w *Writer) *[]T {
	var p any
	var zero T
	switch any(zero).(type) {
	case int32:
		p = &w.runs32
	case int64:
		p = &w.runs64
	default:
		p = &w.runsF64
	}
	return p.(*[]T)
}

// dictStrings writes the dictionary pages of a string column.
func (w *Writer) dictStrings(ch *chunk, a *array.String, stats bool, page pageFunc) error {
	for lo := 0; lo < a.Len(); lo += maxEncodedPage {
		hi := min(lo+maxEncodedPage, a.Len())
		idx, lens := w.runIdx[:0], w.runLens[:0]
		var mn, mx string
		for i := lo; i < hi; {
			s := a.Value(i)
			j := i + 1
			for j < hi && a.Value(j) == s {
				j++
			}
			if i == lo || s < mn {
				mn = s
			}
			if i == lo || s > mx {
				mx = s
			}
			idx = append(idx, ch.dict.indexString(s))
			lens = append(lens, int32(j-i))
			i = j
		}
		w.runIdx, w.runLens = idx, lens
		bw := bitWidth(ch.dict.n)
		raw := append(w.scratch[:0], byte(bw))
		for k := range idx {
			raw = appendRLERun(raw, int(lens[k]), idx[k], bw)
		}
		w.scratch = raw
		var min, max []byte
		if stats {
			min, max = []byte(mn), []byte(mx)
		}
		if err := page(raw, hi-lo, min, max); err != nil {
			return err
		}
	}
	return nil
}

// deltaPages writes an integer column DELTA_BINARY_PACKED.
func (w *Writer) deltaPages(col arrow.Array, stats bool, page pageFunc) error {
	switch a := col.(type) {
	case *array.Int32:
		return deltaInts(w, a.Int32Values(), stats, page)
	case *array.Int64:
		return deltaInts(w, a.Int64Values(), stats, page)
	}
	return fmt.Errorf("type %s cannot be delta-encoded", col.DataType())
}

func deltaInts[T int32 | int64](w *Writer, vals []T, stats bool, page pageFunc) error {
	var mm [16]byte
	for lo := 0; lo < len(vals); lo += maxEncodedPage {
		p := vals[lo:min(lo+maxEncodedPage, len(vals))]
		raw, least, most := appendDelta(w.scratch[:0], p, &w.deltas)
		w.scratch = raw
		var min, max []byte
		if stats {
			min, max = intStats(least, most, &mm)
		}
		if err := page(raw, len(p), min, max); err != nil {
			return err
		}
	}
	return nil
}

// fixedWidth returns the bytes of a PLAIN value of a fixed-width type, 0
// for the others.
func fixedWidth(t arrow.Type) int {
	switch t {
	case arrow.INT32:
		return 4
	case arrow.INT64, arrow.FLOAT64:
		return 8
	}
	return 0
}

type pageFunc func(raw []byte, values int, min, max []byte) error

// fixedPages writes the values of a fixed-width column in pages of about
// size bytes. minMax returns the PLAIN bytes of a page's min and max, nil
// if it has none (all NaN).
func fixedPages[T int32 | int64 | float64](w *Writer, vals []T, size int, stats bool, page pageFunc, minMax func([]T, *[16]byte) (lo, hi []byte)) error {
	width := int(unsafe.Sizeof(vals[:1][0]))
	per := max(size/width, 1)
	var mm [16]byte
	for lo := 0; lo < len(vals); lo += per {
		p := vals[lo:min(lo+per, len(vals))]
		var raw []byte
		if littleEndian {
			raw = unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(p))), len(p)*width)
		} else {
			raw = w.scratch[:0]
			for _, v := range p {
				raw = appendLE(raw, v)
			}
			w.scratch = raw
		}
		var min, max []byte
		if stats {
			min, max = minMax(p, &mm)
		}
		if err := page(raw, len(p), min, max); err != nil {
			return err
		}
	}
	return nil
}

func appendLE[T int32 | int64 | float64](b []byte, v T) []byte {
	switch x := any(v).(type) {
	case int32:
		return binary.LittleEndian.AppendUint32(b, uint32(x))
	case int64:
		return binary.LittleEndian.AppendUint64(b, uint64(x))
	case float64:
		return binary.LittleEndian.AppendUint64(b, math.Float64bits(x))
	}
	return b
}

func minMaxInt[T int32 | int64](p []T, buf *[16]byte) (lo, hi []byte) {
	mn, mx := p[0], p[0]
	for _, v := range p[1:] {
		mn, mx = min(mn, v), max(mx, v)
	}
	return intStats(mn, mx, buf)
}

// intStats returns the statistics' bytes of a page whose least and
// greatest values are mn and mx.
func intStats[T int32 | int64](mn, mx T, buf *[16]byte) (lo, hi []byte) {
	if unsafe.Sizeof(mn) == 4 {
		binary.LittleEndian.PutUint32(buf[:4], uint32(mn))
		binary.LittleEndian.PutUint32(buf[8:12], uint32(mx))
		return buf[:4], buf[8:12]
	}
	binary.LittleEndian.PutUint64(buf[:8], uint64(mn))
	binary.LittleEndian.PutUint64(buf[8:], uint64(mx))
	return buf[:8], buf[8:]
}

// minMaxFloat64 ignores NaNs, and writes a zero min as -0 and a zero max
// as +0, as the Parquet format asks of writers.
func minMaxFloat64(p []float64, buf *[16]byte) (lo, hi []byte) {
	// Plain comparisons, four lanes at a time (package floatfold): a NaN
	// is never the minimum or the maximum; the builtins min and max would
	// propagate NaN and order signed zeros, at several times the cost.
	mn, mx := floatfold.MinMax(p)
	if mn > mx { // no value but NaN
		return nil, nil
	}
	if mn == 0 {
		mn = math.Copysign(0, -1)
	}
	if mx == 0 {
		mx = 0
	}
	binary.LittleEndian.PutUint64(buf[:8], math.Float64bits(mn))
	binary.LittleEndian.PutUint64(buf[8:], math.Float64bits(mx))
	return buf[:8], buf[8:]
}

// boolPages writes booleans bit-packed, least significant bit first.
func (w *Writer) boolPages(a *array.Boolean, size int, stats bool, page pageFunc) error {
	per := max(size*8, 8)
	bits, off := a.Data().Buffers()[1].Bytes(), a.Data().Offset()
	for lo := 0; lo < a.Len(); lo += per {
		n := min(per, a.Len()-lo)
		raw := slices.Grow(w.scratch[:0], int(bitutil.BytesForBits(int64(n))))[:bitutil.BytesForBits(int64(n))]
		clear(raw)
		seen := [2]bool{}
		for i := 0; i < n; i++ {
			if bitutil.BitIsSet(bits, off+lo+i) {
				bitutil.SetBit(raw, i)
				seen[1] = true
			} else {
				seen[0] = true
			}
		}
		w.scratch = raw
		var min, max []byte
		if stats {
			mm := [2]byte{1, 0}
			if seen[0] {
				mm[0] = 0
			}
			if seen[1] {
				mm[1] = 1
			}
			min, max = mm[:1], mm[1:]
		}
		if err := page(raw, n, min, max); err != nil {
			return err
		}
	}
	return nil
}

// stringPages writes strings as PLAIN byte arrays: a 4-byte little-endian
// length, then the bytes.
func (w *Writer) stringPages(a *array.String, size int, stats bool, page pageFunc) error {
	for i := 0; i < a.Len(); {
		raw := w.scratch[:0]
		first := i
		var mn, mx string
		for ; i < a.Len() && (i == first || len(raw) < size); i++ {
			s := a.Value(i)
			raw = binary.LittleEndian.AppendUint32(raw, uint32(len(s)))
			raw = append(raw, s...)
			if i == first || s < mn {
				mn = s
			}
			if i == first || s > mx {
				mx = s
			}
		}
		w.scratch = raw
		var min, max []byte
		if stats {
			min, max = []byte(mn), []byte(mx)
		}
		if err := page(raw, i-first, min, max); err != nil {
			return err
		}
	}
	return nil
}

// chunkStats accumulates a column chunk's min and max from its pages'.
type chunkStats struct {
	stats    bool
	min, max []byte
	has      bool
}

// page returns a page's statistics and merges them into the chunk's.
func (c *chunkStats) page(descr *schema.Column, min, max []byte, limit int) metadata.EncodedStatistics {
	es := metadata.EncodedStatistics{Signed: descr.SortOrder() == schema.SortSIGNED}
	es.SetNullCount(0)
	if min == nil {
		return es
	}
	es.SetMin(min)
	es.SetMax(max)
	if !c.has {
		c.min, c.max, c.has = append(c.min[:0], min...), append(c.max[:0], max...), true
	} else {
		if less(descr, min, c.min) {
			c.min = append(c.min[:0], min...)
		}
		if less(descr, c.max, max) {
			c.max = append(c.max[:0], max...)
		}
	}
	// The page is written (its header serialized) before the caller's
	// buffers for min and max are reused.
	es.ApplyStatSizeLimits(limit)
	return es
}

// chunk returns the column chunk's statistics.
func (c *chunkStats) chunk(descr *schema.Column, limit int) metadata.EncodedStatistics {
	es := metadata.EncodedStatistics{Signed: descr.SortOrder() == schema.SortSIGNED}
	es.SetNullCount(0)
	if c.has {
		es.SetMin(append([]byte(nil), c.min...))
		es.SetMax(append([]byte(nil), c.max...))
	}
	es.ApplyStatSizeLimits(limit)
	return es
}

// less compares two PLAIN-encoded values of a column.
func less(descr *schema.Column, a, b []byte) bool {
	switch descr.PhysicalType() {
	case parquet.Types.Int32:
		return int32(binary.LittleEndian.Uint32(a)) < int32(binary.LittleEndian.Uint32(b))
	case parquet.Types.Int64:
		return int64(binary.LittleEndian.Uint64(a)) < int64(binary.LittleEndian.Uint64(b))
	case parquet.Types.Double:
		return math.Float64frombits(binary.LittleEndian.Uint64(a)) < math.Float64frombits(binary.LittleEndian.Uint64(b))
	case parquet.Types.Boolean:
		return a[0] < b[0]
	}
	return string(a) < string(b)
}
