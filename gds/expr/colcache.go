package expr

import (
	"go/ast"
	"math"
	"strconv"
	"strings"

	"github.com/statecraft/statecraft/gds"
)

// ColumnCache shares the column evaluation of per-agent subexpressions
// among the expressions of a population's per-agent Envs (see
// Env.CacheColumns). A model file writes type == "casual" in a dozen
// places; with a cache, each PSUB computes that column once, for all of
// them.
//
// A subexpression is shared when it reads only what cannot change while
// a PSUB is computed: the agents' fields, the agent index, constants, the
// run's built-in names (t, substep, simulation, subset, run), and state
// variables and parameters declared by handle (Env.FloatVar,
// Env.FloatParam). Signals are written by the PSUB's own policies, so
// what reads one is not shared. The first expression to ask for such a
// column in a PSUB computes it; the others read it (keyed by Ctx.Pass
// and the number of agents).
type ColumnCache struct {
	b      *gds.Builder
	nodes  map[string]*colNode
	leaves map[leaf]int
}

// NewColumnCache returns an empty cache for the per-agent Envs of one
// population, whose expressions reserve their buffers from b.
func NewColumnCache(b *gds.Builder) *ColumnCache {
	return &ColumnCache{b: b, nodes: map[string]*colNode{}, leaves: map[leaf]int{}}
}

// CacheColumns makes the Env's per-agent expressions share their
// pass-invariant columns through cc with every other Env that uses cc.
// Every Env sharing a cache must declare the same population's fields
// under the same names, and give a name declared by handle the same
// handle.
func (e *Env) CacheColumns(cc *ColumnCache) { e.cols = cc }

// cache returns the Env's column cache, if its expressions may use it.
func (c *compiler) cache() *ColumnCache {
	cc := c.env.cols
	if cc == nil || cc.b != c.env.b {
		return nil
	}
	return cc
}

// colKey returns the text that identifies e's column among the cache's
// (the operations and the identities of what it reads, not the source
// text), and false if e reads something that may change within a PSUB.
// Keys are memoised per node, so keying a whole expression is linear in
// its size.
func (c *compiler) colKey(e ast.Expr) (string, bool) {
	if k, ok := c.keys[e]; ok {
		return k, k != ""
	}
	k := c.colKey1(e)
	if c.keys == nil {
		c.keys = map[ast.Expr]string{}
	}
	c.keys[e] = k
	return k, k != ""
}

func (c *compiler) colKey1(e ast.Expr) string {
	n := c.nodes[e]
	if n == nil {
		return ""
	}
	typ := strconv.Itoa(int(n.typ))
	if n.konst {
		switch n.typ {
		case gds.KindFloat:
			return "k" + typ + ":" + strconv.FormatUint(math.Float64bits(n.f(nil)), 16)
		case gds.KindInt:
			return "k" + typ + ":" + strconv.FormatInt(n.i(nil), 10)
		case gds.KindBool:
			return "k" + typ + ":" + strconv.FormatBool(n.b(nil))
		case gds.KindString:
			return "k" + typ + ":" + strconv.Quote(n.s(nil))
		}
		return ""
	}
	join := func(tag string, xs ...ast.Expr) string {
		var sb strings.Builder
		sb.WriteString(typ)
		sb.WriteString(tag)
		sb.WriteByte('(')
		for i, x := range xs {
			k, ok := c.colKey(x)
			if !ok {
				return ""
			}
			if i > 0 {
				sb.WriteByte(',')
			}
			sb.WriteString(k)
		}
		sb.WriteByte(')')
		return sb.String()
	}
	switch e := e.(type) {
	case *ast.ParenExpr:
		k, _ := c.colKey(e.X)
		return k
	case *ast.Ident:
		return c.identKey(e.Name)
	case *ast.UnaryExpr:
		return join(e.Op.String(), e.X)
	case *ast.BinaryExpr:
		return join(e.Op.String(), e.X, e.Y)
	case *ast.CallExpr:
		id, ok := e.Fun.(*ast.Ident)
		if !ok || randomFuncs[id.Name] || id.Name == "over" || id.Name == "lag" {
			return ""
		}
		if _, isFunc := funcs[id.Name]; !isFunc || c.env.vars[id.Name] != nil {
			return ""
		}
		return join("call:"+id.Name, e.Args...)
	}
	return ""
}

// identKey is the key of a name, or "" if it may change within a PSUB.
func (c *compiler) identKey(name string) string {
	if kw, ok := c.keywords[name]; ok {
		name = kw
	}
	b := c.env.vars[name]
	if b == nil {
		switch name {
		case "t", "substep", "simulation", "subset", "run":
			return "b:" + name
		}
		return ""
	}
	switch {
	case len(b.dup) > 0:
		return ""
	case b.agent:
		return "a"
	case b.colF != nil, b.colI != nil, b.colB != nil, b.colS != nil:
		return "f:" + name
	case b.leaf.kind == 'V' || b.leaf.kind == 'P':
		cc := c.env.cols
		id, ok := cc.leaves[b.leaf]
		if !ok {
			id = len(cc.leaves)
			cc.leaves[b.leaf] = id
		}
		return "l:" + strconv.Itoa(id)
	}
	return ""
}

// cachedColumn returns e's column from the cache, or compiles it with
// compile and, when it is an operation on per-agent values that reads
// nothing that may change within a PSUB, enters it, computed once per
// PSUB.
func (c *compiler) cachedColumn(e ast.Expr, compile func() (*colNode, bool)) (*colNode, bool) {
	cc := c.cache()
	if cc == nil {
		return compile()
	}
	switch e.(type) {
	case *ast.UnaryExpr, *ast.BinaryExpr, *ast.CallExpr:
	default:
		return compile() // names and constants cost nothing to read
	}
	key, ok := c.colKey(e)
	if !ok {
		return compile()
	}
	if cn := cc.nodes[key]; cn != nil {
		return cn, true
	}
	cn, ok := compile()
	if !ok || cn.scalar != nil || cn.bad != nil {
		return cn, ok
	}
	m := &colNode{typ: cn.typ}
	stamp, own := c.colBuf(), cn.own
	if own == nil { // copied into a buffer of its own
		b := c.colBuf()
		own = &b
	}
	switch cn.typ {
	case gds.KindFloat:
		m.f = onceAPass(cn.f, stamp, own.floats, own != cn.own)
	case gds.KindInt:
		m.i = onceAPass(cn.i, stamp, own.ints, own != cn.own)
	case gds.KindBool:
		m.b = onceAPass(cn.b, stamp, own.bools, own != cn.own)
	default:
		return cn, true
	}
	m.own = own
	cc.nodes[key] = m
	return m, true
}

// onceAPass computes f's column at most once per PSUB pass and number of
// agents; out gives the buffer it is in (f's own, or one it is copied
// into when copied); stamp holds the pass and n of the column there.
func onceAPass[T any](f func(*gds.Ctx, int) []T, stamp colScratch, out func(*gds.Ctx, int) []T, copied bool) func(*gds.Ctx, int) []T {
	return func(c *gds.Ctx, n int) []T {
		st, pass := stamp.ints(c, 2), int64(c.Pass())
		if pass != 0 && st[0] == pass && st[1] == int64(n) { // Build's tracing has no pass
			return out(c, n)
		}
		o := f(c, n)
		if copied {
			dst := out(c, n)
			copy(dst, o)
			o = dst
		}
		st[0], st[1] = pass, int64(n)
		return o
	}
}
