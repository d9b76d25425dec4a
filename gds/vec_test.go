package gds_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"github.com/statecraft/statecraft/gds"
)

// TestVecUpdateDoesNotChangeWhatOthersRead: an update that fills its spare
// buffer, or returns a fresh slice, does not change what the later blocks
// of the same PSUB read.
func TestVecUpdateDoesNotChangeWhatOthersRead(t *testing.T) {
	for _, mode := range []string{"dst", "fresh"} {
		t.Run(mode, func(t *testing.T) {
			b := gds.NewBuilder("vread")
			v := b.Vec("v", []float64{1, 2, 3})
			copyV := b.Vec("copy_v", nil)
			sumV := b.Float("sum_v", 0)
			crowd := gds.AgentsOf(b, "crowd", []pair{{0, 0}})
			b.PSUB("p",
				v.Update(func(c *gds.Ctx, dst []float64) []float64 {
					old := v.Get(c)
					if mode == "fresh" {
						dst = make([]float64, 0, len(old)+1)
					}
					for _, x := range old {
						dst = append(dst, x*10)
					}
					return append(dst, float64(c.T))
				}),
				// declared after v's update, so they run after it
				copyV.Update(func(c *gds.Ctx, dst []float64) []float64 { return append(dst, v.Get(c)...) }),
				crowd.Update(func(c *gds.Ctx, dst []pair) []pair {
					return append(dst, pair{int64(len(v.Get(c))), int64(v.Get(c)[0])})
				}),
				sumV.Update(func(c *gds.Ctx) float64 {
					s := 0.0
					for _, x := range v.Get(c) {
						s += x
					}
					return s
				}),
			)
			rec := runT(t, mustBuild(t, b), 4)
			for i := 1; i < len(rec.rows); i++ {
				prev, r := rec.rows[i-1].v("v"), rec.rows[i]
				if !vecEq(r.v("copy_v"), prev) {
					t.Errorf("t=%d: copy_v = %v; want the pre-block v %v", r.T, r.v("copy_v"), prev)
				}
				s := 0.0
				for _, x := range prev {
					s += x
				}
				if r.f("sum_v") != s {
					t.Errorf("t=%d: sum_v = %v; want %v", r.T, r.f("sum_v"), s)
				}
				if a := r.V["crowd"].([]pair); a[0] != (pair{int64(len(prev)), int64(prev[0])}) {
					t.Errorf("t=%d: the agents update saw %v; want len %d first %v", r.T, a[0], len(prev), prev[0])
				}
			}
		})
	}
}

// TestVecReturningCurrentLeavesValueUnchanged: returning Get's slice keeps
// the value, step after step, while the buffers of another variable flip.
func TestVecReturningCurrentLeavesValueUnchanged(t *testing.T) {
	b := gds.NewBuilder("keep")
	keep := b.Vec("keep", []float64{4, 5, 6})
	other := b.Vec("other", []float64{0})
	crowd := gds.AgentsOf(b, "crowd", []pair{{1, 2}, {3, 4}})
	b.PSUB("p",
		keep.Update(func(c *gds.Ctx, _ []float64) []float64 { return keep.Get(c) }),
		other.Update(func(c *gds.Ctx, dst []float64) []float64 { return append(dst, float64(c.T)) }),
		crowd.Update(func(c *gds.Ctx, _ []pair) []pair { return crowd.Get(c) }),
	)
	b.PSUB("q",
		keep.Update(func(c *gds.Ctx, _ []float64) []float64 { return keep.Get(c) }),
		other.Update(func(c *gds.Ctx, dst []float64) []float64 { return append(dst, -float64(c.T)) }),
	)
	rec := runT(t, mustBuild(t, b), 9)
	for _, r := range rec.rows {
		if !vecEq(r.v("keep"), []float64{4, 5, 6}) {
			t.Errorf("row (%d,%d): keep = %v", r.T, r.K, r.v("keep"))
		}
		if a := r.V["crowd"].([]pair); !reflect.DeepEqual(a, []pair{{1, 2}, {3, 4}}) {
			t.Errorf("row (%d,%d): crowd = %v", r.T, r.K, a)
		}
	}
}

// TestVecNoAliasing runs many substeps in which updates return every kind
// of slice an update may plausibly return: another variable's current
// slice, a subslice of it, a prefix of its own, a buffer its closure
// reuses, a signal's slice, a parameter's slice, a lag buffer. Each such
// variable is updated in only some PSUBs, and an observer declared after
// it copies what it reads in the same PSUB. Every row is checked against
// values computed without the engine: a variable must keep its value
// while not updated, and the observers must see the pre-block value.
func TestVecNoAliasing(t *testing.T) {
	const T, S = 30, 3
	b := gds.NewBuilder("alias")
	// gen is alt's value in row (t, k): its length cycles through 2, 3, 4
	// so that buffers are reused in place once they are large enough.
	gen := func(t, k int) []float64 {
		if t == 0 {
			return []float64{-1, -2}
		}
		v := make([]float64, 2+(t+k)%3)
		for i := range v {
			v[i] = float64(100*t+10*k+i) + 0.5
		}
		return v
	}
	alt := b.Vec("alt", gen(0, 0), gds.Lags(1))
	par := b.ParamVec("par", []float64{7, 8, 9})
	sig := b.VecSignal("sig", gds.Last)
	type returner struct {
		name string
		fn   func(h gds.Vec, c *gds.Ctx, dst []float64) []float64
	}
	var buf []float64
	returners := []returner{
		{"cp", func(_ gds.Vec, c *gds.Ctx, _ []float64) []float64 { return alt.Get(c) }},
		{"tail", func(_ gds.Vec, c *gds.Ctx, _ []float64) []float64 { return alt.Get(c)[1:] }},
		{"head", func(h gds.Vec, c *gds.Ctx, dst []float64) []float64 {
			if cur := h.Get(c); len(cur) > 1 {
				return cur[:len(cur)-1]
			}
			return append(dst, float64(c.T), 2, 3, 4)
		}},
		{"scratch", func(_ gds.Vec, c *gds.Ctx, _ []float64) []float64 {
			buf = append(buf[:0], float64(c.T), float64(c.T))
			return buf
		}},
		{"from_sig", func(_ gds.Vec, c *gds.Ctx, _ []float64) []float64 { return sig.Get(c) }},
		{"from_par", func(h gds.Vec, c *gds.Ctx, dst []float64) []float64 {
			if c.T%3 == 1 {
				return par.Get(c)
			}
			return append(dst, float64(c.T), 0, 0) // writes into its spare buffer
		}},
		{"from_lag", func(_ gds.Vec, c *gds.Ctx, _ []float64) []float64 { return alt.Lag(c, 1) }},
	}
	handles := map[string]gds.Vec{}
	seen := map[string]gds.Vec{}
	for _, r := range returners {
		handles[r.name] = b.Vec(r.name, []float64{0})
		seen[r.name] = b.Vec(r.name+"_seen", nil)
	}
	altUpdate := alt.Update(func(c *gds.Ctx, dst []float64) []float64 { return append(dst, gen(c.T, c.Substep)...) })
	for k := 1; k <= S; k++ {
		blocks := []gds.Block{
			gds.Policy("emit", func(c *gds.Ctx) { sig.Emit(c, []float64{float64(c.T), float64(c.Substep)}) }),
			altUpdate,
		}
		if k == 1 {
			for _, r := range returners {
				h := handles[r.name]
				blocks = append(blocks, h.Update(func(c *gds.Ctx, dst []float64) []float64 { return r.fn(h, c, dst) }))
			}
		}
		// observers run after the returners (vector updates run in
		// declaration order)
		for _, r := range returners {
			h := handles[r.name]
			blocks = append(blocks, seen[r.name].Update(func(c *gds.Ctx, dst []float64) []float64 { return append(dst, h.Get(c)...) }))
		}
		b.PSUB(fmt.Sprintf("p%d", k), blocks...)
	}
	m := mustBuild(t, b)
	rec := runT(t, m, T)

	// want[name] is the variable's value after PSUB 1 of timestep t.
	want := map[string][]float64{}
	for i, r := range rec.rows {
		if i == 0 {
			continue
		}
		prev := rec.rows[i-1]
		if got := r.v("alt"); !vecEq(got, gen(r.T, r.K)) {
			t.Fatalf("row (%d,%d): alt = %v; want %v", r.T, r.K, got, gen(r.T, r.K))
		}
		if r.K == 1 {
			altPre := gen(r.T-1, S)
			if r.T == 1 {
				altPre = gen(0, 0)
			}
			want["cp"] = altPre
			want["tail"] = altPre[1:]
			if h := prev.v("head"); len(h) > 1 {
				want["head"] = h[:len(h)-1]
			} else {
				want["head"] = []float64{float64(r.T), 2, 3, 4}
			}
			want["scratch"] = []float64{float64(r.T), float64(r.T)}
			want["from_sig"] = []float64{float64(r.T), 1}
			if r.T%3 == 1 {
				want["from_par"] = []float64{7, 8, 9}
			} else {
				want["from_par"] = []float64{float64(r.T), 0, 0}
			}
			want["from_lag"] = altPre
		}
		for _, rt := range returners {
			if got := r.v(rt.name); !vecEq(got, want[rt.name]) {
				t.Errorf("row (%d,%d): %s = %v; want %v", r.T, r.K, rt.name, got, want[rt.name])
			}
			if got := r.v(rt.name + "_seen"); !vecEq(got, prev.v(rt.name)) {
				t.Errorf("row (%d,%d): %s_seen = %v; want %s before the block, %v", r.T, r.K, rt.name, got, rt.name, prev.v(rt.name))
			}
		}
	}
	if got, _ := m.Defaults().Get("par"); !vecEq(got.([]float64), []float64{7, 8, 9}) {
		t.Errorf("the default of par changed to %v", got)
	}
}

// agent is an agent record with every supported field type and a few
// that are hidden.
type agent struct {
	ID      int
	Wealth  float64
	Active  bool
	Role    string `gds:"kind"`
	MaxBid  int64
	secret  float64 // unexported: not a field
	Skip    []int   `gds:"-"`
	HTTPUrl string
}

var _ = agent{}.secret // the unexported field exists to show it is not a column

func TestAgentsOfFieldsAndRowAccessors(t *testing.T) {
	b := gds.NewBuilder("agents")
	crowd := gds.AgentsOf(b, "crowd", []agent{
		{ID: 1, Wealth: 10, Active: true, Role: "buyer", MaxBid: 5, HTTPUrl: "a"},
		{ID: 2, Wealth: 20, Active: false, Role: "seller", MaxBid: -3, HTTPUrl: "b"},
	})
	total := b.Float("total", 0)
	b.PSUB("trade",
		crowd.Update(func(c *gds.Ctx, dst []agent) []agent {
			for _, a := range crowd.Get(c) {
				if a.Active {
					a.Wealth += 1.5
					a.MaxBid++
				}
				a.Active = !a.Active
				dst = append(dst, a)
			}
			// a newcomer every timestep
			return append(dst, agent{ID: 100 + c.T, Wealth: 0.5, Role: fmt.Sprint("new", c.T)})
		}),
		total.Update(func(c *gds.Ctx) float64 {
			s := 0.0
			for _, a := range crowd.Get(c) {
				s += a.Wealth
			}
			return s
		}),
	)
	m := mustBuild(t, b)
	v, ok := m.Var("crowd")
	if !ok || v.Kind != gds.KindAgents {
		t.Fatalf("Var(crowd) = %+v, %v", v, ok)
	}
	var names []string
	var kinds []gds.Kind
	for _, f := range v.Fields {
		names = append(names, f.Name)
		kinds = append(kinds, f.Kind)
	}
	wantNames := []string{"id", "wealth", "active", "kind", "max_bid", "http_url"}
	wantKinds := []gds.Kind{gds.KindInt, gds.KindFloat, gds.KindBool, gds.KindString, gds.KindInt, gds.KindString}
	if !reflect.DeepEqual(names, wantNames) || !reflect.DeepEqual(kinds, wantKinds) {
		t.Fatalf("fields %v %v; want %v %v", names, kinds, wantNames, wantKinds)
	}

	// Read the rows through the field accessors.
	type cols struct {
		id, bid []int64
		wealth  []float64
		active  []bool
		kind    []string
		n       int
	}
	var got []cols
	rec := recFunc(func(r *gds.Row) error {
		var c cols
		c.n = r.AgentCount(v.Slot)
		c.id = r.AppendAgentInts(nil, v.Slot, 0)
		c.wealth = r.AppendAgentFloats(nil, v.Slot, 1)
		c.active = r.AppendAgentBools(nil, v.Slot, 2)
		c.kind = r.AppendAgentStrings(nil, v.Slot, 3)
		c.bid = r.AppendAgentInts([]int64{-1}, v.Slot, 4)[1:] // appends
		got = append(got, c)
		if recs := r.Agents(v.Slot).([]agent); len(recs) != c.n {
			t.Errorf("Row.Agents has %d records, AgentCount %d", len(recs), c.n)
		}
		return nil
	})
	if err := m.NewEngine().Run(t.Context(), &gds.Job{Run: 1, Timesteps: 3}, rec); err != nil {
		t.Fatal(err)
	}
	want := []cols{
		{id: []int64{1, 2}, wealth: []float64{10, 20}, active: []bool{true, false}, kind: []string{"buyer", "seller"}, bid: []int64{5, -3}, n: 2},
		{id: []int64{1, 2, 101}, wealth: []float64{11.5, 20, 0.5}, active: []bool{false, true, false}, kind: []string{"buyer", "seller", "new1"}, bid: []int64{6, -3, 0}, n: 3},
		{id: []int64{1, 2, 101, 102}, wealth: []float64{11.5, 21.5, 0.5, 0.5}, active: []bool{true, false, true, false}, kind: []string{"buyer", "seller", "new1", "new2"}, bid: []int64{6, -2, 0, 0}, n: 4},
		{id: []int64{1, 2, 101, 102, 103}, wealth: []float64{13, 21.5, 2, 0.5, 0.5}, active: []bool{false, true, false, true, false}, kind: []string{"buyer", "seller", "new1", "new2", "new3"}, bid: []int64{7, -2, 1, 0, 0}, n: 5},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("agent columns:\n got %+v\nwant %+v", got, want)
	}
}

// TestAgentsNoAliasing: an update that drops the last record by returning
// a prefix of the current slice, next to one that edits a copy, keeps
// every block's view of the pre-block records intact.
func TestAgentsNoAliasing(t *testing.T) {
	b := gds.NewBuilder("shrink")
	init := []pair{{1, 0}, {2, 0}, {3, 0}, {4, 0}, {5, 0}, {6, 0}}
	pop := gds.AgentsOf(b, "pop", init)
	seen := b.Int("seen", 0)
	obs := gds.AgentsOf[pair](b, "obs", nil)
	b.PSUB("shrink",
		pop.Update(func(c *gds.Ctx, dst []pair) []pair {
			cur := pop.Get(c)
			if c.T%2 == 1 {
				return cur[:len(cur)-1] // drop the last
			}
			for _, a := range cur {
				a.B += 10 // edit a copy in dst
				dst = append(dst, a)
			}
			return dst
		}),
		// runs after pop's update and must see pop before the block
		obs.Update(func(c *gds.Ctx, dst []pair) []pair { return append(dst, pop.Get(c)...) }),
	)
	b.PSUB("check", seen.Update(func(c *gds.Ctx) int64 {
		s := int64(0)
		for _, a := range pop.Get(c) {
			s += a.A*1000 + a.B
		}
		return s
	}))
	rec := runT(t, mustBuild(t, b), 8)
	want := append([]pair(nil), init...)
	for ts := 1; ts <= 8; ts++ {
		if got := rec.at(t, ts, 1).V["obs"].([]pair); !reflect.DeepEqual(got, want) {
			t.Errorf("t=%d: a later update saw pop = %v; want the pre-block %v", ts, got, want)
		}
		if ts%2 == 1 {
			want = want[:len(want)-1]
		} else {
			next := make([]pair, len(want))
			for i, a := range want {
				next[i] = pair{a.A, a.B + 10}
			}
			want = next
		}
		for k := 1; k <= 2; k++ {
			if got := rec.at(t, ts, k).V["pop"].([]pair); !reflect.DeepEqual(got, want) {
				t.Errorf("row (%d,%d): pop = %v; want %v", ts, k, got, want)
			}
		}
	}
}

func TestAgentsOfBadTypes(t *testing.T) {
	type withSlice struct {
		Name  string
		Coins []float64
	}
	type withPtr struct{ Next *withPtr }
	type withFloat32 struct{ X float32 }
	tests := []struct {
		name string
		add  func(b *gds.Builder)
		want []string
	}{
		{"slice field", func(b *gds.Builder) { gds.AgentsOf(b, "pop", []withSlice{}) },
			[]string{`state variable "pop"`, "withSlice.Coins", "[]float64", "`gds:\"-\"`"}},
		{"pointer field", func(b *gds.Builder) { gds.AgentsOf[withPtr](b, "pop", nil) }, []string{"withPtr.Next"}},
		{"float32 field", func(b *gds.Builder) { gds.AgentsOf[withFloat32](b, "pop", nil) }, []string{"withFloat32.X", "float32"}},
		{"not a struct", func(b *gds.Builder) { gds.AgentsOf(b, "pop", []int{1}) }, []string{`state variable "pop"`, "agent records must be structs, got int"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := gds.NewBuilder("bad_agents")
			tc.add(b)
			x := b.Float("x", 0)
			b.PSUB("p", x.Update(func(c *gds.Ctx) float64 { return 1 }))
			wantContains(t, buildErr(t, b).Error(), tc.want...)
		})
	}
}

type recFunc func(*gds.Row) error

func (f recFunc) Record(r *gds.Row) error { return f(r) }

// TestScratch: each engine has its own scratch buffers, which keep their
// capacity, so building a vector in one does not allocate after warm-up.
func TestScratch(t *testing.T) {
	b := gds.NewBuilder("scratch")
	v := b.Vec("v", []float64{1, 2, 3})
	tmp := b.Scratch()
	b.PSUB("double", v.Update(func(c *gds.Ctx, dst []float64) []float64 {
		buf := tmp.Buf(c)
		*buf = (*buf)[:0]
		for _, x := range v.Get(c) {
			*buf = append(*buf, 2*x)
		}
		return append(dst, *buf...)
	}))
	m, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	e1, e2 := m.NewEngine(), m.NewEngine()
	var last []float64
	rec := recorderFunc(func(r *gds.Row) error { last = append(last[:0], r.Vec(0)...); return nil })
	job := &gds.Job{Run: 1, Timesteps: 3}
	if err := e1.Run(context.Background(), job, rec); err != nil {
		t.Fatal(err)
	}
	if want := []float64{8, 16, 24}; fmt.Sprint(last) != fmt.Sprint(want) {
		t.Fatalf("v = %v, want %v", last, want)
	}
	if err := e2.Run(context.Background(), job, rec); err != nil {
		t.Fatal(err)
	}
	if allocs := testing.AllocsPerRun(3, func() { e1.Run(context.Background(), job, rec) }); allocs != 0 {
		t.Errorf("%v allocations per job after warm-up", allocs)
	}
}

type recorderFunc func(*gds.Row) error

func (f recorderFunc) Record(r *gds.Row) error { return f(r) }
