package cachepad

import (
	"testing"
	"unsafe"
)

// distance is the number of bytes between the nearest ends of two
// memory ranges [a, a+an) and [b, b+bn).
func distance(a uintptr, an int, b uintptr, bn int) int {
	if a > b {
		a, an, b, bn = b, bn, a, an
	}
	return int(b - (a + uintptr(an)))
}

func addr[T any](s []T) uintptr { return uintptr(unsafe.Pointer(unsafe.SliceData(s))) }

// TestSliceApart allocates padded slices one after another, as workers'
// structures are built in turn, and checks that each has its n zero
// values and capacity n, and that the data of any two are at least Size
// bytes apart, so they share no cache line.
func TestSliceApart(t *testing.T) {
	for _, n := range []int{1, 3, 16, 100} {
		type span struct {
			at   uintptr
			size int
		}
		var spans []span
		for k := 0; k < 8; k++ {
			f := Slice[float64](n)
			b := Slice[bool](n)
			s := Slice[struct{ a, b int32 }](n)
			if len(f) != n || cap(f) != n || len(b) != n || cap(b) != n || len(s) != n || cap(s) != n {
				t.Fatalf("n=%d: len/cap %d/%d %d/%d %d/%d", n, len(f), cap(f), len(b), cap(b), len(s), cap(s))
			}
			for i := range f {
				if f[i] != 0 || b[i] || s[i].a != 0 || s[i].b != 0 {
					t.Fatalf("n=%d: element %d is not zero", n, i)
				}
			}
			spans = append(spans, span{addr(f), n * 8}, span{addr(b), n}, span{addr(s), n * 8})
		}
		for i := range spans {
			for j := i + 1; j < len(spans); j++ {
				if d := distance(spans[i].at, spans[i].size, spans[j].at, spans[j].size); d < Size {
					t.Fatalf("n=%d: slices %d and %d are %d bytes apart; want at least %d", n, i, j, d, Size)
				}
			}
		}
	}
}

// TestPadApart checks that structs that start and end with a Pad keep
// their fields at least Size bytes from each other's.
func TestPadApart(t *testing.T) {
	type hot struct {
		_ Pad
		n int64
		_ Pad
	}
	var all []*hot
	for k := 0; k < 16; k++ {
		all = append(all, &hot{})
	}
	for i := range all {
		for j := i + 1; j < len(all); j++ {
			if d := distance(uintptr(unsafe.Pointer(&all[i].n)), 8, uintptr(unsafe.Pointer(&all[j].n)), 8); d < Size {
				t.Fatalf("fields of structs %d and %d are %d bytes apart; want at least %d", i, j, d, Size)
			}
		}
	}
}

func TestSliceZeroSize(t *testing.T) {
	if s := Slice[struct{}](4); len(s) != 4 {
		t.Fatalf("len %d; want 4", len(s))
	}
}
