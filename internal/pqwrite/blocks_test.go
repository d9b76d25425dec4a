package pqwrite

import (
	"bytes"
	"math/rand/v2"
	"testing"

	"github.com/statecraft/statecraft/internal/offheap"
)

// TestPageBlocks: what is written, in pieces of any size and across
// blocks, reserved room or not, is what writeTo gives back, in order; a
// reset empties the blocks and keeps them for the next chunk.
func TestPageBlocks(t *testing.T) {
	var arena offheap.Arena
	defer arena.Free()
	pb := pageBlocks{arena: &arena}
	r := rand.New(rand.NewPCG(1, 2))
	for _, c := range []struct {
		name    string
		reserve int
		pieces  []int
	}{
		{"nothing", 0, nil},
		{"small pieces", 0, []int{1, 7, 100, 3000}},
		{"across blocks", 0, []int{60 << 10, 10 << 10, 200 << 10, 1, 9 << 20}},
		{"reserved", 300 << 10, []int{100 << 10, 150 << 10, 50 << 10}},
		{"past the reserve", 100 << 10, []int{99 << 10, 2 << 10, 500 << 10}},
		{"again, reusing the blocks", 0, []int{60 << 10, 10 << 10, 200 << 10, 1, 9 << 20}},
	} {
		pb.reset()
		if pb.size() != 0 {
			t.Fatalf("%s: %d bytes after reset", c.name, pb.size())
		}
		blocks := len(pb.blocks)
		pb.reserve(c.reserve)
		var want []byte
		for _, n := range c.pieces {
			b := make([]byte, n)
			for i := range b {
				b[i] = byte(r.Uint32())
			}
			pb.write(b)
			want = append(want, b...)
		}
		var got bytes.Buffer
		if err := pb.writeTo(&got); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), want) || pb.size() != len(want) {
			t.Errorf("%s: wrote %d bytes, size %d, read back %d (equal: %v)", c.name, len(want), pb.size(), got.Len(), bytes.Equal(got.Bytes(), want))
		}
		if c.name == "again, reusing the blocks" && len(pb.blocks) != blocks {
			t.Errorf("%s: %d blocks, had %d", c.name, len(pb.blocks), blocks)
		}
	}
}
