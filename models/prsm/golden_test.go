package prsm_test

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash"
	"math"
	"reflect"
	"testing"

	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/models/prsm"
)

// TestGoldenRows pins every value the model computes: a hash of every
// substep's variables (floats, ints, bools, strings, vectors) and every
// agent record, for each scenario of configs/prsm.toml at 200 agents over
// its 30 days, for a crash that halts transactions, for 600 agents over 4
// days, for daily steps through a heavy flood, and the model's structural
// hash. A change that speeds the
// model up must leave them bit for bit as they are; the hashes were
// recorded with the model as first written (commit 1be27d0).
func TestGoldenRows(t *testing.T) {
	if testing.Short() {
		t.Skip("five 30-day jobs")
	}
	if n := reflect.TypeFor[prsm.Agent]().NumField(); n != 20 {
		t.Fatalf("prsm.Agent has %d fields; hashRow hashes 20: add the new ones", n)
	}
	m := build(t)
	if got, want := m.Hash(), "d0c38a15c8768c10"; got != want {
		t.Errorf("model hash %s, want %s", got, want)
	}
	names, ps, _ := scenarios(t)
	want := map[string]string{
		"normal_growth":     "c36c1a91b491277ff7488f48a6bdad41",
		"market_volatility": "eecf49dc6ea1a4741732d4409e4a7400",
		"economic_shock":    "26c27ade8c8e30b73e1e1a4eced63319",
		"data_oversupply":   "b31ae0a12199851457906e9164fcc679",
		"crash":             "c4438042ac1119486c185c0c35e75a62",
		"600 agents":        "41e15c4b8117bbe9012ab8eeaf51e886",
		"daily steps":       "032d92f997255140d1b300d32bfc193f",
	}
	names = append(names, "crash", "600 agents", "daily steps")
	ps = append(ps, map[string]any{"crash_step": 100}, map[string]any{"flood_window": []any{2.0, 3.0}},
		// a flood of 45 uploads a day: Poisson means above 30 draw normals
		map[string]any{"steps_per_day": 1, "flood_window": []any{2.0, 20.0}, "flood_intensity": 45.0})
	for i, name := range names {
		n, steps := 200, 30*day
		switch name {
		case "600 agents": // enough for metric.Gini's radix sort
			n, steps = 600, 4*day
		case "daily steps": // 30 days of one step
			steps = 30
		}
		kv := merge(ps[i], map[string]any{"n_agents": n})
		h := sha256.New()
		var rows int
		err := run(t, m, params(t, m, kv), steps, uint64(100+i), func(v view) {
			hashRow(h, m, v)
			rows++
		})
		if err != nil {
			t.Fatal(err)
		}
		got := hex.EncodeToString(h.Sum(nil))[:32]
		if got != want[name] {
			t.Errorf("%s: %d rows hash to %s, want %s", name, rows, got, want[name])
		}
	}
}

// hashRow writes one row's values into h.
func hashRow(h hash.Hash, m *gds.Model, v view) {
	var b []byte
	u64 := func(x uint64) { b = binary.LittleEndian.AppendUint64(b, x) }
	f64 := func(x float64) { u64(math.Float64bits(x)) }
	u64(uint64(v.row.Timestep))
	u64(uint64(v.row.Substep))
	for _, x := range v.row.Floats() {
		f64(x)
	}
	for _, x := range v.row.Ints() {
		u64(uint64(x))
	}
	for _, x := range v.row.Bools() {
		if x {
			b = append(b, 1)
		} else {
			b = append(b, 0)
		}
	}
	for _, x := range v.row.Strings() {
		u64(uint64(len(x)))
		b = append(b, x...)
	}
	for _, vi := range m.Vars() {
		if vi.Kind == gds.KindVec {
			vec := v.row.Vec(vi.Slot)
			u64(uint64(len(vec)))
			for _, x := range vec {
				f64(x)
			}
		}
	}
	agents := v.agents()
	u64(uint64(len(agents)))
	for i := range agents {
		a := &agents[i]
		for _, x := range [...]int64{a.ID, a.Kind, a.Tier, a.Submitted, a.Accepted} {
			u64(uint64(x))
		}
		for _, x := range [...]float64{a.Balance, a.Skill, a.Activity, a.AgeDays, a.Value30, a.Quality30,
			a.Volume30, a.VolumeToday, a.Earned, a.Fees, a.LastValue, a.LastReward, a.LastMultiplier} {
			f64(x)
		}
		var flags byte
		if a.ActiveToday {
			flags |= 1
		}
		if a.ActedToday {
			flags |= 2
		}
		b = append(b, flags)
	}
	h.Write(b)
}

// TestGoldenInterleaved pins, as TestGoldenRows, a given population whose
// kinds alternate agent by agent (the built population comes in blocks of
// one kind), through a flood and a compute shortage.
func TestGoldenInterleaved(t *testing.T) {
	m := build(t)
	init := m.InitialState()
	var given []prsm.Agent
	for i := range 300 {
		given = append(given, prsm.Agent{ID: int64(i + 1), Kind: int64(i*7%prsm.NumKinds+i/150) % prsm.NumKinds,
			Balance: float64(50 + i%40), Skill: 0.3 + float64(i%7)/10, Activity: 0.4 + float64(i%6)/10, AgeDays: float64(i % 120)})
	}
	if err := init.Set("agents", given); err != nil {
		t.Fatal(err)
	}
	p := params(t, m, map[string]any{"flood_window": []any{2.0, 4.0}, "shortage_window": []any{5.0, 7.0}, "shortage_capacity": 0.5})
	h := sha256.New()
	rec := rowFunc(func(r *gds.Row) error { hashRow(h, m, view{m, r}); return nil })
	job := &gds.Job{Run: 1, Timesteps: 8 * day, Init: init, Params: p, Seed: [2]uint64{5, 6}}
	if err := m.NewEngine().Run(context.Background(), job, rec); err != nil {
		t.Fatal(err)
	}
	if got, want := hex.EncodeToString(h.Sum(nil))[:32], "5b297e8c2e0be94da715dff34beb78b1"; got != want {
		t.Errorf("rows hash to %s, want %s", got, want)
	}
}
