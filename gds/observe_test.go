package gds_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/statecraft/statecraft/gds"
)

// slotObserver collects the series of the slots it names, through
// buffers of length size.
type slotObserver struct {
	recorder
	slots  []int
	bufs   [][]float64
	series [][]float64
	fulls  int
}

func (o *slotObserver) Observe(*gds.Row) { panic("Observe called on a SlotObserver with slots") }

func (o *slotObserver) ObservedFloats() ([]int, [][]float64) { return o.slots, o.bufs }

func (o *slotObserver) ObserveFull(n int) {
	o.fulls++
	for i := range o.slots {
		o.series[i] = append(o.series[i], o.bufs[i][:n]...)
	}
}

// TestSlotObserver: the engine copies any number of observed slots (an
// odd one is paired with a scratch copy), in any order, at the end of
// every timestep, and hands over full buffers and the rest at the end.
func TestSlotObserver(t *testing.T) {
	b := gds.NewBuilder("five")
	var vars []gds.Float
	for i := range 5 {
		vars = append(vars, b.Float(fmt.Sprintf("x%d", i), float64(i)))
	}
	var ups, ups2 []gds.Block
	for i, v := range vars {
		ups = append(ups, v.Update(func(c *gds.Ctx) float64 { return v.Get(c) + float64(i+1) }))
		ups2 = append(ups2, v.Update(func(c *gds.Ctx) float64 { return v.Get(c) * 2 }))
	}
	b.PSUB("add", ups...)
	b.PSUB("double", ups2...)
	m, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	slotOf := map[string]int{}
	for _, v := range m.Vars() {
		slotOf[v.Name] = v.Slot
	}
	for _, tt := range []struct {
		names []string
		size  int
	}{
		{[]string{"x3"}, 4},
		{[]string{"x0", "x1"}, 3},
		{[]string{"x4", "x0", "x2"}, 5},
		{[]string{"x0", "x1", "x2", "x3"}, 2},
		{[]string{"x2", "x4", "x1", "x3", "x0"}, 7},
		{[]string{"x1", "x1"}, 1},
	} {
		t.Run(fmt.Sprint(tt.names, tt.size), func(t *testing.T) {
			const T = 10
			o := &slotObserver{recorder: recorder{m: m}}
			for _, n := range tt.names {
				o.slots = append(o.slots, slotOf[n])
				o.bufs = append(o.bufs, make([]float64, tt.size))
				o.series = append(o.series, nil)
			}
			sched := gds.Schedule{DropSubsteps: true}
			if err := m.NewEngine().Run(context.Background(), &gds.Job{Run: 1, Timesteps: T, Schedule: sched}, o); err != nil {
				t.Fatal(err)
			}
			if len(o.rows) != T+1 {
				t.Fatalf("%d rows recorded, want %d", len(o.rows), T+1)
			}
			if want := (T + 1 + tt.size - 1) / tt.size; o.fulls != want {
				t.Errorf("ObserveFull called %d times, want %d", o.fulls, want)
			}
			for i, n := range tt.names {
				if len(o.series[i]) != T+1 {
					t.Fatalf("%s: %d observations, want %d", n, len(o.series[i]), T+1)
				}
				for k, r := range o.rows {
					if got, want := o.series[i][k], r.f(n); got != want {
						t.Errorf("%s at timestep %d: observed %v, recorded %v", n, k, got, want)
					}
				}
			}
		})
	}
}
