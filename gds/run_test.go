package gds_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/statecraft/statecraft/gds"
)

// nanModel: y becomes NaN at t=3 and +Inf at t=5 (PSUB "blow", update
// "compute_y"); the vector z gets a NaN at t=4 (PSUB "grow").
func nanModel(t testing.TB) *gds.Model {
	b := gds.NewBuilder("nan")
	x := b.Float("x", 1)
	y := b.Float("y", 0)
	z := b.Vec("z", []float64{0, 0})
	b.PSUB("grow",
		x.Update(func(c *gds.Ctx) float64 { return x.Get(c) * 2 }),
		z.Update(func(c *gds.Ctx, dst []float64) []float64 {
			if c.T == 4 {
				return append(dst, 1, math.NaN())
			}
			return append(dst, float64(c.T), 0)
		}),
	)
	b.PSUB("blow", y.Update(func(c *gds.Ctx) float64 {
		switch c.T {
		case 3:
			return math.NaN()
		case 5:
			return math.Inf(1)
		case 6:
			return math.NaN()
		}
		return x.Get(c)
	}).Named("compute_y"))
	return mustBuild(t, b)
}

func TestNaNFail(t *testing.T) {
	m := nanModel(t)
	rec := &recorder{m: m}
	job := &gds.Job{Simulation: 1, Subset: 2, Run: 3, Timesteps: 10} // OnNaN zero value: NaNFail
	err := m.NewEngine().Run(context.Background(), job, rec)
	var ne *gds.NaNError
	if !errors.As(err, &ne) {
		t.Fatalf("err = %v; want a *gds.NaNError", err)
	}
	want := gds.NaNError{Simulation: 1, Subset: 2, Run: 3, Anomaly: gds.Anomaly{Timestep: 3, Substep: 2, PSUB: "blow", Block: "compute_y", Var: "y"}}
	got := *ne
	if !math.IsNaN(got.Value) {
		t.Errorf("Value = %v; want NaN", got.Value)
	}
	got.Value = 0
	if got != want {
		t.Errorf("NaNError = %+v; want %+v", got, want)
	}
	wantContains(t, err.Error(), "simulation 1, subset 2, run 3", "timestep 3, substep 2", `PSUB "blow"`, `update "compute_y"`, `variable "y"`, "NaN")
	// rows up to the one before the failing substep
	if last := rec.rows[len(rec.rows)-1]; last.T != 3 || last.K != 1 || len(rec.rows) != 6 {
		t.Errorf("recorded %d rows, last (%d,%d); want 6 rows, last (3,1)", len(rec.rows), last.T, last.K)
	}
}

func TestNaNFailVector(t *testing.T) {
	b := gds.NewBuilder("nanvec")
	z := b.Vec("z", []float64{1})
	b.PSUB("p", z.Update(func(c *gds.Ctx, dst []float64) []float64 {
		if c.T == 2 {
			return append(dst, 1, math.Inf(-1))
		}
		return append(dst, 1)
	}))
	m := mustBuild(t, b)
	err := m.NewEngine().Run(context.Background(), &gds.Job{Run: 1, Timesteps: 3}, &recorder{m: m})
	var ne *gds.NaNError
	if !errors.As(err, &ne) || ne.Timestep != 2 || ne.Var != "z" || ne.Block != "z" || !math.IsInf(ne.Value, -1) {
		t.Fatalf("err = %v; want a NaNError for z at t=2 with -Inf", err)
	}
}

func TestNaNFlag(t *testing.T) {
	m := nanModel(t)
	e := m.NewEngine()
	rec := &recorder{m: m}
	if err := e.Run(context.Background(), &gds.Job{Run: 1, Timesteps: 8, OnNaN: gds.NaNFlag}, rec); err != nil {
		t.Fatalf("Run: %v", err)
	}
	if len(rec.rows) != 17 {
		t.Errorf("%d rows; want all 17", len(rec.rows))
	}
	if y := rec.at(t, 3, 2).f("y"); !math.IsNaN(y) {
		t.Errorf("y at (3,2) = %v; want NaN (flagged, kept)", y)
	}
	if y := rec.at(t, 5, 2).f("y"); !math.IsInf(y, 1) {
		t.Errorf("y at (5,2) = %v; want +Inf", y)
	}
	an := e.Anomalies()
	if len(an) != 2 {
		t.Fatalf("Anomalies = %+v; want the first occurrence for y and for z", an)
	}
	// in order of occurrence: y at t=3, then z at t=4; y's later Inf and
	// NaN are not listed again
	if a := an[0]; a.Timestep != 3 || a.Substep != 2 || a.PSUB != "blow" || a.Block != "compute_y" || a.Var != "y" || !math.IsNaN(a.Value) {
		t.Errorf("Anomalies[0] = %+v", a)
	}
	if a := an[1]; a.Timestep != 4 || a.Substep != 1 || a.PSUB != "grow" || a.Block != "z" || a.Var != "z" || !math.IsNaN(a.Value) {
		t.Errorf("Anomalies[1] = %+v", a)
	}
	// the next job starts with no anomalies
	if err := e.Run(context.Background(), &gds.Job{Run: 1, Timesteps: 2, OnNaN: gds.NaNFlag}, rec); err != nil {
		t.Fatal(err)
	}
	if len(e.Anomalies()) != 0 {
		t.Errorf("Anomalies after a clean job = %+v; want none", e.Anomalies())
	}
}

func TestNaNIgnore(t *testing.T) {
	m := nanModel(t)
	e := m.NewEngine()
	rec := &recorder{m: m}
	if err := e.Run(context.Background(), &gds.Job{Run: 1, Timesteps: 8, OnNaN: gds.NaNIgnore}, rec); err != nil {
		t.Fatalf("Run: %v", err)
	}
	if len(rec.rows) != 17 || !math.IsNaN(rec.at(t, 3, 2).f("y")) || !math.IsNaN(rec.at(t, 4, 1).v("z")[1]) {
		t.Errorf("NaNIgnore: %d rows, y(3,2)=%v, z(4,1)=%v", len(rec.rows), rec.at(t, 3, 2).f("y"), rec.at(t, 4, 1).v("z"))
	}
	if len(e.Anomalies()) != 0 {
		t.Errorf("Anomalies = %+v; want none with NaNIgnore", e.Anomalies())
	}
}

var errBoom = errors.New("boom")

// panicModel panics in the block named by the string parameter "where"
// ("policy", "update", "runtime" or "" for none) at timestep "at".
func panicModel(t testing.TB) *gds.Model {
	b := gds.NewBuilder("panicky")
	x := b.Float("x", 0)
	n := b.Int("n", 0)
	where := b.ParamString("where", "")
	at := b.ParamInt("at", 3)
	sig := b.FloatSignal("s", gds.Sum)
	b.PSUB("first", x.Update(func(c *gds.Ctx) float64 { return x.Get(c) + 1 }))
	b.PSUB("second",
		gds.Policy("quiet", func(c *gds.Ctx) { sig.Emit(c, 1) }),
		gds.Policy("boom", func(c *gds.Ctx) {
			if where.Get(c) == "policy" && int64(c.T) == at.Get(c) {
				panic(errBoom)
			}
			sig.Emit(c, 1)
		}),
		x.Update(func(c *gds.Ctx) float64 { return x.Get(c) + sig.Get(c) }),
		n.Update(func(c *gds.Ctx) int64 {
			if int64(c.T) == at.Get(c) {
				switch where.Get(c) {
				case "update":
					panic("bad state")
				case "runtime":
					var s []int
					return int64(s[c.T]) // index out of range
				}
			}
			return n.Get(c) + 1
		}).Named("counter"),
	)
	return mustBuild(t, b)
}

func TestBlockPanics(t *testing.T) {
	m := panicModel(t)
	tests := []struct {
		where, block string
		check        func(t *testing.T, be *gds.BlockError)
	}{
		{"policy", `policy "boom"`, func(t *testing.T, be *gds.BlockError) {
			if !errors.Is(be, errBoom) {
				t.Errorf("errors.Is(err, errBoom) = false; BlockError must unwrap an error panic value")
			}
		}},
		{"update", `update "counter"`, func(t *testing.T, be *gds.BlockError) {
			if be.Value != "bad state" || be.Unwrap() != nil {
				t.Errorf("Value = %v, Unwrap = %v", be.Value, be.Unwrap())
			}
		}},
		{"runtime", `update "counter"`, func(t *testing.T, be *gds.BlockError) {
			var re runtime.Error
			if !errors.As(be, &re) {
				t.Errorf("a runtime panic does not unwrap to runtime.Error: %v", be.Value)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.where, func(t *testing.T) {
			p := m.Defaults()
			if err := p.Set("where", tc.where); err != nil {
				t.Fatal(err)
			}
			e := m.NewEngine()
			rec := &recorder{m: m}
			err := e.Run(context.Background(), &gds.Job{Simulation: 4, Subset: 5, Run: 6, Timesteps: 10, Params: p}, rec)
			var be *gds.BlockError
			if !errors.As(err, &be) {
				t.Fatalf("err = %v; want a *gds.BlockError", err)
			}
			if be.Simulation != 4 || be.Subset != 5 || be.Run != 6 || be.Timestep != 3 || be.Substep != 2 || be.PSUB != "second" || be.Block != tc.block {
				t.Errorf("BlockError = %+v; want job 4/5/6, t=3, substep 2, PSUB second, %s", be, tc.block)
			}
			if !strings.Contains(be.Stack, "panicModel") {
				t.Errorf("Stack does not show the panicking function:\n%s", be.Stack)
			}
			wantContains(t, err.Error(), "simulation 4, subset 5, run 6", "timestep 3, substep 2", `PSUB "second"`, tc.block+" panicked")
			tc.check(t, be)
			if len(rec.rows) != 6 {
				t.Errorf("%d rows recorded before the panic; want 6", len(rec.rows))
			}

			// The engine is reusable: a clean job gives the same rows as a
			// fresh engine, and so does the failing job again.
			clean := &recorder{m: m}
			job := &gds.Job{Simulation: 1, Run: 1, Timesteps: 6, Seed: [2]uint64{3, 4}}
			if err := e.Run(context.Background(), job, clean); err != nil {
				t.Fatalf("reused engine: %v", err)
			}
			if fresh := runJob(t, m, job); !reflect.DeepEqual(clean.rows, fresh.rows) {
				t.Errorf("reused engine rows differ from a fresh engine's:\n%s\n%s", fmtRows(clean.rows, "x", "n"), fmtRows(fresh.rows, "x", "n"))
			}
			var be2 *gds.BlockError
			if err := e.Run(context.Background(), &gds.Job{Simulation: 4, Subset: 5, Run: 6, Timesteps: 10, Params: p}, &recorder{m: m}); !errors.As(err, &be2) || be2.Timestep != 3 || be2.Block != tc.block {
				t.Errorf("second failing run: %v", err)
			}
		})
	}
}

type failRec struct {
	after int
	n     int
	err   error
	panic bool
}

func (r *failRec) Record(*gds.Row) error {
	r.n++
	if r.n > r.after {
		if r.panic {
			panic("recorder exploded")
		}
		return r.err
	}
	return nil
}

func TestRecorderErrorsAndPanics(t *testing.T) {
	m := panicModel(t)
	errFull := errors.New("disk full")
	for _, after := range []int{0, 4} { // the initial row, a later row
		fr := &failRec{after: after, err: errFull}
		err := m.NewEngine().Run(context.Background(), &gds.Job{Run: 1, Timesteps: 10}, fr)
		if err != errFull || fr.n != after+1 {
			t.Errorf("err = %v after %d rows; want the recorder's error as is, at row %d", err, fr.n, after+1)
		}
	}
	err := m.NewEngine().Run(context.Background(), &gds.Job{Subset: 1, Run: 2, Timesteps: 10}, &failRec{after: 2, panic: true})
	var be *gds.BlockError
	if !errors.As(err, &be) || be.Block != "" || be.Timestep != 1 || be.Substep != 2 {
		t.Fatalf("err = %v; want a BlockError outside any block at (1,2)", err)
	}
	wantContains(t, err.Error(), "subset 1, run 2", "panic outside any block: recorder exploded")
}

// randModel draws from both Ctx.Rand and Ctx.Src.
func randModel(t testing.TB) *gds.Model {
	b := gds.NewBuilder("random")
	x := b.Float("x", 0)
	u := b.Int("u", 0)
	noise := b.FloatSignal("noise", gds.Sum)
	b.PSUB("p",
		gds.Policy("a", func(c *gds.Ctx) { noise.Emit(c, c.Rand.NormFloat64()) }),
		gds.Policy("b", func(c *gds.Ctx) { noise.Emit(c, c.Rand.Float64()) }),
		x.Update(func(c *gds.Ctx) float64 { return x.Get(c) + noise.Get(c) }),
		u.Update(func(c *gds.Ctx) int64 { return int64(c.Src.Uint64() >> 1) }),
	)
	return mustBuild(t, b)
}

func TestDeterminism(t *testing.T) {
	m := randModel(t)
	job := func(seed [2]uint64) *gds.Job { return &gds.Job{Run: 1, Timesteps: 200, Seed: seed} }
	a := runJob(t, m, job([2]uint64{7, 9}))
	b := runJob(t, m, job([2]uint64{7, 9}))
	if !reflect.DeepEqual(a.rows, b.rows) {
		t.Fatal("same seed, different rows")
	}
	// the same engine, after another job, gives the same rows again
	e := m.NewEngine()
	if err := e.Run(context.Background(), job([2]uint64{1, 1}), &recorder{m: m}); err != nil {
		t.Fatal(err)
	}
	c := &recorder{m: m}
	if err := e.Run(context.Background(), job([2]uint64{7, 9}), c); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a.rows, c.rows) {
		t.Fatal("same seed on a reused engine, different rows")
	}
	for _, other := range [][2]uint64{{7, 10}, {8, 9}, {9, 7}} {
		d := runJob(t, m, job(other))
		same := 0
		for i := 1; i < len(d.rows); i++ {
			if d.rows[i].f("x") == a.rows[i].f("x") || d.rows[i].i("u") == a.rows[i].i("u") {
				same++
			}
		}
		if same > 0 {
			t.Errorf("seed %v and {7 9}: %d equal rows of 200", other, same)
		}
	}
	// The engine's stream depends on the seed only, not on the job's ids:
	// the runner derives the seed (common random numbers across A/B).
	ids := runJob(t, m, &gds.Job{Simulation: 3, Subset: 4, Run: 5, Timesteps: 200, Seed: [2]uint64{7, 9}})
	for i := range ids.rows {
		if ids.rows[i].f("x") != a.rows[i].f("x") {
			t.Fatalf("row %d: same seed, other ids, different values", i)
		}
	}
}

func TestCancellation(t *testing.T) {
	m := counterModel(t, 2)
	t.Run("cancelled before", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		rec := &recorder{m: m}
		err := m.NewEngine().Run(ctx, &gds.Job{Run: 1, Timesteps: 1 << 30}, rec)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v; want context.Canceled", err)
		}
		// checked every 256 timesteps: timesteps 1..255 ran
		if len(rec.rows) != 255*2+1 {
			t.Errorf("%d rows before stopping; want %d", len(rec.rows), 255*2+1)
		}
	})
	t.Run("cancelled during", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		n := 0
		rec := recFunc(func(r *gds.Row) error {
			if n++; n == 1000 {
				cancel()
			}
			return nil
		})
		start := time.Now()
		err := m.NewEngine().Run(ctx, &gds.Job{Run: 1, Timesteps: 1 << 30}, rec)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v; want context.Canceled", err)
		}
		if n > 1000+2*256 || time.Since(start) > 10*time.Second {
			t.Errorf("%d rows after cancelling at row 1000; want at most 256 more timesteps", n)
		}
	})
	t.Run("deadline", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		defer cancel()
		err := m.NewEngine().Run(ctx, &gds.Job{Run: 1, Timesteps: 1 << 40}, recFunc(func(*gds.Row) error { return nil }))
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("err = %v; want context.DeadlineExceeded", err)
		}
	})
}

// slotRec reads every kind of value without allocating.
type slotRec struct {
	m    *gds.Model
	sum  float64
	buf  []float64
	rows int
}

func (r *slotRec) Record(row *gds.Row) error {
	r.rows++
	for _, v := range row.Floats() {
		r.sum += v
	}
	for _, v := range row.Ints() {
		r.sum += float64(v)
	}
	for _, v := range r.m.Vars() {
		switch v.Kind {
		case gds.KindVec:
			for _, x := range row.Vec(v.Slot) {
				r.sum += x
			}
		case gds.KindAgents:
			r.buf = row.AppendAgentFloats(r.buf[:0], v.Slot, 1)
			r.sum += float64(row.AgentCount(v.Slot))
		}
	}
	return nil
}

func TestNoAllocsScalarModel(t *testing.T) {
	b := gds.NewBuilder("scalar")
	price := b.Float("price", 100, gds.Lags(3))
	count := b.Int("count", 0, gds.Lags(1))
	open := b.Bool("open", true)
	mood := b.String("mood", "calm")
	vol := b.ParamFloat("vol", 0.01)
	orders := b.IntSignal("orders", gds.Sum)
	best := b.IntSignal("best", gds.Max)
	halt := gds.SignalOf(b, "halt", func(a, v bool) bool { return a || v })
	move := b.FloatSignal("move", gds.Product)
	b.PSUB("market",
		gds.Policy("buyers", func(c *gds.Ctx) {
			orders.Emit(c, 1+int64(c.Rand.IntN(3)))
			best.Emit(c, count.Lag(c, 1))
			move.Emit(c, 1+vol.Get(c)*c.Rand.NormFloat64())
			halt.Emit(c, price.Lag(c, 3) > 1e6)
		}),
		gds.Policy("sellers", func(c *gds.Ctx) {
			orders.Emit(c, -1)
			best.Emit(c, 2)
			move.Emit(c, 1)
			halt.Emit(c, !open.Get(c))
		}),
		price.Update(func(c *gds.Ctx) float64 { return price.Get(c) * move.Get(c) }),
		count.Update(func(c *gds.Ctx) int64 { return count.Get(c) + orders.Get(c) + best.Get(c)%2 }),
		open.Update(func(c *gds.Ctx) bool { return !halt.Get(c) }),
		mood.Update(func(c *gds.Ctx) string {
			if price.Get(c) > price.Lag(c, 1) {
				return "bull"
			}
			return "bear"
		}),
	)
	m := mustBuild(t, b)
	e := m.NewEngine()
	rec := &slotRec{m: m}
	job := &gds.Job{Run: 1, Timesteps: 5000, Seed: [2]uint64{1, 2}, OnNaN: gds.NaNFail}
	allocs := testing.AllocsPerRun(5, func() {
		if err := e.Run(context.Background(), job, rec); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Fatalf("a 5000-step job allocated %v times; want 0", allocs)
	}
	if rec.rows != 6*5001 {
		t.Fatalf("%d rows", rec.rows)
	}
}

func TestNoAllocsVectorModelAfterWarmUp(t *testing.T) {
	b := gds.NewBuilder("vectors")
	bal := b.Vec("balances", []float64{100, 50, 25, 10, 5}, gds.Lags(2))
	gini := b.Float("gini", 0)
	pop := gds.AgentsOf(b, "pop", []agent{{ID: 1, Wealth: 1}, {ID: 2, Wealth: 2}})
	share := b.ParamFloat("share", 0.1)
	flows := b.VecSignal("flows", gds.Sum)
	log := b.VecSignal("log", gds.Concat)
	events := gds.ListOf[int](b, "events")
	b.PSUB("pass",
		gds.Policy("pass", func(c *gds.Ctx) {
			cur := bal.Get(c)
			var tmp [8]float64 // on the stack
			d := tmp[:len(cur)]
			for i, x := range cur {
				amt := x * share.Get(c) * float64(i+1) / float64(len(cur))
				d[i] -= amt
				d[(i+1)%len(cur)] += amt
			}
			flows.Emit(c, d)
			log.Emit(c, bal.Lag(c, 2))
			events.Emit(c, c.T)
		}),
		gds.Policy("more", func(c *gds.Ctx) {
			var z [5]float64
			flows.Emit(c, z[:])
			log.Emit(c, z[:2])
			events.Emit(c, -c.T)
		}),
		bal.Update(func(c *gds.Ctx, dst []float64) []float64 {
			for i, x := range bal.Get(c) {
				dst = append(dst, x+flows.Get(c)[i])
			}
			return dst
		}),
		pop.Update(func(c *gds.Ctx, dst []agent) []agent {
			for _, a := range pop.Get(c) {
				a.Wealth += float64(len(events.Get(c)) + len(log.Get(c)))
				dst = append(dst, a)
			}
			return dst
		}),
	)
	b.PSUB("measure", gini.Update(func(c *gds.Ctx) float64 {
		s := 0.0
		for _, x := range bal.Get(c) {
			s += x * x
		}
		return s
	}))
	m := mustBuild(t, b)
	e := m.NewEngine()
	rec := &slotRec{m: m}
	job := &gds.Job{Run: 1, Timesteps: 2000, Seed: [2]uint64{1, 2}}
	// AllocsPerRun runs once to warm up, then measures.
	allocs := testing.AllocsPerRun(5, func() {
		if err := e.Run(context.Background(), job, rec); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Fatalf("a 2000-step vector job allocated %v times after warm-up; want 0", allocs)
	}
}

// TestConcurrentEngines: engines of one model run concurrently, sharing
// the model, one Params and one initial State (run with -race). Updates
// return a parameter's slice and another variable's slice, which must
// never let an engine write into shared memory.
func TestConcurrentEngines(t *testing.T) {
	b := gds.NewBuilder("shared")
	v := b.Vec("v", []float64{1, 2, 3})
	w := b.Vec("w", nil)
	crowd := gds.AgentsOf(b, "crowd", []pair{{1, 2}})
	par := b.ParamVec("par", []float64{4, 5})
	x := b.Float("x", 0)
	b.PSUB("p",
		gds.Policy("noop", func(*gds.Ctx) {}),
		v.Update(func(c *gds.Ctx, dst []float64) []float64 {
			if c.T%3 == 0 {
				return par.Get(c)
			}
			return append(dst, float64(c.T), c.Rand.Float64())
		}),
		w.Update(func(c *gds.Ctx, _ []float64) []float64 { return v.Get(c) }),
		crowd.Update(func(c *gds.Ctx, dst []pair) []pair {
			dst = append(dst, crowd.Get(c)...)
			dst[0].B++
			return dst
		}),
		x.Update(func(c *gds.Ctx) float64 { return x.Get(c) + v.Get(c)[0] }),
	)
	m := mustBuild(t, b)
	p := m.Defaults()
	st := m.InitialState()
	if err := st.Set("v", []float64{7, 7}); err != nil {
		t.Fatal(err)
	}
	job := func() *gds.Job { return &gds.Job{Run: 1, Timesteps: 300, Params: p, Init: st, Seed: [2]uint64{5, 6}} }
	want := runJob(t, m, job())
	const N = 8
	results := make([]*recorder, N)
	errs := make([]error, N)
	done := make(chan int)
	for i := 0; i < N; i++ {
		go func() {
			results[i] = &recorder{m: m}
			errs[i] = m.NewEngine().Run(context.Background(), job(), results[i])
			done <- i
		}()
	}
	for i := 0; i < N; i++ {
		<-done
	}
	for i := 0; i < N; i++ {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		if !reflect.DeepEqual(results[i].rows, want.rows) {
			t.Fatalf("engine %d: rows differ from a lone run", i)
		}
	}
	if got, _ := p.Get("par"); !vecEq(got.([]float64), []float64{4, 5}) {
		t.Errorf("shared Params changed: %v", got)
	}
	if got, _ := st.Get("v"); !vecEq(got.([]float64), []float64{7, 7}) {
		t.Errorf("shared State changed: %v", got)
	}
}

// TestCtxPass: Ctx.Pass differs in every PSUB an engine computes, across
// timesteps and jobs, and is the same for every block of one PSUB.
func TestCtxPass(t *testing.T) {
	b := gds.NewBuilder("pass")
	x, y := b.Float("x", 0), b.Float("y", 0)
	seen := map[uint64]bool{}
	var errs []string
	for k := range 2 {
		b.PSUB(fmt.Sprintf("p%d", k), x.Update(func(c *gds.Ctx) float64 {
			if seen[c.Pass()] {
				errs = append(errs, fmt.Sprintf("pass %d again at timestep %d substep %d", c.Pass(), c.T, c.Substep))
			}
			seen[c.Pass()] = true
			return float64(c.Pass())
		}), y.Update(func(c *gds.Ctx) float64 { return float64(c.Pass()) }))
	}
	b.PSUB("check", x.Update(func(c *gds.Ctx) float64 {
		if x.Get(c) != y.Get(c) {
			errs = append(errs, fmt.Sprintf("two blocks of one PSUB saw passes %v and %v", x.Get(c), y.Get(c)))
		}
		return x.Get(c)
	}))
	m, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	clear(seen) // Build traced the model on an engine of its own
	errs = nil
	e := m.NewEngine()
	for run := 1; run <= 3; run++ {
		if err := e.Run(context.Background(), &gds.Job{Run: 1, Timesteps: 1}, recorderFunc(func(*gds.Row) error { return nil })); err != nil {
			t.Fatal(err)
		}
	}
	if len(errs) > 0 || len(seen) < 6 {
		t.Fatalf("%d passes seen; %v", len(seen), errs)
	}
}
