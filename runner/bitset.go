package runner

import (
	"math/bits"
	"slices"
)

// blockBits is the positions of a bitset block: 65,536, 8 KB of bits.
const blockBits = 1 << 16

// bitset is a set of positions 0, 1, ..., allocated a block at a time as
// positions are added: a plan of a billion jobs costs nothing until its
// jobs finish, and a shard only the blocks of the jobs it ran.
type bitset struct {
	blocks []*[blockBits / 64]uint64
	n      int
}

// has reports whether i is in the set.
func (b *bitset) has(i int) bool {
	blk := i / blockBits
	if blk >= len(b.blocks) || b.blocks[blk] == nil {
		return false
	}
	return b.blocks[blk][i%blockBits/64]&(1<<(i%64)) != 0
}

// add adds i, which must not be in the set.
func (b *bitset) add(i int) {
	blk := i / blockBits
	if len(b.blocks) <= blk {
		b.blocks = slices.Grow(b.blocks, blk+1-len(b.blocks))[:blk+1]
	}
	if b.blocks[blk] == nil {
		b.blocks[blk] = new([blockBits / 64]uint64)
	}
	b.blocks[blk][i%blockBits/64] |= 1 << (i % 64)
	b.n++
}

// len returns the number of positions in the set.
func (b *bitset) len() int { return b.n }

// each calls fn with the positions in the set, in order, until it returns
// false.
func (b *bitset) each(fn func(i int) bool) {
	for blk, words := range b.blocks {
		if words == nil {
			continue
		}
		for w, word := range words {
			for word != 0 {
				i := blk*blockBits + w*64 + bits.TrailingZeros64(word)
				word &= word - 1
				if !fn(i) {
					return
				}
			}
		}
	}
}
