// Package wsloopref is a plain-Go reference implementation of TokenSPICE's
// Web3 Sustainability Loop netlist (repository tokenspice/tokenspice,
// directory netlists/wsloop, with the agents of agents/ and the engine of
// engine/ that it uses). It exists to be the test oracle of a declarative
// Statecraft model of the same netlist, so it reproduces what TokenSPICE's
// code computes, in the order it computes it, including the places where the
// code and its docstrings disagree. Every such place has a corrected variant,
// a bool field of Params that is false (TokenSPICE's behaviour) by default.
//
// The package depends on nothing but the standard library. Run(p, n) returns
// the rows 0..n of a run: row t is the state after t ticks, which is what
// TokenSPICE's SimEngine logs for tick t (it logs before it steps the tick).
// One tick is one day. docs/models/wsloop.md is the specification.
//
// wsloop draws no random numbers. The only nondeterminism in TokenSPICE is
// the order in which it steps the agents (SimState.py puts them in a Python
// set); this package steps them in the order SimState.py creates them, which
// is the order StepOrder returns.
package wsloopref

// Time constants of TokenSPICE's util/constants.py, in seconds, and the time
// step netlists/wsloop/SimStrategy.py sets.
const (
	// SecondsPerDay is S_PER_DAY.
	SecondsPerDay = 24 * 60 * 60
	// SecondsPerMonth is S_PER_MONTH: a month is 30 days.
	SecondsPerMonth = 30 * SecondsPerDay
	// SecondsPerYear is S_PER_YEAR: a year is 365 days.
	SecondsPerYear = 365 * SecondsPerDay
	// TimeStep is the seconds per tick: SimStrategy.setTimeStep(S_PER_DAY).
	TimeStep = SecondsPerDay
	// TicksPerMonth is KPIs._ticksOneMonth(): ceil(S_PER_MONTH / time_step).
	TicksPerMonth = (SecondsPerMonth + TimeStep - 1) / TimeStep
	// BitcoinNumHalfLives is BITCOIN_NUM_HALF_LIVES: the minter mints all
	// that is left once t/H exceeds it (RampedExpFunc.keepMinting).
	BitcoinNumHalfLives = 34
	// DefaultTicks is the default horizon of 10 years (SimStrategy sets 2
	// years and notes that typical runs are 10; we fixed 10).
	DefaultTicks = 10 * SecondsPerYear / TimeStep
)

// Params holds the parameters of a run. Defaults returns TokenSPICE's values.
// Each field names the TokenSPICE file and name it comes from; "SimStrategy"
// and "SimState" are netlists/wsloop/SimStrategy.py and SimState.py.
type Params struct {
	// PercentConsumeSalesForNetwork is the share of marketplace consume
	// sales that is network revenue: SimStrategy
	// _percent_consume_sales_for_network = 0.03.
	PercentConsumeSalesForNetwork float64
	// PercentSwapSalesForNetwork is the share of swap sales that is network
	// revenue: SimStrategy _percent_swap_sales_for_network = 0.001.
	PercentSwapSalesForNetwork float64
	// SwapToConsumeSalesRatio is swap volume per unit of consume volume:
	// SimStrategy _swap_to_consume_sales_ratio = 100.
	SwapToConsumeSalesRatio float64
	// InitNMarketplaces is the initial number of marketplaces: SimStrategy
	// init_n_marketplaces = 1 (SimState passes float(...) to the agent).
	InitNMarketplaces float64
	// InitConsumeSalesPerMarketplacePerMonth is the initial consume sales of
	// one marketplace per month, in USD: SimState passes
	// sales_per_marketplace_per_s = 20e3 / S_PER_MONTH to MarketplacesAgent
	// (its "magic number"), so the default is 20e3.
	InitConsumeSalesPerMarketplacePerMonth float64
	// PercentBurn is the share of network revenue the router sends to the
	// burner; the rest, 1 - PercentBurn, goes to the DAO: SimStrategy
	// _percent_burn = 0.05, percentToBurn(), percentToOceanDao().
	PercentBurn float64
	// PSRatio is the price-to-sales ratio of the fundamentals valuation:
	// SimStrategy _p_s_ratio = 30.
	PSRatio float64
	// InitSpeculationValuation is the initial speculation valuation in USD:
	// SimStrategy _init_speculation_valuation = 150e6.
	InitSpeculationValuation float64
	// SpeculationGrowthPerYear is the yearly rate of the speculation
	// valuation: SimStrategy _percent_increase_speculation_valuation_per_s =
	// 0.10 / S_PER_YEAR, so the default is 0.10 (see
	// SpeculationAnnualCompounding for how it is applied).
	SpeculationGrowthPerYear float64
	// GrowthRateIf0Sales is the marketplaces' yearly growth rate at an R&D
	// to sales ratio of 0: SimStrategy growth_rate_if_0_sales = -0.118.
	GrowthRateIf0Sales float64
	// MaxGrowthRate is the yearly growth rate the ratio approaches:
	// SimStrategy max_growth_rate = 0.415 (its comment argues for 0.225).
	MaxGrowthRate float64
	// Tau is the ratio at which the growth rate has made half of its way
	// from GrowthRateIf0Sales to MaxGrowthRate: SimStrategy tau = 0.6.
	Tau float64
	// TotalOCEANSupply is the OCEAN supply cap: SimStrategy
	// TOTAL_OCEAN_SUPPLY = 1.41e9.
	TotalOCEANSupply float64
	// InitOCEANSupply is the supply at the start: SimStrategy
	// INIT_OCEAN_SUPPLY = 0.49 * TOTAL_OCEAN_SUPPLY. The minter mints
	// UNMINTED_OCEAN_SUPPLY = TotalOCEANSupply - InitOCEANSupply.
	InitOCEANSupply float64
	// OPFTreasuryUSD is the USD of the treasury opf_treasury_for_opf_mgmt:
	// SimStrategy OPF_TREASURY_USD = 2e6.
	OPFTreasuryUSD float64
	// OPFTreasuryOCEAN is the OCEAN of both OPF treasuries together:
	// SimStrategy OPF_TREASURY_OCEAN = 200e6.
	OPFTreasuryOCEAN float64
	// OPFTreasuryOCEANForOceanDAO is the OCEAN of opf_treasury_for_ocean_dao:
	// SimStrategy OPF_TREASURY_OCEAN_FOR_OCEAN_DAO = 100e6; the rest of
	// OPFTreasuryOCEAN (OPF_TREASURY_OCEAN_FOR_OPF_MGMT) is
	// opf_treasury_for_opf_mgmt's.
	OPFTreasuryOCEANForOceanDAO float64
	// BDBTreasuryUSD is the USD of bdb_treasury: SimStrategy
	// BDB_TREASURY_USD = 2e6.
	BDBTreasuryUSD float64
	// BDBTreasuryOCEAN is the OCEAN of bdb_treasury: SimStrategy
	// BDB_TREASURY_OCEAN = 20e6.
	BDBTreasuryOCEAN float64
	// OPFGrants is the number of grants of each OPF treasury: SimState
	// n_actions = 12 * 3.
	OPFGrants int
	// BDBGrants is the number of grants of bdb_treasury: SimState
	// n_actions = 17.
	BDBGrants int
	// GrantIntervalSeconds is the time between grants: SimState
	// s_between_grants = S_PER_MONTH.
	GrantIntervalSeconds int
	// MintIntervalSeconds is the time between mints: SimState
	// s_between_mints = S_PER_DAY.
	MintIntervalSeconds int
	// MintH is the half-life in years of the minting curve: SimState
	// RampedExpFunc(H=4.0, ...).
	MintH float64
	// MintT0 is the year minting starts: SimState RampedExpFunc T0 = 0.5.
	MintT0 float64
	// MintT1 is the year of the first ratchet: SimState T1 = 1.0.
	MintT1 float64
	// MintT2 is the year of the second ratchet: SimState T2 = 1.4.
	MintT2 float64
	// MintT3 is the year of full minting: SimState T3 = 3.0.
	MintT3 float64
	// MintM1 is the multiplier from T0: SimState M1 = 0.10.
	MintM1 float64
	// MintM2 is the multiplier from T1: SimState M2 = 0.25.
	MintM2 float64
	// MintM3 is the multiplier from T2: SimState M3 = 0.50.
	MintM3 float64
	// BurnLoops is the number of slices in which the burner buys and burns
	// OCEAN, re-pricing after each: agents/OCEANBurnerAgent.py nloops = 10.
	BurnLoops int

	// The corrected variants. false is what TokenSPICE does.

	// MintBreakpointConstants evaluates G1, G2 and G3 of the ramped minting
	// curve at the breakpoints T1, T2, T3, as the RampedExpFunc docstring
	// says (agents/MinterAgents.py). TokenSPICE's _MYG evaluates them at the
	// current t, so from T1 on the effective multipliers are M1+M2, then
	// M1+M2+M3, instead of M2, then M3.
	MintBreakpointConstants bool
	// SpeculationAnnualCompounding grows the speculation valuation by
	// (1+SpeculationGrowthPerYear)^(1/365) per tick, so that it grows by
	// SpeculationGrowthPerYear a year. TokenSPICE multiplies by
	// 1 + (0.10/S_PER_YEAR)*time_step each tick, which compounds daily to
	// 10.516% a year (SimState._updateSpeculationValuation).
	SpeculationAnnualCompounding bool
	// RatioOverConsumeSales divides the month's R&D by the month's consume
	// sales of all marketplaces, as the column name rnd_to_cons_sales_ratio
	// and the plot label "R&D/consume_sales ratio" say (KPIs.py). TokenSPICE's
	// mktsRNDToSalesRatio divides by the month's network revenue.
	RatioOverConsumeSales bool
	// RatioGuardZeroSales makes the R&D to sales ratio 0 when the month's
	// sales are 0. TokenSPICE guards only a zero numerator, so R&D > 0 with
	// no sales raises ZeroDivisionError there; Run panics in that case.
	RatioGuardZeroSales bool
	// ExactPastWindows makes the one-month-ago and one-year-ago revenue
	// windows of the growth columns exactly 30 and 365 ticks. TokenSPICE's
	// _salesOverInterval counts both ends of [t1, t2] in seconds, so those
	// windows also take one second of the tick that starts at t2
	// (KPIs.oceanMonthlyRevenueOneMonthAgo, oceanAnnualRevenueOneYearAgo).
	ExactPastWindows bool
	// StakedFromConsumeSales computes tot_staked as totalStaked of the daily
	// consume sales, as totalStaked's parameter name daily_consume_sales
	// says. TokenSPICE's netlist_createLogData passes it the daily total
	// sales, so swap volume is added twice (tot_staked = 101^2 x consume).
	StakedFromConsumeSales bool
	// DailySalesOver30Days divides the month's sales by 30 days, the length
	// of S_PER_MONTH, for allmkts_tot_sales/day. TokenSPICE divides by 30.5.
	DailySalesOver30Days bool
	// MintedUSDAtMintPrice accumulates OCEAN_minted_USD as the sum over ticks
	// of the OCEAN minted in the tick times that tick's end price.
	// TokenSPICE's KPIs.takeStep records all OCEAN minted so far times the
	// current price, so OCEAN_minted_USD/mo also moves with the price.
	MintedUSDAtMintPrice bool
}

// Defaults returns TokenSPICE's parameters: SimStrategy's defaults and the
// constants SimState passes to the agents, every corrected variant off.
func Defaults() Params {
	total := 1.41e9
	return Params{
		PercentConsumeSalesForNetwork:          0.03,
		PercentSwapSalesForNetwork:             0.001,
		SwapToConsumeSalesRatio:                100.0,
		InitNMarketplaces:                      1,
		InitConsumeSalesPerMarketplacePerMonth: 20e3,
		PercentBurn:                            0.05,
		PSRatio:                                30.0,
		InitSpeculationValuation:               150e6,
		SpeculationGrowthPerYear:               0.10,
		GrowthRateIf0Sales:                     -0.118,
		MaxGrowthRate:                          0.415,
		Tau:                                    0.6,
		TotalOCEANSupply:                       total,
		InitOCEANSupply:                        mul(0.49, total),
		OPFTreasuryUSD:                         2e6,
		OPFTreasuryOCEAN:                       200e6,
		OPFTreasuryOCEANForOceanDAO:            100e6,
		BDBTreasuryUSD:                         2e6,
		BDBTreasuryOCEAN:                       20e6,
		OPFGrants:                              12 * 3,
		BDBGrants:                              17,
		GrantIntervalSeconds:                   SecondsPerMonth,
		MintIntervalSeconds:                    SecondsPerDay,
		MintH:                                  4.0,
		MintT0:                                 0.5,
		MintT1:                                 1.0,
		MintT2:                                 1.4,
		MintT3:                                 3.0,
		MintM1:                                 0.10,
		MintM2:                                 0.25,
		MintM3:                                 0.50,
		BurnLoops:                              10,
	}
}

// mul multiplies in float64 at run time, as Python does, rather than in the
// exact arithmetic of Go constants.
func mul(a, b float64) float64 { return a * b }

// UnmintedOCEANSupply is what the minter ocean_51 will mint in all:
// SimStrategy UNMINTED_OCEAN_SUPPLY = TOTAL_OCEAN_SUPPLY - INIT_OCEAN_SUPPLY.
func (p Params) UnmintedOCEANSupply() float64 { return p.TotalOCEANSupply - p.InitOCEANSupply }

// OPFTreasuryOCEANForOPFMgmt is the OCEAN of opf_treasury_for_opf_mgmt:
// SimStrategy OPF_TREASURY_OCEAN_FOR_OPF_MGMT.
func (p Params) OPFTreasuryOCEANForOPFMgmt() float64 {
	return p.OPFTreasuryOCEAN - p.OPFTreasuryOCEANForOceanDAO
}
