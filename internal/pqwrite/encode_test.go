package pqwrite

import (
	"bytes"
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/parquet"
	"github.com/apache/arrow/go/v15/parquet/compress"
	"github.com/apache/arrow/go/v15/parquet/file"
	"github.com/apache/arrow/go/v15/parquet/metadata"
)

// encodedSchema has the columns of allKinds and flat columns for every
// encoding: ids constant over runs of rows, counters, extremes.
func encodedSchema() *arrow.Schema {
	fields := slices.Clone(allKinds().Fields())
	fields = append(fields,
		arrow.Field{Name: "sim", Type: arrow.PrimitiveTypes.Int32},
		arrow.Field{Name: "param", Type: arrow.PrimitiveTypes.Float64},
		arrow.Field{Name: "job", Type: arrow.PrimitiveTypes.Int64},
		arrow.Field{Name: "kind", Type: arrow.BinaryTypes.String},
		arrow.Field{Name: "substep", Type: arrow.PrimitiveTypes.Int32},
		arrow.Field{Name: "wild32", Type: arrow.PrimitiveTypes.Int32},
		arrow.Field{Name: "wild64", Type: arrow.PrimitiveTypes.Int64},
		arrow.Field{Name: "noise", Type: arrow.PrimitiveTypes.Float64},
	)
	return arrow.NewSchema(fields, nil)
}

// encodedRecord builds rows [from, from+n) of encodedSchema: jobs of 37
// rows (run, sim, param and kind constant over a job, timestep counting
// from 0 in each), and columns of extreme values.
func encodedRecord(sch *arrow.Schema, from, n int) arrow.Record {
	base := record(allKinds(), from, n)
	defer base.Release()
	// the columns built here: run, timestep and the ones after allKinds'
	own := arrow.NewSchema(append([]arrow.Field{sch.Field(0), sch.Field(1)}, sch.Fields()[8:]...), nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, own)
	defer b.Release()
	extremes32 := []int32{math.MinInt32, math.MaxInt32, 0, -1, 1}
	extremes64 := []int64{math.MinInt64, math.MaxInt64, 0, -1, 1 << 40}
	params := []float64{0.5, math.Copysign(0, -1), 0, math.NaN(), 1.1666666666666667, math.Inf(-1)}
	x := uint64(from)*0x9E3779B97F4A7C15 + 1
	for r := from; r < from+n; r++ {
		job := r / 37
		b.Field(0).(*array.Int32Builder).Append(int32(job % 11))
		b.Field(1).(*array.Int64Builder).Append(int64(r % 37))
		b.Field(2).(*array.Int32Builder).Append(int32(job / 5))
		b.Field(3).(*array.Float64Builder).Append(params[job%len(params)])
		b.Field(4).(*array.Int64Builder).Append(int64(job)*1000 - 5000)
		b.Field(5).(*array.StringBuilder).Append(fmt.Sprintf("kind%d", job%3))
		b.Field(6).(*array.Int32Builder).Append(int32(r % 3))
		b.Field(7).(*array.Int32Builder).Append(extremes32[(r/3)%len(extremes32)])
		b.Field(8).(*array.Int64Builder).Append(extremes64[r%len(extremes64)])
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		b.Field(9).(*array.Float64Builder).Append(math.Float64frombits(x>>12 | 0x3ff0000000000000))
	}
	rec := b.NewRecord()
	defer rec.Release()
	cols := append([]arrow.Array{rec.Column(0), rec.Column(1)}, base.Columns()[2:]...)
	cols = append(cols, rec.Columns()[2:]...)
	return array.NewRecord(sch, cols, int64(n))
}

var testEncodings = map[string]Encoding{
	"run": Dictionary, "sim": Dictionary, "param": Dictionary, "job": Dictionary, "kind": Dictionary,
	"timestep": Delta, "substep": Delta, "wild32": Delta, "wild64": Delta,
}

// TestEncodingsReadBack writes every column type, lists and nulls
// included, with the dictionary and delta encodings, row groups of
// several records and adaptive compression, and checks that Arrow's
// reader returns exactly the values written, that the chunks name their
// encodings and codecs, and that every flat column chunk's statistics are
// the min and max of its values.
func TestEncodingsReadBack(t *testing.T) {
	sch := encodedSchema()
	for _, codec := range []compress.Compression{compress.Codecs.Snappy, compress.Codecs.Zstd, compress.Codecs.Uncompressed} {
		for _, v2 := range []bool{false, true} {
			for _, groupRows := range []int64{0, 2500} {
				t.Run(fmt.Sprintf("%s/v2=%v/rows=%d", codec, v2, groupRows), func(t *testing.T) {
					full := encodedRecord(sch, 0, 7000)
					defer full.Release()
					sizes := []int{1000, 1500, 37, 1, 2462, 2000}
					var buf bytes.Buffer
					w, err := NewWriter(&buf, sch, Options{Compression: codec, PageSize: 4 << 10, Stats: true, PageV2: v2,
						StoreSchema: true, RowGroupRows: groupRows, Encodings: testEncodings, Adaptive: true})
					if err != nil {
						t.Fatal(err)
					}
					lo := 0
					for _, n := range sizes {
						r := full.NewSlice(int64(lo), int64(lo+n))
						if err := w.Write(r); err != nil {
							t.Fatal(err)
						}
						r.Release()
						lo += n
					}
					if err := w.Close(); err != nil {
						t.Fatal(err)
					}
					tbl, rdr := readAll(t, buf.Bytes())
					defer tbl.Release()
					if tbl.NumRows() != 7000 {
						t.Fatalf("rows = %d; want 7000", tbl.NumRows())
					}
					wantGroups := len(sizes)
					if groupRows > 0 {
						wantGroups = 3 // 1000+1500; 37+1+2462; 2000 (closed by Close)
					}
					if got := rdr.NumRowGroups(); got != wantGroups {
						t.Errorf("row groups = %d; want %d", got, wantGroups)
					}
					got := array.NewTableReader(tbl, 7000)
					defer got.Release()
					got.Next()
					for i := range sch.Fields() {
						if g, w := got.Record().Column(i).String(), full.Column(i).String(); g != w {
							k := 0
							for k < len(g) && k < len(w) && g[k] == w[k] {
								k++
							}
							t.Errorf("column %s read back differs at byte %d:\n got %.200s\nwant %.200s", sch.Field(i).Name, k, g[max(0, k-50):], w[max(0, k-50):])
						}
					}
					checkChunks(t, rdr, full, codec)
				})
			}
		}
	}
}

// checkChunks checks every flat column chunk's encodings, codec and
// statistics against the values of its rows.
func checkChunks(t *testing.T, rdr *file.Reader, full arrow.Record, codec compress.Compression) {
	t.Helper()
	sch := full.Schema()
	lo := int64(0)
	for g := 0; g < rdr.NumRowGroups(); g++ {
		rg := rdr.MetaData().RowGroup(g)
		hi := lo + rg.NumRows()
		for c := 0; c < rg.NumColumns(); c++ {
			cc, err := rg.ColumnChunk(c)
			if err != nil {
				t.Fatal(err)
			}
			name := cc.PathInSchema().String()
			fi := sch.FieldIndices(name)
			if len(fi) == 0 {
				continue // a list's leaf
			}
			enc, want := cc.Encodings(), testEncodings[name]
			switch {
			case want == Dictionary && (!cc.HasDictionaryPage() || !slices.Contains(enc, parquet.Encodings.RLEDict)):
				t.Errorf("row group %d %s: encodings %v, dictionary page %v; want RLE_DICTIONARY", g, name, enc, cc.HasDictionaryPage())
			case want == Delta && !slices.Contains(enc, parquet.Encodings.DeltaBinaryPacked):
				t.Errorf("row group %d %s: encodings %v; want DELTA_BINARY_PACKED", g, name, enc)
			}
			if want != Plain && cc.Compression() != compress.Codecs.Uncompressed {
				t.Errorf("row group %d %s: codec %s; want UNCOMPRESSED", g, name, cc.Compression())
			}
			if name == "noise" && codec == compress.Codecs.Snappy && cc.Compression() != compress.Codecs.Uncompressed {
				t.Errorf("row group %d noise: codec %s; noisy floats should be written uncompressed", g, cc.Compression())
			}
			st, err := cc.Statistics()
			if err != nil || st == nil {
				t.Fatalf("row group %d %s: no statistics (%v)", g, name, err)
			}
			col := array.NewSlice(full.Column(fi[0]), lo, hi)
			checkStats(t, fmt.Sprintf("row group %d %s", g, name), st, col)
			col.Release()
		}
		lo = hi
	}
}

// checkStats compares a chunk's min and max with its values'.
func checkStats(t *testing.T, what string, st metadata.TypedStatistics, col arrow.Array) {
	t.Helper()
	if st.NullCount() != 0 {
		t.Errorf("%s: null count %d; want 0", what, st.NullCount())
	}
	switch a := col.(type) {
	case *array.Int32:
		s := st.(*metadata.Int32Statistics)
		if v := a.Int32Values(); s.Min() != slices.Min(v) || s.Max() != slices.Max(v) {
			t.Errorf("%s: min/max %d/%d; want %d/%d", what, s.Min(), s.Max(), slices.Min(v), slices.Max(v))
		}
	case *array.Int64:
		s := st.(*metadata.Int64Statistics)
		if v := a.Int64Values(); s.Min() != slices.Min(v) || s.Max() != slices.Max(v) {
			t.Errorf("%s: min/max %d/%d; want %d/%d", what, s.Min(), s.Max(), slices.Min(v), slices.Max(v))
		}
	case *array.Float64:
		s := st.(*metadata.Float64Statistics)
		mn, mx, any := math.Inf(1), math.Inf(-1), false
		for _, v := range a.Float64Values() {
			if v == v {
				mn, mx, any = min(mn, v), max(mx, v), true
			}
		}
		if !any {
			if s.HasMinMax() {
				t.Errorf("%s: min/max %v/%v of NaNs only", what, s.Min(), s.Max())
			}
			return
		}
		if s.Min() != mn || s.Max() != mx || mn == 0 && !math.Signbit(s.Min()) || mx == 0 && math.Signbit(s.Max()) {
			t.Errorf("%s: min/max %v/%v; want %v/%v (a zero min -0, a zero max +0)", what, s.Min(), s.Max(), mn, mx)
		}
	case *array.String:
		s := st.(*metadata.ByteArrayStatistics)
		mn, mx := a.Value(0), a.Value(0)
		for i := 1; i < a.Len(); i++ {
			mn, mx = min(mn, a.Value(i)), max(mx, a.Value(i))
		}
		if string(s.Min()) != mn || string(s.Max()) != mx {
			t.Errorf("%s: min/max %q/%q; want %q/%q", what, s.Min(), s.Max(), mn, mx)
		}
	}
}

// TestEncodingErrors checks that encodings are refused where they do not
// apply.
func TestEncodingErrors(t *testing.T) {
	sch := encodedSchema()
	for _, enc := range []map[string]Encoding{
		{"nosuch": Dictionary},
		{"flag": Dictionary},
		{"x": Delta},
		{"vec": Dictionary},
		{"kind": Delta},
		{"run": Encoding(9)},
	} {
		if _, err := NewWriter(&bytes.Buffer{}, sch, Options{Encodings: enc}); err == nil {
			t.Errorf("encodings %v: no error", enc)
		}
	}
}

// TestDeltaPacking checks the bit packing of every width against a
// bit-by-bit reference.
func TestDeltaPacking(t *testing.T) {
	vals := make([]uint64, 32)
	for w := 0; w <= 64; w++ {
		for i := range vals {
			vals[i] = (uint64(i)*0x9E3779B97F4A7C15 + uint64(w)) & (1<<w - 1)
			if w == 64 {
				vals[i] = uint64(i) * 0x9E3779B97F4A7C15
			}
		}
		got := appendPacked(nil, vals, w)
		want := make([]byte, 4*w)
		for i, v := range vals {
			for k := 0; k < w; k++ {
				if v>>k&1 == 1 {
					bit := i*w + k
					want[bit/8] |= 1 << (bit % 8)
				}
			}
		}
		if !bytes.Equal(got, want) {
			t.Errorf("width %d: packed %x; want %x", w, got, want)
		}
	}
}

// TestRollback writes records, marks, writes more, rolls back to the mark
// (truncating the file there) and writes again: Arrow's reader returns the
// rows before the mark and after the rollback, nothing of what was rolled
// back, whether the row groups rolled back were ended or still open.
func TestRollback(t *testing.T) {
	sch := encodedSchema()
	full := encodedRecord(sch, 0, 6000)
	defer full.Release()
	for _, tc := range []struct {
		name      string
		groupRows int64
		v2        bool
		twice     bool // roll back twice, to two marks
	}{
		{"a row group per record", 0, false, false},
		{"row groups of 2500 rows", 2500, false, false},
		{"row groups of 2500 rows, version 2 pages", 2500, true, false},
		{"rolled back twice", 2500, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			w, err := NewWriter(&buf, sch, Options{Compression: compress.Codecs.Snappy, PageSize: 4 << 10, Stats: true, PageV2: tc.v2,
				StoreSchema: true, RowGroupRows: tc.groupRows, Encodings: testEncodings, Adaptive: true})
			if err != nil {
				t.Fatal(err)
			}
			write := func(lo, hi int) {
				r := full.NewSlice(int64(lo), int64(hi))
				defer r.Release()
				if err := w.Write(r); err != nil {
					t.Fatal(err)
				}
			}
			rollback := func(m Mark) {
				buf.Truncate(int(m.Offset()))
				if err := w.Rollback(m); err != nil {
					t.Fatal(err)
				}
			}
			write(0, 1000)
			m, err := w.Mark()
			if err != nil {
				t.Fatal(err)
			}
			write(1000, 4000) // rolled back: rows 1000-4000 are not kept
			write(1000, 1700)
			rollback(m)
			write(1000, 3000)
			if tc.twice {
				m2, err := w.Mark()
				if err != nil {
					t.Fatal(err)
				}
				write(3000, 3100)
				rollback(m2)
			}
			write(3000, 6000)
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			tbl, rdr := readAll(t, buf.Bytes())
			defer tbl.Release()
			if tbl.NumRows() != 6000 {
				t.Fatalf("rows = %d; want 6000", tbl.NumRows())
			}
			got := array.NewTableReader(tbl, 6000)
			defer got.Release()
			got.Next()
			for i := range sch.Fields() {
				if g, w := got.Record().Column(i).String(), full.Column(i).String(); g != w {
					t.Errorf("column %s read back differs from the rows written and kept", sch.Field(i).Name)
				}
			}
			checkChunks(t, rdr, full, compress.Codecs.Snappy)
		})
	}
}
