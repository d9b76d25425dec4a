package pqwrite

import (
	"bytes"
	"errors"

	"github.com/apache/arrow/go/v15/parquet"
	"github.com/apache/arrow/go/v15/parquet/compress"
	"github.com/apache/arrow/go/v15/parquet/file"
	"github.com/apache/arrow/go/v15/parquet/metadata"
)

// pager writes the pages of one column chunk at a time: it is the page
// writer of the direct path and of Arrow's column writers. It writes what
// the library's page writer writes, byte for byte (TestPagesSameAsLibrary),
// without allocating per page or per chunk:
//
//   - Compress compresses into one buffer owned by the file (the column
//     writer has written or copied the previous page before it compresses
//     the next), and calls the codec's Encode, which for zstd shares one
//     encoder, where the library calls EncodeLevel, which builds a new zstd
//     encoder per page.
//   - WriteDataPage encodes the page header (thrift compact protocol) into
//     a reused buffer. The library converts the page's statistics to a new
//     thrift struct, serializes the header into a copy and wraps pages in
//     pooled structs: about 300 bytes of garbage per page, most of what a
//     run allocated once the rest was gone.
//   - Close finishes the chunk's metadata. The library's Close then also
//     serializes the metadata through a new 4 KiB bufio.Writer around the
//     sink, which it never flushes, so nothing reaches the file unless the
//     metadata outgrows the buffer (then its first 4096-byte blocks do).
//     This Close writes nothing; readers read the metadata in the footer.
//
// The embedded library page writer provides the rest of file.PageWriter's
// methods (Reset, which column writers do not call) and, for the tests,
// the library's behaviour when libraryPages is set.
type pager struct {
	file.PageWriter
	codec compress.Codec // nil: uncompressed
	kind  compress.Compression
	level int
	sink  *tellWriter
	bufs  *pageBufs // shared by the file's pagers

	// buffered pagers keep the chunk's pages in pending until Close, so
	// that a column chunk can grow over several record batches while the
	// other columns' chunks grow too (a row group of several batches).
	buffered bool
	pending  pageBlocks // the chunk's data pages, headers included (in the Writer's arena)
	dict     []byte     // the chunk's dictionary page, header included, written first
	raw      bool       // the chunk is written uncompressed whatever the file's codec

	// the column chunk being written
	cm           *metadata.ColumnChunkMetaDataBuilder
	values       int64
	firstPage    int64 // offset of the first data page
	pages        int32
	compressed   int64 // bytes written, headers included
	uncompressed int64 // page sizes before compression, headers included
	encodings    map[parquet.Encoding]int32
}

// pageBufs are the buffers the pagers of a file share: a page is
// compressed and its header encoded, then copied or written, before the
// next page is.
type pageBufs struct {
	comp []byte // compressed pages
	hdr  []byte // the page header being written
}

// libraryPages makes the pager write pages and close chunks with the
// library's page writer, for the tests that check both write the same
// bytes.
var libraryPages = false

// begin starts column chunk col of row group rg.
func (p *pager) begin(cm *metadata.ColumnChunkMetaDataBuilder, rg, col int16) error {
	p.cm = cm
	p.values, p.firstPage, p.pages, p.compressed, p.uncompressed = 0, 0, 0, 0, 0
	p.pending.reset()
	p.dict, p.raw = p.dict[:0], false
	if p.encodings == nil {
		p.encodings = map[parquet.Encoding]int32{}
	}
	clear(p.encodings)
	if libraryPages {
		return p.PageWriter.Reset(p.sink, p.kind, p.level, cm, rg, col, nil, nil)
	}
	return nil
}

// HasCompressor reports whether the chunk's pages are compressed.
func (p *pager) HasCompressor() bool { return p.codec != nil && !p.raw }

// setRaw makes the chunk's pages uncompressed (codec UNCOMPRESSED in its
// metadata: Parquet's codec is per column chunk). It is called before the
// chunk's first page.
func (p *pager) setRaw() { p.raw = true }

// Compress compresses src into the pager's buffer; the column writer's
// scratch buffer is not used.
func (p *pager) Compress(_ *bytes.Buffer, src []byte) []byte {
	n := int(p.codec.CompressBound(int64(len(src))))
	if cap(p.bufs.comp) < n {
		p.bufs.comp = make([]byte, n+n/4)
	}
	return p.codec.Encode(p.bufs.comp[:n], src)
}

// compressRepeats compresses a page of 8-byte values into the pager's
// buffer as snappy, finding runs of values repeated stride values apart
// only (appendSnappyRepeats).
func (p *pager) compressRepeats(src []byte, stride int) []byte {
	p.bufs.comp = appendSnappyRepeats(p.bufs.comp[:0], src, stride)
	return p.bufs.comp
}

// WriteDataPage writes a data page (version 1 or 2) whose data is
// compressed already, and returns the bytes written, header included.
func (p *pager) WriteDataPage(page file.DataPage) (int64, error) {
	if libraryPages {
		return p.PageWriter.WriteDataPage(page)
	}
	data := page.Data()
	h := p.bufs.hdr[:0]
	switch pg := page.(type) {
	case *file.DataPageV1:
		h = appendPageHeaderV1(h, pg, int32(len(data)))
	case *file.DataPageV2:
		h = appendPageHeaderV2(h, pg, int32(len(data)))
	default:
		return 0, errors.New("parquet: unexpected page type")
	}
	p.bufs.hdr = h
	var written int64
	if p.buffered {
		p.pending.write(h)
		p.pending.write(data)
		written = int64(len(h) + len(data))
	} else {
		if p.pages == 0 {
			p.firstPage = p.sink.Tell()
		}
		if _, err := p.sink.Write(h); err != nil {
			return 0, err
		}
		n, err := p.sink.Write(data)
		written = int64(len(h) + n)
		if err != nil {
			return written, err
		}
	}
	p.uncompressed += int64(page.UncompressedSize()) + int64(len(h))
	p.compressed += written
	p.values += int64(page.NumValues())
	p.encodings[parquet.Encoding(page.Encoding())]++
	p.pages++
	return written, nil
}

// WriteDictionaryPage fails: Arrow's column writers, the only callers,
// are not given dictionaries (the direct path writes its own, setDict).
func (p *pager) WriteDictionaryPage(*file.DictionaryPage) (int64, error) {
	return 0, errors.New("parquet: dictionary pages are not written")
}

// reserve gives a buffered pager room for n bytes of pages, so that a
// row group's chunk of known size takes one block rather than a run of
// growing ones (the blocks are reused for the file's next chunks of the
// column).
func (p *pager) reserve(n int) {
	if p.buffered {
		p.pending.reserve(n)
	}
}

// setDict sets the chunk's dictionary page: n PLAIN values, uncompressed
// (the chunk is raw). A buffered pager writes it before the data pages.
func (p *pager) setDict(values []byte, n int) {
	h := appendDictPageHeader(p.dict[:0], int32(n), int32(len(values)))
	p.dict = append(h, values...)
}

// Close finishes the column chunk: a buffered pager writes its pages,
// then the chunk's metadata is completed.
func (p *pager) Close(hasDict, fallback bool) error {
	if libraryPages {
		return p.PageWriter.Close(hasDict, fallback)
	}
	info := metadata.ChunkMetaInfo{
		NumValues:        p.values,
		IndexPageOffset:  -1,
		DataPageOffset:   p.firstPage,
		CompressedSize:   p.compressed,
		UncompressedSize: p.uncompressed,
	}
	stats := metadata.EncodingStats{DataEncodingStats: p.encodings}
	if p.buffered {
		base := p.sink.Tell()
		if len(p.dict) > 0 {
			if _, err := p.sink.Write(p.dict); err != nil {
				return err
			}
			info.DictPageOffset = base
			info.CompressedSize += int64(len(p.dict))
			info.UncompressedSize += int64(len(p.dict))
			stats.DictEncodingStats = map[parquet.Encoding]int32{parquet.Encodings.Plain: 1}
			hasDict = true
		}
		info.DataPageOffset = p.sink.Tell()
		if err := p.pending.writeTo(p.sink); err != nil {
			return err
		}
	}
	if err := p.cm.Finish(info, hasDict, fallback, stats, nil); err != nil {
		return err
	}
	if p.raw {
		p.cm.Contents().MetaData.Codec = 0 // CompressionCodec_UNCOMPRESSED
	}
	return nil
}

// Thrift compact protocol: the page header of the Parquet format
// (parquet.thrift), as Arrow's generated code writes it.
const (
	ctTrue   = 1 // a bool field whose value is true
	ctFalse  = 2
	ctI32    = 5
	ctI64    = 6
	ctBinary = 8
	ctStruct = 12

	pageTypeData   = 0 // PageType.DATA_PAGE
	pageTypeDict   = 2 // PageType.DICTIONARY_PAGE
	pageTypeDataV2 = 3 // PageType.DATA_PAGE_V2
)

// appendDictPageHeader writes the header of an uncompressed dictionary
// page of n PLAIN values in size bytes.
func appendDictPageHeader(b []byte, n, size int32) []byte {
	b = appendPageSizes(b, pageTypeDict, size, size)
	b = appendField(b, 3, 7, ctStruct) // dictionary_page_header
	b = appendField(b, 0, 1, ctI32)
	b = appendVarint(b, zigzag32(n))
	b = appendField(b, 1, 2, ctI32)
	b = appendVarint(b, zigzag32(int32(parquet.Encodings.Plain)))
	b = append(b, 0) // end of dictionary_page_header
	return append(b, 0)
}

func appendPageHeaderV1(b []byte, pg *file.DataPageV1, compressed int32) []byte {
	b = appendPageSizes(b, pageTypeData, pg.UncompressedSize(), compressed)
	b = appendField(b, 3, 5, ctStruct) // data_page_header
	b = appendField(b, 0, 1, ctI32)
	b = appendVarint(b, zigzag32(pg.NumValues()))
	b = appendField(b, 1, 2, ctI32)
	b = appendVarint(b, zigzag32(int32(pg.Encoding())))
	b = appendField(b, 2, 3, ctI32)
	b = appendVarint(b, zigzag32(int32(pg.DefinitionLevelEncoding())))
	b = appendField(b, 3, 4, ctI32)
	b = appendVarint(b, zigzag32(int32(pg.RepetitionLevelEncoding())))
	b = appendField(b, 4, 5, ctStruct)
	b = appendStatistics(b, pg.Statistics())
	b = append(b, 0) // end of data_page_header
	return append(b, 0)
}

func appendPageHeaderV2(b []byte, pg *file.DataPageV2, compressed int32) []byte {
	b = appendPageSizes(b, pageTypeDataV2, pg.UncompressedSize(), compressed)
	b = appendField(b, 3, 8, ctStruct) // data_page_header_v2
	b = appendField(b, 0, 1, ctI32)
	b = appendVarint(b, zigzag32(pg.NumValues()))
	b = appendField(b, 1, 2, ctI32)
	b = appendVarint(b, zigzag32(pg.NumNulls()))
	b = appendField(b, 2, 3, ctI32)
	b = appendVarint(b, zigzag32(pg.NumRows()))
	b = appendField(b, 3, 4, ctI32)
	b = appendVarint(b, zigzag32(int32(pg.Encoding())))
	b = appendField(b, 4, 5, ctI32)
	b = appendVarint(b, zigzag32(pg.DefinitionLevelByteLen()))
	b = appendField(b, 5, 6, ctI32)
	b = appendVarint(b, zigzag32(pg.RepetitionLevelByteLen()))
	last := int16(6)
	if !pg.IsCompressed() { // written only when it differs from its default, true
		b = appendField(b, last, 7, ctFalse)
		last = 7
	}
	b = appendField(b, last, 8, ctStruct)
	b = appendStatistics(b, pg.Statistics())
	b = append(b, 0) // end of data_page_header_v2
	return append(b, 0)
}

// appendPageSizes begins a page header: type, uncompressed and compressed
// sizes (fields 1-3).
func appendPageSizes(b []byte, typ, uncompressed, compressed int32) []byte {
	b = appendField(b, 0, 1, ctI32)
	b = appendVarint(b, zigzag32(typ))
	b = appendField(b, 1, 2, ctI32)
	b = appendVarint(b, zigzag32(uncompressed))
	b = appendField(b, 2, 3, ctI32)
	return appendVarint(b, zigzag32(compressed))
}

// appendStatistics writes a Statistics struct's fields and its end, as
// metadata.EncodedStatistics.ToThrift fills it: min_value and max_value,
// the deprecated min and max too for signed sort orders, the counts when
// set.
func appendStatistics(b []byte, st metadata.EncodedStatistics) []byte {
	last := int16(0)
	bin := func(id int16, v []byte) {
		b = appendField(b, last, id, ctBinary)
		b = appendVarint(b, uint64(len(v)))
		b = append(b, v...)
		last = id
	}
	i64 := func(id int16, v int64) {
		b = appendField(b, last, id, ctI64)
		b = appendVarint(b, zigzag64(v))
		last = id
	}
	if st.HasMax && st.Signed && st.Max != nil {
		bin(1, st.Max)
	}
	if st.HasMin && st.Signed && st.Min != nil {
		bin(2, st.Min)
	}
	if st.HasNullCount {
		i64(3, st.NullCount)
	}
	if st.HasDistinctCount {
		i64(4, st.DistinctCount)
	}
	if st.HasMax && st.Max != nil {
		bin(5, st.Max)
	}
	if st.HasMin && st.Min != nil {
		bin(6, st.Min)
	}
	return append(b, 0)
}

// appendField writes a field header: the id as a delta from the previous
// field's when it is 1 to 15, else in full.
func appendField(b []byte, last, id int16, typ byte) []byte {
	if d := id - last; d > 0 && d <= 15 {
		return append(b, byte(d)<<4|typ)
	}
	b = append(b, typ)
	return appendVarint(b, zigzag64(int64(id)))
}

func appendVarint(b []byte, v uint64) []byte {
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}

func zigzag32(v int32) uint64 { return uint64(uint32(v<<1) ^ uint32(v>>31)) }
func zigzag64(v int64) uint64 { return uint64(v<<1) ^ uint64(v>>63) }
