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
	compression  configs.Compression
	rowGroupRows int
	parquet      parquetWriters // the worker's closed Parquet writers; nil: none kept
}

var formats = map[configs.Format]fileFormat{
	configs.Parquet: {ext: ".parquet", open: openParquet},
	configs.Arrow:   {ext: ".arrow", open: openArrow},
	configs.CSV:     {ext: ".csv", open: openCSV},
}
