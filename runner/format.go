package runner

import (
	"os"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/statecraft/statecraft/configs"
)

// partWriter writes record batches into one part file.
type partWriter interface {
	Write(rec arrow.Record) error
	Close() error
}

// fileFormat describes an output format.
type fileFormat struct {
	ext  string
	open func(f *os.File, schema *arrow.Schema, o writerOptions) (partWriter, error)
}

type writerOptions struct {
	compression configs.Compression
	// rowGroupRows is the least number of rows of a Parquet row group
	// (output.row_group_rows), batchRows the rows of a worker's batch:
	// a row group is built from several batches.
	rowGroupRows, batchRows int
	swept                   map[string]bool            // the swept columns, constant over a job
	parquet                 parquetWriters             // the worker's closed Parquet writers; nil: none kept
	rows                    func(string, arrow.Record) // Options.Rows
}

// maxBatchRows bounds a worker's batch in rows. A batch of amm rows (72
// bytes each) does not fit the 2 MiB L2 cache at 65536 rows; at 16384 the
// values are still cached when the writer reads them back. Row groups are
// larger (output.row_group_rows): the Parquet writer keeps a row group's
// column chunks open over several batches.
const maxBatchRows = 16384

// batchRows returns the rows of a worker's batch for row groups of
// rowGroupRows rows.
func batchRows(rowGroupRows int) int { return min(rowGroupRows, maxBatchRows) }

var formats = map[configs.Format]fileFormat{
	configs.Parquet: {ext: ".parquet", open: openParquet},
	configs.Arrow:   {ext: ".arrow", open: openArrow},
	configs.CSV:     {ext: ".csv", open: openCSV},
}
