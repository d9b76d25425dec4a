package pqwrite

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"unsafe"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/bitutil"
	"github.com/apache/arrow/go/v15/arrow/ipc"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/parquet"
	"github.com/apache/arrow/go/v15/parquet/compress"
	"github.com/apache/arrow/go/v15/parquet/file"
	"github.com/apache/arrow/go/v15/parquet/metadata"
	"github.com/apache/arrow/go/v15/parquet/schema"
	"github.com/apache/thrift/lib/go/thrift"

	"github.com/statecraft/statecraft/internal/offheap"
)

// Options configure a Writer. The zero value writes uncompressed version 1
// data pages of the library's default size with statistics off.
type Options struct {
	Compression compress.Compression // compress.Codecs.Snappy, Zstd or Uncompressed
	PageSize    int64                // target data page size in bytes; 0: the library's default (1 MiB)
	Stats       bool                 // write min/max statistics per page and column chunk
	// PageV2 writes version 2 data pages. Files with list columns should
	// use them: Arrow Go v15 grows the level buffer of version 1 pages
	// 64 bytes at a time, which is quadratic in a page's levels.
	PageV2 bool
	// StoreSchema adds the Arrow schema to the file's key-value metadata
	// (key "ARROW:schema"), as pqarrow.WithStoreSchema does, so Arrow
	// readers restore the exact types.
	StoreSchema bool
	// Allocator allocates the column writers' buffers; nil for the Go
	// allocator.
	Allocator memory.Allocator
	// RowGroupRows is the least number of rows of a row group: records
	// are appended to the open row group until it has this many rows
	// (the column chunks' pages wait in memory, compressed), and Close
	// ends the last one. 0 writes one row group per record.
	RowGroupRows int64
	// RecordRows is the most rows a record given to Write has (0: not
	// known). A row group holds up to RowGroupRows-1 rows and one more
	// record, and its PLAIN chunks' page buffers are sized for that when
	// the group starts, so that each chunk's pages take one block.
	RecordRows int64
	// RowGroupBytes, if > 0, also ends a row group with the record that
	// brings its column chunks' pages to this many bytes, however few its
	// rows: the bound on what an open row group of wide rows (vectors,
	// agents as lists) holds in memory.
	RowGroupBytes int64
	// Encodings names the encoding of flat required top-level columns,
	// by name; the others are PLAIN. Dictionary and Delta chunks are
	// written uncompressed: their pages are runs and bit widths already.
	Encodings map[string]Encoding
	// Adaptive writes a PLAIN column chunk uncompressed when compressing
	// its first page saves less than 1/16 of it (noisy floats, which
	// snappy cannot shorten).
	Adaptive bool
}

var magic = []byte("PAR1")

// Writer writes record batches of one schema to a Parquet file, one row
// group per batch. It is not safe for concurrent use.
type Writer struct {
	sink   *tellWriter
	schema *arrow.Schema
	props  *parquet.WriterProperties
	popts  []parquet.WriterProperty
	// wide are properties with a write batch larger than a list of the
	// file has values (see writeLeaf), by batch size.
	wide   map[int64]*parquet.WriterProperties
	meta   *metadata.FileMetaDataBuilder
	pqs    *schema.Schema
	kv     metadata.KeyValueMetadata
	leaves []leaf
	chunks []chunk        // by leaf: the open row group's column chunks
	codec  compress.Codec // nil when uncompressed
	bufs   pageBufs
	// arena holds the pagers' buffers of a row group's pages, outside the
	// Go heap: they are the largest thing a run allocates, and on the heap
	// their first allocation alone was a garbage collection. A cleanup
	// frees it when the Writer is unreachable.
	arena  *offheap.Arena
	counts []int32 // snappyStride's scratch, made at the first decision
	opts   Options
	groups int16
	closed bool
	err    error
	// dropped are the row groups a Rollback removed: the footer leaves
	// them out.
	dropped []int16

	// the open row group, when rg is not nil
	rg      *metadata.RowGroupMetaDataBuilder
	rgRows  int64
	ordinal int16

	// reusable buffers
	def, rep   []int16
	scratch    []byte         // uncompressed pages of the direct path
	pageBuf    *memory.Buffer // the page being written by the direct path
	footer     *thrift.TMemoryBuffer
	footerProt thrift.TProtocol
	bools      []bool
	bytes      []parquet.ByteArray
	// the encoders' (encode.go)
	runs32  []int32 // a page's runs: their values (runsOf)
	runs64  []int64
	runsF64 []float64
	runIdx  []int32  // their dictionary indices
	runLens []int32  // their lengths
	pat32   []uint32 // a run's value, repeated (runEnd)
	pat64   []uint64
	deltas  [deltaBlock]uint64
}

// leaf is one Parquet column: a top-level field, or a field of the struct
// in a list.
type leaf struct {
	field int        // index of the top-level Arrow field
	sub   int        // index in the list's struct, -1 if the list holds values
	typ   arrow.Type // the leaf's Arrow type
	list  bool       // the leaf is in a list
	descr *schema.Column
	// definition level of an empty list (the optional ancestors above the
	// repeated node), and of a present value (the column's maximum).
	emptyDef, valueDef int16
	enc                Encoding // of a direct leaf
	// stride is how a direct leaf of 8-byte PLAIN values in a snappy
	// file is compressed: 0 not decided yet, -1 by snappy itself, else by
	// appendSnappyRepeats with that stride (writeDirect decides on the
	// leaf's first page).
	stride int32
}

// chunk is a leaf's column chunk in the open row group.
type chunk struct {
	pg      *pager
	cm      *metadata.ColumnChunkMetaDataBuilder
	cw      file.ColumnChunkWriter    // a list leaf's column writer
	cwProps *parquet.WriterProperties // its properties (propsFor)
	st      chunkStats                // a direct leaf's min and max
	written int64                     // a direct leaf's page bytes
	started bool                      // a direct leaf has written a page (the codec is decided)
	dict    dictionary                // a Dictionary leaf's
}

// NewWriter writes the file header to w and returns a Writer for records of
// the schema. w is written sequentially and never seeked.
func NewWriter(w io.Writer, sch *arrow.Schema, o Options) (*Writer, error) {
	props := []parquet.WriterProperty{
		parquet.WithCompression(o.Compression),
		parquet.WithDictionaryDefault(false),
		parquet.WithStats(o.Stats),
	}
	if o.PageSize > 0 {
		props = append(props, parquet.WithDataPageSize(o.PageSize))
	}
	if o.PageV2 {
		props = append(props, parquet.WithDataPageVersion(parquet.DataPageV2))
	}
	if o.Allocator != nil {
		props = append(props, parquet.WithAllocator(o.Allocator))
	}
	for name, e := range o.Encodings {
		if e == Delta { // the column chunks' metadata names the encoding
			props = append(props, parquet.WithEncodingFor(name, parquet.Encodings.DeltaBinaryPacked))
		}
	}
	wp := parquet.NewWriterProperties(props...)
	pqs, err := parquetSchema(sch, wp)
	if err != nil {
		return nil, err
	}
	leaves, err := leavesOf(sch, pqs)
	if err != nil {
		return nil, err
	}
	if err := setEncodings(sch, leaves, o, wp); err != nil {
		return nil, err
	}
	kv := metadata.NewKeyValueMetadata()
	if md := sch.Metadata(); md.Len() > 0 {
		for i, k := range md.Keys() {
			if err := kv.Append(k, md.Values()[i]); err != nil {
				return nil, fmt.Errorf("parquet metadata key %q: %w", k, err)
			}
		}
	}
	if o.StoreSchema {
		var buf bytes.Buffer
		iw := ipc.NewWriter(&buf, ipc.WithSchema(sch))
		if err := iw.Close(); err != nil {
			return nil, fmt.Errorf("serializing the Arrow schema: %w", err)
		}
		if err := kv.Append("ARROW:schema", base64.StdEncoding.EncodeToString(buf.Bytes())); err != nil {
			return nil, fmt.Errorf("parquet metadata: %w", err)
		}
	}
	wr := &Writer{
		sink:   &tellWriter{w: w},
		schema: sch,
		props:  wp,
		popts:  props,
		meta:   metadata.NewFileMetadataBuilder(pqs, wp, kv),
		pqs:    pqs,
		kv:     kv,
		leaves: leaves,
		chunks: make([]chunk, len(leaves)),
		opts:   o,
		arena:  &offheap.Arena{},
	}
	runtime.AddCleanup(wr, (*offheap.Arena).Free, wr.arena)
	if o.Compression != compress.Codecs.Uncompressed {
		if wr.codec, err = compress.GetCodec(o.Compression); err != nil {
			return nil, fmt.Errorf("parquet compression: %w", err)
		}
	}
	if _, err := wr.sink.Write(magic); err != nil {
		return nil, err
	}
	return wr, nil
}

// leavesOf maps the Arrow fields to the Parquet leaf columns, checking that
// every type is one the Writer handles.
func leavesOf(sch *arrow.Schema, pqs *schema.Schema) ([]leaf, error) {
	var leaves []leaf
	for fi, f := range sch.Fields() {
		base := int16(0)
		if f.Nullable {
			base = 1
		}
		switch t := f.Type.(type) {
		case *arrow.ListType:
			switch et := t.Elem().(type) {
			case *arrow.StructType:
				for si, sf := range et.Fields() {
					if !flat(sf.Type) {
						return nil, fmt.Errorf("column %q: field %q has type %s; lists of structs of int32, int64, float64, bool or string are supported", f.Name, sf.Name, sf.Type)
					}
					leaves = append(leaves, leaf{field: fi, sub: si, typ: sf.Type.ID(), list: true, emptyDef: base})
				}
			default:
				if !flat(et) {
					return nil, fmt.Errorf("column %q: lists of %s are not supported", f.Name, et)
				}
				leaves = append(leaves, leaf{field: fi, sub: -1, typ: et.ID(), list: true, emptyDef: base})
			}
		default:
			if !flat(f.Type) {
				return nil, fmt.Errorf("column %q: type %s is not supported", f.Name, f.Type)
			}
			leaves = append(leaves, leaf{field: fi, sub: -1, typ: f.Type.ID()})
		}
	}
	if len(leaves) != pqs.NumColumns() {
		return nil, fmt.Errorf("parquet schema has %d columns for %d leaves", pqs.NumColumns(), len(leaves))
	}
	for i := range leaves {
		leaves[i].descr = pqs.Column(i)
		leaves[i].valueDef = leaves[i].descr.MaxDefinitionLevel()
	}
	return leaves, nil
}

func flat(t arrow.DataType) bool {
	switch t.ID() {
	case arrow.INT32, arrow.INT64, arrow.FLOAT64, arrow.BOOL, arrow.STRING:
		return true
	}
	return false
}

// Write writes the record as one row group. Records with no rows are
// skipped.
func (w *Writer) Write(rec arrow.Record) error {
	if w.err != nil {
		return w.err
	}
	if w.closed {
		return errors.New("parquet writer: write after close")
	}
	if !rec.Schema().Equal(w.schema) {
		return fmt.Errorf("parquet writer: record schema %s differs from the file's %s", rec.Schema(), w.schema)
	}
	n := int(rec.NumRows())
	if n == 0 {
		return nil
	}
	if err := w.writeGroup(rec, n); err != nil {
		w.err = err
		return err
	}
	return nil
}

// writeGroup appends the record to the open row group (starting one if
// none is open), and ends the row group when it has RowGroupRows rows.
// With RowGroupRows 0 each leaf's chunk is finished before the next one
// starts, as Arrow's writers do.
func (w *Writer) writeGroup(rec arrow.Record, n int) error {
	if w.rg != nil && w.propsChange(rec) {
		if err := w.endGroup(); err != nil {
			return err
		}
	}
	if w.rg == nil {
		if err := w.beginGroup(); err != nil {
			return err
		}
	}
	single := w.opts.RowGroupRows <= 0
	for ci := range w.leaves {
		lf, ch := &w.leaves[ci], &w.chunks[ci]
		if err := w.appendChunk(ch, lf, rec.Column(lf.field)); err != nil {
			return fmt.Errorf("parquet column %s: %w", lf.descr.Path(), err)
		}
		if single {
			if err := w.finishChunk(ch, lf); err != nil {
				return fmt.Errorf("parquet column %s: %w", lf.descr.Path(), err)
			}
		}
	}
	w.rgRows += int64(n)
	if single || w.rgRows >= w.opts.RowGroupRows || w.opts.RowGroupBytes > 0 && w.groupBytes() >= w.opts.RowGroupBytes {
		return w.endGroup()
	}
	return nil
}

// groupBytes returns the bytes of the open row group's pages so far.
func (w *Writer) groupBytes() int64 {
	var n int64
	for ci := range w.chunks {
		if pg := w.chunks[ci].pg; pg != nil {
			n += pg.compressed + int64(len(pg.dict))
		}
	}
	return n
}

// OpenRows returns the rows of the row group being built: 0 when none is
// open, as after a record that ended one.
func (w *Writer) OpenRows() int64 {
	if w.rg == nil {
		return 0
	}
	return w.rgRows
}

// beginGroup starts a row group: a column chunk per leaf.
func (w *Writer) beginGroup() error {
	w.rg = w.meta.AppendRowGroup()
	w.ordinal, w.rgRows = w.groups, 0
	w.groups++
	for ci := range w.leaves {
		lf, ch := &w.leaves[ci], &w.chunks[ci]
		ch.cm = w.rg.NextColumnChunk()
		if ch.pg == nil {
			pw, err := file.NewPageWriter(w.sink, w.props.Compression(), w.props.CompressionLevel(), ch.cm, w.ordinal, int16(ci), w.props.Allocator(), false, nil, nil)
			if err != nil {
				return fmt.Errorf("parquet column %s: %w", lf.descr.Path(), err)
			}
			ch.pg = &pager{PageWriter: pw, codec: w.codec, kind: w.props.Compression(), level: w.props.CompressionLevel(),
				sink: w.sink, bufs: &w.bufs, buffered: !libraryPages, pending: pageBlocks{arena: w.arena}}
		}
		if err := ch.pg.begin(ch.cm, w.ordinal, int16(ci)); err != nil {
			return fmt.Errorf("parquet column %s: %w", lf.descr.Path(), err)
		}
		ch.cw, ch.cwProps = nil, nil
		ch.st = chunkStats{stats: w.props.StatisticsEnabledFor(lf.descr.Path()), min: ch.st.min[:0], max: ch.st.max[:0]}
		ch.written, ch.started = 0, false
		if lf.enc == Dictionary {
			ch.dict.reset()
		}
		if lf.enc != Plain {
			ch.pg.setRaw()
		}
	}
	return nil
}

// propsChange reports whether a list leaf of the record needs other
// column writer properties than its open chunk's (see propsFor): its
// chunk, and so the row group, must end first.
func (w *Writer) propsChange(rec arrow.Record) bool {
	for ci := range w.leaves {
		lf, ch := &w.leaves[ci], &w.chunks[ci]
		if ch.cw != nil && w.propsFor(lf, rec.Column(lf.field)) != ch.cwProps {
			return true
		}
	}
	return false
}

// appendChunk appends a leaf's values of a record to its column chunk.
func (w *Writer) appendChunk(ch *chunk, lf *leaf, col arrow.Array) error {
	if w.direct(lf) {
		return w.writeDirect(ch, lf, col)
	}
	if ch.cw == nil {
		ch.cwProps = w.propsFor(lf, col)
		ch.cw = file.NewColumnChunkWriter(ch.cm, ch.pg, ch.cwProps)
	}
	return w.writeLeaf(ch.cw, lf, col)
}

// finishChunk closes a leaf's column chunk: its pages are written (a
// buffered pager's), its statistics and metadata set.
func (w *Writer) finishChunk(ch *chunk, lf *leaf) error {
	if ch.cm == nil {
		return nil // finished already
	}
	defer func() { ch.cm = nil }()
	if !w.direct(lf) {
		if ch.cw == nil { // no record reached the chunk: cannot happen, rows > 0
			return errors.New("parquet: empty column chunk")
		}
		err := ch.cw.Close()
		ch.written = ch.cw.TotalBytesWritten()
		ch.cw = nil
		return err
	}
	return w.closeDirect(ch, lf)
}

// endGroup finishes the open row group's chunks and its metadata.
func (w *Writer) endGroup() error {
	var written int64
	for ci := range w.leaves {
		lf, ch := &w.leaves[ci], &w.chunks[ci]
		if err := w.finishChunk(ch, lf); err != nil {
			return fmt.Errorf("parquet column %s: %w", lf.descr.Path(), err)
		}
		written += ch.written
	}
	w.rg.SetNumRows(int(w.rgRows))
	err := w.rg.Finish(written, w.ordinal)
	w.rg = nil
	if err != nil {
		return fmt.Errorf("parquet row group %d: %w", w.ordinal, err)
	}
	return nil
}

// setEncodings sets the leaves' encodings from the options, checking
// that each names a flat required column of a type the encoding takes.
func setEncodings(sch *arrow.Schema, leaves []leaf, o Options, wp *parquet.WriterProperties) error {
	for name, e := range o.Encodings {
		idx := sch.FieldIndices(name)
		if len(idx) == 0 {
			return fmt.Errorf("parquet encoding %s: no column %q", e, name)
		}
		for i := range leaves {
			lf := &leaves[i]
			if lf.field != idx[0] || e == Plain {
				continue
			}
			ok := !lf.list && lf.descr.MaxDefinitionLevel() == 0
			switch e {
			case Dictionary:
				ok = ok && (lf.typ == arrow.INT32 || lf.typ == arrow.INT64 || lf.typ == arrow.FLOAT64 || lf.typ == arrow.STRING)
			case Delta:
				ok = ok && (lf.typ == arrow.INT32 || lf.typ == arrow.INT64)
			default:
				ok = false
			}
			if !ok {
				return fmt.Errorf("parquet encoding %s: column %q (%s) cannot have it", e, name, sch.Field(idx[0]).Type)
			}
			lf.enc = e
		}
	}
	return nil
}

// propsFor returns the writer properties for a leaf column of a record.
// Arrow Go v15's column writer splits a write into batches of
// WriteBatchSize levels that start and end on row boundaries when it
// writes version 2 pages; a row with more values than that has no
// boundary in the batch, and the writer loops forever. A list column whose
// longest list reaches the batch size gets properties with a batch larger
// than that list.
func (w *Writer) propsFor(lf *leaf, col arrow.Array) *parquet.WriterProperties {
	if !lf.list || w.props.DataPageVersion() != parquet.DataPageV2 {
		return w.props
	}
	l, ok := col.(*array.List)
	if !ok {
		return w.props // writeLeaf reports it
	}
	longest := int64(0)
	offs := listOffsets(l)
	for r := 0; r+1 < len(offs); r++ {
		longest = max(longest, int64(offs[r+1]-offs[r]))
	}
	if longest < w.props.WriteBatchSize() {
		return w.props
	}
	size := w.props.WriteBatchSize()
	for size <= longest {
		size *= 2
	}
	if p, ok := w.wide[size]; ok {
		return p
	}
	if w.wide == nil {
		w.wide = map[int64]*parquet.WriterProperties{}
	}
	p := parquet.NewWriterProperties(append(w.popts[:len(w.popts):len(w.popts)], parquet.WithBatchSize(size))...)
	w.wide[size] = p
	return p
}

// listOffsets returns the value offsets of the rows a list array views
// (len+1 of them): Offsets is the whole buffer, not the slice.
func listOffsets(l *array.List) []int32 {
	off := l.Data().Offset()
	return l.Offsets()[off : off+l.Len()+1]
}

// writeLeaf writes one leaf column of a record.
func (w *Writer) writeLeaf(cw file.ColumnChunkWriter, lf *leaf, col arrow.Array) error {
	if col.NullN() > 0 {
		return errors.New("null values are not supported")
	}
	values := col
	var def, rep []int16
	if lf.list {
		l, ok := col.(*array.List)
		if !ok {
			return fmt.Errorf("array is a %T, not a list", col)
		}
		offs := listOffsets(l)
		lo, hi := int(offs[0]), int(offs[len(offs)-1])
		values = array.NewSlice(l.ListValues(), int64(lo), int64(hi))
		defer values.Release()
		if lf.sub >= 0 {
			st, ok := values.(*array.Struct)
			if !ok {
				return fmt.Errorf("list values are a %T, not a struct", values)
			}
			values = st.Field(lf.sub)
		}
		if values.NullN() > 0 {
			return errors.New("null values are not supported")
		}
		def, rep = w.levels(lf, offs)
	}
	var err error
	switch lf.typ {
	case arrow.FLOAT64:
		_, err = cw.(*file.Float64ColumnChunkWriter).WriteBatch(values.(*array.Float64).Float64Values(), def, rep)
	case arrow.INT64:
		_, err = cw.(*file.Int64ColumnChunkWriter).WriteBatch(values.(*array.Int64).Int64Values(), def, rep)
	case arrow.INT32:
		_, err = cw.(*file.Int32ColumnChunkWriter).WriteBatch(values.(*array.Int32).Int32Values(), def, rep)
	case arrow.BOOL:
		_, err = cw.(*file.BooleanColumnChunkWriter).WriteBatch(w.boolsOf(values.(*array.Boolean)), def, rep)
	case arrow.STRING:
		_, err = cw.(*file.ByteArrayColumnChunkWriter).WriteBatch(w.bytesOf(values.(*array.String)), def, rep)
	default:
		err = fmt.Errorf("type %s is not supported", values.DataType())
	}
	return err
}

// levels returns the definition and repetition levels of a list column
// with the given offsets: one level pair per value, and one for each empty
// list.
func (w *Writer) levels(lf *leaf, offs []int32) (def, rep []int16) {
	// At most a level a value and one an empty row, in the arena: a
	// batch of a million list values would hold 4 MB of levels, and
	// twice that while they grew, on the heap.
	if len(offs) > 0 {
		n := len(offs) - 1 + int(offs[len(offs)-1]-offs[0])
		w.def, w.rep = offheap.GrowFree(w.arena, w.def[:0], n), offheap.GrowFree(w.arena, w.rep[:0], n)
	}
	def, rep = w.def[:0], w.rep[:0]
	for r := 0; r+1 < len(offs); r++ {
		n := int(offs[r+1] - offs[r])
		if n == 0 {
			def = append(def, lf.emptyDef)
			rep = append(rep, 0)
			continue
		}
		for k := 0; k < n; k++ {
			def = append(def, lf.valueDef)
			rep = append(rep, 1)
		}
		rep[len(rep)-n] = 0
	}
	w.def, w.rep = def, rep
	return def, rep
}

func (w *Writer) boolsOf(a *array.Boolean) []bool {
	n := a.Len()
	out := w.bools[:0]
	bits, off := a.Data().Buffers()[1].Bytes(), a.Data().Offset()
	for i := 0; i < n; i++ {
		out = append(out, bitutil.BitIsSet(bits, off+i))
	}
	w.bools = out
	return out
}

// bytesOf returns the strings as byte arrays pointing into the array's data
// (the column writer only reads them).
func (w *Writer) bytesOf(a *array.String) []parquet.ByteArray {
	out := w.bytes[:0]
	for i := 0; i < a.Len(); i++ {
		s := a.Value(i)
		out = append(out, parquet.ByteArray(unsafe.Slice(unsafe.StringData(s), len(s))))
	}
	w.bytes = out
	return out
}

// writeFooter writes the file's metadata as the library's WriteTo does
// (without encryption), through a thrift buffer the Writer keeps: WriteTo
// serializes into a new buffer grown from 1 KiB and then copies it, a
// third of what a run allocated once pages no longer did.
func (w *Writer) writeFooter(fm *metadata.FileMetaData) (int64, error) {
	if libraryPages {
		return fm.WriteTo(w.sink, nil)
	}
	if w.footer == nil {
		w.footer = thrift.NewTMemoryBufferLen(16 << 10)
		w.footerProt = thrift.NewTCompactProtocolConf(w.footer, &thrift.TConfiguration{})
	}
	w.footer.Reset()
	ctx := context.Background()
	if err := fm.FileMetaData.Write(ctx, w.footerProt); err != nil {
		return 0, err
	}
	if err := w.footerProt.Flush(ctx); err != nil {
		return 0, err
	}
	n, err := w.sink.Write(w.footer.Bytes())
	return int64(n), err
}

// Reset makes the Writer write a new file to dst, with the schema and
// options it was made with, as if by NewWriter, but reusing its schema
// conversion, page writer and buffers. The file being written, if the
// Writer was not closed, is abandoned without a footer.
func (w *Writer) Reset(dst io.Writer) error {
	w.sink.w, w.sink.pos = dst, 0
	w.meta = metadata.NewFileMetadataBuilder(w.pqs, w.props, w.kv)
	w.groups, w.closed, w.err, w.rg, w.dropped = 0, false, nil, nil, w.dropped[:0]
	for ci := range w.chunks {
		w.chunks[ci].cm, w.chunks[ci].cw = nil, nil
	}
	if _, err := w.sink.Write(magic); err != nil {
		w.err = err
		return err
	}
	return nil
}

// Close writes the footer. It does not close the underlying writer.
func (w *Writer) Close() error {
	if w.closed {
		return w.err
	}
	w.closed = true
	if w.err != nil {
		return w.err
	}
	if w.rg != nil {
		if err := w.endGroup(); err != nil {
			w.err = err
			return err
		}
	}
	fm, err := w.meta.Finish()
	if err != nil {
		w.err = fmt.Errorf("parquet footer: %w", err)
		return w.err
	}
	if len(w.dropped) > 0 { // the row groups rolled back
		md := fm.FileMetaData
		kept := md.RowGroups[:0]
		md.NumRows = 0
		for i, g := range md.RowGroups {
			if !slices.Contains(w.dropped, int16(i)) {
				o := int16(len(kept))
				g.Ordinal = &o
				md.NumRows += g.NumRows
				kept = append(kept, g)
			}
		}
		md.RowGroups = kept
	}
	n, err := w.writeFooter(fm)
	if err == nil {
		err = binary.Write(w.sink, binary.LittleEndian, uint32(n))
	}
	if err == nil {
		_, err = w.sink.Write(magic)
	}
	if err != nil {
		w.err = fmt.Errorf("parquet footer: %w", err)
	}
	return w.err
}

// Mark is a point of a file that Rollback returns to: a row group
// boundary.
type Mark struct {
	groups int16 // row groups appended before it
	offset int64 // bytes written before it
}

// Offset returns the bytes of the file before the mark: the file is to be
// truncated to it on a Rollback.
func (m Mark) Offset() int64 { return m.offset }

// Mark ends the open row group, if any, and returns the point after it.
func (w *Writer) Mark() (Mark, error) {
	if w.err != nil {
		return Mark{}, w.err
	}
	if w.rg != nil {
		if err := w.endGroup(); err != nil {
			w.err = err
			return Mark{}, err
		}
	}
	return Mark{groups: w.groups, offset: w.sink.pos}, nil
}

// Rollback drops what was written after m: the row groups ended since
// (the footer leaves them out) and the open one. The caller truncates the
// file to m.Offset() and writes what follows from there: the Writer
// continues at that offset.
func (w *Writer) Rollback(m Mark) error {
	if w.closed {
		return errors.New("parquet writer: rollback after close")
	}
	if w.err != nil {
		return w.err
	}
	if m.groups > w.groups || m.offset > w.sink.pos {
		return errors.New("parquet writer: rollback to a mark of another file")
	}
	for g := m.groups; g < w.groups; g++ {
		if !slices.Contains(w.dropped, g) {
			w.dropped = append(w.dropped, g)
		}
	}
	if w.rg != nil { // the open row group's pages are in memory: forget them
		w.rg = nil
		for ci := range w.chunks {
			w.chunks[ci].cm, w.chunks[ci].cw = nil, nil
		}
	}
	w.sink.pos = m.offset
	return nil
}

// Size returns the bytes written to the file so far: the row groups
// ended, not the pages of the open one.
func (w *Writer) Size() int64 { return w.sink.pos }

// tellWriter counts the bytes written, which the page writers record as
// page offsets.
type tellWriter struct {
	w   io.Writer
	pos int64
}

func (t *tellWriter) Write(p []byte) (int, error) {
	n, err := t.w.Write(p)
	t.pos += int64(n)
	return n, err
}

// Tell returns the number of bytes written.
func (t *tellWriter) Tell() int64 { return t.pos }

// strideCounts returns snappyStride's scratch.
func (w *Writer) strideCounts() []int32 {
	if w.counts == nil {
		w.counts = make([]int32, maxStride+1)
	}
	return w.counts
}
