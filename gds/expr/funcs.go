package expr

import (
	"fmt"
	"go/ast"
	"math"
	"slices"
	"strings"

	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/internal/names"
)

// fnSpec is a built-in function: its arity and its compiler, which gets
// the call's column and the compiled arguments.
type fnSpec struct {
	min, max int // arity; max < 0: no upper bound
	build    func(c *compiler, col int, name string, args []*node) (*node, error)
}

var (
	funcs     map[string]fnSpec
	funcNames []string // sorted, for suggestions
)

func init() {
	funcs = map[string]fnSpec{
		"abs": {1, 1, buildAbs}, "sign": {1, 1, buildSign},
		"sqrt": {1, 1, buildMath}, "exp": {1, 1, buildMath}, "log": {1, 2, buildLog},
		"expm1": {1, 1, buildMath}, "log1p": {1, 1, buildMath},
		"log10": {1, 1, buildMath}, "log2": {1, 1, buildMath},
		"sin": {1, 1, buildMath}, "cos": {1, 1, buildMath}, "tan": {1, 1, buildMath},
		"asin": {1, 1, buildMath}, "acos": {1, 1, buildMath}, "atan": {1, 1, buildMath},
		"floor": {1, 1, buildMath}, "ceil": {1, 1, buildMath}, "round": {1, 1, buildMath}, "trunc": {1, 1, buildMath},
		"atan2": {2, 2, buildMath2}, "pow": {2, 2, buildMath2},
		"min": {1, -1, buildMinMax}, "max": {1, -1, buildMinMax},
		"clip":  {3, 3, buildClip},
		"isnan": {1, 1, buildIsX}, "isinf": {1, 1, buildIsX},
		"float": {1, 1, buildFloat}, "int": {1, 1, buildInt},
		"ifelse": {3, 3, buildIfElse},
		"over":   {2, 2, nil}, // compiled by compiler.over
		"sum":    {1, 1, buildVecReduce}, "mean": {1, 1, buildVecReduce}, "prod": {1, 1, buildVecReduce},
		"vmin": {1, 1, buildVecReduce}, "vmax": {1, 1, buildVecReduce}, "gini": {1, 1, buildVecReduce},
		"len": {1, 1, buildLen}, "dot": {2, 2, buildDot},
		"cumsum": {1, 1, buildVecMap}, "sort": {1, 1, buildVecMap},
		"fill": {2, 2, buildFill}, "zeros": {1, 1, buildFill}, "rotate": {2, 2, buildRotate},
		"uniform": {2, 2, buildUniform}, "normal": {2, 2, buildNormal}, "lognormal": {2, 2, buildNormal},
		"exponential": {1, 1, buildExponential}, "poisson": {1, 1, buildPoisson}, "bernoulli": {1, 1, buildBernoulli},
		"lag": {2, 2, nil}, // compiled by compiler.lag, which needs the name unevaluated
	}
	for n := range funcs {
		funcNames = append(funcNames, n)
	}
	slices.Sort(funcNames)
}

// randomFuncs are the functions that draw from the job's random stream.
var randomFuncs = map[string]bool{"uniform": true, "normal": true, "lognormal": true, "exponential": true, "poisson": true, "bernoulli": true}

func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}

func (c *compiler) call(e *ast.CallExpr) (*node, error) {
	fun := ast.Unparen(e.Fun)
	id, ok := fun.(*ast.Ident)
	if !ok {
		switch f := fun.(type) {
		case *ast.SelectorExpr:
			if _, err := c.selector(f); err != nil {
				return nil, err
			}
			return nil, c.errAt(c.col(f.Pos()), "%s is a value, not a function", f.Sel.Name)
		case *ast.ArrayType, *ast.StructType, *ast.FuncType, *ast.InterfaceType, *ast.MapType, *ast.ChanType:
			return nil, c.errAt(c.col(f.Pos()), "types are not supported in expressions")
		}
		return nil, c.errAt(c.col(fun.Pos()), "only built-in functions can be called, by name")
	}
	col := c.col(id.Pos())
	name := id.Name
	spec, ok := funcs[name]
	if !ok {
		if b, declared := c.env.vars[name]; declared {
			return nil, c.errAt(col, "%s is a %s, not a function", name, b.typ)
		}
		return nil, c.errAt(col, "unknown function %q%s", name, names.Suggest(name, funcNames))
	}
	if e.Ellipsis.IsValid() {
		return nil, c.errAt(c.col(e.Ellipsis), "... is not supported")
	}
	n := len(e.Args)
	switch {
	case spec.max < 0 && n < spec.min:
		return nil, c.errAt(col, "%s takes at least %s, got %d", name, plural(spec.min, "argument"), n)
	case spec.max >= 0 && spec.min == spec.max && n != spec.min:
		return nil, c.errAt(col, "%s takes %s, got %d", name, plural(spec.min, "argument"), n)
	case spec.max >= 0 && (n < spec.min || n > spec.max):
		return nil, c.errAt(col, "%s takes %d or %d arguments, got %d", name, spec.min, spec.max, n)
	}
	if c.env.detached && (name == "lag" || randomFuncs[name]) {
		return nil, c.errAt(col, "%s reads a run's state or random stream; it has no value here, outside a run", name)
	}
	if name == "lag" {
		return c.lag(e)
	}
	if name == "over" {
		return c.over(col, e)
	}
	args := make([]*node, n)
	for i, a := range e.Args {
		x, err := c.expr(a)
		if err != nil {
			return nil, err
		}
		args[i] = x
	}
	return spec.build(c, col, name, args)
}

// wantNums checks that every argument is a number.
func (c *compiler) wantNums(col int, name string, args []*node) error {
	for i, a := range args {
		if !numeric(a.typ) {
			if len(args) == 1 {
				return c.errAt(col, "%s wants a number, got %s", name, a.typ)
			}
			return c.errAt(col, "%s wants numbers, got %s as argument %d", name, a.typ, i+1)
		}
	}
	return nil
}

// wantVec checks that the argument is a vector.
func (c *compiler) wantVec(col int, name string, a *node) error {
	if a.typ != gds.KindVec {
		return c.errAt(col, "%s wants a vector, got %s", name, a.typ)
	}
	return nil
}

func buildAbs(c *compiler, col int, name string, args []*node) (*node, error) {
	if err := c.wantNums(col, name, args); err != nil {
		return nil, err
	}
	x := args[0]
	if x.typ == gds.KindInt {
		a, s := x.i, c.site(col)
		return &node{typ: gds.KindInt, col: col, konst: x.konst, i: func(c *gds.Ctx) int64 {
			v := a(c)
			if v < 0 {
				if v == math.MinInt64 {
					panic(s.fail("integer overflow: abs(%d) is beyond the int range", v))
				}
				return -v
			}
			return v
		}}, nil
	}
	a := x.f
	return &node{typ: gds.KindFloat, col: col, konst: x.konst, f: func(c *gds.Ctx) float64 { return math.Abs(a(c)) }}, nil
}

func buildSign(c *compiler, col int, name string, args []*node) (*node, error) {
	if err := c.wantNums(col, name, args); err != nil {
		return nil, err
	}
	x := args[0]
	if x.typ == gds.KindInt {
		a := x.i
		return &node{typ: gds.KindInt, col: col, konst: x.konst, i: func(c *gds.Ctx) int64 {
			v := a(c)
			switch {
			case v > 0:
				return 1
			case v < 0:
				return -1
			}
			return 0
		}}, nil
	}
	a := x.f
	return &node{typ: gds.KindFloat, col: col, konst: x.konst, f: func(c *gds.Ctx) float64 {
		v := a(c)
		switch {
		case v > 0:
			return 1
		case v < 0:
			return -1
		}
		return v // ±0 or NaN
	}}, nil
}

// mathFuncs are the float functions called through a function value.
var mathFuncs = map[string]func(float64) float64{
	"exp": math.Exp, "log10": math.Log10, "log2": math.Log2,
	"expm1": math.Expm1, "log1p": math.Log1p,
	"sin": math.Sin, "cos": math.Cos, "tan": math.Tan,
	"asin": math.Asin, "acos": math.Acos, "atan": math.Atan,
}

func buildMath(c *compiler, col int, name string, args []*node) (*node, error) {
	if err := c.wantNums(col, name, args); err != nil {
		return nil, err
	}
	x := args[0]
	a := x.flt()
	n := &node{typ: gds.KindFloat, col: col, konst: x.konst, inv: invariant(x)}
	switch name {
	case "sqrt":
		n.f = func(c *gds.Ctx) float64 { return math.Sqrt(a(c)) }
		switch l := x.leaf; l.kind { // sqrt(dt): the leaf read inlined
		case 'V':
			n.f = func(c *gds.Ctx) float64 { return math.Sqrt(l.v.GetUntraced(c)) }
		case 'P':
			n.f = func(c *gds.Ctx) float64 { return math.Sqrt(l.p.GetUntraced(c)) }
		case 'S':
			n.f = func(c *gds.Ctx) float64 { return math.Sqrt(l.s.GetUntraced(c)) }
		}
	case "floor":
		n.f = func(c *gds.Ctx) float64 { return math.Floor(a(c)) }
	case "ceil":
		n.f = func(c *gds.Ctx) float64 { return math.Ceil(a(c)) }
	case "round":
		n.f = func(c *gds.Ctx) float64 { return math.Round(a(c)) }
	case "trunc":
		n.f = func(c *gds.Ctx) float64 { return math.Trunc(a(c)) }
	default:
		fn := mathFuncs[name]
		n.f = func(c *gds.Ctx) float64 { return fn(a(c)) }
	}
	return n, nil
}

func buildLog(c *compiler, col int, name string, args []*node) (*node, error) {
	if err := c.wantNums(col, name, args); err != nil {
		return nil, err
	}
	a := args[0].flt()
	if len(args) == 1 {
		return &node{typ: gds.KindFloat, col: col, konst: args[0].konst, inv: invariant(args[0]), f: func(c *gds.Ctx) float64 { return math.Log(a(c)) }}, nil
	}
	b := args[1].flt()
	return &node{typ: gds.KindFloat, col: col, konst: allKonst(args...), inv: invariant(args...), f: func(c *gds.Ctx) float64 {
		x := a(c)
		return float64(math.Log(x) / math.Log(b(c)))
	}}, nil
}

func buildMath2(c *compiler, col int, name string, args []*node) (*node, error) {
	if err := c.wantNums(col, name, args); err != nil {
		return nil, err
	}
	a, b := args[0].flt(), args[1].flt()
	n := &node{typ: gds.KindFloat, col: col, konst: allKonst(args...), inv: invariant(args...)}
	if name == "pow" {
		n.f = func(c *gds.Ctx) float64 { x := a(c); return math.Pow(x, b(c)) }
	} else {
		n.f = func(c *gds.Ctx) float64 { y := a(c); return math.Atan2(y, b(c)) }
	}
	return n, nil
}

func buildMinMax(c *compiler, col int, name string, args []*node) (*node, error) {
	isMin := name == "min"
	if len(args) == 1 {
		if args[0].typ != gds.KindVec {
			return nil, c.errAt(col, "%s takes one vector or at least 2 numbers, got one %s", name, args[0].typ)
		}
		return vecReduce(c, col, name, args[0]), nil
	}
	for _, a := range args {
		if a.typ == gds.KindVec {
			return nil, c.errAt(col, "%s of a vector takes one argument (element-wise %s is not supported)", name, name)
		}
	}
	if err := c.wantNums(col, name, args); err != nil {
		return nil, err
	}
	allInt := true
	for _, a := range args {
		allInt = allInt && a.typ == gds.KindInt
	}
	n := &node{col: col, konst: allKonst(args...)}
	if allInt {
		n.typ = gds.KindInt
		fs := make([]func(*gds.Ctx) int64, len(args))
		for i, a := range args {
			fs[i] = a.i
		}
		n.i = minMaxN(isMin, fs)
		return n, nil
	}
	n.typ = gds.KindFloat
	n.inv = invariant(args...)
	if len(args) == 2 && args[1].konst && !args[0].konst {
		a, k := args[0].flt(), args[1].fconst()
		if p := args[0].pair; p != nil {
			if f := leafPairMinMax(isMin, p.op, p.x, p.y, k); f != nil {
				n.f = f // max(prey + d_prey, 0.0): one closure
				return n, nil
			}
		}
		if isMin {
			n.f = func(c *gds.Ctx) float64 { return min(a(c), k) }
		} else {
			n.f = func(c *gds.Ctx) float64 { return max(a(c), k) }
		}
		return n, nil
	}
	fs := make([]func(*gds.Ctx) float64, len(args))
	for i, a := range args {
		fs[i] = a.flt()
	}
	n.f = minMaxN(isMin, fs)
	return n, nil
}

// minMaxN follows Go's min and max (for floats: NaN if any is NaN).
func minMaxN[T int64 | float64](isMin bool, fs []func(*gds.Ctx) T) func(*gds.Ctx) T {
	if len(fs) == 2 {
		a, b := fs[0], fs[1]
		if isMin {
			return func(c *gds.Ctx) T { x := a(c); return min(x, b(c)) }
		}
		return func(c *gds.Ctx) T { x := a(c); return max(x, b(c)) }
	}
	if isMin {
		return func(c *gds.Ctx) T {
			m := fs[0](c)
			for _, f := range fs[1:] {
				m = min(m, f(c))
			}
			return m
		}
	}
	return func(c *gds.Ctx) T {
		m := fs[0](c)
		for _, f := range fs[1:] {
			m = max(m, f(c))
		}
		return m
	}
}

func buildClip(c *compiler, col int, name string, args []*node) (*node, error) {
	if err := c.wantNums(col, name, args); err != nil {
		return nil, err
	}
	n := &node{col: col, konst: allKonst(args...)}
	if args[0].typ == gds.KindInt && args[1].typ == gds.KindInt && args[2].typ == gds.KindInt {
		x, lo, hi := args[0].i, args[1].i, args[2].i
		n.typ = gds.KindInt
		n.i = func(c *gds.Ctx) int64 {
			v, l := x(c), lo(c)
			return min(max(v, l), hi(c))
		}
		return n, nil
	}
	x, lo, hi := args[0].flt(), args[1].flt(), args[2].flt()
	n.typ = gds.KindFloat
	if args[1].konst && args[2].konst {
		l, h := args[1].fconst(), args[2].fconst()
		n.f = func(c *gds.Ctx) float64 { return min(max(x(c), l), h) }
		return n, nil
	}
	n.f = func(c *gds.Ctx) float64 {
		v, l := x(c), lo(c)
		return min(max(v, l), hi(c))
	}
	return n, nil
}

func buildIsX(c *compiler, col int, name string, args []*node) (*node, error) {
	if err := c.wantNums(col, name, args); err != nil {
		return nil, err
	}
	a := args[0].flt()
	n := &node{typ: gds.KindBool, col: col, konst: args[0].konst}
	if name == "isnan" {
		n.b = func(c *gds.Ctx) bool { return math.IsNaN(a(c)) }
	} else {
		n.b = func(c *gds.Ctx) bool { return math.IsInf(a(c), 0) }
	}
	return n, nil
}

func buildFloat(c *compiler, col int, name string, args []*node) (*node, error) {
	x := args[0]
	switch x.typ {
	case gds.KindFloat:
		return x, nil
	case gds.KindInt:
		return &node{typ: gds.KindFloat, col: col, konst: x.konst, f: x.flt()}, nil
	case gds.KindBool:
		a := x.b
		return &node{typ: gds.KindFloat, col: col, konst: x.konst, f: func(c *gds.Ctx) float64 {
			if a(c) {
				return 1
			}
			return 0
		}}, nil
	}
	return nil, c.errAt(col, "float wants a number or a bool, got %s", x.typ)
}

func buildInt(c *compiler, col int, name string, args []*node) (*node, error) {
	x := args[0]
	switch x.typ {
	case gds.KindInt:
		return x, nil
	case gds.KindFloat:
		a, s := x.f, c.site(col)
		return &node{typ: gds.KindInt, col: col, konst: x.konst, i: func(c *gds.Ctx) int64 { return floatToInt(s, "int", a(c)) }}, nil
	case gds.KindBool:
		a := x.b
		return &node{typ: gds.KindInt, col: col, konst: x.konst, i: func(c *gds.Ctx) int64 {
			if a(c) {
				return 1
			}
			return 0
		}}, nil
	}
	return nil, c.errAt(col, "int wants a number or a bool, got %s", x.typ)
}

// floatToInt truncates v toward zero; NaN and values beyond the int range
// are errors (Go's conversion would give a machine-dependent value).
func floatToInt(s *site, what string, v float64) int64 {
	if !(v >= -0x1p63 && v < 0x1p63) {
		panic(s.fail("%s(%v): out of the range of int", what, v))
	}
	return int64(v)
}

// pick returns a closure that runs a if k holds and b otherwise.
func pick[T any](k func(*gds.Ctx) bool, a, b func(*gds.Ctx) T) func(*gds.Ctx) T {
	return func(c *gds.Ctx) T {
		if k(c) {
			return a(c)
		}
		return b(c)
	}
}

func buildIfElse(c *compiler, col int, name string, args []*node) (*node, error) {
	cond, x, y := args[0], args[1], args[2]
	if cond.typ != gds.KindBool {
		return nil, c.errAt(col, "ifelse wants a bool condition, got %s", cond.typ)
	}
	typ := x.typ
	if x.typ != y.typ {
		if !numeric(x.typ) || !numeric(y.typ) {
			return nil, c.errAt(col, "ifelse branches have types %s and %s", x.typ, y.typ)
		}
		typ = gds.KindFloat
	}
	if cond.konst { // only the chosen branch could ever run
		chosen := y
		if cond.kb {
			chosen = x
		}
		if typ == gds.KindFloat && chosen.typ == gds.KindInt {
			return &node{typ: gds.KindFloat, col: col, konst: chosen.konst, f: chosen.flt()}, nil
		}
		return chosen, nil
	}
	k := cond.b
	n := &node{typ: typ, col: col, konst: allKonst(args...)}
	switch typ {
	case gds.KindFloat:
		n.f = pick(k, x.flt(), y.flt())
	case gds.KindInt:
		n.i = pick(k, x.i, y.i)
	case gds.KindBool:
		n.b = pick(k, x.b, y.b)
	case gds.KindString:
		n.s = pick(k, x.s, y.s)
	case gds.KindVec:
		n.v = pick(k, x.v, y.v)
	}
	return n, nil
}

func buildVecReduce(c *compiler, col int, name string, args []*node) (*node, error) {
	if err := c.wantVec(col, name, args[0]); err != nil {
		return nil, err
	}
	if name == "gini" {
		h, err := c.scratch(col)
		if err != nil {
			return nil, err
		}
		a := args[0].v
		return &node{typ: gds.KindFloat, col: col, f: func(c *gds.Ctx) float64 { return giniSorted(sortInto(h, c, a(c))) }}, nil
	}
	return vecReduce(c, col, name, args[0]), nil
}

func vecReduce(c *compiler, col int, name string, x *node) *node {
	a, s := x.v, c.site(col)
	n := &node{typ: gds.KindFloat, col: col}
	switch name {
	case "sum":
		n.f = func(c *gds.Ctx) float64 { return sumOf(a(c)) }
		if x.overSum != nil {
			n.f = x.overSum // sum(over(pop, x)) without the vector
		}
	case "mean":
		n.f = func(c *gds.Ctx) float64 { return meanOf(a(c)) }
	case "prod":
		n.f = func(c *gds.Ctx) float64 { return prodOf(a(c)) }
	case "min", "vmin":
		n.f = func(c *gds.Ctx) float64 { return minOf(s, a(c)) }
	default: // max, vmax
		n.f = func(c *gds.Ctx) float64 { return maxOf(s, a(c)) }
	}
	return n
}

func buildLen(c *compiler, col int, name string, args []*node) (*node, error) {
	if err := c.wantVec(col, name, args[0]); err != nil {
		return nil, err
	}
	a := args[0].v
	return &node{typ: gds.KindInt, col: col, i: func(c *gds.Ctx) int64 { return int64(len(a(c))) }}, nil
}

func buildDot(c *compiler, col int, name string, args []*node) (*node, error) {
	for i, x := range args {
		if x.typ != gds.KindVec {
			return nil, c.errAt(col, "dot wants vectors, got %s as argument %d", x.typ, i+1)
		}
	}
	a, b, s := args[0].v, args[1].v, c.site(col)
	return &node{typ: gds.KindFloat, col: col, f: func(c *gds.Ctx) float64 {
		x := a(c)
		return dotOf(s, x, b(c))
	}}, nil
}

func buildVecMap(c *compiler, col int, name string, args []*node) (*node, error) {
	if err := c.wantVec(col, name, args[0]); err != nil {
		return nil, err
	}
	h, err := c.scratch(col)
	if err != nil {
		return nil, err
	}
	a := args[0].v
	n := &node{typ: gds.KindVec, col: col}
	if name == "sort" {
		n.v = func(c *gds.Ctx) []float64 { return sortInto(h, c, a(c)) }
		return n, nil
	}
	n.v = func(c *gds.Ctx) []float64 { // cumsum
		p := a(c)
		out := grow(h, c, len(p))
		s := 0.0
		for i, x := range p[:len(out)] {
			s += x
			out[i] = s
		}
		return out
	}
	return n, nil
}

func buildFill(c *compiler, col int, name string, args []*node) (*node, error) {
	if args[0].typ != gds.KindInt {
		return nil, c.errAt(col, "%s wants an int length, got %s", name, args[0].typ)
	}
	val := func(*gds.Ctx) float64 { return 0 }
	if name == "fill" {
		if !numeric(args[1].typ) {
			return nil, c.errAt(col, "fill wants a number to fill with, got %s", args[1].typ)
		}
		val = args[1].flt()
	}
	h, err := c.scratch(col)
	if err != nil {
		return nil, err
	}
	ln, s := args[0].i, c.site(col)
	return &node{typ: gds.KindVec, col: col, v: func(c *gds.Ctx) []float64 {
		n := ln(c)
		x := val(c)
		if n < 0 || n > math.MaxInt32 {
			panic(s.fail("%s: length %d out of range 0..%d", name, n, math.MaxInt32))
		}
		out := grow(h, c, int(n))
		for i := range out {
			out[i] = x
		}
		return out
	}}, nil
}

// buildRotate compiles rotate(v, k): element i of the result is
// v[(i-k) mod n], so rotate(v, 1) moves every element one place right and
// the last to the front (k may be negative).
func buildRotate(c *compiler, col int, name string, args []*node) (*node, error) {
	if err := c.wantVec(col, name, args[0]); err != nil {
		return nil, err
	}
	if args[1].typ != gds.KindInt {
		return nil, c.errAt(col, "rotate wants an int shift, got %s", args[1].typ)
	}
	h, err := c.scratch(col)
	if err != nil {
		return nil, err
	}
	a, k := args[0].v, args[1].i
	return &node{typ: gds.KindVec, col: col, v: func(c *gds.Ctx) []float64 {
		p := a(c)
		n := len(p)
		out := grow(h, c, n)
		if n == 0 {
			return out
		}
		shift := int(((k(c) % int64(n)) + int64(n)) % int64(n))
		copy(out[shift:], p[:n-shift])
		copy(out[:shift], p[n-shift:])
		return out
	}}, nil
}

// lag compiles lag(name, k): name must be declared with FloatLag, IntLag
// or VecLag, and k must be a constant int in 1..depth.
func (c *compiler) lag(e *ast.CallExpr) (*node, error) {
	col := c.col(e.Fun.Pos())
	id, ok := ast.Unparen(e.Args[0]).(*ast.Ident)
	if !ok {
		return nil, c.errAt(c.col(e.Args[0].Pos()), "lag wants a name as its first argument, as in lag(x, 1)")
	}
	name, ncol := id.Name, c.col(id.Pos())
	lb, ok := c.env.lags[name]
	if !ok {
		if _, declared := c.env.vars[name]; declared {
			return nil, c.errAt(ncol, "lag: %q keeps no lags", name)
		}
		var known []string
		for n := range c.env.lags {
			known = append(known, n)
		}
		slices.Sort(known)
		return nil, c.errAt(ncol, "lag: unknown name %q%s", name, names.Suggest(name, known))
	}
	if len(lb.dup) > 0 {
		ts := []string{lb.typ.String()}
		for _, t := range lb.dup {
			ts = append(ts, t.String())
		}
		return nil, c.errAt(ncol, "lag: name %q is declared %d times (as %s)", name, len(ts), strings.Join(ts, ", "))
	}
	kcol := c.col(e.Args[1].Pos())
	kn, err := c.expr(e.Args[1])
	if err != nil {
		return nil, err
	}
	if kn.typ != gds.KindInt {
		return nil, c.errAt(kcol, "lag: k must be an int, got %s", kn.typ)
	}
	if !kn.konst {
		return nil, c.errAt(kcol, "lag: k must be a constant, as in lag(%s, 1)", name)
	}
	if lb.depth < 1 {
		return nil, c.errAt(ncol, "lag: %q keeps no lags", name)
	}
	if kn.ki < 1 || kn.ki > int64(lb.depth) {
		return nil, c.errAt(kcol, "lag: %q keeps %s; k = %d is out of range 1..%d", name, plural(lb.depth, "lag"), kn.ki, lb.depth)
	}
	k := int(kn.ki)
	n := &node{typ: lb.typ, col: col}
	switch lb.typ {
	case gds.KindFloat:
		if lb.f == nil {
			return nil, c.errAt(ncol, "lag: name %q is declared with a nil accessor", name)
		}
		get := lb.f
		n.f = func(c *gds.Ctx) float64 { return get(c, k) }
	case gds.KindInt:
		if lb.i == nil {
			return nil, c.errAt(ncol, "lag: name %q is declared with a nil accessor", name)
		}
		get := lb.i
		n.i = func(c *gds.Ctx) int64 { return get(c, k) }
	default:
		if lb.v == nil {
			return nil, c.errAt(ncol, "lag: name %q is declared with a nil accessor", name)
		}
		get := lb.v
		n.v = func(c *gds.Ctx) []float64 { return get(c, k) }
	}
	c.used[name] = true
	return n, nil
}

// over compiles over(pop, x): the vector of x, a number or a bool (1 or
// 0), evaluated for every agent of the population pop, in order.
func (c *compiler) over(col int, e *ast.CallExpr) (*node, error) {
	id, ok := e.Args[0].(*ast.Ident)
	if !ok {
		return nil, c.errAt(col, "over(population, expression): the first argument names a population")
	}
	pop, ok := c.env.pops[id.Name]
	if !ok {
		var known []string
		for k := range c.env.pops {
			known = append(known, k)
		}
		slices.Sort(known)
		if len(known) == 0 {
			return nil, c.errAt(c.col(id.Pos()), "over: %q is not a population (none is declared here)", id.Name)
		}
		return nil, c.errAt(c.col(id.Pos()), "over: %q is not a population%s", id.Name, names.Suggest(id.Name, known))
	}
	outer := c.env
	c.env = pop.agent
	x, err := c.expr(e.Args[1])
	var cols func(*gds.Ctx, gds.Scratch, int) ([]float64, bool)
	var count func(*gds.Ctx, int) (float64, bool)
	if err == nil && pop.at == nil && pop.cur == nil {
		if cn, ok := c.column(e.Args[1]); ok && cn.scalar == nil {
			cols, count = overColumn(cn, c.colBuf())
		}
	}
	c.env = outer
	if err != nil {
		return nil, err
	}
	var get func(*gds.Ctx) float64
	switch x.typ {
	case gds.KindFloat, gds.KindInt:
		get = x.flt()
	case gds.KindBool:
		b := x.b
		get = func(c *gds.Ctx) float64 {
			if b(c) {
				return 1
			}
			return 0
		}
	default:
		return nil, c.errAt(col, "over(%s, ...): the expression is %s; want a number or a bool", id.Name, x.typ)
	}
	h, err := c.scratch(col)
	if err != nil {
		return nil, err
	}
	n, at, cur := pop.n, pop.at, pop.cur
	if at == nil && cur == nil && cols != nil { // a column at a time (column.go)
		perAgent := overAgents(h, n, get)
		v := func(c *gds.Ctx) []float64 {
			if out, ok := cols(c, h, n(c)); ok {
				return out
			}
			columnFallbacks.Add(1)
			return perAgent(c)
		}
		sum := func(c *gds.Ctx) float64 {
			s := 0.0
			for _, x := range v(c) { // the per-agent sum's additions, in order
				s += x
			}
			return s
		}
		if count != nil { // sum(over(pop, bool)) counts the bools
			sumOf := sum
			sum = func(c *gds.Ctx) float64 {
				if s, ok := count(c, n(c)); ok {
					return s
				}
				return sumOf(c)
			}
		}
		return &node{typ: gds.KindVec, col: col, overSum: sum, v: v}, nil
	}
	if at == nil && cur == nil { // the agent is c.Agent: set inline
		if x.typ == gds.KindBool {
			b := x.b
			count := func(c *gds.Ctx) float64 {
				s, saved := 0.0, c.Agent
				for i := range n(c) {
					c.Agent = i
					if b(c) {
						s++
					}
				}
				c.Agent = saved
				return s
			}
			return &node{typ: gds.KindVec, col: col, overSum: count, v: overAgents(h, n, get)}, nil
		}
		sum := func(c *gds.Ctx) float64 {
			s, saved := 0.0, c.Agent
			for i := range n(c) {
				c.Agent = i
				s += get(c)
			}
			c.Agent = saved
			return s
		}
		return &node{typ: gds.KindVec, col: col, overSum: sum, v: overAgents(h, n, get)}, nil
	}
	return &node{typ: gds.KindVec, col: col, v: func(c *gds.Ctx) []float64 {
		p := h.Buf(c)
		buf := (*p)[:0]
		saved := cur(c)
		for i := range n(c) {
			at(c, i)
			buf = append(buf, get(c))
		}
		at(c, saved)
		*p = buf
		return buf
	}}, nil
}

// overAgents is over(population, x) of a population whose agent is
// Ctx.Agent: x's values for each agent in turn, in the scratch vector h.
func overAgents(h gds.Scratch, n func(*gds.Ctx) int, get func(*gds.Ctx) float64) func(*gds.Ctx) []float64 {
	return func(c *gds.Ctx) []float64 {
		p := h.Buf(c)
		buf := (*p)[:0]
		saved := c.Agent
		for i := range n(c) {
			c.Agent = i
			buf = append(buf, get(c))
		}
		c.Agent = saved
		*p = buf
		return buf
	}
}
