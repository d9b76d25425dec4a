// Package pqwrite writes Arrow record batches to a Parquet file through
// Arrow Go's low-level column writers (parquet/file), one row group per
// batch.
//
// It exists for speed. The Arrow-to-Parquet writer of Arrow Go v15
// (pqarrow) compresses pages through codecs that allocate on every data
// page: snappy is handed a destination of length 0 and allocates a new
// one, zstd builds a new encoder per page. For a run that writes every
// substep, those allocations were 56% of all bytes allocated, and the GC
// work they caused was what kept two workers from being twice as fast as
// one. This writer builds the same Parquet schema as pqarrow and uses the
// same column writers, page writers, statistics and footer, through
// exported API only,
// and hands the page writer a compression step that reuses one buffer per
// file and the codecs' shared encoders.
//
// The columns it writes are the ones Statecraft's datasets have: int32,
// int64, float64, bool and string columns, lists of float64 and lists of
// structs of those. Values may not be null. Other types are rejected by
// NewWriter.
package pqwrite
