package gds_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/statecraft/statecraft/gds"
)

// columnRecorder lends the engine buffers of length size, whose first
// next rows are taken (a batch holding other jobs' rows), and keeps every
// row the engine stores; each ColumnsFull leaves keep rows in place, as a
// batch keeps the current job's rows when it flushes the others.
type columnRecorder struct {
	m          *gds.Model
	size, keep int
	next       int
	cols       gds.RowColumns
	fulls      int
	failAt     int // ColumnsFull call that fails, from 1; 0 for none
	rows       [][]any
	badColumns func(c *gds.RowColumns)
}

func (r *columnRecorder) Record(*gds.Row) error { panic("Record called on a ColumnRecorder") }

func (r *columnRecorder) RecordColumns(first *gds.Row) *gds.RowColumns {
	c := &r.cols
	c.Next = r.next
	c.Timestep, c.Substep = make([]int64, r.size), make([]int32, r.size)
	c.FloatSlots, c.Floats = nil, nil
	c.IntSlots, c.Ints = nil, nil
	c.BoolSlots, c.Bools = nil, nil
	for _, v := range r.m.Vars() {
		switch v.Kind {
		case gds.KindFloat:
			c.FloatSlots, c.Floats = append(c.FloatSlots, v.Slot), append(c.Floats, make([]float64, r.size))
		case gds.KindInt:
			c.IntSlots, c.Ints = append(c.IntSlots, v.Slot), append(c.Ints, make([]int64, r.size))
		case gds.KindBool:
			c.BoolSlots, c.Bools = append(c.BoolSlots, v.Slot), append(c.Bools, make([]bool, r.size))
		}
	}
	if r.badColumns != nil {
		r.badColumns(c)
	}
	return c
}

func (r *columnRecorder) ColumnsFull(n int) (int, error) {
	r.fulls++
	if r.fulls == r.failAt {
		return 0, errors.New("disk full")
	}
	c := &r.cols
	for p := c.Next; p < n; p++ {
		row := []any{c.Timestep[p], c.Substep[p]}
		for k := range c.Floats {
			row = append(row, c.Floats[k][p])
		}
		for k := range c.Ints {
			row = append(row, c.Ints[k][p])
		}
		for k := range c.Bools {
			row = append(row, c.Bools[k][p])
		}
		r.rows = append(r.rows, row)
	}
	// Fresh buffers, so that the engine must read them again.
	c.Next = min(r.keep, r.size-1)
	c.Timestep, c.Substep = make([]int64, r.size), make([]int32, r.size)
	for k := range c.Floats {
		c.Floats[k] = make([]float64, r.size)
	}
	for k := range c.Ints {
		c.Ints[k] = make([]int64, r.size)
	}
	for k := range c.Bools {
		c.Bools[k] = make([]bool, r.size)
	}
	return c.Next, nil
}

// rowRecorder keeps the rows Record receives, as columnRecorder does.
type rowRecorder struct{ rows [][]any }

func (r *rowRecorder) Record(x *gds.Row) error {
	row := []any{int64(x.Timestep), int32(x.Substep)}
	for _, v := range x.Floats() {
		row = append(row, v)
	}
	for _, v := range x.Ints() {
		row = append(row, v)
	}
	for _, v := range x.Bools() {
		row = append(row, v)
	}
	r.rows = append(r.rows, row)
	return nil
}

// columnsModel has a float, an int, a bool and a string variable over two
// PSUBs, with random draws.
func columnsModel(t *testing.T) *gds.Model {
	b := gds.NewBuilder("columns")
	x := b.Float("x", 1)
	y := b.Float("y", -2)
	n := b.Int("n", 0)
	on := b.Bool("on", false)
	s := b.String("s", "a")
	b.PSUB("walk",
		x.Update(func(c *gds.Ctx) float64 { return x.Get(c) + c.Rand.NormFloat64() }),
		n.Update(func(c *gds.Ctx) int64 { return n.Get(c) + int64(c.Rand.IntN(3)) }),
	)
	b.PSUB("follow",
		y.Update(func(c *gds.Ctx) float64 { return y.Get(c)*0.5 + x.Get(c) }),
		on.Update(func(c *gds.Ctx) bool { return x.Get(c) > y.Get(c) }),
		s.Update(func(c *gds.Ctx) string { return s.Get(c) + "b" }),
	)
	return mustBuild(t, b)
}

// floatsModel has float variables only, which the run loop stores
// itself (the other kinds go through Engine.store).
func floatsModel(t *testing.T) *gds.Model {
	b := gds.NewBuilder("floats")
	x := b.Float("x", 1)
	y := b.Float("y", 2)
	b.PSUB("walk", x.Update(func(c *gds.Ctx) float64 { return x.Get(c) + c.NormFloat64() }))
	b.PSUB("follow", y.Update(func(c *gds.Ctx) float64 { return y.Get(c)*0.5 + x.Get(c) }))
	return mustBuild(t, b)
}

// TestColumnRecorder: the rows the engine stores into a ColumnRecorder's
// columns are those Record receives, in order, under every schedule,
// whatever the buffers' length, their first free position and how often
// they fill, with float columns only and with every kind.
func TestColumnRecorder(t *testing.T) {
	for _, m := range []*gds.Model{columnsModel(t), floatsModel(t)} {
		testColumnRecorder(t, m)
	}
}

func testColumnRecorder(t *testing.T, m *gds.Model) {
	schedules := map[string]gds.Schedule{
		"every substep": {},
		"drop substeps": {DropSubsteps: true},
		"every 3":       {Every: 3},
		"final only":    {FinalOnly: true},
	}
	for name, sch := range schedules {
		for _, T := range []int{0, 1, 17} {
			for _, size := range []int{1, 2, 5, 1000} {
				for _, first := range []int{0, 1} {
					if first >= size {
						continue
					}
					t.Run(fmt.Sprintf("%s/%s/T=%d/size=%d/next=%d", m.Name(), name, T, size, first), func(t *testing.T) {
						job := &gds.Job{Run: 1, Timesteps: T, Seed: [2]uint64{3, 4}, Schedule: sch}
						want := &rowRecorder{}
						if err := m.NewEngine().Run(context.Background(), job, want); err != nil {
							t.Fatal(err)
						}
						got := &columnRecorder{m: m, size: size, keep: first, next: first}
						if err := m.NewEngine().Run(context.Background(), job, got); err != nil {
							t.Fatal(err)
						}
						if len(got.rows) != len(want.rows) {
							t.Fatalf("%d rows stored, want %d", len(got.rows), len(want.rows))
						}
						for i := range want.rows {
							if !slices.Equal(got.rows[i], want.rows[i]) {
								t.Fatalf("row %d: %v, want %v", i, got.rows[i], want.rows[i])
							}
						}
						// one call per filled buffer, and one at the end
						perBuf := size - first
						if wantFulls := max(len(want.rows)-1, 0)/perBuf + 1; got.fulls != wantFulls {
							t.Fatalf("%d ColumnsFull calls, want %d", got.fulls, wantFulls)
						}
					})
				}
			}
		}
	}
}

// noColumns is a ColumnRecorder that returns no columns: its rows come
// through Record.
type noColumns struct{ rowRecorder }

func (*noColumns) RecordColumns(*gds.Row) *gds.RowColumns { return nil }
func (*noColumns) ColumnsFull(int) (int, error)           { panic("ColumnsFull without columns") }

// TestColumnRecorderFallback: a ColumnRecorder that lends no columns
// receives every row through Record.
func TestColumnRecorderFallback(t *testing.T) {
	m := columnsModel(t)
	job := &gds.Job{Run: 1, Timesteps: 6, Seed: [2]uint64{5, 6}}
	want, got := &rowRecorder{}, &noColumns{}
	for _, r := range []gds.Recorder{want, got} {
		if err := m.NewEngine().Run(context.Background(), job, r); err != nil {
			t.Fatal(err)
		}
	}
	if len(got.rows) != 13 || fmt.Sprint(got.rows) != fmt.Sprint(want.rows) {
		t.Fatalf("rows %v, want %v", got.rows, want.rows)
	}
}

// TestColumnRecorderErrors: ColumnsFull's error ends the Run with it, and
// columns that do not fit the engine's rules are an error, not a crash.
func TestColumnRecorderErrors(t *testing.T) {
	m := columnsModel(t)
	job := &gds.Job{Run: 1, Timesteps: 20}
	r := &columnRecorder{m: m, size: 4, failAt: 2}
	if err := m.NewEngine().Run(context.Background(), job, r); err == nil || err.Error() != "disk full" {
		t.Fatalf("err = %v, want disk full", err)
	}
	if r.fulls != 2 {
		t.Fatalf("%d ColumnsFull calls, want 2 (the Run stops at the failure)", r.fulls)
	}
	for name, bad := range map[string]func(c *gds.RowColumns){
		"next past the end":     func(c *gds.RowColumns) { c.Next = len(c.Timestep) },
		"negative next":         func(c *gds.RowColumns) { c.Next = -1 },
		"short substeps":        func(c *gds.RowColumns) { c.Substep = c.Substep[:1] },
		"short float column":    func(c *gds.RowColumns) { c.Floats[1] = c.Floats[1][:2] },
		"slot out of range":     func(c *gds.RowColumns) { c.IntSlots[0] = 7 },
		"a slot without column": func(c *gds.RowColumns) { c.BoolSlots = append(c.BoolSlots, 0) },
		"no buffers":            func(c *gds.RowColumns) { c.Timestep = nil },
	} {
		t.Run(name, func(t *testing.T) {
			r := &columnRecorder{m: m, size: 4, badColumns: bad}
			err := m.NewEngine().Run(context.Background(), job, r)
			if err == nil {
				t.Fatal("no error")
			}
			wantContains(t, err.Error(), "gds: ColumnRecorder: bad")
		})
	}
}

// TestColumnRecorderRandomSizes stores long runs into buffers of random
// lengths and offsets, against Record.
func TestColumnRecorderRandomSizes(t *testing.T) {
	m := columnsModel(t)
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20 {
		size := 1 + rng.IntN(50)
		keep := rng.IntN(size)
		job := &gds.Job{Run: 1, Timesteps: rng.IntN(200), Seed: [2]uint64{rng.Uint64(), 1}}
		want := &rowRecorder{}
		got := &columnRecorder{m: m, size: size, keep: keep, next: rng.IntN(size)}
		for _, r := range []gds.Recorder{want, got} {
			if err := m.NewEngine().Run(context.Background(), job, r); err != nil {
				t.Fatal(err)
			}
		}
		if fmt.Sprint(got.rows) != fmt.Sprint(want.rows) {
			t.Fatalf("size %d keep %d: rows differ", size, keep)
		}
	}
}
