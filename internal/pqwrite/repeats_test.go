package pqwrite

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/parquet/compress"
	"github.com/golang/snappy"
)

// wordsOf packs values into a page of 8-byte little-endian words.
func wordsOf(vals []uint64) []byte {
	b := make([]byte, 0, 8*len(vals))
	for _, v := range vals {
		b = binary.LittleEndian.AppendUint64(b, v)
	}
	return b
}

func checkRepeats(t *testing.T, src []byte, stride int) []byte {
	t.Helper()
	enc := appendSnappyRepeats(nil, src, stride)
	got, err := snappy.Decode(nil, enc)
	if err != nil {
		t.Fatalf("snappy cannot decode it: %v", err)
	}
	if !bytes.Equal(got, src) {
		t.Fatalf("decoded %d bytes differ from the %d encoded", len(got), len(src))
	}
	if n, err := snappy.DecodedLen(enc); err != nil || n != len(src) {
		t.Fatalf("decoded length %d, %v; want %d", n, err, len(src))
	}
	return enc
}

// TestSnappyRepeats: what appendSnappyRepeats writes is a snappy block
// that snappy decodes to its input, for runs of every length (across the
// copy elements' limits), alternations, literals of every length class,
// NaNs and signed zeros; and runs compress.
func TestSnappyRepeats(t *testing.T) {
	nan := math.Float64bits(math.NaN())
	negz := math.Float64bits(math.Copysign(0, -1))
	run := func(v uint64, k int) []uint64 {
		r := make([]uint64, k)
		for i := range r {
			r[i] = v
		}
		return r
	}
	seq := func(k int) []uint64 {
		r := make([]uint64, k)
		for i := range r {
			r[i] = uint64(i)*0x9e3779b97f4a7c15 + 1
		}
		return r
	}
	cat := func(parts ...[]uint64) []uint64 {
		var r []uint64
		for _, p := range parts {
			r = append(r, p...)
		}
		return r
	}
	cases := map[string][]uint64{
		"empty":              nil,
		"one":                {7},
		"two equal":          {7, 7},
		"two":                {7, 8},
		"a b a b a":          {1, 2, 1, 2, 1},
		"a a b b a a":        {1, 1, 2, 2, 1, 1},
		"shared low bytes":   {0x1122, 0x1122, 0x3322, 0x3322, 0x3322, 0x44003322, 0x44003322, 0x44003322 | 1<<63},
		"a b a":              {1, 2, 1},
		"signed zeros":       {0, negz, negz, 0, 0, nan, nan, negz},
		"literal of 7":       seq(7),
		"literal of 8":       seq(8),
		"literal of 33":      seq(33),
		"literal of 5000":    seq(5000),
		"literal of 3000000": seq(3000000),
	}
	for _, k := range []int{2, 3, 8, 9, 10, 11, 12, 16, 17, 100, 1000} {
		cases["run of "+strconv.Itoa(k)] = run(42, k)
		cases["literal, run of "+strconv.Itoa(k)+", literal"] = cat(seq(3), run(9, k), seq(5))
	}
	for name, vals := range cases {
		t.Run(name, func(t *testing.T) { checkRepeats(t, wordsOf(vals), 1) })
	}
	if enc := checkRepeats(t, wordsOf(run(5, 1000)), 1); len(enc) > 8+3*(8000/64+1)+4 {
		t.Errorf("a run of 1000 values took %d bytes", len(enc))
	}
	// values repeated over 3 substeps: 8 bytes and one copy per 3 values
	var sub []uint64
	for i := range 3000 {
		sub = append(sub, uint64(i/3)*0x9e3779b97f4a7c15)
	}
	if enc := checkRepeats(t, wordsOf(sub), 1); len(enc) > 1000*(8+3+1)+8 {
		t.Errorf("3000 values in runs of 3 took %d bytes", len(enc))
	}
}

// TestSnappyRepeatsStrides: at every stride, up to the largest, a page
// whose values repeat that many values apart decodes to itself and
// compresses to the changed values; snappyStride finds the stride in
// snappy's own block of the page.
func TestSnappyRepeatsStrides(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, stride := range []int{1, 2, 3, 7, 50, 255, 256, 257, 1000, maxStride} {
		t.Run(strconv.Itoa(stride), func(t *testing.T) {
			agents := make([]uint64, stride)
			for i := range agents {
				agents[i] = rng.Uint64()
			}
			var vals []uint64
			changed := stride
			for len(vals) < 4*stride+20000 {
				k := len(vals) % stride
				if rng.IntN(10) == 0 {
					agents[k] = rng.Uint64() // this agent changes
					changed++
				}
				vals = append(vals, agents[k])
			}
			src := wordsOf(vals)
			enc := checkRepeats(t, src, stride)
			// a changed value is a literal and a copy (8+1+3 bytes at
			// most), a run 3 bytes every 8 values
			if limit := changed*12 + len(vals)*3/8 + 64; len(enc) > limit {
				t.Errorf("%d bytes for %d values, %d of them changed; want at most %d", len(enc), len(vals), changed, limit)
			}
			if stride <= 1000 { // snappy's hash table reaches back 64 KB or less: the largest strides are beyond it
				if got := snappyStride(snappy.Encode(nil, src), make([]int32, maxStride+1)); got != stride {
					t.Errorf("snappyStride = %d, want %d", got, stride)
				}
			}
		})
	}
	if got := snappyStride([]byte{0x80}, make([]int32, maxStride+1)); got != 1 { // a truncated block
		t.Errorf("snappyStride of a bad block = %d, want 1", got)
	}
}

// FuzzSnappyRepeats decodes appendSnappyRepeats' output with snappy. The
// fuzzer's first byte chooses the stride, the others values from a small
// alphabet of words that share some of their bytes, so runs, alternations
// and partial matches are common.
func FuzzSnappyRepeats(f *testing.F) {
	f.Add([]byte{0, 0, 0, 1, 0, 1, 0, 1, 2, 3, 3})
	f.Add(bytes.Repeat([]byte{5}, 300))
	f.Fuzz(func(t *testing.T, b []byte) {
		// words that share high bytes, low bytes, both or none
		alphabet := [8]uint64{0x1111111111111111, 0x1111111122222222, 0x3333111111111111, 0x1111333333331111,
			0x1111111111112222, 0x4411111111111111, 0, 1 << 63}
		if len(b) == 0 {
			return
		}
		stride := 1 + int(b[0])%7 // the first byte: the stride
		vals := make([]uint64, len(b)-1)
		for i, x := range b[1:] {
			vals[i] = alphabet[x%8]
		}
		checkRepeats(t, wordsOf(vals), stride)
	})
}

// TestSnappyRepeatsSize compares the sizes with snappy's own encoder on
// random pages of runs, and on the columns of an amm run if
// /tmp/amm_cols.csv has them (a manual check).
func TestSnappyRepeatsSize(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var vals []uint64
	for len(vals) < 100000 {
		v := rng.Uint64()
		for range 1 + rng.IntN(3) {
			vals = append(vals, v)
		}
	}
	src := wordsOf(vals)
	ours, theirs := len(checkRepeats(t, src, 1)), len(snappy.Encode(nil, src))
	if float64(ours) > 1.02*float64(theirs) {
		t.Errorf("random runs: %d bytes, snappy %d", ours, theirs)
	}
	f, err := os.Open("/tmp/amm_cols.csv")
	if err != nil {
		t.Skip("no /tmp/amm_cols.csv")
	}
	defer f.Close()
	cols := make([][]uint64, 5)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		for k, s := range strings.Split(sc.Text(), ",") {
			x, _ := strconv.ParseFloat(s, 64)
			cols[k] = append(cols[k], math.Float64bits(x))
		}
	}
	for k, c := range cols {
		src := wordsOf(c)
		var o, s int
		for lo := 0; lo < len(src); lo += 1 << 20 {
			p := src[lo:min(lo+1<<20, len(src))]
			o += len(checkRepeats(t, p, 1))
			s += len(snappy.Encode(nil, p))
		}
		t.Logf("column %d: ours %.3f, snappy %.3f", k, float64(o)/float64(len(src)), float64(s)/float64(len(src)))
	}
}

// TestRepeatsOrSnappy writes float columns whose values repeat at
// different strides through a snappy Writer: a column whose values repeat
// row after row, and one whose values repeat 50 rows apart (an agent
// table, agent after agent), go through the repeats encoder at those
// strides and come out no larger than snappy makes them (within 1/32);
// noisy values are written uncompressed (Adaptive); small counts, in
// which snappy matches bytes the repeats encoder does not look for, keep
// snappy. Every value reads back.
func TestRepeatsOrSnappy(t *testing.T) {
	const n = 20000
	sch := arrow.NewSchema([]arrow.Field{
		{Name: "runs", Type: arrow.PrimitiveTypes.Float64},
		{Name: "stride", Type: arrow.PrimitiveTypes.Float64},
		{Name: "noise", Type: arrow.PrimitiveTypes.Float64},
		{Name: "counts", Type: arrow.PrimitiveTypes.Int64},
	}, nil)
	rng := rand.New(rand.NewPCG(3, 4))
	cols := make([][]float64, 3)
	var counts []int64
	agents := make([]float64, 50)
	for i := range agents {
		agents[i] = rng.Float64()
	}
	v := 1.0
	for i := range n {
		if i%3 == 0 {
			v = rng.NormFloat64()
		}
		if rng.IntN(4) == 0 {
			agents[i%50] = rng.Float64()
		}
		cols[0] = append(cols[0], v)
		cols[1] = append(cols[1], agents[i%50])
		cols[2] = append(cols[2], rng.NormFloat64())
		counts = append(counts, int64(rng.IntN(6))) // small counts: snappy matches their zero bytes
	}
	b := array.NewRecordBuilder(memory.DefaultAllocator, sch)
	defer b.Release()
	for k := range cols {
		b.Field(k).(*array.Float64Builder).AppendValues(cols[k], nil)
	}
	b.Field(3).(*array.Int64Builder).AppendValues(counts, nil)
	rec := b.NewRecord()
	defer rec.Release()
	var buf bytes.Buffer
	w := writeRecords(t, &buf, sch, Options{Compression: compress.Codecs.Snappy, Stats: true, Adaptive: true}, rec)
	if want := []int32{1, 50, 1, -1}; w.leaves[0].stride != want[0] || w.leaves[1].stride != want[1] || w.leaves[2].stride != want[2] || w.leaves[3].stride != want[3] {
		t.Errorf("strides %d %d %d %d, want %v (-1: snappy)", w.leaves[0].stride, w.leaves[1].stride, w.leaves[2].stride, w.leaves[3].stride, want)
	}
	tbl, rdr := readAll(t, buf.Bytes())
	defer tbl.Release()
	if got := tbl.Column(3).Data().Chunk(0).(*array.Int64).Int64Values(); !slices.Equal(got, counts) {
		t.Error("counts differ when read back")
	}
	for k := range cols {
		got := tbl.Column(k).Data().Chunk(0).(*array.Float64).Float64Values()
		for i, x := range cols[k] {
			if math.Float64bits(got[i]) != math.Float64bits(x) {
				t.Fatalf("column %d row %d: %v, want %v", k, i, got[i], x)
			}
		}
		cc, err := rdr.MetaData().RowGroup(0).ColumnChunk(k)
		if err != nil {
			t.Fatal(err)
		}
		raw := wordsOf(func() []uint64 {
			u := make([]uint64, n)
			for i, x := range cols[k] {
				u[i] = math.Float64bits(x)
			}
			return u
		}())
		snap := len(snappy.Encode(nil, raw))
		size := int(cc.TotalCompressedSize())
		switch k {
		case 0, 1: // compressed, within a header's bytes of snappy or better
			if cc.Compression() != compress.Codecs.Snappy || size > snap+snap/32+200 {
				t.Errorf("column %d: %s, %d bytes; snappy alone %d", k, cc.Compression(), size, snap)
			}
		case 2:
			if cc.Compression() != compress.Codecs.Uncompressed {
				t.Errorf("noise: %s, want uncompressed", cc.Compression())
			}
		}
	}
}
