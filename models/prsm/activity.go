package prsm

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/statecraft/statecraft/gds"
)

// Fields of a doer's plan of a step (pass 1 of act).
const (
	planUploads = iota // honest contributions to submit
	planFlood          // low-quality uploads (data oversupply)
	planQueries        // queries to send
	planSell           // 1: sell part of the balance
	planFields
	planRec = 1 + planFields // a doer's plan: its index, then planFields numbers
)

// act is the activity policy: every agent active today may contribute,
// query, validate or sell during the step, unless transactions are
// halted. It emits a record of what changed for each agent it changed
// (agent_deltas), and the step's aggregate flows. Only the agents active
// today are visited, and only those that change get a record: the cost of
// a step follows the agents that act, and the update (an Edit) copies
// only the records that change.
//
// Pass 1 draws what each agent attempts: Poisson counts of contributions
// and queries with the type's daily rate spread over the day's steps, a
// sale about once per active day, and the validators on duty. Validators
// review each contribution with probability min(1, capacity/submissions);
// a reviewed contribution below min_quality is rejected, every other one is
// accepted. Pass 2 carries it out in agent order: accepted contributions
// update the author's recent value and quality and thus its tier, and earn
// value × the tier's multiplier from the pool; queries are paid in FTNS at
// the current price (buying from the market when short) and the fee is
// split between a model creator, a data contributor, a burn and the pool;
// sales go to the market. Validators share validation_reward per review
// done.
func (m *model) act(c *gds.Ctx) {
	p := &m.p
	k := m.clock(c)
	agents := m.agents.Get(c)
	n := len(agents)
	price := m.price.Get(c)
	halted, limited := m.halted.Get(c), m.limited.Get(c)
	pool0, exch0 := m.pool.Get(c), m.exchange.Get(c)
	reg := m.regimes(c, k.day)
	s := step{c: c, agents: agents, pool: pool0, exch: exch0, price: price, reg: reg}
	copy(s.ti.values[:], p.tierValues.Get(c))
	copy(s.ti.qualities[:], p.tierQualities.Get(c))
	copy(s.ti.multipliers[:], p.tierMultipliers.Get(c))
	s.minQuality, s.valReward = p.minQuality.Get(c), p.validationReward.Get(c)
	s.feeUSD, s.topupUSD = p.queryFeeUSD.Get(c), p.topupUSD.Get(c)
	copy(s.split[:], p.feeSplit.Get(c))
	s.sellFrac, s.computeCost = p.sellFraction.Get(c), p.computeCost.Get(c)
	limitFactor, shortageCap, floodRate := p.limitFactor.Get(c), p.shortageCapacity.Get(c), p.floodIntensity.Get(c)
	s.shortageCap = shortageCap

	// The records of the agents the step changes, created at the first
	// change: pos[i] is 1 + the offset of agent i's record in w, or 0.
	pb := m.pos.Buf(c)
	if len(*pb) != n {
		*pb = grow(*pb, n)
		clear(*pb)
	}
	s.pos = *pb
	wb := m.work.Buf(c)
	s.w = append((*wb)[:0], 0) // the number of records, set at the end
	defer func() {
		for r := 1; r < 1+s.nrec*recFields; r += recFields { // even after a panic
			s.pos[int(s.w[r])] = 0
		}
		*wb = s.w
	}()
	emit := func() {
		m.deltas.Emit(c, s.w)
		m.poolFlow.Emit(c, s.pool-pool0)
		m.exchangeFlow.Emit(c, s.exch-exch0)
		m.feeBurn.Emit(c, s.burn)
		m.stepVolume.Emit(c, s.volume)
		m.stepSubmitted.Emit(c, s.submitted)
		m.stepAccepted.Emit(c, s.accepted)
		m.stepRejected.Emit(c, s.rejected)
		m.stepRevd.Emit(c, s.reviewed)
		m.stepQuality.Emit(c, s.qualitySum)
	}
	if halted || n == 0 {
		emit() // a halt stops every transaction
		return
	}
	s.throttle = 1.0
	if limited {
		s.throttle = limitFactor
	}
	perStep := k.stepDays * s.throttle
	active, runs := m.daily(c, k, agents)
	s.models, s.datas = *m.models.Buf(c), *m.datas.Buf(c)
	validators := *m.validators.Buf(c)

	// Pass 1: what each active agent attempts, in index order; validators'
	// capacity. The agents that will do something are the doers, with
	// their plans.
	plb := m.plan.Buf(c)
	plan := (*plb)[:0]
	var capacity, planned float64
	var onDuty int
	var rates, expRates [NumKinds]float64 // actions per step, and e^−rate
	for kind, bh := range behaviours {
		rates[kind] = bh.perDay * perStep
		expRates[kind] = math.Exp(-rates[kind])
	}
	flood := floodRate * perStep
	if reg&regFlood == 0 {
		flood = 0 // no flood uploads, and no draws for them
	}
	expFlood := math.Exp(-flood)
	rng := c.PCG
	for r := 0; r+2 < len(runs); r += 3 { // runs of agents of one kind, in order
		kind, seg := int(runs[r]), active[int(runs[r+1]):int(runs[r+2])]
		rate, expRate := rates[kind], expRates[kind]
		switch kind {
		case DataContributor, Freeloader:
			plan, planned = planUploaders(rng, plan, planned, seg, rate, expRate, flood, expFlood, perStep)
		case ModelCreator:
			plan, planned = planModelCreators(rng, plan, planned, seg, rate, expRate, shortageCap, reg&regShortage != 0, perStep)
		case QueryUser:
			plan = planQueryUsers(rng, plan, seg, rate, expRate)
		case Validator:
			for range seg {
				capacity += rate
			}
			onDuty += len(seg)
			plan = planValidators(rng, plan, agents, seg, perStep)
		}
	}
	*plb = plan
	s.reviewProb = 1.0
	if planned > capacity {
		s.reviewProb = capacity / planned
	}

	// Pass 2: the doers carry out their plans, in index order.
	for r := 0; r < len(plan); r += planRec {
		s.carryOut(int(plan[r]), plan[r+1:r+planRec])
	}

	// Validators on duty share the review rewards: those with a record
	// get theirs in it, the others are listed after the records, with the
	// reward (the layout of agent_deltas is in prsm.go).
	s.w[0] = float64(s.nrec)
	if onDuty > 0 && s.reviewed > 0 {
		each := min(float64(s.reviewed)*s.valReward, s.pool) / float64(onDuty)
		s.w = append(s.w, each)
		for _, x := range validators {
			if o := int(s.pos[int(x)]); o > 0 {
				d := s.w[o : o+fieldsPerAgent]
				d[fCredit] += each
				d[fVolume] += each
				d[fEarned] += each
			} else {
				s.w = append(s.w, x)
			}
			s.pool -= each
			s.volume += each
		}
	}
	emit()
}

// The plans of pass 1, one function per kind so that each loop keeps its
// few variables in registers. Each appends to plan the doers of seg (the
// indices of active agents of the kind, in order) with what they attempt,
// drawing in the order of the agents and, for each, in the order of its
// actions; planned counts the contributions to review.

// planUploaders plans data contributors' and freeloaders' uploads, the
// flood's low-quality uploads (flood is 0 outside the flood) and sales.
func planUploaders(rng *rand.PCG, plan []float64, planned float64, seg []float64, rate, expRate, flood, expFlood, perStep float64) ([]float64, float64) {
	for _, x := range seg {
		uploads := float64(poisson(rng, rate, expRate))
		floods := 0.0
		if flood > 0 {
			floods = float64(poisson(rng, flood, expFlood))
		}
		sell := 0.0
		if float64(rng.Uint64()&mask53)*unit53 < perStep {
			sell = 1
		}
		planned += uploads + floods
		if uploads > 0 || floods > 0 || sell > 0 {
			plan = append(plan, x, uploads, floods, 0, sell)
		}
	}
	return plan, planned
}

// planModelCreators plans model creators' models (in a shortage, each
// model gets compute with probability shortageCap) and sales.
func planModelCreators(rng *rand.PCG, plan []float64, planned float64, seg []float64, rate, expRate, shortageCap float64, shortage bool, perStep float64) ([]float64, float64) {
	for _, x := range seg {
		want := poisson(rng, rate, expRate)
		got := want
		if shortage {
			got = 0
			for j := 0; j < want; j++ {
				if float64(rng.Uint64()&mask53)*unit53 < shortageCap {
					got++
				}
			}
		}
		uploads := float64(got)
		sell := 0.0
		if float64(rng.Uint64()&mask53)*unit53 < perStep {
			sell = 1
		}
		planned += uploads + 0
		if uploads > 0 || sell > 0 {
			plan = append(plan, x, uploads, 0, 0, sell)
		}
	}
	return plan, planned
}

// planQueryUsers plans query users' queries.
func planQueryUsers(rng *rand.PCG, plan []float64, seg []float64, rate, expRate float64) []float64 {
	for _, x := range seg {
		if queries := float64(poisson(rng, rate, expRate)); queries > 0 {
			plan = append(plan, x, 0, 0, queries, 0)
		}
	}
	return plan
}

// planValidators plans validators' sales; a validator that has not acted
// today is a doer for being on duty.
func planValidators(rng *rand.PCG, plan []float64, agents []Agent, seg []float64, perStep float64) []float64 {
	for _, x := range seg {
		sell := 0.0
		if float64(rng.Uint64()&mask53)*unit53 < perStep {
			sell = 1
		}
		if sell > 0 || !agents[int(x)].ActedToday {
			plan = append(plan, x, 0, 0, 0, sell)
		}
	}
	return plan
}

// step is one step of the activity policy: its parameters, the flows and
// counts so far, and the records of the agents it changed.
type step struct {
	c      *gds.Ctx
	agents []Agent
	reg    int

	ti                                   tiers
	split                                [4]float64
	price, throttle, reviewProb          float64
	minQuality, valReward                float64
	feeUSD, topupUSD, sellFrac           float64
	computeCost, shortageCap             float64
	models, datas                        []float64 // fee recipients' indices
	pool, exch, burn, volume, qualitySum float64
	submitted, accepted, rejected        int64
	reviewed                             int64

	w    []float64 // the agent_deltas vector being built (its layout: prsm.go)
	nrec int       // the records in w
	pos  []float64 // by agent: 1 + its record's offset in w, or 0
}

// rec returns agent i's record, created as "nothing changed" on first use.
func (s *step) rec(i int) []float64 {
	if o := int(s.pos[i]); o > 0 {
		return s.w[o : o+fieldsPerAgent]
	}
	a := &s.agents[i]
	o := len(s.w)
	// the index, then the fields in the order of fBalance … fLastMult
	s.w = append(s.w, float64(i), a.Balance, 0, 0, a.Value30, a.Quality30, float64(a.Tier), 0, 0, 0, 0,
		a.LastValue, a.LastReward, a.LastMultiplier)
	s.pos[i] = float64(o + 1)
	s.nrec++
	return s.w[o+1 : o+recFields]
}

// credit adds amount received by agent j to its record.
func (s *step) credit(j int, amount float64) {
	d := s.rec(j)
	d[fCredit] += amount
	d[fVolume] += amount
}

// carryOut carries out agent i's plan: contributions, floods, queries and
// a sale, in that order.
func (s *step) carryOut(i int, pl []float64) {
	rng := s.c.Rand
	a := &s.agents[i]
	bal := a.Balance
	bh := &behaviours[a.Kind]
	acted := a.Kind == Validator // on duty
	var d []float64              // the agent's record, once it changes
	for j := 0; j < int(pl[planUploads]); j++ {
		if a.Kind == ModelCreator {
			if bal < s.computeCost {
				break // cannot pay for the compute
			}
			d = s.rec(i)
			bal -= s.computeCost
			s.pool += s.computeCost
			d[fVolume] += s.computeCost
			s.volume += s.computeCost
		}
		q := min(max(a.Skill+float64(qualityNoise*rng.NormFloat64()), 0), 1)
		bal = s.contribute(i, bal, q, uniform(rng, bh.value))
		acted = true
	}
	for j := 0; j < int(pl[planFlood]); j++ {
		q := uniform(rng, floodQuality)
		bal = s.contribute(i, bal, q, uniform(rng, bh.value))
		acted = true
	}
	for j := 0; j < int(pl[planQueries]); j++ {
		if s.reg&regShortage != 0 && rng.Float64() >= s.shortageCap {
			continue // no compute to serve it
		}
		fee := s.feeUSD / s.price
		if bal < fee {
			d = s.rec(i)
			buy := min(float64(s.topupUSD/s.price)*s.throttle, s.exch)
			s.exch -= buy
			bal += buy
			d[fVolume] += buy
			s.volume += buy
		}
		if bal < fee {
			continue
		}
		d = s.rec(i)
		bal -= fee
		d[fVolume] += fee
		s.volume += fee
		toModel, toData := float64(fee*s.split[0]), float64(fee*s.split[1]) // rounded: no fused multiply-add
		if len(s.models) > 0 {
			s.credit(int(s.models[rng.IntN(len(s.models))]), toModel)
		} else {
			s.pool += toModel
		}
		if len(s.datas) > 0 {
			s.credit(int(s.datas[rng.IntN(len(s.datas))]), toData)
		} else {
			s.pool += toData
		}
		toBurn := float64(fee * s.split[2])
		s.burn += toBurn
		s.pool += fee - toModel - toData - toBurn
		acted = true
	}
	if pl[planSell] > 0 && bal > 0 {
		d = s.rec(i)
		amount := float64(float64(bal*s.sellFrac) * s.throttle)
		bal -= amount
		s.exch += amount
		d[fVolume] += amount
		s.volume += amount
		acted = true
	}
	if acted && !a.ActedToday {
		s.rec(i)[fActed] = 1
	}
	if o := int(s.pos[i]); o > 0 {
		s.w[o+fBalance] = bal
	}
}

// contribute submits a contribution of quality q and the given value by
// agent i, whose balance is bal: validators review it with probability
// reviewProb and reject it below min_quality; an accepted one updates the
// agent's recent value, quality and tier and earns its reward from the
// pool. It returns the agent's balance after the reward.
func (s *step) contribute(i int, bal, q, value float64) float64 {
	d := s.rec(i)
	s.submitted++
	d[fSubmitted]++
	if float64(s.c.PCG.Uint64()&mask53)*unit53 < s.reviewProb {
		s.reviewed++
		if q < s.minQuality {
			s.rejected++
			return bal
		}
	}
	s.accepted++
	d[fAccepted]++
	s.qualitySum += q
	v30 := d[fValue30] + value
	d[fQuality30] = (float64(d[fQuality30]*d[fValue30]) + float64(q*value)) / v30
	d[fValue30] = v30
	tier := s.ti.tierOf(v30, d[fQuality30])
	d[fTier] = float64(tier)
	reward := min(s.ti.reward(value, tier), s.pool)
	s.pool -= reward
	bal += reward
	d[fVolume] += reward
	d[fEarned] += reward
	s.volume += reward
	d[fLastValue], d[fLastReward], d[fLastMult] = value, reward, s.ti.multipliers[tier]
	return bal
}

// daily returns the indices of the agents active today, in order, and
// the runs of agents of one kind in that list (kind, start, end: three
// numbers a run), and
// keeps in scratch the indices of the validators among them (on duty
// today), and of all model creators and data contributors (the recipients
// of query fees). They are found at the
// day's first step, after the population PSUB has drawn who is active
// today, and kept for the rest of the day: nothing else changes an
// agent's kind or its activity draw. A day's list is also rebuilt when
// the population's size is not the one it was built for.
func (m *model) daily(c *gds.Ctx, k clock, agents []Agent) (active, runs []float64) {
	db, ab, rb, mb, dab := m.day_.Buf(c), m.active.Buf(c), m.runs.Buf(c), m.models.Buf(c), m.datas.Buf(c)
	meta := *db
	if !k.firstOf && len(meta) == 2 && meta[0] == float64(k.day) && meta[1] == float64(len(agents)) {
		return *ab, *rb
	}
	vb := m.validators.Buf(c)
	act, rs, va, ma, da := (*ab)[:0], (*rb)[:0], (*vb)[:0], (*mb)[:0], (*dab)[:0]
	for i := range agents {
		a := &agents[i]
		if a.ActiveToday {
			if uint64(a.Kind) >= NumKinds {
				panic(fmt.Sprintf("agent %d (id %d) has kind %d; kinds are 0..%d", i, a.ID, a.Kind, NumKinds-1))
			}
			if n := len(rs); n == 0 || rs[n-3] != float64(a.Kind) {
				rs = append(rs, float64(a.Kind), float64(len(act)), float64(len(act)))
			}
			act = append(act, float64(i))
			rs[len(rs)-1] = float64(len(act))
			if a.Kind == Validator {
				va = append(va, float64(i))
			}
		}
		switch a.Kind {
		case ModelCreator:
			ma = append(ma, float64(i))
		case DataContributor:
			da = append(da, float64(i))
		}
	}
	*ab, *rb, *vb, *mb, *dab = act, rs, va, ma, da
	*db = append(meta[:0], float64(k.day), float64(len(agents)))
	return act, rs
}

// grow returns v resized to n, reusing its storage.
func grow(v []float64, n int) []float64 {
	if cap(v) < n {
		return make([]float64, n)
	}
	return v[:n]
}
