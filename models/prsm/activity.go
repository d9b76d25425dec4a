package prsm

import (
	"math"

	"github.com/statecraft/statecraft/gds"
)

// Fields of the per-agent plan of a step (pass 1 of act).
const (
	planUploads = iota // honest contributions to submit
	planFlood          // low-quality uploads (data oversupply)
	planQueries        // queries to send
	planSell           // 1: sell part of the balance
	planFields
)

// act is the activity policy: every agent active today may contribute,
// query, validate or sell during the step, unless transactions are
// halted. It emits, per agent, a record of what changed (agent_deltas), and
// the step's aggregate flows.
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
	ti := tiers{}
	copy(ti.values[:], p.tierValues.Get(c))
	copy(ti.qualities[:], p.tierQualities.Get(c))
	copy(ti.multipliers[:], p.tierMultipliers.Get(c))
	minQuality, valReward := p.minQuality.Get(c), p.validationReward.Get(c)
	feeUSD, topupUSD := p.queryFeeUSD.Get(c), p.topupUSD.Get(c)
	var split [4]float64
	copy(split[:], p.feeSplit.Get(c))
	sellFrac, computeCost := p.sellFraction.Get(c), p.computeCost.Get(c)
	limitFactor, shortageCap, floodRate := p.limitFactor.Get(c), p.shortageCapacity.Get(c), p.floodIntensity.Get(c)

	// The record of each agent starts as "nothing changed".
	wb := m.work.Buf(c)
	w := grow(*wb, n*fieldsPerAgent)
	*wb = w
	for i := range agents {
		a, d := &agents[i], w[i*fieldsPerAgent:(i+1)*fieldsPerAgent]
		clear(d)
		d[fBalance] = a.Balance
		d[fValue30], d[fQuality30], d[fTier] = a.Value30, a.Quality30, float64(a.Tier)
		d[fLastValue], d[fLastReward], d[fLastMult] = a.LastValue, a.LastReward, a.LastMultiplier
	}
	var (
		pool, exch                         = pool0, exch0
		burn, volume, qualitySum           float64
		submitted, acceptedN, rejected, rv int64
	)
	emit := func() {
		m.deltas.Emit(c, w)
		m.poolFlow.Emit(c, pool-pool0)
		m.exchangeFlow.Emit(c, exch-exch0)
		m.feeBurn.Emit(c, burn)
		m.stepVolume.Emit(c, volume)
		m.stepSubmitted.Emit(c, submitted)
		m.stepAccepted.Emit(c, acceptedN)
		m.stepRejected.Emit(c, rejected)
		m.stepRevd.Emit(c, rv)
		m.stepQuality.Emit(c, qualitySum)
	}
	if halted || n == 0 {
		emit() // a halt stops every transaction
		return
	}
	throttle := 1.0
	if limited {
		throttle = limitFactor
	}
	perStep := k.stepDays * throttle

	// Pass 1: what each agent attempts; validators' capacity; providers.
	pb := m.plan.Buf(c)
	plan := grow(*pb, n*planFields)
	*pb = plan
	clear(plan)
	var capacity, planned float64
	var onDuty int
	models, datas := m.providers(c, agents) // fee recipients' indices
	var rates, expRates [NumKinds]float64   // actions per step, and e^−rate
	for kind, bh := range behaviours {
		rates[kind] = bh.perDay * perStep
		expRates[kind] = math.Exp(-rates[kind])
	}
	flood := floodRate * perStep
	expFlood := math.Exp(-flood)
	for i := range agents {
		a := &agents[i]
		if !a.ActiveToday {
			continue
		}
		pl := plan[i*planFields : (i+1)*planFields]
		rate, expRate := rates[a.Kind], expRates[a.Kind]
		switch a.Kind {
		case DataContributor, Freeloader:
			pl[planUploads] = float64(poisson(c.Rand, rate, expRate))
			if reg&regFlood != 0 {
				pl[planFlood] = float64(poisson(c.Rand, flood, expFlood))
			}
		case ModelCreator:
			want := poisson(c.Rand, rate, expRate)
			got := want
			if reg&regShortage != 0 { // each model needs compute
				got = 0
				for j := 0; j < want; j++ {
					if c.Rand.Float64() < shortageCap {
						got++
					}
				}
			}
			pl[planUploads] = float64(got)
		case QueryUser:
			pl[planQueries] = float64(poisson(c.Rand, rate, expRate))
		case Validator:
			capacity += rate
			onDuty++
		}
		if a.Kind != QueryUser && c.Rand.Float64() < perStep {
			pl[planSell] = 1
		}
		planned += pl[planUploads] + pl[planFlood]
	}
	reviewProb := 1.0
	if planned > capacity {
		reviewProb = capacity / planned
	}

	// Pass 2: carry it out.
	for i := range agents {
		a := &agents[i]
		if !a.ActiveToday {
			continue
		}
		pl := plan[i*planFields : (i+1)*planFields]
		d := w[i*fieldsPerAgent : (i+1)*fieldsPerAgent]
		bal := a.Balance
		bh := behaviours[a.Kind]
		acted := a.Kind == Validator // on duty
		contribute := func(q, value float64) {
			submitted++
			d[fSubmitted]++
			if c.Rand.Float64() < reviewProb {
				rv++
				if q < minQuality {
					rejected++
					return
				}
			}
			acceptedN++
			d[fAccepted]++
			qualitySum += q
			v30 := d[fValue30] + value
			d[fQuality30] = (float64(d[fQuality30]*d[fValue30]) + float64(q*value)) / v30
			d[fValue30] = v30
			tier := ti.tierOf(v30, d[fQuality30])
			d[fTier] = float64(tier)
			reward := min(ti.reward(value, tier), pool)
			pool -= reward
			bal += reward
			d[fVolume] += reward
			d[fEarned] += reward
			volume += reward
			d[fLastValue], d[fLastReward], d[fLastMult] = value, reward, ti.multipliers[tier]
		}
		for j := 0; j < int(pl[planUploads]); j++ {
			if a.Kind == ModelCreator {
				if bal < computeCost {
					break // cannot pay for the compute
				}
				bal -= computeCost
				pool += computeCost
				d[fVolume] += computeCost
				volume += computeCost
			}
			q := min(max(a.Skill+float64(qualityNoise*c.Rand.NormFloat64()), 0), 1)
			contribute(q, uniform(c.Rand, bh.value))
			acted = true
		}
		for j := 0; j < int(pl[planFlood]); j++ {
			contribute(uniform(c.Rand, floodQuality), uniform(c.Rand, bh.value))
			acted = true
		}
		for j := 0; j < int(pl[planQueries]); j++ {
			if reg&regShortage != 0 && c.Rand.Float64() >= shortageCap {
				continue // no compute to serve it
			}
			fee := feeUSD / price
			if bal < fee {
				buy := min(float64(topupUSD/price)*throttle, exch)
				exch -= buy
				bal += buy
				d[fVolume] += buy
				volume += buy
			}
			if bal < fee {
				continue
			}
			bal -= fee
			d[fVolume] += fee
			volume += fee
			toModel, toData := float64(fee*split[0]), float64(fee*split[1]) // rounded: no fused multiply-add
			if len(models) > 0 {
				m.credit(w, int(models[c.Rand.IntN(len(models))]), toModel)
			} else {
				pool += toModel
			}
			if len(datas) > 0 {
				m.credit(w, int(datas[c.Rand.IntN(len(datas))]), toData)
			} else {
				pool += toData
			}
			toBurn := float64(fee * split[2])
			burn += toBurn
			pool += fee - toModel - toData - toBurn
			acted = true
		}
		if pl[planSell] > 0 && bal > 0 {
			amount := float64(float64(bal*sellFrac) * throttle)
			bal -= amount
			exch += amount
			d[fVolume] += amount
			volume += amount
			acted = true
		}
		d[fBalance] = bal
		if acted {
			d[fActed] = 1
		}
	}

	// Validators on duty share the review rewards.
	if onDuty > 0 && rv > 0 {
		each := min(float64(rv)*valReward, pool) / float64(onDuty)
		for i := range agents {
			if a := &agents[i]; a.Kind == Validator && a.ActiveToday {
				m.credit(w, i, each)
				w[i*fieldsPerAgent+fEarned] += each
				pool -= each
				volume += each
			}
		}
	}
	emit()
}

// credit adds amount received by agent j to its record.
func (m *model) credit(w []float64, j int, amount float64) {
	w[j*fieldsPerAgent+fCredit] += amount
	w[j*fieldsPerAgent+fVolume] += amount
}

// providers returns the indices (as floats, in per-engine scratch buffers)
// of the model creators and the data contributors: the recipients of query
// fees.
func (m *model) providers(c *gds.Ctx, agents []Agent) (models, datas []float64) {
	ba, bb := m.tmpA.Buf(c), m.tmpB.Buf(c)
	ma, da := (*ba)[:0], (*bb)[:0]
	for i := range agents {
		switch agents[i].Kind {
		case ModelCreator:
			ma = append(ma, float64(i))
		case DataContributor:
			da = append(da, float64(i))
		}
	}
	*ba, *bb = ma, da
	return ma, da
}

// grow returns v resized to n, reusing its storage.
func grow(v []float64, n int) []float64 {
	if cap(v) < n {
		return make([]float64, n)
	}
	return v[:n]
}
