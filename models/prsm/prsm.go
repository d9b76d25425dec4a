// Package prsm is the FTNS token economy of PRSM as a Go model: the
// tokenomics simulation and stress test of the PRSM demos (five agent
// types, quality-based rewards, four stress scenarios, four validation
// criteria) driven by the FTNS tokenomics API's mechanisms: contributor
// tiers and earning multipliers (phase 1), the dynamic supply controller
// (phase 2, blocks/supply), velocity demurrage (phase 3, blocks/demurrage)
// and the emergency circuit breakers (phase 4, blocks/breaker).
//
// A timestep is one hour by default (steps_per_day = 24), so that the
// breakers' one-hour crash window exists; daily mechanisms (demurrage,
// supply adjustment, metrics) act at the last step of each day. The agent
// population is built at the first timestep from the parameter n_agents,
// so one model serves 40 agents or 10,000. docs/models/prsm.md describes
// the model, its parameters and their sources.
package prsm

import (
	"fmt"
	"math"

	"github.com/statecraft/statecraft/blocks/breaker"
	"github.com/statecraft/statecraft/blocks/metric"
	"github.com/statecraft/statecraft/gds"
)

// Name is the model's registered name.
const Name = "prsm"

// The activity policy's agent_deltas vector: the number of
// records R; R records of recFields numbers, one per agent the step
// changed (its index, then the fields below); then, if validators were
// rewarded, the reward and the indices of the validators on duty that
// have no record (those with one have it in their record).
//
// Fields of a record:
const (
	fBalance    = iota // the agent's balance after its own actions
	fCredit            // FTNS received from others this step
	fVolume            // FTNS moved this step (in and out)
	fValue30           // Value30 after this step's contributions
	fQuality30         // Quality30 after them
	fTier              // tier after them
	fActed             // 1 if the agent did something
	fSubmitted         // contributions submitted
	fAccepted          // contributions accepted
	fEarned            // rewards received
	fLastValue         // last accepted contribution's value
	fLastReward        // and reward
	fLastMult          // and multiplier
	fieldsPerAgent
	recFields = 1 + fieldsPerAgent
)

// model holds the handles of the model's variables, parameters and
// signals, shared by the blocks.
type model struct {
	// state
	agents                                    gds.Agents[Agent]
	day                                       gds.Int
	regime                                    gds.String
	price, priceSupply                        gds.Float
	supply, pool, exchange                    gds.Float
	minted, burned, demurrageCollected        gds.Float
	volume                                    gds.Float
	submissions, accepted, rejected, reviewed gds.Int
	qualitySum                                gds.Float
	haltLeft, limitLeft                       gds.Int
	halted, limited                           gds.Bool
	crashes, spikes                           gds.Int
	priceWindow, volumeWindow, closes         gds.Vec
	targetRate, actualRate, volatility        gds.Float
	damping, adjustment                       gds.Float
	closeN                                    gds.Int
	closeMean, closeM2                        gds.Float
	dailyParticipation, participationSum      gds.Float
	participationDays                         gds.Int
	gini, avgQuality, priceCV, participation  gds.Float
	giniOK, qualityOK, priceOK, participOK    gds.Bool

	p params

	// signals
	crashSig, spikeSig                                  gds.IntSignal
	deltas                                              gds.VecSignal
	poolFlow, exchangeFlow, feeBurn, stepVolume         gds.FloatSignal
	stepSubmitted, stepAccepted, stepRejected, stepRevd gds.IntSignal
	stepQuality                                         gds.FloatSignal
	fees                                                gds.VecSignal
	feesTotal                                           gds.FloatSignal
	ctlTarget, ctlActual, ctlVol, ctlDamping, ctlChange gds.FloatSignal
	ctlMint, ctlBurn                                    gds.FloatSignal
	actedShare                                          gds.FloatSignal
	mGini, mQuality, mCV, mParticipation                gds.FloatSignal

	// per-engine scratch
	work, plan, tmpA, tmpB gds.Scratch
	// the activity policy's: which agents it changed (pos), and what it
	// keeps for a day (day: the day and the population's size;
	// active, validators, models, datas: indices of agents; runs: of
	// kinds among the active), see act
	pos, day_, active, runs, validators, models, datas gds.Scratch

	regimeNames [16]string
}

// params are the model's parameters.
type params struct {
	nAgents, stepsPerDay                         gds.IntParam
	typeShares                                   gds.VecParam
	initialBalance, poolPerAgent, exchPerAgent   gds.FloatParam
	maxAccountAge                                gds.FloatParam
	tierValues, tierQualities, tierMultipliers   gds.VecParam
	minQuality, validationReward                 gds.FloatParam
	queryFeeUSD, topupUSD                        gds.FloatParam
	feeSplit                                     gds.VecParam
	sellFraction, computeCost                    gds.FloatParam
	initialRate, finalRate, maxDailyAdjustment   gds.FloatParam
	dampingMin, targetDecay, dampingSlope        gds.FloatParam
	controllerGain                               gds.FloatParam
	appreciationWindow, volatilityWindow         gds.IntParam
	minHistoryDays                               gds.IntParam
	targetVelocity, graceDays                    gds.FloatParam
	demurrageRates, demurrageModifiers           gds.VecParam
	crashThreshold                               gds.FloatParam
	crashWindowHours, haltHours                  gds.FloatParam
	spikeFactor, spikeBaselineHours              gds.FloatParam
	limitFactor, limitHours                      gds.FloatParam
	mu, sigma, supplyElasticity                  gds.FloatParam
	volWindows, bearWindow                       gds.VecParam
	shortageWindow, floodWindow                  gds.VecParam
	volMultiplier, bearDrift, bearDemand         gds.FloatParam
	shortageCapacity, floodIntensity             gds.FloatParam
	crashStep                                    gds.IntParam
	crashDrop                                    gds.FloatParam
	giniMax, qualityMin, priceCVMax, participMin gds.FloatParam
}

// New builds the model.
func New() (*gds.Model, error) {
	b := gds.NewBuilder(Name)
	m := &model{}
	m.declare(b)
	m.psubs(b)
	return b.Build()
}

func f64(v float64) *float64 { return &v }

func (m *model) declare(b *gds.Builder) {
	doc := gds.Doc
	m.agents = gds.AgentsOf[Agent](b, "agents", nil, doc("the agent population, built at timestep 1 from n_agents"))
	m.day = b.Int("day", 0, doc("day of the simulation, 1-based"))
	m.regime = b.String("regime", "normal", doc("market regimes in force: normal, volatile, bear, shortage, flood"))
	m.price = b.Float("price", 1.0, doc("FTNS price in USD"))
	m.priceSupply = b.Float("price_supply", 0, doc("supply at the last price update (for dilution)"))
	m.supply = b.Float("supply", 0, doc("FTNS supply: minted − burned − demurrage"))
	m.pool = b.Float("pool", 0, doc("reward pool (treasury) FTNS"))
	m.exchange = b.Float("exchange", 0, doc("FTNS held by the external market"))
	m.minted = b.Float("minted", 0, doc("FTNS minted so far, genesis included"))
	m.burned = b.Float("burned", 0, doc("FTNS burned so far"))
	m.demurrageCollected = b.Float("demurrage", 0, doc("FTNS collected as demurrage so far (destroyed)"))
	m.volume = b.Float("volume", 0, doc("FTNS moved between holders in the last step"))
	m.submissions = b.Int("submissions", 0, doc("contributions submitted so far"))
	m.accepted = b.Int("accepted", 0, doc("contributions accepted so far"))
	m.rejected = b.Int("rejected", 0, doc("contributions rejected by validators so far"))
	m.reviewed = b.Int("reviewed", 0, doc("contributions reviewed so far"))
	m.qualitySum = b.Float("quality_sum", 0, doc("sum of the qualities of accepted contributions"))
	m.haltLeft = b.Int("halt_left", 0, doc("steps left of a transaction halt"))
	m.limitLeft = b.Int("limit_left", 0, doc("steps left of reduced transaction limits"))
	m.halted = b.Bool("halted", false, doc("transactions halted this step"))
	m.limited = b.Bool("limited", false, doc("transaction limits reduced this step"))
	m.crashes = b.Int("crash_triggers", 0, doc("price-crash breaker triggers so far"))
	m.spikes = b.Int("spike_triggers", 0, doc("volume-spike breaker triggers so far"))
	m.priceWindow = b.Vec("price_window", nil, doc("recent prices, oldest first (crash window)"))
	m.volumeWindow = b.Vec("volume_window", nil, doc("recent step volumes, oldest first (spike baseline)"))
	m.closes = b.Vec("closes", nil, doc("daily closing prices, oldest first"))
	m.targetRate = b.Float("target_rate", 0.5, doc("target annual appreciation of the supply controller"))
	m.actualRate = b.Float("actual_rate", 0, doc("measured annual appreciation"))
	m.volatility = b.Float("volatility", 0, doc("measured annualized volatility of daily closes"))
	m.damping = b.Float("damping", 1, doc("volatility damping of the supply adjustment"))
	m.adjustment = b.Float("adjustment", 0, doc("supply adjustment of the day: factor − 1"))
	m.closeN = b.Int("close_days", 0, doc("daily closes so far"))
	m.closeMean = b.Float("close_mean", 0, doc("mean daily close"))
	m.closeM2 = b.Float("close_m2", 0, doc("sum of squared deviations of daily closes (Welford)"))
	m.dailyParticipation = b.Float("daily_participation", 0, doc("share of agents that acted on the last completed day"))
	m.participationSum = b.Float("participation_sum", 0, doc("sum of daily participation"))
	m.participationDays = b.Int("participation_days", 0, doc("days counted in participation_sum"))
	m.gini = b.Float("gini", 0, doc("Gini coefficient of agents' FTNS holdings"))
	m.avgQuality = b.Float("avg_quality", 0, doc("mean quality of accepted contributions"))
	m.priceCV = b.Float("price_cv", 0, doc("coefficient of variation of daily closing prices"))
	m.participation = b.Float("participation", 0, doc("mean over days of the share of agents that acted"))
	m.giniOK = b.Bool("gini_ok", false, doc("criterion: gini ≤ gini_max"))
	m.qualityOK = b.Bool("quality_ok", false, doc("criterion: avg_quality ≥ quality_min"))
	m.priceOK = b.Bool("price_ok", false, doc("criterion: price_cv ≤ price_cv_max"))
	m.participOK = b.Bool("participation_ok", false, doc("criterion: participation ≥ participation_min"))

	p := &m.p
	p.nAgents = b.ParamInt("n_agents", 40, "number of agents (seed: 30-50)")
	b.ParamBounds("n_agents", f64(1), f64(10_000_000))
	p.stepsPerDay = b.ParamInt("steps_per_day", 24, "timesteps per day (24: hourly)")
	b.ParamBounds("steps_per_day", f64(1), f64(1440))
	p.typeShares = b.ParamVec("type_shares", []float64{0.30, 0.20, 0.30, 0.15, 0.05}, "shares of data contributors, model creators, query users, validators, freeloaders (seed)")
	p.initialBalance = b.ParamFloat("initial_balance", 100, "FTNS each agent starts with (seed: onboarding example)")
	b.ParamBounds("initial_balance", f64(0), nil)
	p.poolPerAgent = b.ParamFloat("pool_per_agent", 5000, "reward pool FTNS at genesis, per agent")
	b.ParamBounds("pool_per_agent", f64(0), nil)
	p.exchPerAgent = b.ParamFloat("exchange_per_agent", 25000, "FTNS held by the external market at genesis, per agent")
	b.ParamBounds("exchange_per_agent", f64(0), nil)
	p.maxAccountAge = b.ParamFloat("max_account_age_days", 365, "accounts' ages at start are uniform in [0, this) days")
	b.ParamBounds("max_account_age_days", f64(0), nil)
	p.tierValues = b.ParamVec("tier_values", []float64{10, 50, 100}, "recent contribution value for basic, active, power (seed)")
	p.tierQualities = b.ParamVec("tier_qualities", []float64{0.6, 0.7, 0.8}, "recent contribution quality for basic, active, power (seed)")
	p.tierMultipliers = b.ParamVec("tier_multipliers", []float64{0, 1.0, 1.3, 1.6}, "earning multipliers of none, basic, active, power (seed)")
	p.minQuality = b.ParamFloat("min_quality", 0.6, "validators reject reviewed contributions below this quality (seed: basic tier quality)")
	p.validationReward = b.ParamFloat("validation_reward", 1.0, "FTNS per review, from the pool")
	p.queryFeeUSD = b.ParamFloat("query_fee_usd", 2.0, "USD price of a query, paid in FTNS")
	p.topupUSD = b.ParamFloat("topup_usd", 50, "USD of FTNS a query user buys when it runs short")
	p.feeSplit = b.ParamVec("fee_split", []float64{0.6, 0.2, 0.1, 0.1}, "query fee shares: model creator, data contributor, burned, pool")
	p.sellFraction = b.ParamFloat("sell_fraction", 0.2, "share of its balance a provider sells, about once per active day")
	b.ParamBounds("sell_fraction", f64(0), f64(1))
	p.computeCost = b.ParamFloat("compute_cost", 10, "FTNS a model creator pays the pool for the compute of one model")
	p.initialRate = b.ParamFloat("initial_rate", 0.5, "target annual appreciation at launch (seed: 50%)")
	p.finalRate = b.ParamFloat("final_rate", 0.02, "long-run target annual appreciation (seed: 2%)")
	p.maxDailyAdjustment = b.ParamFloat("max_daily_adjustment", 0.001, "largest daily supply change (seed: 0.1%)")
	b.ParamBounds("max_daily_adjustment", f64(0), f64(1))
	p.dampingMin = b.ParamFloat("damping_min", 0.5, "smallest volatility damping (seed: 0.5-1.0)")
	p.targetDecay = b.ParamFloat("target_decay", 0.003, "per-day decay of the target rate (PRSM source)")
	p.dampingSlope = b.ParamFloat("damping_slope", 2.0, "damping = 1 − slope·volatility (PRSM source)")
	p.controllerGain = b.ParamFloat("controller_gain", 0.2, "integral gain of the supply controller")
	p.appreciationWindow = b.ParamInt("appreciation_window_days", 30, "days of the appreciation measurement (PRSM source)")
	b.ParamBounds("appreciation_window_days", f64(1), f64(3650))
	p.volatilityWindow = b.ParamInt("volatility_window_days", 7, "days of the volatility measurement (PRSM source)")
	b.ParamBounds("volatility_window_days", f64(2), f64(3650))
	p.minHistoryDays = b.ParamInt("min_history_days", 7, "days of price history before the controller acts (PRSM source)")
	b.ParamBounds("min_history_days", f64(1), f64(3650))
	p.targetVelocity = b.ParamFloat("target_velocity", 1.2, "monthly velocity target of demurrage categories (PRSM source)")
	p.graceDays = b.ParamFloat("grace_days", 90, "demurrage grace period of new accounts (seed: 90 days)")
	p.demurrageRates = b.ParamVec("demurrage_rates", []float64{0.001, 0.002, 0.004, 0.010}, "monthly demurrage of high, moderate, low, inactive velocity (seed)")
	p.demurrageModifiers = b.ParamVec("demurrage_modifiers", []float64{1.5, 1.0, 0.7, 0.5}, "demurrage modifiers of none, basic, active, power (seed)")
	p.crashThreshold = b.ParamFloat("crash_threshold", 0.4, "price drop within the window that halts transactions (seed: 40%)")
	p.crashWindowHours = b.ParamFloat("crash_window_hours", 1, "window of the crash detector (seed: 1 hour)")
	p.haltHours = b.ParamFloat("halt_hours", 24, "length of a transaction halt")
	p.spikeFactor = b.ParamFloat("spike_factor", 5, "volume against its moving average that reduces limits (seed: 5x)")
	p.spikeBaselineHours = b.ParamFloat("spike_baseline_hours", 168, "moving-average window of the volume (PRSM source: 7 days)")
	p.limitFactor = b.ParamFloat("limit_factor", 0.5, "transaction limits while reduced (seed: 0.5)")
	b.ParamBounds("limit_factor", f64(0), f64(1))
	p.limitHours = b.ParamFloat("limit_hours", 1, "length of a limit reduction (seed: 3600 s)")
	p.mu = b.ParamFloat("mu", math.Log(1.5)/365, "drift of the log price per day (50% a year)")
	p.sigma = b.ParamFloat("sigma", 0.03, "volatility of the log price per √day")
	b.ParamBounds("sigma", f64(0), nil)
	p.supplyElasticity = b.ParamFloat("supply_elasticity", 1, "log price change per log supply change, negated")
	p.volWindows = b.ParamVec("vol_windows", nil, "day windows [start, end, ...] of high volatility")
	p.volMultiplier = b.ParamFloat("vol_multiplier", 4, "volatility multiplier in vol_windows")
	p.bearWindow = b.ParamVec("bear_window", nil, "day windows [start, end, ...] of the bear market")
	p.bearDrift = b.ParamFloat("bear_drift", -0.03, "extra log-price drift per day in a bear market")
	p.bearDemand = b.ParamFloat("bear_demand", 0.6, "activity multiplier of query users and model creators in a bear market")
	b.ParamBounds("bear_demand", f64(0), f64(1))
	p.shortageWindow = b.ParamVec("shortage_window", nil, "day windows [start, end, ...] of the compute shortage")
	p.shortageCapacity = b.ParamFloat("shortage_capacity", 0.4, "share of compute available in a shortage")
	b.ParamBounds("shortage_capacity", f64(0), f64(1))
	p.floodWindow = b.ParamVec("flood_window", nil, "day windows [start, end, ...] of the low-quality data flood")
	p.floodIntensity = b.ParamFloat("flood_intensity", 10, "low-quality uploads per active day of each data contributor and freeloader in a flood")
	b.ParamBounds("flood_intensity", f64(0), nil)
	p.crashStep = b.ParamInt("crash_step", 0, "timestep of a scripted price crash (0: none)")
	p.crashDrop = b.ParamFloat("crash_drop", 0.45, "fall of the price in the scripted crash")
	b.ParamBounds("crash_drop", f64(0), f64(0.999))
	p.giniMax = b.ParamFloat("gini_max", 0.7, "criterion: Gini at most this (seed)")
	p.qualityMin = b.ParamFloat("quality_min", 0.6, "criterion: average quality at least this (seed)")
	p.priceCVMax = b.ParamFloat("price_cv_max", 0.2, "criterion: price coefficient of variation at most this (seed: variance ≤ 20%)")
	p.participMin = b.ParamFloat("participation_min", 0.5, "criterion: mean daily participation at least this (seed)")

	m.crashSig = b.IntSignal("crash", gds.Max)
	m.spikeSig = b.IntSignal("spike", gds.Max)
	m.deltas = b.VecSignal("agent_deltas", gds.Last)
	m.poolFlow = b.FloatSignal("pool_flow", gds.Sum)
	m.exchangeFlow = b.FloatSignal("exchange_flow", gds.Sum)
	m.feeBurn = b.FloatSignal("fee_burn", gds.Sum)
	m.stepVolume = b.FloatSignal("step_volume", gds.Sum)
	m.stepSubmitted = b.IntSignal("step_submitted", gds.Sum)
	m.stepAccepted = b.IntSignal("step_accepted", gds.Sum)
	m.stepRejected = b.IntSignal("step_rejected", gds.Sum)
	m.stepRevd = b.IntSignal("step_reviewed", gds.Sum)
	m.stepQuality = b.FloatSignal("step_quality", gds.Sum)
	m.fees = b.VecSignal("fees", gds.Last)
	m.feesTotal = b.FloatSignal("fees_total", gds.Sum)
	m.ctlTarget = b.FloatSignal("ctl_target", gds.Last)
	m.ctlActual = b.FloatSignal("ctl_actual", gds.Last)
	m.ctlVol = b.FloatSignal("ctl_volatility", gds.Last)
	m.ctlDamping = b.FloatSignal("ctl_damping", gds.Last)
	m.ctlChange = b.FloatSignal("ctl_change", gds.Last)
	m.ctlMint = b.FloatSignal("ctl_mint", gds.Sum)
	m.ctlBurn = b.FloatSignal("ctl_burn", gds.Sum)
	m.actedShare = b.FloatSignal("acted_share", gds.Last)
	m.mGini = b.FloatSignal("m_gini", gds.Last)
	m.mQuality = b.FloatSignal("m_quality", gds.Last)
	m.mCV = b.FloatSignal("m_price_cv", gds.Last)
	m.mParticipation = b.FloatSignal("m_participation", gds.Last)

	m.work, m.plan, m.tmpA, m.tmpB = b.Scratch(), b.Scratch(), b.Scratch(), b.Scratch()
	m.pos, m.day_, m.active, m.runs = b.Scratch(), b.Scratch(), b.Scratch(), b.Scratch()
	m.validators, m.models, m.datas = b.Scratch(), b.Scratch(), b.Scratch()

	for mask := range m.regimeNames {
		name := ""
		for bit, r := range []string{"volatile", "bear", "shortage", "flood"} {
			if mask&(1<<bit) != 0 {
				if name != "" {
					name += "+"
				}
				name += r
			}
		}
		if name == "" {
			name = "normal"
		}
		m.regimeNames[mask] = name
	}
}

// Regime bits.
const (
	regVolatile = 1 << iota
	regBear
	regShortage
	regFlood
)

// clock is where a timestep falls in the day.
type clock struct {
	spd      int  // steps per day
	day      int  // 1-based day of the step
	firstOf  bool // the day's first step
	lastOf   bool // the day's last step
	stepDays float64
}

func (m *model) clock(c *gds.Ctx) clock {
	spd := int(max(m.p.stepsPerDay.Get(c), 1))
	return clock{spd: spd, day: (c.T-1)/spd + 1, firstOf: (c.T-1)%spd == 0, lastOf: c.T%spd == 0, stepDays: 1 / float64(spd)}
}

// hours converts a duration in hours to a number of steps, at least 1.
func (k clock) steps(hours float64) int {
	return max(int(math.Round(hours*float64(k.spd)/24)), 1)
}

// inWindows reports whether day falls in one of the [start, end] day pairs
// of w (inclusive). It panics, failing the job with the parameter's name,
// when w is not a list of pairs.
func inWindows(name string, w []float64, day int) bool {
	if len(w)%2 != 0 {
		panic(fmt.Sprintf("parameter %s: windows are [start, end] day pairs; got %d numbers", name, len(w)))
	}
	d := float64(day)
	for i := 0; i < len(w); i += 2 {
		if d >= w[i] && d <= w[i+1] {
			return true
		}
	}
	return false
}

// regimes returns the regime bits in force on day.
func (m *model) regimes(c *gds.Ctx, day int) int {
	p := &m.p
	r := 0
	if inWindows("vol_windows", p.volWindows.Get(c), day) {
		r |= regVolatile
	}
	if inWindows("bear_window", p.bearWindow.Get(c), day) {
		r |= regBear
	}
	if inWindows("shortage_window", p.shortageWindow.Get(c), day) {
		r |= regShortage
	}
	if inWindows("flood_window", p.floodWindow.Get(c), day) {
		r |= regFlood
	}
	return r
}

func (m *model) psubs(b *gds.Builder) {
	m.populationPSUB(b)
	m.marketPSUB(b)
	m.breakerPSUB(b)
	m.activityPSUB(b)
	m.dailyPSUB(b)
	m.metricsPSUB(b)
}

// ---------------------------------------------------------------- PSUB 1

// populationPSUB builds the population and the genesis balances at
// timestep 1 and draws who is active at the first step of each day.
func (m *model) populationPSUB(b *gds.Builder) {
	p := &m.p
	// genesis returns the number of agents and their total balance at
	// timestep 1: the population given as initial state, or n_agents with
	// the initial balance each.
	genesis := func(c *gds.Ctx) (n, balances float64) {
		cur := m.agents.Get(c)
		nAgents, initBal := p.nAgents.Get(c), p.initialBalance.Get(c)
		switch {
		case c.T != 1:
			return 0, 0 // unused: the callers keep their variables
		case len(cur) == 0:
			return float64(nAgents), float64(nAgents) * initBal
		}
		for _, a := range cur {
			balances += a.Balance
		}
		return float64(len(cur)), balances
	}
	genesisOnly := func(v gds.Float, f func(c *gds.Ctx, n, balances float64) float64) gds.Block {
		return v.Update(func(c *gds.Ctx) float64 {
			n, bal := genesis(c)
			x := f(c, n, bal)
			if c.T != 1 {
				return v.Get(c)
			}
			return x
		})
	}
	total := func(c *gds.Ctx, n, bal float64) float64 {
		return bal + float64(n*p.poolPerAgent.Get(c)) + float64(n*p.exchPerAgent.Get(c))
	}
	b.PSUB("population",
		m.agents.Edit(func(c *gds.Ctx, tx *gds.AgentsTx[Agent]) {
			k := m.clock(c)
			cur := m.agents.Get(c)
			n, shares := int(p.nAgents.Get(c)), p.typeShares.Get(c)
			bal, maxAge := p.initialBalance.Get(c), p.maxAccountAge.Get(c)
			bearDemand := p.bearDemand.Get(c)
			reg := m.regimes(c, k.day)
			if c.T == 1 && len(cur) == 0 {
				population(tx.Append, c.Rand, n, shares, bal, maxAge)
			} else if !k.firstOf {
				return
			}
			for i := range tx.Len() {
				a := tx.At(i)
				act := a.Activity
				if reg&regBear != 0 && (a.Kind == QueryUser || a.Kind == ModelCreator) {
					act *= bearDemand
				}
				a.ActiveToday = c.Rand.Float64() < act
				a.ActedToday = false
				a.VolumeToday = 0
			}
		}),
		genesisOnly(m.pool, func(c *gds.Ctx, n, _ float64) float64 { return n * p.poolPerAgent.Get(c) }),
		genesisOnly(m.exchange, func(c *gds.Ctx, n, _ float64) float64 { return n * p.exchPerAgent.Get(c) }),
		genesisOnly(m.minted, total),
		genesisOnly(m.supply, total),
		m.closes.Update(func(c *gds.Ctx, dst []float64) []float64 {
			capacity := int(max(p.appreciationWindow.Get(c), p.volatilityWindow.Get(c))) + 1
			price := m.price.Get(c)
			if c.T != 1 {
				return m.closes.Get(c)
			}
			return metric.Window(dst[:0], nil, price, capacity) // day 0's close
		}),
	)
}

// ---------------------------------------------------------------- PSUB 2

// marketPSUB moves the price: a log-normal step with the drift and
// volatility of the regimes in force, diluted by supply growth, and the
// scripted crash.
func (m *model) marketPSUB(b *gds.Builder) {
	p := &m.p
	b.PSUB("market",
		m.price.Update(func(c *gds.Ctx) float64 {
			k := m.clock(c)
			reg := m.regimes(c, k.day)
			price, s, s0 := m.price.Get(c), m.supply.Get(c), m.priceSupply.Get(c)
			mu, sigma := p.mu.Get(c), p.sigma.Get(c)
			volMult, bearDrift, eps := p.volMultiplier.Get(c), p.bearDrift.Get(c), p.supplyElasticity.Get(c)
			crashStep, crashDrop := p.crashStep.Get(c), p.crashDrop.Get(c)
			if reg&regVolatile != 0 {
				sigma *= volMult
			}
			if reg&regBear != 0 {
				mu += bearDrift
			}
			r := float64(mu*k.stepDays) + float64(sigma*math.Sqrt(k.stepDays)*c.NormFloat64())
			if s0 > 0 && s > 0 {
				r -= float64(eps * math.Log(s/s0))
			}
			price *= math.Exp(r)
			if int64(c.T) == crashStep {
				price *= 1 - crashDrop
			}
			return price
		}),
		m.priceSupply.Update(func(c *gds.Ctx) float64 { return m.supply.Get(c) }),
		m.day.Update(func(c *gds.Ctx) int64 { return int64(m.clock(c).day) }),
		m.regime.Update(func(c *gds.Ctx) string { return m.regimeNames[m.regimes(c, m.clock(c).day)] }),
	)
}

// ---------------------------------------------------------------- PSUB 3

// breakerPSUB runs the emergency protocols on the new price and the last
// step's volume: a crash of crash_threshold within crash_window_hours
// halts transactions for halt_hours; a volume of spike_factor times its
// moving average reduces limits for limit_hours.
func (m *model) breakerPSUB(b *gds.Builder) {
	p := &m.p
	detect := gds.Policy("detect", func(c *gds.Ctx) {
		k := m.clock(c)
		price, vol := m.price.Get(c), m.volume.Get(c)
		pw, vw := m.priceWindow.Get(c), m.volumeWindow.Get(c)
		crash := breaker.Crash{Threshold: p.crashThreshold.Get(c)}
		spike := breaker.Spike{Factor: p.spikeFactor.Get(c), MinHistory: k.spd}
		var hit, burst int64
		if crash.Triggered(pw, price) {
			hit = 1
		}
		if spike.Triggered(vw, vol) {
			burst = 1
		}
		m.crashSig.Emit(c, hit)
		m.spikeSig.Emit(c, burst)
	})
	haltSteps := func(c *gds.Ctx) int64 { return int64(m.clock(c).steps(p.haltHours.Get(c))) }
	limitSteps := func(c *gds.Ctx) int64 { return int64(m.clock(c).steps(p.limitHours.Get(c))) }
	b.PSUB("breakers", detect,
		m.haltLeft.Update(func(c *gds.Ctx) int64 {
			return breaker.Countdown(m.haltLeft.Get(c), m.crashSig.Get(c) > 0, haltSteps(c))
		}),
		m.limitLeft.Update(func(c *gds.Ctx) int64 {
			return breaker.Countdown(m.limitLeft.Get(c), m.spikeSig.Get(c) > 0, limitSteps(c))
		}),
		m.halted.Update(func(c *gds.Ctx) bool {
			return breaker.Countdown(m.haltLeft.Get(c), m.crashSig.Get(c) > 0, haltSteps(c)) > 0
		}),
		m.limited.Update(func(c *gds.Ctx) bool {
			return breaker.Countdown(m.limitLeft.Get(c), m.spikeSig.Get(c) > 0, limitSteps(c)) > 0
		}),
		m.crashes.Update(func(c *gds.Ctx) int64 { return m.crashes.Get(c) + m.crashSig.Get(c) }),
		m.spikes.Update(func(c *gds.Ctx) int64 { return m.spikes.Get(c) + m.spikeSig.Get(c) }),
		m.priceWindow.Update(func(c *gds.Ctx, dst []float64) []float64 {
			k := m.clock(c)
			return metric.Window(dst[:0], m.priceWindow.Get(c), m.price.Get(c), k.steps(p.crashWindowHours.Get(c)))
		}),
		m.volumeWindow.Update(func(c *gds.Ctx, dst []float64) []float64 {
			k := m.clock(c)
			return metric.Window(dst[:0], m.volumeWindow.Get(c), m.volume.Get(c), k.steps(p.spikeBaselineHours.Get(c)))
		}),
	)
}

// ---------------------------------------------------------------- PSUB 4

// activityPSUB: the agents act (policy in activity.go); the updates apply
// what they did.
func (m *model) activityPSUB(b *gds.Builder) {
	b.PSUB("activity",
		gds.Policy("agents_act", m.act),
		m.agents.Edit(func(c *gds.Ctx, tx *gds.AgentsTx[Agent]) {
			_ = m.agents.Get(c)
			w := m.deltas.Get(c)
			if len(w) == 0 {
				return
			}
			end := 1 + int(w[0])*recFields
			for r := 1; r < end; r += recFields {
				a, d := tx.At(int(w[r])), w[r+1:r+recFields]
				a.Balance = d[fBalance] + d[fCredit]
				a.VolumeToday += d[fVolume]
				a.Value30, a.Quality30, a.Tier = d[fValue30], d[fQuality30], int64(d[fTier])
				a.ActedToday = a.ActedToday || d[fActed] > 0
				a.Submitted += int64(d[fSubmitted])
				a.Accepted += int64(d[fAccepted])
				a.Earned += d[fEarned]
				a.LastValue, a.LastReward, a.LastMultiplier = d[fLastValue], d[fLastReward], d[fLastMult]
			}
			if end < len(w) {
				// Rewarded validators without a record: as if their
				// record held the reward in its credit, volume and
				// earnings, and nothing else.
				each := w[end]
				for _, x := range w[end+1:] {
					a := tx.At(int(x))
					a.Balance += 0 + each
					a.VolumeToday += 0 + each
					a.Earned += 0 + each
				}
			}
		}),
		m.pool.Update(func(c *gds.Ctx) float64 { return m.pool.Get(c) + m.poolFlow.Get(c) }),
		m.exchange.Update(func(c *gds.Ctx) float64 { return m.exchange.Get(c) + m.exchangeFlow.Get(c) }),
		m.burned.Update(func(c *gds.Ctx) float64 { return m.burned.Get(c) + m.feeBurn.Get(c) }),
		m.supply.Update(func(c *gds.Ctx) float64 { return m.supply.Get(c) - m.feeBurn.Get(c) }),
		m.volume.Update(m.stepVolume.Get),
		m.submissions.Update(func(c *gds.Ctx) int64 { return m.submissions.Get(c) + m.stepSubmitted.Get(c) }),
		m.accepted.Update(func(c *gds.Ctx) int64 { return m.accepted.Get(c) + m.stepAccepted.Get(c) }),
		m.rejected.Update(func(c *gds.Ctx) int64 { return m.rejected.Get(c) + m.stepRejected.Get(c) }),
		m.reviewed.Update(func(c *gds.Ctx) int64 { return m.reviewed.Get(c) + m.stepRevd.Get(c) }),
		m.qualitySum.Update(func(c *gds.Ctx) float64 { return m.qualitySum.Get(c) + m.stepQuality.Get(c) }),
	)
}
