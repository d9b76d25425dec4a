package expr

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/statecraft/statecraft/gds"
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

// chainOf returns an expression of about size bytes: a chain of terms
// x*0.123456 + ..., one operator per 16 bytes (a 1 MB one has 65,000
// leaves, below go/parser's 100,000 levels).
func chainOf(size int) string {
	const term = "x*0.123456 + "
	return strings.Repeat(term, size/len(term)) + "x"
}

// BenchmarkCompileSize compiles expressions of 256 KB to 1 MB: the time
// per byte (ns/B) stays the same as they grow, so compiling is linear in
// an expression's size.
func BenchmarkCompileSize(b *testing.B) {
	for _, size := range []int{256 << 10, 512 << 10, 1 << 20} {
		src := chainOf(size)
		env := NewEnv(nil)
		env.Float("x", func(*gds.Ctx) float64 { return 1 })
		b.Run(strconv.Itoa(size>>10)+"KiB", func(b *testing.B) {
			for b.Loop() {
				if _, err := Compile(src, env); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(src)), "ns/B")
		})
	}
}

// TestCompileLimits: an expression too long or nested too deep is a
// short compile error that does not quote the expression; one at the
// limits compiles.
func TestCompileLimits(t *testing.T) {
	deep := func(n int) string { return strings.Repeat("(", n) + "1" + strings.Repeat(")", n) }
	calls := func(n int) string { return strings.Repeat("abs(", n) + "1" + strings.Repeat(")", n) }
	for _, c := range []struct {
		name, src string
		want      string // "" compiles
		col       int
	}{
		{"1 MiB", chainOf(1 << 20), "", 0},
		{"nesting at the limit", deep(MaxNesting), "", 0},
		{"too long", strings.Repeat("1+", MaxSource/2) + "1", "the expression is 4.0 MiB, more than the 4.0 MiB an expression may have; split it into signals or state variables", 1},
		{"10 MiB", strings.Repeat("1+", 5<<20) + "1", "the expression is 10.0 MiB, more than the 4.0 MiB", 1},
		{"parentheses too deep", deep(MaxNesting + 1), "brackets nested more than 1000 deep", MaxNesting + 1},
		{"calls too deep", calls(MaxNesting + 1), "brackets nested more than 1000 deep", 4*MaxNesting + 4},
		{"a chain past the parser's depth", strings.Repeat("1+", maxParserNesting+10) + "1", "syntax error: more than 100000 operations nested or chained", 0},
		{"unary signs past the parser's depth", strings.Repeat("-+", maxParserNesting/2+10) + "1", "syntax error: more than 100000 operations nested or chained", 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			env := NewEnv(nil)
			env.Float("x", func(*gds.Ctx) float64 { return 1 })
			_, err := Compile(c.src, env)
			if c.want == "" {
				if err != nil {
					t.Fatalf("err = %.200v, want none", err)
				}
				return
			}
			var ee *Error
			if !errors.As(err, &ee) {
				t.Fatalf("err = %.200v, want an *Error", err)
			}
			if !strings.Contains(ee.Msg, c.want) {
				t.Errorf("message %.300q, want it to contain %q", ee.Msg, c.want)
			}
			if len(err.Error()) > 300 {
				t.Errorf("message is %d bytes long, want a short one: %.300q", len(err.Error()), err)
			}
			if c.col != 0 && ee.Col != c.col {
				t.Errorf("col %d, want %d", ee.Col, c.col)
			}
		})
	}
}
