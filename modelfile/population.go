package modelfile

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unsafe"

	"github.com/statecraft/statecraft/blocks/agent"
	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/gds/expr"
	"github.com/statecraft/statecraft/internal/names"
)

// Populations: agents of one kind, many of them, each a record of typed
// fields and a wallet.
//
//	[populations.members]
//	doc = "the DAO's members"
//	fields = { type = "", joined = 0, credits = 0.0 }   # name = default for new agents
//	wallet = { ddt = 0.0, xdai = 0.0 }                  # each member's balances
//
//	[[psubs]]
//	  [psubs.join.members]                               # new members
//	  count = "ifelse(t % 5 == 1, 10, 0)"
//	  set = { joined = "t" }
//	  [psubs.join.members.types.degen]                   # each new member gets the type
//	  share = "0.4"                                      # whose share is furthest behind
//	  ddt = "100.0"                                      # and that type's values
//	  [psubs.each.members]                               # per-agent updates
//	  credits = "credits * 0.5"
//	  [[psubs.transfers]]                                # each member pays
//	  token = "ddt"
//	  from = "members"
//	  to = "pie"
//	  amount = "ifelse(type == \"casual\", 0.1, 0.0)"
//
// A population is a gds.Records variable: its fields are id (1, 2, ... in
// order of joining), the declared fields, then one float per token of
// the wallet. Per-agent expressions (each, join values, the amounts of
// transfers from or to the population) read the agent's own fields by
// their bare names, and the model's state, parameters and signals; the
// model's expressions read a numeric field of every agent as the vector
// members.field, and over(members, x) evaluates x for every agent.

// popField is a field of a population's records.
type popField struct {
	name  string
	kind  gds.Kind
	def   any // the value of a new agent, converted to kind
	token bool
}

// popDecl is a declared population.
type popDecl struct {
	name, key string
	h         gds.Records
	fields    []popField // in record order: id, the fields, the tokens
	byName    map[string]int
	wallet    map[string]int // token -> field index
	// cols is shared by the per-agent Envs of p: a column that reads only
	// what a PSUB cannot change is computed once per PSUB for all of
	// them (type == "casual" in a dozen expressions)
	cols *expr.ColumnCache
	// writes holds, per engine, the pass of the PSUB that last wrote each
	// field (expr.Env.FieldWrites): a cached column that reads only
	// fields nothing wrote since lives from one PSUB to the next
	writes gds.Scratch
}

// wrote records that the current PSUB writes fields fs of p.
func (p *popDecl) wrote(c *gds.Ctx, fs []int) {
	w, pass := p.lastWrites(c), c.Pass()
	for _, f := range fs {
		w[f] = pass
	}
}

// lastWrites is the engine's pass of the last write of each field.
func (p *popDecl) lastWrites(c *gds.Ctx) []uint64 {
	b := p.writes.Buf(c)
	if len(*b) < len(p.fields) {
		*b = make([]float64, len(p.fields)) // 0: before every pass
	}
	return unsafe.Slice((*uint64)(unsafe.Pointer(unsafe.SliceData(*b))), len(p.fields))
}

// at makes agent i the one per-agent expressions of p read (one agent
// at a time: an over of another population inside restores it).
func (p *popDecl) at(c *gds.Ctx, i int) { c.Agent = i }

func (p *popDecl) index(c *gds.Ctx) int { return c.Agent }

// declarePopulations reads [populations.*], after the agents.
func (l *loader) declarePopulations(claim func(kind, n, key string) error) error {
	l.pops = map[string]*popDecl{}
	for _, pn := range l.ordered("populations", l.f.Populations) {
		key := "populations." + pn
		if !validName(pn) {
			return l.errAt(key, "", "population name %q: want a name of letters, digits and _ that starts with a letter", pn)
		}
		if pn == mintName || pn == burnName {
			return l.errAt(key, "", "%q names the source or sink of transfers; call the population something else", pn)
		}
		if l.ledger != nil && l.ledger.agents[pn] != nil {
			return l.errAt(key, "", "%q is already an agent", pn)
		}
		tab, ok := l.f.Populations[pn].(map[string]any)
		if !ok {
			return l.errAt(key, "", "want a table { fields = { ... }, wallet = { ... }, doc = \"...\" }")
		}
		allowed := []string{"doc", "fields", "wallet"}
		for k := range tab {
			if !slices.Contains(allowed, k) {
				return l.errAt(key+"."+k, "", "unknown key%s", names.Suggest(k, allowed))
			}
		}
		if err := claim("variable", pn, key); err != nil {
			return err
		}
		p := &popDecl{name: pn, key: key, byName: map[string]int{}, wallet: map[string]int{}, writes: l.b.Scratch()}
		add := func(f popField, fkey string) error {
			if f.name == "id" && len(p.fields) > 0 {
				return l.errAt(fkey, "", "field id is every agent's number (1, 2, ... in order of joining); call yours something else")
			}
			if _, dup := p.byName[f.name]; dup {
				return l.errAt(fkey, "", "population %q has %q twice (fields and wallet tokens share names)", pn, f.name)
			}
			if !validName(f.name) {
				return l.errAt(fkey, "", "field name %q: want a name of letters, digits and _ that starts with a letter", f.name)
			}
			p.byName[f.name] = len(p.fields)
			p.fields = append(p.fields, f)
			return nil
		}
		_ = add(popField{name: "id", kind: gds.KindInt, def: int64(0)}, key)
		if fr, ok := tab["fields"]; ok {
			fields, ok := fr.(map[string]any)
			if !ok {
				return l.errAt(key+".fields", "", "want a table of fields: name = default, or name = { type = \"...\", initial = ..., doc = \"...\" }")
			}
			for _, fn := range l.ordered(key+".fields", fields) {
				fkey := key + ".fields." + fn
				t, val, _, err := l.spec(fkey, fields[fn], "initial", []string{"type", "initial", "doc"})
				if err != nil {
					return err
				}
				if t == gds.KindVec {
					return l.errAt(fkey, "", "an agent's field is a float, an int, a bool or a string, not a vector")
				}
				if val == nil {
					val = map[gds.Kind]any{gds.KindFloat: 0.0, gds.KindInt: int64(0), gds.KindBool: false, gds.KindString: ""}[t]
				}
				cv, err := gds.Convert(val, t)
				if err != nil {
					return l.errAt(fkey, "", "default: %v", err)
				}
				if err := add(popField{name: fn, kind: t, def: cv}, fkey); err != nil {
					return err
				}
			}
		}
		if wr, ok := tab["wallet"]; ok {
			wallet, ok := wr.(map[string]any)
			if !ok {
				return l.errAt(key+".wallet", "", "want a table { token = default balance, ... }")
			}
			var tokens []string
			if l.ledger != nil {
				tokens = l.ledger.tokens
			}
			for _, tk := range l.ordered(key+".wallet", wallet) {
				wkey := key + ".wallet." + tk
				if l.ledger == nil || l.ledger.tokenDoc[tk] == "" && !slices.Contains(tokens, tk) {
					return l.errAt(wkey, "", "population %q holds %q, which is not a declared token%s (tokens: %s)", pn, tk, didYouMean(tk, tokens), strings.Join(tokens, ", "))
				}
				v, err := gds.Convert(wallet[tk], gds.KindFloat)
				if err != nil {
					return l.errAt(wkey, "", "default balance: %v", err)
				}
				if b0 := v.(float64); !(b0 == 0) {
					return l.errAt(wkey, "", "a new agent's balance is what joining mints (set it in [psubs.join.%s]); the wallet lists its tokens, each = 0.0", pn)
				}
				if err := add(popField{name: tk, kind: gds.KindFloat, def: 0.0, token: true}, wkey); err != nil {
					return err
				}
				p.wallet[tk] = len(p.fields) - 1
			}
		}
		rf := make([]gds.RecordField, len(p.fields))
		for k, f := range p.fields {
			rf[k] = gds.RecordField{Name: f.name, Kind: f.kind}
			if f.token {
				rf[k].Doc = tokenWord(f.name, l.ledger.tokenDoc[f.name]) + " held"
			}
		}
		rf[0].Doc = "the agent's number: 1, 2, ... in order of joining"
		var opts []gds.VarOption
		if d, ok := tab["doc"].(string); ok {
			opts = append(opts, gds.Doc(d))
		}
		p.h = l.b.Records(pn, rf, gds.MakeColumns(rf, 0), opts...)
		l.vars[pn] = varH{t: gds.KindAgents}
		l.varList = append(l.varList, pn)
		if l.ledger != nil {
			for tk := range p.wallet {
				l.ledger.popHolders[tk] = append(l.ledger.popHolders[tk], p)
			}
		}
		// members.field: every agent's value, a vector (numeric fields)
		for f, fd := range p.fields {
			h, f := p.h, f
			var get func(*gds.Ctx) []float64
			switch fd.kind {
			case gds.KindFloat:
				get = func(c *gds.Ctx) []float64 { return h.Floats(c, f) }
			case gds.KindInt, gds.KindBool:
				sc := l.b.Scratch()
				isInt := fd.kind == gds.KindInt
				get = func(c *gds.Ctx) []float64 {
					b := sc.Buf(c)
					out := (*b)[:0]
					if isInt {
						for _, v := range h.Ints(c, f) {
							out = append(out, float64(v))
						}
					} else {
						for _, v := range h.Bools(c, f) {
							out = append(out, b2f(v))
						}
					}
					*b = out
					return out
				}
			default:
				continue
			}
			l.accs[pn+"."+fd.name] = accessor{t: gds.KindVec, v: get}
		}
		l.pops[pn] = p
		l.popList = append(l.popList, pn)
	}
	return nil
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// agentEnvs returns the Env of every population's per-agent expressions,
// each able to aggregate over every population.
func (l *loader) agentEnvs() map[string]*expr.Env {
	out := map[string]*expr.Env{}
	for _, pn := range l.popList {
		out[pn] = l.bareAgentEnv(l.pops[pn])
	}
	for _, env := range out {
		l.addPopulations(env, out)
	}
	return out
}

// addPopulations declares every population in env, for over.
func (l *loader) addPopulations(env *expr.Env, agents map[string]*expr.Env) {
	for _, pn := range l.popList {
		p := l.pops[pn]
		env.Population(pn, p.h.Len, agents[pn], nil, nil) // the agent is c.Agent (popDecl.at)
	}
}

// agentEnv returns the Env of p's per-agent expressions.
func (l *loader) agentEnv(p *popDecl) *expr.Env { return l.agentEnvs()[p.name] }

// bareAgentEnv returns the model's names, with p's fields, by their bare
// names, for the current agent; no population.
func (l *loader) bareAgentEnv(p *popDecl) *expr.Env {
	env := expr.NewEnv(l.b)
	for n, a := range l.accs {
		if _, shadowed := p.byName[n]; shadowed {
			continue
		}
		declareAcc(env, n, a)
	}
	// the model's names are the same for every agent: over may compute
	// what reads only them once for the population (expr.Env.Shared)
	env.Shared()
	if _, shadowed := p.byName["agent"]; !shadowed {
		// the agent's position, 0-based: the agent column of the agent
		// table, an index into vectors with one entry per agent
		env.AgentIndex("agent") // p.index: Ctx.Agent
	}
	if p.cols == nil {
		p.cols = expr.NewColumnCache(l.b)
	}
	env.CacheColumns(p.cols)
	h := p.h
	for f, fd := range p.fields {
		f := f
		switch fd.kind {
		case gds.KindFloat:
			env.FloatField(fd.name, func(c *gds.Ctx) float64 { return h.Floats(c, f)[p.index(c)] },
				func(c *gds.Ctx) []float64 { return h.Floats(c, f) })
		case gds.KindInt:
			env.IntField(fd.name, func(c *gds.Ctx) int64 { return h.Ints(c, f)[p.index(c)] },
				func(c *gds.Ctx) []int64 { return h.Ints(c, f) })
		case gds.KindBool:
			env.BoolField(fd.name, func(c *gds.Ctx) bool { return h.Bools(c, f)[p.index(c)] },
				func(c *gds.Ctx) []bool { return h.Bools(c, f) })
		case gds.KindString:
			env.StringField(fd.name, func(c *gds.Ctx) string { return h.Strings(c, f)[p.index(c)] },
				func(c *gds.Ctx) []string { return h.Strings(c, f) })
		}
		env.FieldWrites(fd.name, func(c *gds.Ctx) uint64 { return p.lastWrites(c)[f] })
	}
	return env
}

// popUpdates compiles a PSUB's per-agent updates ([psubs.each.P]) and
// joins ([psubs.join.P]) into one update of each population the PSUB
// writes; wallets come from the PSUB's ledger (lg may be nil).
func (l *loader) popUpdates(pkey string, ps psubSpec, lg *psubLedger, joins map[string]*joinSpec) ([]gds.Block, error) {
	touched := map[string]bool{}
	for pn := range ps.Each {
		touched[pn] = true
	}
	for pn := range ps.Join {
		touched[pn] = true
	}
	if lg != nil {
		for pn := range lg.popCols {
			touched[pn] = true
		}
	}
	var out []gds.Block
	for _, pn := range l.popList {
		if !touched[pn] {
			continue
		}
		delete(touched, pn)
		p := l.pops[pn]
		mark := len(l.compiled)
		bl, err := l.popUpdate(pkey, p, ps, lg, joins[pn])
		if err != nil {
			return nil, err
		}
		out = append(out, traced(bl, l.since(mark)))
	}
	for pn := range touched { // not a population
		sect := "each"
		if _, ok := ps.Join[pn]; ok {
			sect = "join"
		}
		return nil, l.errAt(pkey+"."+sect+"."+pn, "", "%q is not a population%s", pn, didYouMean(pn, l.popList))
	}
	return out, nil
}

type fieldUpdate struct {
	f int
	x *expr.Expr
}

func (l *loader) popUpdate(pkey string, p *popDecl, ps psubSpec, lg *psubLedger, join *joinSpec) (gds.Block, error) {
	// per-agent updates
	var each []fieldUpdate
	if raw, ok := ps.Each[p.name]; ok {
		ekey := pkey + ".each." + p.name
		tab, ok := raw.(map[string]any)
		if !ok {
			return gds.Block{}, l.errAt(ekey, "", "want a table of field = \"expression\"")
		}
		env := l.agentEnv(p)
		for _, fn := range l.ordered(ekey, tab) {
			fkey := ekey + "." + fn
			f, ok := p.byName[fn]
			if !ok {
				return gds.Block{}, l.errAt(fkey, "", "population %q has no field %q%s", p.name, fn, didYouMean(fn, fieldNames(p)))
			}
			fd := p.fields[f]
			if fd.token {
				return gds.Block{}, l.errAt(fkey, "", "%q is a wallet balance: balances change only by [[psubs.transfers]]", fn)
			}
			if f == 0 {
				return gds.Block{}, l.errAt(fkey, "", "id is every agent's number; it does not change")
			}
			src, ok := tab[fn].(string)
			if !ok {
				return gds.Block{}, l.errAt(fkey, "", "want an expression string")
			}
			x, err := l.compile(env, fkey, src)
			if err != nil {
				return gds.Block{}, err
			}
			if !assignable(x.Kind, fd.kind) {
				return gds.Block{}, l.errAt(fkey, src, "%s: field %q is %s, the expression is %s", quoteExpr(src, 1), fn, fd.kind, x.Kind)
			}
			each = append(each, fieldUpdate{f, x})
		}
	}
	cols := map[int]int{} // wallet field -> the ledger's column
	if lg != nil {
		for tk, k := range lg.popCols[p.name] {
			cols[p.wallet[tk]] = k
		}
	}
	h := p.h
	var written []int // the fields this update writes, for the column cache
	for _, u := range each {
		written = append(written, u.f)
	}
	for f := range cols {
		written = append(written, f)
	}
	fn := func(c *gds.Ctx, next *gds.Columns) {
		n0 := next.N
		p.wrote(c, written)
		for _, u := range each {
			fd := p.fields[u.f]
			if eachColumn(c, u, fd.kind, next, n0) {
				continue
			}
			for i := range n0 {
				p.at(c, i)
				switch fd.kind {
				case gds.KindFloat:
					next.Floats[u.f][i] = u.x.Float(c)
				case gds.KindInt:
					next.Ints[u.f][i] = u.x.Int(c)
				case gds.KindBool:
					next.Bools[u.f][i] = u.x.Bool(c)
				case gds.KindString:
					next.Strings[u.f][i] = u.x.String(c)
				}
			}
		}
		if lg != nil && len(cols) > 0 {
			lg.compute(c)
			for f, k := range cols {
				copy(next.Floats[f][:n0], lg.col(c, k))
			}
		}
		if join != nil {
			join.apply(c, next, lg.joinPlan(c, join)) // a new size: a cached column is computed again
		}
	}
	return h.Update(fn), nil
}

// eachColumn evaluates the per-agent update u for the n agents a column
// at a time into next, when its expression has a column evaluation
// (expr.Expr.FloatColumn): the same values as agent by agent, since every
// agent's update reads the state before the PSUB. It reports false when
// the update must be evaluated agent by agent.
func eachColumn(c *gds.Ctx, u fieldUpdate, kind gds.Kind, next *gds.Columns, n int) bool {
	switch kind {
	case gds.KindFloat:
		if v, ok := u.x.FloatColumn(c, n); ok {
			copy(next.Floats[u.f][:n], v)
			return true
		}
	case gds.KindInt:
		if v, ok := u.x.IntColumn(c, n); ok {
			copy(next.Ints[u.f][:n], v)
			return true
		}
	case gds.KindBool:
		if v, ok := u.x.BoolColumn(c, n); ok {
			copy(next.Bools[u.f][:n], v)
			return true
		}
	}
	return false
}

func fieldNames(p *popDecl) []string {
	out := make([]string, len(p.fields))
	for k, f := range p.fields {
		out[k] = f.name
	}
	return out
}

// joinSpec is a compiled [psubs.join.P].
type joinSpec struct {
	trace  func(*gds.Ctx) // traces the join's expressions (expr.TraceAll)
	p      *popDecl
	count  *expr.Expr
	field  int // the string field of the types, -1 without types
	types  []string
	shares []*expr.Expr
	// vfields are the numeric fields a join sets: from set, or from the
	// new agent's type (which wins)
	vfields []joinField
	// mints are the wallet fields joining sets, by token: their values
	// are minted
	mints map[string]int
}

// joinField is a numeric field a join sets.
type joinField struct {
	f      int
	def    float64
	set    *expr.Expr
	byType []*expr.Expr // by type; nil where the type does not set it
}

func (l *loader) compileJoin(pkey string, p *popDecl, ps psubSpec) (*joinSpec, error) {
	raw, ok := ps.Join[p.name]
	if !ok {
		return nil, nil
	}
	jkey := pkey + ".join." + p.name
	tab, ok := raw.(map[string]any)
	if !ok {
		return nil, l.errAt(jkey, "", "want a table { count = \"...\", set = { ... }, types = { ... } }")
	}
	allowed := []string{"count", "set", "type_field", "types"}
	for k := range tab {
		if !slices.Contains(allowed, k) {
			return nil, l.errAt(jkey+"."+k, "", "unknown key%s", names.Suggest(k, allowed))
		}
	}
	env := l.sharedEnv()
	j := &joinSpec{p: p, field: -1, mints: map[string]int{}}
	src, ok := exprSource(tab["count"])
	if !ok {
		return nil, l.errAt(jkey, "", "a join needs count = \"expression\": how many agents join")
	}
	x, err := l.compile(env, jkey+".count", src)
	if err != nil {
		return nil, err
	}
	if x.Kind != gds.KindInt {
		return nil, l.errAt(jkey+".count", src, "%s: a count is an int, the expression is %s (convert with int(...))", quoteExpr(src, 1), x.Kind)
	}
	j.count = x
	ntypes := 0
	if tr, ok := tab["types"].(map[string]any); ok {
		ntypes = len(tr)
	}
	field := func(f int) *joinField {
		for k := range j.vfields {
			if j.vfields[k].f == f {
				return &j.vfields[k]
			}
		}
		fd := p.fields[f]
		def := 0.0
		switch v := fd.def.(type) {
		case float64:
			def = v
		case int64:
			def = float64(v)
		case bool:
			def = b2f(v)
		}
		j.vfields = append(j.vfields, joinField{f: f, def: def, byType: make([]*expr.Expr, ntypes)})
		if fd.token {
			j.mints[fd.name] = f
		}
		return &j.vfields[len(j.vfields)-1]
	}
	// values compiles a table of field = expression; t is the type, -1
	// for set.
	values := func(vkey string, tab map[string]any, skip string, t int) error {
		for _, fn := range l.ordered(vkey, tab) {
			if fn == skip {
				continue
			}
			fkey := vkey + "." + fn
			f, ok := p.byName[fn]
			if !ok || f == 0 {
				return l.errAt(fkey, "", "population %q has no field %q to set%s", p.name, fn, didYouMean(fn, fieldNames(p)[1:]))
			}
			fd := p.fields[f]
			if fd.kind == gds.KindString {
				return l.errAt(fkey, "", "a new agent's string field %q is its type (types = ...) or its default", fn)
			}
			raw := tab[fn]
			if f, isFloat := raw.(float64); isFloat && fd.kind == gds.KindInt {
				v, err := gds.Convert(f, gds.KindInt) // an integral float where an int is, as everywhere
				if err != nil {
					return l.errAt(fkey, "", "%v", err)
				}
				raw = v
			}
			s, ok := exprSource(raw)
			if !ok {
				return l.errAt(fkey, "", "want a number or an expression string")
			}
			x, err := l.compile(env, fkey, s)
			if err != nil {
				return err
			}
			if !assignable(x.Kind, fd.kind) {
				return l.errAt(fkey, s, "%s: field %q is %s, the expression is %s", strconv.Quote(s), fn, fd.kind, x.Kind)
			}
			jf := field(f)
			if t < 0 {
				jf.set = x
			} else {
				jf.byType[t] = x
			}
		}
		return nil
	}
	if sr, ok := tab["set"]; ok {
		st, ok := sr.(map[string]any)
		if !ok {
			return nil, l.errAt(jkey+".set", "", "want a table of field = \"expression\"")
		}
		if err := values(jkey+".set", st, "", -1); err != nil {
			return nil, err
		}
	}
	if tr, ok := tab["types"]; ok {
		tt, ok := tr.(map[string]any)
		if !ok || len(tt) == 0 {
			return nil, l.errAt(jkey+".types", "", "want a table of types: [psubs.join.%s.types.NAME] with share = \"...\" and the type's values", p.name)
		}
		tf := "type"
		if s, ok := tab["type_field"].(string); ok {
			tf = s
		}
		f, ok := p.byName[tf]
		if !ok || p.fields[f].kind != gds.KindString {
			return nil, l.errAt(jkey+".types", "", "the types are written to the string field %q, which population %q does not have (type_field = \"...\" names another)", tf, p.name)
		}
		j.field = f
		for t, tn := range l.ordered(jkey+".types", tt) {
			tkey := jkey + ".types." + tn
			ttab, ok := tt[tn].(map[string]any)
			if !ok {
				return nil, l.errAt(tkey, "", "want a table { share = \"...\", field = value, ... }")
			}
			share, ok := ttab["share"]
			if !ok {
				return nil, l.errAt(tkey, "", "type %q needs share = \"expression\": its share of the population", tn)
			}
			sx, err := l.compileNumber(env, tkey+".share", share, "a share")
			if err != nil {
				return nil, err
			}
			j.types = append(j.types, tn)
			j.shares = append(j.shares, sx)
			if err := values(tkey, ttab, "share", t); err != nil {
				return nil, err
			}
		}
	} else if _, ok := tab["type_field"]; ok {
		return nil, l.errAt(jkey+".type_field", "", "type_field goes with types")
	}
	return j, nil
}

// appendTypes appends to buf the type of each of n joining agents: the
// type whose share of the population is furthest behind
// (blocks/agent.Next), counting the agents there are and those given a
// type before it. Without types it appends nothing.
func (j *joinSpec) appendTypes(c *gds.Ctx, n int, buf []float64) []float64 {
	if j.field < 0 || n == 0 {
		return buf
	}
	w := make([]float64, len(j.types)) // one per type, in a PSUB where agents join
	have := make([]int, len(j.types))
	for k, s := range j.shares {
		w[k] = s.Float(c)
	}
	if err := agent.ValidWeights(w); err != nil {
		panic(fmt.Errorf("population %q at timestep %d: the types' shares: %w", j.p.name, c.T, err))
	}
	for _, v := range j.p.h.Strings(c, j.field) {
		if k := slices.Index(j.types, v); k >= 0 {
			have[k]++
		}
	}
	for range n {
		k := agent.Next(w, have)
		have[k]++
		buf = append(buf, float64(k))
	}
	return buf
}

// apply appends the agents of a join plan (psubLedger.joinPlan) to next.
func (j *joinSpec) apply(c *gds.Ctx, next *gds.Columns, plan []float64) {
	n := int(plan[1])
	if n == 0 {
		return
	}
	types := plan[2:2]
	vals := plan[2:]
	if j.field >= 0 {
		types, vals = plan[2:2+n], plan[2+n:]
	}
	n0 := next.N
	next.Resize(n0 + n)
	maxID := int64(0)
	for _, id := range next.Ints[0][:n0] {
		maxID = max(maxID, id)
	}
	for f, fd := range j.p.fields {
		for i := n0; i < next.N; i++ {
			switch v := fd.def.(type) {
			case float64:
				next.Floats[f][i] = v
			case int64:
				next.Ints[f][i] = v
			case bool:
				next.Bools[f][i] = v
			case string:
				next.Strings[f][i] = v
			}
		}
	}
	w := len(j.vfields)
	for k := range n {
		i := n0 + k
		next.Ints[0][i] = maxID + int64(k) + 1
		if j.field >= 0 {
			next.Strings[j.field][i] = j.types[int(types[k])]
		}
		for v, jf := range j.vfields {
			x := vals[k*w+v]
			switch j.p.fields[jf.f].kind {
			case gds.KindFloat:
				next.Floats[jf.f][i] = x
			case gds.KindInt:
				next.Ints[jf.f][i] = int64(x)
			case gds.KindBool:
				next.Bools[jf.f][i] = x != 0
			}
		}
	}
}
