package gds_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/statecraft/statecraft/gds"
)

type pair struct{ A, B int64 }

// TestUpdatesReadThePreBlockState swaps two variables of every kind in one
// PSUB. If an update saw another update's result, both would end equal.
// The updates are declared in both orders.
func TestUpdatesReadThePreBlockState(t *testing.T) {
	for _, reversed := range []bool{false, true} {
		t.Run(fmt.Sprintf("reversed=%v", reversed), func(t *testing.T) {
			b := gds.NewBuilder("swap")
			f1, f2 := b.Float("f1", 1), b.Float("f2", 2)
			i1, i2 := b.Int("i1", 1), b.Int("i2", 2)
			b1, b2 := b.Bool("b1", true), b.Bool("b2", false)
			s1, s2 := b.String("s1", "one"), b.String("s2", "two")
			v1, v2 := b.Vec("v1", []float64{1}), b.Vec("v2", []float64{2, 2})
			a1 := gds.AgentsOf(b, "a1", []pair{{1, 1}})
			a2 := gds.AgentsOf(b, "a2", []pair{{2, 2}, {2, 2}})
			// A policy reads the state too: it sees the pre-block values.
			seen := b.FloatSignal("seen", gds.Sum)
			seenF := b.Float("seen_f1", 0)
			blocks := []gds.Block{
				f1.Update(func(c *gds.Ctx) float64 { return f2.Get(c) }),
				f2.Update(func(c *gds.Ctx) float64 { return f1.Get(c) }),
				i1.Update(func(c *gds.Ctx) int64 { return i2.Get(c) }),
				i2.Update(func(c *gds.Ctx) int64 { return i1.Get(c) }),
				b1.Update(func(c *gds.Ctx) bool { return b2.Get(c) }),
				b2.Update(func(c *gds.Ctx) bool { return b1.Get(c) }),
				s1.Update(func(c *gds.Ctx) string { return s2.Get(c) }),
				s2.Update(func(c *gds.Ctx) string { return s1.Get(c) }),
				v1.Update(func(c *gds.Ctx, dst []float64) []float64 { return append(dst, v2.Get(c)...) }),
				v2.Update(func(c *gds.Ctx, dst []float64) []float64 { return append(dst, v1.Get(c)...) }),
				a1.Update(func(c *gds.Ctx, dst []pair) []pair { return append(dst, a2.Get(c)...) }),
				a2.Update(func(c *gds.Ctx, dst []pair) []pair { return append(dst, a1.Get(c)...) }),
				seenF.Update(func(c *gds.Ctx) float64 { return seen.Get(c) }),
			}
			if reversed {
				for i, j := 0, len(blocks)-1; i < j; i, j = i+1, j-1 {
					blocks[i], blocks[j] = blocks[j], blocks[i]
				}
			}
			blocks = append([]gds.Block{gds.Policy("look", func(c *gds.Ctx) { seen.Emit(c, f1.Get(c)) })}, blocks...)
			b.PSUB("swap", blocks...)
			rec := runT(t, mustBuild(t, b), 3)
			for ts := 0; ts <= 3; ts++ {
				r := rec.rows[ts]
				odd := ts%2 == 1
				wantF1, wantI1, wantB1, wantS1, wantV1, wantA1 := 1.0, int64(1), true, "one", []float64{1}, []pair{{1, 1}}
				if odd {
					wantF1, wantI1, wantB1, wantS1, wantV1, wantA1 = 2, 2, false, "two", []float64{2, 2}, []pair{{2, 2}, {2, 2}}
				}
				if r.f("f1") != wantF1 || r.f("f2") != 3-wantF1 {
					t.Errorf("t=%d: floats %v %v; want %v %v", ts, r.f("f1"), r.f("f2"), wantF1, 3-wantF1)
				}
				if r.i("i1") != wantI1 || r.i("i2") != 3-wantI1 {
					t.Errorf("t=%d: ints %v %v", ts, r.i("i1"), r.i("i2"))
				}
				if r.b("b1") != wantB1 || r.b("b2") == wantB1 {
					t.Errorf("t=%d: bools %v %v", ts, r.b("b1"), r.b("b2"))
				}
				if r.s("s1") != wantS1 || r.s("s2") == wantS1 {
					t.Errorf("t=%d: strings %q %q", ts, r.s("s1"), r.s("s2"))
				}
				if !vecEq(r.v("v1"), wantV1) || len(r.v("v2")) != 3-len(wantV1) {
					t.Errorf("t=%d: vectors %v %v", ts, r.v("v1"), r.v("v2"))
				}
				if a := r.V["a1"].([]pair); len(a) != len(wantA1) || a[0] != wantA1[0] || len(r.V["a2"].([]pair)) != 3-len(wantA1) {
					t.Errorf("t=%d: agents %v %v", ts, r.V["a1"], r.V["a2"])
				}
				if ts > 0 {
					// the policy saw f1 before the swap of timestep ts
					if want := rec.rows[ts-1].f("f1"); r.f("seen_f1") != want {
						t.Errorf("t=%d: the policy saw f1=%v, want %v", ts, r.f("seen_f1"), want)
					}
				}
			}
		})
	}
}

// TestPSUBsSeeEarlierPSUBs: PSUB k reads the state after PSUB k-1; variables
// no update touches carry over, and the substep-1 row shows values from
// before later PSUBs.
func TestPSUBsSeeEarlierPSUBsAndCarryOver(t *testing.T) {
	b := gds.NewBuilder("chain")
	x := b.Float("x", 1)
	y := b.Float("y", 0)
	z := b.Float("z", 42) // never updated
	w := b.Int("w", 5)    // updated only in PSUB 3
	b.PSUB("double", x.Update(func(c *gds.Ctx) float64 { return 2 * x.Get(c) }))
	b.PSUB("copy", y.Update(func(c *gds.Ctx) float64 { return x.Get(c) + 0.5 }))
	b.PSUB("count", w.Update(func(c *gds.Ctx) int64 { return w.Get(c) + 1 }))
	rec := runT(t, mustBuild(t, b), 4)
	if len(rec.rows) != 13 {
		t.Fatalf("%d rows; want 13", len(rec.rows))
	}
	for ts := 1; ts <= 4; ts++ {
		xt := float64(int(1) << ts)
		r1, r2, r3 := rec.at(t, ts, 1), rec.at(t, ts, 2), rec.at(t, ts, 3)
		prevY := 0.0
		if ts > 1 {
			prevY = xt/2 + 0.5
		}
		if r1.f("x") != xt || r1.f("y") != prevY || r1.i("w") != int64(4+ts) {
			t.Errorf("row (%d,1): x=%v y=%v w=%v; want %v %v %v", ts, r1.f("x"), r1.f("y"), r1.i("w"), xt, prevY, 4+ts)
		}
		if r2.f("x") != xt || r2.f("y") != xt+0.5 || r2.i("w") != int64(4+ts) {
			t.Errorf("row (%d,2): x=%v y=%v w=%v", ts, r2.f("x"), r2.f("y"), r2.i("w"))
		}
		if r3.f("y") != xt+0.5 || r3.i("w") != int64(5+ts) {
			t.Errorf("row (%d,3): y=%v w=%v", ts, r3.f("y"), r3.i("w"))
		}
		for k := 1; k <= 3; k++ {
			if z := rec.at(t, ts, k).f("z"); z != 42 {
				t.Errorf("row (%d,%d): z=%v; want 42 (carried over)", ts, k, z)
			}
		}
	}
	_ = z
}

// TestCtxTimeAndIds: in every PSUB, policies and updates see T = the
// timestep being computed (1..T; cadCAD shows t-1 in PSUB 1), Substep =
// the PSUB's position (1..S) and the job's ids.
func TestCtxTimeAndIds(t *testing.T) {
	const S = 3
	b := gds.NewBuilder("clock")
	type seen struct{ t, k, pt, pk gds.Int }
	var vars [S]seen
	for k := range vars {
		vars[k] = seen{b.Int(fmt.Sprintf("t%d", k+1), -1), b.Int(fmt.Sprintf("k%d", k+1), -1),
			b.Int(fmt.Sprintf("pt%d", k+1), -1), b.Int(fmt.Sprintf("pk%d", k+1), -1)}
	}
	ids := b.String("ids", "")
	pt := b.IntSignal("pt", gds.Last)
	pk := b.IntSignal("pk", gds.Last)
	for k := range vars {
		v := vars[k]
		blocks := []gds.Block{
			gds.Policy("clock", func(c *gds.Ctx) { pt.Emit(c, int64(c.T)); pk.Emit(c, int64(c.Substep)) }),
			v.t.Update(func(c *gds.Ctx) int64 { return int64(c.T) }),
			v.k.Update(func(c *gds.Ctx) int64 { return int64(c.Substep) }),
			v.pt.Update(func(c *gds.Ctx) int64 { return pt.Get(c) }),
			v.pk.Update(func(c *gds.Ctx) int64 { return pk.Get(c) }),
		}
		if k == 0 {
			blocks = append(blocks, ids.Update(func(c *gds.Ctx) string {
				return fmt.Sprintf("%d/%d/%d", c.Simulation, c.Subset, c.Run)
			}))
		}
		b.PSUB(fmt.Sprintf("p%d", k+1), blocks...)
	}
	m := mustBuild(t, b)
	rec := runJob(t, m, &gds.Job{Simulation: 2, Subset: 5, Run: 7, Timesteps: 4})
	for _, r := range rec.rows[1:] {
		k := r.K
		name := func(p string) string { return fmt.Sprintf("%s%d", p, k) }
		if r.i(name("t")) != int64(r.T) || r.i(name("pt")) != int64(r.T) {
			t.Errorf("row (%d,%d): update saw T=%d, policy saw T=%d; want %d", r.T, k, r.i(name("t")), r.i(name("pt")), r.T)
		}
		if r.i(name("k")) != int64(k) || r.i(name("pk")) != int64(k) {
			t.Errorf("row (%d,%d): update saw Substep=%d, policy %d", r.T, k, r.i(name("k")), r.i(name("pk")))
		}
		if r.s("ids") != "2/5/7" {
			t.Errorf("row (%d,%d): ids %q; want 2/5/7", r.T, k, r.s("ids"))
		}
		if r.Sim != 2 || r.Subset != 5 || r.Run != 7 {
			t.Errorf("row ids %d/%d/%d; want 2/5/7", r.Sim, r.Subset, r.Run)
		}
	}
}

// counterModel has S PSUBs; PSUB k adds k to "x" and sets "last" to 10*t+k.
func counterModel(t testing.TB, S int) *gds.Model {
	b := gds.NewBuilder("counter")
	x := b.Int("x", 0)
	last := b.Int("last", 0)
	for k := 1; k <= S; k++ {
		b.PSUB(fmt.Sprintf("p%d", k),
			x.Update(func(c *gds.Ctx) int64 { return x.Get(c) + int64(k) }),
			last.Update(func(c *gds.Ctx) int64 { return int64(10*c.T + c.Substep) }),
		)
	}
	return mustBuild(t, b)
}

func TestRowsPerRun(t *testing.T) {
	for _, tc := range []struct{ T, S int }{{0, 1}, {0, 3}, {1, 1}, {5, 1}, {4, 3}, {7, 2}} {
		t.Run(fmt.Sprintf("T=%d,S=%d", tc.T, tc.S), func(t *testing.T) {
			m := counterModel(t, tc.S)
			rec := runJob(t, m, &gds.Job{Simulation: 1, Subset: 2, Run: 3, Timesteps: tc.T})
			if len(rec.rows) != tc.T*tc.S+1 {
				t.Fatalf("%d rows; want T*S+1 = %d", len(rec.rows), tc.T*tc.S+1)
			}
			if r := rec.rows[0]; r.T != 0 || r.K != 0 || r.i("x") != 0 {
				t.Errorf("first row (%d,%d) x=%d; want (0,0) with the initial state", r.T, r.K, r.i("x"))
			}
			sum := int64(0)
			for i, r := range rec.rows[1:] {
				ts, k := i/tc.S+1, i%tc.S+1
				sum += int64(k)
				if r.T != ts || r.K != k || r.i("last") != int64(10*ts+k) || r.i("x") != sum {
					t.Errorf("row %d: (%d,%d) last=%d x=%d; want (%d,%d) last=%d x=%d", i+1, r.T, r.K, r.i("last"), r.i("x"), ts, k, 10*ts+k, sum)
				}
			}
			for _, r := range rec.rows {
				if r.Sim != 1 || r.Subset != 2 || r.Run != 3 {
					t.Fatalf("row (%d,%d) has ids %d/%d/%d; want 1/2/3", r.T, r.K, r.Sim, r.Subset, r.Run)
				}
			}
		})
	}
}

func TestNegativeTimestepsIsAnError(t *testing.T) {
	m := counterModel(t, 1)
	err := m.NewEngine().Run(context.Background(), &gds.Job{Simulation: 1, Subset: 2, Run: 3, Timesteps: -1}, &recorder{m: m})
	if err == nil {
		t.Fatal("Run with Timesteps -1 succeeded")
	}
	wantContains(t, err.Error(), "negative timesteps -1", "simulation 1, subset 2, run 3")
}

func TestSchedules(t *testing.T) {
	type id = [2]int
	tests := []struct {
		name string
		T, S int
		sch  gds.Schedule
		want []id
	}{
		{"all", 2, 2, gds.Schedule{}, []id{{0, 0}, {1, 1}, {1, 2}, {2, 1}, {2, 2}}},
		{"every 1", 2, 2, gds.Schedule{Every: 1}, []id{{0, 0}, {1, 1}, {1, 2}, {2, 1}, {2, 2}}},
		{"drop substeps", 4, 3, gds.Schedule{DropSubsteps: true}, []id{{0, 0}, {1, 3}, {2, 3}, {3, 3}, {4, 3}}},
		{"drop substeps S=1", 2, 1, gds.Schedule{DropSubsteps: true}, []id{{0, 0}, {1, 1}, {2, 1}}},
		{"every 3", 10, 2, gds.Schedule{Every: 3}, []id{{0, 0}, {3, 1}, {3, 2}, {6, 1}, {6, 2}, {9, 1}, {9, 2}}},
		{"every 3 drop substeps", 10, 2, gds.Schedule{Every: 3, DropSubsteps: true}, []id{{0, 0}, {3, 2}, {6, 2}, {9, 2}}},
		{"every > T", 3, 1, gds.Schedule{Every: 5}, []id{{0, 0}}},
		{"final only", 5, 3, gds.Schedule{FinalOnly: true}, []id{{5, 3}}},
		{"final only S=1", 5, 1, gds.Schedule{FinalOnly: true}, []id{{5, 1}}},
		{"final only with every", 5, 2, gds.Schedule{FinalOnly: true, Every: 2, DropSubsteps: true}, []id{{5, 2}}},
		{"final only T=0", 0, 2, gds.Schedule{FinalOnly: true}, []id{{0, 0}}},
		{"T=0", 0, 2, gds.Schedule{Every: 3, DropSubsteps: true}, []id{{0, 0}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := counterModel(t, tc.S)
			full := runJob(t, m, &gds.Job{Run: 1, Timesteps: tc.T})
			rec := runJob(t, m, &gds.Job{Run: 1, Timesteps: tc.T, Schedule: tc.sch})
			var got []id
			for _, r := range rec.rows {
				got = append(got, r.id())
				// a recorded row holds the same state as in the full run
				if want := full.at(t, r.T, r.K); r.i("x") != want.i("x") || r.i("last") != want.i("last") {
					t.Errorf("row (%d,%d): x=%d last=%d; the full run has %d %d", r.T, r.K, r.i("x"), r.i("last"), want.i("x"), want.i("last"))
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("rows %v; want %v", got, tc.want)
			}
		})
	}
}

// TestExecutionOrder pins the order in which blocks run, which shows only
// through side effects such as draws from Ctx.Rand: policies in
// declaration order, then the updates grouped by kind (float, int, bool,
// string, vector, agents), each group in declaration order.
func TestExecutionOrder(t *testing.T) {
	var order []string
	b := gds.NewBuilder("order")
	a := gds.AgentsOf[pair](b, "a", nil)
	v := b.Vec("v", nil)
	s := b.String("s", "")
	bo := b.Bool("bo", false)
	i := b.Int("i", 0)
	f1 := b.Float("f1", 0)
	f2 := b.Float("f2", 0)
	mark := func(name string) { order = append(order, name) }
	b.PSUB("p",
		a.Update(func(c *gds.Ctx, dst []pair) []pair { mark("agents"); return dst }),
		gds.Policy("p2", func(*gds.Ctx) { mark("p2") }),
		v.Update(func(c *gds.Ctx, dst []float64) []float64 { mark("vec"); return dst }),
		s.Update(func(*gds.Ctx) string { mark("string"); return "" }),
		bo.Update(func(*gds.Ctx) bool { mark("bool"); return false }),
		i.Update(func(*gds.Ctx) int64 { mark("int"); return 0 }),
		f2.Update(func(*gds.Ctx) float64 { mark("f2"); return 0 }),
		gds.Policy("p1", func(*gds.Ctx) { mark("p1") }),
		f1.Update(func(*gds.Ctx) float64 { mark("f1"); return 0 }),
	)
	m := mustBuild(t, b)
	order = nil
	runT(t, m, 1)
	if got := fmt.Sprint(order); got != "[p2 p1 f2 f1 int bool string vec agents]" {
		t.Errorf("order %s", got)
	}
}
