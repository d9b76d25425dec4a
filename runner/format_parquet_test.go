package runner

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/statecraft/statecraft/configs"
	"github.com/statecraft/statecraft/internal/pqwrite"
)

// TestParquetWriterReuse checks that a worker's second part file of a
// schema is written by the Writer its first one closed with, and that the
// file is byte for byte what a new Writer writes.
func TestParquetWriterReuse(t *testing.T) {
	sch := arrow.NewSchema([]arrow.Field{
		{Name: "timestep", Type: arrow.PrimitiveTypes.Int64},
		{Name: "x", Type: arrow.PrimitiveTypes.Float64},
		{Name: "v", Type: arrow.ListOf(arrow.PrimitiveTypes.Float64)},
	}, nil)
	rec := func(from int) arrow.Record {
		b := array.NewRecordBuilder(memory.DefaultAllocator, sch)
		defer b.Release()
		for i := from; i < from+2000; i++ {
			b.Field(0).(*array.Int64Builder).Append(int64(i))
			b.Field(1).(*array.Float64Builder).Append(float64(i) / 3)
			lb := b.Field(2).(*array.ListBuilder)
			lb.Append(true)
			lb.ValueBuilder().(*array.Float64Builder).AppendValues([]float64{float64(i), 1}, nil)
		}
		return b.NewRecord()
	}
	dir := t.TempDir()
	write := func(name string, o writerOptions, from int) (*pqwrite.Writer, []byte) {
		t.Helper()
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		pw, err := openParquet(f, sch, o)
		if err != nil {
			t.Fatal(err)
		}
		fw := pw.(*parquetWriter).fw
		r := rec(from)
		defer r.Release()
		if err := pw.Write(r); err != nil {
			t.Fatal(err)
		}
		if err := pw.Close(); err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(f.Name())
		if err != nil {
			t.Fatal(err)
		}
		return fw, data
	}
	reuse := writerOptions{compression: configs.Snappy, parquet: parquetWriters{}}
	first, _ := write("a.parquet", reuse, 0)
	if got := len(reuse.parquet[sch]); got != 1 {
		t.Fatalf("%d writers kept after the first file; want 1", got)
	}
	second, reused := write("b.parquet", reuse, 5000)
	if second != first {
		t.Errorf("the second file has a new Writer; want the first file's")
	}
	_, fresh := write("c.parquet", writerOptions{compression: configs.Snappy}, 5000)
	if !bytes.Equal(reused, fresh) {
		t.Errorf("file written by a reused Writer (%d bytes) differs from a new Writer's (%d bytes)", len(reused), len(fresh))
	}
}

// TestEncodings: the columns of a table get the encodings the runner
// chooses for them: dictionaries for the job's constants and the swept
// columns, deltas for the counters and the other int64 columns, PLAIN
// for floats, strings and bools.
func TestEncodings(t *testing.T) {
	sch := arrow.NewSchema([]arrow.Field{
		{Name: "simulation", Type: arrow.PrimitiveTypes.Int32},
		{Name: "subset", Type: arrow.PrimitiveTypes.Int32},
		{Name: "run", Type: arrow.PrimitiveTypes.Int32},
		{Name: "timestep", Type: arrow.PrimitiveTypes.Int64},
		{Name: "substep", Type: arrow.PrimitiveTypes.Int32},
		{Name: "rate", Type: arrow.PrimitiveTypes.Float64},  // swept
		{Name: "level", Type: arrow.PrimitiveTypes.Int64},   // swept
		{Name: "members", Type: arrow.PrimitiveTypes.Int64}, // a state variable
		{Name: "price", Type: arrow.PrimitiveTypes.Float64},
		{Name: "label", Type: arrow.BinaryTypes.String},
		{Name: "agent", Type: arrow.PrimitiveTypes.Int32},
	}, nil)
	got := encodings(sch, map[string]bool{"rate": true, "level": true})
	want := map[string]pqwrite.Encoding{
		"simulation": pqwrite.Dictionary, "subset": pqwrite.Dictionary, "run": pqwrite.Dictionary,
		"timestep": pqwrite.Delta, "substep": pqwrite.Delta,
		"rate": pqwrite.Dictionary, "level": pqwrite.Dictionary,
		"members": pqwrite.Delta,
	}
	if len(got) != len(want) {
		t.Errorf("encodings %v, want %v", got, want)
	}
	for name, e := range want {
		if got[name] != e {
			t.Errorf("column %s: %v, want %v", name, got[name], e)
		}
	}
}
