package report

import (
	"strconv"
	"strings"

	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/runner"
)

// diagramModel is a model's structure as the page draws it: its PSUBs in
// order, each with its policies (what they read and the signals they
// emit) and its state updates (the variable each writes, from which
// signals). It is drawn with HTML and CSS, so it needs no script and no
// network.
type diagramModel struct {
	Name, Hash string
	Scenarios  string // the simulations that run it
	Vars       []diagramVar
	PSUBs      []diagramPSUB
}

type diagramVar struct{ Name, Kind string }

type diagramPSUB struct {
	Label    string
	Policies []diagramBlock
	Updates  []diagramBlock
}

type diagramBlock struct {
	Name    string
	Reads   string // variables and parameters read
	Signals string // emitted (policies) or read (updates)
	Writes  string // the variable written (updates)
}

// diagrams returns each distinct model of the plan, with the simulations
// that run it.
func diagrams(p *runner.Plan) []diagramModel {
	var out []diagramModel
	index := map[*gds.Model]int{}
	for _, sim := range p.Sims {
		name := sim.Name
		if name == "" {
			name = "simulation " + itoa(sim.Index)
		}
		if i, ok := index[sim.Model]; ok {
			out[i].Scenarios += ", " + name
			continue
		}
		index[sim.Model] = len(out)
		out = append(out, diagramOf(sim.Model, name))
	}
	return out
}

func diagramOf(m *gds.Model, scenarios string) diagramModel {
	d := diagramModel{Name: m.Name(), Hash: short(m.Hash()), Scenarios: scenarios}
	for _, v := range m.Vars() {
		d.Vars = append(d.Vars, diagramVar{v.Name, v.Kind.String()})
	}
	for i, ps := range m.Structure() {
		dp := diagramPSUB{Label: "PSUB " + itoa(i+1) + ": " + ps.Name}
		for _, b := range ps.Blocks {
			reads := append(append([]string{}, b.Reads...), b.Params...)
			reads = append(reads, b.Lags...)
			db := diagramBlock{Name: b.Name, Reads: strings.Join(dedupe(reads), ", ")}
			if b.Policy {
				db.Signals = strings.Join(b.SignalsOut, ", ")
				dp.Policies = append(dp.Policies, db)
			} else {
				db.Signals = strings.Join(b.SignalsIn, ", ")
				db.Writes = b.Writes
				dp.Updates = append(dp.Updates, db)
			}
		}
		d.PSUBs = append(d.PSUBs, dp)
	}
	return d
}

func dedupe(v []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range v {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

func itoa(i int) string { return strconv.Itoa(i) }
