// Package datadao is the grassroots data DAO of the seed
// shared/seeds/grassroots-datadao-README.md as a Go model: members of five
// types (degen, organization, power, active, casual users) join in waves
// that keep the seed's shares, each minting dataDAO tokens (dDT); degens
// open and deepen a dDT/xDAI constant-product pool with a 0.3% LP fee;
// organizations buy dDT for compute, casual users spend part of their dDT
// on compute and sell the rest, power users spend what The Pie pays them;
// all compute spending flows into The Pie, which pays out 70% of its dDT
// every step, 40/40/20 to power, active and casual users, and keeps 30%.
//
// Every number the seed gives is a parameter whose doc string quotes it;
// every choice the seed leaves open is documented in
// docs/models/datadao.md with the sentence it rests on.
package datadao

import (
	"fmt"

	"github.com/statecraft/statecraft/blocks/agent"
	"github.com/statecraft/statecraft/blocks/amm"
	"github.com/statecraft/statecraft/blocks/ledger"
	"github.com/statecraft/statecraft/gds"
)

// Name is the model's registered name.
const Name = "datadao"

// The agent types, in the order of the seed's "Agent Distribution"; the
// index of a type in every per-type list of the model.
const (
	Degen        = iota // data contributors after quick returns: provide liquidity, sell the rest
	Organization        // buyers of compute: 2 dDT a day
	Power               // contributors and heavy users: spend their Pie share on services
	Active              // contributors who sell their Pie share
	Casual              // occasional users: spend 0.1 dDT a day, sell 0.9, sell their Pie share
	NumTypes            // the number of agent types
)

var typeNames = [NumTypes]string{"degen", "organization", "power", "active", "casual"}

// TypeName returns the name of agent type k ("degen", "organization",
// "power", "active", "casual"), as in the agents' type field and the n_
// count columns.
func TypeName(k int) string { return typeNames[k] }

// Wallet is a member's agent record: its type and holdings. The exported
// fields are the fields of the agents column.
type Wallet struct {
	ID       int64   `gds:"id"`       // 1, 2, ... in order of entry
	Type     string  `gds:"type"`     // the type's name (TypeName)
	Joined   int64   `gds:"joined"`   // the timestep the member joined
	DDT      float64 `gds:"ddt"`      // dDT held
	XDAI     float64 `gds:"xdai"`     // xDAI held
	LP       float64 `gds:"lp"`       // LP shares of the pool held
	Credits  float64 `gds:"credits"`  // dDT from The Pie a power user keeps for services
	Received float64 `gds:"received"` // dDT received from The Pie, cumulative
	Spent    float64 `gds:"spent"`    // dDT spent on compute, cumulative

	kind int8 // type index + 1; 0: not yet resolved from Type
}

// typ returns the wallet's type index, or -1 for an unknown type (a
// record given by a config with a type the model does not know: it holds
// and does nothing).
func (w *Wallet) typ() int {
	if w.kind > 0 {
		return int(w.kind) - 1
	}
	for k, n := range typeNames {
		if w.Type == n {
			return k
		}
	}
	return -1
}

// move is what one member does in one PSUB: additive changes of its
// holdings. Policies emit moves; the agents update applies them.
type move struct {
	i                                       int32
	ddt, xdai, lp, credits, received, spent float64
}

func lastPool(_, v amm.Pool) amm.Pool { return v }

// New builds the model.
func New() (*gds.Model, error) {
	b := gds.NewBuilder(Name)

	// ---- state: the aggregate columns first, the agent records last.
	price := b.Float("price", 0, gds.Doc("dDT price in xDAI: reserve_xdai/reserve_ddt (0 while the pool is empty)"))
	resD := b.Float("reserve_ddt", 0, gds.Doc("dDT in the pool"))
	resX := b.Float("reserve_xdai", 0, gds.Doc("xDAI in the pool"))
	lpSupply := b.Float("lp_supply", 0, gds.Doc("LP shares outstanding"))
	pie := b.Float("pie", 0, gds.Doc("dDT in The Pie"))
	supply := b.Float("supply", 0, gds.Doc("dDT minted: held by members, pooled or in The Pie"))
	spent := b.Float("spent", 0, gds.Doc("dDT spent on compute, cumulative"))
	paid := b.Float("distributed", 0, gds.Doc("dDT paid out by The Pie, cumulative"))
	var counts [NumTypes]gds.Int
	for k := range counts {
		counts[k] = b.Int("n_"+typeNames[k], 0, gds.Doc(typeNames[k]+" members"))
	}
	nAgents := b.Int("n_agents", 0, gds.Doc("members"))
	agents := gds.AgentsOf(b, "agents", []Wallet(nil), gds.Doc("one wallet per member"))

	// ---- parameters, each quoting the seed (or saying it is silent).
	fee := b.ParamFloat("fee", 0.003, `LP fee rate; seed: "FEE_RATE ... (default: 0.003)"`)
	initial := b.ParamInt("initial_agents", 20, "members joining at timestep 1; seed silent: the smallest population with every type at its exact share")
	every := b.ParamInt("entry_every", 5, `a wave of new members every this many steps; seed: "ENTRY_STEPS ... (default: every 5 steps)"`)
	perWave := b.ParamInt("agents_per_entry", 10, `members per wave; seed: "AGENTS_PER_ENTRY ... (default: 10)"`)
	seedShares := [NumTypes]float64{0.40, 0.05, 0.05, 0.30, 0.20}
	shareQuote := [NumTypes]string{"Degen Users (40%)", "Organizations (5%)", "Power Users (5%)", "Active Users (30%)", "Casual Users (20%)"}
	var shares [NumTypes]gds.FloatParam
	for k := range shares {
		shares[k] = b.ParamFloat("share_"+typeNames[k], seedShares[k], fmt.Sprintf("share of %s members; seed: %q", typeNames[k], shareQuote[k]))
	}
	seedDDT := [NumTypes]float64{100, 0, 100, 100, 100}
	seedXDAI := [NumTypes]float64{10, 1000, 100, 0, 0}
	distQuote := [NumTypes]string{"Degen Users: 40% (Initial DDT: 100, Initial xDAI: 10)", "Organizations: 5% (Initial xDAI: 1000)",
		"Power Users: 5% (Initial DDT: 100, Initial xDAI: 100)", "Active Users: 30% (Initial DDT: 100)", "Casual Users: 20% (Initial DDT: 100)"}
	var ddt0, xdai0 [NumTypes]gds.FloatParam
	for k := range ddt0 {
		ddt0[k] = b.ParamFloat("ddt_"+typeNames[k], seedDDT[k], fmt.Sprintf("dDT a new %s member mints; seed: %q", typeNames[k], distQuote[k]))
		xdai0[k] = b.ParamFloat("xdai_"+typeNames[k], seedXDAI[k], fmt.Sprintf("xDAI a new %s member brings; seed: %q", typeNames[k], distQuote[k]))
	}
	lpDDT := b.ParamFloat("lp_ddt", 10, `dDT a new degen offers the pool; seed: "initially provide liquidity (10 dDT, 10 xDAI)"`)
	lpXDAI := b.ParamFloat("lp_xdai", 10, `xDAI a new degen offers the pool; seed: "initially provide liquidity (10 dDT, 10 xDAI)"`)
	orgBuy := b.ParamFloat("org_buy", 2, `dDT an organization buys and spends on compute per step; seed: "purchase 2 dDT daily for compute services"`)
	casualSpend := b.ParamFloat("casual_spend", 0.1, `dDT a casual user spends on compute per step; seed: "spend 0.1 dDT daily"`)
	casualSell := b.ParamFloat("casual_sell", 0.9, `dDT a casual user sells per step; seed: "immediately sell the remaining 0.9 dDT"`)
	powerUse := b.ParamFloat("power_use", 1, `share of its kept Pie dDT a power user spends on services per step; seed: "keep it for service usage" (rate not given)`)
	pieOut := b.ParamFloat("pie_out", 0.7, `share of The Pie paid out every step; seed: "70% of The Pie's accumulated dDT is distributed"`)
	piePower := b.ParamFloat("pie_power", 0.4, `weight of power users in the payout; seed: "40% to Power Users"`)
	pieActive := b.ParamFloat("pie_active", 0.4, `weight of active users in the payout; seed: "40% to Active Users"`)
	pieCasual := b.ParamFloat("pie_casual", 0.2, `weight of casual users in the payout; seed: "20% to Casual Users"`)
	shuffle := b.ParamBool("shuffle", true, "members act in a random order each step (seed silent); false: in order of entry")
	genD := b.ParamFloat("genesis_ddt", 0, "dDT minted into the pool at timestep 1, before the degens' deposits (seed silent: 0, the degens open the pool)")
	genX := b.ParamFloat("genesis_xdai", 0, "xDAI put into the pool with genesis_ddt at timestep 1 (seed silent: 0)")

	zero, one, maxFee := 0.0, 1.0, 0.99
	for _, n := range []string{"initial_agents", "entry_every", "agents_per_entry", "lp_ddt", "lp_xdai", "org_buy", "casual_spend", "casual_sell", "pie_power", "pie_active", "pie_casual", "genesis_ddt", "genesis_xdai"} {
		b.ParamBounds(n, &zero, nil)
	}
	for k := range NumTypes {
		b.ParamBounds("share_"+typeNames[k], &zero, nil)
		b.ParamBounds("ddt_"+typeNames[k], &zero, nil)
		b.ParamBounds("xdai_"+typeNames[k], &zero, nil)
	}
	// A population beyond what an engine holds fails before the run, at
	// the key, rather than in its first PSUB.
	maxAgents := float64(gds.DefaultMaxAgents)
	b.ParamBounds("initial_agents", &zero, &maxAgents)
	b.ParamBounds("agents_per_entry", &zero, &maxAgents)
	b.ParamBounds("fee", &zero, &maxFee)
	b.ParamBounds("power_use", &zero, &one)
	b.ParamBounds("pie_out", &zero, &one)

	// ---- signals.
	joins := gds.ListOf[Wallet](b, "joins")    // new members' wallets
	minted := b.FloatSignal("minted", gds.Sum) // dDT minted by new members
	moves := gds.ListOf[move](b, "moves")      // members' changes of holdings
	pool := gds.SignalOf(b, "pool", lastPool)  // the pool after a PSUB's trades
	toPie := b.FloatSignal("to_pie", gds.Sum)  // dDT into The Pie (> 0) or paid out (< 0)
	perm := b.Scratch()                        // the order in which members act
	contrib := b.Scratch()                     // by member: what it pays into or receives from The Pie

	poolOf := func(c *gds.Ctx) amm.Pool {
		return amm.Pool{X: resD.Get(c), Y: resX.Get(c), Shares: lpSupply.Get(c), Fee: fee.Get(c)}
	}
	// The updates every market PSUB repeats: apply the moves, take the
	// pool's new reserves and price.
	applyMoves := func() gds.Block {
		return agents.Update(func(c *gds.Ctx, dst []Wallet) []Wallet {
			cur, mv := agents.Get(c), moves.Get(c)
			if len(mv) == 0 {
				return cur
			}
			dst = append(dst, cur...)
			for _, m := range mv {
				w := &dst[m.i]
				w.DDT = apply(w.DDT, m.ddt)
				w.XDAI = apply(w.XDAI, m.xdai)
				w.LP += m.lp
				w.Credits += m.credits
				w.Received += m.received
				w.Spent += m.spent
			}
			return dst
		})
	}
	poolUpdates := func() []gds.Block {
		return []gds.Block{
			resD.Update(func(c *gds.Ctx) float64 { return pool.Get(c).X }),
			resX.Update(func(c *gds.Ctx) float64 { return pool.Get(c).Y }),
			price.Update(func(c *gds.Ctx) float64 { return pool.Get(c).SpotPrice() }),
		}
	}

	// PSUB 1: new members join with their initial balances, minting dDT.
	b.PSUB("entry",
		gds.Policy("entry", func(c *gds.Ctx) {
			s := agent.Schedule{Initial: int(initial.Get(c)), Every: int(every.Get(c)), Count: int(perWave.Get(c))}
			var w, d, x [NumTypes]float64
			for k := range NumTypes {
				w[k], d[k], x[k] = shares[k].Get(c), ddt0[k].Get(c), xdai0[k].Get(c)
			}
			n := s.Entering(c.T)
			if n == 0 {
				return
			}
			if err := agent.ValidWeights(w[:]); err != nil {
				panic(fmt.Errorf("datadao: the share_ parameters: %w", err))
			}
			cur := agents.Get(c)
			var have [NumTypes]int
			for i := range cur {
				if k := cur[i].typ(); k >= 0 {
					have[k]++
				}
			}
			id := int64(len(cur))
			for range n {
				k := agent.Next(w[:], have[:])
				have[k]++
				id++
				wl := Wallet{ID: id, Type: typeNames[k], Joined: int64(c.T), DDT: d[k], XDAI: x[k], kind: int8(k + 1)}
				joins.Emit(c, wl)
				minted.Emit(c, wl.DDT)
			}
		}).Emits(joins, minted),
		agents.Update(func(c *gds.Ctx, dst []Wallet) []Wallet {
			cur, j := agents.Get(c), joins.Get(c)
			if len(j) == 0 {
				return cur
			}
			return append(append(dst, cur...), j...)
		}),
		counts[Degen].Update(countJoins(counts[Degen], joins, Degen)),
		counts[Organization].Update(countJoins(counts[Organization], joins, Organization)),
		counts[Power].Update(countJoins(counts[Power], joins, Power)),
		counts[Active].Update(countJoins(counts[Active], joins, Active)),
		counts[Casual].Update(countJoins(counts[Casual], joins, Casual)),
		nAgents.Update(func(c *gds.Ctx) int64 { return nAgents.Get(c) + int64(len(joins.Get(c))) }),
		supply.Update(func(c *gds.Ctx) float64 { return supply.Get(c) + minted.Get(c) }),
	)

	// PSUB 2: at timestep 1 the genesis liquidity, if any, opens the pool
	// (its LP shares belong to no member); then the degens who joined this
	// step provide liquidity, in order of entry: the largest deposit at the
	// pool's ratio within (lp_ddt, lp_xdai). The first deposit into an
	// empty pool opens it at its own ratio.
	b.PSUB("provide", append([]gds.Block{
		gds.Policy("provide", func(c *gds.Ctx) {
			p, dMax, xMax := poolOf(c), lpDDT.Get(c), lpXDAI.Get(c)
			gd, gx := genD.Get(c), genX.Get(c)
			if c.T == 1 && p.Empty() && gd > 0 && gx > 0 {
				q, _, err := p.AddLiquidity(gd, gx)
				if err != nil {
					panic(fmt.Errorf("datadao: genesis liquidity: %w", err))
				}
				p = q
				minted.Emit(c, gd)
			}
			ws := agents.Get(c)
			first := len(ws)
			for first > 0 && ws[first-1].Joined == int64(c.T) {
				first--
			}
			for i := first; i < len(ws); i++ {
				w := &ws[i]
				dx, dy := min(dMax, w.DDT), min(xMax, w.XDAI)
				if w.typ() != Degen || !(dx > 0 && dy > 0) {
					continue
				}
				q, dep, err := p.AddLiquidity(dx, dy)
				if err != nil {
					continue // a deposit too small for the pool's ratio: the degen keeps its tokens
				}
				p = q
				moves.Emit(c, move{i: int32(i), ddt: -dep.X, xdai: -dep.Y, lp: dep.Shares})
			}
			pool.Emit(c, p)
		}).Emits(moves, pool, minted),
		applyMoves(),
		lpSupply.Update(func(c *gds.Ctx) float64 { return pool.Get(c).Shares }),
		supply.Update(func(c *gds.Ctx) float64 { return supply.Get(c) + minted.Get(c) }),
	}, poolUpdates()...)...)

	// PSUB 3: compute spending and the day's trades, each member in turn.
	b.PSUB("spend", append([]gds.Block{
		gds.Policy("spend", func(c *gds.Ctx) {
			p := poolOf(c)
			buy, cSpend, cSell, use := orgBuy.Get(c), casualSpend.Get(c), casualSell.Get(c), powerUse.Get(c)
			ws := agents.Get(c)
			// what each member spends on compute, added up in member order
			// when all have acted (the order of The Pie's ledger)
			into := contrib.Buf(c)
			*into = (*into)[:0]
			for range ws {
				*into = append(*into, 0)
			}
			for _, f := range order(c, perm, len(ws), shuffle.Get(c)) {
				i := int(f)
				w := &ws[i]
				m := move{i: int32(i)}
				switch w.typ() {
				case Degen: // sell what was not pooled, once, on joining
					if w.Joined == int64(c.T) && w.DDT > 0 {
						if q, out, err := p.SwapXForY(w.DDT); err == nil {
							p, m.ddt, m.xdai = q, -w.DDT, out
						}
					}
				case Organization: // buy org_buy dDT and spend it on compute
					if !(buy > 0 && w.XDAI > 0) {
						break
					}
					var got, cost float64
					if q, in, err := p.SwapYForExactX(buy); err == nil && in <= w.XDAI {
						p, got, cost = q, buy, in
					} else if err == nil { // cannot afford it all: spend the last xDAI
						if q, out, err := p.SwapYForX(w.XDAI); err == nil {
							p, got, cost = q, out, w.XDAI
						}
					}
					m.xdai, m.spent = -cost, got
					(*into)[i] = got
				case Power: // spend the kept Pie dDT on services
					if s := min(float64(w.Credits*use), w.DDT); s > 0 {
						m.ddt, m.credits, m.spent = -s, -s, s
						(*into)[i] = s
					}
				case Casual: // spend casual_spend, sell casual_sell
					s := min(cSpend, w.DDT)
					sell := min(cSell, w.DDT-s)
					if sell > 0 {
						if q, out, err := p.SwapXForY(sell); err == nil {
							p, m.xdai = q, out
						} else {
							sell = 0 // no pool to sell into: keep it
						}
					}
					if s > 0 || sell > 0 { // the sale is paid first, then the spending
						moves.Emit(c, move{i: int32(i), ddt: -sell, xdai: m.xdai})
						m.ddt, m.xdai, m.spent = -s, 0, s
						(*into)[i] = s
					}
				}
				if m != (move{i: m.i}) {
					moves.Emit(c, m)
				}
			}
			pool.Emit(c, p)
			total := 0.0
			for _, v := range *into {
				total += v
			}
			toPie.Emit(c, total)
		}).Emits(moves, pool, toPie),
		applyMoves(),
		pie.Update(func(c *gds.Ctx) float64 { return pie.Get(c) + toPie.Get(c) }),
		spent.Update(func(c *gds.Ctx) float64 { return spent.Get(c) + toPie.Get(c) }),
	}, poolUpdates()...)...)

	// PSUB 4: The Pie pays out pie_out of its dDT, split by the pie_
	// weights among the types that have members and equally within a type;
	// power users keep theirs for services, active and casual users sell
	// theirs at once, each in turn.
	b.PSUB("distribute", append([]gds.Block{
		gds.Policy("distribute", func(c *gds.Ctx) {
			total, out := pie.Get(c), pieOut.Get(c)
			var split [NumTypes]float64
			split[Power], split[Active], split[Casual] = piePower.Get(c), pieActive.Get(c), pieCasual.Get(c)
			p := poolOf(c)
			ws := agents.Get(c)
			var n [NumTypes]int
			for i := range ws {
				if k := ws[i].typ(); k >= 0 {
					n[k]++
				}
			}
			weight := 0.0
			for k := range NumTypes {
				weight += split[k]
			}
			var per [NumTypes]float64
			for k := range NumTypes {
				if n[k] > 0 && weight > 0 && total > 0 {
					per[k] = float64(total*out) * (split[k] / weight) / float64(n[k])
				}
			}
			paid := contrib.Buf(c) // by member, added up in member order
			*paid = (*paid)[:0]
			for range ws {
				*paid = append(*paid, 0)
			}
			for _, f := range order(c, perm, len(ws), shuffle.Get(c)) {
				i := int(f)
				k := ws[i].typ()
				if k < 0 || !(per[k] > 0) {
					continue
				}
				a := per[k]
				m := move{i: int32(i), ddt: a, received: a}
				if k == Power {
					m.credits = a
				}
				moves.Emit(c, m)
				if k != Power {
					if q, got, err := p.SwapXForY(a); err == nil { // sold at once: paid in, then out
						p = q
						moves.Emit(c, move{i: int32(i), ddt: -a, xdai: got})
					}
				}
				(*paid)[i] = a
			}
			paidOut := 0.0
			for _, v := range *paid {
				paidOut += v
			}
			pool.Emit(c, p)
			toPie.Emit(c, -paidOut)
		}).Emits(moves, pool, toPie),
		applyMoves(),
		pie.Update(func(c *gds.Ctx) float64 { return pie.Get(c) + toPie.Get(c) }),
		paid.Update(func(c *gds.Ctx) float64 { return paid.Get(c) - toPie.Get(c) }),
	}, poolUpdates()...)...)

	return b.Build()
}

// apply changes a holding by d: a credit adds it, a debit is paid out of
// the holding by ledger.Pay (so an amount within round-off of the holding
// empties it exactly, as the model file's transfers do).
func apply(holding, d float64) float64 {
	if d >= 0 {
		return holding + d
	}
	_, left, err := ledger.Pay(holding, -d, false)
	if err != nil {
		panic(fmt.Errorf("datadao: a member pays %v: %w", -d, err))
	}
	return left
}

// countJoins returns the update function of the count of type k: its
// previous value plus the new members of that type.
func countJoins(n gds.Int, joins gds.List[Wallet], k int) func(*gds.Ctx) int64 {
	return func(c *gds.Ctx) int64 {
		v := n.Get(c)
		for _, w := range joins.Get(c) {
			if w.kind == int8(k+1) {
				v++
			}
		}
		return v
	}
}

// order returns the indexes 0..n-1 (as float64s, in the engine's scratch
// buffer) in the order members act: shuffled from the job's random
// stream (Fisher-Yates) if shuffle, else in order of entry.
func order(c *gds.Ctx, s gds.Scratch, n int, shuffle bool) []float64 {
	p := s.Buf(c)
	b := (*p)[:0]
	for i := range n {
		b = append(b, float64(i))
	}
	if shuffle {
		for i := n - 1; i > 0; i-- {
			j := c.Rand.IntN(i + 1)
			b[i], b[j] = b[j], b[i]
		}
	}
	*p = b
	return b
}
