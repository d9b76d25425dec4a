package robotmarbles_test

import (
	"context"
	"testing"

	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/models/robotmarbles"
)

// marbles checks every row: the robots only move marbles, so box_A + box_B
// stays 11, and neither box goes negative.
type marbles struct {
	t          *testing.T
	a, b, rows int
	first      [2]int64 // the row of timestep 2
}

func (m *marbles) Record(r *gds.Row) error {
	m.rows++
	boxA, boxB := r.Ints()[m.a], r.Ints()[m.b]
	if boxA+boxB != 11 || boxA < 0 || boxB < 0 {
		m.t.Errorf("timestep %d, substep %d: box_A = %d, box_B = %d; want non-negative counts that sum to 11", r.Timestep, r.Substep, boxA, boxB)
	}
	if r.Timestep == 2 {
		m.first = [2]int64{boxA, boxB}
	}
	return nil
}

func TestMarblesConserved(t *testing.T) {
	m, err := robotmarbles.New()
	if err != nil {
		t.Fatal(err)
	}
	if m.Name() != robotmarbles.Name {
		t.Fatalf("model name %q, want %q", m.Name(), robotmarbles.Name)
	}
	va, okA := m.Var("box_A")
	vb, okB := m.Var("box_B")
	if !okA || !okB || va.Kind != gds.KindInt || vb.Kind != gds.KindInt {
		t.Fatalf("want int variables box_A and box_B, got %v", m.Vars())
	}
	rec := &marbles{t: t, a: va.Slot, b: vb.Slot}
	if err := m.NewEngine().Run(context.Background(), &gds.Job{Run: 1, Timesteps: 30}, rec); err != nil {
		t.Fatal(err)
	}
	if rec.rows != 31 {
		t.Fatalf("%d rows, want 31", rec.rows)
	}
	// At t = 1 no robot acts; at t = 2 robot 1 moves one marble from A to B.
	if rec.first != [2]int64{10, 1} {
		t.Fatalf("after timestep 2: box_A, box_B = %v, want [10 1]", rec.first)
	}
}
