package pqwrite

import (
	"io"

	"github.com/statecraft/statecraft/internal/offheap"
)

// The sizes of the blocks a pageBlocks adds when it runs out of room:
// twice the last one's, within these.
const (
	minPageBlock = 64 << 10
	maxPageBlock = 8 << 20
)

// pageBlocks holds a column chunk's pages until the chunk is written, in
// blocks of the writer's arena filled in turn. It grows without copying
// what it holds: a row group's pages of a list column (a vector, agents as
// lists) run to tens of MB, and a buffer that doubled copied them, and held
// them twice while it did. Its blocks are kept from chunk to chunk.
type pageBlocks struct {
	blocks [][]byte
	cur    int // the block being filled
	arena  *offheap.Arena
}

// reset empties the blocks.
func (pb *pageBlocks) reset() {
	for i := range pb.blocks {
		pb.blocks[i] = pb.blocks[i][:0]
	}
	pb.cur = 0
}

// size returns the bytes held.
func (pb *pageBlocks) size() int {
	n := 0
	for _, b := range pb.blocks[:min(pb.cur+1, len(pb.blocks))] {
		n += len(b)
	}
	return n
}

// reserve makes room for n bytes in all: the chunk's expected size.
func (pb *pageBlocks) reserve(n int) {
	room := 0
	for _, b := range pb.blocks {
		room += cap(b) - len(b)
	}
	if room < n {
		pb.blocks = append(pb.blocks, offheap.Make[byte](pb.arena, n-room)[:0])
	}
}

// write appends b.
func (pb *pageBlocks) write(b []byte) {
	for len(b) > 0 {
		if pb.cur == len(pb.blocks) {
			size := minPageBlock
			if pb.cur > 0 {
				size = min(max(2*cap(pb.blocks[pb.cur-1]), minPageBlock), maxPageBlock)
			}
			pb.blocks = append(pb.blocks, offheap.Make[byte](pb.arena, max(size, min(len(b), maxPageBlock)))[:0])
		}
		blk := pb.blocks[pb.cur]
		k := min(cap(blk)-len(blk), len(b))
		pb.blocks[pb.cur] = append(blk, b[:k]...)
		if b = b[k:]; len(b) > 0 {
			pb.cur++
		}
	}
}

// writeTo writes the bytes held to w.
func (pb *pageBlocks) writeTo(w io.Writer) error {
	for _, b := range pb.blocks[:min(pb.cur+1, len(pb.blocks))] {
		if len(b) == 0 {
			continue
		}
		if _, err := w.Write(b); err != nil {
			return err
		}
	}
	return nil
}
