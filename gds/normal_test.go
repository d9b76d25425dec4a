package gds_test

import (
	"context"
	"math"
	"testing"

	"github.com/statecraft/statecraft/gds"
)

// TestNormFloat64 draws from Ctx.NormFloat64, then from math/rand/v2's
// NormFloat64 on the same stream from the same point, with other draws
// between: the numbers are the same, bit for bit, and so is the stream
// after them, over enough draws to reach every strip of the ziggurat and
// its uncommon cases (the tail, the wedges) thousands of times.
func TestNormFloat64(t *testing.T) {
	const draws = 2_000_000
	b := gds.NewBuilder("normal")
	x := b.Float("x", 0)
	var got, want []float64
	var after [2]uint64
	b.PSUB("p", x.Update(func(c *gds.Ctx) float64 {
		if c.Tracing() {
			return 0
		}
		start := *c.PCG
		for i := range draws {
			got = append(got, c.NormFloat64())
			if i%1000 == 0 {
				got = append(got, c.Rand.Float64())
			}
		}
		after[0] = c.PCG.Uint64()
		*c.PCG = start
		for i := range draws {
			want = append(want, c.Rand.NormFloat64())
			if i%1000 == 0 {
				want = append(want, c.Rand.Float64())
			}
		}
		after[1] = c.PCG.Uint64()
		return 0
	}))
	m := mustBuild(t, b)
	if err := m.NewEngine().Run(context.Background(), &gds.Job{Run: 1, Timesteps: 1, Seed: [2]uint64{11, 12}}, &rowRecorder{}); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("%d draws, want %d", len(got), len(want))
	}
	tails := 0
	for i := range want {
		if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
			t.Fatalf("draw %d: %v, want %v", i, got[i], want[i])
		}
		if math.Abs(want[i]) > 3.442619855899 { // the ziggurat's base strip's tail
			tails++
		}
	}
	if tails < 500 {
		t.Fatalf("only %d draws in the tail: the uncommon cases were not exercised", tails)
	}
	if after[0] != after[1] {
		t.Fatal("the stream is not where math/rand/v2 leaves it")
	}
}

// BenchmarkNormFloat64 compares Ctx.NormFloat64 with c.Rand.NormFloat64.
func BenchmarkNormFloat64(b *testing.B) {
	for _, name := range []string{"Ctx", "Rand"} {
		b.Run(name, func(b *testing.B) {
			bl := gds.NewBuilder("normal")
			x := bl.Float("x", 0)
			n := b.N
			bl.PSUB("p", x.Update(func(c *gds.Ctx) float64 {
				if c.Tracing() {
					return 0
				}
				s := 0.0
				if name == "Ctx" {
					for range n {
						s += c.NormFloat64()
					}
				} else {
					for range n {
						s += c.Rand.NormFloat64()
					}
				}
				return s
			}))
			m := mustBuild(b, bl)
			e := m.NewEngine()
			b.ResetTimer()
			if err := e.Run(context.Background(), &gds.Job{Run: 1, Timesteps: 1}, &rowRecorder{}); err != nil {
				b.Fatal(err)
			}
		})
	}
}
