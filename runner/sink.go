package runner

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"strconv"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/ipc"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/parquet/compress"

	"github.com/statecraft/statecraft/configs"
	"github.com/statecraft/statecraft/internal/pqwrite"
)

// partWriter writes record batches into one part file.
type partWriter interface {
	Write(rec arrow.Record) error
	Close() error
}

// fileFormat describes an output format.
type fileFormat struct {
	ext  string
	open func(f *os.File, schema *arrow.Schema, o writerOptions) (partWriter, error)
}

type writerOptions struct {
	compression  configs.Compression
	rowGroupRows int
	parquet      parquetWriters // the worker's closed Parquet writers; nil: none kept
}

// parquetWriters keeps a worker's closed Parquet writers, by schema, for
// its next part files: a run whose jobs outgrow a batch writes a part file
// per job, and a writer reset onto a new file reuses its schema
// conversion, page writer, compression buffer (pqwrite.Writer.Reset) and
// output buffer, which a new one allocates again (and allocation sets the
// pace of the GC, and so the peak RSS). Only its worker uses it.
type parquetWriters map[*arrow.Schema][]*parquetWriter

var formats = map[configs.Format]fileFormat{
	configs.Parquet: {ext: ".parquet", open: openParquet},
	configs.Arrow:   {ext: ".arrow", open: openArrow},
	configs.CSV:     {ext: ".csv", open: openCSV},
}

type parquetWriter struct {
	fw     *pqwrite.Writer
	bw     *bufio.Writer
	schema *arrow.Schema
	reuse  parquetWriters
}

// parquetPageSize is the target size of a data page. With the library's
// default (1 MiB) every column chunk of a 65536-row batch is a single page,
// so each page's buffers (the value encoder's, the uncompressed page) are
// allocated afresh for every row group; with 32 KiB pages they are reused
// within a column chunk and stay in the allocator's small size classes.
// DuckDB scans the files within 10% of 1 MiB pages (docs/performance.md).
const parquetPageSize = 32 << 10

// partBufferSize is the output buffer of a Parquet part file: writes of
// 256 KiB, not of every page.
const partBufferSize = 256 << 10

// openParquet writes Parquet through internal/pqwrite, which uses Arrow's
// column writers with a compression step that does not allocate per page
// (Arrow Go v15's own does, for snappy and zstd).
func openParquet(f *os.File, schema *arrow.Schema, o writerOptions) (partWriter, error) {
	opts := pqwrite.Options{
		Compression: compress.Codecs.Snappy,
		PageSize:    parquetPageSize,
		Stats:       true,
		StoreSchema: true,
		// The Arrow Go v15 writer grows the buffer of repetition and
		// definition levels by 64 bytes at a time in version 1 data pages
		// (a 4-byte length prefix defeats its doubling: apache/arrow
		// GH-41541, fixed in v17), which is quadratic in the levels of a
		// page: list columns (vectors, agents) wrote at ~1 MB/s. Version 2
		// data pages keep no prefix, so the buffer doubles; DuckDB,
		// Polars, pyarrow and Spark read them. Flat schemas have no
		// levels and keep version 1 pages, the most widely read.
		PageV2: nested(schema),
	}
	switch o.compression {
	case configs.Zstd:
		opts.Compression = compress.Codecs.Zstd
	case configs.Uncompressed:
		opts.Compression = compress.Codecs.Uncompressed
	}
	if free := o.parquet[schema]; len(free) > 0 {
		w := free[len(free)-1]
		o.parquet[schema] = free[:len(free)-1]
		w.bw.Reset(f)
		if err := w.fw.Reset(w.bw); err != nil {
			return nil, err
		}
		return w, nil
	}
	bw := bufio.NewWriterSize(f, partBufferSize)
	fw, err := pqwrite.NewWriter(bw, schema, opts)
	if err != nil {
		return nil, err
	}
	return &parquetWriter{fw: fw, bw: bw, schema: schema, reuse: o.parquet}, nil
}

// nested reports whether a schema has list (vector or agents) columns.
func nested(schema *arrow.Schema) bool {
	for _, f := range schema.Fields() {
		if _, ok := f.Type.(arrow.NestedType); ok {
			return true
		}
	}
	return false
}

func (w *parquetWriter) Write(rec arrow.Record) error { return w.fw.Write(rec) }
func (w *parquetWriter) Close() error {
	if w.bw == nil {
		return nil
	}
	err := w.fw.Close()
	if err == nil {
		err = w.bw.Flush()
	}
	if err == nil && w.reuse != nil {
		w.bw.Reset(nil) // keeps no reference to the file
		w.reuse[w.schema] = append(w.reuse[w.schema], &parquetWriter{fw: w.fw, bw: w.bw, schema: w.schema, reuse: w.reuse})
	}
	w.fw, w.bw = nil, nil // this handle is done; the writer may serve another file
	return err
}

type arrowWriter struct {
	w *ipc.FileWriter
}

func openArrow(f *os.File, schema *arrow.Schema, o writerOptions) (partWriter, error) {
	opts := []ipc.Option{ipc.WithSchema(schema), ipc.WithAllocator(memory.DefaultAllocator)}
	switch o.compression {
	case configs.Zstd:
		opts = append(opts, ipc.WithZstd())
	case configs.Snappy:
		// The Arrow IPC format has no snappy codec; LZ4 frame is its
		// fast codec.
		opts = append(opts, ipc.WithLZ4())
	}
	// The IPC file writer seeks, so it gets the file itself; it writes
	// whole record batches, not small pieces.
	w, err := ipc.NewFileWriter(f, opts...)
	if err != nil {
		return nil, err
	}
	return &arrowWriter{w: w}, nil
}

func (w *arrowWriter) Write(rec arrow.Record) error { return w.w.Write(rec) }
func (w *arrowWriter) Close() error                 { return w.w.Close() }

// csvWriter writes a header and one line per row. Floats are written as
// the shortest decimal that reads back as the same double, in the style of
// Python's repr (10.0, 1e-05); lists and agents as JSON arrays.
type csvWriter struct {
	bw  *bufio.Writer
	buf []byte
}

func openCSV(f *os.File, schema *arrow.Schema, _ writerOptions) (partWriter, error) {
	w := &csvWriter{bw: bufio.NewWriterSize(f, 1<<20)}
	for i, fl := range schema.Fields() {
		if i > 0 {
			w.buf = append(w.buf, ',')
		}
		w.buf = append(w.buf, fl.Name...)
	}
	w.buf = append(w.buf, '\n')
	_, err := w.bw.Write(w.buf)
	return w, err
}

func (w *csvWriter) Write(rec arrow.Record) error {
	cols := rec.Columns()
	for r := 0; r < int(rec.NumRows()); r++ {
		w.buf = w.buf[:0]
		for c, col := range cols {
			if c > 0 {
				w.buf = append(w.buf, ',')
			}
			switch col.(type) {
			case *array.List:
				w.buf = append(w.buf, '"')
				w.buf = appendValue(w.buf, col, r, true)
				w.buf = append(w.buf, '"')
			default:
				w.buf = appendValue(w.buf, col, r, false)
			}
		}
		w.buf = append(w.buf, '\n')
		if _, err := w.bw.Write(w.buf); err != nil {
			return err
		}
	}
	return nil
}

func (w *csvWriter) Close() error { return w.bw.Flush() }

// appendValue formats element r of a column; inList quotes strings JSON
// style (with doubled quotes, as the value sits in a quoted CSV field).
func appendValue(b []byte, col arrow.Array, r int, inList bool) []byte {
	switch a := col.(type) {
	case *array.Int32:
		return strconv.AppendInt(b, int64(a.Value(r)), 10)
	case *array.Int64:
		return strconv.AppendInt(b, a.Value(r), 10)
	case *array.Float64:
		return AppendFloat(b, a.Value(r))
	case *array.Boolean:
		if inList {
			return strconv.AppendBool(b, a.Value(r))
		}
		if a.Value(r) {
			return append(b, "True"...)
		}
		return append(b, "False"...)
	case *array.String:
		s := a.Value(r)
		if inList {
			q := strconv.Quote(s)
			for i := 0; i < len(q); i++ {
				if q[i] == '"' {
					b = append(b, '"')
				}
				b = append(b, q[i])
			}
			return b
		}
		return appendCSVString(b, s)
	case *array.List:
		lo, hi := a.ValueOffsets(r)
		b = append(b, '[')
		for k := lo; k < hi; k++ {
			if k > lo {
				b = append(b, ", "...)
			}
			b = appendValue(b, a.ListValues(), int(k), true)
		}
		return append(b, ']')
	case *array.Struct:
		b = append(b, '{')
		st := a.DataType().(*arrow.StructType)
		for k := 0; k < a.NumField(); k++ {
			if k > 0 {
				b = append(b, ", "...)
			}
			b = append(b, `""`...)
			b = append(b, st.Field(k).Name...)
			b = append(b, `"": `...)
			b = appendValue(b, a.Field(k), r, true)
		}
		return append(b, '}')
	}
	return append(b, fmt.Sprint(col.GetOneForMarshal(r))...)
}

func appendCSVString(b []byte, s string) []byte {
	needs := false
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == ',' || c == '"' || c == '\n' || c == '\r' {
			needs = true
			break
		}
	}
	if !needs {
		return append(b, s...)
	}
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			b = append(b, '"')
		}
		b = append(b, s[i])
	}
	return append(b, '"')
}

// AppendFloat appends v as Python's repr writes it: the shortest decimal
// that reads back as v, with ".0" on integral values, exponent form below
// 1e-4 and from 1e16, and nan, inf, -inf.
func AppendFloat(b []byte, v float64) []byte {
	switch {
	case math.IsNaN(v):
		return append(b, "nan"...)
	case math.IsInf(v, 1):
		return append(b, "inf"...)
	case math.IsInf(v, -1):
		return append(b, "-inf"...)
	}
	if a := math.Abs(v); a != 0 && (a < 1e-4 || a >= 1e16) {
		// Go and Python both write the exponent with a sign and at
		// least two digits (1e-05, 1e+16).
		return strconv.AppendFloat(b, v, 'e', -1, 64)
	}
	start := len(b)
	b = strconv.AppendFloat(b, v, 'f', -1, 64)
	for _, c := range b[start:] {
		if c == '.' {
			return b
		}
	}
	return append(b, ".0"...)
}
