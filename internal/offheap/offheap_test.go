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
