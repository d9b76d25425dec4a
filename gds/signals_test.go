package gds_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/statecraft/statecraft/gds"
)

// floatAggModel has one PSUB in which len(vals) policies each emit one
// value of a float signal with the given rule, and an update copies the
// aggregate into the variable "out".
func floatAggModel(rule gds.Rule, vals []float64) *gds.Builder {
	b := gds.NewBuilder("agg")
	out := b.Float("out", -1)
	sig := b.FloatSignal("s", rule)
	var blocks []gds.Block
	for i, v := range vals {
		blocks = append(blocks, gds.Policy(fmt.Sprintf("p%d", i), func(c *gds.Ctx) { sig.Emit(c, v) }))
	}
	blocks = append(blocks, out.Update(func(c *gds.Ctx) float64 { return sig.Get(c) }))
	b.PSUB("one", blocks...)
	return b
}

func TestFloatSignalRules(t *testing.T) {
	tests := []struct {
		rule gds.Rule
		vals []float64
		want float64
	}{
		{gds.Sum, []float64{3, -2, 5, 0.5}, 6.5},
		{gds.Sum, []float64{7}, 7},
		{gds.Product, []float64{3, -2, 5, 0.5}, -15},
		{gds.Product, []float64{2, 3}, 6}, // starts from the first value, not 0
		{gds.Min, []float64{3, -2, 5, 0.5}, -2},
		{gds.Min, []float64{3, 5}, 3}, // not min(0, ...)
		{gds.Max, []float64{3, -2, 5, 0.5}, 5},
		{gds.Max, []float64{-3, -5}, -3}, // not max(0, ...)
		{gds.Last, []float64{3, -2, 5, 0.5}, 0.5},
		{gds.Last, []float64{0.5, 5}, 5},
		{gds.Min, []float64{math.Inf(1), 1e300}, 1e300},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%s%v", tc.rule, tc.vals), func(t *testing.T) {
			m := mustBuild(t, floatAggModel(tc.rule, tc.vals))
			rec := runT(t, m, 3)
			for ts := 1; ts <= 3; ts++ {
				if got := rec.at(t, ts, 1).f("out"); got != tc.want {
					t.Errorf("t=%d: %s of %v = %v, want %v", ts, tc.rule, tc.vals, got, tc.want)
				}
			}
		})
	}
}

func TestFloatSignalSumIsLeftToRightInPolicyOrder(t *testing.T) {
	// (1e16 + 1) + 1 = 1e16 in double precision; 1e16 + (1 + 1) is not.
	big, one := 1e16, 1.0
	m := mustBuild(t, floatAggModel(gds.Sum, []float64{big, one, one}))
	if got := runT(t, m, 1).at(t, 1, 1).f("out"); got != (big+one)+one || got == big+(one+one) {
		t.Fatalf("sum = %v, want %v (left to right, in policy order)", got, (big+one)+one)
	}
}

func TestIntSignalRules(t *testing.T) {
	tests := []struct {
		rule gds.Rule
		vals []int64
		want int64
	}{
		{gds.Sum, []int64{3, -2, 5, 1}, 7},
		{gds.Product, []int64{3, -2, 5, 1}, -30},
		{gds.Product, []int64{4}, 4},
		{gds.Min, []int64{3, -2, 5, 1}, -2},
		{gds.Min, []int64{3, 5}, 3},
		{gds.Max, []int64{3, -2, 5, 1}, 5},
		{gds.Max, []int64{-3, -5}, -3},
		{gds.Last, []int64{3, -2, 5, 1}, 1},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%s%v", tc.rule, tc.vals), func(t *testing.T) {
			b := gds.NewBuilder("agg")
			out := b.Int("out", -1)
			sig := b.IntSignal("s", tc.rule)
			var blocks []gds.Block
			for i, v := range tc.vals {
				blocks = append(blocks, gds.Policy(fmt.Sprintf("p%d", i), func(c *gds.Ctx) { sig.Emit(c, v) }))
			}
			blocks = append(blocks, out.Update(func(c *gds.Ctx) int64 { return sig.Get(c) }))
			b.PSUB("one", blocks...)
			m := mustBuild(t, b)
			if got := runT(t, m, 2).at(t, 2, 1).i("out"); got != tc.want {
				t.Errorf("%s of %v = %d, want %d", tc.rule, tc.vals, got, tc.want)
			}
		})
	}
}

func TestSignalEmittedTwiceByOnePolicyAggregates(t *testing.T) {
	b := gds.NewBuilder("twice")
	out := b.Float("out", 0)
	sig := b.FloatSignal("s", gds.Max)
	b.PSUB("one",
		gds.Policy("a", func(c *gds.Ctx) { sig.Emit(c, 1); sig.Emit(c, 9); sig.Emit(c, 4) }),
		out.Update(func(c *gds.Ctx) float64 { return sig.Get(c) }),
	)
	if got := runT(t, mustBuild(t, b), 1).at(t, 1, 1).f("out"); got != 9 {
		t.Fatalf("max = %v, want 9", got)
	}
}

func TestVecSignalRules(t *testing.T) {
	emitted := [][]float64{{1, 2}, {10, 20}, {100, 200}}
	tests := []struct {
		rule gds.Rule
		want []float64
	}{
		{gds.Sum, []float64{111, 222}},
		{gds.Last, []float64{100, 200}},
		{gds.Concat, []float64{1, 2, 10, 20, 100, 200}},
	}
	for _, tc := range tests {
		t.Run(tc.rule.String(), func(t *testing.T) {
			b := gds.NewBuilder("vagg")
			out := b.Vec("out", nil)
			sig := b.VecSignal("s", tc.rule)
			var blocks []gds.Block
			for i, v := range emitted {
				blocks = append(blocks, gds.Policy(fmt.Sprintf("p%d", i), func(c *gds.Ctx) {
					// Each timestep scales the vectors by t: values must
					// not leak from one substep into the next.
					buf := make([]float64, len(v))
					for j := range v {
						buf[j] = v[j] * float64(c.T)
					}
					sig.Emit(c, buf)
					buf[0] = 999 // Emit copies: this must not reach the signal
				}))
			}
			blocks = append(blocks, out.Update(func(c *gds.Ctx, dst []float64) []float64 { return append(dst, sig.Get(c)...) }))
			b.PSUB("one", blocks...)
			rec := runT(t, mustBuild(t, b), 4)
			for ts := 1; ts <= 4; ts++ {
				want := make([]float64, len(tc.want))
				for j := range want {
					want[j] = tc.want[j] * float64(ts)
				}
				if got := rec.at(t, ts, 1).v("out"); !vecEq(got, want) {
					t.Errorf("t=%d: %s = %v, want %v", ts, tc.rule, got, want)
				}
			}
		})
	}
}

func TestVecSignalSumOfDifferentLengthsIsAnError(t *testing.T) {
	b := gds.NewBuilder("vlen")
	out := b.Vec("out", nil)
	sig := b.VecSignal("flows", gds.Sum)
	b.PSUB("trade",
		gds.Policy("a", func(c *gds.Ctx) { sig.Emit(c, []float64{1, 2}) }),
		gds.Policy("b", func(c *gds.Ctx) {
			if c.T == 20 { // beyond the traced timesteps
				sig.Emit(c, []float64{1, 2, 3})
			} else {
				sig.Emit(c, []float64{1, 2})
			}
		}),
		out.Update(func(c *gds.Ctx, dst []float64) []float64 { return append(dst, sig.Get(c)...) }),
	)
	m := mustBuild(t, b)
	err := m.NewEngine().Run(context.Background(), &gds.Job{Run: 1, Timesteps: 30}, &recorder{m: m})
	var be *gds.BlockError
	if !errors.As(err, &be) {
		t.Fatalf("err = %v; want a *gds.BlockError", err)
	}
	if be.Timestep != 20 || be.Substep != 1 || be.PSUB != "trade" || be.Block != `policy "b"` {
		t.Errorf("BlockError at t=%d k=%d %s %s; want t=20 k=1 PSUB trade, policy \"b\"", be.Timestep, be.Substep, be.PSUB, be.Block)
	}
	wantContains(t, err.Error(), `signal flows`, "different lengths (2 and 3)")
	if be.Unwrap() == nil {
		t.Errorf("BlockError.Unwrap() = nil; want the length error")
	}
}

func TestListSignal(t *testing.T) {
	b := gds.NewBuilder("lists")
	log1 := b.String("log1", "")
	log2 := b.String("log2", "")
	n := b.Int("n", 0)
	events := gds.ListOf[string](b, "events")
	join := func(c *gds.Ctx) string { return strings.Join(events.Get(c), ",") }
	b.PSUB("first",
		gds.Policy("a", func(c *gds.Ctx) { events.Emit(c, fmt.Sprintf("a%d", c.T)) }),
		gds.Policy("b", func(c *gds.Ctx) {
			events.Emit(c, fmt.Sprintf("b%d", c.T))
			events.Emit(c, fmt.Sprintf("B%d", c.T))
		}),
		log1.Update(join),
		n.Update(func(c *gds.Ctx) int64 { return int64(len(events.Get(c))) }),
	)
	b.PSUB("second",
		// Emits only at even timesteps; at odd ones the list is empty, not
		// the previous PSUB's values.
		gds.Policy("even", func(c *gds.Ctx) {
			if c.T%2 == 0 {
				events.Emit(c, fmt.Sprintf("e%d", c.T))
			}
		}).Emits(events),
		log2.Update(join),
		n.Update(func(c *gds.Ctx) int64 { return int64(len(events.Get(c))) }),
	)
	rec := runT(t, mustBuild(t, b), 5)
	for ts := 1; ts <= 5; ts++ {
		r1, r2 := rec.at(t, ts, 1), rec.at(t, ts, 2)
		if want := fmt.Sprintf("a%d,b%d,B%d", ts, ts, ts); r1.s("log1") != want || r1.i("n") != 3 {
			t.Errorf("t=%d substep 1: list %q (n=%d), want %q (n=3)", ts, r1.s("log1"), r1.i("n"), want)
		}
		want, wantN := "", int64(0)
		if ts%2 == 0 {
			want, wantN = fmt.Sprintf("e%d", ts), 1
		}
		if r2.s("log2") != want || r2.i("n") != wantN {
			t.Errorf("t=%d substep 2: list %q (n=%d), want %q (n=%d)", ts, r2.s("log2"), r2.i("n"), want, wantN)
		}
	}
}

func TestListOfStructs(t *testing.T) {
	type order struct {
		Who  string
		Size float64
	}
	b := gds.NewBuilder("orders")
	total := b.Float("total", 0)
	book := gds.ListOf[order](b, "book")
	b.PSUB("match",
		gds.Policy("alice", func(c *gds.Ctx) { book.Emit(c, order{"alice", 1.5}) }),
		gds.Policy("bob", func(c *gds.Ctx) { book.Emit(c, order{"bob", float64(c.T)}) }),
		total.Update(func(c *gds.Ctx) float64 {
			s := 0.0
			for _, o := range book.Get(c) {
				s += o.Size
			}
			return s
		}),
	)
	rec := runT(t, mustBuild(t, b), 3)
	for ts := 1; ts <= 3; ts++ {
		if got, want := rec.at(t, ts, 1).f("total"), 1.5+float64(ts); got != want {
			t.Errorf("t=%d: total = %v, want %v", ts, got, want)
		}
	}
}

func TestSignalOfCustomReducer(t *testing.T) {
	type bid struct {
		Who    string
		Amount float64
	}
	calls := 0
	b := gds.NewBuilder("auction")
	winner := b.String("winner", "")
	order := b.String("order", "")
	best := gds.SignalOf(b, "best", func(acc, v bid) bid {
		calls++
		if v.Amount > acc.Amount {
			return v
		}
		return acc // ties keep the earlier bid
	})
	seq := gds.SignalOf(b, "seq", func(acc, v string) string { return acc + "|" + v })
	bids := []bid{{"ann", 3}, {"bo", 7}, {"cy", 7}, {"di", 1}}
	var blocks []gds.Block
	for _, x := range bids {
		blocks = append(blocks, gds.Policy(x.Who, func(c *gds.Ctx) {
			best.Emit(c, x)
			seq.Emit(c, x.Who)
		}))
	}
	blocks = append(blocks,
		winner.Update(func(c *gds.Ctx) string { return best.Get(c).Who }),
		order.Update(func(c *gds.Ctx) string { return seq.Get(c) }),
	)
	b.PSUB("auction", blocks...)
	m := mustBuild(t, b)
	calls = 0
	r := runT(t, m, 1).at(t, 1, 1)
	if r.s("winner") != "bo" {
		t.Errorf("winner = %q, want bo (the first of the highest bids)", r.s("winner"))
	}
	if r.s("order") != "ann|bo|cy|di" {
		t.Errorf("fold order = %q, want ann|bo|cy|di (policy order)", r.s("order"))
	}
	if calls != len(bids)-1 {
		t.Errorf("reducer called %d times for %d values; want %d (the first value is kept as is)", calls, len(bids), len(bids)-1)
	}
}

// TestUnemittedSignalsReadZero: a signal that no policy emitted in the
// current PSUB reads as 0 (or empty, or the zero value), even if it was
// emitted in an earlier PSUB of the same timestep.
func TestUnemittedSignalsReadZero(t *testing.T) {
	b := gds.NewBuilder("zero")
	gotF := b.Float("got_f", -1)
	gotI := b.Int("got_i", -1)
	gotV := b.Vec("got_v", []float64{-1})
	gotC := b.String("got_c", "init")
	gotL := b.Int("got_l", -1)
	fs := b.FloatSignal("fs", gds.Sum)
	is := b.IntSignal("is", gds.Product)
	vs := b.VecSignal("vs", gds.Concat)
	cs := gds.SignalOf(b, "cs", func(a, v string) string { return a + v })
	ls := gds.ListOf[int](b, "ls")
	emitAll := func(c *gds.Ctx) {
		fs.Emit(c, 2.5)
		is.Emit(c, 3)
		vs.Emit(c, []float64{1, 2})
		cs.Emit(c, "x")
		ls.Emit(c, 7)
	}
	updates := func() []gds.Block {
		return []gds.Block{
			gotF.Update(func(c *gds.Ctx) float64 { return fs.Get(c) }),
			gotI.Update(func(c *gds.Ctx) int64 { return is.Get(c) }),
			gotV.Update(func(c *gds.Ctx, dst []float64) []float64 { return append(dst, vs.Get(c)...) }),
			gotC.Update(func(c *gds.Ctx) string { return cs.Get(c) }),
			gotL.Update(func(c *gds.Ctx) int64 { return int64(len(ls.Get(c))) }),
		}
	}
	b.PSUB("always", append([]gds.Block{gds.Policy("emit", emitAll)}, updates()...)...)
	b.PSUB("sometimes", append([]gds.Block{gds.Policy("odd", func(c *gds.Ctx) {
		if c.T%2 == 1 {
			emitAll(c)
		}
	}).Emits(fs, is, vs, cs, ls)}, updates()...)...)
	rec := runT(t, mustBuild(t, b), 4)
	for ts := 1; ts <= 4; ts++ {
		for k := 1; k <= 2; k++ {
			r := rec.at(t, ts, k)
			emitted := k == 1 || ts%2 == 1
			wf, wi, wv, wc, wl := 0.0, int64(0), []float64{}, "", int64(0)
			if emitted {
				wf, wi, wv, wc, wl = 2.5, 3, []float64{1, 2}, "x", 1
			}
			if r.f("got_f") != wf || r.i("got_i") != wi || !vecEq(r.v("got_v"), wv) || r.s("got_c") != wc || r.i("got_l") != wl {
				t.Errorf("row (%d,%d): f=%v i=%v v=%v c=%q l=%v; want %v %v %v %q %v",
					ts, k, r.f("got_f"), r.i("got_i"), r.v("got_v"), r.s("got_c"), r.i("got_l"), wf, wi, wv, wc, wl)
			}
		}
	}
}

func TestRuleNames(t *testing.T) {
	for _, r := range []gds.Rule{gds.Sum, gds.Product, gds.Min, gds.Max, gds.Last, gds.Concat, gds.Append, gds.Custom} {
		got, ok := gds.ParseRule(r.String())
		if !ok || got != r {
			t.Errorf("ParseRule(%q) = %v, %v; want %v", r.String(), got, ok, r)
		}
	}
	if _, ok := gds.ParseRule("average"); ok {
		t.Errorf("ParseRule(average) succeeded; there is no such rule")
	}
	b := gds.NewBuilder("rules")
	b.FloatSignal("f", gds.Append)
	b.IntSignal("i", gds.Custom)
	b.PSUB("p", gds.Policy("noop", func(*gds.Ctx) {}))
	if _, err := b.Build(); err == nil || !strings.Contains(err.Error(), `signal "f": rule append does not apply to float signals`) ||
		!strings.Contains(err.Error(), `signal "i": rule custom does not apply to int signals`) {
		t.Errorf("append/custom on scalar signals: err = %v", err)
	}
	if gds.Rule(99).String() != "invalid" || gds.Kind(99).String() != "invalid" {
		t.Errorf("out-of-range Rule/Kind should print as invalid")
	}
	kinds := map[gds.Kind]string{gds.KindFloat: "float", gds.KindInt: "int", gds.KindBool: "bool", gds.KindString: "string",
		gds.KindVec: "vector", gds.KindAgents: "agents", gds.KindList: "list", gds.KindCustom: "custom"}
	for k, want := range kinds {
		if k.String() != want {
			t.Errorf("Kind(%d).String() = %q, want %q", k, k.String(), want)
		}
	}
}
