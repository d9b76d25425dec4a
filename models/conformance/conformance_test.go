package conformance_test

import (
	"context"
	"maps"
	"math"
	"path/filepath"
	"slices"
	"testing"

	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/internal/golden"
	"github.com/statecraft/statecraft/models"
)

// goldenDir holds the cadCAD 0.5.3 datasets (see its README.md).
var goldenDir = filepath.Join("..", "..", "testdata", "golden")

// relTol is the tolerance of the cases that call sin, cos or exp: the golden
// data was made with glibc's libm, and Go's math package may differ from it
// in the last bit of a result.
const relTol = 1e-12

// simulation is one model of a cadCAD Experiment: an A/B variant.
type simulation struct {
	model  string         // registered model name
	params map[string]any // every parameter; a []any is swept by position (zip)
	init   map[string]any // every initial state variable
}

// goldenCase is one case of testdata/golden.
type goldenCase struct {
	name      string
	sims      []simulation // numbered from 0, as cadCAD numbers them
	runs      int          // Monte Carlo runs per subset (cadCAD's N)
	timesteps int
	rows      int  // rows of the CSV, as the golden README states
	exact     bool // bit for bit; else within relTol
}

// list is a swept parameter: one value per subset.
func list(v ...any) []any { return v }

var ppSim0 = simulation{
	model:  "predator_prey",
	params: map[string]any{"alpha": list(1.1, 1.2, 1.3), "beta": 0.4, "gamma": 0.4, "delta": 0.1, "dt": 0.01, "noise": 0.0},
	init:   map[string]any{"prey": 10.0, "predator": 10.0},
}

// cases are the seven golden cases. pp_det and ab_pp run the predator_prey
// reference model with noise = 0: its increments become d + 0*x*N*sqrt(dt),
// which equals d exactly, so the model reduces to the golden formulas.
var cases = []goldenCase{
	{name: "pp_det", sims: []simulation{ppSim0}, runs: 2, timesteps: 50, rows: 306, exact: true},
	{name: "amm_det", sims: []simulation{{
		model:  "amm_det",
		params: map[string]any{"fee": list(0.003, 0.01), "trade_frac": 0.01, "market_p0": 2.0, "rebate": 0.001},
		init:   map[string]any{"reserve_x": 1000.0, "reserve_y": 2000.0, "price": 2.0, "fees": 0.0, "volume": 0.0},
	}}, runs: 2, timesteps: 40, rows: 484},
	{name: "robot_marbles", sims: []simulation{{
		model: "robot_marbles",
		init:  map[string]any{"box_A": int64(11), "box_B": int64(0)},
	}}, runs: 1, timesteps: 30, rows: 31, exact: true},
	{name: "policy_max", sims: []simulation{{
		model: "policy_max",
		init:  map[string]any{"level": 1.0, "best_bid": 0.0},
	}}, runs: 1, timesteps: 20, rows: 21},
	{name: "lag", sims: []simulation{{
		model: "lag",
		init:  map[string]any{"x": 0.0, "x_lag2": 0.0, "y": 1.0},
	}}, runs: 1, timesteps: 12, rows: 25},
	{name: "vector", sims: []simulation{{
		model:  "vector",
		params: map[string]any{"share": list(0.1, 0.3)},
		init:   map[string]any{"balances": []float64{100.0, 50.0, 25.0, 10.0, 5.0}, "gini": 0.0},
	}}, runs: 1, timesteps: 25, rows: 102, exact: true},
	{name: "ab_pp", sims: []simulation{ppSim0, {
		model:  "predator_prey",
		params: map[string]any{"alpha": 1.0, "beta": 0.5, "gamma": 0.3, "delta": 0.2, "dt": 0.01, "noise": 0.0},
		init:   map[string]any{"prey": 20.0, "predator": 5.0},
	}}, runs: 2, timesteps: 30, rows: 248, exact: true},
}

// subsets expands a simulation's parameters as cadCAD's zip sweep does: a
// list of length n gives n subsets, value k in subset k; every list has
// length 1 or n, and scalars and lists of length 1 apply to every subset.
func subsets(t *testing.T, m *gds.Model, sim simulation) []*gds.Params {
	t.Helper()
	n := 1
	for name, v := range sim.params {
		if l, ok := v.([]any); ok {
			if n > 1 && len(l) != 1 && len(l) != n {
				t.Fatalf("parameter %q: %d values, other lists have %d", name, len(l), n)
			}
			n = max(n, len(l))
		}
	}
	out := make([]*gds.Params, n)
	for k := range out {
		p := m.Defaults()
		for _, name := range slices.Sorted(maps.Keys(sim.params)) {
			v := sim.params[name]
			if l, ok := v.([]any); ok {
				v = l[min(k, len(l)-1)]
			}
			if err := p.Set(name, v); err != nil {
				t.Fatal(err)
			}
		}
		out[k] = p
	}
	return out
}

// produce runs every job of a case in cadCAD's row order (simulation,
// subset, run) and returns every row.
func produce(t *testing.T, c goldenCase) *golden.Table {
	t.Helper()
	var all *golden.Table
	for si, sim := range c.sims {
		m, err := models.Lookup(sim.model)
		if err != nil {
			t.Fatal(err)
		}
		init := m.InitialState()
		for _, name := range slices.Sorted(maps.Keys(sim.init)) {
			if err := init.Set(name, sim.init[name]); err != nil {
				t.Fatal(err)
			}
		}
		rec, err := golden.NewRecorder(c.name, m)
		if err != nil {
			t.Fatal(err)
		}
		e := m.NewEngine()
		for subset, p := range subsets(t, m, sim) {
			for run := 1; run <= c.runs; run++ {
				job := &gds.Job{Simulation: si, Subset: subset, Run: run, Timesteps: c.timesteps,
					Params: p, Init: init, Seed: [2]uint64{uint64(subset), uint64(run)}}
				if err := e.Run(context.Background(), job, rec); err != nil {
					t.Fatal(err)
				}
			}
		}
		tab := rec.Table()
		if all == nil {
			all = tab
			continue
		}
		if !slices.Equal(all.Columns, tab.Columns) {
			t.Fatalf("simulation %d has columns %v, simulation 0 has %v", si, tab.Columns, all.Columns)
		}
		all.Rows = append(all.Rows, tab.Rows...)
	}
	return all
}

// options are the comparison options of a case.
func options(c goldenCase) golden.Options {
	opt := golden.Options{Mode: golden.Relative, Tol: relTol}
	if c.exact {
		opt = golden.Options{Mode: golden.Exact}
	}
	// Statecraft numbers runs 1..N in every subset, so run = 1 when N = 1.
	// cadCAD 0.5.3 writes run = subset+1 when N = 1 (only the vector case,
	// with two subsets, shows it: its subset 1 has run 2). The mapping turns
	// each golden run number into ours explicitly, and rejects any other.
	opt.MapRun = golden.CadCAD053Runs(c.runs)
	return opt
}

// TestGolden reproduces every golden case and compares every row and every
// column with the CSV: bit for bit for pp_det, ab_pp, vector and
// robot_marbles, within relTol for the cases that call sin, cos or exp.
func TestGolden(t *testing.T) {
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			want, err := golden.Load(filepath.Join(goldenDir, c.name+".csv"))
			if err != nil {
				t.Fatal(err)
			}
			if len(want.Rows) != c.rows {
				t.Fatalf("%s.csv has %d rows; its README says %d", c.name, len(want.Rows), c.rows)
			}
			got := produce(t, c)
			res := golden.Compare(want, got, options(c))
			if err := res.Err(); err != nil {
				t.Fatal(err)
			}
			if res.Values == 0 && c.name != "robot_marbles" {
				t.Fatal("no float values were compared")
			}
			t.Logf("%d rows, %d float values, %d of them bit-identical", res.GotRows, res.Values, res.ExactFloatValues)
			if res.MaxRelErr > 0 {
				t.Logf("max relative error %.3g (%s)", res.MaxRelErr, res.MaxRelAt)
			}
		})
	}
}

// TestGoldenDetectsDifferences makes sure the comparison can fail: a
// parameter one ulp away, the predator_prey noise left at its default, or
// the runs numbered without the mapping all give mismatches.
func TestGoldenDetectsDifferences(t *testing.T) {
	want, err := golden.Load(filepath.Join(goldenDir, "pp_det.csv"))
	if err != nil {
		t.Fatal(err)
	}
	perturbed := func(name string, v any) goldenCase {
		c := cases[0]
		sim := c.sims[0]
		sim.params = maps.Clone(sim.params)
		sim.params[name] = v
		c.sims = []simulation{sim}
		return c
	}
	for _, tc := range []struct {
		what string
		c    goldenCase
	}{
		{"beta one ulp larger", perturbed("beta", math.Nextafter(0.4, 1))},
		{"noise at its default", perturbed("noise", 0.05)},
	} {
		res := golden.Compare(want, produce(t, tc.c), options(tc.c))
		if res.Err() == nil {
			t.Errorf("%s: the comparison passed", tc.what)
		}
	}

	vec := cases[5]
	want, err = golden.Load(filepath.Join(goldenDir, vec.name+".csv"))
	if err != nil {
		t.Fatal(err)
	}
	got := produce(t, vec)
	opt := options(vec)
	opt.MapRun = nil // compare run numbers as written
	res := golden.Compare(want, got, opt)
	if res.Err() == nil {
		t.Fatal("vector: the comparison passed without the run mapping")
	}
	for _, m := range res.Mismatches {
		if m.Column != "run" {
			t.Fatalf("vector without the run mapping: want only run mismatches, got %v", m)
		}
	}
	if n := 51; res.Total != n {
		t.Fatalf("vector without the run mapping: %d mismatches, want %d (the rows of subset 1)", res.Total, n)
	}
}
