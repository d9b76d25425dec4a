package prsm

import (
	"math"

	"github.com/statecraft/statecraft/blocks/demurrage"
	"github.com/statecraft/statecraft/blocks/metric"
	"github.com/statecraft/statecraft/blocks/supply"
	"github.com/statecraft/statecraft/gds"
)

// schedule returns the demurrage schedule of the parameters.
func (m *model) schedule(c *gds.Ctx) demurrage.Schedule {
	p := &m.p
	s := demurrage.FTNS()
	s.TargetVelocity, s.GraceDays = p.targetVelocity.Get(c), p.graceDays.Get(c)
	copy(s.Rates[:], p.demurrageRates.Get(c))
	copy(s.Modifiers[:], p.demurrageModifiers.Get(c))
	return s
}

// controller returns the supply controller of the parameters.
func (m *model) controller(c *gds.Ctx) supply.Controller {
	p := &m.p
	k := supply.FTNS()
	k.InitialRate, k.FinalRate, k.MaxAdjustment = p.initialRate.Get(c), p.finalRate.Get(c), p.maxDailyAdjustment.Get(c)
	k.DampingMin, k.Decay, k.DampingSlope, k.Gain = p.dampingMin.Get(c), p.targetDecay.Get(c), p.dampingSlope.Get(c), p.controllerGain.Get(c)
	return k
}

// velocity returns an agent's monthly velocity at the end of a day: its
// 30-day volume, today's included, as a daily average over the days the
// exponentially weighted sum covers (window, window30 of the day), times
// 30, over its balance.
func velocity(a *Agent, window float64) float64 {
	vol := float64(a.Volume30*decay30) + a.VolumeToday
	return demurrage.Velocity(vol, a.Balance, window)
}

// dailyPSUB runs the daily cycle of the FTNS integration API at the last
// step of each day: demurrage (phase 3), the supply adjustment (phase 2),
// the day's close and participation. At other steps its updates keep their
// variables.
func (m *model) dailyPSUB(b *gds.Builder) {
	p := &m.p
	demurragePolicy := gds.Policy("demurrage", func(c *gds.Ctx) {
		k := m.clock(c)
		s := m.schedule(c)
		agents := m.agents.Get(c)
		if !k.lastOf {
			return
		}
		buf := m.tmpA.Buf(c)
		fees := (*buf)[:0]
		total := 0.0
		window := window30(float64(k.day))
		for i := range agents {
			a := &agents[i]
			f := s.Fee(a.Balance, velocity(a, window), demurrage.Status(a.Tier), a.AgeDays, 1)
			fees = append(fees, f)
			total += f
		}
		*buf = fees
		m.fees.Emit(c, fees)
		m.feesTotal.Emit(c, total)
	}).Emits(m.fees, m.feesTotal)

	controllerPolicy := gds.Policy("supply_controller", func(c *gds.Ctx) {
		k := m.clock(c)
		ctl := m.controller(c)
		closes, price := m.closes.Get(c), m.price.Get(c)
		prev, s, pool := m.adjustment.Get(c), m.supply.Get(c), m.pool.Get(c)
		aw, vw := int(p.appreciationWindow.Get(c)), int(p.volatilityWindow.Get(c))
		minHist := int(p.minHistoryDays.Get(c))
		if !k.lastOf {
			return
		}
		n := len(closes) // closes of days day−n … day−1
		actual, vol := 0.0, 0.0
		if n > 0 {
			wd := min(aw, n)
			actual = supply.AnnualizedRate(closes[n-wd], price, float64(wd))
			buf := m.tmpB.Buf(c)
			ps := (*buf)[:0]
			for i := max(n-vw, 0); i < n; i++ {
				ps = append(ps, closes[i])
			}
			ps = append(ps, price)
			*buf = ps
			vol = supply.AnnualizedVolatility(ps)
		}
		adj := ctl.Adjust(prev, float64(k.day), actual, vol)
		if n < minHist { // not enough history: no adjustment
			adj.Change, adj.Factor = 0, 1
		}
		delta := float64(adj.Change * s)
		mint, burn := max(delta, 0), min(max(-delta, 0), pool)
		m.ctlTarget.Emit(c, adj.Target)
		m.ctlActual.Emit(c, actual)
		m.ctlVol.Emit(c, vol)
		m.ctlDamping.Emit(c, adj.Damping)
		m.ctlChange.Emit(c, adj.Change)
		m.ctlMint.Emit(c, mint)
		m.ctlBurn.Emit(c, burn)
	}).Emits(m.ctlTarget, m.ctlActual, m.ctlVol, m.ctlDamping, m.ctlChange, m.ctlMint, m.ctlBurn)

	participationPolicy := gds.Policy("participation", func(c *gds.Ctx) {
		k := m.clock(c)
		agents := m.agents.Get(c)
		if !k.lastOf || len(agents) == 0 {
			return
		}
		acted := 0
		for i := range agents {
			if agents[i].ActedToday {
				acted++
			}
		}
		m.actedShare.Emit(c, float64(acted)/float64(len(agents)))
	}).Emits(m.actedShare)

	// atDayEnd makes an update that keeps its variable except at the day's
	// last step. fn runs at every step so that tracing sees its reads.
	atDayEnd := func(v gds.Float, fn func(c *gds.Ctx) float64) gds.Block {
		return v.Update(func(c *gds.Ctx) float64 {
			x := fn(c)
			if !m.clock(c).lastOf {
				return v.Get(c)
			}
			return x
		})
	}
	// Welford's update of the daily closes' mean and squared deviations.
	welford := func(c *gds.Ctx) (n int64, mean, m2 float64) {
		price := m.price.Get(c)
		n, mean, m2 = m.closeN.Get(c)+1, m.closeMean.Get(c), m.closeM2.Get(c)
		d := price - mean
		mean += d / float64(n)
		m2 += float64(d * (price - mean))
		return n, mean, m2
	}
	b.PSUB("daily", demurragePolicy, controllerPolicy, participationPolicy,
		m.agents.Edit(func(c *gds.Ctx, tx *gds.AgentsTx[Agent]) {
			k := m.clock(c)
			cur := m.agents.Get(c)
			fees := m.fees.Get(c)
			ti := tiers{}
			copy(ti.values[:], p.tierValues.Get(c))
			copy(ti.qualities[:], p.tierQualities.Get(c))
			if !k.lastOf || len(fees) != len(cur) {
				return
			}
			for i := range tx.Len() {
				a := tx.At(i)
				a.Balance -= min(fees[i], a.Balance)
				a.Fees += fees[i]
				a.Volume30 = float64(a.Volume30*decay30) + a.VolumeToday
				a.Value30 *= decay30
				a.Tier = ti.tierOf(a.Value30, a.Quality30)
				a.AgeDays++
			}
		}),
		atDayEnd(m.demurrageCollected, func(c *gds.Ctx) float64 { return m.demurrageCollected.Get(c) + m.feesTotal.Get(c) }),
		atDayEnd(m.pool, func(c *gds.Ctx) float64 { return m.pool.Get(c) + m.ctlMint.Get(c) - m.ctlBurn.Get(c) }),
		atDayEnd(m.minted, func(c *gds.Ctx) float64 { return m.minted.Get(c) + m.ctlMint.Get(c) }),
		atDayEnd(m.burned, func(c *gds.Ctx) float64 { return m.burned.Get(c) + m.ctlBurn.Get(c) }),
		atDayEnd(m.supply, func(c *gds.Ctx) float64 {
			return m.supply.Get(c) + m.ctlMint.Get(c) - m.ctlBurn.Get(c) - m.feesTotal.Get(c)
		}),
		atDayEnd(m.targetRate, m.ctlTarget.Get),
		atDayEnd(m.actualRate, m.ctlActual.Get),
		atDayEnd(m.volatility, m.ctlVol.Get),
		atDayEnd(m.damping, m.ctlDamping.Get),
		atDayEnd(m.adjustment, m.ctlChange.Get),
		atDayEnd(m.dailyParticipation, m.actedShare.Get),
		atDayEnd(m.participationSum, func(c *gds.Ctx) float64 { return m.participationSum.Get(c) + m.actedShare.Get(c) }),
		m.participationDays.Update(func(c *gds.Ctx) int64 {
			d := m.participationDays.Get(c)
			if !m.clock(c).lastOf || len(m.agents.Get(c)) == 0 {
				return d
			}
			return d + 1
		}),
		m.closes.Update(func(c *gds.Ctx, dst []float64) []float64 {
			capacity := int(max(p.appreciationWindow.Get(c), p.volatilityWindow.Get(c))) + 1
			cur, price := m.closes.Get(c), m.price.Get(c)
			if !m.clock(c).lastOf {
				return cur
			}
			return metric.Window(dst[:0], cur, price, capacity)
		}),
		m.closeN.Update(func(c *gds.Ctx) int64 {
			n, _, _ := welford(c)
			if !m.clock(c).lastOf {
				return m.closeN.Get(c)
			}
			return n
		}),
		atDayEnd(m.closeMean, func(c *gds.Ctx) float64 { _, mean, _ := welford(c); return mean }),
		atDayEnd(m.closeM2, func(c *gds.Ctx) float64 { _, _, m2 := welford(c); return m2 }),
	)
}

// metricsPSUB computes the validation metrics and criteria at the end of
// each day, on the state after the daily cycle.
//
//   - gini: the Gini coefficient of the agents' FTNS balances;
//   - avg_quality: the mean quality of all contributions accepted so far;
//   - price_cv: the coefficient of variation (population standard
//     deviation over mean) of the daily closing prices so far, day 0's
//     price excluded;
//   - participation: the mean over the days so far of the share of agents
//     that acted that day.
func (m *model) metricsPSUB(b *gds.Builder) {
	p := &m.p
	measure := gds.Policy("measure", func(c *gds.Ctx) {
		k := m.clock(c)
		agents := m.agents.Get(c)
		qs, acc := m.qualitySum.Get(c), m.accepted.Get(c)
		n, mean, m2 := m.closeN.Get(c), m.closeMean.Get(c), m.closeM2.Get(c)
		ps, pd := m.participationSum.Get(c), m.participationDays.Get(c)
		if !k.lastOf {
			return
		}
		ba, bb := m.tmpA.Buf(c), m.tmpB.Buf(c)
		bal := (*ba)[:0]
		for i := range agents {
			bal = append(bal, agents[i].Balance)
		}
		g, sorted := metric.Gini(bal, *bb)
		*ba, *bb = bal, sorted
		quality := 0.0
		if acc > 0 {
			quality = qs / float64(acc)
		}
		cv := 0.0
		if n > 0 && mean > 0 {
			cv = math.Sqrt(m2/float64(n)) / mean
		}
		part := 0.0
		if pd > 0 {
			part = ps / float64(pd)
		}
		m.mGini.Emit(c, g)
		m.mQuality.Emit(c, quality)
		m.mCV.Emit(c, cv)
		m.mParticipation.Emit(c, part)
	}).Emits(m.mGini, m.mQuality, m.mCV, m.mParticipation)

	metricUpdate := func(v gds.Float, sig gds.FloatSignal) gds.Block {
		return v.Update(func(c *gds.Ctx) float64 {
			x := sig.Get(c)
			if !m.clock(c).lastOf {
				return v.Get(c)
			}
			return x
		})
	}
	criterion := func(v gds.Bool, ok func(c *gds.Ctx) bool) gds.Block {
		return v.Update(func(c *gds.Ctx) bool {
			x := ok(c)
			if !m.clock(c).lastOf {
				return v.Get(c)
			}
			return x
		})
	}
	b.PSUB("metrics", measure,
		metricUpdate(m.gini, m.mGini),
		metricUpdate(m.avgQuality, m.mQuality),
		metricUpdate(m.priceCV, m.mCV),
		metricUpdate(m.participation, m.mParticipation),
		criterion(m.giniOK, func(c *gds.Ctx) bool { return m.mGini.Get(c) <= p.giniMax.Get(c) }),
		criterion(m.qualityOK, func(c *gds.Ctx) bool { return m.mQuality.Get(c) >= p.qualityMin.Get(c) }),
		criterion(m.priceOK, func(c *gds.Ctx) bool { return m.mCV.Get(c) <= p.priceCVMax.Get(c) }),
		criterion(m.participOK, func(c *gds.Ctx) bool { return m.mParticipation.Get(c) >= p.participMin.Get(c) }),
	)
}
