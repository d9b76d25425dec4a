// Package bench holds the peer benchmark models of /shared/peers/models.py
// in Go: amm (a constant-product pool with a random trader, an arbitrageur
// and a price PSUB) and abm (100 agents trading against a price). The third
// peer model, pp, is models/predatorprey. Each model has the same state,
// PSUBs, math and random draws per substep as its Python form, so the work
// per timestep is the same; the random streams differ (numpy vs PCG), so
// compare workloads, not trajectories. The experiment configs are
// configs/bench/*.toml and the end-to-end runner is tests/bench.
package bench
