package models

import "github.com/statecraft/statecraft/models/prsm"

func init() {
	mustRegister(Entry{Name: prsm.Name, Doc: "PRSM FTNS token economy: five agent types, contributor tiers, dynamic supply, demurrage, circuit breakers, four stress scenarios", Build: prsm.New})
}
