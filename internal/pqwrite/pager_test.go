package pqwrite

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/parquet"
	"github.com/apache/arrow/go/v15/parquet/compress"
	"github.com/apache/arrow/go/v15/parquet/file"
	"github.com/apache/arrow/go/v15/parquet/metadata"
	"github.com/apache/arrow/go/v15/parquet/schema"

	"github.com/statecraft/statecraft/internal/offheap"
)

// TestPageHeadersSameAsLibrary writes random pages, version 1 and 2, with
// random sizes and statistics (min and max from empty to 5000 bytes,
// counts or not, signed or not) through the pager and through the
// library's page writer, and checks the bytes are the same: the page
// headers and the column chunk metadata. Real files exercise small values
// only; this reaches the multi-byte varints and large fields.
func TestPageHeadersSameAsLibrary(t *testing.T) {
	col := schema.NewColumn(schema.NewByteArrayNode("s", parquet.Repetitions.Required, -1), 0, 0)
	props := parquet.NewWriterProperties(parquet.WithDictionaryDefault(false), parquet.WithStats(true))
	r := rand.New(rand.NewPCG(7, 11))
	bytesOf := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(r.IntN(256))
		}
		return b
	}
	size := func() int32 { // small, medium and varint-boundary sizes
		switch r.IntN(4) {
		case 0:
			return int32(r.IntN(128))
		case 1:
			return int32(r.IntN(1 << 14))
		case 2:
			return int32(1<<(7*r.IntN(4)+7)) - 1 + int32(r.IntN(3))
		}
		return int32(r.IntN(math.MaxInt32))
	}
	stats := func() metadata.EncodedStatistics {
		var st metadata.EncodedStatistics
		st.Signed = r.IntN(2) == 0
		if r.IntN(4) > 0 {
			lengths := []int{0, 1, 8, 127, 128, 300, 5000}
			st.SetMin(bytesOf(lengths[r.IntN(len(lengths))]))
			st.SetMax(bytesOf(lengths[r.IntN(len(lengths))]))
		}
		if r.IntN(2) == 0 {
			st.SetNullCount(int64(r.IntN(1 << 20)))
		}
		if r.IntN(3) == 0 {
			st.SetDistinctCount(int64(r.Uint32()))
		}
		return st
	}
	arena := &offheap.Arena{}
	defer arena.Free()
	write := func(library bool, seed uint64) []byte {
		defer func(old bool) { libraryPages = old }(libraryPages)
		libraryPages = library
		r = rand.New(rand.NewPCG(seed, 11))
		var buf bytes.Buffer
		sink := &tellWriter{w: &buf}
		meta := metadata.NewFileMetadataBuilder(schema.NewSchema(mustGroup(t, col)), props, nil)
		rg := meta.AppendRowGroup()
		cm := rg.NextColumnChunk()
		pw, err := file.NewPageWriter(sink, compress.Codecs.Uncompressed, compress.DefaultCompressionLevel, cm, 0, 0, memory.DefaultAllocator, false, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		p := &pager{PageWriter: pw, kind: compress.Codecs.Uncompressed, level: compress.DefaultCompressionLevel, sink: sink, bufs: &pageBufs{}, buffered: !library, pending: pageBlocks{arena: arena}}
		if err := p.begin(cm, 0, 0); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 200; i++ {
			data := memory.NewBufferBytes(bytesOf(r.IntN(64)))
			var page file.DataPage
			if r.IntN(2) == 0 {
				page = file.NewDataPageV1WithStats(data, size(), parquet.Encodings.Plain, parquet.Encodings.RLE, parquet.Encodings.RLE, size(), stats())
			} else {
				page = file.NewDataPageV2WithStats(data, size(), size(), size(), parquet.Encodings.Plain, size(), size(), size(), r.IntN(2) == 0, stats())
			}
			if _, err := p.WriteDataPage(page); err != nil {
				t.Fatal(err)
			}
		}
		if err := p.Close(false, false); err != nil {
			t.Fatal(err)
		}
		c := cm.Contents()
		fmt.Fprintf(&buf, "|%d %d %d %d %v", c.MetaData.NumValues, c.MetaData.DataPageOffset, c.MetaData.TotalCompressedSize, c.MetaData.TotalUncompressedSize, c.MetaData.Encodings)
		return buf.Bytes()
	}
	for seed := uint64(1); seed <= 20; seed++ {
		ours, lib := write(false, seed), write(true, seed)
		if !bytes.Equal(ours, lib) {
			k := 0
			for k < len(ours) && k < len(lib) && ours[k] == lib[k] {
				k++
			}
			t.Fatalf("seed %d: %d bytes differ from the library's %d at byte %d", seed, len(ours), len(lib), k)
		}
	}
}

func mustGroup(t *testing.T, col *schema.Column) *schema.GroupNode {
	t.Helper()
	g, err := schema.NewGroupNode("schema", parquet.Repetitions.Repeated, schema.FieldList{col.SchemaNode()}, -1)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// TestFixedWidthPageHeaderBound: the header of a data page of 8-byte
// values, with every count and size at its largest and every statistic
// set, fits the maxPageHeader bytes that buffered chunks reserve a page.
func TestFixedWidthPageHeaderBound(t *testing.T) {
	var st metadata.EncodedStatistics
	st.SetMin(bytes.Repeat([]byte{0xff}, 8))
	st.SetMax(bytes.Repeat([]byte{0xff}, 8))
	st.SetNullCount(math.MaxInt64)
	st.SetDistinctCount(math.MaxInt64)
	data := memory.NewBufferBytes(nil)
	const n = math.MaxInt32
	v1 := file.NewDataPageV1WithStats(data, n, parquet.Encodings.Plain, parquet.Encodings.RLE, parquet.Encodings.RLE, n, st)
	v2 := file.NewDataPageV2WithStats(data, n, n, n, parquet.Encodings.DeltaBinaryPacked, n, n, n, false, st)
	for name, h := range map[string][]byte{
		"version 1": appendPageHeaderV1(nil, v1, n),
		"version 2": appendPageHeaderV2(nil, v2, n),
	} {
		if len(h) > maxPageHeader {
			t.Errorf("%s: a header of %d bytes, more than maxPageHeader (%d)", name, len(h), maxPageHeader)
		}
	}
}
