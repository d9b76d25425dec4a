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

// TestEvalErrorExcerpt: a long expression's run-time error shows the part
// around the failing column, not the whole expression.
func TestEvalErrorExcerpt(t *testing.T) {
	long := strings.Repeat("a", 1000)
	for _, c := range []struct {
		src  string
		col  int
		want string
	}{
		{"x + 1", 3, `expression "x + 1": col 3: boom`},
		{long, 500, `expression "...` + strings.Repeat("a", 60) + `...": col 500: boom`},
		{long, 1, `expression "` + strings.Repeat("a", 60) + `...": col 1: boom`},
		{long, 1000, `expression "...` + strings.Repeat("a", 60) + `": col 1000: boom`},
	} {
		if got := (&EvalError{Src: c.src, Col: c.col, Msg: "boom"}).Error(); got != c.want {
			t.Errorf("col %d: %s, want %s", c.col, got, c.want)
		}
	}
}
