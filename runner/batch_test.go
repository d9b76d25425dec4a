package runner

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"testing"
	"unsafe"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/statecraft/statecraft/configs"
	"github.com/statecraft/statecraft/gds"
)

// truncRec appends rows to a batch and empties it every n rows, as a
// worker does when it flushes (without the writing).
type truncRec struct {
	b *batch
	n int
}

func (r *truncRec) Record(row *gds.Row) error {
	r.b.Record(row)
	if r.b.n == r.n {
		r.b.truncate(0)
	}
	return nil
}

// TestAgentTableAllocs pins the cost model of agent tables on bench_abm
// (100 agents per row): recording a row allocates nothing once the batch
// has grown, whatever the layout, and writing an agent table costs a fixed
// number of allocations per record of chunk rows, not per agent or per
// substep row (the ids are expanded into reused buffers).
func TestAgentTableAllocs(t *testing.T) {
	for _, layout := range []string{"table", "list"} {
		t.Run(layout, func(t *testing.T) {
			p, b := abmBatch(t, 300, layout)
			if got := len(b.tables) == 1; got != (layout == "table") {
				t.Fatalf("%d agent tables in the %s layout", len(b.tables), layout)
			}
			e := p.Sims[0].Model.NewEngine()
			job := p.GDSJob(p.Job(0))
			b.setJob(job.Params, job.Init)
			rec := &truncRec{b: b, n: 64}
			allocs := testing.AllocsPerRun(3, func() {
				if err := e.Run(context.Background(), job, rec); err != nil {
					t.Fatal(err)
				}
			})
			if allocs != 0 {
				t.Errorf("a 300-step job recorded into a grown batch allocated %v times; want 0", allocs)
			}
			if layout == "list" {
				return
			}
			// fill the batch with 64 rows (6400 agent records) and write
			// them in one record, then 4 rows (400): the same allocations
			b.truncate(0)
			rec.n = -1
			if err := e.Run(context.Background(), job, rec); err != nil {
				t.Fatal(err)
			}
			nop := func(arrow.Record) error { return nil }
			var counts []float64
			for _, rows := range []int{64, 4} {
				counts = append(counts, testing.AllocsPerRun(3, func() {
					if err := b.writeTable(b.tables[0], memory.DefaultAllocator, 0, rows, 1<<16, nop); err != nil {
						t.Fatal(err)
					}
				}))
			}
			if counts[0] != counts[1] || counts[0] > 64 {
				t.Errorf("writing the agents of 64 rows allocated %v times, of 4 rows %v; want the same few", counts[0], counts[1])
			}
		})
	}
}

// TestReserve checks that a batch given room for n rows records n rows of
// a flat model without allocating: it fills up without growing.
func TestReserve(t *testing.T) {
	p, warm := testBatch(t, "model = \"predator_prey\"\ntimesteps = 999\n")
	meta := datasetMeta(p)
	e := p.Sims[0].Model.NewEngine()
	job := p.GDSJob(p.Job(0))
	warm.setJob(job.Params, job.Init)
	if err := e.Run(context.Background(), job, &truncRec{b: warm, n: -1}); err != nil {
		t.Fatal(err)
	}
	for _, reserve := range []bool{true, false} {
		b := newBatch(p, p.Schema(meta), p.AgentSchemas(meta))
		if reserve {
			b.reserve(1000)
			defer b.free()
		}
		b.setJob(job.Params, job.Init)
		b.segs = slices.Grow(b.segs, 1)
		b.segPar = slices.Grow(b.segPar, len(b.params))
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		if err := e.Run(context.Background(), job, &truncRec{b: b, n: -1}); err != nil {
			t.Fatal(err)
		}
		runtime.ReadMemStats(&after)
		allocs := after.Mallocs - before.Mallocs
		if b.n != 1000 {
			t.Fatalf("%d rows recorded; want 1000", b.n)
		}
		if reserve && allocs > 1 { // 1: the *truncRec
			t.Errorf("recording 1000 rows into a batch reserved for 1000 allocated %d times; want none", allocs)
		}
		if !reserve && allocs <= 1 {
			t.Errorf("a batch without room allocated %d times to grow; the test does not measure what it claims", allocs)
		}
	}
}

// TestReserveLists checks that a reserved batch sizes its agent columns
// at the first row for the rows it holds until it flushes, so that they
// fill up without growing (whichever agent layout).
func TestReserveLists(t *testing.T) {
	for _, layout := range []string{"table", "list"} {
		t.Run(layout, func(t *testing.T) {
			p, b := abmBatch(t, 3000, layout)
			const rows = 2000
			b.reserve(rows)
			defer b.free()
			e := p.Sims[0].Model.NewEngine()
			job := p.GDSJob(p.Job(0))
			b.setJob(job.Params, job.Init)
			agents := b.a[0]
			var first []uintptr // the fields' arrays after the first row
			stop := errors.New("full")
			err := e.Run(context.Background(), job, recorderFunc(func(r *gds.Row) error {
				b.Record(r)
				if b.n == 1 {
					for k := range agents.fields {
						first = append(first, fieldArray(agents, k))
					}
				}
				if b.n == rows || b.cells() >= maxBatchCells {
					return stop
				}
				return nil
			}))
			if !errors.Is(err, stop) {
				t.Fatalf("run: %v", err)
			}
			if b.n < 1000 {
				t.Fatalf("the batch flushed after %d rows; the test wants a batch that fills up", b.n)
			}
			for k, f := range agents.fields {
				if fieldArray(agents, k) != first[k] {
					t.Errorf("field %s: its array was reallocated while the batch filled up (%d rows)", f.Name, b.n)
				}
			}
		})
	}
}

// fieldArray returns the address of the array of agent field k's values.
func fieldArray(c *agentCol, k int) uintptr {
	switch c.fields[k].Kind {
	case gds.KindFloat:
		return uintptr(unsafe.Pointer(unsafe.SliceData(c.f[k])))
	case gds.KindInt:
		return uintptr(unsafe.Pointer(unsafe.SliceData(c.i[k])))
	case gds.KindBool:
		return uintptr(unsafe.Pointer(unsafe.SliceData(c.b[k])))
	}
	return uintptr(unsafe.Pointer(unsafe.SliceData(c.s[k])))
}

// abmBatch returns the plan of bench_abm (100 agents) for timesteps
// steps with the agent layout, and an empty batch for it.
func abmBatch(t *testing.T, timesteps int, layout string) (*Plan, *batch) {
	t.Helper()
	return testBatch(t, fmt.Sprintf("model = \"bench_abm\"\ntimesteps = %d\n[output]\nagents = %q\n", timesteps, layout))
}

// testPlan returns the plan of an experiment config.
func testPlan(t *testing.T, config string) *Plan {
	t.Helper()
	x, err := configs.Parse("test.toml", []byte(config))
	if err != nil {
		t.Fatal(err)
	}
	p, err := NewPlan(x, nil)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// testBatch returns the plan of an experiment config and an empty batch
// for it.
func testBatch(t *testing.T, config string) (*Plan, *batch) {
	t.Helper()
	p := testPlan(t, config)
	meta := datasetMeta(p)
	return p, newBatch(p, p.Schema(meta), p.AgentSchemas(meta))
}

type recorderFunc func(*gds.Row) error

func (f recorderFunc) Record(r *gds.Row) error { return f(r) }
