package wsloopref

import "math"

// Agent names one of the twelve agents of SimState.py. The values are in
// step order: the order in which SimState.py creates the agents, in which
// every payer steps before its payees.
type Agent int

// The agents, in step order, with the TokenSPICE class of each.
const (
	// Marketplaces is "marketplaces1" (MarketplacesAgent): grows the
	// marketplaces and pays the network revenue of their sales to
	// OPCAddress. Its own wallet stays empty.
	Marketplaces Agent = iota
	// OPCAddress is "opc_address" (RouterAgent): splits what it holds,
	// 1-PercentBurn to OceanDAO and PercentBurn to OPCBurner.
	OPCAddress
	// OPCBurner is "opc_burner" (OCEANBurnerAgent): spends its USD buying
	// OCEAN and burns it.
	OPCBurner
	// Ocean51 is "ocean_51" (OCEANFuncMinterAgent): mints OCEAN on the ramped
	// schedule and sends it to OceanDAO.
	Ocean51
	// OPFTreasuryForOceanDAO is "opf_treasury_for_ocean_dao"
	// (GrantGivingAgent): monthly grants to OceanDAO.
	OPFTreasuryForOceanDAO
	// OPFTreasuryForOPFMgmt is "opf_treasury_for_opf_mgmt"
	// (GrantGivingAgent): monthly grants to OPFMgmt.
	OPFTreasuryForOPFMgmt
	// BDBTreasury is "bdb_treasury" (GrantGivingAgent): monthly grants to
	// BDBMgmt.
	BDBTreasury
	// OceanDAO is "ocean_dao" (RouterAgent): passes all it holds to
	// OPCWorkers.
	OceanDAO
	// OPFMgmt is "opf_mgmt" (RouterAgent): passes all it holds to
	// OPCWorkers.
	OPFMgmt
	// BDBMgmt is "bdb_mgmt" (RouterAgent): passes all it holds to
	// BDBWorkers.
	BDBMgmt
	// OPCWorkers is "opc_workers" (GrantTakingAgent): spends all it holds.
	OPCWorkers
	// BDBWorkers is "bdb_workers" (GrantTakingAgent): spends all it holds.
	BDBWorkers
	// NumAgents is the number of agents.
	NumAgents
)

var agentNames = [NumAgents]string{
	"marketplaces1",
	"opc_address",
	"opc_burner",
	"ocean_51",
	"opf_treasury_for_ocean_dao",
	"opf_treasury_for_opf_mgmt",
	"bdb_treasury",
	"ocean_dao",
	"opf_mgmt",
	"bdb_mgmt",
	"opc_workers",
	"bdb_workers",
}

// String returns the agent's TokenSPICE name.
func (a Agent) String() string {
	if a < 0 || a >= NumAgents {
		return "Agent(?)"
	}
	return agentNames[a]
}

// StepOrder returns the agents in the order they step within a tick.
func StepOrder() []Agent {
	out := make([]Agent, NumAgents)
	for i := range out {
		out[i] = Agent(i)
	}
	return out
}

// Wallet is an agent's balances (engine/AgentWallet.py AgentWalletNoEvm).
type Wallet struct {
	// USD is the agent's USD.
	USD float64
	// OCEAN is the agent's OCEAN.
	OCEAN float64
}

// withdraw takes amt from *bal as UsdNoEvmWalletMixIn.withdrawUSD and
// OceanNoEvmWalletMixIn.withdrawOCEAN do: an amount within a relative 1e-12
// of the balance takes the whole balance (to absorb round-off), so a wallet
// never goes negative; more than the balance is an error.
func withdraw(bal *float64, amt float64) {
	if amt < 0 {
		panic("wsloopref: negative withdrawal")
	}
	if amt > 0 && *bal > 0 {
		const tol = 1e-12
		if r := amt / *bal; 1.0-tol <= r && r <= 1.0+tol {
			*bal = amt
		}
	}
	if amt > *bal {
		amt = round12(amt)
	}
	if amt > *bal {
		panic("wsloopref: withdrawal exceeds holdings")
	}
	*bal -= amt
}

// deposit adds amt to *bal; a negative amount is an error, as in
// depositUSD and depositOCEAN.
func deposit(bal *float64, amt float64) {
	if amt < 0 {
		panic("wsloopref: negative deposit")
	}
	*bal += amt
}

// round12 rounds to 12 decimals, as Python's round(amt, 12) in the wallet
// (up to Python's exact decimal rounding, which matters only for an amount
// that exceeds the balance by less than 1e-12).
func round12(x float64) float64 { return math.Round(x*1e12) / 1e12 }
