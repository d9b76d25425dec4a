package models

import "github.com/statecraft/statecraft/models/bench"

// The peer benchmark models (configs/bench/*.toml; pp is predator_prey).
func init() {
	mustRegister(Entry{Name: bench.AMMName, Doc: "peer benchmark amm: constant-product pool, random trader, arbitrageur, price (3 PSUBs)", Build: bench.NewAMM})
	mustRegister(Entry{Name: bench.ABMName, Doc: "peer benchmark abm: 100 agents {cash, tokens, trades} trading against a price (1 PSUB, list signal)", Build: bench.NewABM})
}
