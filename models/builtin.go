package models

import (
	"github.com/statecraft/statecraft/models/conformance"
	"github.com/statecraft/statecraft/models/predatorprey"
	"github.com/statecraft/statecraft/models/robotmarbles"
)

func init() {
	mustRegister(Entry{Name: predatorprey.Name, Doc: "Lotka-Volterra predator-prey with seeded noise (peer benchmark pp)", Build: predatorprey.New})
	mustRegister(Entry{Name: robotmarbles.Name, Doc: "cadCAD's robot-and-marbles classic: two robots move marbles between two boxes", Build: robotmarbles.New})
	mustRegister(Entry{Name: conformance.AMMDetName, Doc: "conformance: constant-product pool with a scheduled trader, fee rebate and arbitrageur (3 PSUBs)", Build: conformance.NewAMMDet})
	mustRegister(Entry{Name: conformance.PolicyMaxName, Doc: "conformance: three bidders whose signal is aggregated with max", Build: conformance.NewPolicyMax})
	mustRegister(Entry{Name: conformance.LagName, Doc: "conformance: reads x at the end of timestep t-2 through a lag buffer", Build: conformance.NewLag})
	mustRegister(Entry{Name: conformance.VectorName, Doc: "conformance: vector of balances passed cyclically, with their Gini coefficient", Build: conformance.NewVector})
}
