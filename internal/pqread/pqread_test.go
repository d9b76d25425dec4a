package pqread_test

import (
	"bytes"
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/parquet"
	"github.com/apache/arrow/go/v15/parquet/file"
	"github.com/apache/arrow/go/v15/parquet/pqarrow"

	"github.com/statecraft/statecraft/internal/pqread"
)

// numeric are the columns of the test files that Scan reads, of every
// kind, required and nullable; the files also hold a string and a struct.
var numeric = []arrow.Field{
	{Name: "b", Type: arrow.FixedWidthTypes.Boolean},
	{Name: "i32", Type: arrow.PrimitiveTypes.Int32},
	{Name: "i64", Type: arrow.PrimitiveTypes.Int64},
	{Name: "f32", Type: arrow.PrimitiveTypes.Float32},
	{Name: "f64", Type: arrow.PrimitiveTypes.Float64},
	{Name: "vec", Type: arrow.ListOfField(arrow.Field{Name: "element", Type: arrow.PrimitiveTypes.Float64, Nullable: true})},
	{Name: "nb", Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
	{Name: "ni64", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "nf64", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "nvec", Type: arrow.ListOfField(arrow.Field{Name: "element", Type: arrow.PrimitiveTypes.Float64, Nullable: true}), Nullable: true},
	{Name: "rvec", Type: arrow.ListOfField(arrow.Field{Name: "element", Type: arrow.PrimitiveTypes.Float64})},
	{Name: "w32", Type: arrow.PrimitiveTypes.Int32}, // any value: deltas of every bit width, wrapping
	{Name: "w64", Type: arrow.PrimitiveTypes.Int64},
}

// deltaInts writes the int columns DELTA_BINARY_PACKED.
var deltaInts = []parquet.WriterProperty{
	parquet.WithEncodingFor("i32", parquet.Encodings.DeltaBinaryPacked),
	parquet.WithEncodingFor("i64", parquet.Encodings.DeltaBinaryPacked),
	parquet.WithEncodingFor("ni64", parquet.Encodings.DeltaBinaryPacked),
	parquet.WithEncodingFor("w32", parquet.Encodings.DeltaBinaryPacked),
	parquet.WithEncodingFor("w64", parquet.Encodings.DeltaBinaryPacked),
}

// writeFile writes rows random rows of numeric, a string and a struct
// column to a Parquet file with pqarrow, in row groups of group rows, and
// returns its path. props are added to the writer's.
func writeFile(t testing.TB, dir string, seed uint64, rows, group int, dict bool, props ...parquet.WriterProperty) string {
	fields := append(append([]arrow.Field(nil), numeric...),
		arrow.Field{Name: "s", Type: arrow.BinaryTypes.String},
		arrow.Field{Name: "st", Type: arrow.StructOf(arrow.Field{Name: "x", Type: arrow.PrimitiveTypes.Float64}, arrow.Field{Name: "y", Type: arrow.PrimitiveTypes.Int64})})
	sch := arrow.NewSchema(fields, nil)
	bld := array.NewRecordBuilder(memory.DefaultAllocator, sch)
	defer bld.Release()
	r := rand.New(rand.NewPCG(seed, 1))
	null := func() bool { return r.IntN(5) == 0 }
	list := func(lb *array.ListBuilder, nullable, nullElems bool) {
		if nullable && null() {
			lb.AppendNull()
			return
		}
		lb.Append(true)
		vb := lb.ValueBuilder().(*array.Float64Builder)
		for range r.IntN(4) { // empty lists too
			if nullElems && null() {
				vb.AppendNull()
			} else {
				vb.Append(r.NormFloat64())
			}
		}
	}
	for i := range rows {
		bld.Field(0).(*array.BooleanBuilder).Append(r.IntN(2) == 0)
		bld.Field(1).(*array.Int32Builder).Append(int32(r.IntN(7)) - 3)
		bld.Field(2).(*array.Int64Builder).Append(int64(i) * 3)
		bld.Field(3).(*array.Float32Builder).Append(float32(r.NormFloat64()))
		bld.Field(4).(*array.Float64Builder).Append(float64(r.IntN(3)) + r.Float64())
		list(bld.Field(5).(*array.ListBuilder), false, true)
		for k, b := range []array.Builder{bld.Field(6), bld.Field(7), bld.Field(8)} {
			if null() {
				b.AppendNull()
				continue
			}
			switch k {
			case 0:
				b.(*array.BooleanBuilder).Append(r.IntN(2) == 0)
			case 1:
				b.(*array.Int64Builder).Append(r.Int64N(1000))
			case 2:
				b.(*array.Float64Builder).Append(r.NormFloat64())
			}
		}
		list(bld.Field(9).(*array.ListBuilder), true, true)
		list(bld.Field(10).(*array.ListBuilder), false, false)
		w32 := []int32{math.MinInt32, math.MaxInt32, 0, -1, int32(r.Uint32())}
		w64 := []int64{math.MinInt64, math.MaxInt64, 0, -1, int64(r.Uint64()), int64(r.Uint64() >> 20)}
		bld.Field(11).(*array.Int32Builder).Append(w32[r.IntN(len(w32))])
		bld.Field(12).(*array.Int64Builder).Append(w64[r.IntN(len(w64))])
		bld.Field(13).(*array.StringBuilder).Append("row")
		sb := bld.Field(14).(*array.StructBuilder)
		sb.Append(true)
		sb.FieldBuilder(0).(*array.Float64Builder).Append(1)
		sb.FieldBuilder(1).(*array.Int64Builder).Append(2)
	}
	rec := bld.NewRecord()
	defer rec.Release()
	path := filepath.Join(dir, "f.parquet")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	props = append([]parquet.WriterProperty{parquet.WithDictionaryDefault(dict), parquet.WithMaxRowGroupLength(int64(group)), parquet.WithDataPageSize(512)}, props...)
	w, err := pqarrow.NewFileWriter(sch, f, parquet.NewWriterProperties(props...), pqarrow.DefaultWriterProps())
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(rec); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// viaPqarrow reads the numeric columns of the file at path with pqarrow,
// each row's value as Scan gives it: a number, or a list's values.
func viaPqarrow(t testing.TB, path string) [][]any {
	pr, err := file.OpenParquetFile(path, false)
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	fr, err := pqarrow.NewFileReader(pr, pqarrow.ArrowReadProperties{BatchSize: 1 << 16}, memory.DefaultAllocator)
	if err != nil {
		t.Fatal(err)
	}
	tbl, err := fr.ReadTable(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer tbl.Release()
	tr := array.NewTableReader(tbl, 1<<16)
	defer tr.Release()
	var out [][]any
	for tr.Next() {
		rec := tr.Record()
		for i := 0; i < int(rec.NumRows()); i++ {
			var row []any
			for k := range numeric {
				col := rec.Column(k)
				if col.IsNull(i) {
					row = append(row, nil)
					continue
				}
				switch a := col.(type) {
				case *array.Boolean:
					row = append(row, a.Value(i))
				case *array.Int32:
					row = append(row, a.Int32Values()[i])
				case *array.Int64:
					row = append(row, a.Int64Values()[i])
				case *array.Float32:
					row = append(row, a.Float32Values()[i])
				case *array.Float64:
					row = append(row, a.Float64Values()[i])
				case *array.List:
					off := a.Offsets()
					elems := a.ListValues().(*array.Float64)
					l := []float64{}
					for j := off[i]; j < off[i+1]; j++ {
						v := 0.0 // a null element reads as 0
						if elems.IsValid(int(j)) {
							v = elems.Value(int(j))
						}
						l = append(l, v)
					}
					row = append(row, l)
				default:
					t.Fatalf("column %d: %T", k, a)
				}
			}
			out = append(out, row)
		}
	}
	return out
}

// viaScan reads the same with pqread, batch rows at a time.
func viaScan(t testing.TB, path string, batch int) [][]any {
	r, err := pqread.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	names := make([]string, len(numeric))
	for k, f := range numeric {
		names[k] = f.Name
	}
	var out [][]any
	err = r.Scan(names, batch, func(rows int, cols []pqread.Column) error {
		if rows > batch {
			t.Fatalf("a batch of %d rows, asked for %d", rows, batch)
		}
		for i := range rows {
			var row []any
			for _, c := range cols {
				if c.Nulls != nil && c.Nulls[i] {
					row = append(row, nil)
					continue
				}
				switch c.Kind {
				case pqread.Bool:
					row = append(row, c.Bools[i])
				case pqread.Int32:
					row = append(row, c.Int32s[i])
				case pqread.Int64:
					row = append(row, c.Int64s[i])
				case pqread.Float32:
					row = append(row, c.Float32s[i])
				case pqread.Float64:
					row = append(row, c.Float64s[i])
				case pqread.Float64List:
					row = append(row, append([]float64{}, c.Float64s[c.Offsets[i]:c.Offsets[i+1]]...))
				}
			}
			out = append(out, row)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestScanReadsWhatPqarrowReads(t *testing.T) {
	v2 := parquet.WithDataPageVersion(parquet.DataPageV2)
	for _, c := range []struct {
		rows, group int
		dict        bool
		props       []parquet.WriterProperty
	}{
		{0, 10, false, nil},
		{1, 10, true, nil},
		{500, 1000, false, nil},
		{2000, 300, true, nil}, // several row groups, dictionary pages
		{3001, 1 << 20, false, nil},
		// the int columns DELTA_BINARY_PACKED, which this package decodes
		// itself when they are required: pages of 1 value, of part of a
		// miniblock, of several blocks; version 2 pages
		{1, 10, false, deltaInts},
		{77, 1000, false, deltaInts},
		{2000, 300, false, deltaInts},
		{3001, 1 << 20, false, append(deltaInts, v2)},
		{700, 250, true, append(deltaInts, v2)},
		{2500, 1 << 20, false, []parquet.WriterProperty{v2}},
	} {
		path := writeFile(t, t.TempDir(), uint64(c.rows), c.rows, c.group, c.dict, c.props...)
		want := viaPqarrow(t, path)
		if len(want) != c.rows {
			t.Fatalf("pqarrow read %d rows of %d", len(want), c.rows)
		}
		for _, batch := range []int{1, 7, 256, 1 << 16} {
			got := viaScan(t, path, batch)
			if len(got) != len(want) {
				t.Fatalf("%d rows in groups of %d, batches of %d: %d rows read", c.rows, c.group, batch, len(got))
			}
			for i := range want {
				for k := range want[i] {
					if !same(got[i][k], want[i][k]) {
						t.Fatalf("%d rows in groups of %d, batches of %d: row %d, column %s: %v, pqarrow %v", c.rows, c.group, batch, i, numeric[k].Name, got[i][k], want[i][k])
					}
				}
			}
		}
	}
}

func same(a, b any) bool {
	la, ok := a.([]float64)
	lb, okb := b.([]float64)
	if !ok || !okb {
		return a == b
	}
	if len(la) != len(lb) {
		return false
	}
	for i := range la {
		if la[i] != lb[i] {
			return false
		}
	}
	return true
}

func TestFieldsAndErrors(t *testing.T) {
	path := writeFile(t, t.TempDir(), 1, 20, 10, false)
	r, err := pqread.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var kinds []string
	for _, f := range r.Fields() {
		kinds = append(kinds, f.Name+" "+f.Kind.String())
	}
	want := "b bool, i32 int32, i64 int64, f32 float32, f64 float64, vec list<float64>, nb bool, ni64 int64, nf64 float64, nvec list<float64>, rvec list<float64>, w32 int32, w64 int64, s string, st other"
	if got := strings.Join(kinds, ", "); got != want {
		t.Errorf("fields:\n %s\nwant\n %s", got, want)
	}
	if r.NumRows() != 20 {
		t.Errorf("NumRows = %d", r.NumRows())
	}
	none := func(int, []pqread.Column) error { return nil }
	for _, c := range []struct {
		cols []string
		want string
	}{
		{[]string{"nope"}, `no column "nope"`},
		{[]string{"f64", "s"}, `column "s": type string is not numeric`},
		{[]string{"st"}, `column "st": type other is not numeric`},
	} {
		if err := r.Scan(c.cols, 10, none); err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), path) {
			t.Errorf("Scan(%v): %v, want an error naming the file and %q", c.cols, err, c.want)
		}
	}
	stop := errors.New("stop")
	if err := r.Scan([]string{"f64"}, 10, func(int, []pqread.Column) error { return stop }); !errors.Is(err, stop) {
		t.Errorf("fn's error: got %v", err)
	}
	if _, err := pqread.Open(filepath.Join(t.TempDir(), "missing.parquet")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Open of a missing file: %v", err)
	}
}

// FuzzScan: a damaged file is an error, never a panic or a hang. (A
// data page whose header names another encoding than its bytes' makes the
// Parquet package's reader loop forever: testdata/fuzz/FuzzScan holds
// one; StallTimeout turns it into an error.)
func FuzzScan(f *testing.F) {
	fuzzDamaged(f, writeFile(f, f.TempDir(), 3, 200, 64, true))
}

// FuzzScanDeltaPages is FuzzScan on a file whose int columns are
// DELTA_BINARY_PACKED, in version 2 pages: the pages this package
// decodes itself.
func FuzzScanDeltaPages(f *testing.F) {
	fuzzDamaged(f, writeFile(f, f.TempDir(), 4, 300, 100, false, append(deltaInts, parquet.WithDataPageVersion(parquet.DataPageV2))...))
}

// fuzzDamaged scans copies of the file at path with a byte changed and
// the end cut off.
func fuzzDamaged(f *testing.F, path string) {
	defer func(d time.Duration) { pqread.StallTimeout = d }(pqread.StallTimeout)
	pqread.StallTimeout = 300 * time.Millisecond
	good, err := os.ReadFile(path)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(uint32(len(good)/2), byte(0xff), uint16(0))
	f.Add(uint32(100), byte(1), uint16(3))
	f.Add(uint32(4), byte(0), uint16(len(good)/3))
	names := make([]string, len(numeric))
	for k, fl := range numeric {
		names[k] = fl.Name
	}
	f.Fuzz(func(t *testing.T, at uint32, xor byte, cut uint16) {
		b := bytes.Clone(good)
		b[int(at)%len(b)] ^= xor
		b = b[:len(b)-int(cut)%len(b)]
		path := filepath.Join(t.TempDir(), "f.parquet")
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		r, err := pqread.Open(path)
		if err != nil {
			return
		}
		defer r.Close()
		_ = r.Scan(names, 50, func(rows int, cols []pqread.Column) error {
			for _, c := range cols {
				if c.Kind == pqread.Float64List && len(c.Offsets) != rows+1 {
					t.Fatalf("%d offsets for %d rows", len(c.Offsets), rows)
				}
				if c.Kind == pqread.Int64 && len(c.Int64s) != rows || c.Kind == pqread.Int32 && len(c.Int32s) != rows {
					t.Fatalf("%d rows, a column of %d values", rows, max(len(c.Int64s), len(c.Int32s)))
				}
			}
			return nil
		})
	})
}

// TestScanFrom: the row groups whose statistics show the column below the
// bound are skipped, the others read whole.
func TestScanFrom(t *testing.T) {
	path := writeFile(t, t.TempDir(), 9, 2000, 300, false) // i64 = 3 x row
	r, err := pqread.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for _, c := range []struct {
		least    int64
		first, n int // the first row read, and how many
	}{
		{0, 0, 2000},
		{3 * 1500, 1500, 500}, // a row group's first row
		{3 * 1499, 1200, 800}, // the last row of the group before
		{3 * 1999, 1800, 200},
		{3 * 2000, 0, 0},
	} {
		var rows []int64
		err := r.ScanFrom([]string{"i64"}, 128, "i64", c.least, func(n int, cols []pqread.Column) error {
			rows = append(rows, cols[0].Int64s[:n]...)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != c.n || c.n > 0 && rows[0] != int64(3*c.first) {
			t.Errorf("from %d: %d rows read, the first %v; want %d from row %d", c.least, len(rows), rows[:min(1, len(rows))], c.n, c.first)
		}
	}
	none := func(int, []pqread.Column) error { return nil }
	if err := r.ScanFrom([]string{"f64"}, 10, "nope", 0, none); err == nil || !strings.Contains(err.Error(), `no column "nope"`) {
		t.Errorf("an unknown column: %v", err)
	}
	if err := r.ScanFrom([]string{"f64"}, 10, "i32", 0, none); err == nil || !strings.Contains(err.Error(), `column "i32": type int32, not int64`) {
		t.Errorf("an int32 column: %v", err)
	}
}
