// Package pqwrite writes Arrow record batches to a Parquet file, one row
// group per batch or row groups of several (Options.RowGroupRows), through
// Arrow Go's exported Parquet API (parquet/file, metadata, schema).
//
// It exists for speed. The Arrow-to-Parquet writer of Arrow Go v15
// (pqarrow) compresses pages through codecs that allocate on every data
// page (snappy is handed a destination of length 0, zstd builds a new
// encoder per page), and its page writer allocates for every page header
// and column chunk. For a run that writes every substep, that garbage set
// the pace of the GC, and the GC's work was what kept two workers from
// being twice as fast as one. This writer builds the same Parquet schema
// as pqarrow and the same files, byte for byte (the tests compare them):
//
//   - flat required columns are written as PLAIN pages straight from the
//     Arrow arrays' memory, with min/max computed in one pass (plain.go);
//   - list columns go through Arrow's column writers;
//   - every page goes through the pager (pager.go), which compresses into
//     a reused buffer with the codecs' shared encoders and encodes page
//     headers itself;
//   - the footer is Arrow's metadata, serialized through a reused buffer.
//
// Beyond what pqarrow writes, and so no longer byte for byte the same
// (the tests then read the files back with Arrow's reader instead):
//
//   - Options.Encodings writes chosen flat columns RLE_DICTIONARY (a
//     dictionary page, then runs of indices) or DELTA_BINARY_PACKED,
//     uncompressed (encode.go);
//   - Options.Adaptive writes a PLAIN column chunk uncompressed when its
//     first page does not compress (the codec is per column chunk);
//   - Options.RowGroupRows keeps the column chunks open over several
//     records, their pages in memory (outside the Go heap, package
//     offheap) until the row group ends;
//   - PLAIN pages of 8-byte values in a snappy file go through an encoder
//     of its own that finds runs of repeated values (repeats.go), when a
//     column's first page shows it does as well as snappy;
//   - Mark and Rollback let a caller drop what it wrote after a row group
//     boundary (a failed job's rows).
//
// A Writer can be Reset onto a new file to reuse all of that.
//
// The columns it writes are the ones Statecraft's datasets have: int32,
// int64, float64, bool and string columns, lists of those and lists of
// structs of those. Values may not be null. Other types are rejected by
// NewWriter.
package pqwrite
