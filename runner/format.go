package runner

import (
	"os"

	"github.com/apache/arrow/go/v15/arrow"
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
	compression  string
	rowGroupRows int
	parquet      parquetWriters // the worker's closed Parquet writers; nil: none kept
}

var formats = map[string]fileFormat{
	"parquet": {ext: ".parquet", open: openParquet},
	"arrow":   {ext: ".arrow", open: openArrow},
	"csv":     {ext: ".csv", open: openCSV},
}
