package runner

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestWriteback: what goes through a writeback, truncated back to a mark
// and written on, is what the file holds, across the chunks whose
// write-back it starts.
func TestWriteback(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "part"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w := &writeback{f: f}
	var want []byte
	put := func(n int, b byte) {
		p := bytes.Repeat([]byte{b}, n)
		if _, err := w.Write(p); err != nil {
			t.Fatal(err)
		}
		want = append(want, p...)
	}
	put(writebackChunk+100, 'a')
	if w.started != w.off {
		t.Errorf("after %d bytes, write-back started at %d, want %d", w.off, w.started, w.off)
	}
	put(1000, 'b')
	mark := w.off - 600
	if err := w.truncate(mark); err != nil {
		t.Fatal(err)
	}
	want = want[:mark]
	if w.started > mark {
		t.Errorf("started %d past the truncation %d", w.started, mark)
	}
	put(writebackChunk, 'c')
	got, err := os.ReadFile(f.Name())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) || w.off != int64(len(want)) {
		t.Errorf("file holds %d bytes (offset %d), want %d; equal %v", len(got), w.off, len(want), bytes.Equal(got, want))
	}
}
