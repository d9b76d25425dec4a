package supply_test

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/statecraft/statecraft/blocks/supply"
	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/modelfile"
)

// mintModel mints TokenSPICE's unminted OCEAN daily along the half-life
// curve and along wsloop's ramp (the ramped block's defaults), each policy
// told what it has minted so far, into a supply kept by supply.mint_burn.
const mintModel = `
name = "minting"

[variables]
minted = 0.0
ramped = 0.0
supply = 690.9e6

[params]
cap = 719.1e6
half_life = 4.0

[signals]
mint = "sum"
ramp = "sum"

[[psubs]]
name = "mint"

  [[psubs.policies]]
  name = "minter"
  use = "supply.halflife_emission"
  args = { cap = "cap", half_life = "half_life", minted = "minted", amount = "mint" }

  [[psubs.policies]]
  name = "ramp"
  use = "supply.ramped_halflife_emission"
  args = { cap = "cap", half_life = "half_life", minted = "ramped", amount = "ramp" }

  [psubs.updates]
  minted = "minted + mint"
  ramped = "ramped + ramp"
  supply = { use = "supply.mint_burn", args = { mint = "mint" } }
`

// TestModelFile runs ten years of daily mints and checks the totals
// against the schedules' closed forms: Cap·F(t/365) at every step.
func TestModelFile(t *testing.T) {
	m, err := modelfile.Parse("minting.toml", []byte(mintModel))
	if err != nil {
		t.Fatal(err)
	}
	slot := map[string]int{}
	for _, v := range m.Vars() {
		slot[v.Name] = v.Slot
	}
	const capv = 719.1e6
	plain := supply.CapMint[supply.HalfLife]{Cap: capv, Curve: supply.HalfLife{H: 4}, PerYear: 365, Every: 1}
	ramp := supply.CapMint[supply.RampedHalfLife]{Cap: capv, PerYear: 365, Every: 1,
		Curve: supply.RampedHalfLife{H: 4, T0: 0.5, T1: 1, T2: 1.4, T3: 3, M1: 0.10, M2: 0.25, M3: 0.50}}
	var last []float64
	rec := recorder(func(r *gds.Row) {
		f := r.Floats()
		last = append(last[:0], f...)
		for _, c := range []struct {
			name string
			want float64
		}{
			{"minted", plain.Minted(r.Timestep)},
			{"ramped", ramp.Minted(r.Timestep)},
			{"supply", 690.9e6 + plain.Minted(r.Timestep)},
		} {
			if got := f[slot[c.name]]; math.Abs(got-c.want) > 1e-9*capv {
				t.Fatalf("timestep %d: %s = %v, want %v", r.Timestep, c.name, got, c.want)
			}
		}
	})
	if err := m.NewEngine().Run(context.Background(), &gds.Job{Run: 1, Timesteps: 3650}, rec); err != nil {
		t.Fatal(err)
	}
	// After ten years: 1 − 0.5^2.5 = 82.3% of the cap on the half-life
	// curve, 87.9% on the ramp (ExampleRampedHalfLife).
	if got := last[slot["minted"]] / capv; math.Abs(got-(1-math.Pow(0.5, 2.5))) > 1e-12 {
		t.Errorf("minted %v of the cap in ten years", got)
	}
	if got := last[slot["ramped"]] / capv; math.Abs(got-0.8791) > 1e-4 {
		t.Errorf("ramped %v of the cap in ten years", got)
	}
}

// TestModelFileErrors: invalid arguments fail when the model is built,
// with the check's message.
func TestModelFileErrors(t *testing.T) {
	for _, tc := range []struct{ from, to, want string }{
		{`half_life = 4.0`, `half_life = 0.0`, "half_life must be a finite number > 0, got 0"},
		{`cap = 719.1e6`, `cap = -1.0`, "cap must be a finite number >= 0, got -1"},
		{`minted = "ramped",`, `minted = "ramped", t1 = 0.2,`, "0 <= t0 <= t1 <= t2 <= t3, got 0.5, 0.2"},
		{`minted = "minted",`, `minted = "minted", every = 0,`, "every must be >= 1, got 0"},
	} {
		src := strings.Replace(mintModel, tc.from, tc.to, 1)
		if src == mintModel {
			t.Fatalf("%s not in the model", tc.from)
		}
		if _, err := modelfile.Parse("bad.toml", []byte(src)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", tc.to, err, tc.want)
		}
	}
	src := strings.Replace(mintModel, `minted = "minted", `, ``, 1)
	if _, err := modelfile.Parse("bad.toml", []byte(src)); err == nil || !strings.Contains(err.Error(), "minted") {
		t.Errorf("without minted: err = %v", err)
	}
}

// TestModelFileNoAllocs: once warm, a run allocates nothing (the curves
// are not boxed).
func TestModelFileNoAllocs(t *testing.T) {
	m, err := modelfile.Parse("minting.toml", []byte(mintModel))
	if err != nil {
		t.Fatal(err)
	}
	e := m.NewEngine()
	job := &gds.Job{Run: 1, Timesteps: 400}
	rec := recorder(func(*gds.Row) {})
	if allocs := testing.AllocsPerRun(3, func() {
		if err := e.Run(context.Background(), job, rec); err != nil {
			t.Fatal(err)
		}
	}); allocs != 0 {
		t.Errorf("a 400-step run allocated %v times; want 0", allocs)
	}
}
