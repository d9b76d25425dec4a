package models

import (
	"github.com/statecraft/statecraft/models/predatorprey"
)

func init() {
	mustRegister(Entry{Name: predatorprey.Name, Doc: "Lotka-Volterra predator-prey with seeded noise (peer benchmark pp)", Build: predatorprey.New})
}
