package gds_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/statecraft/statecraft/gds"
)

// editRec is the record of the edit tests.
type editRec struct {
	ID     int64
	Wealth float64
}

// editOp is one PSUB of an edit test: what it does to the population, as
// a block and on a plain slice (the reference).
type editOp struct {
	name  string
	block func(pop gds.Agents[editRec]) []gds.Block // nil: the PSUB leaves the population alone
	ref   func(t int, a []editRec) []editRec
}

// picks returns count agent indices for timestep t, with repeats.
func picks(t, n, count int) []int {
	out := make([]int, count)
	for j := range out {
		out[j] = (t*7 + j*13) % n
	}
	return out
}

// editSome changes count records per timestep through Edit.
func editSome(count int) editOp {
	return editOp{
		name: "edit",
		block: func(pop gds.Agents[editRec]) []gds.Block {
			return []gds.Block{pop.Edit(func(c *gds.Ctx, tx *gds.AgentsTx[editRec]) {
				for _, i := range picks(c.T, tx.Len(), count) {
					tx.At(i).Wealth += float64(c.T) + tx.Get(i).Wealth/2
				}
			})}
		},
		ref: func(t int, a []editRec) []editRec {
			a = slices.Clone(a)
			for _, i := range picks(t, len(a), count) {
				a[i].Wealth += float64(t) + a[i].Wealth/2
			}
			return a
		},
	}
}

var (
	updateAll = editOp{
		name: "update all",
		block: func(pop gds.Agents[editRec]) []gds.Block {
			return []gds.Block{pop.Update(func(c *gds.Ctx, dst []editRec) []editRec {
				for _, a := range pop.Get(c) {
					a.Wealth *= 1.5
					dst = append(dst, a)
				}
				return dst
			})}
		},
		ref: func(_ int, a []editRec) []editRec {
			a = slices.Clone(a)
			for i := range a {
				a[i].Wealth *= 1.5
			}
			return a
		},
	}
	// updateScribble writes its buffer, then keeps the records as they are.
	updateScribble = editOp{
		name: "update scribble",
		block: func(pop gds.Agents[editRec]) []gds.Block {
			return []gds.Block{pop.Update(func(c *gds.Ctx, dst []editRec) []editRec {
				for range pop.Get(c) {
					dst = append(dst, editRec{ID: -1, Wealth: -1})
				}
				return pop.Get(c)
			})}
		},
		ref: func(_ int, a []editRec) []editRec { return a },
	}
	updateGrow = editOp{
		name: "update grow",
		block: func(pop gds.Agents[editRec]) []gds.Block {
			return []gds.Block{pop.Update(func(c *gds.Ctx, dst []editRec) []editRec {
				cur := pop.Get(c)
				return append(append(dst, cur...), editRec{ID: int64(len(cur) + 1), Wealth: float64(c.T)})
			})}
		},
		ref: func(t int, a []editRec) []editRec {
			return append(slices.Clone(a), editRec{ID: int64(len(a) + 1), Wealth: float64(t)})
		},
	}
	editAppend = editOp{
		name: "edit append",
		block: func(pop gds.Agents[editRec]) []gds.Block {
			return []gds.Block{pop.Edit(func(c *gds.Ctx, tx *gds.AgentsTx[editRec]) {
				tx.Append(editRec{ID: int64(tx.Len() + 1), Wealth: float64(c.T)})
				tx.At(0).Wealth++
			})}
		},
		ref: func(t int, a []editRec) []editRec {
			a = append(slices.Clone(a), editRec{ID: int64(len(a) + 1), Wealth: float64(t)})
			a[0].Wealth++
			return a
		},
	}
	nothing = editOp{
		name:  "nothing",
		block: func(gds.Agents[editRec]) []gds.Block { return nil },
		ref:   func(_ int, a []editRec) []editRec { return a },
	}
)

// TestAgentsEdit: schedules of edits, updates and PSUBs that leave the
// population alone give, at every substep, the records of the same
// changes made to plain slices; blocks of an edit's PSUB read the records
// before it.
func TestAgentsEdit(t *testing.T) {
	for _, c := range []struct {
		name  string
		n     int
		psubs []editOp
	}{
		{"edits only", 100, []editOp{editSome(5), editSome(3)}},
		{"edit nothing", 50, []editOp{editSome(0), editSome(4)}},
		{"edits past half the records", 40, []editOp{editSome(30), editSome(2)}},
		{"edits and updates", 100, []editOp{editSome(5), updateAll, editSome(7), nothing}},
		{"an update that writes its buffer and keeps the records", 60, []editOp{editSome(5), updateScribble, editSome(2)}},
		{"the population grows", 30, []editOp{updateGrow, editSome(6), editSome(1)}},
		{"edits append", 10, []editOp{editAppend, editSome(3), nothing, editAppend}},
		{"an edit appends to no records", 0, []editOp{editAppend, editSome(1)}},
		{"edits between no changes", 20, []editOp{nothing, editSome(2), nothing}},
		{"one record", 1, []editOp{editSome(1), editSome(1)}},
	} {
		t.Run(c.name, func(t *testing.T) {
			init := make([]editRec, c.n)
			for i := range init {
				init[i] = editRec{ID: int64(i + 1), Wealth: float64(i)}
			}
			b := gds.NewBuilder("edit")
			pop := gds.AgentsOf(b, "pop", init)
			seen := b.Float("seen", 0)
			for k, op := range c.psubs {
				blocks := []gds.Block{seen.Update(func(c *gds.Ctx) float64 {
					s := 0.0
					for _, a := range pop.Get(c) {
						s += a.Wealth
					}
					return s
				})}
				blocks = append(blocks, op.block(pop)...)
				b.PSUB(fmt.Sprintf("p%d", k), blocks...)
			}
			m := mustBuild(t, b)
			e := m.NewEngine()
			for job := range 2 { // the second job starts again from init
				rec := &recorder{m: m}
				if err := e.Run(context.Background(), &gds.Job{Run: 1, Timesteps: 12, Seed: [2]uint64{1, 2}}, rec); err != nil {
					t.Fatal(err)
				}
				want := init
				for _, r := range rec.rows[1:] {
					sum := 0.0
					for _, a := range want {
						sum += a.Wealth
					}
					want = c.psubs[r.K-1].ref(r.T, want)
					if got := r.V["pop"].([]editRec); !slices.Equal(got, want) {
						t.Fatalf("job %d, timestep %d, substep %d (%s):\n got %v\nwant %v", job, r.T, r.K, c.psubs[r.K-1].name, got, want)
					}
					if r.f("seen") != sum {
						t.Fatalf("job %d, timestep %d, substep %d: the PSUB saw records summing to %v, want %v (before the edit)", job, r.T, r.K, r.f("seen"), sum)
					}
				}
			}
		})
	}
}

// TestAgentsEditNoAllocs: a job that edits records allocates nothing once
// the engine's buffers are warm.
func TestAgentsEditNoAllocs(t *testing.T) {
	init := make([]editRec, 1000)
	b := gds.NewBuilder("edit")
	pop := gds.AgentsOf(b, "pop", init)
	b.PSUB("edit", pop.Edit(func(c *gds.Ctx, tx *gds.AgentsTx[editRec]) {
		for j := range 10 {
			tx.At((c.T*7+j*13)%tx.Len()).Wealth++
		}
	}))
	b.PSUB("update", pop.Update(func(c *gds.Ctx, dst []editRec) []editRec {
		if c.T%10 != 0 {
			return pop.Get(c)
		}
		return append(dst, pop.Get(c)...)
	}))
	m := mustBuild(t, b)
	e := m.NewEngine()
	rec := &slotRec{m: m}
	job := &gds.Job{Run: 1, Timesteps: 500, Seed: [2]uint64{1, 2}}
	allocs := testing.AllocsPerRun(3, func() {
		if err := e.Run(context.Background(), job, rec); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Fatalf("a 500-step job of edits allocated %v times after warm-up; want 0", allocs)
	}
}
