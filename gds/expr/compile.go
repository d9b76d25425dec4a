package expr

import (
	"cmp"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"math"
	"math/bits"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/internal/names"
)

// node is a compiled, type-checked subexpression: the evaluation function
// of its type, and its value when it is a constant.
type node struct {
	typ   gds.Kind
	col   int  // 1-based column of the operation, for errors
	konst bool // a constant: folded at compile time (never a vector)

	f func(*gds.Ctx) float64
	i func(*gds.Ctx) int64
	b func(*gds.Ctx) bool
	s func(*gds.Ctx) string
	v func(*gds.Ctx) []float64

	kf float64 // the value of a constant
	ki int64
	kb bool
	ks string

	// A float operation between two non-constant operands, x op y: an
	// operation on its result can fuse it into one closure (see fuse3).
	op     token.Token
	fx, fy func(*gds.Ctx) float64

	agent bool // the name of Env.AgentIndex: Ctx.Agent

	// overSum, on an over(population, x) node whose agent is Ctx.Agent, is
	// sum of it without building the vector (the same additions, in the
	// same order)
	overSum func(*gds.Ctx) float64

	// A float operation between two leaves, pair.x op pair.y: an operation
	// with a third leaf fuses into one closure (leaf3).
	pair *leafPair

	leaf leaf // a float name read through its handle (see leafArith)

	// inv: a float computed from float parameters and constants only, by
	// operations that cannot fail; compile computes it once per job's
	// parameters, as a derived parameter (hoist).
	inv bool
}

// leafPair is a node's x op y of two leaves.
type leafPair struct {
	op   token.Token
	x, y leaf
}

// invOrConst reports whether n is a constant or parameter-invariant.
func (n *node) invOrConst() bool { return n.inv || n.konst && numeric(n.typ) }

// invariant reports whether an operation of a float result on ns, not a
// constant itself, depends on parameters and constants only.
func invariant(ns ...*node) bool {
	all := true
	for _, n := range ns {
		all = all && n.invOrConst()
	}
	return all && !allKonst(ns...)
}

// shape names the node as leafArith's cases do: V, P or S for a leaf
// (variable, parameter, signal), K for a constant, E for anything else.
func (n *node) shape() string {
	switch {
	case n.leaf.kind != 0:
		return string(n.leaf.kind)
	case n.konst && numeric(n.typ):
		return "K"
	}
	return "E"
}

// leafParts returns what leafArith's closures read: the leaf's handles,
// the constant's value and the node's float getter.
func (n *node) leafParts() (gds.Float, gds.FloatParam, gds.FloatSignal, float64, func(*gds.Ctx) float64) {
	k := 0.0
	if n.konst && numeric(n.typ) {
		k = n.fconst()
	}
	return n.leaf.v, n.leaf.p, n.leaf.s, k, n.flt()
}

func numeric(t gds.Kind) bool { return t == gds.KindFloat || t == gds.KindInt }

// flt returns the node's value as a float64 getter: Int is converted.
func (n *node) flt() func(*gds.Ctx) float64 {
	switch n.typ {
	case gds.KindFloat:
		return n.f
	case gds.KindInt:
		if n.konst {
			v := float64(n.ki)
			return func(*gds.Ctx) float64 { return v }
		}
		i := n.i
		return func(c *gds.Ctx) float64 { return float64(i(c)) }
	}
	panic("expr: flt of a " + n.typ.String())
}

// fconst returns the value of a numeric constant as a float64.
func (n *node) fconst() float64 {
	if n.typ == gds.KindInt {
		return float64(n.ki)
	}
	return n.kf
}

func constF(col int, v float64) *node {
	return &node{typ: gds.KindFloat, col: col, konst: true, kf: v, f: func(*gds.Ctx) float64 { return v }}
}

func constI(col int, v int64) *node {
	return &node{typ: gds.KindInt, col: col, konst: true, ki: v, i: func(*gds.Ctx) int64 { return v }}
}

func constB(col int, v bool) *node {
	return &node{typ: gds.KindBool, col: col, konst: true, kb: v, b: func(*gds.Ctx) bool { return v }}
}

func constS(col int, v string) *node {
	return &node{typ: gds.KindString, col: col, konst: true, ks: v, s: func(*gds.Ctx) string { return v }}
}

func allKonst(ns ...*node) bool {
	for _, n := range ns {
		if !n.konst {
			return false
		}
	}
	return true
}

// Limits of one expression, checked before it is parsed: a longer or
// deeper one is a compile error (an *Error) that does not quote it.
const (
	// MaxSource is the most bytes an expression may have (4 MiB). A larger
	// computation belongs in several signals or variables.
	MaxSource = 4 << 20
	// MaxNesting is the most brackets (parentheses, calls, indexing) an
	// expression may nest, one inside the other.
	MaxNesting = 1000
	// maxParserNesting is go/parser's own limit on the depth of the syntax
	// tree, where each operator of a chain such as a + b + c ... and each
	// unary sign counts one level.
	maxParserNesting = 100_000
)

// compiler compiles one expression.
type compiler struct {
	env   *Env
	src   string
	fset  *token.FileSet
	file  *token.File // the one file of fset, once parsed
	used  map[string]bool
	reads map[leaf]bool // the leaves: read untraced where inlined (Expr.Trace)
	runes []int32       // the rune index of every byte offset of src, once a column is asked for
	// keywords maps the stand-ins of declared names that are Go keywords
	// (a field called type) back to the names: prepare writes _ype for
	// type, of the same length, so that columns stay right.
	keywords map[string]string
	// nodes holds every subexpression's compiled node, for over's
	// column-at-a-time evaluation (column)
	nodes map[ast.Expr]*node
	// keys memoises colKey
	keys map[ast.Expr]colKeyInfo
}

// Compile parses src (Go expression syntax), type-checks it against env
// and compiles it into closures. Vector-valued subexpressions reserve
// per-engine scratch vectors from env's Builder, so compile before the
// Builder's Build. The error is an *Error locating the problem.
func Compile(src string, env *Env) (*Expr, error) {
	if env == nil {
		env = NewEnv(nil)
	}
	c := &compiler{env: env, src: src, used: map[string]bool{}, reads: map[leaf]bool{}, fset: token.NewFileSet()}
	if len(src) > MaxSource {
		return nil, c.errAt(1, "the expression is %s, more than the %s an expression may have; split it into signals or state variables",
			byteSize(len(src)), byteSize(MaxSource))
	}
	text, err := c.prepare()
	if err != nil {
		return nil, err
	}
	root, perr := parser.ParseExprFrom(c.fset, "", text, parser.SkipObjectResolution)
	if perr != nil {
		return nil, c.syntaxError(text, perr)
	}
	c.fset.Iterate(func(f *token.File) bool { c.file = f; return false })
	n, err := c.expr(root)
	if err != nil {
		return nil, err
	}
	x := &Expr{Src: src, Kind: n.typ, Const: n.konst}
	if env.perAgent && env.b != nil {
		c.rootColumn(root, x)
	}
	switch n.typ {
	case gds.KindFloat:
		x.Float = n.f
		if n.op != 0 && n.fx != nil && n.fy != nil {
			x.rootOp, x.rootX, x.rootY = n.op, n.fx, n.fy
		}
	case gds.KindInt:
		x.Int, x.Float = n.i, n.flt()
	case gds.KindBool:
		x.Bool = n.b
	case gds.KindString:
		x.String = n.s
	case gds.KindVec:
		x.Vec = n.v
	}
	for name := range c.used {
		x.Names = append(x.Names, name)
	}
	slices.Sort(x.Names)
	for l := range c.reads {
		x.leaves = append(x.leaves, l)
	}
	slices.SortFunc(x.leaves, func(a, b leaf) int { return cmp.Compare(a.name(), b.name()) })
	return x, nil
}

// byteSize writes n bytes as B, KiB or MiB.
func byteSize(n int) string {
	switch {
	case n >= 1<<20:
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MiB"
	case n >= 1<<10:
		return strconv.FormatFloat(float64(n)/(1<<10), 'f', 1, 64) + " KiB"
	}
	return strconv.Itoa(n) + " bytes"
}

// errAt returns an *Error at a 1-based column.
func (c *compiler) errAt(col int, format string, args ...any) *Error {
	return &Error{Src: c.src, Col: col, Msg: fmt.Sprintf(format, args...)}
}

// colOfOffset returns the 1-based column, in characters, of a byte offset.
func (c *compiler) colOfOffset(off int) int {
	off = max(0, min(off, len(c.src)))
	if c.runes == nil { // built once: a count per node was quadratic in the expression's size
		c.runes = make([]int32, 0, len(c.src)+1)
		n := int32(0)
		for i := 0; i < len(c.src); {
			_, size := utf8.DecodeRuneInString(c.src[i:])
			for range size {
				c.runes = append(c.runes, n)
			}
			i += size
			n++
		}
		c.runes = append(c.runes, n)
	}
	return int(c.runes[off]) + 1
}

func (c *compiler) col(p token.Pos) int {
	if !p.IsValid() {
		return 1
	}
	if c.file != nil {
		return c.colOfOffset(c.file.Offset(p)) // without the line and column Position works out
	}
	return c.colOfOffset(c.fset.Position(p).Offset)
}

func (c *compiler) site(col int) *site { return &site{src: c.src, col: col} }

// prepare rejects comments (so that Python's a // b is not silently read
// as a) and turns line breaks outside raw strings into spaces, so that an
// expression may span lines of a TOML multi-line string with operators at
// the start of a line. Offsets are unchanged.
func (c *compiler) prepare() (string, error) {
	var s scanner.Scanner
	file := token.NewFileSet().AddFile("", -1, len(c.src))
	s.Init(file, []byte(c.src), func(token.Position, string) {}, scanner.ScanComments)
	text := []byte(c.src)
	var raw [][2]int // raw string spans
	depth := 0       // brackets open
	for {
		pos, tok, lit := s.Scan()
		if tok == token.EOF {
			break
		}
		off := file.Offset(pos)
		switch {
		case tok == token.LPAREN || tok == token.LBRACK || tok == token.LBRACE:
			if depth++; depth > MaxNesting {
				return "", c.errAt(c.colOfOffset(off), "brackets nested more than %d deep; split the expression into signals or state variables", MaxNesting)
			}
		case tok == token.RPAREN || tok == token.RBRACK || tok == token.RBRACE:
			depth--
		case tok == token.COMMENT:
			if strings.HasPrefix(lit, "//") {
				return "", c.errAt(c.colOfOffset(off), "// starts a comment, and expressions have none (for floor division write floor(a / b))")
			}
			return "", c.errAt(c.colOfOffset(off), "/* starts a comment, and expressions have none")
		case tok == token.STRING && strings.HasPrefix(lit, "`"):
			raw = append(raw, [2]int{off, off + len(lit)})
		case tok.IsKeyword() && c.declared(tok.String()):
			kw := tok.String()
			stand := "_" + kw[1:]
			if c.keywords == nil {
				c.keywords = map[string]string{}
			}
			c.keywords[stand] = kw
			text[off] = '_'
		}
	}
	for i, ch := range text {
		if ch != '\n' && ch != '\r' {
			continue
		}
		inRaw := false
		for _, r := range raw {
			if i >= r[0] && i < r[1] {
				inRaw = true
			}
		}
		if !inRaw {
			text[i] = ' '
		}
	}
	return string(text), nil
}

// declared reports whether the Env declares name (as a value, a lagged
// value or a population), or the Env of a population's agents does.
func (c *compiler) declared(name string) bool {
	_, v := c.env.vars[name]
	_, g := c.env.lags[name]
	_, p := c.env.pops[name]
	found := v || g || p
	for _, pop := range c.env.pops {
		_, a := pop.agent.vars[name]
		found = found || a
	}
	return found
}

// pythonisms are words of Python's expression syntax that Go's has not.
var pythonisms = map[string]string{
	"and":    "write && instead of and",
	"or":     "write || instead of or",
	"not":    "write ! instead of not",
	"if":     "write ifelse(cond, a, b) instead of a if cond else b",
	"else":   "write ifelse(cond, a, b) instead of a if cond else b",
	"is":     "write == instead of is",
	"in":     "membership tests (in) are not supported",
	"lambda": "lambda is not supported",
}

// syntaxError translates a go/parser error.
func (c *compiler) syntaxError(text string, err error) error {
	// A Python keyword is the likeliest cause: name it.
	var s scanner.Scanner
	file := token.NewFileSet().AddFile("", -1, len(text))
	s.Init(file, []byte(text), func(token.Position, string) {}, 0)
	for {
		pos, tok, lit := s.Scan()
		if tok == token.EOF {
			break
		}
		word := lit
		if tok.IsKeyword() {
			word = tok.String()
		} else if tok != token.IDENT {
			continue
		}
		if hint, ok := pythonisms[word]; ok {
			if _, declared := c.env.vars[word]; !declared {
				return c.errAt(c.colOfOffset(file.Offset(pos)), "syntax error: %s", hint)
			}
		}
	}
	var list scanner.ErrorList
	if errors.As(err, &list) && len(list) > 0 {
		e := list[0]
		msg := e.Msg
		if rest, ok := strings.CutPrefix(msg, "expected 'EOF', found "); ok {
			msg = "unexpected " + rest
		}
		msg = strings.ReplaceAll(msg, "'EOF'", "end of expression")
		msg = strings.ReplaceAll(msg, "found newline", "found end of expression")
		if msg == "exceeded max nesting depth" {
			msg = fmt.Sprintf("more than %d operations nested or chained (each operator of a + b + c ... and each unary sign counts one); split the expression into signals or state variables", maxParserNesting)
		}
		return c.errAt(c.colOfOffset(e.Pos.Offset), "syntax error: %s", msg)
	}
	return c.errAt(1, "syntax error: %v", err)
}

// fold evaluates a constant node at compile time. An evaluation error
// (such as 1 % 0) is a compile error.
func (c *compiler) fold(n *node) (out *node, err error) {
	defer func() {
		if r := recover(); r != nil {
			if ee, ok := r.(*EvalError); ok {
				out, err = nil, c.errAt(ee.Col, "%s", ee.Msg)
				return
			}
			out, err = nil, c.errAt(n.col, "internal error: %v", r)
		}
	}()
	switch n.typ {
	case gds.KindFloat:
		return constF(n.col, n.f(nil)), nil
	case gds.KindInt:
		return constI(n.col, n.i(nil)), nil
	case gds.KindBool:
		return constB(n.col, n.b(nil)), nil
	case gds.KindString:
		return constS(n.col, n.s(nil)), nil
	}
	n.konst = false // vectors live in scratch buffers: never constants
	return n, nil
}

// expr compiles a subexpression, folding it if it is constant.
func (c *compiler) expr(e ast.Expr) (*node, error) {
	n, err := c.expr2(e)
	if err == nil {
		if c.nodes == nil {
			c.nodes = map[ast.Expr]*node{}
		}
		c.nodes[e] = n
	}
	return n, err
}

func (c *compiler) expr2(e ast.Expr) (*node, error) {
	n, err := c.expr1(e)
	if err != nil {
		return nil, err
	}
	if n.konst {
		switch e.(type) {
		case *ast.BasicLit, *ast.Ident, *ast.ParenExpr:
			return n, nil // already a constant
		}
		return c.fold(n)
	}
	if n.inv && n.leaf.kind == 0 && c.env.b != nil && !c.env.detached {
		return c.hoist(n), nil
	}
	return n, nil
}

// hoist makes a parameter-invariant node (such as sqrt(dt)) a derived
// parameter, computed when a job's parameters are set instead of at every
// evaluation, and read as a parameter leaf: operations on it inline the
// read. The same closure computes it, so the value has the same bits. Its
// reads are the parameters it is computed from, which c.reads already
// holds.
func (c *compiler) hoist(n *node) *node {
	h := c.env.b.ParamDerived(n.f)
	return &node{typ: gds.KindFloat, col: n.col, f: h.GetUntraced, leaf: leaf{kind: 'P', p: h}, inv: true}
}

func (c *compiler) expr1(e ast.Expr) (*node, error) {
	switch e := e.(type) {
	case *ast.BasicLit:
		return c.literal(e, false, c.col(e.Pos()))
	case *ast.Ident:
		return c.ident(e)
	case *ast.ParenExpr:
		return c.expr(e.X)
	case *ast.UnaryExpr:
		return c.unary(e)
	case *ast.BinaryExpr:
		return c.binary(e)
	case *ast.CallExpr:
		return c.call(e)
	case *ast.IndexExpr:
		return c.index(e)
	case *ast.IndexListExpr:
		return nil, c.errAt(c.col(e.Lbrack), "an index has one integer: v[i]")
	case *ast.SliceExpr:
		return nil, c.errAt(c.col(e.Lbrack), "slices (v[i:j]) are not supported")
	case *ast.SelectorExpr:
		return c.selector(e)
	case *ast.StarExpr:
		return nil, c.errAt(c.col(e.Star), "pointer indirection (*x) is not supported")
	case *ast.TypeAssertExpr:
		return nil, c.errAt(c.col(e.Lparen)-1, "type assertions (x.(T)) are not supported")
	case *ast.CompositeLit:
		return nil, c.errAt(c.col(e.Pos()), "composite literals (T{...}) are not supported")
	case *ast.FuncLit:
		return nil, c.errAt(c.col(e.Pos()), "function literals are not supported")
	case *ast.KeyValueExpr:
		return nil, c.errAt(c.col(e.Colon), "key: value pairs are not supported")
	case *ast.Ellipsis:
		return nil, c.errAt(c.col(e.Pos()), "... is not supported")
	case *ast.ArrayType, *ast.StructType, *ast.FuncType, *ast.InterfaceType, *ast.MapType, *ast.ChanType:
		return nil, c.errAt(c.col(e.Pos()), "types are not supported in expressions")
	}
	return nil, c.errAt(c.col(e.Pos()), "unsupported expression")
}

// literal compiles a literal; neg is set for a literal under unary minus,
// so that the most negative int can be written.
func (c *compiler) literal(e *ast.BasicLit, neg bool, col int) (*node, error) {
	lit := e.Value
	sign := ""
	if neg {
		sign = "-"
	}
	switch e.Kind {
	case token.INT:
		if len(lit) > 1 && lit[0] == '0' && (lit[1] >= '0' && lit[1] <= '9' || lit[1] == '_') {
			return nil, c.errAt(col, "leading zeros in integer literals are not allowed (%s); write 0o%s for an octal number", lit, strings.TrimLeft(lit, "0_"))
		}
		v, err := strconv.ParseInt(sign+lit, 0, 64)
		if err != nil {
			if errors.Is(err, strconv.ErrRange) {
				return nil, c.errAt(col, "integer literal %s%s is out of range for int (64 bits)", sign, lit)
			}
			return nil, c.errAt(col, "invalid integer literal %s", lit)
		}
		return constI(col, v), nil
	case token.FLOAT:
		v, err := strconv.ParseFloat(strings.ReplaceAll(lit, "_", ""), 64)
		if err != nil {
			if errors.Is(err, strconv.ErrRange) && math.IsInf(v, 0) {
				return nil, c.errAt(col, "float literal %s is out of range for float (use inf for infinity)", lit)
			}
			if !errors.Is(err, strconv.ErrRange) {
				return nil, c.errAt(col, "invalid float literal %s", lit)
			}
		}
		if neg {
			v = -v
		}
		return constF(col, v), nil
	case token.STRING:
		s, err := strconv.Unquote(lit)
		if err != nil {
			return nil, c.errAt(col, "invalid string literal %s", lit)
		}
		return constS(col, s), nil
	case token.CHAR:
		return nil, c.errAt(col, "character literals are not supported; write strings in double quotes")
	case token.IMAG:
		return nil, c.errAt(col, "imaginary numbers are not supported")
	}
	return nil, c.errAt(col, "unsupported literal %s", lit)
}

// builtinNames are the identifiers every expression knows.
var builtinNames = []string{"t", "substep", "simulation", "subset", "run", "pi", "e", "inf", "nan", "true", "false"}

func (c *compiler) ident(e *ast.Ident) (*node, error) {
	col := c.col(e.Pos())
	name := e.Name
	if kw, ok := c.keywords[name]; ok {
		name = kw
	}
	switch name {
	case "true":
		return constB(col, true), nil
	case "false":
		return constB(col, false), nil
	}
	if b, ok := c.env.vars[name]; ok {
		return c.leaf(col, name, b)
	}
	if c.env.detached {
		switch name {
		case "t", "substep", "simulation", "subset", "run":
			return nil, c.errAt(col, "%q is a run's built-in name; it has no value here, outside a run", name)
		}
	}
	switch name {
	case "t":
		return &node{typ: gds.KindInt, col: col, i: func(c *gds.Ctx) int64 { return int64(c.T) }}, nil
	case "substep":
		return &node{typ: gds.KindInt, col: col, i: func(c *gds.Ctx) int64 { return int64(c.Substep) }}, nil
	case "simulation":
		return &node{typ: gds.KindInt, col: col, i: func(c *gds.Ctx) int64 { return int64(c.Simulation) }}, nil
	case "subset":
		return &node{typ: gds.KindInt, col: col, i: func(c *gds.Ctx) int64 { return int64(c.Subset) }}, nil
	case "run":
		return &node{typ: gds.KindInt, col: col, i: func(c *gds.Ctx) int64 { return int64(c.Run) }}, nil
	case "pi":
		return constF(col, math.Pi), nil
	case "e":
		return constF(col, math.E), nil
	case "inf":
		return constF(col, math.Inf(1)), nil
	case "nan":
		return constF(col, math.NaN()), nil
	}
	if _, ok := c.env.lags[name]; ok {
		return nil, c.errAt(col, "%q is declared only for lag: read it with lag(%s, k)", name, name)
	}
	if _, ok := funcs[name]; ok || name == "lag" {
		return nil, c.errAt(col, "%s is a function: call it, as in %s(...)", name, name)
	}
	return nil, c.errAt(col, "unknown name %q%s", name, c.suggestName(name))
}

// suggestName proposes a known name close to an unknown one.
func (c *compiler) suggestName(name string) string {
	known := c.env.Names()
	lower := strings.ToLower(name)
	for _, k := range append(known, builtinNames...) {
		if k == lower {
			return fmt.Sprintf(" (did you mean %q?)", k)
		}
	}
	if lower == "timestep" {
		return ` (the timestep is t)`
	}
	for _, k := range builtinNames {
		if len(k) > 1 { // one-letter names would match every short typo
			known = append(known, k)
		}
	}
	slices.Sort(known)
	return names.Suggest(name, known)
}

// leaf reads a declared name.
func (c *compiler) leaf(col int, name string, b *binding) (*node, error) {
	if len(b.dup) > 0 {
		ts := []string{b.typ.String()}
		for _, t := range b.dup {
			ts = append(ts, t.String())
		}
		return nil, c.errAt(col, "name %q is declared %d times (as %s)", name, len(ts), strings.Join(ts, ", "))
	}
	n := &node{typ: b.typ, col: col, f: b.f, i: b.i, b: b.b, s: b.s, v: b.v, leaf: b.leaf, agent: b.agent}
	if n.f == nil && n.i == nil && n.b == nil && n.s == nil && n.v == nil {
		return nil, c.errAt(col, "name %q is declared with a nil accessor", name)
	}
	c.used[name] = true
	if b.leaf.kind != 0 {
		c.reads[b.leaf] = true
	}
	n.inv = b.leaf.kind == 'P'

	return n, nil
}

// selector reads a dotted name declared as such (Env.Float("a.b", ...));
// any other a.b is an error that says what to write instead.
func (c *compiler) selector(e *ast.SelectorExpr) (*node, error) {
	col := c.col(e.Pos())
	x, ok := e.X.(*ast.Ident)
	if !ok {
		return nil, c.errAt(col, "selectors (a.b) are not supported")
	}
	field := e.Sel.Name
	if kw, ok := c.keywords[field]; ok {
		field = kw
	}
	sel := strings.ToLower(field)
	if b, ok := c.env.vars[x.Name+"."+field]; ok {
		return c.leaf(col, x.Name+"."+field, b) // a dotted name, such as an agent's wallet: router.usd
	}
	if _, isFunc := funcs[sel]; isFunc {
		return nil, c.errAt(col, "%s.%s: selectors (a.b) are not supported; call %s(...) directly", x.Name, e.Sel.Name, sel)
	}
	if slices.Contains(builtinNames, sel) && len(sel) > 1 || sel == "e" {
		return nil, c.errAt(col, "%s.%s: selectors (a.b) are not supported; write %s", x.Name, e.Sel.Name, sel)
	}
	return nil, c.errAt(col, "%s.%s: selectors (a.b) are not supported; values have no fields", x.Name, e.Sel.Name)
}

func (c *compiler) unary(e *ast.UnaryExpr) (*node, error) {
	col := c.col(e.OpPos)
	switch e.Op {
	case token.AND:
		return nil, c.errAt(col, "the address operator & is not supported")
	case token.ARROW:
		return nil, c.errAt(col, "channel receive (<-) is not supported")
	case token.XOR:
		return nil, c.errAt(col, "operator ^ is not supported")
	case token.TILDE:
		return nil, c.errAt(col, "operator ~ is not supported")
	}
	if lit, ok := e.X.(*ast.BasicLit); ok && e.Op == token.SUB && (lit.Kind == token.INT || lit.Kind == token.FLOAT) {
		return c.literal(lit, true, col)
	}
	x, err := c.expr(e.X)
	if err != nil {
		return nil, err
	}
	switch e.Op {
	case token.ADD:
		if !numeric(x.typ) && x.typ != gds.KindVec {
			return nil, c.errAt(col, "unary + wants a number, got %s", x.typ)
		}
		return x, nil
	case token.SUB:
		switch x.typ {
		case gds.KindFloat:
			a := x.f
			return &node{typ: gds.KindFloat, col: col, konst: x.konst, f: func(c *gds.Ctx) float64 { return -a(c) }, inv: invariant(x)}, nil
		case gds.KindInt:
			a, s := x.i, c.site(col)
			return &node{typ: gds.KindInt, col: col, konst: x.konst, i: func(c *gds.Ctx) int64 {
				v := a(c)
				if v == math.MinInt64 {
					panic(s.fail("integer overflow: -(%d) is beyond the int range", v))
				}
				return -v
			}}, nil
		case gds.KindVec:
			return c.vecNeg(col, x)
		}
		return nil, c.errAt(col, "cannot negate %s", x.typ)
	case token.NOT:
		if x.typ != gds.KindBool {
			return nil, c.errAt(col, "operator ! wants a bool, got %s", x.typ)
		}
		a := x.b
		return &node{typ: gds.KindBool, col: col, konst: x.konst, b: func(c *gds.Ctx) bool { return !a(c) }}, nil
	}
	return nil, c.errAt(col, "operator %s is not supported", e.Op)
}

var unsupportedOps = map[token.Token]string{
	token.AND:     "operator & is not supported (for logical and, write &&)",
	token.OR:      "operator | is not supported (for logical or, write ||)",
	token.XOR:     "operator ^ is not supported (for powers, write pow(a, b))",
	token.SHL:     "operator << is not supported",
	token.SHR:     "operator >> is not supported",
	token.AND_NOT: "operator &^ is not supported",
}

func (c *compiler) binary(e *ast.BinaryExpr) (*node, error) {
	col := c.col(e.OpPos)
	if star, ok := e.Y.(*ast.StarExpr); ok && e.Op == token.MUL && star.Star == e.OpPos+1 {
		return nil, c.errAt(col, "** is not an operator: write pow(a, b)")
	}
	x, err := c.expr(e.X)
	if err != nil {
		return nil, err
	}
	if msg, bad := unsupportedOps[e.Op]; bad {
		return nil, c.errAt(col, "%s", msg)
	}
	y, err := c.expr(e.Y)
	if err != nil {
		return nil, err
	}
	switch e.Op {
	case token.ADD, token.SUB, token.MUL, token.QUO, token.REM:
		return c.arith(e.Op, col, x, y)
	case token.EQL, token.NEQ, token.LSS, token.LEQ, token.GTR, token.GEQ:
		return c.compare(e.Op, col, x, y)
	case token.LAND, token.LOR:
		if x.typ != gds.KindBool || y.typ != gds.KindBool {
			return nil, c.errAt(col, "operator %s wants bools, got %s and %s", e.Op, x.typ, y.typ)
		}
		a, b := x.b, y.b
		n := &node{typ: gds.KindBool, col: col, konst: allKonst(x, y)}
		if e.Op == token.LAND {
			n.b = func(c *gds.Ctx) bool { return a(c) && b(c) }
		} else {
			n.b = func(c *gds.Ctx) bool { return a(c) || b(c) }
		}
		return n, nil
	}
	return nil, c.errAt(col, "operator %s is not supported", e.Op)
}

func (c *compiler) arith(op token.Token, col int, x, y *node) (*node, error) {
	switch {
	case x.typ == gds.KindVec || y.typ == gds.KindVec:
		if (x.typ == gds.KindVec || numeric(x.typ)) && (y.typ == gds.KindVec || numeric(y.typ)) {
			if op == token.REM {
				return nil, c.errAt(col, "operator %% is not defined on vectors")
			}
			return c.vecArith(op, col, x, y)
		}
	case x.typ == gds.KindString && y.typ == gds.KindString && op == token.ADD:
		a, b := x.s, y.s
		return &node{typ: gds.KindString, col: col, konst: allKonst(x, y), s: func(c *gds.Ctx) string { return a(c) + b(c) }}, nil
	case x.typ == gds.KindInt && y.typ == gds.KindInt && op != token.QUO:
		return c.intArith(op, col, x, y)
	case numeric(x.typ) && numeric(y.typ):
		n := &node{typ: gds.KindFloat, col: col, konst: allKonst(x, y), f: floatArith(op, x, y), inv: invariant(x, y)}
		switch {
		case n.konst || op == token.REM:
		case x.pair != nil && y.leaf.kind != 0:
			n.f = leaf3(x.pair.op, op, false, x.pair.x, x.pair.y, y.leaf)
		case y.pair != nil && x.leaf.kind != 0:
			n.f = leaf3(op, y.pair.op, true, x.leaf, y.pair.x, y.pair.y)
		case x.leaf.kind != 0 && y.leaf.kind != 0:
			n.f = leafArith(op, x, y)
			n.pair = &leafPair{op: op, x: x.leaf, y: y.leaf}
		case x.op != 0 && y.leaf.kind != 0:
			n.f = fuse3Leaf(x.op, op, x.fx, x.fy, y)
		case x.op != 0 && !y.konst:
			n.f = fuse3(x.op, op, x.fx, x.fy, y.flt())
		case x.leaf.kind != 0 || y.leaf.kind != 0:
			n.f = leafArith(op, x, y)
		case !x.konst && !y.konst:
			n.op, n.fx, n.fy = op, x.flt(), y.flt()
		}
		return n, nil
	}
	switch op {
	case token.ADD:
		return nil, c.errAt(col, "cannot add %s and %s", x.typ, y.typ)
	case token.SUB:
		return nil, c.errAt(col, "cannot subtract %s from %s", y.typ, x.typ)
	case token.MUL:
		return nil, c.errAt(col, "cannot multiply %s by %s", x.typ, y.typ)
	case token.QUO:
		return nil, c.errAt(col, "cannot divide %s by %s", x.typ, y.typ)
	}
	return nil, c.errAt(col, "cannot compute %s %% %s", x.typ, y.typ)
}

// intArith compiles int +, -, * and %. The first three are checked: a
// result beyond int64 fails the evaluation (an *EvalError naming the
// operation) instead of wrapping around; a constant one fails the compile.
func (c *compiler) intArith(op token.Token, col int, x, y *node) (*node, error) {
	a, b, s := x.i, y.i, c.site(col)
	n := &node{typ: gds.KindInt, col: col, konst: allKonst(x, y)}
	if y.konst && !x.konst && op != token.REM {
		k := y.ki
		switch op {
		case token.ADD:
			n.i = func(c *gds.Ctx) int64 {
				x := a(c)
				r, ok := add64(x, k)
				if !ok {
					overflow(s, x, '+', k)
				}
				return r
			}
		case token.SUB:
			n.i = func(c *gds.Ctx) int64 {
				x := a(c)
				r, ok := sub64(x, k)
				if !ok {
					overflow(s, x, '-', k)
				}
				return r
			}
		default:
			n.i = func(c *gds.Ctx) int64 {
				x := a(c)
				r, ok := mul64(x, k)
				if !ok {
					overflow(s, x, '*', k)
				}
				return r
			}
		}
		return n, nil
	}
	switch op {
	case token.ADD:
		n.i = func(c *gds.Ctx) int64 {
			x, y := a(c), b(c)
			r, ok := add64(x, y)
			if !ok {
				overflow(s, x, '+', y)
			}
			return r
		}
	case token.SUB:
		n.i = func(c *gds.Ctx) int64 {
			x, y := a(c), b(c)
			r, ok := sub64(x, y)
			if !ok {
				overflow(s, x, '-', y)
			}
			return r
		}
	case token.MUL:
		n.i = func(c *gds.Ctx) int64 {
			x, y := a(c), b(c)
			r, ok := mul64(x, y)
			if !ok {
				overflow(s, x, '*', y)
			}
			return r
		}
	case token.REM:
		if y.konst {
			k := y.ki
			if k == 0 {
				return nil, c.errAt(col, "integer modulo by zero")
			}
			n.i = func(c *gds.Ctx) int64 { return pyModInt(a(c), k) }
			break
		}
		s := c.site(col)
		n.i = func(c *gds.Ctx) int64 {
			u, v := a(c), b(c)
			if v == 0 {
				panic(s.fail("integer modulo by zero (%d %% 0)", u))
			}
			return pyModInt(u, v)
		}
	}
	return n, nil
}

// add64 is a + b and whether it fits in int64: it does not when the
// operands have one sign and the sum the other. add64, sub64 and mul64
// are small enough to be inlined; their callers call overflow.
func add64(a, b int64) (int64, bool) {
	r := a + b
	return r, (r^a)&(r^b) >= 0
}

// sub64 is a - b and whether it fits in int64: it does not when the
// operands have other signs and the difference has b's.
func sub64(a, b int64) (int64, bool) {
	r := a - b
	return r, (a^b)&(a^r) >= 0
}

// mul64 is a * b and whether it fits in int64: the high word of the
// 128-bit signed product must be the sign of the low word.
func mul64(a, b int64) (int64, bool) {
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	h := int64(hi) - (a>>63)&b - (b>>63)&a // the unsigned high word, made signed
	return int64(lo), h == int64(lo)>>63
}

// overflow fails an int operation whose result leaves int64. It is
// never inlined: the checked operations' fast path stays small.
//
//go:noinline
func overflow(s *site, a int64, op byte, b int64) {
	panic(s.fail("integer overflow: %d %c %d is beyond the int range", a, op, b))
}

// pyModInt is Python's int %: the result has the sign of the divisor.
func pyModInt(x, y int64) int64 {
	m := x % y
	if m != 0 && (m < 0) != (y < 0) {
		m += y
	}
	return m
}

// pyModFloat is Python's float %: math.Mod, then the sign of the divisor.
func pyModFloat(x, y float64) float64 {
	m := math.Mod(x, y)
	if m != 0 {
		if (y < 0) != (m < 0) {
			m = float64(m + y)
		}
	} else {
		m = math.Copysign(0, y)
	}
	return m
}

// floatArith returns the closure of a float operation. Every result is
// converted explicitly with float64(...) so that the compiler cannot fuse
// a multiplication and an addition into one FMA: results must be the
// same bits on every machine.
func floatArith(op token.Token, x, y *node) func(*gds.Ctx) float64 {
	a, b := x.flt(), y.flt()
	switch {
	case y.konst && !x.konst:
		k := y.fconst()
		switch op {
		case token.ADD:
			return func(c *gds.Ctx) float64 { return float64(a(c) + k) }
		case token.SUB:
			return func(c *gds.Ctx) float64 { return float64(a(c) - k) }
		case token.MUL:
			return func(c *gds.Ctx) float64 { return float64(a(c) * k) }
		case token.QUO:
			return func(c *gds.Ctx) float64 { return float64(a(c) / k) }
		default:
			return func(c *gds.Ctx) float64 { return pyModFloat(a(c), k) }
		}
	case x.konst && !y.konst:
		k := x.fconst()
		switch op {
		case token.ADD:
			return func(c *gds.Ctx) float64 { return float64(k + b(c)) }
		case token.SUB:
			return func(c *gds.Ctx) float64 { return float64(k - b(c)) }
		case token.MUL:
			return func(c *gds.Ctx) float64 { return float64(k * b(c)) }
		case token.QUO:
			return func(c *gds.Ctx) float64 { return float64(k / b(c)) }
		default:
			return func(c *gds.Ctx) float64 { return pyModFloat(k, b(c)) }
		}
	}
	switch op {
	case token.ADD:
		return func(c *gds.Ctx) float64 { return float64(a(c) + b(c)) }
	case token.SUB:
		return func(c *gds.Ctx) float64 { return float64(a(c) - b(c)) }
	case token.MUL:
		return func(c *gds.Ctx) float64 { return float64(a(c) * b(c)) }
	case token.QUO:
		return func(c *gds.Ctx) float64 { return float64(a(c) / b(c)) }
	}
	return func(c *gds.Ctx) float64 { return pyModFloat(a(c), b(c)) }
}

type ordered interface{ ~int64 | ~float64 | ~string }

func cmpOrdered[T ordered](op token.Token, a, b func(*gds.Ctx) T) func(*gds.Ctx) bool {
	switch op {
	case token.EQL:
		return func(c *gds.Ctx) bool { return a(c) == b(c) }
	case token.NEQ:
		return func(c *gds.Ctx) bool { return a(c) != b(c) }
	case token.LSS:
		return func(c *gds.Ctx) bool { return a(c) < b(c) }
	case token.LEQ:
		return func(c *gds.Ctx) bool { return a(c) <= b(c) }
	case token.GTR:
		return func(c *gds.Ctx) bool { return a(c) > b(c) }
	}
	return func(c *gds.Ctx) bool { return a(c) >= b(c) }
}

// cmpConst compares with a constant on the right, the usual case.
func cmpConst[T ordered](op token.Token, a func(*gds.Ctx) T, k T) func(*gds.Ctx) bool {
	switch op {
	case token.EQL:
		return func(c *gds.Ctx) bool { return a(c) == k }
	case token.NEQ:
		return func(c *gds.Ctx) bool { return a(c) != k }
	case token.LSS:
		return func(c *gds.Ctx) bool { return a(c) < k }
	case token.LEQ:
		return func(c *gds.Ctx) bool { return a(c) <= k }
	case token.GTR:
		return func(c *gds.Ctx) bool { return a(c) > k }
	}
	return func(c *gds.Ctx) bool { return a(c) >= k }
}

func (c *compiler) compare(op token.Token, col int, x, y *node) (*node, error) {
	n := &node{typ: gds.KindBool, col: col, konst: allKonst(x, y)}
	eq := op == token.EQL || op == token.NEQ
	rightConst := y.konst && !x.konst
	switch {
	case x.typ == gds.KindInt && y.typ == gds.KindInt && rightConst:
		n.b = cmpConst(op, x.i, y.ki)
	case x.typ == gds.KindInt && y.typ == gds.KindInt:
		n.b = cmpOrdered(op, x.i, y.i)
	case numeric(x.typ) && numeric(y.typ) && rightConst:
		n.b = cmpConst(op, x.flt(), y.fconst())
	case numeric(x.typ) && numeric(y.typ):
		n.b = cmpOrdered(op, x.flt(), y.flt())
	case x.typ == gds.KindString && y.typ == gds.KindString && eq && rightConst:
		n.b = cmpConst(op, x.s, y.ks) // type == "casual": the common case of a per-agent test
	case x.typ == gds.KindString && y.typ == gds.KindString && eq:
		n.b = cmpOrdered(op, x.s, y.s)
	case x.typ == gds.KindBool && y.typ == gds.KindBool && eq:
		a, b := x.b, y.b
		if op == token.EQL {
			n.b = func(c *gds.Ctx) bool { return a(c) == b(c) }
		} else {
			n.b = func(c *gds.Ctx) bool { return a(c) != b(c) }
		}
	case x.typ == y.typ && (x.typ == gds.KindString || x.typ == gds.KindBool):
		return nil, c.errAt(col, "operator %s is not defined on %ss (only == and !=)", op, x.typ)
	default:
		return nil, c.errAt(col, "cannot compare %s and %s", x.typ, y.typ)
	}
	return n, nil
}

func (c *compiler) index(e *ast.IndexExpr) (*node, error) {
	col := c.col(e.Lbrack)
	x, err := c.expr(e.X)
	if err != nil {
		return nil, err
	}
	if x.typ != gds.KindVec {
		return nil, c.errAt(col, "cannot index a %s (only vectors have elements)", x.typ)
	}
	ix, err := c.expr(e.Index)
	if err != nil {
		return nil, err
	}
	if ix.typ != gds.KindInt {
		return nil, c.errAt(c.col(e.Index.Pos()), "a vector index must be an int, got %s", ix.typ)
	}
	a, s := x.v, c.site(col)
	if ix.konst {
		k := ix.ki
		if k < 0 {
			return nil, c.errAt(c.col(e.Index.Pos()), "negative vector index %d", k)
		}
		return &node{typ: gds.KindFloat, col: col, f: func(c *gds.Ctx) float64 {
			v := a(c)
			if uint64(k) >= uint64(len(v)) {
				panic(s.fail("index %d out of range for a vector of length %d", k, len(v)))
			}
			return v[k]
		}}, nil
	}
	if ix.agent { // v[agent] in a per-agent expression
		return &node{typ: gds.KindFloat, col: col, f: func(c *gds.Ctx) float64 {
			v := a(c)
			k := c.Agent
			if uint(k) >= uint(len(v)) {
				panic(s.fail("index %d out of range for a vector of length %d", k, len(v)))
			}
			return v[k]
		}}, nil
	}
	i := ix.i
	return &node{typ: gds.KindFloat, col: col, f: func(c *gds.Ctx) float64 {
		v := a(c)
		k := i(c)
		if uint64(k) >= uint64(len(v)) {
			panic(s.fail("index %d out of range for a vector of length %d", k, len(v)))
		}
		return v[k]
	}}, nil
}
