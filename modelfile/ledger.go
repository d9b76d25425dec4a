package modelfile

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	wallet "github.com/statecraft/statecraft/blocks/ledger"
	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/gds/expr"
	"github.com/statecraft/statecraft/internal/names"
)

// The ledger: tokens, agents with wallets, and transfers between them.
//
//	[tokens]
//	usd = "US dollars"                      # or { doc = "..." }
//	ocean = { doc = "OCEAN" }
//
//	[agents.router]
//	doc = "splits the revenue"
//	wallet = { usd = 0.0, ocean = 0.0 }     # the tokens it holds, initially
//	fields = { n = 1.0 }                    # other state, declared as [variables]
//
//	[[psubs.transfers]]
//	token = "usd"
//	from = "marketplaces"                   # an agent, or "mint"
//	to = { router = "0.9", dao = "0.1" }    # an agent, "burn", or shares
//	amount = "marketplaces.usd"
//
// Transfers are state updates: their amounts read the state before the
// PSUB, the parameters and the PSUB's signals, and are paid in file order.
// Every balance is a float state variable <agent>_<token>, read in
// expressions as agent.token (or by its variable name). Only transfers
// change balances, so the ledger is conserved by construction: for every
// token, Σ balances = Σ initial balances + minted − burned at every row.
// A token that some transfer mints gets the variable <token>_minted, one
// that some transfer burns <token>_burned, and either <token>_supply (Σ
// balances).

// agentDecl is a declared agent: its wallet's balance variables, by token.
type agentDecl struct {
	name    string
	key     string
	wallet  map[string]string // token -> balance variable
	balance map[string]gds.Float
}

// ledger holds the model's tokens and agents.
type ledger struct {
	tokens     []string // in file order
	tokenDoc   map[string]string
	initial    map[string]float64 // by token, Σ initial balances
	agents     map[string]*agentDecl
	agentList  []string
	balanceVar map[string]bool // variable names that only transfers write
	// mintBurn holds, for the tokens some transfer mints or burns, the
	// minted, burned and supply variables.
	mintBurn map[string]*tokenLedger
	// popHolders are, by token, the populations whose wallets hold it.
	popHolders map[string][]*popDecl
}

type tokenLedger struct {
	minted, burned, supply gds.Float
}

const (
	mintName = "mint"
	burnName = "burn"
)

// declareTokens reads [tokens].
func (l *loader) declareTokens() error {
	lg := &ledger{tokenDoc: map[string]string{}, initial: map[string]float64{}, agents: map[string]*agentDecl{}, balanceVar: map[string]bool{}, mintBurn: map[string]*tokenLedger{}, popHolders: map[string][]*popDecl{}}
	l.ledger = lg
	for _, tk := range l.ordered("tokens", l.f.Tokens) {
		key := "tokens." + tk
		if !validName(tk) {
			return l.errAt(key, "", "token name %q: want a name of letters, digits and _ that starts with a letter", tk)
		}
		if tk == mintName || tk == burnName {
			return l.errAt(key, "", "%q names the source or sink of transfers; call the token something else", tk)
		}
		switch v := l.f.Tokens[tk].(type) {
		case string:
			lg.tokenDoc[tk] = v
		case map[string]any:
			for k := range v {
				if k != "doc" {
					return l.errAt(key+"."+k, "", "unknown key%s", names.Suggest(k, []string{"doc"}))
				}
			}
			d, ok := v["doc"].(string)
			if _, has := v["doc"]; has && !ok {
				return l.errAt(key+".doc", "", "want a string")
			}
			lg.tokenDoc[tk] = d
		default:
			return l.errAt(key, "", "want a description string or a table { doc = \"...\" }")
		}
		lg.tokens = append(lg.tokens, tk)
	}
	if len(l.f.Agents) > 0 && len(lg.tokens) == 0 {
		return l.errAt("agents", "", "agents hold wallets of tokens: declare them in [tokens] first")
	}
	return nil
}

// validName reports whether s is an identifier expressions can read.
func validName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z':
		case i > 0 && r >= '0' && r <= '9':
		default:
			return false
		}
	}
	return true
}

// declareAgents reads [agents.*]: each agent's wallet balances and fields
// become state variables, after the [variables].
func (l *loader) declareAgents(claim func(kind, n, key string) error) error {
	lg := l.ledger
	for _, an := range l.ordered("agents", l.f.Agents) {
		key := "agents." + an
		if !validName(an) {
			return l.errAt(key, "", "agent name %q: want a name of letters, digits and _ that starts with a letter", an)
		}
		if an == mintName || an == burnName {
			return l.errAt(key, "", "%q is where minted tokens come from or burned ones go; call the agent something else", an)
		}
		tab, ok := l.f.Agents[an].(map[string]any)
		if !ok {
			return l.errAt(key, "", "want a table { wallet = { token = balance }, fields = { ... }, doc = \"...\" }")
		}
		allowed := []string{"doc", "wallet", "fields"}
		for k := range tab {
			if !slices.Contains(allowed, k) {
				return l.errAt(key+"."+k, "", "unknown key%s", names.Suggest(k, allowed))
			}
		}
		doc, _ := tab["doc"].(string)
		a := &agentDecl{name: an, key: key, wallet: map[string]string{}, balance: map[string]gds.Float{}}
		wallet, ok := tab["wallet"].(map[string]any)
		if !ok {
			return l.errAt(key, "", "agent %q needs a wallet = { token = initial balance, ... } (tokens: %s)", an, strings.Join(lg.tokens, ", "))
		}
		for _, tk := range l.ordered(key+".wallet", wallet) {
			wkey := key + ".wallet." + tk
			if _, ok := lg.tokenDoc[tk]; !ok {
				return l.errAt(wkey, "", "agent %q holds %q, which is not a declared token%s (tokens: %s)", an, tk, didYouMean(tk, lg.tokens), strings.Join(lg.tokens, ", "))
			}
			v, err := gds.Convert(wallet[tk], gds.KindFloat)
			if err != nil {
				return l.errAt(wkey, "", "initial balance: %v", err)
			}
			b0 := v.(float64)
			if !(b0 >= 0) || math.IsInf(b0, 0) {
				return l.errAt(wkey, "", "initial balance %v: want a finite number >= 0", b0)
			}
			vn := an + "_" + tk
			if err := claim("variable", vn, wkey); err != nil {
				return err
			}
			d := fmt.Sprintf("%s held by %s", tokenWord(tk, lg.tokenDoc[tk]), an)
			if doc != "" {
				d += " (" + doc + ")"
			}
			h := l.b.Float(vn, b0, gds.Doc(d))
			lg.initial[tk] += b0
			a.wallet[tk], a.balance[tk] = vn, h
			lg.balanceVar[vn] = true
			acc := accessor{t: gds.KindFloat, f: h.Get}
			l.accs[vn], l.accs[an+"."+tk] = acc, acc
			l.vars[vn] = varH{t: gds.KindFloat, f: h}
			l.varList = append(l.varList, vn)
		}
		if len(a.wallet) == 0 {
			return l.errAt(key+".wallet", "", "agent %q holds no token; give at least one", an)
		}
		if fr, ok := tab["fields"]; ok {
			fields, ok := fr.(map[string]any)
			if !ok {
				return l.errAt(key+".fields", "", "want a table of field declarations, as in [variables]")
			}
			for _, fn := range l.ordered(key+".fields", fields) {
				fkey := key + ".fields." + fn
				vn := an + "_" + fn
				if _, isToken := a.wallet[fn]; isToken {
					return l.errAt(fkey, "", "field %q of agent %q has the name of a token it holds", fn, an)
				}
				if err := claim("variable", vn, fkey); err != nil {
					return err
				}
				if err := l.declareVar(vn, fkey, fields[fn]); err != nil {
					return err
				}
				l.accs[an+"."+fn] = l.accs[vn]
			}
		}
		lg.agents[an] = a
		lg.agentList = append(lg.agentList, an)
	}
	return nil
}

// didYouMean is names.Suggest's guess, without its list of known names
// (the callers list them themselves).
func didYouMean(name string, known []string) string {
	if s := names.Suggest(name, known); strings.HasPrefix(s, " (did you mean") {
		return s
	}
	return ""
}

// tokenWord names a token in docs: its doc, or its name.
func tokenWord(tk, doc string) string {
	if doc != "" {
		return doc
	}
	return tk
}

// declareMintBurn declares <token>_minted, _burned and _supply for the
// tokens some transfer mints or burns.
func (l *loader) declareMintBurn(claim func(kind, n, key string) error) error {
	lg := l.ledger
	minted, burned := map[string]bool{}, map[string]bool{}
	for _, ps := range l.f.PSUBs {
		for _, tr := range ps.Transfers {
			to, _ := tr.To.(string)
			minted[tr.Token] = minted[tr.Token] || tr.From == mintName
			burned[tr.Token] = burned[tr.Token] || to == burnName
		}
		// a join that sets a wallet balance mints it
		for pn, raw := range ps.Join {
			p := l.pops[pn]
			jt, ok := raw.(map[string]any)
			if p == nil || !ok {
				continue // reported when the PSUB compiles
			}
			sets := []any{jt["set"]}
			if types, ok := jt["types"].(map[string]any); ok {
				for _, t := range types {
					sets = append(sets, t)
				}
			}
			for _, st := range sets {
				if m, ok := st.(map[string]any); ok {
					for k := range m {
						if _, isToken := p.wallet[k]; isToken {
							minted[k] = true
						}
					}
				}
			}
		}
	}
	for _, tk := range lg.tokens {
		if !minted[tk] && !burned[tk] {
			continue
		}
		supply0 := lg.initial[tk] // populations start empty
		word := tokenWord(tk, lg.tokenDoc[tk])
		tl := &tokenLedger{}
		for _, v := range []struct {
			suffix, doc string
			init        float64
			h           *gds.Float
			has         bool
		}{
			{"_minted", word + " minted, so far", 0, &tl.minted, minted[tk]},
			{"_burned", word + " burned, so far", 0, &tl.burned, burned[tk]},
			{"_supply", word + " held by all agents: initial balances + minted − burned", supply0, &tl.supply, true},
		} {
			if !v.has {
				continue
			}
			vn := tk + v.suffix
			if err := claim("variable", vn, "tokens."+tk); err != nil {
				return err
			}
			*v.h = l.b.Float(vn, v.init, gds.Doc(v.doc))
			lg.balanceVar[vn] = true
			l.accs[vn] = accessor{t: gds.KindFloat, f: v.h.Get}
			l.vars[vn] = varH{t: gds.KindFloat, f: *v.h}
			l.varList = append(l.varList, vn)
		}
		lg.mintBurn[tk] = tl
	}
	return nil
}

// transfer is one compiled [[psubs.transfers]] entry. A payer or payee
// is an agent (a slot of the PSUB's scalar balances), a population (each
// agent pays or receives its own amount: a column of the PSUB's
// population balances), the mint or the burn.
type transfer struct {
	name, token string
	from        string
	fromSlot    int      // the scalar balance paying; -1: mint or a population
	fromPop     *popDecl // each agent of it pays
	fromCol     int      // its column of balances
	payees      []string
	toSlots     []int        // -1 for burn (or a population)
	toPop       *popDecl     // each agent of it receives
	toCol       int          // its column of balances
	shares      []*expr.Expr // nil for a single payee
	amount      *expr.Expr
	clamp       bool
	mintSlot    int // index of the token's minted / burned delta, or -1
	burnSlot    int
}

// psubLedger is the ledger of one PSUB: its transfers and the joins that
// mint new agents' balances. Its updates share one computation per pass.
type psubLedger struct {
	trace    func(*gds.Ctx) // traces the transfers' expressions (expr.TraceAll)
	l        *loader
	psub     string
	trs      []*transfer
	balances []gds.Float // the scalar balances the PSUB touches
	names    []string
	mb       []mbSlot
	joins    []*joinSpec
	// popCols: population -> token -> column; cols[k] is column k's
	// population and wallet field, colBufs[k] its per-engine buffer
	popCols map[string]map[string]int
	cols    []popCol
	work    gds.Scratch
	plans   map[*joinSpec]gds.Scratch
	// shares and parts are the buffers of a split
	shares, parts gds.Scratch
}

type mbSlot struct {
	token string
	burn  bool
}

type popCol struct {
	p   *popDecl
	f   int // the wallet field
	buf gds.Scratch
}

// transfers compiles a PSUB's transfers and joins into its ledger and
// the float updates of the scalar balances and the minted, burned and
// supply variables. The population updates (popUpdates) read the same
// ledger.
func (l *loader) transfers(pkey, psub string, specs []transferSpec, joins []*joinSpec) (*psubLedger, []gds.Block, error) {
	var mintingJoins []*joinSpec
	for _, j := range joins {
		if j != nil && len(j.mints) > 0 {
			mintingJoins = append(mintingJoins, j)
		}
	}
	if len(specs) == 0 && len(mintingJoins) == 0 {
		if len(joins) == 0 {
			return nil, nil, nil
		}
		pl := &psubLedger{l: l, psub: psub, plans: map[*joinSpec]gds.Scratch{}}
		for _, j := range joins {
			pl.plans[j] = l.b.Scratch()
		}
		return pl, nil, nil
	}
	lg := l.ledger
	if lg == nil || len(lg.agents) == 0 && len(l.pops) == 0 {
		return nil, nil, l.errAt(pkey+".transfers", "", "transfers move tokens between agents: declare [tokens] and [agents.NAME] or [populations.NAME] with wallets")
	}
	pl := &psubLedger{l: l, psub: psub, popCols: map[string]map[string]int{}, plans: map[*joinSpec]gds.Scratch{}}
	slotOf := map[string]int{}
	slot := func(agent, token string) int {
		vn := lg.agents[agent].wallet[token]
		if k, ok := slotOf[vn]; ok {
			return k
		}
		slotOf[vn] = len(pl.balances)
		pl.balances = append(pl.balances, lg.agents[agent].balance[token])
		pl.names = append(pl.names, vn)
		return len(pl.balances) - 1
	}
	col := func(p *popDecl, token string) int {
		m := pl.popCols[p.name]
		if m == nil {
			m = map[string]int{}
			pl.popCols[p.name] = m
		}
		if k, ok := m[token]; ok {
			return k
		}
		m[token] = len(pl.cols)
		pl.cols = append(pl.cols, popCol{p: p, f: p.wallet[token], buf: l.b.Scratch()})
		return len(pl.cols) - 1
	}
	holders := append(append([]string(nil), lg.agentList...), l.popList...)
	checkHolder := func(key, who, token, role string) error {
		if p, ok := l.pops[who]; ok {
			if _, ok := p.wallet[token]; !ok {
				return l.errAt(key, "", "population %q has no %s wallet; add %s = 0.0 to populations.%s.wallet", who, token, token, who)
			}
			return nil
		}
		a, ok := lg.agents[who]
		if !ok {
			other := burnName
			if role == "from" {
				other = mintName
			}
			return l.errAt(key, "", "transfer %s unknown agent %q%s (agents: %s, or %q)", role, who, didYouMean(who, holders), strings.Join(holders, ", "), other)
		}
		if _, ok := a.wallet[token]; !ok {
			held := make([]string, 0, len(a.wallet))
			for _, tk := range lg.tokens {
				if _, ok := a.wallet[tk]; ok {
					held = append(held, tk)
				}
			}
			return l.errAt(key, "", "agent %q has no %s wallet (it holds %s); add %s = 0.0 to agents.%s.wallet", who, token, strings.Join(held, ", "), token, who)
		}
		return nil
	}
	global := l.sharedEnv()
	for i, sp := range specs {
		key := fmt.Sprintf("%s.transfers.%d", pkey, i)
		if sp.Token == "" {
			return nil, nil, l.errAt(key, "", "a transfer needs token = \"...\" (tokens: %s)", strings.Join(lg.tokens, ", "))
		}
		if _, ok := lg.tokenDoc[sp.Token]; !ok {
			return nil, nil, l.errAt(key+".token", "", "unknown token %q%s (tokens: %s)", sp.Token, didYouMean(sp.Token, lg.tokens), strings.Join(lg.tokens, ", "))
		}
		if sp.From == "" {
			return nil, nil, l.errAt(key, "", "a transfer needs from = \"agent\" (or %q)", mintName)
		}
		tr := &transfer{name: sp.Name, token: sp.Token, from: sp.From, fromSlot: -1, fromCol: -1, toCol: -1, mintSlot: -1, burnSlot: -1}
		if sp.From != mintName {
			if err := checkHolder(key+".from", sp.From, sp.Token, "from"); err != nil {
				return nil, nil, err
			}
			tr.fromPop = l.pops[sp.From]
		}
		switch sp.Overdraft {
		case "", "error":
		case "clamp":
			tr.clamp = true
		default:
			return nil, nil, l.errAt(key+".overdraft", "", "overdraft %q: want \"error\" (the default: an amount above the balance stops the run) or \"clamp\" (pay what the balance holds)", sp.Overdraft)
		}
		if tr.clamp && sp.From == mintName {
			return nil, nil, l.errAt(key+".overdraft", "", "a transfer from %q has no balance to clamp to", mintName)
		}
		env := global
		switch to := sp.To.(type) {
		case string:
			tr.payees = []string{to}
			tr.toPop = l.pops[to]
		case map[string]any:
			if tr.fromPop != nil {
				return nil, nil, l.errAt(key+".to", "", "a population's agents pay one payee each; split in transfers of their own")
			}
			for _, p := range l.ordered(key+".to", to) {
				if l.pops[p] != nil {
					return nil, nil, l.errAt(key+".to."+p, "", "a population receives in a transfer of its own (to = %q, with a per-agent amount)", p)
				}
				x, err := l.compileNumber(env, key+".to."+p, to[p], "a share")
				if err != nil {
					return nil, nil, err
				}
				tr.payees = append(tr.payees, p)
				tr.shares = append(tr.shares, x)
			}
			if len(tr.payees) == 0 {
				return nil, nil, l.errAt(key+".to", "", "no payee: give to = \"agent\" or to = { agent = \"share\", ... }")
			}
		case nil:
			return nil, nil, l.errAt(key, "", "a transfer needs to = \"agent\", %q, or shares { agent = \"share\", ... }", burnName)
		default:
			return nil, nil, l.errAt(key+".to", "", "want an agent's name, %q, or a table of shares { agent = \"share\", ... }", burnName)
		}
		if tr.fromPop != nil && tr.toPop != nil {
			return nil, nil, l.errAt(key, "", "a transfer between two populations is not supported: pay through an agent")
		}
		for _, p := range tr.payees {
			pk := key + ".to"
			if len(tr.shares) > 0 {
				pk += "." + p
			}
			if p == sp.From {
				return nil, nil, l.errAt(pk, "", "agent %q pays itself", p)
			}
			if p == burnName {
				if len(tr.payees) > 1 {
					return nil, nil, l.errAt(pk, "", "%q cannot be one of several payees; burn in a transfer of its own", burnName)
				}
				if sp.From == mintName {
					return nil, nil, l.errAt(pk, "", "a transfer from %q to %q moves nothing", mintName, burnName)
				}
				continue
			}
			if err := checkHolder(pk, p, sp.Token, "to"); err != nil {
				return nil, nil, err
			}
		}
		if sp.Amount == nil || sp.Amount == "" {
			return nil, nil, l.errAt(key, "", "a transfer needs amount = \"expression\"")
		}
		// a population's transfer has a per-agent amount
		if p := tr.fromPop; p != nil {
			env = l.agentEnv(p)
		} else if p := tr.toPop; p != nil {
			env = l.agentEnv(p)
		}
		x, err := l.compileNumber(env, key+".amount", sp.Amount, "an amount")
		if err != nil {
			return nil, nil, err
		}
		tr.amount = x
		if tr.name == "" {
			tr.name = fmt.Sprintf("%s %s → %s", sp.Token, sp.From, strings.Join(tr.payees, ", "))
		}
		pl.trs = append(pl.trs, tr)
	}
	// slots, in transfer order
	for _, tr := range pl.trs {
		switch {
		case tr.fromPop != nil:
			tr.fromCol = col(tr.fromPop, tr.token)
		case tr.from != mintName:
			tr.fromSlot = slot(tr.from, tr.token)
		}
		for _, p := range tr.payees {
			switch {
			case p == burnName:
				tr.toSlots = append(tr.toSlots, -1)
			case tr.toPop != nil:
				tr.toCol = col(tr.toPop, tr.token)
				tr.toSlots = append(tr.toSlots, -1)
			default:
				tr.toSlots = append(tr.toSlots, slot(p, tr.token))
			}
		}
	}
	nb := len(pl.balances)
	mbIndex := map[mbSlot]int{}
	need := func(m mbSlot) int {
		if k, ok := mbIndex[m]; ok {
			return k
		}
		mbIndex[m] = nb + len(pl.mb)
		pl.mb = append(pl.mb, m)
		return mbIndex[m]
	}
	for _, tr := range pl.trs {
		if tr.from == mintName {
			tr.mintSlot = need(mbSlot{tr.token, false})
		}
		if tr.payees[0] == burnName {
			tr.burnSlot = need(mbSlot{tr.token, true})
		}
	}
	for _, j := range mintingJoins {
		pl.joins = append(pl.joins, j)
		pl.plans[j] = l.b.Scratch()
		for tk := range j.mints {
			need(mbSlot{tk, false})
			col(j.p, tk)
		}
	}
	for _, j := range joins {
		if j != nil && pl.plans[j] == (gds.Scratch{}) {
			pl.plans[j] = l.b.Scratch()
		}
	}
	pl.work, pl.shares, pl.parts = l.b.Scratch(), l.b.Scratch(), l.b.Scratch()
	var ups []gds.Block
	for k, b := range pl.balances {
		ups = append(ups, b.Update(func(c *gds.Ctx) float64 { return pl.compute(c)[k] }).Named(pl.names[k]))
	}
	supplyDelta := map[string][2]int{} // token -> minted, burned slot (-1: none)
	for _, m := range pl.mb {
		d, ok := supplyDelta[m.token]
		if !ok {
			d = [2]int{-1, -1}
		}
		if m.burn {
			d[1] = mbIndex[m]
		} else {
			d[0] = mbIndex[m]
		}
		supplyDelta[m.token] = d
	}
	read := func(c *gds.Ctx, k int) float64 {
		if k < 0 {
			return 0
		}
		return pl.compute(c)[k]
	}
	for _, tk := range lg.tokens {
		d, ok := supplyDelta[tk]
		if !ok {
			continue
		}
		tl := lg.mintBurn[tk]
		if tl == nil {
			return nil, nil, l.errAt(pkey, "", "internal: token %q has no minted and burned variables", tk)
		}
		if d[0] >= 0 {
			k := d[0]
			ups = append(ups, tl.minted.Update(func(c *gds.Ctx) float64 { return tl.minted.Get(c) + read(c, k) }))
		}
		if d[1] >= 0 {
			k := d[1]
			ups = append(ups, tl.burned.Update(func(c *gds.Ctx) float64 { return tl.burned.Get(c) + read(c, k) }))
		}
		var holders []gds.Float
		for _, an := range lg.agentList {
			if h, ok := lg.agents[an].balance[tk]; ok {
				holders = append(holders, h)
			}
		}
		type popHolder struct {
			h gds.Records
			f int
		}
		var pops []popHolder
		for _, p := range lg.popHolders[tk] {
			pops = append(pops, popHolder{p.h, p.wallet[tk]})
		}
		// Σ balances before the PSUB + minted − burned: the balances after it
		ups = append(ups, tl.supply.Update(func(c *gds.Ctx) float64 {
			s := 0.0
			for _, h := range holders {
				s += h.Get(c)
			}
			for _, p := range pops {
				for _, v := range p.h.Floats(c, p.f) {
					s += v
				}
			}
			return s + read(c, d[0]) - read(c, d[1])
		}))
	}
	return pl, ups, nil
}

// joinPlan returns join j's decision this pass: how many agents join,
// their types and the values of their numeric fields, evaluated once per
// pass (a random draw in a join is drawn once). Layout of the buffer:
// [pass, n, then n type indexes (or none), then n × len(j.vfields)
// values].
func (pl *psubLedger) joinPlan(c *gds.Ctx, j *joinSpec) []float64 {
	p := pl.plans[j].Buf(c)
	if buf := *p; len(buf) > 1 && buf[0] == float64(c.Pass()) {
		return buf
	}
	if c.Tracing() {
		j.trace(c)
	}
	buf := (*p)[:0]
	n64 := j.count.Int(c)
	if n64 < 0 {
		panic(fmt.Errorf("population %q: %d agents join at timestep %d; want a count >= 0", j.p.name, n64, c.T))
	}
	if have, lim := int64(j.p.h.Len(c)), int64(c.Limits().MaxAgents); n64 > lim-have {
		total := int(min(n64, math.MaxInt64-have) + have) // saturated: 1e19 agents is not a number to print exactly
		panic(fmt.Errorf("population %q: %d agents join at timestep %d, %d are there: %w", j.p.name, n64, c.T, have, gds.AgentLimitError(total, int(lim))))
	}
	n := int(n64)
	buf = append(buf, float64(c.Pass()), float64(n))
	buf = j.appendTypes(c, n, buf)
	typed := j.field >= 0
	for k := range n {
		t := -1
		if typed {
			t = int(buf[2+k])
		}
		for _, v := range j.vfields {
			x := v.set
			if t >= 0 && v.byType[t] != nil {
				x = v.byType[t]
			}
			val := v.def
			switch {
			case x == nil:
			case x.Kind == gds.KindBool:
				val = b2f(x.Bool(c))
			default:
				val = x.Float(c)
			}
			buf = append(buf, val)
		}
	}
	*p = buf
	return buf
}

// compute returns the PSUB's ledger this pass: the scalar balances
// after the PSUB, then the minted and burned deltas; col(c, k) is the
// population column k after it. Whichever update asks first computes it,
// from the balances before the PSUB; the others read it (keyed by
// Ctx.Pass).
func (pl *psubLedger) compute(c *gds.Ctx) []float64 {
	p := pl.work.Buf(c)
	const stamp = 1
	if buf := *p; len(buf) > 0 && buf[0] == float64(c.Pass()) {
		return buf[stamp:]
	}
	if c.Tracing() {
		pl.trace(c) // the block that computes the transfers reads what they read
	}
	buf := append((*p)[:0], float64(c.Pass()))
	for _, b := range pl.balances {
		buf = append(buf, b.Get(c))
	}
	for range len(pl.mb) {
		buf = append(buf, 0)
	}
	*p = buf
	r := buf[stamp:]
	for _, pc := range pl.cols {
		b := pc.buf.Buf(c)
		*b = append((*b)[:0], pc.p.h.Floats(c, pc.f)...)
	}
	// pay takes a from the balance *from, of agent i of pop (nil: the
	// agent tr.from)
	pay := func(tr *transfer, from *float64, a float64, pop *popDecl, i int) float64 {
		paid, left, err := wallet.Pay(*from, a, tr.clamp)
		if err != nil {
			who := fmt.Sprintf("agent %q", tr.from)
			if pop != nil {
				who = fmt.Sprintf("agent %d of %q", i+1, pop.name)
			}
			var od *wallet.OverdraftError
			if errors.As(err, &od) {
				panic(fmt.Errorf("transfer %q at timestep %d: %s holds %v %s and cannot pay %v (overdraft = \"clamp\" pays what it holds)", tr.name, c.T, who, od.Balance, tr.token, od.Amount))
			}
			panic(fmt.Errorf("transfer %q at timestep %d: %s: %w", tr.name, c.T, who, err))
		}
		*from = left
		return paid
	}
	check := func(tr *transfer, a float64) {
		if !amountOK(a) {
			panic(fmt.Errorf("transfer %q at timestep %d: amount %v of %s: want a finite number >= 0", tr.name, c.T, a, tr.token))
		}
	}
	receive := func(tr *transfer, a float64) {
		switch {
		case tr.toCol >= 0:
			panic("internal: receive on a population")
		case tr.toSlots[0] == -1:
			r[tr.burnSlot] += a
		case len(tr.shares) == 0:
			r[tr.toSlots[0]] += a
		default:
			sh := pl.shares.Buf(c)
			*sh = (*sh)[:0]
			for _, x := range tr.shares {
				*sh = append(*sh, x.Float(c))
			}
			pb := pl.parts.Buf(c)
			parts, err := wallet.Split(a, *sh, *pb)
			if err != nil {
				panic(fmt.Errorf("transfer %q at timestep %d: to %s: %w", tr.name, c.T, strings.Join(tr.payees, ", "), err))
			}
			*pb = parts
			for k, part := range parts {
				r[tr.toSlots[k]] += part
			}
		}
	}
	for _, tr := range pl.trs {
		switch {
		case tr.fromPop != nil: // each agent pays its own amount
			col := pl.col(c, tr.fromCol)
			if amounts, ok := tr.amount.FloatColumn(c, len(col)); ok {
				// the amounts read the state before the PSUB, so a column
				// of them is what the agents' turns would evaluate
				slot := -1 // the one balance receiving, if there is one
				switch {
				case tr.toCol >= 0 || len(tr.shares) > 0:
				case tr.toSlots[0] == -1:
					slot = tr.burnSlot
				default:
					slot = tr.toSlots[0]
				}
				if slot < 0 {
					for i, a := range amounts {
						check(tr, a)
						receive(tr, pay(tr, &col[i], a, tr.fromPop, i))
					}
					continue
				}
				got := r[slot] // the same additions, in order
				for i := 0; i < len(amounts); i++ {
					var k int
					got, k = payPlain(col[i:], amounts[i:len(col)], got)
					if i += k; i == len(amounts) {
						break
					}
					check(tr, amounts[i])
					got += pay(tr, &col[i], amounts[i], tr.fromPop, i) // or fails, naming the agent
				}
				r[slot] = got
				continue
			}
			for i := range col {
				tr.fromPop.at(c, i)
				a := tr.amount.Float(c)
				check(tr, a)
				a = pay(tr, &col[i], a, tr.fromPop, i)
				receive(tr, a)
			}
		case tr.toPop != nil: // each agent receives its own amount
			col := pl.col(c, tr.toCol)
			if amounts, ok := tr.amount.FloatColumn(c, len(col)); ok {
				slot := tr.mintSlot
				if tr.fromSlot >= 0 {
					slot = tr.fromSlot
				}
				held := r[slot] // the payer's balance, or the minted delta
				for i := 0; i < len(amounts); i++ {
					var k int
					if tr.fromSlot < 0 {
						held, k = mintPlain(col[i:], amounts[i:len(col)], held)
					} else {
						held, k = receivePlain(col[i:], amounts[i:len(col)], held)
					}
					if i += k; i == len(amounts) {
						break
					}
					a := amounts[i]
					check(tr, a)
					if tr.fromSlot < 0 {
						held += a
					} else {
						a = pay(tr, &held, a, nil, 0) // or fails, naming the payer
					}
					col[i] += a
				}
				r[slot] = held
				continue
			}
			for i := range col {
				tr.toPop.at(c, i)
				a := tr.amount.Float(c)
				check(tr, a)
				if tr.fromSlot >= 0 {
					a = pay(tr, &r[tr.fromSlot], a, nil, 0)
				} else {
					r[tr.mintSlot] += a
				}
				col[i] += a
			}
		default:
			a := tr.amount.Float(c)
			check(tr, a)
			if tr.fromSlot >= 0 {
				a = pay(tr, &r[tr.fromSlot], a, nil, 0)
			} else {
				r[tr.mintSlot] += a
			}
			receive(tr, a)
		}
	}
	// joining agents' balances are minted
	for _, j := range pl.joins {
		plan := pl.joinPlan(c, j)
		n := int(plan[1])
		vals := plan[2:]
		if j.field >= 0 {
			vals = vals[n:]
		}
		for tk := range j.mints {
			f := j.p.wallet[tk]
			v := slices.IndexFunc(j.vfields, func(v joinField) bool { return v.f == f })
			k := slices.IndexFunc(pl.mb, func(m mbSlot) bool { return m.token == tk && !m.burn })
			for a := range n {
				x := vals[a*len(j.vfields)+v]
				if !amountOK(x) {
					panic(fmt.Errorf("population %q at timestep %d: a joining agent's %s balance is %v; want a finite number >= 0", j.p.name, c.T, tk, x))
				}
				r[len(pl.balances)+k] += x
			}
		}
	}
	return r
}

// The loops of a transfer of a column of amounts, each until the first
// amount that is not the plain case, whose index they return (len(amounts)
// when there is none): the caller handles it (Pay's other cases, or the
// error) and goes on after it. In functions of their own, their state
// stays in registers.

// payPlain pays amounts[i] from balances[i], adding each to got.
func payPlain(balances, amounts []float64, got float64) (float64, int) {
	balances = balances[:len(amounts)]
	for i, a := range amounts {
		left, ok := wallet.Within(balances[i], a)
		if !ok {
			return got, i
		}
		balances[i], got = left, got+a
	}
	return got, len(amounts)
}

// receivePlain pays amounts[i] from held into balances[i].
func receivePlain(balances, amounts []float64, held float64) (float64, int) {
	balances = balances[:len(amounts)]
	for i, a := range amounts {
		left, ok := wallet.Within(held, a)
		if !ok {
			return held, i
		}
		held = left
		balances[i] += a
	}
	return held, len(amounts)
}

// mintPlain mints amounts[i] into balances[i], adding each to minted.
func mintPlain(balances, amounts []float64, minted float64) (float64, int) {
	balances = balances[:len(amounts)]
	for i, a := range amounts {
		if !amountOK(a) {
			return minted, i
		}
		minted += a
		balances[i] += a
	}
	return minted, len(amounts)
}

// amountOK reports whether x is an amount a ledger can move: finite and
// >= 0 (NaN is not).
func amountOK(x float64) bool { return x >= 0 && !math.IsInf(x, 1) }

// MaxAgents is the most agents a population may hold by default
// (gds.DefaultMaxAgents; an experiment's limits.max_agents sets another):
// a join beyond it fails its job, before it takes the memory.
const MaxAgents = gds.DefaultMaxAgents

// col returns population column k of this pass (after compute).
func (pl *psubLedger) col(c *gds.Ctx, k int) []float64 { return *pl.cols[k].buf.Buf(c) }
