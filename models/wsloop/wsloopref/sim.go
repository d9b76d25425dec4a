package wsloopref

import "math"

// Run simulates ticks ticks of the netlist with parameters p and returns the
// rows 0..ticks (ticks+1 rows). Row t holds the state after t ticks. It
// panics where TokenSPICE would raise: a zero month of sales with R&D
// spending (unless p.RatioGuardZeroSales), a negative mint, or a
// non-positive OCEAN price.
func Run(p Params, ticks int) []Tick {
	if ticks < 0 {
		panic("wsloopref: negative number of ticks")
	}
	s := newSim(p)
	rows := make([]Tick, 0, ticks+1)
	for {
		rows = append(rows, s.row())
		if s.tick >= ticks {
			return rows
		}
		s.step()
		s.tick++
	}
}

// sim is the state of a run: the agents' state, SimState's totals and the
// histories KPIs.py and the RouterAgent ocean_dao keep.
type sim struct {
	p Params

	// tick is SimState.tick: the ticks done.
	tick int
	// w is every agent's wallet.
	w [NumAgents]Wallet

	// MarketplacesAgent state.
	nMkts, consume1 float64

	// SimState totals and the speculation valuation.
	minted, burned, burnedUSD float64
	spec                      float64

	// OCEANFuncMinterAgent state.
	mintLeft float64
	lastMint int

	// GrantGivingAgent state, indexed by Agent.
	lastGrant     [NumAgents]int
	usdPerGrant   [NumAgents]float64
	oceanPerGrant [NumAgents]float64
	grantTo       [NumAgents]Agent

	// GrantTakingAgent._spent_at_tick, indexed by Agent.
	spent [NumAgents]float64

	// RouterAgent ocean_dao's _USD_per_tick and _OCEAN_per_tick.
	daoUSD, daoOCEAN []float64

	// KPIs.py histories, one entry per tick done.
	gtRev, hConsume1, hN, hMinted, hBurned, hMintedUSD, hBurnedUSD []float64

	// flows of the last tick stepped.
	flows Flows

	// annualRev caches annualNetworkRevenueNow for a history length.
	annualRevLen int
	annualRev    float64
}

func newSim(p Params) *sim {
	s := &sim{
		p:        p,
		nMkts:    p.InitNMarketplaces,
		consume1: p.InitConsumeSalesPerMarketplacePerMonth / float64(SecondsPerMonth),
		spec:     p.InitSpeculationValuation,
		mintLeft: p.UnmintedOCEANSupply(),
		lastMint: -1,

		annualRevLen: -1,
	}
	if s.mintLeft < 0 {
		panic("wsloopref: negative OCEAN to mint")
	}
	for i := range s.lastGrant {
		s.lastGrant[i] = -1
	}
	s.w[OPFTreasuryForOceanDAO] = Wallet{0, p.OPFTreasuryOCEANForOceanDAO}
	s.w[OPFTreasuryForOPFMgmt] = Wallet{p.OPFTreasuryUSD, p.OPFTreasuryOCEANForOPFMgmt()}
	s.w[BDBTreasury] = Wallet{p.BDBTreasuryUSD, p.BDBTreasuryOCEAN}
	for _, g := range []struct {
		a, to Agent
		n     int
	}{
		{OPFTreasuryForOceanDAO, OceanDAO, p.OPFGrants},
		{OPFTreasuryForOPFMgmt, OPFMgmt, p.OPFGrants},
		{BDBTreasury, BDBMgmt, p.BDBGrants},
	} {
		s.usdPerGrant[g.a] = s.w[g.a].USD / float64(g.n)
		s.oceanPerGrant[g.a] = s.w[g.a].OCEAN / float64(g.n)
		s.grantTo[g.a] = g.to
	}
	return s
}

// ---------------------------------------------------------------------------
// SimStrategy.py

func (s *sim) swapSales(consume float64) float64 { return s.p.SwapToConsumeSalesRatio * consume }

func (s *sim) totalSales(consume float64) float64 { return consume + s.swapSales(consume) }

func (s *sim) networkRevenue(consume float64) float64 {
	return s.p.PercentConsumeSalesForNetwork*consume + s.p.PercentSwapSalesForNetwork*s.swapSales(consume)
}

// annualMktsGrowthRate is SimStrategy.annualMktsGrowthRate.
func annualMktsGrowthRate(p Params, ratio float64) float64 {
	mult := p.MaxGrowthRate - p.GrowthRateIf0Sales
	return p.GrowthRateIf0Sales + mult*(1.0-math.Pow(0.5, ratio/p.Tau))
}

// growthRatePerTick is MarketplacesAgent._growthRatePerTick.
func growthRatePerTick(gPerYear float64, timeStep int) float64 {
	ticksPerYear := float64(SecondsPerYear) / float64(timeStep)
	return math.Pow(gPerYear+1, 1.0/ticksPerYear) - 1.0
}

// ---------------------------------------------------------------------------
// SimState.py

func (s *sim) supply() float64 { return s.p.InitOCEANSupply + s.minted - s.burned }

func (s *sim) fundamentals() float64 { return s.annualNetworkRevenueNow() * s.p.PSRatio }

func (s *sim) overall() float64 {
	v := math.Max(s.fundamentals(), s.spec)
	if !(v > 0) {
		panic("wsloopref: valuation not positive")
	}
	return v
}

func (s *sim) price() float64 {
	sup := s.supply()
	if !(sup > 0) {
		panic("wsloopref: OCEAN supply not positive")
	}
	pr := s.overall() / sup
	if !(pr > 0) {
		panic("wsloopref: OCEAN price not positive")
	}
	return pr
}

// ---------------------------------------------------------------------------
// KPIs.py

func (s *sim) kpiTick() int { return len(s.hConsume1) }

func (s *sim) elapsed() int { return s.kpiTick() * TimeStep }

func (s *sim) onemktPerS(i int) float64 { return s.hConsume1[i] }

func (s *sim) allmktsPerS(i int) float64 { return s.hConsume1[i] * s.hN[i] }

func (s *sim) networkRevenuePerS(i int) float64 { return s.networkRevenue(s.hN[i] * s.hConsume1[i]) }

func (s *sim) window(t1, t2 int, f func(int) float64) float64 {
	return salesOverInterval(t1, t2, TimeStep, s.kpiTick(), f)
}

func (s *sim) monthlyNetworkRevenueNow() float64 {
	t2 := s.elapsed()
	return s.window(t2-SecondsPerMonth, t2, s.networkRevenuePerS)
}

func (s *sim) annualNetworkRevenueNow() float64 {
	if s.annualRevLen != s.kpiTick() {
		t2 := s.elapsed()
		s.annualRev = s.window(t2-SecondsPerYear, t2, s.networkRevenuePerS)
		s.annualRevLen = s.kpiTick()
	}
	return s.annualRev
}

func (s *sim) allmktsMonthlyConsumeSalesNow() float64 {
	t2 := s.elapsed()
	return s.window(t2-SecondsPerMonth, t2, s.allmktsPerS)
}

// revenueGrowth is monthlyNetworkRevenueGrowth (period S_PER_MONTH) or
// annualNetworkRevenueGrowth (period S_PER_YEAR).
func (s *sim) revenueGrowth(period int) float64 {
	now := s.elapsed()
	end := now - period
	if s.p.ExactPastWindows {
		end--
	}
	rev1 := s.window(now-2*period, end, s.networkRevenuePerS)
	rev2 := s.window(now-period, now, s.networkRevenuePerS)
	if rev1 == 0.0 {
		return math.Inf(1)
	}
	return rev2/rev1 - 1.0
}

// rndToSalesRatio is KPIs.mktsRNDToSalesRatio: the R&D of the last 30
// ticks over the network revenue (or, RatioOverConsumeSales, the consume
// sales) of the last 30 ticks.
func (s *sim) rndToSalesRatio() float64 {
	var sales float64
	if s.p.RatioOverConsumeSales {
		sales = s.allmktsMonthlyConsumeSalesNow()
	} else {
		sales = s.monthlyNetworkRevenueNow()
	}
	return rndRatio(sumLast(s.gtRev, TicksPerMonth), sales, s.p.RatioGuardZeroSales)
}

// rndRatio is the arithmetic of mktsRNDToSalesRatio: 0 without R&D, else
// R&D over sales. TokenSPICE raises ZeroDivisionError for R&D over zero
// sales; rndRatio panics then, or returns 0 if guard is set.
func rndRatio(rnd, sales float64, guard bool) float64 {
	if rnd == 0.0 {
		return 0.0
	}
	if sales == 0.0 {
		if guard {
			return 0.0
		}
		panic("wsloopref: R&D over zero sales (ZeroDivisionError in TokenSPICE's mktsRNDToSalesRatio)")
	}
	return rnd / sales
}

// salesOverInterval is KPIs._salesOverInterval: the sum over the ticks that
// overlap [t1, t2] (seconds since the start, both ends counted) of f(tick)
// times the seconds of the tick inside the interval, for a history of nTicks
// ticks of timeStep seconds.
func salesOverInterval(t1, t2, timeStep, nTicks int, f func(int) float64) float64 {
	if !(t2 > t1) {
		panic("wsloopref: empty interval")
	}
	tick1 := max(0, floorDiv(t1, timeStep))
	tick2 := min(nTicks, floorDiv(t2, timeStep)+1)
	rev := 0.0
	for i := tick1; i < tick2; i++ {
		perS := f(i)
		start := max(t1, i*timeStep)
		end := min(t2, (i+1)*timeStep-1)
		rev += perS * float64(end-start+1)
	}
	return rev
}

func floorDiv(a, b int) int {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// sumLast is float(sum(xs[-n:])): the sum of the last n entries, left to
// right.
func sumLast(xs []float64, n int) float64 {
	sum := 0.0
	for _, x := range xs[max(0, len(xs)-n):] {
		sum += x
	}
	return sum
}

// changePrevMonth is KPIs._OCEANchangePrevMonth for a cumulative history:
// 0 for none, the last value for ticksPerMonth entries or fewer, else the
// last value minus the one ticksPerMonth entries before.
func changePrevMonth(xs []float64, ticksPerMonth int) float64 {
	n := len(xs)
	if n == 0 {
		return 0.0
	}
	if n <= ticksPerMonth {
		return xs[n-1]
	}
	return xs[n-1] - xs[n-1-ticksPerMonth]
}

// monthlyReceived is RouterAgent.monthlyUSDreceived / monthlyOCEANreceived:
// the sum of hist[tick1 : tick+1] with tick1 = _tickOneMonthAgo.
func monthlyReceived(hist []float64, tick, timeStep int) float64 {
	t1 := tick*timeStep - SecondsPerMonth
	from := 0
	if t1 >= 0 {
		from = max(0, floorDiv(t1, timeStep))
	}
	to := min(len(hist), tick+1)
	sum := 0.0
	for i := from; i < to; i++ {
		sum += hist[i]
	}
	return sum
}

// ---------------------------------------------------------------------------
// agents/MinterAgents.py RampedExpFunc

type ramp struct {
	h, t0, t1, t2, t3, m1, m2, m3 float64
	atBreakpoints                 bool
}

func newRamp(p Params) ramp {
	if !(p.MintH > 0) || !(p.MintT0 <= p.MintT1 && p.MintT1 <= p.MintT2 && p.MintT2 <= p.MintT3) ||
		!(p.MintM1 <= p.MintM2 && p.MintM2 <= p.MintM3) {
		panic("wsloopref: RampedExpFunc needs H > 0, T0 <= T1 <= T2 <= T3 and M1 <= M2 <= M3")
	}
	return ramp{p.MintH, p.MintT0, p.MintT1, p.MintT2, p.MintT3, p.MintM1, p.MintM2, p.MintM3, p.MintBreakpointConstants}
}

// f is _MYF, the Bitcoin-like curve F(H, t) = 1 - 0.5^(t/H).
func (r ramp) f(t float64) float64 { return 1.0 - math.Pow(0.5, t/r.h) }

// g is _MYG: the fraction of the OCEAN to mint that is minted by year t.
func (r ramp) g(t float64) float64 {
	// G1, G2, G3: at t as TokenSPICE computes them, or at T1, T2, T3 as the
	// docstring defines them.
	x1, x2, x3 := t, t, t
	if r.atBreakpoints {
		x1, x2, x3 = r.t1, r.t2, r.t3
	}
	g1 := r.m1 * r.f(x1-r.t0)
	g2 := r.m2*r.f(x2-r.t0) - r.m2*r.f(r.t1-r.t0) + g1
	g3 := r.m3*r.f(x3-r.t0) - r.m3*r.f(r.t2-r.t0) + g2
	switch {
	case t < r.t0:
		return 0.0
	case t < r.t1:
		return r.m1 * r.f(t-r.t0)
	case t < r.t2:
		return r.m2*r.f(t-r.t0) - r.m2*r.f(r.t1-r.t0) + g1
	case t < r.t3:
		return r.m3*r.f(t-r.t0) - r.m3*r.f(r.t2-r.t0) + g2
	default:
		return (1.0-g3)*r.f(t-r.t3) + g3
	}
}

func (r ramp) keepMinting(t float64) bool { return t/r.h <= BitcoinNumHalfLives }

// ---------------------------------------------------------------------------
// One tick: the agents in step order, then KPIs.takeStep, then the
// speculation valuation (SimState.takeStep).

func (s *sim) step() {
	s.flows = Flows{}
	s.stepMarketplaces()
	s.stepRouter(OPCAddress, s.opcShares())
	s.stepBurner()
	s.stepMinter()
	s.stepGrantGiver(OPFTreasuryForOceanDAO)
	s.stepGrantGiver(OPFTreasuryForOPFMgmt)
	s.stepGrantGiver(BDBTreasury)
	s.stepRouter(OceanDAO, []share{{OPCWorkers, 1.0}})
	s.stepRouter(OPFMgmt, []share{{OPCWorkers, 1.0}})
	s.stepRouter(BDBMgmt, []share{{BDBWorkers, 1.0}})
	s.stepGrantTaker(OPCWorkers)
	s.stepGrantTaker(BDBWorkers)
	s.stepKPIs()
	if s.p.SpeculationAnnualCompounding {
		s.spec *= math.Pow(1.0+s.p.SpeculationGrowthPerYear, float64(TimeStep)/float64(SecondsPerYear))
	} else {
		perS := s.p.SpeculationGrowthPerYear / float64(SecondsPerYear)
		s.spec *= 1.0 + perS*float64(TimeStep)
	}
}

func (s *sim) transferUSD(from, to Agent, amt float64) {
	withdraw(&s.w[from].USD, amt)
	deposit(&s.w[to].USD, amt)
	s.flows.Transfer[from][to].USD += amt
}

func (s *sim) transferOCEAN(from, to Agent, amt float64) {
	withdraw(&s.w[from].OCEAN, amt)
	deposit(&s.w[to].OCEAN, amt)
	s.flows.Transfer[from][to].OCEAN += amt
}

// stepMarketplaces is MarketplacesAgent.takeStep.
func (s *sim) stepMarketplaces() {
	ratio := s.rndToSalesRatio()
	g := growthRatePerTick(annualMktsGrowthRate(s.p, ratio), TimeStep)
	s.nMkts *= 1.0 + g
	s.consume1 *= 1.0 + g
	sales := s.nMkts * s.consume1 * float64(TimeStep)
	toll := s.networkRevenue(sales)
	deposit(&s.w[OPCAddress].USD, toll)
	s.flows.In[OPCAddress].USD += toll
}

type share struct {
	to  Agent
	pct float64
}

// opcShares is opc_address's receiving_agents: ocean_dao gets
// percentToOceanDao() = 1 - PercentBurn, opc_burner percentToBurn().
func (s *sim) opcShares() []share {
	return []share{{OceanDAO, 1.0 - s.p.PercentBurn}, {OPCBurner, s.p.PercentBurn}}
}

// stepRouter is RouterAgent.takeStep: record what it holds (ocean_dao's
// record is the DAO income), then send each receiver its share of it.
func (s *sim) stepRouter(a Agent, shares []share) {
	if a == OceanDAO {
		s.daoUSD = append(s.daoUSD, s.w[a].USD)
		s.daoOCEAN = append(s.daoOCEAN, s.w[a].OCEAN)
	}
	if usd := s.w[a].USD; usd > 0 {
		for _, sh := range shares {
			s.transferUSD(a, sh.to, sh.pct*usd)
		}
	}
	if ocean := s.w[a].OCEAN; ocean > 0 {
		for _, sh := range shares {
			s.transferOCEAN(a, sh.to, sh.pct*ocean)
		}
	}
}

// stepBurner is OCEANBurnerAgent.takeStep: spend all its USD on OCEAN and
// burn it.
func (s *sim) stepBurner() {
	usd := s.w[OPCBurner].USD
	if !(usd > 0.0) {
		return
	}
	burnLoop(usd, s.p.BurnLoops, s.price, func(ocean, spent float64) {
		s.burned += ocean
		s.burnedUSD += spent
		s.flows.BurnedOCEAN += ocean
	})
	s.flows.Out[OPCBurner].USD += usd
	withdraw(&s.w[OPCBurner].USD, usd)
}

// burnLoop is the loop of OCEANBurnerAgent.takeStep: loops equal slices of
// usd, each buying slice/price() OCEAN, where price() sees the burns of the
// slices before.
func burnLoop(usd float64, loops int, price func() float64, burn func(ocean, usd float64)) {
	perLoop := usd / float64(loops)
	for range loops {
		burn(perLoop/price(), perLoop)
	}
}

// stepMinter is OCEANFuncMinterAgent.takeStep with the ramped curve.
func (s *sim) stepMinter() {
	switch {
	case s.mintLeft == 0.0, s.tick == 0:
		return
	case s.lastMint >= 0 && (s.tick-s.lastMint)*TimeStep < s.p.MintIntervalSeconds:
		return
	}
	r := newRamp(s.p)
	t := float64(s.tick*TimeStep) / float64(SecondsPerYear)
	tprev := 0.0
	if s.lastMint >= 0 {
		tprev = float64(s.lastMint*TimeStep) / float64(SecondsPerYear)
	}
	ocean := (r.g(t) - r.g(tprev)) * s.mintTotal()
	if !r.keepMinting(t) {
		ocean = s.mintLeft
	}
	ocean = math.Min(ocean, s.mintLeft)
	s.minted += ocean
	deposit(&s.w[Ocean51].OCEAN, ocean)
	s.flows.In[Ocean51].OCEAN += ocean
	s.flows.MintedOCEAN += ocean
	s.transferOCEAN(Ocean51, OceanDAO, ocean)
	s.lastMint = s.tick
	s.mintLeft -= ocean
}

// mintTotal is the minter's _total_OCEAN_to_mint.
func (s *sim) mintTotal() float64 { return s.p.UnmintedOCEANSupply() }

// stepGrantGiver is GrantGivingAgent.takeStep: the first step, then every
// GrantIntervalSeconds, send the same grant, or what is left if less.
func (s *sim) stepGrantGiver(a Agent) {
	if s.lastGrant[a] >= 0 && (s.tick-s.lastGrant[a])*TimeStep < s.p.GrantIntervalSeconds {
		return
	}
	to := s.grantTo[a]
	s.transferUSD(a, to, math.Min(s.w[a].USD, s.usdPerGrant[a]))
	s.transferOCEAN(a, to, math.Min(s.w[a].OCEAN, s.oceanPerGrant[a]))
	s.lastGrant[a] = s.tick
}

// stepGrantTaker is GrantTakingAgent.takeStep: value what it holds at the
// current price, then spend it all.
func (s *sim) stepGrantTaker(a Agent) {
	w := s.w[a]
	s.spent[a] = w.USD + w.OCEAN*s.price()
	s.flows.Out[a].USD += w.USD
	s.flows.Out[a].OCEAN += w.OCEAN
	withdraw(&s.w[a].USD, w.USD)
	withdraw(&s.w[a].OCEAN, w.OCEAN)
}

// stepKPIs is KPIs.takeStep.
func (s *sim) stepKPIs() {
	s.gtRev = append(s.gtRev, 0+s.spent[OPCWorkers]+s.spent[BDBWorkers])
	s.hConsume1 = append(s.hConsume1, s.consume1)
	s.hN = append(s.hN, s.nMkts)
	s.hMinted = append(s.hMinted, s.minted)
	s.hBurned = append(s.hBurned, s.burned)
	pr := s.price()
	mintedUSD := s.minted * pr
	if s.p.MintedUSDAtMintPrice {
		prevUSD, prevMinted := 0.0, 0.0
		if n := len(s.hMintedUSD); n > 0 {
			prevUSD, prevMinted = s.hMintedUSD[n-1], s.hMinted[n-1]
		}
		mintedUSD = prevUSD + (s.minted-prevMinted)*pr
	}
	s.hMintedUSD = append(s.hMintedUSD, mintedUSD)
	s.hBurnedUSD = append(s.hBurnedUSD, s.burnedUSD)
}

// ---------------------------------------------------------------------------
// The row: netlist_createLogData, plus the state.

func (s *sim) row() Tick {
	p := s.p
	now := s.elapsed()
	r := Tick{
		Tick:                           s.tick,
		Year:                           float64(s.tick*TimeStep) / float64(SecondsPerYear),
		NMarketplaces:                  s.nMkts,
		ConsumeSalesPerMarketplacePerS: s.consume1,
		OnemktConsSalesMonth:           s.window(now-SecondsPerMonth, now, s.onemktPerS),
		OnemktConsSalesYear:            s.window(now-SecondsPerYear, now, s.onemktPerS),
		AllmktsConsSalesMonth:          s.window(now-SecondsPerMonth, now, s.allmktsPerS),
		AllmktsConsSalesYear:           s.window(now-SecondsPerYear, now, s.allmktsPerS),
	}
	daysPerMonth := 30.5
	if p.DailySalesOver30Days {
		daysPerMonth = 30.0
	}
	r.AllmktsTotSalesDay = s.totalSales(r.AllmktsConsSalesMonth / daysPerMonth)
	r.AllmktsTotSalesMonth = s.totalSales(r.AllmktsConsSalesMonth)
	r.AllmktsTotSalesYear = s.totalSales(r.AllmktsConsSalesYear)
	if p.StakedFromConsumeSales {
		r.TotStaked = s.totalSales(r.AllmktsConsSalesMonth / daysPerMonth)
	} else {
		r.TotStaked = s.totalSales(r.AllmktsTotSalesDay) // totalStaked(x) = totalSales(x)
	}
	r.NetworkRevenueMonth = s.monthlyNetworkRevenueNow()
	r.NetworkRevenueYear = s.annualNetworkRevenueNow()
	r.NetworkRevGrowthMonth = s.revenueGrowth(SecondsPerMonth)
	r.NetworkRevGrowthYear = s.revenueGrowth(SecondsPerYear)
	r.OverallValuation = s.overall()
	r.FundamentalsValuation = s.fundamentals()
	r.SpeculationValuation = s.spec
	r.OceanSupply = s.supply()
	r.OceanMinted = s.minted
	r.OceanBurned = s.burned
	r.OceanMintedMonth = changePrevMonth(s.hMinted, TicksPerMonth)
	r.OceanBurnedMonth = changePrevMonth(s.hBurned, TicksPerMonth)
	r.OceanMintedUSDMonth = changePrevMonth(s.hMintedUSD, TicksPerMonth)
	r.OceanBurnedUSDMonth = changePrevMonth(s.hBurnedUSD, TicksPerMonth)
	r.OceanPrice = s.price()
	r.RNDMonth = sumLast(s.gtRev, TicksPerMonth)
	r.RNDToSalesRatio = s.rndToSalesRatio()
	r.GrowthRate = annualMktsGrowthRate(p, r.RNDToSalesRatio)
	r.DaoUSDMonth = monthlyReceived(s.daoUSD, s.tick, TimeStep)
	r.DaoOCEANMonth = monthlyReceived(s.daoOCEAN, s.tick, TimeStep)
	r.DaoOCEANInUSDMonth = r.DaoOCEANMonth * r.OceanPrice
	r.DaoIncomeUSDMonth = r.DaoUSDMonth + r.DaoOCEANInUSDMonth

	r.OceanBurnedUSD = s.burnedUSD
	if n := len(s.hMintedUSD); n > 0 {
		r.OceanMintedUSD = s.hMintedUSD[n-1]
		r.GrantTakersSpent = s.gtRev[n-1]
	}
	r.Wallets = s.w
	r.MintLeft = s.mintLeft
	r.LastMintTick = s.lastMint
	r.LastGrantTick = s.lastGrant
	r.Flows = s.flows
	return r
}
