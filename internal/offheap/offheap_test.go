package offheap

import (
	"runtime"
	"testing"
)

func TestMakeAndGrow(t *testing.T) {
	var a Arena
	f := Make[float64](&a, 1000)
	if len(f) != 1000 || cap(f) != 1000 {
		t.Fatalf("len %d cap %d; want 1000", len(f), cap(f))
	}
	for i, v := range f {
		if v != 0 {
			t.Fatalf("value %d is %v; want 0", i, v)
		}
	}
	for i := range f {
		f[i] = float64(i)
	}
	s := f[:10]
	g := Grow(&a, s, 5) // room enough: the same array
	if &g[0] != &f[0] || len(g) != 10 {
		t.Errorf("Grow with room reallocated or changed the length")
	}
	h := Grow(&a, f, 500)
	if len(h) != 1000 || cap(h) < 1500 || &h[0] == &f[0] {
		t.Fatalf("Grow without room: len %d cap %d, same array %v", len(h), cap(h), &h[0] == &f[0])
	}
	for i, v := range h {
		if v != float64(i) {
			t.Fatalf("value %d is %v after Grow; want %d", i, v, i)
		}
	}
	h = append(h, 1, 2, 3)
	if h[1002] != 3 {
		t.Errorf("append into grown room: %v", h[1000:])
	}
	b := Make[bool](&a, 3)
	b[2] = true
	if Make[int32](&a, 0) != nil {
		t.Errorf("Make of 0 values is not nil")
	}
	a.Free()
	if a.maps != nil {
		t.Errorf("Free kept %d maps", len(a.maps))
	}
}

// TestOutsideHeap checks that the arena's memory is not Go heap: a large
// allocation leaves the heap's allocation counter where it was.
func TestOutsideHeap(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "js" || runtime.GOOS == "wasip1" {
		t.Skip("no memory maps: the arena allocates on the heap")
	}
	var a Arena
	defer a.Free()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	x := Make[int64](&a, 1<<20) // 8 MiB
	x[len(x)-1] = 1
	runtime.ReadMemStats(&after)
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 1<<20 {
		t.Errorf("an 8 MiB arena slice grew the heap's allocations by %d bytes", grew)
	}
}

// TestGrowFree: a slice grown past its room moves to a new array with its
// values, and the arena releases the old one; with room, or for a slice
// the arena did not allocate, nothing is released.
func TestGrowFree(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "js" || runtime.GOOS == "wasip1" {
		t.Skip("no memory maps: the arena allocates on the heap")
	}
	var a Arena
	defer a.Free()
	s := Make[int64](&a, 100)[:0]
	for i := range 100 {
		s = append(s, int64(i))
	}
	if g := GrowFree(&a, s[:50], 50); &g[0] != &s[0] || len(a.maps) != 1 {
		t.Fatalf("GrowFree with room moved the slice or changed the maps (%d)", len(a.maps))
	}
	g := GrowFree(&a, s, 1000)
	if len(g) != 100 || cap(g) < 1100 || len(a.maps) != 1 {
		t.Fatalf("GrowFree without room: len %d cap %d, %d maps; want 100, >= 1100, 1", len(g), cap(g), len(a.maps))
	}
	for i, v := range g {
		if v != int64(i) {
			t.Fatalf("value %d is %d after GrowFree; want %d", i, v, i)
		}
	}
	heap := make([]int64, 3)
	h := GrowFree(&a, heap, 10)
	if len(h) != 3 || len(a.maps) != 2 {
		t.Fatalf("GrowFree of a heap slice: len %d, %d maps; want 3, 2", len(h), len(a.maps))
	}
	if e := GrowFree(&a, []int64(nil), 8); len(e) != 0 || cap(e) < 8 || len(a.maps) != 3 {
		t.Fatalf("GrowFree of nil: len %d cap %d, %d maps", len(e), cap(e), len(a.maps))
	}
}
