package runner

import (
	"bufio"
	"errors"
	"os"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/parquet/compress"

	"github.com/statecraft/statecraft/configs"
	"github.com/statecraft/statecraft/internal/pqwrite"
)

// parquetWriters keeps a worker's closed Parquet writers, by schema, for
// its next part files: a run whose jobs outgrow a batch writes a part file
// per job, and a writer reset onto a new file reuses its schema
// conversion, page writer, compression buffer (pqwrite.Writer.Reset) and
// output buffer, which a new one allocates again (and allocation sets the
// pace of the GC, and so the peak RSS). Only its worker uses it.
type parquetWriters map[*arrow.Schema][]*parquetWriter

type parquetWriter struct {
	fw     *pqwrite.Writer
	bw     *bufio.Writer
	f      *writeback
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

// rowGroupBytes bounds a Parquet row group's pages, which wait in memory
// until it ends: a group ends at output.row_group_rows rows or once its
// pages have this many bytes, whichever comes first. Narrow rows never
// reach it (pp's 65536-row groups are ~1 MB); rows of a vector of 1000
// floats would hold 500 MB a worker at 65536 rows, and stop at ~8,000.
const rowGroupBytes = 64 << 20

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
		// Row groups of several batches: the column chunks' pages wait
		// in memory, compressed, until the row group has its rows.
		RowGroupRows: int64(o.rowGroupRows),
		RecordRows:   int64(o.batchRows),
		// and ends at rowGroupBytes of pages, however few its rows
		RowGroupBytes: rowGroupBytes,
		Encodings:     encodings(schema, o.swept),
		// Noisy floats do not compress: their chunks are written
		// uncompressed when the first page shows it.
		Adaptive: true,
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
		w.f = &writeback{f: f}
		w.bw.Reset(w.f)
		if err := w.fw.Reset(w.bw); err != nil {
			return nil, err
		}
		return w, nil
	}
	wb := &writeback{f: f}
	bw := bufio.NewWriterSize(wb, partBufferSize)
	fw, err := pqwrite.NewWriter(bw, schema, opts)
	if err != nil {
		return nil, err
	}
	return &parquetWriter{fw: fw, bw: bw, f: wb, schema: schema, reuse: o.parquet}, nil
}

// encodings returns the encodings of a table's id columns: a dictionary
// (one value, RLE-encoded indices) for the columns constant over a job
// (simulation, subset, run and the swept columns), DELTA_BINARY_PACKED
// for the counters (timestep, substep). Snappy compressed a constant
// column at ~7 GB/s and a timestep column to half its size; the
// dictionary pages of a job are a few bytes, found at memory speed
// (internal/pqwrite runEnd), and a timestep column's deltas are 5 bytes
// per 128 values. The other int64 columns (state variables, agents'
// fields: counts, mostly) are DELTA_BINARY_PACKED too: abm's trades
// column, small counts agent after agent, 4.6 MB in snappy, and the
// bit-packing is a third of snappy's instructions.
func encodings(schema *arrow.Schema, swept map[string]bool) map[string]pqwrite.Encoding {
	enc := map[string]pqwrite.Encoding{}
	for _, f := range schema.Fields() {
		switch {
		case f.Name == "simulation" || f.Name == "subset" || f.Name == "run":
			enc[f.Name] = pqwrite.Dictionary
		case f.Name == "timestep" || f.Name == "substep":
			enc[f.Name] = pqwrite.Delta
		case swept[f.Name]:
			switch f.Type.ID() {
			case arrow.INT32, arrow.INT64, arrow.FLOAT64, arrow.STRING:
				enc[f.Name] = pqwrite.Dictionary
			}
		case f.Type.ID() == arrow.INT64:
			enc[f.Name] = pqwrite.Delta
		}
	}
	return enc
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

// Size returns the bytes of the file's row groups written so far.
func (w *parquetWriter) Size() int64 { return w.fw.Size() }

// OpenRows returns the rows of the row group being built (0: none).
func (w *parquetWriter) OpenRows() int64 { return w.fw.OpenRows() }

// mark ends the open row group and returns the point after it, its bytes
// on disk (not in the output buffer), for rollback.
func (w *parquetWriter) mark() (any, error) {
	m, err := w.fw.Mark()
	if err == nil {
		err = w.bw.Flush()
	}
	return m, err
}

// rollback drops what was written after a mark: the file is truncated to
// it and the writer goes on from there.
func (w *parquetWriter) rollback(m any) error {
	pm, ok := m.(pqwrite.Mark)
	if !ok {
		return errors.New("parquet: rollback to a mark of another writer")
	}
	w.bw.Reset(w.f) // what is buffered follows the mark
	if err := w.f.truncate(pm.Offset()); err != nil {
		return err
	}
	return w.fw.Rollback(pm)
}
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
		w.f = nil
	}
	w.fw, w.bw = nil, nil // this handle is done; the writer may serve another file
	return err
}
