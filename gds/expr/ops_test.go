package expr_test

import (
	"errors"
	"math"
	"math/big"
	"strings"
	"testing"

	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/gds/expr"
)

// pyMod is Python's float %.
func pyMod(x, y float64) float64 {
	m := math.Mod(x, y)
	if m != 0 {
		if (y < 0) != (m < 0) {
			m += y
		}
	} else {
		m = math.Copysign(0, y)
	}
	return m
}

func apply(op byte, x, y float64) float64 {
	switch op {
	case '+':
		return float64(x + y)
	case '-':
		return float64(x - y)
	case '*':
		return float64(x * y)
	case '/':
		return float64(x / y)
	}
	return pyMod(x, y)
}

// TestFloatOpsAllForms checks every float operator between names and
// constants on either side, and every chain of two operators (which the
// compiler fuses into one closure), against Go arithmetic rounded at
// each step.
func TestFloatOpsAllForms(t *testing.T) {
	var a, b, d float64
	env := expr.NewEnv(nil)
	env.Float("a", func(*gds.Ctx) float64 { return a })
	env.Float("b", func(*gds.Ctx) float64 { return b })
	env.Float("d", func(*gds.Ctx) float64 { return d })
	vals := []float64{0.1, -3.7, 1e300, 2, 0, math.Copysign(0, -1), math.Inf(-1), math.NaN(), 7}
	const k = 0.3
	ops := []byte("+-*/%")
	compile := func(src string) *expr.Expr {
		x, err := expr.Compile(src, env)
		if err != nil {
			t.Fatalf("%q: %v", src, err)
		}
		return x
	}
	for _, op1 := range ops {
		o1 := string(op1)
		forms := []struct {
			x   *expr.Expr
			ref func() float64
		}{
			{compile("a " + o1 + " b"), func() float64 { return apply(op1, a, b) }},
			{compile("a " + o1 + " 0.3"), func() float64 { return apply(op1, a, k) }},
			{compile("0.3 " + o1 + " a"), func() float64 { return apply(op1, k, a) }},
		}
		for _, op2 := range ops {
			o2 := string(op2)
			forms = append(forms,
				struct {
					x   *expr.Expr
					ref func() float64
				}{compile("a " + o1 + " b " + o2 + " d"), func() float64 {
					if (op2 == '*' || op2 == '/' || op2 == '%') && (op1 == '+' || op1 == '-') {
						return apply(op1, a, apply(op2, b, d))
					}
					return apply(op2, apply(op1, a, b), d)
				}},
				struct {
					x   *expr.Expr
					ref func() float64
				}{compile("(a " + o1 + " b) " + o2 + " d"), func() float64 { return apply(op2, apply(op1, a, b), d) }},
			)
		}
		for _, f := range forms {
			for _, a = range vals {
				for _, b = range vals {
					for _, d = range vals[:4] {
						if got, want := f.x.Float(nil), f.ref(); !sameFloat(got, want) {
							t.Errorf("%s with a=%v b=%v d=%v: %v, want %v", f.x.Src, a, b, d, got, want)
						}
					}
				}
			}
		}
	}
}

// exact is x op y computed exactly: the int64, or errOverflow when the
// result does not fit.
func exact(op byte, x, y int64) any {
	bx, by := big.NewInt(x), big.NewInt(y)
	var r big.Int
	switch op {
	case '+':
		r.Add(bx, by)
	case '-':
		r.Sub(bx, by)
	default:
		r.Mul(bx, by)
	}
	if !r.IsInt64() {
		return errOverflow
	}
	return r.Int64()
}

var errOverflow = errors.New("integer overflow")

// evalChecked evaluates x, returning errOverflow if it fails with an
// integer overflow.
func evalChecked(x *expr.Expr) (v any) {
	defer func() {
		if r := recover(); r != nil {
			if ee, ok := r.(*expr.EvalError); ok && strings.Contains(ee.Msg, "integer overflow") {
				v = errOverflow
				return
			}
			panic(r)
		}
	}()
	return evaluate(x, nil)
}

// TestIntOpsAllForms does the same for int operators; +, - and * fail
// when the exact result leaves int64 instead of wrapping around.
func TestIntOpsAllForms(t *testing.T) {
	var a, b int64
	env := expr.NewEnv(nil)
	env.Int("a", func(*gds.Ctx) int64 { return a })
	env.Int("b", func(*gds.Ctx) int64 { return b })
	vals := []int64{-7, -1, 1, 3, 10, math.MaxInt64, math.MinInt64}
	ref := map[string]func(x, y int64) any{
		"+": func(x, y int64) any { return exact('+', x, y) },
		"-": func(x, y int64) any { return exact('-', x, y) },
		"*": func(x, y int64) any { return exact('*', x, y) },
		"/": func(x, y int64) any { return float64(x) / float64(y) },
		"%": func(x, y int64) any {
			m := x % y
			if m != 0 && (m < 0) != (y < 0) {
				m += y
			}
			return m
		},
		"<":  func(x, y int64) any { return x < y },
		"<=": func(x, y int64) any { return x <= y },
		">":  func(x, y int64) any { return x > y },
		">=": func(x, y int64) any { return x >= y },
		"==": func(x, y int64) any { return x == y },
		"!=": func(x, y int64) any { return x != y },
	}
	for op, f := range ref {
		for _, src := range []string{"a " + op + " b", "a " + op + " 3", "3 " + op + " a"} {
			x, err := expr.Compile(src, env)
			if err != nil {
				t.Fatal(err)
			}
			for _, a = range vals {
				for _, b = range vals {
					var want any
					switch src[0] {
					case '3':
						want = f(3, a)
					default:
						if src[len(src)-1] == '3' {
							want = f(a, 3)
						} else {
							want = f(a, b)
						}
					}
					if got := evalChecked(x); got != want && !same(got, want) {
						t.Errorf("%s with a=%d b=%d: %v, want %v", src, a, b, got, want)
					}
				}
			}
		}
	}
}
