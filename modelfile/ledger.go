package modelfile

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

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
	lg := &ledger{tokenDoc: map[string]string{}, initial: map[string]float64{}, agents: map[string]*agentDecl{}, balanceVar: map[string]bool{}, mintBurn: map[string]*tokenLedger{}}
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
	return l.declareMintBurn(claim)
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
	}
	for _, tk := range lg.tokens {
		if !minted[tk] && !burned[tk] {
			continue
		}
		supply0 := lg.initial[tk]
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

// transfer is one compiled [[psubs.transfers]] entry.
type transfer struct {
	name, token string
	from        string // agent, or "mint"
	fromSlot    int    // index into the PSUB's balances; -1 for mint
	payees      []string
	toSlots     []int        // -1 for burn
	shares      []*expr.Expr // nil for a single payee
	amount      *expr.Expr
	clamp       bool
	mintSlot    int // index of the token's minted / burned delta, or -1
	burnSlot    int
}

// transfers compiles a PSUB's transfers into a policy that computes every
// balance's change from the state before the PSUB, and the updates that
// apply them.
func (l *loader) transfers(pkey, psub string, specs []transferSpec) ([]gds.Block, []gds.Block, error) {
	if len(specs) == 0 {
		return nil, nil, nil
	}
	lg := l.ledger
	if lg == nil || len(lg.agents) == 0 {
		return nil, nil, l.errAt(pkey+".transfers", "", "transfers move tokens between agents: declare [tokens] and [agents.NAME] with wallets")
	}
	env := l.sharedEnv()
	var balances []gds.Float // the PSUB's touched balances, in first-touch order
	var slotNames []string
	slotOf := map[string]int{}
	slot := func(agent, token string) int {
		vn := lg.agents[agent].wallet[token]
		if k, ok := slotOf[vn]; ok {
			return k
		}
		slotOf[vn] = len(balances)
		balances = append(balances, lg.agents[agent].balance[token])
		slotNames = append(slotNames, vn)
		return len(balances) - 1
	}
	type mb struct {
		token string
		burn  bool
	}
	var mbList []mb
	mbSlot := map[mb]int{}
	var trs []*transfer
	checkAgent := func(key, who, token, role string) error {
		a, ok := lg.agents[who]
		if !ok {
			other := burnName
			if role == "from" {
				other = mintName
			}
			return l.errAt(key, "", "transfer %s unknown agent %q%s (agents: %s, or %q)", role, who, didYouMean(who, lg.agentList), strings.Join(lg.agentList, ", "), other)
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
		tr := &transfer{name: sp.Name, token: sp.Token, from: sp.From, fromSlot: -1, mintSlot: -1, burnSlot: -1}
		if sp.From != mintName {
			if err := checkAgent(key+".from", sp.From, sp.Token, "from"); err != nil {
				return nil, nil, err
			}
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
		switch to := sp.To.(type) {
		case string:
			tr.payees = []string{to}
		case map[string]any:
			for _, p := range l.ordered(key+".to", to) {
				src, ok := to[p].(string)
				if !ok {
					if f, err := gds.Convert(to[p], gds.KindFloat); err == nil {
						src = strconv.FormatFloat(f.(float64), 'g', -1, 64)
					} else {
						return nil, nil, l.errAt(key+".to."+p, "", "a share is a number or an expression string")
					}
				}
				x, err := l.compile(env, key+".to."+p, src)
				if err != nil {
					return nil, nil, err
				}
				if x.Kind != gds.KindFloat && x.Kind != gds.KindInt {
					return nil, nil, l.errAt(key+".to."+p, src, "%s: a share is a number, the expression is %s", strconv.Quote(src), x.Kind)
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
		for _, p := range tr.payees {
			pkey := key + ".to"
			if len(tr.shares) > 0 {
				pkey += "." + p
			}
			if p == sp.From {
				return nil, nil, l.errAt(pkey, "", "agent %q pays itself", p)
			}
			if p == burnName {
				if len(tr.payees) > 1 {
					return nil, nil, l.errAt(pkey, "", "%q cannot be one of several payees; burn in a transfer of its own", burnName)
				}
				if sp.From == mintName {
					return nil, nil, l.errAt(pkey, "", "a transfer from %q to %q moves nothing", mintName, burnName)
				}
				continue
			}
			if err := checkAgent(pkey, p, sp.Token, "to"); err != nil {
				return nil, nil, err
			}
		}
		if strings.TrimSpace(sp.Amount) == "" {
			return nil, nil, l.errAt(key, "", "a transfer needs amount = \"expression\"")
		}
		x, err := l.compile(env, key+".amount", sp.Amount)
		if err != nil {
			return nil, nil, err
		}
		if x.Kind != gds.KindFloat && x.Kind != gds.KindInt {
			return nil, nil, l.errAt(key+".amount", sp.Amount, "%s: an amount is a number, the expression is %s", strconv.Quote(sp.Amount), x.Kind)
		}
		tr.amount = x
		if tr.name == "" {
			tr.name = fmt.Sprintf("%s %s → %s", sp.Token, sp.From, strings.Join(tr.payees, ", "))
		}
		trs = append(trs, tr)
	}
	// slots, in transfer order
	for _, tr := range trs {
		if tr.from != mintName {
			tr.fromSlot = slot(tr.from, tr.token)
		}
		for _, p := range tr.payees {
			if p == burnName {
				tr.toSlots = append(tr.toSlots, -1)
			} else {
				tr.toSlots = append(tr.toSlots, slot(p, tr.token))
			}
		}
	}
	nb := len(balances)
	for _, tr := range trs {
		for _, m := range []mb{{tr.token, false}, {tr.token, true}} {
			if (m.burn && tr.toSlots[0] == -1) || (!m.burn && tr.fromSlot == -1) {
				if _, ok := mbSlot[m]; !ok {
					mbSlot[m] = nb + len(mbList)
					mbList = append(mbList, m)
				}
				if m.burn {
					tr.burnSlot = mbSlot[m]
				} else {
					tr.mintSlot = mbSlot[m]
				}
			}
		}
	}
	// Transfers are state updates: they read the state before the PSUB,
	// the parameters and the PSUB's signals. Whichever of the PSUB's
	// ledger updates runs first computes every result into the engine's
	// scratch buffer, stamped with the PSUB's Ctx.Pass; the others read
	// it. It holds [pass, then [0, nb): every touched balance after the
	// PSUB's transfers, paid in order from the balances before it (written
	// as they are, so a balance paid out in full is exactly 0), then the
	// tokens minted and burned].
	work := l.b.Scratch()
	const stamp = 1
	compute := func(c *gds.Ctx) []float64 {
		p := work.Buf(c)
		if buf := *p; len(buf) > 0 && buf[0] == float64(c.Pass()) {
			return buf[stamp:]
		}
		buf := append((*p)[:0], float64(c.Pass()))
		for _, b := range balances {
			buf = append(buf, b.Get(c))
		}
		for range len(mbList) {
			buf = append(buf, 0)
		}
		*p = buf
		r := buf[stamp:]
		for _, tr := range trs {
			a := tr.amount.Float(c)
			if math.IsNaN(a) || math.IsInf(a, 0) || a < 0 {
				panic(fmt.Errorf("transfer %q at timestep %d: amount %v of %s: want a finite number >= 0", tr.name, c.T, a, tr.token))
			}
			if tr.fromSlot >= 0 {
				have := r[tr.fromSlot]
				if math.Abs(a-have) <= 1e-12*have {
					a = have // an amount within round-off of the balance pays it all: no dust, no overdraft
				}
				if a > have {
					if !tr.clamp {
						panic(fmt.Errorf("transfer %q at timestep %d: agent %q holds %v %s and cannot pay %v (overdraft = \"clamp\" pays what it holds)", tr.name, c.T, tr.from, have, tr.token, a))
					}
					a = have
				}
				r[tr.fromSlot] = have - a
			} else {
				r[tr.mintSlot] += a
			}
			if tr.toSlots[0] == -1 {
				r[tr.burnSlot] += a
				continue
			}
			if len(tr.shares) == 0 {
				r[tr.toSlots[0]] += a
				continue
			}
			total := 0.0
			for k, s := range tr.shares {
				w := s.Float(c)
				if math.IsNaN(w) || math.IsInf(w, 0) || w < 0 {
					panic(fmt.Errorf("transfer %q at timestep %d: the share of %q is %v: want a finite number >= 0", tr.name, c.T, tr.payees[k], w))
				}
				total += w
			}
			if !(total > 0) {
				if a == 0 {
					continue
				}
				panic(fmt.Errorf("transfer %q at timestep %d: the shares of %s sum to 0; nobody to pay %v %s to", tr.name, c.T, strings.Join(tr.payees, ", "), a, tr.token))
			}
			left := a
			for k, s := range tr.shares {
				part := left // the last payee takes what rounding left: nothing is created or lost
				if k < len(tr.shares)-1 {
					part = min(a*(s.Float(c)/total), left)
				}
				left -= part
				r[tr.toSlots[k]] += part
			}
		}
		return r
	}
	var ups []gds.Block
	for k, b := range balances {
		ups = append(ups, b.Update(func(c *gds.Ctx) float64 { return compute(c)[k] }).Named(slotNames[k]))
	}
	supplyDelta := map[string][2]int{} // token -> minted, burned slot (-1: none)
	for _, m := range mbList {
		d, ok := supplyDelta[m.token]
		if !ok {
			d = [2]int{-1, -1}
		}
		if m.burn {
			d[1] = mbSlot[m]
		} else {
			d[0] = mbSlot[m]
		}
		supplyDelta[m.token] = d
	}
	for _, tk := range lg.tokens {
		d, ok := supplyDelta[tk]
		if !ok {
			continue
		}
		tl := lg.mintBurn[tk]
		read := func(c *gds.Ctx, k int) float64 {
			if k < 0 {
				return 0
			}
			return compute(c)[k]
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
		// Σ balances before the PSUB + minted − burned: the balances after it
		ups = append(ups, tl.supply.Update(func(c *gds.Ctx) float64 {
			s := 0.0
			for _, h := range holders {
				s += h.Get(c)
			}
			return s + read(c, d[0]) - read(c, d[1])
		}))
	}
	return nil, ups, nil
}
