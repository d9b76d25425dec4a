// Package cachepad keeps the data one worker writes at every step out of
// the cache lines that hold other workers' data.
//
// Workers run side by side, each writing its engine's state, signals and
// random source and appending to its batch at every substep. Two cores
// writing to the same cache line (false sharing) pass it back and forth,
// and Go's allocator places small objects allocated one after another
// next to each other, whichever goroutine will use them: the structures
// of worker 0 and worker 1, built in turn, can share a line. Data written
// at every step is therefore allocated with Size bytes of unused memory on
// each side, as a Pad field at both ends of a struct or through Slice.
//
// Size is two 64-byte lines, since Intel's spatial prefetcher fetches
// lines in pairs. What padding the engine and the batch saved on the
// benchmarks is measured in docs/performance.md ("What mattered").
package cachepad

import "unsafe"

// Size is the unused memory kept on each side of data written at every
// step, in bytes.
const Size = 128

// Pad separates the fields after it from the memory before it; a struct
// written at every step starts and ends with one.
type Pad [Size]byte

// Slice returns a slice of n zero values whose backing array has at least
// Size bytes of unused memory on each side. Appending to it beyond n
// reallocates (its capacity is n).
func Slice[T any](n int) []T {
	var zero T
	size := int(unsafe.Sizeof(zero))
	if size == 0 {
		return make([]T, n)
	}
	pad := (Size + size - 1) / size
	return make([]T, n+2*pad)[pad : pad+n : pad+n]
}
