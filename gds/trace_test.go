package gds_test

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/statecraft/statecraft/gds"
)

// TestTraceLongBlocks: a block that uses handles more often in one call
// than the tracer's log holds runs again with a longer log, from the
// engine's state before it (its signals and random stream), and the
// Structure lists every use, the last ones included.
func TestTraceLongBlocks(t *testing.T) {
	for _, uses := range []int{10, 1023, 1024, 1025, 5000} {
		t.Run(fmt.Sprint(uses), func(t *testing.T) {
			b := gds.NewBuilder("long")
			x := b.Float("x", 1)
			n := b.Int("n", 0)
			rate := b.ParamFloat("rate", 0.5)
			late := b.ParamInt("late", 2)
			s := b.FloatSignal("s", gds.Sum)
			cnt := b.IntSignal("count", gds.Sum)
			draws := map[int]float64{} // by timestep, the policy's first draw
			b.PSUB("p",
				gds.Policy("many", func(c *gds.Ctx) {
					u := c.Rand.Float64()
					if d, ok := draws[c.T]; ok && c.Tracing() && d != u {
						panic(fmt.Sprintf("timestep %d: drew %v, then %v when run again", c.T, d, u))
					}
					draws[c.T] = u
					s.Emit(c, 1)
					v := 0.0
					for range uses {
						v += rate.Get(c)
					}
					cnt.Emit(c, late.Get(c)) // after the log filled
				}),
				x.Update(func(c *gds.Ctx) float64 {
					if got := s.Get(c); got != 1 {
						panic(fmt.Sprintf("signal s = %v, want 1 (emitted once)", got))
					}
					return x.Get(c) + s.Get(c)
				}),
				n.Update(func(c *gds.Ctx) int64 { return n.Get(c) + cnt.Get(c) }),
			)
			m := mustBuild(t, b)
			got := m.Structure()[0].Blocks
			want := []gds.BlockInfo{
				{Name: "many", Policy: true, Params: []string{"late", "rate"}, SignalsOut: []string{"count", "s"}},
				{Name: "x", Reads: []string{"x"}, SignalsIn: []string{"s"}, Writes: "x"},
				{Name: "n", Reads: []string{"n"}, SignalsIn: []string{"count"}, Writes: "n"},
			}
			for i := range want {
				g := got[i]
				g.Lags = nil
				if !reflect.DeepEqual(g, want[i]) {
					t.Errorf("block %d: %+v, want %+v", i, g, want[i])
				}
			}
		})
	}
}

// TestTraceLongHooks: a trace hook (Block.Traces) that reads more names
// than the tracer's log holds runs again, and the Structure lists its
// reads as the block's.
func TestTraceLongHooks(t *testing.T) {
	b := gds.NewBuilder("hooks")
	x := b.Float("x", 1)
	y := b.Float("y", 2)
	rate := b.ParamFloat("rate", 0.5)
	b.PSUB("p", x.Update(func(c *gds.Ctx) float64 { return x.GetUntraced(c) + rate.GetUntraced(c) + y.GetUntraced(c) }).Traces(func(c *gds.Ctx) {
		for range 3000 {
			rate.Get(c)
		}
		y.Get(c) // after the log filled
		x.Get(c)
	}))
	m := mustBuild(t, b)
	got := m.Structure()[0].Blocks[0]
	if !reflect.DeepEqual(got.Reads, []string{"x", "y"}) || !reflect.DeepEqual(got.Params, []string{"rate"}) {
		t.Fatalf("reads %v, params %v; want [x y], [rate]", got.Reads, got.Params)
	}
}
