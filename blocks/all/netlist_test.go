package all_test

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/modelfile"
)

// netlistModel returns the model of docs/blocks.md's "A TokenSPICE
// netlist": a small sustainability loop made of the netlist blocks only.
// Marketplaces grow at a rate set by the month's R&D spending over the
// month's network revenue (growth.saturating, growth.compound); OCEAN is
// minted along wsloop's ramp (supply.ramped_halflife_emission); the
// revenue and the DAO's R&D spending (its share of revenue and the day's
// mint at yesterday's price) are kept in windows and summed by month and
// year (metric.window, metric.window_sum); the token is priced from 30
// times the year's revenue or a speculative valuation growing 10% a year,
// whichever is larger (valuation.*, growth.compound nominal).
func netlistModel(t *testing.T) *gds.Model {
	t.Helper()
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "blocks.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, sec, ok := strings.Cut(string(doc), "\n## A TokenSPICE netlist\n")
	_, sec, ok2 := strings.Cut(sec, "```toml\n")
	src, _, ok3 := strings.Cut(sec, "```")
	if !ok || !ok2 || !ok3 {
		t.Fatal("docs/blocks.md has no netlist snippet")
	}
	m, err := modelfile.Parse("netlist.toml", []byte("name = \"netlist\"\n"+src))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// rampedExp is TokenSPICE's RampedExpFunc as its code computes it
// (agents/MinterAgents.py), transcribed: G1, G2, G3 are evaluated at t.
func rampedExp(t, h, t0, t1, t2, t3, m1, m2, m3 float64) float64 {
	f := func(x float64) float64 { return 1 - math.Pow(0.5, x/h) }
	g1 := m1 * f(t-t0)
	g2 := m2*f(t-t0) - m2*f(t1-t0) + g1
	g3 := m3*f(t-t0) - m3*f(t2-t0) + g2
	switch {
	case t < t0:
		return 0
	case t < t1:
		return g1
	case t < t2:
		return g2
	case t < t3:
		return g3
	}
	return (1-g3)*f(t-t3) + g3
}

// TestNetlist runs three years of the netlist and compares every day with
// the same loop written out in Go as TokenSPICE computes it: lists of the
// daily values and sums of their last 30 or 365 entries, the minter's
// G(t) − G(t − 1) share of the cap, (1 + g)^(1/365) − 1 per day.
func TestNetlist(t *testing.T) {
	m := netlistModel(t)
	slot := map[string]int{}
	for _, v := range m.Vars() {
		slot[v.Name] = v.Slot
	}
	var rows [][]float64
	rec := recorderFunc(func(r *gds.Row) {
		if r.Substep == m.PSUBs() {
			rows = append(rows, append([]float64(nil), r.Floats()...))
		}
	})
	const days = 3 * 365
	if err := m.NewEngine().Run(context.Background(), &gds.Job{Run: 1, Timesteps: days}, rec); err != nil {
		t.Fatal(err)
	}

	const capv = 719.1e6
	mkts, sales, rate := 1.0, 666.0, 0.0
	minted, supply, spec, price := 0.0, 690.9e6, 150e6, 0.0
	var revs, rnds []float64
	last := func(v []float64, n int) float64 {
		s := 0.0
		for _, x := range v[max(len(v)-n, 0):] {
			s += x
		}
		return s
	}
	G := func(day int) float64 { return rampedExp(float64(day)/365, 4, 0.5, 1, 1.4, 3, 0.10, 0.25, 0.50) }
	for day := 1; day <= days; day++ {
		g := math.Pow(1+rate, 1/365.0) - 1
		mkts *= 1 + g
		sales *= 1 + g
		spec *= 1 + 0.10/365
		mint := min((G(day)-G(day-1))*capv, capv-minted)
		minted += mint
		supply += mint
		revenue := 0.13 * mkts * sales
		rnd := 0.95*revenue + mint*price
		revs, rnds = append(revs, revenue), append(rnds, rnd)
		revMonth, revYear, rndMonth := last(revs, 30), last(revs, 365), last(rnds, 30)
		ratio := 0.0
		if rndMonth != 0 {
			ratio = rndMonth / revMonth
		}
		fundamentals := revYear * 30
		rate = -0.118 + (0.415+0.118)*(1-math.Pow(0.5, ratio/0.6))
		overall := max(fundamentals, spec)
		price = overall / supply

		r := rows[day-1]
		for _, c := range []struct {
			name string
			want float64
		}{
			{"mkts", mkts}, {"sales", sales}, {"minted", minted}, {"supply", supply}, {"speculation", spec},
			{"revenue", revenue}, {"rnd", rnd}, {"rev_month", revMonth}, {"rev_year", revYear}, {"rnd_month", rndMonth},
			{"ratio", ratio}, {"fundamentals", fundamentals}, {"growth_rate", rate}, {"overall", overall}, {"price", price},
		} {
			if got := r[slot[c.name]]; math.Abs(got-c.want) > 1e-9*math.Abs(c.want) {
				t.Fatalf("day %d: %s = %v, TokenSPICE's loop %v", day, c.name, got, c.want)
			}
		}
		if minted > capv {
			t.Fatalf("day %d: minted %v, more than the cap", day, minted)
		}
	}
	// Nothing is minted in the first half year, then the ramp starts.
	if rows[181][slot["minted"]] != 0 || rows[183][slot["minted"]] == 0 {
		t.Errorf("minted by day 182: %v; by day 184: %v", rows[181][slot["minted"]], rows[183][slot["minted"]])
	}
}

// TestNetlistNoAllocs: once warm, a run of the netlist allocates nothing.
func TestNetlistNoAllocs(t *testing.T) {
	m := netlistModel(t)
	e := m.NewEngine()
	job := &gds.Job{Run: 1, Timesteps: 400}
	rec := recorderFunc(func(*gds.Row) {})
	if allocs := testing.AllocsPerRun(3, func() {
		if err := e.Run(context.Background(), job, rec); err != nil {
			t.Fatal(err)
		}
	}); allocs != 0 {
		t.Errorf("a 400-step run allocated %v times; want 0", allocs)
	}
}

type recorderFunc func(*gds.Row)

func (f recorderFunc) Record(r *gds.Row) error { f(r); return nil }
