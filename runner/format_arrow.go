package runner

import (
	"os"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/ipc"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/statecraft/statecraft/configs"
)

type arrowWriter struct {
	w *ipc.FileWriter
}

func openArrow(f *os.File, schema *arrow.Schema, o writerOptions) (partWriter, error) {
	opts := []ipc.Option{ipc.WithSchema(schema), ipc.WithAllocator(memory.DefaultAllocator)}
	switch o.compression {
	case configs.Zstd:
		opts = append(opts, ipc.WithZstd())
	case configs.Snappy:
		// The Arrow IPC format has no snappy codec; LZ4 frame is its
		// fast codec.
		opts = append(opts, ipc.WithLZ4())
	}
	// The IPC file writer seeks, so it gets the file itself; it writes
	// whole record batches, not small pieces.
	w, err := ipc.NewFileWriter(f, opts...)
	if err != nil {
		return nil, err
	}
	return &arrowWriter{w: w}, nil
}

func (w *arrowWriter) Write(rec arrow.Record) error { return w.w.Write(rec) }
func (w *arrowWriter) Close() error                 { return w.w.Close() }
