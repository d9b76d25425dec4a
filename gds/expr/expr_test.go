package expr_test

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/gds/expr"
)

// TestValues evaluates expressions inside a run of the fixture model at
// timestep 3, PSUB 2, and compares the results bit for bit.
func TestValues(t *testing.T) {
	inf := math.Inf(1)
	nan := math.NaN()
	negZero := math.Copysign(0, -1)
	cases := []struct {
		src  string
		want any
	}{
		// literals
		{"1", int64(1)},
		{"1.0", 1.0},
		{"1e-3", 1e-3},
		{".5", 0.5},
		{"0x1f", int64(31)},
		{"0b101", int64(5)},
		{"0o17", int64(15)},
		{"1_000", int64(1000)},
		{"0", int64(0)},
		{"0.25", 0.25},
		{"1e-400", 0.0},
		{"0x1p-2", 0.25},
		{"1_000.5", 1000.5},
		{"-0.0", negZero},
		{"-(0.0)", negZero},
		{"-9223372036854775808", int64(math.MinInt64)},
		{"true", true},
		{"false", false},
		{`"abc"`, "abc"},
		{"`raw`", "raw"},
		{`"a\tb"`, "a\tb"},
		// precedence and parentheses
		{"1 + 2 * 3", int64(7)},
		{"(1 + 2) * 3", int64(9)},
		{"2 - 3 - 4", int64(-5)},
		{"-(2 + 3)", int64(-5)},
		{"+n", nV},
		// true division
		{"7 / 2", 3.5},
		{"-7 / 2", -3.5},
		{"6 / 3", 2.0},
		{"n / k", float64(nV) / float64(kV)},
		{"1 / 0", inf},
		{"0 / 0", nan},
		{"prey / 0", inf},
		// Python's modulo
		{"7 % 3", int64(1)},
		{"-7 % 3", int64(2)},
		{"7 % -3", int64(-2)},
		{"-7 % -3", int64(-1)},
		{"n % k", nV % kV},
		{"-n % k", int64(2)},
		{"n % -k", int64(-2)},
		{"-7.5 % 2", 0.5},
		{"7.5 % -2", -0.5},
		{"7.5 % 2", 1.5},
		{"-prey % 3", 2.0},
		{"5.0 % 0", nan},
		{"-0.0 % 5", 0.0},
		{"0.0 % -5", negZero},
		{"6.0 % -3", negZero},
		{"-5 % inf", inf},
		// float arithmetic, left to right
		{"alpha*prey - 3", float64(float64(alphaV*preyV) - 3)},
		{"alpha*prey*predator", float64(float64(alphaV*preyV) * predV)},
		{"alpha*prey + predator*alpha", float64(float64(alphaV*preyV) + float64(predV*alphaV))},
		{"prey / 3 * 3", float64(float64(preyV/3) * 3)},
		{"0.1 + 0.2", float64(tenth + fifth)},
		{"n * k + 1", nV*kV + 1},
		{"n - 2", nV - 2},
		{"n * 2", nV * 2},
		{"2 - n", 2 - nV},
		{"n < 8", true},
		{"n >= 8", false},
		{"n == 7 && n != 6 && n <= 7 && n > 6", true},
		{"prey == 10 && prey != 9 && prey < 10.5 && prey <= 10 && prey > 9 && prey >= 10", true},
		{"5 < prey", true},
		{"n + 0.5", 7.5},
		{"n - alpha", float64(float64(nV) - alphaV)},
		// comparisons and logic
		{"prey > predator", true},
		{"prey <= predator", false},
		{"n == 7", true},
		{"n == 7.0", true},
		{"n < 7.5", true},
		{"n >= k", true},
		{"n != k", true},
		{`mode == "normal"`, true},
		{"mode != label", true},
		{"flag == off", false},
		{"flag != off", true},
		{"nan == nan", false},
		{"nan != nan", true},
		{"flag && !off", true},
		{"off || n > 3", true},
		{"off && n > 3", false},
		{"!(prey > 1) || flag", true},
		// strings
		{`mode + "-" + label`, "normal-pp"},
		{`"a" + "b"`, "ab"},
		// built-in names
		{"t", int64(evalT)},
		{"substep", int64(2)},
		{"simulation", int64(0)},
		{"subset", int64(0)},
		{"run", int64(1)},
		{"pi", math.Pi},
		{"e", math.E},
		{"inf", inf},
		{"-inf", math.Inf(-1)},
		{"nan", nan},
		// math
		{"abs(-3)", int64(3)},
		{"abs(-2.5)", 2.5},
		{"sqrt(16)", 4.0},
		{"sqrt(prey)", math.Sqrt(preyV)},
		{"exp(1)", math.Exp(one)},
		{"log(e)", math.Log(math.E)},
		{"log(8, 2)", math.Log(8) / math.Log(2)},
		{"log10(1000)", math.Log10(1000)},
		{"expm1(1e-10)", math.Expm1(1e-10)},
		{"log1p(-1e-10)", math.Log1p(-1e-10)},
		{"-expm1(10.0 * log1p(-2.9e-9))", -math.Expm1(10 * math.Log1p(-2.9e-9))},
		{"log2(8)", 3.0},
		{"sin(pi/2)", math.Sin(math.Pi / 2)},
		{"cos(0)", 1.0},
		{"tan(alpha)", math.Tan(alphaV)},
		{"asin(1)", math.Asin(1)},
		{"acos(0.5)", math.Acos(0.5)},
		{"atan(1)", math.Atan(1)},
		{"atan2(1, -1)", math.Atan2(1, -1)},
		{"floor(-2.5)", -3.0},
		{"ceil(2.1)", 3.0},
		{"round(2.5)", 3.0},
		{"round(-2.5)", -3.0},
		{"round(0.49999999999999994)", 0.0},
		{"trunc(-2.7)", -2.0},
		{"pow(2, 10)", 1024.0},
		{"pow(prey, 0.5)", math.Pow(preyV, 0.5)},
		{"min(3, 1, 2)", int64(1)},
		{"max(n, k)", nV},
		{"max(n, 7.5)", 7.5},
		{"min(prey, predator)", predV},
		{"max(prey - 20, 0.0)", 0.0},
		{"max(nan, 1.0)", nan},
		{"min(1.0, nan, 2)", nan},
		{"min(v)", 1.0},
		{"max(w)", 6.0},
		{"vmin(weights)", 0.25},
		{"vmax(v)", 3.0},
		{"clip(15, 0, 10)", int64(10)},
		{"clip(prey, 0, 7.5)", 7.5},
		{"clip(-1, 0, 10.0)", 0.0},
		{"clip(prey, predator, 20)", preyV},
		{"sign(-3)", int64(-1)},
		{"sign(0)", int64(0)},
		{"sign(2.5)", 1.0},
		{"sign(-0.0)", negZero},
		{"isnan(nan)", true},
		{"isnan(prey)", false},
		{"isinf(-inf)", true},
		{"isinf(n)", false},
		{"float(n)", 7.0},
		{"float(flag)", 1.0},
		{"float(prey)", preyV},
		{"int(2.9)", int64(2)},
		{"int(-2.9)", int64(-2)},
		{"int(prey / 3)", int64(3)},
		{"int(off)", int64(0)},
		{"int(n)", nV},
		// ifelse
		{"ifelse(flag, 1, 2)", int64(1)},
		{"ifelse(off, 1, 2.5)", 2.5},
		{"ifelse(prey > 1, 1, 2.5)", 1.0},
		{`ifelse(n > 3, "big", "small")`, "big"},
		{"ifelse(flag, v, w)", vV},
		{"ifelse(off, v, w)", wV},
		{"ifelse(prey < 0, true, off)", false},
		// vectors
		{"v[0]", 1.0},
		{"v[k - 1]", 3.0},
		{"v[1] * w[2]", 12.0},
		{"v + w", []float64{5, 7, 9}},
		{"w - v", []float64{3, 3, 3}},
		{"v * w", []float64{4, 10, 18}},
		{"v / w", []float64{1.0 / wV[0], 2.0 / wV[1], 3.0 / wV[2]}},
		{"v * 2", []float64{2, 4, 6}},
		{"2 * v", []float64{2, 4, 6}},
		{"10 - v", []float64{9, 8, 7}},
		{"v - 1", []float64{0, 1, 2}},
		{"v + 0.5", []float64{1.5, 2.5, 3.5}},
		{"0.5 + v", []float64{1.5, 2.5, 3.5}},
		{"1 / w", []float64{1 / wV[0], 1 / wV[1], 1 / wV[2]}},
		{"w / 2", []float64{2, 2.5, 3}},
		{"-v", []float64{-1, -2, -3}},
		{"+v", vV},
		{"v * alpha", []float64{float64(vV[0] * alphaV), float64(vV[1] * alphaV), float64(vV[2] * alphaV)}},
		{"empty + empty", []float64{}},
		{"sum(v)", 6.0},
		{"sum(empty)", 0.0},
		{"sum(weights)", 1.0},
		{"mean(w)", 5.0},
		{"mean(empty)", nan},
		{"len(v)", int64(3)},
		{"len(empty)", int64(0)},
		{"prod(w)", 120.0},
		{"prod(empty)", 1.0},
		{"dot(v, w)", 32.0},
		{"dot(v, weights)", float64(float64(float64(0+float64(vV[0]*weightsV[0]))+float64(vV[1]*weightsV[1])) + float64(vV[2]*weightsV[2]))},
		{"cumsum(v)", []float64{1, 3, 6}},
		{"cumsum(empty)", []float64{}},
		{"rotate(v, 1)", []float64{3, 1, 2}},
		{"rotate(v, -1)", []float64{2, 3, 1}},
		{"rotate(v, 4)", []float64{3, 1, 2}},
		{"rotate(v, 0) - v", []float64{0, 0, 0}},
		{"rotate(empty, 2)", []float64{}},
		{"rotate(v, 1) - v", []float64{2, -1, -1}},
		{"fill(3, 2.5)", []float64{2.5, 2.5, 2.5}},
		{"fill(2, n)", []float64{7, 7}},
		{"fill(0, 1)", []float64{}},
		{"zeros(2)", []float64{0, 0}},
		{"sort(-v)", []float64{-3, -2, -1}},
		{"sort(w - v * 2)", []float64{0, 1, 2}},
		{"gini(w)", refGini(wV)},
		{"gini(v * v)", refGini([]float64{1, 4, 9})},
		{"gini(zeros(3))", 0.0},
		{"gini(empty)", 0.0},
		{"gini(fill(4, 1))", 0.0},
		{"gini(cumsum(zeros(3)) + ifelse(flag, fill(3, 1), v) * 0)", 0.0},
		// several vector subexpressions alive at once use their own
		// scratch buffers
		{"(v + 1) * (w - 1)", []float64{6, 12, 20}},
		{"dot(v * 2, w * 3)", 192.0},
		{"sort(w * -1) + v * 2", []float64{-4, -1, 2}},
		{"(v + w) - (w + v) + (v * w) / (w * v)", []float64{1, 1, 1}},
		{"sum(v * w) / len(v)", 32.0 / 3},
		{"cumsum(v) - cumsum(w)", []float64{-3, -6, -9}},
		// lags: x = 10t, cnt = t, hist = [t, 2t], read at t = 3
		{"x", 30.0},
		{"lag(x, 1)", 20.0},
		{"lag(x, 2)", 10.0},
		{"lag(x, 2 - 1)", 20.0},
		{"lag((x), 1)", 20.0},
		{"lag(cnt, 1)", int64(2)},
		{"lag(cnt, 2) + cnt", int64(4)},
		{"lag(hist, 1)", []float64{2, 4}},
		{"hist - lag(hist, 1)", []float64{1, 2}},
		{"(x - lag(x, 1)) / lag(x, 1)", 0.5},
		// layout
		{"prey\n+ predator", 15.0},
		{" prey\t*\r\n2 ", 20.0},
	}
	for _, tc := range cases {
		res, err := run(tc.src, 1)
		if err != nil {
			t.Errorf("%q: %v", tc.src, err)
			continue
		}
		if want := typeOf(tc.want); res.typ != want {
			t.Errorf("%q: type %v, want %v", tc.src, res.typ, want)
			continue
		}
		if !same(res.val, tc.want) {
			t.Errorf("%q = %v (%T), want %v", tc.src, res.val, res.val, tc.want)
		}
	}
}

// Variables, so that Go computes these at run time.
var tenth, fifth, one = 0.1, 0.2, 1.0

func TestExprFields(t *testing.T) {
	f := newFixture()
	x, err := expr.Compile("alpha*prey + lag(x, 1) + prey + t + len(v)", f.env)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"alpha", "prey", "v", "x"}; !slices.Equal(x.Names, want) {
		t.Errorf("Names = %v, want %v", x.Names, want)
	}
	if x.Src != "alpha*prey + lag(x, 1) + prey + t + len(v)" || x.Kind != gds.KindFloat || x.Float == nil || x.Int != nil || x.Vec != nil {
		t.Errorf("fields: %+v", x)
	}
	// An Int expression has Float too, converted; a constant reads no name.
	x, err = expr.Compile("2 + 3", f.env)
	if err != nil {
		t.Fatal(err)
	}
	if x.Kind != gds.KindInt || x.Int(nil) != 5 || x.Float(nil) != 5.0 || x.Names != nil {
		t.Errorf("2 + 3: %+v", x)
	}
	x, _ = expr.Compile("t * 2", f.env)
	if got := x.Float(&gds.Ctx{T: 21}); got != 42 {
		t.Errorf("Float of t * 2 at t = 21: %v", got)
	}
	for _, src := range []string{"flag", "mode", "v"} {
		x, err := expr.Compile(src, f.env)
		if err != nil {
			t.Fatal(err)
		}
		if x.Float != nil {
			t.Errorf("%q: a %v expression has Float", src, x.Kind)
		}
	}
	names := f.env.Names()
	want := []string{"alpha", "cnt", "d_prey", "empty", "flag", "hist", "k", "label", "lalpha", "ld", "lpred", "lprey", "mode", "n", "off", "predator", "prey", "v", "w", "weights", "x"}
	if !slices.Equal(names, want) {
		t.Errorf("Env.Names() = %v, want %v", names, want)
	}
}

func TestEnvNameShadowsBuiltin(t *testing.T) {
	env := expr.NewEnv(nil)
	env.Float("e", func(*gds.Ctx) float64 { return 2 })
	env.Int("t", func(*gds.Ctx) int64 { return 7 })
	env.Float("sum", func(*gds.Ctx) float64 { return 1 })
	x, err := expr.Compile("e * t + sum", env)
	if err != nil {
		t.Fatal(err)
	}
	if got := x.Float(&gds.Ctx{T: 100}); got != 15 {
		t.Errorf("e * t + sum = %v, want 15 (the Env's e and t)", got)
	}
	if !slices.Equal(x.Names, []string{"e", "sum", "t"}) {
		t.Errorf("Names = %v", x.Names)
	}
}

// TestDottedNames: a name declared with a dot (an agent's wallet,
// router.usd) is read as a selector; other selectors stay errors.
func TestDottedNames(t *testing.T) {
	env := expr.NewEnv(nil)
	env.Float("router.usd", func(*gds.Ctx) float64 { return 3 })
	env.Float("usd", func(*gds.Ctx) float64 { return 100 })
	x, err := expr.Compile("router.usd * 2 + usd", env)
	if err != nil {
		t.Fatal(err)
	}
	if got := x.Float(&gds.Ctx{}); got != 106 || !slices.Equal(x.Names, []string{"router.usd", "usd"}) {
		t.Errorf("router.usd * 2 + usd = %v (names %v), want 106", got, x.Names)
	}
	for src, want := range map[string]string{
		"router.eur":    `col 1: router.eur: selectors (a.b) are not supported; values have no fields`,
		"router.usd(2)": `col 1: usd is a value, not a function`,
		"dao.usd":       `col 1: dao.usd: selectors (a.b) are not supported`,
	} {
		if _, err := expr.Compile(src, env); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v, want %q", src, err, want)
		}
	}
}

// TestCompileErrors checks every kind of compile error, its column and
// its message.
func TestCompileErrors(t *testing.T) {
	cases := []struct {
		src string
		col int
		msg string
	}{
		// names and functions
		{"alhpa * 2", 1, `unknown name "alhpa" (did you mean "alpha"?)`},
		{"prey + alhpa", 8, `unknown name "alhpa" (did you mean "alpha"?)`},
		{"True", 1, `unknown name "True" (did you mean "true"?)`},
		{"Prey", 1, `unknown name "Prey" (did you mean "prey"?)`},
		{"timestep", 1, `unknown name "timestep" (the timestep is t)`},
		{"zzzzzzzz", 1, `unknown name "zzzzzzzz"`},
		{"sqr(2)", 1, `unknown function "sqr" (did you mean "sqrt"?)`},
		{"float64(n)", 1, `unknown function "float64" (did you mean "float"?)`},
		{"prey(2)", 1, `prey is a float, not a function`},
		{"1 + sqrt", 5, `sqrt is a function: call it, as in sqrt(...)`},
		{"2 * lag", 5, `lag is a function: call it, as in lag(...)`},
		{`"é" + mod`, 7, `unknown name "mod" (did you mean "mode"?)`},
		// arity
		{"sqrt(1, 2)", 1, `sqrt takes 1 argument, got 2`},
		{"1 + atan2(1)", 5, `atan2 takes 2 arguments, got 1`},
		{"log(1, 2, 3)", 1, `log takes 1 or 2 arguments, got 3`},
		{"min()", 1, `min takes at least 1 argument, got 0`},
		{"max(1)", 1, `max takes one vector or at least 2 numbers, got one int`},
		{"ifelse(flag, 1)", 1, `ifelse takes 3 arguments, got 2`},
		{"sum(1, 2)", 1, `sum takes 1 argument, got 2`},
		{"lag(x)", 1, `lag takes 2 arguments, got 1`},
		// types
		{"flag + 1.0", 6, `cannot add bool and float`},
		{"mode - 1", 6, `cannot subtract int from string`},
		{"flag * 2", 6, `cannot multiply bool by int`},
		{"mode / 2", 6, `cannot divide string by int`},
		{"flag % 2", 6, `cannot compute bool % int`},
		{"v + mode", 3, `cannot add vector and string`},
		{"mode + 1", 6, `cannot add string and int`},
		{"ifelse(flag, n, mode)", 1, `ifelse branches have types int and string`},
		{"ifelse(flag, v, 1.0)", 1, `ifelse branches have types vector and float`},
		{"ifelse(n, 1, 2)", 1, `ifelse wants a bool condition, got int`},
		{"sqrt(v)", 1, `sqrt wants a number, got vector`},
		{"abs(flag)", 1, `abs wants a number, got bool`},
		{"atan2(1, mode)", 1, `atan2 wants numbers, got string as argument 2`},
		{"min(v, w)", 1, `min of a vector takes one argument (element-wise min is not supported)`},
		{"sum(n)", 1, `sum wants a vector, got int`},
		{"len(mode)", 1, `len wants a vector, got string`},
		{"dot(v, 1)", 1, `dot wants vectors, got int as argument 2`},
		{"fill(2.5, 1)", 1, `fill wants an int length, got float`},
		{"fill(2, v)", 1, `fill wants a number to fill with, got vector`},
		{"int(mode)", 1, `int wants a number or a bool, got string`},
		{"float(v)", 1, `float wants a number or a bool, got vector`},
		{"normal(0, v)", 1, `normal wants numbers, got vector as argument 2`},
		{"v % 2", 3, `operator % is not defined on vectors`},
		{"v < w", 3, `cannot compare vector and vector`},
		{"prey == mode", 6, `cannot compare float and string`},
		{"mode < label", 6, `operator < is not defined on strings (only == and !=)`},
		{"flag > off", 6, `operator > is not defined on bools (only == and !=)`},
		{"prey && flag", 6, `operator && wants bools, got float and bool`},
		{"flag || 1", 6, `operator || wants bools, got bool and int`},
		{"!prey", 1, `operator ! wants a bool, got float`},
		{"-mode", 1, `cannot negate string`},
		{"+flag", 1, `unary + wants a number, got bool`},
		{"prey[0]", 5, `cannot index a float (only vectors have elements)`},
		{"v[1.5]", 3, `a vector index must be an int, got float`},
		{"v[-1]", 3, `negative vector index -1`},
		// lag
		{"lag(x, t)", 8, `lag: k must be a constant, as in lag(x, 1)`},
		{"lag(x, 3)", 8, `lag: "x" keeps 2 lags; k = 3 is out of range 1..2`},
		{"lag(hist, 2)", 11, `lag: "hist" keeps 1 lag; k = 2 is out of range 1..1`},
		{"lag(x, 0)", 8, `lag: "x" keeps 2 lags; k = 0 is out of range 1..2`},
		{"lag(x, -1)", 8, `lag: "x" keeps 2 lags; k = -1 is out of range 1..2`},
		{"lag(x, 1.0)", 8, `lag: k must be an int, got float`},
		{"lag(prey, 1)", 5, `lag: "prey" keeps no lags`},
		{"lag(xx, 1)", 5, `lag: unknown name "xx" (did you mean "x"?)`},
		{"lag(x + 1, 1)", 5, `lag wants a name as its first argument, as in lag(x, 1)`},
		{"lag(x, alhpa)", 8, `unknown name "alhpa" (did you mean "alpha"?)`},
		// constants evaluated at compile time
		{"n % 0", 3, `integer modulo by zero`},
		{"1 + 1 % (2 - 2)", 7, `integer modulo by zero`},
		{"int(nan)", 1, `int(NaN): out of the range of int`},
		{"int(1e19)", 1, `int(1e+19): out of the range of int`},
		// literals
		{"017", 1, `leading zeros in integer literals are not allowed (017); write 0o17 for an octal number`},
		{"99999999999999999999", 1, `integer literal 99999999999999999999 is out of range for int (64 bits)`},
		{"-9223372036854775809", 1, `integer literal -9223372036854775809 is out of range for int (64 bits)`},
		{"1e400", 1, `float literal 1e400 is out of range for float (use inf for infinity)`},
		{"'a'", 1, `character literals are not supported; write strings in double quotes`},
		{"2i", 1, `imaginary numbers are not supported`},
		// operators and Go-only constructs
		{"prey ** 2", 6, `** is not an operator: write pow(a, b)`},
		{"prey ^ 2", 6, `operator ^ is not supported (for powers, write pow(a, b))`},
		{"n & 1", 3, `operator & is not supported (for logical and, write &&)`},
		{"n | 1", 3, `operator | is not supported (for logical or, write ||)`},
		{"n << 1", 3, `operator << is not supported`},
		{"n >> 1", 3, `operator >> is not supported`},
		{"n &^ 1", 3, `operator &^ is not supported`},
		{"^n", 1, `operator ^ is not supported`},
		{"prey // 2", 6, `// starts a comment, and expressions have none (for floor division write floor(a / b))`},
		{"prey /* note */", 6, `/* starts a comment, and expressions have none`},
		{"math.Sqrt(2)", 1, `math.Sqrt: selectors (a.b) are not supported; call sqrt(...) directly`},
		{"1 + np.sqrt(2)", 5, `np.sqrt: selectors (a.b) are not supported; call sqrt(...) directly`},
		{"math.Pi + 1", 1, `math.Pi: selectors (a.b) are not supported; write pi`},
		{"np.e", 1, `np.e: selectors (a.b) are not supported; write e`},
		{"prey.size", 1, `prey.size: selectors (a.b) are not supported; values have no fields`},
		{"v[1:2]", 2, `slices (v[i:j]) are not supported`},
		{"v[n, k]", 2, `an index has one integer: v[i]`},
		{"[]float64{1, 2}", 1, `composite literals (T{...}) are not supported`},
		{"func() float64 { return 1 }", 1, `function literals are not supported`},
		{"[]int(v)", 1, `types are not supported in expressions`},
		{"v.(int)", 2, `type assertions (x.(T)) are not supported`},
		{"<-ch", 1, `channel receive (<-) is not supported`},
		{"&prey", 1, `the address operator & is not supported`},
		{"*prey", 1, `pointer indirection (*x) is not supported`},
		{"sum(v...)", 6, `... is not supported`},
		{"(sqrt)(4) + f()(1)", 13, `only built-in functions can be called, by name`},
		// syntax
		{"prey and flag", 6, `syntax error: write && instead of and`},
		{"flag or off", 6, `syntax error: write || instead of or`},
		{"not flag", 1, `syntax error: write ! instead of not`},
		{"1 if flag else 2", 3, `syntax error: write ifelse(cond, a, b) instead of a if cond else b`},
		{"(prey", 6, `syntax error: expected ')', found end of expression`},
		{"prey +", 7, `syntax error: expected operand, found end of expression`},
		{"", 1, `syntax error: expected operand, found end of expression`},
		{"  ", 3, `syntax error: expected operand, found end of expression`},
		{"prey)", 5, `syntax error: unexpected ')'`},
		{"prey predator", 6, `syntax error: unexpected predator`},
		{"a = 1", 3, `syntax error: expected '==', found '='`},
		{`"abc`, 1, `syntax error: string literal not terminated`},
		{"prey; 2", 5, `syntax error: unexpected ';'`},
		{"0x", 3, `syntax error: hexadecimal literal has no digits`},
	}
	f := newFixture()
	for _, tc := range cases {
		x, err := expr.Compile(tc.src, f.env)
		if err == nil {
			t.Errorf("%q: compiled to a %v, want an error", tc.src, x.Kind)
			continue
		}
		var ee *expr.Error
		if !errors.As(err, &ee) {
			t.Errorf("%q: error %T %v, want *expr.Error", tc.src, err, err)
			continue
		}
		if ee.Col != tc.col || ee.Msg != tc.msg || ee.Src != tc.src {
			t.Errorf("%q:\n got col %d: %s\nwant col %d: %s", tc.src, ee.Col, ee.Msg, tc.col, tc.msg)
		}
		if want := "col " + itoa(tc.col) + ": " + tc.msg; err.Error() != want {
			t.Errorf("%q: Error() = %q, want %q", tc.src, err.Error(), want)
		}
	}
}

func itoa(n int) string {
	var b []byte
	if n == 0 {
		return "0"
	}
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

func TestEnvProblems(t *testing.T) {
	env := expr.NewEnv(nil)
	env.Float("z", func(*gds.Ctx) float64 { return 1 })
	env.Vec("z", func(*gds.Ctx) []float64 { return nil })
	env.Float("nilf", nil)
	env.Float("only_lag", func(*gds.Ctx) float64 { return 1 })
	env.FloatLag("lz", func(*gds.Ctx, int) float64 { return 1 }, 2)
	env.IntLag("lz", func(*gds.Ctx, int) int64 { return 1 }, 2)
	env.FloatLag("nolags", func(*gds.Ctx, int) float64 { return 1 }, 0)
	env.Vec("vv", func(*gds.Ctx) []float64 { return nil })
	cases := []struct {
		src string
		col int
		msg string
	}{
		{"1 + z", 5, `name "z" is declared 2 times (as float, vector)`},
		{"nilf", 1, `name "nilf" is declared with a nil accessor`},
		{"lz", 1, `"lz" is declared only for lag: read it with lag(lz, k)`},
		{"lag(lz, 1)", 5, `lag: name "lz" is declared 2 times (as float, int)`},
		{"lag(nolags, 1)", 5, `lag: "nolags" keeps no lags`},
		{"vv + 1", 4, `vector operations need scratch space: make the Env with NewEnv(b) for a gds.Builder b`},
		{"sort(vv)", 1, `vector operations need scratch space: make the Env with NewEnv(b) for a gds.Builder b`},
	}
	for _, tc := range cases {
		_, err := expr.Compile(tc.src, env)
		var ee *expr.Error
		if !errors.As(err, &ee) || ee.Col != tc.col || ee.Msg != tc.msg {
			t.Errorf("%q: got %v, want col %d: %s", tc.src, err, tc.col, tc.msg)
		}
	}
	// Reading a vector needs no scratch; neither do reductions.
	for _, src := range []string{"vv", "sum(vv) + len(vv) + vv[0]", "ifelse(true, vv, vv)"} {
		if _, err := expr.Compile(src, env); err != nil {
			t.Errorf("%q: %v", src, err)
		}
	}
	// A nil Env knows only the built-ins.
	if x, err := expr.Compile("t + 1", nil); err != nil || x.Int(&gds.Ctx{T: 4}) != 5 {
		t.Errorf("nil Env: %v", err)
	}
}

// TestRuntimeErrors checks that evaluation errors fail the job with a
// *gds.BlockError that unwraps to an *expr.EvalError.
func TestRuntimeErrors(t *testing.T) {
	cases := []struct {
		src string
		col int
		msg string
	}{
		{"v[n]", 2, `index 7 out of range for a vector of length 3`},
		{"v[3]", 2, `index 3 out of range for a vector of length 3`},
		{"v[k - 4]", 2, `index -1 out of range for a vector of length 3`},
		{"empty[0]", 6, `index 0 out of range for a vector of length 0`},
		{"v + empty", 3, `cannot add vectors of lengths 3 and 0`},
		{"v - hist", 3, `cannot subtract vectors of lengths 3 and 2`},
		{"hist * v", 6, `cannot multiply vectors of lengths 2 and 3`},
		{"v / hist", 3, `cannot divide vectors of lengths 3 and 2`},
		{"dot(v, hist)", 1, `dot of vectors of lengths 3 and 2`},
		{"n % (k - 3)", 3, `integer modulo by zero (7 % 0)`},
		{"int(prey / 0)", 1, `int(+Inf): out of the range of int`},
		{"1 + int(-prey / 0)", 5, `int(-Inf): out of the range of int`},
		{"min(empty)", 1, `min of an empty vector`},
		{"vmax(empty)", 1, `max of an empty vector`},
		{"fill(-n, 1)", 1, `fill: length -7 out of range 0..2147483647`},
		{"poisson(-prey)", 1, `poisson: lambda must be a finite number >= 0, got -10`},
		{"poisson(prey / 0)", 1, `poisson: lambda must be a finite number >= 0, got +Inf`},
		{"poisson(0 * (prey / 0))", 1, `poisson: lambda must be a finite number >= 0, got NaN`},
	}
	for _, tc := range cases {
		_, err := run(tc.src, 1)
		var be *gds.BlockError
		if !errors.As(err, &be) {
			t.Errorf("%q: error %v, want a *gds.BlockError", tc.src, err)
			continue
		}
		ee := evalErr(err)
		if ee == nil || ee.Col != tc.col || ee.Msg != tc.msg || ee.Src != tc.src {
			t.Errorf("%q: got %#v, want col %d: %s", tc.src, ee, tc.col, tc.msg)
			continue
		}
		if be.Timestep != evalT || !strings.Contains(be.Error(), ee.Error()) {
			t.Errorf("%q: BlockError %v", tc.src, be)
		}
	}
	_, err := run("v[n]", 1)
	if want := `expression "v[n]": col 2: index 7 out of range for a vector of length 3`; evalErr(err).Error() != want {
		t.Errorf("EvalError.Error() = %q, want %q", evalErr(err).Error(), want)
	}
}

// TestConst: Expr.Const marks folded constants, which evaluate without a
// Ctx; names, t and random draws are not constants.
func TestConst(t *testing.T) {
	env := expr.NewEnv(nil)
	env.Float("x", func(*gds.Ctx) float64 { return 1 })
	for src, want := range map[string]bool{"-0.5": true, "2*3 - 1": true, "sqrt(4.0)": true, "x": false, "x + 1.0": false, "t": false, "normal(0, 1)": false} {
		x, err := expr.Compile(src, env)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		if x.Const != want {
			t.Errorf("%s: Const = %v, want %v", src, x.Const, want)
		}
		if x.Const && x.Float(nil) != map[string]float64{"-0.5": -0.5, "2*3 - 1": 5, "sqrt(4.0)": 2}[src] {
			t.Errorf("%s = %v", src, x.Float(nil))
		}
	}
}
