package pqwrite

import (
	"io"
	"math"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/parquet"
	"github.com/apache/arrow/go/v15/parquet/compress"
	"github.com/apache/arrow/go/v15/parquet/pqarrow"
)

// ppRecord is a row group shaped like predator-prey's: five id columns and
// two state variables, 65536 rows.
func ppRecord() arrow.Record {
	sch := arrow.NewSchema([]arrow.Field{
		{Name: "simulation", Type: arrow.PrimitiveTypes.Int32},
		{Name: "subset", Type: arrow.PrimitiveTypes.Int32},
		{Name: "run", Type: arrow.PrimitiveTypes.Int32},
		{Name: "timestep", Type: arrow.PrimitiveTypes.Int64},
		{Name: "substep", Type: arrow.PrimitiveTypes.Int32},
		{Name: "prey", Type: arrow.PrimitiveTypes.Float64},
		{Name: "predators", Type: arrow.PrimitiveTypes.Float64},
	}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, sch)
	defer b.Release()
	x, y := 100.0, 20.0
	for r := 0; r < 65536; r++ {
		b.Field(0).(*array.Int32Builder).Append(0)
		b.Field(1).(*array.Int32Builder).Append(int32(r / 20000))
		b.Field(2).(*array.Int32Builder).Append(1)
		b.Field(3).(*array.Int64Builder).Append(int64(r))
		b.Field(4).(*array.Int32Builder).Append(1)
		x, y = x+0.01*(x*0.1-x*y*0.002), y+0.01*(x*y*0.001-y*0.2)
		b.Field(5).(*array.Float64Builder).Append(x)
		b.Field(6).(*array.Float64Builder).Append(y)
	}
	return b.NewRecord()
}

// BenchmarkWrite compares this writer with pqarrow on the same row groups
// (snappy, 32 KiB pages, statistics), PLAIN and with the runner's
// encodings: go test -bench Write -benchmem.
func BenchmarkWrite(b *testing.B) {
	rec := ppRecord()
	defer rec.Release()
	b.Run("pqwrite", func(b *testing.B) {
		w, err := NewWriter(io.Discard, rec.Schema(), Options{Compression: compress.Codecs.Snappy, PageSize: 32 << 10, Stats: true})
		if err != nil {
			b.Fatal(err)
		}
		writeRowGroups(b, w, rec)
	})
	b.Run("pqwrite-encoded", func(b *testing.B) { // the runner's options
		w, err := NewWriter(io.Discard, rec.Schema(), Options{Compression: compress.Codecs.Snappy, PageSize: 32 << 10, Stats: true,
			RowGroupRows: 65536, Adaptive: true, Encodings: map[string]Encoding{
				"simulation": Dictionary, "subset": Dictionary, "run": Dictionary, "timestep": Delta, "substep": Delta}})
		if err != nil {
			b.Fatal(err)
		}
		writeRowGroups(b, w, rec)
	})
	b.Run("pqarrow", func(b *testing.B) {
		props := parquet.NewWriterProperties(parquet.WithCompression(compress.Codecs.Snappy), parquet.WithDictionaryDefault(false),
			parquet.WithStats(true), parquet.WithDataPageSize(32<<10))
		w, err := pqarrow.NewFileWriter(rec.Schema(), io.Discard, props, pqarrow.DefaultWriterProps())
		if err != nil {
			b.Fatal(err)
		}
		writeRowGroups(b, w, rec)
	})
}

// writeRowGroups writes rec as a row group b.N times and reports rows/s.
func writeRowGroups(b *testing.B, w interface{ Write(arrow.Record) error }, rec arrow.Record) {
	b.ReportAllocs()
	for b.Loop() {
		if err := w.Write(rec); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(rec.NumRows())*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkMinMaxFloat64: statistics of one 32 KiB page of a random walk.
func BenchmarkMinMaxFloat64(b *testing.B) {
	p := make([]float64, 4096)
	x := 100.0
	for i := range p {
		x += math.Sin(float64(i)*0.37) * 0.5
		p[i] = x
	}
	var buf [16]byte
	for b.Loop() {
		minMaxFloat64(p, &buf)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(p)), "ns/value")
}
