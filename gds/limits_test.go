package gds_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/statecraft/statecraft/gds"
)

// TestGrowthLimits: a vector or a population that doubles every timestep
// fails its job at the timestep it passes the job's limit, with a
// *LimitError naming the size and the limit, wrapped in a *BlockError
// naming the update.
func TestGrowthLimits(t *testing.T) {
	doubling := map[string]func(b *gds.Builder){
		"vector": func(b *gds.Builder) {
			v := b.Vec("v", []float64{1})
			b.PSUB("grow", v.Update(func(c *gds.Ctx, dst []float64) []float64 {
				return append(append(dst, v.Get(c)...), v.Get(c)...)
			}))
		},
		"agents": func(b *gds.Builder) {
			a := gds.AgentsOf(b, "crowd", []pair{{1, 1}})
			b.PSUB("grow", a.Update(func(c *gds.Ctx, dst []pair) []pair {
				return append(append(dst, a.Get(c)...), a.Get(c)...)
			}))
		},
		"edit": func(b *gds.Builder) {
			a := gds.AgentsOf(b, "crowd", []pair{{1, 1}})
			b.PSUB("grow", a.Edit(func(c *gds.Ctx, tx *gds.AgentsTx[pair]) {
				for i := range tx.Len() {
					tx.Append(tx.Get(i))
				}
			}))
		},
		"records": func(b *gds.Builder) {
			fields := []gds.RecordField{{Name: "cash", Kind: gds.KindFloat}}
			init := gds.MakeColumns(fields, 1)
			r := b.Records("members", fields, init)
			b.PSUB("grow", r.Update(func(c *gds.Ctx, next *gds.Columns) { next.Resize(2 * next.N) }))
		},
	}
	for _, c := range []struct {
		model    string
		limits   gds.Limits
		timestep int // where it fails; 0: it does not
		want     string
	}{
		{"vector", gds.Limits{MaxVecLen: 1000}, 10, `update "v": a vector of 1024 elements, more than the limit of 1000 (raise it with limits.max_vector_len`},
		{"vector", gds.Limits{MaxVecLen: 1024}, 0, ""},
		{"vector", gds.Limits{}, 0, ""}, // the default: 2^24
		{"agents", gds.Limits{MaxAgents: 100}, 7, `update "crowd": a population of 128 agents, more than the limit of 100 (raise it with limits.max_agents`},
		{"edit", gds.Limits{MaxAgents: 100}, 7, `update "crowd": a population of 101 agents, more than the limit of 100`},
		{"edit", gds.Limits{MaxAgents: 1 << 10}, 0, ""},
		{"records", gds.Limits{MaxAgents: 100}, 7, `update "members": a population of 128 agents, more than the limit of 100`},
		{"records", gds.Limits{MaxAgents: 1 << 10}, 0, ""},
	} {
		b := gds.NewBuilder("grow")
		doubling[c.model](b)
		m, err := b.Build()
		if err != nil {
			t.Fatal(err)
		}
		err = m.NewEngine().Run(context.Background(), &gds.Job{Run: 1, Timesteps: 10, Limits: c.limits}, discardRec{})
		if c.timestep == 0 {
			if err != nil {
				t.Errorf("%s %+v: %v", c.model, c.limits, err)
			}
			continue
		}
		var be *gds.BlockError
		var le *gds.LimitError
		if !errors.As(err, &be) || !errors.As(err, &le) {
			t.Fatalf("%s %+v: err = %v, want a *BlockError of a *LimitError", c.model, c.limits, err)
		}
		if be.Timestep != c.timestep || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "panicked") {
			t.Errorf("%s %+v: err = %v at timestep %d\n  want timestep %d and %q", c.model, c.limits, err, be.Timestep, c.timestep, c.want)
		}
	}
}
