package expr

import (
	"go/ast"
	"go/token"
	"math"
	"slices"
	"sync/atomic"
	"unsafe"

	"github.com/statecraft/statecraft/gds"
)

// Column-at-a-time evaluation of over(population, x).
//
// over evaluates x once per agent, setting Ctx.Agent, which costs a call
// per name read and per operation for every agent. When x is built only
// from what a column can compute (the agent's fields, the agent index,
// agent-independent values, arithmetic, comparisons, logic, ifelse,
// min, max, float, v[agent]), over evaluates it once per population
// instead: each operation is a loop over the agents' values. The
// operations are the per-agent ones, applied to each agent's values in
// turn, so the results are the same bits.
//
// Two things differ in kind, and are handled so that nothing a model can
// observe does:
//
//   - Every operand is evaluated for every agent, where the per-agent
//     evaluation skips the branch ifelse does not take and the right of
//     a && or || that the left decides. An operand that can fail there,
//     v[agent] beyond the vector's end, marks the agents it fails for
//     ("bad"); and the marks follow what the per-agent evaluation would
//     have evaluated (an ifelse's mark is its taken branch's). If any
//     agent is marked in the end, the population is evaluated agent by
//     agent instead, which fails, or not, exactly as before.
//   - An agent-independent value is computed once, not once per agent.
//     It reads names the Env declares shared (Env.Shared), parameters,
//     variables and signals declared by handle, and the run's built-in
//     names, and draws no random numbers. It is computed only for a
//     population with agents; if it fails (a panic), the population is
//     evaluated agent by agent.

// colNode is a compiled column: for the n agents of a population, the
// values of a per-agent subexpression, or its one agent-independent value.
type colNode struct {
	typ    gds.Kind // KindFloat, KindInt, KindBool, or KindString for a field
	scalar *node    // the agent-independent value: evaluated once

	f func(*gds.Ctx, int) []float64
	i func(*gds.Ctx, int) []int64
	b func(*gds.Ctx, int) []bool
	s func(*gds.Ctx, int) []string // a field's column; nothing computes strings

	// bad, when an operand can fail for some agents, marks them (nil: no
	// agent can fail); its result is nil when it marks none
	bad func(*gds.Ctx, int) []bool

	// own, when set, is the buffer f, i or b writes its column into and
	// returns, every time (a ColumnCache reads it there again)
	own *colScratch
}

// colScratch is a per-engine buffer of n 8-byte words, for a column of
// float64, int64 or bool values.
type colScratch struct{ h gds.Scratch }

func (s colScratch) floats(c *gds.Ctx, n int) []float64 { return grow(s.h, c, n) }

func (s colScratch) ints(c *gds.Ctx, n int) []int64 {
	w := grow(s.h, c, n)
	return unsafe.Slice((*int64)(unsafe.Pointer(unsafe.SliceData(w))), n)
}

func (s colScratch) bools(c *gds.Ctx, n int) []bool {
	w := grow(s.h, c, (n+7)/8+1)
	return unsafe.Slice((*bool)(unsafe.Pointer(unsafe.SliceData(w))), n)
}

// newScratch reserves a column buffer.
func (c *compiler) colBuf() colScratch { return colScratch{h: c.env.b.Scratch()} }

// column compiles e, already compiled by expr (c.nodes holds its node), as
// a column of the current population's agents; ok is false when some part
// of it cannot be.
func (c *compiler) column(e ast.Expr) (cn *colNode, ok bool) {
	n := c.nodes[e]
	if n == nil || c.env.b == nil {
		return nil, false
	}
	if n.konst {
		return scalarCol(n)
	}
	switch e := e.(type) {
	case *ast.ParenExpr:
		return c.column(e.X)
	case *ast.Ident:
		return c.colIdent(e, n)
	case *ast.UnaryExpr:
		return c.cachedColumn(e, func() (*colNode, bool) { return c.colUnary(e, n) })
	case *ast.BinaryExpr:
		return c.cachedColumn(e, func() (*colNode, bool) { return c.colBinary(e, n) })
	case *ast.CallExpr:
		return c.cachedColumn(e, func() (*colNode, bool) { return c.colCall(e, n) })
	case *ast.IndexExpr:
		return c.colIndex(e, n)
	}
	return nil, false
}

// scalarCol is the column of an agent-independent node.
func scalarCol(n *node) (*colNode, bool) {
	switch n.typ {
	case gds.KindFloat, gds.KindInt, gds.KindBool, gds.KindString, gds.KindVec:
		return &colNode{typ: n.typ, scalar: n}, true
	}
	return nil, false
}

// shared compiles e as agent-independent if every name it reads is, and
// it draws nothing.
func (c *compiler) shared(e ast.Expr, n *node) (*colNode, bool) {
	ok := true
	ast.Inspect(e, func(x ast.Node) bool {
		switch x := x.(type) {
		case *ast.CallExpr:
			if id, isID := x.Fun.(*ast.Ident); isID && randomFuncs[id.Name] {
				ok = false
			}
			if id, isID := x.Fun.(*ast.Ident); isID && id.Name == "over" {
				// the population's own agents are another Env's names
				if len(x.Args) == 2 {
					ast.Inspect(x.Args[1], func(y ast.Node) bool {
						if call, isCall := y.(*ast.CallExpr); isCall {
							if id, isID := call.Fun.(*ast.Ident); isID && randomFuncs[id.Name] {
								ok = false
							}
						}
						return ok
					})
				}
				return false
			}
		case *ast.Ident:
			if !c.sharedName(x.Name) {
				ok = false
			}
		case *ast.SelectorExpr:
			if id, isID := x.X.(*ast.Ident); isID {
				if !c.sharedName(id.Name + "." + x.Sel.Name) {
					ok = false
				}
				return false
			}
		}
		return ok
	})
	if !ok {
		return nil, false
	}
	return scalarCol(n)
}

// sharedName reports whether name, as an expression of the population's
// Env reads it, is the same for every agent.
func (c *compiler) sharedName(name string) bool {
	if kw, ok := c.keywords[name]; ok {
		name = kw
	}
	if b, ok := c.env.vars[name]; ok {
		return !b.agent && (b.shared || b.leaf.kind != 0)
	}
	switch name {
	case "true", "false", "t", "substep", "simulation", "subset", "run", "pi", "e", "inf", "nan":
		return true
	}
	_, isFunc := funcs[name]
	return isFunc // a function's name, as in f(...)
}

func (c *compiler) colIdent(e *ast.Ident, n *node) (*colNode, bool) {
	name := e.Name
	if kw, ok := c.keywords[name]; ok {
		name = kw
	}
	b := c.env.vars[name]
	if b == nil {
		return c.shared(e, n)
	}
	switch {
	case b.agent:
		buf := c.colBuf()
		return &colNode{typ: gds.KindInt, i: func(c *gds.Ctx, n int) []int64 {
			// 0, 1, 2, ...: written once, extended as the population grows
			p := buf.h.Buf(c)
			if w := *p; len(w) < n {
				w = slices.Grow(w, n-len(w))
				for k := len(w); k < n; k++ {
					w = append(w, math.Float64frombits(uint64(k)))
				}
				*p = w
			}
			w := (*p)[:n]
			return unsafe.Slice((*int64)(unsafe.Pointer(unsafe.SliceData(w))), n)
		}}, true
	case b.colF != nil:
		get := b.colF
		return &colNode{typ: gds.KindFloat, f: func(c *gds.Ctx, n int) []float64 { return get(c)[:n] }}, true
	case b.colI != nil:
		get := b.colI
		return &colNode{typ: gds.KindInt, i: func(c *gds.Ctx, n int) []int64 { return get(c)[:n] }}, true
	case b.colB != nil:
		get := b.colB
		return &colNode{typ: gds.KindBool, b: func(c *gds.Ctx, n int) []bool { return get(c)[:n] }}, true
	case b.colS != nil:
		get := b.colS
		return &colNode{typ: gds.KindString, s: func(c *gds.Ctx, n int) []string { return get(c)[:n] }}, true
	}
	return c.shared(e, n)
}

// floats returns a numeric column's values as float64s, as node.flt
// converts them; a shared value is spread over the agents.
func (cn *colNode) floats(buf colScratch) func(*gds.Ctx, int) []float64 {
	switch {
	case cn.scalar != nil:
		return spread(cn.scalar.flt(), buf.floats)
	case cn.typ == gds.KindFloat:
		return cn.f
	case cn.typ == gds.KindInt:
		in := cn.i
		return func(c *gds.Ctx, n int) []float64 {
			out := buf.floats(c, n)
			for k, v := range in(c, n)[:len(out)] {
				out[k] = float64(v)
			}
			return out
		}
	}
	return nil
}

// ints returns an int column; a shared value is spread.
func (cn *colNode) ints(buf colScratch) func(*gds.Ctx, int) []int64 {
	if cn.scalar == nil {
		return cn.i
	}
	return spread(cn.scalar.i, buf.ints)
}

// bools returns a bool column; a shared value is spread.
func (cn *colNode) bools(buf colScratch) func(*gds.Ctx, int) []bool {
	if cn.scalar == nil {
		return cn.b
	}
	return spread(cn.scalar.b, buf.bools)
}

// spread is the column of an agent-independent value get, every agent's,
// in the buffer out gives.
func spread[T any](get func(*gds.Ctx) T, out func(*gds.Ctx, int) []T) func(*gds.Ctx, int) []T {
	return func(c *gds.Ctx, n int) []T {
		o, v := out(c, n), get(c)
		for k := range o {
			o[k] = v
		}
		return o
	}
}

// either marks the agents either operand fails for.
func (c *compiler) either(xs ...*colNode) func(*gds.Ctx, int) []bool {
	var bads []func(*gds.Ctx, int) []bool
	for _, x := range xs {
		if x.bad != nil {
			bads = append(bads, x.bad)
		}
	}
	switch len(bads) {
	case 0:
		return nil
	case 1:
		return bads[0]
	}
	buf := c.colBuf()
	return func(c *gds.Ctx, n int) []bool {
		var out []bool // nil until an operand marks an agent
		for _, b := range bads {
			m := b(c, n)
			if m == nil {
				continue
			}
			if out == nil {
				out = buf.bools(c, n)
				clear(out)
			}
			for k, v := range m[:len(out)] {
				out[k] = out[k] || v
			}
		}
		return out
	}
}

func (c *compiler) colUnary(e *ast.UnaryExpr, n *node) (*colNode, bool) {
	x, ok := c.column(e.X)
	if !ok {
		return nil, false
	}
	if x.scalar != nil {
		return c.shared(e, n)
	}
	switch {
	case e.Op == token.SUB && n.typ == gds.KindFloat && x.typ == gds.KindFloat:
		in, buf := x.f, c.colBuf()
		return &colNode{typ: gds.KindFloat, bad: x.bad, own: &buf, f: func(c *gds.Ctx, n int) []float64 {
			out := buf.floats(c, n)
			for k, v := range in(c, n)[:len(out)] {
				out[k] = -v
			}
			return out
		}}, true
	case e.Op == token.NOT && x.typ == gds.KindBool:
		in, buf := x.b, c.colBuf()
		return &colNode{typ: gds.KindBool, bad: x.bad, own: &buf, b: func(c *gds.Ctx, n int) []bool {
			out := buf.bools(c, n)
			for k, v := range in(c, n)[:len(out)] {
				out[k] = !v
			}
			return out
		}}, true
	case e.Op == token.ADD && (x.typ == gds.KindFloat || x.typ == gds.KindInt):
		return x, true
	}
	return nil, false
}

func (c *compiler) colBinary(e *ast.BinaryExpr, n *node) (*colNode, bool) {
	x, ok := c.column(e.X)
	if !ok {
		return nil, false
	}
	y, ok := c.column(e.Y)
	if !ok {
		return nil, false
	}
	if x.scalar != nil && y.scalar != nil {
		return c.shared(e, n)
	}
	switch e.Op {
	case token.ADD, token.SUB, token.MUL, token.QUO:
		if n.typ != gds.KindFloat || !numeric(x.typ) || !numeric(y.typ) {
			return nil, false // int arithmetic is checked for overflow: per agent
		}
		return c.colArith(e.Op, x, y), true
	case token.EQL, token.NEQ, token.LSS, token.LEQ, token.GTR, token.GEQ:
		return c.colCompare(e.Op, x, y)
	case token.LAND, token.LOR:
		return c.colLogic(e.Op, x, y), true
	}
	return nil, false
}

// colArith is x op y of float columns (ints converted), one of them per
// agent.
func (c *compiler) colArith(op token.Token, x, y *colNode) *colNode {
	buf := c.colBuf()
	cn := &colNode{typ: gds.KindFloat, bad: c.either(x, y), own: &buf}
	switch {
	case y.scalar != nil:
		a, k := x.floats(c.colBuf()), y.scalar.flt()
		cn.f = func(c *gds.Ctx, n int) []float64 {
			out := buf.floats(c, n)
			arithScalar(op, out, a(c, n)[:len(out)], k(c))
			return out
		}
	case x.scalar != nil:
		k, b := x.scalar.flt(), y.floats(c.colBuf())
		cn.f = func(c *gds.Ctx, n int) []float64 {
			out := buf.floats(c, n)
			scalarArith(op, out, k(c), b(c, n)[:len(out)])
			return out
		}
	default:
		a, b := x.floats(c.colBuf()), y.floats(c.colBuf())
		cn.f = func(c *gds.Ctx, n int) []float64 {
			out := buf.floats(c, n)
			av := a(c, n)[:len(out)]
			arithCols(op, out, av, b(c, n)[:len(out)])
			return out
		}
	}
	return cn
}

// The loops of colArith: one operation per value, rounded to float64 on
// its own (no fused multiply-add), as floatArith computes it.

func arithCols(op token.Token, out, a, b []float64) {
	b = b[:len(a)]
	switch op {
	case token.ADD:
		for k := range a {
			out[k] = a[k] + b[k]
		}
	case token.SUB:
		for k := range a {
			out[k] = a[k] - b[k]
		}
	case token.MUL:
		for k := range a {
			out[k] = a[k] * b[k]
		}
	default:
		for k := range a {
			out[k] = a[k] / b[k]
		}
	}
}

func arithScalar(op token.Token, out, a []float64, v float64) {
	switch op {
	case token.ADD:
		for k, x := range a {
			out[k] = x + v
		}
	case token.SUB:
		for k, x := range a {
			out[k] = x - v
		}
	case token.MUL:
		for k, x := range a {
			out[k] = x * v
		}
	default:
		for k, x := range a {
			out[k] = x / v
		}
	}
}

func scalarArith(op token.Token, out []float64, v float64, b []float64) {
	switch op {
	case token.ADD:
		for k, x := range b {
			out[k] = v + x
		}
	case token.SUB:
		for k, x := range b {
			out[k] = v - x
		}
	case token.MUL:
		for k, x := range b {
			out[k] = v * x
		}
	default:
		for k, x := range b {
			out[k] = v / x
		}
	}
}

// colCompare follows compiler.compare: ints as ints, other numbers as
// floats, strings and bools by == and !=.
func (c *compiler) colCompare(op token.Token, x, y *colNode) (*colNode, bool) {
	buf := c.colBuf()
	cn := &colNode{typ: gds.KindBool, bad: c.either(x, y), own: &buf}
	if x.scalar != nil && numeric(x.typ) && numeric(y.typ) {
		// k op y is y op' k, for NaN too: the column on the left
		x, y = y, x
		op = mirror(op)
	}
	switch {
	case x.typ == gds.KindInt && y.typ == gds.KindInt && y.scalar != nil:
		a, k := x.ints(c.colBuf()), y.scalar.i
		cn.b = func(c *gds.Ctx, n int) []bool {
			out := buf.bools(c, n)
			compareScalar(op, out, a(c, n), k(c))
			return out
		}
	case x.typ == gds.KindInt && y.typ == gds.KindInt:
		a, b := x.ints(c.colBuf()), y.ints(c.colBuf())
		cn.b = func(c *gds.Ctx, n int) []bool {
			out := buf.bools(c, n)
			compareCols(op, out, a(c, n), b(c, n))
			return out
		}
	case numeric(x.typ) && numeric(y.typ) && y.scalar != nil:
		a, k := x.floats(c.colBuf()), y.scalar.flt()
		cn.b = func(c *gds.Ctx, n int) []bool {
			out := buf.bools(c, n)
			compareScalar(op, out, a(c, n), k(c))
			return out
		}
	case numeric(x.typ) && numeric(y.typ):
		a, b := x.floats(c.colBuf()), y.floats(c.colBuf())
		cn.b = func(c *gds.Ctx, n int) []bool {
			out := buf.bools(c, n)
			compareCols(op, out, a(c, n), b(c, n))
			return out
		}
	case x.typ == gds.KindString && y.typ == gds.KindString && (op == token.EQL || op == token.NEQ):
		var col func(*gds.Ctx, int) []string
		var k func(*gds.Ctx) string
		switch {
		case x.scalar == nil && y.scalar != nil:
			col, k = x.s, y.scalar.s
		case y.scalar == nil && x.scalar != nil:
			col, k = y.s, x.scalar.s
		default:
			return nil, false
		}
		eq := op == token.EQL
		cn.b = func(c *gds.Ctx, n int) []bool {
			out := buf.bools(c, n)
			equalStrings(out, col(c, n), k(c), eq)
			return out
		}
	case x.typ == gds.KindBool && y.typ == gds.KindBool && (op == token.EQL || op == token.NEQ):
		a, b := x.bools(c.colBuf()), y.bools(c.colBuf())
		eq := op == token.EQL
		cn.b = func(c *gds.Ctx, n int) []bool {
			out := buf.bools(c, n)
			av, bv := a(c, n)[:len(out)], b(c, n)[:len(out)]
			for k := range out {
				out[k] = (av[k] == bv[k]) == eq
			}
			return out
		}
	default:
		return nil, false
	}
	return cn, true
}

// equalStrings sets out[j] to whether vals[j] == v is eq. The agents'
// strings mostly share a few backing arrays (the values a join sets): a
// string with the last equal one's, or the last unequal one's, pointer and
// v's length needs no byte comparison.
func equalStrings(out []bool, vals []string, v string, eq bool) {
	vals = vals[:len(out)]
	if len(v) == 0 {
		for j, s := range vals {
			out[j] = (len(s) == 0) == eq
		}
		return
	}
	yes, no := unsafe.StringData(v), (*byte)(nil)
	for j, s := range vals {
		same := false
		if len(s) == len(v) {
			switch p := unsafe.StringData(s); p {
			case yes:
				same = true
			case no:
			default:
				if same = s == v; same {
					yes = p
				} else {
					no = p
				}
			}
		}
		out[j] = same == eq
	}
}

// mirror is the comparison op with its operands swapped: x op y is
// y mirror(op) x (for NaN as well: both are false).
func mirror(op token.Token) token.Token {
	switch op {
	case token.LSS:
		return token.GTR
	case token.GTR:
		return token.LSS
	case token.LEQ:
		return token.GEQ
	case token.GEQ:
		return token.LEQ
	}
	return op // == and !=
}

// compareScalar compares each value of a with v.
func compareScalar[T int64 | float64](op token.Token, out []bool, a []T, v T) {
	a = a[:len(out)]
	switch op {
	case token.EQL:
		for k, x := range a {
			out[k] = x == v
		}
	case token.NEQ:
		for k, x := range a {
			out[k] = x != v
		}
	case token.LSS:
		for k, x := range a {
			out[k] = x < v
		}
	case token.LEQ:
		for k, x := range a {
			out[k] = x <= v
		}
	case token.GTR:
		for k, x := range a {
			out[k] = x > v
		}
	default:
		for k, x := range a {
			out[k] = x >= v
		}
	}
}

func compareCols[T int64 | float64](op token.Token, out []bool, a, b []T) {
	a, b = a[:len(out)], b[:len(out)]
	switch op {
	case token.EQL:
		for k := range out {
			out[k] = a[k] == b[k]
		}
	case token.NEQ:
		for k := range out {
			out[k] = a[k] != b[k]
		}
	case token.LSS:
		for k := range out {
			out[k] = a[k] < b[k]
		}
	case token.LEQ:
		for k := range out {
			out[k] = a[k] <= b[k]
		}
	case token.GTR:
		for k := range out {
			out[k] = a[k] > b[k]
		}
	default:
		for k := range out {
			out[k] = a[k] >= b[k]
		}
	}
}

// colLogic is x && y or x || y. The right operand's failures count only
// where the left does not decide.
func (c *compiler) colLogic(op token.Token, x, y *colNode) *colNode {
	a, b := x.bools(c.colBuf()), y.bools(c.colBuf())
	and := op == token.LAND
	buf := c.colBuf()
	cn := &colNode{typ: gds.KindBool, own: &buf, b: func(c *gds.Ctx, n int) []bool {
		out := buf.bools(c, n)
		av, bv := a(c, n)[:len(out)], b(c, n)[:len(out)]
		if and {
			for k := range out {
				out[k] = av[k] && bv[k]
			}
		} else {
			for k := range out {
				out[k] = av[k] || bv[k]
			}
		}
		return out
	}}
	if x.bad == nil && y.bad == nil {
		return cn
	}
	xb, yb, bbuf := x.bad, y.bad, c.colBuf()
	cn.bad = func(c *gds.Ctx, n int) []bool {
		xm, ym := marks(xb, c, n), marks(yb, c, n)
		if xm == nil && ym == nil {
			return nil
		}
		out := bbuf.bools(c, n)
		clear(out)
		copy(out, xm)
		if ym != nil {
			av, bad := a(c, n)[:len(out)], ym[:len(out)]
			for k := range out {
				out[k] = out[k] || av[k] == and && bad[k]
			}
		}
		return out
	}
	return cn
}

func (c *compiler) colCall(e *ast.CallExpr, n *node) (*colNode, bool) {
	id, ok := e.Fun.(*ast.Ident)
	if !ok {
		return nil, false
	}
	args := make([]*colNode, len(e.Args))
	allShared := true
	if id.Name != "over" && id.Name != "lag" {
		for k, a := range e.Args {
			if args[k], ok = c.column(a); !ok {
				return nil, false
			}
			allShared = allShared && args[k].scalar != nil
		}
	}
	if allShared || id.Name == "over" {
		return c.shared(e, n) // an aggregate is the same for every agent
	}
	switch id.Name {
	case "ifelse":
		return c.colIfElse(n, args[0], args[1], args[2])
	case "min", "max":
		if n.typ != gds.KindFloat || len(args) < 2 {
			return nil, false
		}
		for _, a := range args {
			if !numeric(a.typ) {
				return nil, false
			}
		}
		return c.colMinMax(id.Name == "min", args), true
	case "float":
		x := args[0]
		switch x.typ {
		case gds.KindFloat:
			return x, true
		case gds.KindInt:
			return &colNode{typ: gds.KindFloat, bad: x.bad, f: x.floats(c.colBuf())}, true
		}
	}
	return nil, false
}

// colMinMax follows Go's min and max, as minMaxN does, left to right.
func (c *compiler) colMinMax(isMin bool, args []*colNode) *colNode {
	buf := c.colBuf()
	if len(args) == 2 && (args[0].scalar == nil) != (args[1].scalar == nil) {
		// a column and an agent-independent value, which is not spread
		col, one, first := args[0], args[1], false
		if col.scalar != nil {
			col, one, first = one, col, true
		}
		a, k := col.floats(c.colBuf()), one.scalar.flt()
		return &colNode{typ: gds.KindFloat, bad: c.either(args...), own: &buf, f: func(c *gds.Ctx, n int) []float64 {
			out := buf.floats(c, n)
			v, x := k(c), a(c, n)[:len(out)]
			switch { // in the order written: of two NaNs, which one is the result
			case isMin && first:
				for j := range out {
					out[j] = min(v, x[j])
				}
			case isMin:
				for j := range out {
					out[j] = min(x[j], v)
				}
			case first:
				for j := range out {
					out[j] = max(v, x[j])
				}
			default:
				for j := range out {
					out[j] = max(x[j], v)
				}
			}
			return out
		}}
	}
	fs := make([]func(*gds.Ctx, int) []float64, len(args))
	for k, a := range args {
		fs[k] = a.floats(c.colBuf())
	}
	return &colNode{typ: gds.KindFloat, bad: c.either(args...), own: &buf, f: func(c *gds.Ctx, n int) []float64 {
		out := buf.floats(c, n)
		copy(out, fs[0](c, n))
		for _, f := range fs[1:] {
			v := f(c, n)[:len(out)]
			if isMin {
				for k := range out {
					out[k] = min(out[k], v[k])
				}
			} else {
				for k := range out {
					out[k] = max(out[k], v[k])
				}
			}
		}
		return out
	}}
}

// colIfElse picks per agent; each agent's failures are those of its
// condition and of the branch it takes.
func (c *compiler) colIfElse(n *node, k, x, y *colNode) (*colNode, bool) {
	cond := k.bools(c.colBuf())
	buf := c.colBuf()
	cn := &colNode{typ: n.typ, own: &buf}
	switch n.typ {
	case gds.KindFloat:
		if !numeric(x.typ) || !numeric(y.typ) {
			return nil, false
		}
		cn.f = pickCols(cond, x.floatBranch(c.colBuf()), y.floatBranch(c.colBuf()), buf.floats)
	case gds.KindInt:
		cn.i = pickCols(cond, x.intBranch(c.colBuf()), y.intBranch(c.colBuf()), buf.ints)
	case gds.KindBool:
		cn.b = pickCols(cond, x.boolBranch(c.colBuf()), y.boolBranch(c.colBuf()), buf.bools)
	default:
		return nil, false
	}
	if k.bad == nil && x.bad == nil && y.bad == nil {
		return cn, true
	}
	kb, xb, yb, bbuf := k.bad, x.bad, y.bad, c.colBuf()
	cn.bad = func(c *gds.Ctx, n int) []bool {
		km, xm, ym := marks(kb, c, n), marks(xb, c, n), marks(yb, c, n)
		if km == nil && xm == nil && ym == nil {
			return nil
		}
		out := bbuf.bools(c, n)
		clear(out)
		copy(out, km)
		kv := cond(c, n)[:len(out)]
		if xm != nil {
			for j, bad := range xm[:len(out)] {
				out[j] = out[j] || kv[j] && bad
			}
		}
		if ym != nil {
			for j, bad := range ym[:len(out)] {
				out[j] = out[j] || !kv[j] && bad
			}
		}
		return out
	}
	return cn, true
}

// branchOf is one branch of an ifelse column: a column, or an
// agent-independent value, which is not spread over the agents.
type branchOf[T float64 | int64 | bool] struct {
	col func(*gds.Ctx, int) []T
	one func(*gds.Ctx) T
}

// floatBranch returns cn as a float ifelse branch (ints converted, as
// node.flt converts them).
func (cn *colNode) floatBranch(buf colScratch) branchOf[float64] {
	if cn.scalar != nil {
		return branchOf[float64]{one: cn.scalar.flt()}
	}
	return branchOf[float64]{col: cn.floats(buf)}
}

// intBranch returns cn as an int ifelse branch.
func (cn *colNode) intBranch(buf colScratch) branchOf[int64] {
	if cn.scalar != nil {
		return branchOf[int64]{one: cn.scalar.i}
	}
	return branchOf[int64]{col: cn.ints(buf)}
}

// boolBranch returns cn as a bool ifelse branch.
func (cn *colNode) boolBranch(buf colScratch) branchOf[bool] {
	if cn.scalar != nil {
		return branchOf[bool]{one: cn.scalar.b}
	}
	return branchOf[bool]{col: cn.bools(buf)}
}

// pickCols is ifelse's column: x's value where cond holds, else y's, in
// the buffer out gives.
func pickCols[T float64 | int64 | bool](cond func(*gds.Ctx, int) []bool, x, y branchOf[T], out func(*gds.Ctx, int) []T) func(*gds.Ctx, int) []T {
	switch {
	case x.one != nil && y.one != nil:
		return func(c *gds.Ctx, n int) []T {
			o := out(c, n)
			kv, av, bv := cond(c, n)[:len(o)], x.one(c), y.one(c)
			for j := range o {
				if kv[j] {
					o[j] = av
				} else {
					o[j] = bv
				}
			}
			return o
		}
	case x.one != nil:
		return func(c *gds.Ctx, n int) []T {
			o := out(c, n)
			kv, av, bv := cond(c, n)[:len(o)], x.one(c), y.col(c, n)[:len(o)]
			for j := range o {
				if kv[j] {
					o[j] = av
				} else {
					o[j] = bv[j]
				}
			}
			return o
		}
	case y.one != nil:
		return func(c *gds.Ctx, n int) []T {
			o := out(c, n)
			kv, av, bv := cond(c, n)[:len(o)], x.col(c, n)[:len(o)], y.one(c)
			for j := range o {
				if kv[j] {
					o[j] = av[j]
				} else {
					o[j] = bv
				}
			}
			return o
		}
	}
	return func(c *gds.Ctx, n int) []T {
		o := out(c, n)
		kv, av, bv := cond(c, n)[:len(o)], x.col(c, n)[:len(o)], y.col(c, n)[:len(o)]
		for j := range o {
			if kv[j] {
				o[j] = av[j]
			} else {
				o[j] = bv[j]
			}
		}
		return o
	}
}

// colIndex is v[agent] of an agent-independent vector v; agents beyond
// its end are marked bad (the per-agent evaluation fails there).
func (c *compiler) colIndex(e *ast.IndexExpr, n *node) (*colNode, bool) {
	ix := c.nodes[e.Index]
	vx, ok := c.column(e.X)
	if !ok || ix == nil {
		return nil, false
	}
	if !ix.agent {
		iv, ok := c.column(e.Index)
		if !ok || iv.scalar == nil || vx.scalar == nil {
			return nil, false
		}
		return c.shared(e, n)
	}
	if vx.scalar == nil || vx.typ != gds.KindVec {
		return nil, false
	}
	vec, buf, bbuf := vx.scalar.v, c.colBuf(), c.colBuf()
	return &colNode{typ: gds.KindFloat,
		f: func(c *gds.Ctx, n int) []float64 {
			out := buf.floats(c, n)
			v := vec(c)
			if len(v) >= n {
				return v[:n] // columns are read, never written
			}
			copy(out, v)
			for j := len(v); j < n; j++ {
				out[j] = 0 // marked bad
			}
			return out
		},
		bad: func(c *gds.Ctx, n int) []bool {
			if len(vec(c)) >= n {
				return nil // every agent has its element
			}
			out := bbuf.bools(c, n)
			m := min(len(vec(c)), n)
			clear(out[:m])
			for j := m; j < n; j++ {
				out[j] = true
			}
			return out
		},
	}, true
}

// overColumn is over(pop, x) evaluated a column at a time: the values
// (for no agents, h's buffer emptied), and false if the population must be
// evaluated agent by agent instead (an agent fails, or an
// agent-independent value does).
//
// For a bool x, count is sum(over(pop, x)) from the bools themselves: the
// number of agents for which x holds, which is what adding their 0s and
// 1s in order gives (every partial sum is an integer, exact in a float64).
func overColumn(cn *colNode, buf colScratch) (cols func(c *gds.Ctx, h gds.Scratch, n int) ([]float64, bool), count func(c *gds.Ctx, n int) (float64, bool)) {
	var vals func(*gds.Ctx, int) []float64
	switch cn.typ {
	case gds.KindFloat, gds.KindInt:
		vals = cn.floats(buf)
	case gds.KindBool:
		b := cn.bools(buf)
		vals = func(c *gds.Ctx, n int) []float64 {
			out := buf.floats(c, n)
			for k, v := range b(c, n)[:len(out)] {
				out[k] = float64(*(*uint8)(unsafe.Pointer(&v))) // 0 or 1, without a branch
			}
			return out
		}
		gb := guarded(b, cn.bad)
		count = func(c *gds.Ctx, n int) (float64, bool) {
			v, ok := gb(c, n)
			if !ok {
				return 0, false
			}
			k := 0
			for _, x := range v {
				k += int(*(*uint8)(unsafe.Pointer(&x)))
			}
			return float64(k), true
		}
	default:
		return nil, nil
	}
	g := guarded(vals, cn.bad)
	return func(c *gds.Ctx, h gds.Scratch, n int) ([]float64, bool) {
		if n == 0 {
			return (*h.Buf(c))[:0], true
		}
		// the column's own buffer, or a field's column: a vector is
		// read, never written, until its next evaluation
		return g(c, n)
	}, count
}

// marks returns bad's marks for n agents, nil when bad is nil or marks
// none.
func marks(bad func(*gds.Ctx, int) []bool, c *gds.Ctx, n int) []bool {
	if bad == nil {
		return nil
	}
	return bad(c, n)
}

// guarded evaluates a column for n agents, or reports false when the
// per-agent evaluation would fail for one of them: an agent is marked
// bad, or the evaluation panics (an agent-independent value failing, as
// it would for the first agent). For no agents it evaluates nothing, as
// the per-agent evaluation does.
func guarded[T any](vals func(*gds.Ctx, int) []T, bad func(*gds.Ctx, int) []bool) func(*gds.Ctx, int) ([]T, bool) {
	return func(c *gds.Ctx, n int) (out []T, ok bool) {
		if n == 0 {
			return nil, true
		}
		defer func() {
			if recover() != nil {
				out, ok = nil, false
			}
		}()
		if bad != nil {
			for _, b := range bad(c, n) { // nil: none marked
				if b {
					return nil, false
				}
			}
		}
		return vals(c, n), true
	}
}

// rootColumn gives x, compiled from root in a per-agent Env, its column
// evaluation (Expr.FloatColumn), when root has one.
func (c *compiler) rootColumn(root ast.Expr, x *Expr) {
	cn, ok := c.column(root)
	if !ok {
		return
	}
	switch {
	case x.Kind == gds.KindFloat && numeric(cn.typ):
		x.colF = guarded(cn.floats(c.colBuf()), cn.bad)
	case x.Kind == gds.KindInt && cn.typ == gds.KindInt:
		x.colF = guarded(cn.floats(c.colBuf()), cn.bad)
		x.colI = guarded(cn.ints(c.colBuf()), cn.bad)
	case x.Kind == gds.KindBool && cn.typ == gds.KindBool:
		x.colB = guarded(cn.bools(c.colBuf()), cn.bad)
	}
}

// columnFallbacks counts the over evaluations that went agent by agent
// after a column evaluation gave up, for tests.
var columnFallbacks atomic.Int64
