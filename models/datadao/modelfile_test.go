package datadao_test

import (
	"context"
	"math"
	"path/filepath"
	"testing"

	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/modelfile"
	"github.com/statecraft/statecraft/models/datadao"

	_ "github.com/statecraft/statecraft/blocks/all"
)

// aggregates are the columns the shipped config writes.
var aggregates = []string{"price", "reserve_ddt", "reserve_xdai", "lp_supply", "pie", "supply", "spent", "distributed"}
var counts = []string{"n_degen", "n_organization", "n_power", "n_active", "n_casual", "n_agents"}

type rowsRec struct {
	m    *gds.Model
	rows []map[string]float64
}

func (r *rowsRec) Record(row *gds.Row) error {
	out := map[string]float64{}
	for _, v := range r.m.Vars() {
		switch v.Kind {
		case gds.KindFloat:
			out[v.Name] = row.Floats()[v.Slot]
		case gds.KindInt:
			out[v.Name] = float64(row.Ints()[v.Slot])
		}
	}
	r.rows = append(r.rows, out)
	return nil
}

func runModel(t testing.TB, m *gds.Model, steps int, seed uint64, set map[string]any) []map[string]float64 {
	t.Helper()
	p := m.Defaults()
	for k, v := range set {
		if err := p.Set(k, v); err != nil {
			t.Fatal(err)
		}
	}
	rec := &rowsRec{m: m}
	job := &gds.Job{Run: 1, Timesteps: steps, Params: p, Seed: [2]uint64{seed, 7}, Schedule: gds.Schedule{DropSubsteps: true}}
	if err := m.NewEngine().Run(context.Background(), job, rec); err != nil {
		t.Fatal(err)
	}
	return rec.rows
}

// TestModelFileEqualsGo: models/datadao.toml, the data DAO written as a
// model file (a population with wallets, transfers, amm.deposits and
// amm.trades), gives the Go model's rows bit for bit over the seed's 2000
// steps, shuffled with two seeds, in order of entry, and with other
// parameters.
func TestModelFileEqualsGo(t *testing.T) {
	mf, err := modelfile.Load(filepath.Join("..", "datadao.toml"))
	if err != nil {
		t.Fatal(err)
	}
	goModel, err := datadao.New()
	if err != nil {
		t.Fatal(err)
	}
	steps := 2000
	if testing.Short() || raceEnabled {
		steps = 300
	}
	for _, c := range []struct {
		name string
		set  map[string]any
		seed uint64
	}{
		{"shuffled", nil, 1},
		{"shuffled, another seed", nil, 2},
		{"in order of entry", map[string]any{"shuffle": false}, 1},
		{"higher fee, bigger waves", map[string]any{"fee": 0.01, "agents_per_entry": int64(25)}, 3},
	} {
		t.Run(c.name, func(t *testing.T) {
			want := runModel(t, goModel, steps, c.seed, c.set)
			got := runModel(t, mf, steps, c.seed, c.set)
			if len(got) != len(want) {
				t.Fatalf("%d rows, the Go model %d", len(got), len(want))
			}
			for k := range want {
				for _, col := range append(counts, aggregates...) {
					if g, w := got[k][col], want[k][col]; g != w && !(math.IsNaN(g) && math.IsNaN(w)) {
						t.Fatalf("step %d: %s = %v, the Go model's %v (relative %g)", k, col, g, w, math.Abs(g-w)/math.Abs(w))
					}
				}
			}
			if last := got[len(got)-1]; last["n_agents"] < 100 || !(last["reserve_ddt"] > 0) {
				t.Fatalf("the last step: %v", last)
			}
		})
	}
}

// BenchmarkModelFile compares the model file with the Go model on the
// shipped config's job: 2000 steps.
func BenchmarkModelFile(b *testing.B) {
	mf, err := modelfile.Load(filepath.Join("..", "datadao.toml"))
	if err != nil {
		b.Fatal(err)
	}
	goModel, err := datadao.New()
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name string
		m    *gds.Model
	}{{"go", goModel}, {"modelfile", mf}} {
		b.Run(c.name, func(b *testing.B) {
			e := c.m.NewEngine()
			job := &gds.Job{Run: 1, Timesteps: 2000, Seed: [2]uint64{1, 7}, Schedule: gds.Schedule{DropSubsteps: true}}
			for range b.N {
				if err := e.Run(context.Background(), job, nopRec{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

type nopRec struct{}

func (nopRec) Record(*gds.Row) error { return nil }
