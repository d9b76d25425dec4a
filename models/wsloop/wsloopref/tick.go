package wsloopref

// Tick is one row of a run: the state after Tick ticks, which is what
// TokenSPICE logs for tick Tick (SimEngine.takeStep logs, then steps). The
// KPI fields are the columns of netlist_createLogData in
// netlists/wsloop/KPIs.py, in its order; the TokenSPICE column name is in
// each comment (Value looks a column up by that name). Row 0 is the initial
// state: no history, so every windowed KPI is 0 and the growth columns are
// +Inf.
type Tick struct {
	// Tick is the number of ticks done (TokenSPICE "Tick").
	Tick int
	// Year is Tick * time_step / S_PER_YEAR ("Year", the x axis of the plots).
	Year float64

	// NMarketplaces is the number of marketplaces, a float ("Num_mkts").
	NMarketplaces float64
	// ConsumeSalesPerMarketplacePerS is one marketplace's consume sales per
	// second, USD (MarketplacesAgent._consume_sales_per_marketplace_per_s).
	ConsumeSalesPerMarketplacePerS float64
	// OnemktConsSalesMonth is one marketplace's consume sales over the last
	// 30 ticks ("onemkt_cons_sales/mo").
	OnemktConsSalesMonth float64
	// OnemktConsSalesYear is the same over the last 365 ticks
	// ("onemkt_cons_sales/yr").
	OnemktConsSalesYear float64
	// AllmktsConsSalesMonth is all marketplaces' consume sales over the last
	// 30 ticks ("allmkts_cons_sales/mo").
	AllmktsConsSalesMonth float64
	// AllmktsConsSalesYear is the same over the last 365 ticks
	// ("allmkts_cons_sales/yr").
	AllmktsConsSalesYear float64
	// AllmktsTotSalesDay is totalSales(AllmktsConsSalesMonth / 30.5)
	// ("allmkts_tot_sales/day"; see DailySalesOver30Days).
	AllmktsTotSalesDay float64
	// AllmktsTotSalesMonth is totalSales(AllmktsConsSalesMonth), consume plus
	// swap ("allmkts_tot_sales/mo").
	AllmktsTotSalesMonth float64
	// AllmktsTotSalesYear is totalSales(AllmktsConsSalesYear)
	// ("allmkts_tot_sales/yr").
	AllmktsTotSalesYear float64
	// TotStaked is totalStaked(AllmktsTotSalesDay) ("tot_staked"; see
	// StakedFromConsumeSales).
	TotStaked float64
	// NetworkRevenueMonth is the network revenue over the last 30 ticks
	// ("network_rev/mo").
	NetworkRevenueMonth float64
	// NetworkRevenueYear is the network revenue over the last 365 ticks
	// ("network_rev/yr").
	NetworkRevenueYear float64
	// NetworkRevGrowthMonth is NetworkRevenueMonth over the revenue of the 30
	// ticks before, minus 1; +Inf when that is 0 ("network_rev_growth/mo").
	NetworkRevGrowthMonth float64
	// NetworkRevGrowthYear is the same for 365 ticks
	// ("network_rev_growth/yr").
	NetworkRevGrowthYear float64
	// OverallValuation is max(FundamentalsValuation, SpeculationValuation),
	// USD ("overall_valuation").
	OverallValuation float64
	// FundamentalsValuation is PSRatio * NetworkRevenueYear
	// ("fundamentals_valuation").
	FundamentalsValuation float64
	// SpeculationValuation is the speculation valuation
	// ("speculation_valuation").
	SpeculationValuation float64
	// OceanSupply is InitOCEANSupply + OceanMinted - OceanBurned
	// ("tot_OCEAN_supply").
	OceanSupply float64
	// OceanMinted is all OCEAN minted so far ("tot_OCEAN_minted").
	OceanMinted float64
	// OceanBurned is all OCEAN burned so far ("tot_OCEAN_burned").
	OceanBurned float64
	// OceanMintedMonth is OCEAN minted in the last 30 ticks
	// ("OCEAN_minted/mo").
	OceanMintedMonth float64
	// OceanBurnedMonth is OCEAN burned in the last 30 ticks
	// ("OCEAN_burned/mo").
	OceanBurnedMonth float64
	// OceanMintedUSDMonth is the change over 30 ticks of OceanMintedUSD
	// ("OCEAN_minted_USD/mo").
	OceanMintedUSDMonth float64
	// OceanBurnedUSDMonth is the USD spent on burning in the last 30 ticks
	// ("OCEAN_burned_USD/mo").
	OceanBurnedUSDMonth float64
	// OceanPrice is OverallValuation / OceanSupply, USD ("OCEAN_price").
	OceanPrice float64
	// RNDMonth is what the grant takers spent in the last 30 ticks, OCEAN
	// valued at the price when spent ("RND/mo").
	RNDMonth float64
	// RNDToSalesRatio is RNDMonth over NetworkRevenueMonth
	// ("rnd_to_cons_sales_ratio"; see RatioOverConsumeSales).
	RNDToSalesRatio float64
	// GrowthRate is the marketplaces' yearly growth rate at RNDToSalesRatio
	// ("mkts_annual_growth_rate"): the rate tick Tick applies.
	GrowthRate float64
	// DaoUSDMonth is the USD ocean_dao received in the last 30 ticks
	// ("dao_USD/mo").
	DaoUSDMonth float64
	// DaoOCEANMonth is the OCEAN ocean_dao received in the last 30 ticks
	// ("dao_OCEAN/mo").
	DaoOCEANMonth float64
	// DaoOCEANInUSDMonth is DaoOCEANMonth * OceanPrice
	// ("dao_OCEAN_in_USD/mo").
	DaoOCEANInUSDMonth float64
	// DaoIncomeUSDMonth is DaoUSDMonth + DaoOCEANInUSDMonth
	// ("dao_total_in_USD/mo").
	DaoIncomeUSDMonth float64

	// OceanBurnedUSD is all USD spent on burning so far
	// (SimState._total_OCEAN_burned_USD).
	OceanBurnedUSD float64
	// OceanMintedUSD is the last value of KPIs._total_OCEAN_minted_USD__per_tick:
	// OceanMinted times the end price of the previous tick (0 at row 0; see
	// MintedUSDAtMintPrice).
	OceanMintedUSD float64
	// GrantTakersSpent is what the grant takers spent in the previous tick,
	// the last entry of KPIs._granttakers_revenue_per_tick__per_tick (0 at
	// row 0).
	GrantTakersSpent float64
	// Wallets holds each agent's balances, indexed by Agent.
	Wallets [NumAgents]Wallet
	// MintLeft is the OCEAN ocean_51 has still to mint
	// (OCEANFuncMinterAgent._OCEAN_left_to_mint).
	MintLeft float64
	// LastMintTick is the tick of ocean_51's last mint, -1 before the first
	// (_tick_previous_mint).
	LastMintTick int
	// LastGrantTick is, for each of the three treasuries, the tick of its
	// last grant, -1 before the first (GrantGivingAgent._tick_last_disburse);
	// -1 for every other agent.
	LastGrantTick [NumAgents]int
	// Flows is what moved in the previous tick, the one that led to this
	// row; all zero at row 0.
	Flows Flows
}

// Flows is what moved during one tick.
type Flows struct {
	// Transfer[from][to] is what agent from sent agent to.
	Transfer [NumAgents][NumAgents]Wallet
	// In is what came into an agent's wallet from outside: the network
	// revenue deposited in opc_address (MarketplacesAgent calls
	// toll_agent.receiveUSD) and the OCEAN minted into ocean_51.
	In [NumAgents]Wallet
	// Out is what left an agent's wallet for outside: the USD the burner
	// spent buying OCEAN, and what the workers spent.
	Out [NumAgents]Wallet
	// MintedOCEAN is the OCEAN minted (added to the supply).
	MintedOCEAN float64
	// BurnedOCEAN is the OCEAN burned (taken from the supply; it comes from
	// the market, not from a wallet of the netlist).
	BurnedOCEAN float64
}

// Columns returns the TokenSPICE column names netlist_createLogData logs,
// in its order, after the engine's Tick and Year (SimEngine also logs
// Second, Min, Hour, Day and Month, which are Tick times constants).
func Columns() []string {
	out := make([]string, len(columns))
	for i, c := range columns {
		out[i] = c.name
	}
	return out
}

// Value returns the column of the row by its TokenSPICE name, and whether
// there is such a column.
func (t *Tick) Value(name string) (float64, bool) {
	for _, c := range columns {
		if c.name == name {
			return c.get(t), true
		}
	}
	return 0, false
}

var columns = []struct {
	name string
	get  func(*Tick) float64
}{
	{"Tick", func(t *Tick) float64 { return float64(t.Tick) }},
	{"Year", func(t *Tick) float64 { return t.Year }},
	{"Num_mkts", func(t *Tick) float64 { return t.NMarketplaces }},
	{"onemkt_cons_sales/mo", func(t *Tick) float64 { return t.OnemktConsSalesMonth }},
	{"onemkt_cons_sales/yr", func(t *Tick) float64 { return t.OnemktConsSalesYear }},
	{"allmkts_cons_sales/mo", func(t *Tick) float64 { return t.AllmktsConsSalesMonth }},
	{"allmkts_cons_sales/yr", func(t *Tick) float64 { return t.AllmktsConsSalesYear }},
	{"allmkts_tot_sales/day", func(t *Tick) float64 { return t.AllmktsTotSalesDay }},
	{"allmkts_tot_sales/mo", func(t *Tick) float64 { return t.AllmktsTotSalesMonth }},
	{"allmkts_tot_sales/yr", func(t *Tick) float64 { return t.AllmktsTotSalesYear }},
	{"tot_staked", func(t *Tick) float64 { return t.TotStaked }},
	{"network_rev/mo", func(t *Tick) float64 { return t.NetworkRevenueMonth }},
	{"network_rev/yr", func(t *Tick) float64 { return t.NetworkRevenueYear }},
	{"network_rev_growth/mo", func(t *Tick) float64 { return t.NetworkRevGrowthMonth }},
	{"network_rev_growth/yr", func(t *Tick) float64 { return t.NetworkRevGrowthYear }},
	{"overall_valuation", func(t *Tick) float64 { return t.OverallValuation }},
	{"fundamentals_valuation", func(t *Tick) float64 { return t.FundamentalsValuation }},
	{"speculation_valuation", func(t *Tick) float64 { return t.SpeculationValuation }},
	{"tot_OCEAN_supply", func(t *Tick) float64 { return t.OceanSupply }},
	{"tot_OCEAN_minted", func(t *Tick) float64 { return t.OceanMinted }},
	{"tot_OCEAN_burned", func(t *Tick) float64 { return t.OceanBurned }},
	{"OCEAN_minted/mo", func(t *Tick) float64 { return t.OceanMintedMonth }},
	{"OCEAN_burned/mo", func(t *Tick) float64 { return t.OceanBurnedMonth }},
	{"OCEAN_minted_USD/mo", func(t *Tick) float64 { return t.OceanMintedUSDMonth }},
	{"OCEAN_burned_USD/mo", func(t *Tick) float64 { return t.OceanBurnedUSDMonth }},
	{"OCEAN_price", func(t *Tick) float64 { return t.OceanPrice }},
	{"RND/mo", func(t *Tick) float64 { return t.RNDMonth }},
	{"rnd_to_cons_sales_ratio", func(t *Tick) float64 { return t.RNDToSalesRatio }},
	{"mkts_annual_growth_rate", func(t *Tick) float64 { return t.GrowthRate }},
	{"dao_USD/mo", func(t *Tick) float64 { return t.DaoUSDMonth }},
	{"dao_OCEAN/mo", func(t *Tick) float64 { return t.DaoOCEANMonth }},
	{"dao_OCEAN_in_USD/mo", func(t *Tick) float64 { return t.DaoOCEANInUSDMonth }},
	{"dao_total_in_USD/mo", func(t *Tick) float64 { return t.DaoIncomeUSDMonth }},
}
