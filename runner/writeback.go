package runner

import (
	"io"
	"os"
)

// writebackChunk is how many bytes a part file takes before the kernel is
// asked to start writing them to disk.
const writebackChunk = 4 << 20

// writeback is a part file's output: it writes to the file and, every
// writebackChunk bytes, asks the kernel to start writing the bytes before
// to disk without waiting for it (startWriteback). A part is fsync'd when
// it closes; without this, that fsync waits for the disk to take the
// whole file at once, at the end of the run, when both workers close
// their parts together.
type writeback struct {
	f       *os.File
	off     int64 // bytes written: the file's offset
	started int64 // bytes before this are being written back
}

func (w *writeback) Write(p []byte) (int, error) {
	n, err := w.f.Write(p)
	w.off += int64(n)
	if w.off-w.started >= writebackChunk {
		startWriteback(w.f, w.started, w.off-w.started)
		w.started = w.off
	}
	return n, err
}

// truncate truncates the file at off and writes on from there.
func (w *writeback) truncate(off int64) error {
	if err := w.f.Truncate(off); err != nil {
		return err
	}
	if _, err := w.f.Seek(off, io.SeekStart); err != nil {
		return err
	}
	w.off, w.started = off, min(w.started, off)
	return nil
}
