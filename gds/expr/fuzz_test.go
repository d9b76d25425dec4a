package expr_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/gds/expr"
)

// FuzzCompile: Compile never panics; its errors are *expr.Error with a
// column inside the source; an expression that compiles has the
// evaluation function of its type, and evaluating it inside a run either
// returns or fails with an *expr.EvalError, never another panic.
func FuzzCompile(f *testing.F) {
	for _, s := range []string{
		"1", "1.5", "-9223372036854775808", `"a" + mode`, "true && !off",
		"(alpha*prey - 0.4*prey*predator)*0.01 + 0.05*prey*normal(0, 1)*sqrt(0.01)",
		"max(prey + d_prey, 0.0)", "n % k", "-7.5 % 2", "7 / 2", "v[n % 3]", "v + w * 2 - 1 / w",
		"sort(-v) + cumsum(w)", "gini(v * w)", "dot(v, weights)", "mean(empty)", "min(v)", "lag(x, 2) + lag(cnt, 1)",
		"lag(hist, 1) - hist", "ifelse(flag, v, w)", "ifelse(n > 3, 1, 2.5)", "int(prey / 3) + len(v)",
		"poisson(3) + poisson(prey * 10)", "bernoulli(0.5) || flag", "uniform(0, 1) < exponential(2)",
		"clip(prey, 0, 7.5) + sign(-3) + abs(-2) + round(2.5)", "pow(2, 10) + atan2(1, 1) + log(8, 2)",
		"prey ** 2", "a.b", "v[1:2]", "[]int{1}", "func() {}", "x.(int)", "<-c", "&x", "*x", "prey // 2",
		"prey and flag", "1 if flag else 2", "(prey", "017", "1e400", "'a'", "2i", "v[-1]", "n % 0", "lag(x, 3)",
		"sum(v...)", "f()(1)", "prey\n+ predator", "`raw\nstring`", "ifelse(true, \"é\", mode)",
		"over(v, 1)", "over(1, 2)", "over(pop, type == \"a\")", "type == \"a\"", "prey.type", "expm1(log1p(-1e-9))",
		"9223372036854775807 + 1", "n * 4611686018427387904", "-(n - 9223372036854775807 - 1)", "abs(n * -3037000500)",
		"normal(0, -1)", "uniform(1, 0)", "lognormal(prey, -prey)",
		"lalpha*lprey*lpred - sqrt(lalpha) * 2", "max(lprey + ld, 0.0)", "(lprey - lalpha) / (lalpha * lpred)",
		"lprey % lalpha + exp(-lalpha * 0.5)", "min(lpred * lprey, -1.0) + pow(lalpha, 2)", "ifelse(lprey > lalpha, sqrt(lalpha), lpred)",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		wd := time.AfterFunc(10*time.Second, func() { panic(fmt.Sprintf("compiling and evaluating %q took more than 10s", src)) })
		defer wd.Stop()
		fx := newFixture()
		x, err := expr.Compile(src, fx.env)
		if err != nil {
			var ee *expr.Error
			if !errors.As(err, &ee) {
				t.Fatalf("%q: error %T %v, want *expr.Error", src, err, err)
			}
			if ee.Col < 1 || ee.Col > utf8.RuneCountInString(src)+1 || ee.Msg == "" || ee.Src != src {
				t.Fatalf("%q: bad error %#v", src, ee)
			}
			if strings.Contains(ee.Msg, "internal error") {
				t.Fatalf("%q: %v", src, err)
			}
			return
		}
		var fn bool
		switch x.Kind {
		case gds.KindFloat:
			fn = x.Float != nil
		case gds.KindInt:
			fn = x.Int != nil && x.Float != nil
		case gds.KindBool:
			fn = x.Bool != nil
		case gds.KindString:
			fn = x.String != nil
		case gds.KindVec:
			fn = x.Vec != nil
		}
		if !fn {
			t.Fatalf("%q: a %v expression without its function: %+v", src, x.Kind, x)
		}
		if strings.Contains(src, "fill") || strings.Contains(src, "zeros") {
			return // may ask for vectors of any length
		}
		_, err = run(src, 1)
		var be *gds.BlockError
		if errors.As(err, &be) && evalErr(err) == nil {
			t.Fatalf("%q: evaluation panicked with %T: %v", src, be.Value, err)
		} else if err != nil && be == nil {
			t.Fatalf("%q: %v", src, err)
		}
	})
}
