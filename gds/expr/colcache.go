package expr

import (
	"go/ast"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/statecraft/statecraft/gds"
)

// ColumnCache shares the column evaluation of per-agent subexpressions
// among the expressions of a population's per-agent Envs (see
// Env.CacheColumns). A model file writes type == "casual" in a dozen
// places; with a cache, that column is computed once for all of them.
//
// A subexpression is shared when it reads only what cannot change while
// a PSUB is computed: the agents' fields, the agent index, constants, the
// run's built-in names (t, substep, simulation, subset, run), and state
// variables and parameters declared by handle (Env.FloatVar,
// Env.FloatParam). Signals are written by the PSUB's own policies, so
// what reads one is not shared. The first expression to ask for such a
// column in a PSUB computes it; the others read it (keyed by Ctx.Pass
// and the number of agents).
//
// A column that reads only fields whose writes are declared
// (Env.FieldWrites), the agent index, constants, parameters and the job's
// ids (simulation, subset, run) lives longer: until a PSUB writes one of
// its fields, or the number of agents or the job changes. type ==
// "casual" is then computed when agents join, not in every PSUB.
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
// under the same names (with the same FieldWrites), and give a name
// declared by handle the same handle.
func (e *Env) CacheColumns(cc *ColumnCache) { e.cols = cc }

// FieldWrites declares when the column of field name, declared before
// (FloatField and the like), last changed: last returns the Ctx.Pass of
// the latest PSUB of the job whose update wrote it (any value below the
// job's first pass if none has). A ColumnCache keeps a column that reads
// the field from one PSUB to the next while last stays below the pass it
// was computed in. A PSUB that writes the field must advance last before
// the next PSUB reads it.
func (e *Env) FieldWrites(name string, last func(*gds.Ctx) uint64) {
	if b, ok := e.vars[name]; ok && (b.colF != nil || b.colI != nil || b.colB != nil || b.colS != nil) {
		b.writes = last
	}
}

// cache returns the Env's column cache, if its expressions may use it.
func (c *compiler) cache() *ColumnCache {
	cc := c.env.cols
	if cc == nil || cc.b != c.env.b {
		return nil
	}
	return cc
}

// colKeyInfo is what the cache knows of a subexpression: its key (the
// operations and the identities of what it reads, not the source text;
// "" when it reads something that may change within a PSUB), whether it
// may outlive its PSUB, and the fields it reads.
type colKeyInfo struct {
	key    string
	across bool     // reads only fields with FieldWrites, agent, constants, parameters, job ids
	fields []string // the fields read, sorted, without duplicates
}

// colKey returns e's key information. It is memoised per node, so keying
// a whole expression is linear in its size.
func (c *compiler) colKey(e ast.Expr) colKeyInfo {
	if k, ok := c.keys[e]; ok {
		return k
	}
	k := c.colKey1(e)
	if k.key == "" {
		k = colKeyInfo{}
	}
	if c.keys == nil {
		c.keys = map[ast.Expr]colKeyInfo{}
	}
	c.keys[e] = k
	return k
}

func (c *compiler) colKey1(e ast.Expr) colKeyInfo {
	n := c.nodes[e]
	if n == nil {
		return colKeyInfo{}
	}
	typ := strconv.Itoa(int(n.typ))
	if n.konst {
		konst := func(v string) colKeyInfo { return colKeyInfo{key: "k" + typ + ":" + v, across: true} }
		switch n.typ {
		case gds.KindFloat:
			return konst(strconv.FormatUint(math.Float64bits(n.f(nil)), 16))
		case gds.KindInt:
			return konst(strconv.FormatInt(n.i(nil), 10))
		case gds.KindBool:
			return konst(strconv.FormatBool(n.b(nil)))
		case gds.KindString:
			return konst(strconv.Quote(n.s(nil)))
		}
		return colKeyInfo{}
	}
	join := func(tag string, xs ...ast.Expr) colKeyInfo {
		var sb strings.Builder
		sb.WriteString(typ)
		sb.WriteString(tag)
		sb.WriteByte('(')
		out := colKeyInfo{across: true}
		for i, x := range xs {
			k := c.colKey(x)
			if k.key == "" {
				return colKeyInfo{}
			}
			if i > 0 {
				sb.WriteByte(',')
			}
			sb.WriteString(k.key)
			out.across = out.across && k.across
			out.fields = append(out.fields, k.fields...)
		}
		sb.WriteByte(')')
		out.key = sb.String()
		slices.Sort(out.fields)
		out.fields = slices.Compact(out.fields)
		return out
	}
	switch e := e.(type) {
	case *ast.ParenExpr:
		return c.colKey(e.X)
	case *ast.Ident:
		return c.identKey(e.Name)
	case *ast.UnaryExpr:
		return join(e.Op.String(), e.X)
	case *ast.BinaryExpr:
		return join(e.Op.String(), e.X, e.Y)
	case *ast.CallExpr:
		id, ok := e.Fun.(*ast.Ident)
		if !ok || randomFuncs[id.Name] || id.Name == "over" || id.Name == "lag" {
			return colKeyInfo{}
		}
		if _, isFunc := funcs[id.Name]; !isFunc || c.env.vars[id.Name] != nil {
			return colKeyInfo{}
		}
		return join("call:"+id.Name, e.Args...)
	}
	return colKeyInfo{}
}

// identKey is the key information of a name.
func (c *compiler) identKey(name string) colKeyInfo {
	if kw, ok := c.keywords[name]; ok {
		name = kw
	}
	b := c.env.vars[name]
	if b == nil {
		switch name {
		case "simulation", "subset", "run": // the same for the whole job
			return colKeyInfo{key: "b:" + name, across: true}
		case "t", "substep":
			return colKeyInfo{key: "b:" + name}
		}
		return colKeyInfo{}
	}
	switch {
	case len(b.dup) > 0:
		return colKeyInfo{}
	case b.agent:
		return colKeyInfo{key: "a", across: true}
	case b.colF != nil, b.colI != nil, b.colB != nil, b.colS != nil:
		return colKeyInfo{key: "f:" + name, across: b.writes != nil, fields: []string{name}}
	case b.leaf.kind == 'V' || b.leaf.kind == 'P':
		cc := c.env.cols
		id, ok := cc.leaves[b.leaf]
		if !ok {
			id = len(cc.leaves)
			cc.leaves[b.leaf] = id
		}
		// a parameter is the same for the whole job; a variable changes
		// from one PSUB to the next
		return colKeyInfo{key: "l:" + strconv.Itoa(id), across: b.leaf.kind == 'P'}
	}
	return colKeyInfo{}
}

// cachedColumn returns e's column from the cache, or compiles it with
// compile and, when it is an operation on per-agent values that reads
// nothing that may change within a PSUB, enters it, computed once per
// PSUB (or, if it reads only fields whose writes are declared and values
// fixed for the job, once until one of them is written).
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
	info := c.colKey(e)
	if info.key == "" {
		return compile()
	}
	if cn := cc.nodes[info.key]; cn != nil {
		return cn, true
	}
	cn, ok := compile()
	if !ok || cn.scalar != nil || cn.bad != nil {
		return cn, ok
	}
	var writes []func(*gds.Ctx) uint64 // nil: the column lives for its PSUB only
	if info.across {
		for _, f := range info.fields {
			writes = append(writes, c.env.vars[f].writes)
		}
		if writes == nil {
			writes = []func(*gds.Ctx) uint64{} // reads no field: the job's
		}
	}
	m := &colNode{typ: cn.typ}
	stamp, own := c.colBuf(), cn.own
	if own == nil { // copied into a buffer of its own
		b := c.colBuf()
		own = &b
	}
	valid, mark := columnValid(stamp, writes)
	switch cn.typ {
	case gds.KindFloat:
		m.f = cached(cn.f, valid, mark, own.floats, own != cn.own)
	case gds.KindInt:
		m.i = cached(cn.i, valid, mark, own.ints, own != cn.own)
	case gds.KindBool:
		m.b = cached(cn.b, valid, mark, own.bools, own != cn.own)
	default:
		return cn, true
	}
	m.own = own
	cc.nodes[info.key] = m
	return m, true
}

// columnValid returns the test of a cached column's stamp (the pass, the
// number of agents and the job it was computed for), whether the column
// in its buffer is the one for n agents now, and the function that stamps
// it once recomputed. A column with writes nil is valid in the PSUB it
// was computed in; with writes (possibly empty), also later in the job
// while none of the fields it reads has been written since.
func columnValid(stamp colScratch, writes []func(*gds.Ctx) uint64) (valid func(*gds.Ctx, int) bool, mark func(*gds.Ctx, int)) {
	valid = func(c *gds.Ctx, n int) bool {
		st, pass := stamp.ints(c, 3), int64(c.Pass())
		switch {
		case pass == 0 || st[0] == 0 || st[1] != int64(n): // Build's tracing has no pass
			return false
		case st[0] == pass:
			return true
		case writes == nil || st[2] != int64(c.Job()):
			return false
		}
		for _, w := range writes {
			if int64(w(c)) >= st[0] {
				return false
			}
		}
		return true
	}
	mark = func(c *gds.Ctx, n int) {
		if pass := int64(c.Pass()); pass != 0 {
			st := stamp.ints(c, 3)
			st[0], st[1], st[2] = pass, int64(n), int64(c.Job())
		}
	}
	return valid, mark
}

// cached computes f's column when valid says the buffer out gives does
// not hold it, and marks it; copied: f's result is copied there (else f
// writes it there itself).
func cached[T any](f func(*gds.Ctx, int) []T, valid func(*gds.Ctx, int) bool, mark func(*gds.Ctx, int), out func(*gds.Ctx, int) []T, copied bool) func(*gds.Ctx, int) []T {
	return func(c *gds.Ctx, n int) []T {
		if valid(c, n) {
			return out(c, n)
		}
		o := f(c, n)
		if copied {
			dst := out(c, n)
			copy(dst, o)
			o = dst
		}
		mark(c, n)
		return o
	}
}
