package pqwrite

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/parquet"
	"github.com/apache/arrow/go/v15/parquet/compress"
	"github.com/apache/arrow/go/v15/parquet/file"
	"github.com/apache/arrow/go/v15/parquet/pqarrow"
)

var agentType = arrow.StructOf(
	arrow.Field{Name: "cash", Type: arrow.PrimitiveTypes.Float64},
	arrow.Field{Name: "trades", Type: arrow.PrimitiveTypes.Int64},
	arrow.Field{Name: "active", Type: arrow.FixedWidthTypes.Boolean},
	arrow.Field{Name: "tag", Type: arrow.BinaryTypes.String},
)

func allKinds() *arrow.Schema {
	md := arrow.NewMetadata([]string{"statecraft.model"}, []string{"test"})
	return arrow.NewSchema([]arrow.Field{
		{Name: "run", Type: arrow.PrimitiveTypes.Int32},
		{Name: "timestep", Type: arrow.PrimitiveTypes.Int64},
		{Name: "x", Type: arrow.PrimitiveTypes.Float64},
		{Name: "flag", Type: arrow.FixedWidthTypes.Boolean},
		{Name: "label", Type: arrow.BinaryTypes.String},
		{Name: "vec", Type: arrow.ListOf(arrow.PrimitiveTypes.Float64)},
		{Name: "agents", Type: arrow.ListOf(agentType)},
		{Name: "maybe", Type: arrow.ListOf(arrow.PrimitiveTypes.Int32), Nullable: true},
	}, &md)
}

// record builds n rows starting at row `from`: lists of varying length,
// empty ones included, and strings of varying length.
func record(sch *arrow.Schema, from, n int) arrow.Record {
	b := array.NewRecordBuilder(memory.DefaultAllocator, sch)
	defer b.Release()
	for r := from; r < from+n; r++ {
		b.Field(0).(*array.Int32Builder).Append(int32(r % 7))
		b.Field(1).(*array.Int64Builder).Append(int64(r))
		b.Field(2).(*array.Float64Builder).Append(math.Sin(float64(r)) * 1e3)
		b.Field(3).(*array.BooleanBuilder).Append(r%3 == 0)
		b.Field(4).(*array.StringBuilder).Append(strings.Repeat("ab", r%5))
		vb := b.Field(5).(*array.ListBuilder)
		vb.Append(true)
		for k := 0; k < r%4; k++ {
			vb.ValueBuilder().(*array.Float64Builder).Append(float64(r) + float64(k)/10)
		}
		ab := b.Field(6).(*array.ListBuilder)
		ab.Append(true)
		sb := ab.ValueBuilder().(*array.StructBuilder)
		for k := 0; k < (r+1)%3; k++ {
			sb.Append(true)
			sb.FieldBuilder(0).(*array.Float64Builder).Append(float64(r*10 + k))
			sb.FieldBuilder(1).(*array.Int64Builder).Append(int64(k))
			sb.FieldBuilder(2).(*array.BooleanBuilder).Append(k%2 == 1)
			sb.FieldBuilder(3).(*array.StringBuilder).Append(fmt.Sprintf("a%d", k))
		}
		mb := b.Field(7).(*array.ListBuilder)
		mb.Append(true)
		for k := 0; k < r%2; k++ {
			mb.ValueBuilder().(*array.Int32Builder).Append(int32(k))
		}
	}
	return b.NewRecord()
}

func readAll(t *testing.T, data []byte) (arrow.Table, *file.Reader) {
	t.Helper()
	rdr, err := file.NewParquetReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("reading the file back: %v", err)
	}
	fr, err := pqarrow.NewFileReader(rdr, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
	if err != nil {
		t.Fatal(err)
	}
	tbl, err := fr.ReadTable(context.Background())
	if err != nil {
		t.Fatalf("reading the table: %v", err)
	}
	return tbl, rdr
}

// TestRoundTrip writes every supported type with each codec and page
// version, in several row groups (one of them a slice with an offset), and
// checks that Arrow's reader returns exactly the rows written, the schema
// and metadata, and that the file matches what pqarrow writes for the
// same records.
func TestRoundTrip(t *testing.T) {
	sch := allKinds()
	codecs := []compress.Compression{compress.Codecs.Snappy, compress.Codecs.Zstd, compress.Codecs.Uncompressed}
	for _, codec := range codecs {
		for _, v2 := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/v2=%v", codec, v2), func(t *testing.T) {
				full := record(sch, 0, 3000)
				defer full.Release()
				recs := []arrow.Record{record(sch, 0, 1000), full.NewSlice(1000, 2500), record(sch, 2500, 500)}
				var buf bytes.Buffer
				w, err := NewWriter(&buf, sch, Options{Compression: codec, PageSize: 4 << 10, Stats: true, PageV2: v2, StoreSchema: true})
				if err != nil {
					t.Fatal(err)
				}
				for _, r := range recs {
					if err := w.Write(r); err != nil {
						t.Fatal(err)
					}
					r.Release()
				}
				if err := w.Close(); err != nil {
					t.Fatal(err)
				}
				tbl, rdr := readAll(t, buf.Bytes())
				defer tbl.Release()
				if got := rdr.NumRowGroups(); got != 3 {
					t.Errorf("row groups = %d; want 3", got)
				}
				if got := tbl.NumRows(); got != 3000 {
					t.Fatalf("rows = %d; want 3000", got)
				}
				for i, f := range tbl.Schema().Fields() {
					if f.Name != sch.Field(i).Name || f.Type.ID() != sch.Field(i).Type.ID() {
						t.Errorf("column %d read back as %s %s; want %s %s", i, f.Name, f.Type, sch.Field(i).Name, sch.Field(i).Type)
					}
				}
				if v := rdr.MetaData().KeyValueMetadata().FindValue("statecraft.model"); v == nil || *v != "test" {
					t.Errorf("metadata statecraft.model = %v; want test", v)
				}
				got := array.NewTableReader(tbl, 3000)
				defer got.Release()
				got.Next()
				// Compared by value: the reader names list elements
				// "list" (Parquet's name), the writer's schema "item".
				for i := range sch.Fields() {
					if g, w := got.Record().Column(i).String(), full.Column(i).String(); g != w {
						k := 0
						for k < len(g) && k < len(w) && g[k] == w[k] {
							k++
						}
						t.Errorf("column %s read back differs from the column written at byte %d:\n got %.200s\nwant %.200s", sch.Field(i).Name, k, g[max(0, k-50):], w[max(0, k-50):])
					}
				}
				if rg := rdr.MetaData().RowGroup(0); rg.NumRows() != 1000 {
					t.Errorf("row group 0 has %d rows; want 1000", rg.NumRows())
				}
			})
		}
	}
}

// TestStatistics checks the column chunk min/max that readers use to skip
// row groups.
func TestStatistics(t *testing.T) {
	sch := allKinds()
	var buf bytes.Buffer
	w, err := NewWriter(&buf, sch, Options{Compression: compress.Codecs.Snappy, Stats: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []arrow.Record{record(sch, 0, 100), record(sch, 100, 50)} {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	rdr, err := file.NewParquetReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	for g, want := range [][2]int64{{0, 99}, {100, 149}} {
		cc, err := rdr.MetaData().RowGroup(g).ColumnChunk(1) // timestep
		if err != nil {
			t.Fatal(err)
		}
		st, err := cc.Statistics()
		if err != nil || st == nil {
			t.Fatalf("row group %d: no statistics (%v)", g, err)
		}
		s := st.(interface {
			Min() int64
			Max() int64
		})
		if s.Min() != want[0] || s.Max() != want[1] {
			t.Errorf("row group %d timestep min/max = %d/%d; want %d/%d", g, s.Min(), s.Max(), want[0], want[1])
		}
	}
}

// TestSameAsPqarrow checks that the file has the Parquet schema and the
// values pqarrow writes for the same records.
func TestSameAsPqarrow(t *testing.T) {
	for _, store := range []bool{false, true} {
		t.Run(fmt.Sprintf("StoreSchema=%v", store), func(t *testing.T) { sameAsPqarrow(t, store) })
	}
}

// writeRecords writes recs to dst through a Writer with options o, and
// returns the closed Writer.
func writeRecords(t *testing.T, dst io.Writer, sch *arrow.Schema, o Options, recs ...arrow.Record) *Writer {
	t.Helper()
	w, err := NewWriter(dst, sch, o)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return w
}

func sameAsPqarrow(t *testing.T, store bool) {
	sch := allKinds()
	rec := record(sch, 0, 777)
	defer rec.Release()
	var mine, theirs bytes.Buffer
	writeRecords(t, &mine, sch, Options{Compression: compress.Codecs.Snappy, PageV2: true, Stats: true, StoreSchema: store}, rec)
	props := parquet.NewWriterProperties(parquet.WithCompression(compress.Codecs.Snappy), parquet.WithDictionaryDefault(false), parquet.WithDataPageVersion(parquet.DataPageV2))
	aprops := pqarrow.DefaultWriterProps()
	if store {
		aprops = pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema())
	}
	pw, err := pqarrow.NewFileWriter(sch, &theirs, props, aprops)
	if err != nil {
		t.Fatal(err)
	}
	if err := pw.Write(rec); err != nil {
		t.Fatal(err)
	}
	if err := pw.Close(); err != nil {
		t.Fatal(err)
	}
	a, ra := readAll(t, mine.Bytes())
	defer a.Release()
	b, rb := readAll(t, theirs.Bytes())
	defer b.Release()
	if !ra.MetaData().Schema.Equals(rb.MetaData().Schema) {
		t.Errorf("Parquet schemas differ:\n%s\n%s", ra.MetaData().Schema, rb.MetaData().Schema)
	}
	if !a.Schema().Equal(b.Schema()) {
		t.Errorf("Arrow schemas read back differ:\n%s\n%s", a.Schema(), b.Schema())
	}
	if !array.TableEqual(a, b) {
		t.Errorf("tables read back differ")
	}
	if ka, kb := ra.MetaData().KeyValueMetadata(), rb.MetaData().KeyValueMetadata(); fmt.Sprint(ka.Keys(), ka.Values()) != fmt.Sprint(kb.Keys(), kb.Values()) {
		t.Errorf("key-value metadata differs:\n%v %v\n%v %v", ka.Keys(), ka.Values(), kb.Keys(), kb.Values())
	}
}

func TestErrors(t *testing.T) {
	ok := arrow.NewSchema([]arrow.Field{{Name: "x", Type: arrow.PrimitiveTypes.Float64}}, nil)
	tests := []struct {
		name   string
		schema *arrow.Schema
		want   string
	}{
		{"map", arrow.NewSchema([]arrow.Field{{Name: "m", Type: arrow.MapOf(arrow.BinaryTypes.String, arrow.PrimitiveTypes.Int64)}}, nil), `column "m": type map<utf8, int64, items_nullable> is not supported`},
		{"list of lists", arrow.NewSchema([]arrow.Field{{Name: "l", Type: arrow.ListOf(arrow.ListOf(arrow.PrimitiveTypes.Int64))}}, nil), `column "l": lists of list<item: int64, nullable> are not supported`},
		{"struct of lists", arrow.NewSchema([]arrow.Field{{Name: "a", Type: arrow.ListOf(arrow.StructOf(arrow.Field{Name: "v", Type: arrow.ListOf(arrow.PrimitiveTypes.Int64)}))}}, nil), `column "a": field "v" has type list<item: int64, nullable>`},
		{"float32", arrow.NewSchema([]arrow.Field{{Name: "f", Type: arrow.PrimitiveTypes.Float32}}, nil), `column "f": type float32 is not supported`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewWriter(&bytes.Buffer{}, tt.schema, Options{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("NewWriter error = %v; want it to contain %q", err, tt.want)
			}
		})
	}

	t.Run("nulls", func(t *testing.T) {
		nullable := arrow.NewSchema([]arrow.Field{{Name: "x", Type: arrow.PrimitiveTypes.Float64, Nullable: true}}, nil)
		b := array.NewRecordBuilder(memory.DefaultAllocator, nullable)
		b.Field(0).(*array.Float64Builder).AppendNull()
		rec := b.NewRecord()
		w, err := NewWriter(&bytes.Buffer{}, nullable, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Write(rec); err == nil || !strings.Contains(err.Error(), "parquet column x: null values are not supported") {
			t.Errorf("Write error = %v", err)
		}
		if err := w.Close(); err == nil {
			t.Errorf("Close after a failed Write succeeded; want the Write's error")
		}
	})
	t.Run("schema mismatch", func(t *testing.T) {
		w, err := NewWriter(&bytes.Buffer{}, ok, Options{})
		if err != nil {
			t.Fatal(err)
		}
		other := allKinds()
		rec := record(other, 0, 1)
		if err := w.Write(rec); err == nil || !strings.Contains(err.Error(), "differs from the file's") {
			t.Errorf("Write error = %v", err)
		}
	})
	t.Run("write after close", func(t *testing.T) {
		w, err := NewWriter(&bytes.Buffer{}, ok, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		b := array.NewRecordBuilder(memory.DefaultAllocator, ok)
		b.Field(0).(*array.Float64Builder).Append(1)
		if err := w.Write(b.NewRecord()); err == nil || !strings.Contains(err.Error(), "write after close") {
			t.Errorf("Write error = %v", err)
		}
	})
	t.Run("sink error", func(t *testing.T) {
		w, err := NewWriter(&failAfter{n: 100}, ok, Options{})
		if err != nil {
			t.Fatal(err)
		}
		b := array.NewRecordBuilder(memory.DefaultAllocator, ok)
		for i := 0; i < 1000; i++ {
			b.Field(0).(*array.Float64Builder).Append(float64(i))
		}
		err = w.Write(b.NewRecord())
		if err == nil {
			err = w.Close()
		}
		if err == nil || !strings.Contains(err.Error(), "disk full") {
			t.Errorf("error = %v; want the sink's", err)
		}
	})
}

type failAfter struct{ n int }

func (f *failAfter) Write(p []byte) (int, error) {
	if len(p) > f.n {
		return 0, fmt.Errorf("disk full")
	}
	f.n -= len(p)
	return len(p), nil
}

// TestEmpty checks a file with no row groups and a record with no rows.
func TestEmpty(t *testing.T) {
	sch := allKinds()
	var buf bytes.Buffer
	w, err := NewWriter(&buf, sch, Options{Compression: compress.Codecs.Snappy})
	if err != nil {
		t.Fatal(err)
	}
	rec := record(sch, 0, 0)
	if err := w.Write(rec); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	tbl, rdr := readAll(t, buf.Bytes())
	defer tbl.Release()
	if tbl.NumRows() != 0 || rdr.NumRowGroups() != 0 {
		t.Errorf("rows, row groups = %d, %d; want 0, 0", tbl.NumRows(), rdr.NumRowGroups())
	}
}

// TestAllocs checks that the compression step does not allocate per page.
// Arrow's page writer still allocates small objects per page (the page,
// its statistics, the header), but not a page-sized buffer as its codec
// step does.
func TestAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector drops pooled buffers at random")
	}
	sch := arrow.NewSchema([]arrow.Field{{Name: "x", Type: arrow.PrimitiveTypes.Float64}}, nil)
	const pageSize = 4 << 10
	bytesFor := func(rows int) uint64 {
		b := array.NewRecordBuilder(memory.DefaultAllocator, sch)
		for i := 0; i < rows; i++ {
			b.Field(0).(*array.Float64Builder).Append(float64(i))
		}
		rec := b.NewRecord()
		w, err := NewWriter(io.Discard, sch, Options{Compression: compress.Codecs.Snappy, PageSize: pageSize})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Write(rec); err != nil { // the chunks' page buffers grow to their size
			t.Fatal(err)
		}
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		for i := 0; i < 10; i++ {
			if err := w.Write(rec); err != nil {
				t.Fatal(err)
			}
		}
		runtime.ReadMemStats(&after)
		return (after.TotalAlloc - before.TotalAlloc) / 10
	}
	few, many := bytesFor(1024), bytesFor(64*1024)         // 2 pages vs 128 pages per row group
	perPage := max(0, float64(int64(many)-int64(few))/126) // noise may make it negative
	if perPage > 16 {
		t.Errorf("%.0f bytes allocated per %d-byte page (%d bytes per row group of 2 pages, %d of 128); want none", perPage, pageSize, few, many)
	}
	t.Logf("%.0f bytes allocated per page", perPage)
}

// TestLongLists writes rows whose lists hold more values than the column
// writer's batch (1024), which Arrow Go v15 cannot split on a row
// boundary in version 2 pages (it looped forever), among short ones.
func TestLongLists(t *testing.T) {
	sch := arrow.NewSchema([]arrow.Field{
		{Name: "vec", Type: arrow.ListOf(arrow.PrimitiveTypes.Float64)},
		{Name: "agents", Type: arrow.ListOf(agentType)},
	}, nil)
	lens := []int{3, 5000, 0, 1024, 1023, 9000, 1}
	b := array.NewRecordBuilder(memory.DefaultAllocator, sch)
	for r, n := range lens {
		vb := b.Field(0).(*array.ListBuilder)
		vb.Append(true)
		ab := b.Field(1).(*array.ListBuilder)
		ab.Append(true)
		sb := ab.ValueBuilder().(*array.StructBuilder)
		for k := 0; k < n; k++ {
			vb.ValueBuilder().(*array.Float64Builder).Append(float64(r*100000 + k))
			sb.Append(true)
			sb.FieldBuilder(0).(*array.Float64Builder).Append(float64(k))
			sb.FieldBuilder(1).(*array.Int64Builder).Append(int64(r))
			sb.FieldBuilder(2).(*array.BooleanBuilder).Append(k%2 == 0)
			sb.FieldBuilder(3).(*array.StringBuilder).Append("x")
		}
	}
	rec := b.NewRecord()
	defer rec.Release()
	for _, v2 := range []bool{false, true} {
		t.Run(fmt.Sprintf("v2=%v", v2), func(t *testing.T) {
			var buf bytes.Buffer
			w, err := NewWriter(&buf, sch, Options{Compression: compress.Codecs.Snappy, PageSize: 4 << 10, PageV2: v2, Stats: true})
			if err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() {
				err := w.Write(rec)
				if err == nil {
					err = w.Write(rec.NewSlice(1, 3)) // a slice starting at a long list
				}
				if err == nil {
					err = w.Close()
				}
				done <- err
			}()
			select {
			case err := <-done:
				if err != nil {
					t.Fatal(err)
				}
			case <-time.After(30 * time.Second):
				t.Fatal("writing long lists did not finish in 30 s")
			}
			tbl, _ := readAll(t, buf.Bytes())
			defer tbl.Release()
			if tbl.NumRows() != int64(len(lens)+2) {
				t.Fatalf("rows = %d; want %d", tbl.NumRows(), len(lens)+2)
			}
			got := array.NewTableReader(tbl, int64(len(lens)+2))
			defer got.Release()
			got.Next()
			for i := range sch.Fields() {
				whole := got.Record().NewSlice(0, int64(len(lens)))
				if g, w := whole.Column(i).String(), rec.Column(i).String(); g != w {
					t.Errorf("column %s read back differs", sch.Field(i).Name)
				}
				tail := got.Record().NewSlice(int64(len(lens)), int64(len(lens)+2))
				if g, w := tail.Column(i).String(), rec.NewSlice(1, 3).Column(i).String(); g != w {
					t.Errorf("column %s of the sliced record read back differs", sch.Field(i).Name)
				}
			}
		})
	}
}

// TestDirectSameAsPqarrow checks the direct path (flat required columns,
// version 1 pages) against pqarrow: the same values, Parquet schema, pages
// per column and column chunk statistics, for pages of several sizes and
// values with NaNs, zeros and long strings.
func TestDirectSameAsPqarrow(t *testing.T) {
	sch := arrow.NewSchema([]arrow.Field{
		{Name: "i32", Type: arrow.PrimitiveTypes.Int32},
		{Name: "i64", Type: arrow.PrimitiveTypes.Int64},
		{Name: "f", Type: arrow.PrimitiveTypes.Float64},
		{Name: "b", Type: arrow.FixedWidthTypes.Boolean},
		{Name: "s", Type: arrow.BinaryTypes.String},
	}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, sch)
	for r := 0; r < 5000; r++ {
		b.Field(0).(*array.Int32Builder).Append(int32(r*7919%1000 - 500))
		b.Field(1).(*array.Int64Builder).Append(int64(r) * -1e12)
		f := math.Sin(float64(r))
		switch {
		case r%97 == 0:
			f = math.NaN()
		case r%89 == 0:
			f = 0
		}
		b.Field(2).(*array.Float64Builder).Append(f)
		b.Field(3).(*array.BooleanBuilder).Append(r%5 == 0)
		b.Field(4).(*array.StringBuilder).Append(strings.Repeat(string(rune('a'+r%26)), r%40))
	}
	rec := b.NewRecord()
	defer rec.Release()
	for _, page := range []int64{64, 1 << 10, 32 << 10} {
		t.Run(fmt.Sprint(page), func(t *testing.T) {
			var mine, theirs bytes.Buffer
			w, err := NewWriter(&mine, sch, Options{Compression: compress.Codecs.Snappy, PageSize: page, Stats: true})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range []arrow.Record{rec, rec.NewSlice(1234, 4321)} {
				if err := w.Write(r); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			props := parquet.NewWriterProperties(parquet.WithCompression(compress.Codecs.Snappy), parquet.WithDictionaryDefault(false),
				parquet.WithStats(true), parquet.WithDataPageSize(page))
			pw, err := pqarrow.NewFileWriter(sch, &theirs, props, pqarrow.DefaultWriterProps())
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range []arrow.Record{rec, rec.NewSlice(1234, 4321)} {
				if err := pw.WriteBuffered(r); err != nil {
					t.Fatal(err)
				}
				pw.NewBufferedRowGroup()
			}
			if err := pw.Close(); err != nil {
				t.Fatal(err)
			}
			a, ra := readAll(t, mine.Bytes())
			defer a.Release()
			bt, rb := readAll(t, theirs.Bytes())
			defer bt.Release()
			if !ra.MetaData().Schema.Equals(rb.MetaData().Schema) {
				t.Errorf("Parquet schemas differ:\n%s\n%s", ra.MetaData().Schema, rb.MetaData().Schema)
			}
			if !array.TableApproxEqual(a, bt, array.WithNaNsEqual(true)) {
				t.Errorf("tables read back differ")
			}
			if ra.NumRowGroups() != 2 || rb.NumRowGroups() < 2 {
				t.Fatalf("row groups: %d and %d", ra.NumRowGroups(), rb.NumRowGroups())
			}
			for g := 0; g < 2; g++ {
				for c := 0; c < sch.NumFields(); c++ {
					ca, _ := ra.MetaData().RowGroup(g).ColumnChunk(c)
					cb, _ := rb.MetaData().RowGroup(g).ColumnChunk(c)
					sa, err := ca.Statistics()
					if err != nil {
						t.Fatal(err)
					}
					sb, _ := cb.Statistics()
					if sa == nil || sb == nil {
						t.Fatalf("row group %d column %s: statistics %v, pqarrow's %v", g, sch.Field(c).Name, sa, sb)
					}
					ea, err := sa.Encode()
					if err != nil {
						t.Fatal(err)
					}
					eb, err := sb.Encode()
					if err != nil {
						t.Fatal(err)
					}
					if !bytes.Equal(ea.Min, eb.Min) || !bytes.Equal(ea.Max, eb.Max) || sa.NullCount() != sb.NullCount() {
						t.Errorf("row group %d column %s: min/max/nulls %x/%x/%d; pqarrow %x/%x/%d", g, sch.Field(c).Name,
							ea.Min, ea.Max, sa.NullCount(), eb.Min, eb.Max, sb.NullCount())
					}
					if ca.NumValues() != cb.NumValues() {
						t.Errorf("row group %d column %s: %d values; pqarrow %d", g, sch.Field(c).Name, ca.NumValues(), cb.NumValues())
					}
				}
			}
		})
	}
}

func TestMinMaxFloat64(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	tests := []struct {
		in       []float64
		min, max float64
		none     bool
	}{
		{in: []float64{3, -1, 2}, min: -1, max: 3},
		{in: []float64{nan, 5, nan, -2}, min: -2, max: 5},
		{in: []float64{nan}, none: true},
		{in: []float64{nan, nan}, none: true},
		{in: []float64{0, 1}, min: math.Copysign(0, -1), max: 1},
		{in: []float64{-3, math.Copysign(0, -1)}, min: -3, max: 0},
		{in: []float64{-inf, inf, nan}, min: -inf, max: inf},
		{in: []float64{7}, min: 7, max: 7},
		// longer than the four lanes, NaNs in each
		{in: []float64{nan, 1, 2, nan, 3, -4, nan, 0.5, 9, nan, nan, 2, 8}, min: -4, max: 9},
		{in: []float64{1, nan, nan, nan, nan, nan, nan, nan, nan, nan}, min: 1, max: 1},
		{in: []float64{5, 4, 3, 2, 1, 0, -1, -2, -3, math.Copysign(0, -1), 0}, min: -3, max: 5},
		{in: []float64{-1, -2, -3, -4, -5, math.Copysign(0, -1), -6, -7}, min: -7, max: 0},
	}
	for _, tt := range tests {
		var buf [16]byte
		lo, hi := minMaxFloat64(tt.in, &buf)
		if tt.none {
			if lo != nil || hi != nil {
				t.Errorf("%v: min/max %x %x; want none", tt.in, lo, hi)
			}
			continue
		}
		gotLo, gotHi := math.Float64frombits(binary.LittleEndian.Uint64(lo)), math.Float64frombits(binary.LittleEndian.Uint64(hi))
		if math.Float64bits(gotLo) != math.Float64bits(tt.min) || math.Float64bits(gotHi) != math.Float64bits(tt.max) {
			t.Errorf("%v: min/max %v %v; want %v %v", tt.in, gotLo, gotHi, tt.min, tt.max)
		}
	}
}

// TestPagesSameAsLibrary checks that files are byte for byte the same
// whether pages are written and column chunks closed by the pager or by the
// library's page writer, which it replaces to avoid allocations per page
// and per chunk: every codec, both page versions, flat columns and lists,
// statistics on and off.
func TestPagesSameAsLibrary(t *testing.T) {
	sch := allKinds()
	write := func(codec compress.Compression, v2, stats, library bool) []byte {
		defer func(old bool) { libraryPages = old }(libraryPages)
		libraryPages = library
		var buf bytes.Buffer
		w, err := NewWriter(&buf, sch, Options{Compression: codec, PageSize: 4 << 10, Stats: stats, PageV2: v2, StoreSchema: true})
		if err != nil {
			t.Fatal(err)
		}
		for _, from := range []int{0, 700, 2000} {
			r := record(sch, from, 700+from/2)
			if err := w.Write(r); err != nil {
				t.Fatal(err)
			}
			r.Release()
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	for _, codec := range []compress.Compression{compress.Codecs.Snappy, compress.Codecs.Zstd, compress.Codecs.Uncompressed} {
		for _, v2 := range []bool{false, true} {
			for _, stats := range []bool{true, false} {
				ours, lib := write(codec, v2, stats, false), write(codec, v2, stats, true)
				if !bytes.Equal(ours, lib) {
					k := 0
					for k < len(ours) && k < len(lib) && ours[k] == lib[k] {
						k++
					}
					t.Errorf("%s v2=%v stats=%v: %d bytes differ from the library's %d at byte %d", codec, v2, stats, len(ours), len(lib), k)
				}
			}
		}
	}
}

// TestChunkAllocs checks that a column chunk of one page allocates no more
// than its metadata (the library's page writer allocated a 4 KiB buffer
// per chunk, and more per page).
func TestChunkAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector drops pooled buffers at random")
	}
	var fields []arrow.Field
	for i := 0; i < 16; i++ {
		fields = append(fields, arrow.Field{Name: fmt.Sprintf("x%d", i), Type: arrow.PrimitiveTypes.Float64})
	}
	sch := arrow.NewSchema(fields, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, sch)
	for i := 0; i < 256; i++ {
		for c := range fields {
			b.Field(c).(*array.Float64Builder).Append(float64(i * c))
		}
	}
	rec := b.NewRecord()
	defer rec.Release()
	w, err := NewWriter(io.Discard, sch, Options{Compression: compress.Codecs.Snappy, Stats: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(rec); err != nil { // warm up the pager's buffers
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	const groups = 20
	for i := 0; i < groups; i++ {
		if err := w.Write(rec); err != nil {
			t.Fatal(err)
		}
	}
	runtime.ReadMemStats(&after)
	bytesPerChunk := float64(after.TotalAlloc-before.TotalAlloc) / groups / float64(len(fields))
	if bytesPerChunk >= 1024 { // the library's page writer: ~5.6 KB
		t.Errorf("%.0f bytes allocated per column chunk; want less than 1024 (its metadata)", bytesPerChunk)
	}
	t.Logf("%.0f bytes allocated per column chunk", bytesPerChunk)
}

// TestReset checks that a Writer reset onto a new destination writes the
// same bytes as a new Writer, whether the previous file was closed,
// abandoned midway or failed, and leaves the previous file as it was.
func TestReset(t *testing.T) {
	sch := allKinds()
	opts := Options{Compression: compress.Codecs.Snappy, PageSize: 4 << 10, Stats: true, PageV2: true, StoreSchema: true}
	writeRecs := func(t *testing.T, w *Writer, from int) {
		t.Helper()
		for _, n := range []int{300, 1200} {
			r := record(sch, from, n)
			if err := w.Write(r); err != nil {
				t.Fatal(err)
			}
			r.Release()
			from += n
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
	}
	fresh := func(t *testing.T, from int) []byte {
		var buf bytes.Buffer
		w, err := NewWriter(&buf, sch, opts)
		if err != nil {
			t.Fatal(err)
		}
		writeRecs(t, w, from)
		return buf.Bytes()
	}
	for _, tc := range []struct {
		name   string
		before func(t *testing.T, w *Writer)
	}{
		{"after close", func(t *testing.T, w *Writer) { writeRecs(t, w, 0) }},
		{"abandoned", func(t *testing.T, w *Writer) {
			r := record(sch, 0, 500)
			defer r.Release()
			if err := w.Write(r); err != nil {
				t.Fatal(err)
			}
		}},
		{"after a failure", func(t *testing.T, w *Writer) {
			other := arrow.NewSchema([]arrow.Field{{Name: "x", Type: arrow.PrimitiveTypes.Int64}}, nil)
			b := array.NewRecordBuilder(memory.DefaultAllocator, other)
			b.Field(0).(*array.Int64Builder).Append(1)
			r := b.NewRecord()
			defer r.Release()
			if err := w.Write(r); err == nil {
				t.Fatal("writing a record of another schema succeeded")
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var first, second bytes.Buffer
			w, err := NewWriter(&first, sch, opts)
			if err != nil {
				t.Fatal(err)
			}
			tc.before(t, w)
			kept := bytes.Clone(first.Bytes())
			if err := w.Reset(&second); err != nil {
				t.Fatal(err)
			}
			writeRecs(t, w, 777)
			if want := fresh(t, 777); !bytes.Equal(second.Bytes(), want) {
				t.Errorf("file written after Reset: %d bytes, differs from a new Writer's %d", second.Len(), len(want))
			}
			if !bytes.Equal(first.Bytes(), kept) {
				t.Errorf("the previous file changed after Reset")
			}
			tbl, _ := readAll(t, second.Bytes())
			defer tbl.Release()
			if tbl.NumRows() != 1500 {
				t.Errorf("rows read back after Reset = %d; want 1500", tbl.NumRows())
			}
		})
	}
}

// TestPendingPagesOffHeap: a Writer that keeps row groups of several
// records in memory holds their pages outside the Go heap, so that the
// first row group does not raise the heap by its size (on the heap, the
// buffers of amm's row groups made a garbage collection of their own),
// even when the record that ends the group takes it past RowGroupRows or
// the group starts with a short record.
func TestPendingPagesOffHeap(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector changes what allocates")
	}
	var fields []arrow.Field
	for i := range 8 {
		fields = append(fields, arrow.Field{Name: fmt.Sprintf("x%d", i), Type: arrow.PrimitiveTypes.Float64})
	}
	sch := arrow.NewSchema(fields, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, sch)
	const rows = 16384
	for i := range rows {
		for c := range fields {
			b.Field(c).(*array.Float64Builder).Append(float64(i*c) * 1.000001)
		}
	}
	rec := b.NewRecord()
	defer rec.Release()
	for _, tc := range []struct {
		name               string
		groupRows, recRows int64
		records            []int64 // their rows, all in one row group
	}{
		{"three records of a group of four", 4 * rows, 0, []int64{rows, rows, rows}},
		{"the last record goes past the group's rows", 3*rows + 1, 0, []int64{rows, rows, rows, rows}},
		{"a short record first", 2 * rows, rows, []int64{rows / 4, rows, rows}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w, err := NewWriter(io.Discard, sch, Options{Compression: compress.Codecs.Snappy, Stats: true,
				RowGroupRows: tc.groupRows, RecordRows: tc.recRows, Adaptive: true})
			if err != nil {
				t.Fatal(err)
			}
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			var total int64
			for _, n := range tc.records {
				r := rec.NewSlice(0, n)
				err := w.Write(r)
				r.Release()
				if err != nil {
					t.Fatal(err)
				}
				total += n
			}
			runtime.ReadMemStats(&after)
			if w.groups != 1 {
				t.Fatalf("%d row groups, want 1", w.groups)
			}
			pages := total * 8 * int64(len(fields)) // about what the pending pages take
			if got := after.TotalAlloc - before.TotalAlloc; got > uint64(pages/4) {
				t.Errorf("%d bytes allocated on the heap for %d bytes of pages", got, pages)
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestRowGroupBytes: a row group also ends with the record that brings
// its pages to RowGroupBytes, whatever its rows, OpenRows following it;
// the rows read back whole.
func TestRowGroupBytes(t *testing.T) {
	var fields []arrow.Field
	for i := range 8 {
		fields = append(fields, arrow.Field{Name: fmt.Sprintf("x%d", i), Type: arrow.PrimitiveTypes.Float64})
	}
	sch := arrow.NewSchema(fields, nil)
	r := rand.New(rand.NewPCG(5, 6))
	b := array.NewRecordBuilder(memory.DefaultAllocator, sch)
	defer b.Release()
	const rows = 1024 // 64 KiB of noisy floats a record, written raw
	for range rows {
		for c := range fields {
			b.Field(c).(*array.Float64Builder).Append(r.NormFloat64())
		}
	}
	rec := b.NewRecord()
	defer rec.Release()
	var buf bytes.Buffer
	w, err := NewWriter(&buf, sch, Options{Compression: compress.Codecs.Snappy, Stats: true, Adaptive: true,
		RowGroupRows: 1 << 20, RecordRows: rows, RowGroupBytes: 200 << 10})
	if err != nil {
		t.Fatal(err)
	}
	var open []int64
	for range 10 {
		if err := w.Write(rec); err != nil {
			t.Fatal(err)
		}
		open = append(open, w.OpenRows())
	}
	// 4 records (256 KiB) pass 200 KiB: groups of 4, 4 and the last 2
	if want := []int64{1024, 2048, 3072, 0, 1024, 2048, 3072, 0, 1024, 2048}; !slices.Equal(open, want) {
		t.Errorf("open rows after each record %v, want %v", open, want)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	tbl, rdr := readAll(t, buf.Bytes())
	defer tbl.Release()
	var got []int64
	for g := range rdr.NumRowGroups() {
		got = append(got, rdr.MetaData().RowGroup(g).NumRows())
	}
	if want := []int64{4096, 4096, 2048}; !slices.Equal(got, want) || tbl.NumRows() != 10*rows {
		t.Errorf("row groups of %v rows, %d rows in all; want %v, %d", got, tbl.NumRows(), want, 10*rows)
	}
}
