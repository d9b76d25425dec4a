package expr

import (
	"strings"
	"testing"
)

// BenchmarkCompileLarge: an expression of 80,000 leaves compiles in time
// linear in its size (it took 8.6 s when every node counted the runes
// before it).
func BenchmarkCompileLarge(b *testing.B) {
	src := strings.Repeat("1.5 + ", 80000) + "1"
	for b.Loop() {
		if _, err := Compile(src, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// TestColumnsAfterNonASCII: columns count runes, not bytes, past
// multi-byte characters.
func TestColumnsAfterNonASCII(t *testing.T) {
	_, err := Compile(`"é€" + 1`, nil)
	ee, ok := err.(*Error)
	if !ok {
		t.Fatalf("err = %v, want an *Error", err)
	}
	if ee.Col != 6 {
		t.Fatalf("err = %v at column %d, want column 6 (the +)", err, ee.Col)
	}
}
