// Package offheap allocates slices of plain values outside the Go heap.
//
// A worker's batch holds up to a million numbers for the whole run: large,
// pointer-free and never garbage. On the heap they would count toward the
// garbage collector's goal, which is twice the live heap by default, so the
// process would keep room for a second batch's worth of garbage it never
// makes (abm, 100 agents per row, 2 workers: 17 MB of batches, a 43 MB
// heap goal). Allocated here, they cost their own size and nothing more,
// and the collector neither counts nor scans them.
//
// An Arena hands out slices backed by anonymous memory maps and unmaps them
// all when it is freed; a slice must not be used after that. Where memory
// maps are not available the slices come from the Go heap.
package offheap

import "unsafe"

// Value is the element types an Arena allocates: values without pointers,
// which the garbage collector need not see.
type Value interface {
	~bool | ~int8 | ~int16 | ~int32 | ~int64 | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~float32 | ~float64
}

// Arena allocates slices outside the Go heap. The zero value is ready to
// use. An Arena is not safe for concurrent use.
type Arena struct {
	maps [][]byte
}

// Make returns a zeroed slice of n values allocated in a.
func Make[T Value](a *Arena, n int) []T {
	if n <= 0 {
		return nil
	}
	var zero T
	size := int(unsafe.Sizeof(zero))
	b := a.alloc(n * size)
	return unsafe.Slice((*T)(unsafe.Pointer(unsafe.SliceData(b))), n)
}

// Grow returns s with room for at least n more values, as slices.Grow
// does, allocating a new array in a (and copying s) when s has less room.
func Grow[T Value](a *Arena, s []T, n int) []T {
	if n <= cap(s)-len(s) {
		return s
	}
	t := Make[T](a, len(s)+n)
	copy(t, s)
	return t[:len(s)]
}

// GrowFree is Grow for a slice that is its array's only user: when it
// moves s to a new array, it releases the one s was in, if a allocated it
// (its first value at the start of one of a's maps), so that a buffer
// growing by doubling keeps one array, not every size it had. Neither s
// nor any slice of its array may be used afterwards.
func GrowFree[T Value](a *Arena, s []T, n int) []T {
	if n <= cap(s)-len(s) {
		return s
	}
	t := Grow(a, s, n)
	if cap(s) > 0 {
		old := unsafe.Pointer(unsafe.SliceData(s[:1]))
		for i, m := range a.maps {
			if unsafe.Pointer(unsafe.SliceData(m)) == old {
				release(m)
				a.maps = append(a.maps[:i], a.maps[i+1:]...)
				break
			}
		}
	}
	return t
}

// Free releases every slice the arena allocated. Using one of them
// afterwards is an error that may crash the program.
func (a *Arena) Free() {
	for _, m := range a.maps {
		release(m)
	}
	a.maps = nil
}

func (a *Arena) alloc(size int) []byte {
	b := acquire(size)
	if b == nil {
		return make([]byte, size)
	}
	a.maps = append(a.maps, b)
	return b
}
