package expr

import (
	"fmt"
	"go/token"
	"slices"
	"strconv"

	"github.com/statecraft/statecraft/gds"
)

// binding is a name declared in an Env.
type binding struct {
	typ gds.Kind
	f   func(*gds.Ctx) float64
	i   func(*gds.Ctx) int64
	b   func(*gds.Ctx) bool
	s   func(*gds.Ctx) string
	v   func(*gds.Ctx) []float64
	dup []gds.Kind // further declarations of the same name: using it is an error

	leaf leaf // f's handle, when the name is declared by one

	agent bool // AgentIndex's name: reads gds.Ctx.Agent

	// shared: the same for every agent of a population (Env.Shared)
	shared bool
	// the whole column of a per-agent field (Env.FloatField and the like),
	// for over's column-at-a-time evaluation
	colF func(*gds.Ctx) []float64
	colI func(*gds.Ctx) []int64
	colB func(*gds.Ctx) []bool
	colS func(*gds.Ctx) []string
	// writes: when the field's column last changed (Env.FieldWrites)
	writes func(*gds.Ctx) uint64
}

// leaf is the handle a float name reads, when it is declared by its
// handle (Env.FloatVar, FloatParam, FloatSignal): operations read it
// through the handle's Get, inlined, instead of calling f.
type leaf struct {
	kind byte // 0 (none), 'V', 'P' or 'S'
	v    gds.Float
	p    gds.FloatParam
	s    gds.FloatSignal
}

// get reads the leaf untraced, switching on its kind.
func (l *leaf) get(c *gds.Ctx) float64 {
	switch l.kind {
	case 'V':
		return l.v.GetUntraced(c)
	case 'P':
		return l.p.GetUntraced(c)
	}
	return l.s.GetUntraced(c)
}

// name is the leaf's declared name.
func (l leaf) name() string {
	switch l.kind {
	case 'V':
		return l.v.Name()
	case 'P':
		return l.p.Name()
	}
	return l.s.Name()
}

// lagBinding is a name whose earlier values lag(name, k) reads.
type lagBinding struct {
	typ   gds.Kind
	depth int
	f     func(c *gds.Ctx, k int) float64
	i     func(c *gds.Ctx, k int) int64
	v     func(c *gds.Ctx, k int) []float64
	dup   []gds.Kind
}

// Env declares the names an expression may use, each bound to a typed
// accessor, usually a handle's Get method (env.Float("prey", prey.Get)).
// Names are resolved when an expression is compiled; evaluation calls the
// accessors directly. A name declared twice is an error in the
// expressions that use it. An Env is not safe for concurrent use; the
// expressions it compiles are (each engine has its own scratch buffers).
type Env struct {
	b        *gds.Builder
	vars     map[string]*binding
	lags     map[string]*lagBinding
	pops     map[string]*population
	detached bool
	// perAgent: the Env declares an agent index or fields (AgentIndex,
	// FloatField and the like), so its expressions get a column
	// evaluation (Expr.FloatColumn)
	perAgent bool
	cols     *ColumnCache // shared columns (CacheColumns), or nil
}

// population is a set of agents over(name, x) evaluates x for.
type population struct {
	n     func(*gds.Ctx) int
	agent *Env
	at    func(*gds.Ctx, int)
	cur   func(*gds.Ctx) int
}

// NewEnv returns an empty Env. b supplies the per-engine scratch vectors
// (b.Scratch()) that vector-valued subexpressions write into, so compile
// expressions before b.Build. b may be nil for expressions without vector
// operations.
func NewEnv(b *gds.Builder) *Env {
	return &Env{b: b, vars: map[string]*binding{}, lags: map[string]*lagBinding{}, pops: map[string]*population{}}
}

// Population declares a population of agents: over(name, x) is the vector
// of x evaluated for each of its n(c) agents in turn, x compiled in agent
// (the Env of its per-agent expressions, in which the agent's fields are
// names), after at(c, i) has made agent i the one agent's names read;
// cur(c) is the current agent, which over restores when it is done, so a
// per-agent expression may aggregate over its own population. at and cur
// both nil mean that the agent's names read agent c.Agent (gds.Ctx.Agent):
// over then sets it in its loop, without a call per agent.
func (e *Env) Population(name string, n func(*gds.Ctx) int, agent *Env, at func(*gds.Ctx, int), cur func(*gds.Ctx) int) {
	e.pops[name] = &population{n: n, agent: agent, at: at, cur: cur}
}

// Detach marks the Env's expressions as evaluated outside a run, over
// values such as a run's KPIs: the run's built-in names (t, substep,
// simulation, subset, run) and random draws are compile errors, because
// no gds.Ctx is there to supply them. Their evaluation functions may then
// be called with a nil *gds.Ctx.
func (e *Env) Detach() { e.detached = true }

func (e *Env) declare(name string, nb *binding) {
	if old, ok := e.vars[name]; ok {
		old.dup = append(old.dup, nb.typ)
		return
	}
	e.vars[name] = nb
}

func (e *Env) declareLag(name string, lb *lagBinding) {
	if old, ok := e.lags[name]; ok {
		old.dup = append(old.dup, lb.typ)
		return
	}
	e.lags[name] = lb
}

// Float declares a float name read with get. A name may hold dots, as an
// agent's wallet does (router.usd): expressions read it as written.
func (e *Env) Float(name string, get func(*gds.Ctx) float64) {
	e.declare(name, &binding{typ: gds.KindFloat, f: get})
}

// FloatVar declares a float name that reads state variable h: as
// Float(name, h.Get), and operations on it read h without a call and
// without the tracer of gds.Builder.Build (h.GetUntraced). A block that
// evaluates such an expression reports its reads with
// Block.Traces(x.Trace) (or TraceAll), or the model's Structure misses
// them.
func (e *Env) FloatVar(name string, h gds.Float) {
	e.declare(name, &binding{typ: gds.KindFloat, f: h.Get, leaf: leaf{kind: 'V', v: h}})
}

// FloatParam declares a float name that reads parameter h: as
// Float(name, h.Get), and operations on it read h without a call and
// untraced, as FloatVar's.
func (e *Env) FloatParam(name string, h gds.FloatParam) {
	e.declare(name, &binding{typ: gds.KindFloat, f: h.Get, leaf: leaf{kind: 'P', p: h}})
}

// FloatSignal declares a float name that reads signal h (in updates): as
// Float(name, h.Get), and operations on it read h without a call and
// untraced, as FloatVar's.
func (e *Env) FloatSignal(name string, h gds.FloatSignal) {
	e.declare(name, &binding{typ: gds.KindFloat, f: h.Get, leaf: leaf{kind: 'S', s: h}})
}

// AgentIndex declares an int name that reads the current agent,
// gds.Ctx.Agent (a population's per-agent expressions, see Population):
// v[name] reads the element without a call for the index.
func (e *Env) AgentIndex(name string) {
	e.perAgent = true
	e.declare(name, &binding{typ: gds.KindInt, i: func(c *gds.Ctx) int64 { return int64(c.Agent) }, agent: true})
}

// Shared marks every name declared so far as the same for every agent
// of a population (state variables, parameters, signals, the model's
// vectors), in an Env of per-agent expressions: over may then compute
// what reads them once for all agents. Names declared after it are not
// marked; names declared by handle (FloatVar, FloatParam, FloatSignal)
// and the run's built-in names are shared without it.
func (e *Env) Shared() {
	for _, b := range e.vars {
		b.shared = true
	}
}

// FloatField declares a float field of the agents of a population, in
// the Env of its per-agent expressions: get reads the current agent's
// value (Ctx.Agent), col the column of every agent's, in order, which
// over reads to evaluate a column at a time. col's slice is read, never
// written or kept.
func (e *Env) FloatField(name string, get func(*gds.Ctx) float64, col func(*gds.Ctx) []float64) {
	e.perAgent = true
	e.declare(name, &binding{typ: gds.KindFloat, f: get, colF: col})
}

// IntField is FloatField for an int field.
func (e *Env) IntField(name string, get func(*gds.Ctx) int64, col func(*gds.Ctx) []int64) {
	e.perAgent = true
	e.declare(name, &binding{typ: gds.KindInt, i: get, colI: col})
}

// BoolField is FloatField for a bool field.
func (e *Env) BoolField(name string, get func(*gds.Ctx) bool, col func(*gds.Ctx) []bool) {
	e.perAgent = true
	e.declare(name, &binding{typ: gds.KindBool, b: get, colB: col})
}

// StringField is FloatField for a string field.
func (e *Env) StringField(name string, get func(*gds.Ctx) string, col func(*gds.Ctx) []string) {
	e.perAgent = true
	e.declare(name, &binding{typ: gds.KindString, s: get, colS: col})
}

// Int declares an int name read with get.
func (e *Env) Int(name string, get func(*gds.Ctx) int64) {
	e.declare(name, &binding{typ: gds.KindInt, i: get})
}

// Bool declares a bool name read with get.
func (e *Env) Bool(name string, get func(*gds.Ctx) bool) {
	e.declare(name, &binding{typ: gds.KindBool, b: get})
}

// String declares a string name read with get.
func (e *Env) String(name string, get func(*gds.Ctx) string) {
	e.declare(name, &binding{typ: gds.KindString, s: get})
}

// Vec declares a vector name read with get. Expressions never write the
// slice get returns.
func (e *Env) Vec(name string, get func(*gds.Ctx) []float64) {
	e.declare(name, &binding{typ: gds.KindVec, v: get})
}

// FloatLag enables lag(name, k) for 1 <= k <= depth on a float name; lag
// reads lag(c, k), usually a handle's Lag method. It does not declare the
// name itself: declare it with Float too.
func (e *Env) FloatLag(name string, lag func(c *gds.Ctx, k int) float64, depth int) {
	e.declareLag(name, &lagBinding{typ: gds.KindFloat, depth: depth, f: lag})
}

// IntLag enables lag(name, k) for 1 <= k <= depth on an int name.
func (e *Env) IntLag(name string, lag func(c *gds.Ctx, k int) int64, depth int) {
	e.declareLag(name, &lagBinding{typ: gds.KindInt, depth: depth, i: lag})
}

// VecLag enables lag(name, k) for 1 <= k <= depth on a vector name.
func (e *Env) VecLag(name string, lag func(c *gds.Ctx, k int) []float64, depth int) {
	e.declareLag(name, &lagBinding{typ: gds.KindVec, depth: depth, v: lag})
}

// Names returns the declared names, sorted, for suggestions.
func (e *Env) Names() []string {
	out := make([]string, 0, len(e.vars)+len(e.lags))
	for n := range e.vars {
		out = append(out, n)
	}
	for n := range e.lags {
		if _, ok := e.vars[n]; !ok {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out
}

// Expr is a compiled expression. The evaluation function of its type is
// set (Float also for Int expressions); each reads the names through the
// Env's accessors and allocates nothing, except that concatenating
// strings that are not constants allocates the result.
type Expr struct {
	Src  string   // the source text
	Kind gds.Kind // the type of the result

	// Float evaluates a Float expression, and an Int expression converted
	// to float64, so that a float context can use an int expression.
	Float func(*gds.Ctx) float64
	// Int evaluates an Int expression.
	Int func(*gds.Ctx) int64
	// Bool evaluates a Bool expression.
	Bool func(*gds.Ctx) bool
	// String evaluates a String expression.
	String func(*gds.Ctx) string
	// Vec evaluates a Vec expression. The result may live in a per-engine
	// scratch buffer, or be a declared name's own slice: it is valid until
	// the next evaluation, and must not be written.
	Vec func(*gds.Ctx) []float64

	// Names lists the Env names the expression reads (including those read
	// through lag), sorted and without duplicates.
	Names []string
	// Const reports that the expression is a constant, folded when it was
	// compiled (it reads no name, no t and draws nothing): its evaluation
	// functions may be called with a nil *gds.Ctx.
	Const bool

	leaves []leaf // the state variables, parameters and signals read through handles

	// the column evaluation of an expression of a per-agent Env (nil:
	// none; see FloatColumn)
	colF func(*gds.Ctx, int) ([]float64, bool)
	colI func(*gds.Ctx, int) ([]int64, bool)
	colB func(*gds.Ctx, int) ([]bool, bool)

	// the root's x op y when it is an operation between two closures
	// (node.op): EmitFloat computes it inline
	rootOp       token.Token
	rootX, rootY func(*gds.Ctx) float64
}

// FloatColumn evaluates a Float or Int expression compiled in the Env of
// a population's per-agent expressions (one with Env.AgentIndex or
// fields) for agents 0..n-1 at once, as a column: vals[i] is what Float
// returns with Ctx.Agent = i, bit for bit. ok is false when the
// expression has no column form (it draws random numbers, does int
// arithmetic, or reads names without a column), or when evaluating it
// agent by agent would fail for some agent (v[agent] beyond v's end, an
// agent-independent value that panics): the caller then evaluates it
// agent by agent, which fails, or not, as it always has. vals lives in a
// per-engine scratch buffer or is a field's own column: it is valid
// until the next evaluation, and must not be written.
func (x *Expr) FloatColumn(c *gds.Ctx, n int) (vals []float64, ok bool) {
	if x.colF == nil {
		return nil, false
	}
	return x.colF(c, n)
}

// IntColumn is FloatColumn for an Int expression: vals[i] is what Int
// returns for agent i.
func (x *Expr) IntColumn(c *gds.Ctx, n int) (vals []int64, ok bool) {
	if x.colI == nil {
		return nil, false
	}
	return x.colI(c, n)
}

// BoolColumn is FloatColumn for a Bool expression.
func (x *Expr) BoolColumn(c *gds.Ctx, n int) (vals []bool, ok bool) {
	if x.colB == nil {
		return nil, false
	}
	return x.colB(c, n)
}

// EmitFloat returns the policy function that emits the Float expression's
// value to signal h: h.Emit(c, x.Float(c)), with the expression's last
// operation computed in the same closure when it joins two
// subexpressions, which saves a call per evaluation.
func (x *Expr) EmitFloat(h gds.FloatSignal) func(*gds.Ctx) {
	a, b := x.rootX, x.rootY
	switch x.rootOp {
	case token.ADD:
		return func(c *gds.Ctx) { h.Emit(c, float64(a(c)+b(c))) }
	case token.SUB:
		return func(c *gds.Ctx) { h.Emit(c, float64(a(c)-b(c))) }
	case token.MUL:
		return func(c *gds.Ctx) { h.Emit(c, float64(a(c)*b(c))) }
	case token.QUO:
		return func(c *gds.Ctx) { h.Emit(c, float64(a(c)/b(c))) }
	}
	f := x.Float
	return func(c *gds.Ctx) { h.Emit(c, f(c)) }
}

// Trace reports to the tracer of gds.Builder.Build the state variables,
// parameters and signals the expression reads through their handles.
// Those reads are inlined into its closures without the tracer's check
// (gds.Float.GetUntraced): a block that evaluates compiled expressions
// traces them with gds.Block.Traces, so that the model's Structure lists
// what they read.
func (x *Expr) Trace(c *gds.Ctx) {
	for _, l := range x.leaves {
		switch l.kind {
		case 'V':
			l.v.Get(c)
		case 'P':
			l.p.Get(c)
		case 'S':
			l.s.Get(c)
		}
	}
}

// TraceAll returns a function that traces every expression of xs (nil
// ones are skipped): the function of a block's gds.Block.Traces.
func TraceAll(xs ...*Expr) func(*gds.Ctx) {
	var live []*Expr
	for _, x := range xs {
		if x != nil && len(x.leaves) > 0 {
			live = append(live, x)
		}
	}
	return func(c *gds.Ctx) {
		for _, x := range live {
			x.Trace(c)
		}
	}
}

// Error locates a problem in an expression. Col is the 1-based column in
// Src, counted in characters (a newline counts as one).
type Error struct {
	Src string
	Col int
	Msg string
}

// Error returns "col N: message".
func (e *Error) Error() string { return "col " + strconv.Itoa(e.Col) + ": " + e.Msg }

// EvalError is the value an expression panics with when its evaluation
// fails: an index out of range, vectors of different lengths, an integer
// modulo by zero, a conversion of NaN to int and the like. Inside a run
// the engine turns the panic into a *gds.BlockError, whose Unwrap returns
// the *EvalError.
type EvalError struct {
	Src string // the expression
	Col int    // the 1-based column of the failing operation in Src
	Msg string
}

// Error returns `expression "src": col N: message`; a source longer than
// 80 characters is shown as the 60 around column N, with "...".
func (e *EvalError) Error() string {
	return "expression " + strconv.Quote(Excerpt(e.Src, e.Col)) + ": col " + strconv.Itoa(e.Col) + ": " + e.Msg
}

// Excerpt returns the part of an expression an error message quotes: src
// itself, or when it is longer than 80 characters the 60 around the
// 1-based column col, with "..." where it was cut.
func Excerpt(src string, col int) string {
	if len(src) <= 80 {
		return src // no more than 80 bytes: no more than 80 runes
	}
	r := []rune(src)
	if len(r) <= 80 {
		return src
	}
	lo := max(0, min(col-1-30, len(r)-60))
	hi := min(len(r), lo+60)
	out := string(r[lo:hi])
	if lo > 0 {
		out = "..." + out
	}
	if hi < len(r) {
		out += "..."
	}
	return out
}

// site is where a run-time check of a node can fail.
type site struct {
	src string
	col int
}

func (s *site) fail(format string, args ...any) *EvalError {
	return &EvalError{Src: s.src, Col: s.col, Msg: fmt.Sprintf(format, args...)}
}
